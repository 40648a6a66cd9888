"""The municipality dossier in the browser: /-/municipality (a page) and /-/municipality.json.

Both run kb.dossier.dossier, the function behind `saman municipality`, so the JSON is the CLI's
`--json` and the page is the CLI's report: the municipality, its documents as works (each work
once, shown from its best copy, the other copies listed), their pages naming it with the line
that does and the page's picture, the themes of those pages, the counts stated there, the
measure matrix of its table rows and its cohorts. `kommune` is a name or number (`Bø 1867`
chooses among the municipalities sharing a name), `county` chooses by county; a name several
municipalities share lists them, each a link to its own dossier. A name the KB does not hold
answers 404 with a message.

Read only, through kb.web.plugins.connection.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import parse_qs, urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from kb.dossier import dossier
from kb.web.datasette_metadata import THEME_LABELS, kb_database
from kb.web.plugins.connection import reading


def marked(line: str | None, names: list[str]) -> Markup:
    """The line as HTML, the municipality's names in it in <mark>, the text itself escaped."""
    text = str(escape(line or ""))
    if not names:
        return Markup(text)
    pattern = re.compile("|".join(re.escape(str(escape(n))) for n in sorted(names, key=len, reverse=True)), re.IGNORECASE)
    return Markup(pattern.sub(lambda m: f"<mark>{m.group()}</mark>", text))


def matrices(measures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The measures per theme as a matrix: a row per measure, a column per page they come from."""
    out: dict[str, dict[str, Any]] = {}
    for x in measures:
        theme = out.setdefault(x["theme"] or "", {"theme": x["theme"], "label": THEME_LABELS.get(x["theme"], x["theme"]),
                                                  "sources": [], "measures": [], "cells": {}})
        source = (x["doc_id"], x["page"], x["file_name"])
        if source not in theme["sources"]:
            theme["sources"].append(source)
        if x["measure"] not in theme["measures"]:
            theme["measures"].append(x["measure"])
        theme["cells"].setdefault((x["measure"], source), []).append(x["value"])
    return list(out.values())


async def dossier_view(request: Any, datasette: Any) -> Response:
    args = parse_qs(request.query_string)
    name = (args.get("kommune") or [""])[0].strip()
    county = (args.get("county") or [""])[0].strip() or None
    path = datasette.urls.path("/-/municipality")
    found = None
    if name:
        found = await asyncio.get_running_loop().run_in_executor(
            datasette.executor, reading, kb_database(datasette).path, lambda kb: dossier(kb, name, county=county))
    status = 404 if name and not found["works"] and not found["ambiguous"] else 200
    if request.url_vars.get("format") == "json":
        return Response.json(found or {}, status=status if name else 400)
    names = sorted({n for m in (found or {}).get("municipalities", []) for n in (m["name"], m["today_name"]) if n})
    context = {
        "metadata": datasette.metadata(), "kommune": name, "county": county or "", "found": found,
        "theme_labels": THEME_LABELS, "matrices": matrices(found["measures"]) if found else [],
        "json_url": f"{path}.json?{urlencode({'kommune': name, **({'county': county} if county else {})})}",
        "rows_url": datasette.urls.query(kb_database(datasette).name, "kommunedossier"),
        "choice_url": lambda c: f"{path}?{urlencode({'kommune': found['name'] + ' ' + c['kommunenummer']})}",
        "page_url": lambda doc_id, page: datasette.urls.path(f"/-/page/{doc_id}/{page}"),
        "picture_url": lambda doc_id, page: datasette.urls.path(f"/-/thumbnail/{doc_id}/{page}.png"),
        "marked": lambda line: marked(line, names),
    }
    return Response.html(await datasette.render_template("saman_dossier.html", context, request=request), status=status)


@hookimpl
def register_routes():
    return [(r"^/-/municipality(\.(?P<format>json))?$", dossier_view)]
