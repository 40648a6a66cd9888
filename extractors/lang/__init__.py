"""Norwegian (bokmål and nynorsk) language data and the helpers that use it: words, spelling, stemming, lexicon, numbers, units, text."""
