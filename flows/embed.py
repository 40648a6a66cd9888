"""The embed flow: after ingest, give every page without a current vector one (kb.vectors).

Thin: one Prefect task around `kb.vectors.embed_pages`, which holds the work and is tested
without Prefect. Resumable: each batch is committed, and a run embeds only the passages of the
pages that have no vector of the current model stamp (or whose text changed) and that no page
already has a vector for, so a second run embeds nothing and a copy of a page costs no
embedding. The progress bar counts the distinct passages to embed.
"""

from __future__ import annotations

from flows import settings  # noqa: F401  (Prefect settings must be in place before Prefect loads)
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.ingest import _progress
from kb.store import open_kb
from kb.vectors import BATCH, EmbedSummary, embed_pages


@task(name="embed-pages", cache_policy=NO_CACHE)
def embed_task(kb_path: str, batch: int, show_progress: bool) -> EmbedSummary:
    with open_kb(kb_path) as kb, _progress(show_progress) as progress:
        bar = progress.add_task("embedding passages", total=None)
        return embed_pages(kb, batch=batch, progress=lambda done, total: progress.update(bar, completed=done, total=total))


@flow(name="saman-embed", log_prints=False)
def embed_flow(kb_path: str, batch: int = BATCH, show_progress: bool = True) -> EmbedSummary:
    """Embed the pages of the KB at `kb_path` that have no current vector; returns what was done."""
    return embed_task(kb_path, batch, show_progress)
