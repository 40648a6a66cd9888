"""Serve a KB in the browser: Datasette over the file, read-only, on the loopback address.

`serve(kb_path)` runs Datasette until interrupted; `datasette_command(...)` gives the command
line it runs (and writes the generated metadata beside it), and `serving(kb_path)` runs that
command in the background for a `with` block, so tests and benchmarks start the very same
server as a subprocess. How it is served, and why:
- read-only, not immutable: Datasette opens the file `mode=ro` and every connection of the
  plugin (kb.web.plugins.pages) is `query_only`, so it writes nothing, while a document an
  ingest adds as the server runs shows at the next request (an immutable database, `-i`,
  would never look for changes: the rows, pages and pictures of an ingest since it started,
  and what is still in the write-ahead log, would stay unseen until a restart);
- bound to 127.0.0.1 unless a host is given, since the KB may hold documents not meant for
  the network;
- no arbitrary SQL from the page (`default_allow_sql off`) unless `allow_sql`: the canned
  queries, facets, search and the JSON/CSV of every table stay available;
- the metadata (kb.web.datasette_metadata), saman's plugin (kb.web.plugins: search page, page links
  and pictures, front page and chart) and templates (kb/web/templates) come with it.

`python -m kb.web.serve ARGS` is Datasette's `serve` command with saman's plugin registered; it is
what `datasette_command` runs. This module never writes to the KB.

Stopping `serve` stops the server: SIGTERM, SIGINT and SIGHUP to the command end Datasette
before the command ends, and Datasette gets SIGTERM from the kernel if the command dies
without a word (`kill -9`: `end_with_parent`, which saman's other child servers use too).
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kb.web.datasette_metadata import SQL_TIME_LIMIT_MS, metadata

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
DEFAULT_PORT = 8001
DEFAULT_HOST = "127.0.0.1"
STARTUP_SECONDS = 60


class ServeError(RuntimeError):
    """Datasette could not start or stopped with an error; the message says which."""


_PR_SET_PDEATHSIG = 1
try:
    _prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before any fork: preexec must not load libraries
except (OSError, AttributeError):  # not Linux: a child may outlive a killed parent
    _prctl = None


def end_with_parent() -> None:
    """`preexec_fn` of a child server: the kernel sends it SIGTERM when the thread that started
    it ends, even by `kill -9` (Linux's PR_SET_PDEATHSIG), so no server outlives saman. Start
    the child from a thread that lives as long as the child should (the main thread)."""
    if _prctl is None:
        return
    parent = os.getppid()
    _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the line above: nobody would signal us
        os._exit(1)


def datasette_command(kb_path: str | Path, workdir: str | Path, *, port: int = DEFAULT_PORT,
                      host: str = DEFAULT_HOST, allow_sql: bool = False) -> list[str]:
    """The command that serves `kb_path`, after writing its metadata to `workdir/metadata.json`."""
    kb = Path(kb_path).resolve()
    if not kb.is_file():
        raise FileNotFoundError(f"no knowledge base at {kb_path}: run `saman ingest` first")
    metadata_path = Path(workdir) / "metadata.json"
    metadata_path.write_text(json.dumps(metadata(kb), ensure_ascii=False, indent=2), encoding="utf-8")
    return [
        sys.executable, "-m", "kb.web.serve",
        str(kb),
        "--metadata", str(metadata_path),
        "--template-dir", str(TEMPLATES_DIR),
        "--host", host,
        "--port", str(port),
        "--setting", "default_allow_sql", "on" if allow_sql else "off",
        "--setting", "sql_time_limit_ms", str(SQL_TIME_LIMIT_MS),
        "--setting", "suggest_facets", "off",
    ]


def serve(kb_path: str, port: int = DEFAULT_PORT, host: str = DEFAULT_HOST, allow_sql: bool = False) -> None:
    """Serve the KB with Datasette until Ctrl-C, SIGTERM or SIGHUP; raise ServeError if Datasette fails.

    Call it from the main thread (the signal handlers live there)."""
    with tempfile.TemporaryDirectory(prefix="saman-serve-") as workdir:
        argv = datasette_command(kb_path, workdir, port=port, host=host, allow_sql=allow_sql)
        print(f"serving {kb_path} at http://{host}:{port}/ (Ctrl-C stops)", file=sys.stderr)
        process = subprocess.Popen(argv, preexec_fn=end_with_parent)
        stopped: list[int] = []

        def stop(signum: int, _frame: object) -> None:
            stopped.append(signum)
            process.terminate()

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
        try:
            status = process.wait()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            _stop(process)
    if status != 0 and not stopped:
        raise ServeError(f"Datasette stopped with exit status {status} (is port {port} in use?)")


def _stop(process: subprocess.Popen) -> None:
    """End the server and wait for it: politely, then for sure."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@contextmanager
def serving(kb_path: str | Path, *, port: int | None = None, host: str = DEFAULT_HOST,
            allow_sql: bool = False, log: Path | None = None) -> Iterator[str]:
    """Serve the KB in a background process for the `with` block; yields the base URL.

    For tests and benchmarks: the same command `serve` runs, on a free port unless one is
    given, ready when this yields, stopped (and waited for) when the block ends.
    """
    port = port or free_port(host)
    base = f"http://{host}:{port}"
    with tempfile.TemporaryDirectory(prefix="saman-serve-") as workdir:
        argv = datasette_command(kb_path, workdir, port=port, host=host, allow_sql=allow_sql)
        output = open(log or Path(workdir) / "datasette.log", "wb")
        process = subprocess.Popen(argv, stdout=output, stderr=subprocess.STDOUT, preexec_fn=end_with_parent)
        try:
            _wait_until_up(base, process)
            yield base
        finally:
            _stop(process)
            output.close()


def _wait_until_up(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServeError(f"Datasette stopped with exit status {process.returncode} before it served {base}")
        try:
            with urllib.request.urlopen(f"{base}/-/versions.json", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise ServeError(f"Datasette did not answer at {base} within {STARTUP_SECONDS} s")


def main(args: list[str]) -> None:
    """Datasette's `serve` command with saman's plugin registered."""
    from datasette.cli import cli

    from kb.web.plugins import register

    register()
    cli.main(["serve", *args], prog_name="saman serve")


if __name__ == "__main__":
    main(sys.argv[1:])
