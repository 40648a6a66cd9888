"""What a file is, from its bytes: the one table of formats saman knows, and the sniffing that
picks a file's format.

The archive holds files whose names lie (HTML saved as .pdf, a PDF named .pptx, an old binary
deck under .pptx), files cut short in a copy, and files of every other kind (photos, audio,
archives, spreadsheets). So a file's format comes from its bytes, and the name is used only
to tell plain-text kinds apart (.csv from .txt) and to say when a name lies. Every format has
a plain-words name, so a file saman does not read still gets a record that says what it is.

`FORMATS` is the table: kind → plain words, media type and the names it goes by, for every
kind the bytes can show; which of them saman reads, and how, is the reader registry's
(extractors.readers.registry). A zip or OLE file whose directory is broken or cut short
sniffs as `damaged-<kind>`, with the kind its surviving parts name.

This module reads only as much of a file as sniffing needs (its head, a zip's or OLE file's
directory); it never parses content and imports no reader.
"""

from __future__ import annotations

import codecs
import mmap
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from models.errors import ReadError
from extractors.readers.ole import MAGIC as OLE_MAGIC
from extractors.readers.ole import DamagedOle, top_level_streams

DAMAGED = "damaged-"


@dataclass(frozen=True)
class Format:
    what: str                   # plain words for a clerk: "a PowerPoint presentation"
    media_type: str
    extensions: tuple[str, ...] = ()


_OOXML = "application/vnd.openxmlformats-officedocument"
_ODF = "application/vnd.oasis.opendocument"
FORMATS: dict[str, Format] = {
    "pdf": Format("a PDF document", "application/pdf", (".pdf",)),
    "pptx": Format("a PowerPoint presentation", f"{_OOXML}.presentationml.presentation",
                   (".pptx", ".pptm", ".ppsx", ".ppsm", ".potx", ".potm")),
    "docx": Format("a Word document", f"{_OOXML}.wordprocessingml.document", (".docx", ".docm", ".dotx", ".dotm")),
    "xlsx": Format("an Excel workbook", f"{_OOXML}.spreadsheetml.sheet", (".xlsx", ".xlsm", ".xltx", ".xltm")),
    "xlsb": Format("an Excel binary workbook (save it as .xlsx to have it read)",
                   "application/vnd.ms-excel.sheet.binary.macroEnabled.12", (".xlsb",)),
    "ooxml": Format("an Office file", "application/zip"),
    "odp": Format("an OpenDocument presentation", f"{_ODF}.presentation", (".odp",)),
    "odt": Format("an OpenDocument text document", f"{_ODF}.text", (".odt",)),
    "ods": Format("an OpenDocument spreadsheet", f"{_ODF}.spreadsheet", (".ods",)),
    "odf": Format("an OpenDocument file of another kind (a drawing, a formula, a database)", "application/zip",
                  (".odg", ".odf", ".odb", ".odc")),
    "epub": Format("an e-book (EPUB)", "application/epub+zip", (".epub",)),
    "ppt": Format("a PowerPoint 97–2003 presentation", "application/vnd.ms-powerpoint", (".ppt", ".pps", ".pot")),
    "doc": Format("a Word 97–2003 document", "application/msword", (".doc", ".dot")),
    "xls": Format("an Excel 97–2003 workbook", "application/vnd.ms-excel", (".xls", ".xlt")),
    "msg": Format("an Outlook e-mail message", "application/vnd.ms-outlook", (".msg",)),
    "encrypted-office": Format("a password-protected Office file", "application/x-ole-storage"),
    "ole": Format("an old-format Office file of a kind saman does not read (not PowerPoint, Word or Excel)",
                  "application/x-ole-storage"),
    "rtf": Format("a rich text document (RTF)", "application/rtf", (".rtf",)),
    "png": Format("a PNG image", "image/png", (".png",)),
    "jpeg": Format("a JPEG image", "image/jpeg", (".jpg", ".jpeg", ".jpe", ".jfif")),
    "tiff": Format("a TIFF image", "image/tiff", (".tif", ".tiff")),
    "bmp": Format("a BMP image", "image/bmp", (".bmp", ".dib")),
    "gif": Format("a GIF image", "image/gif", (".gif",)),
    "webp": Format("a WebP image", "image/webp", (".webp",)),
    "heic": Format("a HEIC photo", "image/heic", (".heic", ".heif", ".hif")),
    "avif": Format("an AVIF image", "image/avif", (".avif",)),
    "jp2": Format("a JPEG 2000 image", "image/jp2", (".jp2", ".j2k", ".jpx", ".jpf")),
    "text": Format("plain text", "text/plain", (".txt", ".text", ".md", ".markdown", ".csv", ".tsv")),
    "html": Format("an HTML web page", "text/html", (".html", ".htm")),
    "svg": Format("an SVG drawing", "image/svg+xml", (".svg",)),
    "xml": Format("an XML data file", "application/xml", (".xml",)),
    "zip": Format("a zip archive", "application/zip", (".zip",)),
    "gzip": Format("a gzip archive", "application/gzip", (".gz", ".tgz")),
    "7z": Format("a 7-Zip archive", "application/x-7z-compressed", (".7z",)),
    "rar": Format("a RAR archive", "application/vnd.rar", (".rar",)),
    "mp3": Format("an MP3 audio file", "audio/mpeg", (".mp3",)),
    "wav": Format("a WAV audio file", "audio/wav", (".wav",)),
    "flac": Format("a FLAC audio file", "audio/flac", (".flac",)),
    "ogg": Format("an Ogg audio or video file", "audio/ogg", (".ogg", ".oga", ".ogv", ".opus")),
    "mp4": Format("an MP4 or QuickTime video or audio file", "video/mp4", (".mp4", ".m4a", ".m4v", ".mov")),
    "avi": Format("an AVI video", "video/x-msvideo", (".avi",)),
    "mkv": Format("a Matroska or WebM video", "video/x-matroska", (".mkv", ".webm")),
    "exe": Format("a Windows program or library", "application/vnd.microsoft.portable-executable", (".exe", ".dll")),
    "elf": Format("a Linux program or library", "application/x-executable"),
    "sqlite": Format("an SQLite database", "application/vnd.sqlite3", (".sqlite", ".db")),
    "postscript": Format("a PostScript file", "application/postscript", (".ps", ".eps")),
    "psd": Format("a Photoshop image", "image/vnd.adobe.photoshop", (".psd",)),
    "unknown": Format("binary data of an unknown kind", "application/octet-stream"),
}

