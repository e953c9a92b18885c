"""Every connection Datasette opens gets factdb's bounds on one SQL call (:mod:`factdb.sqlite_limits`)."""

from __future__ import annotations

import sqlite3

import pluggy

from factdb.sqlite_limits import cap

hookimpl = pluggy.HookimplMarker("datasette")


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    # Every database Datasette serves, not only factdb's: a query on any of them runs in the same
    # threads, and one unbounded call would keep the others waiting.
    cap(conn)
