"""Properties of figure parsing that must hold for any input, checked with hypothesis."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factdb import figures
from factdb.figures import (
    MAX_VALUE,
    QUALIFIERS,
    VAGUE_WORDS,
    Figure,
    FigureError,
    figure_from_parts,
    parse_figure,
)

# Cheap examples and no deadline: a slow, busy CI machine must never turn timing into a failure.
quick = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

QUALIFIER_WORDS = {
    "exact": ["rose to", "climbed to", "reached", "a total of"],
    "approximately": ["about", "around", "approximately", "some", "roughly", "circa", "an estimated", "~",
                      "approx.", "ca.", "estimated", "≈", "an estimated number of", "estimated at"],
    "nearly": ["nearly", "almost", "close to"],
    "at_least": ["at least", "no fewer than", "a minimum of", "no less than", "≥"],
    "more_than": ["more than", "over", "upwards of", "in excess of", ">", "exceeded", "topped", "surpassed",
                  "passed", "well over"],
    "at_most": ["at most", "up to", "no more than", "a maximum of", "≤", "as many as", "did not exceed"],
    "less_than": ["fewer than", "less than", "under", "<", "just under"],
}
NOUNS = ["", " people", " protesters were killed", " children, officials said", " “yay” votes", "%", ".",
         " (unconfirmed)"]
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def check_invariants(figure: Figure) -> None:
    """What every figure promises, whatever the phrase: the contract's shape, ordered non-negative bounds."""
    assert isinstance(figure, Figure)
    assert figure.qualifier in QUALIFIERS
    numbers = (figure.value, figure.low, figure.high)
    for number in numbers:
        assert number is None or (type(number) in (int, float) and 0 <= number <= MAX_VALUE)
    if figure.low is not None and figure.high is not None:
        assert figure.low <= figure.high
    if figure.qualifier in ("range", "vague"):
        assert figure.value is None and figure.low is not None and figure.high is not None
    else:
        value = figure.value
        assert value is not None
        assert (figure.low, figure.high) == {
            "exact": (value, value),
            "approximately": (None, None),
            "nearly": (None, value),
            "at_least": (value, None),
            "more_than": (value, None),
            "at_most": (None, value),
            "less_than": (None, value),
        }[figure.qualifier]
    assert figure.text and figure.text == figure.text.strip()
    assert set(figure.to_dict()) == {"qualifier", "value", "low", "high", "text"}


def parse_or_refuse(text: object) -> Figure | None:
    """parse_figure's only outcomes: a figure that keeps every promise, or a FigureError."""
    try:
        figure = parse_figure(text)  # type: ignore[arg-type]
    except FigureError as error:
        assert str(error)
        return None
    check_invariants(figure)
    return figure


@st.composite
def written_numbers(draw: st.DrawFn, max_value: int = MAX_VALUE) -> tuple[str, int]:
    """A whole number and one way of writing it: plain, with ',' or a thin/no-break space, or in Persian."""
    number = draw(st.one_of(st.integers(0, 10_000), st.integers(0, max_value)))
    style = draw(st.sampled_from(["plain", "comma", "thin", "nbsp", "persian"]))
    if style == "plain":
        return str(number), number
    grouped = f"{number:,}"
    written = {
        "comma": grouped,
        "thin": grouped.replace(",", "\u202f"),
        "nbsp": grouped.replace(",", "\u00a0"),
        "persian": str(number).translate(PERSIAN),
    }[style]
    return written, number


# Tokens that reach every branch of the parser when shuffled together.
TOKENS = ["0", "1", "12", "300", "1,500", "1\u202f500", "2.5", "۳۰۰", "67th", "10k", "2bn", "-", "–", "−", "+",
          "~", "%", ",", ".", "to", "and", "or", "more", "less", "so", "of", "between", "from", "at least", "about",
          "nearly", "over", "under", "up to", "a", "an", "zero", "one", "twenty", "twenty-one", "first", "hundred",
          "thousand", "million", "dozen", "dozens", "hundreds", "thousands", "several", "tens", "many", "few",
          "people", "“", "”", "99999999999999999", "1,50", "1.500", "/", "times", "thirds", "half", "in",
          "exceeded", "as many as", "rose to", "anywhere", "scores", "a handful", "double", "out of"]
token_soup = st.lists(st.sampled_from(TOKENS), min_size=0, max_size=6).flatmap(
    lambda tokens: st.sampled_from([" ", "", "\u00a0"]).map(lambda gap: gap.join(tokens))
)


@quick
@given(st.text())
def test_any_text_either_parses_into_a_sound_figure_or_raises_figure_error(text):
    parse_or_refuse(text)


