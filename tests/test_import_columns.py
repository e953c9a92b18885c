"""The claims and figures the checks prepare carry the tables' columns under their names, so the
writer derives its INSERT from the table and no column list is restated by hand."""

from __future__ import annotations

import pickle
from dataclasses import fields

from factdb import importer
from factdb.checks import CLAIM_NON_COLUMN_FIELDS, FIGURE_FIELDS, PreparedClaim
from factdb.models import Claim, Figure


def test_a_prepared_claims_fields_are_the_claims_tables_columns_but_what_the_writer_adds() -> None:
    columns = {column.name for column in Claim.__table__.columns}
    carried = {f.name for f in fields(PreparedClaim)} - set(CLAIM_NON_COLUMN_FIELDS)
    assert carried <= columns
    # Set only by an update, never by an insert: updated_batch_id by --update, quote_page once the
    # claims are written (factdb.custody.assign_quote_pages).
    later = {"updated_batch_id", "quote_page"}
    assert carried | set(importer.CLAIM_WRITER_COLUMNS) | later == columns
    assert set(importer.CLAIM_COLUMNS) == columns - later and len(importer.CLAIM_COLUMNS) == len(columns) - len(later)


def test_a_figures_values_are_the_figures_tables_columns_but_what_the_writer_adds() -> None:
    columns = [column.name for column in Figure.__table__.columns]
    assert set(importer.FIGURE_COLUMNS) == set(columns) - {"id"}
    assert set(FIGURE_FIELDS) == set(columns) - {"id", "claim_pk", "position", "batch_id"}


def test_a_prepared_claim_survives_pickling() -> None:
    claim = PreparedClaim("c-1", "amnesty", 3, "e", None, "2020-01", "month", "“quoted”", None, "active", "ab" * 32, None,
                          [("killed", None, "at_least", 300.0, 300.0, None, "at least 300")], "d-1", "c-0",
                          "claims.jsonl", 7, "line 7", 7, {"quote": 8})
    copy = pickle.loads(pickle.dumps(claim, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy == claim and copy.line_of("quote") == 8 and copy.line_of("id") == 7
    # __reduce__ names the values by hand: every field, in order, or a field added later is lost in transit
    assert claim.__reduce__() == (PreparedClaim, tuple(getattr(claim, f.name) for f in fields(PreparedClaim)))
