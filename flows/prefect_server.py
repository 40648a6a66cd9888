"""Prefect's temporary API server for one `saman` command: started early, ended with the command.

With no PREFECT_API_URL, Prefect starts a temporary server itself when a flow first runs. For a
small run that costs three ways: its start (~5 CPU seconds, most of it importing the server)
comes before any file is read; the command's own process imports the whole server module to
start it (~3 s more); and the server outlives a `kill -9` of saman. So once a command's plan
shows a file to read, `start()` launches the same server (the command and settings Prefect
gives its temporary server) in the background, to boot while the workers start and Prefect
loads, and points this process at it through PREFECT_API_URL before Prefect is imported; the
command waits for its health check only just before the flow runs. The kernel ends the server
when saman's process ends, however it ends (kb.web.serve.end_with_parent), and its output goes to
the run's folder (flows.rundir), where a failed start can be read.

A user who sets PREFECT_API_URL runs against that server; a process that has imported Prefect
already (a Python session, the tests) keeps what Prefect chose: in both cases nothing starts here.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from flows import rundir
from flows import settings as _settings  # noqa: F401  (saman's Prefect settings, for the server too)
from kb.web.serve import end_with_parent, free_port

# The environment Prefect gives its own temporary server (prefect.server.api.server.SubprocessASGIServer).
_TEMPORARY_SERVER = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
STOP_WAIT_S = 5.0


class ServerError(RuntimeError):
    """Prefect's temporary server did not come up; the message says why and where its log is."""


class PrefectServer:
    """One temporary Prefect API server on a free loopback port, started on construction."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self._start()

    def _start(self) -> None:
        self.port = free_port()
        prefect_dir = Path(importlib.util.find_spec("prefect").submodule_search_locations[0])  # type: ignore[union-attr]
        argv = [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect_dir.parent), "--factory",
                "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
                "--log-level", "error", "--lifespan", "on"]
        env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(argv, env={**env, **_TEMPORARY_SERVER}, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, preexec_fn=end_with_parent)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def wait(self) -> None:
        """Return once the server answers its health check; raise ServerError if it cannot."""
        deadline = time.monotonic() + float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"])
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"Prefect's temporary server stopped with exit status {self.process.returncode} "
                                  f"before it served (its log: {self.log})")
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.05)
        self.stop()
        raise ServerError(f"Prefect's temporary server did not answer within the start-up timeout (its log: {self.log})")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start() -> PrefectServer | None:
    """Start the server for this process's flows, unless a server is named or Prefect is loaded."""
    if "PREFECT_API_URL" in os.environ or "prefect" in sys.modules:
        return None
    server = PrefectServer(rundir.current() / "prefect-server.log")
    os.environ["PREFECT_API_URL"] = server.api_url
    atexit.register(server.stop)
    return server
