"""The judged query set of bench.search_quality: what each page says (content.py), the
queries with the rules that judge their relevant pages (judge.py), and the judged result
(queries.jsonl, set.json), committed so every search change is measured on the same set.
"""
