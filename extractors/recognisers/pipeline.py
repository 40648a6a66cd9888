"""From a file to its records: read it, then run the fact recognisers over the Document.

The recognisers form a pipeline in the spaCy sense: an ordered list of named components
(extractors.recognisers.base), each declaring the records and shared facts it requires and the
records it emits, so each can be tested alone and a later component (measures) can use an
earlier one's output (the page's theme). The order is `COMPONENTS`, and `build` checks it:
a component that requires a record type emitted only later, or by no component, or a fact the
context does not hold, is an error naming both. `extract_file` is what the flow runs per
file, in a worker process: it returns the file's `models.Extraction`, which the KB stores whole,
and never raises for a bad file: it returns the file's error record instead.

Reading and recognising meet here, so this is where the words the recognisers look for (the
themes' terms as written, the gazetteer's place names) are handed to OCR's æ/ø/å correction
(`reading_settings`): the readers and OCR import nothing from the recognisers.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Mapping, Sequence
from functools import lru_cache

from models.errors import INTERNAL_MESSAGE, ReadError, describe
from extractors.gazetteer.gazetteer import load_gazetteer
from extractors.lang.identify import release as release_language_model
from extractors.ocr.settings import DEFAULT_SETTINGS, OcrSettings
from extractors.files import error_record
from extractors.readers.base import open_source, read_source
from extractors.readers.source import ReadOptions, Source
from extractors.recognisers.base import Component, Found, PipelineError
from extractors.recognisers.context import FACTS, Context
from extractors.recognisers.themes import surface_words
from extractors.thumbnails import thumbnails
from models import (
    PIPELINE_VERSION,
    Block,
    Document,
    DocumentRecord,
    ErrorRecord,
    Extraction,
    Page,
    PageRecord,
    Record,
    StoredBlock,
    Table,
    TableRecord,
    Thumbnail,
)

# name → "module:component"; run in this order over every document (the modules are also
# what flows.workers preloads). `build` checks that the order gives each its inputs.
COMPONENTS: dict[str, str] = {
    "municipalities": "extractors.recognisers.municipalities:recognise_municipalities",
    "themes": "extractors.recognisers.themes:recognise_themes",
    "counts": "extractors.recognisers.counts:recognise_counts",
    "measures": "extractors.recognisers.measures:recognise_measures",
}

# What `structural_records` makes from what was read, before any component runs.
STRUCTURAL: tuple[type[Record], ...] = (DocumentRecord, PageRecord, TableRecord, ErrorRecord)


def build(targets: Mapping[str, str]) -> tuple[Component, ...]:
    """The components named by `targets` (name → "module:component"), in order, order checked."""
    loaded = []
    for name, target in targets.items():
        module, attr = target.split(":")
        loaded_component = getattr(importlib.import_module(module), attr)
        if not isinstance(loaded_component, Component) or loaded_component.name != name:
            raise PipelineError(f"{target} is not the component {name!r}")
        loaded.append(loaded_component)
    check_order(loaded)
    return tuple(loaded)


def check_order(components: Sequence[Component]) -> None:
    """Raise PipelineError, naming every broken requirement, unless each component's record
    requirements are emitted by the structural records or only by components before it, and
    each fact it requires is one the context holds."""
    problems = []
    names = [c.name for c in components]
    problems += [f"two components are named {n!r}" for n in sorted({n for n in names if names.count(n) > 1})]
    for i, c in enumerate(components):
        for need in c.requires:
            if isinstance(need, str):
                if need not in FACTS:
                    problems.append(f"{c.name!r} requires the fact {need!r}, which the context does not hold "
                                    f"(it holds {', '.join(sorted(FACTS))})")
                continue
            if need in STRUCTURAL:
                continue
            emitters = [o.name for o in components if need in o.emits]
            late = [o.name for o in components[i:] if need in o.emits]
            if not emitters:
                problems.append(f"{c.name!r} requires {need.__name__}, which no component emits")
            elif late:
                problems.append(f"{c.name!r} requires {need.__name__}, which {' and '.join(map(repr, late))} "
                                f"emit{'s' if len(late) == 1 else ''} only at or after it")
    if problems:
        raise PipelineError("; ".join(problems))


@lru_cache(maxsize=1)
def pipeline() -> tuple[Component, ...]:
    """The components of `COMPONENTS`, built and checked once per process."""
    return build(COMPONENTS)


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
    found = Found(structural_records(doc))
    context = Context.of(doc, found.of(DocumentRecord))
    for recogniser in pipeline():
        found.extend(recogniser.run(doc, context, found))
    return list(found)


def stored_blocks(doc: Document) -> list[StoredBlock]:
    """Every block with its page, order and bbox: the provenance behind each page's text."""
    rows, doc_id = [], doc.doc_id  # one doc_id string for all of them, not a copy each
    for page in doc.pages:
        for seq, b in enumerate(page.blocks):
            x0, top, x1, bottom = b.bbox or (None, None, None, None)
            rows.append(StoredBlock(doc_id=doc_id, page=page.number, seq=seq, role=b.role, level=b.level, text=b.text,
                                    x0=x0, top=top, x1=x1, bottom=bottom, method=b.method, confidence=b.confidence))
    return rows


