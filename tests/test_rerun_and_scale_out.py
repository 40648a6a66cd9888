"""Reruns over recorded folders, Prefect deployments, and the same flow on a Dask cluster."""

from __future__ import annotations

import io
import shutil


from kb.export import write_jsonl
from kb.store import open_kb
from tests.conftest import CORPUS, ingest


def export_text(kb_path) -> str:
    out = io.StringIO()
    with open_kb(kb_path, readonly=True) as kb:
        write_jsonl(kb, out)
    return out.getvalue()


def test_rerun_ingests_new_files_and_marks_deleted_ones_gone(corpus_copy, tmp_path):
    from flows.ingest import rerun_flow

    kb_path = tmp_path / "kb.db"
    ingest([corpus_copy], kb_path)
    deleted = corpus_copy / "2015-06-30_sluttrapport_tiltak.pdf"
    deleted.unlink()
    shutil.copy(CORPUS / "2013-05-22_pulje2_samling_nynorsk.pptx", corpus_copy)
    summary = rerun_flow(str(kb_path), show_progress=False)
    assert summary.extracted == 1 and summary.unchanged == 1
    assert summary.gone == [str(deleted)]
    with open_kb(kb_path, readonly=True) as kb:
        docs = {d["file_name"]: d for d in kb.records("document")}
    assert len(docs) == 3, "the deleted file's records are kept"
    assert docs[deleted.name]["gone"] is True
    assert docs["2013-05-22_pulje2_samling_nynorsk.pptx"]["gone"] is False
    again = rerun_flow(str(kb_path), show_progress=False)
    assert (again.extracted, again.unchanged) == (0, 2), "nothing changed since the last rerun"
    assert again.gone == [], "a path marked gone before is not reported again"


def test_rerun_reextracts_files_of_an_older_pipeline_version(corpus_copy, tmp_path):
    from flows.ingest import rerun_flow

    kb_path = tmp_path / "kb.db"
    ingest([corpus_copy], kb_path)
    with open_kb(kb_path) as kb, kb.db:
        kb.db.execute("UPDATE documents SET pipeline_version = '0.0.1'")
    summary = rerun_flow(str(kb_path), show_progress=False)
    assert summary.extracted == 2
    with open_kb(kb_path, readonly=True) as kb:
        assert {d["pipeline_version"] for d in kb.records("document")} != {"0.0.1"}


def test_deployments_carry_folder_schedule_and_kb(tmp_path):
    from flows.deploy import deployments

    ingest_dep, rerun_dep = deployments(str(tmp_path), str(tmp_path / "kb.db"), "30 5 * * 1")
    assert ingest_dep.parameters["paths"] == [str(tmp_path)]
    assert ingest_dep.parameters["kb_path"] == rerun_dep.parameters["kb_path"] == str(tmp_path / "kb.db")
    assert ingest_dep.schedules[0].schedule.cron == "30 5 * * 1"
    assert {ingest_dep.name, rerun_dep.name} == {"ingest-folder", "rerun"}


def test_the_flow_on_a_local_dask_cluster_exports_what_the_default_run_does(corpus_copy, tmp_path, monkeypatch):
    import distributed
    from prefect.server.api.server import SubprocessASGIServer
    from prefect_dask import DaskTaskRunner

    from flows.ingest import ingest_flow

    default_kb = tmp_path / "default.db"
    ingest([corpus_copy], default_kb)
    # Dask workers report task states to a Prefect server they can reach: here the one this
    # test process started (in production, the server PREFECT_API_URL names on every machine).
    monkeypatch.setenv("PREFECT_API_URL", SubprocessASGIServer().api_url)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask_kb = tmp_path / "dask.db"
        run = ingest_flow.with_options(task_runner=DaskTaskRunner(address=cluster.scheduler_address))
        summary = run([str(corpus_copy)], str(dask_kb), show_progress=False, local_workers=False)
    assert summary.extracted == 2
    assert export_text(dask_kb) == export_text(default_kb)


