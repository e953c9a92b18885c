"""The whole-table facet cache: which queries it answers from memory, and when it recounts."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from datasette.app import Datasette

from factdb.datasette_plugin.facet_cache import WholeTableFacetCache

pytestmark = pytest.mark.asyncio(loop_scope="module")


@dataclass
class Served:
    datasette: Datasette
    cache: WholeTableFacetCache
    counted: list[str] = field(default_factory=list)  # the facet queries that reached SQLite


async def served(path: Path, *, immutable: bool = False) -> Served:
    datasette = Datasette(immutables=[str(path)]) if immutable else Datasette([str(path)])
    db = datasette.get_database("factdb")
    counted: list[str] = []
    uncached = db.execute

    async def counting(sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        if "count(*) as count" in sql:
            counted.append(sql)
        return await uncached(sql, params, *args, **kwargs)

    db.execute = counting
    await datasette.invoke_startup()  # factdb's startup hook installs the cache
    cache = db.execute.__self__
    assert isinstance(cache, WholeTableFacetCache)
    assert WholeTableFacetCache.install(db) is cache, "installing twice keeps the first cache"
    return Served(datasette, cache, counted)


async def facet_queries(site: Served, path: str) -> None:
    response = await site.datasette.client.get(path)
    assert response.status_code == 200, response.text


@pytest.fixture
def live_db(compare_db: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(compare_db, tmp_path / "factdb.sqlite"))


async def test_whole_table_facets_are_counted_once(live_db: Path) -> None:
    site = await served(live_db)
    await facet_queries(site, "/factdb/claims.json?_extra=facet_results")
    assert len(site.counted) == 2  # the default facets: source_id and event_id
    await facet_queries(site, "/factdb/claims.json?_extra=facet_results")
    await facet_queries(site, "/factdb/claims?_facet=event_id")
    assert len(site.counted) == 2


async def test_filtered_pages_are_always_counted(live_db: Path) -> None:
    site = await served(live_db)
    for _ in range(2):
        await facet_queries(site, "/factdb/claims.json?_extra=facet_results&source_id=rights-monitor")
    assert len(site.counted) == 4
    assert not site.cache.results


async def test_an_import_makes_every_facet_be_counted_again(live_db: Path, tmp_path: Path) -> None:
    site = await served(live_db)
    await facet_queries(site, "/factdb/claims.json?_extra=facet_results")
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "documents: [{id: extra, title: Extra, published: '2021', text: 'Rights Monitor counted again.'}]\n"
        "claims: [{id: again, document: extra, source: rights-monitor, quote: counted again}]\n"
    )
    assert run_cli("import", "--db", live_db, extra).exit_code == 0
    await facet_queries(site, "/factdb/claims.json?_extra=facet_results")
    assert len(site.counted) == 4


async def test_an_immutable_database_keeps_its_counts(compare_db: Path) -> None:
    site = await served(compare_db, immutable=True)
    for _ in range(3):
        await facet_queries(site, "/factdb/claims.json?_extra=facet_results")
    assert len(site.counted) == 2 and site.cache.watcher is None


async def test_the_cache_holds_at_most_max_entries(live_db: Path) -> None:
    site = await served(live_db)
    site.cache.MAX_ENTRIES = 3
    for size in range(1, 5):  # every size is a new query for each of the two facets
        await facet_queries(site, f"/factdb/claims.json?_extra=facet_results&_facet_size={size}")
        assert 0 < len(site.cache.results) <= 3
