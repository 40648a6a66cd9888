"""Decks as others make them: odd shapes, charts of every type, damaged parts and odd packages.

Each fixture is a deck python-pptx writes, then edited in its zip the way outside decks differ
(a shape without geometry, a 3-D chart, a picture whose relationship points nowhere, a part that
is not XML, a duplicated [Content_Types].xml). Each test shows that python-pptx alone stumbles
on it where that is the point, and that saman reads the rest of the deck and records what it
lost with its scope and a message a clerk can read.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image
from pptx import Presentation
from pptx.chart.data import BubbleChartData, CategoryChartData, XyChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import PROG_ID
from pptx.util import Inches

from models.errors import ReadError
from extractors.recognisers.pipeline import structural_records
from extractors.readers.base import read_document
from extractors.readers.source import ReadOptions
from models import Document

SLIDE_TEXT = {1: "Samling i Bodø", 2: "Prosjekter per tema", 3: "Deltakerne i arbeid"}
CHART_ROWS = [["", "Prosjekter", "Kommuner"], ["Sykefravær", "18", "6"], ["Heltid", "14", "4.5"]]
NOTES = "Husk å takke vertskommunen"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_EXCEPTION_WORDS = re.compile(r"Error|Exception|Traceback|NotImplemented|<|\{http")

Edit = Callable[[bytes], bytes | None]


def _deck(folder: Path, name: str = "samling.pptx", chart_type: XL_CHART_TYPE = XL_CHART_TYPE.COLUMN_CLUSTERED) -> Path:
    """Three slides: a title and bullet, a chart of two series, a text box with a picture and notes."""
    prs = Presentation()
    first = prs.slides.add_slide(prs.slide_layouts[1])
    first.shapes.title.text = SLIDE_TEXT[1]
    first.placeholders[1].text = "Første punkt på lista"
    second = prs.slides.add_slide(prs.slide_layouts[5])
    second.shapes.title.text = SLIDE_TEXT[2]
    data = CategoryChartData()
    data.categories = ["Sykefravær", "Heltid"]
    data.add_series("Prosjekter", (18, 14))
    data.add_series("Kommuner", (6, 4.5))
    second.shapes.add_chart(chart_type, Inches(1), Inches(2), Inches(6), Inches(4), data)
    third = prs.slides.add_slide(prs.slide_layouts[6])
    third.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(1)).text_frame.text = SLIDE_TEXT[3]
    png = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(png, "PNG")
    third.shapes.add_picture(png, Inches(1), Inches(3))
    third.notes_slide.notes_text_frame.text = NOTES
    path = folder / name
    prs.save(str(path))
    return path


def _rewrite(path: Path, edits: dict[str, Edit] | None = None, appended: tuple[tuple[str, bytes], ...] = ()) -> Path:
    """The deck with members changed in place (an edit returning None drops the member) and
    entries appended after the others (a name already there makes a duplicate entry)."""
    edits = edits or {}
    with zipfile.ZipFile(path) as src:
        members = [(info.filename, src.read(info)) for info in src.infolist()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate names these fixtures are for
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
            for name, data in members:
                changed = edits[name](data) if name in edits else data
                if changed is not None:
                    dst.writestr(name, changed)
            for name, data in appended:
                dst.writestr(name, data)
    return path


def _member(path: Path, pattern: str) -> str:
    with zipfile.ZipFile(path) as zf:
        return next(n for n in zf.namelist() if re.fullmatch(pattern, n))


def _into_shape_tree(xml: str) -> Edit:
    return lambda data: data.replace(b"</p:spTree>", xml.encode() + b"</p:spTree>")


def _assert_rest_read(doc: Document, lost: set[int] = frozenset()) -> None:
    assert len(doc.pages) == 3
    for number, text in SLIDE_TEXT.items():
        if number not in lost:
            assert text in doc.pages[number - 1].text, number


def _assert_plain(message: str) -> None:
    assert message and not _EXCEPTION_WORDS.search(message), message


def _only_fault(doc: Document):
    assert len(doc.faults) == 1, doc.faults
    fault = doc.faults[0]
    _assert_plain(fault.message)
    assert fault.detail, "the exception is kept in the detail"
    return fault


# ------------------------------------------------------------------------ odd shapes


def test_a_shape_python_pptx_does_not_recognise_is_read_and_unknown_elements_are_passed_over(tmp_path):
    no_geometry = ('<p:sp><p:nvSpPr><p:cNvPr id="40" name="Uten form"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr>'
                   '<p:spPr><a:xfrm><a:off x="457200" y="5000000"/><a:ext cx="3000000" cy="400000"/></a:xfrm></p:spPr>'
                   '<p:txBody><a:bodyPr/><a:p><a:r><a:t>Tekst i en form uten geometri</a:t></a:r></a:p></p:txBody></p:sp>')
    unknown = ('<p:contentPart xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId77"/>'
               '<x:widget xmlns:x="urn:example:widget"><x:label>ikke en form</x:label></x:widget>')
    path = _deck(tmp_path)
    _rewrite(path, {_member(path, r"ppt/slides/slide3\.xml"): _into_shape_tree(no_geometry + unknown)})
    shapes = Presentation(str(path)).slides[2].shapes
    with pytest.raises(AttributeError):  # python-pptx's walk of the slide stops at the ink element
        list(shapes)
    odd = shapes._shape_factory(shapes._spTree.xpath("p:sp[.//a:t[starts-with(., 'Tekst i en form')]]")[0])
    with pytest.raises(NotImplementedError, match="unrecognized shape type"):
        odd.shape_type  # noqa: B018 - this is how python-pptx fails on a shape without geometry
    doc = read_document(path, options=ReadOptions(ocr=False))
    _assert_rest_read(doc)
    assert "Tekst i en form uten geometri" in doc.pages[2].text
    assert NOTES in doc.pages[2].notes
    assert doc.faults == []


def test_odd_attribute_values_cost_no_text(tmp_path):
    """Values python-pptx cannot map (a placeholder type, a bullet level, merge flags, a position,
    the slide size) lose the role, level or position they give, never the text."""
    def odd_slide(data: bytes) -> bytes:
        data = data.replace(b'<p:ph type="title"/>', b'<p:ph type="bogus"/>')
        data = data.replace(b"<a:p>", b'<a:p><a:pPr lvl="high"/>', 1)
        return data

    def odd_table(data: bytes) -> bytes:
        data = data.replace(b"<a:tc>", b'<a:tc gridSpan="x" hMerge="maybe" vMerge="2">', 1)
        return re.sub(rb'(<p:graphicFrame>.*?<a:off x=")\d+', rb"\g<1>abc", data, count=1, flags=re.S)

    path = _deck(tmp_path)
    prs = Presentation(str(path))
    table = prs.slides[2].shapes.add_table(1, 2, Inches(1), Inches(5), Inches(4), Inches(1)).table
    table.cell(0, 0).text, table.cell(0, 1).text = "Kommune", "Antall"
    prs.save(str(path))
    _rewrite(path, {"ppt/slides/slide1.xml": odd_slide, "ppt/slides/slide3.xml": odd_table,
                    "ppt/presentation.xml": lambda d: re.sub(rb'<p:sldSz cx="\d+"', b'<p:sldSz cx="wide"', d)})
    with pytest.raises(ValueError):
        Presentation(str(path)).slides[0].shapes.title  # noqa: B018 - python-pptx cannot make the title shape
    doc = read_document(path, options=ReadOptions(ocr=False))
    _assert_rest_read(doc)
    assert "Første punkt på lista" in doc.pages[0].text
    assert [t.rows for t in doc.tables if t.page == 3] == [[["Kommune", "Antall"]]]
    assert doc.faults == []


def _with_part(path: Path, slide: int, shape_xml: str, part: str, content_type: str, rel_type: str, data: str) -> Path:
    """The deck with `shape_xml` added to a slide's shape tree and a part it refers to as rId90."""
    rel = f'<Relationship Id="rId90" Target="../{part}" Type="{rel_type}"/>'
    override = f'<Override PartName="/ppt/{part}" ContentType="{content_type}"/>'
    return _rewrite(path, {
        f"ppt/slides/slide{slide}.xml": _into_shape_tree(shape_xml),
        f"ppt/slides/_rels/slide{slide}.xml.rels": lambda d: d.replace(b"</Relationships>", rel.encode() + b"</Relationships>"),
        "[Content_Types].xml": lambda d: d.replace(b"</Types>", override.encode() + b"</Types>"),
    }, appended=((f"ppt/{part}", data.encode()),))


