"""Fixtures that read like the domain: a fresh database, the seeded database, a CLI runner."""

from __future__ import annotations

import itertools
import os
import queue
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import make_url

from factdb.cli import cli
from factdb.db import make_engine, upgrade

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path where no database exists yet."""
    return tmp_path / "factdb.sqlite"


@pytest.fixture
def fresh_db(db_path: Path) -> Path:
    """An empty database migrated to the latest schema."""
    return migrated_database(db_path.parent)


COMPARE_DATA = (SEEDS / "iran-resolution-follow-ups-2020.yaml", REPO / "tests/fixtures/compare/multi_source.yaml")


def import_compare_data(db: str | Path) -> None:
    # Two imports: the fixture repeats the seeds' metric definitions so it also stands alone.
    for data in COMPARE_DATA:
        result = run_cli("import", "--db", db, data)
        assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def compare_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds plus the multi-source comparison fixture, imported once through the CLI. Read only."""
    path = tmp_path_factory.mktemp("compare") / "factdb.sqlite"
    assert run_cli("init", "--db", path).exit_code == 0
    import_compare_data(path)
    return path


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds, imported once through the CLI. Read only: work on a copy_database() of it."""
    path = tmp_path_factory.mktemp("seeded") / "seeded.sqlite"
    assert run_cli("init", "--db", path).exit_code == 0
    result = run_cli("import", "--db", path, *sorted(SEEDS.glob("*.yaml")))
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def seeded_copy(seeded_db: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the seeded database."""
    return copy_database(seeded_db, tmp_path / "factdb.sqlite")


@pytest.fixture(params=["sqlite", "postgresql"])
def seeded_store(request: pytest.FixtureRequest, seeded_db: Path, tmp_path: Path) -> Path | str:
    """The seeds imported, on each backend in turn: a copy of seeded_db, or a PostgreSQL URL of its own."""
    return _store_from(request, seeded_db, "postgres_seeded_template", tmp_path)


def _store_from(request: pytest.FixtureRequest, sqlite_template: Path, postgres_template: str, tmp_path: Path) -> Path | str:
    """A private copy of a template database on the backend of ``request.param``."""
    if request.param == "sqlite":
        return copy_database(sqlite_template, tmp_path / "factdb.sqlite")
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create(template=request.getfixturevalue(postgres_template))
    request.addfinalizer(lambda: server.discard(url))
    return url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def seeded_source(request: pytest.FixtureRequest, seeded_db: Path) -> str:
    """The seeds on each backend in turn, for tests that only read: seeded_db, or one PostgreSQL copy of it."""
    if request.param == "sqlite":
        return str(seeded_db)
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create(f"{server.template}_seeded_read", template=request.getfixturevalue("postgres_seeded_template"))


@pytest.fixture(scope="session")
def postgres_seeded_template(postgres_server: PostgresServer) -> str:
    """The seeds imported once into a PostgreSQL database that tests copy (by its name)."""
    url = postgres_server.create(f"{postgres_server.template}_seeded")
    result = run_cli("import", "--db", url, *sorted(SEEDS.glob("*.yaml")))
    assert result.exit_code == 0, result.output
    return str(make_url(url).database)


class NewStore(Protocol):
    def __call__(self, like: Path | str, *, seeded: bool = False) -> Path | str: ...


@pytest.fixture
def new_store(request: pytest.FixtureRequest, tmp_path: Path) -> NewStore:
    """Makes another database on the same backend as the database it is given: migrated and empty,
    or with the seeds imported (``seeded``)."""
    def make(like: Path | str, *, seeded: bool = False) -> Path | str:
        if not is_postgres(like):
            folder = Path(tempfile.mkdtemp(dir=tmp_path))
            if seeded:
                return copy_database(request.getfixturevalue("seeded_db"), folder / "factdb.sqlite")
            return migrated_database(folder)
        server: PostgresServer = request.getfixturevalue("postgres_server")
        url = server.create(template=request.getfixturevalue("postgres_seeded_template") if seeded else None)
        request.addfinalizer(lambda: server.discard(url))
        return url
    return make