@quick
@given(token_soup)
def test_any_jumble_of_figure_words_either_parses_into_a_sound_figure_or_raises_figure_error(text):
    parse_or_refuse(text)


@settings(max_examples=50, deadline=None)
@given(st.one_of(st.none(), st.integers(), st.floats(), st.binary(), st.lists(st.text(), max_size=2)))
def test_anything_but_text_raises_figure_error(thing):
    assert parse_or_refuse(thing) is None


@quick
@given(
    st.sampled_from([(q, w) for q, words in QUALIFIER_WORDS.items() for w in words]),
    written_numbers(),
    st.sampled_from(NOUNS),
    st.sampled_from([" ", "  ", "\u00a0"]),
)
def test_a_qualifier_word_and_a_number_give_the_documented_qualifier_and_bounds(pair, written, noun, gap):
    qualifier, word = pair
    text, number = written
    figure = parse_or_refuse(f"{word}{gap}{text}{noun}")
    assert figure is not None
    assert figure.qualifier == qualifier and figure.value == number


@quick
@given(written_numbers(), st.sampled_from(NOUNS))
def test_a_bare_number_is_exact(written, noun):
    text, number = written
    figure = parse_or_refuse(f"{text}{noun}")
    assert figure is not None
    assert (figure.qualifier, figure.value, figure.low, figure.high) == ("exact", number, number, number)


@quick
@given(
    st.integers(1, 999),
    st.integers(0, 9),
    st.sampled_from([("thousand", 10**3), ("million", 10**6), ("billion", 10**9)]),
    st.sampled_from(NOUNS),
)
def test_a_decimal_with_a_scale_word_is_the_exact_whole_number(whole, tenth, scale, noun):
    word, multiplier = scale
    figure = parse_or_refuse(f"{whole}.{tenth} {word}{noun}")
    assert figure is not None
    assert figure.value == (whole * 10 + tenth) * multiplier // 10
    assert type(figure.value) is int


@quick
@given(
    written_numbers(max_value=10**12),
    written_numbers(max_value=10**12),
    st.sampled_from(["between {a} and {b}", "from {a} to {b}", "{a} to {b}", "{a}-{b}", "{a}–{b}", "{a}—{b}",
                     "{a} - {b}"]),
    st.sampled_from(NOUNS),
)
def test_a_range_keeps_its_bounds_in_order_or_is_refused(first, second, form, noun):
    (a_text, a), (b_text, b) = first, second
    phrase = form.format(a=a_text, b=b_text) + noun
    if a > b:
        try:
            parse_figure(phrase)
        except FigureError as error:
            assert "runs backwards" in str(error)
        else:
            raise AssertionError(f"{phrase!r} was read although its range runs backwards")
        return
    figure = parse_or_refuse(phrase)
    assert figure is not None
    assert (figure.qualifier, figure.value, figure.low, figure.high) == ("range", None, a, b)


@quick
@given(st.sampled_from(sorted(VAGUE_WORDS)), st.sampled_from(NOUNS + [" of people"]))
def test_a_vague_word_gives_its_table_interval_whatever_follows(word, noun):
    figure = parse_or_refuse(f"{word}{noun}")
    assert figure is not None
    assert (figure.qualifier, figure.value, (figure.low, figure.high)) == ("vague", None, VAGUE_WORDS[word])


UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def below_thousand_in_words(number: int, british_and: bool) -> str:
    hundreds, rest = divmod(number, 100)
    words = [f"{UNITS[hundreds]} hundred"] if hundreds else []
    if rest:
        if hundreds and british_and:
            words.append("and")
        tens, units = divmod(rest, 10)
        words.append(UNITS[rest] if rest < 20 else TENS[tens] + (f"-{UNITS[units]}" if units else ""))
    return " ".join(words)


def in_words(number: int, british_and: bool) -> str:
    """ "two million three hundred (and) forty-five thousand six hundred (and) seventy-eight"."""
    if number == 0:
        return "zero"
    parts = []
    for name, size in (("billion", 10**9), ("million", 10**6), ("thousand", 10**3), ("", 1)):
        group, number = divmod(number, size)
        if group:
            parts.append(below_thousand_in_words(group, british_and) + (f" {name}" if name else ""))
    return " ".join(parts)


@quick
@given(st.integers(0, 999_999_999_999), st.booleans())
def test_numbers_in_english_words_read_as_the_number(number, british_and):
    figure = parse_or_refuse(in_words(number, british_and))
    assert figure is not None
    assert (figure.qualifier, figure.value) == ("exact", number)


bounds = st.one_of(st.none(), st.integers(-5, MAX_VALUE + 5), st.floats(allow_nan=True, allow_infinity=True),
                   written_numbers().map(lambda written: written[0]))


