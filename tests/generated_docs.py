"""Documents of the generator's train split for the OCR tests: made once per module, read as
the pipeline reads them. Imported by the test modules that tune on train seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.generate.build import generate
from extractors.readers.base import read_document
from extractors.files import sha256_of
from extractors.recognisers.pipeline import reading_options


def make(tmp_path_factory: pytest.TempPathFactory, name: str, seeds: tuple[int, ...]) -> tuple[dict, Path]:
    """The train documents of `seeds`, drawn and captured into a folder of their own."""
    dest = tmp_path_factory.mktemp(name)
    return {seed: generate(seed, "train", dest) for seed in seeds}, dest


def read(made: tuple[dict, Path], seed: int):
    """(the generator's document, saman's reading of its file)."""
    docs, dest = made
    path = str(dest / docs[seed].file_name)
    return docs[seed], read_document(path, sha256_of(path), reading_options())