def copy_database(source: Path, target: Path) -> Path:
    """Copy a database with SQLite's backup API (safe even if ``source`` has a WAL file)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target


def is_postgres(db: object) -> bool:
    return str(db).startswith(("postgresql://", "postgresql+psycopg://"))


def dump_database(path: Path | str) -> list[str]:
    """Every row of every table, so 'unchanged' means unchanged content, not equal counts."""
    if is_postgres(path):
        return _dump_server(str(path))
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def _dump_server(url: str) -> list[str]:
    from sqlalchemy import create_engine, select

    from factdb.models import Base

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [f"{table.name}: {tuple(row)!r}" for table in Base.metadata.sorted_tables
                    for row in connection.execute(select(table).order_by(*table.primary_key.columns))]
    finally:
        engine.dispose()


def every_text(path: Path | str) -> list[str]:
    """Every text value stored in the models' tables, as the driver returns it (not quoted or escaped)."""
    from sqlalchemy import create_engine, select

    from factdb.models import Base

    engine = create_engine(str(path) if is_postgres(path) else f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            return [value for table in Base.metadata.sorted_tables for row in connection.execute(select(table))
                    for value in row if isinstance(value, str)]
    finally:
        engine.dispose()


def execute(path: Path | str, *statements: str) -> None:
    """Run SQL statements in one committed transaction, behind factdb's back (to set up data that an
    import would refuse, such as figures stored before a check existed)."""
    from sqlalchemy import create_engine

    engine = create_engine(str(path) if is_postgres(path) else f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement.replace("%", "%%") if is_postgres(path) else statement)
    finally:
        engine.dispose()


def rows(path: Path | str, sql: str, *params: object) -> list[tuple]:
    """The result of one query against the database at ``path`` (a file, or a PostgreSQL URL: ? as placeholders)."""
    if is_postgres(path):
        from sqlalchemy import create_engine

        engine = create_engine(str(path))
        try:
            with engine.connect() as connection:
                return [tuple(row) for row in connection.exec_driver_sql(sql.replace("%", "%%").replace("?", "%s"), tuple(params))]
        finally:
            engine.dispose()
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


# The tables an import fills, for tests that compare two imports row by row.
DATA_TABLES = ("sources", "source_aliases", "source_relations", "events", "metrics", "documents", "claims", "figures")


def migrated_database(folder: Path) -> Path:
    """A new, migrated, empty database in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "factdb.sqlite"
    engine = make_engine(path)
    upgrade(engine)
    engine.dispose()
    return path


def columns_of(path: Path | str, table: str) -> list[str]:
    """The columns of ``table`` in their stored order, on either backend."""
    if is_postgres(path):
        return [name for (name,) in rows(path, "SELECT column_name FROM information_schema.columns "
                                               "WHERE table_schema = current_schema() AND table_name = ? "
                                               "ORDER BY ordinal_position", table)]
    return [row[1] for row in rows(path, f"PRAGMA table_info({table})")]


def table_rows(path: Path | str, table: str) -> list[tuple]:
    """Every row of ``table``, ordered, without the import batch columns (which differ between imports)."""
    columns = [name for name in columns_of(path, table) if name not in ("batch_id", "updated_batch_id")]
    return rows(path, f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1, 2")


def index_terms(path: Path, index: str) -> list[tuple]:
    """Every (term, row, column, offset) a full-text index holds: its content, not its layout."""
    connection = sqlite3.connect(path)
    try:
        connection.execute(f"INSERT INTO {index}({index}) VALUES ('integrity-check')")
        connection.execute(f"CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, {index}, 'instance')")
        return connection.execute("SELECT term, doc, col, offset FROM temp.terms ORDER BY 1, 2, 3, 4").fetchall()
    finally:
        connection.close()


def claims_in(path: Path) -> int:
    return rows(path, "SELECT count(*) FROM claims")[0][0]  # type: ignore[no-any-return]


def write(folder: Path, name: str, text: str) -> Path:
    """Write a UTF-8 text file (creating folders) and return its path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def integrity(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def run_cli(*args: str | Path, input: str | None = None):  # type: ignore[no-untyped-def]
    """Invoke ``factdb`` in-process and return the click Result (stderr kept separate)."""
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


CHROMIUM = Path("/usr/bin/chromium")


def ensure_chromium() -> Path:
    """Debian's Chromium for the browser tests: installed with apt-get when missing and we are root.

    The Quick start's test command must work on a fresh Debian machine with only Python and pip;
    nothing here downloads a browser build of its own (Playwright only drives this one).
    """
    import os
    import shutil
    import subprocess

    if CHROMIUM.exists():
        return CHROMIUM
    if os.geteuid() == 0 and shutil.which("apt-get"):
        environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=environment)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=environment)
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`sudo apt-get install chromium`)")
    return CHROMIUM


