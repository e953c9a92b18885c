"""Hostile and mistaken input changes nothing, and says exactly what is wrong and where.

Every case in tests/bad_input (described in tests/bad_input/expected.yaml) and every generated
hostile file is imported into the seeded database, once on SQLite and once on PostgreSQL (each
test its own database): exit code 1, a message naming the file, line, field, what was expected and
a hint, no traceback, and a full dump of the database identical before and after. The unusual but valid files in tests/good_input (byte order mark,
CRLF, Persian and Arabic, empty files) must import, and the Persian and Arabic ones round-trip.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from conftest import NewStore, dump_database as dump
from conftest import every_text, rows, run_cli

BAD = Path(__file__).parent / "bad_input"
GOOD = Path(__file__).parent / "good_input"
EXPECTED: dict[str, dict] = yaml.safe_load((BAD / "expected.yaml").read_text(encoding="utf-8"))
NOT_CASES = {"expected.yaml", "texts", ".gitattributes"}
SEED_DOCUMENT = "iran-resolution-follow-ups-2020"


def case_files(name: str) -> list[Path]:
    path = BAD / name
    return sorted(path.iterdir()) if path.is_dir() else [path]


def problem_line(output: str, path: Path, line: int | None, field: str | None) -> str:
    """The one reported problem about ``path:line`` (and ``field``), without the 'Error: ' prefix."""
    prefix = f"{path}:{line}: " if line else f"{path}: "
    prefix += f"{field}: " if field else ""
    found = [text.removeprefix("Error: ") for text in output.splitlines() if text.removeprefix("Error: ").startswith(prefix)]
    assert found, f"no problem reported as {prefix!r}:\n{output}"
    return found[0]


def assert_refused(db: Path | str, files: list[Path], *, about: Path, line: int | None, field: str | None,
                   says: list[str], hint: str) -> None:
    before = dump(db)
    result = run_cli("import", "--db", db, *files)  # an unexpected exception propagates and fails the test
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "nothing was imported" in result.output
    reported = problem_line(result.output, about, line, field)
    for fragment in says:
        assert fragment in reported, f"{fragment!r} not in {reported!r}"
    assert "(hint: " in reported and hint in reported.split("(hint: ", 1)[1], reported
    assert dump(db) == before


# -- the committed corpus ---------------------------------------------------------------------------


def test_corpus_has_at_least_forty_cases_and_each_is_described() -> None:
    cases = sorted(p.name for p in BAD.iterdir() if p.name not in NOT_CASES)
    assert cases == sorted(EXPECTED), "every file in tests/bad_input needs an entry in expected.yaml, and vice versa"
    assert len(cases) >= 40


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_is_refused_with_a_located_message_and_changes_nothing(name: str, seeded_store: Path | str) -> None:
    expected = EXPECTED[name]
    files = case_files(name)
    about = BAD / name / expected["file"] if "file" in expected else files[0]
    assert_refused(seeded_store, files, about=about, line=expected["line"], field=expected.get("field"),
                   says=expected["says"], hint=expected["hint"])


def test_missing_file_and_folder_as_import_file_are_refused(seeded_store: Path | str, tmp_path: Path) -> None:
    missing = tmp_path / "claims-2019.yaml"
    assert_refused(seeded_store, [missing], about=missing, line=None, field=None, says=["no such file"], hint="check the path")
    assert_refused(seeded_store, [BAD / "texts"], about=BAD / "texts", line=None, field=None, says=["is not a file"],
                   hint="name import files, not folders")


def test_hostile_yaml_tag_runs_nothing(seeded_store: Path | str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(f'sources:\n  - !!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    assert run_cli("import", "--db", seeded_store, hostile).exit_code == 1
    assert not marker.exists()


def test_no_traceback_reaches_the_terminal(seeded_store: Path | str) -> None:
    """The real command in a subprocess: stderr holds the message, never a Python traceback."""
    for name in ("yaml_unclosed_flow_mapping.yaml", "not_utf8.csv", "quote_not_in_document.yaml", "lone_surrogate_escape.jsonl"):
        done = subprocess.run([sys.executable, "-m", "factdb.cli", "import", "--db", str(seeded_store), str(BAD / name)],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 1
        assert "Traceback" not in done.stderr and f"Error: {BAD / name}:" in done.stderr


# -- generated hostile files (too big to commit) ---------------------------------------------------

TEN_MB = 10 * 1024 * 1024
CLAIM = {"id": "amnesty-huge", "document": SEED_DOCUMENT, "source": "amnesty", "event": "iran-protests-2019-11"}


def _huge_quote(fmt: str) -> Callable[[Path], tuple[Path, int, str | None, list[str], str]]:
    def write(folder: Path) -> tuple[Path, int, str | None, list[str], str]:
        quote = "killed" * (TEN_MB // 6)  # one 10 MB word: PyYAML reads spaced text several times slower
        path = folder / f"huge-quote.{fmt}"
        if fmt == "jsonl":
            path.write_text(json.dumps({"kind": "claim", **CLAIM, "quote": quote}) + "\n", encoding="utf-8")
            return path, 1, "line 1.quote", ["characters long; at most 10,000 are accepted"], "quote only the sentence"
        if fmt == "json":
            path.write_text(json.dumps({"claims": [{**CLAIM, "quote": quote}]}), encoding="utf-8")
            return path, 1, "claims[0].quote", ["characters long; at most 10,000 are accepted"], "quote only the sentence"
        if fmt == "yaml":
            head = "".join(f"    {k}: {v}\n" for k, v in CLAIM.items() if k != "id")
            path.write_text(f"claims:\n  - id: {CLAIM['id']}\n{head}    quote: {quote}\n", encoding="utf-8")
            return path, 6, "claims[0].quote", ["characters long; at most 10,000 are accepted"], "quote only the sentence"
        path.write_text("claim_id,document,source,event,quote,metric,value\n"
                        f"amnesty-huge,{SEED_DOCUMENT},amnesty,iran-protests-2019-11,{quote},killed,300\n", encoding="utf-8")
        return path, 2, None, ["a cell is longer than 131,072 characters"], "look for a quote"
    return write


def _billion_laughs(folder: Path) -> tuple[Path, int, str | None, list[str], str]:
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * 10)}]" for i in range(1, 10)]
    lines.append("sources:\n  - {id: lol, name: *lol9, kind: ngo}")
    path = folder / "billion-laughs.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, 1, None, ["YAML anchors (&name) are not accepted"], "write the value out in full"


def _deeply_nested(fmt: str) -> Callable[[Path], tuple[Path, int, str | None, list[str], str]]:
    def write(folder: Path) -> tuple[Path, int, str | None, list[str], str]:
        depth = 100_000
        path = folder / f"deep.{fmt}"
        if fmt == "yaml":
            path.write_text("claims:\n" + "".join("  " * i + "-\n" for i in range(1, 2_000)), encoding="utf-8")
            return path, 51, None, ["structure is nested more than 50 levels deep"], "import files are lists of flat records"
        if fmt == "json":
            path.write_text('{"claims": ' + "[" * depth + "]" * depth + "}", encoding="utf-8")
            return path, 1, None, ["structure is nested more than 50 levels deep"], "check commas, brackets and quotes"
        path.write_text('{"kind": "claim", "quote": ' + "[" * depth + "]" * depth + "}\n", encoding="utf-8")
        return path, 1, None, ["structure is nested too deeply"], "each line is one flat record"
    return write


GENERATED = {
    "10 MB quote, JSON Lines": _huge_quote("jsonl"),
    "10 MB quote, JSON": _huge_quote("json"),
    "10 MB quote, CSV": _huge_quote("csv"),
    "10 MB quote, YAML": _huge_quote("yaml"),
    "billion laughs": _billion_laughs,
    "deep nesting, YAML block": _deeply_nested("yaml"),
    "deep nesting, JSON": _deeply_nested("json"),
    "deep nesting, JSON Lines": _deeply_nested("jsonl"),
}


@pytest.mark.parametrize("name", list(GENERATED))
def test_generated_hostile_file_is_refused_and_changes_nothing(name: str, seeded_store: Path | str, tmp_path: Path) -> None:
    path, line, field, says, hint = GENERATED[name](tmp_path)
    assert_refused(seeded_store, [path], about=path, line=line, field=field, says=says, hint=hint)


def test_thousands_of_bad_records_give_a_readable_capped_report(seeded_store: Path | str, tmp_path: Path) -> None:
    path = tmp_path / "misattributed.jsonl"
    path.write_text("".join(json.dumps({"kind": "claim", **CLAIM, "id": f"claim-{i}", "source": "nobody",
                                        "quote": "at least 300 people had been killed"}) + "\n" for i in range(5_000)),
                    encoding="utf-8")
    before = dump(seeded_store)
    result = run_cli("import", "--db", seeded_store, path)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 202
    assert lines[0] == f"Error: {path}:1: line 1.source: unknown source 'nobody' (hint: define the source under 'sources:' " \
                       "(in this or another file of the import), or use its id or an alias)"
    assert lines[-2:] == ["... and 4800 more problems", "5000 problems found; nothing was imported."]
    assert dump(seeded_store) == before


def test_deep_flow_nesting_in_yaml_is_refused(seeded_store: Path | str, tmp_path: Path) -> None:
    path = tmp_path / "deep-flow.yaml"
    path.write_text("claims: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    assert_refused(seeded_store, [path], about=path, line=1, field=None, says=["nested more than 50 levels deep"],
                   hint="import files are lists of flat records")


# -- unusual but valid input ------------------------------------------------------------------------


def test_committed_good_files_really_have_a_bom_and_crlf() -> None:
    """Guard against an editor or git normalising the very bytes these tests are about."""
    for name in ("bom.yaml", "bom.jsonl", "bom_crlf.csv"):
        assert (GOOD / name).read_bytes().startswith(b"\xef\xbb\xbf"), name
    for name in ("crlf.yaml", "crlf.json", "bom_crlf.csv"):
        raw = (GOOD / name).read_bytes()
        assert raw.count(b"\r\n") == raw.count(b"\n") >= 2, name


@pytest.mark.parametrize(("name", "summary", "sql", "expected"), [
    ("bom.yaml", "metrics: 1 added", "SELECT id, name FROM metrics WHERE id = 'injured'", [("injured", "People injured")]),
    ("bom.jsonl", "metrics: 1 added", "SELECT id, unit FROM metrics WHERE id = 'detained'", [("detained", "people")]),
    ("crlf.json", "metrics: 1 added", "SELECT id, unit FROM metrics WHERE id = 'wounded'", [("wounded", "people")]),
    ("crlf.yaml", "claims: 1 added",
     "SELECT d.text, d.publisher_id, c.quote FROM claims c JOIN documents d ON d.pk = c.document_pk WHERE c.id = 'hrana-arrested-7000'",
     [("HRANA said at least 7,000 people had been arrested.\nThe figure covers the first two weeks.\n", "hrana",
       "at least 7,000 people had been arrested")]),
    ("bom_crlf.csv", "claims: 1 added",
     "SELECT c.id, c.quote, c.claimed_on, f.qualifier, f.low, f.high FROM claims c JOIN figures f ON f.claim_pk = c.pk "
     "WHERE c.id = 'amnesty-arrests-thousands'",
     [("amnesty-arrests-thousands", "Thousands of activists were arrested during the unrest", "2020", "vague", 2000, 9999)]),
])
def test_bom_and_crlf_files_import(name: str, summary: str, sql: str, expected: list[tuple], seeded_store: Path | str) -> None:
    result = run_cli("import", "--db", seeded_store, GOOD / name)
    assert result.exit_code == 0, result.output
    assert summary in result.output
    assert rows(seeded_store, sql) == expected
    assert not any("\r" in text or "\ufeff" in text for text in every_text(seeded_store))


@pytest.mark.parametrize("name", ["empty.yaml", "empty.json", "empty.csv", "empty.jsonl", "comments_only.yaml"])
def test_empty_file_imports_nothing_and_says_so(name: str, seeded_store: Path | str) -> None:
    before = dump(seeded_store)
    result = run_cli("import", "--db", seeded_store, GOOD / name)
    assert result.exit_code == 0, result.output
    assert f"Nothing to import: {GOOD / name} held no records." in result.output
    assert dump(seeded_store) == before


def test_persian_and_arabic_are_stored_exactly_and_round_trip(seeded_store: Path | str, tmp_path: Path,
                                                               new_store: NewStore) -> None:
    source_file = GOOD / "persian_arabic.yaml"
    data = yaml.safe_load(source_file.read_text(encoding="utf-8"))
    result = run_cli("import", "--db", seeded_store, source_file)
    assert result.exit_code == 0, result.output
    assert "claims: 3 added" in result.output
    for source in data["sources"]:
        assert rows(seeded_store, "SELECT name FROM sources WHERE id = ?", source["id"]) == [(source["name"],)]
    assert rows(seeded_store, "SELECT name, parent_id FROM events WHERE id = 'aban-1398'") == [("اعتراضات آبان ۱۳۹۸", "iran-protests-2019-11")]
    assert rows(seeded_store, "SELECT publisher_id FROM documents WHERE id = 'al-jazeera-2019-12'") == [("al-jazeera-ar",)]
    text = (GOOD / "texts" / "hrana-fa-1398.txt").read_text(encoding="utf-8")
    assert rows(seeded_store, "SELECT text FROM documents WHERE id = 'hrana-fa-1398'") == [(text,)]
    for claim in data["claims"]:
        [(quote, start, end, document_text, source_id)] = rows(
            seeded_store, "SELECT c.quote, c.quote_start, c.quote_end, d.text, c.source_id FROM claims c "
                         "JOIN documents d ON d.pk = c.document_pk WHERE c.id = ?", claim["id"])
        assert quote == claim["quote"] and document_text[start:end] == claim["quote"]
        assert source_id in ("hrana-fa", "amnesty")
    assert rows(seeded_store, "SELECT f.qualifier, f.value, f.low, f.high, f.stated FROM figures f JOIN claims c ON c.pk = f.claim_pk "
                             "WHERE c.id LIKE 'hrana-fa-%' ORDER BY c.id") == [
        ("approximately", 7000, None, None, "حدود ۷٬۰۰۰"), ("at_least", 304, 304, None, "دست‌کم ۳۰۴")]

    first = run_cli("export", "--db", seeded_store, "--format", "yaml").output
    assert "خبرگزاری هرانا" in first and "ما لا يقل عن ٣٠٤ أشخاص قتلوا" in first  # written as text, not escapes
    exported = tmp_path / "export.yaml"
    exported.write_text(first, encoding="utf-8")
    other = new_store(seeded_store)
    assert run_cli("import", "--db", other, exported).exit_code == 0
    assert run_cli("export", "--db", other, "--format", "yaml").output == first
