"""Every record links to its source page, and every page shows its picture.

- `/-/page/<doc_id>/<page>` shows a page or slide: its picture, text and notes, and what was
  found on it (municipalities, themes, counts, tables), so any record, hit or query row with a
  `doc_id` and a `page` links to where it came from;
- `/-/thumbnail/<doc_id>/<page>.png` serves the page's small PNG from the KB's `thumbnails`
  table (doc_id, page, png), made at ingest by extractors.thumbnails;
- in tables and query results, a `page` cell links to its page, and in the pages table it
  shows the picture as well;
- every connection to the KB `query_only` (Datasette opens it read-only but not immutable, so
  that a running server sees what an ingest adds: kb.web.serve), with the SQL functions of the
  canned queries (kb.dossier.register_functions);
- the matrix queries `tiltaksmatrise_<tema>` (kb.web.datasette_metadata.matrix_queries), made from
  the measures the KB holds at each request;
- a `year` facet for ISO date columns (`?_facet_year=date`, selecting `date__startswith`);
- HTML table views leave out the columns kb.web.datasette_metadata.HIDDEN_COLUMNS names until the
  reader picks columns (`_col`, `_nocol`, or Datasette's column menu).

Read only: every query here is a SELECT on the KB.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlencode

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from kb.web.datasette_metadata import HIDDEN_COLUMNS, THEME_LABELS, kb_database, matrix_queries, measures_by_theme
from kb.dossier import register_functions

THUMBNAIL_PX = 160


@hookimpl
def prepare_connection(conn, database, datasette):
    if database == kb_database(datasette).name:
        conn.execute("PRAGMA query_only = 1")  # also Datasette's write connection, were one ever opened
    register_functions(conn)


@hookimpl
def canned_queries(datasette, database):
    if database != kb_database(datasette).name:
        return None

    async def matrices():
        return matrix_queries(await kb_database(datasette).execute_fn(measures_by_theme))

    return matrices


async def _has_thumbnails(datasette: Any) -> bool:
    return "thumbnails" in await kb_database(datasette).table_names()


async def _has_picture(datasette: Any, doc_id: str, page: int) -> bool:
    if not await _has_thumbnails(datasette):
        return False
    found = await kb_database(datasette).execute("SELECT 1 FROM thumbnails WHERE doc_id = ? AND page = ?", (doc_id, page))
    return found.first() is not None


async def thumbnail_view(request: Any, datasette: Any) -> Response:
    doc_id, page = request.url_vars["doc_id"], int(request.url_vars["page"])
    if not await _has_thumbnails(datasette):
        raise NotFound("this knowledge base holds no page pictures")
    row = (await kb_database(datasette).execute(
        "SELECT png FROM thumbnails WHERE doc_id = ? AND page = ?", (doc_id, page))).first()
    if row is None:
        raise NotFound(f"no picture of page {page} of document {doc_id}")
    return Response(row["png"], content_type="image/png", headers={"Cache-Control": "max-age=3600"})


async def _rows(db: Any, sql: str, doc_id: str, page: int) -> list[dict[str, Any]]:
    return [dict(r) for r in (await db.execute(sql, {"doc_id": doc_id, "page": page})).rows]


async def _findings(db: Any, doc_id: str, page: int) -> dict[str, list[dict[str, Any]]]:
    """What the recognisers found on one page, for the page view."""
    tables = await _rows(db, "SELECT table_id, rows, source FROM tables WHERE doc_id = :doc_id AND page = :page ORDER BY seq", doc_id, page)
    for table in tables:
        table["rows"] = json.loads(table["rows"] or "[]")
    return {
        "municipalities": await _rows(db, """SELECT name, kommunenummer, fylke, count(*) AS n FROM municipalities
            WHERE doc_id = :doc_id AND page = :page GROUP BY kommunenummer, name, fylke ORDER BY min(seq)""", doc_id, page),
        "themes": await _rows(db, "SELECT theme, score FROM themes WHERE doc_id = :doc_id AND page = :page ORDER BY score DESC", doc_id, page),
        "counts": await _rows(db, "SELECT text, value, unit, subject FROM counts WHERE doc_id = :doc_id AND page = :page ORDER BY seq", doc_id, page),
        "tables": tables,
    }


async def page_view(request: Any, datasette: Any) -> Response:
    """One page or slide: its picture, text and notes, and every record found on it."""
    doc_id, number = request.url_vars["doc_id"], int(request.url_vars["page"])
    db = kb_database(datasette)
    found = await _rows(db, "SELECT rowid, * FROM pages WHERE doc_id = :doc_id AND page = :page", doc_id, number)
    if not found:
        raise NotFound(f"no page {number} in document {doc_id}")
    document = (await _rows(db, "SELECT rowid, * FROM documents WHERE doc_id = :doc_id", doc_id, number) or [{}])[0]
    context = {
        "metadata": datasette.metadata(),
        "page": found[0],
        "document": document,
        "has_picture": await _has_picture(datasette, doc_id, number),
        "picture_url": datasette.urls.path(f"/-/thumbnail/{doc_id}/{number}.png"),
        "previous_url": datasette.urls.path(f"/-/page/{doc_id}/{number - 1}") if number > 1 else None,
        "next_url": datasette.urls.path(f"/-/page/{doc_id}/{number + 1}") if number < (document.get("n_pages") or 0) else None,
        "row_url": datasette.urls.row(db.name, "pages", str(found[0]["rowid"])),
        "document_url": datasette.urls.row(db.name, "documents", str(document["rowid"])) if document else None,
        "dossier_url": datasette.urls.path("/-/municipality"),
        "theme_labels": THEME_LABELS,
        **await _findings(db, doc_id, number),
    }
    return Response.html(await datasette.render_template("saman_page.html", context, request=request))


@hookimpl
def register_routes():
    return [
        (r"^/-/thumbnail/(?P<doc_id>[0-9a-f]+)/(?P<page>\d+)\.png$", thumbnail_view),
        (r"^/-/page/(?P<doc_id>[0-9a-f]+)/(?P<page>\d+)$", page_view),
    ]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if column != "page" or value is None or not isinstance(value, int):
        return None
    keys = row.keys()
    if "doc_id" not in keys or row["doc_id"] is None:
        return None
    doc_id = row["doc_id"]
    page_url = datasette.urls.path(f"/-/page/{doc_id}/{value}")
    if table != "pages":
        return Markup(f'<a href="{escape(page_url)}">{value}</a>')

    async def with_picture():
        link = f'<a href="{escape(page_url)}">{value}</a>'
        if not await _has_picture(datasette, doc_id, value):
            return Markup(link)
        src = datasette.urls.path(f"/-/thumbnail/{doc_id}/{value}.png")
        return Markup(
            f'{link}<br><a href="{escape(src)}"><img class="saman-thumbnail" src="{escape(src)}" loading="lazy" '
            f'width="{THUMBNAIL_PX}" alt="side {value}" style="border:1px solid #ccc;max-width:{THUMBNAIL_PX}px"></a>'
        )

    return with_picture


class YearFacet(Facet):
    """Facet an ISO date column by its year; choosing a year filters `column__startswith`."""

    type = "year"

    async def suggest(self):
        return []

    async def facet_results(self):
        results, timed_out = [], []
        args = dict(self.get_querystring_pairs())
        size = self.get_facet_size()
        for source_and_config in self.get_configs():
            config = source_and_config["config"]
            column = config.get("column") or config["simple"]
            sql = f"""SELECT substr({escape_sqlite(column)}, 1, 4) AS value, count(*) AS count
                      FROM ({self.sql}) WHERE {escape_sqlite(column)} GLOB '[12][0-9][0-9][0-9]*'
                      GROUP BY value ORDER BY value LIMIT {size + 1}"""
            try:
                rows = await self.ds.execute(self.database, sql, self.params, truncate=False,
                                             custom_time_limit=self.ds.setting("facet_time_limit_ms"))
            except QueryInterrupted:
                timed_out.append(column)
                continue
            key = f"{column}__startswith"
            values = []
            for row in rows.rows[:size]:
                selected = args.get(key) == row["value"]
                path = (path_with_removed_args(self.request, {key: row["value"]}) if selected
                        else path_with_added_args(self.request, {key: row["value"]}))
                values.append({"value": row["value"], "label": row["value"], "count": row["count"],
                               "toggle_url": self.ds.absolute_url(self.request, path), "selected": selected})
            results.append({"name": column, "type": self.type, "results": values,
                            "hideable": source_and_config["source"] != "metadata",
                            "toggle_url": path_with_removed_args(self.request, {"_facet_year": column}),
                            "truncated": len(rows) > size})
        return results, timed_out


async def _with_hidden_columns(datasette: Any, scope: dict) -> dict:
    db = kb_database(datasette)
    prefix = datasette.urls.database(db.name) + "/"
    path = scope.get("path", "")
    table = path[len(prefix):] if path.startswith(prefix) else ""
    if not table or "/" in table or "." in table or table not in await db.table_names():
        return scope
    query = scope.get("query_string", b"").decode("utf-8", "replace")
    if any(k in ("_col", "_nocol") for k in parse_qs(query, keep_blank_values=True)):
        return scope
    wanted = HIDDEN_COLUMNS.get(table, HIDDEN_COLUMNS["*"])
    hidden = [c for c in wanted if c in await db.table_columns(table)]
    if not hidden:
        return scope
    extra = urlencode([("_nocol", c) for c in hidden])
    return {**scope, "query_string": (f"{query}&{extra}" if query else extra).encode("utf-8")}


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def hide_internal_columns(scope, receive, send):
            if scope["type"] == "http":
                scope = await _with_hidden_columns(datasette, scope)
            await app(scope, receive, send)

        return hide_internal_columns

    return wrap


@hookimpl
def register_facet_classes():
    return [YearFacet]
