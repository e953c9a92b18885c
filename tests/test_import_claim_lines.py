"""The importer's first pass counts a file of claims alone (as ``factdb export`` writes them) in blocks
(readers.count_claim_lines) instead of reading it line by line: the same counts, the same database,
and any other file read line by line as before."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

import factdb.bulk as bulk
import factdb.importer as importer
import factdb.readers as readers
from factdb.db import make_engine
from factdb.importer import import_paths
from factdb.readers import ReadError, count_claim_lines, read_records

from conftest import DATA_TABLES, REPO, migrated_database, rows, table_rows

sys.path.insert(0, str(REPO / "bench"))
from generate import generate  # noqa: E402

ENTITY_KINDS = ("source", "event", "metric", "document", "removed")

CLAIM = '{"kind": "claim", "id": "c-1", "document": "d", "source": "s", "quote": "at least 300 died"}\n'
LINES = [
    CLAIM,
    '{"kind": "claim", "id": "c-2", "quote": "“quoted” — 1,500 people, naïve café"}\n',  # UTF-8
    '{"kind": "claim", "id": "c-3", "statement": "\\"kind\\" escaped"}\n',
    '{"kind": "claim",}\n',  # not JSON: the first pass does not decode claims either way
    '{"kind": "claim", "id": "c-4", "kind": "claim"}\n',  # the kind twice: decoded line by line
    '{"id": "c-5", "kind": "claim"}\n',  # the kind not first
    '{"kind": "claim" , "id": "c-6"}\n',
    '{"kind": "source", "id": "s", "name": "S", "source_kind": "ngo"}\n',
    "\n",
    "   \n",
    '{"kind": "claim", "id": "c-7"}\r\n',
    '{"kind": "claim", "id": "c-8", "quote": "a\rb"}\n',
]


def _general(path: Path) -> list[str] | str:
    """What the line-by-line reader gives the first pass: each record's kind, or the error it raises."""
    try:
        return [record.kind for record in read_records(path, None, ENTITY_KINDS)]
    except ReadError as error:
        return f"{error.line}: {error.message}"


@pytest.mark.parametrize("block", [readers.COUNTED_BLOCK, 5, 64])
def test_counted_claim_lines_are_what_the_line_reader_finds(tmp_path: Path, block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Random files of lines of many kinds, cut into blocks of every size (lines across blocks):
    a file counted holds only claim lines, as many as the reader yields undecoded, and the counter
    refuses every file of lines of other shapes."""
    monkeypatch.setattr(readers, "COUNTED_BLOCK", block)
    pick = random.Random(22)
    counted = 0
    for n in range(300):
        # plain claim lines; lines that start as they do; lines of every shape
        lines = pick.choices((LINES[:3], LINES[:5] + LINES[10:], LINES)[n % 3], k=pick.randint(0, 12))
        data = "".join(lines).encode("utf-8")
        if n % 7 == 1 and data:
            data = data.rstrip(b"\n")  # the last line unended
        if n % 11 == 2:
            data = b"\xef\xbb\xbf" + data  # a byte order mark
        if n % 13 == 3 and data:
            data = data[:len(data) // 2] + b"\xff" + data[len(data) // 2:]  # not UTF-8
        path = tmp_path / f"{n}.jsonl"
        path.write_bytes(data)
        count = count_claim_lines(path)
        general = _general(path)
        if count is not None:
            counted += 1
            assert general == ["claim"] * count, data
            assert all(record.data == {} for record in read_records(path, None, ENTITY_KINDS))
        else:
            assert data and (not set(lines) <= set(LINES[:3]) or data.startswith(b"\xef\xbb\xbf") or b"\xff" in data), data
    assert counted > 100


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return generate(1_500, tmp_path_factory.mktemp("generated"), sources=100, events=300)


@pytest.mark.parametrize("workers", [0, 2])
def test_an_import_counting_claim_lines_stores_what_reading_them_stores(files: dict[str, Path], tmp_path: Path, workers: int) -> None:
    built = {}
    for counted in (True, False):
        path = migrated_database(tmp_path / str(counted))
        engine = make_engine(path)
        try:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(bulk, "BULK_BYTES", 0)
                patch.setattr(importer, "CLAIM_CHUNK", 61)
                if not counted:
                    patch.setattr(importer, "count_claim_lines", lambda path: None)
                report = import_paths(engine, [files["entities"], files["jsonl"]], workers=workers)
        finally:
            engine.dispose()
        assert report.counts["claims"]["added"] == 1_500
        built[counted] = path
    for table in DATA_TABLES:
        assert table_rows(built[True], table) == table_rows(built[False], table)
    # Records per file, as the import's files are listed.
    assert rows(built[True], "SELECT path, records FROM import_files ORDER BY path") == rows(
        built[False], "SELECT path, records FROM import_files ORDER BY path")
