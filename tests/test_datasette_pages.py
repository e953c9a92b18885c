"""factdb's readable pages (event, source, claim, document) through Datasette's own client."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sqlite3
from pathlib import Path

import pytest
from conftest import REPO, copy_database, run_cli
from datasette.app import Datasette
from datasette_servers import RAW_MARKUP, hostile_database
from generated_imports import write_big_import

from factdb.compare import compare
from factdb.datasette_plugin.records import CLAIMS_LIMIT

pytestmark = pytest.mark.asyncio(loop_scope="module")

EVENT = "examplia-crackdown-2019-11"
SUB_EVENT = "examplia-harbour-district-2019-11"


@pytest.fixture(scope="module")
def pages_db(compare_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The comparison database plus a sub-event of the Examplia crackdown."""
    path = copy_database(compare_db, tmp_path_factory.mktemp("pages") / "factdb.sqlite")
    result = run_cli("import", "--db", path, REPO / "tests/fixtures/datasette/sub_event.yaml")
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def ds(pages_db: Path) -> Datasette:
    return Datasette([str(pages_db)])


@pytest.fixture(scope="module")
def hostile_ds(tmp_path_factory: pytest.TempPathFactory) -> Datasette:
    """Datasette on a database whose names, quotes and statements are full of markup."""
    return Datasette([str(hostile_database(tmp_path_factory.mktemp("hostile")))])


def content(html: str) -> str:
    return html.split('<section class="content">', 1)[1]


def links(html: str) -> set[str]:
    return set(re.findall(r'href="(/[^"#]*)', content(html)))


# --- Claim -----------------------------------------------------------------------------------


async def test_claim_page_opens_with_one_sentence_in_the_sources_own_words(ds: Datasette) -> None:
    html = (await ds.client.get("/-/claim/ncri-killed-approximately-1500")).text
    sentence = re.search(r'<p class="lead claim-sentence">(.*?)</p>', html, re.S).group(1)
    assert sentence.startswith("National Council of Resistance of Iran said in November 2020, about November 2019 Iran protests: “")
    # Every number in the sentence is one the source stated in its quote.
    quote = sentence.split("“", 1)[1]
    assert set(re.findall(r"\d+(?:,\d{3})*", sentence.split("“", 1)[0])) <= {"2020", "2019"}
    assert "1,500" in quote


async def test_claim_page_shows_supersession_both_ways_with_dates_and_its_standing(ds: Datasette) -> None:
    html = (await ds.client.get("/-/claim/rm-killed-208")).text
    assert '<dd class="status status-superseded">superseded (recorded as active)</dd>' in html
    assert '<a href="/-/claim/rm-killed-304">rm-killed-304</a>, made on 16 December 2019' in html
    assert '<a href="/-/claim/rm-killed-143">rm-killed-143</a>, made on 2 December 2019' in html
    latest = (await ds.client.get("/-/claim/rm-killed-304")).text
    assert '<dd class="status status-active">active</dd>' in latest
    assert "Superseded by" not in latest


async def test_claim_page_highlights_the_quote_and_links_everything_it_names(ds: Datasette) -> None:
    html = (await ds.client.get("/-/claim/rm-killed-304")).text
    assert '<mark class="factdb-quote">at least 304 people were killed, among them at least 23 children</mark>' in html
    assert "<strong>at least 304</strong> — People killed, read as “at least”" in html
    found = links(html)
    assert {"/-/source/rights-monitor", f"/-/event/{EVENT}", "/-/document/rights-monitor-updates",
            f"/-/compare/{EVENT}/killed", f"/-/compare/{EVENT}/killed?population=children",
            "/-/claim/rm-killed-304.json"} <= found
    for link in found:
        assert (await ds.client.get(link)).status_code == 200, link


async def test_claim_json_twin(ds: Datasette) -> None:
    response = await ds.client.get("/-/claim/rm-killed-208.json")
    assert response.headers["content-type"].startswith("application/json")
    data = response.json()
    assert data["id"] == "rm-killed-208" and data["source_name"] == "Rights Monitor"
    assert data["standing"] == "superseded" and data["status"] == "active"
    assert data["supersedes"]["id"] == "rm-killed-143"
    assert [later["id"] for later in data["superseded_by"]] == ["rm-killed-304"]
    assert [(f["stated"], f["qualifier_words"]) for f in data["figures"]] == [("at least 208", "at least")]
    assert data["context"]["quote"] == "at least 208 people were killed"


