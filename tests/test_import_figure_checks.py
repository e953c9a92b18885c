"""Figures are checked at import against their quote, their stated phrase and their metric's unit, and
`factdb check` lists the stored figures those checks would refuse (issue 15, parts 4, 5, 6 and 8).

The refusals themselves (location, hint, database unchanged) are cases of tests/bad_input; these tests
prove what is accepted, what is stored and exported, the number format, quote boundaries and the check,
on SQLite and PostgreSQL (claim-checking workers and the Datasette page are SQLite's).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from datasette.app import Datasette

from conftest import dump_database, execute, problems, rows, run_cli, write
from factdb import Database
from factdb.quotes import closest_passage, find_quote, normalize

# A German report in its own convention: "1.500" is fifteen hundred, "2,5" two and a half.
EU_FILE = """\
sources:
  - {id: polizei, name: Landespolizei, kind: official}
events:
  - {id: demo-2022, name: Demonstration 2022}
metrics:
  - {id: arrested, name: People arrested, unit: people}
  - {id: distance, name: Distance marched, unit: km}
documents:
  - id: bericht
    title: Bericht
    text: "Die Polizei meldete mindestens 1.500 Festnahmen. Der Zug war 2,5 km lang."
claims:
  - id: polizei-1500
    document: bericht
    source: polizei
    event: demo-2022
    claimed_on: 2022-05-01
    quote: mindestens 1.500 Festnahmen
    figures:
      - {metric: arrested, qualifier: at_least, value: "1.500", stated: mindestens 1.500}
  - id: polizei-km
    document: bericht
    source: polizei
    event: demo-2022
    claimed_on: 2022-05-01
    quote: Der Zug war 2,5 km lang
    figures:
      - {metric: distance, value: "2,5"}
"""


def claim_file(figure: str, quote: str = "Amnesty quickly determined that at least 300 people had been killed") -> str:
    return f"""\
claims:
  - id: amnesty-checked
    document: iran-resolution-follow-ups-2020
    source: amnesty
    event: iran-protests-2019-11
    quote: '{quote}'
    figures:
      - {figure}
