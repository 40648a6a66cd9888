"""The web search: /-/search (a page) and /-/search.json, over the one search function.

Every search on the site ends here and runs `kb.search.search`, so the browser, the JSON API
and `saman search` give the same hits in the same order; the search box Datasette shows on
the pages table is sent here too. A query the user must rephrase (`"unbalanced`) gets the
QueryError's explanation on the page, with status 400, never a server error. Each hit says why
it matched (kb.search.Hit.why: the words, a compound part, a corrected spelling, meaning).

Narrowing: `theme` and `county` go to search() itself; `year`, `doc` (a document), `pulje`
and `method` keep the hits of the same ranked list that match, so order never changes. The
facet counts are over the first FACET_HITS hits. A pulje is a cohort a hit's page names
("pulje 2"), as kb.dossier.puljer reads it.

This plugin only reads the KB, through kb.web.plugins.connection (one read-only connection
per server thread).
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from kb.web.datasette_metadata import THEME_LABELS, kb_database
from kb.dossier import puljer
from kb.query import QueryError
from kb.search import Hit, search
from kb.store import KB
from kb.web.plugins.connection import reading

FACET_HITS = 1000
DEFAULT_LIMIT = 20
MAX_LIMIT = 500
# Narrowing parameters and the facet titles shown for them.
FACETS: dict[str, str] = {
    "theme": "Tema / Theme",
    "county": "Fylke / County",
    "pulje": "Pulje / Cohort",
    "year": "År / Year",
    "doc": "Dokument / Document",
    "method": "Lest som / Read as",
}
METHOD_LABELS = {"pptx": "lysark / slides", "text": "PDF-tekst / PDF text", "ocr": "OCR"}
# Why a hit matched (kb.search.Hit.why), as each hit says it.
WHY_LABELS = {
    "words": "ordene / the words",
    "compound": "del av sammensatt ord / compound part",
    "spelling": "rettet stavemåte / corrected spelling",
    "meaning": "mening / meaning",
}
NO_YEAR = "uten dato"

@dataclass
class PageFacts:
    """What the facets need to know of one hit's page."""

    themes: set[str] = field(default_factory=set)
    counties: set[str] = field(default_factory=set)
    puljer: list[str] = field(default_factory=list)
    year: str = NO_YEAR
    date: str | None = None
    document_title: str | None = None
    thumbnail: bool = False

    def values(self, facet: str, hit: Hit) -> list[str]:
        return {
            "theme": sorted(self.themes),
            "county": sorted(self.counties),
            "pulje": self.puljer,
            "year": [self.year],
            "doc": [hit.doc_id],
            "method": [hit.method],
        }[facet]


@dataclass
class Results:
    """The hits kept, what their facets need, whether the ranked list was cut at FACET_HITS."""

    hits: list[Hit]
    facts: dict[tuple[str, int], PageFacts]
    truncated: bool
    file_names: dict[str, str]
    matched: str  # how the hits matched the query (kb.search.SearchResult.matched)
    suggestions: list[str]
    corrected: str | None


