"""`factdb extract`: drafts claims from an article that import cleanly and name the right sources."""

from __future__ import annotations

import importlib.util
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO, SEEDS, migrated_database, run_cli

from factdb.db import make_engine
from factdb.extract import Catalog, KnownSource, draft_to_yaml, extract, find_figures
from factdb.figures import parse_figure
from factdb.importer import import_paths

SEED_TEXT = SEEDS / "documents" / "iran-resolution-follow-ups-2020.txt"
EVAL = REPO / "bench" / "extract_eval"


def _load_bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("extract_eval", REPO / "bench" / "extract_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _triples(draft) -> set[tuple[str, str, str, float | None, str | None]]:  # type: ignore[no-untyped-def]
    return {(claim.source, f.metric, f.figure.qualifier, f.figure.value if f.figure.value is not None else f.figure.low,
             f.population) for claim in draft.claims for f in claim.figures}


def _claims_by_source(draft_yaml: str) -> dict[str, list[dict]]:
    claims: dict[str, list[dict]] = {}
    for claim in yaml.safe_load(draft_yaml)["claims"]:
        claims.setdefault(claim["source"], []).append(claim)
    return claims


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in an empty folder: no default factdb.sqlite to pick up, and stdout drafts stay out of the repo."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FACTDB_DB", raising=False)


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the seed article's sources (Amnesty with alias "Amnesty", the NCRI, ...). Read only."""
    path = tmp_path_factory.mktemp("seed") / "seed.sqlite"
    assert run_cli("init", "--db", path).exit_code == 0
    assert run_cli("import", "--db", path, SEEDS / "iran-resolution-follow-ups-2020.yaml").exit_code == 0
    return path


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_database(tmp_path_factory.mktemp("empty"))


@pytest.fixture
def article(tmp_path: Path) -> Path:
    """The seed article copied into a working folder, where the draft will be written too."""
    target = tmp_path / "article.txt"
    shutil.copy(SEED_TEXT, target)
    return target


@pytest.fixture
def another_edition(tmp_path: Path) -> Path:
    """The seed article with a line added: a text the seed database does not hold, about its sources."""
    target = tmp_path / "article.txt"
    target.write_text(SEED_TEXT.read_text(encoding="utf-8") + "\nThis article was updated.\n", encoding="utf-8")
    return target


def test_seed_article_figures_are_found_with_the_sources_the_seed_gives_them() -> None:
    draft = extract(SEED_TEXT.read_text(encoding="utf-8"), document_id="seed", text_file="seed.txt")
    names = {s.id: s.name for s in draft.sources}
    assert {names[source] for source, *_ in _triples(draft)} == {
        "Amnesty International", "National Council of Resistance of Iran", "Mansoureh Galestan"}
    by_name = {(names[s], m, q, v, p) for s, m, q, v, p in _triples(draft)}
    assert by_name == {
        ("Amnesty International", "killed", "at_least", 300, None),
        ("National Council of Resistance of Iran", "killed", "approximately", 1500, "protesters"),
        ("National Council of Resistance of Iran", "killed", "vague", 3, "children"),  # "several"
        ("Mansoureh Galestan", "votes_in_favour", "exact", 79, None),
        ("Mansoureh Galestan", "cities", "nearly", 200, None),
        ("Mansoureh Galestan", "arrested", "vague", 2000, "activists"),  # "thousands"
    }


def test_seed_sources_in_the_database_are_reused_by_alias(seed_db: Path, another_edition: Path) -> None:
    result = run_cli("extract", "--db", seed_db, another_edition, "-o", another_edition.parent / "draft.yaml")
    assert result.exit_code == 0, result.output
    text = (another_edition.parent / "draft.yaml").read_text(encoding="utf-8")
    claims = _claims_by_source(text)
    assert sorted(claims) == ["amnesty", "mansoureh-galestan", "ncri"]
    assert [f["value"] for f in claims["amnesty"][0]["figures"]] == ["at least 300"]
    assert "matched known source amnesty" in claims["amnesty"][0]["reason"]
    assert "sources" not in yaml.safe_load(text)  # nothing new to define
    assert "metrics" not in yaml.safe_load(text)


def test_a_short_alias_in_the_text_finds_the_known_source(seed_db: Path, tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text("Amnesty update\n\nAmnesty said 12 people were killed in Shiraz on Friday.\n",
                                       encoding="utf-8")
    result = run_cli("extract", "--db", seed_db, tmp_path / "note.txt", "-o", tmp_path / "draft.yaml")
    assert result.exit_code == 0, result.output
    claim = yaml.safe_load((tmp_path / "draft.yaml").read_text(encoding="utf-8"))["claims"][0]
    assert (claim["source"], claim["figures"]) == ("amnesty", [{"metric": "killed", "value": "12"}])


def test_the_default_database_is_used_when_there_is_one(seed_db: Path, another_edition: Path) -> None:
    shutil.copy(seed_db, another_edition.parent / "factdb.sqlite")
    result = run_cli("extract", another_edition.name)
    assert result.exit_code == 0, result.output
    assert sorted(_claims_by_source(result.stdout)) == ["amnesty", "mansoureh-galestan", "ncri"]


def test_draft_imports_cleanly_and_dry_run_reports_the_additions(article: Path, db_path: Path) -> None:
    draft = article.parent / "draft.yaml"
    assert run_cli("extract", article, "--document-id", "follow-ups", "-o", draft).exit_code == 0
    assert run_cli("init", "--db", db_path).exit_code == 0
    dry = run_cli("import", "--db", db_path, "--dry-run", draft)
    assert dry.exit_code == 0, dry.output
    assert "Dry run, nothing written" in dry.output
    assert "claims: 5 added" in dry.output and "figures: 6 added" in dry.output and "sources: 3 added" in dry.output
    result = run_cli("import", "--db", db_path, draft)
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db_path) as connection:
        rows = connection.execute(
            "SELECT c.source_id, f.metric_id, f.qualifier, f.value, f.low FROM claims c JOIN figures f ON f.claim_pk = c.pk"
            " ORDER BY c.quote_start, f.position").fetchall()
    assert rows[2] == ("amnesty-international", "killed", "at_least", 300, 300)
    assert rows[3] == ("ncri", "killed", "approximately", 1500, None)
    again = run_cli("import", "--db", db_path, draft)
    assert again.exit_code == 0 and "claims: 0 added, 0 updated, 5 unchanged" in again.output


def test_draft_on_stdout_points_text_file_from_the_current_folder(article: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (article.parent / "texts").mkdir()
    moved = article.rename(article.parent / "texts" / "Iran Follow-Ups.txt")
    monkeypatch.chdir(article.parent)
    result = run_cli("extract", moved)
    assert result.exit_code == 0, result.output
    document = yaml.safe_load(result.stdout)["documents"][0]
    assert (document["id"], document["text_file"]) == ("iran-follow-ups", "texts/Iran Follow-Ups.txt")
    assert "5 claims with 6 figures proposed" in result.stderr


def test_an_article_outside_the_draft_folder_is_refused_with_the_reason(article: Path) -> None:
    elsewhere = article.parent / "drafts" / "draft.yaml"
    elsewhere.parent.mkdir()
    result = run_cli("extract", article, "-o", elsewhere)
    assert result.exit_code == 1
    assert "is not inside" in result.output and "refuses paths outside it" in result.output
    assert not elsewhere.exists()


def test_bad_options_are_refused_before_anything_is_written(article: Path) -> None:
    assert "--document-id" in run_cli("extract", article, "--document-id", "no spaces").output
    assert "YYYY" in run_cli("extract", article, "--published", "Nov 2020").output
    assert "--document-id" in run_cli("extract", article, "--document-id", "ends-with-a-newline\n").output
    assert "YYYY" in run_cli("extract", article, "--published", "2020-11\n").output
    missing = run_cli("extract", "--db", article.parent / "missing.sqlite", article)
    assert missing.exit_code == 1 and "no such database" in missing.output


def test_every_guess_is_marked_for_the_reviewer(article: Path) -> None:
    text = run_cli("extract", article, "--document-id", "x", "-o", article.parent / "d.yaml").exit_code
    assert text == 0
    lines = (article.parent / "d.yaml").read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("  - document: x")]
    assert len(starts) == 5
    for start in starts:
        assert lines[start - 1].startswith("  # GUESS") and any(
            lines[j].startswith("  # GUESS source") for j in range(start - 4, start))
    for claim in yaml.safe_load("\n".join(lines))["claims"]:
        assert 0 < claim["confidence"] <= 1 and claim["reason"]
    assert "# GUESS published:" in "\n".join(lines) and "# GUESS new source:" in "\n".join(lines)


def test_unattributed_figures_go_to_the_articles_voice_or_a_named_placeholder() -> None:
    text = "Floods in Dunmore\n\nAt least 12 people died when the river burst its banks on Monday.\n"
    placeholder = extract(text, document_id="dunmore", text_file="d.txt")
    assert [c.source for c in placeholder.claims] == ["author-of-dunmore"]
    assert placeholder.sources[0].kind == "person" and placeholder.sources[0].name.startswith("Author of")
    named = extract(text, document_id="dunmore", text_file="d.txt", author="Rita Obi", published="2024-03")
    assert [c.source for c in named.claims] == ["rita-obi"] and named.document.published == "2024-03"


def test_a_repeated_sentence_is_one_claim_and_a_short_sentence_still_counts() -> None:
    lead = "Police said 23 people were arrested in Sorvik."
    draft = extract(f"Sorvik protest\n\n{lead}\n\nEleven died.\n\n{lead}\n", document_id="s", text_file="s.txt")
    assert [(c.quote, [f.figure.value for f in c.figures]) for c in draft.claims] == [(lead, [23]), ("Eleven died.", [11])]


def test_relayed_claims_keep_who_relayed_them() -> None:
    text = ("Clashes in Kesh\n\nTwo hospital officials told Reuters that 40 people had been killed. State television, "
            "quoting a military spokesman, said 12 soldiers were wounded.\n")
    draft = extract(text, document_id="kesh", text_file="k.txt")
    found = {(c.source, c.via, f.metric, f.figure.value) for c in draft.claims for f in c.figures}
    assert found == {("hospital-officials", "reuters", "killed", 40),
                     ("military-spokesman", "state-television", "injured", 12)}
    kinds = {s.id: s.kind for s in draft.sources}
    assert kinds["reuters"] == "media" and kinds["state-television"] == "media"


def test_an_event_from_the_command_line_is_defined_unless_the_database_has_it(
        seed_db: Path, article: Path, db_path: Path) -> None:
    draft = article.parent / "draft.yaml"
    assert run_cli("extract", article, "--event", "iran-protests-2019-11", "-o", draft).exit_code == 0
    data = yaml.safe_load(draft.read_text(encoding="utf-8"))
    assert data["events"] == [{"id": "iran-protests-2019-11", "name": "Iran protests 2019 11"}]
    assert {c["event"] for c in data["claims"]} == {"iran-protests-2019-11"}
    assert run_cli("init", "--db", db_path).exit_code == 0
    assert run_cli("import", "--db", db_path, draft).exit_code == 0
    assert run_cli("extract", "--db", seed_db, article, "--event", "iran-protests-2019-11", "-o", draft).exit_code == 0
    assert "events" not in yaml.safe_load(draft.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "sentence",
    [
        "The massacre took place over several months in 1988.",
        "The protests began on 15 November 2019 and on March 9 in Tavrin.",
        "Protesters aged 17 and a 16-year-old were among them; Ali Reza, 34, said so.",
        "A list appears on page 23 and in paragraph 4 of the 52-page report.",
        "The Assembly adopted its 67th resolution at 10:30 a.m. on the 3rd day.",
        "Fuel prices rose by 50 percent, and the dam was 62 metres high.",
        "He was sentenced to 10 years in prison and fined 5,000 dinars under Law No. 9.",
        "The bill needs 151 votes in the 300-seat chamber.",
        "The 1980s were worse, and the 2019 uprising spread in January 2018 and 2020–2021.",
    ],
)
def test_years_dates_ages_ordinals_and_page_numbers_are_not_figures(sentence: str) -> None:
    assert find_figures(sentence) == []


def test_figure_phrases_are_read_with_their_qualifiers() -> None:
    spans = find_figures("Between 400 and 500 people, more than 1,000 detainees, several children, tens of thousands "
                         "of marchers, two dozen injured and a toll that did not exceed 24.")
    assert [(s.stated, s.figure.qualifier, s.figure.low, s.figure.high) for s in spans] == [
        ("Between 400 and 500", "range", 400, 500),
        ("more than 1,000", "more_than", 1000, None),
        ("several", "vague", 3, 9),
        ("tens of thousands", "vague", 20_000, 99_999),
        ("two dozen", "exact", 24, 24),
        ("did not exceed 24", "at_most", None, 24),
    ]


def test_the_phrasings_of_real_reporting_are_found_and_read_by_the_figure_grammar() -> None:
    spans = find_figures("The toll exceeded 800 by Friday and topped 45,000 in the province; as many as 300 were "
                         "held, the count rose to 45, an estimated number of 210 fled and scores of homes burned.")
    assert [(s.stated, s.figure.qualifier, s.figure.low, s.figure.high) for s in spans] == [
        ("exceeded 800", "more_than", 800, None),
        ("topped 45,000", "more_than", 45_000, None),
        ("as many as 300", "at_most", None, 300),
        ("rose to 45", "exact", 45, 45),
        ("an estimated number of 210", "approximately", None, None),
        ("scores", "vague", 40, 199),
    ]


def test_a_phrase_the_grammar_refuses_is_not_proposed_in_part() -> None:
    # "no more than a handful" bounds the handful from above; proposing "a handful" (2 to 9) alone would
    # claim at least two, which the source did not say.
    assert find_figures('The minister said "no more than a handful" of journalists were held.') == []
    assert find_figures("Turnout was more than double, and half of them were women.") == []


@pytest.mark.parametrize("sentence", [
    "Two thirds of the detainees were women.",
    "One in five prisoners was tortured.",
    "We need at least three times that, the WFP said.",
    "Police detained 300 / 400 people.",
    "Arrests rose tenfold in a week.",
])
def test_numbers_inside_shares_and_pairs_are_not_figures(sentence: str) -> None:
    assert find_figures(sentence) == []


def test_scores_and_tens_are_amounts_only_before_of() -> None:
    assert find_figures("Exam scores fell, and the tens digit was wrong.") == []
    assert [(s.stated, s.figure.low, s.figure.high) for s in find_figures("Scores of protesters and tens of "
                                                                            "bystanders were beaten.")] == [
        ("Scores", 40, 199), ("tens", 20, 99)]


def test_a_list_of_figures_still_gives_each_figure() -> None:
    assert [s.stated for s in find_figures("Police said 12 died, 5 of them children.")] == ["12", "5"]


@pytest.mark.parametrize("path", sorted(EVAL.rglob("*.txt")), ids=lambda p: p.stem)
def test_every_figure_the_extractor_finds_is_what_the_grammar_reads_in_its_words(path: Path) -> None:
    for sentence in path.read_text(encoding="utf-8").split("."):
        for span in find_figures(sentence):
            assert parse_figure(" ".join(span.stated.split())) == span.figure


def test_quotes_are_verbatim_and_every_labelled_article_drafts_an_importable_file(empty_db: Path, tmp_path: Path) -> None:
    """Every draft imports as written, each into a fresh database (a copy of an empty migrated one)."""
    articles = sorted(EVAL.rglob("*.txt")) + [SEED_TEXT]
    assert len(articles) >= 61
    for path in articles:
        text = path.read_text(encoding="utf-8")
        draft = extract(text, document_id=path.stem, text_file=path.name)
        for claim in draft.claims:
            assert text[claim.start : claim.start + len(claim.quote)] == claim.quote
        folder = tmp_path / path.stem
        folder.mkdir()
        shutil.copy(path, folder / path.name)
        (folder / "draft.yaml").write_text(draft_to_yaml(draft), encoding="utf-8")
        shutil.copy(empty_db, folder / "fresh.sqlite")
        engine = make_engine(folder / "fresh.sqlite")
        try:
            report = import_paths(engine, [folder / "draft.yaml"])
        finally:
            engine.dispose()
        assert report.counts["claims"]["added"] == len(draft.claims), path.name


def test_known_sources_are_matched_without_case_or_article() -> None:
    catalog = Catalog((KnownSource("hrw", "Human Rights Watch", "ngo", ("HRW",)),))
    draft = extract("HRW report\n\nAccording to the human rights watch, 27 journalists were detained last month.\n",
                    document_id="hrw", text_file="h.txt", catalog=catalog)
    assert [c.source for c in draft.claims] == ["hrw"] and draft.new_sources == []


# Floors at the measured scores: a change that lowers them fails here (the targets are in issue 21).
EVALUATION_FLOORS = {"overall": (0.86, 0.85), "development": (0.95, 0.93), "held-out-13": (0.90, 0.85),
                     "held-out-14": (0.88, 0.88), "held-out-15": (0.86, 0.87), "held-out-16": (0.81, 0.79),
                     "held-out-17": (0.79, 0.85), "held-out-18": (0.84, 0.86),
                     "held-out-19": (0.82, 0.79), "held-out-20": (0.75, 0.76), "held-out-21": (0.69, 0.68),
                     "held-out-22": (0.72, 0.74), "held-out-23": (0.69, 0.64)}


def test_labelled_evaluation_does_not_fall_below_its_measured_scores() -> None:
    bench = _load_bench()
    groups, overall, seeds = bench.evaluate_all()
    precision, recall = EVALUATION_FLOORS["overall"]
    assert overall.precision >= precision and overall.recall >= recall, bench._row(overall)
    for batch in ("held-out-13", "held-out-14", "held-out-15", "held-out-16", "held-out-17", "held-out-18", "held-out-19",
                  "held-out-20", "held-out-21", "held-out-22", "held-out-23",
                  "development"):
        held_out = next(total for _, total in groups if total.name.startswith(batch))
        precision, recall = EVALUATION_FLOORS[batch]
        assert held_out.precision >= precision and held_out.recall >= recall, bench._row(held_out)
    for seed, skipped in seeds:
        assert (seed.matched, seed.labels, seed.proposed) == (6, 6, 6), seed.misses + seed.false
        assert skipped == ["mansoureh-galestan resolutions_on_iran '67th' (an ordinal)"]


def test_a_held_out_batch_is_unseen_until_it_is_scored_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    bench = _load_bench()
    article = EVAL / "09-marova-floods.txt"
    batch = tmp_path / "held-out-99"
    batch.mkdir()
    for suffix in (".txt", ".yaml"):
        (tmp_path / f"dev{suffix}").write_bytes(article.with_suffix(suffix).read_bytes())
        (batch / f"unseen{suffix}").write_bytes(article.with_suffix(suffix).read_bytes())
    monkeypatch.setattr(bench, "ARTICLES", tmp_path)
    groups, overall, _ = bench.evaluate_all(root=tmp_path)
    assert [total.name for _, total in groups] == ["development set (1 articles)"]
    assert overall.labels == groups[0][1].labels
    assert not (batch / "SCORED").exists()

    assert bench.main(["--set", "held-out-99"]) == 0
    out, err = capsys.readouterr()
    assert "held-out-99 batch (1 articles)" in out and "held-out-99 scored for the first time" in err
    assert "held-out-99 batch (1 articles)" in (batch / "SCORED").read_text(encoding="utf-8")
    groups, overall, _ = bench.evaluate_all(root=tmp_path)
    assert [total.name for _, total in groups] == ["held-out-99 batch (1 articles)", "development set (1 articles)"]
    assert overall.labels == 2 * groups[1][1].labels


@pytest.mark.parametrize(("claims", "expected"), [
    # a comma ends a value in a flow mapping: YAML reads "more than 240" and a key 000
    ("  - {source: un, metric: displaced, figure: more than 240,000}\n",
     ["claim 1 (un displaced 'more than 240'): unknown field 0", 'figure: "more than 240,000"']),
    ("  - {source: un, metric: displaced}\n", ["claim 1: figure missing"]),
    ("  - {source: unhcr, metric: displaced, figure: '163'}\n", ["claim 1: source 'unhcr' is not a key of 'sources'"]),
])
def test_a_label_that_cannot_be_scored_as_written_is_refused_and_nothing_is_scored(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], claims: str, expected: list[str]) -> None:
    bench = _load_bench()
    batch = tmp_path / "held-out-98"
    batch.mkdir()
    (batch / "unseen.txt").write_text("More than 240,000 people have fled, the UN said.\n", encoding="utf-8")
    (batch / "unseen.yaml").write_text("style: un\nsources:\n  un: [UN]\nclaims:\n" + claims, encoding="utf-8")
    monkeypatch.setattr(bench, "ARTICLES", tmp_path)
    assert bench.main(["--set", "held-out-98"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"error: {batch / 'unseen.yaml'}: ") and err.endswith("Nothing was scored.\n")
    for words in expected:
        assert words in err
    assert not (batch / "SCORED").exists()  # still unseen: its one scoring is still to come


def test_every_held_out_batch_in_the_repository_is_scored_or_unseen() -> None:
    bench = _load_bench()
    seen = {folder.name for _, folder in bench.article_sets()}
    for folder in EVAL.glob("held-out-*"):
        assert (folder.name in seen) == (folder / "SCORED").is_file(), folder


def test_the_evaluation_scores_every_article_by_style_and_sorts_its_misses() -> None:
    bench = _load_bench()
    groups, overall, _ = bench.evaluate_all()
    scores = [item for articles, _ in groups for item in articles]
    assert len(scores) >= 60 and "unlabelled" not in {item.style for item in scores}
    styles = bench.by_style(scores, "all,")
    assert sum(style.labels for style in styles) == overall.labels
    assert sum(style.matched for style in styles) == overall.matched
    assert len(overall.miss_kinds) == overall.labels - overall.matched
    assert overall.matched <= overall.sources_right <= overall.figures_found <= overall.labels


def _attributed(text: str) -> set[tuple[str, str, str, str | None]]:
    draft = extract(text, document_id="t", text_file="t.txt")
    names = {s.id: s.name for s in draft.sources}
    return {(names[c.source], f.metric, f.stated, f.population) for c in draft.claims for f in c.figures}


def _speakers(text: str) -> set[tuple[str, str]]:
    """Who each figure went to, as written: (source name, stated figure)."""
    return {(name, stated) for name, _, stated, _ in _attributed(text)}


def test_a_subgroup_aside_does_not_hide_the_verb_or_the_speaker_after_it() -> None:
    text = ("Shelling in Orlan\n\nAt least 58 civilians, among them 12 children, were killed when shells struck a "
            "market, Médecins Sans Frontières (MSF) said. The medical charity said it had received 140 wounded people.\n")
    assert _attributed(text) == {("Médecins Sans Frontières", "killed", "At least 58", None),
                                 ("Médecins Sans Frontières", "killed", "12", "children"),
                                 ("Médecins Sans Frontières", "injured", "140", None)}


def test_a_figure_joined_by_a_lowercase_and_keeps_the_speaker_at_the_end() -> None:
    text = "Ferry fire\n\nSeven passengers died and a dozen are missing after a fire, the coastguard said on Saturday.\n"
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Coastguard", "killed", "Seven"), ("Coastguard", "missing", "a dozen")}


def test_the_fire_service_is_a_new_source_not_the_last_one_named() -> None:
    text = ("Quake live\n\nThe Red Crescent says 8,500 people are sleeping outdoors, a spokeswoman said.\n\n"
            "Rescuers have pulled 37 people alive from the rubble, the fire service said.\n")
    assert ("Fire service", "rescued", "37", None) in _attributed(text)


def test_clock_times_in_a_live_blog_are_not_figures() -> None:
    assert [s.stated for s in find_figures("09:42 Death toll rises to 134")] == ["134"]


def test_a_statement_titled_press_statement_of_a_body_speaks_for_that_body() -> None:
    text = ("Press statement of the Ministry of Internal Affairs of Karvia\n\n"
            "Law-enforcement officers detained 118 persons for violating public order.\n")
    assert _attributed(text) == {("Ministry of Internal Affairs of Karvia", "detained", "118", None)}


def test_a_revised_toll_and_the_earlier_one_belong_to_who_revised_it() -> None:
    text = ("Mine toll revised\n\nThe Trellan mining authority on Wednesday raised the number of workers killed in the "
            "explosion to 54, up from the 32 it had announced on Tuesday. Nine miners are still unaccounted for, "
            "the authority said.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Trellan mining authority", "killed", "54"), ("Trellan mining authority", "killed", "32"),
        ("Trellan mining authority", "missing", "Nine")}


