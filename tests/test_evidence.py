"""Evidence intake (issue 20): `factdb archive` of web pages, PDFs, WARC captures and texts, the
chain of custody, quotes that know their page, `factdb verify`, and every bad original refused.

Archiving, storing originals once, quote pages, verify, the export round trip, undo of an archive
and publishing without originals run on SQLite and on PostgreSQL (conftest.fresh_store); the
refusals of bad originals happen before the database is touched and run on SQLite only."""

from __future__ import annotations

import base64
import gzip
import io
import json
from pathlib import Path

import pytest
from conftest import dump_database, is_postgres, migrated_database, rows, run_cli, write
from evidence_inputs import (
    ARTICLE_HTML,
    BOILERPLATE_HTML,
    make_metadata_only_warc,
    make_pdf,
    make_scanned_pdf,
    make_warc,
    report_pages,
)

from factdb import Database
from factdb.evidence import EvidenceError

CLAIMS = """\
sources:
  - {id: amnesty, name: Amnesty International, kind: ngo}
  - {id: ministry, name: Interior Ministry, kind: government}
events:
  - {id: protests, name: November protests}
metrics:
  - {id: killed, name: People killed, unit: people}
claims:
  - id: amnesty-304
    document: wire
    source: amnesty
    event: protests
    claimed_on: 2019-12-16
    quote: at least 304 people had been killed
    figures: [{metric: killed, value: at least 304}]
  - id: ministry-1445
    document: report
    source: ministry
    event: protests
    claimed_on: 2020-01
    quote: 'The ministry said "at least 1,445" people were killed'
    figures: [{metric: killed, value: "at least 1,445"}]
"""


@pytest.fixture
def fresh_db(fresh_store: Path | str) -> Path | str:
    """An empty database on each backend in turn (tests that must stay on SQLite ask for sqlite_db)."""
    return fresh_store


@pytest.fixture
def sqlite_db(db_path: Path) -> Path:
    return migrated_database(db_path.parent)


def execute(db: Path | str, *statements: tuple[str, tuple[object, ...]]) -> None:
    """Change the database behind factdb's back, in one transaction (? as placeholders), as tampering would."""
    from sqlalchemy import create_engine

    url = str(db) if is_postgres(db) else f"sqlite:///{db}"
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for sql, params in statements:
                if is_postgres(db):
                    connection.exec_driver_sql(sql.replace("?", "%s"), params)
                else:
                    connection.exec_driver_sql(sql, params)
    finally:
        engine.dispose()


@pytest.fixture
def originals(tmp_path: Path) -> Path:
    folder = tmp_path / "originals"
    folder.mkdir()
    write(folder, "wire.html", ARTICLE_HTML)
    make_pdf(folder / "report.pdf", report_pages(3))
    return folder


@pytest.fixture
def archived(fresh_db: Path, originals: Path) -> Path:
    """The web page and the PDF report archived, and claims quoting both imported."""
    return archive_both(fresh_db, originals)


def archive_both(fresh_db: Path, originals: Path) -> Path:
    assert run_cli("archive", "--db", fresh_db, originals / "wire.html", "--id", "wire", "--url", "https://example.org/wire",
                   "--editor", "alice").exit_code == 0
    result = run_cli("archive", "--db", fresh_db, originals / "report.pdf", "--id", "report", "--editor", "bob",
                     "--retrieved-at", "2020-01-31T10:00:00Z", "--title", "Mission report")
    assert result.exit_code == 0, result.output
    result = run_cli("import", "--db", fresh_db, write(originals.parent, "claims.yaml", CLAIMS))
    assert result.exit_code == 0, result.output
    return fresh_db


def test_archive_html_proposes_title_author_date_and_records_custody(fresh_db: Path, originals: Path) -> None:
    result = run_cli("archive", "--db", fresh_db, originals / "wire.html", "--id", "wire", "--editor", "alice")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("wire\tProtest toll rises")
    assert "1 added" in result.output
    ((title, author, published, text),) = rows(fresh_db, "SELECT title, author, published, text FROM documents")
    assert (title, author, published) == ("Protest toll rises", "Jane Reporter", "2019-12-16")
    assert "at least 304 people had been killed" in text
    assert "All rights reserved" not in text and "Sport" not in text  # boilerplate removed
    ((collector, extractor, file_name, pages, media_type, size),) = rows(fresh_db, """
        SELECT collector, extractor, file_name, page_starts, media_type, size_bytes
        FROM document_custody JOIN originals ON sha256 = original_sha256""")
    assert (collector, extractor, file_name, pages, media_type) == ("alice", "trafilatura", "wire.html", None, "text/html")
    assert size == (originals / "wire.html").stat().st_size
    # The collector is the batch's editor too: `factdb log` and `factdb undo` see who archived it.
    assert rows(fresh_db, "SELECT editor, command FROM import_batches") == [("alice", "archive")]
    assert rows(fresh_db, "SELECT table_name, row_key, kind, editor FROM changes") == [("documents", "wire", "added", "alice")]


