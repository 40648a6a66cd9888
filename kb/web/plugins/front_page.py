"""The front page: a search box, a municipality box, the canned queries and a chart.

The chart shows works and pages per theme and works and mentions per county (a deck, its PDF
and its scan are one work, counted by its best copy), drawn as inline SVG from the same SQL
as the canned queries `tema_oversikt` and `fylke_oversikt`
(so the numbers behind every bar are one click away), each bar a link to the rows it counts.
An SVG in the page needs no JavaScript, no Vega and no network.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from xml.sax.saxutils import escape as xml_escape

from datasette import hookimpl
from markupsafe import Markup

from kb.web.datasette_metadata import COUNTIES_SQL, THEME_LABELS, THEMES, THEMES_SQL, WORKS_SQL, kb_database

BAR_H = 11
ROW_GAP = 9
LABEL_W = 170
NUMBER_W = 40
CHART_W = 460
COLOURS = ("#1f4e8c", "#8fb3de")
MAX_COUNTIES = 20


def bar_chart(title: str, series: tuple[str, str], rows: list[tuple[str, str, tuple[int, int]]]) -> str:
    """Horizontal paired bars, one row per (label, link, (first, second)), as an SVG element."""
    top = 44
    row_h = 2 * BAR_H + ROW_GAP
    height = top + max(1, len(rows)) * row_h + 6
    biggest = max((max(values) for _, _, values in rows), default=0) or 1
    scale = (CHART_W - LABEL_W - NUMBER_W) / biggest
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="saman-chart" role="img" viewBox="0 0 {CHART_W} {height}" '
        f'width="{CHART_W}" height="{height}" font-family="Helvetica, Arial, sans-serif" font-size="12">',
        f"<title>{xml_escape(title)}</title>",
        f'<text x="0" y="16" font-size="15" font-weight="bold" fill="#222">{xml_escape(title)}</text>',
    ]
    for i, (name, colour) in enumerate(zip(series, COLOURS)):
        x = i * (CHART_W // 2)
        parts.append(f'<rect x="{x}" y="26" width="12" height="10" fill="{colour}"/>'
                     f'<text x="{x + 17}" y="35" fill="#333">{xml_escape(name)}</text>')
    if not rows:
        parts.append(f'<text x="0" y="{top + 14}" fill="#666">Ingen data ennå / no data yet</text>')
    for r, (label, link, values) in enumerate(rows):
        y = top + r * row_h
        parts.append(f'<a href="{xml_escape(link)}"><text x="{LABEL_W - 8}" y="{y + BAR_H + 4}" text-anchor="end" '
                     f'fill="#1a4d8f">{xml_escape(label)}</text></a>')
        for k, (value, colour) in enumerate(zip(values, COLOURS)):
            by = y + k * BAR_H
            width = max(1.0, value * scale) if value else 0
            parts.append(f'<rect x="{LABEL_W}" y="{by}" width="{width:.1f}" height="{BAR_H - 1}" fill="{colour}">'
                         f"<title>{xml_escape(label)}: {value} {xml_escape(series[k])}</title></rect>"
                         f'<text x="{LABEL_W + width + 4:.1f}" y="{by + BAR_H - 2}" font-size="10" fill="#333">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


async def front_page(datasette: Any) -> dict[str, Any]:
    db = kb_database(datasette)
    name = db.name
    themes = (await db.execute(THEMES_SQL)).rows
    counties = (await db.execute(COUNTIES_SQL)).rows[:MAX_COUNTIES]
    theme_rows = [
        (THEME_LABELS.get(r["tema"], r["tema"]), datasette.urls.table(name, "themes") + "?" + urlencode({"theme": r["tema"]}),
         (r["verk"], r["sider"]))
        for r in themes
    ]
    county_rows = [
        (r["fylke"], datasette.urls.table(name, "municipalities") + "?" + urlencode({"fylke": r["fylke"]}),
         (r["verk"], r["omtaler"]))
        for r in counties
    ]
    counts = await db.table_counts(limit=10_000)
    works = (await db.execute(WORKS_SQL)).single_value()
    queries = await datasette.get_canned_queries(name, None)
    return {
        "saman": {
            "database": name,
            "search_url": datasette.urls.path("/-/search"),
            "dossier_url": datasette.urls.path("/-/municipality"),
            "charts": [
                Markup(bar_chart("Per tema / by theme", ("verk / works", "sider / pages"), theme_rows)),
                Markup(bar_chart("Per fylke / by county", ("verk / works", "omtaler / mentions"), county_rows)),
            ],
            "totals": {**{t: counts.get(t, 0) for t in ("documents", "pages", "municipalities", "themes", "counts", "measures")},
                       "works": works},
            "queries": [
                {"name": q, "title": queries[q].get("title") or q, "url": datasette.urls.query(name, q)} for q in queries
            ],
            "themes": [
                {"theme": t, "label": THEME_LABELS[t], "url": datasette.urls.query(name, "kommuner_per_tema") + f"?tema={t}"}
                for t in THEMES
            ],
            "tables": [
                {"name": t, "title": datasette.metadata("title", database=name, table=t) or t, "count": counts.get(t),
                 "url": datasette.urls.table(name, t)}
                for t in ("documents", "pages", "municipalities", "themes", "counts", "measures", "tables", "errors", "paths", "thumbnails")
                if t in counts
            ],
        }
    }


@hookimpl
def extra_template_vars(template, datasette):
    if template != "index.html":
        return None

    async def variables():
        return await front_page(datasette)

    return variables