def test_army_statements_neutralise_and_martyr() -> None:
    text = ("Statement by the General Command\n\nOur forces neutralised 43 terrorists and arrested 16 others. "
            "Regrettably, 5 of our soldiers were martyred.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("killed", "43"), ("arrested", "16"), ("killed", "5")}


def test_a_body_named_by_a_place_and_a_lowercase_head_is_that_body() -> None:
    text = ("Clashes in Sell\n\nThe UN mission in Pardova said at least 27 civilians had been killed. Up to 40,000 "
            "people had fled the southern districts, the mission said. A doctor at Al-Noor hospital said 46 bodies "
            "had been brought in.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("UN mission", "killed", "at least 27"), ("UN mission", "displaced", "Up to 40,000"),
        ("Al-Noor hospital", "killed", "46")}


@pytest.mark.parametrize("sentence", ["Dozens of families were still missing relatives, residents said.",
                                      "The governor said 600 households would be moved to new shelters."])
def test_families_and_households_are_not_counts_of_people(sentence: str) -> None:
    assert _attributed(f"Camps\n\n{sentence}\n") == set()


def test_re_extracting_a_stored_article_reuses_its_document_and_proposes_only_new_claims(
        tmp_path: Path, db_path: Path) -> None:
    article = tmp_path / "raid.txt"
    article.write_text("Raid in Vila Serra\n\nPOLICE killed 19 people in a raid on Thursday, security officials said. "
                       "Residents said at least 25 people had died. More than 40 homes were damaged in the raid.\n",
                       encoding="utf-8")
    assert run_cli("init", "--db", db_path).exit_code == 0
    first = run_cli("extract", "--db", db_path, article, "--document-id", "vila-serra-raid", "--published", "2024-05-06")
    draft = yaml.safe_load(first.stdout)
    assert len(draft["claims"]) == 3
    kept = draft["claims"][:1]  # the reviewer imports one claim of the three
    (tmp_path / "first.yaml").write_text(yaml.safe_dump({**draft, "claims": kept}), encoding="utf-8")
    assert run_cli("import", "--db", db_path, tmp_path / "first.yaml").exit_code == 0

    again = run_cli("extract", "--db", db_path, article, "-o", tmp_path / "again.yaml")
    assert again.exit_code == 0, again.output
    redraft = yaml.safe_load((tmp_path / "again.yaml").read_text(encoding="utf-8"))
    assert "documents" not in redraft
    assert [c["quote"] for c in redraft["claims"]] == [c["quote"] for c in draft["claims"][1:]]
    assert {c["document"] for c in redraft["claims"]} == {"vila-serra-raid"}
    result = run_cli("import", "--db", db_path, tmp_path / "again.yaml")
    assert result.exit_code == 0, result.output
    assert "claims: 2 added" in result.output
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("SELECT id, published FROM documents").fetchall() == [("vila-serra-raid", "2024-05-06")]
    last = run_cli("extract", "--db", db_path, article)
    assert "claims: []  # nothing new" in last.stdout


def test_the_article_is_never_written_over_and_devices_are_refused(article: Path) -> None:
    before = article.read_bytes()
    same = run_cli("extract", article, "-o", article)
    assert same.exit_code == 1 and "that is the article itself" in same.output and "Traceback" not in same.output
    assert article.read_bytes() == before
    device = run_cli("extract", "/dev/zero")
    assert device.exit_code == 1 and "not a regular file" in device.output


def test_an_article_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    from factdb.extract import MAX_ARTICLE_BYTES

    big = tmp_path / "big.txt"
    big.write_text("Police said 12 people were killed.\n" * (MAX_ARTICLE_BYTES // 30), encoding="utf-8")
    result = run_cli("extract", big)
    assert result.exit_code == 1 and "limit for one article" in result.output


def test_without_a_database_the_extractor_says_sources_are_not_matched(article: Path) -> None:
    result = run_cli("extract", article)
    assert result.exit_code == 0 and "No database (factdb.sqlite not found)" in result.stderr


def test_a_source_quoted_by_another_is_the_source_and_the_other_relays_it() -> None:
    text = ("Mass trial\n\nA court sentenced 39 people to death on Sunday, according to defence lawyers quoted by "
            "Human Rights Watch.\n")
    draft = extract(text, document_id="t", text_file="t.txt")
    found = [(c.source, c.via, f.metric, f.stated) for c in draft.claims for f in c.figures]
    assert found == [("defence-lawyers", "human-rights-watch", "sentenced_to_death", "39")]


@pytest.mark.parametrize(("text", "expected"), [
    ("Villagers contacted by phone said 11 civilians had been killed.", ("Villagers", "killed", "11")),
    ("Army Watch said troops had killed 28 rebels near Kalaw.", ("Army Watch", "killed", "28")),
    ("The group said 35 detainees had been transferred to a military prison.", ("Group", "transferred", "35")),
])
def test_speakers_and_metrics_of_wire_copy(text: str, expected: tuple[str, str, str]) -> None:
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(f"Report\n\n{text}\n")} == {expected}


def test_credible_reports_are_a_noun_and_we_is_the_press_releases_voice() -> None:
    text = ("Halvor: detentions\n\nThe Halvor Centre for Human Rights (HCHR) has documented 312 detentions. We have "
            "also received credible reports that 23 detainees were beaten in custody.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Halvor Centre for Human Rights", "detained", "312"), ("Halvor Centre for Human Rights", "injured", "23")}


def test_of_the_total_continues_the_sentence_before() -> None:
    text = ("Prisoners\n\nThe network counts 214 political prisoners in Norra. Of the total, 28 are women.\n")
    assert _attributed(text) == {("Network", "detained", "214", "political prisoners"),
                                 ("Network", "detained", "28", "women")}


def test_a_revised_figure_is_marked_and_the_new_claim_supersedes_the_earlier_one(tmp_path: Path, db_path: Path) -> None:
    article = tmp_path / "dam.txt"
    article.write_text("Dam toll rises\n\nThe agency had initially reported 38 deaths on Monday. On Thursday the agency "
                       "said 163 people had been killed. The Red Cross, raising its earlier toll of 208, said 240 "
                       "people had been killed.\n", encoding="utf-8")
    draft = tmp_path / "dam.yaml"
    assert run_cli("extract", article, "--published", "2024-08-01", "-o", draft).exit_code == 0
    text = draft.read_text(encoding="utf-8")
    assert "# GUESS supersedes dam-agency-1" in text
    assert text.count("an earlier figure, since revised") == 4  # the 38 and the 208, in comment and reason
    assert run_cli("init", "--db", db_path).exit_code == 0
    result = run_cli("import", "--db", db_path, draft)
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db_path) as connection:
        rows = connection.execute("SELECT c.quote, old.id FROM claims c JOIN claims old ON old.pk = c.supersedes_pk").fetchall()
    # the Red Cross revises within one sentence: its earlier toll is quoted by its own clause and superseded
    assert sorted(rows) == [("On Thursday the agency said 163 people had been killed.", "dam-agency-1"),
                            ("The Red Cross, raising its earlier toll of 208, said 240 people had been killed.",
                             "dam-red-cross-3")]
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("SELECT quote FROM claims WHERE id = 'dam-red-cross-3'").fetchone() == (
            "raising its earlier toll of 208",)


def test_a_revision_clause_ending_the_sentence_leaves_the_figure_now_its_shortest_quote() -> None:
    text = ("Quake\n\nThe civil protection agency says 134 people are now confirmed dead, raising its earlier toll "
            "of 96.\n")
    draft = extract(text, document_id="q", text_file="q.txt")
    assert [(c.id, c.supersedes, c.quote, [f.stated for f in c.figures]) for c in draft.claims] == [
        ("q-civil-protection-agency-1", None, text.split("\n\n")[1].strip(), ["96"]),
        (None, "q-civil-protection-agency-1", "The civil protection agency says 134 people are now confirmed dead",
         ["134"])]


@pytest.mark.parametrize(("sentence", "metric"), [
    ("About 300 prisoners are refusing food, the committee said.", "hunger_strikers"),
    ("Rescuers had saved 211 people, the coastguard said.", "rescued"),
    ("More than 90,000 people now live in the eleven camps of Lower Seva.", "displaced"),
    ("One body has been recovered, the fire brigade said.", "killed"),
    ("Seven detainees required hospital treatment, the centre said.", "hospitalised"),
    ("Some 61,300 people are in evacuation centres, the agency said.", "displaced"),
    ("Two hundred residents have been moved to a school, the mayor said.", "displaced"),
    ("Our teams have recorded the expulsion of at least 2,780 people, the group said.", "expelled"),
    ("Our researchers documented 73 cases of torture, the group said.", "tortured"),
    ("The country's prisons held 68,400 people at the end of June, the inspectorate said.", "prisoners"),
    ("The prison, built for 900 inmates, now holds more than 2,000, the monitor said.", "prisoners"),
    ("The report recorded 37 suicides, the inspectorate said.", "suicides"),
    ("It recorded 1,100 assaults on staff, the inspectorate said.", "assaults"),
    ("The World Health Organization reported 9 health facilities damaged.", "damaged"),
    ("The charity said 1,340 children under five had been admitted to its nutrition centres.", "hospitalised"),
    ("The port authority said it had counted 3,100 workers absent.", "strikers"),
    ("The remains of 1,870 others have been identified, the committee said.", "killed"),
    ("The network counts 214 prisoners in Norra and 96 in Vest, for a total of 310.", "detained"),
    ("The Red Crescent says about 8,500 people spent the night outdoors in Ulm.", "displaced"),
])
def test_more_wording_of_real_reporting_names_the_metric(sentence: str, metric: str) -> None:
    assert {m for _, m, _, _ in _attributed(f"Report\n\n{sentence}\n")} == {metric}


@pytest.mark.parametrize(("sentence", "stated", "value"), [
    ("Rescuers had saved two hundred and eleven people, he added.", "two hundred and eleven", 211),
    ("Twenty-three of them were children.", "Twenty-three", 23),
    ("Some nineteen hundred people marched.", "Some nineteen hundred", 1900),
])
def test_compound_number_words_are_one_figure_read_by_the_figure_grammar(sentence: str, stated: str, value: int) -> None:
    assert [(span.stated, span.figure.value) for span in find_figures(sentence)] == [(stated, value)]


def test_a_number_word_the_grammar_does_not_join_is_not_split_into_two_figures() -> None:
    assert find_figures("Rescuers had saved a hundred and fifty people, he added.") == []


@pytest.mark.parametrize(("text", "expected"), [
    # a title naming the body before "statement"
    ("Ministry of Information statement on the events in Belvar\n\nThe total number of deaths was four.\n",
     {("Ministry of Information", "killed", "four", None)}),
    # a briefing summary names the agency whose spokesperson spoke
    ("Arrivals top 90,000\n\nThis is a summary of what was said by UNHCR spokesperson Ana Lind at today's press "
     "briefing.\n\nMore than 90,000 refugees have crossed into Tamsen since March.\n",
     {("UNHCR", "refugees", "More than 90,000", None)}),
    # a press release in the first person: the subject of its first sentence, past a dateline and a date line
    ("Torture in custody\n\nPress release – 18 February 2025\n\n(London, 4 March 2025) – Freedom from Torture "
     "Tamsar today published its findings. At least 8 detainees died in custody, we found.\n",
     {("Freedom from Torture Tamsar", "killed", "At least 8", "prisoners")}),
])
def test_the_articles_own_voice_is_read_from_its_title_briefing_line_or_first_sentence(
        text: str, expected: set[tuple[str, str, str, str | None]]) -> None:
    assert _attributed(text) == expected


def test_a_sentence_opening_on_a_count_goes_on_with_the_speaker_before_it() -> None:
    text = ("Landslide\n\nRescuers pulled three people alive from the mud, the provincial fire brigade said. "
            "Four people are still trapped, and one body has been recovered.\n\n"
            "Twelve people died in a similar landslide in 2019.\n")
    assert _attributed(text) == {("Provincial fire brigade", "rescued", "three", None),
                                 ("Provincial fire brigade", "missing", "Four", None),
                                 ("Provincial fire brigade", "killed", "one", None),
                                 ("Author of “Landslide”", "killed", "Twelve", None)}


def test_an_age_limit_after_a_verb_is_not_a_count() -> None:
    text = "Toll\n\nAt least 40 people were killed, the league said. Five of the dead were under 18.\n"
    assert {stated for _, _, stated, _ in _attributed(text)} == {"At least 40", "Five"}


def test_a_plural_possessive_names_the_source_and_a_list_by_place_keeps_its_metric() -> None:
    text = ("Displacement\n\nThe regional authorities' latest figures show 45,200 displaced people in Ardo, "
            "31,750 in Besk and 12,100 in Cova.\n")
    assert _attributed(text) == {("Regional authorities", "displaced", stated, None)
                                 for stated in ("45,200", "31,750", "12,100")}


def test_one_of_the_officials_and_the_officials_are_the_officials_named_before() -> None:
    text = ("Detentions\n\nSecurity forces have detained more than 400 people, two security officials told Reuters.\n\n"
            "One of the officials said 35 of those detained had been transferred to a military prison. The officials "
            "also said 8 protesters had been killed, a toll the interior ministry disputed, putting it at 3.\n")
    assert _attributed(text) == {("Security officials", "detained", "more than 400", None),
                                 ("Security officials", "transferred", "35", None),
                                 ("Security officials", "killed", "8", "protesters"),
                                 ("Interior ministry", "killed", "3", None)}


def test_of_them_in_a_new_paragraph_counts_what_the_paragraph_before_counted() -> None:
    text = ("Crackdown\n\nNearly 500 people have been detained, the monitor ArvanWatch said.\n\n"
            "At least 37 of them are minors, the group said.\n")
    assert _attributed(text) == {("ArvanWatch", "detained", "Nearly 500", None),
                                 ("ArvanWatch", "detained", "At least 37", "children")}


def test_the_army_is_not_the_military_sources_and_a_clause_is_not_their_role() -> None:
    text = ("Attack\n\nMilitants killed at least 35 soldiers in an attack on an army base, two military sources told "
            "Reuters.\n\nThe army said its troops had \"neutralised\" about 60 assailants.\n")
    assert _attributed(text) == {("Military sources", "killed", "at least 35", "soldiers"),
                                 ("Army", "killed", "about 60", "fighters")}


def test_a_verb_after_refugees_says_what_happened_to_them() -> None:
    text = ("Camps\n\nAt least 23 refugees, most of them young children, have died of malnutrition, UNHCR said.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {("killed", "At least 23")}


def test_a_live_blogs_timed_subheading_restates_its_entry_and_is_not_the_authors() -> None:
    text = ("Quake – live\n\n09:42 Death toll rises to 134\nThe civil protection agency says 134 people are now "
            "confirmed dead.\n")
    assert _attributed(text) == {("Civil protection agency", "killed", "134", None)}


def test_one_crew_member_among_the_dead_is_a_count() -> None:
    text = "Ferry\n\nOne crew member was among the dead, coastguard spokesman Tomas Brenn said.\n"
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {("killed", "One")}


def test_a_quote_is_the_shortest_clause_with_the_figure_and_its_attribution(tmp_path: Path, db_path: Path) -> None:
    article = tmp_path / "attack.txt"
    article.write_text(
        "Attack\n\nKABRI, May 14 (Reuters) - A suicide bomber killed at least 22 people at a checkpoint on Tuesday, "
        "two security officials told Reuters, in the deadliest attack this year. More than 40 others were wounded, "
        "one of the officials said, speaking on condition of anonymity.\n", encoding="utf-8")
    draft = extract(article.read_text(encoding="utf-8"), document_id="attack", text_file="attack.txt")
    assert [c.quote for c in draft.claims] == [
        "A suicide bomber killed at least 22 people at a checkpoint on Tuesday, two security officials told Reuters",
        "More than 40 others were wounded, one of the officials said"]
    # verbatim, on word boundaries: the draft imports as written
    (tmp_path / "draft.yaml").write_text(draft_to_yaml(draft), encoding="utf-8")
    assert run_cli("init", "--db", db_path).exit_code == 0
    result = run_cli("import", "--db", db_path, tmp_path / "draft.yaml")
    assert result.exit_code == 0, result.output


def test_the_total_in_a_later_paragraph_counts_what_the_article_was_counting() -> None:
    text = ("Displacement\n\nThe regional authorities say 45,200 people have been displaced in Ardo.\n\n"
            "The International Organization for Migration said its own tracking put the total at about 102,000.\n")
    assert _attributed(text) == {("Regional authorities", "displaced", "45,200", None),
                                 ("International Organization for Migration", "displaced", "about 102,000", None)}


def test_a_speaker_reported_by_another_is_the_source_and_the_reporter_relays_it() -> None:
    draft = extract("Orvik\n\nAmnesty International said the authorities had acknowledged only 11 deaths.\n",
                    document_id="o", text_file="o.txt")
    names = {s.id: s.name for s in draft.sources}
    assert [(names[c.source], names[c.via] if c.via else None, [f.stated for f in c.figures]) for c in draft.claims] \
        == [("Authorities", "Amnesty International", ["only 11"])]


def test_speaker_lines_of_briefing_notes_speak_for_their_agency_until_the_next_speaker() -> None:
    text = ("Briefing notes\n\nUNHCR spokesperson Olga Demir: We have registered 3,100 new refugees this week. "
            "Some 450 people are stranded at the border.\n\nOHCHR spokesperson Ravina Shamdasani: According to "
            "information we have received, at least 48 civilians were killed.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("UNHCR", "refugees", "3,100"), ("UNHCR", "displaced", "Some 450"), ("OHCHR", "killed", "at least 48")}


def test_a_line_leading_into_a_table_names_who_gives_its_rows() -> None:
    text = ("Flood damage\n\nFigures compiled by the Civil Protection Agency, as of Monday:\n\nIn Ardo, 12 people "
            "died and 300 homes were destroyed; Besk had no one missing.\n\nThe Red Cross said 40 of its "
            "volunteers had been injured.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Civil Protection Agency", "killed", "12"), ("Civil Protection Agency", "damaged", "300"),
        ("Red Cross", "injured", "40")}


@pytest.mark.parametrize("lead_in", [
    "The Selvan Casualty Monitor (SCM) released its yearly report on Monday. Its count of civilian deaths, by month:",
    "The Selvan Casualty Monitor published new data this week. In the north, its latest figures show:",
    "The Selvan Casualty Monitor issued its monthly bulletin on Friday. Its figures for the first two months:",
    "The Selvan Casualty Monitor, an independent group, keeps the only full record. Its tally since January:",
])
def test_a_table_lead_in_naming_the_body_only_as_owner_of_the_count_gives_it_the_rows(lead_in: str) -> None:
    text = (f"Deaths in Selvan\n\n{lead_in}\n\nMarch: 41 killed, 90 injured.\nApril: 37 killed, 102 injured.\n\n"
            "The interior ministry said 12 police officers had been killed.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Selvan Casualty Monitor", "killed", "41"), ("Selvan Casualty Monitor", "injured", "90"),
        ("Selvan Casualty Monitor", "killed", "37"), ("Selvan Casualty Monitor", "injured", "102"),
        ("Interior ministry", "killed", "12")}


@pytest.mark.parametrize(("sentence", "speaker"), [
    ("The civil defence agency said 9,000 people had left. A spokesman said 1,200 of them were in shelters.",
     "Civil defence agency"),
    ("The Red Cross said it had sent 40 volunteers. A spokeswoman said 300 people had been treated.", "Red Cross"),
    ("Ivo Darr, mayor of Tesk, the village nearest to the fault line, told radio that 1,200 people had fled.",
     "Ivo Darr"),
    ("Anna Berg, head of Orm district, the worst-hit district, said 1,200 people had fled.", "Anna Berg"),
    ("The interior ministry said 1,200 people had fled. Nine people, among them a man the police believe was the "
     "driver, have been arrested.", "Interior ministry"),
])
def test_a_source_is_a_name_a_body_or_a_role_tied_to_one_never_a_place_or_a_bare_role(sentence: str,
                                                                                     speaker: str) -> None:
    assert {name for name, _, stated, _ in _attributed(f"Quake in Orm\n\n{sentence}\n") if stated == "1,200"
            or stated == "300"} == {speaker}
    assert not {name for name, *_ in _attributed(f"Quake in Orm\n\n{sentence}\n")} & {
        "Spokesman", "Spokeswoman", "Village nearest to fault line", "Among them man police", "Worst-hit district"}


@pytest.mark.parametrize(("first", "second", "speaker"), [
    ("14:05\nOur correspondent is at the main hospital. A doctor there, Elin Marsh, told her that 40 people had been "
     "admitted.", "13:40\nRegional police chief Jonas Krell has been speaking to reporters. He said 23 people had been "
     "arrested for looting.", "Jonas Krell"),
    ("14:05 Hospital update\nDr Elin Marsh said 40 people had been admitted.", "13:40 Arrests\nInterior Minister Maja "
     "Holt spoke in parliament. She said 23 people had been arrested for looting.", "Maja Holt"),
    ("2.05pm\nThe mayor, Petra Sund, said 40 homes had been destroyed.", "1.40pm\nFire chief Anders Lok spoke to "
     "reporters at the dam. He said 23 people were still missing.", "Anders Lok"),
])
def test_a_live_blog_entry_gives_its_figures_to_its_own_speaker_not_one_an_earlier_entry_named(
        first: str, second: str, speaker: str) -> None:
    text = f"Floods in Arn – live\n\n{first}\n\n{second}\n"
    assert {name for name, _, stated, _ in _attributed(text) if stated == "23"} == {speaker}


@pytest.mark.parametrize(("sentence", "source"), [
    ("The Orm District Health Office, citing records from the district's two hospitals, reports that 61 people have "
     "died.", "Orm District Health Office"),
    ("The regional health directorate, citing hospital data, said 61 people had died.", "Regional health directorate"),
    ("The Red Crescent, citing its own records, says 61 people have died.", "Red Crescent"),
    ("The regional health directorate, citing the Orm Medical Association, said 61 people had died.",
     "Orm Medical Association"),
])
def test_records_a_speaker_cites_do_not_speak_but_a_body_it_cites_does(sentence: str, source: str) -> None:
    assert {name for name, *_ in _attributed(f"Fighting in Orm\n\n{sentence}\n")} == {source}


@pytest.mark.parametrize("part", ["Among the dead are 22 children and 14 women.",
                                  "Among those killed were 22 children and 14 women.",
                                  "Among the injured are 22 children and 14 women."])
def test_among_the_dead_goes_on_with_the_speaker_of_the_count_before(part: str) -> None:
    text = ("Report: Vell\n\nThe Vell District Health Office reports that at least 87 people have been killed and 240 "
            f"injured in the town. {part}\n")
    assert {name for name, *_ in _attributed(text)} == {"Vell District Health Office"}


@pytest.mark.parametrize(("sentence", "body"), [
    ("Velmar's defence ministry says 312 civilians were killed.", "Velmar's defence ministry"),
    ("Velmar's interior ministry said 312 people had been arrested.", "Velmar's interior ministry"),
    ("Velmar's civil protection agency says 312 people were rescued.", "Velmar's civil protection agency"),
])
def test_a_place_owning_a_body_is_no_short_name_of_another_body_named_after_that_place(sentence: str,
                                                                                      body: str) -> None:
    text = f"Counts in Velmar\n\nThe Velmar Civilian Harm Monitor said 804 civilians were killed in 2026.\n\n{sentence}\n"
    assert {name for name, _, stated, _ in _attributed(text) if stated == "312"} == {body}


@pytest.mark.parametrize("sentence", [
    "Human Rights Watch obtained internal prison records. The records show that 19 prisoners died in custody.",
    "Human Rights Watch said 40 prisoners had died. The documents show that 19 of them were beaten.",
])
def test_records_that_show_a_figure_are_no_source(sentence: str) -> None:
    assert not {name for name, *_ in _attributed(f"Deaths in custody\n\n{sentence}\n")} & {"Records", "Documents"}