"""


def test_a_figure_its_quote_states_is_accepted_in_digits_words_or_as_a_phrase(seeded_store: Path | str, tmp_path: Path) -> None:
    for index, figure in enumerate(("{metric: killed, value: at least 300}", "{metric: killed, qualifier: at_least, value: 300}",
                                    "{metric: killed, qualifier: exact, value: 300, stated: '300'}")):
        path = write(tmp_path, f"ok{index}.yaml", claim_file(figure).replace("amnesty-checked", f"amnesty-checked-{index}"))
        result = run_cli("import", "--db", seeded_store, path)
        assert result.exit_code == 0, result.output


def test_a_bare_number_matches_the_quote_in_any_grouping(seeded_store: Path | str, tmp_path: Path) -> None:
    """The quote says "1,500": a figure written 1500 (a YAML number, or the text a CSV cell holds)
    states the same number, and has no words of its own for the quote to repeat."""
    quote = "had killed approximately 1,500 peaceful protesters"
    for index, value in enumerate(("1500", "'1500'", "'1,500'")):
        path = write(tmp_path, f"bare{index}.yaml", claim_file(f"{{metric: killed, value: {value}}}", quote=quote)
                     .replace("amnesty-checked", f"bare-{index}"))
        result = run_cli("import", "--db", seeded_store, path)
        assert result.exit_code == 0, (value, result.output)
    # A phrase's words still have to be in the quote.
    refused = run_cli("import", "--db", seeded_store, write(tmp_path, "phrase.yaml", claim_file(
        "{metric: killed, value: about 1500}", quote=quote)))
    assert refused.exit_code == 1 and "the quote does not contain the words 'about 1500'" in problems(refused)[0]


def test_a_derived_figure_is_stored_exported_and_not_checked_against_its_quote(seeded_store: Path | str, tmp_path: Path) -> None:
    path = write(tmp_path, "derived.yaml", claim_file(
        "{metric: killed, value: at least 600, derived: twice Amnesty's count of at least 300}"))
    result = run_cli("import", "--db", seeded_store, path)
    assert result.exit_code == 0, result.output
    assert rows(seeded_store, "SELECT f.stated, f.derived FROM figures f JOIN claims c ON c.pk = f.claim_pk "
                             "WHERE c.id = 'amnesty-checked'") == [("at least 600", "twice Amnesty's count of at least 300")]
    exported = run_cli("export", "--db", seeded_store, "--format", "json")
    assert exported.exit_code == 0, exported.output
    [claim] = [c for c in json.loads(exported.stdout)["claims"] if c["id"] == "amnesty-checked"]
    assert claim["figures"] == [{"metric": "killed", "value": "at least 600", "derived": "twice Amnesty's count of at least 300"}]
    # The same figure without `derived` is refused: 600 is nowhere in the quote.
    refused = run_cli("import", "--db", seeded_store, "--update", write(tmp_path, "plain.yaml", claim_file(
        "{metric: killed, value: at least 600}")))
    assert refused.exit_code == 1
    assert "claims[0].figures[0].value: the quote does not contain 600" in problems(refused)[0]
    assert "derived:" in problems(refused)[0]


def test_a_stated_phrase_beside_a_value_phrase_must_say_the_same(seeded_store: Path | str, tmp_path: Path) -> None:
    path = write(tmp_path, "stated.yaml", claim_file("{metric: killed, value: at least 300, stated: at most 300}"))
    before = dump_database(seeded_store)
    result = run_cli("import", "--db", seeded_store, path)
    assert result.exit_code == 1
    [problem] = problems(result)
    assert problem.startswith(f"{path}:8: claims[0].figures[0].stated: stated 'at most 300' reads as at most 300")
    assert dump_database(seeded_store) == before


def test_a_vague_figure_needs_its_words_in_the_quote(seeded_store: Path | str, tmp_path: Path) -> None:
    path = write(tmp_path, "vague.yaml", claim_file("{metric: killed, value: hundreds}"))
    result = run_cli("import", "--db", seeded_store, path)
    assert result.exit_code == 1
    assert "the quote does not contain the words 'hundreds'" in problems(result)[0]
    assert "the quote's closest number is '300'" in problems(result)[0]


def test_number_format_eu_reads_groups_of_thousands_and_decimal_commas(fresh_store: Path | str, tmp_path: Path) -> None:
    path = write(tmp_path, "bericht.yaml", EU_FILE)
    refused = run_cli("import", "--db", fresh_store, path)
    assert refused.exit_code == 1
    assert any("ambiguous number '1.500'" in line and "number format 'eu'" in line for line in problems(refused))
    result = run_cli("import", "--db", fresh_store, "--number-format", "eu", path)
    assert result.exit_code == 0, result.output
    assert rows(fresh_store, "SELECT metric_id, qualifier, value, stated FROM figures ORDER BY metric_id") == [
        ("arrested", "at_least", 1500, "mindestens 1.500"), ("distance", "exact", 2.5, "2,5")]
    # Importing the same file again in the same convention changes nothing.
    again = run_cli("import", "--db", fresh_store, "--number-format", "eu", path)
    assert "claims: 0 added, 0 updated, 2 unchanged" in again.stdout


def test_the_python_api_takes_the_number_format_and_refuses_an_unknown_one(fresh_store: Path | str, tmp_path: Path) -> None:
    path = write(tmp_path, "bericht.yaml", EU_FILE)
    with Database(fresh_store) as db:
        with pytest.raises(ValueError, match="unknown number format 'de'"):
            db.import_files([path], number_format="de")
        assert db.import_files([path], number_format="eu").changed


def test_parse_figure_takes_the_number_format() -> None:
    result = run_cli("parse-figure", "--number-format", "eu", "about 1.500")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"qualifier": "approximately", "value": 1500, "low": None, "high": None, "text": "about 1.500"}
    assert run_cli("parse-figure", "about 1.500").exit_code == 1


def test_workers_give_the_same_database_with_the_eu_number_format(tmp_path: Path) -> None:
    lines = [{"kind": "source", "id": "polizei", "name": "Landespolizei", "source_kind": "official"},
             {"kind": "metric", "id": "arrested", "name": "People arrested", "unit": "people"},
             {"kind": "document", "id": "bericht", "title": "Bericht", "published": "2022",
              "text": " ".join(f"Am Tag {n} meldete sie {n}.500 Festnahmen." for n in range(1, 41))}]
    lines += [{"kind": "claim", "id": f"c{n}", "document": "bericht", "source": "polizei", "quote": f"meldete sie {n}.500 Festnahmen",
               "figures": [{"metric": "arrested", "value": f"{n}.500"}]} for n in range(1, 41)]
    path = write(tmp_path, "bericht.jsonl", "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    dumps = []
    for workers in ("0", "2"):
        db = tmp_path / f"w{workers}.sqlite"
        assert run_cli("init", "--db", db).exit_code == 0
        result = run_cli("import", "--db", db, "--number-format", "eu", "--workers", workers, path)
        assert result.exit_code == 0, result.output
        dumps.append([line for line in dump_database(db)
                      if "import_batches" not in line and "import_files" not in line and not line.startswith('INSERT INTO "changes"')])
    assert dumps[0] == dumps[1]
    assert rows(tmp_path / "w2.sqlite", "SELECT count(*), min(value), max(value) FROM figures") == [(40, 1500, 40500)]


# -- quotes start and end on boundaries --------------------------------------------------------------


@pytest.mark.parametrize(("text", "quote", "found"), [
    ("Officials said at least 3000 were held.", "said at least 300", False),
    ("Officials said at least 3,000 were held.", "said at least 3", False),
    ("Officials said at least 3.000 were held.", "said at least 3", False),
    ("Amnesty said at least 300 died.", "nesty said", False),
    ("Amnesty said at least 300 died.", "Amnesty said at least 300", True),
    ("Amnesty said at least 300, then more.", "Amnesty said at least 300", True),
    ("Amnesty said at least 300. Then more.", "at least 300.", True),
    # Persian: the zero-width non-joiner of «دست‌کم» ("at least") is inside the word.
    ("گزارش دست\u200cکم ۳۰۴ نفر", "کم ۳۰۴ نفر", False),
    ("گزارش دست\u200cکم ۳۰۴ نفر", "دست\u200cکم ۳۰۴ نفر", True),
    # A combining mark continues the word it follows.
    ("Cafe\u0301 owners, 12 of them", "Cafe", False),
    # The first occurrence inside a number is skipped, the next on boundaries is found.
    ("3000 or 300 people", "300 people", True),
])
def test_a_quote_is_found_only_on_word_and_number_boundaries(text: str, quote: str, found: bool) -> None:
    located = find_quote(normalize(text), quote)
    assert (located is not None) == found
    if located is not None:
        assert text[located[0]:located[1]] == quote


def test_the_closest_passage_offered_starts_and_ends_on_boundaries() -> None:
    text = "Officials said that at least 3000 people were held in the capital over the week."
    assert closest_passage(text, "at least 300") == "at least 3000 people were held in the capital"
    assert closest_passage(text, "ials said that at least") == "Officials said that at least 3000 people were"


# -- factdb check -----------------------------------------------------------------------------------


def test_check_passes_a_database_whose_figures_pass_and_lists_those_that_would_be_refused(seeded_store: Path | str) -> None:
    clean = run_cli("check", "--db", seeded_store)
    assert clean.exit_code == 0, clean.output
    assert "every stored figure passes" in clean.stdout
    execute(seeded_store,  # figures stored before the checks existed
            "UPDATE figures SET value = 250, low = 250, stated = 'at least 250' WHERE claim_pk = "
            "(SELECT pk FROM claims WHERE id = 'amnesty-killed-at-least-300')",
            "UPDATE figures SET stated = 'about 1,600' WHERE position = 1 AND claim_pk = "
            "(SELECT pk FROM claims WHERE id = 'ncri-killed-approximately-1500')")
    before = dump_database(seeded_store)
    result = run_cli("check", "--db", seeded_store)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "claim 'amnesty-killed-at-least-300', figure 1 (killed): value: the quote does not contain 250 (hint: the quote's "
        "closest number is '300'; correct the figure or the quote and import the claim again with --update, or give the "
        "figure derived: \"how it was derived\")",
        "claim 'ncri-killed-approximately-1500', figure 1 (killed): stated: stated 'about 1,600' reads as approximately "
        "1,600, but the figure is approximately 1,500: make qualifier and value say what the source stated, or correct "
        "stated (hint: make the figure's qualifier and value say what its stated phrase says)",
    ]
    assert "2 stored figures would be refused" in result.stderr
    assert dump_database(seeded_store) == before


def test_check_lists_a_fraction_of_a_count_and_skips_derived_figures(seeded_store: Path | str) -> None:
    execute(seeded_store,
            "UPDATE figures SET value = 1.5, low = 1.5, high = 1.5, stated = '1.5' WHERE claim_pk = "
            "(SELECT pk FROM claims WHERE id = 'amnesty-killed-at-least-300')",
            "UPDATE figures SET qualifier = 'approximately', value = 1600, low = NULL, high = NULL, "
            "stated = 'about 1,600', derived = 'a later count' WHERE position = 1 AND claim_pk = "
            "(SELECT pk FROM claims WHERE id = 'ncri-killed-approximately-1500')")
    result = run_cli("check", "--db", seeded_store)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    assert lines[0].startswith("claim 'amnesty-killed-at-least-300', figure 1 (killed): value: 1.5 is not a whole number")


# -- derived figures are shown as derived ----------------------------------------------------------------


DERIVED_CLAIM = """\
claims:
  - id: hrana-derived
    document: iran-resolution-follow-ups-2020
    source: ncri
    event: iran-protests-2019-11
    claimed_on: 2020-12
    quote: 'had killed approximately 1,500 peaceful protesters'
    figures:
      - {metric: killed, value: at least 1600, derived: "1,500 plus the 100 counted later"}
