"""saman's shared types: the document model every reader produces, the records every
recogniser emits, and the Extraction of one file that the KB stores.

This package imports nothing else of saman's, so readers, recognisers, the KB and the flows
can all depend on it without cycles.
"""

from models.document import BBox, Block, DateSource, Document, Page, Table
from models.errors import ERROR_KINDS, ErrorKind, Fault, ReadError, Scope
from models.extraction import Extraction, StoredBlock, Thumbnail
from models.records import (
    RECORD_TYPES,
    AnyRecord,
    CountRecord,
    DocumentRecord,
    ErrorRecord,
    MeasureRecord,
    MunicipalityRecord,
    PageRecord,
    Record,
    TableRecord,
    ThemeRecord,
)

PIPELINE_VERSION = "0.2.0"

__all__ = [
    "AnyRecord",
    "BBox",
    "Block",
    "CountRecord",
    "DateSource",
    "ERROR_KINDS",
    "ErrorKind",
    "Extraction",
    "Fault",
    "ReadError",
    "Scope",
    "Document",
    "DocumentRecord",
    "ErrorRecord",
    "MeasureRecord",
    "MunicipalityRecord",
    "PIPELINE_VERSION",
    "Page",
    "PageRecord",
    "RECORD_TYPES",
    "Record",
    "StoredBlock",
    "Table",
    "TableRecord",
    "ThemeRecord",
    "Thumbnail",
]
