"""Each rule of issue 2 ("Core") that no other test module proves, on real SQLite files.

Organised as the issue is: the schema and its migrations, `factdb parse-figure`, the keys of each
import format, quotes as evidence, references, `text_file`, one transaction, idempotency and
`--update`, `--dry-run`, supersedes, the summary, the progress bar and streaming, exit codes and
`--db`, import batches. Hostile and mistaken files are in test_bad_input.py; export round trips in
test_roundtrip_properties.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from factdb.cli import cli
from factdb.db import current_revision, head_revision, make_engine, upgrade
from factdb.importer import import_paths

from conftest import copy_database, dump_database, rows, run_cli, write

BASIC = Path(__file__).parent / "fixtures" / "import" / "basic.yaml"
BASIC_TEXT = BASIC.read_text(encoding="utf-8")
# The first line of basic.yaml's document, where claim amnesty-304 quotes "at least 304 people had been killed".
AMNESTY_LINE = "Amnesty International said on Monday that at least 304 people had been killed."
UNCHANGED_BASIC = ("sources: 0 added, 0 updated, 5 unchanged; events: 0 added, 0 updated, 1 unchanged; "
                   "metrics: 0 added, 0 updated, 2 unchanged; ")


def problems(result) -> list[str]:  # type: ignore[no-untyped-def]
    """The problems `factdb import` reported on stderr, one per line, without the closing count."""
    lines = result.stderr.removeprefix("Error: ").splitlines()
    assert lines and lines[-1].endswith("nothing was imported."), result.output
    return lines[:-1]


def quoted(db: Path, claim_id: str) -> str:
    """The passage of the document text that a claim's stored offsets point at."""
    [(text, start, end)] = rows(db, "SELECT d.text, c.quote_start, c.quote_end FROM claims c "
                                    "JOIN documents d ON d.pk = c.document_pk WHERE c.id = ?", claim_id)
    return text[start:end]


