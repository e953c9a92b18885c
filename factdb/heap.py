"""The cyclic garbage collector during a large import.

A large import holds a few big long-lived structures (the lookups of every source, event, metric
and document, in the importer and in each worker) and makes millions of short-lived containers
(decoded records, checked claims, the chunks workers send). CPython's collector walks every tracked
object at each full collection, the long-lived ones included, and unpickling a chunk of claims
triggers several collections. Frozen (``gc.freeze``), the long-lived objects are left out of those
walks; the short-lived ones are freed by their reference counts as before, and cycles among them
are still collected.

A large import also makes its short-lived containers thousands at a time (a chunk of claims
decoded and checked, or unpickled from a worker) that live until the chunk is written. With the
collector's default threshold (a young collection every 700 new containers) each chunk is walked
by dozens of young collections and survives into the older generations, which are then walked
again: in the importer of 100,000 claims, 0.9 s of its 8.4 s of CPU. ``freeze(bulk=True)`` makes
young collections rarer (BULK_THRESHOLD) until the block ends; cycles are still collected.

A command run once (``factdb compare``) freezes what its imports made for the same reason: the
first collections of a new process walk every object the imports left, about 2 ms of a first
comparison at 1,000,000 claims.
"""

from __future__ import annotations

import gc
from types import TracebackType

# New containers between two young collections during a large import (CPython's default: 700).
# The older generations' thresholds are left as they are.
BULK_THRESHOLD = 20_000


class LongLivedObjects:
    """Leave the objects alive at ``freeze()`` out of the collector's walks until the block ends."""

    def __init__(self) -> None:
        self.frozen = False
        self.threshold: tuple[int, int, int] | None = None  # the collector's, while raised for a bulk import

    def __enter__(self) -> LongLivedObjects:
        return self

    def freeze(self, *, collect: bool = True, bulk: bool = False) -> None:
        """``collect``: first free the garbage cycles of the work so far, which freezing would keep
        until the block ends (worth it before a large import; not before one short command).
        ``bulk``: the work to come makes containers by the thousand (BULK_THRESHOLD)."""
        if collect:
            gc.collect()
        gc.freeze()
        self.frozen = True
        if bulk and self.threshold is None:
            self.threshold = gc.get_threshold()
            gc.set_threshold(max(BULK_THRESHOLD, self.threshold[0]), *self.threshold[1:])

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        if self.threshold is not None:
            gc.set_threshold(*self.threshold)
            self.threshold = None
        if self.frozen:
            gc.unfreeze()
            self.frozen = False
