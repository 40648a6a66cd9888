"""Imported last by the workers' fork server (flows.workers preloads it): what every worker
would load on its first file (extractors.recognisers.pipeline.warm_up: the word lists, the
spaCy pipelines, the gazetteer) is loaded here once, before any worker is forked, and every
worker shares it from there; two workers paid it twice, each on its first file.

It opens no file and starts no thread that a fork would copy. A fault here costs only the
time: each worker then loads what is missing on its first file, where a fault is that file's.
"""

from __future__ import annotations

from extractors.recognisers.pipeline import warm_up

try:
    warm_up()
except Exception:  # noqa: BLE001, S110 — met again, and recorded, on the first file a worker reads
    pass
