"""A real browser (Debian's headless Chromium, driven by Playwright) on pages served by `factdb serve`.

Nothing here downloads a browser: Playwright launches /usr/bin/chromium, which CI (.ci/run) and,
on a fresh machine as root, conftest.ensure_chromium install with apt-get. These tests fail
rather than skip when it cannot be had.
"""

from __future__ import annotations

from importlib import resources
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, ensure_chromium, run_cli
from datasette_servers import factdb_serve
from playwright.sync_api import Browser, Page, expect, sync_playwright
from png_image import read_png

pytestmark = pytest.mark.browser

# Without these Chromium stalls on a machine with no network.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
EVENT = "examplia-crackdown-2019-11"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = ensure_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    page.close()
    assert dialogs == [], f"a script ran and opened dialogs: {dialogs}"


@pytest.fixture(scope="module")
def site(compare_db: Path) -> Iterator[str]:
    with factdb_serve(compare_db) as url:
        yield url


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("hostile-browser") / "hostile.sqlite"
    assert run_cli("init", "--db", path).exit_code == 0
    assert run_cli("import", "--db", path, REPO / "tests/fixtures/datasette/hostile.yaml").exit_code == 0
    with factdb_serve(path) as url:
        yield url


def test_comparison_chart_has_one_bar_per_source_and_the_verdict(page: Page, site: str) -> None:
    page.goto(f"{site}/-/compare/{EVENT}/killed")
    chart = page.locator("svg.factdb-range-chart")
    assert chart.is_visible()
    sources = page.locator("table.factdb-figures tbody tr")
    assert sources.count() == 6
    assert chart.locator("g.figure").count() == 6
    assert chart.locator("g.figure rect.bar").count() == 6
    for index in range(6):
        box = chart.locator("g.figure rect.bar").nth(index).bounding_box()
        assert box is not None and box["width"] >= 2 and box["height"] > 0
    assert page.locator(".verdict-text").inner_text() == (
        "3 of 6 sources' figures (Rights Monitor, Provincial Governor, Wire Agency) are consistent with 360–400, "
        "and 3 (Rights Monitor, Opposition Council, Opposition Party) with 1,500–1,650, excluding 1,500; "
        "Interior Ministry's 230 is in neither group"
    )
    assert chart.locator("title").first.text_content() == "People killed: Examplia crackdown, November 2019"
    labels = chart.locator("g.figure").evaluate_all("rows => rows.map(row => row.getAttribute('aria-label'))")
    assert any(label.startswith("Rights Monitor: “at least 304”") for label in labels)


def test_claim_page_shows_the_quote_highlighted_in_its_document(page: Page, site: str) -> None:
    page.goto(f"{site}/factdb/claims?id=rm-killed-208")
    page.locator("table.rows-and-columns td.col-pk a").first.click()
    quote = page.locator("mark.factdb-quote")
    expect(quote).to_be_visible()
    expect(quote).to_have_text("at least 208 people were killed")
    context = page.locator("blockquote.factdb-context").inner_text()
    assert "The confirmed toll has risen: at least 208 people were killed." in context
    background = quote.evaluate("mark => getComputedStyle(mark).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")


def test_event_page_leads_to_the_comparison(page: Page, site: str) -> None:
    page.goto(f"{site}/factdb/events/{EVENT}")
    page.get_by_role("link", name="People killed", exact=True).click()
    expect(page).to_have_url(f"{site}/-/compare/{EVENT}/killed")
    expect(page.locator("svg.factdb-range-chart g.figure")).to_have_count(6)


def test_markup_in_the_data_never_runs_in_the_browser(page: Page, hostile_site: str) -> None:
    page.goto(f"{hostile_site}/-/compare/hostile-event/hostile-metric")
    assert "<b>Markup</b> \"Watch\" & 'Co'" in page.locator("table.factdb-figures").inner_text()
    assert page.locator("svg.factdb-range-chart text.source-name").first.text_content().startswith("<b>Markup</b>")
    assert page.locator("table.factdb-figures b, svg.factdb-range-chart b, img").count() == 0
    page.goto(f"{hostile_site}/hostile/claims/1")
    assert page.locator("mark.factdb-quote").inner_text().startswith("<script>alert(1)</script>")
    page.goto(f"{hostile_site}/hostile/events/hostile-event")
    assert "<script>alert('event')</script>" in page.content().replace("&lt;", "<").replace("&gt;", ">")