# Leading bytes → kind, for formats recognised by their first bytes alone.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"),
    (b"II+\x00", "tiff"), (b"MM\x00+", "tiff"), (b"BM", "bmp"), (b"GIF87a", "gif"), (b"GIF89a", "gif"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "jp2"), (b"\xff\x4f\xff\x51", "jp2"),
    (b"\x1f\x8b", "gzip"), (b"7z\xbc\xaf\x27\x1c", "7z"), (b"Rar!\x1a\x07", "rar"), (b"ID3", "mp3"),
    (b"fLaC", "flac"), (b"OggS", "ogg"), (b"\x1a\x45\xdf\xa3", "mkv"), (b"MZ", "exe"), (b"\x7fELF", "elf"),
    (b"SQLite format 3\x00", "sqlite"), (b"\xc5\xd0\xd3\xc6", "postscript"),
    (b"8BPS", "psd"),
)
_RIFF = {b"WEBP": "webp", b"WAVE": "wav", b"AVI ": "avi"}
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}
# Control bytes that plain text hardly holds (tab, line breaks, form feed and escape aside).
_BINARY_BYTES = bytes(set(range(32)) - {9, 10, 12, 13, 27})
_ODF_KINDS = {"presentation": "odp", "text": "odt", "spreadsheet": "ods"}
_OOXML_PARTS = (("ppt/", "pptx"), ("word/", "docx"), ("xl/", "xlsx"))


def format_of(kind: str) -> Format:
    """The format of a sniffed kind (a damaged file's format is that of the kind it names)."""
    return FORMATS[kind.removeprefix(DAMAGED)]


def damaged_error(kind: str) -> ReadError:
    """The error of a file that sniffed as damaged-<kind>: cut short or broken beyond reading."""
    return ReadError("corrupt", f"the file is {format_of(kind).what} that is damaged or was cut short; "
                                "ask the sender for a new copy", detail=f"its structure is broken (sniffed as {kind})")


def kind_for_extension(suffix: str) -> str | None:
    """The kind whose files go by this name, if any (.pptx → pptx)."""
    return next((kind for kind, fmt in FORMATS.items() if suffix.lower() in fmt.extensions), None)


