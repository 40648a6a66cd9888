"""One work, many files: a deck, its LibreOffice PDF, a worn scan of that PDF and a re-save are
found to be one work from their page text, and search, stats and the export say so.

The files are made here: two decks of the programme's kind (bench.generate's content, the same
programme name and department on every slide, so they share boilerplate but not their facts),
the first converted by `soffice`, its PDF rendered, photocopied (bench.generate.capture) and
OCR'd by saman; the second re-saved with other metadata. They are ingested by the real flow in
two runs, as an analyst adds files to an archive.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from pptx import Presentation
from pptx.util import Inches, Pt

from bench.generate import capture
from bench.generate.content import PROGRAMME, document_content
from kb import works
from kb.search import search
from kb.store import open_kb
from tests.conftest import ingest

DECK_A, DECK_B = "samling_a.pptx", "samling_b.pptx"
PDF_A, SCAN_A, RESAVED_B = "samling_a.pdf", "samling_a_skann.pdf", "samling_b_lagret_igjen.pptx"


def _text_box(slide, text: str, top: float, size: int = 18) -> None:
    box = slide.shapes.add_textbox(Inches(0.5), Inches(top), Inches(9), Inches(0.8))
    box.text_frame.word_wrap = True
    box.text_frame.text = text
    for paragraph in box.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(size)


def make_deck(path: Path, seed: int) -> list[str]:
    """A deck of four slides from the generator's content for `seed`; returns its sentences."""
    content = document_content(random.Random(seed), n_sentences=9, table_rows=(4, 6), table_cols=(3, 4))
    prs = Presentation()
    blank = prs.slide_layouts[6]
    sentences = [s.text for s in content.sentences]
    slides = [(PROGRAMME, [content.subtitle, content.date_line]), (content.title, sentences[:4]),
              ("Tiltak i kommunane", sentences[4:7]), ("Erfaringar", sentences[7:])]
    for number, (title, lines) in enumerate(slides, start=1):
        slide = prs.slides.add_slide(blank)
        _text_box(slide, title, 0.4, 28)
        for i, line in enumerate(lines):
            _text_box(slide, line, 1.4 + 1.1 * i)
        _text_box(slide, f"{content.department} · {number}", 6.8, 12)
        if number == 3:
            rows = content.table.rows[:5]
            table = slide.shapes.add_table(len(rows), len(rows[0]), Inches(0.5), Inches(4.6), Inches(9), Inches(2)).table
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
    prs.core_properties.title = content.title
    prs.save(path)
    return sentences


def soffice_pdf(source: Path, outdir: Path) -> Path:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(outdir), str(source)],
                       check=True, capture_output=True, timeout=180)
    return outdir / f"{source.stem}.pdf"


def worn_scan(pdf: Path, out: Path) -> Path:
    """The PDF printed, photocopied and scanned: an image-only PDF with no text layer."""
    noise = np.random.default_rng(7)
    pages = [capture.photocopy(page, noise)[0] for page in capture.render(pdf, 200, colour=False)]
    capture.image_pdf(pages, out, 200, "")
    return out