def _frame(uri: str, reference: str) -> str:
    return ('<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="41" name="Ramme"/><p:cNvGraphicFramePr/><p:nvPr/>'
            '</p:nvGraphicFramePr><p:xfrm><a:off x="457200" y="4000000"/><a:ext cx="4000000" cy="1000000"/></p:xfrm>'
            f'<a:graphic><a:graphicData uri="{uri}">{reference}</a:graphicData></a:graphic></p:graphicFrame>')


def test_smartart_text_is_read_from_its_data_part(tmp_path):
    dgm = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
    frame = _frame(dgm, f'<dgm:relIds xmlns:dgm="{dgm}" xmlns:r="{_R}" r:dm="rId90"/>')
    points = "".join(f'<dgm:pt modelId="{i}"{kind}><dgm:t><a:bodyPr/><a:p><a:r><a:t>{text}</a:t></a:r></a:p></dgm:t></dgm:pt>'
                     for i, (kind, text) in enumerate([("", "Kartlegging"), (' type="asst"', "Tiltak"),
                                                       (' type="pres"', "layoutens egen tekst")], start=1))
    data = (f'<dgm:dataModel xmlns:dgm="{dgm}" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
            f'<dgm:ptLst><dgm:pt modelId="0" type="doc"/>{points}</dgm:ptLst></dgm:dataModel>')
    path = _with_part(_deck(tmp_path), 3, frame, "diagrams/data1.xml",
                      "application/vnd.openxmlformats-officedocument.drawingml.diagramData+xml",
                      "http://schemas.openxmlformats.org/officeDocument/2006/relationships/diagramData", data)
    doc = read_document(path, options=ReadOptions(ocr=False))
    text = doc.pages[2].text
    assert "Kartlegging" in text and "Tiltak" in text and "layoutens egen tekst" not in text
    _assert_rest_read(doc)
    assert doc.faults == []


