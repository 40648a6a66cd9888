"""The document generator of bench/generate: its gold says what its files show.

The generated splits measure saman on documents its rules were not written on, so their gold
must be right independently of saman: these tests check it against poppler's pdftotext (not
a part of saman) and against the generator's own facts.
"""

from __future__ import annotations

import random
import subprocess
from collections import Counter
from datetime import date

import pytest
from PIL import Image

from bench.generate.build import CONDITIONS, SPLITS, condition_of, generate
from bench.generate.content import Sentence, kommuner_at
from bench.generate.draw import A4, Look, Sheet

SEEDS = {condition_of(seed): seed for seed in range(1, 13)}  # one train seed per condition


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    dest = tmp_path_factory.mktemp("generated")
    return {condition: generate(seed, "train", dest) for condition, seed in SEEDS.items()}, dest


def test_every_condition_is_made_and_the_splits_do_not_share_seeds(made):
    docs, dest = made
    assert set(docs) == set(CONDITIONS)
    assert not set(SPLITS["train"]) & set(SPLITS["test"])
    assert len(SPLITS["test"]) >= 200
    for doc in docs.values():
        assert (dest / doc.file_name).stat().st_size > 1000


@pytest.mark.parametrize("condition", ["born_unruled", "two_column"])
def test_born_digital_gold_text_is_what_pdftotext_reads(made, condition):
    docs, dest = made
    doc = docs[condition]
    pages = subprocess.run(["pdftotext", "-layout", str(dest / doc.file_name), "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f")
    for number, page in enumerate(doc.pages, start=1):
        assert Counter(page.text.split()) == Counter(pages[number - 1].replace("\xa0", " ").split()), number


def test_a_long_unruled_table_runs_over_a_page_break(made):
    docs, _ = made
    table = docs["born_unruled"].tables[0]
    assert len(table.pages) >= 2 and len(table.rows) >= 30 and table.style == "unruled"


def test_gold_mentions_are_municipalities_of_the_day_written_on_their_page(made):
    docs, _ = made
    for doc in docs.values():
        by_number = {k.number: k.name for k in kommuner_at(date.fromisoformat(doc.date))}
        for page in doc.pages:
            for number in page.mentions:
                assert by_number[number].split(" ")[0] in page.text, (doc.file_name, number)


def test_a_name_before_its_comma_or_full_stop_is_a_gold_mention(tmp_path):
    # The date line `Stange, 21. juli 2013` names its place; so does a sentence ending in one.
    sheet = Sheet(tmp_path / "page.pdf", A4, Look.draw(random.Random(1), slide=False), margin=56, title="t")
    sheet.sentence(Sentence("Stange, 21. juli 2013", ["0417"], ["Stange"]), 56, 400)
    sheet.sentence(Sentence("Tiltaket er prøvd i Siljan og Vadsø.", ["0811", "2003"], ["Siljan", "Vadsø"]), 56, 400)
    sheet.finish()
    assert sheet.pages[0].mentions == ["0417", "0811", "2003"]


def test_the_mixed_pdf_has_one_page_without_a_text_layer(made):
    docs, dest = made
    doc = docs["mixed_pdf"]
    scanned = doc.capture["scanned_page"]
    pages = subprocess.run(["pdftotext", str(dest / doc.file_name), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    assert not pages[scanned - 1].strip()
    assert all(pages[n - 1].strip() for n in range(1, len(doc.pages) + 1) if n != scanned)


def test_a_photo_is_a_colour_picture_larger_than_the_page(made):
    docs, dest = made
    with Image.open(dest / docs["photo"].file_name) as image:
        assert image.mode == "RGB" and image.format == "JPEG" and min(image.size) > 1000


def test_the_same_seed_makes_the_same_gold(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = generate(SEEDS["two_column"], "train", tmp_path / "a")
    second = generate(SEEDS["two_column"], "train", tmp_path / "b")
    assert first.gold() == second.gold()
    assert (tmp_path / "a" / first.file_name).read_bytes() == (tmp_path / "b" / second.file_name).read_bytes()
