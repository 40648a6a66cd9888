"""The ingest flow as a user reruns it: unchanged files skipped, changes replace, duplicates merge."""

from __future__ import annotations

import os
import shutil
import time
from collections import Counter

from kb.store import open_kb
from pptx import Presentation
from tests.conftest import CORPUS, ingest


def test_second_ingest_parses_nothing_and_touching_changes_nothing(corpus_copy, tmp_path):
    kb_path = tmp_path / "kb.db"
    first = ingest([corpus_copy], kb_path)
    assert first.extracted == 2 and first.pages > 0 and not first.errors
    later = time.time() + 60
    for f in corpus_copy.iterdir():
        os.utime(f, (later, later))
    second = ingest([corpus_copy], kb_path)
    assert second.extracted == 0 and second.unchanged == 2
    with open_kb(kb_path, readonly=True) as kb:
        assert kb.stats()["documents"] == 2


def test_a_changed_file_is_reextracted_and_replaces_its_records(corpus_copy, tmp_path):
    kb_path = tmp_path / "kb.db"
    ingest([corpus_copy], kb_path)
    deck = corpus_copy / "2014-03-12_kmd_programstatus.pptx"
    prs = Presentation(deck)
    prs.slides[1].shapes.title.text_frame.text = "Nytt om programmet: vikarpool i alle kommuner"
    prs.save(deck)
    summary = ingest([corpus_copy], kb_path)
    assert summary.extracted == 1 and summary.unchanged == 1
    with open_kb(kb_path, readonly=True) as kb:
        docs = list(kb.records("document"))
        assert len(docs) == 2, "the old version's records were replaced, not kept beside the new"
        titles = [r["title"] for r in kb.records("page") if r["file_name"] == deck.name and r["page"] == 2]
        assert titles == ["Nytt om programmet: vikarpool i alle kommuner"]


def test_same_content_under_two_names_is_read_once_and_each_file_has_its_document_record(corpus_copy, tmp_path):
    deck = corpus_copy / "2014-03-12_kmd_programstatus.pptx"
    twin = corpus_copy / "kopi av programstatus.pptx"
    shutil.copy(deck, twin)
    kb_path = tmp_path / "kb.db"
    summary = ingest([corpus_copy], kb_path)
    assert summary.extracted == 2 and summary.duplicates == 1
    with open_kb(kb_path, readonly=True) as kb:
        docs = [r for r in kb.records("document") if deck.name in r["path"] or twin.name in r["path"]]
        stored = kb.db.execute("SELECT count(*) FROM documents WHERE doc_id = ?", (docs[0]["doc_id"],)).fetchone()[0]
    assert stored == 1  # read and stored once
    assert sorted(d["file_name"] for d in docs) == sorted([deck.name, twin.name])
    assert len({d["doc_id"] for d in docs}) == 1
    assert all(sorted(d["paths"]) == sorted([str(deck), str(twin)]) for d in docs)
    [copy] = [d for d in docs if d["copy_of"]]
    assert copy["copy_of"] in (str(deck), str(twin)) and copy["path"] != copy["copy_of"]
    with open_kb(kb_path, readonly=True) as kb:  # each name has its pages, facts and all
        pages = Counter(r["file_name"] for r in kb.records("page") if r["doc_id"] == docs[0]["doc_id"])
    assert pages[deck.name] == pages[twin.name] > 0


def test_every_page_gets_a_thumbnail_and_blocks_with_bboxes(corpus_kb):
    import io

    from PIL import Image

    with open_kb(corpus_kb, readonly=True) as kb:
        pages = kb.db.execute("SELECT doc_id, page FROM pages").fetchall()
        thumbs = {(r[0], r[1]): r[2] for r in kb.db.execute("SELECT doc_id, page, png FROM thumbnails")}
        unplaced = kb.db.execute("SELECT count(*) FROM blocks WHERE x0 IS NULL AND role != 'notes'").fetchone()[0]
    assert {(p[0], p[1]) for p in pages} == set(thumbs)
    image = Image.open(io.BytesIO(next(iter(thumbs.values()))))
    assert image.format == "PNG" and 100 <= image.width <= 800
    assert unplaced == 0


