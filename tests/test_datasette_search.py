"""Search with stemming over claims, sources and documents (migration 0006), from one box."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import copy_database, run_cli, write
from datasette.app import Datasette
from datasette_servers import RAW_MARKUP, hostile_database

from factdb.datasette_plugin.search_page import SEARCH_LIMIT
from factdb.db import downgrade, make_engine, upgrade

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def ds(compare_db: Path) -> Datasette:
    return Datasette([str(compare_db)])


def ids(found: list[dict[str, str]]) -> set[str]:
    return {row["id"] for row in found}


async def test_killing_finds_killed_and_arrests_finds_arrested(ds: Datasette) -> None:
    killing = (await ds.client.get("/-/search.json?q=killing")).json()
    assert {"rm-killed-208", "ncri-killed-approximately-1500"} <= ids(killing["claims"])
    arrests = (await ds.client.get("/-/search.json?q=arrests")).json()
    assert ids(arrests["claims"]) == {"council-arrested-12000", "rm-arrested-thousands", "author-thousands-of-activists-arrested"}
    assert "rights-monitor-updates" in ids(arrests["documents"])


async def test_sources_are_found_by_name_and_by_alias(ds: Datasette) -> None:
    assert ids((await ds.client.get("/-/search.json?q=MEK")).json()["sources"]) == {"mek"}
    assert ids((await ds.client.get("/-/search.json?q=mojahedin")).json()["sources"]) == {"mek"}
    assert "ncri" in ids((await ds.client.get("/-/search.json?q=resistance")).json()["sources"])


async def test_the_tables_own_search_stems_too(ds: Datasette) -> None:
    rows = (await ds.client.get("/factdb/claims.json?_search=arrests&_shape=objects")).json()["rows"]
    assert {row["id"] for row in rows} == {"council-arrested-12000", "rm-arrested-thousands", "author-thousands-of-activists-arrested"}


async def test_search_page_links_each_match_to_its_page(ds: Datasette) -> None:
    html = (await ds.client.get("/-/search?q=arrests")).text
    assert '<a href="/-/claim/rm-arrested-thousands">claim</a>' in html
    assert '<a href="/-/document/rights-monitor-updates">' in html
    assert "No source matches." in html
    assert 'value="arrests"' in html


@pytest.mark.parametrize("words", ['NEAR(', '"', "a:b", "kill*", "AND OR NOT", "   "])
async def test_search_operators_in_the_box_are_plain_words(ds: Datasette, words: str) -> None:
    response = await ds.client.get("/-/search.json", params={"q": words})
    assert response.status_code == 200


async def test_many_matches_are_bounded_and_link_to_the_table(ds: Datasette, tmp_path: Path, compare_db: Path) -> None:
    from generated_imports import write_big_import

    path = copy_database(compare_db, tmp_path / "big.sqlite")
    assert run_cli("import", "--db", path, write_big_import(tmp_path / "big.jsonl", SEARCH_LIMIT * 3)).exit_code == 0
    big = Datasette([str(path)])
    found = (await big.client.get("/-/search.json?q=item")).json()
    assert len(found["claims"]) == SEARCH_LIMIT
    assert '<a href="/big/claims?_search=item">every matching claim in the table</a>' in (await big.client.get("/-/search?q=item")).text


async def test_the_source_index_follows_imports_of_new_aliases(tmp_path: Path, compare_db: Path) -> None:
    path = copy_database(compare_db, tmp_path / "aliases.sqlite")
    data = write(tmp_path, "more.yaml", "sources:\n  - {id: harbour-watch, name: Harbour Watch, kind: ngo, aliases: [HW-Observers]}\n")
    result = run_cli("import", "--db", path, data)
    assert result.exit_code == 0, result.output
    found = (await Datasette([str(path)]).client.get("/-/search.json?q=observers")).json()
    assert ids(found["sources"]) == {"harbour-watch"}


async def test_upgrading_an_existing_database_indexes_what_it_holds(tmp_path: Path, compare_db: Path) -> None:
    path = copy_database(compare_db, tmp_path / "old.sqlite")
    engine = make_engine(path)
    downgrade(engine, "0005")
    connection = sqlite3.connect(path)
    assert connection.execute("select count(*) from claims_fts where claims_fts match 'arrests'").fetchone()[0] == 0
    connection.close()
    upgrade(engine)
    engine.dispose()
    connection = sqlite3.connect(path)
    assert connection.execute("select count(*) from claims_fts where claims_fts match 'arrests'").fetchone()[0] == 3
    sources = connection.execute("select count(*) from sources").fetchone()[0]
    assert connection.execute("select count(*) from sources_fts").fetchone()[0] == sources
    assert connection.execute("pragma integrity_check").fetchone()[0] == "ok"
    connection.execute("insert into claims_fts(claims_fts, rank) values('integrity-check', 1)")
    connection.close()


async def test_search_results_escape_hostile_text(tmp_path: Path) -> None:
    hostile = Datasette([str(hostile_database(tmp_path))])
    html = (await hostile.client.get("/-/search?q=counted")).text
    assert "plain-claim" in html and not RAW_MARKUP.search(html)
    markup = (await hostile.client.get("/-/search?q=markup")).text
    assert "&lt;b&gt;Markup&lt;/b&gt;" in markup and not RAW_MARKUP.search(markup)
    assert "<" not in (await hostile.client.get("/-/search.json?q=markup")).text


async def test_the_source_index_follows_every_change_to_sources_and_aliases(tmp_path: Path, compare_db: Path) -> None:
    path = copy_database(compare_db, tmp_path / "changes.sqlite")
    connection = sqlite3.connect(path)

    def found(words: str) -> list[tuple[str, str, str | None]]:
        return connection.execute(
            "select source_id, name, aliases from sources_fts where sources_fts match '{name aliases} : ' || ?", (words,)).fetchall()

    with connection:
        connection.execute("update sources set name = 'Examplia Rights Observatory' where id = 'rights-monitor'")
    assert found("observatory") == [("rights-monitor", "Examplia Rights Observatory", "RM")]
    assert found("monitor") == []
    with connection:
        connection.execute("update source_aliases set alias = 'ERO', alias_key = 'ero' where source_id = 'rights-monitor'")
    assert found("ero") == [("rights-monitor", "Examplia Rights Observatory", "ERO")] and found("rm") == []
    with connection:
        connection.execute("delete from source_aliases where source_id = 'rights-monitor'")
    assert found("observatory") == [("rights-monitor", "Examplia Rights Observatory", None)]
    with connection:
        connection.execute("insert into sources (id, name, kind, batch_id) values ('watch', 'Harbour Watch', 'ngo', 1)")
        connection.execute("insert into source_aliases (source_id, alias, alias_key, batch_id) values ('watch', 'HW', 'hw', 1)")
        connection.execute("insert into source_aliases (source_id, alias, alias_key, batch_id) values ('watch', 'Quay Watchers', 'quay watchers', 1)")
    assert found("watchers") == [("watch", "Harbour Watch", "HW Quay Watchers")]
    with connection:
        connection.execute("delete from source_aliases where source_id = 'watch'")
        connection.execute("delete from sources where id = 'watch'")
    assert found("watch") == [] and found("quay") == []
    sources = connection.execute("select count(*) from sources").fetchone()[0]
    assert connection.execute("select count(*) from sources_fts").fetchone()[0] == sources
    connection.close()
