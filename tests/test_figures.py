"""Figure phrases: every row of the contract, every number form, every error a user can make."""

from __future__ import annotations

import dataclasses
import doctest
import re
from pathlib import Path

import pytest

from factdb.figures import (
    MAX_VALUE,
    NUMBER_FORMATS,
    QUALIFIERS,
    VAGUE_WORDS,
    Figure,
    FigureError,
    NotACount,
    describe,
    figure_from_parts,
    numbers_in,
    parse_figure,
)

DOCS = Path(__file__).resolve().parent.parent / "docs" / "figures.md"


def reading(figure: Figure) -> tuple[object, ...]:
    """What a figure says, with the type of each number, so 1500000 and 1500000.0 differ."""
    numbers = (figure.value, figure.low, figure.high)
    return (figure.qualifier, *numbers, *(type(n).__name__ for n in numbers))


def expected(qualifier: str, value: object, low: object, high: object) -> tuple[object, ...]:
    numbers = (value, low, high)
    return (qualifier, *numbers, *(type(n).__name__ for n in numbers))


# (phrase, qualifier, value, low, high): every example of the contract table in the issue.
CONTRACT = [
    ("304", "exact", 304, 304, 304),
    ("230 people", "exact", 230, 230, 230),
    ("a dozen", "exact", 12, 12, 12),
    ("1.5 million", "exact", 1_500_000, 1_500_000, 1_500_000),
    ("67th", "exact", 67, 67, 67),
    ("about 300", "approximately", 300, None, None),
    ("around 300", "approximately", 300, None, None),
    ("approximately 300", "approximately", 300, None, None),
    ("some 300", "approximately", 300, None, None),
    ("roughly 300", "approximately", 300, None, None),
    ("circa 300", "approximately", 300, None, None),
    ("an estimated 300", "approximately", 300, None, None),
    ("~300", "approximately", 300, None, None),
    ("~ 300", "approximately", 300, None, None),
    ("nearly 300", "nearly", 300, None, 300),
    ("almost 300", "nearly", 300, None, 300),
    ("close to 300", "nearly", 300, None, 300),
    ("at least 300", "at_least", 300, 300, None),
    ("no fewer than 300", "at_least", 300, 300, None),
    ("a minimum of 300", "at_least", 300, 300, None),
    ("more than 300", "more_than", 300, 300, None),
    ("over 300", "more_than", 300, 300, None),
    ("upwards of 300", "more_than", 300, 300, None),
    ("in excess of 300", "more_than", 300, 300, None),
    ("at most 300", "at_most", 300, None, 300),
    ("up to 300", "at_most", 300, None, 300),
    ("no more than 300", "at_most", 300, None, 300),
    ("fewer than 300", "less_than", 300, None, 300),
    ("less than 300", "less_than", 300, None, 300),
    ("under 300", "less_than", 300, None, 300),
    ("between 10 and 20", "range", None, 10, 20),
    ("from 10 to 20", "range", None, 10, 20),
    ("10 to 20", "range", None, 10, 20),
    ("10-20", "range", None, 10, 20),
    ("10–20", "range", None, 10, 20),
    ("10—20", "range", None, 10, 20),
]


@pytest.mark.parametrize(("phrase", "qualifier", "value", "low", "high"), CONTRACT, ids=[c[0] for c in CONTRACT])
def test_each_contract_phrase_gives_its_qualifier_and_bounds(phrase, qualifier, value, low, high):
    figure = parse_figure(phrase)
    assert reading(figure) == expected(qualifier, value, low, high)
    assert figure.text == phrase


# The documented vague table, restated here so a change to VAGUE_WORDS has to be deliberate.
VAGUE_TABLE = {
    "a handful": (2, 9),
    "several": (3, 9),
    "dozens": (24, 99),
    "tens": (20, 99),
    "scores": (40, 199),
    "hundreds": (200, 999),
    "many hundreds": (200, 999),
    "several hundred": (300, 999),
    "thousands": (2_000, 9_999),
    "several thousand": (3_000, 9_999),
    "tens of thousands": (20_000, 99_999),
    "hundreds of thousands": (200_000, 999_999),
}


def test_vague_words_are_exactly_the_documented_table():
    assert VAGUE_WORDS == VAGUE_TABLE


@pytest.mark.parametrize(("word", "low", "high"), [(w, lo, hi) for w, (lo, hi) in VAGUE_TABLE.items()])
def test_each_vague_word_gives_the_table_interval_and_no_value(word, low, high):
    assert reading(parse_figure(word)) == expected("vague", None, low, high)