@pytest.fixture(scope="module")
def basic_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/fixtures/import/basic.yaml imported once; tests work on copies."""
    path = tmp_path_factory.mktemp("basic") / "basic.sqlite"
    assert run_cli("init", "--db", path).exit_code == 0
    result = run_cli("import", "--db", path, BASIC)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def basic_db(basic_template: Path, tmp_path: Path) -> Path:
    return copy_database(basic_template, tmp_path / "factdb.sqlite")


# -- the schema enforces integrity itself ------------------------------------------------------------


def test_every_foreign_key_column_leads_an_index(fresh_db: Path) -> None:
    connection = sqlite3.connect(fresh_db)
    tables = [t for (t,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%REFERENCES%'")]
    unindexed = []
    for table in tables:
        leading = {connection.execute(f"PRAGMA index_info('{index[1]}')").fetchone()[2]
                   for index in connection.execute(f"PRAGMA index_list('{table}')")}
        leading |= {column[1] for column in connection.execute(f"PRAGMA table_info('{table}')") if column[5] == 1}
        unindexed += [f"{table}.{fk[3]}" for fk in connection.execute(f"PRAGMA foreign_key_list('{table}')") if fk[3] not in leading]
    connection.close()
    assert len(tables) >= 9
    assert unindexed == []


def test_every_constraint_is_named_by_the_convention(fresh_db: Path) -> None:
    schema = "\n".join(sql for (sql,) in rows(fresh_db, "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name <> 'alembic_version'"))
    names = re.findall(r"CONSTRAINT (\w+)", schema)
    assert len(names) > 50
    assert [n for n in names if not re.match(r"(pk|fk|uq|ck)_", n)] == []
    assert {"ck_figures_non_negative", "ck_figures_qualifier_allowed", "ck_figures_low_not_above_high",
            "uq_source_aliases_alias_key", "uq_claims_id", "fk_claims_source_id_sources"} <= set(names)


@pytest.mark.parametrize(("sql", "refusal"), [
    ("INSERT INTO figures (claim_pk, position, metric_id, qualifier, value, low, stated, batch_id) "
     "VALUES (1, 9, 'killed', 'at_least', -5, -5, '-5', 1)", "CHECK constraint failed: ck_figures_non_negative"),
    ("INSERT INTO figures (claim_pk, position, metric_id, qualifier, stated, batch_id) "
     "VALUES (1, 9, 'killed', 'vague', 'some', 1)", "CHECK constraint failed: ck_figures_has_a_number"),
    ("INSERT INTO source_aliases (source_id, alias, alias_key, batch_id) VALUES ('ncri', 'Ai', 'ai', 1)",
     "UNIQUE constraint failed: source_aliases.alias_key"),
    ("UPDATE claims SET id = 'amnesty-304' WHERE id = 'ncri-1500'", "UNIQUE constraint failed: claims.id"),
    ("UPDATE claims SET quote_end = quote_start WHERE id = 'ncri-1500'", "CHECK constraint failed: ck_claims_quote_offsets"),
    ("UPDATE claims SET via_id = source_id WHERE id = 'ncri-1500'", "CHECK constraint failed: ck_claims_via_not_source"),
    ("UPDATE claims SET status = 'withdrawn' WHERE id = 'ncri-1500'", "CHECK constraint failed: ck_claims_status_allowed"),
    ("UPDATE documents SET published = '2019-12-16', published_precision = 'month'",
     "CHECK constraint failed: ck_documents_published_precision"),
    ("UPDATE claims SET source_id = 'no-such-source' WHERE id = 'ncri-1500'", "FOREIGN KEY constraint failed"),
    ("INSERT INTO source_relations (source_id, relation, target_id, batch_id) VALUES ('mek', 'allied_with', 'ncri', 1)",
     "CHECK constraint failed: ck_source_relations_relation_allowed"),
], ids=["negative", "no-number", "alias-twice", "claim-id-twice", "empty-quote-span", "via-is-source", "status",
        "precision", "foreign-key", "relation"])
def test_the_database_refuses_bad_rows_without_python(basic_db: Path, sql: str, refusal: str) -> None:
    connection = sqlite3.connect(basic_db)
    connection.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(sqlite3.IntegrityError) as error:
        connection.execute(sql)
    connection.close()
    assert str(error.value) == refusal


# -- migrations and `factdb init` -------------------------------------------------------------------


def test_init_upgrades_a_database_left_at_an_older_revision(db_path: Path) -> None:
    engine = make_engine(db_path)
    upgrade(engine, "0001")
    engine.dispose()
    refused = run_cli("import", "--db", db_path, BASIC)
    assert refused.exit_code == 1
    assert refused.stderr == (f"Error: {db_path}: schema is at revision 0001, this factdb needs {head_revision()}. "
                              f"Upgrade it with: factdb init --db {db_path}\n")
    assert run_cli("init", "--db", db_path).exit_code == 0
    engine = make_engine(db_path)
    assert current_revision(engine) == head_revision()
    engine.dispose()
    assert run_cli("import", "--db", db_path, BASIC).exit_code == 0


def test_init_finds_its_migrations_from_any_folder(tmp_path: Path) -> None:
    """Migrations ship inside the package: no alembic.ini or migrations/ folder is needed where you run it."""
    done = subprocess.run([sys.executable, "-m", "factdb.cli", "init", "--db", "new.sqlite"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "new.sqlite: schema up to date\n"
    engine = make_engine(tmp_path / "new.sqlite")
    assert current_revision(engine) == head_revision()
    engine.dispose()


@pytest.mark.parametrize("command", [["import", BASIC], ["export"], ["schema"], ["compare", "iran-protests-2019-11"]],
                         ids=lambda c: c[0])
def test_commands_on_a_sqlite_file_that_is_not_factdb_say_so(tmp_path: Path, command: list) -> None:
    other = tmp_path / "other.sqlite"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE notes (text TEXT)")
    connection.close()
    result = run_cli(*command, "--db", other)
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {other}: not a factdb database (no schema version). "
                             f"Create one with: factdb init --db {other}\n")
    assert rows(other, "SELECT name FROM sqlite_master") == [("notes",)]


@pytest.mark.parametrize("command", [["init"], ["import", BASIC], ["export"]], ids=lambda c: c[0])
def test_commands_on_a_file_that_is_not_sqlite_say_so_without_a_traceback(tmp_path: Path, command: list) -> None:
    junk = write(tmp_path, "notes.sqlite", "These are my notes, not a database.\n" * 100)
    before = junk.read_bytes()
    result = run_cli(*command, "--db", junk)
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {junk}: not a factdb database (the file is not an SQLite database). "
                             "Check the path, or create a new database with: factdb init --db NEW.sqlite\n")
    assert junk.read_bytes() == before


# -- `factdb parse-figure` --------------------------------------------------------------------------


@pytest.mark.parametrize(("phrase", "expected"), [
    ("at least 300 people", {"qualifier": "at_least", "value": 300, "low": 300, "high": None, "text": "at least 300 people"}),
    ("about 1,500", {"qualifier": "approximately", "value": 1500, "low": None, "high": None, "text": "about 1,500"}),
    ("between 300 and 1.5 million", {"qualifier": "range", "value": None, "low": 300, "high": 1500000,
                                     "text": "between 300 and 1.5 million"}),
    ("several children", {"qualifier": "vague", "value": None, "low": 3, "high": 9, "text": "several children"}),
    ("67th", {"qualifier": "exact", "value": 67, "low": 67, "high": 67, "text": "67th"}),
])
def test_parse_figure_prints_the_five_keys_as_json(phrase: str, expected: dict) -> None:
    result = run_cli("parse-figure", phrase)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == expected
    assert list(json.loads(result.stdout)) == ["qualifier", "value", "low", "high", "text"]


@pytest.mark.parametrize(("phrase", "message"), [
    ("no number here", "no number found in 'no number here': expected a figure such as '300', 'at least 300' or 'several hundred'"),
    ("between 1,500 and 300", "range in 'between 1,500 and 300' runs backwards (1,500 is more than 300): "
                              "write the smaller number first, e.g. 'between 300 and 1,500'"),
])
def test_parse_figure_of_text_without_a_figure_exits_1_saying_why(phrase: str, message: str) -> None:
    result = run_cli("parse-figure", phrase)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Error: {message}\n")


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


GROUPED_CSV = """\
document,source,event,claimed_on,quote,metric,population,value
wire-2019-12,ncri,iran-protests-2019-11,2019-12,"The NCRI says “approximately 1,500” people were killed",killed,,"approximately 1,500"
wire-2019-12,ncri,iran-protests-2019-11,2019-12,"The NCRI says “approximately 1,500” people were killed",killed,Children,several
wire-2019-12,amnesty,iran-protests-2019-11,,at least 304 people had been killed,killed,,at least 304
"""


def derived_id(document: str, source: str, quote: str) -> str:
    # Stored ids must not change between factdb versions, or re-importing an old file would duplicate its claims.
    return f"{document}.{source}.{hashlib.sha256(quote.encode()).hexdigest()[:12]}"


def test_csv_rows_without_claim_id_are_grouped_by_their_claim_columns(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "claims.csv", GROUPED_CSV)
    result = run_cli("import", "--db", basic_db, path)
    assert result.exit_code == 0, result.output
    assert result.stdout == "claims: 2 added, 0 updated, 0 unchanged; figures: 3 added, 0 updated, 0 unchanged.\n"
    ncri = derived_id("wire-2019-12", "ncri", "The NCRI says “approximately 1,500” people were killed")
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
claim_id,document,source,via,event,claimed_on,quote,statement,status,supersedes,metric,population,value,qualifier,low,high
revised,wire-2019-12,iran-interior-ministry,reuters,iran-protests-2019-11,2019-12-20,about 7,Officials revised it.,disputed,officials-7000-arrested,arrested,,,range,6000,8000
revised,wire-2019-12,iran-interior-ministry,reuters,iran-protests-2019-11,2019-12-20,about 7,Officials revised it.,disputed,officials-7000-arrested,arrested,Women,about 500,,,
""")
    result = run_cli("import", "--db", basic_db, path)
    assert result.exit_code == 0, result.output
    assert rows(basic_db, "SELECT c.via_id, c.claimed_on, c.statement, c.status, s.id, f.population, f.qualifier, f.value, "
                          "f.low, f.high, f.stated FROM claims c JOIN figures f ON f.claim_pk = c.pk "
                          "JOIN claims s ON s.pk = c.supersedes_pk WHERE c.id = 'revised' ORDER BY f.position") == [
        ("reuters", "2019-12-20", "Officials revised it.", "disputed", "officials-7000-arrested", None, "range", None,
         6000, 8000, "between 6,000 and 8,000"),
        ("reuters", "2019-12-20", "Officials revised it.", "disputed", "officials-7000-arrested", "women", "approximately",
         500, None, None, "about 500"),
    ]


