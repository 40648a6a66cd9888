"""A pydantic model that costs less for the objects a long document has tens of thousands of.

pydantic keeps on every instance the set of the names of the fields it was given
(`model_fields_set`): 728 bytes for a block given five fields or a record given its dozen,
about as much as everything else the instance holds. The blocks of a 1,000-page PDF and its
records are 91,000 instances, so those sets were 66 MB of the peak memory of the process
that reads it. A `Compact` model shares the set with every instance of its class that was
given the same fields, and takes a set of its own before a field is assigned, so each
instance's `model_fields_set` stays what pydantic says it is. pydantic copies the set before it
changes it in `model_copy(update=...)`, and an unpickled instance has its own.

This module imports nothing of ours.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

# (class, the names given) → the one set of those names its instances share.
_SHARED: dict[tuple[type, frozenset[str]], set[str]] = {}


class Compact(BaseModel):
    """A model whose instances share their set of given field names (see the module)."""

    def model_post_init(self, context: Any, /) -> None:
        given = self.__pydantic_fields_set__
        key = (type(self), frozenset(given))
        object.__setattr__(self, "__pydantic_fields_set__", _SHARED.setdefault(key, given))

    def __setattr__(self, name: str, value: Any) -> None:
        # pydantic adds an assigned field's name to the instance's set: to a set of its own
        object.__setattr__(self, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))
        super().__setattr__(name, value)
