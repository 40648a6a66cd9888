"""Building the gazetteer's CSV files from Statistics Norway's KLASS data, offline or from the API.

Why a build step: KLASS gives a list of codes valid on a date plus a change table (old code →
new code on a date); the gazetteer needs periods (one row per number and name, valid from/to,
with successors). `build_tables` turns one dated list and the change table into those periods,
and checks them against any later dated list (the codes must agree exactly; a name that differs
is reported, the change table's form is kept).

`rebuild()` does this from the KLASS versions saved in extractors/gazetteer/data/klass (no
network); `update_gazetteer()` fetches the same inputs from the KLASS REST API first (the only
code in saman that uses the network, and only when a user runs `saman gazetteer update`).
Nothing is written unless the whole build succeeded, so a failed update leaves the gazetteer
as it was. Run `python -m extractors.gazetteer.update` to rebuild the CSVs from the saved files.
"""

from __future__ import annotations

import csv
import json
import re
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from extractors.gazetteer.gazetteer import DATA_DIR, FYLKER_COLUMNS, FYLKER_CSV, KOMMUNER_COLUMNS, KOMMUNER_CSV, LIST_SEPARATOR

KLASS_API = "https://data.ssb.no/api/klass/v1/classifications"
MUNICIPALITIES, COUNTIES = 131, 104
BASE_DATE = date(2012, 1, 1)
FETCH_TIMEOUT_S = 20
# Codes in the KLASS lists that are not municipalities or counties with municipalities.
NOT_MUNICIPALITIES = frozenset({"9999"})
NOT_COUNTIES = frozenset({"21", "22", "23", "99"})
_QUALIFIER = re.compile(r"\s*\([^)]*\)\s*$")

Fetch = Callable[[str], dict]


class GazetteerUpdateError(Exception):
    """The update could not be done; the message is one line a user can act on."""


@dataclass(frozen=True)
class Change:
    when: date
    old_code: str
    old_name: str
    new_code: str
    new_name: str


@dataclass
class _Open:
    raw: str
    since: date