def test_a_reader_goes_from_the_front_page_to_a_source(page: Page, site: str) -> None:
    """Front page → event → comparison → claim → document → source, by clicking."""
    page.goto(f"{site}/")
    page.get_by_role("link", name="Examplia crackdown, November 2019", exact=True).first.click()
    expect(page).to_have_url(f"{site}/-/event/{EVENT}")
    page.locator("section.comparison h3 a", has_text="People killed").first.click()
    expect(page).to_have_url(f"{site}/-/compare/{EVENT}/killed")
    page.get_by_role("link", name="rm-killed-304", exact=True).click()
    expect(page).to_have_url(f"{site}/-/claim/rm-killed-304")
    expect(page.locator("p.claim-sentence")).to_contain_text("Rights Monitor said on 16 December 2019")
    page.get_by_role("link", name="whole document").click()
    expect(page).to_have_url(f"{site}/-/document/rights-monitor-updates#claim-rm-killed-304")
    mark = page.locator("mark#claim-rm-killed-304")
    expect(mark).to_be_visible()
    expect(mark).to_have_text("at least 304 people were killed, among them at least 23 children")
    page.locator("dl.facts").get_by_role("link", name="Rights Monitor").click()
    expect(page).to_have_url(f"{site}/-/source/rights-monitor")
    expect(page.locator("ul.revisions")).to_contain_text("at least 106 (2019-11-25) → at least 143 (2019-12-02)")


def test_search_with_stemming_from_the_front_page(page: Page, site: str) -> None:
    page.goto(f"{site}/")
    page.get_by_label("Search claims, sources and documents").fill("arrests")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(f"{site}/-/search?q=arrests")
    expect(page.locator("ul.found-claims li")).to_have_count(3)
    expect(page.locator("ul.found-claims")).to_contain_text("were arrested")


def test_keyboard_alone_reaches_search_and_a_claim(page: Page, site: str) -> None:
    page.goto(f"{site}/")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "factdb-search":
            break
    assert page.evaluate("document.activeElement.id") == "factdb-search"
    page.keyboard.type("arrests")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{site}/-/search?q=arrests")
    page.locator("ul.found-claims a", has_text="claim").first.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"{re.escape(site)}/-/claim/"))
    expect(page.locator("p.claim-sentence")).to_contain_text("arrested")


def test_comparison_history_view(page: Page, site: str) -> None:
    page.goto(f"{site}/-/compare/{EVENT}/killed")
    history = page.locator("svg.factdb-history-chart")
    expect(history).to_be_visible()
    expect(history.locator("g.history")).to_have_count(6)
    expect(history.locator('g.history[data-source="rights-monitor"] .revision')).to_have_count(4)
    box = history.bounding_box()
    assert box is not None and box["width"] > 800  # the page's width, not a fixed 760 px


def test_comparison_downloads(page: Page, site: str) -> None:
    page.goto(f"{site}/-/compare/{EVENT}/killed")
    for name, suffix in (("SVG", ".svg"), ("CSV", ".csv")):
        with page.expect_download() as download:
            page.get_by_role("link", name=name, exact=True).click()
        assert download.value.suggested_filename == f"{EVENT}-killed{suffix}"


def test_comparison_chart_downloads_as_png(page: Page, site: str) -> None:
    """The PNG is drawn in the browser from the page's SVG (static/chart-png.js) under the page's CSP."""
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => console.error("
                         "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI))")
    page.goto(f"{site}/-/compare/{EVENT}/killed")
    with page.expect_download() as download:
        page.get_by_role("button", name="PNG", exact=True).click()
    assert download.value.suggested_filename == f"{EVENT}-killed.png"
    path = download.value.path()
    assert path is not None
    image = read_png(Path(path).read_bytes())
    # Twice the chart's own units, in its own proportions.
    view_box = page.locator("svg.factdb-range-chart").get_attribute("viewBox")
    assert view_box is not None
    _x, _y, width, height = (float(n) for n in view_box.split())
    assert (image.width, image.height) == (round(width * 2), round(height * 2)) == (2000, 2 * round(height))
    assert all(len(pixel) == 3 or pixel[3] == 255 for pixel in image.pixels)  # opaque: drawn on white
    colours = Counter(pixel[:3] for pixel in image.pixels)
    assert colours[(255, 255, 255)] > len(image.pixels) / 2  # the background
    # The bars' blue covers about the area the SVG gives them (four pixels a unit at twice the size).
    bar_area = 4 * page.locator("svg.factdb-range-chart rect.bar").evaluate_all(
        "bars => bars.reduce((sum, bar) => sum + bar.width.baseVal.value * bar.height.baseVal.value, 0)")
    blue = sum(n for (r, g, b), n in colours.items() if b > r + 60 and b > 150)
    assert 0.85 * bar_area < blue < 1.3 * bar_area, (blue, bar_area)
    assert sum(n for (r, g, b), n in colours.items() if max(r, g, b) < 60) > 2000  # names, figures, ticks, diamonds
    expect(page.locator("#png-status")).to_have_text("")
    expect(page.get_by_role("button", name="PNG", exact=True)).to_be_focused()  # a keyboard user keeps their place
    assert violations == []



