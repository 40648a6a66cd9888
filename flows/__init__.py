"""Orchestration: Prefect flows that move files through the extractors into the KB, and the CLI.

Thin by design: the work is in `extractors` and `kb`; this package decides what to run, in
what order, in parallel where it can, and reports what happened.
"""
