"""Error kinds are one closed list (models.ErrorKind): every kind the code can emit is in it,
and a kind that is not fails where the error is made, not later in the KB or the export."""

from __future__ import annotations

import ast
import typing
from pathlib import Path

import pytest
from pydantic import ValidationError

from extractors.files import error_record
from flows.workers import Outcome
from models import ERROR_KINDS, ErrorRecord, Fault, ReadError

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = ("extractors", "flows", "kb", "models")


def _name(call: ast.Call) -> str:
    return call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")


def _literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def emitted_kinds() -> dict[str, list[str]]:
    """kind → where it is made: the kinds written as literals in the code's ReadError(kind, ...),
    Fault(kind=...), ErrorRecord(error_kind=...) and error_record(path, sha, kind, ...) calls."""
    found: dict[str, list[str]] = {}
    for path in sorted(p for folder in PRODUCTION for p in (ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name, keywords = _name(node), {k.arg: k.value for k in node.keywords}
            kind = {
                "ReadError": node.args[0] if node.args else keywords.get("kind"),
                "Fault": keywords.get("kind"),
                "ErrorRecord": keywords.get("error_kind"),
                "error_record": node.args[2] if len(node.args) > 2 else keywords.get("kind"),
            }.get(name)
            if (text := _literal(kind)) is not None:
                found.setdefault(text, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_kind_the_code_emits_is_in_the_list_and_every_listed_kind_is_emitted():
    found = emitted_kinds()
    assert sum(len(places) for places in found.values()) >= 40, "the walk finds the code's errors"
    unknown = {kind: places for kind, places in found.items() if kind not in ERROR_KINDS}
    assert unknown == {}
    # a worker's outcome other than `ok` becomes the file's error kind (flows.ingest)
    outcomes = set(typing.get_args(Outcome)) - {"ok"}
    assert outcomes <= set(ERROR_KINDS)
    assert set(ERROR_KINDS) == set(found) | outcomes, "a listed kind that nothing emits"


def test_a_kind_not_in_the_list_fails_where_the_error_is_made():
    with pytest.raises(ValueError, match="unknown error kind 'broken'"):
        ReadError("broken", "the file is broken")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Fault(page=2, kind="broken", message="page 2 is broken")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        error_record("/arkiv/x.pdf", "a" * 64, "broken", "the file is broken")  # type: ignore[arg-type]
    made = error_record("/arkiv/x.pdf", "a" * 64, "corrupt", "the file is damaged")
    assert isinstance(made, ErrorRecord) and (made.error_kind, made.scope, made.page) == ("corrupt", "file", None)