def test_the_same_original_is_stored_once(fresh_db: Path, originals: Path) -> None:
    for document_id in ("wire", "wire", "wire-copy"):
        assert run_cli("archive", "--db", fresh_db, originals / "wire.html", "--id", document_id).exit_code == 0
    assert rows(fresh_db, "SELECT count(*) FROM originals")[0][0] == 1
    assert rows(fresh_db, "SELECT count(*) FROM document_custody")[0][0] == 2  # archiving again changed nothing
    stored = b"".join(bytes(r[0]) for r in rows(fresh_db, "SELECT data FROM original_chunks ORDER BY position"))
    assert stored == (originals / "wire.html").read_bytes()


def test_pdf_pages_and_quote_page_everywhere(archived: Path) -> None:
    ((pages, text),) = rows(archived, "SELECT page_starts, text FROM document_custody JOIN documents d ON d.pk = document_pk "
                                      "WHERE d.id = 'report'")
    starts = json.loads(pages)
    assert len(starts) == 3 and starts[0] == 0
    assert text[starts[1]:].startswith("Report page 2.") and text[starts[2]:].startswith("Report page 3.")
    assert "“at least 1,445”" in text and "Η επιτροπή ανέφερε 200 θύματα." in text and "Комиссия сообщила о 300 погибших." in text
    assert rows(archived, "SELECT id, quote_page FROM claims ORDER BY id") == [("amnesty-304", None), ("ministry-1445", 2)]
    assert rows(archived, "SELECT claim_id, quote_page FROM claim_details ORDER BY claim_id") == [("amnesty-304", None), ("ministry-1445", 2)]
    compared = json.loads(run_cli("compare", "--db", archived, "protests", "--metric", "killed", "--format", "json").output)
    assert {f["claim_id"]: f["quote_page"] for f in compared["figures"]} == {"amnesty-304": None, "ministry-1445": 2}
    exported = run_cli("export", "--db", archived, "--format", "json").output
    claims = {c["id"]: c for c in json.loads(exported)["claims"]}
    assert claims["ministry-1445"]["quote_page"] == 2 and "quote_page" not in claims["amnesty-304"]


@pytest.mark.parametrize("fmt", ["yaml", "json", "jsonl"])
def test_round_trip_with_originals_is_byte_identical(archived: Path, tmp_path: Path, fmt: str) -> None:
    first = tmp_path / f"first.{fmt}"
    assert run_cli("export", "--db", archived, "--format", fmt, "-o", first).exit_code == 0
    empty = tmp_path / "empty.sqlite"
    assert run_cli("init", "--db", empty).exit_code == 0
    result = run_cli("import", "--db", empty, first)
    assert result.exit_code == 0, result.output
    second = tmp_path / f"second.{fmt}"
    assert run_cli("export", "--db", empty, "--format", fmt, "-o", second).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    assert rows(empty, "SELECT sha256, media_type, size_bytes FROM originals ORDER BY 1") == rows(
        archived, "SELECT sha256, media_type, size_bytes FROM originals ORDER BY 1")
    assert rows(empty, "SELECT id, quote_page FROM claims ORDER BY id") == [("amnesty-304", None), ("ministry-1445", 2)]
    assert run_cli("verify", "--db", empty, "--re-extract").exit_code == 0