def test_csv_problem_in_a_later_row_of_a_claim_names_that_row(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "claims.csv", """\
claim_id,document,source,event,quote,metric,value
x1,wire-2019-12,amnesty,iran-protests-2019-11,at least 304 people had been killed,killed,at least 304
x1,wire-2019-12,amnesty,iran-protests-2019-11,at least 304 people had been killed,kiled,at least 304
""")
    result = run_cli("import", "--db", basic_db, path)
    assert [p.split(": ", 2)[:2] for p in problems(result)] == [[f"{path}:3", "row 2.figures[1].metric"]]


def test_csv_row_with_a_multiline_quote_is_named_by_its_first_line(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "claims.csv", 'claim_id,document,source,event,quote,metric,value\n'
                                         'm1,wire-2019-12,amnesty,iran-protests-2019-11,"at least 304 people\n'
                                         'had been killed",kiled,at least 304\n')
    result = run_cli("import", "--db", basic_db, path)
    assert [p.split(": ", 2)[:2] for p in problems(result)] == [[f"{path}:2", "row 2.figures[0].metric"]]


# -- quotes are evidence ----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "quote", "passage"), [
    ("Officials\u00a0said:  ‘at least\n\t304 people’ – were killed in Iran’s south.\n",
     "'at least 304 people' - were killed in Iran's south",
     "‘at least\n\t304 people’ – were killed in Iran’s south"),
    ("Officials said: \"at least 304 people\" - were killed in Iran's south.\n",
     "“at least\u00a0304 people” — were killed in Iran’s  south",
     "\"at least 304 people\" - were killed in Iran's south"),
    ("A  line\n\n\nof  runs.   Then:\u2009the \u201cquote\u201d\u00a0\u2011 here.",
     'Then: the "quote" - here.',
     "Then:\u2009the \u201cquote\u201d\u00a0\u2011 here."),
], ids=["curly-in-text", "curly-in-quote", "after-whitespace-runs"])
def test_quote_matches_across_spaces_quote_marks_and_dashes_and_points_into_the_original(
        fresh_db: Path, tmp_path: Path, text: str, quote: str, passage: str) -> None:
    path = write(tmp_path, "quote.json", json.dumps({
        "sources": [{"id": "officials", "name": "Officials", "kind": "official"}],
        "documents": [{"id": "d", "title": "T", "published": "2019-12", "text": text}],
        "claims": [{"id": "c", "document": "d", "source": "officials", "quote": quote}]}))
    result = run_cli("import", "--db", fresh_db, path)
    assert result.exit_code == 0, result.output
    assert quoted(fresh_db, "c") == passage
    assert rows(fresh_db, "SELECT quote FROM claims") == [(quote,)]  # stored as given, only matched leniently


def test_quote_matching_does_not_forgive_other_differences(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "claims.yaml", "claims:\n  - {id: c, document: wire-2019-12, source: amnesty, "
                                          "quote: at least 304 People had been killed}\n")
    result = run_cli("import", "--db", basic_db, path)
    assert problems(result) == [
        f"{path}:2: claims[0].quote: not found in the text of document 'wire-2019-12'; closest passage: "
        "\"at least 304 people had been killed. The\" (hint: copy the quote verbatim from the document "
        "(whitespace, quote marks and dashes may differ))"]


# -- references -------------------------------------------------------------------------------------


def test_references_to_sources_events_and_metrics_ignore_case(basic_db: Path, tmp_path: Path) -> None:
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
    result = run_cli("import", "--db", basic_db, path)
    assert result.exit_code == 0, result.output
    assert rows(basic_db, "SELECT c.source_id, c.via_id, c.event_id, f.metric_id FROM claims c "
                          "JOIN figures f ON f.claim_pk = c.pk WHERE c.id = 'shouted'") == [
        ("amnesty", "reuters", "iran-protests-2019-11", "killed")]
    assert rows(basic_db, "SELECT publisher_id FROM documents WHERE id = 'amnesty-statement'") == [("amnesty",)]


def test_relation_target_given_by_alias_reimports_unchanged(fresh_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "sources.yaml", """\
sources:
  - {id: ncri, name: National Council of Resistance of Iran, kind: opposition, aliases: [NCRI-coalition]}
  - {id: mek, name: People's Mojahedin Organization of Iran, kind: opposition, member_of: NCRI-Coalition}
""")
    assert run_cli("import", "--db", fresh_db, path).exit_code == 0
    assert rows(fresh_db, "SELECT source_id, relation, target_id FROM source_relations") == [("mek", "member_of", "ncri")]
    before = dump_database(fresh_db)
    assert run_cli("import", "--db", fresh_db, path).stdout == "sources: 0 added, 0 updated, 2 unchanged. Nothing changed.\n"
    assert run_cli("import", "--db", fresh_db, "--update", path).stdout.endswith("Nothing changed.\n")
    assert dump_database(fresh_db) == before


def test_event_parent_given_in_another_case_reimports_unchanged(fresh_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "events.yaml", """\
events:
  - {id: iran-protests-2019, name: 2019 Iran protests}
  - {id: iran-protests-2019-11, name: November 2019 Iran protests, parent: Iran-Protests-2019}
""")
    assert run_cli("import", "--db", fresh_db, path).exit_code == 0
    assert rows(fresh_db, "SELECT parent_id FROM events WHERE id = 'iran-protests-2019-11'") == [("iran-protests-2019",)]
    before = dump_database(fresh_db)
    again = run_cli("import", "--db", fresh_db, path)
    assert again.stdout == "events: 0 added, 0 updated, 2 unchanged. Nothing changed.\n", again.output
    assert run_cli("import", "--db", fresh_db, "--update", path).stdout.endswith("Nothing changed.\n")
    assert dump_database(fresh_db) == before


