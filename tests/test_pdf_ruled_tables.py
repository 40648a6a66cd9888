"""Ruled tables of born-digital PDFs, found on the edges pdfium reads (extractors.readers.pdfium_paths).

pdfplumber's table finder runs on edges read from pdfium's path objects instead of
pdfminer's parse of the page; whatever way a producer draws its rules (stroked lines,
thin filled rectangles, a stroked box per cell, rules inside a form XObject under a
transform, a page whose crop box does not start at 0), the table must come out as drawn and
as pdfplumber's own `find_tables` finds it on the same file.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest

from extractors.readers import pdfium_paths, pdfium_text
from extractors.readers.base import read_document
from extractors.readers.source import ReadOptions
from tests.pdffiles import content, first_extra, raw_pdf, stream

ROWS = [["Kommune", "Tiltak", "Deltakere"], ["Asker", "Heltid", "12"], ["Bodø", "Nærvær", "7"]]
XS = [72, 200, 330, 460]          # column rules, points from the left
YS = [700, 680, 660, 640]         # row rules, points from the bottom


def _cell_text(rows: list[list[str]] = ROWS, dx: float = 0, dy: float = 0) -> bytes:
    ops = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            ops.append(content([text], size=10, left=XS[c] + 4 + dx, top=YS[r + 1] + 6 + dy))
    return b"\n".join(ops)


def _stroked_lines() -> bytes:
    rules = [b"%d %d m %d %d l S" % (XS[0], y, XS[-1], y) for y in YS]
    rules += [b"%d %d m %d %d l S" % (x, YS[0], x, YS[-1]) for x in XS]
    return b"0.5 w\n" + b"\n".join(rules)


def _filled_rules() -> bytes:
    """Rules as thin filled rectangles, as office suites often export them."""
    rules = [b"%d %g %d 0.6 re f" % (XS[0], y - 0.3, XS[-1] - XS[0]) for y in YS]
    rules += [b"%g %d 0.6 %d re f" % (x - 0.3, YS[-1], YS[0] - YS[-1]) for x in XS]
    return b"\n".join(rules)


def _boxed_cells() -> bytes:
    """A stroked box around each cell, drawn with m/l/h rather than `re`."""
    boxes = []
    for top, bottom in zip(YS, YS[1:]):
        for left, right in zip(XS, XS[1:]):
            boxes.append(b"%d %d m %d %d l %d %d l %d %d l h S" % (left, bottom, right, bottom, right, top, left, top))
    return b"\n".join(boxes)


def _pdf(path: Path, page: bytes, **kwargs) -> Path:
    return raw_pdf(path, [page], **kwargs)


def _tables(path: Path) -> list[list[list[str]]]:
    return [t.rows for t in read_document(str(path), options=ReadOptions(ocr=False)).tables]


def _pdfplumber_tables(path: Path) -> list[list[list[str]]]:
    with pdfplumber.open(path) as pdf:
        return [[[c or "" for c in row] for row in t.extract()] for t in pdf.pages[0].find_tables()]


@pytest.mark.parametrize("rules", [_stroked_lines, _filled_rules, _boxed_cells], ids=["lines", "filled", "boxes"])
def test_a_ruled_table_reads_as_drawn_and_as_pdfplumber_finds_it(tmp_path, rules):
    path = _pdf(tmp_path / "table.pdf", rules() + b"\n" + _cell_text())
    assert _tables(path) == [ROWS]
    assert _tables(path) == _pdfplumber_tables(path)


def test_rules_inside_a_form_xobject_under_a_transform(tmp_path):
    # The rules are drawn half size in a form XObject that the page scales by 2 and moves,
    # so they land where the text is only if both matrices are applied.
    half = b"\n".join(b"%g %g m %g %g l S" % (XS[0] / 2 - 10, y / 2 - 20, XS[-1] / 2 - 10, y / 2 - 20) for y in YS)
    half += b"\n" + b"\n".join(b"%g %g m %g %g l S" % (x / 2 - 10, YS[0] / 2 - 20, x / 2 - 10, YS[-1] / 2 - 20)
                               for x in XS)
    form = first_extra(1)
    xobject = stream(half, b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Matrix [1 0 0 1 -5 -10] ")
    page = b"q 2 0 0 2 30 60 cm /Fx Do Q\n" + _cell_text()
    path = _pdf(tmp_path / "form.pdf", page, extra_objects=[xobject],
                resources=b"/Font << /F1 3 0 R >> /XObject << /Fx %d 0 R >>" % form)
    assert _tables(path) == [ROWS]


def test_a_table_on_a_page_whose_crop_box_starts_elsewhere(tmp_path):
    path = _pdf(tmp_path / "crop.pdf", _stroked_lines() + b"\n" + _cell_text())
    path.write_bytes(path.read_bytes().replace(b"/MediaBox [0 0 612 792]", b"/MediaBox [0 0 612 792] /CropBox [40 100 580 760]"))
    assert _tables(path) == [ROWS]


def test_a_clipping_path_draws_no_rule(tmp_path):
    # A clip the size of the table's outline paints nothing: with only its outer box and no
    # inner rules there is no table, whatever the clip says.
    clip = b"%d %d %d %d re W n" % (XS[0], YS[-1], XS[-1] - XS[0], YS[0] - YS[-1])
    path = _pdf(tmp_path / "clip.pdf", clip + b"\n" + _cell_text())
    assert _tables(path) == []


def test_a_page_drawing_more_segments_than_are_read_is_left_to_pdfplumber(tmp_path):
    ticks = pdfium_paths.MAX_SEGMENTS // 2 + 1  # two segments each
    # Short ticks in the left margin, 4 points apart (pdfplumber snaps rules closer than 3).
    dots = b"\n".join(b"%d %d m %d %d l S" % (20 + 4 * (i % 10), 100 + i % 400, 20 + 4 * (i % 10), 101 + i % 400)
                       for i in range(ticks))
    path = _pdf(tmp_path / "busy.pdf", dots + b"\n" + _stroked_lines() + b"\n" + _cell_text())
    with pdfium.PdfDocument(path) as pdf:
        assert pdfium_text.read_page(pdf, 1).edges is None
    assert _tables(path) == [ROWS]
