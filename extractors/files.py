"""A file as saman's own process knows it before any reader opens it: the name to store, its
sha256, and the error record of a file that could not be read at all.

Kept apart from the readers on purpose: the command that plans the files, hands them to the
workers and stores what they read imports this, and not the readers with their libraries
(pdfplumber, python-pptx, Pillow, pypdfium2, the language model: 0.4 s of every command's CPU).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from models import ErrorKind, ErrorRecord


def display_path(path: str | Path) -> str:
    """The path as text that can be stored and printed, even when the name is not UTF-8.

    Archive folders copied from old Windows shares hold names in Latin-1 or CP850; Python
    keeps their bytes as lone surrogates, which SQLite and JSON cannot store. Undecodable
    bytes are written as \\xNN, so the name stays readable and distinct.
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def error_record(path: str, sha256: str, kind: ErrorKind, message: str, detail: str | None = None) -> ErrorRecord:
    """The error record of a whole file that could not be read."""
    path = display_path(path)
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return ErrorRecord(doc_id=sha256[:16], file_name=name, sha256=sha256, page=None, path=path, error_kind=kind,
                       scope="file", message=message, detail=detail)
