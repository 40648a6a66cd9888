"""What tesseract hands back for a page's words, taken as it comes (extractors.ocr.engine).

tesserocr raises `RuntimeError: No text returned` for a word element that holds no text;
saman once let that out of the word loop, and a whole scanned page became an `internal`
fault. The document here is one the generator of bench/generate draws (train seed 29: a
report PDF whose second page is a scan) on which tesseract 5.3.4 returns such a word.
"""

from __future__ import annotations

from bench.generate.build import generate
from extractors.files import sha256_of
from extractors.recognisers.pipeline import extract_file

EMPTY_WORD_SCAN = 29  # train seed: mixed_pdf, page 2 scanned


def test_a_word_tesseract_returns_without_text_costs_nothing(tmp_path):
    made = generate(EMPTY_WORD_SCAN, "train", tmp_path)
    path = str(tmp_path / made.file_name)
    read = extract_file(path, sha256_of(path))
    assert [r for r in read.records if r.type == "error"] == []
    scanned = next(r for r in read.records if r.type == "page" and r.page == 2)
    assert scanned.method == "ocr" and len(scanned.text.split()) > 20
