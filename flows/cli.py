"""The `saman` command: a thin layer over the flows and the `kb` Python API.

Each command maps onto one Python call (`ingest_flow`, `kb.search.search`, `kb.export.export`,
`KB.stats`), the way sqlite-utils' CLI mirrors its API, so what a user can do here an analyst
can do from Python. User mistakes (a bad query, a missing KB) get a one-line message and a
non-zero exit, never a traceback.
"""

from __future__ import annotations

import atexit
import gc
import json
import os
import re
import sys
import threading
import time
from collections import Counter
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable
from rich.text import Text

from extractors.lang.text import printable
from extractors.ocr.settings import DEFAULT_SETTINGS, OcrSettings, SettingError, ocr_settings, parse_assignments
from kb.store import default_kb_path, open_kb

if TYPE_CHECKING:
    from flows.plan import Summary
    from kb.store import KB

out = Console()
err = Console(stderr=True)


def _kb_option(f):
    return click.option("--kb", "kb_path", default=None, metavar="FILE",
                        help="Knowledge base file (default: $SAMAN_KB or ./saman.db).")(f)


def _open_readonly(kb_path: str | None):
    try:
        return open_kb(kb_path or default_kb_path(), readonly=True)
    except (FileNotFoundError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """saman: turn the Saman om ein betre kommune archive into a searchable knowledge base."""
    # Python's teardown collects every object Prefect and pydantic made, 0.4-0.6 s after a
    # command is done; their memory goes back to the system at exit all the same. Frozen in
    # the last exit handler (registered first), they are left to it.
    atexit.register(gc.freeze)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@_kb_option
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1), help="Parallel worker processes.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--retry-errors", is_flag=True, help="Read again the files that failed before (they are skipped otherwise).")
@click.option("--task-runner", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: worker processes on this machine; dask: the tasks of a Dask cluster.")
@click.option("--dask-address", default=None, metavar="tcp://HOST:PORT", help="Scheduler of the Dask cluster (with --task-runner dask).")
@click.option("--ocr-setting", "ocr_setting", multiple=True, metavar="NAME=VALUE",
              help="Change an OCR or image-table setting for this run (repeatable), e.g. dpi=200 or "
                   "tables.min_unruled_rows=4; the names are the fields of extractors.ocr.settings.")
def ingest(paths: tuple[str, ...], kb_path: str | None, workers: int, quiet: bool, retry_errors: bool,
           task_runner: str, dask_address: str | None, ocr_setting: tuple[str, ...]) -> None:
    """Ingest files, folders (recursively) or glob patterns into the knowledge base.

    Files already in the knowledge base, and files that failed before, are not read again;
    when no file is left to read, the command ends without starting Prefect."""
    started = time.monotonic()
    if task_runner == "dask" and not dask_address:
        raise click.UsageError("--task-runner dask needs --dask-address tcp://HOST:PORT")
    if task_runner == "dask" and not os.environ.get("PREFECT_API_URL"):
        raise click.UsageError("--task-runner dask needs a Prefect server the Dask workers can reach: "
                               "run `prefect server start` and set PREFECT_API_URL here and on the workers")
    try:
        ocr_changes = parse_assignments(ocr_setting)
        ocr = ocr_settings(ocr_changes)
    except SettingError as exc:
        raise click.BadParameter(str(exc), param_hint="--ocr-setting") from None
    if task_runner == "local":
        from flows.workers import start_fork_server

        start_fork_server()  # it loads the readers while the files are planned and Prefect imported
    from flows.plan import plan, settled

    kb_path = kb_path or default_kb_path()
    with _open_writable(kb_path) as kb:
        todo = plan(list(paths), kb, retry_errors=retry_errors)
        if todo.found.missing:
            raise click.ClickException("not found: " + ", ".join(printable(m) for m in todo.found.missing))
        summary = None if todo.todo else settled(kb, todo, started)
    if summary is None:
        _start_prefect(todo, workers if task_runner == "local" else None, ocr)
        from flows.ingest import ingest_flow
        from flows.settings import without_heartbeats

        run = ingest_flow
        if task_runner == "dask":
            from prefect_dask import DaskTaskRunner

            run = ingest_flow.with_options(task_runner=DaskTaskRunner(address=dask_address))
        with without_heartbeats():
            summary = run(list(paths), kb_path, workers=workers, show_progress=not quiet, local_workers=task_runner == "local",
                          retry_errors=retry_errors, ocr_changes=ocr_changes)
    _print_summary(summary, kb_path, time.monotonic() - started)


@main.command()
@_kb_option
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1), help="Parallel worker processes.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--retry-errors", is_flag=True, help="Read again the files that failed before (they are skipped otherwise).")
def rerun(kb_path: str | None, workers: int, quiet: bool, retry_errors: bool) -> None:
    """Re-scan the folders the KB was filled from: ingest new and changed files, mark deleted ones gone."""
    started = time.monotonic()
    from flows.plan import Summary, mark_gone, plan, rerun_targets, settled

    kb_path = kb_path or default_kb_path()
    _open_readonly(kb_path).close()
    with _open_writable(kb_path) as kb:
        targets = rerun_targets(kb)
        todo = plan(targets, kb, retry_errors=retry_errors)
        summary = None
        if not todo.todo:
            summary = settled(kb, todo, started) if targets else Summary()
            summary.gone = mark_gone(kb, todo.found)
    if summary is None:
        _start_prefect(todo, workers)
        from flows.ingest import rerun_flow
        from flows.settings import without_heartbeats

        with without_heartbeats():
            summary = rerun_flow(kb_path, workers=workers, show_progress=not quiet, retry_errors=retry_errors)
    if targets:
        _print_summary(summary, kb_path, time.monotonic() - started)
    for path in summary.gone:
        out.print(f"[yellow]gone[/yellow] {escape(printable(path))} (its records are kept)")


