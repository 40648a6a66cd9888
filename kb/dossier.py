"""A municipality's dossier: everything the KB holds about one municipality, as a report.

`dossier(kb, name)` is the report `saman municipality NAME` prints and the browser's
/-/municipality page shows (its JSON is the same dict): the municipality, its documents as
works (a deck, its PDF and its scan are one work, kb.works: shown from the copy that names it
best, the other copies listed with the pages they name it on), each work's pages naming it with
the line that does, the themes of those pages, the counts stated in those lines, the measures
of its table rows and the cohorts (pulje) the documents put it in, each work counted once.

The report is folded from `rows(kb, name)`, the rows of one SQL query (`DOSSIER_SQL`, also
Datasette's canned query `kommunedossier`, for SQL and CSV), one row per fact and copy:

| section        | item            | value               | detail                         | n        |
|----------------|-----------------|---------------------|--------------------------------|----------|
| `municipality` | name            | fylke               | name (number) today, if changed| mentions |
| `document`     | document title  | date                | pages naming it                | mentions |
| `page`         | page title      | the line naming it  | page or slide                  | mentions |
| `theme`        | theme           | documents           |                                | pages    |
| `count`        | count as written| value               | subject                        |          |
| `measure`      | measure         | value (cell)        | theme                          |          |
| `pulje`        | `pulje N`       | where it says so    |                                |          |

The name is matched as the gazetteer compares names (case, hyphens and spaces folded: `nord
aurdal` is Nord-Aurdal) against the name the municipality had on the document's date, or given
as its kommunenummer of that date. Only a name or number that no document uses is looked up as
today's: `Indre Østfold` (2020) gathers Askim, Eidsberg and the others merged into it, while
`Drammen` is Drammen as the documents knew it, not Nedre Eiker, which joined it in 2020.
Themes and counts are those of the pages that name the municipality; a count belongs to it
when it stands in the same line. Pulje membership is taken only where the documents state it:
the page title or the line that names the municipality says "pulje N" ("Kommunane i pulje 2").
Every row that comes from a page has its `file_name`, `page` and `doc_id`.

A name several municipalities share (`Bø` in Telemark and in Nordland, `Våler`, `Herøy`) is not
merged into one dossier: the dossier then has the `choices` (number, name, county, mentions,
and where each went today) and nothing else, and one of them is chosen by its number
(`Bø 1867`, or `1867`) or its county (`county="Nordland"`). Numbers of one municipality in two
eras (Drammen's 0602 and 3005) are one municipality, not a choice.

This module only reads the KB. The SQL needs two functions, `saman_name_key` and
`saman_pulje` (the counts query a third, `saman_stems`); `register_functions` adds them to a
connection (the Datasette plugin does the same for the server's connections).
"""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

from extractors.gazetteer.gazetteer import name_key
from extractors.lang.stemming import stemmed_text
from kb import works
from kb.store import KB

SECTIONS = ("municipality", "document", "page", "theme", "count", "measure", "pulje")
COLUMNS = ("section", "kommunenummer", "file_name", "page", "item", "value", "detail", "n", "doc_id")

_PULJE = re.compile(r"\bpulj(?:e|en|a)\s+(\d+)\b|\b(\d+)\.\s*pulj(?:e|en|a)\b", re.IGNORECASE)


def puljer(text: str | None) -> list[str]:
    """Every cohort a text names, as `pulje N`, in order and once each."""
    found: list[str] = []
    for match in _PULJE.finditer(text or ""):
        label = f"pulje {match.group(1) or match.group(2)}"
        if label not in found:
            found.append(label)
    return found


def _pulje_or_none(text: str | None) -> str | None:
    return ", ".join(puljer(text)) or None


def _key_or_none(text: str | None) -> str | None:
    return name_key(text) if text else None


def _stems_or_none(text: str | None) -> str | None:
    return stemmed_text(text) if text else None