@quick
@given(st.sampled_from(QUALIFIERS), bounds, bounds, bounds)
def test_figure_from_parts_gives_a_sound_figure_or_raises_figure_error(qualifier, value, low, high):
    try:
        figure = figure_from_parts(qualifier, value, low, high)
    except FigureError as error:
        assert str(error)
        return
    check_invariants(figure)
    assert figure.qualifier == qualifier


# -- the shortcut for common phrases (figures._SIMPLE) reads them exactly as the grammar does ------


import pytest  # noqa: E402


PREFIXES = sorted(figures.QUALIFIER_PHRASES)


def _read(phrase: str) -> Figure | str:
    try:
        return parse_figure(phrase)
    except FigureError as error:
        return f"FigureError: {error}"


def _by_the_grammar(phrase: str) -> Figure | str:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(figures, "_SIMPLE", re.compile("(?!)"))  # matches nothing
        return _read(phrase)


@quick
@given(prefix=st.one_of(st.none(), st.sampled_from(PREFIXES)), number=st.integers(0, 10**17),
       grouped=st.booleans(), zeros=st.integers(0, 2), plus=st.booleans(), spaces=st.sampled_from(["", " ", "  "]))
def test_common_phrases_read_the_same_with_and_without_the_shortcut(prefix: str | None, number: int, grouped: bool,
                                                                    zeros: int, plus: bool, spaces: str) -> None:
    digits = "0" * zeros + (f"{number:,}" if grouped else str(number))
    phrase = f"{spaces}{prefix + ' ' if prefix else ''}{digits}{'+' if plus else ''}{spaces}"
    assert _read(phrase) == _by_the_grammar(phrase)


@quick
@given(st.text(alphabet="0123456789,.+ ~<>abceghilmnorstuvw", max_size=16))
def test_any_phrase_of_digits_and_qualifier_letters_reads_the_same_with_and_without_the_shortcut(phrase: str) -> None:
    assert _read(phrase) == _by_the_grammar(phrase)


@quick
@given(written_numbers(max_value=10**6), st.sampled_from([" times", " thirds", "-fold", " and a half", " out of 10",
                                                          " in every 10", "/2", " / 400", "/ two"]),
       st.sampled_from(NOUNS), st.sampled_from(["", "about ", "at least ", "as many as ", "exceeded "]))
def test_a_number_inside_a_share_or_beside_a_slash_is_never_read_alone(written, tail, noun, qualifier):
    text, _ = written
    assert parse_or_refuse(f"{qualifier}{text}{tail}{noun}") is None


@quick
@given(st.integers(1, 999), st.integers(0, 999).map(lambda n: f"{n:03d}"), st.sampled_from(["", "about ", "over "]))
def test_a_dot_before_three_digits_is_never_guessed_in_english_and_is_thousands_in_eu(whole, group, qualifier):
    text = f"{qualifier}{whole}.{group}"
    assert parse_or_refuse(text) is None
    figure = parse_figure(text, number_format="eu")
    check_invariants(figure)
    assert figure.value == whole * 1000 + int(group) and figure.text == text


# -- numbers_in skips words that begin no number inside its regular expression ----------------------

_EVERY_WORD = re.compile(rf"(?P<digits>\d+(?:[{figures._LOOSE_SEPARATORS}]\d+)*)|[a-z]+")


def _numbers_in_word_by_word(text: str, number_format: str) -> list[figures.NumberMention]:
    """numbers_in as it was: every run of letters a token, each tried as the start of a number."""
    fmt = figures._number_convention(number_format)
    s = text.translate(figures._ASCII_LOWER)
    mentions, pos = [], 0
    while (token := _EVERY_WORD.search(s, pos)) is not None:
        if token.group("digits"):
            mention, pos = figures._digit_mention(text, s, token, fmt)
        else:
            mention = figures._word_mention(text, s, token.start())
            pos = token.end() if mention is None else mention.end
        if mention is not None:
            mentions.append(mention)
    return mentions


# Number words, their neighbours in and out of numbers, scales, digits in every grouping, and the
# letters, accents and punctuation that end or join a word.
_PIECES = st.sampled_from([
    *figures._WORDS, "dozens", "hundreds", "km", "k", "m", "bn", "million", "billion", "people", "and", "cat", "aone",
    "onea", "tens", "Twenty", "ONE", "é", "café", "-", "–", " ", "  ", ",", ".", "'", "’", "\u00a0", "\u2009", "\n", "(", ")",
    "%", "$", "1", "12", "300", "1,500", "1.500", "1 500", "1'500", "2019", "1,5,0", "0.5", "3rd", "21st", "۱۲",
])