def test_a_newer_kind_of_chart_is_read_from_its_chartex_part_and_shapes_in_alternate_content_are_read(tmp_path):
    cx = "http://schemas.microsoft.com/office/drawing/2014/chartex"
    fallback = ('<p:sp><p:nvSpPr><p:cNvPr id="42" name="Reserve"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr/>'
                '<p:txBody><a:bodyPr/><a:p><a:r><a:t>This chart isn\'t available in your version of PowerPoint</a:t></a:r></a:p>'
                '</p:txBody></p:sp>')
    choice = _frame(cx, f'<cx:chart xmlns:cx="{cx}" xmlns:r="{_R}" r:id="rId90"/>')
    shape = (f'<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
             f'<mc:Choice xmlns:cx1="http://schemas.microsoft.com/office/drawing/2015/9/8/chartex" Requires="cx1">{choice}'
             f'</mc:Choice><mc:Fallback>{fallback}</mc:Fallback></mc:AlternateContent>')
    months, values = ("Start", "Januar", "Februar", "Slutt"), ("50", "-15", "7.5", "42.5")
    cats = "".join(f'<cx:pt idx="{i}">{m}</cx:pt>' for i, m in enumerate(months))
    vals = "".join(f'<cx:pt idx="{i}">{v}</cx:pt>' for i, v in enumerate(values))
    data = (f'<cx:chartSpace xmlns:cx="{cx}" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
            f'<cx:chartData><cx:data id="0"><cx:strDim type="cat"><cx:f>Ark1!$A$2:$A$5</cx:f><cx:lvl ptCount="4">{cats}'
            f'</cx:lvl></cx:strDim><cx:numDim type="val"><cx:f>Ark1!$B$2:$B$5</cx:f><cx:lvl ptCount="4" formatCode="General">'
            f'{vals}</cx:lvl></cx:numDim></cx:data></cx:chartData><cx:chart><cx:title><cx:tx><cx:txData><cx:v>Budsjett 2014'
            '</cx:v></cx:txData></cx:tx></cx:title><cx:plotArea><cx:plotAreaRegion><cx:series layoutId="waterfall">'
            '<cx:tx><cx:txData><cx:v>Kroner</cx:v></cx:txData></cx:tx><cx:dataId val="0"/></cx:series></cx:plotAreaRegion>'
            '</cx:plotArea></cx:chart></cx:chartSpace>')
    path = _with_part(_deck(tmp_path), 3, shape, "charts/chartEx1.xml", "application/vnd.ms-office.chartex+xml",
                      "http://schemas.microsoft.com/office/2014/relationships/chartEx", data)
    assert not any(s.name == "Ramme" for s in Presentation(str(path)).slides[2].shapes), "python-pptx does not see it"
    doc = read_document(path, options=ReadOptions(ocr=False))
    _assert_rest_read(doc)
    assert "Budsjett 2014" in doc.pages[2].text and "available" not in doc.pages[2].text
    chart = next(t for t in doc.tables if t.page == 3)
    assert chart.source == "chart" and chart.rows == [["", "Kroner"], *([m, v] for m, v in zip(months, values))]
    assert doc.faults == []


