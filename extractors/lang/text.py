"""Small text normalisations every reader needs, kept in one place so they agree.

Control characters never reach stored text: a file name or a PDF title holding an escape
sequence cleared a clerk's terminal when printed, and a NUL or a bell in a title is noise in
the KB and the export. Characters that mean a break between words (tab, line and paragraph
separators, the ASCII separators) become a space; every other control character (C0, DEL,
C1) is dropped, and so is a stray byte-order mark. Text that needs no control character keeps
every other character, bidirectional marks of Arabic or Hebrew text included.

`printable` is for showing a name, not storing it: it keeps the name whole and writes what a
terminal would act on as an escape (\\x1b, \\u202e), so the clerk sees the name as it is.
"""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"[ \t\u00a0\u2009\u202f]+")
# Separators in all but name: tab, line feed, vertical tab, form feed, carriage return, the
# ASCII file/group/record/unit separators, next line (NEL), line and paragraph separators.
_BREAKS = re.compile(r"[\t\n\x0b\x0c\r\x1c-\x1f\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ufeff]")


def clean_line(text: str) -> str:
    """One line of stored text: control characters out, runs of spaces (incl. non-breaking
    ones) collapsed, stripped; line breaks become spaces."""
    return _SPACE.sub(" ", _CONTROL.sub("", _BREAKS.sub(" ", text))).strip()


def clean_cell(text: str | None) -> str:
    """A table cell as one line: soft line breaks in a cell are layout, not content."""
    return clean_line(text or "")


def printable(text: str) -> str:
    """`text` safe to print on a terminal: control, formatting and surrogate characters written
    as escapes (\\x1b, \\u202e), so a file name cannot move the cursor, clear the terminal or
    turn the text around (a right-to-left override can make "rapport\\u202efdp.exe" show as
    "rapportexe.pdf")."""
    return "".join(ch if unicodedata.category(ch) not in ("Cc", "Cf", "Cs") else
                   (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}") for ch in text)