def sniff(path: str | Path) -> str:
    """The kind of file the bytes say this is: a key of FORMATS, or damaged-<key>."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return _ole_kind(path)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_like_text(head):
        return _text_kind(head)
    # Binary formats only from here: a text that happens to start with "BM" or "MZ" is text.
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(b"RIFF") and head[8:12] in _RIFF:
        return _RIFF[head[8:12]]
    if head[4:8] == b"ftyp":
        brands = {head[i:i + 4] for i in range(8, min(len(head), struct.unpack(">I", head[:4])[0]), 4)}
        return "avif" if brands & _AVIF_BRANDS else "heic" if brands & _HEIF_BRANDS else "mp4"
    if head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "mp3"
    return "unknown"


def _looks_like_text(head: bytes) -> bool:
    """No NUL and hardly any other control byte: binary formats are full of both, while text
    holds at most a stray bell or escape sequence."""
    return b"\x00" not in head and sum(b in _BINARY_BYTES for b in head) <= max(1, len(head) // 20)


def _text_kind(head: bytes) -> str:
    """Which text format a head of text bytes is: RTF and PostScript are text too."""
    lowered = head.lstrip(codecs.BOM_UTF8 + b" \t\r\n").lower()
    if lowered.startswith(b"{\\rtf"):
        return "rtf"
    if lowered.startswith(b"%!ps"):
        return "postscript"
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered[:512]:
        return "html"
    if lowered.startswith((b"<?xml", b"<svg")):
        return "svg" if b"<svg" in lowered else "xml"
    return "text"


def _zip_kind(path: str | Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "mimetype" in names:
                try:
                    mimetype = zf.read("mimetype").decode("ascii", "ignore").strip()
                except (zipfile.BadZipFile, OSError, ValueError, EOFError):
                    return DAMAGED + _kind_from_local_headers(path)
                return _mimetype_kind(mimetype)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        # No central directory (a copy cut short): the local headers still name the parts.
        return DAMAGED + _kind_from_local_headers(path)
    if "xl/workbook.bin" in names:
        return "xlsb"
    for main, kind in (("ppt/presentation.xml", "pptx"), ("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx")):
        if main in names:
            return kind
    return "ooxml" if "[Content_Types].xml" in names else "zip"


def _mimetype_kind(mimetype: str) -> str:
    if mimetype == "application/epub+zip":
        return "epub"
    if mimetype.startswith(_ODF):
        return _ODF_KINDS.get(mimetype.removeprefix(_ODF + ".").removesuffix("-template"), "odf")
    return "zip"


def _kind_from_local_headers(path: str | Path) -> str:
    """What a damaged zip held, from the names in its local file headers (which precede each
    member, so they survive a cut end): an ODF mimetype member, or an Office part folder."""
    found = "zip"
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        at = data.find(b"PK\x03\x04")
        while at != -1 and at + 30 <= len(data):
            name_len, extra_len = struct.unpack_from("<HH", data, at + 26)
            name = bytes(data[at + 30:at + 30 + name_len]).decode("utf-8", "replace")
            if name == "mimetype":
                start = at + 30 + name_len + extra_len
                return _mimetype_kind(bytes(data[start:start + 80]).decode("ascii", "ignore").split("PK")[0].strip())
            kind = next((k for prefix, k in _OOXML_PARTS if name.startswith(prefix)), None)
            if kind:
                return kind
            if name == "[Content_Types].xml":
                found = "ooxml"
            at = data.find(b"PK\x03\x04", at + 30 + name_len)
    if found == "ooxml" and (by_name := kind_for_extension(Path(path).suffix)) in ("pptx", "docx", "xlsx"):
        return by_name
    return found


def _ole_kind(path: str | Path) -> str:
    """Which old Office format an OLE file holds, from the streams at its top."""
    try:
        streams = top_level_streams(str(path))
    except DamagedOle:
        by_name = kind_for_extension(Path(path).suffix)
        return DAMAGED + (by_name if by_name in ("ppt", "doc", "xls", "msg") else "ole")
    if "EncryptedPackage" in streams:
        return "encrypted-office"
    if "PowerPoint Document" in streams:
        return "ppt"
    if "WordDocument" in streams:
        return "doc"
    if streams & {"Workbook", "Book"}:
        return "xls"
    if any(name.startswith("__substg1.0_") for name in streams) or "__properties_version1.0" in streams:
        return "msg"
    return "ole"