def test_verify_passes_then_catches_a_tampered_original_and_text(archived: Path) -> None:
    result = run_cli("verify", "--db", archived, "--re-extract")
    assert result.exit_code == 0, result.output
    assert "2 archived documents verified" in result.output
    ((data,),) = rows(archived, "SELECT data FROM original_chunks JOIN originals ON sha256 = original_sha256 "
                                "WHERE media_type = 'application/pdf'")
    data = bytes(data)
    tampered = data.replace(b"/MediaBox", b"/MediaBix", 1)
    assert tampered != data
    execute(archived, ("UPDATE original_chunks SET data = ? WHERE data = ?", (tampered, data)),
            ("UPDATE documents SET text = replace(text, 'at least 304', 'at least 305') WHERE id = 'wire'", ()))
    result = run_cli("verify", "--db", archived)
    assert result.exit_code == 1
    assert "report: the original changed: its bytes no longer hash to" in result.output
    assert "wire: the stored text changed since it was extracted from the original" in result.output
    assert "wire: the quote of claim 'amnesty-304' is no longer at characters" in result.output
    assert "2 of 2 archived documents failed verification" in result.output


def test_verify_re_extracts_after_an_upgrade_and_names_a_changed_output(archived: Path) -> None:
    # As if archived with an older pdfminer.six that extracted another text:
    execute(archived, ("UPDATE document_custody SET extractor_version = '20191110', text_sha256 = ? WHERE extractor = 'pdfminer.six'",
                       ("0" * 64,)),
            ("UPDATE documents SET text_sha256 = ? WHERE id = 'report'", ("0" * 64,)))
    result = run_cli("verify", "--db", archived, "--document", "report")
    assert result.exit_code == 1
    assert "report    ok        changed  changed" in result.output
    assert "pdfminer.six now extracts another text (recorded pdfminer.six 20191110" in result.output
    assert run_cli("verify", "--db", archived, "--document", "wire").exit_code == 0


def test_verify_catches_a_moved_quote_and_a_wrong_page(archived: Path) -> None:
    execute(archived, ("UPDATE claims SET quote_page = 3 WHERE id = 'ministry-1445'", ()))
    result = run_cli("verify", "--db", archived)
    assert result.exit_code == 1
    assert "claim 'ministry-1445' says page 3, but its quote is on page 2" in result.output


def test_verify_of_an_unknown_or_unarchived_document(archived: Path) -> None:
    result = run_cli("verify", "--db", archived, "--document", "nope")
    assert result.exit_code == 1 and "document 'nope' is not in the database" in result.output


def test_archive_again_from_another_original_needs_update_and_keeps_history(fresh_db: Path, originals: Path) -> None:
    assert run_cli("archive", "--db", fresh_db, originals / "report.pdf", "--id", "report").exit_code == 0
    revised = make_pdf(originals / "report-v2.pdf", [*report_pages(3), ["Report page 4.", "An annex was added."]])
    before = dump_database(fresh_db)
    result = run_cli("archive", "--db", fresh_db, revised, "--id", "report")
    assert result.exit_code == 1
    assert "Nothing was archived" in result.output and "--update" in result.output
    assert dump_database(fresh_db) == before
    result = run_cli("archive", "--db", fresh_db, revised, "--id", "report", "--update")
    assert result.exit_code == 0, result.output
    assert "1 updated" in result.output
    assert rows(fresh_db, "SELECT version, file_name FROM document_custody ORDER BY version") == [(1, "report.pdf"), (2, "report-v2.pdf")]
    assert rows(fresh_db, "SELECT count(*) FROM originals")[0][0] == 2
    assert rows(fresh_db, "SELECT version FROM document_history")[0][0] == 1
    assert run_cli("verify", "--db", fresh_db).exit_code == 0


def _export(db: Path | str) -> str:
    out = io.StringIO()
    with Database(db) as database:
        database.export(out, "yaml")
    return out.getvalue()


def test_undo_of_an_archive_takes_back_its_original_and_custody(fresh_db: Path, originals: Path) -> None:
    """Undo (the editorial workflow) of an archive batch: the document, its custody and the original
    it stored go; undo of an --update brings back the earlier text, backed by the earlier original."""
    before = _export(fresh_db)
    assert run_cli("archive", "--db", fresh_db, originals / "report.pdf", "--id", "report").exit_code == 0
    (first,) = rows(fresh_db, "SELECT sha256 FROM originals")
    undone = run_cli("undo", "--db", fresh_db, "1", "--reason", "archived by mistake")
    assert undone.exit_code == 0, undone.output
    assert all(rows(fresh_db, f"SELECT count(*) FROM {table}") == [(0,)]
               for table in ("documents", "document_custody", "originals", "original_chunks"))
    assert _export(fresh_db) == before

    assert run_cli("archive", "--db", fresh_db, originals / "report.pdf", "--id", "report").exit_code == 0
    text = rows(fresh_db, "SELECT text FROM documents")
    revised = make_pdf(originals / "report-v2.pdf", [*report_pages(3), ["Report page 4.", "An annex was added."]])
    assert run_cli("archive", "--db", fresh_db, revised, "--id", "report", "--update").exit_code == 0
    (update_batch,) = rows(fresh_db, "SELECT max(id) FROM import_batches")[0]
    assert run_cli("undo", "--db", fresh_db, str(update_batch)).exit_code == 0
    assert rows(fresh_db, "SELECT text FROM documents") == text
    assert rows(fresh_db, "SELECT version, original_sha256 FROM document_custody") == [(1, first[0])]
    assert rows(fresh_db, "SELECT sha256 FROM originals") == [first]
    assert run_cli("verify", "--db", fresh_db, "--re-extract").exit_code == 0