def test_a_colon_opens_a_breakdown_place_by_place_and_a_part_is_named_by_what_it_was() -> None:
    text = ("Deaths in custody\n\nThe Lenmark Prison Monitor's report lists 40 deaths in custody: 25 at Central "
            "Prison, 15 at Nardo. Nine of the deaths were suicides.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("killed", "40"), ("killed", "25"), ("killed", "15"), ("suicides", "Nine")}


def test_an_official_update_speaks_in_the_voice_of_the_body_it_opens_on() -> None:
    text = ("Government of Ormand: update on the floods\n\nThe National Emergency Centre (NEC) confirms that 30 "
            "people have died in the floods.\n\nA total of 120 people were injured. As of this morning, the number "
            "of missing stands at 14.\n")
    draft = extract(text, document_id="t", text_file="t.txt")
    assert {(c.source, f.metric, f.stated) for c in draft.claims for f in c.figures} == {
        ("nec", "killed", "30"), ("nec", "injured", "A total of 120"), ("nec", "missing", "14")}


def test_a_quotation_belongs_to_the_speaker_after_it_whatever_clauses_it_holds() -> None:
    text = ('Landslide in Sorel\n\nSOREL, Feb 11 (AFP) - "We have recovered 17 bodies, and we believe at least 40 '
            'people are still under the mud," Ana Ruiz, head of the regional civil protection service, told AFP.\n')
    draft = extract(text, document_id="t", text_file="t.txt")
    names = {s.id: s.name for s in draft.sources}
    assert {(names[c.source], c.via, f.metric, f.stated) for c in draft.claims for f in c.figures} == {
        ("Regional civil protection service", "afp", "killed", "17"),
        ("Regional civil protection service", "afp", "missing", "at least 40")}


def test_key_figures_that_the_body_restates_are_not_claims_of_their_own() -> None:
    text = ("Storm Ilse: Flash Update No. 2\n\nKEY FIGURES\n- 57 people dead\n- At least 9 people missing, "
            "according to the Red Cross\n\nAccording to the Civil Defence Office, 57 people have died. The previous "
            "flash update reported 34 deaths.\n")
    draft = extract(text, document_id="t", text_file="t.txt")
    names = {s.id: s.name for s in draft.sources}
    assert {(names[c.source], f.metric, f.stated) for c in draft.claims for f in c.figures} == {
        ("Red Cross", "missing", "At least 9"), ("Civil Defence Office", "killed", "57"),
        ("UN Office for the Coordination of Humanitarian Affairs", "killed", "34")}


def test_what_people_own_is_a_thing_and_he_is_the_person_named_latest() -> None:
    text = ("Demonstration in Harbour Square\n\nAround 3,500 people attended the demonstration, district officials "
            "told Reuters. Four police vehicles were damaged.\n\nMost of the injured were young men, said Ravi Anand, "
            "a senior police officer. He said 11 people were in a critical condition.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("District officials", "protesters", "Around 3,500"), ("District officials", "damaged", "Four"),
        ("Ravi Anand", "injured", "11")}


def test_refugees_sheltering_stay_refugees_and_miners_brought_to_the_surface_are_rescued() -> None:
    text = ("Arrivals in Oltan\n\nMore than 9,500 refugees are now sheltering at the transit centre, UNHCR said. "
            "Rescue teams brought nine miners to the surface on Wednesday, the emergencies ministry said.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("refugees", "More than 9,500"), ("rescued", "nine")}


def test_an_aside_speaks_for_its_sentence_and_listed_by_names_who_lists() -> None:
    text = ("Missing migrants\n\nSeven drowned in the Aegean, and four are still listed as missing by the "
            "International Committee of the Red Cross. Across the province, the ICRC says, families have "
            "registered 1,370 missing migrants since 2015.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Author of “Missing migrants”", "killed", "Seven"),
        ("International Committee of the Red Cross", "missing", "four"),
        ("International Committee of the Red Cross", "missing", "1,370")}


def test_an_earlier_figure_after_the_or_its_earlier_toll_counts_what_the_figure_now_counts() -> None:
    text = ("Earthquake\n\nThe civil defence agency says 243 people have lost their lives, raising its earlier toll "
            "of 208 as rescue teams reached remote villages. The doctors' union says nine protesters have died, "
            "up from the six it reported this morning.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("killed", "243"), ("killed", "208"), ("killed", "nine"), ("killed", "six")}


def test_a_quote_ends_with_the_clause_of_its_last_figure_when_the_attribution_comes_first() -> None:
    quotes = {}
    for sentence in ("According to the civil defence, 57 people have died, most of them in landslides in Saro.",
                     "Police said 12 people were arrested after the march, which drew crowds to the capital.",
                     "The ministry said 73 people had died, citing records from the city's four hospitals."):
        draft = extract(f"T\n\n{sentence}\n", document_id="t", text_file="t.txt")
        quotes[sentence] = [claim.quote for claim in draft.claims]
    assert list(quotes.values()) == [
        ["According to the civil defence, 57 people have died"],
        ["Police said 12 people were arrested after the march"],
        ["The ministry said 73 people had died, citing records from the city's four hospitals."]]


def test_rescues_told_by_how_people_were_taken_out_are_rescued() -> None:
    text = ("Flooding on the Arn\n\nVolunteers in kayaks plucked 31 people from the floodwaters, the fire brigade "
            "said. A navy helicopter winched up eleven hikers from the rocks. A trawler picked up 16 people who "
            "were clinging to an upturned hull, the coastguard said. Police picked up 40 protesters outside "
            "parliament.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text) if metric == "rescued"} == {
        ("rescued", "31"), ("rescued", "eleven"), ("rescued", "16")}


def test_people_searched_for_or_last_seen_are_missing_and_those_who_left_their_homes_displaced() -> None:
    text = ("Storm\n\nDivers were searching the lake on Sunday for nine students, the regional governor said. "
            "Four of the activists were last seen at a checkpoint near Dunn, their lawyer said. "
            "About 2,300 villagers have abandoned their homes in the valley, the mayor said. "
            "Some 7,000 people have crossed the Tessin border since Friday, UNHCR said.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("missing", "nine"), ("missing", "Four"), ("displaced", "About 2,300"), ("refugees", "Some 7,000")}


def test_treated_in_hospital_is_hospitalised_and_the_number_of_displaced_is_displaced() -> None:
    text = ("Clashes\n\nThirty-one people were injured and 14 were being treated in hospital on Monday, police "
            "said. The Red Cross puts the number of displaced much higher, at about 52,000.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Police", "injured", "Thirty-one"), ("Police", "hospitalised", "14"),
        ("Red Cross", "displaced", "about 52,000")}


def test_a_capacity_is_not_a_count_but_more_than_a_hundred_on_board_is() -> None:
    text = ("Bus crash\n\nThe coach, which was licensed to carry 52 passengers, was carrying more than a hundred "
            "when it left the road, police said. A bus that can seat 40 people was sent to collect them.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {("passengers", "more than a hundred")}


def test_she_is_a_person_a_sentence_opened_on_and_one_of_five_is_not_a_count() -> None:
    text = ("The road to Vell\n\nSeveral people have died on the mountain road this winter, the highway authority "
            "says.\n\nAnna Kirov, 47, runs the café at the pass. Her cousin was one of four drivers killed when an "
            "avalanche swept the road in February, she says.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Highway authority", "killed", "Several"), ("Anna Kirov", "killed", "four")}


def test_a_figure_a_speaker_compiled_from_informants_stays_the_speaker_s() -> None:
    text = ("Crackdown\n\nThe union says 61 members have been arrested. It said it had compiled its list from "
            "families and colleagues, and that 12 of those held were women.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Union", "arrested", "61"), ("Union", "arrested", "12")}


def test_among_those_executed_were_names_the_metric_before_the_number() -> None:
    text = ("Executions\n\nAmong those executed on Tuesday were three men convicted of drug offences, the rights "
            "group said.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {("executed", "three")}


def test_a_count_compared_against_another_and_part_of_a_group_of_candidates() -> None:
    text = ("Quarterly figures\n\nThe monitor said 40 detainees had been freed, against 65 newly detained. The "
            "Workers' Party, which took 21 per cent according to the electoral board, says at least seven of its 80 "
            "candidates are among those arrested.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Monitor", "released", "40"), ("Monitor", "detained", "65"), ("Workers' Party", "arrested", "at least seven")}


def test_a_live_blog_speaks_for_its_newsroom_and_he_can_be_a_role_named_before() -> None:
    text = ("Live: strike in Doral – latest updates\n\n11:05\nPolice detained about 40 pickets outside the depot, our "
            "reporter says. The Doral Transport Union says 3,000 drivers joined the rally.\n\n10:30\nAt least two "
            "people were killed when a truck drove into the crowd, according to a hospital director. Nine were "
            "wounded, he said.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Author of “Live: strike in Doral – latest updates”", "detained", "about 40"),
        ("Doral Transport Union", "protesters", "3,000"), ("Hospital director", "killed", "At least two"),
        ("Hospital director", "injured", "Nine")}


def test_people_who_vanished_sheltered_in_camps_or_sought_safety_abroad() -> None:
    text = ("Valley of Ost\n\nMore than 120 men from the valley have vanished since May, the bar association says. "
            "The settlement now shelters 8,400 people, the site manager, Rena Holt, says. Another 52,000 have sought "
            "refuge across the border, UNHCR estimates. Police were seen beating 14 students.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Bar association", "missing", "More than 120"), ("Rena Holt", "displaced", "8,400"),
        ("UNHCR", "refugees", "52,000"),
        ("Author of “Valley of Ost”", "injured", "14")}


def test_guests_buried_and_two_speakers_joined_by_and() -> None:
    text = ("Attack on a wedding\n\nGunmen killed at least nine guests at a wedding in Tarn, a police officer and a "
            "witness told AFP. \"We buried nine people today,\" said Omar Bey, the bride's uncle. The fighting has "
            "killed 3,000 people, according to the Armed Conflict Location & Event Data Project.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Police officer", "killed", "at least nine"), ("Omar Bey", "killed", "nine"),
        ("Armed Conflict Location & Event Data Project", "killed", "3,000")}


def test_he_can_be_a_doctor_a_feature_introduces_with_who() -> None:
    text = ("The ward\n\nDr Lena Sorr, who runs the burns unit, has not left the hospital for a week. Since Monday "
            "26 patients have died in the unit, she says.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {("Lena Sorr", "killed", "26")}


def test_a_bullet_is_no_part_of_the_source_and_updated_figures_name_who_updated_them() -> None:
    text = ("Mine flood\n\n- The mines inspectorate says 12 miners are trapped.\n\nThe inspectorate has updated its "
            "figures: 14 trapped, 3 dead. Earlier it had reported 2 deaths.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Mines inspectorate", "missing", "12"), ("Mines inspectorate", "missing", "14"),
        ("Mines inspectorate", "killed", "3"), ("Mines inspectorate", "killed", "2")}


def test_a_title_naming_its_issuer_before_a_colon_gives_the_statement_s_voice() -> None:
    text = ("Ministry of Defence: Statement on the incident at Kora\n\nTwelve servicemen were injured and 5 of them "
            "are being treated in the district hospital. Three soldiers face criminal charges. Reports in local media "
            "that 20 soldiers died are false. Gunmen seized 8 people from their homes in Kora.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Ministry of Defence", "injured", "Twelve"), ("Ministry of Defence", "hospitalised", "5"),
        ("Ministry of Defence", "charged", "Three"), ("Local media", "killed", "20"),
        ("Ministry of Defence", "captured", "8")}


def test_a_speaker_after_said_with_a_long_description_is_the_he_that_follows() -> None:
    text = ("Boat found\n\nNineteen people died on the boat, aid workers said. \"We drank sea water,\" said Yonas "
            "Berhe, a 23-year-old from the coast, speaking from a clinic in the port of Essen on Friday. He said "
            "at least four of the dead were women.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Aid workers", "killed", "Nineteen"), ("Yonas Berhe", "killed", "at least four")}


def test_an_agent_right_after_a_figure_gives_it_and_it_is_the_speaker_of_the_sentence_before() -> None:
    text = ("Prison fire\n\nThe fire killed at least 60 inmates, the Lusa Prisoners' Committee said, far more than the "
            "31 deaths admitted by the prisons service. The committee said it had spoken to families. Another 20 "
            "inmates suffered severe burns, it said.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Lusa Prisoners' Committee", "killed", "at least 60"), ("Prisons service", "killed", "31"),
        ("Lusa Prisoners' Committee", "injured", "20")}


def test_estimate_that_is_a_verb_not_a_figure_pointing_back_and_evacuation_sites_hold_the_displaced() -> None:
    text = ("Siege\n\nDoctors treated 40 people for gunshot wounds, the hospital said. Police now estimate that "
            "around 90 staff are still inside the building. The council says 5,200 people are living in evacuation "
            "sites.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Hospital", "injured", "40"), ("Council", "displaced", "5,200")}


def test_a_possessive_name_with_an_acronym_is_the_body_the_acronym_stands_for() -> None:
    draft = extract("Flight\n\nThe United Nations' humanitarian office (OCHA) said about 4,000 people had fled the "
                    "town since Wednesday.\n", document_id="t", text_file="t.txt")
    assert [(s.name, s.aliases) for s in draft.sources if s.id == draft.claims[0].source] == [
        ("United Nations' humanitarian office", ["OCHA"])]


def test_people_nouns_and_states_batch_eight_missed_are_read() -> None:
    text = ("Harbour\n\nTwelve fishermen are still missing after the storm, the port authority said. Among the dead "
            "were four schoolchildren, the mayor said. Nine miners never came up from the shaft, the company said. "
            "One voter was killed outside a polling station, police said.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Port authority", "missing", "Twelve"), ("Mayor", "killed", "four"), ("Company", "missing", "Nine"),
        ("Police", "killed", "One")}


def test_charges_trials_vans_and_letting_go_are_metrics() -> None:
    text = ("Courts\n\nProsecutors dropped charges against 14 students, the lawyers' collective said. Five more are "
            "being tried on fraud charges, it said. The Reporters' Guild says eight reporters were taken away in police "
            "vans, three of whom have since been let go.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Lawyers' collective", "charged", "14"), ("Lawyers' collective", "charged", "Five"),
        ("Reporters' Guild", "detained", "eight"), ("Reporters' Guild", "released", "three")}


def test_half_a_million_is_a_figure() -> None:
    text = "Exodus\n\nMore than half a million people have been forced from their homes, the agency said.\n"
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Agency", "displaced", "More than half a million")}


def test_a_summary_heading_in_a_live_blog_restates_the_entries_below() -> None:
    text = ("Storm live\n\nSummary\n- 23 people have died\n- 4,000 evacuated\n\n10:15 The civil defence agency says "
            "23 people have died and 4,000 people have been evacuated.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Civil defence agency", "killed", "23"), ("Civil defence agency", "displaced", "4,000")}


def test_a_possessive_place_name_and_a_government_s_report_name_their_source() -> None:
    text = ("Clashes\n\nA nurse at St Brigid's clinic told us 30 people were treated for burns. The Orlan government's "
            "final report counts 200 people dead.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("St Brigid's clinic", "injured", "30"), ("Orlan government", "killed", "200")}


def test_a_person_introduced_by_whose_or_by_role_speaks_for_the_quotes_that_follow() -> None:
    text = ("After the flood\n\nThe water came at night. Marta Kell, whose son was a driver, waits at the depot every "
            "day. \"They told us twenty men were trapped,\" she said. Harbour master Jon Brekk walks the quay at dawn. "
            "\"We pulled seven men out alive,\" he said.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Marta Kell", "missing", "twenty"), ("Jon Brekk", "rescued", "seven")}


def test_an_appeal_states_its_figures_and_the_issuer_s_self_description_is_not_a_claim() -> None:
    text = ("Free the reporters\n\nThe Committee to Protect Journalists today called on the authorities to free the 12 "
            "journalists who remain behind bars. At least three of them were beaten in custody, according to their "
            "lawyers.\n\nCPJ is an independent, nonprofit organization that promotes press freedom. It has documented "
            "900 journalist killings since 1992.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Committee to Protect Journalists", "detained", "12"), ("Lawyers", "injured", "At least three")}


def test_more_residents_moved_out_and_brought_out_are_counted() -> None:
    text = ("Quake\n\nA spokeswoman for the Red Crescent said 30 more residents of the block were still unaccounted for. "
            "Nearly 40,000 people have been moved out of low-lying districts, the civil defence said. \"By noon they "
            "had brought six of them out,\" the Red Crescent said.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Red Crescent", "missing", "30"), ("Civil defence", "displaced", "Nearly 40,000"),
        ("Red Crescent", "rescued", "six")}


def test_lost_residents_relative_clauses_current_population_and_social_media_claims() -> None:
    text = ("Storm\n\nThe village of Arnel lost 14 residents, according to the mayor. Another 9 fishermen who sailed "
            "before the warning are still missing, the coastguard said.\n\nStatement of the Prisons Service\n\nTwenty "
            "inmates who took part in the violence have been transferred, the prisons service said. The jail, which was "
            "built for 900, currently houses 1,400, it said. Claims circulating on social media that 40 inmates died "
            "are false.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Mayor", "killed", "14"), ("Coastguard", "missing", "9"), ("Prisons service", "transferred", "Twenty"),
        ("Prisons service", "prisoners", "1,400"), ("Social media", "killed", "40")}


def test_a_quotation_that_goes_on_after_its_speaker_is_named_is_still_theirs() -> None:
    text = ("Quarry\n\nThe hill is quiet now.\n\nIvan Mor, a driver who has worked the site for years, was at the gate "
            "when the wall fell. \"We had 30 men below,\" he said. \"By night we had pulled 12 of them out alive.\"\n\n"
            "\"Nine were found dead.\" The regional inspectorate has confirmed 19 deaths.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Ivan Mor", "rescued", "12"), ("Author of “Quarry”", "killed", "Nine"),
        ("Regional inspectorate", "killed", "19")}


def test_wounding_counts_injured_and_a_summary_may_qualify_the_number_the_body_gives() -> None:
    text = ("Bomb live\n\nSummary\n- At least 19 dead, police say\n\n09:10 A bomb hit a bus, killing 19 people and "
            "wounding dozens, police said.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Police", "killed", "19"), ("Police", "injured", "dozens")}


def test_a_revision_of_the_confirmed_death_toll_names_who_counts() -> None:
    text = "Quake\n\nThe interior ministry has just raised the confirmed death toll to 212.\n"
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Interior ministry", "killed", "212")}


def test_critics_are_people_and_coming_across_a_crossing_is_fleeing_abroad() -> None:
    text = ("Border\n\nSecurity forces have forcibly disappeared at least 30 government critics since May, the "
            "monitoring group said. Since the war began, about 8,000 people have come across at this bridge, "
            "according to the border police.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Monitoring group", "missing", "at least 30"), ("Border police", "refugees", "about 8,000")}


@pytest.mark.parametrize(("sentence", "source"), [
    ("At least 640 people have been detained since the vote, by the count of the Ostra Lawyers' Union, which says "
     "few have seen a lawyer.", "Ostra Lawyers' Union"),
    ("By the reckoning of the Pell Port Authority, 640 people have been detained since the vote.", "Pell Port Authority"),
    ("The tally kept by the Marden Relatives' Committee shows that 640 people have been detained since the vote.",
     "Marden Relatives' Committee"),
    ("A list maintained by the Ostra Lawyers' Union puts the number of people detained since the vote at 640.",
     "Ostra Lawyers' Union"),
])
def test_a_count_kept_by_someone_is_theirs(sentence: str, source: str) -> None:
    assert {(name, metric, stated.lower().removeprefix("at least ")) for name, metric, stated, _ in
            _attributed(f"Curfew in Ostra\n\n{sentence}\n")} == {(source, "detained", "640")}


@pytest.mark.parametrize("sentence", [
    "At least 640 people have been held since the vote, the Ostra Lawyers' Union said.",
    "The Ostra Lawyers' Union said police had held at least 640 people since the vote.",
])
def test_held_in_any_tense_counts_detained_people(sentence: str) -> None:
    assert {(name, metric) for name, metric, _, _ in _attributed(f"Curfew in Ostra\n\n{sentence}\n")} == {
        ("Ostra Lawyers' Union", "detained")}


def test_a_meeting_held_is_not_a_detention() -> None:
    assert _attributed("Talks in Ostra\n\nThe Ostra Lawyers' Union said it had held 14 meetings with the minister.\n") == set()


RELEASE_LEAD = "At least 20 people have died in Lusk's prisons this year, the World Prison Monitor said today."
RELEASE_BACKGROUND = "The country's prisons now hold about 9,000 people, twice their capacity."


def test_a_release_that_opens_on_its_issuer_saying_today_speaks_for_it_without_we() -> None:
    text = f"Lusk: deaths in custody\n\n(Geneva, 3 March 2026) – {RELEASE_LEAD}\n\n{RELEASE_BACKGROUND}\n"
    assert _attributed(text) == {("World Prison Monitor", "killed", "At least 20", None),
                                 ("World Prison Monitor", "prisoners", "about 9,000", None)}


def test_a_wire_story_quoting_a_body_today_keeps_its_own_voice() -> None:
    text = f"Deaths in custody in Lusk\n\nLUSK (Reuters) - {RELEASE_LEAD}\n\n{RELEASE_BACKGROUND}\n"
    assert ("World Prison Monitor", "prisoners", "about 9,000", None) not in _attributed(text)
    assert ("World Prison Monitor", "killed", "At least 20", None) in _attributed(text)


@pytest.mark.parametrize(("sentence", "metric"), [
    ("Since the fighting began, 4,200 people have arrived at the Ober camp, the camp manager said.", "displaced"),
    ("The camp manager said 4,200 people had arrived at the reception centre in Ober since Monday.", "displaced"),
    ("The camp manager said 4,200 residents whose homes were destroyed are accommodated in temporary shelters.",
     "displaced"),
    ("More than 4,200 people arrived in neighbouring Tessa last week, the camp manager said.", "refugees"),
])
def test_arrivals_count_displaced_people_or_refugees_by_where_they_arrive(sentence: str, metric: str) -> None:
    assert {m for _, m, _, _ in _attributed(f"Camps in Ober\n\n{sentence}\n")} == {metric}


def test_its_report_is_the_report_of_the_body_named_before() -> None:
    text = ("Quarry collapse in Orsk\n\nThe Orsk Mining Inspectorate said on Monday that it had opened an inquiry.\n\n"
            "Its report, published last week, says two workers remain unaccounted for.\n")
    assert _attributed(text) == {("Orsk Mining Inspectorate", "missing", "two", "workers")}


@pytest.mark.parametrize("sentence", [
    "The Orsk Transport Union said 2.3 million members had joined the stoppage.",
    "The Orsk Transport Union put the number of strikers at 2.3 million.",
    "The Orsk Transport Union said 2.3 million workers walked off the job on Monday.",
])
def test_ways_of_saying_people_stopped_work_count_strikers(sentence: str) -> None:
    assert {(name, metric) for name, metric, _, _ in _attributed(f"Strike in Orsk\n\n{sentence}\n")} == {
        ("Orsk Transport Union", "strikers")}


def test_a_quotation_goes_on_with_its_speaker_after_an_inverted_said() -> None:
    text = ("Protests in Lorn\n\n\"Our information indicates that most were shot,\" said spokesperson "
            "Ana Perl. \"At least 180 people have been injured, and more than 1,100 arrested.\"\n")
    assert {(name, metric) for name, metric, _, _ in _attributed(text)} == {("Ana Perl", "injured"),
                                                                           ("Ana Perl", "arrested")}


@pytest.mark.parametrize(("sentence", "metric"), [
    ("The Lorn Housing Office puts the number of people still without a home after the floods at 38,000.",
     "displaced"),
    ("The Lorn Housing Office, which lost two staff in the floods, puts the number of people left without a roof "
     "at 38,000.", "displaced"),
    ("The Lorn Housing Office puts the number of people held in the old barracks since the raids at 38,000.",
     "detained"),
])
def test_put_the_number_of_x_at_n_counts_what_x_says(sentence: str, metric: str) -> None:
    assert {m for _, m, stated, _ in _attributed(f"Floods in Lorn\n\n{sentence}\n") if stated == "38,000"} == {metric}


# Round 5 (issue 21): rules for classes of miss, each tried on invented sentences.


def test_a_source_described_in_several_words_refers_back_to_the_body_named_first() -> None:
    text = ("Cholera in Varn\n\nMédecins Sans Frontières (MSF) teams in Varn have treated more than 900 patients for "
            "cholera, the medical humanitarian organisation said on Monday.\n")
    assert _attributed(text) == {("Médecins Sans Frontières", "hospitalised", "more than 900", None)}


def test_a_briefing_note_s_spokesperson_line_and_our_office_are_the_body_spoken_for() -> None:
    text = ("Press briefing notes on Ostia\n\nSpokesperson for the UN High Commissioner for Human Rights: Ana Reis\n"
            "Location: Geneva\n\nSince May, at least 40 people have been put to death in Ostia, according to "
            "information gathered by our Office.\n")
    assert _attributed(text) == {("UN High Commissioner for Human Rights", "executed", "at least 40", None)}


@pytest.mark.parametrize("lead", [
    "GENEVA (ICRC) – Delegates of the International Committee of the Red Cross visited 900 detainees in Tarl last "
    "month, in six places of detention.",
    "The International Committee of the Red Cross (ICRC) today published its findings: delegates visited 900 "
    "detainees in Tarl last month, in six places of detention.",
])
def test_a_release_that_never_says_we_names_its_issuer_in_its_dateline_or_first_words(lead: str) -> None:
    text = f"Visits in Tarl\n\n{lead}\n\nA further 120 detainees were released in April.\n"
    names = {name for name, _, _, _ in _attributed(text)}
    assert ("ICRC" in names or "International Committee of the Red Cross" in names) and len(names) == 1


def test_a_wire_dateline_with_a_news_agency_is_not_an_issuer() -> None:
    text = ("Floods in Tarl\n\nTARL (AFP) – Floods have forced 3,000 people from their homes, the Red Crescent said.\n\n"
            "Another 200 were moved out of the valley on Sunday.\n")
    assert ("Red Crescent", "displaced", "3,000", None) in _attributed(text)
    assert ("AFP", "displaced", "200", None) not in _attributed(text)


