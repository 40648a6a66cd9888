"""Norwegian language data (extractors.lang): the one stemmer, the spelling bridge, the shared word lists."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.lang.spelling import ascii_spelling, bokmal_spelling, loose_spelling
from extractors.lang.stemming import loose_stem, stem, stemmed_text
from extractors.lang.words import BULLET, KOMMUNE_HEADERS, KOMMUNE_WORDS, MONTH_NUMBERS, PAGE_NUMBER, SUB_BULLET_GLYPHS
from extractors.readers.metadata import named_years
from extractors.recognisers.themes import match_terms

# Words that must meet: inflections (bokmål and nynorsk) and the two written standards.
SAME_WORD = [
    ("kommunene", "kommunar", "kommunane", "kommuner"),
    ("sykefravær", "sykefraværet", "sjukefråvær", "sjukefråværet"),
    ("fravær", "fraværet", "fråværet"),
    ("omdømme", "omdømmet", "omdøme"),
    ("arbeidsgiver", "arbeidsgjevar"),
    ("leder", "leiar"),
    ("heltid", "heiltid"),
]


@pytest.mark.parametrize("forms", SAME_WORD, ids=lambda forms: forms[0])
def test_search_and_themes_fold_every_form_of_a_word_alike(forms):
    assert len({stem(w) for w in forms}) == 1
    assert len({loose_stem(w) for w in forms}) == 1


def test_search_keeps_letters_the_loose_stem_writes_in_ascii():
    assert stem("Kommunane") == "kommun"
    assert stem("får") != stem("far") and stem("før") != stem("for")
    assert loose_stem("omdomme") == loose_stem("Omdømme") == "omdomm"
    # Folding after stemming: the -er of `sykefravaer` is not there to be cut before folding.
    assert loose_stem("sykefravær") == loose_stem("sykefraværet") == "sykefravaer"


def test_stemmed_text_is_the_stems_of_the_tokens_in_bokmal_spelling():
    assert stemmed_text("Kommunane reduserte sjukefråværet!") == " ".join(
        [stem("kommunane"), stem("reduserte"), stem("sykefraværet")])
    assert stemmed_text("Kommunane reduserte sjukefråværet!").split()[2] == "sykefravær"


def test_spelling_bridge_rewrites_only_the_listed_nynorsk_parts():
    assert bokmal_spelling("arbeidsgjevarrolla") == "arbeidsgiverrolla"
    assert bokmal_spelling("sjukmelde") == "sykmelde"
    assert bokmal_spelling("kommunane") == "kommunane"
    assert ascii_spelling("øæå éèäöü") == "oaea eeaeou"
    assert loose_spelling("Sjukefråvær") == loose_spelling("sykefravaer") == "sykefravaer"


def test_themes_match_with_the_search_stems():
    """An inflection of a word term meets the term (the lexicon's `fravær 0.5`), and a nynorsk
    spelling meets its bokmål twin through the bridge."""
    assert [(m.theme, m.weight) for m in match_terms("Fraværet økte")] == [("sykefravaer", 0.5)]
    assert [m.theme for m in match_terms("Leiarane skal tenkje omdømme")] == ["omdomme"]


def test_months_number_every_month_in_both_standards_and_english():
    for names in (["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
                   "oktober", "november", "desember"],
                  ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                   "october", "november", "december"]):
        assert [MONTH_NUMBERS[n] for n in names] == list(range(1, 13))
    assert MONTH_NUMBERS["okt"] == MONTH_NUMBERS["oct"] == 10 and MONTH_NUMBERS["des"] == 12


@pytest.mark.parametrize(("line", "glyph"), [("• Tiltak", "•"), ("  – Delmål", "–"), ("- punkt", "-"),
                                             ("▪ Ein", "▪"), ("* stjerne", "*")])
def test_bullet_glyphs_followed_by_a_space_open_a_bullet(line, glyph):
    match = BULLET.match(line)
    assert match and match.group(1) == glyph
    assert (glyph in SUB_BULLET_GLYPHS) == (glyph in "–-")


@pytest.mark.parametrize("line", ["-5 % færre", "*Kilde: SSB", "•", "Tiltak • to"])
def test_a_minus_a_footnote_star_or_a_glyph_inside_is_no_bullet(line):
    assert BULLET.match(line) is None


@pytest.mark.parametrize("line", ["3", "Side 3", "side 3 av 12", "s. 4", "3/12", "Page 3 of 12", "Slide 7", "Lysbilde 2"])
def test_page_number_forms(line):
    assert PAGE_NUMBER.match(line)


@pytest.mark.parametrize("line", ["2014", "1250", "3 kommuner", "Side 3: Resultat", "Sida"])
def test_years_figures_and_text_are_no_page_numbers(line):
    assert PAGE_NUMBER.match(line) is None


def test_kommune_words_are_inflections_and_headers_add_the_name_column():
    assert {"kommune", "kommunen", "kommuna", "kommunane", "kommunes"} <= KOMMUNE_WORDS
    assert KOMMUNE_HEADERS - KOMMUNE_WORDS == {"kommunenavn", "kommunenamn"}


@pytest.mark.parametrize("text", ["Budsjett 2014 mrd. kroner", "Auka med 2013 prosentpoeng", "Tilskot: 2012 kronar",
                                  "Ramma er 2015 tusen kroner"])
def test_a_year_like_number_before_an_amount_word_is_no_year(text):
    """Dating reads the currency, percent and scale words of lang (words, numbers)."""
    assert named_years(text, date(2026, 12, 1))[0] == []



def test_the_mapped_language_model_tells_what_py3langid_tells_also_after_its_pages_are_dropped(tmp_path):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from extractors.lang.identify import MappedModel

    texts = ["Asker kommune har 12 prosjekter om sykefravær og heltid i 2014.", "Kommunen vår skal bli ein betre arbeidsgjevar",
             "The municipality runs twelve projects.", "Kommunen har nästan tolv projekt", "12 34 %", ""]
    packaged = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    model = MappedModel(tmp_path / "langid")
    assert sorted(p.name for p in (tmp_path / "langid").iterdir()) == sorted(
        f"{name}.npy" for name in ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat"))
    mapped = model.identifier()
    assert [mapped.rank(t) for t in texts] == [packaged.rank(t) for t in texts]
    model.release()
    assert [mapped.classify(t) for t in texts] == [packaged.classify(t) for t in texts]
    unpacked = (tmp_path / "langid" / "ptc.npy").stat().st_mtime_ns
    again = MappedModel(tmp_path / "langid").identifier()
    assert again.classify(texts[0]) == packaged.classify(texts[0])
    assert (tmp_path / "langid" / "ptc.npy").stat().st_mtime_ns == unpacked, "the unpacked copy is mapped, not made anew"