@main.command()
@_kb_option
@click.option("--batch", default=16, show_default=True, type=click.IntRange(min=1), help="Pages embedded per transaction.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def embed(kb_path: str | None, batch: int, quiet: bool) -> None:
    """Embed the pages that have no current vector, for search by meaning (after ingest; resumable:
    a second run embeds nothing, and one after an ingest only the new pages; a page whose text
    another page already has reuses that vector). Runs offline."""
    from kb.vectors import pending

    kb_path = kb_path or default_kb_path()
    _open_readonly(kb_path).close()
    with _open_writable(kb_path) as kb:
        todo = len(pending(kb))
    if todo:
        _start_prefect(None, 0)
        from flows.embed import embed_flow
        from flows.settings import without_heartbeats

        with without_heartbeats():
            summary = embed_flow(kb_path, batch=batch, show_progress=not quiet)
        rate = f", {summary.embedded / summary.seconds:.1f} pages/s" if summary.seconds and summary.embedded else ""
        out.print(f"{summary.embedded + summary.reused} of {summary.pages} pages given a vector in {summary.seconds:.1f} s: "
                  f"{summary.embedded} embedded{rate}, {summary.reused} reused (same passage as a page embedded before)")
    else:
        out.print("every page has a current vector: nothing to embed")


def _open_writable(kb_path: str):
    try:
        return open_kb(kb_path)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


def _start_prefect(plan, workers: int | None, ocr: OcrSettings = DEFAULT_SETTINGS) -> None:
    """Start Prefect's server and the workers side by side, then load Prefect while they boot.

    The server takes seconds to start, and so do the workers: started here, they do so while
    this process imports Prefect, and the workers begin reading the plan's files, the longest
    first, and go on in that order (the flow's tasks take the results over), instead of
    waiting for the flow to start them.
    What the flow would load only once the server answers is loaded while it boots too
    (_load_for_flow)."""
    from flows.prefect_server import ServerError, start
    from flows.workers import WorkerPool

    try:
        server = start()
        if workers:
            from flows.spool import read_ahead

            read_ahead(WorkerPool.shared(workers), plan.longest_first(), ocr)
        import flows.ingest  # noqa: F401  (Prefect loads while the server and the workers start)

        word_lists = _load_for_flow(saves=plan is not None)
        if server is not None:
            server.wait()
        if word_lists is not None:
            word_lists.join()
    except ServerError as exc:
        if workers:
            WorkerPool.shared(workers).close()  # now: its files read ahead are for nobody
        raise click.ClickException(str(exc)) from None


def _load_for_flow(saves: bool) -> threading.Thread | None:
    """Load what the flow would load only once the server answers, while it boots: for a
    flow that saves documents the word lists the KB's first save indexes compounds with
    (kb.store, extractors.lang.compounds: 0.5-1 s), in a thread, returned to be joined before
    the flow runs; and what Prefect imports on a flow's first run and first task run (its
    flow and task engines, FastAPI's encoder for the flow's parameters: 0.4 s)."""
    loading = None
    if saves:
        from extractors.lang.lexicon import lexicon

        loading = threading.Thread(target=lexicon, name="saman-word-lists", daemon=True)
        loading.start()
    import fastapi.encoders  # noqa: F401
    import prefect.flow_engine  # noqa: F401
    import prefect.task_engine  # noqa: F401

    return loading


@main.command("serve-flows")
@click.option("--folder", required=True, type=click.Path(exists=True, file_okay=False), help="Folder to ingest on the schedule.")
@_kb_option
@click.option("--cron", default="0 6 * * *", show_default=True, help="When to ingest the folder (cron syntax).")
def serve_flows(folder: str, kb_path: str | None, cron: str) -> None:
    """Serve the ingest and rerun flows as Prefect deployments (needs PREFECT_API_URL)."""
    from flows.deploy import serve_flows as run_serve

    run_serve(os.path.abspath(folder), os.path.abspath(kb_path or default_kb_path()), cron)


@main.command("prefect-server")
@click.option("--stop", is_flag=True, help="Stop it now (it stops by itself once unused for 15 minutes).")
def prefect_server(stop: bool) -> None:
    """Say whether the Prefect server saman keeps between commands runs; --stop stops it."""
    from flows.prefect_server import idle_seconds, shared_status, stop_shared

    status = shared_status()
    if status is None:
        out.print("No Prefect server of saman's runs; the next command that runs a flow starts one.")
    elif stop:
        stop_shared()
        out.print(f"Stopped the Prefect server on port {status['port']} (pid {status['pid']}).")
    else:
        out.print(f"Prefect server on http://127.0.0.1:{status['port']}/api (pid {status['pid']}), unused for "
                  f"{status['idle_s']} s; it stops once unused for {idle_seconds():.0f} s.")


def _print_summary(s: Summary, kb_path: str, seconds: float) -> None:
    """The run's summary; `seconds`: the command's own time, Prefect's start included."""
    table = RichTable(title=f"Ingested into {escape(printable(kb_path))} in {seconds:.1f} s", show_header=False)
    table.add_row("files", str(s.files))
    table.add_row("extracted", str(s.extracted))
    table.add_row("unchanged (skipped)", str(s.unchanged))
    if s.failed_before:
        table.add_row("failed before (not read again)", str(s.failed_before))
    table.add_row("duplicates (same content, other name)", str(s.duplicates))
    if s.hidden:
        table.add_row("hidden files in folders (not read)", str(s.hidden))
    table.add_row("pages", str(s.pages))
    for record_type, n in sorted(s.records.items()):
        table.add_row(f"records: {record_type}", str(n))
    table.add_row("errors", str(len(s.errors)))
    by_kind = Counter((e.error_kind, e.scope) for e in s.errors)
    for (kind, scope), n in sorted(by_kind.items()):
        table.add_row(f"  {kind} ({scope})", str(n))
    out.print(table)
    for e in s.errors:
        where = f" page {e.page}" if e.page else ""
        if e.scope in ("shape", "region"):
            where += f" ({e.scope})"
        out.print(Text.assemble(("error", "red"), f" {printable(e.path)}{where}: ", (e.error_kind, "bold"),
                                f": {printable(e.message)}"), soft_wrap=True)  # one line per error, for grep
    if s.failed_before:
        out.print(f"{s.failed_before} file(s) that failed in an earlier run were not read again; "
                  "--retry-errors reads them again")


@main.command()
@click.argument("query")
@_kb_option
@click.option("--limit", default=10, show_default=True, help="Most hits to show.")
@click.option("--theme", default=None, help="Only pages about this theme (e.g. heltid_deltid).")
@click.option("--county", default=None, help="Only pages naming a municipality in this county (fylke).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (hits, how they matched, suggestions).")
def search(query: str, kb_path: str | None, limit: int, theme: str | None, county: str | None, as_json: bool) -> None:
    """Full-text search; Norwegian inflections and compound parts match (kommunene finds kommune,
    opplæring finds lederopplæringen). Pages holding every word come first; when none does, the
    pages holding the most of the words, and the output says so. One hit per work: a deck, its
    PDF and its scan show once, from the best copy, the others listed. After `saman embed`, pages
    nearest in meaning join in where the words fall short. Each hit says why it matched: the
    words, a compound part, a corrected spelling, meaning."""
    from kb.query import QueryError
    from kb.search import search as run_search

    with _open_readonly(kb_path) as kb:
        try:
            result = run_search(kb, query, limit=limit, theme=theme, county=county)
        except QueryError as exc:
            raise click.UsageError(f"cannot search for {query!r}: {exc}") from None
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    if result.corrected:
        out.print(f"No hits for {escape(printable(query))!r}; showing hits for [bold]{escape(printable(result.corrected))}[/bold].")
    others = [s for s in result.suggestions if s != result.corrected]
    if others:
        out.print("Did you mean: " + ", ".join(f"[bold]{escape(printable(s))}[/bold]" for s in others) + "?")
    if not result.hits:
        out.print(f"No hits for {escape(printable(query))!r}.")
        return
    if result.matched == "some":
        out.print("No page holds all the words; these hold the most of them"
                  + (", fused with the pages nearest in meaning." if result.vectors_used else "."))
    if result.matched == "meaning":
        out.print("No page holds any of the words; these are nearest in meaning.")
    if result.without_vectors:
        out.print(f"[dim]{result.without_vectors} pages have no current vector, so search by meaning "
                  f"{'skipped them' if result.vectors_used else 'was not used'} (run `saman embed`).[/dim]")
    for i, h in enumerate(result.hits, start=1):
        where = "slide" if h.kind == "slide" else "page"
        why = f"  matched by {', '.join(WHY_WORDS[w] for w in h.why)}" if h.why else ""
        out.print(f"[bold]{i}. {escape(printable(h.file_name))}[/bold]  {where} {h.page}  [dim]{escape(printable(h.title or ''))}  score {h.score:.2f}{why}[/dim]")
        out.print(Text("   ").append(_highlighted(h.snippet)))
        if line := _also_line(h):
            out.print(Text("   " + printable(line), style="dim"))


# Why a hit matched (kb.search.Hit.why), in the words of a hit line.
WHY_WORDS = {"words": "the words", "compound": "compound part", "spelling": "corrected spelling", "meaning": "meaning"}


def _also_line(hit) -> str:
    """The other pages of the hit's file that matched, and the other files of its work."""
    where = "slides" if hit.kind == "slide" else "pages"
    pages = sorted({page for file_name, page in hit.also if file_name == hit.file_name})
    parts = [f"also {where} {', '.join(map(str, pages))}"] if pages else []
    if hit.copies:
        parts.append(f"copies: {', '.join(hit.copies)}")
    return " · ".join(parts)


def _highlighted(snippet: str) -> Text:
    """The snippet with its [marked] words in bold, without treating text as rich markup."""
    text = Text()
    for i, part in enumerate(re.split(r"\[([^\]]*)\]", snippet)):
        text.append(part, style="bold yellow" if i % 2 else None)
    return text


@main.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), default="jsonl", show_default=True)
@click.option("--out", default=None, help="File (jsonl; default stdout) or folder (csv/parquet; default ./export).")
@click.option("--searchable-pdf", "pdf_dir", default=None, metavar="DIR",
              help="Instead of records: each OCR'd document as DIR/<name>.pdf, its pages with their text searchable.")
