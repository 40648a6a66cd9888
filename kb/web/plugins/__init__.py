"""saman's Datasette plugin: the search page, page links and pictures, and the front page.

Datasette loads these modules when kb.web.serve starts it (`register()`), not through an entry
point, so they act only on a server saman started for a KB. Each module holds the hooks for
one part of the site (connection: the read-only KB that search and the dossier use):
- search_page: /-/search and /-/search.json over kb.search.search;
- dossier_page: /-/municipality and /-/municipality.json over kb.dossier.dossier;
- pages: /-/page and /-/thumbnail links from every record to its page and picture, the
  canned queries' SQL functions, the year facet;
- front_page: the index page's search and dossier boxes, queries and chart.
"""

from __future__ import annotations

import importlib

MODULES = ("kb.web.plugins.search_page", "kb.web.plugins.dossier_page", "kb.web.plugins.pages", "kb.web.plugins.front_page")


def register() -> None:
    """Add saman's hooks to Datasette's plugin manager (once; a second call changes nothing)."""
    from datasette.plugins import pm

    for name in MODULES:
        module = importlib.import_module(name)
        if not pm.is_registered(module):
            pm.register(module, name=name)