def test_a_chart_of_hostile_names_still_downloads_as_png(page: Page, hostile_site: str) -> None:
    """Markup in the names survives the copy of the chart as text: the image still loads and no dialog opens."""
    page.goto(f"{hostile_site}/-/compare/hostile-event/hostile-metric")
    with page.expect_download() as download:
        page.get_by_role("button", name="PNG", exact=True).click()
    path = download.value.path()
    assert path is not None
    data = Path(path).read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and int.from_bytes(data[16:20], "big") == 2000  # IHDR width
    expect(page.locator("#png-status")).to_have_text("")


def test_without_script_the_page_offers_svg_and_csv_but_no_png(browser: Browser, site: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{site}/-/compare/{EVENT}/killed")
        expect(page.locator("p.downloads")).to_have_text(
            "Download the chart as SVG, the figures as CSV or JSON.", use_inner_text=True)
        expect(page.get_by_role("button", name="PNG")).to_have_count(0)
        with page.expect_download() as download:
            page.get_by_role("link", name="SVG", exact=True).click()
        assert download.value.suggested_filename == f"{EVENT}-killed.svg"
    finally:
        context.close()


PAGE_TYPES = [
    "/",
    f"/-/event/{EVENT}",
    f"/-/compare/{EVENT}/killed",
    "/-/claim/rm-killed-304",
    "/-/document/rights-monitor-updates",
    "/-/source/rights-monitor",
    "/-/search?q=killing",
]


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_nothing_overflows_a_375_pixel_screen(browser: Browser, site: str, path: str) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 800})
    try:
        page.goto(f"{site}{path}")
        # Layout boxes, not pixels: the page is no wider than the screen, and nothing sticks out of it.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => !e.closest('.table-wrap, .chart, .CodeMirror'))
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .map(e => e.tagName + '.' + e.className)"""
        )
        assert wide == []
    finally:
        page.close()


@pytest.fixture(scope="module")
def axe() -> str:
    """axe-core's source as the test extras install it (the axe-playwright-python wheel carries
    axe.min.js): pip alone brings it, nothing is downloaded while the tests run, and the pages
    never load it themselves; the tests inject it."""
    return (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_no_serious_or_critical_accessibility_violations(page: Page, site: str, axe: str, path: str) -> None:
    page.goto(f"{site}{path}")
    page.evaluate(axe)  # through DevTools: the pages' Content-Security-Policy forbids injected inline scripts
    found = page.evaluate(
        """async () => (await axe.run()).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""
    )
    assert found == []


def test_every_page_runs_under_the_content_security_policy(browser: Browser, site: str) -> None:
    """Datasette's inline scripts are allowed by hash: the SQL editor, facets and menus work, and
    the browser reports no violation on any kind of page."""
    page = browser.new_page()
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => console.error("
                         "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.sample))")
    for path in (*PAGE_TYPES, "/factdb", "/factdb/claims", "/factdb/claims/1",
                 f"/factdb/events/{EVENT}", "/factdb?sql=select+1", "/-/versions"):
        response = page.goto(f"{site}{path}")
        assert response is not None and "script-src 'self' 'sha256-" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
    page.goto(f"{site}/factdb?sql=select+1")
    expect(page.locator(".CodeMirror")).to_be_visible()  # the inline script that starts the editor ran
    page.goto(f"{site}/factdb/claims")
    assert page.evaluate("typeof DATASETTE_ALLOW_FACET") == "boolean"
    page.close()
    assert violations == []
