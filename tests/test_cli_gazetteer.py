"""`saman gazetteer` as a user runs it: counts per year, CSV/JSON, clear errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest


def saman(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("when, count", [("2013-01-01", 428), ("2019-01-01", 422), ("2020-01-01", 356), ("2024-01-01", 357)])
def test_gazetteer_csv_has_the_official_count(when, count):
    run = saman("gazetteer", "--at", when)
    assert run.returncode == 0, run.stderr
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert len(rows) == count
    assert list(rows[0])[:3] == ["kommunenummer", "name", "fylke"]


def test_gazetteer_json_gives_drammen_its_number_of_the_time():
    numbers = {}
    for when in ("2013-06-01", "2020-06-01", "2024-06-01"):
        run = saman("gazetteer", "--at", when, "--format", "json")
        numbers[when] = next(r["kommunenummer"] for r in json.loads(run.stdout) if r["name"] == "Drammen")
    assert numbers == {"2013-06-01": "0602", "2020-06-01": "3005", "2024-06-01": "3301"}


def test_gazetteer_bad_date_and_offline_update_say_so_without_traceback():
    bad = saman("gazetteer", "--at", "28. august")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
    offline = saman("gazetteer", "update")
    assert offline.returncode == 1 and "gazetteer was not changed" in offline.stderr
    assert "Traceback" not in bad.stderr + offline.stderr
