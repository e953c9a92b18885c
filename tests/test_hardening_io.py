"""Issue 16: safe outputs, files written whole or not at all, bounded work (items 6, 7, 11, 12, 14, 15, 17, 18)."""

from __future__ import annotations

import asyncio
import csv
import gc
import io
import json
import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy.exc

from conftest import REPO, claims_in, copy_database, dump_database, run_cli, write
from datasette_servers import factdb_serve, get

from factdb import Database

BASIC = REPO / "tests" / "fixtures" / "import" / "basic.yaml"


# -- 11. CSV cells a spreadsheet would run as formulas --------------------------------------------------------

FORMULA_IMPORT = """
sources:
  - {id: cmd, name: "=HYPERLINK(\\"http://evil.example\\",\\"click\\")", kind: ngo}
  - {id: plain, name: "+1 Plain", kind: media}
events:
  - {id: ev, name: Event}
metrics:
  - {id: killed, name: People killed, unit: people}
documents:
  - {id: doc, title: Doc, published: 2020-01-02, text: "They said at least 5 people died. Others said 7 people died."}
claims:
  - {id: c1, document: doc, source: cmd, event: ev, quote: at least 5 people died,
     figures: [{metric: killed, value: at least 5, population: "-2+3"}]}
  - {id: c2, document: doc, source: plain, event: ev, quote: 7 people died, figures: [{metric: killed, value: 7, population: "-2+3"}]}
"""


def test_compare_csv_neutralises_formula_cells(tmp_path: Path) -> None:
    db = tmp_path / "f.sqlite"
    assert run_cli("init", "--db", db).exit_code == 0
    imported = run_cli("import", "--db", db, write(tmp_path, "f.yaml", FORMULA_IMPORT))
    assert imported.exit_code == 0, imported.output
    # An import now refuses a stated phrase that does not read as its figure; a database written
    # before that rule may still hold one.
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE figures SET stated = '@SUM(1)' WHERE claim_pk = (SELECT pk FROM claims WHERE id = 'c1')")
    result = run_cli("compare", "--db", db, "ev", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 2
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), (column, cell)
            if column not in ("value", "low", "high", "interval_low", "interval_high"):
                assert not cell.startswith("-"), (column, cell)
    first = next(r for r in rows if r["claim_id"] == "c1")
    assert first["population"] == "'-2+3"
    assert first["source_name"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert first["stated"] == "'@SUM(1)"
    assert next(r for r in rows if r["claim_id"] == "c2")["source_name"] == "'+1 Plain"


# -- 7. init never touches another application's database ---------------------------------------------------


def _file_bytes(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.parent.iterdir()) if p.name.startswith(path.name)}


def _other_application(path: Path, *statements: str) -> Path:
    connection = sqlite3.connect(path)
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()
    return path


def test_init_refuses_another_applications_database(tmp_path: Path) -> None:
    db = _other_application(tmp_path / "app.sqlite", "create table users (id integer primary key, name text)",
                            "insert into users (name) values ('ada')")
    before = _file_bytes(db)
    result = run_cli("init", "--db", db)
    assert result.exit_code == 1
    assert "belongs to another application (tables: users)" in result.stderr
    assert "changed nothing" in result.stderr and "Traceback" not in result.output
    assert _file_bytes(db) == before
    assert sqlite3.connect(db).execute("pragma journal_mode").fetchone()[0] == "delete"


def test_init_refuses_a_clashing_sources_table_without_switching_to_wal(tmp_path: Path) -> None:
    db = _other_application(tmp_path / "app.sqlite", "create table sources (url text)")
    before = _file_bytes(db)
    result = run_cli("init", "--db", db)
    assert result.exit_code == 1 and "another application (tables: sources)" in result.stderr
    assert "check that the database file and its folder are writable" not in result.stderr
    assert _file_bytes(db) == before


