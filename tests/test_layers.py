"""The layers of the house: data flows one way, and no import runs back up.

file → readers → models.Document → recognisers → records → kb. Read from the code's own
imports (every `import` and `from ... import`, at any depth of a module, so a lazy import in a
function counts too), so a new import that breaks a layer fails here, naming the file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = ("models", "extractors", "flows", "kb")

# package → what its modules may never import (a prefix of a dotted module name)
NEVER = {
    "models": ("extractors", "flows", "kb"),
    "extractors": ("flows", "kb", "prefect"),
    "extractors/readers": ("extractors.recognisers",),
    "extractors/ocr": ("extractors.recognisers", "extractors.readers"),
    "extractors/lang": ("extractors.recognisers", "extractors.readers", "extractors.ocr", "extractors.gazetteer"),
    "extractors/gazetteer": ("extractors.recognisers", "extractors.readers", "extractors.ocr"),
    "kb": ("flows", "prefect"),
}


def imports_of(path: Path) -> set[str]:
    """The dotted names a module of ours imports, relative ones made absolute."""
    return imports_in(path.read_text(encoding="utf-8"), ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1]))


def imports_in(source: str, package: str) -> set[str]:
    """The dotted names `source` (a module of `package`) imports: each module, and each name
    taken from one as module.name (a `from pkg import module` imports a module too)."""
    tree = ast.parse(source)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def modules_under(folder: str) -> list[Path]:
    return sorted(p for p in (ROOT / folder).rglob("*.py") if "data" not in p.relative_to(ROOT).parts)


@pytest.mark.parametrize("folder", sorted(NEVER))
def test_no_import_runs_against_the_flow_of_data(folder):
    broken = {}
    for path in modules_under(folder):
        bad = sorted(name for name in imports_of(path) for banned in NEVER[folder]
                     if name == banned or name.startswith(banned + "."))
        if bad:
            broken[str(path.relative_to(ROOT))] = bad
    assert not broken, f"{folder} must not import {NEVER[folder]}: {broken}"


def test_the_check_sees_lazy_and_relative_imports():
    """The test above would pass vacuously if imports inside functions, or relative ones, were missed."""
    source = "from . import registry\n\ndef f():\n    from kb.store import open_kb\n    import prefect\n"
    assert {"extractors.readers.registry", "kb.store", "prefect"} <= imports_in(source, "extractors.readers")
    assert "extractors.readers.registry" in imports_of(ROOT / "extractors" / "readers" / "base.py")
