"""Figure 8: the KB's size on disk per page ingested, beside the source files' size per page.

Measured on the KB the flow figure built, after the flow closed it (so the WAL is checkpointed;
any -wal or -shm file left is counted too). There is no goal in the issue: the figure is for
capacity planning.
"""

from __future__ import annotations

import os
from pathlib import Path

from bench.measure import Figure, Measurement
from kb.store import open_kb


def _size(path: Path) -> int:
    return sum(os.path.getsize(p) for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists())


def figure(kb_path: Path, archive_root: Path) -> Figure:
    size = _size(kb_path)
    kb = open_kb(kb_path, readonly=True)
    try:
        pages = kb.db.execute("SELECT count(*) FROM pages").fetchone()[0]
        documents = kb.db.execute("SELECT count(*) FROM documents").fetchone()[0]
        blocks = kb.db.execute("SELECT count(*) FROM blocks").fetchone()[0]
    finally:
        kb.close()
    source = sum(p.stat().st_size for p in archive_root.rglob("*") if p.is_file())
    per_page = size / pages if pages else None
    return Figure(
        8, "KB size",
        [
            Measurement("KB file (+ WAL)", value=size / 2**20, value_unit="MB"),
            Measurement("KB bytes per page", items=pages, unit="pages", value=per_page / 1024 if per_page else None, value_unit="KiB/page"),
            Measurement("source files per page (archive, incl. duplicates)", value=source / pages / 1024 if pages else None, value_unit="KiB/page"),
        ],
        per_page / 1024 if per_page else None, "KiB per page", "(no goal)", None,
        f"{documents} documents, {pages} pages, {blocks} blocks",
        {"kb_bytes": size, "pages": pages, "documents": documents, "blocks": blocks, "source_bytes": source},
    )
