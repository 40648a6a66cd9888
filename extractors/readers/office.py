"""Legacy and OpenDocument files (.ppt .pps .pot .odp, .doc .odt .docx .rtf) converted with
LibreOffice headless, so the pptx and PDF readers read them as usual.

Presentations become .pptx (slides, titles, notes and tables survive, which a PDF would
flatten); text documents become .pdf. What a file is comes from its bytes (the kind its Source
was sniffed as, extractors.readers.sniff), not its name: an OLE file holding a "PowerPoint Document" stream is a presentation whatever it
is called.
Every call runs soffice with a private profile directory, so parallel conversions do not
fight over one profile's lock, and within a time limit, after which the whole soffice
process group is killed.

This module only converts: it must not read the converted file, and it leaves nothing behind
but the converted file, which the caller deletes when done.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from models.errors import ReadError
from extractors.readers.sniff import DAMAGED, damaged_error, format_of, kind_for_extension
from extractors.readers.source import Source

SOFFICE = "soffice"
_PPTX_FILTER = "pptx:Impress MS PowerPoint 2007 XML"
_PDF_FILTER = "pdf:writer_pdf_Export"
# kind → (what it becomes, LibreOffice's import filter). Naming the import filter matters: left
# to guess, LibreOffice opens a damaged file as plain text and "converts" the garbage.
_TARGETS = {
    "ppt": ("pptx", "MS PowerPoint 97"),
    "odp": ("pptx", "impress8"),
    "doc": ("pdf", "MS Word 97"),
    "odt": ("pdf", "writer8"),
    "docx": ("pdf", "MS Word 2007 XML"),
    "rtf": ("pdf", "Rich Text Format"),
}


def _target(path: Path, kind: str) -> tuple[str, str]:
    """What the file should become ('pptx' or 'pdf') and the import filter for what it is."""
    if kind in _TARGETS:
        return _TARGETS[kind]
    if kind.startswith(DAMAGED):
        raise damaged_error(kind)
    suffix = path.suffix.lower()
    named = kind_for_extension(suffix)
    expected = format_of(named).what if named in _TARGETS else "an Office file LibreOffice converts"
    raise ReadError("corrupt", f"the file is named {suffix or '(no extension)'} but holds {format_of(kind).what}, "
                               f"not {expected}; it is damaged or not what its name says")


def convert_legacy(source: Source, timeout_s: float = 120) -> Path:
    """Convert with LibreOffice; return the .pptx or .pdf, in the system's temporary directory.

    The caller owns the returned file and deletes it. Raises ReadError: "corrupt" or
    "unsupported" for files LibreOffice should not be given, "timeout", and "conversion" when
    LibreOffice fails or produces nothing.
    """
    original = Path(source.path)
    target, import_filter = _target(original, source.kind)
    if shutil.which(SOFFICE) is None:
        raise ReadError("conversion", "LibreOffice (soffice) is not installed; "
                                      "it is needed for .ppt, .doc and OpenDocument files")
    work = Path(tempfile.mkdtemp(prefix="saman-soffice-"))
    try:
        profile, outdir = work / "profile", work / "out"
        outdir.mkdir()
        # A copy under a plain name: soffice names its output after the input, and some
        # archive names (leading dashes, odd characters) confuse its command line.
        staged = outdir.parent / f"input{original.suffix.lower() or '.bin'}"
        shutil.copyfile(original, staged)
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
            said = stderr.decode("utf-8", "replace").strip().splitlines()
            raise ReadError("conversion", "LibreOffice could not convert the file; it is probably damaged, "
                                          "or saved by a program LibreOffice does not understand",
                            detail=f"soffice exit {proc.returncode}" + (f": {said[-1]}" if said else ""))
        fd, result = tempfile.mkstemp(prefix="saman-converted-", suffix=f".{target}")
        os.close(fd)
        shutil.move(produced, result)
        return Path(result)
    finally:
        shutil.rmtree(work, ignore_errors=True)
