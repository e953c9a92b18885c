"""factdb on PostgreSQL against factdb on SQLite, in the same run on the same machine (issue 18).

    python bench/postgres.py --claims 100000
    python bench/postgres.py --claims 1000000 --server postgresql+psycopg://postgres@127.0.0.1/test
    python bench/postgres.py --claims 1000000 --data /work/benchdata/1000000 --editors-claims 100000

``--data``: a folder of bench/generate.py's files to import (else they are generated for the run);
``--parts``: which of import, publish, editors to measure (compare and the equality checks come
with import); ``--editors-claims``: the size of the editors' measurement, when it differs from the
import's (the issue sets the four editors' target at 100,000 claims and the others at 1,000,000).

Measures, each as wall-clock seconds of ``factdb`` run in a subprocess (and the CPU seconds of that
process and its children, which vary less than wall-clock on a shared machine; the PostgreSQL
server's own CPU is not in them), with the load average when each step ended:

1. import of bench/generate.py's files (entities.jsonl, then claims.jsonl) into an empty SQLite
   file and into an empty PostgreSQL database, then whether the two export the same bytes and
   compare every measured event the same;
2. compare: the median of ``Database.compare`` over events with figures, on both;
3. publish: ``factdb publish`` from the SQLite file (VACUUM INTO) and from PostgreSQL (a new
   SQLite snapshot filled from one snapshot transaction);
4. four editors importing N/4 claims each at the same moment (four processes, one waits for
   another's lock) against one import of N claims, both into PostgreSQL.

Writes bench/results/postgres.json and postgres.md. Databases it creates on the server start
with --prefix and are dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"
FACTDB = str(Path(sys.executable).parent / "factdb")
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO / "tests"))

from generate import generate  # noqa: E402
from generated_imports import write_big_import  # noqa: E402
from run import compile_factdb  # noqa: E402

TARGETS = {"import_ratio": 1.5, "compare_median_ms": 10.0, "publish_ratio": 2.0, "editors_ratio": 1.2}


CPU: dict[str, float] = {}  # step -> CPU seconds of the factdb processes it ran
LOAD: dict[str, float] = {}  # step -> one-minute load average when it ended


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(*args: str, step: str | None = None) -> float:
    started, cpu = time.perf_counter(), children_cpu()
    completed = subprocess.run([FACTDB, *args], capture_output=True, text=True)
    if completed.returncode != 0:
        raise SystemExit(f"factdb {' '.join(args[:2])} failed: {completed.stderr[-2000:]}")
    if step is not None:
        CPU[step] = children_cpu() - cpu
        LOAD[step] = os.getloadavg()[0]
    return time.perf_counter() - started


class Server:
    def __init__(self, url: str, prefix: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.url = make_url(url)
        self.prefix = prefix
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def database(self, name: str) -> str:
        full = f"{self.prefix}_{name}"
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{full}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{full}"')
        self.created.append(full)
        return self.url.set(database=full).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in self.created:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()


def compare_median_ms(db: str, events: list[str], rounds: int = 5) -> float:
    from factdb import Database

    timings = []
    with Database(db, readonly=True) as database:
        for event in events[:1]:
            database.compare(event)  # warm: the first call reads the migration scripts' head
        for _ in range(rounds):
            for event in events:
                started = time.perf_counter()
                database.compare(event)
                timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def export_digest(db: str) -> str:
    """The SHA-256 of the database's YAML export (factdb.copying.export_digest)."""
    from factdb.copying import export_digest as digest
    from factdb.db import opened

    with opened(db, readonly=True) as engine:
        return digest(engine)


def compare_all(db: str, event: str) -> list[Any]:
    from factdb import Database

    with Database(db, readonly=True) as database:
        return database.compare(event, history=True)