def _page_facts(kb: KB, hits: list[Hit]) -> dict[tuple[str, int], PageFacts]:
    pairs = json.dumps([[h.doc_id, h.page] for h in hits])
    hit_pages = "hp(doc_id, page) AS (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))"
    facts = {(h.doc_id, h.page): PageFacts() for h in hits}
    for doc_id, page, theme in kb.db.execute(
        f"WITH {hit_pages} SELECT t.doc_id, t.page, t.theme FROM themes t JOIN hp USING (doc_id, page)", (pairs,)
    ):
        facts[(doc_id, page)].themes.add(theme)
    for doc_id, page, fylke in kb.db.execute(
        f"WITH {hit_pages} SELECT DISTINCT m.doc_id, m.page, m.fylke FROM municipalities m JOIN hp USING (doc_id, page)", (pairs,)
    ):
        facts[(doc_id, page)].counties.add(fylke)
    for doc_id, page, title, text in kb.db.execute(
        f"WITH {hit_pages} SELECT p.doc_id, p.page, p.title, p.text FROM pages p JOIN hp USING (doc_id, page)", (pairs,)
    ):
        facts[(doc_id, page)].puljer = puljer(f"{title or ''}\n{text or ''}")
    documents = {
        doc_id: (date, title)
        for doc_id, date, title in kb.db.execute(
            "SELECT doc_id, date, title FROM documents WHERE doc_id IN (SELECT DISTINCT value FROM json_each(?))",
            (json.dumps([h.doc_id for h in hits]),),
        )
    }
    has_thumbnails = kb.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'thumbnails'").fetchone()
    if has_thumbnails:
        for doc_id, page in kb.db.execute(
            f"WITH {hit_pages} SELECT t.doc_id, t.page FROM thumbnails t JOIN hp USING (doc_id, page)", (pairs,)
        ):
            facts[(doc_id, page)].thumbnail = True
    for (doc_id, _page), fact in facts.items():
        date, title = documents.get(doc_id, (None, None))
        fact.date, fact.document_title = date, title
        fact.year = date[:4] if date else NO_YEAR
    return facts


def run_search(kb_path: str, query: str, filters: dict[str, str]) -> Results:
    """The ranked hits for the query, narrowed by the filters, with what their facets need."""
    def ranked_with_facts(kb: KB):
        ranked = search(kb, query, limit=FACET_HITS, theme=filters.get("theme"), county=filters.get("county"))
        return ranked, _page_facts(kb, ranked)

    ranked, facts = reading(kb_path, ranked_with_facts)
    kept = [
        h for h in ranked
        if all(filters[f] in facts[(h.doc_id, h.page)].values(f, h) for f in ("pulje", "year", "doc", "method") if f in filters)
    ]
    return Results(kept, facts, len(ranked) == FACET_HITS, {h.doc_id: h.file_name for h in ranked},
                   ranked.matched, ranked.suggestions, ranked.corrected)