# -- the import rules' shared fixture: tests/fixtures/import/basic.yaml --------------------------------

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


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_store(request: pytest.FixtureRequest, db_path: Path) -> Path | str:
    """An empty migrated database on each backend in turn: an SQLite file, or a PostgreSQL URL."""
    if request.param == "sqlite":
        engine = make_engine(db_path)
        upgrade(engine)
        engine.dispose()
        return db_path
    url: str = request.getfixturevalue("postgres_db")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def basic_store(request: pytest.FixtureRequest, basic_template: Path, tmp_path: Path) -> Path | str:
    """basic.yaml imported, on each backend in turn: a copy of basic_template, or a PostgreSQL URL."""
    return _store_from(request, basic_template, "postgres_basic_template", tmp_path)


@pytest.fixture(scope="session")
def postgres_basic_template(postgres_server: PostgresServer) -> str:
    """tests/fixtures/import/basic.yaml imported once into a PostgreSQL database that tests copy (by its name)."""
    url = postgres_server.create(f"{postgres_server.template}_basic")
    result = run_cli("import", "--db", url, BASIC)
    assert result.exit_code == 0, result.output
    return str(make_url(url).database)


# A CSV file whose claims have no claim_id: rows are grouped by their claim columns.
GROUPED_CSV = """\
document,source,event,claimed_on,quote,metric,population,value
wire-2019-12,ncri,iran-protests-2019-11,2019-12,"The NCRI says “approximately 1,500” people were killed, including several children",killed,,"approximately 1,500"
wire-2019-12,ncri,iran-protests-2019-11,2019-12,"The NCRI says “approximately 1,500” people were killed, including several children",killed,Children,several
wire-2019-12,amnesty,iran-protests-2019-11,,at least 304 people had been killed,killed,,at least 304
"""


# -- backends: every test of import, update, compare, export and publish runs on SQLite and PostgreSQL --

