"""Norwegian (bokmål and nynorsk) language data and the helpers that use it: words, lexicon, stemming, numbers, units."""
