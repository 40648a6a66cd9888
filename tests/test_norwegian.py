"""Restoring æ, ø and å in OCR text (extractors.lang.lexicon), against the real word lists."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from extractors.lang.lexicon import correct_text, hashes_of, lexicon, word_hash, word_hashes


@pytest.mark.parametrize(
    ("ocr", "expected"),
    [
        ("Fgrste", "Første"),
        ("arlig", "årlig"),
        ("Sykefraveer", "Sykefravær"),
        ("Omdpmme", "Omdømme"),
        ("Hgst", "Høst"),
        ("Kompetansemiljg", "Kompetansemiljø"),
        # `malet` is not in the bokmål or nynorsk list; `målet` is.
        ("malet", "målet"),
        ("Omd0mme", "Omdømme"),
        ("Fg@rste", "Første"),
        ("Sjukefravaer", "Sjukefravær"),
        ("Trandelag", "Trøndelag"),
        # Listed `årsrapport` wins over reading `arsrapport` as the compound ar + s + rapport.
        ("Arsrapport", "Årsrapport"),
        # Not listed whole: accepted as a compound of two listed words.
        ("naervaersarbeid", "nærværsarbeid"),
        ("Tonsbergmodellen", "Tønsbergmodellen"),
    ],
)
def test_lost_letters_are_restored(ocr: str, expected: str) -> None:
    assert correct_text(ocr) == expected


def test_case_is_kept() -> None:
    assert correct_text("HGST") == "HØST"
    assert correct_text("hgst") == "høst"
    assert correct_text("Hgst") == "Høst"


# `Skjaervo` must not become `Skjåervo` by way of an odd three-letter list entry (`rvo`).
@pytest.mark.parametrize("word", ["kommune", "Asker", "heltid", "for", "Moss", "Strand", "the", "2014", "KS", "Skjaervo"])
def test_known_words_and_numbers_are_left_alone(word: str) -> None:
    assert correct_text(word) == word


def test_curated_real_word_confusions() -> None:
    # `pa` and `bade` are dictionary words, but in this archive they are lost `på` and `både`;
    # `for` and `sa` are common words in their own right and stay.
    assert correct_text("pa bade for sa") == "på både for sa"
    assert correct_text("mye a gjore i pulje A") == "mye å gjøre i pulje A"


def test_preposition_i_read_as_capital_i() -> None:
    assert correct_text("samling I nettverket, Hovedprofil I lokalt") == "samling i nettverket, Hovedprofil i lokalt"
    # A Roman numeral after a word that takes one, and a sentence start, stay capital.
    assert correct_text("Pulje I er i gang. I dag") == "Pulje I er i gang. I dag"


def test_extra_words_from_the_caller_count_as_known() -> None:
    # A project name no word list holds: alone, only the compound `nærvær` + `s` + `loftet` is found.
    assert correct_text("Naervaersloftet") == "Nærværsloftet"
    assert correct_text("Naervaersloftet", frozenset({"Nærværsløftet", "Heltid"})) == "Nærværsløftet"


def test_a_capitalised_word_that_restores_to_a_place_name_is_the_place() -> None:
    names = frozenset({"Våler", "Bø", "Vågan"})
    # `valer` is in the nynorsk list; capitalised in a municipality column it is Våler.
    assert correct_text("Valer x", names=names) == "Våler x"
    assert correct_text("Vagan og Valer", names=names) == "Vågan og Våler"
    # Lower case it is the word; short capitalised words open sentences (`Bo`, `Sel`).
    assert correct_text("valer", names=names) == "valer"
    assert correct_text("Bo i byen", names=names) == "Bo i byen"
    assert correct_text("Valer") == "Valer"


def test_ocr_knows_theme_terms_and_place_names() -> None:
    from extractors.ocr.page import corrector
    from extractors.recognisers.pipeline import reading_settings

    lex = corrector(reading_settings())
    # `flate` + `ordning` passes as a compound; the theme lexicon holds the measure.
    assert correct_text("Vikarpool/ flateordning") == "Vikarpool/ flateordning"
    assert lex.correct_text("Vikarpool/ flateordning") == "Vikarpool/ flåteordning"
    assert lex.correct_text("Valer og Vegarshei") == "Våler og Vegårshei"


def test_spacing_punctuation_and_token_count_are_kept() -> None:
    raw = "Hgst 2014:  Fgrste samling (pa Gardermoen),\tsjukefraveer -- e-post navn@kommune.no"
    fixed = correct_text(raw)
    assert fixed == "Høst 2014:  Første samling (på Gardermoen),\tsjukefravær -- e-post navn@kommune.no"
    assert len(fixed.split()) == len(raw.split())


def test_garbage_tokens_are_bounded_in_time() -> None:
    lex = lexicon()
    tokens = ["aoaoaoaoaoaoaoaoaoaoaoaoaoaoaoaoaoae", "o" * 39, "rapporteringsprosessenesaeaeoo"]
    start = time.perf_counter()
    out = [lex.correct_word(t) for t in tokens]
    # A bound, not a speed figure: candidate generation must not explode on long junk tokens
    # (unbounded, these take minutes); generous so a loaded CI machine cannot trip it.
    assert time.perf_counter() - start < 5
    assert out == tokens


def test_lexicon_is_built_once_per_set_of_extra_words() -> None:
    assert lexicon() is lexicon()
    assert lexicon(frozenset({"Hamarøy"})) is not lexicon()
    assert "sykefravær" in lexicon() and "sykefraveer" not in lexicon()


def test_every_word_of_the_word_lists_is_known_also_where_a_chunk_read_ends() -> None:
    """The word lists are read in chunks: a word split across two reads, the last
    line, and odd capitals are words like any other; a word not in them is not."""
    from extractors.lang.lexicon import _BUILD_CHUNK_CHARS as _CHUNK_CHARS
    from extractors.lang.lexicon import WORDLIST_FILES

    words: list[str] = []
    for path in WORDLIST_FILES:
        text = path.read_text(encoding="latin-1")
        lines = text.lower().split("\n")
        words += [w for w in lines[:200] + lines[-200:] if w]
        at = _CHUNK_CHARS
        while at < len(text):  # the words around each place a read ends
            start = text.rfind("\n", 0, at) + 1
            words += [w for w in text[max(0, start - 200):start + 200].lower().split("\n")[1:-1] if w]
            at += _CHUNK_CHARS
    assert len(words) > 1000
    assert lexicon().known_many(words).all()
    assert not lexicon().known_many(["kommunexqz", "opplæringzz"]).any()


def _word_lists(folder: Path) -> tuple[Path, Path]:
    """Two small word lists as the system's look: latin-1, a word a line, capitals, blank
    lines, the last line without its newline."""
    folder.mkdir()
    first, second = folder / "bokmaal", folder / "nynorsk"
    first.write_bytes("Sykefravær\nkommune\n\nøl\nÅrsrapport\n".encode("latin-1"))
    second.write_bytes("arbeidsgjevar\nkommunane\nnærvær".encode("latin-1"))
    return first, second


def test_word_list_hashes_are_made_once_and_mapped_from_the_cache_folder(tmp_path: Path, monkeypatch) -> None:
    """The first process to need the word lists hashes them into saman's cache folder; later
    ones map that file, until a list changes; a file that cannot be read is made again."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    files = _word_lists(tmp_path / "dict")
    words = ["sykefravær", "kommune", "øl", "årsrapport", "arbeidsgjevar", "kommunane", "nærvær"]
    made = hashes_of(files)
    kept = list((tmp_path / "cache" / "saman" / "wordlists").glob("*.npy"))
    assert len(kept) == 1 and len(made) == len(words)
    mapped = hashes_of(files)
    assert not mapped.flags.writeable and np.array_equal(mapped, made)  # read from the file
    assert np.isin(word_hashes(words), mapped).all()
    assert not np.isin(word_hashes(["", "kommunexqz", "sykefraveer"]), mapped).any()
    with open(files[1], "ab") as out:  # the system updates a list: hashed again, in a new file
        out.write(b"\nheltid")
    assert np.isin(word_hash("heltid"), hashes_of(files))
    assert len(list(kept[0].parent.glob("*.npy"))) == 2
    newest = max(kept[0].parent.glob("*.npy"), key=lambda p: p.stat().st_mtime_ns)
    newest.write_bytes(b"not an array")
    assert len(hashes_of(files)) == len(words) + 1


def test_word_list_hashes_are_made_in_memory_where_the_cache_cannot_be_written(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "not-a-folder").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "not-a-folder"))
    files = _word_lists(tmp_path / "dict")
    assert np.isin(word_hashes(["kommune", "nærvær"]), hashes_of(files)).all()


def test_word_hashes_are_the_same_in_every_process() -> None:
    """Python's own string hash differs from process to process; the word lists' hashes are
    kept between processes, so a word must hash alike in another (and one at a time as in a list)."""
    words = ["kommune", "Sykefravær", "å", "", "x" * 300, "arbeids\ngjevar", "\udcff"]
    here = [int(h) for h in word_hashes(words)]
    assert here == [word_hash(w) for w in words]
    assert len(set(here)) == len(words)
    script = f"from extractors.lang.lexicon import word_hashes; print([int(h) for h in word_hashes({words!r})])"
    there = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                           cwd=Path(__file__).resolve().parent.parent).stdout
    assert there.strip() == str(here)
