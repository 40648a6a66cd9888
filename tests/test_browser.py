"""The knowledge base in a real browser: headless Chromium (Debian's) driven by Playwright.

What a researcher does on the site, from the front page: search (one hit per work, each saying
why it matched), narrow by theme, open a municipality's dossier, open the page a hit came from,
mistype a word and take a "did you mean", and type a malformed query. Each test saves a
screenshot under tests/artifacts/ to look at. The hits the browser shows are compared with the
Python search function, so the site and `saman search` cannot drift apart.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from kb.dossier import dossier
from kb.search import search
from kb.web.serve import serving
from kb.store import open_kb
from tests.test_serve import served_copy

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def site(corpus_kb, tmp_path_factory):
    kb_path = served_copy(corpus_kb, tmp_path_factory.mktemp("browser"))
    with serving(kb_path) as base:
        yield base, kb_path


@pytest.fixture(scope="module")
def kb(site):
    with open_kb(site[1], readonly=True) as kb:
        yield kb


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def snapshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def page(browser, site, request) -> Page:
    """A fresh tab on the site; what it shows at the end of the test is saved as a screenshot."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=site[0])
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    snapshot(tab, request.node.name)
    context.close()


def search_from_front_page(page: Page, query: str) -> None:
    page.goto("/")
    expect(page.locator("svg.saman-chart")).to_have_count(2)
    page.get_by_label("Søk i sidene / Search the pages").fill(query)
    page.get_by_role("button", name="Søk / Search").click()
    page.wait_for_load_state()


def shown_hits(page: Page) -> list[tuple[str, int]]:
    hits = page.locator(".saman-hit")
    return [(hits.nth(i).locator(".saman-file").inner_text(), int(hits.nth(i).locator(".saman-page").inner_text()))
            for i in range(hits.count())]


def test_search_langvakter_shows_each_hit_with_its_file_and_slide(page, kb):
    page.goto("/")
    snapshot(page, "front_page")
    search_from_front_page(page, "langvakter")
    expect(page).to_have_url(re.compile(r"/-/search\?q=langvakter"))
    expected = search(kb, "langvakter")
    assert shown_hits(page) == [(h.file_name, h.page) for h in expected]
    first = page.locator(".saman-hit").first
    slide = next(h for h in expected if h.kind == "slide")
    expect(page.locator(".saman-hit", has_text=slide.file_name).first).to_contain_text(f"lysark / slide {slide.page}")
    expect(first.locator("mark").first).to_have_text(re.compile("langvakter", re.IGNORECASE))


def test_one_hit_per_work_with_its_other_copies_listed(page, kb):
    search_from_front_page(page, "kommune")
    expected = search(kb, "kommune")
    assert shown_hits(page) == [(h.file_name, h.page) for h in expected]
    assert len({h.work_id for h in expected}) == len(expected) and any(h.copies for h in expected)
    listed = set()
    hits = page.locator(".saman-hit")
    for i, hit in enumerate(expected):
        copies = hits.nth(i).locator(".saman-copies")
        if hit.copies:
            expect(copies).to_have_text(f"Kopier / copies: {', '.join(hit.copies)}")
            listed.update(hit.copies)
        else:
            expect(copies).to_have_count(0)
    # a copy listed under one hit is never a hit of its own
    assert not listed & {file_name for file_name, _ in shown_hits(page)}


def test_each_hit_says_why_it_matched(page, kb):
    search_from_front_page(page, "plan")  # `plan` itself, and inside `kompetanseplan`
    expected = search(kb, "plan")
    assert {w for h in expected for w in h.why} == {"words", "compound"}
    hits = page.locator(".saman-hit")
    for i, hit in enumerate(expected):
        labels = hits.nth(i).locator(".saman-why")
        assert [labels.nth(k).get_attribute("data-why") for k in range(labels.count())] == list(hit.why)
    expect(page.locator('.saman-why[data-why="compound"]').first).to_have_text("del av sammensatt ord / compound part")
    expect(page.locator('.saman-why[data-why="words"]').first).to_have_text("ordene / the words")


