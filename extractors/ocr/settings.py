"""The settings that tune OCR and table finding on page images, as pdfplumber's TableSettings.

Every threshold the OCR code (extractors.ocr.page, layout, correct, engine) and the table
finder on images (extractors.ocr.tables) decides by is a field here, with its default and what
it means, so a run or a benchmark can change one without editing code: `saman ingest
--ocr-setting dpi=200 --ocr-setting tables.min_unruled_rows=4`, `python -m bench.generalise
--ocr-setting ...`, or `ocr_settings({"dpi": 200})` from Python. Sizes on the page are in
inches (turned into pixels with the page's dpi), confidences on tesseract's 0–100 scale.

`known_words` and `place_names` are what the æ/ø/å correction knows beyond the Norwegian word
lists: the caller passes them (the recogniser pipeline adds the theme terms and the
gazetteer's names), so reading never depends on recognising. This module holds data only.
"""

from __future__ import annotations

import dataclasses
import difflib
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TableSettings:
    """How tables are found on a page image (extractors.ocr.tables)."""

    min_horizontal_rule_in: float = 0.75
    """A horizontal rule, and a filled bar, is at least this long."""
    min_vertical_rule_in: float = 0.12
    """A vertical rule is at least this long (and counts only when it joins two horizontal ones)."""
    max_rule_thickness_in: float = 0.05
    """A thicker dark band is a filled area, not a rule."""
    join_tolerance_in: float = 0.04
    """Rules this close meet; rule positions this close are one edge."""
    fringe_in: float = 0.01
    """The soft fringe erased beside a thin rule before OCR."""
    bar_density: float = 0.85
    """Share of ink in a cell of 1/40 inch that makes it part of a filled bar."""
    max_bar_split_in: float = 0.2
    """Two filled bars of the same extent at most this far apart, one above the other, are one
    bar parted by its line of light letters (a banded table's header bar)."""
    min_column_gap_in: float = 0.12
    """The narrowest blank between the words of two columns."""
    min_column_gap_heights: float = 1.0
    """... or, in a table without rules, this many of its text heights when that is less (OCR
    word boxes leave about 0.7 of one between the words of a line, two cell paddings 1.2 or more)."""
    rule_contrast: float = 0.5
    """A rule is looked for in pixels this share of the way from the paper's grey to the text's
    threshold, or darker (tables.rule_mask): a copied hairline is greyer than the text."""
    max_faint_beside_rule: float = 0.3
    """... and such a faint rule has paper beside it: at most this share of the row just above
    or just below it is as dark (a shaded band's edge, a shadow's ramp have none)."""
    rule_fill: float = 0.95
    """A run of pixels is a rule when this share of a window of its length is dark (scan noise
    and JPEG blur break a thin line here and there)."""
    letter_reach_in: float = 0.02
    """How far above and below a horizontal rule its sides are looked at for ink ..."""
    max_letters_beside_rule: float = 0.5
    """... and a dark run with ink on both sides along more than this share of its length runs
    through a line of letters (blurred together on a soft copy), not a rule, which has a cell's
    padding on at least one side."""
    rule_group_reach_in: float = 1.5
    """Horizontal rules of about the same extent this close belong to one table."""
    min_ruled_filled_share: float = 0.3
    """A ruled grid is a table when at least this share of its cells hold words (columns split
    at every word of a lone bar's caption leave a grid of empty cells)."""
    min_unruled_rows: int = 3
    """A table without rules has at least this many rows."""
    max_words_per_cell: float = 4.0
    """A table without rules has short cells: at most this many words a cell on average."""
    min_first_column_share: float = 0.7
    """A table without rules has its first column filled in this share of its rows."""
    max_single_rows: int = 2
    """Rows with one filled cell may sit between a table's rows, up to this many in a row."""
    max_header_rows: int = 3
    """Up to this many lines of one segment just above a table without rules may be its header."""
    max_row_gap: float = 3.5
    """Rows of one table lie at most this many text heights apart."""
    min_gutter_in: float = 0.4
    """A blank this wide from the top of the page's body text to its foot may part text from a
    table beside it (the columns of one table stand about two cell paddings apart)."""
    separator_contrast: int = 6
    """Banded tables (a slide table printed and scanned) part their shaded cells by thin light
    lines: a separator is this many grey levels lighter than the fill on both sides."""
    separator_reach_in: float = 0.03
    """How far to either side of a separator the fill is looked for."""
    separator_fill: float = 0.85
    """A light line between shaded cells is a separator where this share of a window of its
    length is found (less than a rule's rule_fill: on a worn copy the copier's speckle breaks
    a gap only 10-20 grey levels lighter than the cells far more often than a dark line)."""
    fill_reach_in: float = 0.12
    """Shading is lifted to paper before OCR (lift_fill) where the brightest grey within this
    reach is shading: further than a letter's stroke, nearer than a table row's height."""
    fill_row_in: float = 0.35
    """... within this reach of the light gaps between shaded cells (a table row's height)."""
    fill_below_paper: int = 10
    """A fill is this many grey levels darker than the paper; the table's outer edge is where
    fill meets paper."""


