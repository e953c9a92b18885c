"""YAML is read by libyaml when PyYAML has it, into exactly the records the pure-Python loader reads.

factdb.readers reads plain YAML with libyaml's parser, several times faster, and hands anything
else (tags, anchors, merge keys, every error, the few constructs on which libyaml and PyYAML
disagree) to the pure-Python loader, which carries on after the records already given. Every YAML
file in the repository, each tricky case below and a few hundred mutated files must give the same
records, with the same lines, and the same error at the same line, whichever parser reads them;
and the valid files must really be read by libyaml, or the comparison would prove nothing.
"""

from __future__ import annotations

import random
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from factdb import readers
from factdb.db import make_engine, upgrade
from factdb.importer import import_paths
from factdb.readers import LineDict, ReadError, read_records

pytestmark = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml: only the pure-Python loader runs")

REPO = Path(__file__).resolve().parent.parent
CORPUS = sorted(path for folder in ("tests", "seeds", "bench/extract_eval") for pattern in ("*.yaml", "*.yml")
                for path in (REPO / folder).rglob(pattern))


def plain(value: Any) -> Any:
    """A value with everything a reader decides: types, order, and the line of each mapping and key."""
    if isinstance(value, LineDict):
        return ("mapping", value.line, {key: value.line_of(str(key)) for key in value},
                [(type(key).__name__, key, plain(item)) for key, item in value.items()])
    if isinstance(value, list):
        return [plain(item) for item in value]
    return (type(value).__name__, repr(value))


def outcome(records: Any) -> list[tuple[Any, ...]]:
    """Each record as plain data, then the ReadError if reading stops at one."""
    read: list[tuple[Any, ...]] = []
    try:
        for record in records:
            read.append((record.kind, record.path, record.line, record.label, plain(record.data)))
    except ReadError as error:
        read.append(("error", error.path, error.line, error.message, error.hint))
    return read


def read_both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """What read_records gives as it is, and with the pure-Python loader alone."""
    either = outcome(read_records(path))
    with monkeypatch.context() as patched:
        patched.setattr(readers, "_LibyamlLoader", None)
        pure = outcome(read_records(path))
    return either, pure


def libyaml_alone(path: Path) -> list[tuple[Any, ...]]:
    """The records libyaml reads with no hand-over (raises where it would hand over)."""
    raw = path.read_bytes()
    assert readers._libyaml_reads_as_pyyaml(raw)
    return outcome(readers._libyaml_records(str(path), raw))


def imported(folder: Path, files: list[Path]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table after importing ``files`` into a new database, but the import's own records."""
    path = folder / "factdb.sqlite"
    engine = make_engine(path)
    try:
        upgrade(engine)
        import_paths(engine, files)
    finally:
        engine.dispose()
    connection = sqlite3.connect(path)
    try:
        tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                  if not name.startswith("import_") and name != "changes"]
        return {table: sorted(connection.execute(f'SELECT * FROM "{table}"'), key=repr) for table in tables}
    finally:
        connection.close()


def test_libyaml_is_available_here() -> None:
    """The manylinux PyYAML wheels ship libyaml; without it every test here would be skipped."""
    assert readers._LibyamlLoader is not None


@pytest.mark.parametrize("path", CORPUS, ids=lambda path: str(path.relative_to(REPO)))
def test_every_yaml_file_in_the_repository_reads_the_same_with_either_parser(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    either, pure = read_both(path, monkeypatch)
    assert either == pure


def test_valid_files_are_read_by_libyaml_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    read_by_libyaml = []
    for path in CORPUS:
        if path.name == "not_utf8.yaml":
            continue
        _, pure = read_both(path, monkeypatch)
        if pure and pure[-1][0] == "error":
            continue
        assert libyaml_alone(path) == pure, path
        read_by_libyaml.append(path.name)
    assert {"basic.yaml", "persian_arabic.yaml", "bom.yaml", "crlf.yaml", "iran-resolution-follow-ups-2020.yaml",
            "quote_not_in_document.yaml", "multi_source.yaml"} <= set(read_by_libyaml)


def test_an_import_stores_the_same_with_either_parser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The benchmark's realistic data (aliases, relations, every qualifier, revisions, documents with
    their text) as one YAML file, next to the seeds."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from generate import generate
    finally:
        sys.path.remove(str(REPO / "bench"))
    files = [generate(300, tmp_path / "data", with_yaml=True, sources=40, events=120)["yaml"],
             REPO / "seeds/iran-resolution-follow-ups-2020.yaml"]
    assert libyaml_alone(files[0])[-1][0] == "claim"
    (tmp_path / "libyaml").mkdir()
    (tmp_path / "python").mkdir()
    by_libyaml = imported(tmp_path / "libyaml", files)
    monkeypatch.setattr(readers, "_LibyamlLoader", None)
    assert imported(tmp_path / "python", files) == by_libyaml
    assert len(by_libyaml["claims"]) > 300


