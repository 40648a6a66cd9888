"""Makers of PDFs from outside: odd but readable files, written byte by byte so each holds
exactly the oddity a test is about (a MediaBox too large or missing, xref offsets that point
nowhere, a character map that lies, a picture that would inflate to gigabytes).

`raw_pdf` writes the objects it is given with a correct xref table unless told otherwise;
every page draws its lines in Helvetica (one of the fonts every PDF reader has), so what
was drawn is known exactly.
"""

from __future__ import annotations

import io
import random
import string
import zlib
from pathlib import Path

from PIL import Image

HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def _escape(text: str) -> bytes:
    return text.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def content(lines: list[str], size: float = 12, top: float = 760, left: float = 72, font: bytes = b"F1") -> bytes:
    """A content stream drawing each line in `font` (Helvetica unless the resources say
    otherwise), `size` points, one under another from `top` (points from the bottom)."""
    ops = [b"BT", b"/%s %g Tf" % (font, size), b"%g TL" % (size * 1.5), b"%g %g Td" % (left, top)]
    for line in lines:
        ops.append(b"(" + _escape(line) + b") Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def raw_pdf(path: Path, pages: list[bytes], *, media_box: bytes | None = b"[0 0 612 792]", font: bytes = HELVETICA,
            extra_objects: list[bytes] = (), resources: bytes = b"/Font << /F1 3 0 R >>", xref_shift: int = 0) -> Path:
    """A PDF of the given content streams, one page each; object 3 is the font `F1`.

    `media_box` None leaves the MediaBox out; `extra_objects` are numbered after the pages
    (object `first_extra(len(pages))` onwards) for what the pages' `resources` name;
    `xref_shift` moves every offset in the xref table by that many bytes (a file edited by a
    tool that did not update its table).
    """
    n = len(pages)
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", font]
    kids = []
    for k, data in enumerate(pages):
        page_obj, content_obj = 4 + 2 * k, 5 + 2 * k
        kids.append(b"%d 0 R" % page_obj)
        box = b" /MediaBox " + media_box if media_box is not None else b""
        objects.append(b"<< /Type /Page /Parent 2 0 R%s /Resources << %s >> /Contents %d 0 R >>" % (box, resources, content_obj))
        objects.append(stream(data))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), n)
    objects.extend(extra_objects)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % (offset + xref_shift)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def first_extra(n_pages: int) -> int:
    """The object number of the first of `raw_pdf`'s extra objects."""
    return 4 + 2 * n_pages


def scrambled_font(mapping: dict[str, str], cmap_object: int) -> tuple[bytes, bytes]:
    """Helvetica with a ToUnicode map (object `cmap_object`) that says each character code
    stands for `mapping`'s letter: the page shows the right words, its text layer says
    others. Returns the font dictionary and the CMap stream."""
    entries = b"\n".join(b"<%02X> <%04X>" % (ord(code), ord(shown)) for code, shown in sorted(mapping.items()))
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Scrambled def "
            b"1 begincodespacerange <00> <FF> endcodespacerange\n%d beginbfchar\n%s\nendbfchar\n"
            b"endcmap CMapName currentdict /CMap defineresource pop end end" % (len(mapping), entries))
    return HELVETICA[:-2] + b" /ToUnicode %d 0 R >>" % cmap_object, stream(cmap)


def shifted_letters(by: int) -> dict[str, str]:
    """Every letter shown as the letter `by` places on in the alphabet (a font subset whose
    codes were renumbered: `Hello` in the layer reads `Ifmmp` for by=1)."""
    lower, upper = string.ascii_lowercase, string.ascii_uppercase
    out = {c: lower[(i + by) % 26] for i, c in enumerate(lower)}
    out.update({c: upper[(i + by) % 26] for i, c in enumerate(upper)})
    return out


def permuted_letters(seed: int) -> dict[str, str]:
    """Every letter shown as another, by a fixed random permutation of the alphabet."""
    shuffled = list(string.ascii_lowercase)
    random.Random(seed).shuffle(shuffled)
    out = dict(zip(string.ascii_lowercase, shuffled))
    out.update({a.upper(): b.upper() for a, b in zip(string.ascii_lowercase, shuffled)})
    return out


def with_scrambled_map(path: Path, pages: list[bytes], mapping: dict[str, str]) -> Path:
    font, cmap = scrambled_font(mapping, first_extra(len(pages)))
    return raw_pdf(path, pages, font=font, extra_objects=[cmap])


def jpeg_image(image: Image.Image) -> bytes:
    """A greyscale picture as an image XObject (DCTDecode), as a scanner writes it."""
    out = io.BytesIO()
    image.convert("L").save(out, "JPEG", quality=85)
    return stream(out.getvalue(), b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                                  b"/BitsPerComponent 8 /Filter /DCTDecode " % image.size)


def flate_bomb_image(side: int = 100_000) -> bytes:
    """An image XObject declaring side × side grey pixels, its data a short Flate stream of
    zeros: a picture that would take side² bytes to draw (10 GB for the default)."""
    data = zlib.compress(b"\x00" * 1_000_000, 9)
    return stream(data, b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                        b"/BitsPerComponent 8 /Filter /FlateDecode " % (side, side))