# --- Source ----------------------------------------------------------------------------------


async def test_source_page_shows_aliases_and_relations_both_ways(ds: Datasette) -> None:
    ncri = (await ds.client.get("/-/source/ncri")).text
    assert '<dd class="aliases">NCRI</dd>' in ncri
    assert '<dt>Members</dt><dd class="related-from"><a href="/-/source/mek">' in ncri
    mek = (await ds.client.get("/-/source/mek")).text
    assert '<dt>Member of</dt><dd class="relation"><a href="/-/source/ncri">National Council of Resistance of Iran</a>' in mek


async def test_source_page_shows_revisions_and_where_its_figures_sit(ds: Datasette, pages_db: Path) -> None:
    html = (await ds.client.get("/-/source/rights-monitor")).text
    revision = re.search(r'<ul class="plain revisions">(.*?)</ul>', html, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", revision).split(":", 1)[1].split() == [
        "at", "least", "106", "(2019-11-25)", "→", "at", "least", "143", "(2019-12-02)", "→",
        "at", "least", "208", "(2019-12-09)", "→", "at", "least", "304", "(2019-12-16)"]
    killed = compare(pages_db, EVENT, "killed")
    assert 'In a largest agreement (360–400; 1,500–1,650, excluding 1,500)' in html
    assert "rights-monitor" not in killed.outliers
    data = (await ds.client.get("/-/source/rights-monitor.json")).json()
    standing = {(s["event"], s["metric"], s["population"]): s["standing"] for s in data["standings"]}
    assert standing[(EVENT, "killed", None)] == "In a largest agreement (360–400; 1,500–1,650, excluding 1,500)"
    assert standing[(SUB_EVENT, "killed", None)] == "The only figure"
    assert [claim["id"] for group in data["events"] for claim in group["claims"] if claim["superseded"]] == [
        "rm-killed-208", "rm-killed-143", "rm-killed-106"]


async def test_a_source_with_many_claims_shows_a_bounded_page_and_links_to_the_rest(tmp_path: Path, pages_db: Path) -> None:
    path = copy_database(pages_db, tmp_path / "big.sqlite")
    assert run_cli("import", "--db", path, write_big_import(tmp_path / "big.jsonl", CLAIMS_LIMIT + 20)).exit_code == 0
    big = Datasette([str(path)])
    html = (await big.client.get("/-/source/big-monitor")).text
    assert html.count('(<a href="/-/claim/big-claim-') == CLAIMS_LIMIT
    assert f'Showing {CLAIMS_LIMIT} of {CLAIMS_LIMIT + 20} claims: <a href="/big/claims?source_id=big-monitor">' in html
    event = (await big.client.get("/-/event/iran-protests-2019-11.json")).json()
    assert len(event["claims"]) == CLAIMS_LIMIT and event["claims_total"] > CLAIMS_LIMIT


# --- Event -----------------------------------------------------------------------------------


async def test_event_page_shows_every_comparison_with_its_verdict_and_chart(ds: Datasette, pages_db: Path) -> None:
    html = (await ds.client.get(f"/-/event/{EVENT}")).text
    comparisons = compare(pages_db, EVENT)
    verdicts = [re.sub(r"&#39;", "'", v) for v in re.findall(r'<p class="verdict">(.*?)\. <span', html, re.S)]
    assert verdicts == [c.verdict for c in comparisons]
    assert html.count("<svg") == len(comparisons)
    for c in comparisons:
        assert f'href="/-/compare/{EVENT}/{c.metric}{"?population=" + c.population if c.population else ""}"' in html


