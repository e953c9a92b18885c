"""Claims: quotes as evidence, supersedes, status, claimed_on, and claims without figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import problems, quoted, rows, run_cli, write


@pytest.fixture
def fresh_db(fresh_store: Path | str) -> Path | str:
    """Every test of this module runs on SQLite and on PostgreSQL (conftest.fresh_store)."""
    return fresh_store


@pytest.fixture
def basic_db(basic_store: Path | str) -> Path | str:
    """Every test of this module runs on SQLite and on PostgreSQL (conftest.basic_store)."""
    return basic_store



# -- quotes are evidence ----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "quote", "passage"), [
    ("Officials\u00a0said:  ‘at least\n\t304 people’ – were killed in Iran’s south.\n",
     "'at least 304 people' - were killed in Iran's south",
     "‘at least\n\t304 people’ – were killed in Iran’s south"),
    ("Officials said: \"at least 304 people\" - were killed in Iran's south.\n",
     "“at least\u00a0304 people” — were killed in Iran’s  south",
     "\"at least 304 people\" - were killed in Iran's south"),
    ("A  line\n\n\nof  runs.   Then:\u2009the \u201cquote\u201d\u00a0\u2011 here.",
     'Then: the "quote" - here.',
     "Then:\u2009the \u201cquote\u201d\u00a0\u2011 here."),
], ids=["curly-in-text", "curly-in-quote", "after-whitespace-runs"])
def test_quote_matches_across_spaces_quote_marks_and_dashes_and_points_into_the_original(
        fresh_db: Path, tmp_path: Path, text: str, quote: str, passage: str) -> None:
    path = write(tmp_path, "quote.json", json.dumps({
        "sources": [{"id": "officials", "name": "Officials", "kind": "official"}],
        "documents": [{"id": "d", "title": "T", "published": "2019-12", "text": text}],
        "claims": [{"id": "c", "document": "d", "source": "officials", "quote": quote}]}))
    result = run_cli("import", "--db", fresh_db, path)
    assert result.exit_code == 0, result.output
    assert quoted(fresh_db, "c") == passage
    assert rows(fresh_db, "SELECT quote FROM claims") == [(quote,)]  # stored as given, only matched leniently


def test_quote_matching_does_not_forgive_other_differences(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "claims.yaml", "claims:\n  - {id: c, document: wire-2019-12, source: amnesty, "
                                          "quote: at least 304 People had been killed}\n")
    result = run_cli("import", "--db", basic_db, path)
    assert problems(result) == [
        f"{path}:2: claims[0].quote: not found in the text of document 'wire-2019-12'; closest passage: "
        "\"at least 304 people had been killed. The\" (hint: copy the quote verbatim from the document "
        "(whitespace, quote marks and dashes may differ))"]


# -- claims: supersedes, status, dates, figures -----------------------------------------------------


def test_supersedes_across_files_stores_the_revision_chain(basic_db: Path, tmp_path: Path) -> None:
    later = write(tmp_path, "a-later.yaml", """\
claims:
  - id: amnesty-3
    document: wire-2019-12
    source: amnesty
    claimed_on: 2020-02-01
    quote: Amnesty International said on Monday
    supersedes: amnesty-2
""")
    middle = write(tmp_path, "b-middle.yaml", """\
claims:
  - id: amnesty-2
    document: wire-2019-12
    source: Amnesty
    claimed_on: 2020-01
    quote: at least 304 people had been killed
    supersedes: amnesty-304
    status: retracted
""")
    result = run_cli("import", "--db", basic_db, later, middle)
    assert result.exit_code == 0, result.output
    assert rows(basic_db, "SELECT c.id, s.id, c.status FROM claims c LEFT JOIN claims s ON s.pk = c.supersedes_pk "
                          "WHERE c.source_id = 'amnesty' ORDER BY c.claimed_on") == [
        ("amnesty-304", None, "active"), ("amnesty-2", "amnesty-304", "retracted"), ("amnesty-3", "amnesty-2", "active")]
    assert run_cli("import", "--db", basic_db, later, middle).stdout == (
        "claims: 0 added, 0 updated, 2 unchanged. Nothing changed.\n")


def test_a_claim_cannot_supersede_a_later_one(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "earlier.yaml", """\
claims:
  - id: amnesty-early
    document: wire-2019-12
    source: amnesty
    claimed_on: 2019-11
    quote: at least 304 people had been killed
    supersedes: amnesty-304
