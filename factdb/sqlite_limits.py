"""Bounds on what one SQL function call may build, set on every connection factdb and its plugin open.

Datasette stops a query at its time limit by checking between SQLite's steps, and one function
call is one step: ``randomblob(1000000000)`` or ``printf('%.*c', 2000000000, 'x')`` ran for half a
minute and took gigabytes before the check could fire. ``SQLITE_LIMIT_LENGTH`` makes SQLite refuse
any string, blob or row longer than :data:`MAX_VALUE_BYTES` at once; ``printf`` (and its alias
``format``) still loop over a requested width before that refusal, so they are replaced by a
version that refuses such widths first and then asks SQLite's own ``printf``.
"""

from __future__ import annotations

import mmap
import re
import sqlite3
import threading
from typing import Any

# Above the largest value factdb stores: documents are archived whole, and a ten-million-character
# text in a four-byte script is 40 MB of UTF-8. A value longer than the limit cannot even be read.
MAX_VALUE_BYTES = 64 * 1024 * 1024
# Datasette's queries are typed by people; factdb's own are short, with their values as parameters.
MAX_SQL_BYTES = 1_000_000

# One printf conversion: flags, width, precision (each a number or '*'), then the conversion letter.
_CONVERSION = re.compile(r"%([-+ #0!,]*)(\*|\d+)?(?:\.(\*|\d+))?(?:ll|l)?([a-zA-Z%])?")
_builtin = threading.local()
_TOO_LONG: mmap.mmap | None = None


def cap(connection: sqlite3.Connection) -> None:
    """Set factdb's limits on ``connection``."""
    connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    connection.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_BYTES)
    for name in ("printf", "format"):
        connection.create_function(name, -1, bounded_printf, deterministic=True)


def bounded_printf(template: Any = None, *arguments: Any) -> Any:
    """SQLite's ``printf``; widths and precisions adding up to over :data:`MAX_VALUE_BYTES` fail as too long before it runs."""
    if isinstance(template, str) and _asks_too_much(template, arguments):
        return _too_long()
    connection = getattr(_builtin, "connection", None)
    if connection is None:
        # SQLite's own printf, on a connection of this thread's where it is not replaced.
        connection = _builtin.connection = sqlite3.connect(":memory:", check_same_thread=True)
        connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    placeholders = ", ".join("?" for _ in range(1 + len(arguments)))
    return connection.execute(f"SELECT printf({placeholders})", (template, *arguments)).fetchone()[0]


def _too_long() -> mmap.mmap:
    # A result over the limit makes SQLite fail the query with its own "string or blob too big",
    # as randomblob() does, before copying it; a Python exception would be reported as "user-defined
    # function raised exception" and, under Datasette, logged with a traceback. Anonymous mmap pages
    # are never touched, so this takes no memory.
    global _TOO_LONG
    if _TOO_LONG is None:
        _TOO_LONG = mmap.mmap(-1, MAX_VALUE_BYTES + 1)
    return _TOO_LONG


def _asks_too_much(template: str, arguments: tuple[Any, ...]) -> bool:
    # Summed: SQLite keeps looping over every conversion's width even once the result is too long.
    used = total = 0
    for match in _CONVERSION.finditer(template):
        if match.group(4) == "%":
            continue
        for part in (match.group(2), match.group(3)):
            if part == "*":
                value = arguments[used] if used < len(arguments) else 0
                used += 1
                number = abs(value) if isinstance(value, int) else 0
            else:
                number = int(part) if part else 0
            total += number
            if total > MAX_VALUE_BYTES:
                return True
        used += 1
    return False
