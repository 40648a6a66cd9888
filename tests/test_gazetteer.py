"""The gazetteer: counts and numbers through the reforms, lookups, the build and the update."""

from __future__ import annotations

import json
import urllib.error
from datetime import date
from pathlib import Path

import pytest

from extractors.gazetteer.gazetteer import DATA_DIR, gazetteer_rows, load_gazetteer, name_key, read_gazetteer
from extractors.gazetteer.update import GazetteerUpdateError, klass_urls, rebuild, split_name, update_gazetteer

KLASS_RESPONSES = Path(__file__).parent / "data" / "klass"
UPDATE_DAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


@pytest.mark.parametrize(("when", "count"), [("2013-01-01", 428), ("2019-01-01", 422), ("2020-01-01", 356), ("2024-01-01", 357)])
def test_counts_of_municipalities(gaz, when, count):
    assert len(gaz.at(date.fromisoformat(when))) == count


def test_no_unknown_code_and_numbers_unique_on_each_date(gaz):
    for day in ("2012-01-01", "2013-06-30", "2018-06-01", "2020-06-01", "2024-06-01", "2026-11-23"):
        valid = gaz.at(date.fromisoformat(day))
        numbers = [m.kommunenummer for m in valid]
        assert len(numbers) == len(set(numbers))
        assert "9999" not in numbers
        assert all(len(n) == 4 and n.isdigit() for n in numbers)


@pytest.mark.parametrize(
    ("name", "when", "number", "fylke"),
    [
        ("Drammen", "2013-06-30", "0602", "Buskerud"),
        ("Drammen", "2020-06-30", "3005", "Viken"),
        ("Drammen", "2024-06-30", "3301", "Buskerud"),
        ("Oslo", "2013-06-30", "0301", "Oslo"),
        ("Oslo", "2024-06-30", "0301", "Oslo"),
        ("Trondheim", "2013-06-30", "1601", "Sør-Trøndelag"),
        ("Trondheim", "2019-06-30", "5001", "Trøndelag"),
        ("Tromsø", "2021-06-30", "5401", "Troms og Finnmark"),
        ("Haram", "2024-06-30", "1580", "Møre og Romsdal"),
    ],
)
def test_known_numbers_and_counties(gaz, name, when, number, fylke):
    (m,) = gaz.lookup(name, date.fromisoformat(when))
    assert (m.kommunenummer, m.fylke) == (number, fylke)


def test_shared_names_give_all_bearers(gaz):
    when = date(2013, 6, 30)
    assert {(m.kommunenummer, m.fylke) for m in gaz.lookup("Bø", when)} == {("0821", "Telemark"), ("1867", "Nordland")}
    assert {(m.kommunenummer, m.fylke) for m in gaz.lookup("våler", when)} == {("0137", "Østfold"), ("0426", "Hedmark")}
    assert all(m.name == "Våler" for m in gaz.lookup("Våler", when)), "the (Østfold) qualifier is not part of the name"


def test_parallel_names_and_their_dates(gaz):
    (kautokeino,) = gaz.lookup("Guovdageaidnu", date(2013, 6, 30))
    assert kautokeino.name == "Kautokeino" and kautokeino.parallel_names == ("Guovdageaidnu",)
    (kafjord,) = gaz.lookup("Kaivuono", date(2018, 6, 1))
    assert kafjord.name == "Kåfjord" and set(kafjord.parallel_names) == {"Gáivuotna", "Kaivuono"}
    assert gaz.lookup("Kaivuono", date(2013, 6, 30)) == [], "the Kven name came in 2017"
    assert gaz.lookup("Raarvihke", date(2012, 6, 30)) == [] and gaz.lookup("Raarvihke", date(2013, 6, 30))


def test_names_compare_without_case_and_hyphen(gaz):
    (m,) = gaz.lookup("Nord Aurdal", date(2013, 6, 30))
    assert m.name == "Nord-Aurdal"
    assert name_key("NORD-AURDAL") == name_key("nord  aurdal")


def test_current_follows_mergers_renumbering_and_splits(gaz):
    when = date(2013, 6, 30)
    current = {name: [(c.kommunenummer, c.name) for c in gaz.current(gaz.lookup(name, when)[0])]
               for name in ("Drammen", "Svelvik", "Oslo", "Snillfjord", "Haram")}
    assert current["Drammen"] == [("3301", "Drammen")]
    assert current["Svelvik"] == [("3301", "Drammen")]
    assert current["Oslo"] == [("0301", "Oslo")]
    assert current["Snillfjord"] == [("5055", "Heim"), ("5056", "Hitra"), ("5059", "Orkland")]
    assert current["Haram"] == [("1508", "Ålesund"), ("1580", "Haram")], "merged in 2020, split out again in 2024"