def export(kb_path: Path) -> dict[str, dict]:
    run = subprocess.run([sys.executable, "-m", "flows.cli", "export", "--kb", str(kb_path)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return {r["file_name"]: r for r in map(json.loads, run.stdout.splitlines()) if r["type"] == "document"}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("archive")
    sentences = make_deck(folder / DECK_A, seed=41)
    make_deck(folder / DECK_B, seed=42)
    soffice_pdf(folder / DECK_A, folder)
    worn_scan(folder / PDF_A, folder / SCAN_A)
    resaved = Presentation(folder / DECK_B)
    resaved.core_properties.author = "Sekretariatet"
    resaved.save(folder / RESAVED_B)
    kb_path = tmp_path_factory.mktemp("kb") / "works.db"
    # First the PDF and the other deck, then (a later run over the whole folder) the rest.
    ingest([folder / PDF_A, folder / DECK_B], kb_path)
    first = export(kb_path)
    summary = ingest([folder], kb_path)
    assert summary.extracted == 3, summary.errors
    return {"folder": folder, "kb": kb_path, "first": first, "docs": export(kb_path), "sentences": sentences}


def test_a_deck_its_pdf_and_its_worn_scan_are_one_work_and_the_other_deck_another(archive):
    docs = archive["docs"]
    assert docs[SCAN_A]["ocr_pages"] == [1, 2, 3, 4]  # the scan was read by OCR, not a text layer
    assert docs[DECK_A]["work_id"] == docs[PDF_A]["work_id"] == docs[SCAN_A]["work_id"]
    assert docs[DECK_B]["work_id"] == docs[RESAVED_B]["work_id"] != docs[DECK_A]["work_id"]
    assert docs[DECK_B]["sha256"] != docs[RESAVED_B]["sha256"]


def test_the_born_digital_deck_is_the_best_copy_once_it_arrives(archive):
    first, docs = archive["first"], archive["docs"]
    assert first[PDF_A]["best_copy"] and first[DECK_B]["best_copy"]
    assert {name for name, d in docs.items() if d["best_copy"]} in ({DECK_A, DECK_B}, {DECK_A, RESAVED_B})
    # The work kept its members when its new copies came, and its id names one of them.
    assert first[PDF_A]["work_id"] in {docs[n]["doc_id"] for n in (DECK_A, PDF_A, SCAN_A)}


def test_the_works_are_the_same_when_found_all_at_once(archive, tmp_path):
    """Works found document by document as files arrive equal works found over the whole KB
    (a KB of an earlier saman gets its works when it is next opened for writing)."""
    copy = tmp_path / "again.db"
    shutil.copy(archive["kb"], copy)
    with sqlite3.connect(copy) as db:
        db.execute("DELETE FROM work_members")
        db.execute("DELETE FROM work_bands")
        db.execute("UPDATE documents SET work_id = NULL, best_copy = 0")
        db.execute("DELETE FROM meta WHERE key = 'works_version'")
    with open_kb(copy):
        pass
    again = export(copy)
    assert {n: (d["work_id"], d["best_copy"]) for n, d in again.items()} == \
           {n: (d["work_id"], d["best_copy"]) for n, d in archive["docs"].items()}


def test_search_shows_one_hit_per_work_with_its_copies(archive):
    word = next(w for w in archive["sentences"][0].split() if len(w) > 6 and w.isalpha())
    with open_kb(archive["kb"], readonly=True) as kb:
        hits = search(kb, word, limit=10)
        everything = search(kb, "kommune OR kommunen OR kommunane OR samling", limit=10)
    ours = [h for h in hits if h.work_id == archive["docs"][DECK_A]["work_id"]]
    assert len(ours) == 1
    assert ours[0].file_name == DECK_A and set(ours[0].copies) == {PDF_A, SCAN_A}
    assert (PDF_A, ours[0].page) in ours[0].also
    assert len({h.work_id for h in everything}) == len(everything) == 2


def test_stats_count_documents_and_works(archive):
    run = subprocess.run([sys.executable, "-m", "flows.cli", "stats", "--json", "--kb", str(archive["kb"])],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    stats = json.loads(run.stdout)
    assert (stats["documents"], stats["works"]) == (5, 2)


def test_a_copy_that_leaves_the_kb_leaves_its_work(archive, tmp_path):
    copy = tmp_path / "left.db"
    shutil.copy(archive["kb"], copy)
    docs = archive["docs"]
    with open_kb(copy) as kb:
        # The deck's path now holds the other deck: the deck's content is no longer in the KB.
        kb.note_path(docs[DECK_A]["path"], docs[DECK_B]["sha256"], docs[DECK_B]["doc_id"])
    after = {n: d for n, d in export(copy).items() if d["path"] != docs[DECK_A]["path"]}
    assert after[PDF_A]["best_copy"] and not after[SCAN_A]["best_copy"]
    assert after[PDF_A]["work_id"] == after[SCAN_A]["work_id"]
    assert DECK_A not in {d["file_name"] for d in after.values()}


# -- the word pairs themselves-------------------------------------------------------------------


def _ocr_noise(text: str, rng: random.Random) -> str:
    """A letter misread in about one word of sixteen, about what OCR of the bench's worn
    photocopies does (their words overlap the text drawn by 0.89 to 1.0)."""
    confusions = {"e": "c", "l": "1", "o": "0", "m": "rn", "ø": "o", "å": "a", "i": "l"}
    words = []
    for word in text.split():
        if rng.random() < 1 / 16:
            i = rng.randrange(len(word))
            word = word[:i] + confusions.get(word[i], word[i] + word[i]) + word[i + 1:]
        words.append(word)
    return " ".join(words)


def test_generated_documents_stay_apart_and_their_noisy_copies_join_them():
    """Forty documents written from the same sentence templates (what the programme's decks are
    like: the same phrases, other municipalities and numbers) are forty works; each with OCR
    noise and every line after its title in another order is still its own work."""
    rng = random.Random(3)
    texts = []
    for seed in range(40):
        content = document_content(random.Random(1000 + seed), n_sentences=9, table_rows=(3, 6), table_cols=(2, 4))
        lines = [PROGRAMME, content.title, content.subtitle, *(s.text for s in content.sentences), content.department]
        texts.append(lines)
    pairs = [works.shingles(["\n".join(lines)]) for lines in texts]
    for i, a in enumerate(pairs):
        for b in pairs[i + 1:]:
            assert not works.same_text(a, b)
    for lines, original in zip(texts, pairs):
        shuffled = lines[:2] + rng.sample(lines[2:], len(lines) - 2)
        noisy = works.shingles(["\n".join(_ocr_noise(line, rng) for line in shuffled)])
        assert works.same_text(original, noisy)


def test_documents_with_little_or_no_text_are_one_work_only_with_the_very_same_words():
    empty = works.shingles(["", " "])
    title = works.shingles(["Temaverksted sykefravær"])
    assert not works.same_text(empty, empty)
    assert works.same_text(title, works.shingles(["TEMAVERKSTED  sykefravær"]))
    assert not works.same_text(title, works.shingles(["Temaverksted heltid"]))


def _renamed(source: Path, out: Path, names: dict[str, str]) -> None:
    """The deck with every municipality of `names` replaced by another: one template, filled for others."""
    prs = Presentation(source)
    for slide in prs.slides:
        for shape in slide.shapes:
            frames = [shape.text_frame] if shape.has_text_frame else (
                [cell.text_frame for row in shape.table.rows for cell in row.cells] if shape.has_table else [])
            for frame in frames:
                for paragraph in frame.paragraphs:
                    for run in paragraph.runs:
                        for old, new in names.items():
                            run.text = run.text.replace(old, new)
    prs.save(out)


def test_a_deck_filled_in_for_other_municipalities_is_a_work_of_its_own(tmp_path: Path):
    """The same slides naming other municipalities share most of their word pairs with the
    first deck, but are another document: they stay apart, while a re-save of the first joins it."""
    content = document_content(random.Random(41), n_sentences=9, table_rows=(4, 6), table_cols=(3, 4))
    make_deck(tmp_path / "kommune_a.pptx", seed=41)
    named = sorted({name for s in content.sentences for name in s.names} | {content.place.name})
    others = ["Tynset", "Vefsn", "Namsos", "Alta", "Sogndal", "Ringsaker", "Notodden", "Hitra", "Sirdal", "Vinje"]
    renames = dict(zip(named, [o for o in others if o not in named]))
    assert len(renames) >= 3, named
    _renamed(tmp_path / "kommune_a.pptx", tmp_path / "kommune_b.pptx", renames)
    resaved = Presentation(tmp_path / "kommune_a.pptx")
    resaved.core_properties.author = "Sekretariatet"
    resaved.save(tmp_path / "kommune_a_lagret_igjen.pptx")
    kb_path = tmp_path / "kb.db"
    assert ingest([tmp_path], kb_path).extracted == 3
    with open_kb(kb_path, readonly=True) as kb:
        text = {r["file_name"]: " ".join(t for (t,) in kb.db.execute("SELECT text FROM pages WHERE doc_id = ? ORDER BY page", (r["doc_id"],)))
                for r in kb.db.execute("SELECT doc_id, file_name FROM documents")}
        work = dict(kb.db.execute("SELECT file_name, work_id FROM documents").fetchall())
    # The text alone would make them one work: the names are all that differ.
    assert works.same_text(works.shingles([text["kommune_a.pptx"]]), works.shingles([text["kommune_b.pptx"]]))
    assert work["kommune_a.pptx"] == work["kommune_a_lagret_igjen.pptx"]
    assert work["kommune_b.pptx"] != work["kommune_a.pptx"]