def test_a_kb_from_an_earlier_saman_gains_new_columns(tmp_path):
    import sqlite3

    kb_path = tmp_path / "old.db"
    open_kb(kb_path).close()
    with sqlite3.connect(kb_path) as db:
        db.execute("ALTER TABLE documents DROP COLUMN gone")
    with open_kb(kb_path) as kb:
        assert "gone" in {row[1] for row in kb.db.execute("PRAGMA table_info(documents)")}


def test_globs_do_not_follow_symlink_loops(tmp_path):
    from flows.discover import discover

    (tmp_path / "a").mkdir()
    shutil.copy(CORPUS / "2015-06-30_sluttrapport_tiltak.pdf", tmp_path / "a" / "r.pdf")
    os.symlink(tmp_path, tmp_path / "a" / "back")
    assert discover([str(tmp_path / "**" / "*.pdf")]).files == [str(tmp_path / "a" / "r.pdf")]


def test_one_extraction_is_stored_whole_by_column_name_and_replaces_what_was_there(tmp_path):
    """`KB.save` takes the typed Extraction of one file: every block and thumbnail comes back
    from its table field by field, the records as the export shapes them, and saving the
    same content again replaces it (a file error of its path goes)."""
    import sqlite3

    from extractors.files import error_record, sha256_of
    from extractors.recognisers.pipeline import extract_file
    from models import Extraction

    deck = CORPUS / "2014-03-12_kmd_programstatus.pptx"
    extraction = extract_file(str(deck), sha256_of(deck))
    assert isinstance(extraction, Extraction) and extraction.document.path == str(deck)
    assert extraction.blocks and extraction.thumbnails and all(r.type != "document" for r in extraction.records)
    with open_kb(tmp_path / "kb.db") as kb:
        kb.save_error(error_record(str(deck), extraction.document.sha256, "timeout", "took too long"))
        kb.save(extraction)
        kb.save(extraction)
        kb.db.row_factory = sqlite3.Row
        blocks = [dict(r) for r in kb.db.execute("SELECT * FROM blocks ORDER BY page, seq")]
        thumbnails = [dict(r) for r in kb.db.execute("SELECT page, png FROM thumbnails ORDER BY page")]
        [document] = list(kb.records("document"))
        pages = list(kb.records("page"))
        errors = list(kb.records("error"))
    assert blocks == [b._asdict() for b in extraction.blocks]
    assert thumbnails == [t.model_dump() for t in extraction.thumbnails]
    # the KB places the document in its work when it stores it (kb.works): a lone deck is its own work's best copy
    assert document == {**extraction.document.model_dump(mode="json"), "paths": [str(deck)],
                        "work_id": extraction.document.doc_id, "best_copy": True}
    assert pages == [r.model_dump(mode="json") for r in extraction.records if r.type == "page"]
    assert errors == [], "the document read replaces its path's file error"



def test_what_prefect_keeps_of_a_finished_task_is_its_key_not_the_files_read(tmp_path):
    # Prefect holds every finished task's result until its flow ends; a bulk import must not
    # hold every file it has read, so a task of the flow's own process hands its reads over
    # beside Prefect and returns only the key to take them by.
    import gc
    import weakref

    from prefect import flow

    from flows.ingest import extract, take
    from extractors.files import sha256_of

    deck = str(CORPUS / "2012-08-28_asker_nettverkssamling.pptx")

    @flow
    def read_one() -> tuple[str, list[str], bool]:
        future = extract.submit([(deck, sha256_of(deck))], "one deck", None, None, hand_over=True)
        key = future.result()
        reads = take(key)
        ref = weakref.ref(reads[0])
        types = [type(r).__name__ for r in reads]
        del reads
        gc.collect()
        return key, types, ref() is None

    key, types, let_go = read_one()
    assert isinstance(key, str) and types == ["Extraction"]
    assert let_go, "nothing of the flow's keeps the extraction once it is taken"