def test_unknown_source_hint_names_the_source_behind_a_close_alias(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "claims.yaml", "claims:\n  - {document: wire-2019-12, source: PMO, "
                                          "quote: at least 304 people had been killed}\n")
    result = run_cli("import", "--db", basic_db, path)
    assert problems(result)[0].startswith(f"{path}:2: claims[0].source: unknown source 'PMO'; closest known: PMOI (alias of mek) ")


def test_an_alias_cannot_be_another_sources_id_in_either_order(fresh_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "sources.yaml", """\
sources:
  - {id: reuters, name: Reuters, kind: media}
  - {id: reuters-uk, name: Reuters UK, kind: media, aliases: [REUTERS]}
  - {id: thomson, name: Thomson Reuters, kind: media, aliases: [Reuters-US]}
  - {id: reuters-us, name: Reuters US, kind: media}
""")
    result = run_cli("import", "--db", fresh_db, path)
    assert problems(result) == [
        f"{path}:3: sources[1].aliases: alias 'REUTERS' already names source 'reuters' "
        "(hint: an alias must name one source only; remove it from one of them)",
        f"{path}:5: sources[3].id: 'reuters-us' is already a name of source 'thomson' (hint: choose another id, or use that source)",
    ]
    assert rows(fresh_db, "SELECT count(*) FROM sources") == [(0,)]


@pytest.mark.parametrize("aliases", ["[MEK, Mek]", "[PMOI, pmoi]"])
def test_an_alias_repeated_in_another_case_is_stored_once_and_reimports_unchanged(
        fresh_db: Path, tmp_path: Path, aliases: str) -> None:
    path = write(tmp_path, "sources.yaml", f"sources:\n  - {{id: mek, name: MEK, kind: opposition, aliases: {aliases}}}\n")
    first = run_cli("import", "--db", fresh_db, path)
    assert first.exit_code == 0, first.output
    assert rows(fresh_db, "SELECT alias FROM source_aliases") == [(aliases.strip("[]").split(",")[0],)]
    assert run_cli("import", "--db", fresh_db, path).stdout == "sources: 0 added, 0 updated, 1 unchanged. Nothing changed.\n"


# -- text_file --------------------------------------------------------------------------------------


