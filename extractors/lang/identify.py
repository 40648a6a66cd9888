"""Which language a text is in: py3langid's identifier, loaded once per process.

Its model takes about 80 MB once loaded, so the readers that ask (the date-and-language step
of extractors.readers.metadata, the text-layer check of extractors.readers.text_layer) share
this one instead of each loading its own.
"""

from __future__ import annotations

from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier


@lru_cache(maxsize=1)
def identifier() -> LanguageIdentifier:
    """py3langid over all its languages, with probabilities normalised to sum to 1."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
