"""The ``factdb`` command: a thin click layer over the typed Python API.

Exit codes: 0 success, 1 bad data (nothing written), 2 usage error.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from factdb import __version__
from factdb.db import DatabaseError, default_db_path, make_engine, open_database, upgrade


class DataError(click.ClickException):
    """Bad data: exit code 1, message on stderr, no traceback."""

    exit_code = 1


def db_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--db PATH`` shared by every command (env ``FACTDB_DB``, default ``factdb.sqlite``)."""
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=default_db_path,
        show_default="factdb.sqlite, or $FACTDB_DB",
        help="The factdb SQLite database file.",
    )(fn)


def handles_database_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DatabaseError as error:
            raise DataError(str(error)) from None

    return wrapper


@click.group()
@click.version_option(__version__, prog_name="factdb")
def cli() -> None:
    """factdb: record who said which number, where and when, and compare sources' figures."""


@cli.command()
@db_option
def init(db_path: Path) -> None:
    """Create the database, or upgrade it to the latest schema.

    Safe to run again: an up-to-date database is left as it is.
    """
    engine = make_engine(db_path)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    click.echo(f"{db_path}: schema up to date")


@cli.command(name="parse-figure")
@click.argument("text")
def parse_figure_command(text: str) -> None:
    """Show how a figure phrase is understood, as JSON.

        factdb parse-figure "at least 300 people"
    """
    from factdb.figures import FigureError, parse_figure

    try:
        figure = parse_figure(text)
    except FigureError as error:
        raise DataError(str(error)) from None
    click.echo(json.dumps(figure.to_dict(), ensure_ascii=False))


def main() -> None:  # pragma: no cover - console entry point convenience
    cli(prog_name="factdb")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
