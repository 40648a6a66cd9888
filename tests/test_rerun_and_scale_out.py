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
    assert summary["extracted"] == 1 and summary["unchanged"] == 1
    assert summary["gone"] == [str(deleted)]
    with open_kb(kb_path, readonly=True) as kb:
        docs = {d["file_name"]: d for d in kb.records("document")}
    assert len(docs) == 3, "the deleted file's records are kept"
    assert docs[deleted.name]["gone"] is True
    assert docs["2013-05-22_pulje2_samling_nynorsk.pptx"]["gone"] is False
    again = rerun_flow(str(kb_path), show_progress=False)
    assert again["extracted"] == 0 and again["gone"] == [] or again["gone"] == [str(deleted)]


def test_rerun_reextracts_files_of_an_older_pipeline_version(corpus_copy, tmp_path):
    from flows.ingest import rerun_flow

    kb_path = tmp_path / "kb.db"
    ingest([corpus_copy], kb_path)
    with open_kb(kb_path) as kb, kb.db:
        kb.db.execute("UPDATE documents SET pipeline_version = '0.0.1'")
    summary = rerun_flow(str(kb_path), show_progress=False)
    assert summary["extracted"] == 2
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
    assert summary["extracted"] == 2
    assert export_text(dask_kb) == export_text(default_kb)