def test_init_names_a_newer_factdb_for_an_unknown_revision(tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite"
    assert run_cli("init", "--db", db).exit_code == 0
    connection = sqlite3.connect(db)
    connection.execute("update alembic_version set version_num = '0099_from_the_future'")
    connection.commit()
    connection.close()
    before = dump_database(db)
    for command in (["init"], ["compare", "x"], ["export"], ["schema"]):
        result = run_cli(*command, "--db", db)
        assert result.exit_code == 1, (command, result.output)
        assert "0099_from_the_future was made by a newer factdb" in result.stderr, (command, result.stderr)
        assert "Upgrade factdb" in result.stderr and "Traceback" not in result.output
    assert dump_database(db) == before


def test_init_on_an_empty_file_creates_the_database(tmp_path: Path) -> None:
    db = tmp_path / "empty.sqlite"
    db.touch()
    assert run_cli("init", "--db", db).exit_code == 0
    assert run_cli("import", "--db", db, BASIC).exit_code == 0


def test_a_failed_init_leaves_no_file_behind(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import factdb.db

    def fail(*_args: object, **_kwargs: object) -> None:
        raise factdb.db.DatabaseError("migration failed (injected)")

    monkeypatch.setattr(factdb.db, "upgrade", fail)
    result = run_cli("init", "--db", tmp_path / "new.sqlite")
    assert result.exit_code == 1 and "injected" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_spreadsheet_text_prefixes_every_formula_start() -> None:
    from factdb.csv_cells import spreadsheet_text

    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert spreadsheet_text(f"{start}1+1") == f"'{start}1+1"
    assert spreadsheet_text("Amnesty International") == "Amnesty International"
    assert spreadsheet_text("") == ""


# -- 15. the closest-passage hint is bounded --------------------------------------------------------------


def _article(rng: random.Random, characters: int) -> str:
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9))) for _ in range(5000)]
    text: list[str] = []
    size = 0
    while size < characters:
        text.append(rng.choice(words))
        size += len(text[-1]) + 1
    return " ".join(text)


def _with_typo(text: str, at: int) -> str:
    return text[:at] + "#" + text[at + 1 :]


def test_the_anchored_search_finds_the_exact_searchs_run(monkeypatch: pytest.MonkeyPatch) -> None:
    from factdb import quotes

    rng = random.Random(16)
    for _ in range(40):
        document = _article(rng, rng.choice([3_000, 12_000]))
        length = rng.choice([30, 200, 800])
        start = rng.randrange(len(document) - length)
        quote = document[start : start + length]
        for _typo in range(rng.choice([1, 2, 3])):
            quote = _with_typo(quote, rng.randrange(length))
        monkeypatch.setattr(quotes, "EXACT_SEARCH_CELLS", 10**12)
        exact = quotes.longest_shared_run(document, quote)
        monkeypatch.setattr(quotes, "EXACT_SEARCH_CELLS", 0)
        anchored = quotes.longest_shared_run(document, quote)
        assert anchored == exact


@pytest.mark.parametrize("kind", ["article", "repetitive", "one letter", "nothing shared"])
def test_the_closest_passage_takes_under_half_a_second_whatever_the_sizes(kind: str) -> None:
    from factdb.quotes import closest_passage

    rng = random.Random(15)
    document = {
        "article": lambda: _article(rng, 900_000),
        "repetitive": lambda: (BASIC.read_text(encoding="utf-8") * 400)[:900_000],
        "one letter": lambda: "a" * 900_000,
        "nothing shared": lambda: _article(rng, 900_000),
    }[kind]()
    quote = "Q" * 1_500 if kind == "nothing shared" else _with_typo(document[400_000:401_500], 700)
    # CPU time, not wall time: the bound is on the work done, which a loaded machine does not change.
    # Nor the garbage collector's passes over what earlier tests left on the heap (late in a full run
    # they added 0.3 s to this call).
    gc.collect()
    gc.disable()
    try:
        started = time.process_time()
        passage = closest_passage(document, quote)
        spent = time.process_time() - started
    finally:
        gc.enable()
    assert spent < 0.5
    if kind == "article":
        start = document.rfind(" ", 0, 400_000) + 1  # the hint starts on the word the shared run begins in
        assert passage == document[start : start + 159] + "…"