def test_publish_without_originals_keeps_hashes_and_custody_from_either_backend(archived: Path | str, tmp_path: Path) -> None:
    result = run_cli("publish", "--db", archived, tmp_path / "site", "--without-originals")
    assert result.exit_code == 0, result.output
    snapshot = tmp_path / "site" / "factdb.db"
    assert rows(snapshot, "SELECT count(*) FROM original_chunks") == [(0,)]
    assert rows(snapshot, "SELECT sha256, size_bytes FROM originals ORDER BY 1") == rows(
        archived, "SELECT sha256, size_bytes FROM originals ORDER BY 1")
    assert rows(snapshot, "SELECT count(*) FROM document_custody") == [(2,)]
    verified = run_cli("verify", "--db", snapshot)
    assert verified.exit_code == 1 and "the original's bytes are not in this database" in verified.output
    assert rows(archived, "SELECT count(*) FROM original_chunks") == [(2,)]  # the source keeps them
    full = run_cli("publish", "--db", archived, tmp_path / "full")
    assert full.exit_code == 0, full.output
    published = tmp_path / "full" / "factdb.db"
    assert [bytes(data) for (data,) in rows(published, "SELECT data FROM original_chunks ORDER BY original_sha256, position")] == [
        bytes(data) for (data,) in rows(archived, "SELECT data FROM original_chunks ORDER BY original_sha256, position")]
    assert run_cli("verify", "--db", published, "--re-extract").exit_code == 0


def test_copy_to_postgresql_carries_originals_and_the_editorial_state(sqlite_db: Path, originals: Path, tmp_path: Path,
                                                                        postgres_server) -> None:  # type: ignore[no-untyped-def]
    """`factdb copy` writes the originals' bytes (bytea) with COPY; the copy verifies, and archiving,
    review and undo go on there with sequences past the copied keys."""
    source = archive_both(sqlite_db, originals)
    assert run_cli("review", "--db", source, "amnesty-304", "--status", "flagged", "--editor", "bea").exit_code == 0
    assert run_cli("config", "set", "--db", source, "review.require_second_editor", "true").exit_code == 0
    server = postgres_server.create(f"{postgres_server.template}_evidence_copy", empty=True)
    try:
        result = run_cli("copy", "--from", source, "--to", server)
        assert result.exit_code == 0, result.output
        chunks = "SELECT original_sha256, position, data FROM original_chunks ORDER BY 1, 2"
        assert [(sha, position, bytes(data)) for sha, position, data in rows(server, chunks)] == rows(source, chunks)
        assert run_cli("verify", "--db", server, "--re-extract").exit_code == 0
        assert run_cli("config", "show", "--db", server).output == "review.require_second_editor = true\n"
        write(tmp_path, "statement.txt", "The ministry said at least 1,445 people were killed.\n")
        assert run_cli("archive", "--db", server, tmp_path / "statement.txt", "--id", "statement").exit_code == 0
        assert run_cli("review", "--db", server, "ministry-1445", "--status", "flagged", "--editor", "carl").exit_code == 0
        assert rows(server, "SELECT count(*), count(DISTINCT id) FROM document_custody") == [(3, 3)]
        (last,) = rows(server, "SELECT max(id) FROM import_batches")[0]
        undone = run_cli("undo", "--db", server, str(last - 1))  # the archive made on PostgreSQL
        assert undone.exit_code == 0, undone.output
        assert rows(server, "SELECT count(*) FROM originals") == rows(source, "SELECT count(*) FROM originals")
        back = tmp_path / "back.sqlite"
        assert run_cli("copy", "--from", server, "--to", back).exit_code == 0
        assert rows(back, chunks) == rows(source, chunks)
    finally:
        postgres_server.drop(f"{postgres_server.template}_evidence_copy")


