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

By default the server is **shared** between commands (`SharedServer`): the first command on a
machine starts it detached, in a session of its own, and later commands find it through a
state file in saman's Prefect folder and use it at once, so only the first pays the start. It
stops itself once no command has used it for SHARED_IDLE_S (SAMAN_PREFECT_SERVER_IDLE_S): each
command holds a shared lock on a file beside the state for as long as it lives, and the server
takes the lock's absence for idleness, however a command ended. `saman prefect-server --stop`
stops it now. SAMAN_PREFECT_SERVER=temporary gives each command a server of its own again,
ended with the command (the tests run so, leaving nothing behind).

A user who sets PREFECT_API_URL runs against that server; a process that has imported Prefect
already (a Python session, the tests) keeps what Prefect chose: in both cases nothing starts here.
"""

from __future__ import annotations

import atexit
import fcntl
import importlib.metadata
import importlib.util
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from flows import rundir
from flows import settings as _settings  # saman's Prefect settings, for the server too
from kb.web.serve import end_with_parent, free_port

# The environment Prefect gives its own temporary server (prefect.server.api.server.SubprocessASGIServer).
_TEMPORARY_SERVER = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
STOP_WAIT_S = 5.0
SHARED_IDLE_S = 15 * 60
_MODE = "SAMAN_PREFECT_SERVER"  # "shared" (the default) or "temporary"


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
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(argv, env=_server_env(), stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, preexec_fn=end_with_parent)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def wait(self) -> None:
        """Return once the server answers its health check; raise ServerError if it cannot."""
        try:
            _wait_healthy(self.api_url, lambda: self.process.poll(), self.log, "temporary")
        except ServerError:
            self.stop()
            raise

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class SharedServer:
    """Prefect's server shared by saman's commands: found running, or started detached for
    this and later commands (see the module's docstring)."""

    def __init__(self, folder: Path) -> None:
        self.state, self.log = folder / "server.json", folder / "server.log"
        self._users = open(folder / "server.users", "a")  # noqa: SIM115 — held for the life of the process
        fcntl.flock(self._users, fcntl.LOCK_SH)  # in use while this process lives
        with open(folder / "server.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one command at a time finds or starts it
            found = _running(self.state)
            self.started = found is None
            self.pid, self.port = found or self._launch()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def _launch(self) -> tuple[int, int]:
        port = free_port()
        with open(self.log, "ab") as out:
            process = subprocess.Popen([sys.executable, "-m", "flows.prefect_server", str(port), str(self.state)],
                                       env=_server_env(), stdout=out, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        _write_state(self.state, process.pid, port)
        return process.pid, port

    def wait(self) -> None:
        """Return once the server answers its health check; raise ServerError if it cannot."""
        _wait_healthy(self.api_url, lambda: None if _alive(self.pid) else "gone", self.log, "shared")

    def stop(self) -> None:
        """At the end of a command the server stays for the next; its idle time starts now."""
        _touch(self.state)


def start() -> PrefectServer | SharedServer | None:
    """Start (or find) the server for this process's flows, unless a server is named or
    Prefect is loaded."""
    if "PREFECT_API_URL" in os.environ or "prefect" in sys.modules:
        return None
    if os.environ.get(_MODE, "shared") == "temporary":
        server: PrefectServer | SharedServer = PrefectServer(rundir.current() / "prefect-server.log")
    else:
        server = SharedServer(_settings.prefect_home())
    os.environ["PREFECT_API_URL"] = server.api_url
    atexit.register(server.stop)
    return server


def shared_status() -> dict[str, object] | None:
    """The shared server's pid, port and idle seconds, or None when none is running."""
    state = _settings.prefect_home() / "server.json"
    found = _running(state)
    if found is None:
        return None
    return {"pid": found[0], "port": found[1], "idle_s": round(time.time() - state.stat().st_mtime)}


def stop_shared() -> bool:
    """Stop the shared server now; False when none was running."""
    state = _settings.prefect_home() / "server.json"
    found = _running(state)
    if found is None:
        return False
    os.kill(found[0], signal.SIGTERM)
    deadline = time.monotonic() + STOP_WAIT_S
    while _alive(found[0]) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _alive(found[0]):
        os.kill(found[0], signal.SIGKILL)
    state.unlink(missing_ok=True)
    return True


def idle_seconds() -> float:
    """How long the shared server waits unused before it stops (SAMAN_PREFECT_SERVER_IDLE_S)."""
    return float(os.environ.get("SAMAN_PREFECT_SERVER_IDLE_S", SHARED_IDLE_S))


def _server_env() -> dict[str, str]:
    """The environment Prefect gives its temporary server, without a server URL of its own."""
    env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    return {**env, **_TEMPORARY_SERVER}


def _wait_healthy(api_url: str, ended, log: Path, kind: str) -> None:
    deadline = time.monotonic() + float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"])
    while time.monotonic() < deadline:
        if (status := ended()) is not None:
            raise ServerError(f"Prefect's {kind} server stopped ({status}) before it served (its log: {log})")
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.05)
    raise ServerError(f"Prefect's {kind} server did not answer within the start-up timeout (its log: {log})")


def _version() -> str:
    return f"{sys.executable} prefect {importlib.metadata.version('prefect')}"


def _write_state(state: Path, pid: int, port: int) -> None:
    partial = state.with_suffix(".partial")
    partial.write_text(json.dumps({"pid": pid, "port": port, "version": _version()}))
    partial.replace(state)


def _running(state: Path) -> tuple[int, int] | None:
    """(pid, port) of the shared server the state file names, if it runs this Python and
    Prefect; a state file of a dead or other server is removed (that server is stopped)."""
    try:
        named = json.loads(state.read_text())
    except (OSError, ValueError):
        return None
    if not _alive(named.get("pid", 0)) or not _is_server(named["pid"]):  # ended, or its pid taken since
        state.unlink(missing_ok=True)
        return None
    if named.get("version") != _version():
        os.kill(named["pid"], signal.SIGTERM)
        state.unlink(missing_ok=True)
        return None
    return named["pid"], named["port"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    try:  # a child of this process that ended is a zombie until reaped: not alive
        return os.waitpid(pid, os.WNOHANG) == (0, 0)
    except ChildProcessError:
        return True


def _is_server(pid: int) -> bool:
    """Whether process `pid` is a shared server (Linux: its command line says so)."""
    try:
        return b"flows.prefect_server" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass


def serve_shared(port: int, state: Path) -> None:
    """The shared server itself (`python -m flows.prefect_server PORT STATE`): Prefect's API
    under uvicorn, ended once no command has held the users' lock for the idle time, or when
    the state file names another server."""
    import uvicorn

    idle_s = idle_seconds()
    server = uvicorn.Server(uvicorn.Config("prefect.server.api.server:create_app", factory=True, host="127.0.0.1",
                                           port=port, log_level="error", lifespan="on"))
    users, lock = state.with_name("server.users"), state.with_name("server.lock")

    def idle() -> bool:
        """Whether no command uses the server and none has for idle_s; then the state file
        goes, under the lock commands find the server by, so none finds a server that ends."""
        with open(lock, "a") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            with open(users, "a") as fh:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    _touch(state)  # a command is using the server
                    return False
            try:
                ours = json.loads(state.read_text()).get("pid") == os.getpid()
                quiet = time.time() - state.stat().st_mtime > idle_s
            except (OSError, ValueError):
                return True
            if ours and not quiet:
                return False
            if ours:
                state.unlink(missing_ok=True)
            return True

    def watch() -> None:
        while not server.should_exit:
            time.sleep(min(5.0, idle_s / 4))
            if idle():
                server.should_exit = True

    threading.Thread(target=watch, name="saman-idle-watch", daemon=True).start()
    try:
        server.run()
    finally:
        with open(lock, "a") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            try:
                if json.loads(state.read_text()).get("pid") == os.getpid():
                    state.unlink()
            except (OSError, ValueError):
                pass


if __name__ == "__main__":
    serve_shared(int(sys.argv[1]), Path(sys.argv[2]))