def events_with_figures(db: str, count: int) -> list[str]:
    from sqlalchemy import text

    from factdb import Database

    with Database(db, readonly=True) as database, database.read_engine.connect() as connection:
        rows = connection.execute(text("SELECT event_id FROM claims WHERE event_id IS NOT NULL GROUP BY event_id "
                                        "ORDER BY count(*) DESC, event_id LIMIT :n"), {"n": count})
        return [row[0] for row in rows]


def measure(claims: int, server: Server, work: Path, *, data: Path | None, parts: set[str], editors_claims: int) -> dict[str, Any]:
    if data is not None:
        files = {"entities": data / "entities.jsonl", "jsonl": data / "claims.jsonl"}
    else:
        files = generate(claims, work / "data")
    sqlite_db = str(work / "factdb.sqlite")
    result: dict[str, Any] = {"claims": claims, "load_before": os.getloadavg()[0]}
    if parts & {"import", "publish"}:
        postgres_db = server.database("import")
        run("init", "--db", sqlite_db)
        run("init", "--db", postgres_db)
        result["import_sqlite_s"] = run("import", "--db", sqlite_db, str(files["entities"]), str(files["jsonl"]), step="import_sqlite")
        result["import_postgres_s"] = run("import", "--db", postgres_db, str(files["entities"]), str(files["jsonl"]),
                                          step="import_postgres")
        result["import_ratio"] = result["import_postgres_s"] / result["import_sqlite_s"]
        result["import_cpu_ratio"] = CPU["import_postgres"] / CPU["import_sqlite"]

        result["exports_identical"] = export_digest(sqlite_db) == export_digest(postgres_db)
        events = events_with_figures(sqlite_db, 20)
        result["compare_json_identical"] = all(
            [c.to_dict() for c in compare_all(sqlite_db, event)] == [c.to_dict() for c in compare_all(postgres_db, event)]
            for event in events)
        result["compare_median_ms_sqlite"] = compare_median_ms(sqlite_db, events)
        result["compare_median_ms_postgres"] = compare_median_ms(postgres_db, events)
        LOAD["compare"] = os.getloadavg()[0]

    if "publish" in parts:
        result["publish_sqlite_s"] = run("publish", "--db", sqlite_db, str(work / "site-sqlite"), step="publish_sqlite")
        result["publish_postgres_s"] = run("publish", "--db", postgres_db, str(work / "site-postgres"), step="publish_postgres")
        result["publish_ratio"] = result["publish_postgres_s"] / result["publish_sqlite_s"]
        result["publish_cpu_ratio"] = CPU["publish_postgres"] / CPU["publish_sqlite"]
        shutil.rmtree(work / "site-sqlite", ignore_errors=True)
        shutil.rmtree(work / "site-postgres", ignore_errors=True)

    if "editors" in parts:
        result.update(measure_editors(editors_claims, server, work))
    result["cpu_s"] = dict(CPU)
    result["load_after"] = dict(LOAD)
    return result