def _norwegian_names(directory: Path) -> frozenset[str]:
    lines = (directory / "norwegian_names.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(ln.strip() for ln in lines if ln.strip() and not ln.startswith("#"))


def split_name(raw: str, norwegian: frozenset[str], previous: str | None = None) -> tuple[str, tuple[str, ...]]:
    """KLASS's name → (name, parallel names).

    `Våler (Østfold)`: the county qualifier is not part of the name. `Guovdageaidnu -
    Kautokeino`: each part is a name; the Norwegian one (listed, or the name the code had
    before) is `name`, in KLASS's order otherwise.
    """
    parts = [p.strip() for p in _QUALIFIER.sub("", raw).split(" - ") if p.strip()]
    main = next((p for p in parts if p in norwegian), None) or (previous if previous in parts else parts[0])
    return main, tuple(p for p in parts if p != main)


def changes_from_json(payload: dict) -> list[Change]:
    return [
        Change(date.fromisoformat(c["changeOccurred"]), c["oldCode"], c["oldName"], c["newCode"], c["newName"])
        for c in payload["codeChanges"]
    ]


def codes_from_json(payload: dict) -> dict[str, str]:
    return {c["code"]: c["name"] for c in payload["codes"]}


def _periods(
    base: dict[str, str], base_date: date, changes: list[Change], norwegian: frozenset[str],
    checks: dict[date, dict[str, str]],
) -> tuple[list[dict], list[str]]:
    """Rows {code, name, parallel_names, valid_from, valid_to, successors} and warnings."""
    state = {code: _Open(raw, base_date) for code, raw in base.items()}
    last_name: dict[str, str] = {}
    rows: list[dict] = []
    warnings: list[str] = []

    def parsed(code: str, raw: str) -> tuple[str, tuple[str, ...]]:
        return split_name(raw, norwegian, last_name.get(code))

    def close(code: str, when: date, successors: list[str]) -> None:
        name, parallel = parsed(code, state[code].raw)
        rows.append({"code": code, "name": name, "parallel_names": parallel, "valid_from": state[code].since,
                     "valid_to": when, "successors": tuple(dict.fromkeys(successors))})
        last_name[code] = name
        del state[code]

    def check(at: date) -> None:
        expected = checks.pop(at)
        if set(expected) != set(state):
            raise ValueError(
                f"KLASS list of {at} and change table disagree: only in the list {sorted(set(expected) - set(state))}, "
                f"only after the changes {sorted(set(state) - set(expected))}"
            )
        for code, raw in expected.items():
            if parsed(code, raw) != parsed(code, state[code].raw):
                warnings.append(f"{code}: the list of {at} says {raw!r}, the change table {state[code].raw!r}; kept the latter")

    dates = sorted({c.when for c in changes if c.when > base_date} | {d for d in checks if d > base_date})
    for when in dates:
        todays = [c for c in changes if c.when == when]
        unknown = sorted({c.old_code for c in todays} - set(state))
        if unknown:
            raise ValueError(f"KLASS change table: codes {unknown} change on {when} but are not valid then")
        new_names: dict[str, str] = {}
        successors: dict[str, list[str]] = {}
        for c in todays:
            new_names[c.new_code] = c.new_name
            successors.setdefault(c.old_code, []).append(c.new_code)
        for code in list(successors):
            same = code in new_names and parsed(code, new_names[code]) == parsed(code, state[code].raw)
            if same:
                state[code].raw = new_names[code]
            else:
                close(code, when, successors[code])
        for code, raw in new_names.items():
            if code in state and parsed(code, raw) == parsed(code, state[code].raw):
                continue
            if code in state:
                close(code, when, [code])
            state[code] = _Open(raw, when)
        if when in checks:
            check(when)
    for code, open_ in state.items():
        name, parallel = parsed(code, open_.raw)
        rows.append({"code": code, "name": name, "parallel_names": parallel, "valid_from": open_.since,
                     "valid_to": None, "successors": ()})
    return rows, warnings


def build_tables(
    municipality_codes: dict[date, dict[str, str]], municipality_changes: list[Change],
    county_codes: dict[str, str], county_changes: list[Change], norwegian: frozenset[str],
) -> tuple[list[dict], list[dict], list[str]]:
    """(kommuner rows, fylker rows, warnings) from dated KLASS 131 lists, their change table and KLASS 104.

    The earliest municipality list is the start; later lists are checks.
    """
    base_date = min(municipality_codes)
    base = {k: v for k, v in municipality_codes[base_date].items() if k not in NOT_MUNICIPALITIES}
    checks = {d: {k: v for k, v in codes.items() if k not in NOT_MUNICIPALITIES}
              for d, codes in municipality_codes.items() if d != base_date}
    county_base = {k: v for k, v in county_codes.items() if k not in NOT_COUNTIES}
    county_rows, warnings = _periods(county_base, base_date, county_changes, norwegian, {})
    rows, more = _periods(base, base_date, municipality_changes, norwegian, checks)
    warnings += more
    kommuner = []
    for r in rows:
        county = next(
            (c for c in county_rows if c["code"] == r["code"][:2] and c["valid_from"] <= r["valid_from"]
             and (c["valid_to"] is None or r["valid_from"] < c["valid_to"])),
            None,
        )
        if county is None:
            raise ValueError(f"municipality {r['code']} {r['name']} from {r['valid_from']}: no county {r['code'][:2]} then")
        kommuner.append(
            {
                "kommunenummer": r["code"],
                "name": r["name"],
                "parallel_names": LIST_SEPARATOR.join(r["parallel_names"]),
                "fylke": county["name"],
                "fylkesnummer": r["code"][:2],
                "valid_from": r["valid_from"].isoformat(),
                "valid_to": r["valid_to"].isoformat() if r["valid_to"] else "",
                "successors": LIST_SEPARATOR.join(r["successors"]),
            }
        )
    fylker = [
        {
            "fylkesnummer": c["code"],
            "name": c["name"],
            "parallel_names": LIST_SEPARATOR.join(c["parallel_names"]),
            "valid_from": c["valid_from"].isoformat(),
            "valid_to": c["valid_to"].isoformat() if c["valid_to"] else "",
        }
        for c in county_rows
    ]
    kommuner.sort(key=lambda r: (r["valid_from"], r["kommunenummer"]))
    fylker.sort(key=lambda r: (r["valid_from"], r["fylkesnummer"]))
    return kommuner, fylker, warnings


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict]) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)


def write_json(path: Path, payload: dict, key: str) -> None:
    """A KLASS payload saved compactly, one item a line, so a diff shows what SSB changed."""
    items = payload[key]
    head = json.dumps({k: v for k, v in payload.items() if k != key}, ensure_ascii=False)[:-1]
    body = ",\n".join(json.dumps(i, ensure_ascii=False, separators=(",", ":")) for i in items)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(f'{head}, "{key}": [\n{body}\n]}}\n', encoding="utf-8")
    tmp.replace(path)