def test_the_deck_longest_to_read_is_read_first_though_it_is_smaller_on_disk(tmp_path):
    """The workers read the longest file first (the run must not end on it while the other
    idles); a deck's reading is its slides' XML, not its pictures, which make it large on disk."""
    import io
    import random

    from PIL import Image
    from pptx.util import Inches

    from flows.plan import plan, reading_cost

    folder = tmp_path / "decks"
    folder.mkdir()
    slides = Presentation()
    for n in range(60):
        slide = slides.slides.add_slide(slides.slide_layouts[1])
        slide.shapes.title.text = f"Lysark {n}"
        slide.placeholders[1].text = "\n".join(f"Kommune {n}-{k}: 17 deltakarar" for k in range(8))
    slides.save(folder / "many slides.pptx")
    noise = random.Random(7)
    picture = Image.frombytes("RGB", (400, 400), bytes(noise.getrandbits(8) for _ in range(400 * 400 * 3)))
    png = io.BytesIO()
    picture.save(png, format="PNG")
    photo = Presentation()
    photo.slides.add_slide(photo.slide_layouts[6]).shapes.add_picture(io.BytesIO(png.getvalue()), 0, 0, Inches(4))
    photo.save(folder / "one photo.pptx")
    (folder / "notes.txt").write_text("kommune " * 2000)
    sizes = {p.name: p.stat().st_size for p in folder.iterdir()}
    assert sizes["one photo.pptx"] > 3 * sizes["many slides.pptx"] > sizes["notes.txt"]

    with open_kb(tmp_path / "kb.db") as kb:
        todo = plan([str(folder)], kb)
    order = [os.path.basename(paths[0]) for _, paths in todo.longest_first()]
    assert order[0] == "many slides.pptx"
    assert reading_cost(str(folder / "notes.txt"), sizes["notes.txt"]) == sizes["notes.txt"], "not a zip: its size"
    broken = tmp_path / "broken.pptx"
    broken.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    assert reading_cost(str(broken), 104) == 104, "a damaged zip is the reader's to judge"


def test_saman_runs_its_flows_without_prefects_heartbeat_unless_the_user_asks_for_it(monkeypatch):
    """The heartbeat thread's join held every command up to a second after its last file."""
    from prefect import flow
    from prefect.settings import get_current_settings

    from flows.settings import without_heartbeats

    @flow
    def heartbeat() -> int | None:
        return get_current_settings().flows.heartbeat_frequency

    monkeypatch.delenv("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", raising=False)
    before = get_current_settings()
    with without_heartbeats():
        assert heartbeat() is None
        assert get_current_settings().model_dump(exclude={"flows"}) == before.model_dump(exclude={"flows"}), "the rest as it was"
    assert heartbeat() == get_current_settings().flows.heartbeat_frequency is not None, "only inside"
    monkeypatch.setenv("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "60")
    with without_heartbeats():
        assert heartbeat() is not None


def test_the_workers_fork_server_starts_before_this_process_imports_the_readers(tmp_path):
    """`saman ingest` starts the fork server first, so it loads the readers and recognisers
    while the command plans and imports Prefect; naming what it preloads must not import them
    here, and the workers forked from it later read files as before. The command's process
    never imports a reader's library at all, not even with the flow's modules loaded and a
    file read by a worker (extractors.files)."""
    import subprocess
    import sys

    deck = tmp_path / "one.pptx"
    shutil.copy(CORPUS / "2012-08-28_asker_nettverkssamling.pptx", deck)
    script = (
        "import sys\n"
        "from flows.workers import WorkerPool, start_fork_server\n"
        "start_fork_server()\n"
        "print('pipeline imported' if 'extractors.recognisers.pipeline' in sys.modules else 'pipeline not imported')\n"
        "import flows.cli, flows.ingest\n"
        "from flows.spool import extract_to_spool\n"
        "from extractors.files import sha256_of\n"
        f"outcome, read = WorkerPool(1).run(extract_to_spool, {str(deck)!r}, sha256_of({str(deck)!r}), timeout=120)\n"
        "heavy = ('pptx', 'pdfplumber', 'pdfminer', 'PIL', 'pypdfium2', 'py3langid', 'spacy', 'extractors.readers.base')\n"
        "print('imported here:', [m for m in heavy if m in sys.modules])\n"
        "print('pages', outcome, read.document.n_pages)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=CORPUS.parent, env={**os.environ, "PYTHONPATH": str(CORPUS.parent)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "pipeline not imported"
    assert done.stdout.splitlines()[1] == "imported here: []"
    assert done.stdout.splitlines()[-1].startswith("pages ok ") and int(done.stdout.split()[-1]) > 0
