"""Which databases are factdb's, and the Datasette metadata that describes them."""

from __future__ import annotations

import functools
import json
import sqlite3
import weakref
from collections.abc import Iterable
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from datasette.app import Datasette
    from datasette.database import Database

FACTDB_TABLES = frozenset({"alembic_version", "claims", "figures", "sources", "events", "documents"})
METADATA_DATABASE = "factdb"  # the key metadata.yaml describes; re-keyed to each database's name


@functools.cache
def packaged_metadata() -> dict[str, Any]:
    """``factdb/metadata.yaml`` as a dict (Datasette's metadata format, database ``factdb``)."""
    metadata: dict[str, Any] = yaml.safe_load((resources.files("factdb") / "metadata.yaml").read_text(encoding="utf-8"))
    return metadata


def metadata_for(database_names: Iterable[str]) -> dict[str, Any]:
    """Datasette metadata describing each named database as a factdb database."""
    metadata = dict(packaged_metadata())
    described = metadata.pop("databases")[METADATA_DATABASE]
    metadata["databases"] = {name: described for name in database_names}
    copied: dict[str, Any] = json.loads(json.dumps(metadata))
    return copied


@functools.lru_cache(maxsize=32)
def _metadata_json(database_names: tuple[str, ...]) -> str:
    return json.dumps(metadata_for(database_names))


def fresh_metadata(database_names: tuple[str, ...]) -> dict[str, Any]:
    """:func:`metadata_for`, a new copy on every call: Datasette merges other metadata into it."""
    copied: dict[str, Any] = json.loads(_metadata_json(database_names))
    return copied


_is_factdb: weakref.WeakKeyDictionary[Database, bool] = weakref.WeakKeyDictionary()


def is_factdb_database(db: Database) -> bool:
    """True when the database has factdb's tables (checked once per database, synchronously)."""
    if db not in _is_factdb:
        if db.is_memory or not db.path:
            _is_factdb[db] = False
        else:
            connection = db.connect()
            try:
                names = {row[0] for row in connection.execute("select name from sqlite_master where type = 'table'")}
            except sqlite3.DatabaseError:
                names = set()
            finally:
                connection.close()
            _is_factdb[db] = FACTDB_TABLES <= names
    return _is_factdb[db]


def factdb_database_names(datasette: Datasette) -> list[str]:
    return [name for name, db in datasette.databases.items() if name != "_internal" and is_factdb_database(db)]
