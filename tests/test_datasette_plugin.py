"""The Datasette plugin through Datasette's own client (no server): pages, JSON, metadata, safety."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import copy_database, run_cli
from datasette.app import Datasette
from datasette_servers import RAW_MARKUP, hostile_database
from generated_imports import write_big_import

from factdb.compare import CompareError, compare

pytestmark = pytest.mark.asyncio(loop_scope="module")

EVENT = "examplia-crackdown-2019-11"
ENDLESS_SQL = "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n"


@pytest.fixture(scope="module")
def ds(compare_db: Path) -> Datasette:
    """Datasette on the seeds plus the comparison fixture (database name: factdb)."""
    return Datasette([str(compare_db)])


@pytest.fixture(scope="module")
def hostile_ds(tmp_path_factory: pytest.TempPathFactory) -> Datasette:
    """Datasette on a database whose names, quotes and statements are full of markup."""
    return Datasette([str(hostile_database(tmp_path_factory.mktemp("hostile")))])


def figure_rows(html: str) -> list[str]:
    return re.findall(r'<tr data-source="([^"]+)">', html)


async def test_compare_page_shows_verdict_chart_table_and_notes(ds: Datasette, compare_db: Path) -> None:
    response = await ds.client.get(f"/-/compare/{EVENT}/killed")
    assert response.status_code == 200
    html = response.text
    comparison = compare(compare_db, EVENT, "killed")
    assert f'<span class="verdict-text">{comparison.verdict}</span>' in html.replace("&#39;", "'")
    assert figure_rows(html) == [f.source for f in comparison.figures]
    assert html.count('<g class="figure"') == len(comparison.figures) == 6
    assert html.count('class="bar"') == 6
    # Each row says where its figure stands, in compare's words; the one outside every agreement is marked.
    assert re.findall(r'<td class="figure-verdict conflicts">([^<]*)</td>', html) == ["In none of the largest agreements"]
    assert "In a largest agreement (360–400)" in html
    assert "none: some figures cannot both be right" in html
    assert "from 180 (Provincial Governor) to 1,500 (Opposition Council): the largest is 8.33× the smallest" in html
    assert "6 sources, 4 independent origins" in html
    assert "trace back to opposition-council" in html


async def test_compare_page_links_every_claim_source_and_the_event(ds: Datasette) -> None:
    # Issue 19: to the readable pages, no longer to Datasette's rows.
    html = (await ds.client.get(f"/-/compare/{EVENT}/killed")).text
    links = set(re.findall(r'href="(/-/(?:event|source|claim)/[^"]+)"', html))
    assert f"/-/event/{EVENT}" in links
    assert "/-/source/interior-ministry" in links
    claim_links = {link for link in links if link.startswith("/-/claim/")}
    assert len(claim_links) == 6
    for link in links:
        assert (await ds.client.get(link)).status_code == 200, link


async def test_consensus_band_when_all_figures_overlap(ds: Datasette) -> None:
    html = (await ds.client.get("/-/compare/iran-protests-2019-11/killed")).text
    assert "1,350–1,650 people: every figure allows these numbers" in html
    assert 'class="consensus"' in html


async def test_json_twin_is_the_comparison_contract(ds: Datasette, compare_db: Path) -> None:
    response = await ds.client.get(f"/-/compare/{EVENT}/killed.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == compare(compare_db, EVENT, "killed").to_dict()


async def test_population_comes_from_the_query_string(ds: Datasette, compare_db: Path) -> None:
    response = await ds.client.get(f"/-/compare/{EVENT}/killed.json?population=children")
    assert response.json() == compare(compare_db, EVENT, "killed", population="children").to_dict()
    html = (await ds.client.get(f"/-/compare/{EVENT}/killed?population=children")).text
    assert "<h1>People killed (children)</h1>" in html


async def test_as_of_shows_what_was_known_then(ds: Datasette, compare_db: Path) -> None:
    response = await ds.client.get(f"/-/compare/{EVENT}/killed.json?as_of=2019-12-05")
    assert response.json() == compare(compare_db, EVENT, "killed", as_of="2019-12-05").to_dict()


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/-/compare/no-such-event/killed", "No event &#39;no-such-event&#39;"),
        (f"/-/compare/{EVENT}/no-such-metric", "no-such-metric"),
    ],
)
async def test_unknown_event_or_metric_is_a_404_with_the_reason(ds: Datasette, path: str, message: str) -> None:
    response = await ds.client.get(path)
    assert response.status_code == 404
    assert message in response.text
    as_json = await ds.client.get(path + ".json")
    assert as_json.status_code == 404 and as_json.json()["ok"] is False


async def test_malformed_options_are_a_400(ds: Datasette) -> None:
    assert (await ds.client.get(f"/-/compare/{EVENT}/killed?tolerance=lots")).status_code == 400
    assert (await ds.client.get(f"/-/compare/{EVENT}/killed?as_of=yesterday")).status_code == 400


async def test_event_page_links_to_each_comparison(ds: Datasette) -> None:
    html = (await ds.client.get(f"/factdb/events/{EVENT}")).text
    assert "Compare the sources' figures" in html
    assert f'href="/-/compare/{EVENT}/killed"' in html
    assert f'href="/-/compare/{EVENT}/killed?population=children"' in html
    assert "People killed</a>: 11 figures from 6 sources" in html


async def test_claim_page_highlights_the_quote_inside_its_document(ds: Datasette) -> None:
    db = ds.get_database("factdb")
    pk = (await db.execute("select pk from claims where id = 'rm-killed-208'")).first()[0]
    html = (await ds.client.get(f"/factdb/claims/{pk}")).text
    assert '<mark class="factdb-quote">at least 208 people were killed</mark>' in html
    before, after = re.search(r'class="factdb-context">(.*?)<mark.*?</mark>(.*?)</blockquote>', html, re.S).groups()
    assert before.endswith("The confirmed toll has risen: ")
    assert after.startswith(".\n16 December 2019")
    assert f'href="/-/compare/{EVENT}/killed">compare with other sources</a>' in html


async def test_long_documents_are_cut_to_whole_words_around_the_quote(tmp_path: Path) -> None:
    document = tmp_path / "long.yaml"
    words = " ".join(f"word{i}" for i in range(400))
    document.write_text(
        "sources: [{id: s, name: S, kind: ngo}]\n"
        f"documents: [{{id: d, title: D, text: '{words} the middle sentence {words}'}}]\n"
        "claims: [{id: c, document: d, source: s, claimed_on: '2020', quote: the middle sentence}]\n"
    )
    path = tmp_path / "long.sqlite"
    assert run_cli("init", "--db", path).exit_code == 0
    assert run_cli("import", "--db", path, document).exit_code == 0
    html = (await Datasette([str(path)]).client.get("/long/claims/1")).text
    context = re.search(r'class="factdb-context">(.*?)</blockquote>', html, re.S).group(1)
    assert context.startswith("… word") and context.endswith(" …")
    assert ' word399 <mark class="factdb-quote">the middle sentence</mark> word0 ' in context
    assert len(context) < 1000


async def test_metadata_describes_the_database_whatever_its_name(ds: Datasette, compare_db: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "archive.db"
    shutil.copy(compare_db, renamed)
    other = Datasette([str(renamed)])
    metadata = (await other.client.get("/-/metadata.json")).json()
    assert metadata["title"] == "factdb"
    assert metadata["databases"]["archive"]["tables"]["claims"]["facets"] == ["source_id", "event_id"]
    html = (await other.client.get("/archive/claims")).text
    assert "One assertion by one source in one document" in html


async def test_claims_table_has_default_facets_labelled_by_name(ds: Datasette) -> None:
    facets = (await ds.client.get("/factdb/claims.json?_extra=facet_results")).json()["facet_results"]
    assert sorted(facets) == ["event_id", "source_id"]
    labels = {value["label"] for value in facets["source_id"]["results"]}
    assert "Rights Monitor" in labels
    assert "Examplia crackdown, November 2019" in {value["label"] for value in facets["event_id"]["results"]}


async def test_hidden_tables_are_not_listed(ds: Datasette) -> None:
    tables = {t["name"]: t["hidden"] for t in (await ds.client.get("/factdb.json")).json()["tables"]}
    assert tables["alembic_version"] and tables["import_batches"] and tables["claims_fts"]
    assert not tables["claims"] and not tables["sources"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/factdb/claims.json?_search=208&_shape=array", {"rm-killed-208"}),
        ("/factdb/claim_details.json?_search=208&_shape=array", {"rm-killed-208"}),
        ("/factdb/documents.json?_search=hospital&_shape=array", {"wire-agency-reports"}),
    ],
)
async def test_full_text_search_over_claims_and_documents(ds: Datasette, path: str, expected: set[str]) -> None:
    rows = (await ds.client.get(path)).json()
    assert {row.get("id") or row.get("claim_id") for row in rows} == expected


async def test_full_text_index_follows_new_claims(tmp_path: Path, compare_db: Path) -> None:
    path = tmp_path / "factdb.sqlite"
    shutil.copy(compare_db, path)
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "documents: [{id: extra, title: Extra, published: '2021', text: 'A zebracorn sighting was reported.'}]\n"
        "claims: [{id: zebra, document: extra, source: rights-monitor, quote: A zebracorn sighting}]\n"
    )
    assert run_cli("import", "--db", path, extra).exit_code == 0
    rows = (await Datasette([str(path)]).client.get("/factdb/claims.json?_search=zebracorn&_shape=array")).json()
    assert [row["id"] for row in rows] == ["zebra"]


async def test_canned_queries_link_to_comparisons_and_claims(ds: Datasette) -> None:
    html = (await ds.client.get(f"/factdb/compare_event?event={EVENT}")).text
    assert f'<a href="/-/compare/{EVENT}/killed?population=children">compare</a>' in html
    assert re.search(r'<a href="/factdb/claims/\d+">rm-killed-304</a>', html)
    for name, params in [
        ("claims_by_source", "source=RM"),
        ("conflicting_figures", f"event={EVENT}"),
        ("source_revisions", "source=rights-monitor"),
        ("relayed_claims", ""),
    ]:
        assert (await ds.client.get(f"/factdb/{name}?{params}")).status_code == 200, name


async def test_other_databases_are_left_alone(compare_db: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain.db"
    connection = sqlite3.connect(plain)
    connection.execute("create table events (id text primary key, name text)")
    connection.execute("insert into events values ('e1', 'Not a factdb event')")
    connection.commit()
    connection.close()
    both = Datasette([str(compare_db), str(plain)])
    metadata = (await both.client.get("/-/metadata.json")).json()
    assert sorted(metadata["databases"]) == ["factdb"]
    html = (await both.client.get("/plain/events/e1")).text
    assert "Compare the sources" not in html and "Not a factdb event" in html


async def test_there_are_no_write_endpoints(ds: Datasette) -> None:
    for path in ["/factdb", "/factdb/claims", "/factdb/claims/1", f"/-/compare/{EVENT}/killed",
                 "/factdb/claims/-/insert", "/factdb/claims/1/-/update", "/factdb/compare_event"]:
        response = await ds.client.post(path, json={"row": {"quote": "x"}})
        # Datasette 0.65 answers a POST to a table with a 500 ("You may only POST to a canned query").
        assert response.status_code >= 400, (path, response.status_code)
    db = ds.get_database("factdb")
    assert (await db.execute("select count(*) from claims where quote = 'x'")).first()[0] == 0


async def test_arbitrary_sql_is_time_limited(compare_db: Path) -> None:
    limited = Datasette([str(compare_db)], settings={"sql_time_limit_ms": 20})
    response = await limited.client.get("/factdb.json", params={"sql": ENDLESS_SQL})
    assert response.status_code == 400
    assert "interrupted" in response.text.lower() or "too long" in response.text.lower()


async def test_a_comparison_past_the_sql_time_limit_is_a_clear_400(compare_db: Path, tmp_path: Path) -> None:
    path = copy_database(compare_db, tmp_path / "factdb.sqlite")
    assert run_cli("import", "--db", path, write_big_import(tmp_path / "big.jsonl", 2_000)).exit_code == 0
    # One SQL thread, so the query after the comparison runs on the connection the comparison used.
    limited = Datasette([str(path)], settings={"sql_time_limit_ms": 1, "num_sql_threads": 1})
    page = "/-/compare/iran-protests-2019-11/big-killed"
    message = "The comparison took longer than the 1 ms time limit"
    response = await limited.client.get(page)
    assert response.status_code == 400 and message in response.text
    as_json = await limited.client.get(page + ".json")
    assert as_json.status_code == 400 and as_json.json()["ok"] is False and as_json.json()["error"] == message

    def state(connection: sqlite3.Connection) -> tuple[bool, int]:
        return connection.in_transaction, connection.execute("select count(*) from claims where id like 'big-%'").fetchone()[0]

    # Later queries on that connection still run: neither the time limit nor the read transaction is left behind.
    assert await limited.get_database("factdb").execute_fn(state) == (False, 2_000)


async def test_comparisons_on_datasettes_connection_equal_the_clis(ds: Datasette, compare_db: Path) -> None:
    """compare() on a sqlite3 connection, as the plugin runs it, gives what compare() on the file gives."""
    events = [row[0] for row in await ds.get_database("factdb").execute("select id from events order by id")]
    options: list[dict[str, object]] = [{}, {"history": True}, {"as_of": "2019-12-05"}, {"population": "children"}]

    def both(connection: sqlite3.Connection) -> None:
        for event in events:
            for option in options:
                try:
                    expected = [c.to_dict() for c in compare(compare_db, event, **option)]  # type: ignore[arg-type]
                except CompareError as error:
                    with pytest.raises(CompareError, match=re.escape(str(error))):
                        compare(connection, event, **option)  # type: ignore[arg-type]
                    continue
                assert [c.to_dict() for c in compare(connection, event, **option)] == expected, (event, option)  # type: ignore[arg-type]
        with pytest.raises(CompareError, match="No event 'nowhere'"):
            compare(connection, "nowhere", "killed")

    await ds.get_database("factdb").execute_fn(both)


async def test_a_sites_template_dir_overrides_the_plugins_templates(compare_db: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "factdb-compare.html").write_text(
        '{% extends "base.html" %}{% block content %}<p class="site-comparison">{{ comparison.verdict }}</p>{% endblock %}'
    )
    site = Datasette([str(compare_db)], template_dir=str(templates))
    html = (await site.client.get(f"/-/compare/{EVENT}/killed")).text
    assert '<p class="site-comparison">' in html and "factdb-range-chart" not in html
    # The plugin's templates the site does not override still apply.
    assert "Compare the sources' figures" in (await site.client.get(f"/factdb/events/{EVENT}")).text


async def test_facet_counts_follow_new_imports(tmp_path: Path, compare_db: Path) -> None:
    path = tmp_path / "factdb.sqlite"
    shutil.copy(compare_db, path)
    live = Datasette([str(path)])

    async def claims_by_rights_monitor() -> int:
        data = (await live.client.get("/factdb/claims.json?_extra=facet_results")).json()
        values = data["facet_results"]["source_id"]["results"]
        return next(value["count"] for value in values if value["value"] == "rights-monitor")

    before = await claims_by_rights_monitor()
    assert await claims_by_rights_monitor() == before  # served from the cache
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "documents: [{id: extra, title: Extra, published: '2021', text: 'Rights Monitor counted again.'}]\n"
        "claims: [{id: again, document: extra, source: rights-monitor, quote: counted again}]\n"
    )
    assert run_cli("import", "--db", path, extra).exit_code == 0
    assert await claims_by_rights_monitor() == before + 1


HOSTILE_PAGES = [
    "/-/compare/hostile-event/hostile-metric",
    "/-/compare/hostile-event/hostile-metric?population=%3Cu%3Ekids%3C/u%3E",
    "/hostile/claims/1",
    "/hostile/claims/2",
    "/hostile/events/hostile-event",
    "/hostile/claims",
    "/hostile/sources",
    "/hostile/documents",
    "/hostile/figures",
    "/hostile/claim_details",
    "/hostile/figure_comparison",
    "/hostile/compare_event?event=hostile-event",
    "/hostile/claims_by_source?source=markup-watch",
    "/-/compare/%3Cscript%3Ealert(1)%3C/script%3E/hostile-metric",
]


@pytest.mark.parametrize("path", HOSTILE_PAGES)
async def test_markup_in_the_data_is_shown_as_text(hostile_ds: Datasette, path: str) -> None:
    response = await hostile_ds.client.get(path, follow_redirects=True)
    assert response.status_code in (200, 404), response.status_code
    assert not RAW_MARKUP.search(response.text), RAW_MARKUP.search(response.text)


async def test_markup_is_visible_as_text_on_the_comparison_and_claim_pages(hostile_ds: Datasette) -> None:
    compare_html = (await hostile_ds.client.get("/-/compare/hostile-event/hostile-metric")).text
    assert "&lt;b&gt;Markup&lt;/b&gt; &#34;Watch&#34; &amp; &#39;Co&#39;" in compare_html
    assert "&lt;b&gt;Markup&lt;/b&gt; &#34;Watch&#34; &amp; &#39;Co&#39;" in compare_html.split("<svg", 1)[1]
    claim_html = (await hostile_ds.client.get("/hostile/claims/1")).text
    assert '<mark class="factdb-quote">&lt;script&gt;alert(1)&lt;/script&gt; at least 300 people were counted</mark>' in claim_html


async def test_json_keeps_markup_as_inert_data(hostile_ds: Datasette) -> None:
    response = await hostile_ds.client.get("/-/compare/hostile-event/hostile-metric.json")
    assert "<" not in response.text and ">" not in response.text
    names = [figure["source_name"] for figure in json.loads(response.text)["figures"]]
    assert "<b>Markup</b> \"Watch\" & 'Co'" in names