def test_an_embedded_object_is_recorded_as_not_read(tmp_path):
    path = _deck(tmp_path)
    prs = Presentation(str(path))
    prs.slides[0].shapes.add_ole_object(io.BytesIO(b"PK\x03\x04 a workbook"), PROG_ID.XLSX, Inches(1), Inches(4))
    prs.save(str(path))
    doc = read_document(path, options=ReadOptions(ocr=False))
    _assert_rest_read(doc)
    fault = doc.faults[0]
    assert (fault.page, fault.scope, fault.kind) == (1, "shape", "unsupported")
    assert "embedded object" in fault.message and "slide 1" in fault.message


# ------------------------------------------------------------------------ charts


@pytest.mark.parametrize("chart_type, plot, odd_plot", [
    (XL_CHART_TYPE.COLUMN_CLUSTERED, "barChart", "bar3DChart"),
    (XL_CHART_TYPE.AREA, "areaChart", "area3DChart"),
    (XL_CHART_TYPE.LINE, "lineChart", "line3DChart"),
    (XL_CHART_TYPE.LINE, "lineChart", "surfaceChart"),
])
def test_charts_python_pptx_cannot_read_are_read_from_their_cached_data(tmp_path, chart_type, plot, odd_plot):
    path = _deck(tmp_path, chart_type=chart_type)
    chart = _member(path, r"ppt/charts/chart\d+\.xml")
    _rewrite(path, {chart: lambda d: d.replace(f"c:{plot}>".encode(), f"c:{odd_plot}>".encode())})
    frame = next(s for s in Presentation(str(path)).slides[1].shapes if s.has_chart)
    with pytest.raises((NotImplementedError, AttributeError)):  # python-pptx has no class for these plots
        list(frame.chart.series)
    doc = read_document(path, options=ReadOptions(ocr=False))
    _assert_rest_read(doc)
    assert [(t.page, t.source, t.rows) for t in doc.tables] == [(2, "chart", CHART_ROWS)]
    assert doc.faults == []


def _chart_deck(folder: Path, chart_type: XL_CHART_TYPE, data) -> Path:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = "Diagram"
    slide.shapes.add_chart(chart_type, Inches(1), Inches(2), Inches(6), Inches(4), data)
    path = folder / "diagram.pptx"
    prs.save(str(path))
    return path


def _chart_rows(path: Path) -> list[list[str]]:
    doc = read_document(path, options=ReadOptions(ocr=False))
    assert doc.faults == []
    (table,) = doc.tables
    return table.rows