def test_warc_capture_gives_a_document_per_html_or_pdf_response(fresh_db: Path, originals: Path, tmp_path: Path) -> None:
    capture = make_warc(tmp_path / "capture.warc.gz", [
        ("https://example.org/wire", "text/html; charset=utf-8", 200, ARTICLE_HTML.encode()),
        ("https://example.org/logo.png", "image/png", 200, b"\x89PNG\r\n\x1a\n"),
        ("https://example.org/missing", "text/html", 404, b"<html><body>Not found</body></html>"),
        ("https://example.org/report.pdf", "application/pdf", 200, (originals / "report.pdf").read_bytes()),
    ])
    result = run_cli("archive", "--db", fresh_db, capture, "--id", "capture")
    assert result.exit_code == 0, result.output
    assert rows(fresh_db, "SELECT id, url FROM documents ORDER BY id") == [
        ("capture-1", "https://example.org/wire"), ("capture-2", "https://example.org/report.pdf")]
    assert rows(fresh_db, "SELECT record, retrieved_at, extractor, page_starts IS NOT NULL FROM document_custody ORDER BY id") == [
        ("https://example.org/wire", "2020-01-31T10:00:00Z", "trafilatura", 0),
        ("https://example.org/report.pdf", "2020-01-31T10:00:00Z", "pdfminer.six", 1)]
    assert rows(fresh_db, "SELECT count(*), min(media_type) FROM originals") == [(1, "application/warc")]
    assert run_cli("verify", "--db", fresh_db, "--re-extract").exit_code == 0


def test_warc_record_option_picks_one_response(fresh_db: Path, tmp_path: Path) -> None:
    capture = make_warc(tmp_path / "capture.warc", [
        ("https://example.org/home", "text/html", 200, ARTICLE_HTML.replace("Protest toll rises", "Home").encode()),
        ("https://example.org/wire", "text/html", 200, ARTICLE_HTML.encode()),
    ])
    result = run_cli("archive", "--db", fresh_db, capture, "--id", "wire", "--record", "https://example.org/wire")
    assert result.exit_code == 0, result.output
    assert rows(fresh_db, "SELECT id, title, url FROM documents") == [("wire", "Protest toll rises", "https://example.org/wire")]


def _zip_bomb(path: Path) -> Path:
    header = b"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: https://example.org/zeros\r\nContent-Length: 50000000\r\n\r\n"
    with gzip.open(path, "wb", compresslevel=9) as stream:
        stream.write(header)
        zeros = b"\0" * 1_000_000
        for _ in range(50):
            stream.write(zeros)
    return path


BAD_ORIGINALS = {
    "corrupt.pdf": (lambda folder: write(folder, "corrupt.pdf", "%PDF-1.7\nthis is not a PDF at all\n%%EOF\n"),
                    "the PDF is corrupt or truncated"),
    "truncated.pdf": (lambda folder: _truncated(make_pdf(folder / "truncated.pdf", report_pages(2))), "corrupt or truncated"),
    "encrypted.pdf": (lambda folder: make_pdf(folder / "encrypted.pdf", report_pages(1), password="secret"), "the PDF is encrypted"),
    "scanned.pdf": (lambda folder: make_scanned_pdf(folder / "scanned.pdf"), "no text layer; run OCR first, e.g. ocrmypdf, and archive the result"),
    "menu.html": (lambda folder: write(folder, "menu.html", BOILERPLATE_HTML), "no main content found in the page"),
    "info.warc": (lambda folder: make_metadata_only_warc(folder / "info.warc"), "info.warc: no response records"),
    "images.warc": (lambda folder: make_warc(folder / "images.warc", [("https://example.org/a.png", "image/png", 200, b"\x89PNG..."),
                                                                      ("https://example.org/gone", "text/html", 404, b"<html></html>")]),
                    "no HTTP 200 response of HTML or PDF"),
    "lying.html": (lambda folder: _bytes(folder / "lying.html", make_pdf(folder / "x.pdf", report_pages(1)).read_bytes()),
                   "named as a web page, but its bytes are a PDF"),
    "lying.pdf": (lambda folder: write(folder, "lying.pdf", ARTICLE_HTML), "named as a PDF, but its bytes are a web page"),
    "bomb.warc.gz": (lambda folder: _zip_bomb(folder / "bomb.warc.gz"), "decompresses to more than 10,000,000 bytes (a zip bomb?)"),
    "big.txt": (lambda folder: write(folder, "big.txt", "words " * 2_000_000), "over the size limit of 10,000,000 bytes"),
    "binary.txt": (lambda folder: _bytes(folder / "binary.txt", b"\x89PNG\r\n\x1a\n\0\0"), "named as plain text, but its bytes are binary data"),
}


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _truncated(path: Path) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