@dataclass(frozen=True)
class OcrSettings:
    """How pages are OCR'd (extractors.ocr.page and the modules it uses)."""

    dpi: int = 300
    """Resolution PDF pages are rendered at for OCR, and that an image without a page size is taken as."""
    lang: str = "nor+eng"
    """tesseract's languages."""
    page_timeout_s: float = 120
    """Time budget of one page; a page over it becomes a page error."""
    workers: int = 2
    """Pages OCR'd at a time (threads, each lent a loaded tesseract of its own)."""
    known_words: frozenset[str] = frozenset()
    """Words the æ/ø/å correction knows beside the word lists (theme terms as written)."""
    place_names: frozenset[str] = frozenset()
    """Place names: known words, and a capitalised dictionary word whose restoration is one of
    them is restored (`Valer` → `Våler`)."""
    invert_below: float = 100
    """A page whose median grey level is below this is light text on dark and is inverted."""
    upscale_below_dpi: int = 150
    """Pictures of lower resolution (screenshots) are enlarged 2×: tesseract wants text 20+ px tall."""
    upscale_max_px: int = 3000
    """... unless their longer side already has this many pixels."""
    max_skew_deg: float = 6.0
    """Skew is searched within ± this many degrees."""
    min_skew_deg: float = 0.15
    """A smaller skew is left as it is; a larger one is corrected on a page with rules (which
    must lie level to be found)."""
    always_deskew_deg: float = 0.8
    """A larger skew is corrected on every page: across a handout's table a skew of 1.5° moves
    the last column's cell half a line, and rows without rules fall apart in tesseract's lines."""
    osd_below_confidence: float = 60.0
    """Below this mean word confidence the page may be upside down or on its side: OSD is asked."""
    min_osd_confidence: float = 1.0
    """OSD's orientation is believed from this confidence on."""
    min_cell_ink: float = 0.002
    """A table cell with no OCR word is read again when this share of it is ink (not just noise)."""
    reread_cell_below_confidence: float = 75.0
    """A table cell whose words' mean confidence is below this is read again on white too (a
    shaded band misreads `12` as `1172`); the reading more sure of itself is kept."""
    min_cell_word_confidence: float = 50.0
    """A word read in such a cell is kept from this confidence on."""
    cell_margin_in: float = 0.02
    """Margin cut off each side of a cell read again (its rules)."""
    strip_scale: int = 2
    """Cells and lone marks read again are enlarged this many times (a lone small `x` read at its
    own size comes out as `Xx`, unsure)."""
    cell_gap_in: float = 0.1
    """Blank between the cells stacked on one strip for reading again."""
    min_mark_height_in: float = 0.05
    """Ink no OCR word covers is read again on its own (a lone page number in a slide's
    corner) when it stands at least this tall (a 6-point digit; specks are smaller) ..."""
    max_mark_height_in: float = 0.4
    """... at most this tall (a shadow or a photo is larger) ..."""
    max_mark_width_in: float = 1.0
    """... at most this wide (a short word or number: longer text is read with its page) ..."""
    min_mark_ink: float = 0.15
    """... with at least this share of its box inked ..."""
    mark_edge_in: float = 0.08
    """... and at least this far from the image's edge (the rim of a turned scan)."""
    min_mark_confidence: float = 80.0
    """A word read in such ink is kept from this confidence on (noise reads as unsure letters)."""
    title_height_ratio: float = 1.2
    """A page's title is a line in the top half this much taller than the page's typical line
    (a 14-point heading over 11-point text measures 1.24 in OCR word heights); a `|` between
    words in type this much larger than the page's is the word `i`."""
    en_dash_width: float = 0.40
    """A lone dash at least this wide (share of the line's text height) is an en dash, narrower
    a hyphen (a hyphen is about a third of an em wide, and a line of accented capitals stands
    up to 1.15 em tall)."""
    em_dash_width: float = 0.95
    """A lone dash at least this wide is an em dash."""
    percent_space: float = 0.4
    """Blank (share of the word's height) between a number and its `%` that means a space was printed."""
    speck_confidence: float = 45
    """Below this confidence a table-cell word of one or two characters, no digit in it, is noise."""
    marks: frozenset[str] = frozenset({"x", "✓", "✔", "v"})
    """The marks of a tick column."""
    mark_misreads: frozenset[str] = frozenset({"på", "pa", "xx", "x.", "×"})
    """What tesseract makes of a lone mark on a shaded band now and then."""
    mark_column_share: float = 0.6
    """A column is a tick column when this share of its filled body cells hold a mark or a misread."""
    tables: TableSettings = field(default_factory=TableSettings)
    """How tables are found on the page image."""