async def test_event_page_shows_parent_sub_events_timeline_and_documents(ds: Datasette) -> None:
    parent = (await ds.client.get(f"/-/event/{EVENT}")).text
    assert f'<dd class="sub-events"><a href="/-/event/{SUB_EVENT}">Harbour district clashes, November 2019</a></dd>' in parent
    dates = re.findall(r'<span class="date">([^<]+)</span>', parent)
    assert dates == sorted(dates) and len(dates) == 16
    assert '<a href="/-/document/rights-monitor-updates">' in parent
    child = (await ds.client.get(f"/-/event/{SUB_EVENT}")).text
    assert f'<dd class="parent"><a href="/-/event/{EVENT}">Examplia crackdown, November 2019</a></dd>' in child
    data = (await ds.client.get(f"/-/event/{SUB_EVENT}.json")).json()
    assert data["parent_id"] == EVENT
    assert [c["verdict"] for c in data["comparisons"]] == ["Only one source (Rights Monitor) gives a figure"]


# --- Document --------------------------------------------------------------------------------


async def test_document_page_highlights_every_quote_and_links_it_to_its_claim(ds: Datasette) -> None:
    html = (await ds.client.get("/-/document/rights-monitor-updates")).text
    marks = re.findall(r'<mark id="claim-([^"]+)"><a href="/-/claim/([^"]+)"[^>]*>([^<]+)</a></mark>', html)
    assert [(anchor, claim) for anchor, claim, _ in marks] == [
        (c, c) for c in ("rm-killed-106", "rm-killed-143", "rm-killed-208", "rm-killed-304", "rm-arrested-thousands",
                         "rm-injured-2000")]
    assert marks[0][2] == "at least 106 people were killed"
    technical = html.split('<details class="technical">', 1)[1]
    assert "Text SHA-256" in technical and "characters" in technical
    data = (await ds.client.get("/-/document/rights-monitor-updates.json")).json()
    assert "".join(p["text"] for p in data["passages"]) == data["text"]


async def test_overlapping_quotes_keep_the_text_whole() -> None:
    from factdb.datasette_plugin.records import passages

    text = "one two three four five"
    quotes = [{"id": "a", "quote_start": 4, "quote_end": 13}, {"id": "b", "quote_start": 8, "quote_end": 18},
              {"id": "c", "quote_start": 9, "quote_end": 12}]
    cut = passages(text, quotes)
    assert "".join(p["text"] for p in cut) == text
    assert [(p["text"], p["claim"], p["also"]) for p in cut] == [
        ("one ", None, []), ("two three four", "a", ["b", "c"]), (" five", None, [])]


# --- Every page ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/-/claim/nope", "/-/source/nope", "/-/event/nope", "/-/document/nope"])
async def test_unknown_keys_are_a_404_in_html_and_json(ds: Datasette, path: str) -> None:
    response = await ds.client.get(path)
    assert response.status_code == 404 and "nope" in response.text
    as_json = await ds.client.get(path + ".json")
    assert as_json.status_code == 404 and as_json.json()["ok"] is False


async def test_pages_are_read_only(ds: Datasette) -> None:
    response = await ds.client.post("/-/claim/rm-killed-208")
    assert response.status_code == 405


@pytest.mark.parametrize(("row", "page"), [
    ("/factdb/sources/ncri", "/-/source/ncri"),
    (f"/factdb/events/{EVENT}", f"/-/event/{EVENT}"),
])
async def test_datasettes_row_pages_link_to_the_readable_page(ds: Datasette, row: str, page: str) -> None:
    assert f'<a href="{page}">as a page</a>' in (await ds.client.get(row)).text


async def test_claim_and_document_rows_link_to_their_pages(ds: Datasette) -> None:
    db = ds.get_database("factdb")
    claim = (await db.execute("select pk, document_pk from claims where id = 'rm-killed-208'")).first()
    assert '<a href="/-/claim/rm-killed-208">as a page</a>' in (await ds.client.get(f"/factdb/claims/{claim[0]}")).text
    assert '<a href="/-/document/rights-monitor-updates">as a page</a>' in (
        await ds.client.get(f"/factdb/documents/{claim[1]}")).text


HOSTILE_PAGES = [
    "/-/claim/hostile-claim",
    "/-/claim/plain-claim",
    "/-/source/markup-watch",
    "/-/source/plain-source",
    "/-/event/hostile-event",
    "/-/document/hostile-document",
    "/-/claim/%3Cscript%3Ealert(1)%3C~2Fscript%3E",
    "/hostile",
    "/hostile/claims_readable",
    "/hostile/sources_readable",
    "/hostile/documents_readable",
]


