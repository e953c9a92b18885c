"""The normalized schema: sources make claims in documents about events; claims carry figures.

These models describe the tables; Alembic migrations create them (never ``create_all``).
``tests/test_migrations.py`` runs ``alembic check`` so the two cannot drift apart.

The models are for reading: queries, joins, a notebook's questions. Write through
:class:`factdb.Database` (``import_files``, ``import_records``). A ``session.add(Claim(...))``
would skip the import's checks: the quote never located in its document, the figures never
read from their phrases, no content hash (so a later import cannot tell the claim changed) and
no import batch saying where it came from.

Dates are stored as ISO 8601 prefixes (``2020``, ``2020-11``, ``2020-11-18``) next to a
``*_precision`` column, so a month-precise date never acquires an invented day, and
text comparison still orders them correctly.

Text compares and sorts by code point on both databases: SQLite's BINARY collation, and
``COLLATE "C"`` on every text column in PostgreSQL (migration 0011), so exports list ids in the
same order whichever database wrote them.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from factdb.figures import QUALIFIERS  # the parser and the CHECK constraint share one list
from factdb.vocabulary import CLAIM_STATUSES, PRECISIONS, RELATIONS, REMOVABLE_KINDS, SOURCE_KINDS

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _in(column: str, values: tuple[str, ...]) -> str:
    """SQL CHECK: ``column`` is one of ``values`` (or NULL), as comparisons joined by OR.

    Not ``IN (...)``: for three values or more SQLite builds a temporary b-tree of the list for
    every row an ``executemany`` inserts, about a tenth of a bulk import's writing (migration 0004).
    """
    return " OR ".join(f"{column} = {v!r}" for v in values)


def _date_matches_precision(date: str, precision: str) -> str:
    """SQL CHECK: the stored date has exactly the digits its precision promises."""
    return (
        f"({date} IS NULL AND {precision} IS NULL) OR "
        f"({precision} = 'year' AND length({date}) = 4) OR "
        f"({precision} = 'month' AND length({date}) = 7) OR "
        f"({precision} = 'day' AND length({date}) = 10)"
    )


# What compare() reads of a claim and of a figure (factdb.compare._FIGURES_SELECT), in indexes that
# hold it all (migration 0014). An event's claims are scattered over the claims table, one page
# each: by event, their rows sit side by side in a few pages of the index, and each claim's
# figures in one page of the figures' index instead of one of the unique index and one of the table.
# The figures' index is SQLite's only: PostgreSQL refuses an index entry over about 2,700 bytes, and
# a figure's ``derived`` may hold 10,000 characters (migrations/env.py skips it there).
CLAIM_COLUMNS_COMPARED = ("event_id", "id", "source_id", "via_id", "document_pk", "claimed_on", "claimed_on_precision",
                          "status", "quote_page", "supersedes_pk", "review_status", "grade")
FIGURE_COLUMNS_COMPARED = ("claim_pk", "position", "metric_id", "population", "qualifier", "value", "low", "high",
                           "stated", "derived")


def _partial_index(table: str, column: str) -> Index:
    """An index over the rows where ``column`` is set.

    These columns are NULL on almost every row; after ANALYZE a full index makes SQLite believe
    each value matches every row and scan the table for ``IN (...)`` lookups.
    """
    condition = text(f"{column} IS NOT NULL")
    return Index(f"ix_{table}_{column}", column, sqlite_where=condition, postgresql_where=condition)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ImportBatch(Base):
    """One ``factdb import`` invocation: when, which files, what changed."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[str] = mapped_column(String(32))
    finished_at: Mapped[str | None] = mapped_column(String(32))
    factdb_version: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str | None] = mapped_column(Text, comment="JSON: added/unchanged/updated per kind")
    # Last, as migration 0010 added them: who wrote the batch, with which command and why; batches made
    # before then have no editor. A batch that `factdb undo` reverted names the batch that undid it.
    editor: Mapped[str | None] = mapped_column(String(200))
    command: Mapped[str] = mapped_column(String(16), server_default="import", comment="import, undo, remove, review or config")
    reason: Mapped[str | None] = mapped_column(Text)
    # Not a foreign key: SQLite adds one to an existing table only by rebuilding it (migration 0010).
    undone_by_batch_id: Mapped[int | None] = mapped_column(Integer)

    files: Mapped[list[ImportFile]] = relationship(back_populates="batch")


