"""Count recogniser: every explicit quantity a page's text states, as a count record.

A pipeline component over a `models.Document`. It reads the title and body text of each page
(not notes, furniture or table cells: tables belong to the measure recogniser, which emits
the counts it finds in them) as paragraphs, and the label–value lines of charts flattened into
text, through the grammar of extractors.recognisers.quantities; the slide title's topic
("Oppstartsrapportering: sykefravær") is the subject of a count whose sentence names none.

Other languages: the unit words are Norwegian. In a document whose language is not Norwegian
(`nb`, `nn`, or `und` for too little text to tell), only quantities with a unit the Norwegian
unit table (extractors/lang/data/units.tsv) knows are kept (percentages, amounts in kroner,
"20 kommuner"): an English "3 projects" would otherwise become a count of the unit
"projects", and English words that Norwegian also writes ("to", "and", "no") of units no one
counts.
"""

from __future__ import annotations

from extractors.lang.units import is_unit_word
from extractors.readers.metadata import NORWEGIAN_LANGUAGES
from extractors.recognisers.base import Found, component
from extractors.recognisers.context import Context
from extractors.recognisers.quantities import (
    Quantity,
    chart_quantities,
    paragraphs,
    scan,
    title_subject,
)
from models import Block, CountRecord, Document


def _confidence(block: Block, found: Quantity) -> float:
    base = 0.9 if found.known_unit else 0.6
    return round(base * block.confidence, 3) if block.confidence is not None else base


@component("counts", requires=["titles"], emits=[CountRecord])
def recognise_counts(doc: Document, context: Context, found: Found) -> list[CountRecord]:
    """Count records for every quantity in the title and body text of every page."""
    records: list[CountRecord] = []
    norwegian = doc.language in NORWEGIAN_LANGUAGES
    for page in doc.pages:
        lines = paragraphs(page)
        title = context.title(page.number)
        subject = title_subject(title)
        hits = [(line, f) for line in lines for f in scan(line, subject)]
        hits += chart_quantities(title, lines)
        for line, f in hits:
            if not (norwegian or is_unit_word(f.unit)):
                continue
            records.append(
                CountRecord(
                    **doc.provenance(page.number),
                    method=line.block.method,
                    confidence=_confidence(line.block, f),
                    value=f.value,
                    unit=f.unit,
                    text=f.text,
                    subject=f.subject,
                    of=f.of,
                    approximate=f.approximate,
                )
            )
    return records