@pytest.mark.parametrize("path", HOSTILE_PAGES)
async def test_markup_in_the_data_is_shown_as_text_on_every_page(hostile_ds: Datasette, path: str) -> None:
    response = await hostile_ds.client.get(path, follow_redirects=True)
    assert response.status_code in (200, 404)
    assert not RAW_MARKUP.search(response.text), RAW_MARKUP.search(response.text)
    if response.status_code == 200 and path.startswith("/-/"):  # Datasette's own JSON is not factdb's to escape
        as_json = await hostile_ds.client.get(path + ".json")
        assert as_json.status_code == 200
        assert "<" not in as_json.text and ">" not in as_json.text


async def test_hostile_names_read_as_text(hostile_ds: Datasette) -> None:
    claim = (await hostile_ds.client.get("/-/claim/hostile-claim")).text
    assert "&lt;b&gt;Markup&lt;/b&gt; &#34;Watch&#34; &amp; &#39;Co&#39; said in" in claim
    document = (await hostile_ds.client.get("/-/document/hostile-document")).text
    assert '<a href="/-/claim/hostile-claim" title="Claim hostile-claim">&lt;script&gt;alert(1)&lt;/script&gt; at least 300' in document
    data = json.loads((await hostile_ds.client.get("/-/source/markup-watch.json")).text)
    assert data["name"] == "<b>Markup</b> \"Watch\" & 'Co'"


# --- Front page ------------------------------------------------------------------------------


async def test_front_page_says_what_this_is_and_lists_events_with_their_comparisons(ds: Datasette, pages_db: Path) -> None:
    html = (await ds.client.get("/")).text
    assert "<h1>factdb</h1>" in html and "Who said which number, where and when." in html
    assert '<form class="search" action="/-/search"' in html
    assert '<a href="/factdb">the factdb database</a>' in html
    data = (await ds.client.get("/-/front.json")).json()
    shown = {event["id"]: event for event in data["events"]}
    assert EVENT in shown and SUB_EVENT in shown
    assert [(c["metric"], c["population"], c["sources_count"], c["verdict"]) for c in shown[EVENT]["comparisons"]] == [
        (c.metric, c.population, c.sources_count, c.verdict) for c in compare(pages_db, EVENT)]
    assert f'<a href="/-/event/{EVENT}">Examplia crackdown, November 2019</a>' in html
    assert f'href="/-/compare/{EVENT}/killed"' in html


async def test_front_page_lists_the_latest_claims_newest_first(ds: Datasette, pages_db: Path) -> None:
    data = (await ds.client.get("/-/front.json")).json()
    newest = [row[0] for row in sqlite3.connect(pages_db).execute(
        "select id from claims order by claimed_on desc, pk desc limit 10")]
    assert [claim["id"] for claim in data["claims"]] == newest
    html = (await ds.client.get("/")).text
    for claim in newest:
        assert f'(<a href="/-/claim/{claim}">claim</a>)' in html


async def test_datasettes_own_index_stays_at_its_json_address(ds: Datasette) -> None:
    assert "factdb" in (await ds.client.get("/.json")).json()


async def test_front_page_escapes_hostile_names(hostile_ds: Datasette) -> None:
    html = (await hostile_ds.client.get("/")).text
    assert not RAW_MARKUP.search(html)
    assert "Event &lt;img src=x onerror=alert(2)&gt;" in html
    assert "<" not in (await hostile_ds.client.get("/-/front.json")).text


# --- Readable views --------------------------------------------------------------------------


async def test_database_page_lists_the_readable_views_first(ds: Datasette) -> None:
    html = (await ds.client.get("/factdb")).text
    start = html.index('<h2 id="readable">Start here</h2>')
    assert start < html.index('<h2 id="tables">')
    assert [html.index(f'<a href="/factdb/{view}">') for view in ("claims_readable", "sources_readable", "documents_readable")] == sorted(
        html.index(f'<a href="/factdb/{view}">') for view in ("claims_readable", "sources_readable", "documents_readable"))
    assert start < html.index('<a href="/factdb/claims_readable">Claims, readable</a>')


