"""Datasette's metadata for a saman KB: titles, descriptions, facets, sort orders and canned queries.

Datasette is configured here, as data, rather than in code: every table gets a title and a
description in Norwegian and English, the facets researchers narrow by, a default sort and
column descriptions; the canned queries answer the questions the archive is used for:

- `kommuner_per_tema`: municipalities by theme, with how many documents and pages name them;
- `tiltaksmatrise`: the measure matrix of a theme, one row per municipality × measure, and
  `tiltaksmatrise_<tema>` for every theme with measures: the same as a real matrix, one column
  per measure (generated from the KB at each request by the plugin, `matrix_queries`, so the
  columns are the measures it holds now);
- `tall_for_emne`: every count whose subject (or unit) is the word asked for, in any
  inflection and in bokmål or nynorsk (`sykefravær` finds `sjukefråværet`);
- `kommunedossier`: a municipality's dossier as rows, one per fact and copy (kb.dossier.rows:
  what `saman municipality NAME` and /-/municipality fold into their report);
- `tema_oversikt`, `fylke_oversikt`: works and pages per theme, works and mentions per county,
  each work counted once by its best copy (the front page's chart shows these).

`metadata(kb_path)` only names the database after the KB's file; nothing here writes. The SQL functions the queries call (`saman_name_key`, `saman_pulje`)
are registered on every connection by the saman Datasette plugin (kb/web/plugins), with
`saman_stems` for the counts query.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, get_args

from kb.dossier import DOSSIER_SQL
from models.records import ThemeName

PLUGIN = "saman"
THEMES: tuple[str, ...] = get_args(ThemeName)
THEME_LABELS: dict[str, str] = {
    "sykefravaer": "Sykefravær",
    "heltid_deltid": "Heltid/deltid",
    "kompetanse_rekruttering": "Kompetanse/rekruttering",
    "omdomme": "Omdømme",
    "innovasjon": "Innovasjon",
}
# A search or query that runs longer than this is stopped with a message.
SQL_TIME_LIMIT_MS = 5000
# A matrix with more measures than this keeps the most frequent; the long form has them all.
MAX_MATRIX_COLUMNS = 40

TITLE = "Saman om ein betre kommune – kunnskapsbase / knowledge base"
DESCRIPTION_HTML = """
<p>Lysark, rapporter og notater fra programmet <em>Saman om ein betre kommune</em> (2011–2015),
lest side for side: søk i teksten, avgrens etter tema, fylke, pulje, år og dokument, og åpne
siden eller lysarket treffet kom fra.</p>
<p lang="en">Slides, reports and handouts of the programme <em>Saman om ein betre kommune</em>
(2011–2015), read page by page: search the text, narrow by theme, county, cohort (pulje), year
and document, and open the page or slide each hit came from.</p>
"""

# The overviews count each work once (a deck, its PDF and its scan are one: kb.works), by the
# pages and mentions of its best copy.
THEMES_SQL = """
SELECT t.theme AS tema, count(DISTINCT d.work_id) AS verk, count(*) AS sider
FROM themes t JOIN documents d ON d.doc_id = t.doc_id AND d.best_copy
WHERE t.page IS NOT NULL
GROUP BY t.theme ORDER BY sider DESC, tema"""

WORKS_SQL = "SELECT count(DISTINCT work_id) FROM documents"

COUNTIES_SQL = """
SELECT m.fylke, count(DISTINCT d.work_id) AS verk, count(*) AS omtaler, count(DISTINCT m.kommunenummer) AS kommuner
FROM municipalities m JOIN documents d ON d.doc_id = m.doc_id AND d.best_copy
GROUP BY m.fylke ORDER BY omtaler DESC, m.fylke"""

MUNICIPALITIES_BY_THEME_SQL = """
SELECT t.theme AS tema, m.name AS kommune, m.kommunenummer, m.fylke,
       count(DISTINCT m.doc_id) AS dokumenter, count(DISTINCT m.doc_id || '/' || m.page) AS sider
FROM municipalities m JOIN themes t ON t.doc_id = m.doc_id AND t.page = m.page
WHERE :tema = '' OR t.theme = :tema
GROUP BY t.theme, m.kommunenummer, m.name, m.fylke
ORDER BY tema, sider DESC, dokumenter DESC, kommune"""

MEASURES_SQL = """
SELECT municipality AS kommune, kommunenummer, fylke, theme AS tema, measure AS tiltak, value AS verdi,
       file_name, page, flag
