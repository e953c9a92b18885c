"""Evidence the tests make for themselves: web pages written here, PDFs generated with fpdf2 (with a
font that has Greek and Cyrillic), WARC captures written with warcio. Nothing is downloaded."""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

from fpdf import FPDF
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# Debian's fonts-dejavu-core: Latin, Greek and Cyrillic in one TrueType font.
CREATED = datetime(2020, 1, 31, tzinfo=timezone.utc)
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

ARTICLE_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Protest toll rises</title>
<meta name="author" content="Jane Reporter">
<meta property="article:published_time" content="2019-12-16">
</head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>
<article><h1>Protest toll rises</h1>
<p>Amnesty International said on Monday that at least 304 people had been killed during the protests in November, according to its researchers.</p>
<p>The organisation said its count was based on credible reports and that the true number was likely to be higher, as families were pressured into silence.</p>
<p>Officials did not confirm the figure, and the interior ministry declined to comment when asked by reporters on Tuesday.</p>
</article>
<footer>Copyright 2019 Example News. All rights reserved.</footer>
</body></html>
"""

BOILERPLATE_HTML = """<!DOCTYPE html>
<html><head><title>Home</title></head><body>
<nav><a href="/">Home</a> | <a href="/about">About</a></nav>
<footer>Copyright 2019</footer>
</body></html>
"""


def report_pages(count: int = 3) -> list[list[str]]:
    """A report's pages, each a list of lines: curly quotes, a dash, Greek and Cyrillic on page 2."""
    pages = []
    for number in range(1, count + 1):
        lines = [f"Report page {number}.", f"Section {number} describes the findings of the mission."]
        if number == 2:
            lines += ["The ministry said “at least 1,445” people were killed — a figure disputed by others.",
                      "Η επιτροπή ανέφερε 200 θύματα.", "Комиссия сообщила о 300 погибших."]
        else:
            lines += [f"Witnesses in district {number} described the events in detail."]
        pages.append(lines)
    return pages


def make_pdf(path: Path, pages: list[list[str]], *, password: str | None = None) -> Path:
    """A PDF with one page per item of ``pages``, each line a line of text; encrypted with ``password``."""
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=11)
    pdf.set_creation_date(CREATED)  # the same bytes every run
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    if password is not None:
        pdf.set_encryption(owner_password=password, user_password=password)
    pdf.output(str(path))
    return path


def make_scanned_pdf(path: Path, pages: int = 2) -> Path:
    """A PDF of drawings only, as a scan is: no text layer."""
    pdf = FPDF()
    pdf.set_creation_date(CREATED)
    for _ in range(pages):
        pdf.add_page()
        pdf.rect(20, 20, 100, 60, style="F")
        pdf.line(20, 100, 180, 120)
    pdf.output(str(path))
    return path


def make_warc(path: Path, responses: list[tuple[str, str, int, bytes]], *, with_request: bool = True) -> Path:
    """A WARC capture of ``responses`` (URI, content type, HTTP status, body), gzipped when ``path`` ends in .gz."""
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=path.name.endswith(".gz"))
        for uri, content_type, status, body in responses:
            if with_request:
                request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.org")], is_http_request=True)
                writer.write_record(writer.create_warc_record(uri, "request", http_headers=request))
            reason = {200: "OK", 404: "Not Found", 302: "Found"}.get(status, "OK")
            headers = StatusAndHeaders(f"{status} {reason}", [("Content-Type", content_type), ("Content-Length", str(len(body)))],
                                       protocol="HTTP/1.1")
            record = writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers,
                                               warc_headers_dict={"WARC-Date": "2020-01-31T10:00:00Z"})
            writer.write_record(record)
    return path


def make_metadata_only_warc(path: Path) -> Path:
    """A WARC with a warcinfo record and no response at all."""
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        writer.write_record(writer.create_warcinfo_record("capture.warc", {"software": "tests"}))
    return path
