"""The one exception readers raise for a file they cannot read.

A batch must go on past a bad file, so readers do not let library exceptions escape: they
translate them into a `ReadError` whose `kind` is one of the contract's `error_kind` values
(models.ErrorKind) and whose message a
secretariat clerk can act on. The flow turns it into an `error` record.
"""

from __future__ import annotations


from models import ErrorKind


INTERNAL_MESSAGE = ("saman failed on this file through a fault of its own, not the file's; the rest of the batch "
                    "went on. Please report it with the file (the detail field says what failed).")


class ReadError(Exception):
    """`message` is for a clerk (what is wrong with the file, what to do); `detail` holds the
    technical cause (the library's exception), kept apart so it never reaches the message."""

    def __init__(self, kind: ErrorKind, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.detail = detail


def describe(exc: BaseException) -> str:
    """An exception as the `detail` of an error record: its type and text, one line."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:300]}" if text else type(exc).__name__
