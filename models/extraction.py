"""What reading one file hands to the knowledge base: one typed `Extraction`.

The pipeline makes it in a worker process and the KB stores it whole, in one transaction
(`kb.store.KB.save`). Every part is a model whose field names are the KB's column names, so
the KB inserts by name and a field added here cannot land in another field's column:
- `document`: the file's document record; its identity (doc_id, sha256) is the whole
  extraction's, so nothing downstream has to find "the first record";
- `records`: every other record, in the pipeline's order (pages, tables, the page, shape and
  region errors, then each recogniser's facts);
- `blocks`: the reading-order text runs of every page with their bboxes (`StoredBlock`, one
  row of the KB's `blocks` table; a named tuple, not a model: a long PDF has tens of
  thousands, and a model instance costs four times the memory of the tuple);
- `thumbnails`: a small PNG per page.

A file that could not be read yields no Extraction but one file-scope `ErrorRecord`.

This module imports nothing of ours outside `models`.
"""

from __future__ import annotations

from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from models.document import Method, Role
from models.records import AnyRecord, DocumentRecord, Record


class StoredBlock(NamedTuple):
    """One block as the KB's `blocks` table holds it: where it stands (document, page, its
    place in the page's reading order, bbox in points) and how it was read. The field names
    are the table's columns, in order."""

    doc_id: str
    page: int
    seq: int
    role: Role
    level: int
    text: str
    x0: float | None
    top: float | None
    x1: float | None
    bottom: float | None
    method: Method
    confidence: float | None


class Thumbnail(BaseModel):
    """The small PNG picture of one page or slide."""

    model_config = ConfigDict(extra="forbid")

    page: int
    png: bytes


class Extraction(BaseModel):
    """One file read and recognised, as the KB stores it."""

    model_config = ConfigDict(extra="forbid")

    document: DocumentRecord
    records: list[AnyRecord]
    blocks: list[StoredBlock]
    thumbnails: list[Thumbnail]

    @classmethod
    def of(cls, records: list[Record], blocks: list[StoredBlock], thumbnails: list[Thumbnail]) -> Extraction:
        """The Extraction of one document's records: its one document record (found by its
        type, wherever it stands) and the others in their order."""
        [document] = [r for r in records if isinstance(r, DocumentRecord)]
        return cls(document=document, records=[r for r in records if r is not document], blocks=blocks, thumbnails=thumbnails)

