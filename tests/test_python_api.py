"""factdb.Database, the library handle: opening, importing, comparing, reading, exporting, copying.

The CLI goes through the same object (its own tests check its words and exit codes); these tests
check what a program sees: typed results, errors as data, and the guide in docs/python-api.md.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
import sqlalchemy.exc
from conftest import REPO, SEEDS, NewStore, dump_database, is_postgres, rows, run_cli
from python_api_guide import GUIDE, examples, run_guide

import factdb
import factdb.db
from factdb import CompareError, Database, DatabaseError, ImportFailed, ImportReport, Problem
from factdb import reading
from factdb.compare import Comparison
from factdb.db import downgrade, make_engine
from factdb.reading import StoredClaim, StoredFigure

BASIC = REPO / "tests" / "fixtures" / "import" / "basic.yaml"
EVENT = "iran-protests-2019-11"


@pytest.fixture
def seeded(seeded_source: str) -> Iterator[Database]:
    """The seeded database on each backend, opened read-only (tests that write use seeded_store)."""
    with Database(seeded_source, readonly=True) as db:
        yield db


# --- The package ---------------------------------------------------------------------------------


def loaded_by(statement: str, *prefixes: str) -> list[str]:
    """The modules starting with one of ``prefixes`` that ``statement`` loads in a fresh process."""
    code = f"import sys; {statement}; print('\\n'.join(m for m in sys.modules if m.startswith({prefixes!r})))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()


def test_import_factdb_loads_neither_sqlalchemy_nor_the_importer() -> None:
    assert loaded_by("import factdb", "sqlalchemy", "alembic", "factdb.") == []


def test_the_cli_loads_neither_the_orm_models_nor_the_importer_before_a_command_needs_them() -> None:
    # `factdb compare` runs in a process of its own each time; the models and importer are its dead weight.
    assert loaded_by("import factdb.cli", "factdb.models", "factdb.importer", "factdb.reading", "sqlalchemy.orm") == []


def test_public_names_come_from_the_package() -> None:
    assert set(factdb.__all__) == {"__version__", "Database", "DatabaseError", "ImportReport", "ImportFailed", "Problem",
                                   "CompareError", "Comparison", "BackupError", "EditorialError"}
    for name in factdb.__all__:
        assert getattr(factdb, name) is not None
    assert factdb.Database is Database and factdb.Comparison is Comparison
    assert set(dir(factdb)) == set(factdb.__all__)
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        factdb.Nothing  # noqa: B018 - the attribute access is the test


# --- Opening -------------------------------------------------------------------------------------


def test_create_makes_a_database_that_then_opens(db_path: Path) -> None:
    with Database(db_path, create=True) as created:
        assert created.path == db_path and repr(created) == f"<Database {db_path}>"
    with Database(db_path) as db:
        assert list(db.claims()) == [] and "CREATE TABLE claims" in db.schema()
    assert db.schema() == run_cli("schema", "--db", db_path).output


def test_opening_a_missing_or_foreign_database_says_what_to_run(tmp_path: Path) -> None:
    missing = tmp_path / "missing.sqlite"
    with pytest.raises(DatabaseError) as raised:
        Database(missing)
    assert str(raised.value) == f"{missing}: no such database. Create it with: factdb init --db {missing}"
    assert not missing.exists()

    empty = tmp_path / "empty.sqlite"
    empty.touch()
    with pytest.raises(DatabaseError, match=r"empty.sqlite: not a factdb database \(no schema version\)\. Create one with: factdb init"):
        Database(empty)


def test_an_older_schema_is_refused_until_create_upgrades_it(fresh_db: Path) -> None:
    engine = make_engine(fresh_db)
    downgrade(engine, "-1")
    engine.dispose()
    with pytest.raises(DatabaseError, match=f"{fresh_db}: schema is at revision .* Upgrade it with: factdb init --db {fresh_db}"):
        Database(fresh_db)
    Database(fresh_db, create=True).close()
    Database(fresh_db).close()


def test_a_sqlite_url_names_the_same_file_and_other_urls_are_refused(seeded_db: Path) -> None:
    with Database(f"sqlite:///{seeded_db}") as db:
        assert db.path == seeded_db and len(list(db.sources())) == 10
    with pytest.raises(DatabaseError, match=r"mysql://factdb:\*\*\*@localhost/facts: factdb keeps its data in SQLite files or PostgreSQL"):
        Database("mysql://factdb:secret@localhost/facts")
    for url in ("sqlite://", "sqlite:///:memory:", f"sqlite:///{seeded_db}?mode=ro"):
        with pytest.raises(DatabaseError, match="give the database file as sqlite:///PATH, without options"):
            Database(url)


def test_readonly_never_waits_for_a_writer_and_refuses_to_import(seeded_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(factdb.db, "BUSY_TIMEOUT_MS", 200)
    writer = sqlite3.connect(seeded_copy, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # an import in progress holds the write lock
        with Database(seeded_copy, readonly=True) as db:
            assert repr(db) == f"<Database {seeded_copy} (read-only)>" and db.compare(EVENT, "killed").verdict
            with pytest.raises(DatabaseError, match=f"{seeded_copy}: opened read-only; open it without readonly=True to write"):
                db.import_files([BASIC])
        with pytest.raises(sqlalchemy.exc.OperationalError, match="database is locked"):
            Database(seeded_copy)  # for writing: waits for the lock, as factdb import does, then gives up
    finally:
        writer.close()
    with pytest.raises(ValueError, match="cannot be created read-only"):
        Database(seeded_copy, create=True, readonly=True)


def test_closing_releases_the_database_file(seeded_copy: Path) -> None:
    def open_here() -> bool:
        return any(Path(f.path) == seeded_copy for f in psutil.Process().open_files())

    with Database(seeded_copy) as db:
        assert db.compare(EVENT, "killed").verdict
        db.import_files(SEEDS.glob("*.yaml"), dry_run=True)
        assert open_here()
    assert not open_here()
    with Database(seeded_copy, readonly=True) as db:
        assert open_here()  # the connection that checked the schema version, kept for comparisons
        assert db.compare(EVENT, "killed").verdict
    assert not open_here()


def test_a_readonly_handle_that_refuses_a_file_leaves_nothing_open(tmp_path: Path, fresh_db: Path) -> None:
    """Database(readonly=True) checks the schema version through the connection its comparisons
    read with; when it refuses the file, that connection is closed again."""
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not an SQLite database\n" * 200)
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    engine = make_engine(fresh_db)
    downgrade(engine, "-1")
    engine.dispose()
    refusals = [
        (junk, r"not a factdb database \(the file is not an SQLite database\)"),
        (empty, r"not a factdb database \(no schema version\)"),
        (fresh_db, r"schema is at revision .* Upgrade it with: factdb init --db "),
    ]
    for path, message in refusals:
        with pytest.raises(DatabaseError, match=f"{path}: {message}"):
            Database(path, readonly=True)
        assert not any(Path(f.path) == path for f in psutil.Process().open_files())


# --- Importing -----------------------------------------------------------------------------------


def test_import_files_reports_what_changed_and_writes_what_the_cli_writes(fresh_store: Path | str, new_store: NewStore) -> None:
    with Database(fresh_store) as db:
        report = db.import_files([BASIC])
        assert isinstance(report, ImportReport) and report.counts["claims"]["added"] == 3 and report.batch_id is not None
        again = db.import_files([str(BASIC)])
        assert not again.changed and again.counts["claims"]["unchanged"] == 3
    through_cli = new_store(fresh_store)
    run_cli("import", "--db", through_cli, BASIC)
    assert rows(fresh_store, "SELECT id, content_sha256 FROM claims ORDER BY id") == rows(through_cli, "SELECT id, content_sha256 FROM claims ORDER BY id")


def test_dry_run_writes_nothing_and_progress_is_reported(fresh_store: Path | str) -> None:
    before = dump_database(fresh_store)
    read: list[int] = []
    with Database(fresh_store) as db:
        report = db.import_files([BASIC], dry_run=True, progress=read.append)
    assert report.dry_run and report.counts["claims"]["added"] == 3 and report.batch_id is None
    assert sum(read) == 2 * BASIC.stat().st_size  # each file is read twice
    assert dump_database(fresh_store) == before


def test_bad_input_is_raised_as_problems_and_nothing_is_written(seeded_store: Path | str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("claims:\n  - id: x\n    document: nowhere\n    source: amnesty\n    quote: q\n", encoding="utf-8")
    before = dump_database(seeded_store)
    with Database(seeded_store) as db, pytest.raises(ImportFailed) as raised:
        db.import_files([bad])
    problems = raised.value.problems
    assert all(isinstance(p, Problem) for p in problems)
    assert [(p.path, p.line, p.field) for p in problems] == [(str(bad), 3, "claims[0].document")]
    assert "unknown document 'nowhere'" in problems[0].message
    assert dump_database(seeded_store) == before


# --- Comparing -----------------------------------------------------------------------------------


def test_compare_returns_typed_comparisons(seeded: Database) -> None:
    killed = seeded.compare(EVENT, "killed")
    assert isinstance(killed, Comparison)
    assert [(f.source, f.qualifier) for f in killed.figures] == [("amnesty", "at_least"), ("ncri", "approximately")]
    every = seeded.compare("November 2019 Iran protests")
    assert isinstance(every, list) and killed in every
    assert seeded.compare(EVENT, "killed", tolerance=0.2).consensus == (1200, 1800)
    assert [f.source for f in seeded.compare(EVENT, "killed", as_of="2019-12").figures] == ["amnesty"]
    assert seeded.compare(EVENT, "killed", history=True).history is not None


def test_compare_gives_the_cli_its_json(seeded: Database, seeded_source: str) -> None:
    cli = run_cli("compare", EVENT, "--metric", "killed", "--format", "json", "--db", seeded_source)
    assert json.loads(cli.output) == seeded.compare(EVENT, "killed").to_dict()


def test_unknown_names_raise_compare_error(seeded: Database) -> None:
    with pytest.raises(CompareError, match="No event 'nothing'"):
        seeded.compare("nothing")
    with pytest.raises(CompareError, match="metric"):
        seeded.compare(EVENT, "drowned")


# --- Reading -------------------------------------------------------------------------------------


def test_claims_hold_their_figures_and_filter_by_event_source_and_document(seeded: Database, seeded_source: str) -> None:
    claims = list(seeded.claims())
    assert [c.id for c in claims] == [r[0] for r in rows(seeded_source, "SELECT id FROM claims ORDER BY id")]
    ncri = next(c for c in claims if c.id == "ncri-killed-approximately-1500")
    assert ncri == StoredClaim(
        id="ncri-killed-approximately-1500", document="iran-resolution-follow-ups-2020", source="ncri", via=None, event=EVENT,
        claimed_on="2020-11", quote=ncri.quote, statement=ncri.statement, supersedes=None, status="active",
        figures=(StoredFigure("killed", None, "approximately", 1500.0, None, None, "approximately 1,500"),
                 StoredFigure("killed", "children", "vague", None, 3.0, 9.0, "several")),
    )
    assert ncri.quote.startswith("The MEK’s internal network") and ncri.statement and ncri.statement.startswith("The NCRI's statements")
    assert sum(len(c.figures) for c in claims) == rows(seeded_source, "SELECT count(*) FROM figures")[0][0]
    by_event = list(seeded.claims(event=EVENT))
    assert by_event and all(c.event == EVENT for c in by_event) and len(by_event) < len(claims)
    assert [c.id for c in seeded.claims(event=EVENT, source="amnesty")] == [c.id for c in by_event if c.source == "amnesty"]
    assert len(list(seeded.claims(document="iran-resolution-follow-ups-2020"))) == len(claims)
    assert list(seeded.claims(document="nowhere")) == []


def test_claims_read_in_pages_give_the_same_claims(seeded: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = list(seeded.claims())
    monkeypatch.setattr(reading, "CLAIMS_PER_QUERY", 4)
    assert list(seeded.claims()) == whole
    for limit in (0, 1, 4, 5, 8, len(whole), len(whole) + 10):
        assert list(seeded.claims(limit=limit)) == whole[:limit]
    with pytest.raises(ValueError, match="limit must be 0 or more, not -1"):
        seeded.claims(limit=-1)


def test_read_helpers_return_what_an_export_holds(seeded: Database) -> None:
    out = io.StringIO()
    seeded.export(out, fmt="jsonl")
    exported: dict[str, list[dict[str, Any]]] = {}
    for line in out.getvalue().splitlines():
        record = json.loads(line)
        exported.setdefault(record.pop("kind"), []).append(record)
    assert [(s.id, s.name, s.kind, list(s.aliases)) for s in seeded.sources()] == [
        (r["id"], r["name"], r["source_kind"], r.get("aliases", [])) for r in exported["source"]]
    assert [(e.id, e.name, e.start, e.parent) for e in seeded.events()] == [
        (r["id"], r["name"], r.get("start"), r.get("parent")) for r in exported["event"]]
    assert [(m.id, m.unit) for m in seeded.metrics()] == [(r["id"], r["unit"]) for r in exported["metric"]]
    assert [(d.id, d.text, d.published) for d in seeded.documents()] == [
        (r["id"], r["text"], r["published"]) for r in exported["document"]]
    assert [(c.id, c.source, c.quote, len(c.figures)) for c in seeded.claims()] == [
        (r["id"], r["source"], r["quote"], len(r.get("figures", []))) for r in exported["claim"]]
    mek = next(s for s in seeded.sources() if s.id == "mek")
    assert mek.member_of == ("ncri",) and mek.part_of == () and "PMOI" in mek.aliases


def test_stored_values_are_frozen(seeded: Database) -> None:
    claim = next(seeded.claims(limit=1))
    with pytest.raises(AttributeError):
        claim.id = "changed"  # type: ignore[misc]


# --- Copies --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["yaml", "json", "jsonl"])
def test_export_to_a_stream_or_a_file_gives_the_cli_bytes(fmt: str, seeded: Database, seeded_source: str, tmp_path: Path) -> None:
    cli = run_cli("export", "--db", seeded_source, "--format", fmt).stdout_bytes
    out = io.StringIO()
    seeded.export(out, fmt)
    assert out.getvalue().encode() == cli
    target = tmp_path / f"export.{fmt}"
    seeded.export(target, fmt)
    assert target.read_bytes() == cli
    seeded.export(str(target), fmt)
    assert target.read_bytes() == cli and sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_a_failed_export_leaves_the_earlier_file_as_it_was(seeded_copy: Path, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "export.yaml"
    target.write_text("an earlier export\n", encoding="utf-8")
    # A document title that is not UTF-8 (a damaged file): the export stops after the sources.
    damaged = sqlite3.connect(seeded_copy)
    damaged.execute("UPDATE documents SET title = CAST(X'ff' AS TEXT)")
    damaged.commit()
    damaged.close()
    with Database(seeded_copy) as db:
        with pytest.raises(ValueError, match="unknown export format 'xml'"):
            db.export(target, "xml")
        with pytest.raises(sqlalchemy.exc.OperationalError, match="Could not decode to UTF-8"):
            db.export(target)
    assert target.read_text(encoding="utf-8") == "an earlier export\n"
    assert [p.name for p in folder.iterdir()] == ["export.yaml"]


def test_export_through_a_link_writes_the_file_it_points_at(seeded: Database, tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text("old\n", encoding="utf-8")
    os.chmod(real, 0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    seeded.export(link)
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("sources:\n")
    assert real.stat().st_mode & 0o777 == 0o640


def test_backup_is_a_whole_copy_and_refuses_to_overwrite(seeded: Database, seeded_source: str, tmp_path: Path) -> None:
    target = seeded.backup(tmp_path / "backup.sqlite")
    assert target == tmp_path / "backup.sqlite"
    if is_postgres(seeded_source):  # an SQLite snapshot of the server's store
        assert run_cli("export", "--db", target).stdout == run_cli("export", "--db", seeded_source).stdout
    else:
        assert dump_database(target) == dump_database(seeded_source)
    with pytest.raises(factdb.BackupError, match="already exists"):
        seeded.backup(target)
    assert seeded.backup(target, force=True) == target


@pytest.mark.slow
def test_publish_writes_the_site_the_cli_writes(seeded: Database, seeded_source: str, tmp_path: Path) -> None:
    result = seeded.publish(tmp_path / "site")
    assert result.snapshot == tmp_path / "site" / "factdb.db" and result.command[:3] == ["datasette", "-i", str(result.snapshot)]
    assert rows(result.snapshot, "SELECT count(*) FROM claims") == rows(seeded_source, "SELECT count(*) FROM claims")


# --- The guide -----------------------------------------------------------------------------------


def test_the_guide_runs_and_prints_what_it_shows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every example of docs/python-api.md, in order, import_records' included."""
    assert any(".import_records(" in example.code for example in examples())
    assert run_guide(tmp_path, monkeypatch) == len(examples())


def test_the_guide_reference_is_current() -> None:
    result = subprocess.run([sys.executable, "-m", "cogapp", "--check", str(GUIDE)], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, f"docs/python-api.md is stale; run `cog -r docs/python-api.md`.\n{result.stdout}{result.stderr}"



@pytest.mark.parametrize("seeded_source", ["sqlite"], indirect=True)  # the plan is SQLite's EXPLAIN QUERY PLAN
def test_a_document_is_found_by_its_exact_text_through_the_hash_index(seeded: Database) -> None:
    stored = next(seeded.documents())
    assert [d.id for d in seeded.documents(text=stored.text)] == [stored.id]
    assert list(seeded.documents(text=stored.text + " ")) == []
    # The look-up reads the index on the text's hash, not every archived text.
    plan = rows(seeded.path, "EXPLAIN QUERY PLAN SELECT id FROM documents WHERE text_sha256 = 'x'")
    assert any("ix_documents_text_sha256" in str(step) for step in plan), plan