FROM measures
WHERE :tema = '' OR theme = :tema
ORDER BY kommune, tiltak, file_name, page"""

COUNTS_SQL = """
SELECT c.subject AS emne, c.value AS verdi, c.unit AS enhet, c.text AS tekst, d.date AS dato,
       c.file_name, c.page, c.approximate AS omtrentlig, c.of AS av
FROM counts c JOIN documents d ON d.doc_id = c.doc_id
WHERE :emne = ''
   OR saman_name_key(c.subject) LIKE '%' || saman_name_key(:emne) || '%'
   OR ' ' || saman_stems(c.subject) || ' ' LIKE '% ' || saman_stems(:emne) || ' %'
   OR saman_name_key(c.unit) = saman_name_key(:emne)
ORDER BY dato, c.file_name, c.page, c.seq"""

THEME_LIST = ", ".join(f"<code>{t}</code> ({THEME_LABELS[t]})" for t in THEMES)


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


MATRIX_SEPARATOR = " | "


def matrix_sql(theme: str, measures: list[str]) -> str:
    """Municipality × measure for one theme: a column per measure, the cells as written.

    A municipality with two values for one measure (two documents disagree) shows both,
    separated by MATRIX_SEPARATOR; `kilder` names the files the row comes from.
    """
    sep = _quote_literal(MATRIX_SEPARATOR)
    cells = ",\n       ".join(
        f"group_concat(CASE WHEN measure = {_quote_literal(m)} THEN value END, {sep}) AS {_quote_identifier(m)}"
        for m in measures
    )
    return f"""
SELECT municipality AS kommune, kommunenummer, fylke,
       {cells},
       (SELECT group_concat(DISTINCT x.file_name) FROM measures x
        WHERE x.theme = {_quote_literal(theme)} AND x.municipality = v.municipality
          AND x.kommunenummer IS v.kommunenummer) AS kilder
FROM (SELECT DISTINCT municipality, kommunenummer, fylke, measure, value FROM measures
      WHERE theme = {_quote_literal(theme)}) AS v
GROUP BY kommunenummer, municipality, fylke
ORDER BY kommune"""


def measures_by_theme(db: sqlite3.Connection) -> dict[str, list[str]]:
    """The measures of each theme's tables, most frequent first (at most MAX_MATRIX_COLUMNS)."""
    rows = db.execute(
        """SELECT theme, measure, count(*) AS n FROM measures WHERE theme IS NOT NULL
           GROUP BY theme, measure ORDER BY theme, n DESC, measure"""
    ).fetchall()
    out: dict[str, list[str]] = {}
    for theme, measure, _n in rows:
        if len(out.setdefault(theme, [])) < MAX_MATRIX_COLUMNS:
            out[theme].append(measure)
    return out


def canned_queries() -> dict[str, dict[str, Any]]:
    """The canned queries that do not depend on what the KB holds (the matrices do: matrix_queries)."""
    queries: dict[str, dict[str, Any]] = {
        "kommuner_per_tema": {
            "title": "Kommuner per tema / Municipalities by theme",
            "sql": MUNICIPALITIES_BY_THEME_SQL,
            "description_html": (
                "<p>Kommunene som er nevnt på sider om et tema, med antall dokumenter og sider. "
                f"La <em>tema</em> stå tomt for alle tema. Tema: {THEME_LIST}.</p>"
                "<p lang='en'>The municipalities named on pages about a theme, with the number of "
                "documents and pages. Leave <em>tema</em> empty for every theme.</p>"
            ),
        },
        "tiltaksmatrise": {
            "title": "Tiltaksmatrise / Measure matrix",
            "sql": MEASURES_SQL,
            "description_html": (
                "<p>Kommune × tiltak fra tabellene i dokumentene, én rad per utfylt celle, med verdien "
                f"slik den står (<code>x</code>, <code>hver 6.</code>). Tema: {THEME_LIST}.</p>"
                "<p lang='en'>Municipality × measure from the documents' tables, one row per filled "
                "cell, the value as written. Leave <em>tema</em> empty for every theme.</p>"
            ),
        },
        "tall_for_emne": {
            "title": "Tall for et emne / Counts for a subject",
            "sql": COUNTS_SQL,
            "description_html": (
                "<p>Alle tall dokumentene oppgir om et emne (<code>sykefravær</code>, <code>pulje 1</code>, "
                "<code>økt nærvær</code>) eller i en enhet (<code>prosjekt</code>, <code>kommune</code>), "
                "eldste dokument først.</p>"
                "<p lang='en'>Every count the documents state about a subject or in a unit, oldest "
                "document first.</p>"
            ),
        },
        "kommunedossier": {
            "title": "Kommunedossier / Municipality dossier",
            "sql": DOSSIER_SQL,
            "description_html": (
                "<p>Alt kunnskapsbasen har om én kommune (navn eller kommunenummer): dokumenter og sider "
                "som nevner den, tema på de sidene, tall og tiltak knyttet til den og pulje der det står. "
                "Radene som <code>saman municipality NAVN</code> og <a href='/-/municipality'>kommunedossieret</a> lager rapporten av, én per kopi.</p>"
                "<p lang='en'>Everything the knowledge base holds about one municipality (name or "
                "number): documents and pages naming it, the themes of those pages, counts and measures "
                "tied to it, and its cohort (pulje) where stated: the rows, one per copy, that "
                "<code>saman municipality NAME</code> and the <a href='/-/municipality'>dossier page</a> fold into their report.</p>"
            ),
        },
        "tema_oversikt": {
            "title": "Verk og sider per tema / Works and pages per theme",
            "sql": THEMES_SQL,
            "description_html": "<p>Hvor mange verk og sider som handler om hvert tema. En presentasjon, PDF-en "
            "og skanningen av den er ett verk, talt med sidene i den beste kopien.</p>"
            "<p lang='en'>How many works and pages are about each theme. A deck, its PDF and its scan are "
            "one work, counted by the pages of its best copy.</p>",
        },
        "fylke_oversikt": {
            "title": "Verk og omtaler per fylke / Works and mentions per county",
            "sql": COUNTIES_SQL,
            "description_html": "<p>Omtaler av kommuner per fylke (fylket slik det var på dokumentets dato), "
            "hvert verk talt én gang, med omtalene i den beste kopien.</p>"
            "<p lang='en'>Municipality mentions per county (the county as it was on the document's date), "
            "each work counted once, by the mentions in its best copy.</p>",
        },
    }
    for query in queries.values():
        query["hide_sql"] = True
    return queries