def test_scatter_and_bubble_charts_keep_their_x_values_and_bubble_sizes(tmp_path):
    xy = XyChartData()
    first = xy.add_series("Kommuner")
    second = xy.add_series("Prosjekter")
    for x, y in ((2012, 10), (2013, 14)):
        first.add_data_point(x, y)
        second.add_data_point(x, y * 2)
    second.add_data_point(2014, 30)
    assert _chart_rows(_chart_deck(tmp_path, XL_CHART_TYPE.XY_SCATTER, xy)) == [
        ["", "Kommuner", "Prosjekter"], ["2012", "10", "20"], ["2013", "14", "28"], ["2014", "", "30"]]
    bubbles = BubbleChartData()
    series = bubbles.add_series("Tiltak")
    series.add_data_point(1, 2, 40)
    series.add_data_point(3, 4, 15)
    assert _chart_rows(_chart_deck(tmp_path, XL_CHART_TYPE.BUBBLE, bubbles)) == [
        ["", "Tiltak", "Tiltak (size)"], ["1", "2", "40"], ["3", "4", "15"]]


def test_grouped_and_date_categories_read_as_the_chart_shows_them(tmp_path):
    grouped = CategoryChartData()
    for county, towns in (("Nordland", ("Bodø", "Narvik")), ("Troms", ("Tromsø",))):
        parent = grouped.add_category(county)
        for town in towns:
            parent.add_sub_category(town)
    grouped.add_series("Deltakere", (12, 7, 9))
    assert _chart_rows(_chart_deck(tmp_path, XL_CHART_TYPE.COLUMN_CLUSTERED, grouped)) == [
        ["", "Deltakere"], ["Nordland / Bodø", "12"], ["Nordland / Narvik", "7"], ["Troms / Tromsø", "9"]]
    dated = CategoryChartData()
    dated.categories = [date(2013, 5, 22), date(2014, 3, 12)]
    dated.add_series("Fravær", (6.5, 5.9))
    assert _chart_rows(_chart_deck(tmp_path, XL_CHART_TYPE.LINE, dated)) == [
        ["", "Fravær"], ["2013-05-22", "6.5"], ["2014-03-12", "5.9"]]


# ------------------------------------------------------------------------ damaged parts


def _no_embed(data: bytes) -> bytes:
    return re.sub(rb'r:embed="[^"]*"', b'r:embed="rId99"', data)


def _no_blip_fill(data: bytes) -> bytes:
    return re.sub(rb"<p:blipFill>.*?</p:blipFill>", b"", data, flags=re.S)


@pytest.mark.parametrize("edit", [_no_embed, _no_blip_fill], ids=["relationship-points-nowhere", "no-blipFill"])
def test_a_picture_that_cannot_be_read_costs_that_picture(tmp_path, edit):
    path = _rewrite(_deck(tmp_path), {"ppt/slides/slide3.xml": edit})
    doc = read_document(path)  # with OCR, so the picture is opened
    _assert_rest_read(doc)
    assert NOTES in doc.pages[2].notes
    fault = _only_fault(doc)
    assert (fault.page, fault.scope, fault.kind) == (3, "shape", "corrupt")
    assert fault.message.startswith("a picture on slide 3 could not be read")