# The PostgreSQL server the tests use (trust authentication); FACTDB_TEST_POSTGRES names another.
POSTGRES_SERVER = os.environ.get("FACTDB_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# Every database the tests create starts with this, so a crashed run's leftovers are recognisable.
POSTGRES_PREFIX = os.environ.get("FACTDB_TEST_POSTGRES_PREFIX", "factdb_pgtest")


@dataclass(frozen=True)
class Backend:
    """A fresh, migrated factdb database on one backend: ``db`` is what ``--db`` takes."""

    name: str  # "sqlite" or "postgresql"
    db: str

    def export(self, fmt: str = "yaml") -> str:
        result = run_cli("export", "--db", self.db, "--format", fmt)
        assert result.exit_code == 0, result.output
        return result.stdout


class PostgresServer:
    """Creates test databases from one migrated template: CREATE DATABASE ... TEMPLATE copies the
    files of the template, a few milliseconds instead of running every migration per test."""

    def __init__(self, server: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.url = make_url(server)
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self.names = itertools.count()
        self.template = f"{POSTGRES_PREFIX}_{os.getpid()}_template"
        self._discarded: queue.Queue[str | None] = queue.Queue()
        self._dropper: threading.Thread | None = None

    def reachable(self) -> str | None:
        """None when the server answers, else why not."""
        try:
            with self.admin.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        except Exception as error:  # noqa: BLE001 - any failure to connect means no PostgreSQL here
            return str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        return None

    def database_url(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create_template(self) -> None:
        from factdb.db import initialise

        self.drop(self.template)
        self._execute(f'CREATE DATABASE "{self.template}"')
        initialise(self.database_url(self.template)).dispose()

    def create(self, name: str | None = None, *, empty: bool = False, template: str | None = None) -> str:
        """A new database, migrated unless ``empty`` (a copy of ``template`` when given), and its URL."""
        name = name or f"{POSTGRES_PREFIX}_{os.getpid()}_{next(self.names)}"
        self.drop(name)
        self._execute(f'CREATE DATABASE "{name}"' + ("" if empty else f' TEMPLATE "{template or self.template}"'))
        return self.database_url(name)

    def discard(self, url: str) -> None:
        """Drop a finished test's database in the background: DROP DATABASE waits for the disk
        (about as long as CREATE DATABASE), and the next test need not wait with it."""
        if self._dropper is None:
            self._dropper = threading.Thread(target=self._drop_discarded, name="drop test databases", daemon=True)
            self._dropper.start()
        self._discarded.put(str(make_url(url).database))

    def _drop_discarded(self) -> None:
        while (name := self._discarded.get()) is not None:
            self.drop(name)

    def drop_all(self) -> None:
        """Every database this run created (a test's own ones are dropped after it already)."""
        if self._dropper is not None:
            self._discarded.put(None)
            self._dropper.join()
        with self.admin.connect() as connection:
            names = connection.exec_driver_sql("SELECT datname FROM pg_database WHERE datname LIKE %(prefix)s",
                                               {"prefix": f"{POSTGRES_PREFIX}_{os.getpid()}_%"}).scalars().all()
        for name in names:
            self.drop(name)

    def drop(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as connection:
            connection.exec_driver_sql(sql)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The PostgreSQL server, with a migrated template database; skipped (failed under CI=true) without one."""
    server = PostgresServer(POSTGRES_SERVER)
    problem = server.reachable()
    if problem is not None:
        message = f"PostgreSQL is not reachable at {server.url.render_as_string()} ({problem}): its tests cannot run"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI must run them (.ci/run starts PostgreSQL)")
        pytest.skip(message)
    server.create_template()
    try:
        yield server
    finally:
        server.drop_all()
        server.admin.dispose()


@pytest.fixture
def postgres_db(postgres_server: PostgresServer) -> Iterator[str]:
    """A new migrated PostgreSQL database of its own for one test, dropped after it."""
    url = postgres_server.create()
    try:
        yield url
    finally:
        postgres_server.discard(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """A fresh migrated database on each backend in turn."""
    if request.param == "sqlite":
        return Backend("sqlite", str(migrated_database(tmp_path / "sqlite")))
    return Backend("postgresql", request.getfixturevalue("postgres_db"))


@pytest.fixture(scope="session")
def compare_postgres(postgres_server: PostgresServer) -> str:
    """compare_db's data imported the same way into a PostgreSQL database. Read only."""
    url = postgres_server.create(f"{postgres_server.template}_compare")
    import_compare_data(url)
    return url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def compare_store(request: pytest.FixtureRequest, compare_db: Path) -> str | Path:
    """compare_db on each backend in turn: an SQLite path, or a PostgreSQL URL."""
    return compare_db if request.param == "sqlite" else request.getfixturevalue("compare_postgres")