@_kb_option
def export(fmt: str, out: str | None, pdf_dir: str | None, kb_path: str | None) -> None:
    """Export every record in the record contract's shape (jsonl, or one csv/parquet file per type),
    or with --searchable-pdf the OCR'd documents as searchable PDFs."""
    from kb.export import export as run_export

    if pdf_dir is not None and (out is not None or fmt != "jsonl"):
        raise click.UsageError("--searchable-pdf writes PDFs only: give it without --format and --out")
    with _open_readonly(kb_path) as kb:
        if pdf_dir is not None:
            return _export_searchable(kb, pdf_dir)
        try:
            where = run_export(kb, fmt, out)
        except OSError as exc:
            raise click.ClickException(f"cannot write the export to {exc.filename or out}: {exc.strerror}") from None
    if where != "-":
        err.print(f"exported to {where}")


def _export_searchable(kb: KB, folder: str) -> None:
    """Write the searchable PDFs with a progress bar, each skipped document in one line, and a summary."""
    from rich.progress import Progress

    from kb.searchable_pdf import FontMissing, write_searchable_pdfs

    with Progress(console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("searchable PDFs", total=None)
        try:
            outcome = write_searchable_pdfs(kb, folder, lambda done, total: bar.update(task, completed=done, total=total))
        except FontMissing as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:
            raise click.ClickException(f"cannot write the PDFs to {exc.filename or folder}: {exc.strerror}") from None
    for skipped in outcome.skipped:
        err.print(f"skipped {escape(skipped.file_name)}: {escape(skipped.reason)}", highlight=False, soft_wrap=True)
    kinds = Counter(s.kind for s in outcome.skipped)
    why = f" ({', '.join(f'{n} {kind}' for kind, n in sorted(kinds.items()))})" if kinds else ""
    err.print(f"written {len(outcome.written)} searchable PDFs to {escape(folder)}; skipped {len(outcome.skipped)}{why}",
              highlight=False, soft_wrap=True)


@main.command()
@_kb_option
@click.option("--json", "as_json", is_flag=True)
def stats(kb_path: str | None, as_json: bool) -> None:
    """Documents, works (a deck, its PDF and its scan are one), pages, records by type and errors in the knowledge base."""
    with _open_readonly(kb_path) as kb:
        s = kb.stats()
    if as_json:
        click.echo(json.dumps(s, ensure_ascii=False, indent=2))
        return
    table = RichTable(show_header=False)
    table.add_row("documents", str(s["documents"]))
    table.add_row("works", str(s["works"]))
    table.add_row("pages", str(s["pages"]))
    for record_type, n in s["records"].items():
        table.add_row(f"records: {record_type}", str(n))
    table.add_row("errors", str(s["errors"]))
    for kind, n in s["errors_by_kind"].items():
        table.add_row(f"  {kind}", str(n))
    out.print(table)


@main.command()
@click.argument("name")
@_kb_option
@click.option("--county", default=None, help="Of the municipalities sharing the name, the one in this county (fylke).")
@click.option("--json", "as_json", is_flag=True, help="Print the dossier as JSON.")
def municipality(name: str, kb_path: str | None, county: str | None, as_json: bool) -> None:
    """The dossier of one municipality, as a report: its documents as works (a deck, its PDF
    and its scan once, the copies listed), their pages naming it with the line that does,
    themes, counts, measures and pulje.

    A name several municipalities share (Bø) lists them; `Bø 1867` or `--county Nordland`
    shows one of them. --json prints the dict kb.dossier.dossier returns."""
    from kb.dossier import dossier

    with _open_readonly(kb_path) as kb:
        found = dossier(kb, name, county=county)
    if not found["choices"]:
        raise click.ClickException(f"no municipality named {name!r} in the knowledge base")
    if not found["works"] and not found["ambiguous"]:
        have = ", ".join(f"{c['name']} {c['kommunenummer']} ({c['fylke'] or '?'})" for c in found["choices"])
        raise click.ClickException(f"no municipality {name!r}{' in ' + county if county else ''} in the knowledge base; "
                                   f"it has {have}")
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    if found["ambiguous"]:
        _print_choices(found)
        return
    _print_dossier(found)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _print_dossier(found: dict) -> None:
    """The dossier as a report: who, how much, then each work with its pages, then what they say."""
    from rich.padding import Padding

    def indented(text: Text, by: int) -> None:
        out.print(Padding(text, (0, 0, 0, by), expand=False))

    names = [m["name"] for m in found["municipalities"]]
    for m in found["municipalities"]:
        today = f" · today {m['today_name']} ({m['today']})" if m["today"] else ""
        out.print(Text.assemble((printable(m["name"]), "bold"), f" {m['kommunenummer']} · {printable(m['fylke'] or '?')}{today}"))
    t = found["totals"]
    out.print(f"{_plural(t['mentions'], 'mention')} on {_plural(t['pages'], 'page')} of {_plural(t['works'], 'work')} "
              f"({_plural(t['documents'], 'document')} with the copies)", highlight=False)
    out.print(Text("\nDocuments", style="bold"))
    for w in found["works"]:
        out.print(Text.assemble(f"{w['date'] or 'no date':<10}  ", (printable(w["title"] or w["file_name"]), "bold")))
        indented(Text(printable(w["file_name"]), style="dim"), 12)
        for p in w["pages"]:
            where = "slide" if p["kind"] == "slide" else "page"
            indented(Text.assemble(f"{where} {p['page']}", (f"  {printable(p['title'] or '')}", "dim")), 12)
            line = Text(printable(p["line"] or ""))
            line.highlight_words(names, style="bold yellow", case_sensitive=False)
            indented(line, 14)
        if w["copies"]:
            copies = ", ".join(c["file_name"] + (f" ({', '.join(map(str, c['pages']))})" if c["pages"] else "") for c in w["copies"])
            indented(Text(f"copies: {printable(copies)}", style="dim"), 12)
    if found["themes"]:
        out.print(Text("\nThemes", style="bold") + Text(" of the pages naming it", style="dim"))
        for th in found["themes"]:
            out.print(f"  {th['theme']:<26} {_plural(th['works'], 'work')}, {_plural(th['pages'], 'page')}", highlight=False)
    if found["counts"]:
        out.print(Text("\nCounts", style="bold") + Text(" stated in the line naming it", style="dim"))
        for c in found["counts"]:
            value = int(c["value"]) if c["value"] == int(c["value"]) else c["value"]
            subject = f" · {c['subject']}" if c["subject"] else ""
            indented(Text(f"{printable(c['text'])} = {value}{printable(subject)}  ") + _source(c), 2)
    if found["measures"]:
        out.print(Text("\nMeasures", style="bold") + Text(" in its rows of the tables", style="dim"))
        source = None
        for x in found["measures"]:
            if (x["theme"], x["doc_id"], x["page"]) != source:
                source = (x["theme"], x["doc_id"], x["page"])
                indented(Text(f"{x['theme'] or 'no theme'}  ") + _source(x), 2)
            indented(Text.assemble(f"{printable(x['measure'] or '')}: ", (printable(x["value"] or ""), "bold")), 4)
    if found["puljer"]:
        out.print(Text("\nPulje", style="bold") + Text(" where the documents say so", style="dim"))
        for q in found["puljer"]:
            indented(Text(f"{q['pulje']}: {printable(q['line'] or '')}  ") + _source(q), 2)


def _source(row: dict) -> Text:
    return Text(f"({printable(row['file_name'])}, p. {row['page']})", style="dim")


def _print_choices(found: dict) -> None:
    """The municipalities sharing a name, and how to ask for one of them."""
    table = RichTable(title=f"{len(found['choices'])} municipalities are called {escape(found['name'])} in the knowledge base",
                      title_justify="left")
    for column in ("number", "name", "county", "mentions", "today"):
        table.add_column(column)
    for c in found["choices"]:
        today = "" if c["today"] == c["kommunenummer"] else f"{c['today_name']} ({c['today']})"
        table.add_row(c["kommunenummer"], escape(c["name"]), escape(c["fylke"] or ""), str(c["mentions"]), escape(today))
    out.print(table)
    first = found["choices"][0]
    out.print(f"Show one: saman municipality '{escape(found['name'])} {first['kommunenummer']}' "
              f"or saman municipality {escape(found['name'])} --county {escape(first['fylke'] or '')}")


@main.command()
@_kb_option
@click.option("--port", default=8001, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--allow-sql", is_flag=True, help="Allow arbitrary SQL from the web page.")
def serve(kb_path: str | None, port: int, host: str, allow_sql: bool) -> None:
    """Browse and search the knowledge base in a web browser (Datasette, read-only); what an
    ingest adds while it runs shows at the next page, without a restart."""
    from kb.web.serve import ServeError
    from kb.web.serve import serve as run_serve

    try:
        run_serve(kb_path or default_kb_path(), port=port, host=host, allow_sql=allow_sql)
    except (FileNotFoundError, ServeError) as exc:
        raise click.ClickException(str(exc)) from None


@main.group(invoke_without_command=True)
@click.option("--at", "at", default=None, metavar="YYYY-MM-DD", help="List the municipalities valid on this date (default: today).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.pass_context
def gazetteer(ctx: click.Context, at: str | None, fmt: str) -> None:
    """Norway's municipalities on a date (SSB KLASS 131/104), 2012 to today."""
    if ctx.invoked_subcommand is not None:
        return
    import csv
    from datetime import date

    from extractors.gazetteer.gazetteer import gazetteer_rows

    try:
        when = date.fromisoformat(at) if at else date.today()
    except ValueError:
        raise click.BadParameter(f"{at!r} is not a date; write it as YYYY-MM-DD", param_hint="--at") from None
    rows = gazetteer_rows(when)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["kommunenummer", "name", "fylke"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


@gazetteer.command("update")
def gazetteer_update() -> None:
    """Refresh the gazetteer from Statistics Norway's KLASS API (needs a network)."""
    from extractors.gazetteer.update import GazetteerUpdateError, update_gazetteer

    try:
        warnings = update_gazetteer()
    except GazetteerUpdateError as exc:
        raise click.ClickException(str(exc)) from None
    for warning in warnings:
        err.print(f"[yellow]warning[/yellow] {escape(warning)}")
    err.print("gazetteer updated")


if __name__ == "__main__":
    sys.exit(main())
