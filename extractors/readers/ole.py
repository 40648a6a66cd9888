"""The top-level stream names of an OLE compound file (old .ppt, .doc, .xls, Outlook .msg, and
password-protected .pptx/.docx/.xlsx), read from the file's own directory.

Every old Office format is the same container, so the names of the streams at its top are what
tell a PowerPoint deck ("PowerPoint Document") from a Word file ("WordDocument"), a workbook
("Workbook", "Book") or an encrypted Office 2007 file ("EncryptedPackage"). Searching the bytes
for those names would also find a deck embedded inside a Word file, and would not notice a
file cut short; reading the directory ([MS-CFB]) does both right: only top-level entries
count, and a file whose allocation table or directory points past its end is damaged.

Only the header, the allocation table and the directory are read, never the streams.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREE, _END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE
_NO_STREAM = 0xFFFFFFFF
_MAX_SECTOR = 0xFFFFFFFA
_DIFAT_IN_HEADER = 109
_DIR_ENTRY = 128
# A directory of more entries than this is not an Office file but a crafted loop or a bomb.
_MAX_ENTRIES = 100_000


class DamagedOle(Exception):
    """The compound file's structure is broken or cut short; the message says where."""


def top_level_streams(path: str) -> set[str]:
    """The names of the entries directly under the root storage; raise DamagedOle if the
    container cannot be read or was cut short."""
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(0)
        header = fh.read(512)
        if len(header) < 512 or not header.startswith(MAGIC):
            raise DamagedOle("the header is missing or not an OLE header")
        shift = struct.unpack_from("<H", header, 0x1E)[0]
        if shift not in (9, 12):
            raise DamagedOle(f"sector shift {shift} is neither 9 nor 12")
        reader = _Sectors(fh, 1 << shift, size)
        fat = reader.fat(header)
        entries = reader.chain_bytes(struct.unpack_from("<I", header, 0x30)[0], fat)
    return _root_children(entries)


class _Sectors:
    def __init__(self, fh: BinaryIO, sector_size: int, size: int) -> None:
        self.fh, self.sector_size = fh, sector_size
        # Sector n starts at (n + 1) × sector size (the header takes the first); a short last
        # sector is tolerated, as the Office writers do not all pad the file.
        self.count = max(0, -(-(size - sector_size) // sector_size))

    def read(self, sector: int) -> bytes:
        if sector >= self.count:
            raise DamagedOle(f"sector {sector} lies past the end of the file ({self.count} sectors): it was cut short")
        self.fh.seek((sector + 1) * self.sector_size)
        return self.fh.read(self.sector_size).ljust(self.sector_size, b"\x00")

    def fat(self, header: bytes) -> list[int]:
        """The sector allocation table, from the header's list of its sectors and the DIFAT chain."""
        n_fat = struct.unpack_from("<I", header, 0x2C)[0]
        per_sector = self.sector_size // 4
        if n_fat > self.count:
            raise DamagedOle(f"the header claims {n_fat} allocation sectors in a file of {self.count} sectors")
        locations = [s for s in struct.unpack_from(f"<{_DIFAT_IN_HEADER}I", header, 0x4C) if s <= _MAX_SECTOR]
        difat = struct.unpack_from("<I", header, 0x44)[0]
        seen: set[int] = set()
        while difat <= _MAX_SECTOR and len(locations) < n_fat:
            if difat in seen:
                raise DamagedOle("the allocation table's index loops")
            seen.add(difat)
            values = struct.unpack(f"<{per_sector}I", self.read(difat))
            locations.extend(s for s in values[:-1] if s <= _MAX_SECTOR)
            difat = values[-1]
        fat: list[int] = []
        for sector in locations[:n_fat]:
            fat.extend(struct.unpack(f"<{per_sector}I", self.read(sector)))
        # A sector in use beyond the file's end: the file was cut short.
        beyond = next((i for i in range(self.count, len(fat)) if fat[i] != _FREE), None)
        if beyond is not None:
            raise DamagedOle(f"sector {beyond} is in use but lies past the end of the file: it was cut short")
        return fat

    def chain_bytes(self, start: int, fat: list[int]) -> bytes:
        parts: list[bytes] = []
        sector, seen = start, set()
        while sector != _END_OF_CHAIN:
            if sector > _MAX_SECTOR or sector >= len(fat) or sector in seen:
                raise DamagedOle(f"the directory's chain is broken at sector {sector}")
            seen.add(sector)
            parts.append(self.read(sector))
            if len(parts) * self.sector_size > _MAX_ENTRIES * _DIR_ENTRY:
                raise DamagedOle("the directory is implausibly large")
            sector = fat[sector]
        return b"".join(parts)


def _root_children(entries: bytes) -> set[str]:
    """Names of the root storage's children: the red-black tree under the root's child pointer."""
    n = len(entries) // _DIR_ENTRY

    def entry(i: int) -> tuple[str, int, int, int]:
        raw = entries[i * _DIR_ENTRY:(i + 1) * _DIR_ENTRY]
        length = min(struct.unpack_from("<H", raw, 0x40)[0], 64)
        name = raw[:max(0, length - 2)].decode("utf-16-le", "replace")
        left, right, child = struct.unpack_from("<III", raw, 0x44)
        return name, left, right, child

    if n == 0 or entries[0x42] != 5:
        raise DamagedOle("the directory has no root entry")
    names: set[str] = set()
    stack, seen = [entry(0)[3]], set()
    while stack:
        i = stack.pop()
        if i == _NO_STREAM:
            continue
        if i >= n or i in seen:
            raise DamagedOle(f"the directory's tree points at a missing or repeated entry ({i})")
        seen.add(i)
        name, left, right, _ = entry(i)
        names.add(name)
        stack += [left, right]
    return names
