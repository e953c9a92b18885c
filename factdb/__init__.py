"""factdb: record who said which number, where and when, and compare sources' figures.

    from factdb import Database

The public names below are imported on first use: ``import factdb`` stays cheap, because every
``factdb`` command (``factdb compare`` is often run from scripts, once per question) imports it
before it knows which parts it needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_HOMES = {
    "Database": "factdb.database",
    "DatabaseError": "factdb.db",
    "ImportReport": "factdb.importer",
    "ImportFailed": "factdb.importer",
    "Problem": "factdb.checks",
    "CompareError": "factdb.compare",
    "Comparison": "factdb.compare",
    "BackupError": "factdb.backup",
    "EditorialError": "factdb.editorial",
}

__all__ = [
    "BackupError", "CompareError", "Comparison", "Database", "DatabaseError", "EditorialError", "ImportFailed", "ImportReport", "Problem",
    "__version__",
]

if TYPE_CHECKING:
    from factdb.backup import BackupError
    from factdb.compare import CompareError, Comparison
    from factdb.database import Database
    from factdb.db import DatabaseError
    from factdb.editorial import EditorialError
    from factdb.checks import Problem
    from factdb.importer import ImportFailed, ImportReport


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'factdb' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