async def test_claims_readable_spells_out_names_figures_and_supersession(ds: Datasette) -> None:
    rows = (await ds.client.get("/factdb/claims_readable.json?_shape=objects&claim=rm-killed-304")).json()["rows"]
    assert rows == [{
        "claim_pk": rows[0]["claim_pk"], "claim": "rm-killed-304", "source": "Rights Monitor",
        "event": "Examplia crackdown, November 2019", "claimed_on": "2019-12-16",
        "figures": "at least 304 (People killed); at least 23 (People killed, children)",
        "quote": "at least 304 people were killed, among them at least 23 children", "status": "active", "via": None,
        "document": "Rights Monitor updates on the Examplia crackdown", "source_id": "rights-monitor",
        "event_id": EVENT, "document_pk": rows[0]["document_pk"],
    }]
    older = (await ds.client.get("/factdb/claims_readable.json?_shape=objects&claim=rm-killed-208")).json()["rows"]
    assert older[0]["status"] == "superseded"


async def test_sources_and_documents_readable(ds: Datasette) -> None:
    mek = (await ds.client.get("/factdb/sources_readable.json?_shape=objects&id=mek")).json()["rows"][0]
    assert (mek["aliases"], mek["relations"]) == ("PMOI, MEK, PMOI-MEK", "member of National Council of Resistance of Iran")
    monitor = (await ds.client.get("/factdb/sources_readable.json?_shape=objects&id=rights-monitor")).json()["rows"][0]
    assert monitor["claims"] == 7
    document = (await ds.client.get("/factdb/documents_readable.json?_shape=objects&id=rights-monitor-updates")).json()["rows"][0]
    assert (document["publisher"], document["claims"]) == ("Rights Monitor", 6)


async def test_readable_views_link_keys_to_the_readable_pages(ds: Datasette) -> None:
    html = (await ds.client.get("/factdb/claims_readable?claim=rm-killed-304")).text
    assert '<a href="/-/claim/rm-killed-304">rm-killed-304</a>' in html
    assert '<a href="/-/source/rights-monitor">rights-monitor</a>' in html
    assert f'<a href="/-/event/{EVENT}">{EVENT}</a>' in html
    assert '<a href="/-/document/rights-monitor-updates">' in (await ds.client.get("/factdb/documents_readable")).text


# --- Comparison page, finished ---------------------------------------------------------------


async def test_comparison_page_reads_qualifiers_as_words_and_origins_as_names(ds: Datasette) -> None:
    html = (await ds.client.get(f"/-/compare/{EVENT}/killed")).text
    table = html.split('class="rows-and-columns factdb-figures"', 1)[1]
    assert "at_least" not in table and "<td>at least</td>" in table
    assert '<a href="/-/source/opposition-council">Opposition Council</a> (shared)' in table


async def test_comparison_chart_fills_the_width_and_carries_each_stated_figure(ds: Datasette, pages_db: Path) -> None:
    html = (await ds.client.get(f"/-/compare/{EVENT}/killed")).text
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert 'width="100%"' in svg
    stated = re.findall(r'<text class="stated-figure"[^>]*>([^<]+)</text>', svg)
    assert sorted(stated) == sorted(f.stated for f in compare(pages_db, EVENT, "killed").figures)
    # The figures share no number: each largest agreement is drawn as a band.
    assert svg.count('<g class="largest-agreement"') == 2
    assert "Largest agreement: 360–400" in svg