def test_a_story_pasted_without_its_headline_reads_its_lead(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text("KORV, May 3 (Reuters) - A bus overturned on a mountain road in northern Korv on Tuesday, killing "
                     "at least 12 people, police said.\n\nRescuers were still at the scene late on Tuesday.\n",
                     encoding="utf-8")
    result = run_cli("extract", story, "-o", tmp_path / "draft.yaml")
    assert result.exit_code == 0, result.output
    draft = yaml.safe_load((tmp_path / "draft.yaml").read_text(encoding="utf-8"))
    assert [(c["source"], c["figures"]) for c in draft["claims"]] == [
        ("police", [{"metric": "killed", "value": "at least 12"}])]
    assert draft["documents"][0]["title"].startswith("A bus overturned")
    assert "# GUESS title: the opening words of the lead" in (tmp_path / "draft.yaml").read_text(encoding="utf-8")


def test_patients_treated_are_in_hospital_and_a_licence_is_no_count() -> None:
    text = ("Ferry\n\nThe ferry, licensed for 150 passengers, sank on Sunday. The operator's manifest listed 212 "
            "passengers, the coastguard said. The clinic said it had treated 80 patients.\n")
    assert {(m, f) for _, m, f, _ in _attributed(text)} == {("passengers", "212"), ("hospitalised", "80")}


def test_in_a_quotation_that_goes_on_we_is_the_speaker_s_and_a_title_is_no_part_of_a_name() -> None:
    text = ("Measles in Orne\n\n\"Our clinic was full within days,\" said Dr Ana Berg, the charity's coordinator in "
            "Orne. \"We have recorded 30 deaths since March.\"\n")
    assert _attributed(text) == {("Ana Berg", "killed", "30", None)}


@pytest.mark.parametrize("sentence", [
    "The council said as many as 6,000 people had left the valley since the spring.",
    "The council said 6,000 residents had lost their homes.",
    "The camps around Ferre shelter 6,000 people, the council said.",
    "When she came, the council said, the camp was home to 6,000 people.",
])
def test_leaving_a_place_losing_a_home_and_what_a_camp_holds_count_displaced_people(sentence: str) -> None:
    assert {m for _, m, _, _ in _attributed(f"Floods\n\n{sentence}\n")} == {"displaced"}


def test_the_keeper_of_a_tally_is_its_source_and_an_age_is_no_count() -> None:
    text = ("Curfew\n\nThe Orne Bar Association has counted the detainees. The tally kept by the association includes "
            "64 minors, some as young as 13.\n")
    assert _attributed(text) == {("Orne Bar Association", "detained", "64", "children")}


def test_an_attribution_closing_a_sentence_speaks_for_every_clause_before_it() -> None:
    text = ("March\n\nThousands marched in Dorn on Sunday, and police arrested more than 200 protesters, a lawyers' "
            "group said.\n")
    assert {(n, m) for n, m, _, _ in _attributed(text)} == {("Lawyers' group", "protesters"),
                                                            ("Lawyers' group", "arrested")}


def test_an_owner_describing_a_body_named_after_it_is_not_the_source() -> None:
    text = "Floods\n\nThe United Nations children's agency UNICEF estimated that 40,000 children had been displaced.\n"
    assert _attributed(text) == {("UNICEF", "displaced", "40,000", "children")}


def test_a_ministry_named_by_another_word_is_another_ministry() -> None:
    text = ("Quake\n\nThe health ministry says 85 people are in hospital.\n\n"
            "The interior ministry says 2,100 buildings were destroyed.\n")
    assert {(n, m) for n, m, _, _ in _attributed(text)} == {("Health ministry", "hospitalised"),
                                                            ("Interior ministry", "damaged")}


def test_who_some_of_the_counted_were_and_another_speaker_s_estimate_count_the_same_thing() -> None:
    text = ("Protests\n\nSecurity forces killed 31 protesters, the Dorn Rights Centre said. Nine were under 18.\n\n"
            "Organizers estimated the crowd at 20,000; police said 5,000.\n")
    found = {(m, f, p) for _, m, f, p in _attributed(text)}
    assert {("killed", "Nine", "children"), ("protesters", "20,000", None), ("protesters", "5,000", None)} <= found


def test_how_some_of_the_hurt_are_is_no_claim_but_the_injured_among_the_rescued_are() -> None:
    hurt = "Hurt\n\nThe hospital said 41 people were treated for injuries, three of them in a serious condition.\n"
    assert {f for _, _, f, _ in _attributed(hurt)} == {"41"}
    rescued = "Mine\n\nThe company said 38 miners were brought to the surface alive, seven of them with serious injuries.\n"
    assert ("injured", "seven") in {(m, f) for _, m, f, _ in _attributed(rescued)}


def test_a_plural_noun_for_people_the_lexicon_lacks_counts_them_next_to_a_verb() -> None:
    text = ("Pans\n\nSoldiers killed 19 salt cutters, the union said. About 1,200 pensioners marched, organisers said. "
            "The port said 18 containers were waiting.\n")
    assert {(m, f) for _, m, f, _ in _attributed(text)} == {("killed", "19"), ("protesters", "About 1,200")}


def test_a_toll_that_claimed_lives_and_the_number_who_left_are_counted() -> None:
    text = ("Floods\n\nThe floods in Tarn have claimed the lives of 17 citizens, the ministry said. The statistics "
            "office puts the number who have left the district since the spring at 23,000.\n")
    assert {(n, m, f) for n, m, f, _ in _attributed(text)} == {("Ministry", "killed", "17"),
                                                              ("Statistics office", "displaced", "23,000")}


def test_a_person_named_in_apposition_to_their_role_is_the_she_of_a_later_aside() -> None:
    text = ("Camp\n\nTheir teacher, Amira Sol, came here in 2019.\n\nWhen she arrived, she recalls, the camp was home "
            "to fewer than 9,000 people.\n")
    assert _attributed(text) == {("Amira Sol", "displaced", "fewer than 9,000", None)}


def test_a_participle_right_before_the_people_s_noun_says_what_happened_to_them() -> None:
    text = ("Visits\n\nThe Red Cross helped 212 released detainees return home, the agency said. It also visited 900 "
            "detainees in six prisons, the agency said.\n")
    assert {(m, f) for _, m, f, _ in _attributed(text)} == {("released", "212"), ("detained", "900")}


def test_a_clinic_s_staff_admitting_people_and_crews_bringing_them_ashore_are_counted() -> None:
    text = ("Coast\n\nAt the clinic, Dr Anton Pell says his nurses have admitted 85 children this month. The coastguard "
            "said its crews had brought ashore 3,150 people this year.\n")
    assert {(m, f) for _, m, f, _ in _attributed(text)} == {("hospitalised", "85"), ("rescued", "3,150")}


def test_people_out_of_their_homes_and_demolished_or_collapsed_shelters_are_counted() -> None:
    text = ("Floods\n\nThe emergency office says 4,600 people are still out of their homes. Officials said more than "
            "600 houses had collapsed. Bulldozers demolished 2,600 shelters, the council said.\n")
    assert {(m, f) for _, m, f, _ in _attributed(text)} == {("displaced", "4,600"), ("damaged", "more than 600"),
                                                            ("damaged", "2,600")}


def test_one_of_the_n_who_died_counts_the_n_but_n_of_the_country_s_m_does_not_count_m() -> None:
    text = ("Ferry\n\nHis wife was one of the 43 people who drowned, the coastguard said. Only 9,500 of the country's "
            "62,000 teachers joined the strike, the ministry said.\n")
    found = {(m, f) for _, m, f, _ in _attributed(text)}
    assert ("killed", "43") in found and not any(f == "62,000" for _, f in found)


def test_a_statement_whose_press_statement_line_is_under_the_title_speaks_for_the_body_it_opens_on() -> None:
    text = ("Ministry of Internal Affairs of the Republic of Dorvania\nPress statement\n4 November\n\n"
            "The Ministry of Internal Affairs informs that 57 law enforcement officers were injured in the capital. "
            "213 participants in the riots were detained.\n")
    assert {n for n, _, _, _ in _attributed(text)} == {"Ministry of Internal Affairs"}


def test_a_person_at_a_place_speaks_for_themselves_not_for_the_place() -> None:
    text = ("Clashes in Sorn\n\nA nurse at the Sorn municipal clinic told Reuters the clinic had received 41 wounded "
            "people.\n")
    assert _attributed(text) == {("Nurse", "injured", "41", None)}


def test_two_speakers_joined_by_and_give_the_first_as_source_with_or_without_an_article() -> None:
    text = "Clashes in Sorn\n\nThe fighting has killed at least 12 people, a security source and residents said.\n"
    assert _attributed(text) == {("Security source", "killed", "at least 12", None)}


def test_a_closing_attribution_reaches_back_over_names_joined_by_and_and_past_its_own_adjuncts() -> None:
    text = ("Sorn\n\nSoldiers detained at least 80 men in the villages of Orm and Tesk in April and May, the "
            "Sorn Rights Network said in a report published on Monday.\n")
    assert _attributed(text) == {("Sorn Rights Network", "detained", "at least 80", None)}


def test_a_report_on_something_is_still_its_owner_s() -> None:
    text = ("Sorn\n\nThe provincial fire brigade's review of the blaze put the dead at 17.\n\nThe brigade's own "
            "logs list four more deaths.\n")
    assert _attributed(text) == {("Provincial fire brigade", "killed", "17", None),
                                 ("Provincial fire brigade", "killed", "four", None)}


def test_a_letterhead_title_is_the_voice_of_the_statement_under_it() -> None:
    text = ("MINISTRY OF EMERGENCY SITUATIONS OF THE REPUBLIC OF ORVAL\n\nOn the landslide in Tesk\n\n"
            "As a result of the landslide, 9 people lost their lives and 31 were injured.\n")
    draft = extract(text, document_id="t", text_file="t.txt")
    voice = next(s for s in draft.sources if s.id == draft.voice)
    assert voice.name == "Ministry of Emergency Situations"
    assert "Ministry of Emergency Situations of the Republic of Orval" in voice.aliases
    assert _attributed(text) == {(voice.name, "killed", "9", None), (voice.name, "injured", "31", None)}


def test_an_army_s_letterhead_is_the_voice_of_its_communique() -> None:
    text = ("GENERAL STAFF OF THE ARMED FORCES OF ORVAL\nCommuniqué No. 12/26\n\n1. Our units neutralised 14 fighters "
            "of the so-called Northern Front. Nine others surrendered.\n\n2. Regrettably, three soldiers lost their "
            "lives in an ambush.\n")
    draft = extract(text, document_id="t", text_file="t.txt")
    voice = next(s for s in draft.sources if s.id == draft.voice)
    assert voice.name.startswith("General Staff")
    assert {claim.source for claim in draft.claims} == {voice.id} and len(draft.claims) == 2


def test_a_name_read_from_a_release_stops_at_the_end_of_its_sentence() -> None:
    text = ("Orval: clinics raided\n\nLast night security forces raided clinics run by the Free Clinic Network. Twelve "
            "of our staff were detained and we have lost contact with three more.\n")
    draft = extract(text, document_id="t", text_file="t.txt")
    assert next(s for s in draft.sources if s.id == draft.voice).name == "Free Clinic Network"


def test_a_headline_in_title_case_is_no_letterhead() -> None:
    text = "Police Fire Tear Gas At Marchers In Tesk\n\nPolice detained 40 people, the mayor said.\n"
    draft = extract(text, document_id="t", text_file="t.txt")
    assert draft.voice == "author-of-t"


def test_a_numbered_flash_update_that_names_no_issuer_speaks_for_ocha() -> None:
    text = ("Orval: Landslides\nFlash Update No. 2\n\nAn estimated 4,300 people are staying in evacuation centres.\n")
    assert _attributed(text) == {("UN Office for the Coordination of Humanitarian Affairs", "displaced",
                                  "An estimated 4,300", None)}


def test_the_clause_after_a_semicolon_goes_on_with_the_speaker_before_it() -> None:
    text = ("Landslides in Tesk\n\nThe civil defence reports 12 deaths and 40 injuries; 7 people are missing.\n\n"
            "The civil defence reports 3 deaths. But 5 people are missing, the mayor says.\n")
    assert _attributed(text) == {("Civil defence", "killed", "12", None), ("Civil defence", "injured", "40", None),
                                 ("Civil defence", "missing", "7", None), ("Civil defence", "killed", "3", None),
                                 ("Mayor", "missing", "5", None)}


def test_people_arrested_who_are_still_held_are_counted_as_detained() -> None:
    text = ("Crackdown in Orval\n\nThe Orval Bar Association says 230 people arrested at the March rallies remain in "
            "custody.\n")
    assert _attributed(text) == {("Orval Bar Association", "detained", "230", None)}


def test_people_whose_whereabouts_are_unknown_are_missing_whatever_brought_them_in() -> None:
    text = ("Crackdown in Orval\n\nThe Orval Bar Association says the whereabouts of 58 of those detained remain "
            "unknown.\n")
    assert _attributed(text) == {("Orval Bar Association", "missing", "58", None)}


def test_patients_treated_for_a_disease_are_in_hospital_not_injured() -> None:
    text = ("Outbreak in Orval\n\nThe Orval Red Cross said its clinics had treated 1,400 people for cholera. Its "
            "medics say they treated 35 people for burns.\n")
    assert _attributed(text) == {("Orval Red Cross", "hospitalised", "1,400", None),
                                 ("Orval Red Cross", "injured", "35", None)}


def test_people_coming_back_home_are_returns() -> None:
    text = ("Returns to Orval\n\nThe migration office says 5,200 people have come back from the camps in Tesk and "
            "that 800 went back to their villages in the hills.\n")
    assert _attributed(text) == {("Migration office", "returned", "5,200", None),
                                 ("Migration office", "returned", "800", None)}


def test_one_person_is_a_count_and_its_members_speak_for_the_body_named_before() -> None:
    text = ("Storm in Orval\n\nThe Orval Mountain Rescue said one woman had died in an avalanche. Its volunteers say "
            "12 climbers are still missing.\n")
    assert _attributed(text) == {("Orval Mountain Rescue", "killed", "one", "women"),
                                 ("Orval Mountain Rescue", "missing", "12", None)}


def test_a_sentence_opening_on_those_executed_counts_the_executed_not_their_convictions() -> None:
    text = ("Executions in Orval\n\nOf those executed, 40 had been convicted of murder and six were women, the "
            "Orval Human Rights Centre said.\n")
    assert _attributed(text) == {("Orval Human Rights Centre", "executed", "40", None),
                                 ("Orval Human Rights Centre", "executed", "six", "women")}


def test_people_lost_brought_out_alive_or_not_come_home_are_deaths_rescues_and_missing() -> None:
    text = ("Ferry in Orval\n\n\"We lost nine overnight,\" said Dr Ana Brel. Divers said 44 people had been "
            "brought out of the sea alive. The harbour master said 12 fishermen had not come home. Brel said she "
            "had lost two sisters in the flood of 1998.\n")
    assert _attributed(text) == {("Ana Brel", "killed", "nine", None), ("Divers", "rescued", "44", None),
                                 ("Harbour master", "missing", "12", None)}


def test_the_first_day_of_two_and_an_age_after_of_them_are_not_counts() -> None:
    text = ("Orval\n\nAt least 14 people died in clashes on 6 and 7 June, the Orval Rights League said. It said "
            "hospitals treated 200 children, most of them under five.\n")
    assert _attributed(text) == {("Orval Rights League", "killed", "At least 14", None),
                                 ("Orval Rights League", "injured", "200", "children")}


def test_a_town_s_mayor_is_the_mayor_not_the_town() -> None:
    text = "Storm\n\nAccording to the Port Selden mayor, 1,200 homes were destroyed.\n"
    assert _attributed(text) == {("Port Selden mayor", "damaged", "1,200", None)}


def test_found_after_a_passive_or_before_a_place_is_no_finding_of_a_speaker() -> None:
    text = ("Orval\n\nThree of the men taken from Tesk were later found dead, their families said. Soldiers detained "
            "all 11 men they found in the school, the Orval Rights League said.\n")
    assert _attributed(text) == {("Families", "killed", "Three", None),
                                 ("Orval Rights League", "detained", "11", None)}


def test_a_release_whose_lead_ends_said_in_a_report_released_today_speaks_for_that_body() -> None:
    text = ("Orval: Dozens Held Without Charge\n\n(Paris, 2 May) – Orval's police have held at least 48 people without "
            "charge since January, the Orval Prison Observatory said in a report released today.\n\nWe counted 9 "
            "deaths in custody.\n")
    draft = extract(text, document_id="t", text_file="t.txt")
    assert next(s.name for s in draft.sources if s.id == draft.voice) == "Orval Prison Observatory"
    assert _attributed(text) == {("Orval Prison Observatory", "detained", "at least 48", None),
                                 ("Orval Prison Observatory", "killed", "9", None)}


def test_a_person_called_by_their_surname_is_the_person_named_in_full_before() -> None:
    text = ("Floods in Orval\n\nDr Lena Varga runs the only clinic in Tesk. \"We have sent 58 patients to the city,\" "
            "Varga says.\n\nThe headman, Aram Desh, said every house had fallen. Desh said 12 people had died.\n")
    draft = extract(text, document_id="t", text_file="t.txt")
    assert {s.name for s in draft.sources if s.id != draft.voice} == {"Lena Varga", "Aram Desh"}
    assert _attributed(text) == {("Lena Varga", "hospitalised", "58", None), ("Aram Desh", "killed", "12", None)}
    assert all("the surname of" in c.reason for c in draft.claims)


def test_cities_count_only_where_a_protest_spread() -> None:
    text = ("Orval\n\nThe Orval Rights League said police had arrested 300 people in the capital and four other "
            "cities. It said protests had spread to at least 11 cities.\n")
    assert _attributed(text) == {("Orval Rights League", "arrested", "300", None),
                                 ("Orval Rights League", "cities", "at least 11", None)}


def test_what_a_camp_now_houses_is_displaced_people_by_its_keeper_s_reckoning() -> None:
    text = "Camp Tesk\n\nBy the reckoning of the camp administration it now houses 23,000.\n"
    assert _attributed(text) == {("Camp administration", "displaced", "23,000", None)}


def test_media_reported_is_a_speaker_and_an_adjective_after_of_is_not() -> None:
    text = ("Orval\n\nLocal media reported that a fire at a market had killed 11 people. Divers recovered another "
            "four bodies on Tuesday, bringing the number of confirmed dead to 15.\n")
    assert _attributed(text) == {("Local media", "killed", "11", None), ("Author of “Orval”", "killed", "15", None)}


def test_a_count_over_a_period_before_a_new_total_is_a_claim_of_its_own() -> None:
    text = ("Orval\n\nSince 3 May, more than 12,000 refugees have crossed into Tesk, bringing the total in the "
            "country to nearly 90,000, UNHCR said.\n")
    assert _attributed(text) == {("UNHCR", "refugees", "more than 12,000", None),
                                 ("UNHCR", "refugees", "nearly 90,000", None)}


def test_a_name_with_to_in_it_is_read_whole() -> None:
    text = "Orval\n\nAt least 17 journalists remain behind bars, according to the Committee to Protect Journalists.\n"
    assert _attributed(text) == {("Committee to Protect Journalists", "detained", "At least 17", "journalists")}


def test_the_number_of_demonstrators_counts_protesters_and_a_group_opening_the_sentence_is_counted() -> None:
    text = ("Orval\n\nPolice put the number of demonstrators at 15,000. Of the 40 people injured, 12 were in "
            "critical condition, doctors said.\n")
    assert _attributed(text) == {("Police", "protesters", "15,000", None), ("Doctors", "injured", "40", None)}


def test_warned_is_a_speech_verb_and_a_release_dateline_is_no_part_of_its_subject() -> None:
    text = ("Orval\n\n(Geneva, 4 May 2027) The Tesk Refugee Council warned on Thursday that more than 90,000 "
            "people had been uprooted.\n")
    assert _attributed(text) == {("Tesk Refugee Council", "displaced", "more than 90,000", None)}


def test_an_earlier_figure_after_a_closing_attribution_is_the_same_speaker_s() -> None:
    text = "Orval\n\nThe toll has risen to 52, the interior ministry said, up from 38 announced earlier.\n"
    assert {(n, m, s) for n, m, s, _ in _attributed(text)} == {("Interior ministry", "killed", "38"),
                                                               ("Interior ministry", "killed", "risen to 52")}


def test_a_person_a_feature_opens_on_after_its_dateline_is_the_she_of_a_later_aside() -> None:
    text = ("The list\n\nBy Ilse Marn\n\nBORSK — Nadia Petrova has kept a list since the first week.\n\n\"Every "
            "family here has someone on it,\" she says. She believes at least 30 of them are dead.\n")
    assert _attributed(text) == {("Nadia Petrova", "killed", "at least 30", None)}


def test_a_rank_is_no_part_of_a_name_and_but_joins_two_verbs_of_one_speaker() -> None:
    text = ("Raid in Karvo\n\nA military spokesman, Lieutenant Colonel Omar Tessa, confirmed the attack but put the "
            "death toll at 12. Tessa said 30 attackers had been killed.\n")
    assert _attributed(text) == {("Omar Tessa", "killed", "12", None), ("Omar Tessa", "killed", "30", "fighters")}


def test_a_subgroup_s_population_stays_with_its_own_figure() -> None:
    text = ("Tesk\n\nThe Tesk Centre for Human Rights said it had documented the arrest of 612 people since the "
            "election, 47 of them minors.\n")
    assert _attributed(text) == {("Tesk Centre for Human Rights", "arrested", "612", None),
                                 ("Tesk Centre for Human Rights", "arrested", "47", "children")}


def test_an_issuer_s_history_is_no_claim() -> None:
    text = ("Tesk\n\nLawyers said at least 19 of those detained had been charged. Since its founding in 1998, the Tesk "
            "Centre for Human Rights has documented more than 9,000 cases of arbitrary detention.\n")
    assert _attributed(text) == {("Lawyers", "charged", "at least 19", None)}


def test_a_title_is_no_part_of_a_name_but_says_who_the_governor_is() -> None:
    text = ("Quake in Orsk\n\nGovernor Pavel Sokol said at least 60 people were missing. The governor said 12 people "
            "had died. Sokol said 300 had been injured.\n")
    assert _attributed(text) == {("Pavel Sokol", "missing", "at least 60", None), ("Pavel Sokol", "killed", "12", None),
                                 ("Pavel Sokol", "injured", "300", None)}


def test_claims_by_a_group_are_the_group_s_and_a_source_s_phrase_ends_before_what_it_counts() -> None:
    text = ("Statement by the Ministry of Defence\n\nTwo servicemen were killed. Claims by the so-called Kerr "
            "Liberation Front that 40 soldiers died are fabricated. Reports in local media of 12 deaths are false.\n")
    assert {(n, m, s) for n, m, s, _ in _attributed(text)} == {
        ("Ministry of Defence", "killed", "Two"), ("Kerr Liberation Front", "killed", "40"),
        ("Local media", "killed", "12")}


def test_a_time_after_a_number_is_not_what_it_counts() -> None:
    text = ("Dam burst\n\nThe river authority says 71 people have died, up from 46 three days ago. The authority had put "
            "the toll at 30 early on Friday.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("River authority", "killed", "71"), ("River authority", "killed", "46"), ("River authority", "killed", "30")}


def test_the_death_toll_s_number_counts_deaths_whatever_the_clause_between_says() -> None:
    text = ("Storm\n\nThe death toll from a storm that destroyed hundreds of homes on the Ardal coast climbed to 52 on "
            "Friday, the coastguard said.\n")
    assert ("Coastguard", "killed", "climbed to 52", None) in _attributed(text)


def test_the_hurt_who_did_not_survive_are_deaths() -> None:
    text = ("Clinic\n\n\"Three boys were brought in with shrapnel wounds and did not survive,\" a nurse at the clinic "
            "told AFP.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {("killed", "Three")}


def test_a_share_is_no_count_but_a_fraction_of_a_stated_total_is() -> None:
    assert find_figures("Almost four in ten of them are women.") == []
    text = ("Report\n\nNearly half of the 212 deaths recorded by the monitoring centre were in Orsk province.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Monitoring centre", "killed", "212")}


def test_people_who_sought_medical_help_lost_contact_or_had_cases_opened_against_them_are_counted() -> None:
    # "14 of those detained": with no verb after the group, the verb before it says what the 14 are
    text = ("Port unrest\n\nThe regional police said 26 officers sought medical assistance after the clashes. "
            "Prosecutors said criminal cases had been opened against 14 of those detained. The navy says it has "
            "lost contact with a patrol boat carrying 9 sailors.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("injured", "26"), ("charged", "14"), ("missing", "9")}


def test_people_who_spent_the_night_in_shelters_are_displaced_and_inpatients_are_in_hospital() -> None:
    text = ("Floods\n\nThe governor said \"about 9,000\" had spent the night in school shelters. The district hospital "
            "says it now has 212 inpatients.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("displaced", "about 9,000"), ("hospitalised", "212")}


def test_unowned_data_names_no_speaker_and_a_body_in_a_place_is_the_body() -> None:
    text = ("Statement by the Ministry of Transport\n\nAccording to initial figures, 12 buses were destroyed. "
            "The authorities in Vell Province have told the ministry that 30 people were injured.\n")
    assert _attributed(text) == {("Ministry of Transport", "damaged", "12", None),
                                 ("Authorities", "injured", "30", None)}


def test_those_who_believe_a_number_give_it_but_people_believed_to_be_somewhere_do_not() -> None:
    text = ("Quarry\n\nVillage elders believe the true number of dead to be at least 40. Rescuers are searching for "
            "six workers believed to be under the rock, the fire service said.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Village elders", "killed", "at least 40"), ("Fire service", "missing", "six")}


def test_a_named_body_counts_the_people_it_rescued_treated_or_identified_but_rescuers_name_no_body() -> None:
    text = ("Flood update\n\nThe Osk Mountain Rescue Service has evacuated 640 people from the valley. "
            "WFP staff have identified 1,200 people without shelter. Rescuers recovered 14 bodies.\n")
    attributed = {(name, metric, stated) for name, metric, stated, _ in _attributed(text)}
    assert ("Osk Mountain Rescue Service", "displaced", "640") in attributed
    assert ("WFP", "displaced", "1,200") in attributed
    assert not any(name == "Rescuers" for name, _, _ in attributed)


def test_people_named_among_them_or_of_those_are_part_of_the_count_before_and_an_age_is_not() -> None:
    text = ("Prison deaths\n\nThe monitor says 41 prisoners have died in custody this year. Among them were four women "
            "and a boy who was 16 when he was arrested.\n\nThe league says 300 people are held. Of those, it says, "
            "22 are journalists and the rest students.\n")
    assert {(metric, stated, population) for _, metric, stated, population in _attributed(text)} == {
        ("killed", "41", "prisoners"), ("killed", "four", "women"), ("detained", "300", None),
        ("detained", "22", "journalists")}


def test_according_to_reaches_past_an_abbreviation_and_local_authorities_in_a_place_are_the_authorities() -> None:
    text = ("Floods\nSituation Report No. 4\n\nAccording to the Civil Protection Agency (CPA), 40 people have died, "
            "compared with 25 given in Situation Report No. 3, and 130 have been injured. Local authorities in Dorr "
            "say 800 houses were destroyed.\n")
    attributed = {(name, metric, stated) for name, metric, stated, _ in _attributed(text)}
    assert ("Civil Protection Agency", "injured", "130") in attributed
    assert ("Local authorities", "damaged", "800") in attributed


def test_what_a_body_says_are_n_is_its_claim_and_a_body_described_by_a_which_clause_lists_its_own() -> None:
    text = ("Quarry town\n\nBy Ana Pell\n\nHis father died last year at 58, one of what the miners' association says "
            "are 31 quarry workers killed by silicosis. The district health board, which keeps its own records, "
            "lists 19 such deaths.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Miners' association", "killed", "31"), ("District health board", "killed", "19")}


def test_a_un_body_described_by_what_it_does_is_that_body_and_its_latest_figures_are_its_own() -> None:
    text = ("Border\n\nThe UN refugee agency's registration is slow. Its most recent figures show 6,400 registered "
            "refugees in the district.\n")
    draft = extract(text, document_id="t", text_file="t.txt")
    names = {s.id: (s.name, tuple(s.aliases)) for s in draft.sources}
    assert [(names[c.source], [f.stated for f in c.figures]) for c in draft.claims] == [
        (("UN Refugee Agency", ("UNHCR",)), ["6,400"])]


def test_a_toll_counts_the_dead_even_after_a_figure_of_another_metric() -> None:
    text = ("Storm\n\nThe disaster office said the storm had left 3,000 people homeless; its first toll, given on "
            "Sunday, had been 12.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {("displaced", "3,000"), ("killed", "12")}


def test_people_a_doctor_says_we_admitted_are_in_hospital_and_the_quotation_goes_on_with_her() -> None:
    text = ("Night shift\n\nBy Jon Abel\n\nDr Mira Lund runs the trauma ward. \"We admitted 64 people after the "
            "blast,\" she says. \"Seven of them died before morning.\"\n")
    assert _attributed(text) == {("Mira Lund", "hospitalised", "64", None), ("Mira Lund", "killed", "Seven", None)}


def test_a_release_under_a_letterhead_with_its_office_speaks_for_the_body() -> None:
    # round 13: "Corvenna National Police — Office of Public Affairs" under "PRESS RELEASE" had been read as the
    # release's first paragraph, so "The National Police informs the public that" was never reached, and as a
    # letterhead it was refused for its dash; the later paragraphs' figures went to the text's unnamed voice
    text = ("PRESS RELEASE\nOrval National Police — Office of Public Affairs\nNo. 41/2026\nTesk, 6 May 2026\n\n"
            "RESULTS OF THE RAID\n\nThe National Police informs the public that officers detained 74 persons.\n\n"
            "In an exchange of fire, one officer lost his life and three were wounded.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("National Police", "detained", "74"), ("National Police", "killed", "one"), ("National Police", "injured", "three")}
    # the same letterhead with a plain dash and a press office, over a release that never names its issuer
    text = ("Press release\nMinistry of Health - Press Office\n\nCholera\n\nNine people have died of cholera in "
            "Tesk.\n")
    assert _attributed(text) == {("Ministry of Health", "killed", "Nine", None)}
    # a heading under the title that no letterhead reads (a comma in it) is no first paragraph either
    text = ("PRESS RELEASE\nBorder Guard Service, Northern Sector Regional Command\n\nThe Orval Border Guard Service informs the public that its crews "
            "took part in the search.\n\nThirty-one migrants were rescued at sea.\n")
    assert _attributed(text) == {("Orval Border Guard Service", "rescued", "Thirty-one", "migrants")}


def test_a_letterhead_line_under_a_statement_s_title_is_its_voice() -> None:
    text = ("Statement on the Kall bridge collapse\n\nMinistry of Transport of the Republic of Sella\n\n"
            "As a result of the collapse, 6 people died. 21 people received medical treatment.\n")
    assert _attributed(text) == {("Ministry of Transport", "killed", "6", None),
                                 ("Ministry of Transport", "injured", "21", None)}


def test_a_town_s_mayor_is_the_mayor_and_people_admitted_are_in_hospital() -> None:
    text = ("Fire\n\nOrrin's mayor says 12 people died in the fire. Doctors at the burns unit told AFP that 40 people "
            "had been admitted, 9 of them in critical condition.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Orrin mayor", "killed", "12"), ("Doctors", "hospitalised", "40")}


def test_a_noun_after_a_preposition_is_no_speech_verb_and_people_returning_to_villages_return() -> None:
    text = ("Briefing\n\nSpokesperson for the UN High Commissioner for Human Rights: Ana Vell\n\nWe are concerned by "
            "reports that 30 villagers were killed. Our staff have recorded 2,000 people returning to their home "
            "villages.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("UN High Commissioner for Human Rights", "killed", "30"),
        ("UN High Commissioner for Human Rights", "returned", "2,000")}


def test_a_standfirst_that_rounds_the_body_s_figures_restates_them() -> None:
    text = ("Blast in Korr\n\nMarket bomb kills dozens and wounds more than 100\n\nKORR (AP) — A bomb killed at least "
            "34 people on Saturday, hospital officials said. They said 112 people were being treated for wounds.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {("killed", "at least 34"),
                                                                                ("injured", "112")}


def test_the_agency_after_a_un_body_is_that_body() -> None:
    text = ("Schools\n\nMost schools in Karsa are closed, UNICEF said on Monday. The agency said 2,300 schools had "
            "been damaged since the war began.\n")
    assert _attributed(text) == {("UNICEF", "damaged", "2,300", None)}


def test_a_clause_after_said_is_what_is_said_not_who_says_it() -> None:
    text = ("Floods\n\nA spokeswoman for the Kell Red Cross, Ana Moor, who leads its work in the north, said its "
            "volunteers had evacuated 900 people by boat.\n")
    assert _attributed(text) == {("Ana Moor", "displaced", "900", None)}


def test_a_second_verb_phrase_after_and_says_nothing_of_the_figure_before_it() -> None:
    text = ("Clinic\n\nA nurse at the clinic says her team sees 150 patients a week and has recorded 12 deaths "
            "from measles.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {("killed", "12")}


def test_under_a_table_s_lead_in_a_row_s_place_is_no_speaker() -> None:
    text = ("Storm damage\n\nFigures compiled by the Civil Emergency Office as of Monday:\n\nIn Dorn, 6 people died; "
            "Vellar recorded 3 deaths. Across both districts 9,000 people are in evacuation centres.\n")
    assert {name for name, _, _, _ in _attributed(text)} == {"Civil Emergency Office"}


def test_what_detention_centres_hold_is_their_prisoners() -> None:
    text = "Prisons\n\nThe ministry says the country's detention centres now hold 9,200 people.\n"
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {("prisoners", "9,200")}


def test_of_these_continues_the_count_before_and_damage_caused_to_vehicles_counts_them() -> None:
    text = ("Press Release No. 12\n\nThe Ministry of the Interior informs that police detained 41 persons overnight. "
            "Of these, 9 are foreign citizens. Damage was caused to 6 vehicles and 4 kiosks.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("detained", "41"), ("detained", "9"), ("damaged", "6"), ("damaged", "4")}


def test_a_relative_clause_after_the_people_counted_names_who_counts_them_and_an_aside_is_skipped() -> None:
    text = ("The mothers\n\nBy Eva Lind\n\nHer son is among the 210 students the city bar association says were "
            "arrested in May. At least 60 of them, the association says, have since been charged.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("City bar association", "arrested", "210"), ("City bar association", "charged", "At least 60")}


def test_a_body_s_name_speaks_rather_than_the_description_after_it() -> None:
    text = "Clashes\n\nThe Dorr Rights Centre, a local monitor, said it had counted 14 civilian deaths.\n"
    assert _attributed(text) == {("Dorr Rights Centre", "killed", "14", None)}


def test_the_first_of_two_bounds_of_a_frequency_or_a_span_is_no_count() -> None:
    assert find_figures("Families have been displaced three or four times.") == []
    assert find_figures("The search will take two to three weeks.") == []


def test_people_who_did_not_survive_are_deaths_even_after_a_semicolon() -> None:
    text = ("Ward\n\nThe clinic's doctor, Ana Dorn, says her nurses have admitted 40 children with cholera; five did "
            "not survive.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Ana Dorn", "hospitalised", "40"), ("Ana Dorn", "killed", "five")}


def test_a_live_blog_entry_that_confirms_or_counts_a_night_in_a_hall_is_read() -> None:
    text = ("Storm – live\n\n21:15\nBREAKING: Police confirm six dead in Marr.\n\n19:30\nAbout 400 people spent the "
            "night in the town's community hall, the mayor says.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Police", "killed", "six"), ("Mayor", "displaced", "About 400")}


def test_a_subject_with_a_day_after_it_is_the_speaker_of_a_participle_too() -> None:
    text = ("Toll\n\nThe coastguard on Friday raised the number of missing to 14, saying two more fishermen had not "
            "come home.\n")
    assert _speakers(text) == {("Coastguard", "14")}


def test_bare_numbers_said_after_a_question_of_how_many_count_what_it_asked() -> None:
    text = ("Landslide\n\nNo one can say how many people died. The county says 22; the miners' union says 35.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("County", "killed", "22"), ("Miners' union", "killed", "35")}


def test_a_person_named_after_a_short_opening_phrase_is_the_she_of_a_later_aside() -> None:
    text = ("Funerals\n\nBy Lina Holt\n\nBy her own count, Vera Lasko has attended 12 funerals since May. \"I think 50 "
            "people died here,\" she says.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {("Vera Lasko", "killed", "50")}


def test_the_speaker_s_pronoun_acting_goes_on_in_the_speaker_s_voice() -> None:
    text = ("Fires – live\n\n16:40\nThe fire service says the blaze has burned 9,000 hectares. It has ordered the "
            "evacuation of three villages, bringing the number of people moved out of the valley to about 2,100.\n")
    assert _attributed(text) == {("Fire service", "displaced", "about 2,100", None)}


def test_a_camp_that_holds_people_holds_displaced_people() -> None:
    text = "Camps\n\nThe UN says the camp near Orr now holds 14,000 people.\n"
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {("displaced", "14,000")}


def test_people_reported_missing_are_counted_not_taken_for_a_speaker() -> None:
    text = ("Tracing\n\n\"We have opened files for 1,200 people reported missing since March,\" said Ana Vell of the "
            "Red Cross.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {("missing", "1,200")}


def test_people_who_crossed_with_nothing_after_are_refugees() -> None:
    text = "Border\n\nUNHCR says 30,000 people have fled Ostra. In the last week alone, it says, 4,100 crossed.\n"
    assert ("UNHCR", "refugees", "4,100", None) in _attributed(text)


def test_finding_bodies_is_no_finding_and_the_bodies_of_people_count_the_dead() -> None:
    text = ("Quake\n\nSoldiers found the bodies of a man and three children under the rubble of a school, the army "
            "said.\n")
    assert _attributed(text) == {("Army", "killed", "three", "children")}


def test_voted_n_to_m_gives_the_votes_for_and_against() -> None:
    text = "Vote\n\nBy Ana Holm\n\nThe assembly voted 141 to 60 on Friday to extend the curfew.\n"
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("votes_in_favour", "141"), ("votes_against", "60")}


def test_a_life_lost_is_a_death_and_cases_of_a_disease_are_no_count() -> None:
    text = ("Statement by the Ministry of Interior\n\nOne guard lost his life and two were wounded. Health teams "
            "report 640 suspected measles cases and 9 associated deaths.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("killed", "One"), ("injured", "two"), ("killed", "9")}


def test_a_participle_describing_the_subject_is_no_speaker_and_neighbours_are_people() -> None:
    text = ("Siege\n\nBy Tom Rill\n\nThe Orr Relief Clinic, run by a local charity, reports treating 85 people for "
            "burns. \"We buried seven neighbours last week,\" says Dara Fenn.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Orr Relief Clinic", "injured", "85"), ("Dara Fenn", "killed", "seven")}


def test_a_named_tally_based_on_records_is_its_keeper_s_and_people_in_intensive_care_are_in_hospital() -> None:
    text = ("Clashes\n\nAn AFP tally based on hospital sources puts the death toll at 58. Officials at the health "
            "ministry said 12 people remained in intensive care.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("AFP", "killed", "58"), ("Health ministry", "hospitalised", "12")}


def test_people_counted_in_hospital_after_the_dead_are_in_hospital() -> None:
    text = "Heat – live\n\n13:05\nSo far: 7 dead and 52 in hospital, according to the regional health authority.\n"
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {("killed", "7"), ("hospitalised", "52")}


def test_reports_on_social_networks_are_the_networks_claim() -> None:
    text = ("Statement by the Ministry of Interior\n\nReports circulating on social networks of 30 deaths in Dorr "
            "are false.\n")
    assert _speakers(text) == {("Social networks", "30")}


def test_a_capitalised_modifier_opening_a_sentence_is_no_name() -> None:
    text = ("Prisons\n\nRights groups put the number of political prisoners at more than 800. Aid agencies say 4,000 "
            "people have fled.\n")
    assert {name for name, _, _, _ in _attributed(text)} == {"Rights groups", "Aid agencies"}


def test_unaccompanied_children_crossing_into_a_country_and_a_centre_that_hosts_people() -> None:
    text = ("Arrivals\n\nThis is a summary of what was said by UNHCR spokesperson Ines Maro at today's press briefing.\n\n"
            "Over the past week, some 6,000 people crossed into Tessa. Our teams have identified 250 unaccompanied "
            "children. The Darra transit centre now hosts more than 3,100 people. Since June, our teams have recorded "
            "the return of 900 people, including 70 unaccompanied children.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("refugees", "some 6,000"), ("separated", "250"), ("displaced", "more than 3,100"), ("returned", "900"),
        ("returned", "70")}


def test_its_director_is_the_body_the_sentence_opens_on() -> None:
    text = "Crush\n\nThe Orra General Hospital was treating 52 injured people on Sunday, its director said.\n"
    assert _speakers(text) == {("Orra General Hospital", "52")}


def test_a_body_s_update_speaks_in_its_voice_and_the_second_of_two_days_is_no_count() -> None:
    text = ("Ministry of Health update on the cholera outbreak\n\nSince January, 27 deaths have been recorded. Police "
            "detained the organisers on March 24 and 25.\n")
    assert _attributed(text) == {("Ministry of Health", "killed", "27", None)}


def test_said_by_telephone_gave_way_and_affected_families_name_no_speaker_and_no_count() -> None:
    text = ("Landslide\n\nBy Nina Vast\n\nA hillside gave way above Kurr, burying at least 30 homes. Rescuers had "
            "recovered 22 bodies, the district administrator, Hamid Sorr, said by telephone. The disaster authority put "
            "the number of affected families at 310.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Nina Vast", "damaged", "at least 30"), ("Hamid Sorr", "killed", "22")}


def test_a_number_describing_who_a_count_is_according_to_is_no_claim_and_a_time_is_no_agent() -> None:
    text = ("Prison\n\nAbout 60 prisoners have refused food since May, according to relatives and a lawyer representing "
            "several of them. A police statement said that 31 of those arrested had been released by evening.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Relatives", "hunger_strikers", "About 60"), ("Police", "released", "31")}


def test_how_some_of_the_hurt_were_hurt_or_cared_for_is_no_new_count() -> None:
    text = ("Clashes\n\nMedics at a field clinic said they had bandaged about 60 people, several with head wounds. The "
            "union said 47 of its members had been wounded, 19 of them by gunshots, and that 30 had been arrested, 5 of "
            "them with injuries. The hospital said 140 wounded people had been brought in; 31 of them needed surgery.\n\n"
            "The governor said the number of people taken to hospital had risen to 164. Twenty-two of them are in "
            "intensive care, he said. The ministry said 1,280 homes were damaged, 96 of them beyond repair and 40 of "
            "them in Orr.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("injured", "about 60"), ("injured", "47"), ("arrested", "30"), ("injured", "5"), ("injured", "140"),
        ("hospitalised", "risen to 164"), ("damaged", "1,280"), ("damaged", "40")}


def test_the_i_of_a_quotation_is_its_speaker_and_her_notebook_is_hers() -> None:
    text = ("The register\n\nBy Ana Holt\n\nThe gym held the bodies, and Miriam Okafe, who teaches chemistry here, kept "
            "the register. Her notebook, a school exercise book with an owl on the cover, lists 63 dead. \"I wrote "
            "each one down when a family came to say who it was,\" she says. \"Seventeen of them were my pupils.\"\n\n"
            "Marta Vell is a nurse at the clinic. \"We counted 40 bodies in the gym,\" she says.\n\n"
            "Pavel Renn was the village headman for 20 years. His own count, kept in a red ledger, shows 52 dead.\n\n"
            "I counted 12 bodies on the road to Orr.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Miriam Okafe", "killed", "63"), ("Miriam Okafe", "killed", "Seventeen"), ("Marta Vell", "killed", "40"),
        ("Pavel Renn", "killed", "52"), ("Ana Holt", "killed", "12")}


def test_people_put_where_the_homeless_are_put_are_displaced() -> None:
    text = ("Floods\n\nThe Red Cross said some 2,300 people were moved into tents on the football pitch. The ministry "
            "said 4,700 residents have been accommodated in temporary accommodation points. The mayor said about 900 "
            "people are sleeping in school halls and churches. Police said around 3,000 people were taken to "
            "evacuation centres. The governor said nearly 800 people were bussed to temporary shelters. OCHA said some "
            "1,500 people are staying with host families. Police said 14 people were taken to hospital.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("displaced", "some 2,300"), ("displaced", "4,700"), ("displaced", "about 900"), ("displaced", "around 3,000"),
        ("displaced", "nearly 800"), ("displaced", "some 1,500"), ("hospitalised", "14")}


def test_children_arriving_without_parents_are_separated_and_flight_to_a_neighbouring_country_is_refuge() -> None:
    text = ("Border\n\nUNHCR said the number of people who have fled fighting in Velmoria to neighbouring Tessan has "
            "passed 120,000. Among them are 180 children who arrived without either parent, a protection officer said. "
            "About 600 minors have travelled alone from Orr, the agency said. Police said 30 people crossed at the "
            "Tarn border crossing overnight. UNHCR has registered 58,000 refugees arriving through Kavra alone.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("refugees", "passed 120,000"), ("separated", "180"), ("separated", "About 600"), ("refugees", "30"),
        ("refugees", "58,000")}


def test_a_figure_reported_in_an_earlier_update_is_the_update_s_own() -> None:
    text = ("Floods in Orr\nFlash Update No. 3\n\nAccording to the National Emergency Office (NEO), 63 people have died, "
            "up from 38 reported in Flash Update No. 2. Another 29 people are missing. The NEO says 211 people have "
            "been injured, up from 140 in Flash Update No. 2.\n")
    draft = extract(text, document_id="t", text_file="t.txt")
    names = {s.id: s.name for s in draft.sources}
    assert {(names[c.source], f.metric, f.stated) for c in draft.claims for f in c.figures} == {
        ("National Emergency Office", "killed", "63"), (names[draft.voice], "killed", "38"),
        ("National Emergency Office", "missing", "29"), ("National Emergency Office", "injured", "211"),
        ("National Emergency Office", "injured", "140")}
    assert "Coordination of Humanitarian Affairs" in names[draft.voice]


def test_a_closing_speaker_described_by_a_relative_clause_speaks_for_the_sentence_and_those_still_there_count() -> None:
    text = ("Camp\n\nBy Ana Holt\n\nSome 2,300 people were moved into tents on the pitch, and about 1,400 are still "
            "there, according to the Red Cross, which runs the camp. Police detained 40 people overnight and 12 were "
            "charged, said Ana Vell, who heads the local bar association.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Red Cross", "displaced", "Some 2,300"), ("Red Cross", "displaced", "about 1,400"),
        ("Ana Vell", "detained", "40"), ("Ana Vell", "charged", "12")}


def test_what_became_of_most_of_those_counted_goes_on_with_their_counter_and_against_joins_a_name() -> None:
    text = ("Statement by Amnesty International\n\nThe crackdown follows the arrests of more than 300 people, according "
            "to a local monitoring group. Most were released within 48 hours, but at least 45 have been charged. In "
            "2021, at least 12 people died in custody, according to the UN Committee against Torture.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Local monitoring group", "arrested", "more than 300"), ("Local monitoring group", "charged", "at least 45"),
        ("UN Committee against Torture", "killed", "at least 12")}


def test_a_word_joining_the_sentence_to_the_one_before_is_no_speaker() -> None:
    text = ("Clashes\n\nThe health ministry, for its part, put the toll at 11 dead and 40 injured, citing figures from "
            "three hospitals in the city. The army, meanwhile, says 30 soldiers were killed. Police, however, reported "
            "12 arrests.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Health ministry", "killed", "11"), ("Health ministry", "injured", "40"), ("Army", "killed", "30"),
        ("Police", "arrested", "12")}


def test_what_people_told_of_themselves_says_what_they_count_and_electric_shocks_are_torture() -> None:
    text = ("Detentions\n\nThe OHCHR said detainees at the precinct were beaten, and at least 23 have told our "
            "colleagues they were subjected to electric shocks. The rights group said no fewer than 60 detainees had "
            "told its researchers they were tortured. Amnesty said four of the men had been subjected to mock "
            "executions. Zelva Watch said it had documented 1,800 detentions, and that 75 detainees had told its "
            "researchers they were tortured.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("OHCHR", "tortured", "at least 23"), ("Rights group", "tortured", "no fewer than 60"),
        ("Amnesty", "tortured", "four"), ("Zelva Watch", "detained", "1,800"), ("Zelva Watch", "tortured", "75")}


def test_one_of_what_a_body_says_are_n_is_its_claim_after_the_person_who_is_one_of_them() -> None:
    text = ("Hunger strike\n\nBy Ana Holt\n\nHe is one of what the prisoners' families say are 46 men refusing food. "
            "Her son was among what the union says are 30 miners killed.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Prisoners' families", "hunger_strikers", "46"), ("Union", "killed", "30")}


