"""Makers of files of the formats an archive folder holds besides decks and PDFs: each writes
one file with the library or the format's own structure and returns its path.

`ole_file` writes a compound file ([MS-CFB], version 3) with the given top-level streams, so
tests can make old-Office containers (and an .xls, `xls_workbook`, in BIFF8) without an
office suite; `ods_workbook` writes the OpenDocument spreadsheet package by hand (LibreOffice
Calc is not installed here) and `xlsx_workbook` uses xlsxwriter.
"""

from __future__ import annotations

import struct
import zipfile
from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

_FREE, _END, _FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def ole_file(path: Path, streams: dict[str, bytes]) -> Path:
    """A compound file whose root holds `streams` (each padded to 4096 bytes, so no mini stream)."""
    sector = 512
    data = {name: blob.ljust(max(4096, -(-len(blob) // sector) * sector), b"\x00") for name, blob in streams.items()}
    names = sorted(data, key=lambda n: (len(n), n.upper()))
    fat: list[int] = []
    starts = {}
    body = b""
    for name in names:
        n = len(data[name]) // sector
        starts[name] = len(fat)
        fat += [len(fat) + i + 1 for i in range(n - 1)] + [_END]
        body += data[name]
    entries = [_dir_entry("Root Entry", 5, child=1 if names else _FREE, start=_END, size=0)]
    for i, name in enumerate(names, start=1):
        entries.append(_dir_entry(name, 2, right=i + 1 if i < len(names) else _FREE, start=starts[name],
                                  size=len(data[name])))
    directory = b"".join(entries).ljust(-(-len(entries) * 128 // sector) * sector, b"\x00")
    dir_start = len(fat)
    n_dir = len(directory) // sector
    fat += [dir_start + i + 1 for i in range(n_dir - 1)] + [_END]
    n_fat = 1
    while (len(fat) + n_fat) > n_fat * (sector // 4):
        n_fat += 1
    fat_start = len(fat)
    fat += [_FAT_SECTOR] * n_fat
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat).ljust(n_fat * sector, b"\xff")
    difat = list(range(fat_start, fat_start + n_fat)) + [_FREE] * (109 - n_fat)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, n_fat, dir_start, 0, 4096, _END, 0, _END, 0)
              + struct.pack("<109I", *difat))
    path.write_bytes(header + body + directory + fat_bytes)
    return path


def _dir_entry(name: str, kind: int, *, left: int = _FREE, right: int = _FREE, child: int = _FREE,
               start: int, size: int) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le")
    return (encoded.ljust(64, b"\x00") + struct.pack("<HBBIII", len(encoded), kind, 1, left, right, child)
            + b"\x00" * 16 + b"\x00" * 4 + b"\x00" * 16 + struct.pack("<IQ", start, size))


def _record(kind: int, payload: bytes) -> bytes:
    return struct.pack("<HH", kind, len(payload)) + payload


def _bof(dt: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 0x0206))


def xls_workbook(path: Path, sheets: dict[str, list[list[str]]]) -> Path:
    """An Excel 97–2003 workbook (BIFF8 in a compound file) of text cells."""
    def label(row: int, col: int, text: str) -> bytes:
        encoded = text.encode("utf-16-le")
        return _record(0x0204, struct.pack("<HHHHB", row, col, 15, len(text), 1) + encoded)

    streams = []
    for rows in sheets.values():
        cells = b"".join(label(r, c, text) for r, row in enumerate(rows) for c, text in enumerate(row) if text)
        dims = _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, max(map(len, rows)), 0))
        streams.append(_bof(0x0010) + dims + cells + _record(0x000A, b""))
    xf = _record(0x00E0, struct.pack("<HHH", 0, 0, 0xFFF5) + b"\x00" * 14)
    globals_len = len(_bof(0x0005)) + len(_record(0x0042, b"\xb0\x04")) + 16 * len(xf) + len(_record(0x000A, b""))
    bound = []
    offset = globals_len + sum(len(_boundsheet(0, name)) for name in sheets)
    for name, stream in zip(sheets, streams):
        bound.append(_boundsheet(offset, name))
        offset += len(stream)
    workbook = (_bof(0x0005) + _record(0x0042, b"\xb0\x04") + xf * 16 + b"".join(bound) + _record(0x000A, b"")
                + b"".join(streams))
    return ole_file(path, {"Workbook": workbook})


def _boundsheet(offset: int, name: str) -> bytes:
    return _record(0x0085, struct.pack("<IBBBB", offset, 0, 0, len(name), 1) + name.encode("utf-16-le"))


def xlsx_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    dated = book.add_format({"num_format": "dd.mm.yyyy"})  # a date is a number the cell's format shows as a date
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None and value != "":
                    sheet.write(r, c, value, *([dated] if isinstance(value, date) else []))
    book.close()
    return path


_ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"')
_ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"


def ods_workbook(path: Path, sheets: dict[str, str]) -> Path:
    """An OpenDocument spreadsheet whose tables are given as <table:table-row> XML, by name."""
    body = "".join(f'<table:table table:name="{name}">{rows}</table:table>' for name, rows in sheets.items())
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS}><office:body>'
               f"<office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{_ODS_MIME}"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), _ODS_MIME, compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", manifest)
        zf.writestr("content.xml", content)
    return path


def ods_rows(rows: list[list[str]]) -> str:
    """Rows of text cells as ODS table rows."""
    def cell(text: str) -> str:
        if not text:
            return "<table:table-cell/>"
        return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'

    return "".join("<table:table-row>" + "".join(cell(c) for c in row) + "</table:table-row>" for row in rows)


def text_picture(lines: list[str], size: tuple[int, int] = (1400, 500)) -> Image.Image:
    """Black words on white, large enough for tesseract to read."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(_FONT, 56)
    for i, line in enumerate(lines):
        draw.text((40, 40 + i * 90), line, fill="black", font=font)
    return image


def cut(path: Path, fraction: float, to: Path) -> Path:
    """A copy of the first `fraction` of a file's bytes: a copy or a download that stopped short."""
    data = path.read_bytes()
    to.write_bytes(data[: int(len(data) * fraction)])
    return to