def test_import_names_the_closest_passage_of_a_large_document_quickly(tmp_path: Path) -> None:
    rng = random.Random(9)
    text = _article(rng, 900_000)
    quote = _with_typo(text[300_000:301_500], 800)
    write(tmp_path, "doc.txt", text)
    data = write(tmp_path, "big.yaml", """
sources: [{id: s, name: S, kind: ngo}]
events: [{id: e, name: E}]
metrics: [{id: killed, name: People killed, unit: people}]
documents: [{id: d, title: D, published: 2020-01-01, text_file: doc.txt}]
claims:
""" + "".join(f"  - {{id: c{i}, document: d, source: s, event: e, quote: '{quote}'}}\n" for i in range(20)))
    db = tmp_path / "f.sqlite"
    assert run_cli("init", "--db", db).exit_code == 0
    started = time.perf_counter()
    result = run_cli("import", "--db", db, data)
    elapsed = time.perf_counter() - started
    assert result.exit_code == 1
    start = text.rfind(" ", 0, 300_000) + 1  # the hint starts on the word the shared run begins in
    assert result.stderr.count(f'closest passage: "{text[start : start + 159]}…"') == 20
    assert elapsed < 20 * 0.5 + 5


# -- 14. one SQL call cannot build gigabytes ---------------------------------------------------------------

HEAVY_CALLS = ("select printf('%.*c', 2000000000, 'x')", "select printf('%2000000000d', 1)",
               "select format('%1000000000c%1000000000c', 'x', 'y')", "select randomblob(1000000000)",
               "select zeroblob(1000000000)", "select length(replace(printf('%.*c', 60000000, 'x'), 'x', 'xx'))")


@pytest.mark.parametrize("sql", HEAVY_CALLS)
def test_a_heavy_call_fails_fast_on_factdbs_own_connections(seeded_db: Path, sql: str) -> None:
    from factdb import Database

    with Database(seeded_db, readonly=True) as db, db.read_engine.connect() as connection:
        started = time.perf_counter()
        with pytest.raises(sqlalchemy.exc.DatabaseError):
            connection.exec_driver_sql(sql).all()
        assert time.perf_counter() - started < 1


def test_printf_still_formats_within_the_limits(seeded_db: Path) -> None:
    from factdb import Database

    with Database(seeded_db, readonly=True) as db, db.read_engine.connect() as connection:
        row = connection.exec_driver_sql(
            "select printf('%s-%05d|%.2f|%d%%|%.*c', 'a', 7, 3.14159, 5, 3, 'x'), format('%q', 'it''s'), "
            "length(printf('%.*c', 1000000, 'x'))").one()
    assert tuple(row) == ("a-00007|3.14|5%|xxx", "it''s", 1_000_000)


async def test_datasette_refuses_heavy_calls_fast_and_keeps_answering(seeded_db: Path) -> None:
    from datasette.app import Datasette

    from factdb.publish import SETTINGS

    datasette = Datasette([str(seeded_db)], settings=SETTINGS)
    name = seeded_db.stem

    async def query(sql: str) -> tuple[float, int, dict[str, object]]:
        started = time.perf_counter()
        response = await datasette.client.get(f"/{name}.json", params={"sql": sql, "_shape": "objects"})
        return time.perf_counter() - started, response.status_code, response.json()

    started = time.perf_counter()
    results = await asyncio.gather(*(query(sql) for sql in HEAVY_CALLS * 2), query("select count(*) as n from claims"))
    for elapsed, status, body in results[:-1]:
        assert status == 400 and body["ok"] is False, body
        assert elapsed < SETTINGS["sql_time_limit_ms"] / 1000 + 1
    elapsed, status, body = results[-1]
    assert status == 200 and body["rows"] == [{"n": claims_in(seeded_db)}]
    assert time.perf_counter() - started < 5


# -- 12. security headers on every page ------------------------------------------------------------------


async def test_every_response_carries_the_security_headers(seeded_db: Path) -> None:
    from datasette.app import Datasette

    datasette = Datasette([str(seeded_db)])
    name = seeded_db.stem
    paths = ("/", f"/{name}", f"/{name}/claims", f"/{name}/claims/1", f"/{name}.json?sql=select+1",
             f"/{name}/claims.csv", "/-/static/app.css", "/-/compare/no-such-event/killed", "/no-such-page")
    for path in paths:
        response = await datasette.client.get(path)
        headers = response.headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "DENY", path
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin", path
        policy = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy, path
        script_sources = next(part for part in policy.split("; ") if part.startswith("script-src")).split()[1:]
        assert script_sources[0] == "'self'" and all(s.startswith("'sha256-") for s in script_sources[1:]), path
        assert len(headers.get_list("content-security-policy")) == 1, path