def test_a_number_in_a_clause_describing_the_speaker_is_no_claim() -> None:
    text = ("Trials\n\nKamil Ostrow, who represents dozens of the detainees, said that about 450 had been formally "
            "charged. Dara Fenn, whose two brothers are among the detained, says 300 people were arrested.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Kamil Ostrow", "charged", "about 450"), ("Dara Fenn", "arrested", "300")}


def test_people_sent_to_hospital_are_in_hospital_and_whom_a_speaker_speaks_for_counts_nothing() -> None:
    text = ("Ward\n\nBy Mira Solvang\n\nInside the clinic at the end of Mill Street, Dr Lena Harsk has stopped "
            "counting. \"This winter alone I have sent 58 workers to the regional hospital,\" she says.\n\nThe doctor "
            "said eight had been sent on to hospital. Police said 12 officers were rushed to hospital. Lawyers for the "
            "strikers say at least five of them have been moved to the prison hospital. Doctors at the burns unit told "
            "AFP that 40 people had been admitted. The justice ministry said 30 prisoners were transferred to another prison.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Lena Harsk", "hospitalised", "58"), ("Doctor", "hospitalised", "eight"), ("Police", "hospitalised", "12"),
        ("Lawyers", "hospitalised", "at least five"), ("Doctors", "hospitalised", "40"),
        ("Justice ministry", "transferred", "30")}


