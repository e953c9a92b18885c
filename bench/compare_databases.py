"""Do two factdb databases hold the same rows? (Batch bookkeeping and FTS shadow tables aside.)"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
from pathlib import Path

TABLES = {
    "sources": "id", "source_aliases": "alias_key", "source_relations": "source_id, relation, target_id", "events": "id",
    "metrics": "id", "documents": "pk", "claims": "pk", "figures": "id",
}
IGNORED_COLUMNS = {"batch_id", "updated_batch_id", "id_"}


def table_digests(path: Path) -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row (ordered by key) of each data table."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        digests = {}
        for table, key in TABLES.items():
            columns = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")
                       if row[1] not in IGNORED_COLUMNS and not (table in ("source_aliases", "source_relations") and row[1] == "id")]
            digest = hashlib.sha256()
            count = 0
            for row in connection.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {key}"):
                digest.update(repr(row).encode())
                count += 1
            digests[table] = (count, digest.hexdigest())
        for fts in ("claims_fts", "documents_fts"):
            digests[fts] = (connection.execute(f"SELECT count(*) FROM {fts}").fetchone()[0], "")
        return digests
    finally:
        connection.close()


def differences(a: Path, b: Path) -> list[str]:
    left, right = table_digests(a), table_digests(b)
    return [f"{table}: {left[table]} != {right[table]}" for table in left if left[table] != right[table]]


if __name__ == "__main__":
    found = differences(Path(sys.argv[1]), Path(sys.argv[2]))
    print("\n".join(found) or "identical")
    sys.exit(1 if found else 0)