@pytest.mark.parametrize(
    ("phrase", "low", "high"),
    [
        ("several children", 3, 9),
        ("dozens of protesters", 24, 99),
        ("hundreds were arrested", 200, 999),
        ("Several Hundred people", 300, 999),
        ("tens of thousands of people", 20_000, 99_999),
        ("hundreds of thousands displaced", 200_000, 999_999),
        ("thousands.", 2_000, 9_999),
    ],
)
def test_a_noun_after_a_vague_word_does_not_change_it(phrase, low, high):
    assert reading(parse_figure(phrase)) == expected("vague", None, low, high)


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("zero", 0),
        ("one", 1),
        ("twelve", 12),
        ("nineteen", 19),
        ("forty-two", 42),
        ("twenty one", 21),
        ("a hundred", 100),
        ("one hundred", 100),
        ("three hundred", 300),
        ("a hundred and fifty", 150),
        ("one hundred one", 101),
        ("fifteen hundred", 1500),
        ("twenty-five hundred", 2500),
        ("a thousand", 1000),
        ("two thousand five hundred", 2500),
        ("two thousand and five", 2005),
        ("a million", 1_000_000),
        ("one million two hundred thousand", 1_200_000),
        ("nine hundred ninety-nine thousand nine hundred ninety-nine", 999_999),
        ("a dozen", 12),
        ("about a dozen", 12),
        ("two dozen", 24),
        ("Three Hundred", 300),
    ],
)
def test_english_number_words_are_read_as_numbers(phrase, value):
    figure = parse_figure(phrase)
    assert figure.value == value and type(figure.value) is int


@pytest.mark.parametrize(
    ("phrase", "value"),
    [("67th", 67), ("1st", 1), ("2nd", 2), ("3rd", 3), ("21st", 21), ("first", 1), ("twelfth", 12),
     ("twenty-first", 21), ("sixty-seventh", 67), ("one hundredth", 100)],
)
def test_ordinals_are_read_as_their_number(phrase, value):
    assert reading(parse_figure(phrase)) == expected("exact", value, value, value)


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("۳۰۰", 300),  # Persian
        ("٣٠٠", 300),  # Arabic-Indic
        ("۱٬۵۰۰", 1500),  # Persian with the Arabic thousands separator
        ("۲٫۵", 2.5),  # Persian with the Arabic decimal separator
        ("३००", 300),  # Devanagari
        ("３００", 300),  # fullwidth
        ("at least ۳۰۰ نفر", 300),
    ],
)
def test_any_unicode_decimal_digits_are_read(phrase, value):
    assert parse_figure(phrase).value == value


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("1,500", 1500),
        ("1,500,000", 1_500_000),
        ("1\u202f500", 1500),  # narrow no-break space
        ("1\u00a0500", 1500),  # no-break space
        ("1\u2009500\u2009000", 1_500_000),  # thin space
        ("1,000,000,000,000,000", MAX_VALUE),
        ("0", 0),
        ("007", 7),
    ],
)
def test_thousands_separators_are_read(phrase, value):
    assert parse_figure(phrase).value == value


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("1.5 million", 1_500_000),
        ("1.5million", 1_500_000),
        ("2 billion", 2_000_000_000),
        ("3 thousand", 3000),
        ("300 thousand", 300_000),
        ("2 hundred thousand", 200_000),
        ("1.1 million", 1_100_000),
        ("0.5 million", 500_000),
        ("2 dozen", 24),
        ("10k", 10_000),
        ("1.5m refugees", 1_500_000),
        ("2bn", 2_000_000_000),
        ("3mn", 3_000_000),
    ],
)
def test_scale_words_and_abbreviations_multiply_exactly(phrase, value):
    figure = parse_figure(phrase)
    assert figure.value == value and type(figure.value) is int


@pytest.mark.parametrize(("phrase", "value"), [("2.5", 2.5), ("2.50", 2.5), ("0.75 thousand", 750), ("1.0", 1)])
def test_values_are_ints_when_whole_and_floats_otherwise(phrase, value):
    figure = parse_figure(phrase)
    assert figure.value == value and type(figure.value) is type(value)


@pytest.mark.parametrize(
    ("phrase", "qualifier", "value"),
    [
        ("at least 300 people had been killed", "at_least", 300),
        ("approximately 1,500 peaceful protesters", "approximately", 1500),
        ("79 “yay” votes", "exact", 79),
        ("45%", "exact", 45),
        ("300 over two days", "exact", 300),
        ("300 under arrest", "exact", 300),
        ("300 detained, some of them children", "exact", 300),
        ("up to 300 to be released", "at_most", 300),
        ("more than 300-strong", "more_than", 300),
        ("five-year sentences", "exact", 5),
        ("12 in 2019", "exact", 12),
    ],
)
def test_words_after_the_figure_are_ignored(phrase, qualifier, value):
    figure = parse_figure(phrase)
    assert (figure.qualifier, figure.value) == (qualifier, value)
    assert figure.text == phrase


