"""The schema and its migrations, `factdb init`, commands on files that are not factdb databases, exit codes and `--db`."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy.exc
from click.testing import CliRunner

from factdb.cli import cli
from factdb.db import current_revision, head_revision, make_engine, upgrade

from conftest import BASIC, dump_database, execute, rows, run_cli, write


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


BAD_ROWS = [
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
]
BAD_ROW_IDS = ["negative", "no-number", "alias-twice", "claim-id-twice", "empty-quote-span", "via-is-source", "status",
        "precision", "foreign-key", "relation"]
# The constraint PostgreSQL names for each refusal (SQLite names the columns of a UNIQUE or FOREIGN KEY).
POSTGRES_CONSTRAINTS = {"alias-twice": "uq_source_aliases_alias_key", "claim-id-twice": "uq_claims_id",
                        "foreign-key": "fk_claims_source_id_sources"}


@pytest.mark.parametrize(("sql", "refusal"), BAD_ROWS, ids=BAD_ROW_IDS)
def test_the_database_refuses_bad_rows_without_python(basic_db: Path, sql: str, refusal: str) -> None:
    connection = sqlite3.connect(basic_db)
    connection.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(sqlite3.IntegrityError) as error:
        connection.execute(sql)
    connection.close()
    assert str(error.value) == refusal


@pytest.mark.parametrize("basic_store", ["postgresql"], indirect=True)
@pytest.mark.parametrize(("case", "sql", "refusal"), [(case, *bad) for case, bad in zip(BAD_ROW_IDS, BAD_ROWS, strict=True)],
                         ids=BAD_ROW_IDS)
def test_postgresql_refuses_the_same_bad_rows_by_the_same_constraints(basic_store: str, case: str, sql: str,
                                                                      refusal: str) -> None:
    before = dump_database(basic_store)
    with pytest.raises(sqlalchemy.exc.IntegrityError) as error:
        execute(basic_store, sql)
    expected = POSTGRES_CONSTRAINTS.get(case) or refusal.removeprefix("CHECK constraint failed: ")
    assert error.value.orig.diag.constraint_name == expected  # type: ignore[union-attr]
    assert dump_database(basic_store) == before


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