def test_an_age_turned_and_the_time_of_an_arrest_count_nothing() -> None:
    text = ("Prison\n\nBy Ana Holt\n\nFilip turned 22 in prison. The association says 412 people are held. Of those, "
            "it says, 74 are women and at least 19 were minors at the time of their arrest.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("detained", "412"), ("detained", "74"), ("detained", "at least 19")}


def test_the_deaths_of_people_in_custody_are_deaths_and_the_number_after_counts_them() -> None:
    text = ("Custody\n\nThe authorities have acknowledged the deaths of two protesters in custody. Relatives and a "
            "lawyers' group put the number at five.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Authorities", "killed", "two"), ("Relatives", "killed", "five")}  # (speakers named together: the first)


def test_those_still_there_after_a_toll_are_not_the_dead_and_a_semicolon_clause_closing_on_its_own_speaker_is_theirs() -> None:
    text = ("Mine\n\nThe mayor said 12 people died and 30 are still there. Rescuers said four miners were killed, while "
            "30 remain inside. Police said 300 people were detained; 40 are still there, a lawyer said. The governor "
            "said 300 people had been arrested; at least 40 remain in custody, according to Amnesty International. "
            "The ministry reported 64 deaths and 212 injuries; 29 people are missing.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Mayor", "killed", "12"), ("Rescuers", "killed", "four"), ("Police", "detained", "300"),
        ("Lawyer", "detained", "40"), ("Governor", "arrested", "300"),
        ("Amnesty International", "detained", "at least 40"), ("Ministry", "killed", "64"),
        ("Ministry", "injured", "212"), ("Ministry", "missing", "29")}


def test_what_a_delivery_is_enough_for_is_no_count() -> None:
    text = ("Aid\n\nThe ICRC said it had delivered surgical supplies for 500 wounded people. MSF sent food for 2,000 "
            "displaced families and enough medicine for 300 patients, and kits for up to 800 people. The ministry said "
            "40 people were injured.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {("Ministry", "injured", "40")}


def test_counts_day_by_day_that_add_up_to_a_stated_total_are_steps_to_it() -> None:
    text = ("Clashes\n\nAt least 19 people were killed, medical sources said. \"We received 14 bodies yesterday and five "
            "today,\" a doctor told AFP. The death toll rose to 31, the civil defence said. Rescuers pulled 20 bodies "
            "from the rubble overnight and 11 this morning. Police arrested 40 people on Monday and 25 on Tuesday, a "
            "lawyers' group said.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Medical sources", "killed", "At least 19"), ("Civil defence", "killed", "rose to 31"),
        ("Lawyers' group", "arrested", "40"), ("Lawyers' group", "arrested", "25")}


def test_a_bare_number_of_how_many_there_are_counts_what_the_text_was_counting() -> None:
    text = ("Bridge\n\nBy Ana Holt\n\nEvery morning Hana opens the hall for whoever crossed the border in the night. On "
            "Tuesday there were 41 of them, most of them women. On the busiest night there were more than 300.\n\n"
            "The school's caretaker, Pavel Onn, has set up 40 camp beds. He says 120 people slept there on the first "
            "night. Now it is 35.\n\nThose who fled the shelling sleep in the gym; on Monday there were 80 of them. The "
            "gym was built in 1962 and it is 40 metres long.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Ana Holt", "refugees", "41"), ("Ana Holt", "refugees", "more than 300"), ("Pavel Onn", "displaced", "120"),
        ("Pavel Onn", "displaced", "35"), ("Ana Holt", "displaced", "80")}


def test_a_person_named_after_who_they_are_to_someone_is_the_later_he_or_she() -> None:
    text = ("Village\n\nBy Ana Holt\n\nThe council head, Anja Teller, lost her house. Teller's deputy, Pavel Onn, "
            "runs the school. He says 120 people slept in the school hall. Her mother, Vera Lind, lives nearby. She "
            "says four neighbours are still missing.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Pavel Onn", "displaced", "120"), ("Vera Lind", "missing", "four")}


def test_an_it_says_inside_the_sentence_is_the_body_it_opens_on_and_a_closing_it_said_the_speaker_before() -> None:
    text = ("Protests\n\nThe interior ministry said four people died. The opposition Civic Front has published a list "
            "of nine people it says were killed by security forces. Amnesty International said 40 people were "
            "detained. The Kessin Lawyers Association has compiled the names of 112 people it says are held without "
            "charge. The army now says two soldiers were killed. Police arrested 17 people there, it said.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Interior ministry", "killed", "four"), ("Civic Front", "killed", "nine"),
        ("Amnesty International", "detained", "40"), ("Kessin Lawyers Association", "detained", "112"),
        ("Army", "killed", "two"), ("Army", "arrested", "17")}


def test_they_after_a_sentence_about_people_doing_something_are_those_people() -> None:
    text = ("Mine\n\nBy Ana Holt\n\nThe union says 31 miners died. On a bench outside the hall, six widows sit in a "
            "row. Together, they say, they have buried nine men.\n\nThe ministry says 12 workers were injured. "
            "Relatives of the missing gather at the gate each morning. They say 40 men are still missing.\n\n"
            "The company said 200 workers were evacuated. They say 15 were taken to hospital.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Union", "killed", "31"), ("Widows", "killed", "nine"), ("Ministry", "injured", "12"),
        ("Relatives of the missing", "missing", "40"), ("Company", "displaced", "200"),
        ("Company", "hospitalised", "15")}


def test_a_count_that_refers_back_goes_on_with_a_speaker_who_gave_no_figure() -> None:
    # the sentence before names a speaker but gives no count of its own: "Six others", "Two more" are what that
    # speaker went on to say; a count that opens a new subject ("Thousands of ...") stays in the text's own voice
    text = ("Fire\n\nBy Ana Holt\n\nThe mill's owner, Teska Grain, said in a statement that the dead men were part of "
            "a night shift. Four others from the shift are unaccounted for.\n\nThe port authority said the cargo hold "
            "had flooded within minutes. Two more crew members are missing.\n\nThe union says the owners ignored its "
            "warnings. Hundreds of workers were evacuated from the district.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Teska Grain", "missing", "Four"), ("Port authority", "missing", "Two"), ("Ana Holt", "displaced", "Hundreds")}


def test_claims_denied_are_the_claimants_named_in_the_sentence_before() -> None:
    # "Contrary to reports ..." names no speaker "Contrary to"; "Claims that 40 ... are a fabrication" belongs to
    # whoever was named claiming before, not to the statement denying it
    text = ("Statement by the Ministry of Defence\n\nContrary to reports in some media, no civilians were harmed. "
            "Opposition websites claimed on Sunday that the army had shelled Osk. Claims that 40 villagers were "
            "killed there are a fabrication.\n\nThe Lowland Front said on Sunday that the army had shelled its camps. "
            "Reports that 12 of its fighters died in custody are false.\n")
    names = {(name, metric, stated) for name, metric, stated, _ in _attributed(text)}
    assert names == {("Opposition websites", "killed", "40"), ("Lowland Front", "killed", "12")}


def test_a_pronoun_keeping_a_record_counts_for_the_person_it_refers_to() -> None:
    text = ("Gate\n\nBy Ana Holt\n\nEvery morning the families gather at the prison gate. Rasa Venn, 58, says her son "
            "was taken in March. On the inside cover of a ledger she has written 37 names of men arrested that week."
            "\n\nRelatives of the detained meet on Fridays. They keep a list, typed on an old laptop, of 112 "
            "people detained since the strike.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Rasa Venn", "arrested", "37"), ("Relatives of the detained", "detained", "112")}


def test_an_unattributed_figure_a_named_source_gives_elsewhere_restates_that_source() -> None:
    # a lead or a recap states a count in the text's own voice that a body gives, attributed, elsewhere: the
    # body's count, not a second claim of the author's; a figure two sources give, or one only the text gives,
    # stays in the text's own voice
    text = ("Floods in Marl\n\nBy Ana Holt\n\nRescue boats worked through the night in the lower valley, where at "
            "least 63 people have died since Sunday.\n\nThe disaster agency said on Tuesday that at least 63 people "
            "had died and 12 were missing. The Red Cross said 12 people were missing and 4,000 had been evacuated."
            "\n\nIn all, 12 people are missing and more than 900 homes have been damaged.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Disaster agency", "killed", "at least 63"), ("Disaster agency", "missing", "12"),
        ("Red Cross", "missing", "12"), ("Red Cross", "displaced", "4,000"), ("Ana Holt", "missing", "12"),
        ("Ana Holt", "damaged", "more than 900")}


def test_a_quotation_over_several_sentences_is_spoken_by_whoever_is_named_after_its_close() -> None:
    # the "we" of the first sentences of a quotation is the speaker named after the closing mark, sentences
    # later, not the text's own voice; straight marks too
    text = ("Orsk\n\nBy Ana Holt\n\nThe road to the valley reopened on Friday.\n\n“We found 40 bodies in the first "
            "village. We pulled 16 people out alive. Twelve more people are still missing,” said Anna Rell, who leads "
            "the volunteer rescue team.\n\n\"Our teams have evacuated 300 people from the lower streets. There is no more "
            "room,\" the council's deputy head, Pavel Onn, told reporters.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Anna Rell", "killed", "40"), ("Anna Rell", "rescued", "16"), ("Anna Rell", "missing", "Twelve"),
        ("Pavel Onn", "displaced", "300")}


def test_a_speaker_introducing_a_quotation_with_a_colon_speaks_its_we() -> None:
    text = ("Orsk\n\nBy Ana Holt\n\nThe road to the valley reopened on Friday. Anna Rell, who leads the volunteers, "
            "said: “We counted 40 bodies in the first village.” The mayor told reporters, “We have evacuated 300 people "
            "from the school.”\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Anna Rell", "killed", "40"), ("Mayor", "displaced", "300")}


def test_a_relative_clause_before_the_verb_describes_the_speaker() -> None:
    # ", which organised the strike that closed the pits," is about the union: its "that" starts no clause whose
    # subject would speak
    text = ("Pits\n\nBy Ana Holt\n\nThe Kessel Miners' Union, which organised the strike that closed the pits, said 23 "
            "of its members were detained. The Orr Lawyers' Guild, who represent families that lost relatives in the "
            "raids, said 14 people had died in custody.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Kessel Miners' Union", "detained", "23"), ("Orr Lawyers' Guild", "killed", "14")}


def test_adding_after_a_speaker_named_after_the_quotation_goes_on_with_that_speaker() -> None:
    text = ("Raid\n\nBy Ana Holt\n\n“They broke the doors,” said Marta Osei, the union's deputy secretary, adding that two "
            "of the detained men were taken to hospital.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Marta Osei", "hospitalised", "two")}


def test_a_pronoun_after_a_time_opening_is_the_speaker_and_gave_no_gives_nothing() -> None:
    # "Late on Tuesday it said ...": "it" is the agency named before, not a source "Late on Tuesday"; "but gave no
    # breakdown" names no source for what came before it
    text = ("Slide\n\nBy Ana Holt\n\nThe disaster agency, BNPG, had earlier put the death toll at 19. Late on Tuesday it "
            "said it had been informed of “at least 31 deaths”, but gave no breakdown.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("BNPG", "killed", "19"), ("BNPG", "killed", "at least 31")}


def test_it_after_a_sentence_opening_on_a_body_acting_is_that_body() -> None:
    # "The interior ministry has issued its first statement. It says ...": the body the sentence before opens on,
    # doing something other than giving a figure, not the monitor quoted before it
    text = ("Protests\n\nBy Ana Holt\n\nThe monitor Ostlog says 400 people have been detained.\n\nThe interior ministry "
            "has issued its first statement. It says around 300 people were detained.\n\nThe Red Cross, which runs the "
            "camp, has sent two surgical teams. It says 40 people were injured.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Ostlog", "detained", "400"), ("Interior ministry", "detained", "around 300"), ("Red Cross", "injured", "40")}


def test_people_reported_killed_by_a_body_are_that_bodys_count_but_not_by_those_who_killed_them() -> None:
    text = ("Market\n\nBy Ana Holt\n\nNineteen people were reported killed by the district council in the first hours "
            "after the strike. Forty men were reported missing by their families. Twelve people were reported killed "
            "by security forces in the town, residents said.\n\n“We have opened tracing requests for 3,400 people "
            "reported missing by their families,” said Oren Castell of the Red Cross.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("District council", "killed", "Nineteen"), ("Families", "missing", "Forty"), ("Residents", "killed", "Twelve"),
        ("Oren Castell of the Red Cross", "missing", "3,400")}


def test_a_monitor_named_with_what_it_is_first_is_the_monitor_named_alone_later() -> None:
    # a live blog's summary line says "Monitor Protocol counts ..."; the entries say "Protocol" and "the monitor"
    text = ("Protests – live\n\nKey events\n\n• Monitor Protocol counts at least 1,150 detentions in 38 cities\n\n"
            "18.10 GMT\n\nUpdate: Protocol, the independent monitor, now says at least 1,150 people have been detained "
            "in 38 cities.\n\n14.30 GMT\n\nThe monitor says more than 400 people have now been detained.\n")
    draft = extract(text, document_id="t", text_file="t.txt")
    assert [s.name for s in draft.sources] == ["Protocol"]
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("detained", "at least 1,150"), ("detained", "more than 400")}


def test_figures_told_by_evacuating_accounting_carrying_crowds_and_hospital_transfers_are_found() -> None:
    text = ("Slide\n\nBy Ana Holt\n\n“There are still some forty people we cannot account for,” the mayor said. The Red "
            "Cross said its volunteers had helped evacuate roughly 1,500 residents. Sixteen people were taken by "
            "helicopter to the provincial hospital, a hospital spokesman said. A fishing boat carrying some 130 people "
            "capsized off the cape, the coastguard said. Police estimated the crowd in the square at 15,000.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Mayor", "missing", "some forty"), ("Red Cross", "displaced", "roughly 1,500"),
        ("Hospital spokesman", "hospitalised", "Sixteen"), ("Coastguard", "passengers", "some 130"),
        ("Police", "protesters", "15,000")}


def test_bodies_described_after_their_name_or_counting_in_assessments_and_annual_reports_are_the_source() -> None:
    # an apposition "a panel of ... based in Geneva" describes the body named before it; "its latest annual report"
    # is a noun, not the verb "report"; "set up under international pressure" describes the commission, which
    # "recognises" and "says"; "released from custody" names no source; "assessments by X indicate" are X's
    text = ("Doran\n\nBy Ana Holt\n\nThe UN Working Group on Enforced Disappearances, a panel of independent experts based "
            "in Geneva, said in its latest annual report that at least 180 people had disappeared.\n\nThe government's "
            "Commission on Missing Persons, set up under international pressure in 2024, recognises only 96 cases, and "
            "says that 41 of those people have since been released from custody.\n\nPreliminary assessments by the "
            "Shelter Cluster indicate that 18,700 houses were destroyed.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} >= {
        ("UN Working Group on Enforced Disappearances", "missing", "at least 180"),
        ("Commission on Missing Persons", "released", "41"), ("Shelter Cluster", "damaged", "18,700")}
    assert {name for name, _, _, _ in _attributed(text)} == {
        "UN Working Group on Enforced Disappearances", "Commission on Missing Persons", "Shelter Cluster"}


def test_its_count_is_kept_by_whom_its_refers_to() -> None:
    text = ("Market\n\nBy Ana Holt\n\nThe district council said 19 people were killed in the first hours after the strike. "
            "The stalls burned through the night. By the next morning its count had risen to 33, among them 11 children."
            "\n\nThe families' committee says 40 men are missing. Rain fell all week. Their tally of the missing had reached "
            "52 by Friday.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("District council", "killed", "19"), ("District council", "killed", "risen to 33"),
        ("District council", "killed", "11"), ("Families' committee", "missing", "40"),
        ("Families' committee", "missing", "reached 52")}


def test_a_place_named_service_counts_the_people_it_rescues_and_is_not_the_places_other_bodies() -> None:
    # "The Varell coastguard rescued 47 survivors": a service a place name says whose it is counts its own work
    # ("Rescuers" name no body); "Varell" alone is not a short name of that coastguard, nor a source: the authorities are
    text = ("Boat\n\nBy Ana Holt\n\nThe Varell coastguard rescued 47 survivors and recovered 19 bodies. Rescuers "
            "recovered 12 more bodies from the shore.\n\nVarell authorities say 21,950 refugees have been registered.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Varell coastguard", "rescued", "47"), ("Varell coastguard", "killed", "19"), ("Ana Holt", "killed", "12"),
        ("Varell authorities", "refugees", "21,950")}


def test_he_after_a_speaker_named_with_a_lowercase_role_is_that_speaker() -> None:
    # "fire chief Anders Vik": the name is a person's though the role before it is not capitalised (the 97 "being
    # treated there" by the hospital are in hospital since round 12)
    text = ("Train\n\nBy Ana Holt\n\nThe hospital's director, Ruth Kalm, told reporters that 97 people were being treated "
            "there.\n\n“We are still cutting our way through the carriages,” fire chief Anders Vik told reporters at the "
            "site. He said up to 20 people could still be trapped inside.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Ruth Kalm", "hospitalised", "97"), ("Anders Vik", "missing", "up to 20")}


def test_a_which_clause_after_according_to_speaks_for_the_body_not_for_according_to() -> None:
    # "..., according to the state emergency office, which had put the toll at 40": the office's, under its own name
    text = ("Storm\n\nBy Ana Holt\n\nHeavy rain has killed 52 people in the north, according to the state emergency "
            "office, which had put the toll at 40 on Monday.\n\nMedics treated 30 injured people at the scene, "
            "according to the provincial ambulance service, which said 9 people were still missing.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("State emergency office", "killed", "52"), ("State emergency office", "killed", "40"),
        ("Provincial ambulance service", "injured", "30"), ("Provincial ambulance service", "missing", "9")}


def test_by_a_date_is_a_deadline_not_who_keeps_the_count() -> None:
    # "recorded by 3 March", "registered by Friday": when, not an agent (no source called "March" or "Friday")
    text = ("Outbreak\n\nBy Ana Holt\n\nIn figures compiled by the Ministry of Health, 45 deaths had been recorded by "
            "3 March. Some 2,100 people had been registered as displaced by Friday, the ministry said.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Ministry of Health", "killed", "45"), ("Ministry of Health", "displaced", "Some 2,100")}


def test_its_representative_or_press_office_speaks_for_the_body_named_before() -> None:
    # "Its Varna representative", "its press office": one who speaks for the body "its" refers to, also when that
    # body was named only doing something ("The coast guard disputes that.")
    text = ("Quake\n\nBy Ana Holt\n\nThe Red Cross said it was sending teams. Its Varna representative told reporters "
            "that 40 people had been hurt.\n\nThe coast guard disputes that. In a written reply, its press office said "
            "120 people had been rescued.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Red Cross", "injured", "40"), ("Coast guard", "rescued", "120")}


def test_an_age_limit_after_the_people_counted_is_no_figure() -> None:
    # "12 of the dead under 18": the 12 count; "under 18" says how old they were
    text = ("Sea route\n\nBy Ana Holt\n\nIn April: 88 deaths, 40 people missing, and 12 of the dead under 18. Of the "
            "migrants rescued in May, 30 were women and 14 of the women under 16.\n")
    stated = {stated for _, _, stated, _ in _attributed(text)}
    assert "under 18" not in stated and "under 16" not in stated and {"88", "40", "12"} <= stated


def test_the_first_word_of_a_lowercase_body_name_is_no_name_of_its_own() -> None:
    # a live blog names "Civil protection" twice: the second time is the same body, not a source called "Civil"
    text = ("Floods: live updates\n\n11:00\nCivil protection has updated its figures: 31 dead.\n\n08:10\nGood morning. "
            "Civil protection says 14 bodies have been recovered from the river.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Civil protection", "killed", "31"), ("Civil protection", "killed", "14")}


