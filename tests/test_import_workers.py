"""Claims checked in worker processes give the same database, and the same problems, as claims
checked by the importer itself.

Large JSON Lines and CSV imports hand the claim checks to ``--workers`` processes
(factdb.import_workers) that each read every file and check every other chunk. Chunks are kept
small here so that many of them, and both workers, are exercised.
"""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import factdb.import_workers as import_workers
import factdb.bulk as bulk
import factdb.importer as importer
from factdb.quotes import normalize
from factdb.db import make_engine
from factdb.importer import ImportFailed, import_paths

from conftest import DATA_TABLES, REPO, claims_in, copy_database, index_terms, migrated_database, run_cli, table_rows

sys.path.insert(0, str(REPO / "bench"))
from generate import generate  # noqa: E402



@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return generate(1_500, tmp_path_factory.mktemp("generated"), sources=100, events=300)



def _import(path: Path, paths: list[Path], workers: int, *, update: bool = False) -> importer.ImportReport:
    engine = make_engine(path)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(bulk, "BULK_BYTES", 0)
            patch.setattr(importer, "CLAIM_CHUNK", 61)
            return import_paths(engine, paths, workers=workers, update=update)
    finally:
        engine.dispose()



def _problems(folder: Path, paths: list[Path], workers: int) -> tuple[list[str], int]:
    with pytest.raises(ImportFailed) as failure:
        _import(migrated_database(folder), paths, workers)
    return [str(p) for p in failure.value.problems], failure.value.truncated


