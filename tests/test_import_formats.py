"""The keys of each import format (YAML, JSON, JSON Lines, CSV) and where each is stored."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

from conftest import GROUPED_CSV, dump_database, problems, quoted, rows, run_cli, write


@pytest.fixture
def fresh_db(fresh_store: Path | str) -> Path | str:
    """Every test of this module runs on SQLite and on PostgreSQL (conftest.fresh_store)."""
    return fresh_store


@pytest.fixture
def basic_db(basic_store: Path | str) -> Path | str:
    """Every test of this module runs on SQLite and on PostgreSQL (conftest.basic_store)."""
    return basic_store



# -- the keys of each import format -----------------------------------------------------------------

EVERY_KEY = """\
sources:
  - {id: un, name: United Nations, kind: intergovernmental, url: "https://www.un.org", description: The world body}
  - {id: un-general-assembly, name: UN General Assembly, kind: intergovernmental, aliases: [UNGA, General Assembly], part_of: [un]}
  - {id: canada, name: Canada, kind: government, country: Canada}
  - {id: ncri, name: National Council of Resistance of Iran, kind: opposition}
  - {id: mek, name: People's Mojahedin Organization of Iran, kind: opposition, aliases: [PMOI], member_of: ncri}
  - {id: reuters, name: Reuters, kind: media}
events:
  - {id: un-third-committee-2020, name: UN Third Committee session, start: 2020, end: 2020-11}
  - id: un-vote-2020-11-18
    name: UN vote on Iran's human rights
    description: The General Assembly's 67th resolution on Iran
    start: 2020-11-18
    end: 2020-11-18
    parent: un-third-committee-2020
metrics:
  - {id: votes_in_favour, name: Votes in favour, unit: votes, description: Member states voting yes}
documents:
  - id: un-vote-article
    title: UN condemns Iran
    author: Jane Doe
    publisher: unga
    published: 2020
    url: https://example.org/un-vote
    language: en
    text: "The General Assembly adopted the resolution, introduced by Canada, with 79 votes in favour.\\n"
claims:
  - id: unga-79
    document: un-vote-article
    source: General Assembly
    via: Reuters
    event: un-vote-2020-11-18
    claimed_on: 2020-11-18
    quote: adopted the resolution, introduced by Canada, with 79 votes in favour
    statement: The resolution passed with 79 votes in favour.
    status: disputed
    figures:
      - {metric: votes_in_favour, qualifier: exact, value: 79}
"""


def test_every_documented_key_is_stored_where_it_belongs(fresh_db: Path, tmp_path: Path) -> None:
    result = run_cli("import", "--db", fresh_db, write(tmp_path, "every-key.yaml", EVERY_KEY))
    assert result.exit_code == 0, result.output
    assert rows(fresh_db, "SELECT id, name, kind, url, country, description FROM sources ORDER BY id") == [
        ("canada", "Canada", "government", None, "Canada", None),
        ("mek", "People's Mojahedin Organization of Iran", "opposition", None, None, None),
        ("ncri", "National Council of Resistance of Iran", "opposition", None, None, None),
        ("reuters", "Reuters", "media", None, None, None),
        ("un", "United Nations", "intergovernmental", "https://www.un.org", None, "The world body"),
        ("un-general-assembly", "UN General Assembly", "intergovernmental", None, None, None),
    ]
    assert rows(fresh_db, "SELECT alias, alias_key, source_id FROM source_aliases ORDER BY alias_key") == [
        ("General Assembly", "general assembly", "un-general-assembly"), ("PMOI", "pmoi", "mek"),
        ("UNGA", "unga", "un-general-assembly")]
    assert rows(fresh_db, "SELECT source_id, relation, target_id FROM source_relations ORDER BY source_id") == [
        ("mek", "member_of", "ncri"), ("un-general-assembly", "part_of", "un")]
    assert rows(fresh_db, "SELECT id, name, description, start_date, start_precision, end_date, end_precision, parent_id "
                          "FROM events ORDER BY id") == [
        ("un-third-committee-2020", "UN Third Committee session", None, "2020", "year", "2020-11", "month", None),
        ("un-vote-2020-11-18", "UN vote on Iran's human rights", "The General Assembly's 67th resolution on Iran",
         "2020-11-18", "day", "2020-11-18", "day", "un-third-committee-2020"),
    ]
    assert rows(fresh_db, "SELECT id, name, unit, description FROM metrics") == [
        ("votes_in_favour", "Votes in favour", "votes", "Member states voting yes")]
    text = "The General Assembly adopted the resolution, introduced by Canada, with 79 votes in favour.\n"
    assert rows(fresh_db, "SELECT id, title, author, publisher_id, published, published_precision, url, language, text, "
                          "text_sha256 FROM documents") == [
        ("un-vote-article", "UN condemns Iran", "Jane Doe", "un-general-assembly", "2020", "year",
         "https://example.org/un-vote", "en", text, hashlib.sha256(text.encode()).hexdigest())]
    assert rows(fresh_db, "SELECT id, source_id, via_id, event_id, claimed_on, claimed_on_precision, quote, statement, "
                          "status, supersedes_pk FROM claims") == [
        ("unga-79", "un-general-assembly", "reuters", "un-vote-2020-11-18", "2020-11-18", "day",
         "adopted the resolution, introduced by Canada, with 79 votes in favour",
         "The resolution passed with 79 votes in favour.", "disputed", None)]
    assert quoted(fresh_db, "unga-79") == "adopted the resolution, introduced by Canada, with 79 votes in favour"
    assert rows(fresh_db, "SELECT metric_id, population, qualifier, value, low, high, stated FROM figures") == [
        ("votes_in_favour", None, "exact", 79, 79, 79, "79")]


JSON_CLAIMS = """\
{
  "claims": [
    {
      "id": "json-amnesty",
      "document": "wire-2019-12",
      "source": "Amnesti",
      "quote": "at least 304 people had been killed"
    },
    {
      "id": "json-ncri",
      "document": "wire-2019-12",
      "source": "ncri",
      "quote": "at least 304 people had been killed",
      "figures": [
        {"metric": "killed", "value": "at lest 304"}
      ]
    }
  ]
}
"""


def test_json_problems_name_the_line_of_the_record_or_figure(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "claims.json", JSON_CLAIMS)
    result = run_cli("import", "--db", basic_db, path)
    assert result.exit_code == 1
    first, second = problems(result)
    assert first == (f"{path}:3: claims[0].source: unknown source 'Amnesti'; closest known: amnesty (hint: define the source "
                     "under 'sources:' (in this or another file of the import), or use its id or an alias)")
    assert second.startswith(f"{path}:15: claims[1].figures[0].value: ") and "'at lest 304'" in second


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_unknown_metric_of_a_figure_names_the_figures_line(basic_db: Path, tmp_path: Path, fmt: str) -> None:
    text = JSON_CLAIMS.replace('"metric": "killed", "value": "at lest 304"', '"metric": "kiled", "value": "at least 304"')
    path = write(tmp_path, f"claims.{fmt}", text)  # JSON is YAML too, with the same lines
    result = run_cli("import", "--db", basic_db, path)
    assert [p.split(": ", 2)[:2] for p in problems(result)][1] == [f"{path}:15", "claims[1].figures[0].metric"]


def test_json_with_the_yaml_structure_imports_the_same_rows(fresh_db: Path, tmp_path: Path) -> None:
    data = yaml.safe_load(EVERY_KEY)
    path = write(tmp_path, "every-key.json", json.dumps(data, indent=2, default=str))
    result = run_cli("import", "--db", fresh_db, path)
    assert result.exit_code == 0, result.output
    other = tmp_path / "from-yaml.sqlite"
    assert run_cli("init", "--db", other).exit_code == 0
    assert run_cli("import", "--db", other, write(tmp_path, "every-key.yaml", EVERY_KEY)).exit_code == 0
    query = ("SELECT c.id, c.source_id, c.via_id, c.claimed_on, c.quote_start, c.quote_end, d.published_precision, "
             "f.qualifier, f.value FROM claims c JOIN documents d ON d.pk = c.document_pk JOIN figures f ON f.claim_pk = c.pk")
    assert rows(fresh_db, query) == rows(other, query) != []


def test_json_lines_hold_every_kind_with_source_kind_and_name_their_line(fresh_db: Path, tmp_path: Path) -> None:
    records = [
        {"kind": "source", "id": "hrana", "name": "Human Rights Activists News Agency", "source_kind": "ngo", "aliases": ["HRANA"]},
        {"kind": "event", "id": "iran-protests-2019-11", "name": "November 2019 Iran protests", "start": "2019-11-15"},
        {"kind": "metric", "id": "arrested", "name": "People arrested", "unit": "people"},
        {"kind": "document", "id": "hrana-report", "title": "HRANA report", "published": "2019-12",
         "text": "HRANA said at least 7,000 people had been arrested."},
        {"kind": "claim", "document": "hrana-report", "source": "HRANA", "event": "iran-protests-2019-11",
         "quote": "at least 7,000 people had been arrested", "figures": [{"metric": "arrested", "value": "at least 7,000"}]},
    ]
    path = write(tmp_path, "all.jsonl", "".join(json.dumps(r) + "\n" for r in records))
    result = run_cli("import", "--db", fresh_db, path)
    assert result.exit_code == 0, result.output
    assert result.stdout == ("sources: 1 added, 0 updated, 0 unchanged; events: 1 added, 0 updated, 0 unchanged; "
                             "metrics: 1 added, 0 updated, 0 unchanged; documents: 1 added, 0 updated, 0 unchanged; "
                             "claims: 1 added, 0 updated, 0 unchanged; figures: 1 added, 0 updated, 0 unchanged.\n")
    assert rows(fresh_db, "SELECT id, kind FROM sources") == [("hrana", "ngo")]
    assert rows(fresh_db, "SELECT source_id, claimed_on, claimed_on_precision FROM claims") == [("hrana", "2019-12", "month")]

    records[4] = {**records[4], "id": "hrana-7000", "event": "iran-protests-2019-12"}
    bad = write(tmp_path, "bad.jsonl", "\n" + "".join(json.dumps(r) + "\n" for r in records[3:]))
    result = run_cli("import", "--db", fresh_db, bad)
    assert problems(result) == [
        f"{bad}:3: line 3.event: unknown event 'iran-protests-2019-12'; closest known: iran-protests-2019-11 (hint: define "
        "it under 'events:' in this or another file of the import, or fix the id)"]


def derived_id(document: str, source: str, quote: str) -> str:
    # Stored ids must not change between factdb versions, or re-importing an old file would duplicate its claims.
    return f"{document}.{source}.{hashlib.sha256(quote.encode()).hexdigest()[:12]}"


def test_csv_rows_without_claim_id_are_grouped_by_their_claim_columns(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "claims.csv", GROUPED_CSV)
    result = run_cli("import", "--db", basic_db, path)
    assert result.exit_code == 0, result.output
    assert result.stdout == "claims: 2 added, 0 updated, 0 unchanged; figures: 3 added, 0 updated, 0 unchanged.\n"
    ncri = derived_id("wire-2019-12", "ncri", "The NCRI says “approximately 1,500” people were killed, including several children")
    amnesty = derived_id("wire-2019-12", "amnesty", "at least 304 people had been killed")
    assert rows(basic_db, "SELECT c.id, c.claimed_on, f.position, f.population, f.stated FROM claims c "
                          "JOIN figures f ON f.claim_pk = c.pk WHERE c.batch_id = 2 ORDER BY c.pk, f.position") == [
        (ncri, "2019-12", 1, None, "approximately 1,500"),
        (ncri, "2019-12", 2, "children", "several"),
        (amnesty, "2019-12-16", 1, None, "at least 304"),
    ]


def test_derived_claim_ids_are_stable_across_reimports_and_formats(basic_db: Path, tmp_path: Path) -> None:
    csv_file = write(tmp_path, "claims.csv", GROUPED_CSV)
    assert run_cli("import", "--db", basic_db, csv_file).exit_code == 0
    before = dump_database(basic_db)
    again = run_cli("import", "--db", basic_db, csv_file)
    assert again.stdout == "claims: 0 added, 0 updated, 2 unchanged; figures: 0 added, 0 updated, 3 unchanged. Nothing changed.\n"
    same_in_yaml = write(tmp_path, "claims.yaml", """\
claims:
  - document: wire-2019-12
    source: Amnesty
    event: iran-protests-2019-11
    quote: at least 304 people had been killed
    figures: [{metric: killed, value: at least 304}]
""")
    assert run_cli("import", "--db", basic_db, same_in_yaml).stdout == "claims: 0 added, 0 updated, 1 unchanged; figures: " \
                                                                        "0 added, 0 updated, 1 unchanged. Nothing changed.\n"
    assert dump_database(basic_db) == before


def test_csv_optional_columns_are_stored(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "revision.csv", """\
claim_id,document,source,via,event,claimed_on,quote,statement,status,supersedes,metric,population,value,qualifier,low,high,derived
revised,wire-2019-12,iran-interior-ministry,reuters,iran-protests-2019-11,2019-12-20,"about 7,000",Officials revised it.,disputed,officials-7000-arrested,arrested,,,range,6000,8000,a revision reported by phone
revised,wire-2019-12,iran-interior-ministry,reuters,iran-protests-2019-11,2019-12-20,"about 7,000",Officials revised it.,disputed,officials-7000-arrested,arrested,Women,about 500,,,,a revision reported by phone
""")
    result = run_cli("import", "--db", basic_db, path)
    assert result.exit_code == 0, result.output
    assert rows(basic_db, "SELECT c.via_id, c.claimed_on, c.statement, c.status, s.id, f.population, f.qualifier, f.value, "
                          "f.low, f.high, f.stated, f.derived FROM claims c JOIN figures f ON f.claim_pk = c.pk "
                          "JOIN claims s ON s.pk = c.supersedes_pk WHERE c.id = 'revised' ORDER BY f.position") == [
        ("reuters", "2019-12-20", "Officials revised it.", "disputed", "officials-7000-arrested", None, "range", None,
         6000, 8000, "between 6,000 and 8,000", "a revision reported by phone"),
        ("reuters", "2019-12-20", "Officials revised it.", "disputed", "officials-7000-arrested", "women", "approximately",
         500, None, None, "about 500", "a revision reported by phone"),
    ]


def test_csv_problem_in_a_later_row_of_a_claim_names_that_row(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "claims.csv", """\
claim_id,document,source,event,quote,metric,value
x1,wire-2019-12,amnesty,iran-protests-2019-11,at least 304 people had been killed,killed,at least 304
x1,wire-2019-12,amnesty,iran-protests-2019-11,at least 304 people had been killed,kiled,at least 304
""")
    result = run_cli("import", "--db", basic_db, path)
    assert [p.split(": ", 2)[:2] for p in problems(result)] == [[f"{path}:3", "row 2.figures[1].metric"]]


def test_csv_nul_in_a_later_cell_of_a_later_row_is_named_with_its_column(basic_db: Path, tmp_path: Path) -> None:
    # A row's cells are searched together first (readers._csv_records): the problem still names the row and the cell.
    path = write(tmp_path, "claims.csv", """\
claim_id,document,source,event,quote,metric,value
x1,wire-2019-12,amnesty,iran-protests-2019-11,at least 304 people had been killed,killed,at least 304
x1,wire-2019-12,amnesty,iran-protests-2019-11,at least 304 people had been killed,killed,at least 304\x00
""")
    result = run_cli("import", "--db", basic_db, path)
    assert problems(result) == [f"{path}:3: value: invalid character U+0000 (NUL) (hint: remove it: text cannot contain NUL)"]


def test_csv_invalid_utf8_far_into_the_file_is_located(basic_db: Path, tmp_path: Path) -> None:
    # The file's lines go straight to csv.reader, which the text decoder fails under blocks ahead of the row.
    row = "x{},wire-2019-12,amnesty,iran-protests-2019-11,at least 304 people had been killed,killed,at least 304\n"
    path = tmp_path / "claims.csv"
    path.write_bytes(("claim_id,document,source,event,quote,metric,value\n" + "".join(row.format(i) for i in range(2000))).encode()
                     + b"x-bad,wire-2019-12,amnesty,iran-protests-2019-11,at least 304 people had been killed \x96,killed,at least 304\n")
    result = run_cli("import", "--db", basic_db, path)
    assert problems(result) == [f"{path}:2002: not valid UTF-8 (byte 0x96 at byte 86 of the line) (hint: save the file as UTF-8)"]


def test_csv_row_with_a_multiline_quote_is_named_by_its_first_line(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "claims.csv", 'claim_id,document,source,event,quote,metric,value\n'
                                         'm1,wire-2019-12,amnesty,iran-protests-2019-11,"at least 304 people\n'
                                         'had been killed",kiled,at least 304\n')
    result = run_cli("import", "--db", basic_db, path)
    assert [p.split(": ", 2)[:2] for p in problems(result)] == [[f"{path}:2", "row 2.figures[0].metric"]]