# name: (file text, who reads it to the end: "libyaml" or "python")
CASES: dict[str, tuple[str, str]] = {
    "styles and types": ("""sources:
  - id: amnesty   # a comment
    name: 'Amnesty ''International'''
    aliases: [Amnesty, "AI", x:y, http://example.org/a#b]
    note: >-
      folded
      text

      with a paragraph
    n: 12
    f: 1.5e3
    b: yes
    o: 0o17
    hex: 0x1F
    sexagesimal: 1:30
    nothing:
    tilde: ~
    date: 2019-12-16
    1: one
    2.5: two and a half
claims:
  - {id: c1, figures: [{metric: killed, value: 300}, {metric: injured, value: "between 10
      and 20"}], quote: "he said \\"300\\"\\tand\\u00e9\\x41"}
  - id: c2
    quote: a plain scalar
      over two lines
    text: |+
      kept

events: []
metrics:
""", "libyaml"),
    # U+2028, U+2029 and U+0085 end lines for both parsers, in the line numbers too.
    "unicode line breaks, nbsp, astral": (
        'documents:\n  - id: d\n    text: "a\u2028b\x85c\u2029d"\n    single: \'a\u2028b\x85c\'\n    plain: x\xa0y \U0001F600\n'
        "    more: p\u2028      q\n    block: |\n      p\u2028      q\n      r\n    folded: >\n      p\x85      q\n      r\n"
        "  - id: e\n    line: after\n", "libyaml"),
    "CRLF": ("claims:\r\n  - id: a\r\n    quote: |\r\n      x\r\n      y\r\n    b: 'p\r\n      q'\r\n", "libyaml"),
    "byte order mark": ("\ufeffmetrics:\n  - {id: injured, name: People injured}\n", "libyaml"),
    "document markers": ("---\nmetrics:\n  - id: m\n...\n", "libyaml"),
    "record that is text": ("claims:\n  - just text\n  - id: a\n", "libyaml"),
    # libyaml would accept these; PyYAML refuses them, so the pure-Python loader must read them.
    "tab after a colon": ("claims:\n  - id: a\n    quote:\tq\n", "python"),
    "tab before a comment": ("claims:\n  - id: a\t# c\n", "python"),
    "tab in a flow list": ("claims:\n  - {id: a,\tquote: q}\n", "python"),
    "tab in a text is fine but read by PyYAML": ('claims:\n  - quote: "a\tb"\n', "python"),
    "question mark in a flow scalar": ("sources:\n  - {id: a, name: Who?}\n  - id: b\n", "python"),
    "question mark in a flow list": ("sources:\n  - aliases: [Amn?esty]\n", "python"),
    "block header then comment": ("documents:\n  - id: d\n    text: |#\n      x\n", "python"),
    "byte order mark in the middle": ("metrics:\n  - id: a\n\ufeff  - id: b\n", "python"),
    # Not plain YAML: read by the pure-Python loader after the records libyaml gave.
    "merge key": ("sources:\n  - id: a\n  - {<<: {kind: ngo}, id: b}\n  - id: c\n", "python"),
    "value key": ("sources:\n  - id: a\n  - {=: x, id: b}\n", "python"),
    "explicit tags": ("sources:\n  - id: a\n  - {id: !!str 12, n: !!int '3', s: ! 12, f: !!float 1}\n", "python"),
    "complex key": ("sources:\n  - id: a\n  - ? [x, y]\n    : z\n", "python"),
    "anchor and alias": ("sources:\n  - id: a\n  - id: &x b\n  - id: *x\n", "python"),
    "anchor on the file": ("&top\nsources:\n  - id: a\n", "python"),
    "tagged section": ("sources: !!seq\n  - id: a\n", "python"),
    "duplicate key in the third record": ("claims:\n  - id: a\n  - id: b\n  - id: c\n    id: d\n", "python"),
    "duplicate key written differently": ("claims:\n  - {1: a, '1': b}\n", "python"),
    "equal keys written differently": ("claims:\n  - {1: a, 01: b, 0x1: c}\n", "libyaml"),
    "duplicate section": ("claims:\n  - id: a\nclaims:\n  - id: b\n", "python"),
    "unknown section after records": ("claims:\n  - id: a\nclaim:\n  - id: b\n", "python"),
    "section not a list": ("claims:\n  - id: a\nsources: {id: b}\n", "python"),
    "empty sections": ("claims:\nsources: ~\nevents: null\nmetrics: []\n", "libyaml"),
    "section that is text": ("claims: none\n", "python"),
    "two documents": ("claims:\n  - id: a\n---\nclaims:\n  - id: b\n", "python"),
    "top-level list": ("- id: a\n", "python"),
    "empty document": ("---\n", "python"),
    "NUL escape in the second record": ('claims:\n  - id: a\n  - id: b\n    quote: "x\\0y"\n', "python"),
    "NUL escape in a key": ('claims:\n  - {"k\\x00": 1}\n', "python"),
    "lone surrogate escape": ('claims:\n  - id: a\n  - quote: "\\ud800"\n', "python"),
    "unknown escape": ('claims:\n  - quote: "\\q"\n', "python"),
    "control character": ("claims:\n  - id: a\n  - quote: x\x07y\n", "python"),
    "C1 control character": ("claims:\n  - id: a\n  - quote: x\x9by\n", "python"),
    "noncharacter": ("claims:\n  - id: a\n  - quote: x\uffffy\n", "python"),
    # PyYAML refuses such a file before its first record; libyaml would give thousands first.
    "control character after many records": (
        "claims:\n" + "".join(f"  - id: c{i}\n    quote: some words\n" for i in range(3000)) + "  - quote: x\x07y\n", "python"),
    "nested to the limit": ("claims:\n  - " + "[" * 48 + "]" * 48 + "\n", "libyaml"),
    "nested past the limit": ("claims:\n  - " + "[" * 49 + "]" * 49 + "\n", "python"),
    "block lists nested past the limit": ("claims:\n" + "".join("  " * i + "-\n" for i in range(1, 60)), "python"),
    "syntax error after records": ("claims:\n  - id: a\n  - id: b\n   quote: c\n", "python"),
    "unclosed flow mapping": ("claims:\n  - id: a\n  - {id: b\n", "python"),
    "unknown directive": ("%FOO bar\n---\nclaims:\n  - id: a\n", "python"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_tricky_yaml_reads_the_same_with_either_parser(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text, reader = CASES[name]
    path = tmp_path / "case.yaml"
    path.write_bytes(text.encode("utf-8"))
    either, pure = read_both(path, monkeypatch)
    assert either == pure
    if reader == "libyaml":
        assert libyaml_alone(path) == pure
    elif readers._libyaml_reads_as_pyyaml(path.read_bytes()):
        with pytest.raises(Exception):  # noqa: B017 - any reason to hand over will do
            libyaml_alone(path)


def test_the_hand_over_gives_each_record_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text("claims:\n" + "".join(f"  - id: c{i}\n" for i in range(3)) + "  - {<<: {id: c3}}\n"
                    + "".join(f"  - id: c{i}\n" for i in range(4, 6)) + "  - id: &x c6\n", encoding="utf-8")
    given = []
    with pytest.raises(readers._NotPlain):
        for record in readers._libyaml_records(str(path), path.read_bytes()):
            given.append(record.label)
    assert given == ["claims[0]", "claims[1]", "claims[2]"]
    either, pure = read_both(path, monkeypatch)
    assert either == pure
    assert [record[3] for record in either[:-1]] == [f"claims[{i}]" for i in range(6)]
    assert either[-1] == ("error", str(path), 8, "invalid YAML: YAML anchors (&name) are not accepted in import files",
                          "write the value out in full where it is used")


PIECES = list(" \n:-#'\"{}[],|>&*!?%@`~\\\t\x85\u2028\u2029\ufeff\xa0é") + [
    "  ", "\n  ", "- ", ": ", "\\0", "\\ud800", "<<: ", "= ", "!!str ", "&a ", "*a", "---\n", "...\n", "\r\n", "|2", ">-", " #"]


def mutated(text: str, rng: random.Random) -> str:
    characters = list(text)
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(characters) + 1)
        choice = rng.random()
        if choice < 0.45:
            characters.insert(at, rng.choice(PIECES))
        elif at < len(characters):
            if choice < 0.8:
                del characters[at]
            else:
                characters[at] = rng.choice(PIECES)
    return "".join(characters)


def test_mutated_files_read_the_same_with_either_parser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A few hundred near-misses of real files: libyaml reads many to the end, and must agree each time."""
    rng = random.Random(20240611)
    bases = [CASES["styles and types"][0], CASES["unicode line breaks, nbsp, astral"][0],
             (REPO / "tests/fixtures/import/basic.yaml").read_text(encoding="utf-8")]
    path = tmp_path / "mutated.yaml"
    read_by_libyaml = 0
    for _ in range(300):
        text = mutated(rng.choice(bases), rng)
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        either, pure = read_both(path, monkeypatch)
        assert either == pure, text
        if readers._libyaml_reads_as_pyyaml(path.read_bytes()):
            try:
                alone = libyaml_alone(path)
            except Exception:  # noqa: BLE001 - handed over: compared above
                continue
            assert alone == pure, text
            read_by_libyaml += 1
    assert read_by_libyaml >= 50
