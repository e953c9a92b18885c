"""Which pages of an SQLite file a first compare() reads, by table and index (Linux).

    python bench/compare_pages.py DB EVENT [EVENT ...] [--code DIR]

For each event: the file's pages are emptied from the page cache (``posix_fadvise(DONTNEED)``,
the file alone), a new process opens the database as ``bench/cold_compare.py`` does and reads
the schema, then notes which of the file's pages are cached (``mincore``), runs its first
``compare(connection, EVENT)``, and notes them again. The pages cached in between are what the
comparison read, the kernel's read-ahead included, counted by the table or index they belong to
(``dbstat``). ``--code DIR`` runs the factdb package in ``DIR`` (as in ``bench/cold_compare.py``)
instead of the installed one. Run it on a file no other process is reading.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

_FIRST_COMPARE = r"""
import ctypes, json, mmap, os, sys, time
from pathlib import Path
from factdb.compare import compare
from factdb.db import read_connection

libc = ctypes.CDLL("libc.so.6", use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]


def cached(path):
    # A map of our own, never touched: mincore reports the page cache without reading anything.
    size = os.path.getsize(path)
    descriptor = os.open(path, os.O_RDONLY)
    address = libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, descriptor, 0)
    pages = (size + mmap.PAGESIZE - 1) // mmap.PAGESIZE
    vector = (ctypes.c_ubyte * pages)()
    if libc.mincore(address, size, vector) != 0:
        raise OSError(ctypes.get_errno(), "mincore")
    libc.munmap(address, size)
    os.close(descriptor)
    return {page for page in range(pages) if vector[page] & 1}


db = Path(sys.argv[1])
descriptor = os.open(db, os.O_RDONLY)
os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
os.close(descriptor)
connection = read_connection(db)
connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
before = cached(db)
started = time.perf_counter()
connection.execute("BEGIN")
compare(connection, sys.argv[2])
connection.execute("ROLLBACK")
elapsed = time.perf_counter() - started
import factdb
print(json.dumps({"factdb": factdb.__file__, "compare_ms": elapsed * 1000, "cached_after_open": len(before),
                  "read": sorted(cached(db) - before), "page_size": mmap.PAGESIZE}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("event", nargs="+")
    parser.add_argument("--code", type=Path, help="a directory holding a factdb package")
    args = parser.parse_args()
    environment = dict(os.environ)
    code = args.code.resolve() if args.code else None
    if code is not None:
        environment["PYTHONPATH"] = os.pathsep.join([str(code), *filter(None, [environment.get("PYTHONPATH")])])
    db = args.db.resolve()
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    owners = dict(connection.execute("SELECT pageno, name FROM dbstat"))
    connection.close()
    for event in args.event:
        result = subprocess.run([sys.executable, "-c", _FIRST_COMPARE, str(db), event], capture_output=True, text=True,
                                check=True, cwd="/", env=environment)
        measured = json.loads(result.stdout)
        if code is not None and not Path(measured["factdb"]).is_relative_to(code):
            raise SystemExit(f"--code {code}: the process loaded {measured['factdb']} instead")
        # mincore counts the system's pages; dbstat numbers SQLite's from 1.
        per_page = measured["page_size"] / page_size
        by_owner = Counter(owners.get(int(page * per_page) + 1, "?") for page in measured["read"])
        print(json.dumps({"event": event, "compare_ms": round(measured["compare_ms"], 2),
                          "pages_cached_after_open": measured["cached_after_open"], "pages_read": len(measured["read"]),
                          "by_table_or_index": dict(by_owner.most_common())}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