@pytest.mark.parametrize("phrase", ["AT LEAST 300", "At Least 300", "at least 300", "aT lEaSt 300"])
def test_qualifiers_are_case_insensitive(phrase):
    assert reading(parse_figure(phrase)) == expected("at_least", 300, 300, None)


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("  at least 300 \n", "at least 300"),
        ("“at least 300”", "at least 300"),
        ('"at least 300"', "at least 300"),
        ("«300»", "300"),
        ("\u00a0300\u200b", "300"),
        ("at  least\u00a0300", "at  least\u00a0300"),
        ("79 “yay” votes", "79 “yay” votes"),
    ],
)
def test_surrounding_whitespace_and_quotes_are_ignored_and_text_keeps_the_phrase(phrase, text):
    figure = parse_figure(phrase)
    assert figure.value in (300, 79)
    assert figure.text == text


@pytest.mark.parametrize(
    ("phrase", "qualifier", "low", "high"),
    [
        ("1,500+", "at_least", 1500, None),
        ("300 or more", "at_least", 300, None),
        ("300 or fewer", "at_most", None, 300),
        ("300 or less", "at_most", None, 300),
        ("300 or so people", "approximately", None, None),
    ],
)
def test_a_qualifier_after_the_number_is_read(phrase, qualifier, low, high):
    figure = parse_figure(phrase)
    assert (figure.qualifier, figure.low, figure.high) == (qualifier, low, high)


@pytest.mark.parametrize(
    ("phrase", "qualifier"),
    [
        ("approx. 300", "approximately"),
        ("ca. 300", "approximately"),
        ("c. 300", "approximately"),
        ("estimated 300", "approximately"),
        ("≈300", "approximately"),
        ("no less than 300", "at_least"),
        (">=300", "at_least"),
        ("≥ 300", "at_least"),
        (">300", "more_than"),
        ("a maximum of 300", "at_most"),
        ("≤300", "at_most"),
        ("<300", "less_than"),
    ],
)
def test_documented_synonyms_map_onto_the_contract_qualifiers(phrase, qualifier):
    assert parse_figure(phrase).qualifier == qualifier


@pytest.mark.parametrize(
    ("phrase", "low", "high"),
    [
        ("between 150,000 and 200,000", 150_000, 200_000),
        ("between 10 to 20", 10, 20),
        ("between 10-20 people", 10, 20),
        ("from 10 - 20", 10, 20),
        ("10 to 20 people", 10, 20),
        ("10 – 20", 10, 20),
        ("10 − 20", 10, 20),
        ("ten to twenty", 10, 20),
        ("ten-twenty", 10, 20),
        ("between a dozen and twenty", 12, 20),
        ("from a hundred and fifty to two hundred", 150, 200),
        ("10 to 10", 10, 10),
        ("20-25%", 20, 25),
    ],
)
def test_ranges_take_their_bounds_in_the_order_written(phrase, low, high):
    assert reading(parse_figure(phrase)) == expected("range", None, low, high)


@pytest.mark.parametrize(
    ("phrase", "low", "high"),
    [
        ("1.5-2 million", 1_500_000, 2_000_000),
        ("between 1 and 2 million", 1_000_000, 2_000_000),
        ("10 to 20 thousand", 10_000, 20_000),
        ("two to three hundred", 200, 300),
        ("between twenty and thirty thousand", 20_000, 30_000),
        ("between 500 and 2 million", 500, 2_000_000),
        ("300 to 1.5 thousand", 300, 1500),
    ],
)
def test_a_trailing_scale_is_shared_only_when_the_first_number_stays_smaller(phrase, low, high):
    assert reading(parse_figure(phrase)) == expected("range", None, low, high)


def error_for(call, *args, **kwargs) -> str:
    with pytest.raises(FigureError) as raised:
        call(*args, **kwargs)
    return str(raised.value)