def measure_editors(claims: int, server: Server, work: Path) -> dict[str, Any]:
    """Four editors at once against one import of the same number of claims (simpler claims, one
    figure each, so the four files' ids do not collide)."""
    result: dict[str, Any] = {"editors_claims": claims}
    one = server.database("one")
    four = server.database("four")
    basic = REPO / "tests/fixtures/import/basic.yaml"  # the event every generated claim is about
    for db in (one, four):
        run("init", "--db", db)
        run("import", "--db", db, str(basic))
    whole = write_big_import(work / "one.jsonl", claims, prefix="one")
    quarters = [write_big_import(work / f"editor-{n}.jsonl", claims // 4, prefix=f"editor{n}") for n in range(4)]
    result["one_import_s"] = run("import", "--db", one, str(whole), step="one_import")
    # Vacuumed now, or autovacuum would work through the one import's rows while the editors run.
    vacuum(one)
    started, cpu = time.perf_counter(), children_cpu()
    processes = [subprocess.Popen([FACTDB, "import", "--db", four, "--wait", "3600", str(path)], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True) for path in quarters]
    for process in processes:
        _, error = process.communicate()
        if process.returncode != 0:
            raise SystemExit(f"an editor's import failed: {error[-2000:]}")
    result["four_editors_s"] = time.perf_counter() - started
    CPU["four_editors"] = children_cpu() - cpu
    LOAD["four_editors"] = os.getloadavg()[0]
    result["editors_ratio"] = result["four_editors_s"] / result["one_import_s"]
    result["editors_locked_s"] = locked_seconds(four)
    return result


def vacuum(db: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(db, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("VACUUM")
    finally:
        engine.dispose()


def locked_seconds(db: str) -> list[int]:
    """How long each editor's import held the write lock, in whole seconds, in the order they held it
    (from its batch's start and finish: a batch starts once its import holds the lock)."""
    from datetime import datetime

    from sqlalchemy import create_engine, text

    engine = create_engine(db)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT started_at, finished_at FROM import_batches ORDER BY id OFFSET 1")).all()
    finally:
        engine.dispose()
    return [int((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()) for start, end in rows]


def markdown(results: list[dict[str, Any]]) -> str:
    lines = [
        "# factdb on PostgreSQL and on SQLite (bench/postgres.py)", "",
        f"Machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}; "
        "wall-clock seconds of one run each, on a machine shared with other work.", "",
        "| claims | same export and compare | import SQLite | import PostgreSQL | ratio (target 1.5) "
        "| compare median SQLite / PostgreSQL (target 10 ms) "
        "| publish SQLite | publish PostgreSQL | ratio (target 2) | 1 import | 4 editors at once | ratio (target 1.2) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if "import_ratio" not in r or "publish_ratio" not in r or "editors_ratio" not in r:
            lines.append(f"| {r['claims']:,} | (parts only: see postgres.json) |")
            continue
        lines.append(
            f"| {r['claims']:,} | {'yes' if r.get('exports_identical') and r.get('compare_json_identical') else 'NO'} "
            f"| {r['import_sqlite_s']:.1f} s | {r['import_postgres_s']:.1f} s | {r['import_ratio']:.2f} "
            f"| {r['compare_median_ms_sqlite']:.1f} / {r['compare_median_ms_postgres']:.1f} ms "
            f"| {r['publish_sqlite_s']:.1f} s | {r['publish_postgres_s']:.1f} s | {r['publish_ratio']:.2f} "
            f"| {r['one_import_s']:.1f} s | {r['four_editors_s']:.1f} s | {r['editors_ratio']:.2f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", default="100000", help="comma-separated sizes")
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
                        help="a PostgreSQL database to connect to for creating the benchmark's databases")
    parser.add_argument("--prefix", default="factdb_bench", help="names of the databases created")
    parser.add_argument("--out", type=Path, default=RESULTS / "postgres.json")
    parser.add_argument("--data", type=Path, help="a folder of bench/generate.py's files (entities.jsonl, claims.jsonl)")
    parser.add_argument("--parts", default="import,publish,editors", help="comma-separated: import, publish, editors")
    parser.add_argument("--editors-claims", type=int, help="claims of the editors' measurement (default: --claims)")
    parser.add_argument("--work", type=Path, help="where to write the databases (default: a temporary folder)")
    args = parser.parse_args(argv)
    compile_factdb()
    server = Server(args.server, args.prefix)
    results = []
    try:
        for claims in (int(size) for size in args.claims.split(",")):
            work = Path(tempfile.mkdtemp(prefix="factdb-bench-postgres-", dir=args.work))
            try:
                results.append(measure(claims, server, work, data=args.data, parts=set(args.parts.split(",")),
                                       editors_claims=args.editors_claims or claims))
                print(json.dumps(results[-1], indent=2), flush=True)
            finally:
                shutil.rmtree(work, ignore_errors=True)
    finally:
        server.drop_all()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"targets": TARGETS, "results": results}, indent=2) + "\n", encoding="utf-8")
    args.out.with_suffix(".md").write_text(markdown(results), encoding="utf-8")
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