@pytest.fixture(scope="module")
def databases(files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    built = {}
    for name, claims, workers in (("jsonl-serial", "jsonl", 0), ("jsonl", "jsonl", 2), ("three", "jsonl", 3),
                                  ("csv-serial", "csv", 0), ("csv", "csv", 2)):
        path = migrated_database(tmp_path_factory.mktemp(name))
        report = _import(path, [files["entities"], files[claims]], workers)
        assert report.counts["claims"]["added"] == 1_500
        built[name] = path
    return built


@pytest.mark.parametrize("table", DATA_TABLES)
@pytest.mark.parametrize("variant", ["jsonl", "csv", "three"])
def test_workers_store_the_same_rows_as_one_process(databases: dict[str, Path], variant: str, table: str) -> None:
    serial = databases["csv-serial" if variant == "csv" else "jsonl-serial"]
    assert table_rows(databases[variant], table) == table_rows(serial, table)


@pytest.mark.parametrize("variant", ["jsonl", "csv", "three"])
def test_workers_index_the_same_words_for_search(databases: dict[str, Path], variant: str) -> None:
    # With workers, each chunk's new claims are indexed as it is written rather than all at the end.
    serial = databases["csv-serial" if variant == "csv" else "jsonl-serial"]
    assert index_terms(databases[variant], "claims_fts") == index_terms(serial, "claims_fts")


def test_reimport_through_workers_changes_nothing(databases: dict[str, Path], files: dict[str, Path], tmp_path: Path) -> None:
    copy = copy_database(databases["jsonl"], tmp_path / "copy.sqlite")
    report = _import(copy, [files["entities"], files["jsonl"]], 2)
    assert not report.changed and report.counts["claims"]["unchanged"] == 1_500
    assert table_rows(copy, "claims") == table_rows(databases["jsonl"], "claims")


def test_corrections_with_update_through_workers_keep_the_same_history(databases: dict[str, Path], files: dict[str, Path],
                                                                      tmp_path: Path) -> None:
    lines = files["jsonl"].read_text(encoding="utf-8").splitlines(keepends=True)
    for n in range(3, len(lines), 25):
        claim = json.loads(lines[n])
        claim["statement"] = "corrected in review"
        lines[n] = json.dumps(claim, ensure_ascii=False) + "\n"
    corrected = tmp_path / "corrected.jsonl"
    corrected.write_text("".join(lines), encoding="utf-8")
    results = []
    for workers in (0, 2):
        copy = copy_database(databases["jsonl"], tmp_path / f"copy-{workers}.sqlite")
        report = _import(copy, [files["entities"], corrected], workers, update=True)
        assert report.counts["claims"]["updated"] == 60
        results.append([table_rows(copy, table) for table in ("claims", "figures", "claim_history")])
    assert results[0] == results[1]
    assert len(results[1][2]) == 60


def _spoiled(files: dict[str, Path], folder: Path) -> Path:
    """Claims with problems of every kind the workers and the importer find, spread over many chunks."""
    lines = files["jsonl"].read_text(encoding="utf-8").splitlines(keepends=True)
    for n in range(5, len(lines), 13):
        lines[n] = lines[n].replace('"source": "', '"source": "nobody-', 1)  # unknown source (worker)
    for n in range(11, len(lines), 29):
        lines[n] = lines[n].replace('"quote": "', '"quote": "not in the text ', 1)  # quote (importer)
    for n in range(17, len(lines), 41):
        # other problems and a quote to check: reported together, in the importer's order
        lines[n] = lines[n].replace('"quote": "', '"quote": "elsewhere ', 1).replace('"event": "', '"event": "no-', 1)
    lines[700] = lines[100]  # a duplicate id, first seen in another worker's chunk
    spoiled = folder / "spoiled.jsonl"
    spoiled.write_text("".join(lines), encoding="utf-8")
    return spoiled


def test_workers_report_the_same_problems_in_the_same_order(files: dict[str, Path], tmp_path: Path) -> None:
    spoiled = _spoiled(files, tmp_path)
    serial = _problems(tmp_path / "a", [files["entities"], spoiled], 0)
    assert serial[1] > 0, "more problems than MAX_PROBLEMS: the cap applies to the merged stream"
    assert {"source", "quote", "event", "id"} <= {p.split(": ")[1].split(".")[-1] for p in serial[0]}
    assert _problems(tmp_path / "b", [files["entities"], spoiled], 2) == serial


# Chunks hold 61 claims: line 1034 is inside one, 1037 and 1098 begin one (of either worker).
@pytest.mark.parametrize("at", [1034, 1037, 1098])
def test_an_unreadable_line_stops_the_file_as_it_does_in_one_process(files: dict[str, Path], tmp_path: Path, at: int) -> None:
    lines = files["jsonl"].read_text(encoding="utf-8").splitlines(keepends=True)
    lines[at] = lines[at][:40] + "\n"  # cut short: invalid JSON
    lines[200] = lines[200].replace('"source": "', '"source": "nobody-', 1)
    lines[1400] = lines[1400].replace('"source": "', '"source": "nobody-', 1)  # after the break: never read
    broken = tmp_path / "broken.jsonl"
    broken.write_text("".join(lines), encoding="utf-8")
    serial = _problems(tmp_path / "a", [files["entities"], broken], 0)
    assert any("invalid JSON" in p and f"{broken}:{at + 1}" in p for p in serial[0])
    assert _problems(tmp_path / "b", [files["entities"], broken], 2) == serial


def test_the_cli_takes_workers_and_reports_the_same_summary(files: dict[str, Path], tmp_path: Path) -> None:
    outputs = []
    for workers in ("0", "2"):
        path = migrated_database(tmp_path / workers)
        result = run_cli("import", "--db", str(path), "--workers", workers, str(files["entities"]), str(files["csv"]))
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    assert outputs[0] == outputs[1]
    assert "claims: 1500 added" in outputs[0]


def test_a_worker_that_dies_stops_the_import_and_writes_nothing(files: dict[str, Path], tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from factdb import import_workers

    monkeypatch.setattr(import_workers, "WORKER_COMMAND", [sys.executable, "-c", "import os; os._exit(3)"])
    path = migrated_database(tmp_path)
    with pytest.raises(import_workers.WorkerFailed, match="exit code 3"):
        _import(path, [files["entities"], files["jsonl"]], 2)
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
        indexes = connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'claims'").fetchone()[0]
    finally:
        connection.close()
    assert indexes >= 8


def test_a_worker_whose_messages_cannot_be_read_fails_the_import_clearly(files: dict[str, Path], tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from factdb import import_workers

    # A whole frame whose bytes are a pickled string cut short and bytes that are not UTF-8.
    garbage = ("import os, sys, struct; os.read(int(sys.argv[1]), 1); data = bytes([0x8c, 0x05, 0x95, 0xff, 0xfe, 0x00]); "
               "os.write(int(sys.argv[2]), struct.pack('<Q', len(data)) + data)")
    monkeypatch.setattr(import_workers, "WORKER_COMMAND", [sys.executable, "-c", garbage])
    path = migrated_database(tmp_path)
    with pytest.raises(import_workers.WorkerFailed, match="sent a message that is not one of its messages"):
        _import(path, [files["entities"], files["jsonl"]], 2)
    assert claims_in(path) == 0


# A worker that writes to its standard output and error when it starts, and again from a signal
# handler run every millisecond, so that most of its messages are interrupted while being written
# (as a sampling profiler or a debugger attached to it would).
_NOISY_WORKER = """
import signal, sys
def noisy(signum, frame):
    print("tick", flush=True)
    sys.stderr.write("tock\\n")
print("a worker that prints", flush=True)
print("and writes to stderr", file=sys.stderr, flush=True)
signal.signal(signal.SIGALRM, noisy)
signal.setitimer(signal.ITIMER_REAL, 0.001, 0.001)
from factdb.import_workers import main
main()
"""


def test_workers_that_print_and_are_interrupted_by_signals_store_the_same_rows(
        databases: dict[str, Path], files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(import_workers, "WORKER_COMMAND", [sys.executable, "-c", _NOISY_WORKER])
    path = migrated_database(tmp_path)
    report = _import(path, [files["entities"], files["jsonl"]], 2)
    assert report.counts["claims"]["added"] == 1_500
    for table in DATA_TABLES:
        assert table_rows(path, table) == table_rows(databases["jsonl-serial"], table)
    printed = capfd.readouterr()
    # The workers' output reaches the importer's standard error, not its standard output.
    assert "a worker that prints" in printed.err and "tick" in printed.err and "tock" in printed.err
    assert "a worker that prints" not in printed.out and "tick" not in printed.out


# A worker that is killed once it has written half of its second message.
_KILLED_WORKER = """
import os, signal
import factdb.import_workers as workers
sent = []
def half_then_killed(out, message):
    if len(sent) == 1:
        data = workers.pickle.dumps(message)
        out.write(workers._LENGTH.pack(len(data)) + data[: len(data) // 2])
        out.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    sent.append(message)
    real(out, message)
real = workers.send_message
workers.send_message = half_then_killed
workers.main()
"""


def test_a_worker_killed_in_the_middle_of_a_message_stops_the_import_and_writes_nothing(
        files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_workers, "WORKER_COMMAND", [sys.executable, "-c", _KILLED_WORKER])
    path = migrated_database(tmp_path)
    before = {table: table_rows(path, table) for table in DATA_TABLES}
    with pytest.raises(import_workers.WorkerFailed, match=r"stopped \(exit code -9\)"):
        _import(path, [files["entities"], files["jsonl"]], 2)
    assert {table: table_rows(path, table) for table in DATA_TABLES} == before


def test_the_cli_reports_a_killed_worker_without_a_traceback(files: dict[str, Path], tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_workers, "WORKER_COMMAND", [sys.executable, "-c", _KILLED_WORKER])
    path = migrated_database(tmp_path)
    result = run_cli("import", "--db", str(path), "--workers", "2", str(files["entities"]), str(files["jsonl"]))
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "Decode" not in result.output
    assert "validation worker" in result.output
    assert claims_in(path) == 0


def test_broken_csv_rows_stop_their_files_as_they_do_in_one_process(files: dict[str, Path], tmp_path: Path) -> None:
    lines = files["csv"].read_text(encoding="utf-8").splitlines(keepends=True)
    short, nul = list(lines), list(lines)
    short[1200] = "only,three,cells\n"  # every worker reads it
    nul[300] = nul[300].replace(",", ",\u0000", 1)  # found by the worker that checks that claim
    broken = [tmp_path / "short.csv", tmp_path / "nul.csv"]
    broken[0].write_text("".join(short), encoding="utf-8")
    broken[1].write_text("".join(nul), encoding="utf-8")
    serial = _problems(tmp_path / "a", [files["entities"], *broken], 0)
    assert any("row has 3 columns" in p and f"{broken[0]}:1201" in p for p in serial[0])
    assert any(f"{broken[1]}:301" in p for p in serial[0])
    assert _problems(tmp_path / "b", [files["entities"], *broken], 2) == serial


def test_workers_read_corrected_and_new_document_texts_of_the_same_import(databases: dict[str, Path], files: dict[str, Path],
                                                                        tmp_path: Path) -> None:
    """Documents whose text an import corrects keep their older keys, new ones get the next keys: the
    texts the workers read (import_workers.TextSpool) come in no order of key, and each claim must still be
    located in its own document's text as it is now."""
    entities, claims = [], []
    documents = [json.loads(line) for line in files["entities"].read_text(encoding="utf-8").splitlines()
                 if '"kind": "document"' in line]
    for n, document in enumerate(documents[::3]):
        entities.append({**document, "text": f"Preface number {n}, added in review.\n\n{document['text']}"})
        entities.append({**document, "id": f"{document['id']}-copy", "text": f"Copied ({n}): {document['text']}"})
    copied = {d["id"] for d in documents[::3]}
    for line in files["jsonl"].read_text(encoding="utf-8").splitlines():
        claim = json.loads(line)
        if claim["document"] in copied:
            copy = {**claim, "document": f"{claim['document']}-copy"}
            if "id" in claim:  # else derived from the document, so new too
                copy["id"] = f"{claim['id']}-copy"
            claims.append(copy)
    assert len(claims) > 100
    texts, new_claims = tmp_path / "texts.jsonl", tmp_path / "copies.jsonl"
    texts.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entities), encoding="utf-8")
    new_claims.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in claims), encoding="utf-8")
    results = []
    for workers in (0, 2):
        copy = copy_database(databases["jsonl"], tmp_path / f"copy-{workers}.sqlite")
        report = _import(copy, [texts, new_claims], workers, update=True)
        assert report.counts["documents"]["updated"] == len(copied) and report.counts["claims"]["added"] == len(claims)
        results.append(table_rows(copy, "claims"))
    assert results[0] == results[1]


