"""The one exception readers raise for a file they cannot read.

A batch must go on past a bad file, so readers do not let library exceptions escape: they
translate them into a `ReadError` whose `kind` is one of the contract's `error_kind` values
(empty, corrupt, encrypted, unsupported, too_large, timeout, conversion) and whose message a
secretariat clerk can act on. The flow turns it into an `error` record.
"""

from __future__ import annotations


class ReadError(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
