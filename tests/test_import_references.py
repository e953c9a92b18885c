"""References between records: sources (by id or alias, in any case), events, metrics. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import dump_database, problems, rows, run_cli, write


# -- references -------------------------------------------------------------------------------------


def test_references_to_sources_events_and_metrics_ignore_case(basic_store: Path | str, tmp_path: Path) -> None:
    path = write(tmp_path, "claims.yaml", """\
claims:
  - id: shouted
    document: wire-2019-12
    source: AMNESTY
    via: REUTERS
    event: Iran-Protests-2019-11
    quote: at least 304 people had been killed
    figures: [{metric: KILLED, value: at least 304}]
documents:
  - {id: amnesty-statement, title: Statement, publisher: ai, text: At least 304 people had been killed.}
""")
    result = run_cli("import", "--db", basic_store, path)
    assert result.exit_code == 0, result.output
    assert rows(basic_store, "SELECT c.source_id, c.via_id, c.event_id, f.metric_id FROM claims c "
                          "JOIN figures f ON f.claim_pk = c.pk WHERE c.id = 'shouted'") == [
        ("amnesty", "reuters", "iran-protests-2019-11", "killed")]
    assert rows(basic_store, "SELECT publisher_id FROM documents WHERE id = 'amnesty-statement'") == [("amnesty",)]


def test_relation_target_given_by_alias_reimports_unchanged(fresh_store: Path | str, tmp_path: Path) -> None:
    path = write(tmp_path, "sources.yaml", """\
sources:
  - {id: ncri, name: National Council of Resistance of Iran, kind: opposition, aliases: [NCRI-coalition]}
  - {id: mek, name: People's Mojahedin Organization of Iran, kind: opposition, member_of: NCRI-Coalition}
""")
    assert run_cli("import", "--db", fresh_store, path).exit_code == 0
    assert rows(fresh_store, "SELECT source_id, relation, target_id FROM source_relations") == [("mek", "member_of", "ncri")]
    before = dump_database(fresh_store)
    assert run_cli("import", "--db", fresh_store, path).stdout == "sources: 0 added, 0 updated, 2 unchanged. Nothing changed.\n"
    assert run_cli("import", "--db", fresh_store, "--update", path).stdout.endswith("Nothing changed.\n")
    assert dump_database(fresh_store) == before


def test_event_parent_given_in_another_case_reimports_unchanged(fresh_store: Path | str, tmp_path: Path) -> None:
    path = write(tmp_path, "events.yaml", """\
events:
  - {id: iran-protests-2019, name: 2019 Iran protests}
  - {id: iran-protests-2019-11, name: November 2019 Iran protests, parent: Iran-Protests-2019}
""")
    assert run_cli("import", "--db", fresh_store, path).exit_code == 0
    assert rows(fresh_store, "SELECT parent_id FROM events WHERE id = 'iran-protests-2019-11'") == [("iran-protests-2019",)]
    before = dump_database(fresh_store)
    again = run_cli("import", "--db", fresh_store, path)
    assert again.stdout == "events: 0 added, 0 updated, 2 unchanged. Nothing changed.\n", again.output
    assert run_cli("import", "--db", fresh_store, "--update", path).stdout.endswith("Nothing changed.\n")
    assert dump_database(fresh_store) == before


def test_unknown_source_hint_names_the_source_behind_a_close_alias(basic_store: Path | str, tmp_path: Path) -> None:
    path = write(tmp_path, "claims.yaml", "claims:\n  - {document: wire-2019-12, source: PMO, "
                                          "quote: at least 304 people had been killed}\n")
    result = run_cli("import", "--db", basic_store, path)
    assert problems(result)[0].startswith(f"{path}:2: claims[0].source: unknown source 'PMO'; closest known: PMOI (alias of mek) ")


def test_an_alias_cannot_be_another_sources_id_in_either_order(fresh_store: Path | str, tmp_path: Path) -> None:
    path = write(tmp_path, "sources.yaml", """\
sources:
  - {id: reuters, name: Reuters, kind: media}
  - {id: reuters-uk, name: Reuters UK, kind: media, aliases: [REUTERS]}
  - {id: thomson, name: Thomson Reuters, kind: media, aliases: [Reuters-US]}
  - {id: reuters-us, name: Reuters US, kind: media}
""")
    result = run_cli("import", "--db", fresh_store, path)
    assert problems(result) == [
        f"{path}:3: sources[1].aliases: alias 'REUTERS' already names source 'reuters' "
        "(hint: an alias must name one source only; remove it from one of them)",
        f"{path}:5: sources[3].id: 'reuters-us' is already a name of source 'thomson' (hint: choose another id, or use that source)",
    ]
    assert rows(fresh_store, "SELECT count(*) FROM sources") == [(0,)]


@pytest.mark.parametrize("aliases", ["[MEK, Mek]", "[PMOI, pmoi]"])
def test_an_alias_repeated_in_another_case_is_stored_once_and_reimports_unchanged(
        fresh_store: Path | str, tmp_path: Path, aliases: str) -> None:
    path = write(tmp_path, "sources.yaml", f"sources:\n  - {{id: mek, name: MEK, kind: opposition, aliases: {aliases}}}\n")
    first = run_cli("import", "--db", fresh_store, path)
    assert first.exit_code == 0, first.output
    assert rows(fresh_store, "SELECT alias FROM source_aliases") == [(aliases.strip("[]").split(",")[0],)]
    assert run_cli("import", "--db", fresh_store, path).stdout == "sources: 0 added, 0 updated, 1 unchanged. Nothing changed.\n"
