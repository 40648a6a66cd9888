"""The knowledge base: a SQLite file with FTS5, and the Python API analysts use on it.

`open_kb(path)` gives a `KB` whose `frame(type)` returns a pandas DataFrame per record type
with the export's columns; `kb.search.search` is the one search function behind the CLI.
"""

from kb.store import KB, open_kb

__all__ = ["KB", "open_kb"]
