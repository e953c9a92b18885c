"""What an import keeps exactly as written, where YAML 1.1 or Unicode would change it (issue 16).

The refusals are in tests/bad_input; these are the values that must survive: ids typed as numbers
in YAML stay the text typed, YAML 1.2 decimals stay numbers, and figures in other scripts' digits
are read as the figure grammar reads them. Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conftest import dump_database, problems, rows, run_cli, write

NUMBERS_AS_IDS = """\
sources:
  - {id: 0010, name: 0x10, kind: ngo, aliases: [1_000, "1:30"]}
events:
  - {id: 010, name: 1:30, start: 2019}
metrics:
  - {id: 017, name: Figure 017, unit: percent}
documents:
  - {id: 1e3, title: 0o17, published: 2019-11, text: "A figure of 1,500, then 12.5, then 017."}
claims:
  - id: 007
    document: 1e3
    source: 0010
    event: 010
    quote: A figure of 1,500, then 12.5, then 017.
    figures:
      - {metric: 017, value: 1500}
      - {metric: 017, value: 12.5, population: "010"}
      - {metric: 017, value: "017"}
"""


def test_yaml_ids_and_names_that_look_like_yaml_11_numbers_are_kept_as_written(fresh_store: Path | str, tmp_path: Path) -> None:
    db = fresh_store
    result = run_cli("import", "--db", db, write(tmp_path, "numbers.yaml", NUMBERS_AS_IDS))
    assert result.exit_code == 0, result.output
    assert rows(db, "SELECT id, name FROM sources") == [("0010", "0x10")]
    assert sorted(rows(db, "SELECT alias FROM source_aliases")) == [("1:30",), ("1_000",)]
    assert rows(db, "SELECT id, name FROM events") == [("010", "1:30")]
    assert rows(db, "SELECT id, name FROM metrics") == [("017", "Figure 017")]
    assert rows(db, "SELECT id, title FROM documents") == [("1e3", "0o17")]
    assert rows(db, "SELECT id, source_id, event_id FROM claims") == [("007", "0010", "010")]
    # 1500 and 12.5 are YAML 1.2 decimals; a quoted "017" is a phrase, read by the figure grammar.
    assert rows(db, "SELECT value, population FROM figures ORDER BY position") == [(1500, None), (12.5, "010"), (17, None)]


def test_figures_in_persian_and_fullwidth_digits_are_read_as_their_numbers(fresh_store: Path | str, tmp_path: Path) -> None:
    db = fresh_store
    text = """\
sources: [{id: hrana, name: HRANA, kind: ngo}]
metrics: [{id: killed, name: People killed, unit: people}]
documents: [{id: report, title: Report, published: 2019-12, text: "۱۵۰۰ کشته; at least ３００ named"}]
claims:
  - {document: report, source: hrana, quote: "۱۵۰۰ کشته; at least ３００ named", figures: [{metric: killed, value: "۱۵۰۰"}, {metric: killed, value: "at least ３００"}]}
"""
    result = run_cli("import", "--db", db, write(tmp_path, "persian.yaml", text))
    assert result.exit_code == 0, result.output
    assert rows(db, "SELECT qualifier, value, stated FROM figures ORDER BY position") == [
        ("exact", 1500, "۱۵۰۰"), ("at_least", 300, "at least ３００")]


# -- --update keeps the rules between records ---------------------------------------------------------

REVISED = """\
sources:
  - {id: amnesty, name: Amnesty International, kind: ngo}
  - {id: hrana, name: HRANA, kind: ngo}
events:
  - {id: protests-2019, name: Protests of November 2019}
  - {id: protests-2018, name: Protests of January 2018}
documents:
  - {id: report, title: Report, published: 2020-05, text: "At least 300 were killed. At least 304 were killed."}
claims:
  - {id: first, document: report, source: amnesty, event: protests-2019, claimed_on: 2019-12, quote: At least 300 were killed.}
  - {id: second, document: report, source: amnesty, event: protests-2019, claimed_on: 2020-05, quote: At least 304 were killed.,
     supersedes: first}
"""


def _revised_database(db: Path | str, tmp_path: Path) -> Path | str:
    result = run_cli("import", "--db", db, write(tmp_path, "revised.yaml", REVISED))
    assert result.exit_code == 0, result.output
    return db


@pytest.mark.parametrize(("field", "value", "says"), [
    ("source", "hrana", "is by 'hrana', not 'amnesty'"),
    ("claimed_on", "2021-01", "(2021-01) is later than this one (2020-05)"),
    ("event", "protests-2018", "is about event 'protests-2018', not 'protests-2019'"),
])
def test_update_of_a_superseded_claim_keeps_its_revision_valid(fresh_store: Path | str, tmp_path: Path, field: str, value: str, says: str) -> None:
    """Changing the earlier claim's source, date or event would leave 'second' superseding a claim it
    may not supersede (and the export would no longer import)."""
    db = _revised_database(fresh_store, tmp_path)
    before = dump_database(db)
    changed = {"source": "amnesty", "claimed_on": "2019-12", "event": "protests-2019", field: value}
    update = write(tmp_path, "update.yaml", "claims:\n  - {id: first, document: report, quote: At least 300 were killed., "
                   + ", ".join(f"{k}: {v}" for k, v in changed.items()) + "}\n")
    result = run_cli("import", "--db", db, "--update", update)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    [problem] = problems(result)
    assert problem.startswith(f"{update}:2: first: stored claim 'second' supersedes this claim"), problem
    assert says in problem and "(hint: change 'second' in the same import" in problem
    assert dump_database(db) == before


def test_update_of_both_ends_of_a_revision_together_is_accepted(fresh_store: Path | str, tmp_path: Path) -> None:
    db = _revised_database(fresh_store, tmp_path)
    update = write(tmp_path, "update.yaml", """\