@lru_cache(maxsize=8)
def reading_settings(ocr: OcrSettings = DEFAULT_SETTINGS) -> OcrSettings:
    """`ocr` with the words the recognisers look for known to the æ/ø/å correction: the theme
    terms as written (`flåteordning`, which the dictionaries lack) and the gazetteer's place
    names (`Valer` → `Våler`)."""
    return dataclasses.replace(ocr, known_words=ocr.known_words | surface_words(),
                               place_names=ocr.place_names | load_gazetteer().place_names())


def reading_options(ocr: OcrSettings = DEFAULT_SETTINGS) -> ReadOptions:
    """How saman reads a file: OCR tuned by `ocr`, with the recognisers' words (reading_settings)."""
    return ReadOptions(ocr_settings=reading_settings(ocr))


def extract_file(path: str, sha256: str, ocr: OcrSettings = DEFAULT_SETTINGS) -> Extraction | ErrorRecord:
    """Read (OCR tuned by `ocr`) and recognise one file.

    A file that cannot be read yields its error record instead; this never raises for a bad
    file, so the batch goes on.
    """
    try:
        with open_source(path, sha256) as source:
            doc = read_source(source, reading_options(ocr))
            release_language_model()  # only reading needs it: its pages go until the next file
            # drawn while the source is open: a PDF's thumbnails come from the pdfium document that read it
            return Extraction.of(recognise(doc), stored_blocks(doc), page_thumbnails(source, doc))
    except ReadError as exc:
        return error_record(path, sha256, exc.kind, exc.message, exc.detail)
    except MemoryError as exc:
        return error_record(path, sha256, "too_large", "the file needs more memory than saman allows a file", describe(exc))
    except Exception as exc:  # a fault of ours on this file must cost this file only
        return error_record(path, sha256, "internal", INTERNAL_MESSAGE, describe(exc))


def warm_up() -> None:
    """Load what a process's first file would load: the word lists, the recognisers' spaCy
    pipelines, the gazetteer, the theme terms (1.3 s), by reading options and recognising a
    made-up page with a table. The workers' fork server does it once for all its workers,
    which share what it loaded (flows.workers), instead of each paying it on its first file."""
    reading_options()
    page = Page(number=1, blocks=[Block(text="Asker og Bærum kommune: 12 prosjekter om sykefravær og heltid i 2014")])
    table = Table(table_id="p1t1", page=1, pages=[1], rows=[["Kommune", "Tiltak"], ["Asker", "Heltid"]])
    recognise(Document(sha256="0" * 64, path="warm-up.txt", media_type="text/plain", pages=[page], tables=[table]))


def page_thumbnails(source: Source, doc: Document) -> list[Thumbnail]:
    """The page thumbnails, or none: a picture is a side job, and one that cannot be made
    (memory, a library's fault) must not cost the document that was read."""
    try:
        return [Thumbnail(page=page, png=png) for page, png in sorted(thumbnails(source, doc).items())]
    except Exception:  # noqa: BLE001 — the text and records stand without pictures
        return []
