"""From a file to its records: read it, then run the fact recognisers over the Document.

The recognisers form a pipeline in the spaCy sense: an ordered list of named components, each
a function `(Document, records found so far) -> new records`, so each can be tested alone and
a later component (measures) can use an earlier one's output (the page's theme). The order
lives in `COMPONENTS`, not in code paths. `extract_file` is what the flow runs per file, in a
worker process; it never raises for a bad file, it returns an error record instead.

Reading and recognising meet here, so this is where the words the recognisers look for (the
themes' terms as written, the gazetteer's place names) are handed to OCR's æ/ø/å correction
(`reading_settings`): the readers and OCR import nothing from the recognisers.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

from models.errors import INTERNAL_MESSAGE, ReadError, describe
from extractors.gazetteer.gazetteer import load_gazetteer
from extractors.ocr.settings import DEFAULT_SETTINGS, OcrSettings
from extractors.readers.base import display_path, read_document
from extractors.recognisers.themes import surface_words
from extractors.thumbnails import thumbnails
from models import (
    PIPELINE_VERSION,
    Document,
    DocumentRecord,
    ErrorKind,
    ErrorRecord,
    PageRecord,
    Record,
    TableRecord,
)

Component = Callable[[Document, list[Record]], list[Record]]

# name → "module:function"; run in this order over every document.
COMPONENTS: dict[str, str] = {
    "municipalities": "extractors.recognisers.municipalities:recognise_municipalities",
    "themes": "extractors.recognisers.themes:recognise_themes",
    "counts": "extractors.recognisers.counts:recognise_counts",
    "measures": "extractors.recognisers.measures:recognise_measures",  # after municipalities and themes: uses both
}


def components() -> list[tuple[str, Component]]:
    loaded = []
    for name, target in COMPONENTS.items():
        module, func = target.split(":")
        loaded.append((name, getattr(importlib.import_module(module), func)))
    return loaded


def structural_records(doc: Document) -> list[Record]:
    """The records that restate what was read: the document, its pages and tables, page errors."""
    records: list[Record] = [
        DocumentRecord(
            **doc.provenance(None),
            method=_document_method(doc),
            path=doc.path,
            paths=[doc.path],
            media_type=doc.media_type,
            n_pages=len(doc.pages),
            title=doc.title,
            date=doc.date,
            date_source=doc.date_source,
            language=doc.language,
            ocr_pages=doc.ocr_pages,
            pipeline_version=PIPELINE_VERSION,
        )
    ]
    for page in doc.pages:
        records.append(
            PageRecord(
                **doc.provenance(page.number),
                method=page.method,
                confidence=page.confidence,
                kind=page.kind,
                title=page.title,
                text=page.text,
                raw_text=page.raw_text,
                notes=page.notes or None,
            )
        )
    for table in doc.tables:
        records.append(
            TableRecord(
                **doc.provenance(table.page),
                method=table.method,
                confidence=table.confidence,
                table_id=table.table_id,
                rows=table.rows,
                pages=table.pages,
                source=table.source,
            )
        )
    for fault in doc.faults:
        records.append(ErrorRecord(**doc.provenance(fault.page), path=doc.path, error_kind=fault.kind, scope=fault.scope,
                                   message=fault.message, detail=fault.detail))
    return records


def _document_method(doc: Document) -> str:
    methods = sorted({p.method for p in doc.pages})
    return "+".join(methods) if methods else "text"


def recognise(doc: Document) -> list[Record]:
    """Structural records, then every component's records, in pipeline order."""
    found = structural_records(doc)
    for _name, component in components():
        found.extend(component(doc, found))
    return found


def error_record(path: str, sha256: str, kind: ErrorKind, message: str, detail: str | None = None) -> ErrorRecord:
    """The error record of a whole file that could not be read."""
    path = display_path(path)
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return ErrorRecord(doc_id=sha256[:16], file_name=name, sha256=sha256, page=None, path=path, error_kind=kind,
                       scope="file", message=message, detail=detail)


def block_rows(doc: Document) -> list[tuple]:
    """Every block with its page, order and bbox: the provenance behind each page's text."""
    rows = []
    for page in doc.pages:
        for seq, b in enumerate(page.blocks):
            x0, top, x1, bottom = b.bbox or (None, None, None, None)
            rows.append((doc.doc_id, page.number, seq, b.role, b.level, b.text, x0, top, x1, bottom, b.method, b.confidence))
    return rows


class Extraction(NamedTuple):
    """What one file yields for the KB: records (as dicts), block rows, page thumbnails."""

    records: list[dict]
    blocks: list[tuple] = []
    thumbnails: list[tuple[int, bytes]] = []


@lru_cache(maxsize=8)
def reading_settings(ocr: OcrSettings = DEFAULT_SETTINGS) -> OcrSettings:
    """`ocr` with the words the recognisers look for known to the æ/ø/å correction: the theme
    terms as written (`flåteordning`, which the dictionaries lack) and the gazetteer's place
    names (`Valer` → `Våler`)."""
    return dataclasses.replace(ocr, known_words=ocr.known_words | surface_words(),
                               place_names=ocr.place_names | load_gazetteer().place_names())


def extract_file(path: str, sha256: str, ocr: OcrSettings = DEFAULT_SETTINGS) -> Extraction:
    """Read (OCR tuned by `ocr`) and recognise one file.

    A file that cannot be read yields one error record and nothing else; this never raises
    for a bad file, so the batch goes on.
    """
    try:
        doc = read_document(path, sha256, ocr_settings=reading_settings(ocr))
        records = [r.model_dump(mode="json") for r in recognise(doc)]
    except ReadError as exc:
        return Extraction([error_record(path, sha256, exc.kind, exc.message, exc.detail).model_dump(mode="json")])
    except MemoryError as exc:
        return Extraction([error_record(path, sha256, "too_large", "the file needs more memory than saman allows a file",
                                        describe(exc)).model_dump(mode="json")])
    except Exception as exc:  # a fault of ours on this file must cost this file only
        return Extraction([error_record(path, sha256, "internal", INTERNAL_MESSAGE, describe(exc)).model_dump(mode="json")])
    return Extraction(records, block_rows(doc), _pictures(path, doc))


def _pictures(path: str, doc: Document) -> list[tuple[int, bytes]]:
    """The page thumbnails, or none: a picture is a side job, and one that cannot be made
    (memory, a library's fault) must not cost the document that was read."""
    try:
        return sorted(thumbnails(path, doc).items())
    except Exception:  # noqa: BLE001 — the text and records stand without pictures
        return []