""")
    assert problems(run_cli("import", "--db", basic_db, path)) == [
        f"{path}:7: amnesty-early.supersedes: claim 'amnesty-304' (2019-12-16) is later than this one (2019-11) "
        "(hint: a claim supersedes an earlier one; check the dates or swap the claims)"]


def test_a_claim_with_no_figures_is_stored_without_figures(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "claims.yaml", "claims:\n  - {id: no-figure, document: wire-2019-12, source: iran-interior-ministry,\n"
                                          "     quote: a figure the ministry did not confirm, figures: []}\n"
                                          "  - {id: no-figure-key, document: wire-2019-12, source: reuters, quote: Officials told Reuters}\n")
    result = run_cli("import", "--db", basic_db, path)
    assert result.stdout == "claims: 2 added, 0 updated, 0 unchanged.\n"
    assert rows(basic_db, "SELECT c.id, count(f.id) FROM claims c LEFT JOIN figures f ON f.claim_pk = c.pk "
                          "WHERE c.id LIKE 'no-figure%' GROUP BY c.id ORDER BY c.id") == [("no-figure", 0), ("no-figure-key", 0)]


@pytest.mark.parametrize(("published", "precision"), [("2020", "year"), ("2020-11", "month"), ("2020-11-18", "day")])
def test_claimed_on_defaults_to_the_documents_date_with_its_precision(fresh_db: Path, tmp_path: Path,
                                                                      published: str, precision: str) -> None:
    path = write(tmp_path, "doc.yaml", f"""\
sources: [{{id: amnesty, name: Amnesty International, kind: ngo}}]
documents: [{{id: d, title: T, published: "{published}", text: Some 40 people were hurt.}}]
claims: [{{id: c, document: d, source: amnesty, quote: Some 40 people were hurt.}}]
""")
    assert run_cli("import", "--db", fresh_db, path).exit_code == 0
    assert rows(fresh_db, "SELECT published, published_precision FROM documents") == [(published, precision)]
    assert rows(fresh_db, "SELECT claimed_on, claimed_on_precision FROM claims") == [(published, precision)]


def test_a_claim_without_claimed_on_in_an_undated_document_is_refused(basic_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "undated.yaml", "documents:\n  - {id: undated, title: Undated, text: Some 40 people were hurt.}\n"
                                           "claims:\n  - {document: undated, source: amnesty, quote: Some 40 people were hurt.}\n")
    assert problems(run_cli("import", "--db", basic_db, path)) == [
        f"{path}:4: claims[0].claimed_on: missing, and document 'undated' has no published date to default to "
        "(hint: give claimed_on (YYYY, YYYY-MM or YYYY-MM-DD) or the document's published date)"]


def test_half_a_scale_word_in_a_figure_is_stored_as_the_number(fresh_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "half.json", json.dumps({
        "sources": [{"id": "agency", "name": "Agency", "kind": "government"}],
        "documents": [{"id": "d", "title": "T", "published": "2024-05",
                       "text": "More than half a million people fled, the agency said."}],
        "claims": [{"id": "c", "document": "d", "source": "agency", "quote": "More than half a million people fled",
                    "figures": [{"metric": "displaced", "value": "more than half a million"}]}],
        "metrics": [{"id": "displaced", "name": "People displaced", "unit": "people"}]}))
    result = run_cli("import", "--db", fresh_db, path)
    assert result.exit_code == 0, result.output
    assert rows(fresh_db, "SELECT qualifier, value, low, high, stated FROM figures") == [
        ("more_than", 500000, 500000, None, "more than half a million")]
