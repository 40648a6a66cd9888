"""PowerPoint reader: a .pptx file → models.Document, one Page per slide.

Why the care over shape order and placeholders: the programme's decks put titles, bullets,
tables, charts and organisation charts (grouped shapes) on one slide, and repeat the
department's name and a slide number at the foot of every slide. Researchers want the slide's
content in reading order without that furniture, tables as cell grids and charts as their
data, so that every recogniser sees the same model a PDF page produces.

Why every shape is read on its own: decks from outside the programme hold shapes python-pptx
does not know (a shape without geometry, SmartArt, embedded objects), charts it cannot read,
and parts that are damaged or missing. One such shape costs that shape (a Fault of scope
`shape`), one unreadable slide that slide (scope `page`); the rest of the deck is read.
Shapes are told apart by their class and XML, never by python-pptx's `shape_type`, which
raises on shapes it does not recognise.
This module only reads; it never decides facts.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from functools import partial

from lxml import etree
from PIL import Image
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.exc import InvalidXmlError, PythonPptxError
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part, XmlPart
from pptx.opc.packuri import PackURI
from pptx.oxml import parse_xml
from pptx.oxml.coreprops import CT_CoreProperties
from pptx.oxml.shapes.shared import BaseShapeElement, CT_Placeholder
from pptx.oxml.text import CT_TextParagraph
from pptx.parts.chart import ChartPart
from pptx.parts.coreprops import CorePropertiesPart
from pptx.parts.slide import NotesSlidePart, SlidePart
from pptx.presentation import Presentation
from pptx.shapes.base import BaseShape
from pptx.shapes.graphfrm import GraphicFrame
from pptx.shapes.group import GroupShape
from pptx.shapes.picture import Picture
from pptx.shapes.shapetree import BaseShapeFactory, _BaseShapes
from pptx.slide import Slide
from pptx.spec import GRAPHIC_DATA_URI_CHART, GRAPHIC_DATA_URI_OLEOBJ, GRAPHIC_DATA_URI_TABLE
from pptx.text.text import TextFrame
from pptx.util import Emu

from extractors.readers.image import read_picture_text
from extractors.readers.pptx_charts import chart_rows, chart_title
from models.errors import INTERNAL_MESSAGE, ReadError, describe
from extractors.readers.metadata import document_title, metadata_date
from extractors.readers.pptx_package import Deck, open_deck
from extractors.readers.source import ReadOptions, Source
from extractors.lang.text import clean_cell, clean_line
from extractors.lang.words import PAGE_NUMBER
from extractors.readers.furniture import mark_repeated_furniture
from models import Block, Document, Fault, Page, Scope, Table

PPTX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
_EMU_PER_PT = 12700
_TITLE_TYPES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE}
_FURNITURE_TYPES = {PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER, PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.HEADER}
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_P = "http://schemas.openxmlformats.org/presentationml/2006/main"
_P_NS = f"{{{_P}}}"
_DGM = "{http://schemas.openxmlformats.org/drawingml/2006/diagram}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_GRAPHIC_DATA_URI_DIAGRAM = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
_GRAPHIC_DATA_URI_CHARTEX = "http://schemas.microsoft.com/office/drawing/2014/chartex"
_A_R, _A_BR, _A_FLD, _A_T = f"{_A}r", f"{_A}br", f"{_A}fld", f"{_A}t"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_MC_ALTERNATE, _MC_CHOICE, _MC_FALLBACK = f"{_MC}AlternateContent", f"{_MC}Choice", f"{_MC}Fallback"
# The shapes python-pptx has classes for (p:contentPart, ink, has none)
_SHAPE_TAGS = {f"{_P_NS}{tag}" for tag in ("sp", "grpSp", "graphicFrame", "cxnSp", "pic")}
# SmartArt points that hold text a reader sees: content nodes and assistants (not the layout's own)
_DIAGRAM_TEXT_POINTS = {"node", "asst"}
# What python-pptx and lxml raise on a damaged or odd file; anything else is a fault of saman's.
_FILE_DAMAGE = (PythonPptxError, etree.LxmlError, KeyError, ValueError, zipfile.BadZipFile)
_BBox = tuple[float, float, float, float]
# A shape's p:ph, the XPath python-pptx's `ph` evaluates anew on every look-up (compiling it
# each time: a ninth of the time of reading a 300-slide deck); compiled here once.
_PLACEHOLDER = etree.XPath("./*[1]/p:nvPr/p:ph", namespaces={"p": _P})


PictureReader = Callable[[Image.Image, int, tuple[float, float]], tuple[Page, list[Table]] | None]
"""(picture, slide number, picture size in points) → the picture's text as an OCR'd Page and its
tables, or None for a picture without text (a photo, a logo)."""


class DamagedPart(ValueError):
    """A part a slide or shape needs is of the wrong kind: damaged, and left unparsed when the deck was opened."""


def read_pptx(source: Source, options: ReadOptions) -> Document:
    """Read every slide in order; pictures that hold text are OCR'd when `options.ocr` says so.

    A shape that cannot be read costs that shape and a slide that cannot be read that slide:
    each becomes a Fault beside what was read. A deck without slides is `empty`, and one of
    which no slide can be read is `corrupt`.
    """
    path, sha256 = source.path, source.sha256
    read_picture = partial(read_picture_text, settings=options.ocr_settings) if options.ocr else None
    deck = open_deck(path)
    prs = deck.presentation
    # the slide list itself, not prs.slides: that renames every slide part and raises for a missing one
    slide_ids = [sld_id.rId for sld_id in prs.part._element.iterfind(f"{_P_NS}sldIdLst/{_P_NS}sldId")]
    n_slides = len(slide_ids)
    if n_slides == 0:
        raise ReadError("empty", "the deck has no slides")
    slide_w, slide_h = _slide_size(prs)
    reader = _SlideReader(deck, read_picture)
    pages: list[Page] = []
    for number in range(1, n_slides + 1):
        page = Page(number=number, kind="slide", width=slide_w, height=slide_h, method="pptx")
        try:
            reader.read(_slide(deck, slide_ids[number - 1]), page)
        except MemoryError:
            raise
        except Exception as exc:  # the slide's own part is missing or damaged: this slide is lost, not the deck
            reader.faults.append(_fault(number, f"slide {number}", exc, "page"))
        pages.append(page)
    if sum(f.scope == "page" for f in reader.faults) == n_slides:  # nothing of it read: the file is lost after all
        first = reader.faults[0]
        if first.kind == "internal":
            raise ReadError("internal", INTERNAL_MESSAGE, first.detail)
        raise ReadError("corrupt", f"none of the deck's {n_slides} slides could be read; the file is probably damaged", first.detail)
    tables = reader.tables
    mark_repeated_furniture(pages)
    props = _core_properties(prs)
    title = document_title(pages[0].title if pages else None, props.title, _subtitle(pages[0]) if pages else None)
    return Document(
        sha256=sha256,
        path=path,
        media_type=PPTX_MEDIA_TYPE,
        pages=pages,
        tables=tables,
        title=title,
        metadata={k: str(v) for k, v in {"author": props.author, "title": props.title, "created": metadata_date(props.created),
                                         "modified": metadata_date(props.modified)}.items() if v},
        faults=reader.faults,
    )


def _slide(deck: Deck, rid: str) -> Slide:
    """The slide the presentation relates as `rid`; raises when its part is missing (KeyError) or damaged."""
    return _expect(deck, deck.presentation.part.related_part(rid), SlidePart).slide


def _expect(deck: Deck, part: Part, kind: type[Part]) -> Part:
    """`part` if it is of the kind the relationship promises, else DamagedPart saying why not."""
    if isinstance(part, kind):
        return part
    raise DamagedPart(deck.damaged.get(str(part.partname)) or f"{part.partname} holds {part.content_type}")


def _fault(number: int, what: str, exc: BaseException, scope: Scope) -> Fault:
    """A plain message naming the slide and what was lost; the exception goes in the detail."""
    if isinstance(exc, _FILE_DAMAGE):
        return Fault(page=number, kind="corrupt", scope=scope, detail=describe(exc),
                     message=f"{what} could not be read; that part of the file is probably damaged")
    return Fault(page=number, kind="internal", scope=scope, detail=describe(exc),
                 message=f"{what} was not read: {INTERNAL_MESSAGE}")


def _slide_size(prs: Presentation) -> tuple[float | None, float | None]:
    try:
        return Emu(prs.slide_width or 0).pt, Emu(prs.slide_height or 0).pt
    except _FILE_DAMAGE:  # an odd p:sldSz: slides without a size, read all the same
        return None, None


def _core_properties(prs: Presentation) -> CorePropertiesPart:
    """The deck's core properties; empty ones when it has none or they are damaged.

    python-pptx makes up properties for a deck without them (the title "PowerPoint
    Presentation", modified now), which would give the deck a title and today's date.
    """
    package = prs.part.package
    try:
        props = package.part_related_by(RT.CORE_PROPERTIES)
        if isinstance(props, CorePropertiesPart):  # a damaged part comes back as a plain Part
            props.title, props.author, props.created, props.modified  # noqa: B018 - each parses its XML
            return props
    except _FILE_DAMAGE:  # KeyError: the deck has no core properties
        pass
    return CorePropertiesPart(PackURI("/docProps/core.xml"), CT.OPC_CORE_PROPERTIES, package,
                              CT_CoreProperties.new_coreProperties())


class _SlideReader:
    """Reads slides into pages, shape by shape, collecting the deck's tables and faults."""

    def __init__(self, deck: Deck, read_picture: PictureReader | None) -> None:
        self.deck = deck
        self.read_picture = read_picture
        self.geo = _Geometry()
        self.tables: list[Table] = []
        self.faults: list[Fault] = []

    def read(self, slide: Slide, page: Page) -> None:
        for shape in self.geo.reading_order(self._shapes(slide.shapes, page)):
            self._shape(shape, page)
        self._notes(slide, page)

    def _shapes(self, shapes: _BaseShapes, page: Page) -> list[BaseShape]:
        """The shapes of a slide or group, each made on its own.

        python-pptx's own walk stops at the first element it has no class for (p:contentPart,
        ink), losing the slide; such elements hold no text and are passed over here. It also
        never looks inside mc:AlternateContent, where newer shapes (the newer chart kinds,
        equations, 3-D models) sit beside a fallback for older readers.
        """
        found = []
        for element in _shape_elements(shapes._spTree):
            try:
                try:
                    found.append(shapes._shape_factory(element))
                except _FILE_DAMAGE:  # an odd placeholder type: read it as the plain shape it also is
                    found.append(BaseShapeFactory(element, shapes))
            except MemoryError:
                raise
            except Exception as exc:
                self.faults.append(_fault(page.number, f"a shape on slide {page.number}", exc, "shape"))
        return found

    def _shape(self, shape: BaseShape, page: Page) -> None:
        """One shape's blocks and tables, all or nothing; a group's children each on their own."""
        try:
            if isinstance(shape, GroupShape):
                children = self.geo.reading_order(self._shapes(shape.shapes, page))
            else:
                blocks, tables = self._leaf(shape, page.number)
        except MemoryError:
            raise
        except Exception as exc:  # odd XML anywhere in the shape: this shape is lost, not the slide
            self.faults.append(_fault(page.number, f"{_what(shape)} on slide {page.number}", exc, "shape"))
            return
        if isinstance(shape, GroupShape):
            for child in children:
                self._shape(child, page)
            return
        page.blocks.extend(blocks)
        self.tables.extend(tables)
        if any(b.method == "ocr" for b in blocks):
            page.confidence = _mean_confidence(page.blocks)

    def _leaf(self, shape: BaseShape, number: int) -> tuple[list[Block], list[Table]]:
        if isinstance(shape, GraphicFrame):
            return self._graphic_frame(shape, number)
        if isinstance(shape, Picture):
            if self.read_picture is None:
                return [], []
            return _picture_text(shape, number, self.read_picture, len(self.tables), self.geo) or ([], [])
        if not getattr(shape, "has_text_frame", False):  # connectors, ink, media: no text of their own
            return [], []
        role = _role(shape)
        bbox = self.geo.bbox(shape)
        blocks = [Block(text=text, role=role, level=_level(p), bbox=bbox, method="pptx")
                  for p in _paragraphs(shape.text_frame) if (text := clean_line(_paragraph_text(p)))]
        return blocks, []

    def _graphic_frame(self, shape: GraphicFrame, number: int) -> tuple[list[Block], list[Table]]:
        bbox = self.geo.bbox(shape)
        table_id = f"p{number}t{len(self.tables) + 1}"
        uri = _graphic_data_uri(shape)
        if uri == GRAPHIC_DATA_URI_TABLE:
            return _table(shape, number, table_id, bbox)
        if uri in (GRAPHIC_DATA_URI_CHART, _GRAPHIC_DATA_URI_CHARTEX):
            space = (_expect(self.deck, shape.chart_part, ChartPart)._element if uri == GRAPHIC_DATA_URI_CHART
                     else _chartex_space(shape))
            title = chart_title(space)
            blocks = [Block(text=title, bbox=bbox, method="pptx")] if title else []
            rows = chart_rows(space)
            tables = [Table(table_id=table_id, page=number, pages=[number], rows=rows, bbox=bbox, method="pptx",
                            source="chart")] if rows else []
            return blocks, tables
        if uri == _GRAPHIC_DATA_URI_DIAGRAM:
            return [Block(text=text, bbox=bbox, method="pptx") for text in _diagram_texts(shape)], []
        if uri == GRAPHIC_DATA_URI_OLEOBJ:
            self.faults.append(_embedded_object(shape, number))
            return [], []
        # a kind of graphic no reader here knows: whatever DrawingML text it carries inline
        texts = (clean_line("".join(t.text or "" for t in p.iter(f"{_A}t"))) for p in shape._element.iter(f"{_A}p"))
        return [Block(text=text, bbox=bbox, method="pptx") for text in texts if text], []

    def _notes(self, slide: Slide, page: Page) -> None:
        """The speaker notes as notes blocks; damaged notes cost the notes only."""
        try:
            if not slide.has_notes_slide:
                return
            _expect(self.deck, slide.part.part_related_by(RT.NOTES_SLIDE), NotesSlidePart)
            notes = slide.notes_slide.notes_text_frame
            if notes is None:
                return
            blocks = [Block(text=clean_line(p), role="notes", method="pptx") for p in _frame_text(notes).splitlines() if p.strip()]
        except MemoryError:
            raise
        except Exception as exc:
            self.faults.append(_fault(page.number, f"the speaker notes of slide {page.number}", exc, "shape"))
            return
        page.blocks.extend(blocks)


def _shape_elements(tree: etree._Element) -> Iterator[BaseShapeElement]:
    """The shape elements of a p:spTree or p:grpSp, in order, the chosen branch of each mc:AlternateContent.

    A reader takes the first mc:Choice it understands, else the mc:Fallback; for text the
    Choice is the real content (the Fallback is a picture of it, or a note that the reader is
    too old), so the first Choice holding shapes is taken.
    """
    for element in tree.iterchildren():
        if element.tag == _MC_ALTERNATE:
            branches = [*element.iterchildren(_MC_CHOICE), *element.iterchildren(_MC_FALLBACK)]
            chosen = next((found for branch in branches if (found := list(_shape_elements(branch)))), [])
            yield from chosen
        elif element.tag in _SHAPE_TAGS and isinstance(element, BaseShapeElement):
            yield element


def _what(shape: BaseShape) -> str:
    """What kind of shape it is, in a clerk's words, from its XML alone (this must not raise)."""
    if isinstance(shape, GroupShape):
        return "a group of shapes"
    if isinstance(shape, Picture):
        return "a picture"
    if isinstance(shape, GraphicFrame):
        return {GRAPHIC_DATA_URI_TABLE: "a table", GRAPHIC_DATA_URI_CHART: "a chart",
                _GRAPHIC_DATA_URI_CHARTEX: "a chart", _GRAPHIC_DATA_URI_DIAGRAM: "a SmartArt diagram",
                GRAPHIC_DATA_URI_OLEOBJ: "an embedded object",
                }.get(_graphic_data_uri(shape) or "", "a graphic")
    return "a text box or shape"


def _graphic_data_uri(shape: GraphicFrame) -> str | None:
    data = shape._element.find(f"{_A}graphic/{_A}graphicData")
    return None if data is None else data.get("uri")


def _table(shape: GraphicFrame, number: int, table_id: str, bbox: _BBox | None) -> tuple[list[Block], list[Table]]:
    """A table's cells as a grid and as table-cell blocks; a merged-over cell is an empty cell."""
    rows = [[("" if _spanned(cell) else clean_cell(_frame_text(cell.text_frame))) for cell in row.cells] for row in shape.table.rows]
    blocks = [Block(text=text, role="table-cell", bbox=bbox, method="pptx") for row in rows for text in row if text]
    return blocks, [Table(table_id=table_id, page=number, pages=[number], rows=rows, bbox=bbox, method="pptx")]


def _spanned(cell) -> bool:
    try:
        return cell.is_spanned
    except _FILE_DAMAGE:  # an odd hMerge/vMerge value: keep the cell's text
        return False


def _paragraphs(frame: TextFrame) -> list[CT_TextParagraph]:
    """The a:p elements of a text frame, python-pptx's `paragraphs` without an object for each."""
    return frame._txBody.p_lst


def _paragraph_text(p: CT_TextParagraph) -> str:
    """A paragraph's text as python-pptx's `text` gives it (its runs and fields, a vertical
    tab for each line break), read off the XML: python-pptx's objects and properties for
    each run took a sixth of the time of reading a deck. A run without its a:t is damaged,
    as python-pptx says."""
    parts = []
    for child in p.iterchildren(_A_R, _A_BR, _A_FLD):
        if child.tag == _A_BR:
            parts.append("\v")
            continue
        t = child.find(_A_T)
        if t is None and child.tag == _A_R:
            raise InvalidXmlError("required ``<a:t>`` child element not present")
        parts.append((t.text if t is not None else None) or "")
    return "".join(parts)


def _frame_text(frame: TextFrame) -> str:
    """A text frame's text as python-pptx's `text` gives it: its paragraphs, a line apart."""
    return "\n".join(_paragraph_text(p) for p in _paragraphs(frame))


def _level(p: CT_TextParagraph) -> int:
    """The paragraph's indent level, read from its a:pPr (python-pptx's `level` adds an a:pPr
    to every paragraph without one, at a sixth of the time of reading its text)."""
    try:
        properties = p.pPr
        return 0 if properties is None else properties.lvl
    except _FILE_DAMAGE:  # an odd lvl attribute: the text counts more than its indent
        return 0


def _diagram_texts(shape: GraphicFrame) -> list[str]:
    """A SmartArt diagram's text from its data part: each content node's paragraphs, in data order."""
    ids = shape._element.find(f"{_A}graphic/{_A}graphicData/{_DGM}relIds")
    if ids is None or ids.get(f"{_R}dm") is None:
        return []
    part = shape.part.related_part(ids.get(f"{_R}dm"))
    root = part._element if isinstance(part, XmlPart) else parse_xml(part.blob)
    texts = []
    for point in root.iter(f"{_DGM}pt"):
        body = point.find(f"{_DGM}t")
        if body is None or point.get("type", "node") not in _DIAGRAM_TEXT_POINTS:
            continue
        for p in body.iter(f"{_A}p"):
            if text := clean_line("".join(t.text or "" for t in p.iter(f"{_A}t"))):
                texts.append(text)
    return texts


def _chartex_space(shape: GraphicFrame) -> etree._Element:
    """The cx:chartSpace of a newer kind of chart (waterfall, treemap, ...): a part python-pptx keeps unparsed."""
    ref = next((e for e in shape._element.find(f"{_A}graphic/{_A}graphicData") if e.get(f"{_R}id")), None)
    if ref is None:
        raise ValueError("the chart frame names no chart part")
    return parse_xml(shape.part.related_part(ref.get(f"{_R}id")).blob)


def _embedded_object(shape: GraphicFrame, number: int) -> Fault:
    """An embedded or linked object (a worksheet, a document) is not read: say so, naming its program."""
    try:
        program = shape.ole_format.prog_id
    except _FILE_DAMAGE:
        program = None
    kind = f"an embedded object ({program})" if program else "an embedded object"
    return Fault(page=number, kind="unsupported", scope="shape",
                 message=f"{kind} on slide {number} is not read; open the deck in PowerPoint to see what it holds")


def _picture_text(shape: Picture, number: int, read_picture: PictureReader, n_before: int,
                  geo: _Geometry) -> tuple[list[Block], list[Table]] | None:
    """OCR blocks and tables of a picture, placed where the picture sits on the slide."""
    blob = shape.image.blob  # raises when the picture's part is missing or it has no blipFill: the shape's fault
    try:
        image = Image.open(io.BytesIO(blob))
        image.load()
    except (OSError, ValueError, Image.DecompressionBombError):  # EMF/WMF and other formats Pillow cannot draw
        return None
    box = geo.bbox(shape)
    if box is None:
        return None
    x0, top, x1, bottom = box
    result = read_picture(image, number, (x1 - x0, bottom - top))
    if result is None:
        return None
    ocr_page, ocr_tables = result

    def shift(b: _BBox | None) -> _BBox | None:
        return None if b is None else (b[0] + x0, b[1] + top, b[2] + x0, b[3] + top)

    blocks = [b.model_copy(update={"bbox": shift(b.bbox), "role": "body" if b.role == "title" else b.role}) for b in ocr_page.blocks]
    tables = [t.model_copy(update={"bbox": shift(t.bbox), "page": number, "pages": [number], "table_id": f"p{number}t{n_before + i}"})
              for i, t in enumerate(ocr_tables, start=1)]
    return blocks, tables


def _mean_confidence(blocks: list[Block]) -> float | None:
    scores = [b.confidence for b in blocks if b.method == "ocr" and b.confidence is not None]
    return round(sum(scores) / len(scores), 4) if scores else None


def _subtitle(page: Page) -> str | None:
    return next((b.text for b in page.blocks if b.role == "body"), None)


class _Geometry:
    """Where the shapes of one deck sit, in EMU.

    python-pptx finds a placeholder's inherited position by searching the slide layout's
    shapes again on every read of left, top, width or height, which took half the time of
    reading a deck; here each layout placeholder is looked up once per deck. A position that
    odd XML or a damaged layout hides is unknown (None): it costs the shape its place, not its text.
    """

    def __init__(self) -> None:
        self._inherited: dict[tuple[str, int], tuple[int | None, ...]] = {}
        # Asked twice a shape (its place in the reading order, its bbox): each python-pptx
        # read of x, y, cx or cy looks its a:xfrm up again, and a placeholder's p:ph by XPath.
        self._positions: dict[BaseShapeElement, tuple[int | None, ...]] = {}

    def emu(self, shape: BaseShape) -> tuple[int | None, ...]:
        """(left, top, width, height), each None where neither the shape nor its layout says."""
        element = shape._element
        if element not in self._positions:
            self._positions[element] = self._emu(shape)
        return self._positions[element]

    def _emu(self, shape: BaseShape) -> tuple[int | None, ...]:
        try:
            xfrm = shape._element.xfrm  # what python-pptx's x, y, cx and cy each read
            own = (None,) * 4 if xfrm is None else (xfrm.x, xfrm.y, xfrm.cx, xfrm.cy)
        except (AttributeError, *_FILE_DAMAGE):
            return (None,) * 4
        if None not in own or not shape.is_placeholder:
            return own
        try:
            inherited = self._layout_position(shape)
        except (AttributeError, *_FILE_DAMAGE):  # no layout, or a damaged one (a plain Part)
            return own
        return tuple(o if o is not None else i for o, i in zip(own, inherited))

    def _layout_position(self, shape: BaseShape) -> tuple[int | None, ...]:
        layout = shape.part.slide_layout
        key = (str(layout.part.partname), _placeholder(shape._element).idx)
        if key not in self._inherited:
            base = layout.placeholders.get(idx=key[1])
            self._inherited[key] = (None,) * 4 if base is None else (base.left, base.top, base.width, base.height)
        return self._inherited[key]

    def reading_order(self, shapes: Iterable[BaseShape]) -> list[BaseShape]:
        """Top-to-bottom, then left-to-right; shapes within ~1/4 inch of height share a row."""
        def key(shape: BaseShape) -> tuple[int, int]:
            left, top, _, _ = self.emu(shape)
            return (round((top or 0) / (_EMU_PER_PT * 18)), left or 0)

        return sorted(shapes, key=key)

    def bbox(self, shape: BaseShape) -> _BBox | None:
        left, top, width, height = self.emu(shape)
        if left is None or top is None:
            return None
        x0, y0 = left / _EMU_PER_PT, top / _EMU_PER_PT
        return (x0, y0, x0 + (width or 0) / _EMU_PER_PT, y0 + (height or 0) / _EMU_PER_PT)


def _placeholder(element: BaseShapeElement) -> CT_Placeholder | None:
    """The shape's p:ph (what python-pptx's is_placeholder and placeholder_format look up), or None."""
    found = _PLACEHOLDER(element)
    return found[0] if found else None


def _role(shape: BaseShape) -> str:
    try:
        ph = _placeholder(shape._element)
        ph_type = None if ph is None else ph.type
    except _FILE_DAMAGE:  # an odd placeholder type: the text is body text
        ph_type = None
    if ph_type in _TITLE_TYPES:
        return "title"
    if ph_type in _FURNITURE_TYPES:
        return "furniture"
    if PAGE_NUMBER.match(_frame_text(shape.text_frame)):
        return "furniture"
    return "body"

