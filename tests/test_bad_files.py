"""Bad input gets a clear error and loses nothing: each kind of bad file, alone and in a batch."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from models import ErrorRecord
from models.errors import ReadError
from extractors.recognisers.pipeline import extract_file
from extractors.readers.base import read_document
from extractors.files import sha256_of
from extractors.readers.source import ReadOptions
from kb.store import open_kb
from tests import badfiles
from tests.conftest import CORPUS, ingest

CASES = [
    (badfiles.empty, "empty", "empty"),
    (badfiles.truncated_pdf, "corrupt", "damaged"),
    (lambda f: badfiles.encrypted_pdf(f, "hemmeleg"), "encrypted", "password"),
    (badfiles.html_named_pdf, "mislabelled", "HTML"),
    (badfiles.text_named_pptx, "mislabelled", "plain text"),
    (badfiles.broken_pptx, "corrupt", "damaged"),
    (badfiles.unsupported, "unsupported", "does not read this type"),
]


@pytest.mark.parametrize("make, kind, words", CASES, ids=[c[1] + "-" + c[0].__name__ if hasattr(c[0], "__name__") else c[1] for c in CASES])
def test_each_bad_file_is_one_clear_error(tmp_path, make, kind, words):
    path = make(tmp_path)
    with pytest.raises(ReadError) as info:
        read_document(path, options=ReadOptions(ocr=False))
    assert info.value.kind == kind
    assert words.lower() in info.value.message.lower()
    error = extract_file(str(path), sha256_of(path))
    assert isinstance(error, ErrorRecord), "a file that cannot be read yields its error, nothing else"
    assert (error.error_kind, error.scope, error.path) == (kind, "file", str(path))


def test_pdf_encrypted_with_an_empty_user_password_is_read(tmp_path):
    doc = read_document(badfiles.encrypted_pdf(tmp_path, ""), options=ReadOptions(ocr=False))
    assert "Løten" in doc.pages[0].text


def test_a_pdf_named_pptx_is_read_as_the_pdf_it_is(tmp_path):
    path = tmp_path / "rapport.pptx"
    shutil.copy(badfiles.REPORT, path)
    doc = read_document(path, options=ReadOptions(ocr=False))
    assert doc.media_type == "application/pdf" and len(doc.pages) == 3


def test_a_batch_with_bad_files_goes_on_and_keeps_what_it_had(tmp_path):
    folder = tmp_path / "arkiv"
    folder.mkdir()
    shutil.copy(CORPUS / "2014-03-12_kmd_programstatus.pptx", folder)
    kb_path = tmp_path / "kb.db"
    ingest([folder], kb_path)
    bad = [badfiles.empty(folder), badfiles.truncated_pdf(folder), badfiles.html_named_pdf(folder), badfiles.text_named_pptx(folder)]
    shutil.copy(CORPUS / "2013-05-22_pulje2_samling_nynorsk.pptx", folder)
    summary = ingest([folder], kb_path)
    assert summary.extracted == 1 and summary.unchanged == 1
    assert sorted(e.path for e in summary.errors) == sorted(str(p) for p in bad)
    with open_kb(kb_path, readonly=True) as kb:
        stats = kb.stats()
        assert stats["documents"] == 2 and stats["errors"] == 4
        assert stats["errors_by_kind"] == {"corrupt": 1, "empty": 1, "mislabelled": 2}


def test_cli_ingest_exits_zero_with_per_file_errors_and_reports_them(tmp_path):
    badfiles.empty(tmp_path)
    kb_path = tmp_path / "kb.db"
    run = subprocess.run([sys.executable, "-m", "flows.cli", "ingest", str(tmp_path), "--kb", str(kb_path), "--quiet"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "tom.pdf" in run.stdout and "empty" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr
