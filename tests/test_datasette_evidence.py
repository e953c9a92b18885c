"""Archived evidence in Datasette: the document page's provenance, each quote's page, the original
as a download that is never rendered inline, and a public snapshot without the originals."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import rows, run_cli, write
from datasette.app import Datasette
from evidence_inputs import ARTICLE_HTML, make_pdf, report_pages

pytestmark = pytest.mark.asyncio(loop_scope="module")

HOSTILE_HTML = ARTICLE_HTML.replace("<article>", "<article><script>alert('archived page runs here')</script>")

CLAIMS = """\
sources:
  - {id: ministry, name: Interior Ministry, kind: government}
  - {id: amnesty, name: Amnesty International, kind: ngo}
metrics:
  - {id: killed, name: People killed, unit: people}
claims:
  - {id: ministry-1445, document: report, source: ministry, claimed_on: 2020-01, quote: 'The ministry said "at least 1,445" people were killed',
     figures: [{metric: killed, value: "at least 1,445"}]}
  - {id: amnesty-304, document: wire, source: amnesty, claimed_on: 2019-12, quote: at least 304 people had been killed}
"""


@pytest.fixture(scope="module")
def evidence_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("evidence")
    path = folder / "factdb.sqlite"
    assert run_cli("init", "--db", path).exit_code == 0
    make_pdf(folder / "report.pdf", report_pages(3))
    write(folder, "wire page.html", HOSTILE_HTML)
    for name, document_id in (("report.pdf", "report"), ("wire page.html", "wire")):
        result = run_cli("archive", "--db", path, folder / name, "--id", document_id, "--editor", "alice",
                         "--retrieved-at", "2020-01-31T10:00:00Z")
        assert result.exit_code == 0, result.output
    assert run_cli("import", "--db", path, write(folder, "claims.yaml", CLAIMS)).exit_code == 0
    return path


@pytest.fixture(scope="module")
def ds(evidence_db: Path) -> Datasette:
    return Datasette([str(evidence_db)])


async def test_document_page_shows_where_the_text_came_from(ds: Datasette, evidence_db: Path) -> None:
    response = await ds.client.get("/-/document/report")
    assert response.status_code == 200
    html = response.text
    (sha256,) = rows(evidence_db, "SELECT original_sha256 FROM document_custody JOIN documents d ON d.pk = document_pk WHERE d.id = 'report'")[0]
    assert "Where the text came from" in html
    assert '<a href="/-/document/report/original" download>report.pdf</a> — application/pdf' in html
    assert "3 pages" in html and "alice" in html and "2020-01-31T10:00:00Z" in html and sha256 in html
    assert "pdfminer.six" in html
    assert 'p. 2</span>' in html  # the quote's page in the list of claims
    data = (await ds.client.get("/-/document/report.json")).json()
    assert data["custody"]["original_sha256"] == sha256 and data["custody"]["pages"] == 3
    assert [(c["id"], c["quote_page"]) for c in data["claims"]] == [("ministry-1445", 2)]


async def test_claim_page_says_the_page(ds: Datasette) -> None:
    html = (await ds.client.get("/-/claim/ministry-1445")).text
    assert '<span class="quote-page">p. 2</span>' in html
    assert "The quote in its document (p. 2)" in html
    assert "quote-page" not in (await ds.client.get("/-/claim/amnesty-304")).text


async def test_original_is_a_download_never_rendered_inline(ds: Datasette, evidence_db: Path) -> None:
    response = await ds.client.get("/-/document/wire/original")
    assert response.status_code == 200
    assert response.content == HOSTILE_HTML.encode()
    assert response.headers["content-type"] == "text/html"
    assert response.headers["content-disposition"] == "attachment; filename=\"wire_page.html\"; filename*=UTF-8''wire%20page.html"
    assert response.headers["x-content-type-options"] == "nosniff"
    pdf = await ds.client.get("/-/document/report/original")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-disposition"].startswith("attachment;")


async def test_original_of_an_unknown_or_unarchived_document_is_not_found(ds: Datasette) -> None:
    assert (await ds.client.get("/-/document/nope/original")).status_code == 404
    assert (await ds.client.post("/-/document/wire/original")).status_code == 405


async def test_publish_without_originals_keeps_hashes_and_custody(evidence_db: Path, tmp_path: Path) -> None:
    result = run_cli("publish", "--db", evidence_db, tmp_path / "site", "--without-originals")
    assert result.exit_code == 0, result.output
    snapshot = tmp_path / "site" / "factdb.db"
    assert rows(snapshot, "SELECT count(*) FROM original_chunks") == [(0,)]
    assert rows(snapshot, "SELECT count(*) FROM originals") == [(2,)]
    assert rows(snapshot, "SELECT count(*) FROM document_custody") == [(2,)]
    published = Datasette([str(snapshot)], immutables=[])
    html = (await published.client.get("/-/document/report")).text
    assert "report.pdf (not included in this copy)" in html and "/-/document/report/original" not in html
    response = await published.client.get("/-/document/report/original")
    assert response.status_code == 404 and "not included in this copy" in response.text
    verified = run_cli("verify", "--db", snapshot)
    assert verified.exit_code == 1 and "the original's bytes are not in this database" in verified.output
    full = run_cli("publish", "--db", evidence_db, tmp_path / "full")
    assert full.exit_code == 0
    assert rows(tmp_path / "full" / "factdb.db", "SELECT count(*) FROM original_chunks") == [(2,)]