claims:
  - {id: first, document: report, source: hrana, event: protests-2018, claimed_on: 2019-12, quote: At least 300 were killed.}
  - {id: second, document: report, source: hrana, event: protests-2018, claimed_on: 2020-05, quote: At least 304 were killed.,
     supersedes: first}
""")
    result = run_cli("import", "--db", db, "--update", update)
    assert result.exit_code == 0, result.output
    assert rows(db, "SELECT c.id, c.source_id, c.event_id, t.id FROM claims c LEFT JOIN claims t ON t.pk = c.supersedes_pk "
                    "ORDER BY c.id") == [("first", "hrana", "protests-2018", None), ("second", "hrana", "protests-2018", "first")]


# -- --update of a document keeps its earlier texts ----------------------------------------------------

DOCUMENT = """\
sources: [{{id: amnesty, name: Amnesty International, kind: ngo}}]
documents: [{{id: report, title: Report, published: 2020-05, text: "{text}"}}]
claims: [{{id: first, document: report, source: amnesty, quote: At least 300 were killed.}}]
"""


def test_update_of_a_document_keeps_every_earlier_text_and_its_hash(fresh_store: Path | str, tmp_path: Path) -> None:
    db = fresh_store
    texts = ["At least 300 were killed.", "Update: At least 300 were killed.", "Update 2: At least 300 were killed."]
    for number, text in enumerate(texts):
        result = run_cli("import", "--db", db, "--update", write(tmp_path, f"v{number}.yaml", DOCUMENT.format(text=text)))
        assert result.exit_code == 0, result.output
    batches = [batch for (batch,) in rows(db, "SELECT id FROM import_batches ORDER BY id")]
    assert rows(db, "SELECT document_id, version, text, text_sha256, replaced_batch_id FROM document_history ORDER BY version") == [
        ("report", 1, texts[0], hashlib.sha256(texts[0].encode()).hexdigest(), batches[1]),
        ("report", 2, texts[1], hashlib.sha256(texts[1].encode()).hexdigest(), batches[2])]
    assert rows(db, "SELECT text FROM documents") == [(texts[2],)]


def test_update_of_a_document_text_that_loses_a_quote_is_refused_and_keeps_no_history(fresh_store: Path | str, tmp_path: Path) -> None:
    db = fresh_store
    assert run_cli("import", "--db", db, write(tmp_path, "v0.yaml", DOCUMENT.format(text="At least 300 were killed."))).exit_code == 0
    before = dump_database(db)
    changed = write(tmp_path, "v1.yaml", DOCUMENT.format(text="At least 400 were killed.").replace(
        "claims: [{id: first, document: report, source: amnesty, quote: At least 300 were killed.}]\n", ""))
    result = run_cli("import", "--db", db, "--update", changed)
    assert result.exit_code == 1
    assert "the new text no longer contains the quote of claim 'first'" in result.output
    assert dump_database(db) == before


@pytest.mark.parametrize(("text", "says"), [
    ("sources:\n  - {id: un, name: United Nations, kind: intergovernmental, aliases: [UN], url: \"https://www.un.org\","
     " part_of: un-general-assembly}\n", "sources form a cycle of part_of/member_of relations: un-general-assembly -> un"),
    ("claims:\n  - {id: amnesty-killed-at-least-300, document: iran-resolution-follow-ups-2020, source: amnesty, via: Amnesty,"
     " event: iran-protests-2019-11, claimed_on: \"2019\", quote: \"Amnesty quickly determined that at least 300 people had"
     " been killed during several days’ unrest\"}\n", "a claim cannot be relayed through its own source ('amnesty')"),
])
def test_update_keeps_relations_without_cycles_and_via_apart_from_the_source(seeded_store: Path | str, tmp_path: Path, text: str,
                                                                             says: str) -> None:
    before = dump_database(seeded_store)
    result = run_cli("import", "--db", seeded_store, "--update", write(tmp_path, "update.yaml", text))
    assert result.exit_code == 1
    assert says in result.output and "Traceback" not in result.output
    assert dump_database(seeded_store) == before


def test_update_may_give_a_renamed_sources_old_name_to_another(fresh_store: Path | str, tmp_path: Path) -> None:
    db = fresh_store
    first = "sources:\n  - {id: a, name: Iran Human Rights, kind: ngo}\n  - {id: b, name: IHR Monitor, kind: ngo}\n"
    assert run_cli("import", "--db", db, write(tmp_path, "v0.yaml", first)).exit_code == 0
    swapped = "sources:\n  - {id: a, name: Iran Human Rights Group, kind: ngo}\n  - {id: b, name: iran human rights, kind: ngo}\n"
    result = run_cli("import", "--db", db, "--update", write(tmp_path, "v1.yaml", swapped))
    assert result.exit_code == 0, result.output
    assert rows(db, "SELECT id, name FROM sources ORDER BY id") == [("a", "Iran Human Rights Group"), ("b", "iran human rights")]
