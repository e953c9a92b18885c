"""The ``factdb`` command: a thin click layer over the typed Python API.

Exit codes: 0 success, 1 bad data (nothing written), 2 usage error.
"""

from __future__ import annotations

import contextlib
import functools
import json
import shlex
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from factdb import __version__
from factdb.database import Database
from factdb.db import DEFAULT_WAIT, DatabaseError, default_db_path, locate
from factdb.sqlite_limits import MAX_VALUE_BYTES


class DataError(click.ClickException):
    """Bad data: exit code 1, message on stderr, no traceback."""

    exit_code = 1


def db_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--db PATH|URL`` shared by every command (env ``FACTDB_DB``, default ``factdb.sqlite``).

    Plain text, not a click.Path: a URL (postgresql+psycopg://user@host/db) is no file name, and a
    file name may hold ':' or '%'.
    """
    return click.option(
        "--db",
        "db_path",
        metavar="PATH|URL",
        default=default_db_path,
        show_default="factdb.sqlite, or $FACTDB_DB",
        help="The factdb database: an SQLite file, or a URL (sqlite:///PATH, postgresql+psycopg://USER@HOST/DATABASE).",
    )(fn)


def shown(db: str) -> str:
    """How output names the database: a URL without its password."""
    try:
        return locate(db).shown
    except DatabaseError:
        return "the database"


wait_option = click.option(
    "--wait", type=click.FloatRange(0), default=None, metavar="SECONDS",
    help=f"How long to wait while another import is writing. Default: {DEFAULT_WAIT} on PostgreSQL (saying for whom "
         "it waits), 30 on SQLite.")


def _sqlalchemy_error(error: BaseException, name: str) -> bool:
    """Whether ``error`` is SQLAlchemy's exception ``name``. SQLAlchemy is imported only by the
    commands that use it (``factdb compare`` and ``--help`` start faster without it), and when
    it was never imported, it raised nothing."""
    errors = sys.modules.get("sqlalchemy.exc")
    return errors is not None and isinstance(error, getattr(errors, name))


def _refused_by_database(error: Exception) -> bool:
    """The database refused part-way, through the sqlite3 driver or through SQLAlchemy."""
    return isinstance(error, sqlite3.OperationalError) or _sqlalchemy_error(error, "OperationalError")


def _writer(db_path: str, wait: float | None) -> Database:
    """The database opened for one write command, which waits (saying for whom) like an import."""
    return Database(db_path, wait=wait, on_wait=lambda message: click.echo(message, err=True))


def handles_database_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DatabaseError as error:
            raise DataError(str(error)) from None
        except Exception as error:
            if _refused_by_database(error) or (_sqlalchemy_error(error, "DatabaseError") and not _names_sqlite(kwargs.get("db_path"))):
                raise _stopped_by_database(kwargs.get("db_path"), error, "the command") from None
            # SQLite's own words when --db names a file that is not an SQLite database at all.
            if not _sqlalchemy_error(error, "DatabaseError") or "file is not a database" not in str(getattr(error, "orig", "")):
                raise
            raise DataError(f"{kwargs.get('db_path')}: not a factdb database (the file is not an SQLite database). "
                            "Check the path, or create a new database with: factdb init --db NEW.sqlite") from None

    return wrapper


@click.group()
@click.version_option(__version__, prog_name="factdb")
def cli() -> None:
    """factdb: record who said which number, where and when, and compare sources' figures."""


@cli.command()
@db_option
@handles_database_errors
def init(db_path: str) -> None:
    """Create the database, or upgrade it to the latest schema.

    Safe to run again: an up-to-date database is left as it is. On PostgreSQL the database
    must exist (createdb factdb); init creates factdb's tables in it.
    """
    Database(db_path, create=True).close()
    click.echo(f"{shown(db_path)}: schema up to date")


def editor_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--editor NAME`` and ``--reason TEXT``, recorded with every change a writing command makes."""
    fn = click.option("--reason", help="Why: recorded with the batch and each change in the change log.")(fn)
    return click.option("--editor", envvar="FACTDB_EDITOR", show_envvar=True,
                        help="Who is editing, recorded with each change. Default: $FACTDB_EDITOR, else your user name.")(fn)


def _editorial_refusal(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A refused editorial command: exit code 1 with its message, nothing changed."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from factdb.editorial import EditorialError

        try:
            return fn(*args, **kwargs)
        except EditorialError as error:
            raise DataError(str(error)) from None

    return wrapper


number_format_option = click.option(
    "--number-format", type=click.Choice(["en", "eu"]), default="en", show_default=True,
    help="How figures write digits: en (1,500.5) or eu (1.500,5, as in German, Spanish, Persian or Turkish reporting).")


@cli.command(name="import")
@db_option
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--update", is_flag=True, help="Replace claims whose content changed, keeping the old version in claim_history.")
@click.option("--dry-run", is_flag=True, help="Validate and report what would change, without writing.")
@click.option("--workers", type=click.IntRange(0, 32), default=None,
              help="Processes that check claims while the import writes (JSON Lines and CSV files). "
                   "Default: 2 when the files holding claims reach 20 MB (4 MB on PostgreSQL), else 0. The result is the same either way.")
@number_format_option
@editor_options
@wait_option
@handles_database_errors
@_editorial_refusal
def import_command(db_path: str, files: tuple[Path, ...], update: bool, dry_run: bool, workers: int | None,
                   number_format: str, editor: str | None, reason: str | None, wait: float | None) -> None:
    """Add sources, events, metrics, documents and claims from FILES.

    FILES are YAML (.yaml/.yml), JSON (.json), JSON Lines (.jsonl) or CSV (.csv).
    One invocation is one transaction: if anything is wrong, every problem is
    listed and nothing is written. Importing the same files again changes nothing.

        factdb import seeds/*.yaml
    """
    from factdb.import_workers import WorkerFailed
    from factdb.importer import ImportFailed

    with Database(db_path, wait=wait, on_wait=lambda message: click.echo(message, err=True)) as db:
        try:
            with _progress(files) as progress:
                report = db.import_files(files, update=update, dry_run=dry_run, progress=progress, workers=workers,
                                         number_format=number_format, editor=editor, reason=reason)
        except ImportFailed as failure:
            count = len(failure.problems) + failure.truncated
            raise DataError(f"{failure}\n{count} problem{'s' if count != 1 else ''} found; nothing was imported.") from None
        except WorkerFailed as failure:
            raise click.ClickException(f"{failure}\nNothing was imported; run again with --workers 0 to check claims in one process.") from None
        except Exception as error:
            if not _refused_by_database(error):
                raise
            raise _stopped_by_database(db_path, error, "the import") from None
    click.echo(report.summary())


@cli.command(name="archive")
@db_option
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--id", "document_id", required=True, help="The document's id; for a WARC capture, the prefix of its documents' ids (ID-1, ID-2, ...).")
@click.option("--url", help="Where the original was retrieved from; default: a WARC record's target URI.")
@click.option("--retrieved-at", metavar="DATE", help="When it was retrieved (ISO 8601); default: now, or a WARC record's date.")
@click.option("--title", help="The document's title; default: the page's or PDF's own, else the file name.")
@click.option("--published", metavar="DATE", help="Publication date, YYYY[-MM[-DD]]; default: the page's metadata.")
@click.option("--publisher", metavar="SOURCE", help="The source that published it (an id or alias).")
@click.option("--editor", metavar="NAME", help="Who collected it, recorded in the chain of custody; default: $FACTDB_EDITOR or your user name.")
@click.option("--record", metavar="URI", help="Archive only this record (its target URI) of a WARC capture.")
@click.option("--update", is_flag=True, help="Replace a document archived from another original, keeping its earlier text and custody.")
@click.option("--max-size", type=click.IntRange(1), default=200 * 1024 * 1024, show_default=True, metavar="BYTES",
              help="Refuse larger files (and WARC captures that decompress to more).")
@wait_option
@handles_database_errors
def archive_command(db_path: str, file: Path, document_id: str, url: str | None, retrieved_at: str | None, title: str | None,
                    published: str | None, publisher: str | None, editor: str | None, record: str | None, update: bool,
                    max_size: int, wait: float | None) -> None:
    """Archive FILE (.html/.htm, .pdf, .warc/.warc.gz or .txt) as a document with its original.

    The original's bytes are stored (once per SHA-256), its text extracted (a PDF's pages
    kept), and who collected it, when and how recorded. Quotes are then imported against the
    text as for any document, and `factdb verify` checks them against the original.

        factdb archive report.pdf --id amnesty-report-2020 --url https://example.org/report.pdf
    """
    from factdb.evidence import EvidenceError
    from factdb.importer import ImportFailed

    with _writer(db_path, wait) as db:
        try:
            report = db.archive(file, id=document_id, url=url, retrieved_at=retrieved_at, title=title, published=published,
                                publisher=publisher, editor=editor, record=record, update=update, max_size=max_size)
        except EvidenceError as error:
            raise DataError(f"{error}\nNothing was archived.") from None
        except ImportFailed as failure:
            # The documents are records given in Python ("record 1.publisher"); the file is what the user named.
            lines = [f"{file}: {p.field.split('.', 1)[-1]}: {p.message}" + (f" (hint: {p.hint})" if p.hint else "")
                     for p in failure.problems]
            raise DataError("\n".join(lines) + "\nNothing was archived.") from None
    for document in report.documents:
        pages = f", {document.pages} pages" if document.pages else ""
        click.echo(f"{document.id}\t{document.title} ({document.characters:,} characters{pages})")
    click.echo(report.summary())


@cli.command(name="verify")
@db_option
@click.option("--document", "document_id", metavar="ID", help="Verify only this document.")
@click.option("--re-extract", is_flag=True, help="Extract every text again, even with the recorded extractor versions installed.")
@handles_database_errors
def verify_command(db_path: str, document_id: str | None, re_extract: bool) -> None:
    """Check archived documents against their originals, and their quotes against the text.

    Re-hashes each original, checks the stored text's hash, extracts the text again when the
    extractor or its libraries were upgraded (or with --re-extract), and checks every quote is at
    its offsets and page. Exit code 0 when everything holds, 1 with what does not.

        factdb verify
    """
    with Database(db_path, readonly=True) as db:
        try:
            verdicts = db.verify(document_id, re_extract=re_extract)
        except LookupError as error:
            raise DataError(str(error.args[0])) from None
    from factdb.verify import render_table

    click.echo(render_table(verdicts), nl=False)
    failed = [v for v in verdicts if not v.ok]
    if failed:
        raise DataError(f"{len(failed)} of {len(verdicts)} archived document{'s' if len(verdicts) != 1 else ''} failed verification.")
    click.echo(f"{len(verdicts)} archived document{'s' if len(verdicts) != 1 else ''} verified.")


format_option = click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)


@cli.command(name="log")
@db_option
@click.option("--claim", help="The changes of this claim (by id).")
@click.option("--source", help="The changes of this source.")
@click.option("--document", help="The changes of this document.")
@click.option("--event", help="The changes of this event.")
@click.option("--metric", help="The changes of this metric.")
@click.option("--batch", type=int, help="The changes of this batch (see factdb batches).")
@format_option
@handles_database_errors
def log_command(db_path: str, claim: str | None, source: str | None, document: str | None, event: str | None,
                metric: str | None, batch: int | None, output_format: str) -> None:
    """Print the change log: who added, updated, reviewed, removed or undid what, when and why.

    JSON gives each change's record before and after it.

        factdb log --claim amnesty-304-killed
        factdb log --batch 3 --format json
    """
    from factdb.editorial import render_log

    with Database(db_path, readonly=True) as db:
        entries = db.log(claim=claim, source=source, document=document, event=event, metric=metric, batch=batch)
    if output_format == "json":
        click.echo(json.dumps([entry.to_dict() for entry in entries], ensure_ascii=False, indent=2))
    elif entries:
        click.echo(render_log(entries))
    else:
        click.echo("No changes recorded" + (" for that record or batch." if any((claim, source, document, event, metric, batch))
                                              else "."))


@cli.command(name="batches")
@db_option
@format_option
@handles_database_errors
def batches_command(db_path: str, output_format: str) -> None:
    """List the batches that wrote to the database: imports, reviews, removals and undos.

    Each with its time, editor, files, counts and whether it was undone (by which batch).

        factdb batches
    """
    from factdb.editorial import render_batches

    with Database(db_path, readonly=True) as db:
        found = db.batches()
    if output_format == "json":
        click.echo(json.dumps([batch.to_dict() for batch in found], ensure_ascii=False, indent=2))
    elif found:
        click.echo(render_batches(found))
    else:
        click.echo("No batches yet.")


@cli.command(name="undo")
@db_option
@click.argument("batch", type=int)
@click.option("--cascade", is_flag=True, help="Undo the later batches that depend on BATCH too, newest first.")
@editor_options
@wait_option
@handles_database_errors
@_editorial_refusal
def undo_command(db_path: str, batch: int, cascade: bool, editor: str | None, reason: str | None,
                 wait: float | None) -> None:
    """Revert batch BATCH exactly, in one transaction recorded as a batch of its own.

    Rows it added are removed and rows it changed get their earlier versions back.
    Refused, listing them, when later batches depend on its rows (unless --cascade).

        factdb undo 3 --reason "draft imported by mistake"
    """
    with _writer(db_path, wait) as db:
        result = db.undo(batch, editor=editor, reason=reason, cascade=cascade)
    for undone, recorded in zip(result.undone, result.batch_ids, strict=True):
        click.echo(f"Batch {undone} undone (recorded as batch {recorded}).")


@cli.command(name="remove")
@db_option
@click.argument("kind", type=click.Choice(["claim", "source", "event", "metric", "document"]))
@click.argument("record_id", metavar="ID")
@editor_options
@wait_option
@handles_database_errors
@_editorial_refusal
def remove_command(db_path: str, kind: str, record_id: str, editor: str | None, reason: str | None,
                   wait: float | None) -> None:
    """Remove a claim (with its figures), source, event, metric or document; --reason is required.

    Its last version stays in the change log (factdb log). Refused while anything still
    refers to it, listing what does.

        factdb remove claim placeholder-claim --reason "imported from an unreviewed draft"
    """
    with _writer(db_path, wait) as db:
        result = db.remove(kind, record_id, reason=reason or "", editor=editor)
    click.echo(f"Removed {kind} '{record_id}' (batch {result.batch_id}).")


@cli.command(name="review")
@db_option
@click.argument("claim_ids", nargs=-1, required=True, metavar="CLAIM_ID...")
@click.option("--status", required=True, type=click.Choice(["reviewed", "flagged", "unreviewed"]), help="The claims' review state.")
@click.option("--grade", type=click.Choice(["confirmed", "fair", "weak", "contested", "discounted"]),
              help="The editors' grade of how well each claim is supported (needs --rationale).")
@click.option("--rationale", help="Why the claims get that grade.")
@click.option("--note", help="A note on the review.")
@editor_options
@wait_option
@handles_database_errors
@_editorial_refusal
def review_command(db_path: str, claim_ids: tuple[str, ...], status: str, grade: str | None, rationale: str | None,
                   note: str | None, editor: str | None, reason: str | None, wait: float | None) -> None:
    """Set the editors' review of claims, and optionally their grade.

    The review and grade are the editors' assessment, apart from what the source
    says: they never change a claim's attribution or figures.

        factdb review amnesty-304-killed --status reviewed --grade fair --rationale "two independent counts"
    """
    with _writer(db_path, wait) as db:
        result = db.review(claim_ids, status=status, grade=grade, rationale=rationale, note=note, editor=editor, reason=reason)
    click.echo(f"{len(result.claims)} claim{'s' if len(result.claims) != 1 else ''} marked {status}"
               f"{f', graded {grade}' if grade else ''} (batch {result.batch_id}).")


@cli.group(name="config")
def config_group() -> None:
    """Show or set the database's options (review.require_second_editor)."""


@config_group.command(name="set")
@db_option
@click.argument("key")
@click.argument("value")
@editor_options
@wait_option
@handles_database_errors
@_editorial_refusal
def config_set(db_path: str, key: str, value: str, editor: str | None, reason: str | None,
               wait: float | None) -> None:
    """Set option KEY to VALUE (recorded as a batch, with its editor and reason).

        factdb config set review.require_second_editor true
    """
    with _writer(db_path, wait) as db:
        db.set_option(key, value, editor=editor, reason=reason)
    click.echo(f"{key} = {value.strip().lower()}")


@config_group.command(name="show")
@db_option
@handles_database_errors
def config_show(db_path: str) -> None:
    """Print every option with its value."""
    with Database(db_path, readonly=True) as db:
        for key, value in db.options().items():
            click.echo(f"{key} = {value}")


def _names_sqlite(db_path: object) -> bool:
    try:
        return locate(str(db_path)).is_sqlite
    except DatabaseError:
        return True


def _stopped_by_database(db_path: object, error: Exception, what: str) -> DataError:
    """The database refused part-way; its transaction was rolled back."""
    try:
        location = locate(str(db_path))
    except DatabaseError:
        location = None
    if location is None or location.is_sqlite:
        return _stopped_by_sqlite(db_path, error, what)
    reason = location.redact(str(getattr(error, "orig", None) or error)).strip()
    outcome = " Nothing was imported; the database is as it was." if what == "the import" else ""
    return DataError(f"{location.shown}: PostgreSQL stopped {what}: {reason}.{outcome} (hint: check that the server runs "
                     "and that your user may write the database, then run it again)")


def _stopped_by_sqlite(db_path: object, error: Exception, what: str) -> DataError:
    """SQLite refused part-way (disk full, locked, read-only); its transaction was rolled back."""
    reason = str(getattr(error, "orig", None) or error)
    db = Path(str(db_path))
    wal = db.with_name(db.name + "-wal")
    # SQLite recreates a deleted log empty, then finds it does not match the -shm index of the old one.
    if "disk I/O error" in reason and db.with_name(db.name + "-shm").exists() and (not wal.exists() or wal.stat().st_size == 0):
        return DataError(f"{db_path}: SQLite stopped {what}: its write-ahead log {db.name}-wal was deleted while a program "
                         f"had the database open ({db.name}-shm is still there). Nothing was changed. (hint: stop every "
                         "program using the database (factdb serve, Datasette) and run it again; commits that were only "
                         "in the deleted log are lost: restore them from a backup)")
    hint = ("free some disk space" if "full" in reason
            else "the database's tables are not factdb's (another program changed them?); compare with: factdb schema"
            if "no such table" in reason or "no such column" in reason
            else f"a value is over factdb's limit of {MAX_VALUE_BYTES // 2**20} MiB; split the document" if "too big" in reason
            else "another program is writing to the database; wait for it to finish" if "locked" in reason
            else "check that the database file and its folder are writable")
    outcome = " Nothing was imported; the database is as it was." if what == "the import" else ""
    return DataError(f"{db_path}: SQLite stopped {what}: {reason}.{outcome} (hint: {hint}, then run it again)")


@contextmanager
def _progress(files: tuple[Path, ...]) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on a terminal for imports worth waiting for (each file is read twice)."""
    total = sum(p.stat().st_size for p in files if p.is_file()) * 2
    if total < 5_000_000 or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=total, label="Importing", file=sys.stderr) as bar:
        yield bar.update


@cli.command(name="export")
@db_option
@click.option("--format", "fmt", type=click.Choice(["yaml", "json", "jsonl"]), default="yaml", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead of stdout.")
@handles_database_errors
def export_command(db_path: str, fmt: str, output: Path | None) -> None:
    """Write the whole database in the import format (document texts inline).

    Importing the export into an empty database and exporting again gives the same bytes.

        factdb export --format yaml > backup.yaml
    """
    with Database(db_path, readonly=True) as db:
        db.export(sys.stdout if output is None else output, fmt)


@cli.command()
@db_option
@handles_database_errors
def schema(db_path: str) -> None:
    """Print the database's full SQL schema (tables, indexes, views, search tables, triggers)."""
    with Database(db_path, readonly=True) as db:
        click.echo(db.schema(), nl=False)


@cli.command(name="backup")
@db_option
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace TARGET if it already exists.")
@handles_database_errors
def backup_command(db_path: str, target: Path, force: bool) -> None:
    """Copy the database to TARGET: a consistent snapshot, even while an import is running.

    TARGET is one self-contained SQLite file. Restore it by copying it back while nothing
    uses the database (see docs/reliability.md). Of a PostgreSQL database, TARGET is an
    SQLite snapshot of factdb's tables; pg_dump backs up the whole server (docs/team.md).

        factdb backup backups/factdb-2020-11-30.sqlite
    """
    from factdb.backup import BackupError, backup

    # Not through Database, which opens only databases with the latest schema: a backup is most
    # needed just before `factdb init` upgrades an older one.
    try:
        written = backup(db_path, target, force=force)
    except BackupError as error:
        raise DataError(str(error)) from None
    if locate(db_path).is_sqlite:
        click.echo(f"{shown(db_path)}: backed up to {written}")
    else:
        click.echo(f"{shown(db_path)}: wrote an SQLite snapshot of factdb's tables to {written}. For a full backup of the "
                   "PostgreSQL server (roles, settings, every database) use pg_dump; see docs/team.md")


@cli.command(name="copy")
@click.option("--from", "source", required=True, metavar="PATH|URL", help="The database to copy (an SQLite file or a URL).")
@click.option("--to", "target", required=True, metavar="PATH|URL",
              help="A new SQLite file, or an empty PostgreSQL database (created with createdb).")
@handles_database_errors
def copy_command(source: str, target: str) -> None:
    """Copy a whole database into another one, in either direction, and verify the copy.

    The copy is verified by exporting both databases and comparing the bytes.

        factdb copy --from factdb.sqlite --to postgresql+psycopg://editor@db.example.org/factdb
        factdb copy --from postgresql+psycopg://editor@db.example.org/factdb --to local.sqlite
    """
    from factdb.copying import CopyError, copy_database

    try:
        result = copy_database(source, target)
    except CopyError as error:
        raise DataError(str(error)) from None
    click.echo(f"{shown(source)}: copied {result.total:,} rows to {shown(target)}; both export the same "
               f"(SHA-256 {result.export_sha256[:16]}…)")


@cli.command(name="parse-figure")
@click.argument("text")
@number_format_option
def parse_figure_command(text: str, number_format: str) -> None:
    """Show how a figure phrase is understood, as JSON.

        factdb parse-figure "at least 300 people"
        factdb parse-figure --number-format eu "mindestens 1.500"
    """
    from factdb.figures import FigureError, parse_figure

    try:
        figure = parse_figure(text, number_format=number_format)
    except FigureError as error:
        raise DataError(str(error)) from None
    click.echo(json.dumps(figure.to_dict(), ensure_ascii=False))


@cli.command(name="check")
@db_option
@number_format_option
@handles_database_errors
def check_command(db_path: str, number_format: str) -> None:
    """List stored figures that an import would now refuse.

    Imports check each figure against its claim's quote (its numbers must be
    there), its stated phrase (which must say the same) and its metric's unit
    (counts are whole numbers). Figures imported before these checks are kept
    as they are; this lists them by claim id and figure position, so they can
    be corrected and imported again with --update. Exit code 1 when any is
    listed, 0 when none.

        factdb check --db factdb.sqlite
    """
    with Database(db_path, readonly=True) as db:
        found = db.check_figures(number_format=number_format)
    for problem in found:
        click.echo(str(problem))
    if found:
        raise DataError(f"{len(found)} stored figure{'s' if len(found) != 1 else ''} would be refused by an import now.")
    click.echo(f"{shown(db_path)}: every stored figure passes the import's figure checks")


def _as_of_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from factdb.compare import parse_as_of

    try:
        return parse_as_of(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@cli.command(name="compare")
@click.argument("event")
@click.option("--metric", "-m", help="Metric id or name; default: every metric of the event.")
@click.option("--population", "-p", help="Compare only figures about this population (e.g. children).")
@click.option("--as-of", callback=_as_of_date, metavar="DATE", help="What was known on DATE (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--history", is_flag=True, help="Add each source's earlier figures.")
@click.option(
    "--tolerance", type=click.FloatRange(0, 1, max_open=True), default=0.1, show_default=True,
    help="How far 'approximately' and 'nearly' reach, as a fraction.",
)
@click.option("--reviewed-only", is_flag=True, help="Compare only claims the editors marked reviewed.")
@click.option("--exclude-grade", "exclude_grades", multiple=True,
              type=click.Choice(["confirmed", "fair", "weak", "contested", "discounted"]),
              help="Leave out claims the editors graded so (repeatable), e.g. discounted.")
@click.option("--format", "output_format", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@db_option
@handles_database_errors
def compare_command(
    event: str, metric: str | None, population: str | None, as_of: str | None, history: bool,
    tolerance: float, reviewed_only: bool, exclude_grades: tuple[str, ...], output_format: str, db_path: str,
) -> None:
    """Compare the sources' figures for EVENT (an id or name).

        factdb compare iran-protests-2019-11 --metric killed
    """
    from factdb.compare import CompareError, render_csv, render_table
    from factdb.heap import LongLivedObjects

    try:
        # What the imports made lives until the command ends: left out of the collector's walks
        # (factdb.heap), the first comparison of the process does not pay for walking it.
        with LongLivedObjects() as imported, Database(db_path, readonly=True) as db:
            imported.freeze(collect=False)
            result = db.compare(event, metric, population, as_of=as_of, tolerance=tolerance, history=history,
                                reviewed_only=reviewed_only, exclude_grades=exclude_grades)
    except CompareError as error:
        raise DataError(str(error)) from None
    comparisons = [result] if not isinstance(result, list) else result
    if output_format == "json":
        payload: Any = result.to_dict() if not isinstance(result, list) else [c.to_dict() for c in result]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    elif output_format == "csv":
        click.echo(render_csv(comparisons), nl=False)
    elif comparisons:
        click.echo(render_table(comparisons))
    else:
        click.echo(f"No figures recorded about {event}.")


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; 0.0.0.0 exposes it to your network.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@handles_database_errors
@click.option("--refresh", type=click.FloatRange(min=1), metavar="SECONDS",
              help="PostgreSQL: publish a new snapshot every SECONDS in the background and serve it once complete.")
def serve(db_path: str, host: str, port: int, refresh: float | None) -> None:
    """Explore the database in Datasette, with factdb's comparison pages.

    Datasette reads SQLite: a PostgreSQL database is served from a snapshot published to a
    temporary folder (with --refresh, republished in the background).

        factdb serve            # then open http://127.0.0.1:8001
    """
    from factdb.publish import serve as serve_database

    if refresh is not None and locate(db_path).is_sqlite:
        raise click.UsageError("--refresh is for a PostgreSQL database; Datasette reads an SQLite file as it changes")
    serve_database(db_path, host=host, port=port, refresh=refresh,
                   on_refresh=lambda message: click.echo(message, err=True))


@cli.command()
@db_option
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--without-originals", is_flag=True,
              help="Leave archived originals' bytes out of the snapshot (their hashes and chain of custody stay).")
@handles_database_errors
def publish(db_path: str, out_dir: Path, without_originals: bool) -> None:
    """Write an immutable, analysed snapshot to OUT_DIR and print the command that serves it.

    OUT_DIR gets factdb.db (the snapshot), metadata.json, inspect-data.json and
    settings.json: it is a Datasette configuration directory (datasette OUT_DIR).
    An archived web page or PDF is offered for download from its document page, unless
    --without-originals leaves the bytes out (say, when they may not be republished).

        factdb publish site/
    """
    from factdb.publish import PublishError

    try:
        with Database(db_path, readonly=True) as db:
            result = db.publish(out_dir, without_originals=without_originals)
    except PublishError as error:
        raise DataError(str(error)) from None
    port = result.command[result.command.index("--port") + 1]
    click.echo(f"Published {result.snapshot}. Serve it with:\n\n    {result.command_line}\n\n"
               f"or, the same site as a Datasette configuration directory:\n\n"
               f"    {shlex.join([result.executable, str(result.snapshot.parent), '--port', port])}")


@cli.command(name="extract")
@db_option
@click.argument("article", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False)
@click.option("--document", "stored_document", metavar="ID", help="Draft claims from this stored document's text (an archived page or PDF) instead of ARTICLE.")
@click.option("--document-id", help="Id for the document; default: the file name as a slug.")
@click.option("--title", help="The document's title; default: the first line of the text.")
@click.option("--event", help="Event id that every proposed claim is about.")
@click.option("--author", help="Who speaks in the article's own voice; default: a byline found in the text.")
@click.option("--published", metavar="DATE", help="Publication date, YYYY[-MM[-DD]]; default: guessed from the text.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the draft here instead of stdout.")
@click.pass_context
@handles_database_errors
def extract_command(ctx: click.Context, db_path: str, article: Path | None, stored_document: str | None, document_id: str | None,
                    title: str | None, event: str | None, author: str | None, published: str | None, output: Path | None) -> None:
    """Propose claims for ARTICLE (plain UTF-8 text) as a draft in the import format.

    Sources already in the database are matched by name and alias (the default database is used
    only if it exists). Every guess is marked "# GUESS" in the draft; review it, then import it:

        factdb extract article.txt --document-id some-article > draft.yaml
        factdb import draft.yaml

    An archived document (factdb archive) is drafted from its stored text:

        factdb extract --document amnesty-report-2020 -o draft.yaml
    """
    from factdb.extract import Catalog, ExtractError, draft_to_yaml, extract_article, load_catalog

    if (article is None) == (stored_document is None):
        raise click.UsageError("give ARTICLE (a text file) or --document ID (a stored document), not both or neither")
    if stored_document is not None:
        _extract_stored(db_path, stored_document, event, author, output)
        return
    assert article is not None
    if output is not None and output.resolve() == article.resolve():
        raise DataError(f"-o {output}: that is the article itself; write the draft to another file, e.g. "
                        f"{article.with_suffix('.yaml').name}")
    explicit = ctx.get_parameter_source("db_path") not in (click.core.ParameterSource.DEFAULT, None)
    with contextlib.ExitStack() as stack:
        catalog = Catalog()
        if explicit or not locate(db_path).is_sqlite or Path(db_path).is_file():
            catalog = load_catalog(stack.enter_context(Database(db_path, readonly=True)))
        else:
            click.echo(f"No database ({db_path} not found): sources are not matched against known ones and every "
                       "source is proposed as new; give --db to match them.", err=True)
        try:
            draft = extract_article(article, draft_folder=output.parent if output else Path.cwd(), document_id=document_id,
                                    title=title, event=event, author=author, published=published, catalog=catalog)
        except ExtractError as error:
            raise DataError(str(error)) from None
    _write_draft(draft_to_yaml(draft, article=article.name), output)
    figures = sum(len(claim.figures) for claim in draft.claims)
    click.echo(f"{article}: {len(draft.claims)} claims with {figures} figures proposed, {len(draft.new_sources)} new "
               f"sources. Review the draft, then: factdb import {output or 'DRAFT.yaml'}", err=True)


def _extract_stored(db_path: str, document_id: str, event: str | None, author: str | None, output: Path | None) -> None:
    from factdb.extract import ExtractError, draft_to_yaml, extract_stored_document

    with Database(db_path, readonly=True) as db:
        try:
            draft = extract_stored_document(db, document_id, event=event, author=author)
        except ExtractError as error:
            raise DataError(str(error)) from None
    _write_draft(draft_to_yaml(draft, article=document_id), output)
    click.echo(f"document {document_id}: {len(draft.claims)} claims with {sum(len(c.figures) for c in draft.claims)} figures "
               f"proposed, {len(draft.new_sources)} new sources. Review the draft, then: factdb import {output or 'DRAFT.yaml'}", err=True)


def _write_draft(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    from factdb.files import written_whole

    try:
        with written_whole(output) as partial:
            partial.write_text(text, encoding="utf-8")
    except OSError as error:
        raise DataError(f"-o {output}: the draft could not be written ({error.strerror}); the file is as it was") from None


def main() -> None:  # pragma: no cover - console entry point convenience
    cli(prog_name="factdb")


if __name__ == "__main__":  # pragma: no cover
    main()