@quick
@given(st.lists(_PIECES, max_size=14), st.sampled_from(["en", "eu"]))
def test_numbers_in_reads_what_reading_every_word_reads(pieces: list[str], number_format: str) -> None:
    for text in ("".join(pieces), " ".join(pieces)):
        assert figures.numbers_in(text, number_format=number_format) == _numbers_in_word_by_word(text, number_format)


@quick
@given(st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Z"]), max_size=60))
def test_numbers_in_reads_what_reading_every_word_reads_in_any_text(text: str) -> None:
    assert figures.numbers_in(text) == _numbers_in_word_by_word(text, "en")


# -- numbers_in reads plain digits without the conventions' expressions ---------------------------


def _digit_mention_in_full(text: str, s: str, token: re.Match[str], fmt: figures._Convention) -> tuple[figures.NumberMention | None, int]:
    """figures._digit_mention as it was: every run of digits read by both conventions' expressions."""
    written = token.group("digits")
    readings = figures._readings(figures._LOOSE_GROUPING.sub("\u2009", written), fmt)
    first = figures._FIRST_DIGITS.match(s, token.start())
    assert first is not None
    if not readings:
        written = first.group()
        readings = figures._readings(written, fmt)
    end = token.start() + len(written)
    scale, scaled_end = figures._scale_words(s, end)
    if scale == 1:
        letters = figures._LETTERS.match(s, end)
        if letters is not None and letters.group() in figures._ABBREVIATIONS:
            scale, scaled_end = figures._ABBREVIATIONS[letters.group()], letters.end()
    values = tuple(dict.fromkeys(figures._value(n, d, scale) for n, d in readings))
    mention = figures.NumberMention(token.start(), scaled_end, text[token.start():scaled_end], values, scale) if values else None
    return mention, first.end() if " " in written else scaled_end


def _numbers_in_read_in_full(text: str, number_format: str) -> list[figures.NumberMention]:
    fmt = figures._number_convention(number_format)
    s = text.translate(figures._ASCII_LOWER)
    mentions, pos = [], 0
    while (token := figures._NUMBER_TOKEN.search(s, pos)) is not None:
        if token.group("digits"):
            mention, pos = _digit_mention_in_full(text, s, token, fmt)
        else:
            mention = figures._word_mention(text, s, token.start())
            pos = token.end() if mention is None else mention.end
        if mention is not None:
            mentions.append(mention)
    return mentions


_DIGIT_PIECES = st.sampled_from([
    "0", "7", "12", "300", "2019", "1,500", "1.500", "1 500", "1'500", "1\u2009500", "1,5,0", "0.5", "1.5", "12,5", "3rd",
    "9" * 24, "9" * 25, "1" * 30 + ",000", "12,345,678", "999,999", "0,000", "1,000" * 8, "1,000" * 9, "1,00", "1,0000", "۱۲", "١٬٥٠٠", "٣٫٥", " ", ",", ".", "-", "'", "million", "k", "bn", "m", "hundred",
    "thousand", "a dozen", "people", "(", "%",
])


@quick
@given(st.lists(_DIGIT_PIECES, max_size=12), st.sampled_from(["en", "eu"]))
def test_numbers_in_reads_every_run_of_digits_as_reading_it_in_full_does(pieces: list[str], number_format: str) -> None:
    for text in ("".join(pieces), " ".join(pieces)):
        assert figures.numbers_in(text, number_format=number_format) == _numbers_in_read_in_full(text, number_format)



# -- a number written in plain digits is found where it stands ---------------------------------------

_PLAIN_PIECES = st.sampled_from([
    "0", "7", "12", "300", "2019", "1,500", "1.500", "1 500", "1'500", "1\u2009500", "1,5,0", "0.5", "12,345,678", "1,0000",
    "۱۲", "١٬٥٠٠", " ", ",", ".", "-", "'", "’", "million", "Million", "k", "bn", "hundred", "a dozen", "people", "(", "%", "é",
])


@quick
@given(st.lists(_PLAIN_PIECES, max_size=12), st.integers(0, 10**8) | st.sampled_from([0, 5, 7, 12, 300, 500, 1500, 2019, 12345678, 345678]),
       st.booleans(), st.sampled_from(["en", "eu"]))
def test_a_number_found_written_plainly_is_one_numbers_in_reads(pieces: list[str], number: int, grouped: bool,
                                                                number_format: str) -> None:
    """written_plainly answers True only where reading every number finds it, and finds a number written
    plainly between spaces."""
    written = f"{number:,}" if grouped else str(number)
    for text in ("".join(pieces), " ".join(pieces), " ".join([*pieces, written, *pieces[:2]])):
        read = any(number in mention.values for mention in figures.numbers_in(text, number_format=number_format))
        if figures.written_plainly(text, number, number_format=number_format):
            assert read
    assert figures.written_plainly(f"officials said {written} people", number, number_format="en")
