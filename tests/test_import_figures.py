"""`factdb parse-figure`: the figure phrases the import understands, as the CLI prints them."""

from __future__ import annotations

import json

import pytest

from conftest import run_cli


# -- `factdb parse-figure` --------------------------------------------------------------------------


@pytest.mark.parametrize(("phrase", "expected"), [
    ("at least 300 people", {"qualifier": "at_least", "value": 300, "low": 300, "high": None, "text": "at least 300 people"}),
    ("about 1,500", {"qualifier": "approximately", "value": 1500, "low": None, "high": None, "text": "about 1,500"}),
    ("between 300 and 1.5 million", {"qualifier": "range", "value": None, "low": 300, "high": 1500000,
                                     "text": "between 300 and 1.5 million"}),
    ("several children", {"qualifier": "vague", "value": None, "low": 3, "high": 9, "text": "several children"}),
    ("67th", {"qualifier": "exact", "value": 67, "low": 67, "high": 67, "text": "67th"}),
])
def test_parse_figure_prints_the_five_keys_as_json(phrase: str, expected: dict) -> None:
    result = run_cli("parse-figure", phrase)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == expected
    assert list(json.loads(result.stdout)) == ["qualifier", "value", "low", "high", "text"]


@pytest.mark.parametrize(("phrase", "message"), [
    ("no number here", "no number found in 'no number here': expected a figure such as '300', 'at least 300' or 'several hundred'"),
    ("between 1,500 and 300", "range in 'between 1,500 and 300' runs backwards (1,500 is more than 300): "
                              "write the smaller number first, e.g. 'between 300 and 1,500'"),
])
def test_parse_figure_of_text_without_a_figure_exits_1_saying_why(phrase: str, message: str) -> None:
    result = run_cli("parse-figure", phrase)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Error: {message}\n")