@pytest.mark.parametrize("name", sorted(BAD_ORIGINALS))
def test_bad_originals_are_clear_errors_and_write_nothing(sqlite_db: Path, tmp_path: Path, name: str) -> None:
    fresh_db = sqlite_db
    make, message = BAD_ORIGINALS[name]
    path = make(tmp_path)
    before = dump_database(fresh_db)
    result = run_cli("archive", "--db", fresh_db, path, "--id", "bad", "--max-size", "10000000")
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Nothing was archived" in result.output and "Traceback" not in result.output
    assert dump_database(fresh_db) == before


def test_default_size_limit_is_200_mb(sqlite_db: Path, tmp_path: Path) -> None:
    with Database(sqlite_db) as db, pytest.raises(EvidenceError, match="over the size limit of 209,715,200 bytes"):
        big = tmp_path / "big.txt"
        with big.open("wb") as stream:
            stream.truncate(200 * 1024 * 1024 + 1)  # sparse: no 200 MB written to disk
        db.archive(big, id="big")


def test_import_format_original_file_is_confined_to_the_folder(fresh_db: Path, originals: Path, tmp_path: Path) -> None:
    inside = write(originals, "documents.yaml", "documents:\n  - {id: report, title: Mission report, original_file: report.pdf}\n")
    result = run_cli("import", "--db", fresh_db, inside)
    assert result.exit_code == 0, result.output
    assert rows(fresh_db, "SELECT file_name, extractor FROM document_custody") == [("report.pdf", "pdfminer.six")]
    outside = write(originals / "sub", "documents.yaml", "documents:\n  - {id: other, title: Other, original_file: ../report.pdf}\n")
    before = dump_database(fresh_db)
    result = run_cli("import", "--db", fresh_db, outside)
    assert result.exit_code == 1
    assert "original_file: '../report.pdf' points outside the import file's folder" in result.output
    assert dump_database(fresh_db) == before


def test_import_format_original_file_with_a_bad_original_names_the_field(fresh_db: Path, tmp_path: Path) -> None:
    make_scanned_pdf(tmp_path / "scan.pdf")
    path = write(tmp_path, "documents.yaml", "documents:\n  - {id: scan, title: Scan, original_file: scan.pdf}\n")
    result = run_cli("import", "--db", fresh_db, path)
    assert result.exit_code == 1
    assert "documents[0].original_file: scan.pdf: no text layer" in result.output


def test_tampered_base64_in_an_import_is_refused(archived: Path, tmp_path: Path) -> None:
    exported = json.loads(run_cli("export", "--db", archived, "--format", "json").output)
    document = next(d for d in exported["documents"] if d["id"] == "wire")
    changed = base64.b64decode(document["original"]["base64"]).replace(b"at least 304", b"at least 305")
    document["original"]["base64"] = base64.b64encode(changed).decode()
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps({"documents": [document]}), encoding="utf-8")
    empty = tmp_path / "empty.sqlite"
    run_cli("init", "--db", empty)
    result = run_cli("import", "--db", empty, path)
    assert result.exit_code == 1
    assert "original.sha256: the bytes hash to" in result.output


def test_extract_drafts_claims_from_an_archived_document(fresh_db: Path, originals: Path) -> None:
    assert run_cli("archive", "--db", fresh_db, originals / "report.pdf", "--id", "report").exit_code == 0
    result = run_cli("extract", "--db", fresh_db, "--document", "report")
    assert result.exit_code == 0, result.output
    assert "Document report is already in the database" in result.output
    assert "document: report" in result.output and "1,445" in result.output
    assert run_cli("extract", "--db", fresh_db, "--document", "nope").exit_code == 1


