"""What the checks answer for every committed input file, kept in a golden file keyed by
factdb.checks.CHECK_RULES_VERSION.

A stored claim whose record digest matches a JSON Lines line is not checked again on a re-import;
the digest stands for CHECK_RULES_VERSION. So a change to what the import accepts, reports or
stores must bump it, and this test fails until it is: every case of tests/bad_input (its problems)
and of tests/good_input and the seeds (the report and the rows they add) is imported into a copy
of the seeded database and compared with tests/golden/import_outputs.json. After a deliberate
change: bump CHECK_RULES_VERSION, then refresh the file with FACTDB_UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from factdb.checks import CHECK_RULES_VERSION
from factdb.db import make_engine
from factdb.importer import ImportFailed, import_paths

from conftest import DATA_TABLES, REPO, copy_database, migrated_database

TESTS = Path(__file__).parent
GOLDEN = TESTS / "golden" / "import_outputs.json"
NOT_CASES = {"expected.yaml", "texts", ".gitattributes"}
# Columns that depend on the import batch or on the Python that ran it (record_digest: see rules_key).
VARIABLE_COLUMNS = {"batch_id", "updated_batch_id", "record_digest"}


def _rows(path: Path) -> dict[str, list[list[Any]]]:
    connection = sqlite3.connect(path)
    try:
        found = {}
        for table in DATA_TABLES:
            columns = [row[1] for row in connection.execute(f"PRAGMA table_info({table})") if row[1] not in VARIABLE_COLUMNS]
            found[table] = [list(row) for row in connection.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1, 2")]
        return found
    finally:
        connection.close()


def _outcome(database: Path, files: list[Path], before: dict[str, list[list[Any]]]) -> dict[str, Any]:
    engine = make_engine(database)
    try:
        report = import_paths(engine, files)
    except ImportFailed as failure:
        return {"problems": [str(p).replace(str(REPO), "<repo>") for p in failure.problems], "truncated": failure.truncated}
    finally:
        engine.dispose()
    after = _rows(database)
    added = {table: [row for row in rows if row not in before[table]] for table, rows in after.items()}
    return {"summary": report.summary().replace(str(REPO), "<repo>"), "added": {t: rows for t, rows in added.items() if rows}}


def _cases() -> dict[str, list[Path]]:
    cases = {}
    for folder in (TESTS / "bad_input", TESTS / "good_input"):
        for path in sorted(folder.iterdir()):
            if path.name not in NOT_CASES:
                cases[f"{folder.name}/{path.name}"] = sorted(path.iterdir()) if path.is_dir() else [path]
    return cases


def test_the_imports_outputs_change_only_with_check_rules_version(tmp_path: Path) -> None:
    seeded = migrated_database(tmp_path / "seeded")
    outputs = {"seeds": _outcome(seeded, sorted((REPO / "seeds").glob("*.yaml")), _rows(seeded))}
    seeded_rows = _rows(seeded)
    for name, files in _cases().items():
        database = copy_database(seeded, tmp_path / f"{name.replace('/', '-')}.sqlite")
        outputs[name] = _outcome(database, files, seeded_rows)
    current = json.loads(json.dumps({"check_rules_version": CHECK_RULES_VERSION, "outputs": outputs}, ensure_ascii=False))
    if os.environ.get("FACTDB_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(current, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert golden["check_rules_version"] == CHECK_RULES_VERSION, (
        f"CHECK_RULES_VERSION is {CHECK_RULES_VERSION}, the golden outputs are of version {golden['check_rules_version']}: "
        "refresh them with FACTDB_UPDATE_GOLDEN=1")
    changed = sorted(name for name in set(golden["outputs"]) | set(outputs)
                     if golden["outputs"].get(name) != current["outputs"].get(name))
    assert not changed, (
        f"the import's outputs changed for {', '.join(changed)} without a new CHECK_RULES_VERSION: stored record digests "
        "would let a re-import skip the changed checks. If the change is meant, bump CHECK_RULES_VERSION and refresh "
        "with FACTDB_UPDATE_GOLDEN=1")
