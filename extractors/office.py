"""Legacy and OpenDocument files (.ppt .pps .pot .odp, .doc .odt .docx .rtf) converted with
LibreOffice headless, so the pptx and PDF readers read them as usual.

Presentations become .pptx (slides, titles, notes and tables survive, which a PDF would
flatten); text documents become .pdf. What a file is comes from its bytes, not its name: an
OLE file holding a "PowerPoint Document" stream is a presentation whatever it is called.
Every call runs soffice with a private profile directory, so parallel conversions do not
fight over one profile's lock, and within a time limit, after which the whole soffice
process group is killed.

This module only converts: it must not read the converted file, and it leaves nothing behind
but the converted file, which the caller deletes when done.
"""

from __future__ import annotations

import mmap
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path

from extractors.errors import ReadError

SOFFICE = "soffice"
_PPTX_FILTER = "pptx:Impress MS PowerPoint 2007 XML"
_PDF_FILTER = "pdf:writer_pdf_Export"
_PRESENTATION_SUFFIXES = {".ppt", ".pps", ".pot", ".odp"}
_DOCUMENT_SUFFIXES = {".doc", ".odt", ".docx", ".rtf"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _target(path: Path) -> tuple[str, str]:
    """What the file should become ('pptx' or 'pdf') and the import filter for what it is.

    Naming the import filter matters: left to guess, LibreOffice opens a damaged file as
    plain text and "converts" the garbage without complaint.
    """
    with open(path, "rb") as fh:
        head = fh.read(8)
        if head == _OLE_MAGIC:
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
                if data.find("PowerPoint Document".encode("utf-16-le")) != -1:
                    return "pptx", "MS PowerPoint 97"
                if data.find("WordDocument".encode("utf-16-le")) != -1:
                    return "pdf", "MS Word 97"
            raise ReadError("unsupported", "the file is an OLE (old Office) file that is neither PowerPoint nor Word")
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
                mimetype = zf.read("mimetype").decode("ascii", "ignore") if "mimetype" in names else ""
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise ReadError("corrupt", f"the file is a damaged zip archive ({exc})") from exc
        if "presentation" in mimetype:
            return "pptx", "impress8"
        if "text" in mimetype:
            return "pdf", "writer8"
        if "word/document.xml" in names:
            return "pdf", "MS Word 2007 XML"
        raise ReadError("unsupported", "the file is a zip archive but not an OpenDocument or Word file")
    if head.startswith(b"{\\rtf"):
        return "pdf", "Rich Text Format"
    suffix = path.suffix.lower()
    expected = "PowerPoint" if suffix in _PRESENTATION_SUFFIXES else "Word" if suffix in _DOCUMENT_SUFFIXES else "office"
    raise ReadError("corrupt", f"the file is named {suffix or '(no extension)'} but does not hold a {expected} file; "
                               "it is damaged or not what its name says")


def convert_legacy(path: str, timeout_s: float = 120) -> Path:
    """Convert with LibreOffice; return the .pptx or .pdf, in the system's temporary directory.

    The caller owns the returned file and deletes it. Raises ReadError: "corrupt" or
    "unsupported" for files LibreOffice should not be given, "timeout", and "conversion" when
    LibreOffice fails or produces nothing.
    """
    source = Path(path)
    if not source.is_file():
        raise ReadError("unsupported", "not a regular file")
    if source.stat().st_size == 0:
        raise ReadError("empty", "the file is empty (0 bytes)")
    target, import_filter = _target(source)
    if shutil.which(SOFFICE) is None:
        raise ReadError("conversion", "LibreOffice (soffice) is not installed; "
                                      "it is needed for .ppt, .doc and OpenDocument files")
    work = Path(tempfile.mkdtemp(prefix="saman-soffice-"))
    try:
        profile, outdir = work / "profile", work / "out"
        outdir.mkdir()
        # A copy under a plain name: soffice names its output after the input, and some
        # archive names (leading dashes, odd characters) confuse its command line.
        staged = outdir.parent / f"input{source.suffix.lower() or '.bin'}"
        shutil.copyfile(source, staged)
        export_filter = _PPTX_FILTER if target == "pptx" else _PDF_FILTER
        cmd = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nologo",
               "--nodefault", "--nolockcheck", f"--infilter={import_filter}", "--convert-to", export_filter,
               "--outdir", str(outdir), str(staged)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            _, stderr = proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise ReadError("timeout", f"LibreOffice took longer than {timeout_s:g} s to convert the file; "
                                       "it was stopped") from None
        produced = outdir / f"input.{target}"
        if proc.returncode != 0 or not produced.is_file() or produced.stat().st_size == 0:
            detail = stderr.decode("utf-8", "replace").strip().splitlines()
            raise ReadError("conversion", f"LibreOffice could not convert the file to {target}"
                                          + (f" ({detail[-1]})" if detail else "") + "; it may be damaged")
        fd, result = tempfile.mkstemp(prefix="saman-converted-", suffix=f".{target}")
        os.close(fd)
        shutil.move(produced, result)
        return Path(result)
    finally:
        shutil.rmtree(work, ignore_errors=True)