def matrix_queries(measures: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    """A matrix query per theme with measures (`measures_by_theme`), a column per measure:
    asked of the KB at each request, so a theme's measures an ingest added show at once."""
    queries: dict[str, dict[str, Any]] = {}
    for theme, names in measures.items():
        label = THEME_LABELS.get(theme, theme)
        queries[f"tiltaksmatrise_{theme}"] = {
            "title": f"Tiltaksmatrise: {label} / Measure matrix: {label}",
            "sql": matrix_sql(theme, names),
            "description_html": (
                f"<p>Én rad per kommune, én kolonne per tiltak i tabellene om {label.lower()}.</p>"
                f"<p lang='en'>One row per municipality, one column per measure in the tables about this theme.</p>"
            ),
        }
    for query in queries.values():
        query["hide_sql"] = True
    return queries


TABLES: dict[str, dict[str, Any]] = {
    "documents": {
        "title": "Dokumenter / Documents",
        "description": "Én rad per fil som er lest. / One row per file read.",
        "sort": "date",
        "facets": [{"year": "date"}, "language", "media_type", "method"],
        "label_column": "title",
        "columns": {
            "title": "Tittel / title",
            "date": "Dato fra teksten, metadata eller programperioden / date from the text, metadata or the programme period",
            "language": "nb (bokmål) eller/or nn (nynorsk)",
            "ocr_pages": "Sider lest med OCR / pages read by OCR",
            "method": "Hvordan teksten er lest / how the text was read: pptx, text, ocr",
        },
    },
    "pages": {
        "title": "Sider og lysark / Pages and slides",
        "description": "Teksten på hver side eller hvert lysark, i leserekkefølge. Søkeboksen bruker samme søk som saman search. / "
        "The text of every page or slide in reading order. The search box runs the same search as saman search.",
        "fts_table": "pages_fts",
        "fts_pk": "rowid",
        "sort": "file_name",
        "facets": ["file_name", "kind", "method"],
        "label_column": "title",
        "size": 20,
        "columns": {
            "page": "Side- eller lysarknummer (fra 1) / page or slide number (from 1)",
            "kind": "page eller/or slide",
            "text": "Teksten, uten notater og bunntekst / the text, without notes and footers",
            "raw_text": "OCR-teksten før retting / the OCR text before correction",
            "notes": "Talenotater / speaker notes",
            "confidence": "OCR-sikkerhet 0–1 / OCR confidence 0–1",
            "stemmed": "Ordstammer for søket (intern) / word stems for search (internal)",
        },
    },
    "municipalities": {
        "title": "Kommuner nevnt / Municipality mentions",
        "description": "Hver omtale av en kommune, med nummer og fylke slik de var på dokumentets dato. / "
        "Every mention of a municipality, with its number and county as of the document's date.",
        "sort": "name",
        "facets": ["fylke", "name", "method", "file_name"],
        "label_column": "name",
        "columns": {
            "name": "Kommunen på dokumentets dato / the municipality on the document's date",
            "fylke": "Fylket på dokumentets dato / the county on the document's date",
            "current_name": "Kommunen i dag / the municipality today",
            "surface": "Slik navnet står skrevet / the name as written",
            "context": "Linjen navnet står i / the line it stands in",
            "group": "Regional gruppe den er listet under / regional group it is listed under",
        },
    },
    "themes": {
        "title": "Tema / Themes",
        "description": "Hvilke av programmets fem tema hver side (og hvert dokument, side tom) handler om. / "
        "Which of the five themes each page (and each document, page empty) is about.",
        "sort_desc": "score",
        "facets": ["theme", "file_name"],
        "columns": {"score": "0–1: hvor sentralt temaet er / how central the theme is", "evidence": "Ordene som traff / the words that matched"},
    },
    "counts": {
        "title": "Tall / Counts",
        "description": "Hvert tall dokumentene oppgir, med enhet og emne. / Every quantity the documents state, with its unit and subject.",
        "sort": "file_name",
        "facets": ["unit", "subject", "file_name"],
        "columns": {"value": "Tallet, normalisert / the number, normalised", "of": "Helheten i «12 av 16» / the whole in '12 of 16'"},
    },
    "measures": {
        "title": "Tiltak / Measures",
        "description": "Kommune × tiltak fra tabellene, én rad per utfylt celle. / Municipality × measure from the tables, one row per filled cell.",
        "sort": "municipality",
        "facets": ["theme", "fylke", "measure", "municipality"],
        "columns": {"value": "Cellen slik den står / the cell as written", "flag": "Merknad, f.eks. en sum som ikke stemmer / a note, e.g. a sum that does not add up"},
    },
    "tables": {
        "title": "Tabeller / Tables",
        "description": "Tabeller og diagrammer lest som tabeller, overskriftsrad først. / Tables and charts read as tables, header row first.",
        "sort": "file_name",
        "facets": ["source", "method", "file_name"],
    },
    "errors": {
        "title": "Feil / Errors",
        "description": "Filer og sider som ikke kunne leses, og hvorfor. / Files and pages that could not be read, and why.",
        "sort": "file_name",
        "facets": ["error_kind"],
    },
    "paths": {
        "title": "Filstier / Paths",
        "description": "Hver sti en fil er sett på; samme innhold under to navn er ett dokument. / "
        "Every path a file was seen at; the same content under two names is one document.",
        "sort": "path",
    },
    "thumbnails": {
        "title": "Sidebilder / Page pictures",
        "description": "Et lite bilde av hver side eller hvert lysark. / A small picture of every page or slide.",
        "size": 10,
    },
    "blocks": {"hidden": True},
    "failures": {"hidden": True},  # the ingest's memory of what failed; `errors` shows each one
    "meta": {"hidden": True},
}


# Columns that say nothing to a reader browsing a table (the record type, the file's full hash,
# the insertion order, the stemmed search text; a document's empty page and confidence): left
# out of the HTML table views until the reader picks columns. JSON and CSV keep every column.
HIDDEN_COLUMNS: dict[str, tuple[str, ...]] = {
    "*": ("type", "sha256", "seq", "stemmed"),
    "documents": ("type", "sha256", "seq", "page", "confidence"),
}


def database_name(kb_path: str | Path) -> str:
    """The name Datasette gives the KB: its file name without the suffix."""
    return Path(kb_path).stem


def metadata(kb_path: str | Path) -> dict[str, Any]:
    """The metadata Datasette serves `kb_path` with (the matrix queries come from the plugin)."""
    name = database_name(kb_path)
    return {
        "title": TITLE,
        "description_html": DESCRIPTION_HTML,
        "source": "Saman om ein betre kommune (KRD/KMD, KS, 2011–2015)",
        "databases": {
            name: {
                "title": TITLE,
                "description_html": DESCRIPTION_HTML,
                "tables": TABLES,
                "queries": canned_queries(),
            }
        },
        "plugins": {
            PLUGIN: {"database": name},
            "datasette-render-images": {"size_limit": 512 * 1024},
        },
    }


def kb_database(datasette: Any) -> Any:
    """The Datasette `Database` of the KB being served (named in the plugin's configuration)."""
    return datasette.get_database((datasette.plugin_config(PLUGIN) or {})["database"])