# (input, fragments the message must contain: what was wrong, then how to fix it)
PHRASE_ERRORS = [
    ("xyz", ["no number found in 'xyz'", "expected a figure such as '300', 'at least 300' or 'several hundred'"]),
    ("", ["empty figure", "expected a figure such as"]),
    ("   \t\n", ["empty figure", "expected a figure such as"]),
    ("“”", ["empty figure"]),
    ("20 to 10", ["runs backwards", "20 is more than 10", "'between 10 and 20'"]),
    ("between 20 and 10", ["runs backwards", "smaller number first"]),
    ("between a hundred and fifty", ["runs backwards"]),
    ("-5", ["negative number in '-5'", "figures are counts", "without a minus sign"]),
    ("−5 people", ["negative number"]),
    ("at least -5", ["negative number"]),
    ("10000000000000000", ["absurdly large", "1,000,000,000,000,000", "typo"]),
    ("5000 trillion", ["absurdly large"]),
    ("9" * 5000, ["absurdly large"]),
    ("the death toll is 300", ["unrecognised words 'the death toll is' before the number", "'at least'"]),
    ("$300", ["unrecognised words '$'"]),
    ("at least", ["expected a number after 'at least'", "'at least 300'"]),
    ("at least some", ["expected a number after 'at least'"]),
    ("about 10 to 20", ["'about' cannot qualify a range", "'between 10 and 20'"]),
    ("up to 300-400", ["'up to' cannot qualify a range"]),
    ("at least several hundred", ["'at least' cannot qualify the vague amount 'several hundred'"]),
    ("about 300 or so", ["two qualifiers", "keep one"]),
    ("between 10", ["expected 'and' after 'between 10'", "'between 10 and 20'"]),
    ("from 10", ["expected 'to' after 'from 10'", "'from 10 to 20'"]),
    ("between 10 and", ["expected a second number"]),
    ("1,50", ["malformed number", "'1,500'", "'2.5'"]),
    ("1.500.000", ["ambiguous number '1.500.000'", "write 1,500,000 or 1500000", "number format 'eu'"]),
    ("1.500", ["ambiguous number '1.500'", "write 1,500 or 1500 (or 1.5 if you mean one and a half)"]),
    ("2.300.000 people", ["write 2,300,000 or 2300000, or read the file with number format 'eu'"]),
    ("about 12.500", ["write 12,500 or 12500 (or 12.5 if you mean a decimal)"]),
    ("1 500", ["unexpected '500' after '1'", "'1,500'"]),
    ("300 400", ["unexpected '400'"]),
    ("300 or 400", ["unexpected 'or 400'", "'300 to 400'"]),
    ("300, 400", ["unexpected ', 400'"]),
    ("2.5 k", ["unexpected 'k'", "'1.5 million'"]),
    ("1,500 thousands", ["unexpected 'thousands'"]),
    ("five five", ["unexpected 'five' after 'five'"]),
    ("300km", ["unrecognised unit 'km'", "'1.5 million'"]),
    ("1e5", ["unrecognised unit 'e'"]),
    ("2.5th", ["unrecognised unit 'th'"]),
    ("1." + "1" * 20, ["too many decimal places"]),
    ("a few", ["unknown vague amount in 'a few'", "'several'", "figure_from_parts('vague', low=..., high=...)"]),
    ("a few dozen", ["unknown vague amount"]),
    ("a small number", ["unknown vague amount"]),
    ("many thousands", ["unknown vague amount"]),
    ("several dozen", ["unknown vague amount"]),
    ("several hundred thousand", ["unknown vague amount"]),
    ("hundreds of millions", ["unknown vague amount"]),
    ("millions", ["unknown vague amount"]),
    ("hundred", ["could not read the number in 'hundred'"]),
]


@pytest.mark.parametrize(("phrase", "fragments"), PHRASE_ERRORS, ids=[e[0][:30] or "empty" for e in PHRASE_ERRORS])
def test_unreadable_phrases_raise_figure_error_saying_what_was_wrong_and_how_to_fix_it(phrase, fragments):
    message = error_for(parse_figure, phrase)
    for fragment in fragments:
        assert fragment in message


@pytest.mark.parametrize("not_text", [None, 300, 2.5, b"300", ["300"]])
def test_parse_figure_refuses_anything_but_text_with_figure_error(not_text):
    message = error_for(parse_figure, not_text)
    assert "a figure must be text" in message and "figure_from_parts()" in message


def test_figure_error_is_a_value_error():
    assert issubclass(FigureError, ValueError)


def test_error_messages_cut_a_long_phrase_short():
    message = error_for(parse_figure, "the protesters said " + "x" * 10_000)
    assert len(message) < 400


# --- figure_from_parts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("qualifier", "parts", "value", "low", "high", "text"),
    [
        ("exact", {"value": 79}, 79, 79, 79, "79"),
        ("exact", {"low": 79, "high": 79}, 79, 79, 79, "79"),
        ("approximately", {"value": 1500}, 1500, None, None, "approximately 1,500"),
        ("nearly", {"value": 300}, 300, None, 300, "nearly 300"),
        ("nearly", {"high": 300}, 300, None, 300, "nearly 300"),
        ("at_least", {"value": 300}, 300, 300, None, "at least 300"),
        ("at_least", {"low": 300}, 300, 300, None, "at least 300"),
        ("at_least", {"value": 300, "low": 300}, 300, 300, None, "at least 300"),
        ("more_than", {"value": 300}, 300, 300, None, "more than 300"),
        ("at_most", {"value": 300}, 300, None, 300, "at most 300"),
        ("less_than", {"value": 10}, 10, None, 10, "less than 10"),
        ("range", {"low": 10, "high": 20}, None, 10, 20, "between 10 and 20"),
        ("vague", {"value": "several"}, None, 3, 9, "several"),
        ("vague", {"value": " Tens of  Thousands "}, None, 20_000, 99_999, "tens of thousands"),
        ("vague", {"value": "dozens", "low": 24, "high": 99}, None, 24, 99, "dozens"),
        ("vague", {"low": 2, "high": 5}, None, 2, 5, "vague: 2 to 5"),
    ],
)
def test_figure_from_parts_fills_bounds_by_the_contract_and_writes_a_canonical_text(
    qualifier, parts, value, low, high, text
):
    figure = figure_from_parts(qualifier, **parts)
    assert reading(figure) == expected(qualifier, value, low, high)
    assert figure.text == text


