"""Record types of the export contract (shared/RECORDS.md), one pydantic model per `type`.

Every record carries its provenance: the file (`doc_id`, `file_name`, `sha256`), the page or
slide (`page`, null for a whole-document record), how it was read (`method`) and how sure we
are (`confidence`). Field names and meanings here are the contract `saman export` follows;
extra keys are allowed by the contract and documented where they are added.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import ConfigDict, Field

from models.compact import Compact
from models.document import DateSource
from models.errors import ErrorKind, Scope

ThemeName = Literal["sykefravaer", "heltid_deltid", "kompetanse_rekruttering", "omdomme", "innovasjon"]


class Record(Compact):
    """Fields common to every record."""

    model_config = ConfigDict(extra="forbid")

    type: str
    doc_id: str
    file_name: str
    sha256: str
    page: int | None = None
    method: str | None = None
    confidence: float | None = None


class DocumentRecord(Record):
    type: Literal["document"] = "document"
    path: str
    paths: list[str] = Field(default_factory=list, description="every path this content was seen at")
    media_type: str
    n_pages: int
    title: str | None = None
    date: str | None = None
    date_source: DateSource = Field(default="none", description="text, year_in_text, file_name, metadata or none")
    language: str = Field(default="und", description="ISO 639-1 code (nb, nn, en, sv, da, ...); und when unknown")
    ocr_pages: list[int] = Field(default_factory=list)
    pipeline_version: str
    gone: bool = Field(default=False, description="every path it was seen at has been deleted since")
    copy_of: str | None = Field(default=None, description="for a file whose content the KB holds under another path: "
                                                          "that path, whose records carry the pages and facts")
    work_id: str | None = Field(default=None, description="the same for every file that holds the same work (a deck, "
                                                          "its PDF, its scan, its .ppt): the doc_id of one of them")
    best_copy: bool = Field(default=False, description="this file is its work's best source: born-digital before OCR, "
                                                       "the original format before a conversion")


class ErrorRecord(Record):
    type: Literal["error"] = "error"
    path: str
    error_kind: ErrorKind
    scope: Scope = "file"
    message: str = Field(description="plain words for a clerk: what is wrong and what to do")
    detail: str | None = Field(default=None, description="the technical cause (an exception), or null")


class PageRecord(Record):
    type: Literal["page"] = "page"
    kind: Literal["page", "slide"] = "page"
    title: str | None = None
    text: str
    raw_text: str | None = None
    notes: str | None = None


class MunicipalityRecord(Record):
    type: Literal["municipality"] = "municipality"
    name: str
    kommunenummer: str
    fylke: str
    current_name: str | None = None
    current_kommunenummer: str | None = None
    surface: str
    context: str
    source_method: str | None = Field(default=None, description="how the text was read: text, ocr, pptx, table")
    group: str | None = Field(default=None, description="regional group the mention was listed under")


class ThemeRecord(Record):
    type: Literal["theme"] = "theme"
    theme: ThemeName
    score: float
    evidence: list[str] = Field(default_factory=list)


class CountRecord(Record):
    type: Literal["count"] = "count"
    value: float
    unit: str
    text: str
    subject: str | None = None
    of: float | None = Field(default=None, description="the whole in a ratio: '12 av 16' has of=16")
    approximate: bool = False
    table_id: str | None = None


class TableRecord(Record):
    type: Literal["table"] = "table"
    table_id: str
    rows: list[list[str]]
    pages: list[int] = Field(default_factory=list)
    source: Literal["table", "chart"] = "table"


class MeasureRecord(Record):
    type: Literal["measure"] = "measure"
    table_id: str
    municipality: str
    kommunenummer: str | None = None
    fylke: str | None = None
    theme: ThemeName | None = None
    measure: str
    value: str
    flag: str | None = Field(default=None, description="e.g. a Sum row that does not match its column")


AnyRecord = Annotated[
    Union[
        DocumentRecord,
        ErrorRecord,
        PageRecord,
        MunicipalityRecord,
        ThemeRecord,
        CountRecord,
        TableRecord,
        MeasureRecord,
    ],
    Field(discriminator="type"),
]

RECORD_TYPES: dict[str, type[Record]] = {
    "document": DocumentRecord,
    "error": ErrorRecord,
    "page": PageRecord,
    "municipality": MunicipalityRecord,
    "theme": ThemeRecord,
    "count": CountRecord,
    "table": TableRecord,
    "measure": MeasureRecord,
}
