"""`factdb import` and `factdb export`: validated, atomic, idempotent, round-tripping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from factdb.db import make_engine
from factdb.importer import ImportFailed, import_paths

from conftest import REPO, SEEDS, rows, run_cli, write
from conftest import dump_database as dump


@pytest.fixture
def fresh_db(fresh_store: Path | str) -> Path | str:
    """Every test of this module runs on SQLite and on PostgreSQL (conftest.fresh_store)."""
    return fresh_store


FIXTURES = Path(__file__).parent / "fixtures" / "import"
BASIC = FIXTURES / "basic.yaml"


def test_init_creates_database_and_is_safe_to_repeat(db_path: Path) -> None:
    first = run_cli("init", "--db", db_path)
    assert first.exit_code == 0 and "schema up to date" in first.output
    before = dump(db_path)
    assert run_cli("init", "--db", db_path).exit_code == 0
    assert dump(db_path) == before


def test_db_path_comes_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "from-env.sqlite"
    monkeypatch.setenv("FACTDB_DB", str(target))
    assert run_cli("init").exit_code == 0
    assert target.exists()


def test_commands_on_a_missing_database_say_how_to_create_it(db_path: Path) -> None:
    result = run_cli("import", "--db", db_path, BASIC)
    assert result.exit_code == 1
    assert "factdb init" in result.output


def test_usage_errors_exit_2(fresh_db: Path) -> None:
    assert run_cli("import", "--db", fresh_db).exit_code == 2
    assert run_cli("export", "--db", fresh_db, "--format", "xml").exit_code == 2


def test_import_adds_everything_and_reports_counts(fresh_db: Path) -> None:
    result = run_cli("import", "--db", fresh_db, BASIC)
    assert result.exit_code == 0, result.output
    assert "sources: 5 added" in result.output
    assert "claims: 3 added" in result.output
    assert "figures: 4 added" in result.output
    assert rows(fresh_db, "SELECT source_id, claimed_on, claimed_on_precision FROM claims ORDER BY id") == [
        ("amnesty", "2019-12-16", "day"),  # defaults to the document's date
        ("ncri", "2019-12", "month"),
        ("iran-interior-ministry", "2019-12-16", "day"),
    ]
    assert rows(fresh_db, "SELECT via_id FROM claims WHERE id = 'officials-7000-arrested'") == [("reuters",)]


def test_figures_are_parsed_into_qualifier_and_bounds(fresh_db: Path) -> None:
    run_cli("import", "--db", fresh_db, BASIC)
    figures = rows(fresh_db, "SELECT c.id, f.population, f.qualifier, f.value, f.low, f.high, f.stated "
                             "FROM figures f JOIN claims c ON c.pk = f.claim_pk ORDER BY c.id, f.position")
    assert figures == [
        ("amnesty-304", None, "at_least", 304, 304, None, "at least 304"),
        ("ncri-1500", None, "approximately", 1500, None, None, "approximately 1,500"),
        ("ncri-1500", "children", "vague", None, 3, 9, "several"),
        ("officials-7000-arrested", None, "approximately", 7000, None, None, "about 7,000"),
    ]


def test_quote_offsets_point_into_original_text_despite_curly_quotes_and_dashes(fresh_db: Path) -> None:
    run_cli("import", "--db", fresh_db, BASIC)
    for claim_id, expected in [
        ("ncri-1500", "The NCRI says “approximately 1,500” people were killed, including several children."),
        ("officials-7000-arrested", "Officials told Reuters that about 7,000 people were arrested — a figure"),
    ]:
        [(text, start, end)] = rows(fresh_db, "SELECT d.text, c.quote_start, c.quote_end FROM claims c "
                                              "JOIN documents d ON d.pk = c.document_pk WHERE c.id = ?", claim_id)
        assert text[start:end] == expected


def test_aliases_resolve_case_insensitively_and_relations_are_stored(fresh_db: Path) -> None:
    run_cli("import", "--db", fresh_db, BASIC)
    assert rows(fresh_db, "SELECT source_id FROM claims WHERE id = 'amnesty-304'") == [("amnesty",)]
    assert rows(fresh_db, "SELECT source_id, relation, target_id FROM source_relations") == [("mek", "member_of", "ncri")]
    assert sorted(rows(fresh_db, "SELECT alias_key, source_id FROM source_aliases WHERE source_id = 'mek'")) == [
        ("mek", "mek"), ("pmoi", "mek")]


def test_reimporting_the_same_files_changes_nothing(fresh_db: Path) -> None:
    run_cli("import", "--db", fresh_db, BASIC)
    before = dump(fresh_db)
    result = run_cli("import", "--db", fresh_db, BASIC)
    assert result.exit_code == 0
    assert "claims: 0 added, 0 updated, 3 unchanged" in result.output
    assert "Nothing changed." in result.output
    assert dump(fresh_db) == before


def test_every_import_records_its_batch_files_and_hashes(fresh_db: Path) -> None:
    run_cli("import", "--db", fresh_db, BASIC)
    [(batch_id, summary)] = rows(fresh_db, "SELECT id, summary FROM import_batches")
    assert json.loads(summary)["claims"] == {"added": 3}
    [(path, sha, records)] = rows(fresh_db, "SELECT path, sha256, records FROM import_files WHERE batch_id = ?", batch_id)
    import hashlib

    assert path == str(BASIC) and sha == hashlib.sha256(BASIC.read_bytes()).hexdigest() and records == 12
    for table in ("sources", "events", "metrics", "documents", "claims", "figures"):
        assert rows(fresh_db, f"SELECT DISTINCT batch_id FROM {table}") == [(batch_id,)]


def test_dry_run_reports_and_writes_nothing(fresh_db: Path) -> None:
    before = dump(fresh_db)
    result = run_cli("import", "--db", fresh_db, "--dry-run", BASIC)
    assert result.exit_code == 0
    assert "Dry run" in result.output and "claims: 3 added" in result.output
    assert dump(fresh_db) == before


def test_quote_not_in_document_is_refused_with_closest_passage(fresh_db: Path, tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", BASIC.read_text().replace("quote: at least 304 people had been killed",
                                                                  "quote: at least 340 people had been killed"))
    before = dump(fresh_db)
    result = run_cli("import", "--db", fresh_db, bad)
    assert result.exit_code == 1
    line = bad.read_text().splitlines().index("    quote: at least 340 people had been killed") + 1
    assert f"{bad}:{line}: claims[0].quote: not found in the text of document 'wire-2019-12'" in result.output
    assert 'closest passage: "' in result.output and "304 people had been killed" in result.output
    assert "nothing was imported" in result.output
    assert dump(fresh_db) == before


def test_every_problem_is_reported_not_just_the_first(fresh_db: Path, tmp_path: Path) -> None:
    text = (BASIC.read_text()
            .replace("source: Amnesty\n", "source: Amnesti\n")
            .replace("event: iran-protests-2019-11\n    claimed_on: 2019-12", "event: iran-protests-2019\n    claimed_on: 2019-12")
            .replace("{metric: arrested, qualifier: approximately", "{metric: arested, qualifier: approximately"))
    bad = write(tmp_path, "bad.yaml", text)
    result = run_cli("import", "--db", fresh_db, bad)
    assert result.exit_code == 1
    assert "claims[0].source: unknown source 'Amnesti'; closest known: amnesty" in result.output
    assert "claims[1].event: unknown event 'iran-protests-2019'; closest known: iran-protests-2019-11" in result.output
    assert "claims[2].figures[0].metric: unknown metric 'arested'; closest known: arrested" in result.output
    assert "3 problems found" in result.output


def test_changed_claim_is_refused_without_update_and_kept_in_history_with_it(fresh_db: Path, tmp_path: Path) -> None:
    run_cli("import", "--db", fresh_db, BASIC)
    changed = write(tmp_path, "changed.yaml", BASIC.read_text().replace("{metric: killed, value: at least 304}",
                                                                         "{metric: killed, value: 304}"))
    refused = run_cli("import", "--db", fresh_db, changed)
    assert refused.exit_code == 1
    assert "claim 'amnesty-304' already exists with different content" in refused.output and "--update" in refused.output
    updated = run_cli("import", "--db", fresh_db, "--update", changed)
    assert updated.exit_code == 0, updated.output
    assert "claims: 0 added, 1 updated, 2 unchanged" in updated.output
    assert rows(fresh_db, "SELECT f.qualifier FROM figures f JOIN claims c ON c.pk = f.claim_pk WHERE c.id = 'amnesty-304'") == [("exact",)]
    [(version, content)] = rows(fresh_db, "SELECT version, content FROM claim_history WHERE claim_id = 'amnesty-304'")
    assert version == 1
    assert json.loads(content)["figures"] == [{"metric": "killed", "value": "at least 304"}]


def test_text_file_must_stay_inside_the_import_folder(fresh_db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "import"
    write(tmp_path, "secret.txt", "outside")
    bad = write(folder, "docs.yaml", "documents:\n  - {id: d, title: T, text_file: ../secret.txt}\n"
                                     "  - {id: e, title: T, text_file: /etc/passwd}\n")
    result = run_cli("import", "--db", fresh_db, bad)
    assert result.exit_code == 1
    assert "documents[0].text_file: '../secret.txt' points outside the import file's folder" in result.output
    assert "documents[1].text_file: '/etc/passwd' points outside the import file's folder" in result.output


def test_files_may_refer_to_each_other_in_any_order(fresh_db: Path, tmp_path: Path) -> None:
    data = yaml.safe_load(BASIC.read_text())
    claims = write(tmp_path, "a-claims.json", json.dumps({"claims": data["claims"]}, default=str))
    rest = write(tmp_path, "b-rest.yaml", yaml.safe_dump({k: v for k, v in data.items() if k != "claims"}, allow_unicode=True))
    result = run_cli("import", "--db", fresh_db, claims, rest)
    assert result.exit_code == 0, result.output
    assert "claims: 3 added" in result.output


def test_json_lines_and_csv_import_the_same_claims(fresh_db: Path, tmp_path: Path) -> None:
    data = yaml.safe_load(BASIC.read_text())
    def jsonl(kind: str, item: dict) -> str:
        if kind == "source":  # a source's own kind travels as source_kind in JSON Lines
            item = {("source_kind" if k == "kind" else k): v for k, v in item.items()}
        return json.dumps({"kind": kind, **item}, ensure_ascii=False, default=str)

    lines = [jsonl(section[:-1], item) for section in ("sources", "events", "metrics", "documents") for item in data[section]]
    entities = write(tmp_path, "entities.jsonl", "\n".join(lines) + "\n")
    csv_text = (
        "claim_id,document,source,via,event,claimed_on,quote,metric,population,value\n"
        "amnesty-304,wire-2019-12,Amnesty,,iran-protests-2019-11,,at least 304 people had been killed,killed,,at least 304\n"
        'ncri-1500,wire-2019-12,ncri,,iran-protests-2019-11,2019-12,"The NCRI says ""approximately 1,500"" people were killed, including several children.",killed,,"approximately 1,500"\n'
        'ncri-1500,wire-2019-12,ncri,,iran-protests-2019-11,2019-12,"The NCRI says ""approximately 1,500"" people were killed, including several children.",killed,children,several\n'
    )
    claims = write(tmp_path, "claims.csv", csv_text)
    result = run_cli("import", "--db", fresh_db, claims, entities)
    assert result.exit_code == 0, result.output
    assert "claims: 2 added" in result.output and "figures: 3 added" in result.output
    assert rows(fresh_db, "SELECT count(*) FROM figures f JOIN claims c ON c.pk = f.claim_pk WHERE c.id = 'ncri-1500'") == [(2,)]


def test_csv_with_missing_columns_names_them(fresh_db: Path, tmp_path: Path) -> None:
    bad = write(tmp_path, "claims.csv", "claim_id,document,source,quote,value\nx,d,s,q,300\n")
    result = run_cli("import", "--db", fresh_db, bad)
    assert result.exit_code == 1
    assert f"{bad}:1: missing column(s) event, metric" in result.output


@pytest.mark.parametrize("inputs", [[BASIC], sorted(SEEDS.glob("*.yaml"))], ids=["basic", "seeds"])
def test_export_round_trips_byte_for_byte(fresh_db: Path, tmp_path: Path, inputs: list[Path]) -> None:
    assert run_cli("import", "--db", fresh_db, *inputs).exit_code == 0
    for fmt in ("yaml", "json", "jsonl"):
        first = run_cli("export", "--db", fresh_db, "--format", fmt).output
        exported = write(tmp_path, f"export.{fmt}", first)
        other = tmp_path / f"other-{fmt}.sqlite"
        assert run_cli("init", "--db", other).exit_code == 0
        result = run_cli("import", "--db", other, exported)
        assert result.exit_code == 0, result.output
        assert run_cli("export", "--db", other, "--format", fmt).output == first


def test_python_api_raises_import_failed_with_located_problems(fresh_db: Path, tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", "sources:\n  - {id: x, name: X, kind: charity}\n")
    engine = make_engine(fresh_db)
    with pytest.raises(ImportFailed) as failure:
        import_paths(engine, [bad])
    [problem] = failure.value.problems
    assert (problem.path, problem.line, problem.field) == (str(bad), 2, "sources[0].kind")
    assert "'charity' is not allowed" in problem.message and "ngo" in problem.hint


def test_database_constraints_hold_without_python(fresh_db: Path) -> None:
    """Integrity lives in the database too: a raw INSERT with a bad qualifier is refused."""
    import sqlalchemy.exc

    run_cli("import", "--db", fresh_db, BASIC)
    engine = make_engine(fresh_db)
    try:
        for values, refusal in (("(1, 9, 'killed', 'roughly', 5, NULL, NULL, '5', 1)", "qualifier_allowed"),
                                ("(1, 9, 'killed', 'range', NULL, 10, 5, '10-5', 1)", "low_not_above_high"),
                                ("(1, 9, 'no-such-metric', 'exact', 5, NULL, NULL, '5', 1)", "(?i)foreign key")):
            with engine.connect() as connection, pytest.raises(sqlalchemy.exc.IntegrityError, match=refusal):
                connection.exec_driver_sql("INSERT INTO figures (claim_pk, position, metric_id, qualifier, value, low, high, "
                                           f"stated, batch_id) VALUES {values}")
    finally:
        engine.dispose()


def test_seeds_import_cleanly(fresh_db: Path) -> None:
    result = run_cli("import", "--db", fresh_db, *sorted(SEEDS.glob("*.yaml")))
    assert result.exit_code == 0, result.output
    assert rows(fresh_db, "SELECT published, published_precision, author FROM documents") == [
        ("2020-11", "month", "Mansoureh Galestan")]
    text = (REPO / "seeds" / "documents" / "iran-resolution-follow-ups-2020.txt").read_text(encoding="utf-8")
    assert rows(fresh_db, "SELECT text FROM documents") == [(text,)]


def test_a_claims_missing_quote_is_reported_alongside_its_other_problems(fresh_db: Path, tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", BASIC.read_text().replace("source: Amnesty\n", "source: Amnesti\n").replace(
        "quote: at least 304 people had been killed", "quote: at least 340 people had been killed"))
    result = run_cli("import", "--db", fresh_db, bad)
    assert result.exit_code == 1
    assert "claims[0].source: unknown source 'Amnesti'" in result.output
    assert "claims[0].quote: not found in the text of document 'wire-2019-12'" in result.output
    # The figure is checked against the quote as written: "at least 304" is not in "at least 340 ...".
    assert "claims[0].figures[0].value: the quote does not contain 304" in result.output
    assert "3 problems found" in result.output