def register_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions the dossier and the other canned queries call."""
    conn.create_function("saman_name_key", 1, _key_or_none, deterministic=True)
    conn.create_function("saman_pulje", 1, _pulje_or_none, deterministic=True)
    # A text as search stems, nynorsk spelled the bokmål way: `sjukefråværet` → `sykefravær`.
    conn.create_function("saman_stems", 1, _stems_or_none, deterministic=True)


# One SELECT per section over the mentions `m` (and `mp`, one row per page naming it), each
# giving the columns of COLUMNS after `section`, plus `_rank` for the order within the section.
_MENTIONS = """
named_then AS (
    SELECT * FROM municipalities WHERE saman_name_key(name) = saman_name_key(:kommune) OR kommunenummer = trim(:kommune)
),
m AS (
    SELECT * FROM named_then
    UNION ALL
    SELECT * FROM municipalities
    WHERE NOT EXISTS (SELECT 1 FROM named_then)
      AND (saman_name_key(current_name) = saman_name_key(:kommune) OR current_kommunenummer = trim(:kommune))
),
mp AS (
    SELECT doc_id, page, count(*) AS mentions, min(seq) AS first_seq FROM m GROUP BY doc_id, page
)"""

_SECTION_SQL: dict[str, str] = {
    "municipality": """
        SELECT kommunenummer, NULL AS file_name, NULL AS page, name AS item, fylke AS value,
               CASE WHEN current_kommunenummer IS NOT NULL AND current_kommunenummer <> kommunenummer
                    THEN current_name || ' (' || current_kommunenummer || ')' END AS detail,
               count(*) AS n, NULL AS doc_id,
               row_number() OVER (ORDER BY count(*) DESC, name, kommunenummer) AS _rank
        FROM m GROUP BY kommunenummer, name, fylke""",
    "document": """
        SELECT (SELECT group_concat(DISTINCT kommunenummer) FROM m WHERE m.doc_id = d.doc_id) AS kommunenummer,
               d.file_name, NULL AS page, d.title AS item, d.date AS value,
               group_concat(mp.page, ', ') AS detail, sum(mp.mentions) AS n, d.doc_id,
               row_number() OVER (ORDER BY d.date, d.file_name) AS _rank
        FROM mp JOIN documents d ON d.doc_id = mp.doc_id
        GROUP BY d.doc_id""",
    "page": """
        SELECT (SELECT group_concat(DISTINCT kommunenummer) FROM m WHERE m.doc_id = p.doc_id AND m.page = p.page) AS kommunenummer,
               p.file_name, p.page, p.title AS item,
               (SELECT context FROM m WHERE m.doc_id = p.doc_id AND m.page = p.page AND m.seq = mp.first_seq) AS value,
               p.kind AS detail, mp.mentions AS n, p.doc_id,
               row_number() OVER (ORDER BY p.file_name, p.page) AS _rank
        FROM mp JOIN pages p ON p.doc_id = mp.doc_id AND p.page = mp.page""",
    "theme": """
        SELECT NULL AS kommunenummer, NULL AS file_name, NULL AS page, t.theme AS item,
               count(DISTINCT t.doc_id) AS value, NULL AS detail, count(*) AS n, NULL AS doc_id,
               row_number() OVER (ORDER BY count(*) DESC, t.theme) AS _rank
        FROM themes t JOIN mp ON t.doc_id = mp.doc_id AND t.page = mp.page
        GROUP BY t.theme""",
    "count": """
        SELECT m.kommunenummer, c.file_name, c.page, c.text AS item, c.value, c.subject AS detail,
               NULL AS n, c.doc_id,
               row_number() OVER (ORDER BY c.file_name, c.page, c.seq) AS _rank
        FROM counts c JOIN m ON c.doc_id = m.doc_id AND c.page = m.page AND instr(m.context, c.text) > 0
        GROUP BY c.rowid""",
    "measure": """
        SELECT x.kommunenummer, x.file_name, x.page, x.measure AS item, x.value, x.theme AS detail,
               NULL AS n, x.doc_id,
               row_number() OVER (ORDER BY x.file_name, x.page, x.table_id, x.seq) AS _rank
        FROM measures x
        WHERE x.kommunenummer IN (SELECT kommunenummer FROM m)""",
    "pulje": """
        SELECT m.kommunenummer, m.file_name, m.page,
               coalesce(saman_pulje(m.context), saman_pulje(p.title)) AS item,
               CASE WHEN saman_pulje(m.context) IS NOT NULL THEN m.context ELSE p.title END AS value,
               NULL AS detail, NULL AS n, m.doc_id,
               row_number() OVER (ORDER BY coalesce(saman_pulje(m.context), saman_pulje(p.title)), m.file_name, m.page) AS _rank
        FROM m JOIN pages p ON p.doc_id = m.doc_id AND p.page = m.page
        WHERE coalesce(saman_pulje(m.context), saman_pulje(p.title)) IS NOT NULL
        GROUP BY m.kommunenummer, m.doc_id, m.page""",
}


def _dossier_sql() -> str:
    parts = [
        f"SELECT '{section}' AS section, {order} AS _order, * FROM ({_SECTION_SQL[section]})"
        for order, section in enumerate(SECTIONS)
    ]
    columns = ", ".join(COLUMNS)
    union = "\n    UNION ALL\n    ".join(parts)
    return f"WITH {_MENTIONS}\nSELECT {columns} FROM (\n    {union}\n)\nORDER BY _order, _rank"


DOSSIER_SQL = _dossier_sql()


CHOICES_SQL = f"""WITH {_MENTIONS}
SELECT kommunenummer, name, fylke, coalesce(current_kommunenummer, kommunenummer) AS today,
       coalesce(current_name, name) AS today_name, count(*) AS mentions
