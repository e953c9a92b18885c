"""``factdb.Database``: the one handle on a factdb database, for programs, the CLI and the tests.

    from factdb import Database

    with Database("factdb.sqlite") as db:
        db.import_files(["seeds/iran-resolution-follow-ups-2020.yaml"])
        print(db.compare("iran-protests-2019-11", metric="killed").verdict)

Every write goes through this handle: importing files or records checks them, locates each quote
in its document, stores each claim's content hash and keeps earlier versions, in one
transaction. The ORM models in :mod:`factdb.models` are for reading; a ``session.add(Claim(...))``
would skip all of that. The guide is docs/python-api.md.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TextIO, TypeVar, overload

from factdb.compare import DEFAULT_TOLERANCE
from factdb.db import DatabaseError, Location, checked_read_connection, initialise, locate, make_engine, open_database, read_connection, schema_sql

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from factdb.archive import ArchiveReport
    from factdb.compare import Comparison
    from factdb.editorial import BatchInfo, LogEntry, RemoveResult, ReviewResult, UndoResult
    from factdb.figure_checks import StoredFigureProblem
    from factdb.importer import ImportReport
    from factdb.publish import PublishResult
    from factdb.reading import StoredClaim, StoredDocument, StoredEvent, StoredMetric, StoredSource
    from factdb.verify import DocumentVerdict

T = TypeVar("T")


class Database:
    """A factdb database: an SQLite file path, an ``sqlite:///PATH`` URL, or a PostgreSQL URL
    (``postgresql+psycopg://USER@HOST/DATABASE``; the password from the URL, PGPASSWORD or ~/.pgpass).

    Opening checks that the database exists and has the latest schema, and raises
    :class:`factdb.DatabaseError` (whose message says what to run) when it does not.
    ``create=True`` creates the database, or upgrades its schema, first, as ``factdb init`` does.

    Opened for writing (the default), an import waits while another one writes: up to ``wait``
    seconds (default 30 on SQLite, 600 on PostgreSQL), calling ``on_wait`` with a message that says
    for whom. ``readonly=True`` never waits for a writer (on PostgreSQL each read is one
    ``REPEATABLE READ READ ONLY`` snapshot); the import methods then raise :class:`factdb.DatabaseError`.

    Use it in a ``with`` block, or call :meth:`close` when done.
    """

    def __init__(self, path_or_url: str | os.PathLike[str], *, create: bool = False, readonly: bool = False,
                 wait: float | None = None, on_wait: Callable[[str], None] | None = None) -> None:
        if create and readonly:
            raise ValueError("a database cannot be created read-only: pass create=True or readonly=True, not both")
        #: Where the database is; ``location.shown`` names it without its password.
        self.location: Location = locate(path_or_url)
        #: The SQLite file; None for PostgreSQL.
        self.path: Path | None = self.location.file
        #: True when opened with ``readonly=True``: nothing can be imported through this handle.
        self.readonly = readonly
        self._location = path_or_url
        self._wait, self._on_wait = wait, on_wait
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._read_engine: Engine | None = None
        self._comparing: sqlite3.Connection | None = None  # see compare()
        if create:
            self._engine = initialise(path_or_url)
        elif readonly and self.path is not None:
            # Checked without SQLAlchemy (its engine is made when first needed, see read_engine),
            # through the connection comparisons read with: SQLite reads the schema once.
            self._comparing = checked_read_connection(path_or_url)
        elif readonly:
            self._read_engine = open_database(path_or_url, readonly=True)
        else:
            self._engine = open_database(path_or_url, wait=wait, on_wait=on_wait)

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine for writing: every transaction begins with ``BEGIN IMMEDIATE``,
        so two writers queue for the lock instead of failing part-way."""
        if self.readonly:
            raise DatabaseError(f"{self.location.shown}: opened read-only; open it without readonly=True to write")
        with self._lock:
            if self._engine is None:
                self._engine = make_engine(self._location, wait=self._wait, on_wait=self._on_wait)
            return self._engine

    @property
    def read_engine(self) -> Engine:
        """The SQLAlchemy engine for reading: it never waits for, or blocks, a writer, and each
        connection sees the last committed state."""
        with self._lock:
            if self._read_engine is None:
                self._read_engine = make_engine(self._location, readonly=True)
            return self._read_engine

    def close(self) -> None:
        """Close the engines' connections."""
        with self._lock:
            for engine in (self._engine, self._read_engine):
                if engine is not None:
                    engine.dispose()
            if self._comparing is not None:
                self._comparing.close()
                self._comparing = None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Database {self.location.shown}{' (read-only)' if self.readonly else ''}>"

    # --- Writing -----------------------------------------------------------------------------

    def import_files(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        update: bool = False,
        dry_run: bool = False,
        progress: Callable[[int], None] | None = None,
        workers: int | None = None,
        number_format: str = "en",
        editor: str | None = None,
        reason: str | None = None,
    ) -> ImportReport:
        """Import YAML, JSON, JSON Lines and CSV files in one transaction, and say what changed.

        Raises :class:`factdb.ImportFailed`, writing nothing, when the files have problems; its
        ``problems`` locate each one (file, line, field) with a hint. ``update=True`` replaces claims
        whose content changed (keeping the old version); ``dry_run=True`` checks and counts without
        writing. ``progress`` is called with the number of bytes read as the files are read.
        ``workers``: processes that check JSON Lines and CSV claims (default: 2 for large imports).
        ``number_format``: how the files write figures' digits, "en" (1,500.5, the default) or "eu" (1.500,5).
        ``editor`` (default: ``$FACTDB_EDITOR``, else the operating-system user) and ``reason`` are
        recorded with the batch and each change in the change log (:meth:`log`).
        """
        from factdb.importer import import_paths

        return import_paths(self.engine, [Path(p) for p in paths], update=update, dry_run=dry_run, progress=progress,
                            workers=workers, number_format=number_format, editor=editor, reason=reason)

    def import_records(
        self,
        records: Iterable[dict[str, Any]],
        *,
        update: bool = False,
        dry_run: bool = False,
        progress: Callable[[int], None] | None = None,
        number_format: str = "en",
        editor: str | None = None,
        reason: str | None = None,
    ) -> ImportReport:
        """Import records shaped like JSON Lines lines (each with a ``kind``) in one transaction.

        The same checks as :meth:`import_files`; a problem names the record by its position and
        field (``records[2].quote``). ``update``, ``dry_run`` and ``progress`` (called as records
        are checked), ``number_format``, ``editor`` and ``reason`` work as for files.
        """
        from factdb.importer import import_records

        return import_records(self.engine, records, update=update, dry_run=dry_run, progress=progress, number_format=number_format,
                              editor=editor, reason=reason)

    # --- Editing -----------------------------------------------------------------------------

    def review(self, claim_ids: Iterable[str], *, status: str, grade: str | None = None, rationale: str | None = None,
               note: str | None = None, editor: str | None = None, reason: str | None = None) -> ReviewResult:
        """Set the editors' review of claims: ``status`` unreviewed, reviewed or flagged, with an optional
        ``grade`` (confirmed, fair, weak, contested, discounted) that needs a ``rationale``.

        One batch in the change log. Never changes a claim's attribution, figures or content hash.
        Raises :class:`factdb.EditorialError`, changing nothing, for an unknown claim, a grade without
        a rationale, or (under ``review.require_second_editor``) a reviewer who imported the claim.
        """
        from factdb.editorial import review

        return review(self.engine, list(claim_ids), status=status, grade=grade, rationale=rationale, note=note,
                      editor=editor, reason=reason)

    def remove(self, kind: str, record_id: str, *, reason: str, editor: str | None = None) -> RemoveResult:
        """Remove a ``claim`` (with its figures), ``source``, ``event``, ``metric`` or ``document`` by id.

        Its last state stays in the change log. Raises :class:`factdb.EditorialError`, changing nothing,
        while anything refers to it (the message lists what does) or without a ``reason``.
        """
        from factdb.editorial import remove

        return remove(self.engine, kind, record_id, reason=reason, editor=editor)

    def undo(self, batch: int, *, editor: str | None = None, reason: str | None = None, cascade: bool = False) -> UndoResult:
        """Revert batch ``batch`` exactly: what it added is removed, what it changed gets its earlier state back.

        One transaction, recorded as a batch of its own. Raises :class:`factdb.EditorialError`,
        changing nothing, when later batches depend on it (listing them), unless ``cascade``: they
        are then undone too, newest first.
        """
        from factdb.editorial import undo

        return undo(self.engine, batch, editor=editor, reason=reason, cascade=cascade)

    def set_option(self, key: str, value: str, *, editor: str | None = None, reason: str | None = None) -> None:
        """Set a per-database option: ``review.require_second_editor`` (``true`` or ``false``), recorded as a batch."""
        from factdb.editorial import set_setting

        set_setting(self.engine, key, value, editor=editor, reason=reason)

    def options(self) -> dict[str, str]:
        """The per-database options and their values."""
        from factdb.editorial import settings

        with self.read_engine.connect() as conn:
            return settings(conn)

    def log(self, *, claim: str | None = None, source: str | None = None, document: str | None = None,
            event: str | None = None, metric: str | None = None, batch: int | None = None) -> list[LogEntry]:
        """The change log, oldest first: every change, or those of one record (by id) or one batch."""
        from factdb.editorial import log

        with self.read_engine.connect() as conn:
            return list(log(conn, claim=claim, source=source, document=document, event=event, metric=metric, batch=batch))

    def batches(self) -> list[BatchInfo]:
        """Every batch (import, review, removal, undo), oldest first, with its editor, files, counts and undo state."""
        from factdb.editorial import batches

        with self.read_engine.connect() as conn:
            return batches(conn)

    def archive(self, path: str | os.PathLike[str], *, id: str, url: str | None = None, retrieved_at: str | None = None,
                title: str | None = None, published: str | None = None, publisher: str | None = None,
                editor: str | None = None, record: str | None = None, update: bool = False,
                max_size: int = 200 * 1024 * 1024) -> ArchiveReport:
        """Archive an original file (``.html``/``.htm``, ``.pdf``, ``.warc``/``.warc.gz``, ``.txt``) as the document ``id``.

        Stores the original's bytes once per SHA-256, extracts its text (trafilatura, pdfminer.six,
        warcio; a PDF keeps each page's start), and records the chain of custody: ``editor`` as the
        collector (default: FACTDB_EDITOR or the user name), ``retrieved_at`` (default: now, or a WARC
        record's date), the hashes and the extractor with its version and settings. A WARC capture
        gives one document per HTTP 200 HTML or PDF response, ``id-1``, ``id-2``… (or only ``record``,
        a target URI). ``title``, ``published`` and ``url`` default to what the original says.

        Raises :class:`factdb.evidence.EvidenceError` (nothing written) for an original that cannot be
        archived, and :class:`factdb.ImportFailed` when the document conflicts with a stored one
        (another original needs ``update=True``, which keeps the earlier text and custody).
        """
        from factdb.archive import archive

        return archive(self.engine, path, id=id, url=url, retrieved_at=retrieved_at, title=title, published=published,
                       publisher=publisher, editor=editor, record=record, update=update, max_size=max_size)

    # --- Checking ----------------------------------------------------------------------------

    def verify(self, document: str | None = None, *, re_extract: bool = False) -> list[DocumentVerdict]:
        """Check each archived document (or only ``document``) against its original: the original's
        hash, the stored text's hash, the text extracted again, every quote at its offsets and page.

        Each :class:`factdb.verify.DocumentVerdict` lists its ``problems``; ``ok`` when there are none.
        The text is extracted again when the installed extractor or its libraries differ from the
        recorded versions, or always with ``re_extract=True``. Raises ``LookupError`` for an unknown
        ``document`` or one without an archived original.
        """
        from factdb.verify import verify

        return verify(self.read_engine, document, re_extract=re_extract)

    def check_figures(self, *, number_format: str = "en") -> list[StoredFigureProblem]:
        """The stored figures that the import's figure checks would now refuse, by claim id and figure position.

        Imports check each figure against its claim's quote, its stated phrase and its metric's unit;
        figures stored before those checks are not checked again. This lists the ones to fix.
        """
        from sqlalchemy import select

        from factdb.figure_checks import StoredFigure, stored_figure_problems
        from factdb.models import Claim, Figure, Metric

        query = (select(Claim.id, Figure.position, Figure.metric_id, Metric.unit, Figure.qualifier, Figure.value, Figure.low,
                        Figure.high, Figure.stated, Claim.quote, Figure.derived)
                 .join(Claim, Claim.pk == Figure.claim_pk).join(Metric, Metric.id == Figure.metric_id)
                 .order_by(Claim.id, Figure.position))
        with self.read_engine.connect() as conn:
            stored = [StoredFigure(*row) for row in conn.execute(query)]
        return list(stored_figure_problems(stored, number_format=number_format))

    # --- Comparing ---------------------------------------------------------------------------

    @overload
    def compare(self, event: str, metric: str, population: str | None = None, *, as_of: str | date | None = None,
                tolerance: float = DEFAULT_TOLERANCE, history: bool = False, reviewed_only: bool = False,
                exclude_grades: Sequence[str] = ()) -> Comparison: ...

    @overload
    def compare(self, event: str, metric: None = None, population: str | None = None, *, as_of: str | date | None = None,
                tolerance: float = DEFAULT_TOLERANCE, history: bool = False, reviewed_only: bool = False,
                exclude_grades: Sequence[str] = ()) -> list[Comparison]: ...

    @overload
    def compare(self, event: str, metric: str | None = None, population: str | None = None, *,
                as_of: str | date | None = None, tolerance: float = DEFAULT_TOLERANCE,
                history: bool = False, reviewed_only: bool = False, exclude_grades: Sequence[str] = ()) -> Comparison | list[Comparison]: ...

    def compare(self, event: str, metric: str | None = None, population: str | None = None, *,
                as_of: str | date | None = None, tolerance: float = DEFAULT_TOLERANCE,
                history: bool = False, reviewed_only: bool = False, exclude_grades: Sequence[str] = ()) -> Comparison | list[Comparison]:
        """Compare the sources' figures for ``event`` (an id or a name, any case).

        With ``metric``: one :class:`factdb.compare.Comparison`; without, one per metric and
        population of the event. ``as_of`` (YYYY, YYYY-MM or YYYY-MM-DD) shows what was known on
        that date; ``history`` adds each source's earlier figures; ``tolerance`` is how far
        "approximately" and "nearly" reach. ``reviewed_only`` compares only claims the editors
        marked reviewed; ``exclude_grades`` leaves out claims graded so (``["discounted"]``). Raises :class:`factdb.CompareError` for an unknown
        event, metric or population, naming the closest matches.
        """
        from factdb.compare import compare

        if self.path is None:  # PostgreSQL: through the read engine, one REPEATABLE READ snapshot
            return compare(self.read_engine, event, metric, population, as_of=as_of, tolerance=tolerance, history=history,
                           reviewed_only=reviewed_only, exclude_grades=exclude_grades)
        # An SQLite file: on a connection of its own rather than the read engine, so that
        # SQLAlchemy need not be loaded for a comparison (``factdb compare`` is often run once per
        # question, from scripts). Kept for the next comparison, one at a time; each reads one
        # snapshot, as the engine's transaction would.
        with self._lock:
            if self._comparing is None:
                self._comparing = read_connection(self.path)
            connection = self._comparing
            connection.execute("BEGIN")
            try:
                return compare(connection, event, metric, population, as_of=as_of, tolerance=tolerance, history=history,
                               reviewed_only=reviewed_only, exclude_grades=exclude_grades)
            finally:
                connection.execute("ROLLBACK")

    # --- Reading -----------------------------------------------------------------------------

    def claims(self, *, event: str | None = None, source: str | None = None, document: str | None = None,
               limit: int | None = None) -> Iterator[StoredClaim]:
        """The claims (with their figures) about ``event``, by ``source``, in ``document``, by id.

        Each filter is an id; None matches any. ``limit`` caps how many are read.
        """
        if limit is not None and limit < 0:
            raise ValueError(f"limit must be 0 or more, not {limit}")
        from factdb import reading

        return self._stream(functools.partial(reading.claims, event=event, source=source, document=document, limit=limit))

    def sources(self) -> Iterator[StoredSource]:
        """Every source, with its aliases and the sources it is part or a member of, by id."""
        from factdb import reading

        return self._stream(reading.sources)

    def events(self) -> Iterator[StoredEvent]:
        """Every event, by id."""
        from factdb import reading

        return self._stream(reading.events)

    def metrics(self) -> Iterator[StoredMetric]:
        """Every metric, by id."""
        from factdb import reading

        return self._stream(reading.metrics)

    def documents(self, *, text: str | None = None) -> Iterator[StoredDocument]:
        """Every document with its archived text, by id; with ``text``, those whose text is exactly it
        (found by its SHA-256, without reading the other texts)."""
        from factdb import reading

        digests = None if text is None else [hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()]
        return self._stream(functools.partial(reading.documents, text_sha256=digests))

    def _stream(self, read: Callable[[Connection], Iterator[T]]) -> Iterator[T]:
        # One connection, so one read transaction, for the whole iteration: what it yields is one
        # consistent state even while an import commits. The connection closes when the iteration
        # ends or the iterator is discarded.
        with self.read_engine.connect() as connection:
            yield from read(connection)

    def schema(self) -> str:
        """The full SQL schema: tables, indexes, views, full-text tables and triggers."""
        return schema_sql(self.read_engine)

    # --- Copies ------------------------------------------------------------------------------

    def export(self, out: TextIO | str | os.PathLike[str], fmt: str = "yaml") -> None:
        """Write everything in the import format (``yaml``, ``json`` or ``jsonl``), document texts inline.

        ``out`` is a text stream, or a file path: a file is replaced only once the export is complete.
        Importing an export into a new database and exporting again gives the same bytes.
        """
        from factdb.export import export_database, export_file

        if isinstance(out, (str, os.PathLike)):
            export_file(self.read_engine, out, fmt)
        else:
            export_database(self.read_engine, out, fmt)

    def backup(self, target: str | os.PathLike[str], *, force: bool = False) -> Path:
        """Copy the database to ``target``, one self-contained SQLite file, and return its path.

        The copy is consistent even while an import writes. Of a PostgreSQL database it is an
        SQLite snapshot of factdb's tables (pg_dump makes a full server backup). Raises :class:`factdb.BackupError`
        when ``target`` exists (unless ``force``) or cannot be written.
        """
        from factdb.backup import backup

        return backup(self._location, target, force=force)

    def publish(self, out_dir: str | os.PathLike[str], *, without_originals: bool = False) -> PublishResult:
        """Write an immutable, analysed snapshot for Datasette to ``out_dir``; the result says how to serve it.

        Each file is replaced only once complete; raises :class:`factdb.publish.PublishError`, leaving
        an earlier site as it was, when ``out_dir`` cannot be written (a full disk, no permission).
        ``without_originals=True`` leaves archived originals' bytes out of the snapshot; their hashes
        and chain of custody stay.
        """
        from factdb.publish import publish

        return publish(self._location, out_dir, without_originals=without_originals)