def test_text_file_is_read_relative_to_the_import_file_not_the_working_folder(
        fresh_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "data/texts/report.txt", "HRANA said at least 7,000 people had been arrested.\n")
    write(tmp_path, "data/docs.yaml", "documents:\n  - {id: report, title: Report, text_file: texts/report.txt}\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run_cli("import", "--db", fresh_db, "../data/docs.yaml")
    assert result.exit_code == 0, result.output
    assert rows(fresh_db, "SELECT text FROM documents") == [("HRANA said at least 7,000 people had been arrested.\n",)]


def test_text_file_symlink_leading_out_of_the_folder_is_refused(fresh_db: Path, tmp_path: Path) -> None:
    write(tmp_path, "secret.txt", "not for import")
    folder = tmp_path / "import"
    folder.mkdir()
    (folder / "report.txt").symlink_to(tmp_path / "secret.txt")
    path = write(folder, "docs.yaml", "documents:\n  - {id: report, title: Report, text_file: report.txt}\n")
    result = run_cli("import", "--db", fresh_db, path)
    assert problems(result) == [
        f"{path}:2: documents[0].text_file: 'report.txt' points outside the import file's folder ({folder}) (hint: keep "
        "document texts in the same folder as the import file or below it, with a relative path)"]


# -- one transaction, every problem ----------------------------------------------------------------


def test_problems_in_every_file_and_in_both_passes_are_reported_together(basic_db: Path, tmp_path: Path) -> None:
    broken = write(tmp_path, "a-broken.json", '{"sources": [\n  {"id": "x",}\n]}\n')
    entities = write(tmp_path, "b-entities.yaml", "sources:\n  - {id: hrana, name: HRANA, kind: charity}\n"
                                                  "metrics:\n  - {id: injured, name: People injured, unit: people}\n")
    claims = write(tmp_path, "c-claims.yaml", "claims:\n  - {id: c, document: wire-2019-12, source: ncri, via: hrana,\n"
                                              "     quote: at least 304 people had been killed,\n"
                                              "     figures: [{metric: injured, value: dozens}, {metric: wounded, value: 3}]}\n")
    before = dump_database(basic_db)
    result = run_cli("import", "--db", basic_db, broken, entities, claims)
    assert result.exit_code == 1
    assert problems(result) == [
        f"{broken}:2: invalid JSON: Expecting property name enclosed in double quotes (column 14) "
        "(hint: check commas, brackets and quotes)",
        f"{entities}:2: sources[0].kind: 'charity' is not allowed (hint: use one of ngo, intergovernmental, government, "
        "official, opposition, media, person, other)",
        f"{claims}:2: claims[0].via: unknown source 'hrana' (hint: define the source under 'sources:' "
        "(in this or another file of the import), or use its id or an alias)",
        f"{claims}:4: claims[0].figures[1].metric: unknown metric 'wounded' (hint: define it under 'metrics:' in this or "
        "another file of the import, or fix the id)",
    ]
    assert result.stderr.endswith("\n4 problems found; nothing was imported.\n")
    assert dump_database(basic_db) == before


def test_a_flood_of_problems_lists_the_first_200_and_counts_the_rest(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "claims.jsonl", "".join(json.dumps(
        {"kind": "claim", "id": f"c{i}", "document": "wire-2019-12", "source": "amnesti",
         "quote": "at least 304 people had been killed"}) + "\n" for i in range(1, 251)))
    result = run_cli("import", "--db", basic_db, path)
    listed = problems(result)
    assert len(listed) == 201 and listed[-1] == "... and 50 more problems"
    assert listed[199].startswith(f"{path}:200: line 200.source: unknown source 'amnesti'; closest known: amnesty")
    assert result.stderr.endswith("\n250 problems found; nothing was imported.\n")


def _big_claims(path: Path, count: int, last_metric: str) -> Path:
    lines = [{"kind": "document", "id": "long-report", "title": "Long report", "published": "2020-01",
              "text": " ".join(f"Item {i}: at least {i} people were killed." for i in range(count))}]
    lines += [{"kind": "claim", "id": f"item-{i}", "document": "long-report", "source": "amnesty",
               "quote": f"Item {i}: at least {i} people were killed.",
               "figures": [{"metric": "killed" if i < count - 1 else last_metric, "value": f"at least {i}"}]}
              for i in range(count)]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def test_an_error_in_the_last_claim_of_a_large_import_writes_nothing(basic_db: Path, tmp_path: Path) -> None:
    """Claims are written in chunks as the file streams by; a late error still undoes the earlier chunks."""
    before = dump_database(basic_db)
    path = _big_claims(tmp_path / "big.jsonl", 4_500, last_metric="kiled")
    result = run_cli("import", "--db", basic_db, path)
    assert problems(result) == [
        f"{path}:4501: line 4501.figures[0].metric: unknown metric 'kiled'; closest known: killed (hint: define it under "
        "'metrics:' in this or another file of the import, or fix the id)"]
    assert dump_database(basic_db) == before


# -- idempotency, --update and history --------------------------------------------------------------


def test_a_changed_source_event_or_metric_is_refused_without_update_naming_what_differs(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "changed.yaml", """\
sources:
  - {id: amnesty, name: Amnesty International (AI), kind: ngo, aliases: [Amnesty, AI], url: "https://www.amnesty.org"}
  - {id: mek, name: People's Mojahedin Organization of Iran, kind: opposition, aliases: [PMOI]}
events:
  - {id: iran-protests-2019-11, name: November 2019 Iran protests, start: 2019-11-15, end: 2019-11-20}
metrics:
  - {id: killed, name: People killed, unit: persons}
""")
    before = dump_database(basic_db)
    result = run_cli("import", "--db", basic_db, path)
    hint = "(hint: use the stored values, or run the import with --update to change them)"
    source, aliases, event, metric = problems(result)
    assert source == f"{path}:2: sources[0].name: source 'amnesty' already exists with different name, url {hint}"
    assert aliases == (f"{path}:3: sources[1].aliases: source 'mek' already exists with aliases ['MEK', 'PMOI'] "
                       "(hint: use the stored aliases, or run the import with --update to change them)")
    assert event.startswith(f"{path}:5: events[0].") and "event 'iran-protests-2019-11' already exists with different " in event
    assert metric == f"{path}:7: metrics[0].unit: metric 'killed' already exists with different unit {hint}"
    assert dump_database(basic_db) == before


def test_a_refused_change_names_the_fields_as_written_in_the_file(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "changed.yaml", _basic_with(
        ("end: 2019-11-19}", "end: 2019-11}"), ("published: 2019-12-16", "published: 2019-12"),
        (AMNESTY_LINE, "On Monday, Amnesty International said that at least 304 people had been killed.")))
    hint = "(hint: use the stored values, or run the import with --update to change them)"
    assert problems(run_cli("import", "--db", basic_db, path)) == [
        f"{path}:9: events[0].end: event 'iran-protests-2019-11' already exists with different end {hint}",
        f"{path}:16: documents[0].published: document 'wire-2019-12' already exists with different published, text {hint}",
    ]


def test_update_changes_sources_events_and_metrics_then_reimport_changes_nothing(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "changed.yaml", """\
sources:
  - {id: amnesty, name: Amnesty International (AI), kind: ngo, aliases: [Amnesty], url: "https://www.amnesty.org"}
  - {id: mek, name: People's Mojahedin Organization of Iran, kind: opposition, aliases: [PMOI, Mojahedin]}
events:
  - {id: iran-protests-2019-11, name: November 2019 Iran protests, start: 2019-11-15, end: 2019-11}
metrics:
  - {id: killed, name: People killed, unit: persons}
""")
    result = run_cli("import", "--db", basic_db, "--update", path)
    assert result.stdout == ("sources: 0 added, 2 updated, 0 unchanged; events: 0 added, 1 updated, 0 unchanged; "
                             "metrics: 0 added, 1 updated, 0 unchanged.\n")
    assert rows(basic_db, "SELECT id, name, url FROM sources WHERE id = 'amnesty'") == [
        ("amnesty", "Amnesty International (AI)", "https://www.amnesty.org")]
    assert rows(basic_db, "SELECT alias, source_id FROM source_aliases WHERE source_id IN ('amnesty', 'mek') ORDER BY alias") == [
        ("Amnesty", "amnesty"), ("Mojahedin", "mek"), ("PMOI", "mek")]
    assert rows(basic_db, "SELECT source_id FROM source_relations") == []  # mek's member_of was left out, so removed
    assert rows(basic_db, "SELECT end_date, end_precision FROM events") == [("2019-11", "month")]
    assert rows(basic_db, "SELECT unit FROM metrics WHERE id = 'killed'") == [("persons",)]
    claims = write(tmp_path, "ai-claim.yaml", "claims:\n  - {document: wire-2019-12, source: AI, "
                                              "quote: at least 304 people had been killed}\n")
    assert "unknown source 'AI'" in run_cli("import", "--db", basic_db, claims).stderr  # the removed alias no longer resolves
    before = dump_database(basic_db)
    again = run_cli("import", "--db", basic_db, "--update", path)
    assert again.stdout.endswith("Nothing changed.\n")
    assert dump_database(basic_db) == before


def _basic_with(*replacements: tuple[str, str]) -> str:
    text = BASIC_TEXT
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    return text


def test_document_text_update_rechecks_quotes_and_moves_their_offsets(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "reworded.yaml", _basic_with(
        (AMNESTY_LINE, "On Monday 16 December, Amnesty International said that at least 304 people had been killed.")))
    refused = run_cli("import", "--db", basic_db, path)
    [problem] = problems(refused)
    assert problem.startswith(f"{path}:18: documents[0].text: document 'wire-2019-12' already exists with different text")
    assert problem.endswith("(hint: use the stored values, or run the import with --update to change them)")
    offsets = rows(basic_db, "SELECT id, quote_start, quote_end FROM claims ORDER BY id")
    result = run_cli("import", "--db", basic_db, "--update", path)
    assert result.stdout == (UNCHANGED_BASIC + "documents: 0 added, 1 updated, 0 unchanged; "
                             "claims: 0 added, 0 updated, 3 unchanged; figures: 0 added, 0 updated, 4 unchanged.\n")
    moved = rows(basic_db, "SELECT id, quote_start, quote_end FROM claims ORDER BY id")
    assert [(i, s - s0, e - e0) for (i, s0, e0), (_, s, e) in zip(offsets, moved)] == [
        ("amnesty-304", 13, 13), ("ncri-1500", 13, 13), ("officials-7000-arrested", 13, 13)]
    assert quoted(basic_db, "ncri-1500") == ("The NCRI says “approximately 1,500” people were killed, "
                                             "including several children.")
    assert rows(basic_db, "SELECT count(*) FROM claim_history") == [(0,)]


def test_document_text_update_that_loses_a_stored_quote_is_refused(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "reworded.yaml", _basic_with((AMNESTY_LINE, "Amnesty International gave no figure.")))
    before = dump_database(basic_db)
    result = run_cli("import", "--db", basic_db, "--update", path)
    assert f"{path}:18: documents[0].text: the new text no longer contains the quote of claim 'amnesty-304' (hint: keep " \
           "the archived text faithful to the original, or update that claim's quote too)" in problems(result)
    assert dump_database(basic_db) == before


def test_document_text_and_its_claims_quote_can_be_corrected_in_one_update(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "corrected.yaml", _basic_with(
        ("at least 304 people had been killed.", "at least 310 people had been killed."),
        ("quote: at least 304 people had been killed", "quote: at least 310 people had been killed"),
        ("value: at least 304}", "value: at least 310}")))
    result = run_cli("import", "--db", basic_db, "--update", path)
    assert result.exit_code == 0, result.output
    assert "documents: 0 added, 1 updated, 0 unchanged; claims: 0 added, 1 updated, 2 unchanged" in result.stdout
    assert quoted(basic_db, "amnesty-304") == "at least 310 people had been killed"
    [(content,)] = rows(basic_db, "SELECT content FROM claim_history")
    assert json.loads(content)["quote"] == "at least 304 people had been killed"


def test_a_documents_new_published_date_moves_the_default_claimed_on_of_its_claims(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "month.yaml", _basic_with(("published: 2019-12-16", "published: 2019-12")))
    result = run_cli("import", "--db", basic_db, "--update", path)
    assert "documents: 0 added, 1 updated, 0 unchanged; claims: 0 added, 2 updated, 1 unchanged" in result.stdout
    assert rows(basic_db, "SELECT id, claimed_on, claimed_on_precision FROM claims ORDER BY id") == [
        ("amnesty-304", "2019-12", "month"), ("ncri-1500", "2019-12", "month"), ("officials-7000-arrested", "2019-12", "month")]
    assert rows(basic_db, "SELECT published, published_precision FROM documents") == [("2019-12", "month")]


def test_each_update_of_a_claim_keeps_one_more_version_in_history(basic_db: Path, tmp_path: Path) -> None:
    versions = []
    for value in ("more than 304", "at least 305"):
        path = write(tmp_path, f"{value}.yaml", _basic_with(("value: at least 304}", f"value: {value}}}")))
        result = run_cli("import", "--db", basic_db, "--update", path)
        assert "claims: 0 added, 1 updated, 2 unchanged; figures: 0 added, 1 updated, 3 unchanged." in result.stdout
        versions.append(value)
    history = rows(basic_db, "SELECT claim_id, version, content, created_batch_id, replaced_batch_id FROM claim_history ORDER BY version")
    assert [(c, v, json.loads(content)["figures"], b1, b2) for c, v, content, b1, b2 in history] == [
        ("amnesty-304", 1, [{"metric": "killed", "value": "at least 304"}], 1, 2),
        ("amnesty-304", 2, [{"metric": "killed", "value": "more than 304"}], 2, 3),
    ]
    assert rows(basic_db, "SELECT c.batch_id, c.updated_batch_id, f.stated, f.batch_id FROM claims c "
                          "JOIN figures f ON f.claim_pk = c.pk WHERE c.id = 'amnesty-304'") == [(1, 3, "at least 305", 3)]


# -- --dry-run --------------------------------------------------------------------------------------


def test_dry_run_of_an_update_reports_it_and_writes_nothing(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "changed.yaml", _basic_with(("value: at least 304}", "value: more than 304}")))
    before = dump_database(basic_db)
    result = run_cli("import", "--db", basic_db, "--update", "--dry-run", path)
    assert result.exit_code == 0
    assert result.stdout == ("Dry run, nothing written. " + UNCHANGED_BASIC + "documents: 0 added, 0 updated, 1 unchanged; "
                             "claims: 0 added, 1 updated, 2 unchanged; figures: 0 added, 1 updated, 3 unchanged.\n")
    assert dump_database(basic_db) == before


def test_dry_run_of_bad_data_lists_the_problems_and_exits_1(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "changed.yaml", _basic_with(("value: at least 304}", "value: more than 304}")))
    result = run_cli("import", "--db", basic_db, "--dry-run", path)
    assert result.exit_code == 1
    assert [p.split(": ", 2)[:2] for p in problems(result)] == [[f"{path}:23", "claims[0].id"]]


def test_dry_run_through_the_python_api_returns_the_counts_and_no_batch(basic_db: Path) -> None:
    engine = make_engine(basic_db)
    report = import_paths(engine, [BASIC], dry_run=True)
    engine.dispose()
    assert (report.dry_run, report.batch_id, report.changed) == (True, None, False)
    assert {kind: dict(counts) for kind, counts in report.counts.items()} == {
        "sources": {"unchanged": 5}, "events": {"unchanged": 1}, "metrics": {"unchanged": 2},
        "documents": {"unchanged": 1}, "claims": {"unchanged": 3}, "figures": {"unchanged": 4}}


# -- claims: supersedes, status, dates, figures -----------------------------------------------------


def test_supersedes_across_files_stores_the_revision_chain(basic_db: Path, tmp_path: Path) -> None:
    later = write(tmp_path, "a-later.yaml", """\
claims:
  - id: amnesty-3
    document: wire-2019-12
    source: amnesty
    claimed_on: 2020-02-01
    quote: Amnesty International said on Monday
    supersedes: amnesty-2
""")
    middle = write(tmp_path, "b-middle.yaml", """\
claims:
  - id: amnesty-2
    document: wire-2019-12
    source: Amnesty
    claimed_on: 2020-01
    quote: at least 304 people had been killed
    supersedes: amnesty-304
    status: retracted
""")
    result = run_cli("import", "--db", basic_db, later, middle)
    assert result.exit_code == 0, result.output
    assert rows(basic_db, "SELECT c.id, s.id, c.status FROM claims c LEFT JOIN claims s ON s.pk = c.supersedes_pk "
                          "WHERE c.source_id = 'amnesty' ORDER BY c.claimed_on") == [
        ("amnesty-304", None, "active"), ("amnesty-2", "amnesty-304", "retracted"), ("amnesty-3", "amnesty-2", "active")]
    assert run_cli("import", "--db", basic_db, later, middle).stdout == (
        "claims: 0 added, 0 updated, 2 unchanged. Nothing changed.\n")


def test_a_claim_cannot_supersede_a_later_one(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "earlier.yaml", """\
claims:
  - id: amnesty-early
    document: wire-2019-12
    source: amnesty
    claimed_on: 2019-11
    quote: at least 304 people had been killed
    supersedes: amnesty-304
""")
    assert problems(run_cli("import", "--db", basic_db, path)) == [
        f"{path}:7: amnesty-early.supersedes: claim 'amnesty-304' (2019-12-16) is later than this one (2019-11) "
        "(hint: a claim supersedes an earlier one; check the dates or swap the claims)"]


def test_a_claim_with_no_figures_is_stored_without_figures(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "claims.yaml", "claims:\n  - {id: no-figure, document: wire-2019-12, source: iran-interior-ministry,\n"
                                          "     quote: a figure the ministry did not confirm, figures: []}\n"
                                          "  - {id: no-figure-key, document: wire-2019-12, source: reuters, quote: Officials told Reuters}\n")
    result = run_cli("import", "--db", basic_db, path)
    assert result.stdout == "claims: 2 added, 0 updated, 0 unchanged.\n"
    assert rows(basic_db, "SELECT c.id, count(f.id) FROM claims c LEFT JOIN figures f ON f.claim_pk = c.pk "
                          "WHERE c.id LIKE 'no-figure%' GROUP BY c.id ORDER BY c.id") == [("no-figure", 0), ("no-figure-key", 0)]


@pytest.mark.parametrize(("published", "precision"), [("2020", "year"), ("2020-11", "month"), ("2020-11-18", "day")])
def test_claimed_on_defaults_to_the_documents_date_with_its_precision(fresh_db: Path, tmp_path: Path,
                                                                      published: str, precision: str) -> None:
    path = write(tmp_path, "doc.yaml", f"""\
sources: [{{id: amnesty, name: Amnesty International, kind: ngo}}]
documents: [{{id: d, title: T, published: "{published}", text: Some 40 people were hurt.}}]
claims: [{{id: c, document: d, source: amnesty, quote: Some 40 people were hurt.}}]
""")
    assert run_cli("import", "--db", fresh_db, path).exit_code == 0
    assert rows(fresh_db, "SELECT published, published_precision FROM documents") == [(published, precision)]
    assert rows(fresh_db, "SELECT claimed_on, claimed_on_precision FROM claims") == [(published, precision)]


def test_a_claim_without_claimed_on_in_an_undated_document_is_refused(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "undated.yaml", "documents:\n  - {id: undated, title: Undated, text: Some 40 people were hurt.}\n"
                                           "claims:\n  - {document: undated, source: amnesty, quote: Some 40 people were hurt.}\n")
    assert problems(run_cli("import", "--db", basic_db, path)) == [
        f"{path}:4: claims[0].claimed_on: missing, and document 'undated' has no published date to default to "
        "(hint: give claimed_on (YYYY, YYYY-MM or YYYY-MM-DD) or the document's published date)"]


# -- summary, progress, streaming -------------------------------------------------------------------


def test_progress_callback_receives_every_byte_of_every_format_twice(basic_db: Path, tmp_path: Path) -> None:
    data = yaml.safe_load(BASIC_TEXT)
    files = [BASIC, write(tmp_path, "basic.json", json.dumps(data, default=str, indent=1)),
             write(tmp_path, "claims.csv", GROUPED_CSV), _big_claims(tmp_path / "big.jsonl", 3_000, last_metric="killed")]
    for path in files:
        received: list[int] = []
        engine = make_engine(basic_db)
        import_paths(engine, [path], dry_run=True, progress=received.append)
        engine.dispose()
        assert sum(received) == 2 * path.stat().st_size, path.name
        assert all(n >= 0 for n in received)
    assert len(received) > 10  # the streamed file reports as it goes, not once at the end


def _run_on_a_terminal(args: list[str]) -> tuple[int, str, str]:
    """Run ``factdb`` with stderr on a pseudo-terminal; return (exit code, stdout, what the terminal showed)."""
    controller, terminal = os.openpty()
    process = subprocess.Popen([sys.executable, "-m", "factdb.cli", *args], stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=terminal)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    stdout, _ = process.communicate(timeout=120)
    os.close(controller)
    return process.returncode, stdout.decode(), shown.decode(errors="replace")


def test_progress_bar_is_drawn_on_a_terminal_for_a_large_file_only(fresh_db: Path, tmp_path: Path) -> None:
    text = "Amnesty said at least 300 people were killed. " * 70_000  # 3.3 MB, read twice: past the 5 MB threshold
    large = write(tmp_path, "large.jsonl", json.dumps({"kind": "document", "id": "long", "title": "Long", "text": text}) + "\n")
    code, stdout, shown = _run_on_a_terminal(["import", "--db", str(fresh_db), str(large)])
    assert code == 0
    assert stdout == "documents: 1 added, 0 updated, 0 unchanged.\n"
    assert "Importing" in shown and "100%" in shown
    small = write(tmp_path, "small.jsonl", json.dumps({"kind": "metric", "id": "killed", "name": "Killed", "unit": "people"}) + "\n")
    code, stdout, shown = _run_on_a_terminal(["import", "--db", str(fresh_db), str(small)])
    assert (code, stdout, shown) == (0, "metrics: 1 added, 0 updated, 0 unchanged.\n", "")


def test_no_progress_bar_when_stderr_is_not_a_terminal(fresh_db: Path, tmp_path: Path) -> None:
    text = "Amnesty said at least 300 people were killed. " * 70_000
    large = write(tmp_path, "large.jsonl", json.dumps({"kind": "document", "id": "long", "title": "Long", "text": text}) + "\n")
    result = run_cli("import", "--db", fresh_db, large)
    assert (result.exit_code, result.stderr) == (0, "")


PEAK_MEMORY = """
import resource, sys
from factdb.db import make_engine
from factdb.importer import import_paths
report = import_paths(make_engine(sys.argv[1]), [sys.argv[2]])
print(report.counts["claims"]["added"], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def _claims_file(path: Path, size: int) -> int:
    """A JSON Lines import of about ``size`` bytes: long claims quoting one document; returns the claim count."""
    sentences = [f"Report {j}: at least {j} people were killed in town {j}." for j in range(500)]
    head = [{"kind": "source", "id": "amnesty", "name": "Amnesty International", "source_kind": "ngo"},
            {"kind": "metric", "id": "killed", "name": "People killed", "unit": "people"},
            {"kind": "document", "id": "doc", "title": "Reports", "published": "2020-11", "text": " ".join(sentences)}]
    written, count = 0, 0
    with path.open("w", encoding="utf-8") as out:
        for record in head:
            written += out.write(json.dumps(record) + "\n")
        while written < size:
            j = count % len(sentences)
            written += out.write(json.dumps({"kind": "claim", "id": f"claim-{count}", "document": "doc", "source": "amnesty",
                                             "quote": sentences[j], "statement": f"{j} " + "x" * 9_000,
                                             "figures": [{"metric": "killed", "value": f"at least {j}"}]}) + "\n")
            count += 1
    return count


def test_json_lines_import_memory_does_not_grow_with_file_size(tmp_path: Path) -> None:
    """Peak memory of an 80 MB and a 160 MB import: the second adds 80 MB of claims and almost no memory.

    Both files are past the point where the bounded parts of an import are full (the SQLite page
    cache, one chunk of claims), so any difference is memory that grows with the file.
    """
    processes = []
    for size in (80_000_000, 160_000_000):
        db = tmp_path / f"{size}.sqlite"
        assert run_cli("init", "--db", db).exit_code == 0
        path = tmp_path / f"{size}.jsonl"
        claims = _claims_file(path, size)
        processes.append((claims, subprocess.Popen([sys.executable, "-c", PEAK_MEMORY, str(db), str(path)],
                                                   stdout=subprocess.PIPE, text=True)))
    peaks = []
    for claims, process in processes:
        stdout, _ = process.communicate(timeout=300)
        assert process.returncode == 0
        added, peak_mb = map(int, stdout.split())
        assert added == claims
        peaks.append(peak_mb)
    small, large = peaks
    assert large - small < 16, f"peak memory {small} MB for 80 MB of claims, {large} MB for 160 MB"


# -- exit codes, --db -------------------------------------------------------------------------------


def test_db_option_wins_over_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from_env, from_option = tmp_path / "env.sqlite", tmp_path / "option.sqlite"
    monkeypatch.setenv("FACTDB_DB", str(from_env))
    assert run_cli("init", "--db", from_option).exit_code == 0
    assert not from_env.exists()
    assert run_cli("import", "--db", from_option, BASIC).exit_code == 0
    assert run_cli("init").exit_code == 0
    exported = run_cli("export", "--format", "json")  # reads FACTDB_DB: the empty database
    assert json.loads(exported.stdout) == {}


@pytest.mark.parametrize("args", [["import", "--bogus", str(BASIC)], ["parse-figure"], ["export", "--format", "csv"],
                                  ["init", "extra-argument"], ["no-such-command"]])
def test_usage_errors_exit_2_without_touching_a_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "Usage: " in result.output and "Error: " in result.output
    assert list(tmp_path.iterdir()) == []


# -- import batches -----------------------------------------------------------------------------------


def test_an_update_is_recorded_as_its_own_batch_with_files_hashes_and_counts(basic_db: Path, tmp_path: Path) -> None:
    changed = write(tmp_path, "changed.yaml", _basic_with(("value: at least 304}", "value: more than 304}")))
    extra = write(tmp_path, "extra.jsonl", json.dumps({"kind": "metric", "id": "injured", "name": "Injured", "unit": "people"}) + "\n")
    assert run_cli("import", "--db", basic_db, "--update", changed, extra).exit_code == 0
    [(started, finished, version, summary)] = rows(basic_db, "SELECT started_at, finished_at, factdb_version, summary "
                                                             "FROM import_batches WHERE id = 2")
    assert started <= finished and version
    assert json.loads(summary) == {"sources": {"unchanged": 5}, "events": {"unchanged": 1}, "metrics": {"added": 1, "unchanged": 2},
                                   "documents": {"unchanged": 1}, "claims": {"updated": 1, "unchanged": 2},
                                   "figures": {"updated": 1, "unchanged": 3}}
    assert rows(basic_db, "SELECT path, sha256, size_bytes, records FROM import_files WHERE batch_id = 2 ORDER BY id") == [
        (str(changed), hashlib.sha256(changed.read_bytes()).hexdigest(), changed.stat().st_size, 12),
        (str(extra), hashlib.sha256(extra.read_bytes()).hexdigest(), extra.stat().st_size, 1)]
    assert rows(basic_db, "SELECT batch_id FROM metrics WHERE id = 'injured'") == [(2,)]
    assert rows(basic_db, "SELECT id, batch_id, updated_batch_id FROM claims ORDER BY id") == [
        ("amnesty-304", 1, 2), ("ncri-1500", 1, None), ("officials-7000-arrested", 1, None)]


def test_imports_that_change_nothing_record_no_batch(basic_db: Path) -> None:
    assert run_cli("import", "--db", basic_db, BASIC).exit_code == 0
    assert run_cli("import", "--db", basic_db, "--dry-run", BASIC).exit_code == 0
    assert rows(basic_db, "SELECT id FROM import_batches") == [(1,)]