FROM m GROUP BY kommunenummer, name, fylke ORDER BY mentions DESC, kommunenummer"""
CHOICE_FIELDS = ("kommunenummer", "name", "fylke", "today", "today_name", "mentions")
_NAME_AND_NUMBER = re.compile(r"^(.*\S)\s+(\d{4})$")


def choices(kb: KB, name: str) -> list[dict[str, Any]]:
    """The municipalities named `name` (or with that number) in the KB, most mentioned first."""
    register_functions(kb.db)
    return [dict(zip(CHOICE_FIELDS, row)) for row in kb.db.execute(CHOICES_SQL, {"kommune": name})]


def rows(kb: KB, name: str, *, county: str | None = None) -> dict[str, Any]:
    """The rows of `DOSSIER_SQL` for the municipality called `name` (or with that number), by section.

    `name` may end in the number that tells shared names apart (`Bø 1867`); `county` does the
    same by county. `choices` lists the municipalities the name matched; when they are several
    and neither says which, every section is empty and `ambiguous` is true."""
    register_functions(kb.db)
    number = None
    if (found := _NAME_AND_NUMBER.match(name.strip())) and not choices(kb, name):
        name, number = found.group(1), found.group(2)
    options = choices(kb, name)
    chosen = [c for c in options if (number is None or number in (c["kommunenummer"], c["today"]))
              and (county is None or name_key(c["fylke"] or "") == name_key(county))]
    todays = {c["today"] for c in chosen}
    out: dict[str, Any] = {"name": name, "choices": options, "ambiguous": len(todays) > 1}
    out.update({section: [] for section in SECTIONS})
    if len(todays) != 1:
        return out
    # A chosen municipality among several is asked for by its number (its most mentioned one).
    ask = chosen[0]["kommunenummer"] if len(chosen) < len(options) else name
    for row in kb.db.execute(DOSSIER_SQL, {"kommune": ask}).fetchall():
        out[row["section"]].append({c: row[c] for c in COLUMNS[1:]})
    return out


REPORT_PARTS = ("municipalities", "works", "themes", "counts", "measures", "puljer")


def dossier(kb: KB, name: str, *, county: str | None = None) -> dict[str, Any]:
    """The report on the municipality called `name` (or with that number), each work once.

    Chosen as `rows` chooses (`Bø 1867`, `county`); `choices` and `ambiguous` as there, and
    every part of the report empty when no single municipality was chosen. The parts:
    - `municipalities`: the one asked for (several for a name of today that gathers them),
      with its county and, when it changed, its name and number today;
    - `works`: one per work naming it, by date: its title, date and shown copy (`doc_id`,
      `file_name`: the work's best copy among those naming it), the `pages` of that copy naming
      it (page, kind, title, the `line` that names it, mentions, whether the KB has its
      `thumbnail`) and its other `copies` with the pages they name it on;
    - `themes`: per theme of those pages, how many works and pages;
    - `counts`, `measures`, `puljer`: those of the shown copies, with where each was found;
    - `totals`: works, documents (copies included), pages and mentions (shown copies).
    """
    found = rows(kb, name, county=county)
    out: dict[str, Any] = {"name": found["name"], "choices": found["choices"], "ambiguous": found["ambiguous"]}
    out.update({part: [] for part in REPORT_PARTS})
    out["totals"] = {"works": 0, "documents": 0, "pages": 0, "mentions": 0}
    if not found["municipality"]:
        return out
    out["municipalities"] = [_municipality(r, found["choices"]) for r in found["municipality"]]
    out["works"] = _works(kb, found["document"], found["page"])
    shown = {(w["doc_id"], p["page"]) for w in out["works"] for p in w["pages"]}
    out["themes"] = _themes(kb, out["works"])
    out["counts"] = [{"text": r["item"], "value": r["value"], "subject": r["detail"], **_where(r)}
                     for r in found["count"] if (r["doc_id"], r["page"]) in shown]
    out["measures"] = [{"theme": r["detail"], "measure": r["item"], "value": r["value"], **_where(r)}
                       for r in _best_copies(kb, found["measure"])]
    out["puljer"] = [{"pulje": r["item"], "line": r["value"], **_where(r)}
                     for r in found["pulje"] if (r["doc_id"], r["page"]) in shown]
    out["totals"] = {"works": len(out["works"]), "documents": len(found["document"]), "pages": len(shown),
                     "mentions": sum(p["mentions"] for w in out["works"] for p in w["pages"])}
    return out


def _where(row: dict[str, Any]) -> dict[str, Any]:
    return {"doc_id": row["doc_id"], "file_name": row["file_name"], "page": row["page"]}


def _municipality(row: dict[str, Any], options: list[dict[str, Any]]) -> dict[str, Any]:
    choice = next((c for c in options if c["kommunenummer"] == row["kommunenummer"]), None)
    changed = choice is not None and choice["today"] != choice["kommunenummer"]
    return {"kommunenummer": row["kommunenummer"], "name": row["item"], "fylke": row["value"],
            "today": choice["today"] if changed else None, "today_name": choice["today_name"] if changed else None}


def _works(kb: KB, documents: list[dict[str, Any]], pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The documents naming the municipality folded into works, in the order of each work's
    first document (by date): shown from the best copy naming it, the others as copies."""
    of = works.copies(kb.db, (d["doc_id"] for d in documents))
    naming = {d["doc_id"]: d for d in documents}
    pages_of: dict[str, list[dict[str, Any]]] = {}
    for p in pages:
        pages_of.setdefault(p["doc_id"], []).append(p)
    pictured = _thumbnails(kb, set(naming))
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for d in documents:
        work_id, members = of.get(d["doc_id"], (d["doc_id"], ()))
        if work_id in seen:
            continue
        seen.add(work_id)
        shown = next((naming[c.doc_id] for c in members if c.doc_id in naming), d)
        out.append({
            "work_id": work_id, "doc_id": shown["doc_id"], "file_name": shown["file_name"],
            "title": shown["item"], "date": shown["value"], "mentions": shown["n"],
            "pages": [{"page": p["page"], "kind": p["detail"], "title": p["item"], "line": p["value"],
                       "mentions": p["n"], "thumbnail": (p["doc_id"], p["page"]) in pictured}
                      for p in pages_of.get(shown["doc_id"], [])],
            "copies": [{"doc_id": c.doc_id, "file_name": c.file_name,
                        "pages": [p["page"] for p in pages_of.get(c.doc_id, [])]}
                       for c in members if c.doc_id != shown["doc_id"]],
        })
    return out


def _thumbnails(kb: KB, doc_ids: set[str]) -> set[tuple[str, int]]:
    """The pages of these documents the KB has a picture of."""
    if not kb.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'thumbnails'").fetchone():
        return set()
    return {(r[0], r[1]) for r in kb.db.execute(
        "SELECT doc_id, page FROM thumbnails WHERE doc_id IN (SELECT value FROM json_each(?))", (json.dumps(sorted(doc_ids)),))}


def _themes(kb: KB, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per theme of the works' shown pages: how many works and pages, most pages first."""
    work_of = {(w["doc_id"], p["page"]): w["work_id"] for w in found for p in w["pages"]}
    by_theme: dict[str, set[tuple[str, int]]] = {}
    for doc_id, page, theme in kb.db.execute(
            "SELECT doc_id, page, theme FROM themes WHERE doc_id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted({w["doc_id"] for w in found})),)):
        if (doc_id, page) in work_of:
            by_theme.setdefault(theme, set()).add((doc_id, page))
    out = [{"theme": theme, "works": len({work_of[key] for key in keys}), "pages": len(keys)}
           for theme, keys in by_theme.items()]
    return sorted(out, key=lambda t: (-t["pages"], t["theme"]))


def _best_copies(kb: KB, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of each work's best copy among the documents the rows come from."""
    of = works.copies(kb.db, (r["doc_id"] for r in found))
    have = {r["doc_id"] for r in found}
    keep = {work: next(c.doc_id for c in members if c.doc_id in have)
            for work, members in (of[d] for d in have if d in of)}
    return [r for r in found if r["doc_id"] not in of or keep[of[r["doc_id"]][0]] == r["doc_id"]]
