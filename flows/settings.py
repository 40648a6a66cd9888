"""Prefect settings saman runs with, applied before Prefect is first imported.

saman runs offline on Prefect's temporary local server by default. Its state lives in a
directory of saman's own (not the user's ~/.prefect) so runs stay apart from other Prefect
work; analytics are off; the temporary server's own logging is silenced because it prints
shutdown tracebacks on a clean exit. A user who points PREFECT_API_URL at a real server keeps
full control: then nothing is overridden but the defaults they did not set.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from extractors import cache


def prefect_home() -> Path:
    return Path(os.environ.get("SAMAN_PREFECT_HOME", cache.folder() / "prefect"))


def apply() -> None:
    defaults = {
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_LOGGING_LOG_PRINTS": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
    }
    if "PREFECT_API_URL" not in os.environ:
        home = prefect_home()
        home.mkdir(parents=True, exist_ok=True)  # Prefect creates the last level only
        defaults["PREFECT_HOME"] = str(home)
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    # tesseract's OpenMP threads thrash on small machines: one thread per process, parallel pages.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@contextmanager
def without_heartbeats() -> Iterator[None]:
    """Run flows without the heartbeat Prefect's flow engine sends every three minutes (for a
    server that marks a silent run crashed): the thread that sends it sleeps a second at a
    time and the flow's end waits for it, up to a second after every command's last file.
    A saman command watches its own run. A user who sets PREFECT_FLOWS_HEARTBEAT_FREQUENCY
    keeps the heartbeat."""
    if "PREFECT_FLOWS_HEARTBEAT_FREQUENCY" in os.environ:
        yield
        return
    from prefect.context import SettingsContext, get_settings_context

    # A copy of the current settings with one field changed: Prefect's temporary_settings
    # builds and validates them anew from the environment (0.15 s of CPU).
    context = get_settings_context()
    flows = context.settings.flows.model_copy(update={"heartbeat_frequency": None})
    with SettingsContext(profile=context.profile, settings=context.settings.model_copy(update={"flows": flows})):
        yield


apply()
