"""Looking at real processes from a test: what a command started, and whether it is still there (Linux /proc)."""

from __future__ import annotations

import socket
from pathlib import Path


def _stat(pid: int | str) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def descendants(root: int) -> dict[int, tuple[int, str]]:
    """Every live process below `root`: its parent and its command line."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(entry.name)) and stat[0] != "Z":
            children.setdefault(int(stat[1]), []).append(int(entry.name))
    found: dict[int, tuple[int, str]] = {}
    todo = [root]
    while todo:
        parent = todo.pop()
        for pid in children.get(parent, []):
            try:
                found[pid] = parent, Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            todo.append(pid)
    return found


def alive(pids) -> list[int]:
    """Those of `pids` still running (a zombie has ended)."""
    return [pid for pid in pids if (stat := _stat(pid)) and stat[0] != "Z"]


def listening(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def record_call(log: str, label: str, seconds: float = 0.0) -> str:
    """A worker job that leaves a trace: after `seconds`, `label` is appended to the file `log`."""
    import time

    time.sleep(seconds)
    with open(log, "a") as fh:
        fh.write(label + "\n")
    return label
