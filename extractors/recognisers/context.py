"""What the recognisers share about a document besides records: its date and its page titles.

These are facts more than one component reads (the municipality and measure recognisers
resolve names as of the document's date; the count and measure recognisers take a topic
from a slide title), worked out once per document by the pipeline, so no component reaches
into another for them. A component names the facts it reads in its `requires` (see
extractors.recognisers.base); `FACTS` is what a requirement may name. Facts come from the
Document and the structural records only, never from a component's output: that travels as
records.

The text a component reads it splits itself, as its rules need: the count recogniser into
paragraphs (extractors.recognisers.quantities.Paragraph: a bullet, or PDF lines joined where a
sentence wraps), the municipality recogniser into single lines and table cells, since a list
of names is read line by line (extractors.recognisers.municipalities.Line).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

from extractors.readers.metadata import record_date
from models import Document, DocumentRecord

# The middle of the programme period: the date of a document that states none.
PROGRAMME_DATE = date(2013, 6, 30)

Fact = Literal["date", "titles"]
FACTS: frozenset[str] = frozenset(get_args(Fact))


@dataclass(frozen=True)
class Context:
    """The shared facts of one document (field names are the `Fact`s)."""

    date: date  # the document's date (a year or month stands for its middle), else the programme's
    titles: Mapping[int, str]  # page number → the text of its title blocks, joined by spaces

    @classmethod
    def of(cls, doc: Document, documents: Sequence[DocumentRecord] = ()) -> Context:
        """The facts of `doc`; `documents` are the document records found so far, whose date
        stands in when the Document carries none."""
        titles: dict[int, str] = {}
        for page in doc.pages:
            text = " ".join(b.text.strip() for b in page.blocks if b.role == "title" and b.text.strip())
            titles.setdefault(page.number, text)
        return cls(date=record_date(doc, list(documents)) or PROGRAMME_DATE, titles=titles)

    def title(self, page: int | None) -> str:
        """The title text of a page, or "" when it has none."""
        return self.titles.get(page, "") if page is not None else ""

