"""Checks of a figure against its quote, its stated phrase and its metric's unit."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factdb import figure_checks
from factdb.figure_checks import Unsupported, is_count_unit, stated_disagreement, unsupported_by_quote, whole_count_problem
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
    assert doctest.testmod(figure_checks).failed == 0


# --- an explicit stated phrase must agree with the explicit parts -------------------------------------

AT_LEAST_3 = figure_from_parts("at_least", value=3)


@pytest.mark.parametrize(("figure", "stated"), [
    (AT_LEAST_3, "at least 3"),
    (AT_LEAST_3, "at least three people"),
    (AT_LEAST_3, "3+"),
    (AT_LEAST_3, "3"),  # the bare value: the qualifier may be said elsewhere in the quote
    (AT_LEAST_3, "3 oder mehr"),
    (AT_LEAST_3, "دست‌کم ۳"),  # Persian the grammar cannot read: it holds the value
    (figure_from_parts("approximately", value="۷٬۰۰۰"), "حدود ۷٬۰۰۰"),
    (figure_from_parts("exact", value=1500), "1.500"),  # the value says which reading is meant
    (figure_from_parts("exact", value=1500), "1.500 Menschen"),
    (figure_from_parts("range", low=10, high=20), "between 10 and 20"),
    (figure_from_parts("range", low=10, high=20), "entre 10 et 20"),
    (figure_from_parts("vague", value="several"), "several"),
    (figure_from_parts("vague", low=2, high=5), "a few"),  # the phrase the explicit bounds stand for
])
def test_a_stated_phrase_that_says_the_same_agrees(figure, stated):
    assert stated_disagreement(figure, stated) is None


@pytest.mark.parametrize(("figure", "stated", "message"), [
    (AT_LEAST_3, "at most 3", "stated 'at most 3' reads as at most 3, but the figure is at least 3"),
    (AT_LEAST_3, "more than 3", "reads as more than 3, but the figure is at least 3"),
    (AT_LEAST_3, "at least 4", "reads as at least 4, but the figure is at least 3"),
    (AT_LEAST_3, "دست‌کم ۴", "stated 'دست\\u200cکم ۴' does not contain 3, the figure's value"),
    (figure_from_parts("range", low=10, high=20), "between 10 and 25", "reads as between 10 and 25, but the figure is"
                                                                        " between 10 and 20"),
    (figure_from_parts("range", low=10, high=20), "entre 10 et 25", "does not contain 20, the figure's bound"),
    (figure_from_parts("vague", value="several"), "dozens", "reads as a vague amount of 24 to 99, but the figure is "
                                                            "a vague amount of 3 to 9"),
    (figure_from_parts("exact", value=300), "about 300", "reads as approximately 300, but the figure is exactly 300"),
])
def test_a_stated_phrase_that_says_something_else_is_named_with_both_readings(figure, stated, message):
    disagreement = stated_disagreement(figure, stated)
    assert disagreement is not None and message in disagreement
    assert "correct stated" in disagreement or "make stated" in disagreement


@pytest.mark.parametrize("stated", ["one third", "1/2", "three times"])
def test_a_stated_share_is_not_the_count_its_first_number_gives(stated):
    disagreement = stated_disagreement(parts("exact", value=1 if stated[0] in "o1" else 3), stated)
    assert disagreement is not None
    assert disagreement.startswith(f"stated {stated!r} is not a count of what the figure counts: ")


def test_stated_is_read_in_the_number_format_given():
    assert stated_disagreement(figure_from_parts("exact", value=1500), "1.500", number_format="eu") is None
    assert "reads as exactly 1.5" in str(stated_disagreement(figure_from_parts("exact", value=1500), "1,5",
                                                                number_format="eu"))


# --- counts are whole numbers -------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["people", "persons", "cities and towns", "votes", "resolutions", "events",
                                  "نفر", "detainees"])
def test_units_that_name_counted_things_are_counts(unit):
    assert is_count_unit(unit)


@pytest.mark.parametrize("unit", ["percent", "%", "per cent of voters", "deaths per 100,000", "km", "tonnes",
                                  "US dollars", "USD", "€", "years", "days of shutdown", "rate", "index points"])
def test_units_that_name_a_measure_are_not_counts(unit):
    assert not is_count_unit(unit)


@pytest.mark.parametrize(("phrase", "number"), [("2.5", "2.5"), ("about 1.5", "1.5"), ("between 10.5 and 20", "10.5"),
                                                ("1,5", "1.5")])
def test_a_fractional_count_is_refused_and_says_what_to_write(phrase, number):
    figure = parse_figure(phrase, number_format="eu" if "," in phrase else "en")
    problem = whole_count_problem(figure, "people")
    assert problem is not None
    assert problem.startswith(f"{number} is not a whole number, but the metric's unit 'people' counts whole things")
    assert "'1,500'" in problem and "'1.5 million'" in problem


@pytest.mark.parametrize(("phrase", "unit"), [("1.5 million", "people"), ("2.5", "percent"), ("several", "people"),
                                              ("between 1.5 and 2 million", "people"), ("45", "people")])
def test_whole_counts_and_measures_pass(phrase, unit):
    assert whole_count_problem(parse_figure(phrase), unit) is None


# --- properties of the quote check ------------------------------------------------------------------------------------------

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


# --- properties of the stated check ---------------------------------------------------------------------

PHRASES = st.sampled_from(["304", "at least 300", "about 1,500", "between 10 and 20", "several hundred", "300+",
                           "as many as 45", "exceeded 800", "a dozen", "1.5 million", "nearly 6,000", "rose to 45",
                           "anywhere from 70 to 93", "scores of people", "under 10", "10-20"])


@quick
@given(PHRASES)
def test_a_phrase_agrees_with_the_figure_it_reads_as(phrase):
    assert stated_disagreement(parse_figure(phrase), phrase) is None


@quick
@given(st.sampled_from(["exact", "approximately", "nearly", "at_least", "more_than", "at_most", "less_than"]),
       st.one_of(st.integers(0, 10**9), st.floats(0, 10**6, allow_nan=False).map(lambda f: round(f, 3))))
def test_the_canonical_text_of_parts_agrees_with_them(qualifier, value):
    figure = parts(qualifier, value=value)
    assert stated_disagreement(figure, figure.text) is None


@quick
@given(PHRASES, PHRASES)
def test_two_phrases_disagree_exactly_when_they_read_differently(stated, given_phrase):
    figure, read = parse_figure(given_phrase), parse_figure(stated)
    same = (read.qualifier, read.low, read.high, read.value) == (figure.qualifier, figure.low, figure.high, figure.value)
    bare_value = read.qualifier == "exact" and read.value == figure.value
    assert (stated_disagreement(figure, stated) is None) == (same or bare_value)


# --- a quote's numbers are read only as far as a check needs them ---------------------------------------

def _unsupported_reading_every_number(figure: Figure, quote: str, given_as_phrase: bool, number_format: str) -> Unsupported | None:
    """unsupported_by_quote as it was: every number of the quote read before anything is checked."""
    from factdb.figures import format_number, numbers_in
    from factdb.quotes import normalize_quote

    text = normalize_quote(quote)
    folded = text.casefold()
    mentions = numbers_in(text, number_format=number_format)
    vague = figure_checks._vague_words(figure)
    if vague and not given_as_phrase and not any(figure_checks._words_in(word, folded) for word in vague):
        return Unsupported(f"the vague amount {vague[0]!r}", figure_checks._closest(figure.low, mentions))
    for number in figure_checks._numbers_needed(figure, given_as_phrase, bool(vague)):
        written = any(number in mention.values for mention in mentions)
        if not written and number is figure.low and figure.qualifier == "range":
            scales = {mention.scale for mention in mentions if mention.scale > 1}
            written = any(value * scale == number for mention in mentions if mention.scale == 1
                          for value in mention.values for scale in scales)
        if not written:
            return Unsupported(format_number(number), figure_checks._closest(number, mentions))
    if given_as_phrase and not figure_checks._words_in(figure.text, folded):
        return Unsupported(f"the words {figure.text!r}", figure_checks._closest(figure.value if figure.value is not None else figure.low, mentions))
    return None


QUOTE_PIECES = st.sampled_from(["300", "3000", "1,500", "1.500", "1.5", "2", "million", "hundreds", "several", "at least",
                                "about", "between", "and", "to", "-", "people", "twenty", "a dozen", "report", "(", ")", "7"])


@quick
@given(st.lists(QUOTE_PIECES, max_size=12), st.lists(PHRASES | st.sampled_from(["300", "1,500", "1.5 million", "2 million",
                                                                              "hundreds", "between 1.5 and 2 million"]),
                                                   min_size=1, max_size=3),
       st.booleans(), st.sampled_from(["en", "eu"]))
def test_a_quote_read_as_far_as_needed_gives_what_reading_all_of_it_gives(pieces, phrases, given_as_phrase, number_format):
    quote = " ".join(pieces)
    for phrase in phrases:  # a claim's figures, one after another against the same quote
        try:
            figure = parse_figure(phrase, number_format=number_format)
        except ValueError:
            continue
        assert unsupported_by_quote(figure, quote, given_as_phrase=given_as_phrase, number_format=number_format) == \
            _unsupported_reading_every_number(figure, quote, given_as_phrase, number_format)