def test_the_verb_of_a_coordinated_figure_does_not_count_the_dead_before_it() -> None:
    # "31 dead and around 50 unaccounted for": the 50 are missing, the 31 dead; "23 refugees have died" still died
    text = ("Floods\n\nBy Ana Holt\n\nPolice said there were 31 dead and around 50 unaccounted for. The agency said 23 "
            "refugees, among them six children, have died.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("killed", "31"), ("missing", "around 50"), ("killed", "23"), ("killed", "six")}


def test_people_sent_back_to_a_place_are_returned_not_what_the_figure_before_counted() -> None:
    # after a count of the dead and missing, "returned 4,100 people to their port of departure" are returned;
    # "returned 12 bodies to the families" are still the dead
    text = ("Sea\n\nBy Ana Holt\n\nThe coastguard said 38 people died and 120 are missing. Patrols returned 4,100 people to "
            "their port of departure, up from 2,900 a year earlier. Divers returned 12 bodies to the families.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("killed", "38"), ("missing", "120"), ("returned", "4,100"), ("returned", "2,900"), ("killed", "12")}


def test_one_number_for_the_dead_and_the_missing_is_dead_or_missing() -> None:
    text = ("Sea\n\nBy Ana Holt\n\nThe project recorded 289 deaths and disappearances on the route. Its staff counted 120 "
            "dead or missing migrants at sea and 45 dead and 30 missing on land.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("dead_or_missing", "289"), ("dead_or_missing", "120"), ("killed", "45"), ("missing", "30")}


def test_information_gathered_by_a_body_is_that_bodys() -> None:
    text = ("Raid\n\nBy Ana Holt\n\nAccording to information gathered by the district administration, two men were "
            "killed in the village. According to data collected by local monitors, 30 people were detained.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("District administration", "killed", "two"), ("Local monitors", "detained", "30")}


def test_a_capacity_with_an_aside_before_it_is_no_count() -> None:
    # "built, according to the prison register, in 1931 for six prisoners": what the cell was built for
    text = ("Cell\n\nBy Ana Holt\n\nThe cell was built, according to the prison register, in 1931 for six prisoners. "
            "Guards said 41 men were held in it in March.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {("detained", "41")}


def test_she_added_in_a_live_blog_entry_naming_nobody_goes_on_with_the_last_speaker() -> None:
    # round 10 gives a bare "She said" in an entry naming nobody to no one (entries may run newest first); "She added"
    # says it continues, so it is the person who spoke last, in whatever entry she was named
    text = ("Quake: live updates\n\n10:05\nInterior Minister Klara Vey has been speaking to reporters in the capital. She "
            "said 40 people had died.\n\n10:12\nShe added that 120 people had been injured.\n\n10:20\nShe said 300 people "
            "had been evacuated.\n")
    attributed = {(name, metric, stated) for name, metric, stated, _ in _attributed(text)}
    assert {("Klara Vey", "killed", "40"), ("Klara Vey", "injured", "120")} <= attributed
    assert ("Klara Vey", "displaced", "300") not in attributed


def test_a_titles_full_stop_does_not_cut_the_name_after_said() -> None:
    # 'said Dr. Ines Valcourt' names Ines Valcourt (a source "Dr" before), and she is the later "She"
    text = ("Shelling\n\nBy Ana Holt\n\n\"We moved the patients,\" said Dr. Ines Valcourt, the medical coordinator. She "
            "said six of the wounded were children. Nine people were killed, according to Mr. Paul Senn, a nurse.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Ines Valcourt", "injured", "six"), ("Paul Senn", "killed", "Nine")}


def test_the_hurt_a_hospital_admitted_or_is_caring_for_now_are_in_hospital() -> None:
    # round 12: batches 13 to 17 label these hospitalised, not injured; what a hospital "has treated" in all, or
    # people treated for their injuries with no hospital named, stay injured
    text = ("Crash\n\nBy Ana Holt\n\nThe district hospital said it had admitted 21 of the injured. A doctor said the "
            "clinic had admitted 63 wounded, a dozen of them in a serious condition. The regional hospital is treating 22 "
            "injured people. Hospitals in Lirn and Sava were treating 61 people late on Friday, the health ministry "
            "said. The hospital in Orm said it was treating 64 survivors. According to the Ministry of Health, 31 "
            "wounded soldiers have been treated at the Serrin Military Hospital. Rescuers said 80 people were "
            "treated for their injuries at the scene.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("hospitalised", "21"), ("hospitalised", "63"), ("hospitalised", "22"), ("hospitalised", "61"),
        ("hospitalised", "64"), ("hospitalised", "31"), ("injured", "80")}
    # a hospital's director telling how many are being treated "there" speaks of the hospital; "it" of a body
    # that is no hospital is not
    text = ("Derailment\n\nBy Ana Holt\n\nThe hospital's director, Ruth Kalm, told reporters that 97 people were being "
            "treated there. The Red Cross said it was treating 40 injured people at a field post.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("hospitalised", "97"), ("injured", "40")}


def test_people_told_only_by_their_arriving_crossing_or_leaving_are_refugees_or_displaced() -> None:
    # round 12: a verb of coming or going right after the count is what it counts: crossing, or arriving where the
    # sentence speaks of a border or the sea, makes refugees; leaving, or arriving with nothing of the kind, displaced
    text = ("Arrivals\n\nBy Ana Holt\n\nThe agency said some 2,300 people had crossed since Sunday. It said 900 people "
            "were still crossing each day at the two northern border points. So far this year, 23,800 people have "
            "arrived in the islands by sea.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("refugees", "some 2,300"), ("refugees", "900"), ("refugees", "23,800")}
    # in a text counting people displaced at home (arriving takes the text's topic, refugees or not)
    text = ("Raids\n\nBy Ana Holt\n\nNearly 5,000 people have arrived in Rassen since the weekend, the Red Cross said. "
            "Some 4,000, roughly half of them, have left since the market was hit. The civil defence agency said 14,500 "
            "people have now left the zone.\n\nThe council says 38 young men have left for the mines.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("displaced", "Nearly 5,000"), ("displaced", "Some 4,000"), ("displaced", "14,500")}


def test_a_body_named_by_what_it_is_and_the_place_it_serves_is_not_the_place() -> None:
    # round 12: "the provincial health directorate of Merrow", "Community leaders in Tamsa", "the provincial hospital
    # in Bressa, which said" had become sources "Merrow", "Tamsa", "Bressa"; a date after what a body answered had
    # become a source "October"
    text = ("Floods\n\nBy Ana Holt\n\nRain fell for a week. At least 40 people died, the provincial health directorate of "
            "Merrow reported. Community leaders in Tamsa told NRC that 85 men had been detained. The mayor of Orrin said "
            "12 people were missing. Among the dead were 11 children, according to the provincial hospital in Bressa, "
            "which said 64 survivors were injured. The government's own figures, given by the justice ministry in reply "
            "to a parliamentary question in October, put executions in 2024 at 28.\n")
    assert _speakers(text) >= {
        ("Provincial health directorate of Merrow", "At least 40"), ("Community leaders in Tamsa", "85"),
        ("Mayor of Orrin", "12"), ("Provincial hospital in Bressa", "64"), ("Justice ministry", "28")}
    # a proper name stays one, and people of a body named before are that body's
    text = ("Raids\n\nBy Ana Holt\n\nAmnesty International said 50 people were detained. Amnesty researchers in Orm said "
            "60 people were detained. The Ministry of Health said 40 people were injured. Police in Halde said 30 people "
            "were arrested.\n")
    assert _speakers(text) == {
        ("Amnesty International", "50"), ("Amnesty International", "60"), ("Ministry of Health", "40"),
        ("Police", "30")}


def test_a_claim_a_statement_rejects_is_the_claimants_and_contrary_to_names_no_one_for_what_follows() -> None:
    # round 12: "the claim by X that", "Reports spread by X that", "the claims published by X that": X claims it,
    # also when X is named in quotation marks; "beaten to death" is a death
    text = ("Statement\n\nStatement by the Ministry of Defence\n\nThe Ministry rejects as fabricated the claim by the "
            "so-called \"Free Halm Front\" that it killed more than 70 soldiers. Reports spread by enemy propaganda "
            "channels that \"some 60 soldiers\" died in an ambush are false. The Ministry rejects the claims published by "
            "the so-called Prisoners' Rights Committee that \"at least 12 prisoners were beaten to death\". Our troops "
            "detained 14 fighters.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Free Halm Front", "killed", "more than 70"), ("Enemy propaganda channels", "killed", "some 60"),
        ("Prisoners' Rights Committee", "killed", "at least 12"), ("Ministry of Defence", "detained", "14")}
    # what a "Contrary to ..." opening contradicts says nothing of the figures after it in the sentence; a "Claims
    # that ..." after it is the claimants'
    text = ("Statement by the Ministry of Defence\n\nContrary to the figures circulated by hostile media "
            "outlets, the number of deaths did not exceed 24. Contrary to reports circulating on social media, 30 people "
            "were detained.\n\nContrary to reports circulated by foreign media outlets, no civilians were harmed. Claims "
            "that 15 villagers were killed in Ushti are a fabrication.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Ministry of Defence", "killed", "did not exceed 24"), ("Ministry of Defence", "detained", "30"),
        ("Foreign media outlets", "killed", "15")}


def test_a_part_told_only_by_who_it_is_counts_what_its_group_counts() -> None:
    # round 12: "Of the dead, 22 were children" after a count of the injured, "six of the dead brought to the hospital
    # were children", "610 of them were unaccompanied children", "64 of those executed had been convicted": the group
    # says what happened to them; what happened to the part itself is still its own count
    text = ("Crush\n\nBy Ana Holt\n\nAt least 40 people died and 90 were injured, the ministry said. Of the dead, 22 were "
            "children, the health directorate reported. A doctor told her that at least six of the dead brought to the "
            "hospital were children. Eight of the injured had died in hospital. 28 of the injured were in hospital in "
            "Tarro.\n\nThe agency said 2,300 refugees crossed. It said 610 of them were unaccompanied children.\n\nThe "
            "group said 120 people were executed. At least 64 of those executed had been convicted only of drug "
            "offences.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("killed", "At least 40"), ("injured", "90"), ("killed", "22"), ("killed", "at least six"), ("killed", "Eight"),
        ("hospitalised", "28"), ("refugees", "2,300"), ("refugees", "610"), ("executed", "120"),
        ("executed", "At least 64")}


def test_a_body_giving_out_its_own_count_before_a_colon_is_the_source_of_what_follows() -> None:
    # round 12: "has just published its tally:", "has given his first figures on state TV:", "has released its
    # latest figures:" name who counts, like "updated its figures:" before them
    text = ("Protests live\n\n10:05\nThe Veldoran Helsinki Committee, a monitoring group, has just published its tally: "
            "at least nine protesters killed since Thursday.\n\n10:20\nInterior minister Stefan Kral has given his first "
            "figures on state TV: 780 \"rioters\" detained and 63 police injured.\n\n10:40\nThe Red Crescent has released "
            "its latest figures: 1,200 people displaced.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Veldoran Helsinki Committee", "killed", "at least nine"), ("Stefan Kral", "detained", "780"),
        ("Stefan Kral", "injured", "63"), ("Red Crescent", "displaced", "1,200")}


def test_its_and_it_refer_to_the_body_the_text_was_just_about() -> None:
    # round 12: "Its search teams have pulled 64 people alive" after a sentence about the Red Crescent; "Its figures
    # show" after "The Kessal Student Council ... keeps a list." (a body keeping a record, no figure given); "it
    # corrected the figure to 104" after the coastguard's first count
    text = ("Quake\n\nBy Ana Holt\n\nThe Tavrin Red Crescent, which runs the camps, counts 110,000 people without "
            "shelter. Its search teams have pulled 64 people alive from the rubble.\n\nThe Kessal Student Council, which "
            "called the first march, keeps a list. Its figures show that 187 students have been detained.\n\nThe "
            "coastguard first said 78 people had been rescued. A day later, after a second count, it corrected the "
            "figure to 104.\n")
    assert _speakers(text) == {
        ("Tavrin Red Crescent", "110,000"), ("Tavrin Red Crescent", "64"), ("Kessal Student Council", "187"),
        ("Coastguard", "78"), ("Coastguard", "104")}


def test_people_counted_by_the_tickets_for_a_journey_are_passengers() -> None:
    # round 12: "had bought tickets for the service", "had been booked on the service", "had sold 386 tickets for the
    # crossing" count the people on board (a figure not found in batches 14, 16 and 17); "booked for rioting" does not
    text = ("Train\n\nBy Ana Holt\n\nThe rail operator says 612 passengers had bought tickets for the 16:05 service. The "
            "operator said 312 passengers had been booked on the night service. The ferry had sold 386 tickets for the "
            "crossing to Tarn island, according to the port authority. Police said 40 people were booked for rioting "
            "and arrested.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("passengers", "612"), ("passengers", "312"), ("passengers", "386"), ("arrested", "40")}


def test_a_broadcaster_reporting_now_relays_the_source_it_cites() -> None:
    # round 12: "is now reporting" is a report; "citing X" between the verb and what is said names whose figure it
    # is, and an apposition between a count and its verb does not hide the verb
    text = ("Dam live\n\nBy Ana Holt\n\nState broadcaster CTV, citing the health ministry, is now reporting 34 dead. "
            "Reuters is reporting, citing a police source, that three people, the operator and two of its engineers, "
            "have been arrested. Local radio is reporting 12 people missing.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Health ministry", "killed", "34"), ("Police source", "arrested", "three"), ("Local radio", "missing", "12")}


def test_a_table_lead_in_names_the_owner_of_the_figures_not_what_they_were_compiled_from() -> None:
    # round 12: "Its figures, compiled from court records, prison sources and families, year by year:" are the
    # centre's rows (they had gone to a source "Court records"); a row opening on a year and a spaced dash
    # ("2023 — 57 people sentenced to death") is no range from 2023 to 57
    text = ("Executions, 2021-2023\n\nThe Holvarian Centre for Penal Reform published its annual review on Tuesday. Its "
            "figures, compiled from court records, prison sources and families, year by year:\n\n2021 — The courts "
            "handed down 48 death sentences and 12 people were executed.\n\n2022 — The centre counted 19 executions.\n\n"
            "2023 — 57 people sentenced to death; 26 executed.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Holvarian Centre for Penal Reform", "sentenced_to_death", "48"),
        ("Holvarian Centre for Penal Reform", "executed", "12"), ("Holvarian Centre for Penal Reform", "executed", "19"),
        ("Holvarian Centre for Penal Reform", "sentenced_to_death", "57"),
        ("Holvarian Centre for Penal Reform", "executed", "26")}


def test_a_lead_in_that_ends_on_below_or_as_follows_names_the_owner_of_the_rows() -> None:
    # round 13: a table's lead-in can end on a full stop when it says the figures come next ("Its table, as of 1
    # December 2026, is written out below in full."); its rows had gone to the text's unnamed voice. An observatory
    # is a body that owns a count, as a monitor or a centre is.
    text = ("Orval: journalists in prison\n\nThe Orval Press Freedom Observatory released its census on Monday. Its "
            "table, as of 1 May 2026, is written out below in full.\n\nNorth — 12 journalists in prison. Three of them "
            "are women.\n\nSouth — 7 journalists in prison.\n\nThe Committee to Protect Journalists counted 15.\n")
    assert _speakers(text) == {
        ("Orval Press Freedom Observatory", "12"), ("Orval Press Freedom Observatory", "Three"),
        ("Orval Press Freedom Observatory", "7"), ("Committee to Protect Journalists", "15")}
    text = ("Lawyers held\n\nThe Orval Bar Association published its figures on Friday. Their breakdown by province "
            "is as follows.\n\nKesk — 40 lawyers detained.\n\nTamm — 9 lawyers detained.\n")
    assert _speakers(text) == {("Orval Bar Association", "40"), ("Orval Bar Association", "9")}
    # a sentence that ends on a place "below" something leads into nothing
    text = ("Dam\n\nThe Orval Dam Authority opened the gates. Water reached the villages below.\n\nTesk — 40 houses were "
            "flooded.\n")
    assert {name for name, _, _, _ in _attributed(text)} != {"Orval Dam Authority"}


def test_a_pronoun_after_an_opening_phrase_is_the_speaker() -> None:
    # round 13: "In its latest bulletin it said 3,112 people had reached ..." had skipped the whole clause as no
    # subject (it opens on "In"), so the figures went to the byline; the pronoun after the opening phrase speaks
    text = ("Boats\n\nBy Ana Holt\n\nThe coastguard's figures are larger. In its latest bulletin it said 86 people had "
            "been found dead at sea.\n")
    assert _speakers(text) == {("Coastguard", "86")}
    text = ("Lawyers\n\nBy Ana Holt\n\nThe Orval Bar Association said 12 lawyers were missing. At a news conference on "
            "Monday it said 40 lawyers had been detained.\n")
    assert _speakers(text) == {("Orval Bar Association", "12"), ("Orval Bar Association", "40")}
    text = ("Tesk\n\nBy Ana Holt\n\nPolice in Tesk said 12 people were missing. During a briefing they said 40 people "
            "had been detained.\n")
    assert _speakers(text) == {("Police", "12"), ("Police", "40")}


def test_a_part_of_a_body_named_by_its_place_speaks_for_the_body() -> None:
    # round 13: "Its Varnholm delegation says more than 9,000 homes ..." had made a source "Its Varnholm"; a
    # delegation, branch or mission of the body named before speaks for it, with its place before or after
    cases = [("The Orval Red Cross says 1,200 people have been forced from their homes. Its Tesk delegation says more "
              "than 900 homes have been destroyed.", "Orval Red Cross", {"1,200", "more than 900"}),
             ("The Orval Bar Association says 40 lawyers are held. Its northern branch says 12 lawyers have been "
              "arrested.", "Orval Bar Association", {"40", "12"}),
             ("Médecins Sans Frontières said 40 people were killed. Its mission in Tesk said 12 people were injured.",
              "Médecins Sans Frontières", {"40", "12"})]
    for paragraph, body, stated in cases:
        assert _speakers(f"Floods\n\nBy Ana Holt\n\n{paragraph}\n") == {(body, figure) for figure in stated}


def test_a_body_introduced_by_its_kind_is_the_one_a_later_short_reference_means() -> None:
    # round 13: "For the aid group Sea Watchers, which runs a small rescue boat, ..." did not count as a mention,
    # so "The group estimates that between 300 and 400 ..." went to the Red Cross named in the paragraph before
    text = ("Boats\n\nBy Ana Holt\n\nThe centre is run by the Orval Red Cross, which said 4,000 people had fled."
            "\n\nFor the aid group Sea Rescue, which runs a boat, the toll is too low. The group estimates that "
            "300 people have drowned.\n")
    assert _speakers(text) == {("Orval Red Cross", "4,000"), ("Sea Rescue", "300")}
    text = ("Tesk\n\nBy Ana Holt\n\nThe Orval Red Cross said 4,000 people had fled.\n\nThe toll is disputed by the "
            "rights organisation Free Voices. The organisation says 300 people were killed.\n")
    assert _speakers(text) == {("Orval Red Cross", "4,000"), ("Free Voices", "300")}


def test_a_title_before_a_surname_is_the_person_a_later_he_or_she_means() -> None:
    # round 13: "Mr Halvik's crew has pulled 212 people from the water this year, he said." gave "he" to the woman
    # named before: a title before a surname alone (possessive or not) did not count as a mention of the person
    text = ("Boats\n\nBy Ana Holt\n\nIts director, Ana Sorel, said 90 children were alone. \"We count empty seats,\" "
            "said its coordinator, Jonas Halvik.\n\nMr Halvik's crew has pulled 212 people from the water this year, he "
            "said.\n")
    assert ("Jonas Halvik", "212") in _speakers(text)
    text = ("Ward\n\nBy Ana Holt\n\nThe director, Pavel Renn, said 40 people were injured. A nurse, Mira Lund, said the "
            "ward was full.\n\nDr Renn’s ward has treated 19 children since Friday, he said.\n")
    assert ("Pavel Renn", "19") in _speakers(text)


def test_attacks_and_complaints_are_counted_as_events() -> None:
    # round 12: batches 15 and 17 label counts of attacks on schools or health care and of complaints received
    # (the metrics the draft defines when the database lacks them); the people killed in them stay their own count
    text = ("Schools\n\nBy Ana Holt\n\nThe charity said it had verified 58 attacks on schools since January, against 17 "
            "in the five months before. The Health Cluster has verified four attacks on health care, in which two health "
            "workers were killed. The police service has received three complaints.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("attacks", "58"), ("attacks", "17"), ("attacks", "four"), ("killed", "two"), ("complaints", "three")}


def test_there_or_here_after_a_speaker_is_no_part_of_the_name() -> None:
    # round 12: "A doctor there told her" had made a source "Doctor there"
    text = ("Crush\n\nBy Ana Holt\n\nA doctor there told her that 12 people had died. Officials here said 30 people were "
            "injured.\n")
    assert _speakers(text) == {("Doctor", "12"), ("Officials", "30")}


def test_a_which_clause_with_a_subject_of_its_own_does_not_swallow_the_figures_before_it() -> None:
    # round 12: ", which Save the Children cited" had made the whole sentence before it the speaker's description,
    # so its figures were dropped; ", which represents 1,100 miners, says" still describes the speaker
    text = ("Brevia\n\nBy Ana Holt\n\nAt least 112 children have been killed and 260 injured since April, according to "
            "figures verified by the United Nations, which Save the Children cited. The union's local branch, which "
            "represents 1,100 miners, says 42 of its members have died.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("United Nations", "killed", "At least 112"), ("United Nations", "injured", "260"),
        ("Union's local branch", "killed", "42")}


def test_missing_people_told_by_no_word_or_believed_trapped() -> None:
    # round 12: "31 men believed trapped" had read "believed" as a speech verb whose subject held the figure;
    # "who have had no word since Friday", "no information about their whereabouts" tell missing people; "had no
    # word on the injured" says nothing of people
    text = ("Mine\n\nBy Ana Holt\n\nRescuers were still digging for 31 men believed trapped underground, the governor's "
            "office said. The union believed 40 miners were trapped. \"We have spoken to families of nearly 50 men who "
            "have had no word since Friday,\" its director, Anton Reyes, said. Relatives of 64 workers told the union "
            "they had received no information about their whereabouts. The ministry said 12 people were killed but had "
            "no word on the injured.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("missing", "31"), ("missing", "40"), ("missing", "nearly 50"), ("missing", "64"), ("killed", "12")}
    assert ("Governor's office", "missing", "31") in {(n, m, f) for n, m, f, _ in _attributed(text)}


def test_prisoners_recaptured_are_captured_not_what_their_noun_says() -> None:
    # round 12: "recaptured 23 of the prisoners who escaped" had been read by the noun (detained)
    text = ("Riot\n\nBy Ana Holt\n\nPolice said they had recaptured 23 of the prisoners who escaped. Guards recaptured 12 "
            "inmates by nightfall. Police said 40 prisoners were held in the wing.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("captured", "23"), ("captured", "12"), ("detained", "40")}


def test_prisoners_moved_elsewhere_or_identified_as_something_are_told_by_their_verb() -> None:
    # round 12: "moved about 300 inmates from Koltan to ..." are transferred and "Nine inmates identified as organisers
    # ... have been charged" are charged; a prisoners' noun alone still says what a prison holds
    text = ("Riot\n\nBy Ana Holt\n\nGuards moved about 300 inmates from Koltan to a former army barracks. Police bussed 40 "
            "detainees to a stadium. Nine inmates identified as organisers of the disturbances have been charged. The "
            "prison holds 2,000 inmates.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {
        ("transferred", "about 300"), ("transferred", "40"), ("charged", "Nine"), ("prisoners", "2,000")}


def test_a_month_or_week_before_the_speaker_and_raising_that_to_a_new_count() -> None:
    # round 12: "In January the Interior Ministry told parliament that" had named no speaker (only weekdays were read
    # as a time before the subject); "it raised that to 131" revises the count before
    text = ("Disappearances\n\nBy Ana Holt\n\nIn January the Interior Ministry told parliament that 96 people had been "
            "reported missing. In a written answer in June, it raised that to 131. Last week the commission said 40 "
            "people were detained. In March 2024 Amnesty said 12 people were killed.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Interior Ministry", "missing", "96"), ("Interior Ministry", "missing", "131"),
        ("Commission", "detained", "40"), ("Amnesty", "killed", "12")}


def test_a_release_in_the_third_person_speaks_for_its_issuer_past_a_subtitle() -> None:
    # round 12: a subtitle under the title (no full stop) had been taken for the first paragraph, so the release's
    # issuer, named where its first paragraph ends ("..., Human Rights Watch said today."), was not found
    text = ("Karesh: Executions for Drug Offenses Surge\nAuthorities Should Halt Hangings, Notify Families\n\n(Geneva, "
            "March 4, 2026) – Authorities in Karesh executed at least 118 people in 2025, Human Rights Watch said today."
            "\n\nAmong those executed were five women.\n")
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Human Rights Watch", "executed", "at least 118"), ("Human Rights Watch", "executed", "five")}


def test_coming_or_going_to_a_building_or_an_errand_is_no_displacement() -> None:
    # round 12's movement rule reads only a verb followed by where from, where to or when
    text = ("Test\n\nBy Ana Holt\n\nOf the 40 people injured, 12 have left hospital. Thirty people have arrived at the "
            "hospital since noon. Some 200 people have arrived at the polling station.\n")
    assert {(metric, stated) for _, metric, stated, _ in _attributed(text)} == {("injured", "40")}


def test_the_organisation_in_a_release_is_its_issuer_not_the_body_it_cited_last() -> None:
    # round 12: "The organisation said" after a sentence citing the United Nations had gone to the UN
    text = ("Brevia: children uprooted – Save the Children\n\nKESSARA, 18 June – Fighting has forced nearly 480,000 "
            "children from their homes since April, Save the Children said today. In the past month we have screened "
            "6,300 children.\n\nAt least 112 children have been killed, according to figures verified by the United "
            "Nations.\n\nThe organisation said 74 schools had been damaged.\n")
    assert ("Save the Children", "damaged", "74") in {(n, m, f) for n, m, f, _ in _attributed(text)}


def test_a_paragraph_saying_whose_the_figures_below_are_names_the_owner_of_the_rows() -> None:
    # round 14: "The figures below come from the Vell Mine Action Centre (VMAC), which compiles reports from hospitals
    # ... They were published on 1 December." leads into a table without ending on a colon; its rows had gone to the
    # text's own voice (tables name their owner in the lead-in in batches 14-19)
    rows = "\n\nTesk district — 40 dead, 120 injured.\n\nMarl: 12 dead.\n"
    for lead in ("The figures below come from the Orval Disaster Authority (ODA), which gathers reports from district "
                 "offices and hospitals. They were published on Monday.",
                 "The data that follow were compiled by the Orval Disaster Authority.",
                 "All the numbers below are those of the Orval Disaster Authority. They cover 2025."):
        assert _speakers("Floods" + "\n\n" + lead + rows) == {
            ("Orval Disaster Authority", "40"), ("Orval Disaster Authority", "120"), ("Orval Disaster Authority", "12")}
    # figures "below" a place lead into nothing: the row stays the text's own
    assert _speakers("Dam\n\nThe figures below the dam were worrying.\n\nTesk — 40 houses were flooded.\n") == {("Author of “Dam”", "40")}


def test_speakers_named_together_are_named_by_the_first() -> None:
    # round 14: "two local officials and a hospital worker told Reuters" had become one source "Local officials and
    # hospital worker", which no label names; batches 13 and 19 label such a figure the first speaker's (or either's)
    for said in ("two local officials and a hospital worker told Reuters",
                 "local officials and residents said on Sunday", "three local officials and two doctors told AFP"):
        assert _speakers(f"Raid\n\nAt least 31 people were killed in the raid, {said}.\n") == {("Local officials", "At least 31")}
    # "and" inside one speaker's name joins no speakers
    assert _speakers("Quake\n\nSearch and rescue teams said 40 people were missing.\n") == {("Search and rescue teams", "40")}


def test_a_body_cited_at_the_end_of_the_sentence_is_the_source_and_records_stay_the_speakers() -> None:
    # round 14: "AFP is reporting that at least two people were killed ..., citing a source at St Anna Hospital" and
    # "Save the Children says ..., citing figures from the regional health authority" had gone to the relaying agency
    # or charity (batches 18 and 19); records no one is named as keeping stay the speaker's (batches 13, 14, 18)
    text = ("Protests live\n\n13:40 Reuters is reporting that at least two people were killed near the square, citing a "
            "source at St Anna Hospital.\n\n14:00 Save the Children says 38 children are among the dead, citing figures "
            "from the regional health authority in Ostvik.\n\n14:30 State radio said 19 soldiers had been killed, "
            "quoting the Tarvel defence ministry.\n\n15:00 The health ministry said 73 people had died, citing records "
            "from the city's four hospitals.\n\n15:30 The Orval Medical Council said on Sunday that 120 people had "
            "been killed, citing hospital records.\n")
    assert _speakers(text) == {("St Anna Hospital", "at least two"), ("Regional health authority in Ostvik", "38"),
                               ("Tarvel defence ministry", "19"), ("Health ministry", "73"),
                               ("Orval Medical Council", "120")}


@pytest.mark.parametrize(("entry", "body"), [
    ("14:15 The interior ministry denies that live ammunition was used. In a statement it says", "Interior ministry"),
    ("16:05 The Orval police service has issued a statement. It says", "Orval police"),
    ("09:42 GMT The Red Crescent has sent two surgical teams to the square. It says", "Red Crescent")])
def test_a_live_blog_time_stamp_does_not_hide_the_body_a_later_it_means(entry: str, body: str) -> None:
    # round 14: "14:15 The interior ministry denies that live ammunition was used. In a statement it says 58 officers
    # have been injured": the entry's time stamp had hidden the body the sentence opens on, so "it" went to the agency
    # quoted in the entry before
    text = f"Protests live\n\n13:40 AFP is reporting that two people were killed.\n\n{entry} 58 people have been injured.\n"
    assert _speakers(text) == {("AFP", "two"), (body, "58")}


@pytest.mark.parametrize("said", [
    "said one of the officials", "said another of the local officials",
    "said one of the officials, a district administrator who spoke on condition of anonymity because he feared reprisals"])
def test_one_of_a_group_named_before_speaks_after_an_inverted_verb(said: str) -> None:
    # round 14: "Nine of the dead were children, said one of the officials, a district administrator who ...": the
    # number word opening the phrase after "said" had been read as a count, so nobody followed the verb and the figure
    # went to the byline ("one of the officials said" before the verb was read already: batch 14, the development set)
    text = (f"Raid\n\nBy Ana Holt\n\nGunmen killed at least 31 people, two local officials told Reuters.\n\nNine of the "
            f"dead were children, {said}.\n")
    assert _speakers(text) == {("Local officials", "at least 31"), ("Local officials", "Nine")}


@pytest.mark.parametrize(("said", "issuer"), [
    ("the Committee to Protect Journalists said Thursday", "Committee to Protect Journalists"),
    ("the Orval Press Union said on Monday", "Orval Press Union"),
    ("the Orval Bar Association warned Friday", "Orval Bar Association")])
def test_a_release_under_its_dateline_whose_first_paragraph_ends_said_on_a_weekday_is_the_issuers(said: str,
                                                                                                  issuer: str) -> None:
    # round 14: "New York, December 3, 2026 — ... the Committee to Protect Journalists said Thursday." (as "said today"
    # does): the release's unattributed figures ("nine have been charged") had gone to an unnamed author
    text = (f"Orval must free 14 journalists\n\nNew York, December 3, 2026 — Orval's authorities should release the "
            f"14 journalists held since the vote, {said}.\n\nPolice arrested 19 reporters in the capital. Nine of them "
            "have been charged.\n")
    assert {name for name, _ in _speakers(text)} == {issuer}


@pytest.mark.parametrize("judged", [
    "Brisk's mayor, speaking to local television, said the ministry's figures were \"far too low\" and that he alone "
    "knew of at least 110 bodies recovered in the town.",
    "The mayor said the ministry's count was far too low, and that 110 people had died in the town.",
    "The mayor said the ministry's toll left out the villages and that 110 people had died in the town."])
def test_what_a_speaker_says_after_judging_anothers_count_is_the_speakers(judged: str) -> None:
    # round 14: "X said the ministry's figures were "far too low" and that he alone knew of at least 110 bodies": the
    # figure after "and that" had gone to the owner of the count judged (batch 16; "disputes the monitor's figures and
    # says 41" in the development set was read already)
    text = f"Dam live\n\nThe emergencies ministry says 71 people have died. {judged}\n"
    who = {(name.split()[-1].lower(), stated.split()[-1]) for name, stated in _speakers(text)}
    assert who == {("ministry", "71"), ("mayor", "110")}


@pytest.mark.parametrize(("citing", "source"), [
    ("citing hospital records", "Orval Medical Council"),
    ("citing records from the city's four hospitals", "Orval Medical Council"),
    ("citing figures from three hospitals in the city", "Orval Medical Council"),
    ("citing figures from the health ministry", "Health ministry"),
    ("citing data from the regional health authority", "Regional health authority")])
def test_what_is_cited_at_the_end_is_no_speaker_unless_it_names_a_body(citing: str, source: str) -> None:
    # round 14: "X said 120 people had been killed, citing hospital records." had proposed nothing ("hospital" read as
    # a speaker that "records", whose phrase swallowed the figure); figures from a body named as one are the body's
    text = f"Protests\n\nBy Ana Holt\n\nThe Orval Medical Council said 120 people had been killed, {citing}.\n"
    assert _speakers(text) == {(source, "120")}


@pytest.mark.parametrize("quoted", [
    '"Two we have not found."', '"Nine they had never found."', '"Four we haven\'t found."'])
def test_a_pronoun_with_its_auxiliary_or_negation_is_no_source_name(quoted: str) -> None:
    # batch 20: '"Two we have not found."' had proposed a source "We have not", to which a later "it said" then
    # referred back; the words before the verb are a clause, and "it" is still the speaker named before
    text = (f"Mine\n\nBy Ana Holt\n\nThe Orval Miners Union said 17 miners were killed. {quoted} In a statement, it "
            "said six miners had died.\n")
    assert _speakers(text) == {("Orval Miners Union", "17"), ("Orval Miners Union", "six")}


@pytest.mark.parametrize("confirmed", [
    "the company, Grevel Minerals, confirmed by email", "Grevel Minerals confirmed by telephone",
    "Grevel Minerals confirmed by letter", "Grevel Minerals confirmed by e-mail on Friday"])
def test_how_a_speaker_confirmed_is_no_agent(confirmed: str) -> None:
    # batch 20: "..., the company, Grevel Minerals, confirmed by email." had proposed a source "Email": "by email" is
    # the means; the speaker is the company before the verb
    text = f"Mine\n\nBy Ana Holt\n\nAround 300 miners were killed after the shooting, {confirmed}.\n"
    assert _speakers(text) == {("Grevel Minerals", "Around 300")}


@pytest.mark.parametrize("indefinite", [
    "Under the list, someone has added a question mark.", "Nobody has counted the wounded.",
    "Somebody had noted a date under it."])
def test_an_indefinite_pronoun_is_no_source_name(indefinite: str) -> None:
    # batch 20: "someone has added a question mark and two more" had proposed a source "Someone", which the
    # ministry's "it said" then referred back to once "We have not" was no longer proposed
    text = (f"Mine\n\nBy Ana Holt\n\nThe Orval Miners Union said 17 miners were killed. {indefinite} In a statement, it "
            "said six miners had died.\n")
    assert _speakers(text) == {("Orval Miners Union", "17"), ("Orval Miners Union", "six")}


@pytest.mark.parametrize(("sentence", "metric"), [
    ("Divers pulled another 12 people from the river alive, the coastguard said.", "rescued"),
    ("Fishermen hauled out an additional 7 survivors from the sea, the coastguard said.", "rescued"),
    ("Ambulances took another 30 people to hospital, the coastguard said.", "hospitalised"),
    ("The hospital has admitted a further 9 people with burns, the coastguard said.", "hospitalised")])
def test_a_step_between_a_verb_and_its_figure_keeps_what_the_verb_says(sentence: str, metric: str) -> None:
    # batches 17, 19, 20: "pulled another 140 people out of the water alive", "had picked up another 31 survivors",
    # "has admitted a further 19 people with injuries": "another" had hidden the verb before the figure
    figure = next(word for word in sentence.split() if word.isdigit())
    assert {(metric, stated) for _, metric, stated, _ in _attributed(f"Ferry\n\nBy Ana Holt\n\n{sentence}\n")} \
        == {(metric, figure)}


@pytest.mark.parametrize("sentence", [
    "The regional hospital in Holm said it had admitted 57 survivors.",
    "The children's clinic at Orr said on Monday that it had admitted 57 people.",
    "Holm's field hospital, which opened on Sunday, says it has now admitted 57."])
def test_people_a_hospital_admitted_are_in_hospital_whatever_brought_them_in(sentence: str) -> None:
    # batch 19: "The main hospital in Port Orsa said it had admitted 57 survivors" had proposed nothing: with the
    # hospital named more than three words before "admitted" and no word for the hurt, nothing said what 57 counts
    assert {(metric, stated) for _, metric, stated, _ in _attributed(f"Ferry\n\nBy Ana Holt\n\n{sentence}\n")} \
        == {("hospitalised", "57")}


def test_what_someone_admitted_outside_a_hospital_is_no_count_of_patients() -> None:
    assert _attributed("Trial\n\nBy Ana Holt\n\nThe prison director admitted 3 mistakes in the inquiry.\n") == set()


@pytest.mark.parametrize(("sentence", "speaker"), [
    ("The clinic, the only one in the valley, said 14 people were killed.", "Clinic"),
    ("Holm's hospital, the largest in the region, said 14 people were killed.", "Holm's hospital"),
    ("The field hospital, the only one still open in the area with an operating theatre, said 14 people were killed.",
     "Field hospital"),
    # a role at a body named in the apposition is no such description: the body speaks, as before
    ("Mira Vos, the main spokeswoman for the Orval Health Ministry, said 14 people were killed.", "Orval Health Ministry"),
    ("Mira Vos, the last doctor at Holm City Hospital, said 14 people were killed.", "Holm City Hospital")])
def test_an_apposition_saying_what_sets_the_subject_apart_is_no_name(sentence: str, speaker: str) -> None:
    # batch 19 (and 18): "The hospital worker, at the district hospital in Kessen, the only one in the area with a
    # surgical ward, said" and "Velby's hospital, the only one in the district, said" had proposed a source "Only"
    assert _speakers(f"Clashes\n\nBy Ana Holt\n\n{sentence}\n") == {(speaker, "14")}


@pytest.mark.parametrize(("text", "source", "metric", "earlier"), [
    ("Orval Civil Protection said 88 people had died, raising its earlier toll of 61 announced on 3 March.",
     "Orval Civil Protection", "killed", "61"),
    ("The Orval Red Cross said 88 people had been displaced, up from the 61 announced on 2 May.", "Orval Red Cross",
     "displaced", "61"),
    ("The Orval Red Cross said 88 people had been displaced, up from the 61 we counted in the spring.",
     "Orval Red Cross", "displaced", "61"),
    ("The Orval Fire Service said 88 people had died. The service had put the toll at 61 on Sunday night.",
     "Orval Fire Service", "killed", "61"),
    ("The Orval Health Office said 88 people had been killed, higher than the 61 it gave the United Nations.",
     "Orval Health Office", "killed", "61")])
def test_an_earlier_figure_told_with_when_or_by_whom_it_was_given_is_the_speakers(text: str, source: str, metric: str,
                                                                                   earlier: str) -> None:
    # batches 18, 19, 20: "raising its earlier toll of 98 announced on 21 October", "up from the 30,000 we reported
    # on 24 November", "had put the toll at 36 on Tuesday evening", "higher than the 350 it reported": a date, a part of
    # the day or the speaker's pronoun after the earlier figure had left it counting nothing
    assert {(name, m, stated) for name, m, stated, _ in _attributed(f"Floods\n\nBy Ana Holt\n\n{text}\n")} == {
        (source, metric, "88"), (source, metric, earlier)}


@pytest.mark.parametrize("comparison", [
    "That is up from 140 in its morning briefing.", "This is well up from the 140 it gave on Monday.",
    "That is far higher than the 140 it reported to parliament."])
def test_a_sentence_comparing_a_count_with_what_it_was_keeps_its_metric_and_source(comparison: str) -> None:
    # batches 18, 20: "That is up from 140 in this morning's briefing." and "That is higher than the 350 it reported to
    # the United Nations" after a count had proposed nothing
    text = f"Unrest\n\nBy Ana Holt\n\nThe interior ministry says 212 people are now in detention. {comparison}\n"
    assert {(name, metric, stated) for name, metric, stated, _ in _attributed(text)} == {
        ("Interior ministry", "detained", "212"), ("Interior ministry", "detained", "140")}


@pytest.mark.parametrize(("sentence", "metric"), [
    ('The mayor said 300 people had been injured and "around 40" were still missing.', "missing"),
    ("The mayor said 300 people had been injured and “around 40” were still missing.", "missing"),
    ('The mayor said its fighters had killed "around 40" soldiers and seized two trucks.', "killed")])
def test_quotation_marks_around_a_figure_hide_nothing_said_of_it(sentence: str, metric: str) -> None:
    # batches 14, 15, 17-20 quote figures; in batch 18 '1,420 people had been injured and "around 150" were still
    # missing' read 150 as injured, and 'had killed "more than 40" soldiers and seized weapons' as captured
    assert ("Mayor", metric, "around 40") in {(name, m, stated) for name, m, stated, _ in
                                              _attributed(f"Floods\n\nBy Ana Holt\n\n{sentence}\n")}


@pytest.mark.parametrize(("put", "metric"), [
    ("put the number of strikers injured at 50", "injured"), ("put the number of miners hurt at 50", "injured"),
    ("put the number of strikers at 50", "strikers")])
def test_what_happened_to_the_people_a_number_is_put_of_is_what_it_counts(put: str, metric: str) -> None:
    # batch 18: 'put the number of strikers injured at "at least 50"' (read as strikers once the quotation marks no
    # longer hid the "at" before the figure)
    assert _attributed(f"Strike\n\nBy Ana Holt\n\nThe union {put}.\n") == {("Union", metric, "50", None)}


@pytest.mark.parametrize("lead_in", [
    "The Orval Flood Authority (OFA) released its breakdown on Monday. Its figures, set out below region by region, are "
    "the authority's unless stated otherwise.",
    "The Orval Flood Authority released its tally on Monday. Its figures, given below by region, were checked against "
    "hospital lists.",
    "The Orval Flood Authority released new figures on Monday. The numbers listed below, region by region, are the "
    "authority's own.",
    "The Orval Flood Authority released its breakdown on Monday, the first in a week. Their totals, shown below for "
    "each region, may rise."])
def test_a_lead_in_saying_the_figures_are_below_before_its_end_names_their_owner(lead_in: str) -> None:
    # a lead-in need not end on "below." or a colon: batch 20's "Its figures, set out below district by district, are
    # the authority's unless stated otherwise." names the owner of the 15 rows after it
    text = f"Floods by region\n\nBy Ana Holt\n\n{lead_in}\n\nNorth Vale has 12 dead and 4 missing.\n\nIn Sarn region 7 people died.\n"
    assert _speakers(text) == {("Orval Flood Authority", "12"), ("Orval Flood Authority", "4"), ("Orval Flood Authority", "7")}


@pytest.mark.parametrize(("letterhead", "issuer"), [
    ("ORVAL CITY POLICE SERVICE", "Orval City Police Service"),
    ("Kessa Regional Police Command", "Kessa Regional Police Command"),
    ("National Police Service of Orval", "National Police Service of Orval")])
def test_a_letterhead_naming_a_body_of_two_body_words_is_the_issuer(letterhead: str, issuer: str) -> None:
    # batch 20: "BRASK METROPOLITAN POLICE SERVICE" above a numbered statement was not read as its issuer ("Police" was
    # taken for the body word, and a name going on past it for a headline), so its figures went to the text's voice
    text = f"{letterhead}\nStatement 3/26 – Fire at Kell Market\n\n1. A fire broke out on Sunday.\n\n2. Officers arrested two men at the scene.\n"
    assert _speakers(text) == {(issuer, "two")}


@pytest.mark.parametrize("modal", ["can confirm", "could confirm", "would confirm only", "will confirm"])
def test_a_modal_before_the_speech_verb_is_no_part_of_the_speakers_name(modal: str) -> None:
    # batch 20: "The Service can confirm that seven people died" had proposed a source "Service" beside the police
    # service that issued the statement ("Service can" in lower case)
    text = f"Fire\n\nBy Ana Holt\n\nThe Orval Fire Service said two people died. The service {modal} that seven were injured.\n"
    assert _speakers(text) == {("Orval Fire Service", "two"), ("Orval Fire Service", "seven")}


@pytest.mark.parametrize("fell", [
    "Nine firefighters gave their lives in the blaze", "Nine officers have given their lives in the operation",
    "Nine soldiers laid down their lives at the bridge"])
def test_people_who_gave_their_lives_were_killed(fell: str) -> None:
    # batches 15 and 19 (army communiqués): "Twenty-three servicemen have given their lives in the operation" was no
    # count of the dead, where "lost their lives" was
    assert {(metric, stated) for _, metric, stated, _ in _attributed(f"Operation\n\nBy Ana Holt\n\n{fell}, the ministry said.\n")} \
        == {("killed", "Nine")}


# The phrasings below were listed from how agencies, NGOs, UN agencies and governments commonly write about casualties
# and crises (docs/extract.md, round 16), not taken from any article; each metric has several.
@pytest.mark.parametrize(("told", "metric"), [
    ("28 villagers were gunned down", "killed"), ("28 villagers were massacred", "killed"),
    ("28 villagers were burned alive", "killed"), ("28 miners were electrocuted", "killed"),
    ("28 villagers were hacked to death", "killed"), ("28 villagers were fatally shot", "killed"),
    ("28 villagers were fatally injured", "killed"), ("28 men were lynched", "killed"),
    ("28 villagers were dead or unaccounted for", "dead_or_missing"),
    ("28 villagers were maimed", "injured"), ("28 marchers were hit by rubber bullets", "injured"),
    ("28 marchers were struck by shrapnel", "injured"), ("28 marchers were overcome by tear gas", "injured"),
    ("28 marchers received first aid", "injured"), ("28 marchers suffered broken bones", "injured"),
    ("28 villagers have yet to be located", "missing"), ("28 villagers had not yet been found", "missing"),
    ("28 fishermen were lost at sea", "missing"), ("28 villagers were swept away", "missing"),
    ("28 villagers could not be traced", "missing"), ("28 villagers are still to be found", "missing"),
    ("280 villagers had sought refuge in churches", "displaced"), ("280 villagers took shelter in a stadium", "displaced"),
    ("280 villagers were forced to leave their homes", "displaced"), ("280 villagers had been relocated", "displaced"),
    ("280 villagers were ordered to evacuate", "displaced"), ("280 villagers were moved to higher ground", "displaced"),
    ("280 villagers were living in makeshift shelters", "displaced"), ("280 villagers were made homeless", "displaced"),
    ("280 villagers had moved in with relatives", "displaced"),
    ("2,800 villagers had fled the country", "refugees"), ("2,800 asylum seekers had arrived", "refugees"),
    ("2,800 villagers had applied for asylum", "refugees"),
    ("28 villagers were kept in hospital overnight", "hospitalised"),
    ("28 villagers were plucked from rooftops", "rescued"), ("28 villagers were freed from the wreckage", "rescued"),
    ("28 villagers were found alive", "rescued"), ("28 villagers were dug out alive", "rescued"),
    ("28 marchers were apprehended", "arrested"), ("28 marchers were locked up", "detained"),
    ("28 marchers were remanded in custody", "detained"),
    ("28 marchers were granted bail", "released"), ("28 prisoners were amnestied", "released"),
    ("28 marchers were discharged from custody", "released"),
    ("28 villagers were being held hostage", "captured"), ("28 villagers were held captive", "captured"),
    ("28 soldiers were taken prisoner", "captured"),
    ("2,800 residents gathered to protest", "protesters"), ("2,800 residents staged a sit-in", "protesters"),
    ("2,800 dockers stayed off the job", "strikers"), ("2,800 dockers staged a walkout", "strikers"),
    ("2,800 dockers took part in the strike", "strikers"),
    ("280 homes were reduced to rubble", "damaged"), ("280 homes were left uninhabitable", "damaged"),
    ("280 homes were gutted by fire", "damaged"), ("280 houses were submerged", "damaged"),
    ("280 homes were flooded", "damaged"), ("280 buildings were levelled", "damaged"), ("280 homes were wrecked", "damaged"),
    ("280 buildings were shelled", "damaged"), ("280 homes were hit by missiles", "damaged"),
])
def test_the_common_phrasings_of_each_metric_are_read(told: str, metric: str) -> None:
    assert {(n, m) for n, m, _, _ in _attributed(f"Report\n\nThe governor said {told}.\n")} == {("Governor", metric)}


@pytest.mark.parametrize(("sentence", "metric"), [
    ("Amnesty International said at least 28 people were killed, including five children.", "killed"),
    ("Eight citizens held hostage since March were freed yesterday, the ministry said.", "released"),
])
def test_a_name_or_a_participle_is_no_metric_word_of_its_own(sentence: str, metric: str) -> None:
    # "Amnesty" names the group, not an amnesty; "held hostage" before the verb describes who was freed
    assert {m for _, m, _, _ in _attributed(f"Report\n\n{sentence}\n")} == {metric}


@pytest.mark.parametrize("sentence", [
    "The landslide claimed 28 lives, the governor said.", "The fire has claimed at least 28 lives, the governor said.",
    "The governor said the epidemic had claimed 28 lives.",
])
def test_a_disaster_that_claimed_lives_is_no_speaker(sentence: str) -> None:
    assert {(n, m) for n, m, _, _ in _attributed(f"Report\n\n{sentence}\n")} == {("Governor", "killed")}


@pytest.mark.parametrize("said", [
    "The Red Crescent tweeted that 28 people were killed.", "The Red Crescent posted on X that 28 people were killed.",
    "The Red Crescent briefed reporters that 28 people were killed.", "The Red Crescent fears 28 people have died.",
    "The Red Crescent has tracked 28 deaths.",
])
def test_statements_put_out_online_or_to_the_press_name_their_speaker(said: str) -> None:
    assert {(n, m) for n, m, _, _ in _attributed(f"Report\n\n{said}\n")} == {("Red Crescent", "killed")}


def test_a_list_posted_by_someone_is_no_speaker_of_its_own() -> None:
    text = "Report\n\nThe nurse has seen a list posted by the hospital: 28 people admitted since the evening.\n"
    assert "posted" not in " ".join(n.lower() for n, _, _, _ in _attributed(text))


@pytest.mark.parametrize("aside", ["quoted by AFP", "as quoted by AFP", "cited by AFP"])
def test_a_speaker_quoted_by_an_agency_speaks_and_the_agency_relays(aside: str) -> None:
    draft = extract(f"Report\n\nThe Red Crescent, {aside}, said 28 people were killed.\n", document_id="t", text_file="t.txt")
    assert {(c.source, c.via, f.metric) for c in draft.claims for f in c.figures} == {("red-crescent", "afp", "killed")}


@pytest.mark.parametrize("opening", [
    "In Harwick the agency", "For Harwick the agency", "Across Harwick province the agency", "At Harwick the agency",
    "A week ago the agency", "Two days earlier the agency", "By the end of that week the agency",
    "By the close of the month the agency",
])
def test_a_place_or_a_time_opening_the_sentence_is_no_part_of_the_speaker(opening: str) -> None:
    # the body after the opening phrase speaks; the place the figures are about, or when, is no one
    text = f"Report\n\nThe Relief Agency published its figures on Friday.\n\n{opening} recorded 28 deaths.\n"
    assert _speakers(text) == {("Relief Agency", "28")}


def test_a_body_s_total_after_a_place_is_the_body_s_count() -> None:
    text = ("Report\n\nThe Relief Agency published its figures on Friday.\n\n"
            "Across Harwick the agency's total now stands at 28 dead. In Pellam the agency's total stands at 12 dead.\n")
    assert _speakers(text) == {("Relief Agency", "28"), ("Relief Agency", "12")}


@pytest.mark.parametrize(("said", "speaker"), [
    ("Doctors at Holm City Hospital said they had treated 28 people for injuries.", "Holm City Hospital"),
    ("Staff at Orrin's central hospital told reporters they had treated 28 people for injuries.", "Orrin's central hospital"),
    ("Nurses at the Red Cross clinic said they had treated 28 people for injuries.", "Red Cross"),
    ("Two interior ministry officials said 28 people were killed.", "Interior ministry"),
    ("An AFP correspondent counted 28 bodies at the morgue.", "AFP"),
    ("One UNHCR photographer counted 28 bodies on the beach.", "UNHCR"),
    # people at a body described rather than named speak for themselves
    ("Medics at a field clinic said they had treated 28 people for injuries.", "Medics"),
    ("Hospital officials said they had treated 28 people for injuries.", "Hospital officials"),
])
def test_a_named_body_s_staff_speak_for_the_body(said: str, speaker: str) -> None:
    assert {name for name, _ in _speakers(f"Report\n\n{said}\n")} == {speaker}
