"""Opening a deck's package, also when a part of it is damaged.

Why: python-pptx parses every XML part that a deck's relationships reach as soon as it opens
the deck, so one part that does not parse (a chart, a slide, a notes page) makes it refuse the
whole file; so does one part that [Content_Types].xml gives no type. Of two zip entries with
one name it takes whichever zipfile finds last. And it refuses templates and slide shows
(.potx, .ppsx, .potm, .ppsm) by their content type although they are decks like any other:
here they are opened past that check.

A deck python-pptx refuses is opened again from a mended copy in memory: of duplicated entries
the last one that parses is kept; the content types of every copy of [Content_Types].xml that
parses are merged, and a part none of them types is typed by its extension; a part whose XML
does not parse is kept as bytes under a content type python-pptx does not parse. The slide or
shape that uses such a part then fails alone, where the reader can record it, and
`Deck.damaged` says what was wrong with it.

This module only opens packages; which slides and shapes are read is the reader's business.
"""

from __future__ import annotations

import io
import mimetypes
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import IO

from lxml import etree
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.package import PartFactory
from pptx.oxml import parse_xml
from pptx.package import Package
from pptx.parts.presentation import PresentationPart
from pptx.presentation import Presentation

from models.errors import ReadError, describe

_CONTENT_TYPES = "[Content_Types].xml"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_DAMAGED_TYPE = "application/vnd.saman.damaged-part"  # no python-pptx part class: kept unparsed
_MACRO_DECK_TYPES = ("application/vnd.ms-powerpoint.template.macroEnabled.main+xml",
                     "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml")
_DECK_TYPES = {CT.PML_PRESENTATION_MAIN, CT.PML_PRES_MACRO_MAIN, CT.PML_TEMPLATE_MAIN, CT.PML_SLIDESHOW_MAIN, *_MACRO_DECK_TYPES}

# python-pptx maps four main-part content types to its presentation part; the macro-enabled
# template and slide show are decks too. PartFactory.part_type_for is its hook for this.
for _content_type in _MACRO_DECK_TYPES:
    PartFactory.part_type_for.setdefault(_content_type, PresentationPart)


@dataclass
class Deck:
    """An opened deck and the parts of its package that were damaged: partname → what was wrong."""

    presentation: Presentation
    damaged: dict[str, str] = field(default_factory=dict)


def open_deck(path: str) -> Deck:
    """The deck as python-pptx reads it, or read from a mended copy when python-pptx refuses it.

    Raises ReadError("corrupt") when not even the mended copy opens.
    """
    try:
        return Deck(_presentation(path))
    except MemoryError:
        raise
    except Exception as exc:  # lxml, zipfile, KeyError, ValueError: whatever the damage makes python-pptx raise
        refused = exc
    try:
        mended, damaged = _mended(path)
        return Deck(_presentation(io.BytesIO(mended)), damaged)
    except MemoryError:
        raise
    except Exception as exc:
        raise ReadError("corrupt", "the deck could not be opened; the file is probably damaged",
                        describe(refused)) from exc


def _presentation(file: str | IO[bytes]) -> Presentation:
    """pptx.Presentation without its check of the main part's content type (templates, slide shows)."""
    part = Package.open(file).main_document_part
    if not isinstance(part, PresentationPart):
        raise ValueError(f"the main part is {part.content_type}, not a presentation")
    return part.presentation


def _mended(path: str) -> tuple[bytes, dict[str, str]]:
    """A copy of the package without duplicate entries, its damaged XML parts marked as such."""
    damaged: dict[str, str] = {}
    copies: dict[str, list[bytes]] = {}
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            try:
                with zf.open(info) as member:  # by its directory entry, so each duplicate is read apart
                    copies.setdefault(info.filename, []).append(member.read())
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:  # CRC, truncation, odd compression
                damaged.setdefault("/" + info.filename, describe(exc))
    parts: dict[str, bytes] = {}
    for name, blobs in copies.items():
        if name == _CONTENT_TYPES or not name.endswith((".xml", ".rels")):
            parts[name] = blobs[-1]
            continue
        good, why = _last_parsing(blobs)
        if good is not None:
            parts[name] = good
            damaged.pop("/" + name, None)
            continue
        damaged["/" + name] = why or "the part is empty"
        if not name.endswith(".rels"):  # relationships are parsed on opening whatever their type: left out
            parts[name] = blobs[-1]
    parts[_CONTENT_TYPES] = _merged_content_types(copies.get(_CONTENT_TYPES, []), damaged, [n for n in parts if n != _CONTENT_TYPES])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for name, blob in parts.items():
            zf.writestr(name, blob)
    return out.getvalue(), damaged


def _last_parsing(blobs: list[bytes]) -> tuple[bytes | None, str | None]:
    """The last copy that parses as XML, or (None, why the last one does not)."""
    why = None
    for blob in reversed(blobs):
        try:
            parse_xml(blob)
            return blob, None
        except (etree.LxmlError, ValueError) as exc:
            why = why or describe(exc)
    return None, why


def _merged_content_types(blobs: list[bytes], damaged: dict[str, str], names: list[str]) -> bytes:
    """One [Content_Types].xml: every copy that parses, later copies winning; damaged parts untyped,
    and a part no copy types (a picture of an extension no Default names) typed by its extension."""
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for blob in blobs:
        try:
            root = parse_xml(blob)
        except (etree.LxmlError, ValueError):
            continue
        for element in root:
            if element.tag == f"{{{_CT_NS}}}Default" and element.get("Extension") and element.get("ContentType"):
                defaults[element.get("Extension", "").lower()] = element.get("ContentType", "")
            elif element.tag == f"{{{_CT_NS}}}Override" and element.get("PartName") and element.get("ContentType"):
                overrides[element.get("PartName", "").lower()] = element.get("ContentType", "")
    for name in names:
        partname, extension = "/" + name.lower(), name.rsplit(".", 1)[-1].lower()
        if partname not in overrides and extension not in defaults and extension != "rels":
            overrides[partname] = mimetypes.guess_type(name)[0] or "application/octet-stream"
    for partname in damaged:
        if overrides.get(partname.lower()) not in _DECK_TYPES:  # without its main part nothing opens anyway
            overrides[partname.lower()] = _DAMAGED_TYPE
    root = etree.Element(f"{{{_CT_NS}}}Types", nsmap={None: _CT_NS})
    for extension, content_type in defaults.items():
        etree.SubElement(root, f"{{{_CT_NS}}}Default", Extension=extension, ContentType=content_type)
    for partname, content_type in overrides.items():
        etree.SubElement(root, f"{{{_CT_NS}}}Override", PartName=partname, ContentType=content_type)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
