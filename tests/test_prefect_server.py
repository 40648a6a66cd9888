"""The Prefect server saman keeps between commands: started by the first, used by the next,
stopped on request or once unused for its idle time, leaving no state behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.searchdeck import write_deck

IDLE_S = 3  # for the server that is left to stop by itself; the others wait far longer


@pytest.fixture
def env(tmp_path: Path):
    """A cache folder of its own (so Prefect's folder and the state file are the test's); a
    server left by a failing test is stopped."""
    env = {**{k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "SAMAN_PREFECT_HOME")},
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "SAMAN_PREFECT_SERVER": "shared",
           "SAMAN_PREFECT_SERVER_IDLE_S": "600"}
    yield env
    if state(env).exists() and alive(pid := json.loads(state(env).read_text())["pid"]):
        os.kill(pid, signal.SIGTERM)


def saman(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], env=env, capture_output=True, text=True, timeout=300)


def state(env: dict[str, str]) -> Path:
    return Path(env["XDG_CACHE_HOME"]) / "saman" / "prefect" / "server.json"


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def ingest(env: dict[str, str], tmp_path: Path, name: str) -> int:
    deck = write_deck(tmp_path / f"{name}.pptx", (("Heltid", f"Langvakter i {name}"),))
    run = saman(env, "ingest", str(deck), "--kb", str(tmp_path / "kb.db"), "--quiet")
    assert run.returncode == 0, run.stderr
    return json.loads(state(env).read_text())["pid"]


def wait_gone(pid: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(pid)


def test_one_server_serves_later_commands_until_stopped_or_unused(env, tmp_path):
    first = ingest(env, tmp_path, "first")
    assert alive(first)
    assert ingest(env, tmp_path, "second") == first  # found, not started again
    shown = saman(env, "prefect-server")
    assert f"pid {first}" in shown.stdout and "stops once unused" in shown.stdout
    stopped = saman(env, "prefect-server", "--stop")
    assert stopped.returncode == 0 and f"pid {first}" in stopped.stdout
    wait_gone(first, 10)
    assert not state(env).exists()
    assert "No Prefect server" in saman(env, "prefect-server").stdout
    third = ingest({**env, "SAMAN_PREFECT_SERVER_IDLE_S": str(IDLE_S)}, tmp_path, "third")  # the server keeps it
    assert third != first and alive(third)
    wait_gone(third, IDLE_S + 30)  # unused for IDLE_S: it stops by itself
    assert not state(env).exists()
