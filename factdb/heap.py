"""The cyclic garbage collector during a large import.

A large import holds a few big long-lived structures (the lookups of every source, event, metric
and document, in the importer and in each worker) and makes millions of short-lived containers
(decoded records, checked claims, the chunks workers send). CPython's collector walks every tracked
object at each full collection, the long-lived ones included, and unpickling a chunk of claims
triggers several collections. Frozen (``gc.freeze``), the long-lived objects are left out of those
walks; the short-lived ones are freed by their reference counts as before, and cycles among them
are still collected.

A command run once (``factdb compare``) freezes what its imports made for the same reason: the
first collections of a new process walk every object the imports left, about 2 ms of a first
comparison at 1,000,000 claims.
"""

from __future__ import annotations

import gc
from types import TracebackType


class LongLivedObjects:
    """Leave the objects alive at ``freeze()`` out of the collector's walks until the block ends."""

    def __init__(self) -> None:
        self.frozen = False

    def __enter__(self) -> LongLivedObjects:
        return self

    def freeze(self, *, collect: bool = True) -> None:
        """``collect``: first free the garbage cycles of the work so far, which freezing would keep
        until the block ends (worth it before a large import; not before one short command)."""
        if collect:
            gc.collect()
        gc.freeze()
        self.frozen = True

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        if self.frozen:
            gc.unfreeze()
            self.frozen = False
