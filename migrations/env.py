"""Alembic environment for factdb.

Run programmatically by ``factdb init`` (the connection arrives in ``config.attributes``)
or by the ``alembic`` command with ``alembic.ini`` during development.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from factdb.db import make_engine
from factdb.models import Base

config = context.config
target_metadata = Base.metadata

# FTS5 virtual tables and their shadow tables are created by raw SQL in migrations;
# autogenerate must not see them as tables missing from the models.
FTS_SUFFIXES = ("_fts", "_fts_data", "_fts_idx", "_fts_docsize", "_fts_config", "_fts_content")


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    if type_ == "table" and name and name.endswith(FTS_SUFFIXES):
        return False
    # An index the models mark for one database only (factdb.models, info "only_on").
    only_on = obj.info.get("only_on") if type_ == "index" and not reflected else None
    if only_on is not None and only_on != context.get_bind().dialect.name:
        return False
    return True


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        include_object=include_object,
        compare_type=True,
        # One transaction per migration: a failure part-way leaves the previous revision intact.
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    assert url and url.startswith("sqlite:///"), "factdb migrations run against SQLite files"
    engine = make_engine(url.removeprefix("sqlite:///"))
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("factdb migrations run online only: use `factdb init`")
run_migrations_online()