@pytest.mark.parametrize("damage", [lambda d: d[: len(d) // 2], lambda d: None], ids=["not-xml", "missing"])
def test_a_broken_chart_part_costs_that_chart(tmp_path, damage):
    path = _deck(tmp_path)
    chart = _member(path, r"ppt/charts/chart\d+\.xml")
    _rewrite(path, {chart: damage})
    doc = read_document(path, options=ReadOptions(ocr=False))
    _assert_rest_read(doc)
    assert doc.tables == []
    fault = _only_fault(doc)
    assert (fault.page, fault.scope, fault.kind) == (2, "shape", "corrupt")
    assert fault.message.startswith("a chart on slide 2 could not be read")
    (record,) = [r for r in structural_records(doc) if r.type == "error"]
    assert (record.page, record.scope, record.error_kind, record.message) == (2, "shape", "corrupt", fault.message)


def test_a_damaged_chart_part_makes_python_pptx_refuse_the_deck(tmp_path):
    """Why the mended copy exists: python-pptx parses every part when it opens a deck."""
    path = _deck(tmp_path)
    _rewrite(path, {_member(path, r"ppt/charts/chart\d+\.xml"): lambda d: b"<c:chartSpace"})
    with pytest.raises(etree.XMLSyntaxError):
        Presentation(str(path))


@pytest.mark.parametrize("damage, detail", [(lambda d: b"<p:sld garbage", "XMLSyntaxError"), (lambda d: None, "KeyError")],
                         ids=["not-xml", "missing"])
def test_a_broken_slide_costs_that_slide_and_broken_notes_the_notes(tmp_path, damage, detail):
    path = _deck(tmp_path)
    notes = _member(path, r"ppt/notesSlides/notesSlide\d+\.xml")
    _rewrite(path, {"ppt/slides/slide2.xml": damage, notes: lambda d: b"\x00\x01"})
    doc = read_document(path, options=ReadOptions(ocr=False))
    _assert_rest_read(doc, lost={2})
    assert doc.pages[1].blocks == [] and doc.tables == []
    slide, notes_fault = sorted(doc.faults, key=lambda f: f.page)
    assert (slide.page, slide.scope, slide.kind) == (2, "page", "corrupt")
    assert slide.message.startswith("slide 2 could not be read") and detail in slide.detail
    assert (notes_fault.page, notes_fault.scope) == (3, "shape")
    assert notes_fault.message.startswith("the speaker notes of slide 3 could not be read")
    for fault in doc.faults:
        _assert_plain(fault.message)


@pytest.mark.parametrize("damage", [lambda d: b"<cp:coreProperties", lambda d: None], ids=["not-xml", "missing"])
def test_damaged_or_missing_core_properties_cost_only_the_metadata(tmp_path, damage):
    path = _rewrite(_deck(tmp_path), {"docProps/core.xml": damage})
    doc = read_document(path, options=ReadOptions(ocr=False))
    _assert_rest_read(doc)
    # python-pptx would make up a title and a modified date of now for a deck without them
    assert doc.metadata == {} and doc.date is None
    assert doc.faults == []


def test_a_deck_none_of_whose_slides_can_be_read_is_corrupt(tmp_path):
    path = _deck(tmp_path)
    _rewrite(path, {f"ppt/slides/slide{n}.xml": (lambda d: b"not xml") for n in (1, 2, 3)})
    with pytest.raises(ReadError) as caught:
        read_document(path, options=ReadOptions(ocr=False))
    assert caught.value.kind == "corrupt" and "none of the deck's 3 slides" in caught.value.message
    _assert_plain(caught.value.message)


# ------------------------------------------------------------------------ odd packages


def test_a_deck_with_no_slides_is_empty(tmp_path):
    path = tmp_path / "mal.pptx"
    Presentation().save(str(path))
    with pytest.raises(ReadError) as caught:
        read_document(path, options=ReadOptions(ocr=False))
    assert caught.value.kind == "empty" and "no slides" in caught.value.message


_EMPTY_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


@pytest.mark.parametrize("second_copy", [b"garbage", _EMPTY_TYPES, None], ids=["garbage", "empty-types", "identical"])
def test_a_duplicated_content_types_entry_loses_nothing(tmp_path, second_copy):
    path = _deck(tmp_path)
    with zipfile.ZipFile(path) as zf:
        original = zf.read("[Content_Types].xml")
    _rewrite(path, appended=(("[Content_Types].xml", second_copy or original),))
    with zipfile.ZipFile(path) as zf:
        assert zf.namelist().count("[Content_Types].xml") == 2
    doc = read_document(path, options=ReadOptions(ocr=False))
    _assert_rest_read(doc)
    assert [t.rows for t in doc.tables] == [CHART_ROWS]
    assert NOTES in doc.pages[2].notes
    assert doc.faults == []


def test_a_part_without_a_content_type_loses_nothing(tmp_path):
    path = _rewrite(_deck(tmp_path), {"[Content_Types].xml": lambda d: re.sub(rb'<Default Extension="png"[^>]*/>', b"", d)})
    with pytest.raises(KeyError, match="no content-type"):
        Presentation(str(path))
    doc = read_document(path)  # with OCR, so the picture is opened
    _assert_rest_read(doc)
    assert doc.faults == []


def test_a_duplicated_slide_entry_keeps_the_copy_that_parses(tmp_path):
    path = _rewrite(_deck(tmp_path), appended=(("ppt/slides/slide1.xml", b"<p:sld truncated"),))
    doc = read_document(path, options=ReadOptions(ocr=False))
    _assert_rest_read(doc)
    assert doc.faults == []


def test_a_template_and_a_slide_show_are_read_as_decks(tmp_path):
    for name, content_type in (("mal.potx", "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"),
                               ("visning.ppsm", "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml")):
        path = _deck(tmp_path, name)
        _rewrite(path, {"[Content_Types].xml": lambda d, ct=content_type: re.sub(
            rb'(PartName="/ppt/presentation.xml" ContentType=")[^"]*', rb"\g<1>" + ct.encode(), d)})
        with pytest.raises(ValueError, match="not a PowerPoint file"):
            Presentation(str(path))
        doc = read_document(path, options=ReadOptions(ocr=False))
        _assert_rest_read(doc)
        assert doc.faults == []


def test_text_is_read_as_python_pptx_reads_it_line_breaks_fields_and_cells_included(tmp_path):
    """saman reads paragraph and cell text off the XML itself (python-pptx's objects for each
    run were a sixth of a deck's reading); what it reads is what python-pptx's `text` gives,
    and a run without its a:t is damaged as python-pptx says: that shape is lost, not the slide."""
    from extractors.lang.text import clean_cell, clean_line

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    frame = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(2)).text_frame
    frame.text = "Første linje"
    second = frame.add_paragraph()
    second.add_run().text = "Asker og "
    second.add_line_break()
    second.add_run().text = "Bærum"
    third = frame.add_paragraph()
    third.add_run().text = ""
    third.add_run().text = "side "
    cells = slide.shapes.add_table(2, 2, Inches(1), Inches(4), Inches(6), Inches(1)).table
    cells.cell(0, 0).text = "Kommune\nFylke"
    cells.cell(1, 0).text = "Hole"
    cells.cell(1, 1).text_frame.paragraphs[0].add_line_break()
    slide.notes_slide.notes_text_frame.text = "Takk\nHusk lista"
    path = tmp_path / "text.pptx"
    prs.save(str(path))
    field = ('<a:fld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"'
             ' type="slidenum"><a:t>7</a:t></a:fld>')
    _rewrite(path, {"ppt/slides/slide1.xml": lambda data: data.replace(b"<a:t>side </a:t></a:r>", b"<a:t>side </a:t></a:r>" + field.encode())})

    expected = Presentation(str(path)).slides[0]
    box, table = list(expected.shapes)
    doc = read_document(path)
    blocks = doc.pages[0].blocks
    assert [b.text for b in blocks if b.role not in ("table-cell", "notes")] == [
        clean_line(p.text) for p in box.text_frame.paragraphs if clean_line(p.text)]
    assert "Asker og" in blocks[1].text and blocks[1].text.endswith("Bærum") and blocks[2].text == "side 7"
    assert doc.tables[0].rows == [[clean_cell(c.text) for c in row.cells] for row in table.table.rows]
    assert [b.text for b in blocks if b.role == "notes"] == ["Takk", "Husk lista"]

    _rewrite(path, {"ppt/slides/slide1.xml": lambda data: data.replace(b"<a:t>Hole</a:t>", b"")})
    damaged = read_document(path)
    fault = _only_fault(damaged)
    assert (fault.scope, fault.kind) == ("shape", "corrupt")
    assert "Første linje" in damaged.pages[0].text, "the rest of the slide is read"