def _read_with_progress(path: Path, paths: list[Path], workers: int) -> list[int]:
    engine = make_engine(path)
    read: list[int] = []
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(bulk, "BULK_BYTES", 0)
            patch.setattr(importer, "CLAIM_CHUNK", 61)
            import_paths(engine, paths, workers=workers, progress=read.append)
    finally:
        engine.dispose()
    return read


def test_workers_read_the_claims_of_files_that_also_hold_entities(files: dict[str, Path], tmp_path: Path) -> None:
    """Workers skip a JSON Lines file in which the first pass saw no claim; one that holds claims
    among its entities, stating their kind first or not, is read by them as by the importer."""
    entities = files["entities"].read_text(encoding="utf-8").splitlines(keepends=True)
    claims = files["jsonl"].read_text(encoding="utf-8").splitlines(keepends=True)
    moved = claims[:300]
    for n in range(0, len(moved), 7):  # the kind last: the first pass decodes the line to know it is a claim
        record = json.loads(moved[n])
        del record["kind"]
        moved[n] = json.dumps({**record, "kind": "claim"}, ensure_ascii=False) + "\n"
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text("".join(entities[:len(entities) // 2] + moved + entities[len(entities) // 2:]), encoding="utf-8")
    rest = tmp_path / "rest.jsonl"
    rest.write_text("".join(claims[300:]), encoding="utf-8")
    only_entities = tmp_path / "more-entities.jsonl"  # read by the first pass alone
    only_entities.write_text('{"kind": "metric", "id": "extra-metric", "name": "Extra", "unit": "people"}\n', encoding="utf-8")
    paths = [only_entities, mixed, rest]
    read = {workers: _read_with_progress(migrated_database(tmp_path / str(workers)), paths, workers) for workers in (0, 2)}
    for table in DATA_TABLES:
        assert table_rows(tmp_path / "2" / "factdb.sqlite", table) == table_rows(tmp_path / "0" / "factdb.sqlite", table)
    assert claims_in(tmp_path / "2" / "factdb.sqlite") == 1_500
    # Progress counts every file's bytes once per pass, with workers or without.
    assert sum(read[2]) == sum(read[0]) == 2 * sum(p.stat().st_size for p in paths)


@pytest.mark.skipif(not hasattr(__import__("fcntl"), "F_GETPIPE_SZ"), reason="pipe sizes are Linux's")
def test_a_worker_can_write_a_whole_chunk_before_the_importer_reads_it() -> None:
    import fcntl

    pool = import_workers.start(1)
    try:
        size = fcntl.fcntl(pool.workers[0].messages.fileno(), fcntl.F_GETPIPE_SZ)
    finally:
        pool.close()
    limit = int(Path("/proc/sys/fs/pipe-max-size").read_text())
    assert size == min(limit, import_workers.PIPE_BYTES)


def test_the_text_spool_finds_each_text_by_key_whatever_the_order_they_came_in() -> None:
    spool = import_workers.TextSpool()
    try:
        texts = {7: "seven, “curly”", 2: "two", 1003: "", 5: "five — \U0001f600  five\n\n  six", 1001: "one   thousand \t and one "}
        for pk, text in texts.items():
            spool.add(pk, text)
        spool.flush()
        index = spool.index()
        with open(spool.path, "rb") as stored:
            for pk, text in texts.items():
                assert index.read(stored, pk) == normalize(text)
            assert [index.read(stored, pk) for pk in (0, 3, 6, 1002, 2000)] == [None] * 5
    finally:
        spool.close()


def test_workers_check_claims_without_loading_sqlalchemy() -> None:
    """A worker holds only what checking needs (factdb.checks): SQLAlchemy and the models
    would be a third of its memory, twice over with two workers."""
    loaded = subprocess.run([sys.executable, "-c", "import sys, factdb.import_workers; "
                             "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy' or m == 'factdb.models'))"],
                            capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_where_claims_were_first_seen_is_kept_across_pages_of_keys() -> None:
    seen = importer.SeenClaims()
    places = {3: (0, 12), 65_535: (1, 7), 65_536: (1, 8), 200_001: (2, 2**32 - 1), 1: (0, None)}
    for pk, (file, line) in places.items():
        seen.add(f"c-{pk}", pk, file, line)
    seen.add("refused", None, 4, 9)
    seen.add("far-down", 5, 0, 2**32)  # a line beyond 32 bits: kept by id
    assert {pk: seen.location(f"c-{pk}", pk) for pk in places} == places
    assert seen.location("refused", None) == (4, 9) and seen.location("far-down", None) == (0, 2**32)
    assert [seen.location("x", pk) for pk in (0, 2, 65_537, 131_072, 10**7)] == [None] * 5
    assert sum(page is not None for page in seen.pages) == 3  # pages only where keys are


@pytest.mark.parametrize("job", [b"", pickle.dumps(list(range(1000)))[:-40]])
def test_a_worker_whose_job_is_cut_short_exits_quietly(job: bytes) -> None:
    """The importer stopped while it was writing a worker's job: the worker ends without a traceback."""
    jobs_read, jobs_write = os.pipe()
    out_read, out_write = os.pipe()
    os.write(jobs_write, job)
    os.close(jobs_write)
    worker = subprocess.run([*import_workers.WORKER_COMMAND, str(jobs_read), str(out_write)], pass_fds=(jobs_read, out_write),
                            capture_output=True, timeout=60)
    os.close(jobs_read), os.close(out_write), os.close(out_read)
    assert (worker.returncode, worker.stderr) == (1, b"")