def _load_saved(data_dir: Path) -> tuple[dict[date, dict[str, str]], list[Change], dict[str, str], list[Change]]:
    klass = data_dir / "klass"
    lists = {
        date.fromisoformat(p.stem.rsplit("_", 1)[1]): codes_from_json(json.loads(p.read_text(encoding="utf-8")))
        for p in sorted(klass.glob(f"{MUNICIPALITIES}_codes_*.json"))
    }
    changes = changes_from_json(json.loads((klass / f"{MUNICIPALITIES}_changes.json").read_text(encoding="utf-8")))
    county_files = sorted(klass.glob(f"{COUNTIES}_codes_*.json"))
    counties = codes_from_json(json.loads(county_files[0].read_text(encoding="utf-8")))
    county_changes = changes_from_json(json.loads((klass / f"{COUNTIES}_changes.json").read_text(encoding="utf-8")))
    return lists, changes, counties, county_changes


def rebuild(data_dir: Path = DATA_DIR, out_dir: Path | None = None) -> list[str]:
    """Rebuild kommuner.csv and fylker.csv (in `out_dir`, by default beside them) from the saved
    KLASS files; returns the warnings."""
    out_dir = out_dir or data_dir
    lists, changes, counties, county_changes = _load_saved(data_dir)
    kommuner, fylker, warnings = build_tables(lists, changes, counties, county_changes, _norwegian_names(data_dir))
    _write_csv(out_dir / KOMMUNER_CSV, KOMMUNER_COLUMNS, kommuner)
    _write_csv(out_dir / FYLKER_CSV, FYLKER_COLUMNS, fylker)
    return warnings


def fetch_json(url: str) -> dict:
    """GET a KLASS URL as JSON, with a short timeout (an offline machine fails fast)."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_S) as response:
        return json.loads(response.read().decode("utf-8"))


def klass_urls(today: date) -> dict[str, str]:
    """The KLASS requests an update makes, by the name of the file each response is saved as."""
    base = BASE_DATE.isoformat()
    return {
        f"{MUNICIPALITIES}_codes_{base}.json": f"{KLASS_API}/{MUNICIPALITIES}/codesAt.json?date={base}",
        f"{MUNICIPALITIES}_codes_{today.isoformat()}.json": f"{KLASS_API}/{MUNICIPALITIES}/codesAt.json?date={today.isoformat()}",
        f"{MUNICIPALITIES}_changes.json": f"{KLASS_API}/{MUNICIPALITIES}/changes.json?from={base}&to={today.isoformat()}",
        f"{COUNTIES}_codes_{base}.json": f"{KLASS_API}/{COUNTIES}/codesAt.json?date={base}",
        f"{COUNTIES}_changes.json": f"{KLASS_API}/{COUNTIES}/changes.json?from={base}&to={today.isoformat()}",
    }


def update_gazetteer(fetch: Fetch = fetch_json, out_dir: Path = DATA_DIR, today: date | None = None) -> list[str]:
    """Fetch the KLASS lists and change tables, rebuild the gazetteer in `out_dir`; returns warnings.

    Raises GazetteerUpdateError (one line) when data.ssb.no cannot be reached or answers
    something that does not build; the files in `out_dir` are then left as they were.
    """
    today = today or date.today()
    responses: dict[str, dict] = {}
    for name, url in klass_urls(today).items():
        try:
            responses[name] = fetch(url)
        except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise GazetteerUpdateError(f"cannot reach data.ssb.no: {reason}; the gazetteer was not changed") from exc
        except ValueError as exc:
            raise GazetteerUpdateError(f"data.ssb.no answered {url} with something that is not JSON ({exc}); the gazetteer was not changed") from exc
    codes_key, changes_key = "codes", "codeChanges"
    try:
        lists = {
            date.fromisoformat(name.removesuffix(".json").rsplit("_", 1)[1]): codes_from_json(body)
            for name, body in responses.items() if name.startswith(f"{MUNICIPALITIES}_codes_")
        }
        county_codes = codes_from_json(responses[f"{COUNTIES}_codes_{BASE_DATE.isoformat()}.json"])
        kommuner, fylker, warnings = build_tables(
            lists,
            changes_from_json(responses[f"{MUNICIPALITIES}_changes.json"]),
            county_codes,
            changes_from_json(responses[f"{COUNTIES}_changes.json"]),
            _norwegian_names(DATA_DIR),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise GazetteerUpdateError(f"the KLASS data did not build: {exc}; the gazetteer was not changed") from exc
    klass_dir = out_dir / "klass"
    klass_dir.mkdir(parents=True, exist_ok=True)
    for name, body in responses.items():
        key = codes_key if "_codes_" in name else changes_key
        write_json(klass_dir / name, {"source": klass_urls(today)[name], key: body[key]}, key)
    _write_csv(out_dir / KOMMUNER_CSV, KOMMUNER_COLUMNS, kommuner)
    _write_csv(out_dir / FYLKER_CSV, FYLKER_COLUMNS, fylker)
    return warnings


if __name__ == "__main__":
    for line in rebuild():
        print("warning:", line)
