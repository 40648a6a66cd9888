"""The contract of a recogniser: a named component that declares what it reads and what it emits.

As in spaCy, where a pipe declares `requires` and `assigns`, a component here is a function
`recognise(doc, context, found) -> list[Record]` made a `Component` by the `@component`
decorator, with

- `name`: its key in extractors.recognisers.pipeline.COMPONENTS;
- `requires`: the record types of earlier output it reads (`ThemeRecord`) and the shared facts
  of extractors.recognisers.context it reads (`"date"`, `"titles"`);
- `emits`: the record types it returns, all of them: a component that returns a type it does
  not declare fails (`Component.run`), so no record is made behind the pipeline's back.

A component receives earlier output as `Found`, typed access by record type
(`found.of(ThemeRecord)`), and never looks for another component's records by any other
road. The pipeline checks, when it is built, that what each component requires is emitted
before it runs. This module knows no component.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from extractors.recognisers.context import Context, Fact
from models import Document, DocumentRecord, Record

R = TypeVar("R", bound=Record)
Requirement = type[Record] | Fact
Recognise = Callable[[Document, Context, "Found"], list[Record]]


class PipelineError(Exception):
    """A component or a pipeline that breaks the contract: our fault, never a file's."""


class Found:
    """The records found so far in one document: in the order found, and by record type."""

    def __init__(self, records: Iterable[Record] = ()) -> None:
        self._records: list[Record] = []
        self._by_type: dict[type[Record], list[Record]] = {}
        self.extend(records)

    def extend(self, records: Iterable[Record]) -> None:
        for record in records:
            self._records.append(record)
            self._by_type.setdefault(type(record), []).append(record)

    def of(self, kind: type[R]) -> list[R]:
        """The records of this type, in the order found."""
        return list(self._by_type.get(kind, ()))  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[Record]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)


@dataclass(frozen=True)
class Component:
    """A recogniser with its declared inputs and outputs."""

    name: str
    requires: tuple[Requirement, ...]
    emits: tuple[type[Record], ...]
    recognise: Recognise

    def run(self, doc: Document, context: Context, found: Found) -> list[Record]:
        """The component's records for `doc`, checked against what it declares it emits."""
        records = self.recognise(doc, context, found)
        stray = sorted({type(r).__name__ for r in records if type(r) not in self.emits})
        if stray:
            raise PipelineError(f"component {self.name!r} emitted {', '.join(stray)}, which its emits does not declare")
        return records

    def __call__(self, doc: Document, found: Iterable[Record] = ()) -> list[Record]:
        """This component alone over `doc`, after the records `found` (as a test or a benchmark
        runs it): the context is worked out from the document and the document records among them."""
        found = found if isinstance(found, Found) else Found(found)
        return self.run(doc, Context.of(doc, found.of(DocumentRecord)), found)


def component(name: str, *, requires: Iterable[Requirement] = (), emits: Iterable[type[Record]]) -> Callable[[Recognise], Component]:
    """Declare a function `recognise(doc, context, found)` a component named `name`."""

    def declare(recognise: Recognise) -> Component:
        return Component(name=name, requires=tuple(requires), emits=tuple(emits), recognise=recognise)

    return declare