def test_a_misspelt_word_gets_did_you_mean(page, kb):
    search_from_front_page(page, "omdomme")
    corrected = search(kb, "omdomme")
    assert corrected.corrected == "omdømme" and len(corrected.suggestions) > 1
    expect(page.locator(".saman-corrected")).to_contain_text("showing hits for omdømme")
    offered = page.locator(".saman-suggestions a")
    expect(offered).to_have_count(len(corrected.suggestions))
    assert [offered.nth(i).inner_text() for i in range(offered.count())] == corrected.suggestions
    assert shown_hits(page) == [(h.file_name, h.page) for h in corrected]
    expect(page.locator('.saman-hit .saman-why[data-why="spelling"]')).to_have_count(len(corrected))
    # taking another suggestion searches for it
    other = corrected.suggestions[1]
    offered.nth(1).click()
    expect(page.get_by_role("searchbox")).to_have_value(other)
    assert shown_hits(page) == [(h.file_name, h.page) for h in search(kb, other)]
    expect(page.locator(".saman-corrected")).to_have_count(0)
    # a word like nothing in the knowledge base: no hits and nothing to suggest
    search_from_front_page(page, "xqzwvk")
    expect(page.locator(".saman-count")).to_contain_text("Ingen treff / no hits")
    expect(page.locator(".saman-suggestions")).to_have_count(0)


def test_narrow_the_hits_by_theme(page, kb):
    search_from_front_page(page, "kommune")
    theme_facet = page.locator('.saman-facet[data-facet="theme"]')
    expect(theme_facet).to_contain_text("Heltid/deltid")
    theme_facet.get_by_role("link", name="Heltid/deltid").click()
    expect(page).to_have_url(re.compile(r"theme=heltid_deltid"))
    expect(page.locator(".saman-active")).to_contain_text("Heltid/deltid")
    narrowed = search(kb, "kommune", theme="heltid_deltid")
    assert narrowed and len(narrowed) < len(search(kb, "kommune", limit=1000))
    assert shown_hits(page) == [(h.file_name, h.page) for h in narrowed]


def test_open_the_dossier_of_drammen(page, kb):
    """The dossier reads as a report: each work once, its copies listed, its pages naming
    Drammen with their pictures and lines, and the measure matrix."""
    page.goto("/")
    page.get_by_label("Kommunedossier / Municipality dossier").fill("Drammen")
    page.get_by_role("button", name="Vis / Show").click()
    expect(page.locator("h1")).to_contain_text("Kommunedossier / Municipality dossier: Drammen")
    expect(page.locator(".saman-municipality")).to_contain_text("Buskerud")
    report = dossier(kb, "Drammen")
    works = page.locator(".saman-work")
    expect(works).to_have_count(len(report["works"]))
    for i, work in enumerate(report["works"]):
        shown = works.nth(i)
        expect(shown.locator("h3")).to_contain_text(work["title"])
        expect(shown.locator(".saman-where .saman-file")).to_have_text(work["file_name"])
        expect(shown.locator(".saman-copy")).to_have_count(len(work["copies"]))
        expect(shown.locator(".saman-hit")).to_have_count(len(work["pages"]))
        for k, p in enumerate(work["pages"]):
            expect(shown.locator(".saman-hit").nth(k).locator("mark").first).to_have_text("Drammen")
    pictures = page.locator(".saman-work img")
    expect(pictures).to_have_count(report["totals"]["pages"])
    for k in range(pictures.count()):
        pictures.nth(k).scroll_into_view_if_needed()
        expect(pictures.nth(k)).to_have_js_property("complete", True)
        assert pictures.nth(k).evaluate("img => img.naturalWidth") == 320
    expect(page.locator("table.saman-measures")).to_contain_text("Langvakter helg")
    snapshot(page, "dossier_drammen")
    # A page links to the page it names Drammen on.
    page.locator(".saman-hit", has_text="Heltid – 8. mai i Drammen").locator("h4 a").click()
    expect(page.locator(".saman-text").first).to_contain_text("Drammen")
    expect(page.locator("h2", has_text="Kommuner / Municipalities")).to_be_visible()


def test_open_the_page_picture_of_a_hit(page, kb):
    search_from_front_page(page, "langvakter")
    top = search(kb, "langvakter")[0]
    page.locator(".saman-hit").first.locator("a.saman-picture").click()
    expect(page).to_have_url(re.compile(rf"/-/page/{top.doc_id}/{top.page}$"))
    picture = page.locator("img.saman-page-picture")
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.complete && img.naturalWidth") == 320
    expect(page.locator(".saman-where")).to_contain_text(top.file_name)
    # the hit is shown from its work's best copy: its page holds the word, in whatever case
    expect(page.locator(".saman-text").first).to_contain_text(re.compile("langvakter", re.IGNORECASE))


def test_a_malformed_search_shows_a_message_not_a_server_error(page):
    page.goto("/")
    page.get_by_label("Søk i sidene / Search the pages").fill('"unbalanced')
    with page.expect_response(lambda r: "/-/search" in r.url) as answer:
        page.get_by_role("button", name="Søk / Search").click()
    assert answer.value.status == 400
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("unbalanced quote")
    expect(page.locator("body")).not_to_contain_text("Internal Server Error")
    expect(page.get_by_role("searchbox")).to_have_value('"unbalanced')
