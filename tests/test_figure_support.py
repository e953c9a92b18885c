"""A figure is supported by its quote: its numbers, and its phrase when it was given as one, are in it."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factdb import figure_support
from factdb.figure_support import Unsupported, unsupported_by_quote
from factdb.figures import Figure, figure_from_parts, parse_figure

quick = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def parts(qualifier: str, **kwargs: object) -> Figure:
    return figure_from_parts(qualifier, **kwargs)  # type: ignore[arg-type]


# (figure, quote): the figure's numbers are written in the quote, in digits with any grouping or in words.
SUPPORTED_NUMBERS = [
    (parts("exact", value=1500), "police said 1,500 people marched"),
    (parts("exact", value=1500), "police said 1 500 people marched"),
    (parts("exact", value=1500), "police said 1\u202f500 people marched"),
    (parts("exact", value=1500), "police said 1500 people marched"),
    (parts("exact", value=1500), "die Polizei sprach von 1.500 Menschen"),
    (parts("exact", value=1500), "police said fifteen hundred people marched"),
    (parts("exact", value=1500), "۱٬۵۰۰ نفر"),
    (parts("exact", value=7), "Seven journalists were held"),
    (parts("exact", value=12), "a dozen were wounded"),
    (parts("at_least", value=21), "at least twenty-one people"),
    (parts("exact", value=1_500_000), "1.5 million displaced"),
    (parts("exact", value=1_500_000), "1,500,000 displaced"),
    (parts("range", low=1_500_000, high=2_000_000), "between 1.5 and 2 million displaced"),
    (parts("range", low=200, high=300), "two to three hundred people"),
    (parts("range", low=500, high=520), "between 500 and 520"),
    (parts("vague", value="hundreds"), "Hundreds of people were detained"),
    (parts("vague", value="hundreds"), "many hundreds of people were detained"),
    (parts("vague", low=2, high=5), "between 2 and 5 were held"),
]


@pytest.mark.parametrize(("figure", "quote"), SUPPORTED_NUMBERS, ids=[q for _, q in SUPPORTED_NUMBERS])
def test_a_quote_that_writes_the_figures_numbers_supports_it(figure, quote):
    assert unsupported_by_quote(figure, quote, given_as_phrase=False) is None


# (figure, quote, what is missing, the closest number as written in the quote)
UNSUPPORTED_NUMBERS = [
    (parse_figure("about 250"), "officials said about 200 people died", "250", "200"),
    (parse_figure("at least 300"), "Amnesty said at least 3000 were killed", "300", "3000"),
    (parse_figure("at least 300"), "at least 1300 were killed", "300", "1300"),
    (parse_figure("300"), "about 300,000 people", "300", "300,000"),
    (parse_figure("1,500"), "1,5 million", "1,500", "1"),  # no decimal comma in "en"
    (parse_figure("between 500 and 520"), "between 500 and 525", "520", "525"),
    (parse_figure("1.5 million"), "1.5 people", "1,500,000", "1.5"),
    (parse_figure("about 250"), "no figure was given", "250", None),
    (parts("vague", value="hundreds"), "dozens of people were held", "the vague amount 'hundreds'", None),
    (parts("vague", low=2, high=5), "a few were held", "2", None),
]


@pytest.mark.parametrize(("figure", "quote", "missing", "closest"), UNSUPPORTED_NUMBERS,
                         ids=[u[1] for u in UNSUPPORTED_NUMBERS])
def test_a_quote_without_the_figures_number_names_it_and_its_closest_number(figure, quote, missing, closest):
    assert unsupported_by_quote(figure, quote, given_as_phrase=False) == Unsupported(missing, closest)


def test_the_message_says_what_is_missing_and_the_closest_number():
    problem = unsupported_by_quote(parse_figure("about 250"), "said about 200 people died")
    assert problem is not None
    assert problem.message == "the quote does not contain 250; the closest number in the quote is '200'"
    assert Unsupported("250", None).message == "the quote does not contain 250; the quote has no number"


@pytest.mark.parametrize(("phrase", "quote"), [
    ("at least 300", "Amnesty said at least 300 were killed"),
    ("At least 300", "Amnesty said at least 300 were killed"),
    ("“at least 300”", "Amnesty said “at least 300” were killed"),
    ("at least 300", "Amnesty said “at  least\u00a0300” were killed"),  # quote normalisation
    ("as many as 300", "as many as 300 were held"),
    ("several children", "several children were among them"),
    ("1.5-2 million", "1.5–2 million people fled"),  # dashes unified
    ("a dozen", "A dozen people"),
])
def test_a_figure_given_as_a_phrase_is_supported_when_its_words_are_in_the_quote(phrase, quote):
    assert unsupported_by_quote(parse_figure(phrase), quote) is None


@pytest.mark.parametrize(("phrase", "quote", "closest"), [
    ("at least 300", "no fewer than 300 were killed", "300"),
    ("about 300", "some 300 were killed", "300"),
    ("at least 300", "at least 300,000 were killed", "300,000"),
    ("several children", "several adults and children", None),
])
def test_a_figure_given_as_a_phrase_needs_its_words_in_the_quote(phrase, quote, closest):
    problem = unsupported_by_quote(parse_figure(phrase), quote)
    assert problem is not None
    assert problem.missing in (f"the words {parse_figure(phrase).text!r}", "300")
    assert problem.closest == closest


def test_a_figure_from_parts_is_not_held_to_its_canonical_words():
    figure = parts("at_least", value=300)
    assert figure.text == "at least 300"
    assert unsupported_by_quote(figure, "no fewer than 300 were killed", given_as_phrase=False) is None
    assert unsupported_by_quote(parts("vague", low=2, high=5, text="a few"), "a few were held") is None


def test_the_number_format_orders_the_readings_of_an_ambiguous_number():
    assert unsupported_by_quote(parse_figure("1.500", number_format="eu"), "etwa 1.500 Menschen",
                                number_format="eu") is None
    assert unsupported_by_quote(parse_figure("1.5"), "etwa 1.500 Menschen", given_as_phrase=False) is None


def test_the_examples_in_the_module_docstrings_run():
    assert doctest.testmod(figure_support).failed == 0


# --- properties ------------------------------------------------------------------------------------------

WORDS = {0: "zero", 1: "one", 2: "two", 3: "three", 7: "seven", 11: "eleven", 12: "twelve", 20: "twenty",
         21: "twenty-one", 45: "forty-five", 99: "ninety-nine", 100: "a hundred", 300: "three hundred",
         1500: "fifteen hundred", 2000: "two thousand"}
CONTEXT = st.sampled_from(["", "Officials said ", "“", "(", "a toll of ", "— "])
AFTER = st.sampled_from(["", " people were killed.", "”", ")", ", officials said", " in 2019", "."])


@st.composite
def written(draw: st.DrawFn) -> tuple[int, str]:
    """A whole number and one way a quote may write it."""
    number = draw(st.one_of(st.integers(0, 10**4), st.integers(0, 10**12), st.sampled_from(sorted(WORDS))))
    styles = ["plain", "comma", "thin", "space", "dot"] + (["words"] if number in WORDS else [])
    style = draw(st.sampled_from(styles))
    grouped = f"{number:,}"
    text = {
        "plain": str(number),
        "comma": grouped,
        "thin": grouped.replace(",", "\u202f"),
        "space": grouped.replace(",", " "),
        "dot": grouped.replace(",", "."),
        "words": WORDS.get(number, ""),
    }[style]
    return number, text


@quick
@given(written(), CONTEXT, AFTER, st.sampled_from(["exact", "at_least", "approximately", "at_most"]))
def test_any_writing_of_the_figures_number_supports_it(pair, before, after, qualifier):
    number, text = pair
    assert unsupported_by_quote(parts(qualifier, value=number), f"{before}{text}{after}", given_as_phrase=False) is None


@quick
@given(st.integers(1, 10**6), st.integers(0, 9), CONTEXT, AFTER.filter(lambda after: not any(c.isdigit() for c in after)))
def test_a_number_is_never_found_inside_a_larger_one(number, digit, before, after):
    quote = f"{before}{number}{digit}{after}"
    problem = unsupported_by_quote(parts("exact", value=number), quote, given_as_phrase=False)
    assert problem == Unsupported(f"{number:,}", f"{number}{digit}")


@quick
@given(st.integers(0, 10**6), st.lists(st.integers(0, 10**6), min_size=1, max_size=4), CONTEXT)
def test_when_unsupported_the_closest_number_is_one_the_quote_writes_and_none_is_nearer(number, others, before):
    others = [n for n in others if n != number] or [number + 1]
    quote = before + ", ".join(f"{n}" for n in others) + " people"
    problem = unsupported_by_quote(parts("exact", value=number), quote, given_as_phrase=False)
    assert problem is not None and problem.closest is not None
    assert int(problem.closest) in others
    assert abs(int(problem.closest) - number) == min(abs(n - number) for n in others)


@quick
@given(st.sampled_from(["at least 300", "about 1,500", "between 10 and 20", "several hundred", "as many as 45",
                        "exceeded 800", "a dozen", "1.5 million", "nearly 6,000", "300+"]), CONTEXT, AFTER)
def test_a_phrase_quoted_as_it_stands_supports_its_figure(phrase, before, after):
    assert unsupported_by_quote(parse_figure(phrase), f"{before}{phrase}{after}") is None