@pytest.mark.parametrize(
    ("given", "value"),
    [("1,500", 1500), ("1.5 million", 1_500_000), ("twelve", 12), ("a dozen", 12), (" 300 ", 300),
     ("۳۰۰", 300), ("2.5", 2.5), (300.0, 300), (2.5, 2.5)],
)
def test_figure_from_parts_accepts_numbers_written_as_text(given, value):
    figure = figure_from_parts("exact", value=given)
    assert figure.value == value and type(figure.value) is type(value)


def test_figure_from_parts_reads_string_bounds_of_a_range():
    figure = figure_from_parts("range", low="10", high="1,000")
    assert reading(figure) == expected("range", None, 10, 1000)
    assert figure.text == "between 10 and 1,000"


def test_figure_from_parts_keeps_the_stated_text():
    figure = figure_from_parts("exact", value=79, text="  79 “yay” votes ")
    assert figure.text == "79 “yay” votes"


def test_figure_from_parts_writes_floats_without_exponents():
    assert figure_from_parts("exact", value=0.00001).text == "0.00001"


@pytest.mark.parametrize(
    ("bad", "closest"),
    [("atleast", "at_least"), ("at least", "at_least"), ("At_Least", "at_least"), ("aproximately", "approximately"),
     ("about", "approximately"), ("over", "more_than"), ("between", "range"), ("vauge", "vague")],
)
def test_an_unknown_qualifier_is_refused_naming_the_closest_and_all_allowed(bad, closest):
    message = error_for(figure_from_parts, bad, value=1)
    assert f"unknown qualifier {bad!r}" in message
    assert f"did you mean {closest!r}" in message
    assert ", ".join(QUALIFIERS) in message


def test_a_qualifier_like_nothing_allowed_still_lists_the_allowed_ones():
    message = error_for(figure_from_parts, "banana", value=1)
    assert "did you mean" not in message and ", ".join(QUALIFIERS) in message


PARTS_ERRORS = [
    ("range", {"low": 20, "high": 10}, ["low 20 is more than high 10", "never swapped"]),
    ("vague", {"low": 9, "high": 3}, ["low 9 is more than high 3"]),
    ("range", {"value": 15}, ["a range has no single value", "low: 10, high: 20"]),
    ("range", {"low": 10}, ["a range needs both low and high"]),
    ("exact", {}, ["'exact' needs a value", "value: 300"]),
    ("exact", {"value": -5}, ["value -5 is negative", "figures are counts"]),
    ("exact", {"value": "-5"}, ["value: negative number"]),
    ("at_least", {"low": -1}, ["low -1 is negative"]),
    ("exact", {"value": MAX_VALUE + 1}, ["absurdly large"]),
    ("exact", {"value": "5000 trillion"}, ["absurdly large"]),
    ("exact", {"value": float("nan")}, ["not a finite number"]),
    ("exact", {"value": float("inf")}, ["not a finite number"]),
    ("exact", {"value": True}, ["must be a number or number text", "bool"]),
    ("exact", {"value": [300]}, ["must be a number or number text", "list"]),
    ("exact", {"value": "300 people"}, ["value '300 people' is not a number", "'1,500'"]),
    ("exact", {"value": "at least 300"}, ["is not a number", "put words such as 'at least' in the qualifier"]),
    ("exact", {"value": 79, "low": 80}, ["low 80 does not match value 79"]),
    ("at_least", {"value": 300, "high": 400}, ["at_least has no high bound", "'range'"]),
    ("approximately", {"value": 300, "low": 250}, ["approximately has no low bound"]),
    ("nearly", {"value": 300, "low": 250}, ["nearly has no low bound"]),
    ("vague", {}, ["vague needs a vague word as value", "'several'"]),
    ("vague", {"low": 3}, ["vague needs a vague word as value"]),
    ("vague", {"value": "severl"}, ["not a known vague word", "did you mean 'several'"]),
    ("vague", {"value": "a few"}, ["not a known vague word", "give low and high"]),
    ("vague", {"value": 300}, ["not a known vague word"]),
    ("vague", {"value": "several", "high": 10}, ["high 10 does not match 'several' (3 to 9)"]),
    ("exact", {"value": 1, "text": 5}, ["text must be the phrase as stated"]),
    (None, {"value": 1}, ["qualifier must be one of"]),
]


@pytest.mark.parametrize(("qualifier", "parts", "fragments"), PARTS_ERRORS)
def test_invalid_parts_raise_figure_error_saying_what_was_wrong(qualifier, parts, fragments):
    message = error_for(figure_from_parts, qualifier, **parts)
    for fragment in fragments:
        assert fragment in message