# -- files that failed are remembered --------------------------------------------------------------


def _bad_batch(folder):
    from tests import badfiles

    shutil.copy(CORPUS / "2014-03-12_kmd_programstatus.pptx", folder)
    return {badfiles.empty(folder).name, badfiles.broken_pptx(folder).name, badfiles.html_named_pdf(folder).name}


def test_an_unchanged_file_that_failed_is_not_read_again_until_asked(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    bad = _bad_batch(folder)
    kb_path = tmp_path / "kb.db"
    first = ingest([folder], kb_path)
    assert {e.file_name for e in first.errors} == bad and first.extracted == 1
    with open_kb(kb_path, readonly=True) as kb:
        stored = sorted((e["path"], e["error_kind"], e["message"]) for e in kb.records("error"))
    second = ingest([folder], kb_path)
    assert (second.extracted, second.unchanged, second.failed_before, second.errors) == (0, 1, 3, [])
    with open_kb(kb_path, readonly=True) as kb:
        assert sorted((e["path"], e["error_kind"], e["message"]) for e in kb.records("error")) == stored, "the errors stay on record"
    # the same bad content under a name not seen before is not read either, but gets its error
    shutil.copy(folder / "oydelagt.pptx", folder / "kopi.pptx")
    third = ingest([folder], kb_path)
    assert (third.extracted, third.failed_before, third.errors) == (0, 4, [])
    with open_kb(kb_path, readonly=True) as kb:
        copy = [e for e in kb.records("error") if e["file_name"] == "kopi.pptx"]
    assert [e["error_kind"] for e in copy] == [next(k for p, k, _ in stored if p.endswith("oydelagt.pptx"))]
    retried = ingest_flow_retrying([folder], kb_path)
    assert retried.failed_before == 0 and len(retried.errors) == 4 and retried.unchanged == 1


def ingest_flow_retrying(paths, kb_path):
    from flows.ingest import ingest_flow

    return ingest_flow([str(p) for p in paths], str(kb_path), workers=2, show_progress=False, retry_errors=True)


def test_a_timeout_is_read_again_when_more_time_is_allowed(corpus_copy, tmp_path, monkeypatch):
    kb_path = tmp_path / "kb.db"
    monkeypatch.setenv("SAMAN_FILE_TIMEOUT", "0.001")
    first = ingest([corpus_copy], kb_path)
    assert {e.error_kind for e in first.errors} == {"timeout"} and first.extracted == 0
    again = ingest([corpus_copy], kb_path)
    assert again.failed_before == 2 and again.errors == [], "the same limit would time out again"
    monkeypatch.setenv("SAMAN_FILE_TIMEOUT", "900")
    longer = ingest([corpus_copy], kb_path)
    assert longer.extracted == 2 and longer.failed_before == 0 and longer.errors == []
    with open_kb(kb_path, readonly=True) as kb:
        assert list(kb.records("error")) == [], "a file read at last loses its old error"
        assert kb.db.execute("SELECT count(*) FROM failures").fetchone()[0] == 0


def test_our_own_faults_are_not_remembered(tmp_path):
    """An `internal` error is saman's fault, which a new saman may mend without a new pipeline version."""
    from extractors.files import error_record, sha256_of
    from flows.plan import plan
    from models import PIPELINE_VERSION

    deck = shutil.copy(CORPUS / "2014-03-12_kmd_programstatus.pptx", tmp_path)
    sha = sha256_of(deck)
    with open_kb(tmp_path / "kb.db") as kb:
        for kind, read_again in (("corrupt", False), ("internal", True)):
            kb.save_failure(error_record(str(deck), sha, kind, "x"), PIPELINE_VERSION)
            todo = plan([str(deck)], kb)
            assert (sha in todo.todo) is read_again and len(todo.failed_before) == (not read_again)
        kb.save_failure(error_record(str(deck), sha, "corrupt", "x"), "0.0.1")
        assert sha in plan([str(deck)], kb).todo, "a new pipeline version reads every failed file again"
