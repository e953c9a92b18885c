"""Files factdb writes are written whole or not at all.

Each is written under a temporary name in the target's folder (so the rename stays on one file
system) and renamed onto the target only once complete: a failure part-way (a full disk, a file
size limit, an interrupt) leaves any earlier file as it was and no partial file behind.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# SQLite's files beside a database written under the temporary name.
_COMPANIONS = ("-wal", "-shm", "-journal")


@contextmanager
def written_whole(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``target`` to write; renamed onto ``target`` when the block succeeds.

    On any error the temporary file (and any SQLite journal beside it) is removed and ``target``
    is left as it was.
    """
    destination = Path(target)
    partial = destination.with_name(f".{destination.name}.{os.getpid()}-{secrets.token_hex(4)}.partial")
    try:
        yield partial
        os.replace(partial, destination)
    finally:
        for suffix in ("", *_COMPANIONS):
            partial.with_name(partial.name + suffix).unlink(missing_ok=True)