@pytest.mark.parametrize("phrase", [c[0] for c in CONTRACT] + list(VAGUE_TABLE))
def test_figure_from_parts_agrees_with_parse_figure(phrase):
    parsed = parse_figure(phrase)
    if parsed.qualifier == "vague":
        rebuilt = figure_from_parts("vague", value=phrase, text=phrase)
    else:
        rebuilt = figure_from_parts(parsed.qualifier, parsed.value, parsed.low, parsed.high, text=phrase)
    assert rebuilt == parsed


def test_canonical_text_of_parts_reads_back_to_the_same_figure():
    for qualifier in QUALIFIERS:
        if qualifier == "range":
            figure = figure_from_parts(qualifier, low=1500, high=2500)
        elif qualifier == "vague":
            figure = figure_from_parts(qualifier, value="several hundred")
        else:
            figure = figure_from_parts(qualifier, value=1500)
        assert reading(parse_figure(figure.text)) == reading(figure)


# --- the Figure record -------------------------------------------------------------------------------


def test_to_dict_has_exactly_the_five_keys():
    assert parse_figure("at least 300").to_dict() == {
        "qualifier": "at_least",
        "value": 300,
        "low": 300,
        "high": None,
        "text": "at least 300",
    }


def test_figures_are_frozen():
    figure = parse_figure("300")
    with pytest.raises(dataclasses.FrozenInstanceError):
        figure.value = 301  # type: ignore[misc]


def test_qualifiers_are_the_ones_the_database_allows():
    from factdb.models import QUALIFIERS as SCHEMA_QUALIFIERS

    assert QUALIFIERS == SCHEMA_QUALIFIERS


# --- docs/figures.md stays true ----------------------------------------------------------------------


def docs_table(marker: str) -> list[list[str]]:
    """The rows of the Markdown table between <!-- marker --> and <!-- /marker --> in docs/figures.md."""
    text = DOCS.read_text(encoding="utf-8")
    block = text.split(f"<!-- {marker} -->")[1].split(f"<!-- /{marker} -->")[0]
    rows = [line.strip().strip("|").split("|") for line in block.strip().splitlines()[2:]]
    return [[cell.strip().strip("`") for cell in row] for row in rows]


def docs_number(cell: str) -> int | float | None:
    if not cell:
        return None
    number = float(cell.replace(",", ""))
    return int(number) if number.is_integer() else number


def test_every_example_in_the_docs_parses_as_documented():
    rows = docs_table("figure-examples")
    assert len(rows) > 30
    for phrase, qualifier, value, low, high in rows:
        figure = parse_figure(phrase)
        assert (figure.qualifier, figure.value, figure.low, figure.high) == (
            qualifier,
            docs_number(value),
            docs_number(low),
            docs_number(high),
        ), phrase


def test_the_vague_table_in_the_docs_is_vague_words():
    rows = docs_table("vague-words")
    assert {phrase: (docs_number(low), docs_number(high)) for phrase, low, high in rows} == VAGUE_WORDS


def test_every_error_in_the_docs_is_the_message_given():
    rows = docs_table("figure-errors")
    assert rows
    for phrase, message in rows:
        assert error_for(parse_figure, phrase).startswith(message), phrase


def test_the_python_examples_in_the_docs_run():
    text = DOCS.read_text(encoding="utf-8")
    blocks = [block for block in re.findall(r"```python\n(.*?)```", text, re.S) if ">>>" in block]
    assert blocks
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(verbose=False)
    for number, block in enumerate(blocks):
        runner.run(parser.get_doctest(block, {}, f"docs/figures.md block {number}", str(DOCS), 0))
    assert runner.summarize(verbose=False).failed == 0