"""


@pytest.fixture
def derived_db(seeded_store: Path | str, tmp_path: Path) -> Path | str:
    result = run_cli("import", "--db", seeded_store, write(tmp_path, "derived.yaml", DERIVED_CLAIM))
    assert result.exit_code == 0, result.output
    return seeded_store


def test_compare_shows_a_derived_figure_as_derived_in_table_json_and_csv(derived_db: Path | str) -> None:
    args = ("compare", "--db", derived_db, "iran-protests-2019-11", "--metric", "killed")
    table = run_cli(*args).stdout
    assert "at least 1600 (derived)" in table
    assert "approximately 1,500 (derived)" not in table
    figures = json.loads(run_cli(*args, "--format", "json").stdout)["figures"]
    assert {f["claim_id"]: f["derived"] for f in figures} == {
        "amnesty-killed-at-least-300": None, "hrana-derived": "1,500 plus the 100 counted later"}
    csv_rows = list(csv.DictReader(io.StringIO(run_cli(*args, "--format", "csv").stdout)))
    assert {row["claim_id"]: row["derived"] for row in csv_rows} == {
        "amnesty-killed-at-least-300": "", "hrana-derived": "1,500 plus the 100 counted later"}


@pytest.mark.asyncio
@pytest.mark.parametrize("seeded_store", ["sqlite"], indirect=True)  # Datasette reads SQLite (the published snapshot)
async def test_the_datasette_comparison_page_marks_a_derived_figure(derived_db: Path) -> None:
    html = (await Datasette([str(derived_db)]).client.get("/-/compare/iran-protests-2019-11/killed")).text
    assert "(derived: 1,500 plus the 100 counted later)" in html
    assert html.count('class="derived"') == 1