class ImportFile(Base):
    __tablename__ = "import_files"
    __table_args__ = (
        CheckConstraint("length(sha256) = 64", name="sha256_hex"),
        CheckConstraint("records >= 0", name="records_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    records: Mapped[int] = mapped_column(Integer)

    batch: Mapped[ImportBatch] = relationship(back_populates="files")


class Source(Base):
    """Who makes claims: an organisation, government body, official, outlet or person."""

    __tablename__ = "sources"
    __table_args__ = (
        CheckConstraint(_in("kind", SOURCE_KINDS), name="kind_allowed"),
        CheckConstraint("length(id) > 0", name="id_not_empty"),
        # A source's name by its id, from a few pages instead of the table's (migration 0015).
        Index("ix_sources_name_by_id", "id", "name", info={"only_on": "sqlite"}),
    )

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(Text, index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    url: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(10_000), index=True)  # checks.MAX_TEXT
    description: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)

    aliases: Mapped[list[SourceAlias]] = relationship(back_populates="source")


class SourceAlias(Base):
    """Another name for a source (``PMOI``, ``MEK``); ``alias_key`` makes lookups case-insensitive."""

    __tablename__ = "source_aliases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(Text)
    alias_key: Mapped[str] = mapped_column(Text, unique=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)

    source: Mapped[Source] = relationship(back_populates="aliases")


class SourceRelation(Base):
    """``source`` is ``part_of`` / ``member_of`` ``target`` (the MEK is a member of the NCRI)."""

    __tablename__ = "source_relations"
    __table_args__ = (
        UniqueConstraint("source_id", "relation", "target_id"),
        CheckConstraint(_in("relation", RELATIONS), name="relation_allowed"),
        CheckConstraint("source_id <> target_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    relation: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)


class Event(Base):
    """What claims are about: the November 2019 protests, a UN vote, the 1988 prison massacre."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(_date_matches_precision("start_date", "start_precision"), name="start_precision"),
        CheckConstraint(_date_matches_precision("end_date", "end_precision"), name="end_precision"),
        CheckConstraint("end_date IS NULL OR start_date IS NULL OR substr(start_date, 1, length(end_date)) <= end_date", name="start_before_end"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(Text, index=True)
    description: Mapped[str | None] = mapped_column(Text)
    start_date: Mapped[str | None] = mapped_column(String(10), index=True)
    start_precision: Mapped[str | None] = mapped_column(String(5))
    end_date: Mapped[str | None] = mapped_column(String(10))
    end_precision: Mapped[str | None] = mapped_column(String(5))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("events.id"), index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)


class Metric(Base):
    """What is counted (``killed``, ``arrested``, ``cities``) and in which unit."""

    __tablename__ = "metrics"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)


class Document(Base):
    """Where claims appear, with the archived full text that quotes are checked against.

    ``pk`` is an INTEGER PRIMARY KEY so full-text indexes keep pointing at the right rows
    after VACUUM (SQLite may renumber implicit rowids); ``id`` is the user's stable key.
    """

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(_date_matches_precision("published", "published_precision"), name="published_precision"),
        CheckConstraint("length(text_sha256) = 64", name="sha256_hex"),
        # A document's public id by its pk, from a small index instead of the table's pages, which
        # hold the documents' text (migration 0015).
        Index("ix_documents_id_by_pk", "pk", "id", info={"only_on": "sqlite"}),
    )

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    publisher_id: Mapped[str | None] = mapped_column(ForeignKey("sources.id"), index=True)
    published: Mapped[str | None] = mapped_column(String(10), index=True)
    published_precision: Mapped[str | None] = mapped_column(String(5))
    url: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(20), index=True)
    text: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64), index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)


class Claim(Base):
    """One assertion by one source in one document, with its verbatim quote as evidence."""

    __tablename__ = "claims"
    __table_args__ = (
        CheckConstraint(_in("status", CLAIM_STATUSES), name="status_allowed"),
        CheckConstraint(_in("claimed_on_precision", PRECISIONS), name="claimed_on_precision_allowed"),
        CheckConstraint(_date_matches_precision("claimed_on", "claimed_on_precision"), name="claimed_on_precision"),
        CheckConstraint("length(quote) > 0", name="quote_not_empty"),
        CheckConstraint("quote_start >= 0 AND quote_end > quote_start", name="quote_offsets"),
        CheckConstraint("via_id IS NULL OR via_id <> source_id", name="via_not_source"),
        CheckConstraint("supersedes_pk IS NULL OR supersedes_pk <> pk", name="not_self_superseding"),
        Index("ix_claims_event_id_claimed_on", "event_id", "claimed_on"),
        Index("ix_claims_compared_by_event", *CLAIM_COLUMNS_COMPARED),
        *(_partial_index("claims", column) for column in ("via_id", "supersedes_pk", "updated_batch_id")),
    )

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[str] = mapped_column(String(200), unique=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"), index=True)
    document_pk: Mapped[int] = mapped_column(ForeignKey("documents.pk"), index=True)
    event_id: Mapped[str | None] = mapped_column(ForeignKey("events.id"))
    via_id: Mapped[str | None] = mapped_column(ForeignKey("sources.id"))
    claimed_on: Mapped[str] = mapped_column(String(10), index=True)
    claimed_on_precision: Mapped[str] = mapped_column(String(5))
    quote: Mapped[str] = mapped_column(Text)
    quote_start: Mapped[int] = mapped_column(Integer)
    quote_end: Mapped[int] = mapped_column(Integer)
    statement: Mapped[str | None] = mapped_column(Text)
    supersedes_pk: Mapped[int | None] = mapped_column(ForeignKey("claims.pk"))
    status: Mapped[str] = mapped_column(String(16), index=True, server_default="active")
    content_sha256: Mapped[str] = mapped_column(String(64), comment="hash of the claim as imported; detects changed content")
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)
    updated_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    # Last, as migration 0005 added it. Lets a re-import recognise a JSON Lines line it stored before
    # without checking it again (factdb.checks.recognised); NULL for claims read from other formats.
    record_digest: Mapped[str | None] = mapped_column(
        String(32), comment="digest of the JSON Lines line this claim was imported from, the checks' rules and its lookups")
    # The editors' review and grade (migration 0010), apart from what the source says (status). Their
    # values are checked by factdb.editorial, not by CHECK constraints: SQLite adds a column with one
    # only by rebuilding the table.
    review_status: Mapped[str] = mapped_column(String(16), server_default="unreviewed", index=True,
                                               comment="unreviewed, reviewed or flagged")
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[str | None] = mapped_column(String(32))
    review_note: Mapped[str | None] = mapped_column(Text)
    grade: Mapped[str | None] = mapped_column(String(16), comment="confirmed, fair, weak, contested or discounted")
    grade_rationale: Mapped[str | None] = mapped_column(Text)
    # Last, as migration 0011 added it: the 1-based page of a paged original (a PDF) the quote starts
    # on, from the document's custody page_starts; NULL for unpaged documents.
    quote_page: Mapped[int | None] = mapped_column(Integer)

    figures: Mapped[list[Figure]] = relationship(back_populates="claim", order_by="Figure.position")


class Figure(Base):
    """A number inside a claim: ``at least 300`` people ``killed``; bounds follow the qualifier."""

    __tablename__ = "figures"
    __table_args__ = (
        UniqueConstraint("claim_pk", "position"),
        CheckConstraint(_in("qualifier", QUALIFIERS), name="qualifier_allowed"),
        CheckConstraint("low IS NULL OR high IS NULL OR low <= high", name="low_not_above_high"),
        CheckConstraint("(value IS NULL OR value >= 0) AND (low IS NULL OR low >= 0) AND (high IS NULL OR high >= 0)", name="non_negative"),
        CheckConstraint("value IS NOT NULL OR low IS NOT NULL OR high IS NOT NULL", name="has_a_number"),
        CheckConstraint("length(stated) > 0", name="stated_not_empty"),
        Index("ix_figures_metric_id_population", "metric_id", "population"),
        Index("ix_figures_compared_by_claim", *FIGURE_COLUMNS_COMPARED, info={"only_on": "sqlite"}),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Looked up by uq_figures_claim_pk_position and ix_figures_metric_id_population, whose leading
    # columns these are: an index of their own would only cost writes (migration 0004).
    claim_pk: Mapped[int] = mapped_column(ForeignKey("claims.pk", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    metric_id: Mapped[str] = mapped_column(ForeignKey("metrics.id"))
    population: Mapped[str | None] = mapped_column(String(200))
    qualifier: Mapped[str] = mapped_column(String(16), index=True)
    value: Mapped[float | None] = mapped_column(Float)
    low: Mapped[float | None] = mapped_column(Float)
    high: Mapped[float | None] = mapped_column(Float)
    stated: Mapped[str] = mapped_column(Text)
    # Why a figure that no quote states was computed (a sum of quoted figures, a conversion); None when quoted.
    derived: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)

    claim: Mapped[Claim] = relationship(back_populates="figures")


class DocumentVersion(Base):
    """An earlier archived text of a document, kept when ``factdb import --update`` replaces it: the
    evidence a quote was once checked against is never lost. The text a version held from is the
    ``replaced_batch_id`` of the version before it (or the document's ``batch_id``)."""

    __tablename__ = "document_history"
    __table_args__ = (UniqueConstraint("document_pk", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_pk: Mapped[int] = mapped_column(ForeignKey("documents.pk", ondelete="CASCADE"), index=True)
    document_id: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64))
    replaced_batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)


class ClaimVersion(Base):
    """A previous version of a claim, kept when ``factdb import --update`` replaces it."""

    __tablename__ = "claim_history"
    __table_args__ = (UniqueConstraint("claim_pk", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_pk: Mapped[int] = mapped_column(ForeignKey("claims.pk", ondelete="CASCADE"), index=True)
    claim_id: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text, comment="JSON: the claim in import format, figures included")
    content_sha256: Mapped[str] = mapped_column(String(64))
    created_batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)
    replaced_batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)


class Original(Base):
    """The bytes of an archived file (a PDF, a web page, a WARC capture), stored once per SHA-256
    however many documents it backs. The bytes are in ``original_chunks`` so that a large file is
    written and read a chunk at a time; ``factdb publish --without-originals`` drops the chunks and
    keeps this row."""

    __tablename__ = "originals"
    __table_args__ = (
        CheckConstraint("length(sha256) = 64", name="sha256_hex"),
        CheckConstraint("size_bytes >= 0", name="size_non_negative"),
    )

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)


class OriginalChunk(Base):
    """A piece of an original's bytes, in order of ``position``."""

    __tablename__ = "original_chunks"

    original_sha256: Mapped[str] = mapped_column(ForeignKey("originals.sha256", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class DocumentCustody(Base):
    """One link in a document's chain of custody: which original its text was extracted from, who
    collected it and when, and how the text was extracted. Appended, never changed: the highest
    ``version`` is the current one, the earlier ones are the document's history."""

    __tablename__ = "document_custody"
    __table_args__ = (
        UniqueConstraint("document_pk", "version"),
        CheckConstraint("length(text_sha256) = 64", name="text_sha256_hex"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_pk: Mapped[int] = mapped_column(ForeignKey("documents.pk", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    original_sha256: Mapped[str] = mapped_column(ForeignKey("originals.sha256"), index=True)
    file_name: Mapped[str] = mapped_column(Text)
    record: Mapped[str | None] = mapped_column(Text, comment="the WARC record's target URI, for a document extracted from a capture")
    retrieved_at: Mapped[str] = mapped_column(String(32))
    collector: Mapped[str] = mapped_column(Text)
    extractor: Mapped[str] = mapped_column(String(64))
    extractor_version: Mapped[str] = mapped_column(String(64))
    settings: Mapped[str] = mapped_column(Text, comment="JSON: the extractor's settings and the versions of the libraries it uses")
    text_sha256: Mapped[str] = mapped_column(String(64))
    page_starts: Mapped[str | None] = mapped_column(Text, comment="JSON: each page's start offset in the text; NULL when unpaged")
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)


class Change(Base):
    """One changed record in the change log: what a batch (an import, review, removal or undo) did to it.

    ``row_key`` is the record's id as the import format names it (a claim's ``id``, not its ``pk``).
    ``before`` and ``after`` are JSON: the record's row with the rows that belong to it (a claim's
    figures and earlier versions, a source's aliases and relations). A record a batch *added* has
    neither: the row itself, whose ``batch_id`` is the batch, is its state, and copying a large
    import's rows into this table would double it.
    """

    __tablename__ = "changes"
    __table_args__ = (
        CheckConstraint(_in("kind", ("added", "updated", "removed", "reviewed", "undone")), name="kind_allowed"),
        Index("ix_changes_table_name_row_key", "table_name", "row_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)
    table_name: Mapped[str] = mapped_column(String(32))
    row_key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    editor: Mapped[str | None] = mapped_column(String(200))
    changed_at: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    before: Mapped[str | None] = mapped_column(Text, comment="JSON: the record before the change")
    after: Mapped[str | None] = mapped_column(Text, comment="JSON: the record after the change")


class Removal(Base):
    """A removed record's tombstone: which record ``factdb remove`` took out (or an import said was
    removed), when, by whom, why, and its last version in the import format, so that an export
    carries the removal and a database made from that export has it too.

    A record imported again after its removal comes back: its tombstone stays, as history, naming the
    batch that revived it. At most one tombstone per record is current (not revived).
    """

    __tablename__ = "removals"
    __table_args__ = (
        CheckConstraint(_in("kind", REMOVABLE_KINDS), name="kind_allowed"),
        Index("ix_removals_kind_record_id", "kind", "record_id", unique=True,
              sqlite_where=text("revived_batch_id IS NULL"), postgresql_where=text("revived_batch_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), comment="claim, source, event, metric or document")
    record_id: Mapped[str] = mapped_column(String(200))
    removed_at: Mapped[str] = mapped_column(String(32))
    editor: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    last: Mapped[str] = mapped_column(Text, comment="JSON: the record's last version in the import format")
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True,
                                          comment="the removal, or the import that brought the tombstone")
    revived_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"), index=True,
                                                         comment="the import that brought the record back")


class Setting(Base):
    """A per-database option set with ``factdb config set`` (``review.require_second_editor``)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