# -- 6. every file is written whole or not at all; 18. and the message blames the right file ----------------

FACTDB = Path(sys.executable).parent / "factdb"


def _factdb_with_file_size_limit(limit: int, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run factdb where no file may grow past ``limit`` bytes: what a full disk does to a write."""

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([str(FACTDB), *map(str, args)], preexec_fn=limited, capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_backup_that_fills_the_disk_keeps_the_old_backup_and_blames_the_disk(seeded_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "backups"
    out.mkdir()
    old = out / "factdb.backup"
    old.write_bytes(b"the previous backup")
    result = _factdb_with_file_size_limit(50_000, "backup", "--db", seeded_copy, old, "--force", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert f"{old}: the copy could not be written" in result.stderr
    assert "is it a factdb database" not in result.stderr and "Traceback" not in result.stderr
    assert "Free some disk space" in result.stderr
    assert _files(out) == {"factdb.backup": b"the previous backup"}


def test_a_publish_that_fills_the_disk_keeps_the_old_site(seeded_copy: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run_cli("publish", "--db", seeded_copy, site).exit_code == 0
    before = _files(site)
    result = _factdb_with_file_size_limit(50_000, "publish", "--db", seeded_copy, site, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "the site could not be written" in result.stderr and "Traceback" not in result.stderr
    assert "check that the database file" not in result.stderr
    assert _files(site) == before


def test_a_first_publish_that_fills_the_disk_leaves_no_folder(seeded_copy: Path, tmp_path: Path) -> None:
    result = _factdb_with_file_size_limit(50_000, "publish", "--db", seeded_copy, tmp_path / "site", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert not (tmp_path / "site").exists()


def test_an_export_that_fills_the_disk_keeps_the_old_export(seeded_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    out.mkdir()
    (out / "factdb.yaml").write_text("the previous export\n", encoding="utf-8")
    result = _factdb_with_file_size_limit(8_000, "export", "--db", seeded_copy, "-o", out / "factdb.yaml", cwd=tmp_path)
    assert result.returncode != 0
    assert _files(out) == {"factdb.yaml": b"the previous export\n"}


def test_an_extract_draft_that_fills_the_disk_keeps_the_old_draft(tmp_path: Path) -> None:
    draft = tmp_path / "draft.yaml"
    draft.write_text("the reviewed draft\n", encoding="utf-8")
    article = tmp_path / "article.txt"
    # forty different claims: a draft far larger than the 3,000-byte limit
    article.write_text("Killings\n\n" + "".join(f"Amnesty International said at least {300 + n} people were killed in "
                                                 f"district {n}. " for n in range(40)), encoding="utf-8")
    result = _factdb_with_file_size_limit(3_000, "extract", str(article), "-o", draft, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "the draft could not be written" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["article.txt", "draft.yaml"]
    assert draft.read_bytes() == b"the reviewed draft\n"


def test_an_init_that_fills_the_disk_creates_nothing_and_says_why(tmp_path: Path) -> None:
    out = tmp_path / "new"
    out.mkdir()
    result = _factdb_with_file_size_limit(20_000, "init", "--db", out / "factdb.sqlite", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "the new database could not be written" in result.stderr and "nothing was created" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(out.iterdir()) == []


# -- 17. a database nobody can write is still read --------------------------------------------------------


@pytest.fixture
def read_only_db(seeded_db: Path, tmp_path: Path) -> Iterator[Path]:
    """The seeded database (in WAL mode, no -wal or -shm beside it) where it cannot be written.

    As root, permissions do not stop a write, so the folder is bind-mounted read-only (as a
    read-only volume or mount would be); otherwise the folder and file lose their write permission.
    """
    folder = tmp_path / "data"
    folder.mkdir()
    copy_database(seeded_db, folder / "factdb.sqlite")
    connection = sqlite3.connect(folder / "factdb.sqlite")
    assert connection.execute("pragma journal_mode = wal").fetchone()[0] == "wal"
    connection.close()
    assert sorted(p.name for p in folder.iterdir()) == ["factdb.sqlite"]
    if os.geteuid() == 0:
        mounted = tmp_path / "read-only"
        mounted.mkdir()
        subprocess.run(["mount", "--bind", str(folder), str(mounted)], check=True)
        try:
            subprocess.run(["mount", "-o", "remount,bind,ro", str(mounted)], check=True)
            yield mounted / "factdb.sqlite"
        finally:
            # Lazily: a connection a failed test left open must not keep the mount.
            subprocess.run(["umount", "--lazy", str(mounted)], check=True)
    else:
        (folder / "factdb.sqlite").chmod(0o444)
        folder.chmod(0o555)
        try:
            yield folder / "factdb.sqlite"
        finally:
            folder.chmod(0o755)


def test_a_read_only_wal_database_can_be_compared_exported_and_backed_up(read_only_db: Path, tmp_path: Path) -> None:
    assert not os.access(read_only_db.parent, os.W_OK)
    before = _files(read_only_db.parent)
    compared = run_cli("compare", "--db", read_only_db, "iran-protests-2019-11", "--metric", "killed", "--format", "json")
    assert compared.exit_code == 0, compared.output
    assert json.loads(compared.stdout)["metric"] == "killed"
    exported = run_cli("export", "--db", read_only_db)
    assert exported.exit_code == 0 and "claims:" in exported.stdout
    assert run_cli("schema", "--db", read_only_db).exit_code == 0
    assert run_cli("backup", "--db", read_only_db, tmp_path / "copy.sqlite").exit_code == 0
    assert run_cli("publish", "--db", read_only_db, tmp_path / "site").exit_code == 0
    assert run_cli("init", "--db", read_only_db).exit_code == 0  # up to date: nothing to write
    with Database(read_only_db, readonly=True) as db:
        assert len(list(db.claims(limit=3))) == 3
    assert _files(read_only_db.parent) == before


def test_writing_to_a_read_only_database_says_what_needs_write_access(read_only_db: Path) -> None:
    result = run_cli("import", "--db", read_only_db, BASIC)
    assert result.exit_code == 1
    assert "the database or its folder is read-only" in result.stderr
    assert "import and init need to write" in result.stderr and "compare, export" in result.stderr
    assert "Traceback" not in result.output and "unable to open database file" not in result.stderr


def test_a_read_only_wal_database_can_be_served(read_only_db: Path) -> None:
    with factdb_serve(read_only_db) as url:
        status, body = get(f"{url}/factdb/claims.json?_shape=array&_size=1")
    assert status == 200 and len(json.loads(body)) == 1


# -- 18. messages that name the real cause --------------------------------------------------------------


def test_a_deleted_write_ahead_log_is_named_not_blamed_on_permissions(seeded_copy: Path) -> None:
    holder = sqlite3.connect(seeded_copy)
    try:
        holder.execute("pragma wal_autocheckpoint = 0")
        holder.execute("create table other_program (x)")
        holder.commit()
        seeded_copy.with_name(seeded_copy.name + "-wal").unlink()
        for command in (["compare", "iran-protests-2019-11"], ["import", BASIC]):
            result = run_cli(command[0], "--db", seeded_copy, *command[1:])
            assert result.exit_code == 1
            assert f"its write-ahead log {seeded_copy.name}-wal was deleted" in result.stderr, result.stderr
            assert "writable" not in result.stderr and "Traceback" not in result.output
    finally:
        holder.close()


def test_tables_another_program_changed_are_named_not_blamed_on_permissions(seeded_copy: Path) -> None:
    connection = sqlite3.connect(seeded_copy)
    connection.execute("alter table metrics rename to metrics_renamed_by_another_program")
    connection.commit()
    connection.close()
    result = run_cli("compare", "--db", seeded_copy, "iran-protests-2019-11")
    assert result.exit_code == 1
    assert "the database's tables are not factdb's" in result.stderr, result.stderr
    assert "writable" not in result.stderr and "Traceback" not in result.output
