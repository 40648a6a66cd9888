"""Deployments of the ingest and rerun flows, for analysts who run a Prefect server.

`saman serve-flows` registers both flows with the server named by PREFECT_API_URL and keeps
a process running that executes their scheduled and manual runs: a watched folder is
re-scanned on a schedule, and a run can be started from the Prefect UI with another folder.
"""

from __future__ import annotations

from prefect.deployments.runner import RunnerDeployment

from flows.ingest import ingest_flow, rerun_flow


def deployments(folder: str, kb_path: str, cron: str) -> list[RunnerDeployment]:
    return [
        ingest_flow.to_deployment(
            name="ingest-folder",
            parameters={"paths": [folder], "kb_path": kb_path, "show_progress": False},
            cron=cron,
            description=f"Ingest {folder} into {kb_path}; pass other paths as the `paths` parameter.",
            tags=["saman"],
        ),
        rerun_flow.to_deployment(
            name="rerun",
            parameters={"kb_path": kb_path, "show_progress": False},
            description=f"Re-scan the sources recorded in {kb_path}: new, changed and deleted files.",
            tags=["saman"],
        ),
    ]


def serve_flows(folder: str, kb_path: str, cron: str) -> None:
    from prefect import serve

    serve(*deployments(folder, kb_path, cron))
