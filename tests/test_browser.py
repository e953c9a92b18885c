"""A real browser (Debian's headless Chromium, driven by Playwright) on pages served by `factdb serve`.

Nothing here downloads a browser: Playwright launches /usr/bin/chromium, which CI (.ci/run) and,
on a fresh machine as root, conftest.ensure_chromium install with apt-get. These tests fail
rather than skip when it cannot be had.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, ensure_chromium, run_cli
from datasette_servers import factdb_serve
from playwright.sync_api import Browser, Page, expect, sync_playwright

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


def test_every_page_runs_under_the_content_security_policy(browser: Browser, site: str) -> None:
    """Datasette's inline scripts are allowed by hash: the SQL editor, facets and menus work, and
    the browser reports no violation on any kind of page."""
    page = browser.new_page()
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => console.error("
                         "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.sample))")
    for path in ("/", "/factdb", "/factdb/claims", "/factdb/claims/1", f"/factdb/events/{EVENT}",
                 f"/-/compare/{EVENT}/killed", "/factdb?sql=select+1", "/-/versions"):
        response = page.goto(f"{site}{path}")
        assert response is not None and "script-src 'self' 'sha256-" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
    page.goto(f"{site}/factdb?sql=select+1")
    expect(page.locator(".CodeMirror")).to_be_visible()  # the inline script that starts the editor ran
    page.goto(f"{site}/factdb/claims")
    assert page.evaluate("typeof DATASETTE_ALLOW_FACET") == "boolean"
    page.close()
    assert violations == []