# (phrase, qualifier, value, low, high): the phrasings of real reporting (issue 15), each read so that
# it never claims more than the source said (docs/figures.md says why for each).
REPORTING = [
    ("exceeded 800", "more_than", 800, 800, None),
    ("exceeding 800 people", "more_than", 800, 800, None),
    ("exceeds 800", "more_than", 800, 800, None),
    ("topped 45,000", "more_than", 45_000, 45_000, None),
    ("tops 45,000", "more_than", 45_000, 45_000, None),
    ("surpassed 1,000", "more_than", 1000, 1000, None),
    ("surpasses 1,000", "more_than", 1000, 1000, None),
    ("passed 200", "more_than", 200, 200, None),
    ("well over 300", "more_than", 300, 300, None),
    ("just over 300", "more_than", 300, 300, None),
    ("in excess of 5,000", "more_than", 5000, 5000, None),
    ("upwards of 70", "more_than", 70, 70, None),
    ("rose to 45", "exact", 45, 45, 45),
    ("risen to 45", "exact", 45, 45, 45),
    ("rising to 45", "exact", 45, 45, 45),
    ("climbed to 1,200", "exact", 1200, 1200, 1200),
    ("reached 45", "exact", 45, 45, 45),
    ("reaching forty-five", "exact", 45, 45, 45),
    ("a total of 304", "exact", 304, 304, 304),
    ("only 3", "exact", 3, 3, 3),
    ("no fewer than 300", "at_least", 300, 300, None),
    ("as many as 300", "at_most", 300, None, 300),
    ("did not exceed 50", "at_most", 50, None, 50),
    ("does not exceed 50", "at_most", 50, None, 50),
    ("not exceeding 50", "at_most", 50, None, 50),
    ("not more than 50", "at_most", 50, None, 50),
    ("just under 300", "less_than", 300, None, 300),
    ("an estimated 300", "approximately", 300, None, None),
    ("an estimated number of 210", "approximately", 210, None, None),
    ("an estimated total of 210", "approximately", 210, None, None),
    ("estimated at 1.5 million", "approximately", 1_500_000, None, None),
    ("some 300", "approximately", 300, None, None),
    ("anywhere from 70 to 93", "range", None, 70, 93),
    ("anywhere between 70 and 93", "range", None, 70, 93),
    ("70-93", "range", None, 70, 93),
    ("70 to 93", "range", None, 70, 93),
    ("a handful of protesters", "vague", None, 2, 9),
    ("scores of people", "vague", None, 40, 199),
    ("tens of people", "vague", None, 20, 99),
    ("tens of thousands", "vague", None, 20_000, 99_999),
]


@pytest.mark.parametrize(("phrase", "qualifier", "value", "low", "high"), REPORTING, ids=[r[0] for r in REPORTING])
def test_the_phrasings_of_real_reporting_are_read_without_overstating(phrase, qualifier, value, low, high):
    figure = parse_figure(phrase)
    assert reading(figure) == expected(qualifier, value, low, high)
    assert figure.text == phrase


NOT_COUNTS = ["more than double", "twice as many", "half of them", "about half", "a third", "at least a third",
              "one third", "one-third", "two thirds", "a quarter of detainees", "three times", "10 times more",
              "tenfold", "10-fold", "one in five", "1 in 4", "2 in 10", "3 out of 10", "one in every hundred"]


@pytest.mark.parametrize("phrase", NOT_COUNTS)
def test_shares_and_comparisons_are_refused_as_not_counts(phrase):
    with pytest.raises(NotACount):
        parse_figure(phrase)
    message = error_for(parse_figure, phrase)
    assert message.startswith(f"not a count in {phrase!r}")
    assert "share or a comparison" in message


@pytest.mark.parametrize("phrase", ["1/2", "300 / 400", "about 1,500/2,000", "between 1/2", "1/2 million"])
def test_a_number_after_a_slash_is_never_dropped(phrase):
    with pytest.raises(NotACount):
        parse_figure(phrase)
    message = error_for(parse_figure, phrase)
    assert message.startswith(f"two numbers in {phrase!r}")
    assert "'300 to 400'" in message


@pytest.mark.parametrize(("phrase", "value"), [("300 in 2019", 300), ("5 in 3 cities", 5), ("third", 3),
                                                ("twenty-fifth", 25), ("45%", 45), ("a hundred", 100)])
def test_counts_that_only_look_like_shares_are_still_read(phrase, value):
    assert parse_figure(phrase).value == value


@pytest.mark.parametrize(("phrase", "value"), [("half a million", 500_000), ("nearly half a million", 500_000),
                                               ("half a dozen", 6), ("half a billion", 500_000_000)])
def test_half_before_a_scale_word_is_a_number_not_a_share(phrase, value):
    assert parse_figure(phrase).value == value


@pytest.mark.parametrize("phrase", ["half", "half of them", "a half"])
def test_half_without_a_scale_word_is_still_a_share(phrase):
    assert "not a count" in error_for(parse_figure, phrase)


def test_one_and_a_half_in_words_is_refused_with_the_digits_to_write():
    message = error_for(parse_figure, "one and a half million")
    assert "write it in digits, e.g. '1.5 million'" in message


@pytest.mark.parametrize("phrase", ["handful", "scores of thousands", "tens of millions"])
def test_vague_phrases_beside_the_new_ones_are_still_unknown(phrase):
    assert error_for(parse_figure, phrase).startswith(f"unknown vague amount in {phrase!r}")


# --- number formats: "1,500.5" (en) and "1.500,5" (eu) --------------------------------------------

EU_NUMBERS = [
    ("1.500", 1500),
    ("2.300.000", 2_300_000),
    ("1,5", 1.5),
    ("1.500,25", 1500.25),
    ("0,500", 0.5),
    ("1\u202f500", 1500),  # a narrow no-break space groups thousands in either format
    ("1,5 million", 1_500_000),
    ("۱٬۵۰۰", 1500),
]