def test_python_api_archive_and_verify(fresh_db: Path, originals: Path) -> None:
    with Database(fresh_db) as db:
        report = db.archive(originals / "report.pdf", id="report", editor="carol", published="2020-01")
        assert [(d.id, d.pages) for d in report.documents] == [("report", 3)]
        assert report.media_type == "application/pdf" and len(report.sha256) == 64
        (verdict,) = db.verify()
        assert verdict.ok and verdict.document_id == "report" and verdict.original == "ok"
        with pytest.raises(LookupError):
            db.verify("nope")


def test_archive_text_and_htm_files(fresh_db: Path, tmp_path: Path) -> None:
    write(tmp_path, "statement.txt", "The ministry said “at least 1,445” people were killed.\n")
    write(tmp_path, "page.htm", ARTICLE_HTML)
    assert run_cli("archive", "--db", fresh_db, tmp_path / "statement.txt", "--id", "statement", "--title", "Statement").exit_code == 0
    assert run_cli("archive", "--db", fresh_db, tmp_path / "page.htm", "--id", "page").exit_code == 0
    assert rows(fresh_db, "SELECT file_name, extractor, media_type FROM document_custody JOIN originals ON sha256 = original_sha256 "
                          "ORDER BY file_name") == [("page.htm", "trafilatura", "text/html"), ("statement.txt", "factdb-text", "text/plain")]
    assert rows(fresh_db, "SELECT text FROM documents WHERE id = 'statement'") == [("The ministry said “at least 1,445” people were killed.\n",)]


def test_the_same_text_from_another_original_is_an_update(fresh_db: Path, tmp_path: Path) -> None:
    write(tmp_path, "v1.html", ARTICLE_HTML)
    write(tmp_path, "v2.html", ARTICLE_HTML.replace("All rights reserved.", "All rights reserved. Cookies."))
    assert run_cli("archive", "--db", fresh_db, tmp_path / "v1.html", "--id", "wire").exit_code == 0
    refused = run_cli("archive", "--db", fresh_db, tmp_path / "v2.html", "--id", "wire")
    assert refused.exit_code == 1 and "was archived from another original" in refused.output
    result = run_cli("archive", "--db", fresh_db, tmp_path / "v2.html", "--id", "wire", "--update")
    assert result.exit_code == 0 and "(0 added, 1 updated, 0 unchanged)" in result.output
    assert rows(fresh_db, "SELECT version, file_name FROM document_custody ORDER BY version") == [(1, "v1.html"), (2, "v2.html")]
    assert rows(fresh_db, "SELECT count(*) FROM document_history") == [(0,)]  # the text did not change


def test_import_format_original_file_takes_custody_and_refuses_a_capture_of_several(fresh_db: Path, originals: Path) -> None:
    path = write(originals, "documents.yaml", "documents:\n  - {id: wire, title: Wire, original_file: wire.html,"
                                             " custody: {collector: dana, retrieved_at: '2019-12-16T09:00:00Z'}}\n")
    assert run_cli("import", "--db", fresh_db, path).exit_code == 0
    assert rows(fresh_db, "SELECT collector, retrieved_at FROM document_custody") == [("dana", "2019-12-16T09:00:00Z")]
    make_warc(originals / "two.warc", [("https://example.org/a", "text/html", 200, ARTICLE_HTML.encode()),
                                       ("https://example.org/b", "text/html", 200, ARTICLE_HTML.encode())])
    path = write(originals, "capture.yaml", "documents:\n  - {id: two, title: Two, original_file: two.warc}\n")
    result = run_cli("import", "--db", fresh_db, path)
    assert result.exit_code == 1 and "'two.warc' holds 2 documents" in result.output
    path = write(originals, "capture.yaml", "documents:\n  - {id: two, title: Two, original_file: two.warc, custody: {record: 'https://example.org/b'}}\n")
    assert run_cli("import", "--db", fresh_db, path).exit_code == 0
    assert rows(fresh_db, "SELECT record FROM document_custody WHERE record IS NOT NULL") == [("https://example.org/b",)]


def test_archive_names_the_file_and_option_of_a_problem_the_import_finds(fresh_db: Path, originals: Path) -> None:
    before = dump_database(fresh_db)
    result = run_cli("archive", "--db", fresh_db, originals / "wire.html", "--id", "wire", "--publisher", "nobody")
    assert result.exit_code == 1
    assert f"{originals / 'wire.html'}: publisher: unknown source 'nobody'" in result.output
    assert "Nothing was archived" in result.output and dump_database(fresh_db) == before