DEFAULT_SETTINGS = OcrSettings()


class SettingError(ValueError):
    """A setting that does not exist, or a value its field cannot take."""


def ocr_settings(changes: Mapping[str, object] = {}, base: OcrSettings = DEFAULT_SETTINGS) -> OcrSettings:
    """`base` with the named fields changed: `{"dpi": 200, "tables.min_unruled_rows": "4"}`.

    A value given as text (a command line's) is converted to the field's type; a set of words
    is written comma-separated. Raises SettingError naming the setting and what it takes.
    """
    nested: dict[str, dict[str, object]] = {}
    flat: dict[str, object] = {}
    for name, value in changes.items():
        head, _, rest = name.partition(".")
        if rest:
            if head != "tables":
                raise SettingError(f"no OCR setting named {name!r}; {_known(name)}")
            nested.setdefault(head, {})[rest] = value
        else:
            flat[name] = value
    tables = _changed(base.tables, nested.get("tables", {}), "tables.")
    return dataclasses.replace(_changed(base, flat, ""), tables=tables)


def parse_assignments(pairs: Iterable[str]) -> dict[str, str]:
    """`NAME=VALUE` texts (as given to --ocr-setting) as {name: value}; SettingError for one without `=`."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise SettingError(f"{pair!r} is not NAME=VALUE (for example dpi=200)")
        out[name.strip()] = value.strip()
    return out


def _changed(base, changes: Mapping[str, object], prefix: str):
    types = typing.get_type_hints(type(base))
    settable = {f.name for f in dataclasses.fields(base) if types[f.name] is not TableSettings}
    values = {}
    for name, value in changes.items():
        if name not in settable:
            raise SettingError(f"no OCR setting named {prefix + name!r}; {_known(prefix + name)}")
        values[name] = _value(prefix + name, types[name], value)
    return dataclasses.replace(base, **values)


def _value(name: str, kind: object, value: object) -> object:
    """`value` as the field's type (`kind`): text is converted, anything else must be of the type."""
    if isinstance(value, str):
        text = value.strip()
        converters = {int: int, float: float, str: lambda t: t or None,
                      frozenset[str]: lambda t: frozenset(w.strip() for w in t.split(",") if w.strip())}
        try:
            converted = converters[kind](text)  # type: ignore[index]
        except ValueError:
            converted = None
        if converted is not None:
            return converted
    elif isinstance(value, bool):
        pass  # True is an int to Python, never a threshold
    elif kind is float and isinstance(value, (int, float)):
        return float(value)
    elif kind is int and isinstance(value, int):
        return value
    elif kind == frozenset[str] and isinstance(value, (set, frozenset)) and all(isinstance(w, str) for w in value):
        return frozenset(value)
    what = {int: "a whole number", float: "a number", str: "text"}.get(kind, "words separated by commas")  # type: ignore[call-overload]
    raise SettingError(f"OCR setting {name} takes {what}, not {value!r}")


def _known(name: str) -> str:
    names = [f.name for f in dataclasses.fields(OcrSettings) if f.name != "tables"]
    names += [f"tables.{f.name}" for f in dataclasses.fields(TableSettings)]
    close = difflib.get_close_matches(name, names, n=1)
    return (f"did you mean {close[0]}? " if close else "") + "the settings are: " + ", ".join(names)