async def test_comparison_downloads_svg_and_csv(ds: Datasette, pages_db: Path) -> None:
    from factdb.compare import render_csv

    html = (await ds.client.get(f"/-/compare/{EVENT}/killed")).text
    assert f'<a href="/-/compare/{EVENT}/killed.svg" download>SVG</a>' in html
    svg = await ds.client.get(f"/-/compare/{EVENT}/killed.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.headers["content-disposition"] == f'attachment; filename="{EVENT}-killed.svg"'
    assert svg.text.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    csv = await ds.client.get(f"/-/compare/{EVENT}/killed.csv?population=children")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text == render_csv([compare(pages_db, EVENT, "killed", population="children")])



async def test_comparison_png_script_is_served_by_the_plugin_under_the_same_policy(ds: Datasette) -> None:
    """The PNG is drawn in the browser by a static script of the plugin's; the policy needs nothing new for it."""
    from factdb.datasette_plugin.headers import content_security_policy

    page = await ds.client.get(f"/-/compare/{EVENT}/killed")
    html = page.text
    assert '<script src="/-/static-plugins/factdb/chart-png.js" defer></script>' in html
    # Hidden until the script offers it; the button names the file the SVG's name gives.
    assert ('<span class="png-download" hidden> or <button type="button" class="button-as-link" data-chart="range-chart" '
            f'data-filename="{EVENT}-killed.png" aria-describedby="png-status">PNG</button></span>') in html
    assert 'id="range-chart"' in html and 'id="png-status"' in html
    # Every inline script on the page is one of Datasette's, which the policy allows by its hash.
    allowed = content_security_policy()
    for inline in re.findall(r"<script>(.*?)</script>", html, re.DOTALL):
        digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed, inline
    script = await ds.client.get("/-/static-plugins/factdb/chart-png.js")
    assert script.status_code == 200
    assert script.headers["content-type"].split(";")[0] in ("text/javascript", "application/javascript")
    assert script.headers["x-content-type-options"] == "nosniff"
    assert script.text == (REPO / "factdb/datasette_plugin/static/chart-png.js").read_text(encoding="utf-8")
    for response in (page, script):
        policy = dict(part.split(" ", 1) for part in response.headers["content-security-policy"].split("; "))
        assert response.headers["content-security-policy"] == content_security_policy()
        # The copy of the chart is an image from a data: URL, which img-src already allowed; the file is
        # saved through a blob: link, a download no directive governs. Nothing else is loosened.
        assert policy["img-src"] == "'self' data:"
        assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
        script_sources = policy["script-src"].split()
        assert script_sources[0] == "'self'" and all(s.startswith("'sha256-") for s in script_sources[1:])
        assert "blob:" not in response.headers["content-security-policy"]
        assert "unsafe-eval" not in response.headers["content-security-policy"]


async def test_comparison_page_draws_each_sources_figures_over_time(ds: Datasette, pages_db: Path) -> None:
    html = (await ds.client.get(f"/-/compare/{EVENT}/killed")).text
    history = html[html.index('<h2 id="history">'):]
    svg = history[history.index("<svg"):history.index("</svg>")]
    trajectories = compare(pages_db, EVENT, "killed", history=True).history
    assert re.findall(r'<g class="history" data-source="([^"]+)"', svg) == list(trajectories)
    monitor = svg[svg.index('data-source="rights-monitor"'):].split("</g>", 1)[0]
    assert monitor.count('class="revision"') == 4
    assert "at least 106 (2019-11-25); at least 143 (2019-12-02); at least 208 (2019-12-09); at least 304 (2019-12-16)" in monitor
    # The downloads stay the comparison as 'factdb compare' gives it: no earlier figures.
    assert (await ds.client.get(f"/-/compare/{EVENT}/killed.json")).json()["history"] is None


async def test_no_history_section_when_no_source_revised_its_figure(ds: Datasette) -> None:
    html = (await ds.client.get("/-/compare/iran-protests-2019-11/killed")).text
    assert '<h2 id="history">' not in html


async def test_pages_of_a_second_factdb_database_link_within_it(pages_db: Path, hostile_ds: Datasette, tmp_path: Path) -> None:
    second = copy_database(pages_db, tmp_path / "second.sqlite")
    both = Datasette([str(hostile_ds.get_database("hostile").path), str(second)])
    row = (await both.client.get("/second/sources/rights-monitor")).text
    assert '<a href="/-/source/rights-monitor?database=second">as a page</a>' in row
    page = (await both.client.get("/-/source/rights-monitor?database=second")).text
    assert "<h1>Rights Monitor</h1>" in page
    assert '<a href="/-/claim/rm-killed-304?database=second">' in page
    assert f'<a href="/-/compare/{EVENT}/killed?database=second">' in page
    compare_page = (await both.client.get(f"/-/compare/{EVENT}/killed?database=second")).text
    assert '<a href="/-/claim/rm-killed-304?database=second">rm-killed-304</a>' in compare_page
    front = (await both.client.get("/?database=second")).text
    assert '<input type="hidden" name="database" value="second">' in front
    # The first factdb database served needs no name.
    assert '<a href="/-/source/markup-watch">as a page</a>' in (await both.client.get("/hostile/sources/markup-watch")).text
