"""The sample corpus is what corpus/build.py promises and what gold.jsonl says it is.

Readers are tested against corpus/gold.jsonl; these tests make sure the files themselves hold
the hazards a reader must handle (merged cells, group shapes, charts, notes, a table over a
page break, image-only scans) and agree with their gold lines, so a reader failure points at
the reader, not at the corpus. They read the committed files only; nothing is rebuilt here.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pytesseract
import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER

from tests.gold import load_gold

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
DOCUMENTS = load_gold("document")
CORPUS_SUFFIXES = {".pptx", ".ppt", ".pdf", ".png"}
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def _path(file_name: str) -> Path:
    matches = [p for p in CORPUS.rglob(file_name) if p.is_file()]
    assert len(matches) == 1, f"{file_name}: expected one file in corpus/, found {matches}"
    return matches[0]


def _cell_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _pptx_tables(path: Path) -> list[tuple[int, list[list[str]]]]:
    """Every table of a deck as (slide number, rows), spanned cells as ''."""
    found = []
    for number, slide in enumerate(Presentation(path).slides, start=1):
        for shape in slide.shapes:
            if shape.has_table:
                table = shape.table
                rows = [["" if cell.is_spanned else _cell_text(cell.text) for cell in row.cells]
                        for row in table.rows]
                found.append((number, rows))
    return found


def _decks() -> list[Path]:
    return [_path(d["file_name"]) for d in DOCUMENTS if d["file_name"].endswith(".pptx")]


def test_gold_lists_documents_of_every_kind() -> None:
    suffixes = {Path(d["file_name"]).suffix for d in DOCUMENTS}
    assert suffixes == {".pptx", ".pdf", ".ppt", ".png"}
    assert {d["language"] for d in DOCUMENTS} == {"nb", "nn"}


def test_every_corpus_file_has_a_document_line() -> None:
    built = {p.name for p in CORPUS.rglob("*") if p.suffix in CORPUS_SUFFIXES}
    assert built == {d["file_name"] for d in DOCUMENTS}


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda d: d["file_name"])
def test_document_opens_with_the_gold_page_count(doc: dict) -> None:
    path = _path(doc["file_name"])
    if path.suffix == ".pptx":
        assert len(Presentation(path).slides) == doc["n_pages"]
    elif path.suffix == ".pdf":
        with pdfplumber.open(path) as pdf:
            assert len(pdf.pages) == doc["n_pages"]
    elif path.suffix == ".png":
        with Image.open(path) as image:
            assert getattr(image, "n_frames", 1) == doc["n_pages"]
            assert (image.info["Title"], image.info["Creation Time"]) == (doc["title"], doc["date"])
    elif path.suffix == ".ppt":
        data = path.read_bytes()
        assert data.startswith(OLE_MAGIC) and "PowerPoint Document".encode("utf-16-le") in data
    else:
        pytest.fail(f"no opener for {path.suffix}")


@pytest.mark.parametrize("doc", [d for d in DOCUMENTS if d["file_name"].endswith(".pdf")],
                         ids=lambda d: d["file_name"])
def test_pdf_metadata_title_matches_gold(doc: dict) -> None:
    with pdfplumber.open(_path(doc["file_name"])) as pdf:
        assert pdf.metadata["Title"] == doc["title"]
        assert pdf.metadata["CreationDate"][2:10] == doc["date"].replace("-", "")


@pytest.mark.parametrize("scan", sorted((CORPUS / "scans").glob("*.pdf")), ids=lambda p: p.name)
def test_scans_are_images_only(scan: Path) -> None:
    with pdfplumber.open(scan) as pdf:
        assert [len(page.chars) for page in pdf.pages] == [0] * len(pdf.pages)
        assert [len(page.images) for page in pdf.pages] == [1] * len(pdf.pages)
        born_digital = _path(scan.name.replace("_skann", ""))
        with pdfplumber.open(born_digital) as twin:
            assert [round(p.width) for p in pdf.pages] == [round(p.width) for p in twin.pages]


def test_picture_deck_has_a_text_screenshot_and_a_textless_photo() -> None:
    deck = _path("2014-09-04_temaverksted_sykefravaer_bilde.pptx")
    pictures = [shape.image.blob for slide in Presentation(deck).slides for shape in slide.shapes
                if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 2
    words = [pytesseract.image_to_string(Image.open(io.BytesIO(blob)), lang="nor") for blob in pictures]
    assert "sykefravær" in words[0] and "Molde" in words[0]
    assert not re.search(r"\w{4,}", words[1])


@pytest.mark.parametrize("deck", _decks(), ids=lambda p: p.name)
def test_deck_metadata_matches_gold(deck: Path) -> None:
    gold = next(d for d in DOCUMENTS if d["file_name"] == deck.name)
    prs = Presentation(deck)
    props = prs.core_properties
    # The title rule: the title slide's own title, or the metadata title where the title slide
    # only names the programme.
    title_slide = prs.slides[0].shapes.title.text_frame.text
    assert gold["title"] == (props.title if title_slide.startswith("Saman om ein betre") else title_slide)
    assert props.created.date().isoformat() == gold["date"]
    assert props.language.startswith(gold["language"])


@pytest.mark.parametrize("deck", _decks(), ids=lambda p: p.name)
def test_every_slide_has_footer_and_slide_number(deck: Path) -> None:
    for slide in Presentation(deck).slides:
        kinds = {p.placeholder_format.type: p.text_frame.text for p in slide.placeholders}
        assert kinds.get(PP_PLACEHOLDER.FOOTER, "").startswith("Kommunal- og ")
        assert kinds.get(PP_PLACEHOLDER.SLIDE_NUMBER, "").isdigit()


def test_decks_hold_the_shapes_a_reader_must_open() -> None:
    seen: set[str] = set()
    for deck in _decks():
        for slide in Presentation(deck).slides:
            if slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip():
                seen.add("notes")
            for shape in slide.shapes:
                if shape.shape_type == MSO_SHAPE_TYPE.GROUP and any(s.has_text_frame for s in shape.shapes):
                    seen.add("group")
                if shape.has_chart:
                    seen.add("chart")
                if shape.has_table and any(c.is_merge_origin for row in shape.table.rows for c in row.cells):
                    seen.add("merged cell")
                if shape.is_placeholder and shape.has_text_frame:
                    if any(p.level == 2 for p in shape.text_frame.paragraphs):
                        seen.add("bullet level 2")
    assert seen == {"notes", "group", "chart", "merged cell", "bullet level 2"}


@pytest.mark.parametrize(
    "gold", [t for t in load_gold("table")
             if t["file_name"].endswith(".pptx") and t["method"] == "pptx" and t.get("source") != "chart"],
    ids=lambda t: f"{t['file_name']}:{t['page']}",
)
def test_gold_table_is_on_its_slide(gold: dict) -> None:
    assert (gold["page"], gold["rows"]) in _pptx_tables(_path(gold["file_name"]))


def test_gold_chart_is_the_chart_data() -> None:
    gold = next(t for t in load_gold("table") if t.get("source") == "chart")
    slide = Presentation(_path(gold["file_name"])).slides[gold["page"] - 1]
    chart = next(s.chart for s in slide.shapes if s.has_chart)
    rows = [["", *(s.name for s in chart.series)]]
    rows += [[str(c), *(f"{s.values[i]:g}" for s in chart.series)] for i, c in enumerate(chart.plots[0].categories)]
    assert rows == gold["rows"]


def test_report_table_runs_over_a_page_break_with_repeated_header() -> None:
    gold = next(t for t in load_gold("table") if t["file_name"] == "2015-06-30_sluttrapport_tiltak.pdf")
    with pdfplumber.open(_path(gold["file_name"])) as pdf:
        parts = [(p.page_number, [[_cell_text(c or "") for c in r] for r in t.extract()])
                 for p in pdf.pages for t in p.find_tables()]
    assert [page for page, _ in parts] == [gold["page"], gold["page"] + 1]
    (_, first), (_, second) = parts
    assert first[0] == second[0] == gold["rows"][0]
    assert min(len(first), len(second)) > 5, "the break should not leave a stub"
    assert first + second[1:] == gold["rows"]


def test_corpus_stays_small() -> None:
    total = sum(p.stat().st_size for p in CORPUS.rglob("*") if p.is_file())
    assert total < 8 * 1024 * 1024


def test_scanned_report_table_is_the_born_digital_table() -> None:
    tables = {t["file_name"]: t for t in load_gold("table")}
    scan, born = tables["2015-06-30_sluttrapport_tiltak_skann.pdf"], tables["2015-06-30_sluttrapport_tiltak.pdf"]
    assert (scan["page"], scan["rows"], scan["method"]) == (born["page"], born["rows"], "ocr")
