"""A seeded generator of programme documents and their gold, for measuring on documents the
rules were not written on.

`corpus/` was written together with the rules that read it, so its scores are a training
score. This package draws new documents from seeds — decks, reports and handouts with the
programme's facts, in many table styles, fonts, layouts and capture conditions (clean scans,
photocopies, phone photos, born-digital unruled tables, two-column reports, PDFs with one
scanned page) — and writes their gold from the same data the drawing used, never typed twice.

    content.py   what a document says: municipalities of the day, counts, tables (the gold)
    draw.py      how it looks: slides and A4 pages drawn with reportlab, table styles, layouts
    capture.py   how it reached the archive: scanner, photocopier, phone camera
    build.py     documents per condition and the two splits (train for tuning, test for reporting)

`python -m bench.generalise --split test` reads a split the way `saman ingest` does and scores
it. Nothing here is imported by the pipeline or the tests' fixtures of the pipeline.
"""