@pytest.mark.parametrize(("phrase", "value"), EU_NUMBERS, ids=[ascii(n[0]) for n in EU_NUMBERS])
def test_the_eu_number_format_groups_with_dots_and_marks_decimals_with_a_comma(phrase, value):
    figure = parse_figure(phrase, number_format="eu")
    assert (figure.qualifier, figure.value, figure.text) == ("exact", value, phrase)


def test_the_eu_number_format_keeps_the_phrase_as_stated_in_ranges_and_qualifiers():
    figure = parse_figure("between 1.500 and 2.000 people", number_format="eu")
    assert reading(figure) == expected("range", None, 1500, 2000)
    assert figure.text == "between 1.500 and 2.000 people"
    assert reading(parse_figure("at least 1.500", number_format="eu")) == expected("at_least", 1500, 1500, None)


@pytest.mark.parametrize(("phrase", "fragments"), [
    ("1,500", ["ambiguous number '1,500'", "write 1.500 or 1500 (or 1,5 if you mean one and a half)",
               "number format 'en'"]),
    ("2,300,000", ["write 2.300.000 or 2300000"]),
    ("1.5", ["malformed number in '1.5'", "'1.500'", "'2,5'"]),
])
def test_the_eu_number_format_refuses_english_grouping_as_ambiguous(phrase, fragments):
    message = error_for(lambda text: parse_figure(text, number_format="eu"), phrase)
    for fragment in fragments:
        assert fragment in message


@pytest.mark.parametrize("phrase", ["0.500", "1.5", "1.50", "1.5000", "1234.567"])
def test_english_decimals_that_cannot_be_thousands_are_still_read(phrase):
    assert parse_figure(phrase).value == float(phrase)


def test_figure_from_parts_reads_number_text_in_the_given_format():
    figure = figure_from_parts("at_least", value="1.500", number_format="eu")
    assert reading(figure) == expected("at_least", 1500, 1500, None)
    assert "ambiguous number '1.500'" in error_for(lambda v: figure_from_parts("exact", value=v), "1.500")


@pytest.mark.parametrize("bad", ["de", "EU", "", None])
def test_an_unknown_number_format_is_refused(bad):
    assert "unknown number format" in error_for(lambda text: parse_figure(text, number_format=bad), "300")
    assert NUMBER_FORMATS == ("en", "eu")


# --- numbers in running text ------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "found"), [
    ("about 1,500 people", [("1,500", (1500,))]),
    ("about 300,000 people", [("300,000", (300_000,))]),
    ("etwa 1.500 Menschen", [("1.500", (1.5, 1500))]),
    ("2.300.000 and 2,300,000", [("2.300.000", (2_300_000,)), ("2,300,000", (2_300_000,))]),
    ("1\u202f500, 1\u00a0500 and 12'500", [("1\u202f500", (1500,)), ("1\u00a0500", (1500,)), ("12'500", (12_500,))]),
    ("1.5 million and 2bn", [("1.5 million", (1_500_000,)), ("2bn", (2_000_000_000,))]),
    ("seven, a dozen, fifteen hundred, twenty-one", [("seven", (7,)), ("a dozen", (12,)),
                                                     ("fifteen hundred", (1500,)), ("twenty-one", (21,))]),
    ("۱٬۵۰۰ نفر", [("۱٬۵۰۰", (1500,))]),
    ("at least 3000", [("3000", (3000,))]),
    ("someone, anyone, often", []),
])
def test_numbers_in_reads_every_number_a_quote_writes(text, found):
    assert [(m.written, m.values) for m in numbers_in(text)] == found


def test_numbers_in_reads_ordinary_space_groups_both_ways_and_keeps_positions():
    mentions = numbers_in("killed 1 500 in 2019 500 more")
    assert [(m.written, m.values) for m in mentions] == [
        ("1 500", (1500,)), ("500", (500,)), ("2019", (2019,)), ("500", (500,))]
    assert all("killed 1 500 in 2019 500 more"[m.start : m.end] == m.written for m in mentions)


def test_numbers_in_reads_decimals_only_in_the_format_given_and_keeps_scales_for_sharing():
    assert numbers_in("1.500", number_format="eu")[0].values == (1500,)
    assert numbers_in("1,500", number_format="eu")[0].values == (1.5, 1500)
    assert numbers_in("1,5", number_format="eu")[0].values == (1.5,)
    assert [m.written for m in numbers_in("1,5")] == ["1", "5"]  # no decimal comma in "en"
    assert [(m.values, m.scale) for m in numbers_in("1.5-2 million")] == [((1.5,), 1), ((2_000_000,), 1_000_000)]


def test_describe_says_a_figure_in_words():
    assert [describe(parse_figure(p)) for p in ("300", "at least 300", "about 1,500", "10 to 20", "several")] == [
        "exactly 300", "at least 300", "approximately 1,500", "between 10 and 20", "a vague amount of 3 to 9"]


def test_the_examples_in_the_module_docstrings_run():
    from factdb import figures

    assert doctest.testmod(figures).failed == 0