def _facet_values(results: Results, facet: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for h in results.hits:
        counts.update(set(results.facts[(h.doc_id, h.page)].values(facet, h)))
    return counts


def _label(facet: str, value: str, results: Results) -> str:
    if facet == "theme":
        return THEME_LABELS.get(value, value)
    if facet == "doc":
        return results.file_names.get(value, value)
    if facet == "method":
        return METHOD_LABELS.get(value, value)
    return value


def _url(path: str, params: dict[str, str]) -> str:
    return f"{path}?{urlencode({k: v for k, v in params.items() if v})}"


def _filters(args: dict[str, list[str]]) -> dict[str, str]:
    return {f: args[f][0].strip() for f in FACETS if args.get(f) and args[f][0].strip()}


def _limit(args: dict[str, list[str]]) -> int:
    try:
        return max(1, min(MAX_LIMIT, int(args.get("limit", [DEFAULT_LIMIT])[0])))
    except ValueError:
        return DEFAULT_LIMIT


_MARK = re.compile(r"\[([^\]]*)\]")


def highlighted(snippet: str) -> Markup:
    """The snippet as HTML, its [marked] words in <mark>, the text itself escaped."""
    return Markup(_MARK.sub(lambda m: f"<mark>{m.group(1)}</mark>", str(escape(snippet))))


def _hit_dict(datasette: Any, hit: Hit, facts: PageFacts) -> dict[str, Any]:
    return {
        **hit.as_dict(),
        "date": facts.date,
        "document_title": facts.document_title,
        "page_url": datasette.urls.path(f"/-/page/{hit.doc_id}/{hit.page}"),
        "thumbnail_url": datasette.urls.path(f"/-/thumbnail/{hit.doc_id}/{hit.page}.png") if facts.thumbnail else None,
        "why_labels": [{"why": why, "label": WHY_LABELS[why]} for why in hit.why],
    }


def _facets(results: Results, path: str, params: dict[str, str], filters: dict[str, str]) -> list[dict[str, Any]]:
    """Each facet's values with their counts and the link that selects (or unselects) them."""
    out = []
    for facet, title in FACETS.items():
        counts = _facet_values(results, facet)
        values = [
            {"value": value, "label": _label(facet, value, results), "count": n,
             "selected": filters.get(facet) == value,
             "url": _url(path, {**params, facet: "" if filters.get(facet) == value else value})}
            for value, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        if values:
            out.append({"name": facet, "title": title, "values": values})
    return out


async def search_view(request: Any, datasette: Any) -> Response:
    as_json = request.url_vars.get("format") == "json"
    args = parse_qs(request.query_string)
    query = (args.get("q") or [""])[0].strip()
    filters, limit = _filters(args), _limit(args)
    path = datasette.urls.path("/-/search")
    params = {"q": query, **filters}
    context: dict[str, Any] = {
        "metadata": datasette.metadata(), "q": query, "filters": filters, "error": None, "hits": [], "facets": [],
        "total": 0, "truncated": False, "more_url": None, "active": [],
        "matched": "none", "suggestions": [], "corrected": None,
        "json_url": _url(path + ".json", {**params, "limit": str(limit)}),
    }
    status = 200
    if query:
        try:
            results = await asyncio.get_running_loop().run_in_executor(
                datasette.executor, run_search, kb_database(datasette).path, query, filters
            )
        except QueryError as exc:
            status, context["error"] = 400, str(exc)
        except sqlite3.OperationalError as exc:  # the time limit interrupted the query
            if "interrupt" not in str(exc):
                raise
            status, context["error"] = 400, "the search took too long: add words or narrow it by theme or county"
        else:
            context.update(
                total=len(results.hits),
                matched=results.matched,
                corrected=results.corrected,
                suggestions=[{"query": q, "url": _url(path, {**params, "q": q})} for q in results.suggestions],
                truncated=results.truncated,
                hits=[_hit_dict(datasette, h, results.facts[(h.doc_id, h.page)]) for h in results.hits[:limit]],
                more_url=_url(path, {**params, "limit": str(min(MAX_LIMIT, limit * 5))}) if len(results.hits) > limit else None,
                facets=_facets(results, path, params, filters),
                active=[{"facet": FACETS[f], "label": _label(f, v, results), "remove_url": _url(path, {**params, f: ""})}
                        for f, v in filters.items()],
            )
    if as_json:
        body = {k: context[k] for k in ("q", "filters", "total", "truncated", "hits", "error", "matched", "corrected")}
        body["suggestions"] = [s["query"] for s in context["suggestions"]]
        body["facets"] = {f["name"]: [{k: v[k] for k in ("value", "label", "count")} for v in f["values"]] for f in context["facets"]}
        return Response.json(body, status=status)
    for hit in context["hits"]:
        hit["snippet_html"] = highlighted(hit["snippet"])
    html = await datasette.render_template("saman_search.html", context, request=request)
    return Response.html(html, status=status)


@hookimpl
def register_routes():
    return [(r"^/-/search(\.(?P<format>json))?$", search_view)]


def _search_redirect(datasette: Any, scope: dict) -> str | None:
    """Where a search in Datasette's own box on the pages table goes: the one search page."""
    pages = datasette.urls.table(kb_database(datasette).name, "pages")
    path = scope.get("path", "")
    if path not in (pages, pages + ".json"):
        return None
    args = parse_qs(scope.get("query_string", b"").decode("utf-8", "replace"))
    query = (args.get("_search") or [""])[0].strip()
    if not query:
        return None
    target = datasette.urls.path("/-/search" + (".json" if path.endswith(".json") else ""))
    return _url(target, {"q": query})


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def send_search_to_search_page(scope, receive, send):
            target = _search_redirect(datasette, scope) if scope["type"] == "http" else None
            if target is None:
                await app(scope, receive, send)
                return
            await send({"type": "http.response.start", "status": 302,
                        "headers": [[b"location", target.encode("utf-8")], [b"content-type", b"text/plain"]]})
            await send({"type": "http.response.body", "body": b""})

        return send_search_to_search_page

    return wrap