def test_counties_per_period(gaz):
    assert len(gaz.counties(date(2013, 6, 30))) == 19
    assert "Sør-Trøndelag" in gaz.counties(date(2013, 6, 30))
    assert "Trøndelag" in gaz.counties(date(2018, 6, 30)) and "Sør-Trøndelag" not in gaz.counties(date(2018, 6, 30))
    assert len(gaz.counties(date(2020, 6, 30))) == 11 and "Viken" in gaz.counties(date(2020, 6, 30))
    assert len(gaz.counties(date(2024, 6, 30))) == 15 and "Viken" not in gaz.counties(date(2024, 6, 30))


def test_gazetteer_rows_for_the_cli():
    rows = gazetteer_rows(date(2013, 1, 1))
    assert len(rows) == 428
    bo = [r for r in rows if r["name"] == "Bø"]
    assert {(r["kommunenummer"], r["fylke"], r["current_kommunenummer"]) for r in bo} == {
        ("0821", "Telemark", "4020"), ("1867", "Nordland", "1867")}
    assert list(rows[0])[:3] == ["kommunenummer", "name", "fylke"]


def test_split_name():
    norwegian = frozenset({"Kautokeino", "Fauske"})
    assert split_name("Våler (Østfold)", norwegian) == ("Våler", ())
    assert split_name("Guovdageaidnu - Kautokeino", norwegian) == ("Kautokeino", ("Guovdageaidnu",))
    assert split_name("Fauske - Fuossko", norwegian) == ("Fauske", ("Fuossko",))
    assert split_name("Loabák - Lavangen", norwegian, previous="Lavangen") == ("Lavangen", ("Loabák",))


def test_the_data_files_are_what_the_build_makes(tmp_path):
    warnings = rebuild(DATA_DIR, out_dir=tmp_path)
    for name in ("kommuner.csv", "fylker.csv"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (DATA_DIR / name).read_text(encoding="utf-8")
    assert all("5025" in w for w in warnings), "only Røros' Sami name differs between the 2024 list and the change table"


def _recorded_fetch(url: str) -> dict:
    by_url = {u: name for name, u in klass_urls(UPDATE_DAY).items()}
    return json.loads((KLASS_RESPONSES / by_url[url]).read_text(encoding="utf-8"))


def test_update_from_recorded_klass_responses(tmp_path):
    update_gazetteer(fetch=_recorded_fetch, out_dir=tmp_path, today=UPDATE_DAY)
    gaz = read_gazetteer(tmp_path)
    assert {m.kommunenummer for m in gaz.at(date(2013, 6, 30))} == {"0301", "0602", "0625", "0711", "0821", "0822", "1867", "1903", "2011"}
    (drammen,) = gaz.lookup("Drammen", date(2013, 6, 30))
    assert [(c.kommunenummer, c.fylke) for c in gaz.current(drammen)] == [("3301", "Buskerud")]
    (harstad,) = gaz.lookup("Hárstták", date(2021, 1, 1))
    assert (harstad.kommunenummer, harstad.name, harstad.fylke) == ("5402", "Harstad", "Troms og Finnmark")
    assert gaz.counties(date(2013, 6, 30)) == ["Oslo", "Buskerud", "Vestfold", "Telemark", "Nordland", "Troms", "Finnmark"]
    assert (tmp_path / "klass" / "131_changes.json").exists(), "the responses are kept beside the tables"


def test_update_offline_fails_with_one_clear_line_and_changes_nothing(tmp_path):
    (tmp_path / "kommuner.csv").write_text("unchanged\n", encoding="utf-8")

    def offline(url: str) -> dict:
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    with pytest.raises(GazetteerUpdateError) as info:
        update_gazetteer(fetch=offline, out_dir=tmp_path, today=UPDATE_DAY)
    message = str(info.value)
    assert message.startswith("cannot reach data.ssb.no") and "not changed" in message and "\n" not in message
    assert (tmp_path / "kommuner.csv").read_text(encoding="utf-8") == "unchanged\n"
    assert not (tmp_path / "klass").exists()


def test_update_refuses_a_change_table_that_does_not_fit(tmp_path):
    def broken(url: str) -> dict:
        body = _recorded_fetch(url)
        if "131/changes" in url:
            body = {"codeChanges": body["codeChanges"][3:]}  # the 2013 Harstad merger is missing
        return body

    with pytest.raises(GazetteerUpdateError, match="did not build"):
        update_gazetteer(fetch=broken, out_dir=tmp_path, today=UPDATE_DAY)
    assert not (tmp_path / "kommuner.csv").exists()
