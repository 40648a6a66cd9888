"""Printing the figures as tables (rich) and writing them as JSON under bench/results/.

Two tables: every measurement with its wall time and rate, then one line per figure with the
number its goal is about, the goal and whether it was met. The JSON holds the same plus the
run's context (machine, load, versions, archive), so results from different runs compare.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.measure import REPO, Figure

RESULTS = Path(__file__).resolve().parent / "results"


def _num(value: float | None, digits: int = 2) -> str:
    if value is None:
        return ""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def print_tables(figures: list[Figure], title: str, console: Console | None = None) -> None:
    console = console or Console()
    if not console.is_terminal:  # a log file: wide lines beat a table folded into 80 columns
        console.width = 180
    detail = Table(title=f"saman bench: measurements ({title})", show_lines=False)
    for column, justify in (("#", "right"), ("measured", "left"), ("items", "right"), ("wall s", "right"),
                            ("cpu s", "right"), ("rate /s", "right"), ("value", "right")):
        detail.add_column(column, justify=justify)
    for fig in figures:
        for k, m in enumerate(fig.measurements):
            detail.add_row(
                str(fig.number) if k == 0 else "",
                m.what,
                f"{m.items} {m.unit}" if m.items is not None else "",
                _num(m.wall_s),
                _num(m.cpu_s),
                _num(m.rate, 1),
                f"{_num(m.value)} {m.value_unit}" if m.value is not None else "",
                end_section=k == len(fig.measurements) - 1,
            )
    console.print(detail)
    goals = Table(title=f"saman bench: goals ({title})")
    for column in ("#", "figure", "result", "goal", "met", "note"):
        goals.add_column(column, overflow="fold")
    for fig in figures:
        met = {True: "[green]yes[/]", False: "[red]no[/]", None: "–"}[fig.met]
        goals.add_row(str(fig.number), fig.title, f"{_num(fig.result)}  ({fig.result_label})", fig.goal, met, fig.note)
    console.print(goals)


def _git_commit() -> str | None:
    try:
        done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=10)
    except OSError:
        return None
    return done.stdout.strip() or None


def context(**extra: object) -> dict[str, object]:
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "git_commit": _git_commit(),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        **extra,
    }


def show_and_save(table: Table, results: object, path: Path) -> None:
    """Print a scoring table and keep its results as JSON (bench.accuracy, bench.cer)."""
    console = Console()
    if not console.is_terminal:  # a log file: wide lines beat a table folded into 80 columns
        console.width = 180
    console.print(table)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


def write_json(figures: list[Figure], name: str, run: dict[str, object]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{name}.json"
    payload = {"run": run, "figures": [f.as_dict() for f in figures]}
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    return out
