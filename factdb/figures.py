"""Figure phrases: "at least 300", "about 1,500", "between 10 and 20", "several hundred".

``parse_figure`` reads the phrase a source used; ``figure_from_parts`` builds the same ``Figure`` from the
explicit form importers use (``{qualifier: at_least, value: 300}``). Both fill ``low`` and ``high`` by
one contract, documented with examples in ``docs/figures.md``:

    exact n            value n, low n,    high n
    approximately n    value n, low None, high None
    nearly n           value n, low None, high n
    at_least n         value n, low n,    high None
    more_than n        value n, low n,    high None
    at_most n          value n, low None, high n
    less_than n        value n, low None, high n
    range a..b         value None, low a, high b
    vague word         value None, low and high from VAGUE_WORDS

The parser reads the qualifier and the number at the start of the phrase and ignores what follows
("at least 300 people had been killed"), unless it makes the number part of a share or a pair ("two
thirds", "1/2": ``NotACount``). Anything it cannot read with confidence is a ``FigureError`` whose
message says what was expected; it never guesses, swaps bounds or drops a number silently. It is the
only reader of figure phrases: the extractor finds figures by its ``QUALIFIER_PHRASES`` and keeps what
it reads. Digits follow ``number_format`` ("en": "1,500.5"; "eu": "1.500,5").

``numbers_in`` reads every number in running text (a quote) without refusing; the checks of a figure
against its quote, its stated phrase and its metric's unit are in ``factdb.figure_checks``.
"""

from __future__ import annotations

import difflib
import math
import numbers
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple

__all__ = [
    "MAX_VALUE",
    "NUMBER_FORMATS",
    "QUALIFIERS",
    "QUALIFIER_PHRASES",
    "VAGUE_WORDS",
    "Figure",
    "FigureError",
    "NotACount",
    "Number",
    "NumberMention",
    "describe",
    "figure_from_parts",
    "format_number",
    "iter_numbers_in",
    "numbers_in",
    "parse_figure",
    "written_plainly",
]

QUALIFIERS: tuple[str, ...] = (
    "exact",
    "approximately",
    "nearly",
    "at_least",
    "more_than",
    "at_most",
    "less_than",
    "range",
    "vague",
)

VAGUE_WORDS: dict[str, tuple[int, int]] = {
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

MAX_VALUE: int = 10**15

Number = int | float


class FigureError(ValueError):
    """A figure phrase or figure parts that cannot be read; the message says what was expected."""


class NotACount(FigureError):
    """The number is part of a share, a comparison or a pair ("two thirds", "three times", "1/2"): there is
    no count to read, whatever words follow, so a finder of figures in prose skips it."""


@dataclass(frozen=True, slots=True)
class Figure:
    """A number as a source stated it: its qualifier, its value and the interval it allows."""

    qualifier: str
    value: Number | None
    low: Number | None
    high: Number | None
    text: str

    def to_dict(self) -> dict[str, object]:
        return {"qualifier": self.qualifier, "value": self.value, "low": self.low, "high": self.high, "text": self.text}


# Which bounds a single-number qualifier fixes to its value: (low is the value, high is the value).
_BOUNDS: dict[str, tuple[bool, bool]] = {
    "exact": (True, True),
    "approximately": (False, False),
    "nearly": (False, True),
    "at_least": (True, False),
    "more_than": (True, False),
    "at_most": (False, True),
    "less_than": (False, True),
}

# The words figure_from_parts puts before the value when no text is given.
_CANONICAL_WORDS: dict[str, str] = {
    "exact": "",
    "approximately": "approximately ",
    "nearly": "nearly ",
    "at_least": "at least ",
    "more_than": "more than ",
    "at_most": "at most ",
    "less_than": "less than ",
}

# Leading qualifier phrases. The contract's words first; the rest are documented synonyms, chosen so
# that no phrase is read as claiming more than it says (docs/figures.md says why for each).
_PREFIX_QUALIFIER: dict[str, str] = {
    # A count at the time of the report: "the toll rose to 45" states 45, not "45 or more".
    **dict.fromkeys(
        ("rose to", "risen to", "rising to", "climbed to", "reached", "reaching", "a total of", "only"), "exact"
    ),
    **dict.fromkeys(
        ("about", "around", "approximately", "some", "roughly", "circa", "an estimated", "an estimated number of",
         "an estimated total of", "estimated at", "~", "∼", "approx", "approx.", "ca.", "c.", "estimated", "≈"),
        "approximately",
    ),
    **dict.fromkeys(("nearly", "almost", "close to"), "nearly"),
    **dict.fromkeys(("at least", "no fewer than", "a minimum of", "no less than", ">=", "≥"), "at_least"),
    **dict.fromkeys(
        ("more than", "over", "upwards of", "in excess of", "well over", "just over", "exceed", "exceeded",
         "exceeding", "exceeds", "topped", "tops", "surpass", "surpassed", "surpasses", "passed", ">"),
        "more_than",
    ),
    # "As many as 300" puts 300 as the ceiling of what the source will vouch for, not a floor.
    **dict.fromkeys(
        ("at most", "up to", "no more than", "not more than", "a maximum of", "as many as", "did not exceed",
         "does not exceed", "not exceeding", "<=", "≤"),
        "at_most",
    ),
    **dict.fromkeys(("fewer than", "less than", "under", "just under", "<"), "less_than"),
    **dict.fromkeys(("between", "from", "anywhere between", "anywhere from"), "range"),
}

# The qualifier phrases the grammar reads before a number, and the qualifier each gives: the one list
# that the extractor also finds figures by, so the two never understand different phrasings.
QUALIFIER_PHRASES: Mapping[str, str] = MappingProxyType(_PREFIX_QUALIFIER)

# Number words: (kind, value, is_ordinal). Kinds drive the small grammar in _word_number.
_UNIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEEN_WORDS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
               "eighteen", "nineteen")
_TENS_WORDS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_SCALE_WORDS: dict[str, int] = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_UNIT_ORDINALS = ("zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
_TEEN_ORDINALS = ("tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
                  "seventeenth", "eighteenth", "nineteenth")
_TENS_ORDINALS = ("twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth", "eightieth",
                  "ninetieth")

_WORDS: dict[str, tuple[str, int, bool]] = {
    "a": ("article", 1, False),
    "an": ("article", 1, False),
    "and": ("and", 0, False),
    "hundred": ("hundred", 100, False),
    "hundredth": ("hundred", 100, True),
    "dozen": ("dozen", 12, False),
    **{w: ("unit", i, False) for i, w in enumerate(_UNIT_WORDS)},
    **{w: ("teen", 10 + i, False) for i, w in enumerate(_TEEN_WORDS)},
    **{w: ("tens", 20 + 10 * i, False) for i, w in enumerate(_TENS_WORDS)},
    **{w: ("scale", n, False) for w, n in _SCALE_WORDS.items()},
    **{w: ("unit", i, True) for i, w in enumerate(_UNIT_ORDINALS)},
    **{w: ("teen", 10 + i, True) for i, w in enumerate(_TEEN_ORDINALS)},
    **{w: ("tens", 20 + 10 * i, True) for i, w in enumerate(_TENS_ORDINALS)},
    **{w + "th": ("scale", n, True) for w, n in _SCALE_WORDS.items()},
}
# Which kind of word may follow which: "twenty one", "two hundred and five", "a dozen", "fifteen hundred".
_MAY_FOLLOW: dict[str, frozenset[str | None]] = {
    "unit": frozenset((None, "tens", "hundred", "scale", "and")),
    "teen": frozenset((None, "hundred", "scale", "and")),
    "tens": frozenset((None, "hundred", "scale", "and")),
    "hundred": frozenset(("article", "unit", "teen", "tens")),
    "scale": frozenset(("article", "unit", "teen", "tens", "hundred")),
    "dozen": frozenset(("article", "unit", "teen", "tens")),
}

# Scale words after digits ("1.5 million", "3 thousand", "2 dozen") and their attached abbreviations.
_DIGIT_SCALES: dict[str, int] = {"hundred": 100, "dozen": 12, **_SCALE_WORDS}
_ABBREVIATIONS: dict[str, int] = {"k": 10**3, "m": 10**6, "mn": 10**6, "bn": 10**9}
_ORDINAL_SUFFIXES = frozenset(("st", "nd", "rd", "th"))

# Vague phrases factdb has no agreed range for: rejected with a hint rather than misread.
_UNKNOWN_VAGUE = (r"a\s+few|few|a\s+couple|couple|handful|a\s+small\s+number|a\s+large\s+number|"
                  r"many|numerous|countless|dozen|millions|billions")

_SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + "\u200b\u2060\ufeff"
_QUOTES = "\"'`“”„‟‘’‚‛«»‹›「」『』"
_OPENING_QUOTES = "\"'`“„‟‘‚‛«‹「『"
_CLOSING_QUOTES = "\"'`”“‟’‘‛»›」』"
_STRIP = _SPACES + _QUOTES
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"


def _alternation(phrases: Iterable[str]) -> str:
    """A regex alternation, longest phrase first, matching whole words and any run of spaces."""
    parts = []
    for phrase in sorted(phrases, key=len, reverse=True):
        pattern = r"\s+".join(re.escape(word) for word in phrase.split())
        parts.append(pattern + (r"(?![a-z])" if phrase[-1].isalpha() else ""))
    return "|".join(parts)


_NUMBER_WORD = _alternation([*_UNIT_WORDS, *_TEEN_WORDS, *_TENS_WORDS, *_DIGIT_SCALES])

_PREFIX = re.compile(rf"({_alternation(_PREFIX_QUALIFIER)})\s*")
_VAGUE = re.compile(_alternation(VAGUE_WORDS))
_VAGUE_THEN_NUMBER = re.compile(
    rf"(?:\s+|-)(?:of\s+)?(?:\d|{_NUMBER_WORD}|hundreds|thousands|millions|billions|dozens)"
)
_UNKNOWN_VAGUE_START = re.compile(rf"(?:{_UNKNOWN_VAGUE})(?![a-z])")


@dataclass(frozen=True, slots=True)
class _Convention:
    """How digits are grouped and where decimals start: "1,500.5" ("en") or "1.500,5" ("eu")."""

    group_mark: str
    decimal_mark: str
    digits: re.Pattern[str]
    group_separators: re.Pattern[str]
    # The other convention's grouping ("1.500" read as English): fifteen hundred or one and a half,
    # so it is refused rather than guessed.
    foreign_groups: re.Pattern[str]


def _convention(group: str, decimal: str) -> _Convention:
    thin_spaces = "\u00a0\u2007\u2009\u202f"
    return _Convention(
        group,
        decimal,
        re.compile(
            rf"(?P<int>\d{{1,3}}(?:[{re.escape(group)}\u066c]\d{{3}}(?!\d))+|\d{{1,3}}(?:[{thin_spaces}]\d{{3}}(?!\d))+|\d+)"
            rf"(?:[{re.escape(decimal)}\u066b](?P<frac>\d+))?"
        ),
        re.compile(rf"[{re.escape(group)}\u066c{thin_spaces}]"),
        re.compile(rf"[1-9]\d{{0,2}}(?:{re.escape(decimal)}\d{{3}})+(?!\d)"),
    )


NUMBER_FORMATS: tuple[str, ...] = ("en", "eu")
_CONVENTIONS: dict[str, _Convention] = {"en": _convention(",", "."), "eu": _convention(".", ",")}
_MALFORMED_TAIL = re.compile(r"[.,\u066b\u066c]\d")
_DIGIT_SCALE = re.compile(rf"\s*({_alternation(_DIGIT_SCALES)})")
_LETTERS = re.compile(r"[a-z]+")
_NEXT_WORD = re.compile(r"(?:\s+|-)([a-z]+)")
_NEGATIVE = re.compile(rf"[{_DASHES}]\s*\d")
_RANGE_TO = re.compile(rf"\s*(?:to(?![a-z])|[{_DASHES}])\s*")
_RANGE_AND = re.compile(rf"\s*(?:and(?![a-z])|to(?![a-z])|[{_DASHES}])\s*")
_POSTFIX = re.compile(r"\s*(?:(\+)|or\s+(more|fewer|less|so)(?![a-z]))")
_POSTFIX_QUALIFIER = {"+": "at_least", "more": "at_least", "fewer": "at_most", "less": "at_most", "so": "approximately"}
# What may not follow a figure: another number ("300 400", "300 or 400") or a scale the grammar did not
# take ("2.5 k", "1,500 thousands"), either of which would otherwise be dropped silently.
_ANOTHER_NUMBER = re.compile(
    rf"\s*(?:(?:and|or|to)\s+|[{_DASHES}]\s*|,\s*(?=\d))?"
    rf"(?:\d[\d,.]*|(?:a|an)\s+(?:hundred|thousand|million|billion|trillion|dozen)(?![a-z])|{_NUMBER_WORD}"
    rf"|(?:hundreds|thousands|millions|billions|dozens|k|mn|bn)(?![a-z]))"
)
# Shares and comparisons, which are not counts of people or events: "half of them", "a third",
# "more than double", "two thirds", "three times", "one in five", "3 out of 10".
_FRACTION_WORDS = r"halves|half|thirds?|quarters?|fifths?|sixths?|sevenths?|eighths?|ninths?|tenths?"
_RATIO_START = re.compile(
    rf"(?:(?:a|an)\s+(?:{_FRACTION_WORDS})|half|double|doubled|twice|triple|tripled|treble|quadruple|\w+-?fold)"
    r"(?![a-z])"
)
# What may follow a number and make it part of a share or a pair, in one pattern since every number is
# checked: a share ("two thirds", "three times", "3 out of 10"), "one and a half" in words, a proportion
# ("one in five", "2 in 10": only when the second number is the larger and small, so that "300 in 2019"
# stays a count in a year), or a slash ("1/2", "300 / 400").
_AFTER_NUMBER = re.compile(
    rf"(?P<share>\s*-?\s*(?:{_FRACTION_WORDS}|times|fold)(?![a-z])"
    rf"|\s+(?:out\s+of|in\s+every)\s+(?:\d[\d,.]*|{_NUMBER_WORD}))"
    r"|(?P<half>\s+and\s+a\s+half(?![a-z]))"
    rf"|\s+in\s+(?P<of>\d{{1,3}}(?![\d,.])|{_NUMBER_WORD})(?![a-z])"
    rf"|(?P<slash>\s*/\s*(?:\d|{_NUMBER_WORD}|a\s))"
)
# "half a million", "half a dozen": a number in words, not a share of something.
_HALF_A_SCALE = re.compile(r"half\s+an?\s+(hundred|thousand|million|billion|trillion|dozen)(?![a-z])")
_ANY_NUMBER = re.compile(rf"\d|(?<![a-z])(?:{_NUMBER_WORD}|{_alternation(VAGUE_WORDS)})")

_EXAMPLES = "expected a figure such as '300', 'at least 300' or 'several hundred'"
_VAGUE_LIST = ", ".join(f"'{word}'" for word in VAGUE_WORDS)

# A number read from text: numerator, denominator (a power of ten), scale, end position.
# "1.5 million" is (15, 10, 1_000_000, end); the scale is kept apart so "1 to 2 million" can share it.
_Read = tuple[int, int, int, int]


def parse_figure(text: str, *, number_format: str = "en") -> Figure:
    """Read a figure phrase: its qualifier, its number(s) and the bounds the contract gives them.

    ``number_format`` says how the digits are written: "en" ("1,500.5", the default) or "eu"
    ("1.500,5"). A number that only the other convention reads as a whole number ("1.500" in "en")
    is refused: it could be fifteen hundred or one and a half.

    >>> parse_figure("at least 300 people")
    Figure(qualifier='at_least', value=300, low=300, high=None, text='at least 300 people')
    """
    fmt = _number_convention(number_format)
    if not isinstance(text, str):
        raise FigureError(
            f"a figure must be text, not {type(text).__name__} {_shown(text)}: pass a phrase such as '300', "
            "or use figure_from_parts() for numbers"
        )
    stated = _stated(text)
    s = stated.lower().strip(_STRIP)
    if not s:
        raise FigureError(f"empty figure {_shown(text)}: {_EXAMPLES}")
    simple = _SIMPLE.fullmatch(s) if fmt.group_mark == "," else None
    if simple is not None:
        figure = _simple(simple, stated)
        if figure is not None:
            return figure
    prefix = _PREFIX.match(s)
    if prefix is None:
        return _unqualified(s, stated, fmt)
    phrase = " ".join(prefix.group(1).split())
    qualifier = _PREFIX_QUALIFIER[phrase]
    if qualifier == "range":
        return _explicit_range(s, prefix.end(), phrase, stated, fmt)
    return _qualified(s, prefix.end(), qualifier, phrase, stated, fmt)


# The commonest phrases ("300", "1,500", "300+", "at least 300"): one match instead of the grammar's
# dozen, in bulk imports where most figures are new numbers. Only ASCII digits and single spaces;
# anything else, or anything _simple cannot settle, goes through the grammar, which gives the same
# Figure for every phrase this matches (tests/test_figures_properties.py).
_SIMPLE = re.compile(
    "(?:(" + "|".join(re.escape(p) for p in sorted(_PREFIX_QUALIFIER, key=len, reverse=True) if _PREFIX_QUALIFIER[p] != "range")
    + ") )?([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(\\+?)"
)


def _simple(match: re.Match[str], stated: str) -> Figure | None:
    phrase, digits, plus = match.groups()
    value = int(digits.replace(",", "")) if len(digits) <= 24 else None  # int() refuses thousands of digits
    if (phrase and plus) or value is None or value > MAX_VALUE:
        return None  # two qualifiers, or too large: the grammar says what is wrong
    return _single(_PREFIX_QUALIFIER[phrase] if phrase else "at_least" if plus else "exact", value, stated)


def figure_from_parts(
    qualifier: str,
    value: Number | str | None = None,
    low: Number | str | None = None,
    high: Number | str | None = None,
    text: str | None = None,
    *,
    number_format: str = "en",
) -> Figure:
    """Build a Figure from the explicit import form, filling and checking bounds by the contract.

    ``value``, ``low`` and ``high`` may be numbers or numbers written as text ("1,500", "1.5 million").
    The bound a qualifier fixes may stand in for the value: ``at_least`` with ``low=300`` is at least 300.
    For ``vague`` give a vague word as ``value`` ("several") or explicit ``low`` and ``high``.
    ``text`` defaults to a canonical phrase: "79", "at least 300", "between 10 and 20".
    ``number_format`` says how number text is written, as for :func:`parse_figure`.
    """
    _check_qualifier(qualifier)
    fmt = _number_convention(number_format)
    if text is not None and not isinstance(text, str):
        raise FigureError(f"text must be the phrase as stated, not {type(text).__name__} {_shown(text)}")
    stated = text.strip() if text else ""
    if qualifier == "vague":
        return _vague_from_parts(value, low, high, stated, fmt)
    number = _part_number("value", value, fmt)
    low_number = _part_number("low", low, fmt)
    high_number = _part_number("high", high, fmt)
    if qualifier == "range":
        return _range_from_parts(number, low_number, high_number, stated)
    number = _bound_as_value(qualifier, number, low_number, "low")
    number = _bound_as_value(qualifier, number, high_number, "high")
    if number is None:
        raise FigureError(f"qualifier {qualifier!r} needs a value: give e.g. {{qualifier: {qualifier}, value: 300}}")
    stated = stated or _CANONICAL_WORDS[qualifier] + format_number(number)
    return _single(qualifier, number, stated)


class NumberMention(NamedTuple):
    """A number written in running text (a quote, a stated phrase): where it stands and what it can mean.
    A named tuple: several are read from every quote an import checks, and a frozen dataclass takes
    four times as long to make."""

    start: int
    end: int
    written: str  # as in the text: "1,500", "1.5 million", "a dozen"
    values: tuple[Number, ...]  # more than one when the writing is ambiguous: "1.500" is 1500 or 1.5
    scale: int = 1  # of a scale word after it ("2 million"), which "1.5-2 million" shares with its first number


def numbers_in(text: str, *, number_format: str = "en") -> list[NumberMention]:
    """Every number written in ``text`` in digits or English number words, in order.

    Unlike :func:`parse_figure` this never refuses: it reads what a quote says, so digits grouped in
    either convention are read as thousands ("1,500", "1.500", "1 500", "1'500"), decimals only in
    ``number_format`` (an ambiguous "1.500" in "en" gives both readings, the decimal first), and a
    number is never read from inside a larger one ("300" is not in "3000").

    >>> [(m.written, m.values) for m in numbers_in("about 1,500 people, a dozen of them 1.500 children")]
    [('1,500', (1500,)), ('a dozen', (12,)), ('1.500', (1.5, 1500))]
    """
    return list(iter_numbers_in(text, number_format=number_format))


def iter_numbers_in(text: str, *, number_format: str = "en") -> Iterator[NumberMention]:
    """:func:`numbers_in`, one number at a time: a check that finds what it needs early stops reading."""
    fmt = _number_convention(number_format)
    s = _ascii_lower(text)
    pos = 0
    while (token := _NUMBER_TOKEN.search(s, pos)) is not None:
        if token.group("digits"):
            mention, pos = _digit_mention(text, s, token, fmt)
        elif token.group("half"):
            half = _HALF_A_SCALE.match(token.group("half"))
            assert half is not None  # the token is this pattern
            scale = _DIGIT_SCALES[half.group(1)]
            mention = NumberMention(token.start(), token.end(), text[token.start() : token.end()],
                                    (_value(1, 2, scale),), scale)
            pos = token.end()
        else:
            mention = _word_mention(text, s, token.start())
            pos = token.end() if mention is None else mention.end
        if mention is not None:
            yield mention


def written_plainly(text: str, number: Number, *, number_format: str = "en") -> bool:
    """Whether :func:`numbers_in` reads ``number`` where ``text`` writes it in plain digits ("1500" or
    "1,500"), found without reading the numbers before it. True is what reading every number would
    say; False only says that no such writing reads as ``number`` (it may be written otherwise: "1.5
    thousand", "fifteen hundred", "1 500").

    >>> written_plainly("officials said 89 people, then 1,500 more", 1500)
    True
    """
    if type(number) is not int or number < 0:
        return False
    fmt = _number_convention(number_format)
    plain = str(number)
    s: str | None = None  # the text as numbers_in reads it, lowered once a candidate is found
    for written in (plain, f"{number:,}") if number >= 1000 else (plain,):
        at = text.find(written)
        while at >= 0:
            if _starts_a_run(text, at):
                # numbers_in starts a token here (see _starts_a_run) and reads it as this does.
                if s is None:
                    s = _ascii_lower(text)
                token = _NUMBER_TOKEN.match(s, at)
                assert token is not None and token.group("digits")
                mention, _ = _digit_mention(text, s, token, fmt)
                if mention is not None and number in mention.values:
                    return True
            at = text.find(written, at + 1)
    return False


def _starts_a_run(text: str, at: int) -> bool:
    """Whether the digit at ``at`` starts a run of digits that no earlier run continues into: neither a
    digit (``\\d``, which is str.isdecimal) nor a separator after a digit stands before it. numbers_in
    then starts a token there, whatever it read before: every other token, and the scale words and
    number words read after one, is letters, spaces and hyphens, which cannot reach over a digit."""
    if at == 0:
        return True
    before = text[at - 1]
    return not before.isdecimal() and not (before in _LOOSE_SEPARATORS and at > 1 and text[at - 2].isdecimal())


def describe(figure: Figure) -> str:
    """The figure's qualifier and bounds in words: "at least 300", "between 10 and 20", "several (3 to 9)"."""
    if figure.qualifier == "range" or figure.value is None:
        low, high = format_number(figure.low or 0), format_number(figure.high or 0)
        if figure.qualifier == "vague":
            return f"a vague amount of {low} to {high}"
        return f"between {low} and {high}"
    words = _CANONICAL_WORDS[figure.qualifier] or "exactly "
    return words + format_number(figure.value)


# --- parse_figure, by the shape of the phrase ------------------------------------------------------


def _unqualified(s: str, stated: str, fmt: _Convention) -> Figure:
    """A phrase that starts with its number: "304", "10 to 20", "1,500+", or a vague word."""
    vague = _VAGUE.match(s)
    if vague is not None:
        return _vague(s, vague.group(), vague.end(), stated)
    first = _number(s, 0, stated, fmt)
    if first is None:
        raise _no_number(s, stated)
    end = first[3]
    separator = _RANGE_TO.match(s, end)
    if separator is not None:
        second = _number(s, separator.end(), stated, fmt)
        if second is not None:
            return _range(s, first, second, stated)
    postfix = _POSTFIX.match(s, end)
    qualifier = "exact"
    if postfix is not None:
        qualifier = _POSTFIX_QUALIFIER[postfix.group(1) or postfix.group(2)]
        end = postfix.end()
    _expect_one_number(s, end, stated)
    return _single(qualifier, _value(first[0], first[1], first[2]), stated)


def _qualified(s: str, pos: int, qualifier: str, phrase: str, stated: str, fmt: _Convention) -> Figure:
    """A number after a qualifier phrase: "at least 300", "about a dozen", "~1500"."""
    read = _number(s, pos, stated, fmt)
    if read is None:
        raise _nothing_after(s, pos, phrase, stated)
    end = read[3]
    separator = _RANGE_TO.match(s, end)
    if separator is not None and _number(s, separator.end(), stated, fmt) is not None:
        raise FigureError(
            f"{phrase!r} cannot qualify a range in {_shown(stated)}: write the range as 'between 10 and 20', "
            f"or give one number such as '{phrase} 300'"
        )
    postfix = _POSTFIX.match(s, end)
    if postfix is not None:
        raise FigureError(
            f"two qualifiers in {_shown(stated)} ({phrase!r} and {postfix.group().strip()!r}): keep one, "
            f"e.g. '{phrase} 300'"
        )
    _expect_one_number(s, end, stated)
    return _single(qualifier, _value(read[0], read[1], read[2]), stated)


def _explicit_range(s: str, pos: int, phrase: str, stated: str, fmt: _Convention) -> Figure:
    """ "between a and b" or "from a to b"."""
    between = phrase.endswith("between")
    first = _number(s, pos, stated, fmt, between=between)
    if first is None:
        raise _nothing_after(s, pos, phrase, stated)
    connector = "and" if between else "to"
    separator = (_RANGE_AND if between else _RANGE_TO).match(s, first[3])
    if separator is None:
        raise FigureError(
            f"expected {connector!r} after {s[:first[3]]!r} in {_shown(stated)}: write a range as "
            f"'{phrase} 10 {connector} 20'"
        )
    second = _number(s, separator.end(), stated, fmt)
    if second is None:
        raise FigureError(
            f"expected a second number after {s[:separator.end()].strip()!r} in {_shown(stated)}: write a range as "
            f"'{phrase} 10 {connector} 20'"
        )
    return _range(s, first, second, stated)


def _range(s: str, first: _Read, second: _Read, stated: str) -> Figure:
    low_num, low_den, low_scale, _ = first
    high_num, high_den, high_scale, end = second
    # "1.5 to 2 million", "two to three hundred": a bare first number shares the second's scale
    # when that keeps it the smaller one; "500 to 2 million" stays as written.
    if low_scale == 1 and high_scale > 1 and low_num * high_den <= high_num * low_den:
        low_scale = high_scale
        _check_size(low_num * low_scale, low_den, stated)
    low = _value(low_num, low_den, low_scale)
    high = _value(high_num, high_den, high_scale)
    if low > high:
        raise FigureError(
            f"range in {_shown(stated)} runs backwards ({format_number(low)} is more than {format_number(high)}): "
            f"write the smaller number first, e.g. 'between {format_number(high)} and {format_number(low)}'"
        )
    _expect_one_number(s, end, stated)
    return Figure("range", None, low, high, stated)


def _vague(s: str, phrase: str, end: int, stated: str) -> Figure:
    if _VAGUE_THEN_NUMBER.match(s, end):
        raise _unknown_vague(stated)
    low, high = VAGUE_WORDS[" ".join(phrase.split())]
    return Figure("vague", None, low, high, stated)


def _single(qualifier: str, value: Number, stated: str) -> Figure:
    fixes_low, fixes_high = _BOUNDS[qualifier]
    return Figure(qualifier, value, value if fixes_low else None, value if fixes_high else None, stated)


def _stated(text: str) -> str:
    """The phrase as stated: trimmed, and unwrapped if the whole phrase is in quotes."""
    stated = text.strip(_SPACES)
    if (
        len(stated) > 1
        and stated[0] in _OPENING_QUOTES
        and stated[-1] in _CLOSING_QUOTES
        and not any(c in _QUOTES for c in stated[1:-1])
    ):
        stated = stated[1:-1].strip(_SPACES)
    return stated


# --- numbers -----------------------------------------------------------------------------------------


def _number(s: str, pos: int, stated: str, fmt: _Convention, between: bool = False) -> _Read | None:
    """The number starting at ``pos`` in digits or words, or None when there is none."""
    foreign = fmt.foreign_groups.match(s, pos)
    if foreign is not None:
        raise _ambiguous_groups(foreign.group(), fmt, stated)
    digits = fmt.digits.match(s, pos)
    if digits is not None:
        return _whole_number(s, pos, _digit_number(s, digits, stated, fmt), stated)
    words = _word_number(s, pos, between)
    if words is not None:
        _check_size(words[0] * words[2], 1, stated)
        return _whole_number(s, pos, words, stated)
    half = _HALF_A_SCALE.match(s, pos)
    if half is not None:
        return _whole_number(s, pos, (1, 2, _DIGIT_SCALES[half.group(1)], half.end()), stated)
    ratio = _RATIO_START.match(s, pos)
    if ratio is not None:
        raise _not_a_count(ratio.group(), stated)
    if _NEGATIVE.match(s, pos):
        raise FigureError(
            f"negative number in {_shown(stated)}: figures are counts and cannot be negative; "
            "write the count without a minus sign"
        )
    return None


def _whole_number(s: str, pos: int, read: _Read, stated: str) -> _Read:
    """``read``, unless what follows makes it part of a share ("two thirds", "three times", "one in five")
    or of two numbers ("1/2", "300 / 400"): refused rather than read as the first number alone."""
    after = _AFTER_NUMBER.match(s, read[3])
    if after is None:
        return read
    words = s[pos : after.end()].strip()
    if after.group("half"):
        raise FigureError(
            f"{words!r} in {_shown(stated)} is not read as words: write it in digits, e.g. '1.5 million' for one "
            "and a half million"
        )
    if after.group("slash"):
        raise NotACount(
            f"two numbers in {_shown(stated)}: a fraction ('1/2') is not a count, and two figures ('300 / 400') are "
            "two entries; for a range write '300 to 400'"
        )
    of = after.group("of")
    if of is not None and not _value(read[0], read[1], read[2]) < _word_or_digits(of):
        return read
    raise _not_a_count(words, stated)


def _word_or_digits(number: str) -> int:
    """A small number after "in" (_AFTER_NUMBER): digits, or one number word."""
    if number.isdecimal():
        return int(number)
    return _WORDS[number.split()[0]][1]


def _digit_number(s: str, match: re.Match[str], stated: str, fmt: _Convention) -> _Read:
    """ "1,500", "1 500", "2.5", "1.5 million", "2bn", "67th", "۳۰۰" (any Unicode decimal digits)."""
    whole, fraction = match.group("int", "frac")
    end = match.end()
    if _MALFORMED_TAIL.match(s, end):
        raise FigureError(
            f"malformed number in {_shown(stated)}: use '{fmt.group_mark}' only between groups of three digits "
            f"('1{fmt.group_mark}500') and '{fmt.decimal_mark}' only for decimals ('2{fmt.decimal_mark}5')"
        )
    if not whole.isdecimal():
        whole = fmt.group_separators.sub("", whole)
    whole = whole.lstrip("0")
    # int() refuses very long digit strings; anything this long is too large anyway.
    if len(whole) > 16:
        raise _too_large(stated)
    denominator = 1
    if fraction:
        fraction = fraction.rstrip("0")
        if len(fraction) > 15:
            raise FigureError(f"too many decimal places in {_shown(stated)}: round the number, e.g. '2.5'")
        whole += fraction
        denominator = 10 ** len(fraction)
    numerator = int(whole) if whole else 0
    scale, end = _scale_words(s, end)
    if scale == 1:
        letters = _LETTERS.match(s, end)
        if letters is not None:
            suffix = letters.group()
            if suffix in _ABBREVIATIONS:
                scale = _ABBREVIATIONS[suffix]
            elif suffix not in _ORDINAL_SUFFIXES or denominator != 1:
                raise FigureError(
                    f"unrecognised unit {suffix!r} after the number in {_shown(stated)}: figures are counts; "
                    "write the number alone ('300'), an ordinal ('67th') or a scale ('1.5 million', '2bn')"
                )
            end = letters.end()
    _check_size(numerator * scale, denominator, stated)
    return numerator, denominator, scale, end


def _scale_words(s: str, end: int) -> tuple[int, int]:
    """The scale words after digits ("million", "hundred thousand") multiplied, and where they end."""
    scale = 1
    largest = 1
    scale_word = _DIGIT_SCALE.match(s, end)
    while scale_word is not None and _DIGIT_SCALES[scale_word.group(1)] > largest:
        largest = _DIGIT_SCALES[scale_word.group(1)]
        scale *= largest
        end = scale_word.end()
        scale_word = _DIGIT_SCALE.match(s, end)
    return scale, end


def _word_number(s: str, pos: int, between: bool) -> _Read | None:
    """English number words: "twelve", "a dozen", "fifteen hundred", "two thousand five hundred", "first".

    Reads words while they make a number and stops before the first that does not, so "five five"
    stops after "five" (and _expect_one_number rejects the second). Inside "between ... and ...",
    "and" ends the first number instead of joining "a hundred and fifty".
    """
    match = _LETTERS.match(s, pos)
    if match is None or match.group() not in _WORDS:
        return None
    tally = _WordTally()
    read_any = False
    end = pos
    while match is not None:
        entry = _WORDS.get(match.group(match.lastindex or 0))
        if entry is None:
            break
        kind, number, ordinal = entry
        if not tally.take(kind, number, between):
            break
        if kind not in ("article", "and"):
            read_any = True
            end = match.end()
        if ordinal or kind == "dozen":
            break
        match = _NEXT_WORD.match(s, match.end())
    return tally.read(end) if read_any else None


@dataclass(slots=True)
class _WordTally:
    """The number that the words read so far make; a word that cannot continue it changes nothing."""

    total: int = 0  # the finished scale groups: "two thousand" in "two thousand five hundred"
    group: int = 0  # the group being read: "five hundred"
    smallest_scale: int = MAX_VALUE  # scales must fall: "thousand million" is not a number
    shape: tuple[int, int] | None = None  # (mantissa, scale) when the number is "<mantissa> <scale>"
    last: str | None = None  # the kind of the last word taken

    def take(self, kind: str, number: int, between: bool) -> bool:
        """Add a word of ``kind`` (see _WORDS) to the number; False when it does not continue it."""
        if kind == "article":
            if self.last is not None:
                return False
            self.group = 1
        elif kind == "and":
            if between or self.last not in ("hundred", "scale"):
                return False
        elif self.last not in _MAY_FOLLOW[kind]:
            return False
        elif kind in ("unit", "teen", "tens"):
            if not self._add(kind, number):
                return False
        elif kind in ("hundred", "dozen"):
            if not self._multiply(kind):
                return False
        elif not self._scale(number):  # a scale word: thousand, million, ...
            return False
        self.last = kind
        return True

    def _add(self, kind: str, number: int) -> bool:
        if kind == "unit":
            if self.group % (10 if self.last == "tens" else 100) or (self.last == "tens" and number == 0):
                return False
        elif self.group % 100:
            return False
        self.group += number
        self.shape = None
        return True

    def _multiply(self, kind: str) -> bool:
        if kind == "hundred":
            if not 0 < self.group < 100:
                return False
            self.shape = (self.group, 100) if self.total == 0 else None
            self.group *= 100
            return True
        if self.total or not 0 < self.group < 100:
            return False
        self.shape = (self.group, 12)
        self.group *= 12
        return True

    def _scale(self, number: int) -> bool:
        if self.group == 0 or number >= self.smallest_scale:
            return False
        self.shape = (self.group, number) if self.total == 0 else None
        self.total += self.group * number
        self.group = 0
        self.smallest_scale = number
        return True

    def read(self, end: int) -> _Read:
        """The number read, ending at ``end``: "fifteen hundred" keeps its shape (15, scale 100)."""
        if self.shape is not None and self.last in ("hundred", "dozen", "scale"):
            return self.shape[0], 1, self.shape[1], end
        return self.total + self.group, 1, 1, end


def _value(numerator: int, denominator: int, scale: int) -> Number:
    """An int when the number is whole ("1.5 million" is 1500000), else a float (2.5)."""
    numerator *= scale
    if denominator == 1:
        return numerator
    whole, remainder = divmod(numerator, denominator)
    return whole if remainder == 0 else numerator / denominator


def _check_size(numerator: int, denominator: int, stated: str) -> None:
    if numerator > MAX_VALUE * denominator:
        raise _too_large(stated)


def format_number(number: Number) -> str:
    """ "1,500" for ints; floats in plain decimal notation ("2.5", never "1e-05")."""
    if isinstance(number, int):
        return f"{number:,}"
    return format(Decimal(repr(number)), ",f")


# --- numbers in running text ---------------------------------------------------------------------------

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _ascii_lower(text: str) -> str:
    """``text`` with its ASCII capitals lowered and nothing else changed, so that offsets hold. str.translate
    looks every character up in a dictionary; an ASCII text is lowered alike by str.lower, in C."""
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)


_LOOSE_SEPARATORS = ",.'\u2019\u066b\u066c \u00a0\u2007\u2009\u202f"
# What numbers_in stops at: a run of digits with single separators between its groups, whatever the
# convention; or a word that can begin a number (_WORDS), as a whole run of letters. Any other word
# would be read by _word_mention as no number, so skipping it inside the regular expression gives
# the same mentions without a turn of numbers_in's loop for each word of a quote
# (tests/test_figures_properties.py checks this against reading every word).
# The regular expression is tried at every position of a quote, and at each word start against every
# number word: the words are grouped by their first letter, so that a word is compared with the few
# that start like it, and both lookbehinds are one. Each word is letters only and must end where the
# word does, so at most one can match at a position, whatever their order.
_NUMBER_TOKEN = re.compile(rf"(?P<digits>\d+(?:[{_LOOSE_SEPARATORS}]\d+)*)|(?<![a-z])(?:(?P<half>{_HALF_A_SCALE.pattern})|(?:"
                           + "|".join(f"{first}(?:{'|'.join(sorted((re.escape(w[1:]) for w in _WORDS if w[0] == first), key=len, reverse=True))})"
                                      for first in sorted({w[0] for w in _WORDS}))
                           + ")(?![a-z]))")
_LOOSE_GROUPING = re.compile(r"['\u2019 ]")
_PLAIN_DIGITS_READ = 24  # the longest run of digits read as a number
_FIRST_DIGITS = re.compile(r"\d+")
_EN = _CONVENTIONS["en"]
_EN_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")


def _digit_mention(text: str, s: str, token: re.Match[str], fmt: _Convention) -> tuple[NumberMention | None, int]:
    """The number a run of digits writes, and where scanning goes on: inside the run when it was read
    with ordinary spaces ("in 2019 500 people" also holds 2019 and 500), or when it is no number at all."""
    start = token.start()
    reading = _digit_reading(token.group("digits"), fmt)
    end = start + reading.length
    scale, scaled_end = _scale_words(s, end)
    if scale == 1:
        letters = _LETTERS.match(s, end)
        if letters is not None and letters.group() in _ABBREVIATIONS:
            scale, scaled_end = _ABBREVIATIONS[letters.group()], letters.end()
    values = reading.values if scale == 1 else tuple(dict.fromkeys(_value(n, d, scale) for n, d in reading.readings))
    mention = NumberMention(start, scaled_end, text[start:scaled_end], values, scale) if values else None
    resume = start + reading.first_digits if reading.spaced else scaled_end
    return mention, resume


class _DigitReading(NamedTuple):
    """What a run of digits reads as, before any scale word after it (see _digit_mention). A named
    tuple: one is made for most numbers in a quote, and a frozen dataclass takes three times as long."""

    length: int  # of the part read: the whole run, or its first group when the whole reads as no number
    readings: tuple[tuple[int, int], ...]  # (numerator, denominator) of each convention that reads it
    values: tuple[Number, ...]  # the readings' values, unscaled
    first_digits: int  # length of the run's first group of digits
    spaced: bool  # whether the part read holds an ordinary space


def _read_digits(written: str, fmt: _Convention) -> _DigitReading:
    readings = _readings(_LOOSE_GROUPING.sub("\u2009", written), fmt)
    first = _FIRST_DIGITS.match(written)
    assert first is not None  # the token starts with a digit
    if not readings:  # "1,5,0": read its first group alone and go on after it
        written = first.group()
        readings = _readings(written, fmt)
    return _DigitReading(len(written), tuple(readings), tuple(dict.fromkeys(_value(n, d, 1) for n, d in readings)),
                         first.end(), " " in written)


def _digit_reading(written: str, fmt: _Convention) -> _DigitReading:
    """_read_digits, with shortcuts for the most common runs: plain ASCII digits read as their own
    integer in every convention, and ASCII digits grouped by commas as theirs in "en". Other runs are
    read each time: a large import repeats few of them, and a cache of them would be memory in every
    worker."""
    if len(written) <= _PLAIN_DIGITS_READ and written.isascii():
        if written.isdigit():
            number = int(written)
            return _DigitReading(len(written), ((number, 1),), (number,), len(written), False)
        # "1,500" in "en": the other convention reads it as a decimal, which it leaves to "eu" files.
        if fmt is _EN and _EN_GROUPED.fullmatch(written):
            number = int(written.replace(",", ""))
            return _DigitReading(len(written), ((number, 1),), (number,), written.index(","), False)
    return _read_digits(written, fmt)


def _readings(written: str, fmt: _Convention) -> list[tuple[int, int]]:
    """(numerator, denominator) of each convention that reads all of ``written``, ``fmt``'s first."""
    readings = []
    for convention in (fmt, *(c for c in _CONVENTIONS.values() if c is not fmt)):
        match = convention.digits.fullmatch(written)
        if match is None:
            continue
        whole, fraction = match.group("int", "frac")
        if fraction and convention is not fmt:
            continue  # "300,000" is 300 only to someone who writes "300,000" for three hundred: not in "en"
        digits = convention.group_separators.sub("", whole) + (fraction or "")
        if len(digits) > _PLAIN_DIGITS_READ:  # int() refuses thousands of digits; no count is this long
            continue
        readings.append((int(digits), 10 ** len(fraction or "")))
    return readings


def _word_mention(text: str, s: str, pos: int) -> NumberMention | None:
    read = _word_number(s, pos, between=False)
    if read is None:
        return None
    numerator, denominator, scale, end = read
    return NumberMention(pos, end, text[pos:end], (_value(numerator, denominator, scale),), scale)


# --- errors that need a look around ------------------------------------------------------------------


def _expect_one_number(s: str, pos: int, stated: str) -> None:
    """Reject a second number right after the figure ("300 400", "300 or 400") rather than drop it."""
    following = _ANOTHER_NUMBER.match(s, pos)
    if following is not None:
        raise FigureError(
            f"unexpected {following.group().strip()!r} after {s[:pos].strip()!r} in {_shown(stated)}: give one "
            "figure ('300'), a range ('300 to 400') or a qualifier ('at least 300'); write thousands as "
            "'1,500' and scales as '1.5 million'"
        )


def _number_convention(number_format: str) -> _Convention:
    convention = _CONVENTIONS.get(number_format) if isinstance(number_format, str) else None
    if convention is None:
        raise FigureError(
            f"unknown number format {number_format!r}: use 'en' (1,500.5) or 'eu' (1.500,5)"
        )
    return convention


def _ambiguous_groups(written: str, fmt: _Convention, stated: str) -> FigureError:
    """ "1.500" in English, "1,500" in the European convention: say both readings and how to write each."""
    digits = written.replace(fmt.decimal_mark, "")
    whole = f"{int(digits):,}".replace(",", fmt.group_mark)
    hint = f"write {whole} or {digits}"
    if written.count(fmt.decimal_mark) == 1:
        decimal = written.rstrip("0")
        integer, fraction = decimal.split(fmt.decimal_mark)
        meaning = f"{_UNIT_WORDS[int(integer)]} and a half" if fraction == "5" and len(integer) == 1 else "a decimal"
        if decimal == written:  # "1.125": only a fourth decimal place makes it unmistakably a decimal
            decimal += "0"
        hint += f" (or {decimal} if you mean {meaning})"
    other = "eu" if fmt.group_mark == "," else "en"
    return FigureError(
        f"ambiguous number {written!r} in {_shown(stated)}: '{fmt.decimal_mark}' between groups of three digits "
        f"separates thousands in the '{other}' number format; {hint}, or read the file with number format '{other}'"
    )


def _not_a_count(words: str, stated: str) -> NotACount:
    return NotACount(
        f"not a count in {_shown(stated)}: {words!r} is a share or a comparison, not a number of people or "
        "events; record a figure only where the source states the number (e.g. 'at least 300')"
    )


def _no_number(s: str, stated: str) -> FigureError:
    if _UNKNOWN_VAGUE_START.match(s):
        return _unknown_vague(stated)
    later = _ANY_NUMBER.search(s)
    if later is None:
        return FigureError(f"no number found in {_shown(stated)}: {_EXAMPLES}")
    if later.start() == 0:
        return FigureError(f"could not read the number in {_shown(stated)}: {_EXAMPLES}")
    return FigureError(
        f"unrecognised words {s[:later.start()].strip()!r} before the number in {_shown(stated)}: start with the "
        "number or a qualifier such as 'at least', 'about' or 'between' (see docs/figures.md)"
    )


def _nothing_after(s: str, pos: int, phrase: str, stated: str) -> FigureError:
    vague = _VAGUE.match(s, pos)
    if vague is not None:
        return FigureError(
            f"{phrase!r} cannot qualify the vague amount {vague.group()!r} in {_shown(stated)}: "
            f"write {vague.group()!r} alone, or a number such as '{phrase} 300'"
        )
    return FigureError(f"expected a number after {phrase!r} in {_shown(stated)}: write e.g. '{phrase} 300'")


def _unknown_vague(stated: str) -> FigureError:
    return FigureError(
        f"unknown vague amount in {_shown(stated)}: the vague amounts with agreed bounds are {_VAGUE_LIST}; "
        "give a number, or explicit bounds with figure_from_parts('vague', low=..., high=...)"
    )


def _shown(text: object) -> str:
    """The input as quoted in an error message, cut short so a pasted paragraph stays readable."""
    if isinstance(text, str) and len(text) > 80:
        return repr(text[:77] + "...")
    shown = repr(text)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def _too_large(stated: str) -> FigureError:
    return FigureError(
        f"number in {_shown(stated)} is absurdly large (more than {MAX_VALUE:,}): check for a typo "
        "or a missing decimal point"
    )


# --- figure_from_parts ---------------------------------------------------------------------------------


def _check_qualifier(qualifier: object) -> None:
    if isinstance(qualifier, str) and qualifier in QUALIFIERS:
        return
    allowed = ", ".join(QUALIFIERS)
    if not isinstance(qualifier, str):
        raise FigureError(f"qualifier must be one of {allowed}; got {type(qualifier).__name__} {qualifier!r}")
    key = " ".join(qualifier.lower().replace("_", " ").replace("-", " ").split())
    closest = _PREFIX_QUALIFIER.get(key) or next(
        iter(difflib.get_close_matches(key.replace(" ", "_"), QUALIFIERS, n=1, cutoff=0.5)), None
    )
    hint = f"did you mean {closest!r}? " if closest else ""
    raise FigureError(f"unknown qualifier {qualifier!r}: {hint}allowed qualifiers are {allowed}")


def _part_number(name: str, part: object, fmt: _Convention) -> Number | None:
    """A value, low or high given as a number or as number text; None stays None."""
    if part is None:
        return None
    if isinstance(part, str):
        return _part_text(name, part, fmt)
    if isinstance(part, bool) or not isinstance(part, numbers.Real):
        raise FigureError(
            f"{name} must be a number or number text ('1,500', '1.5 million'), not {type(part).__name__} {_shown(part)}"
        )
    if isinstance(part, int):
        number: Number = int(part)
    else:
        number = float(part)
        if not math.isfinite(number):
            raise FigureError(f"{name} {part!r} is not a finite number: give a count such as 300")
        if number.is_integer():
            number = int(number)
    if number < 0:
        raise FigureError(f"{name} {part!r} is negative: figures are counts; give the count without a minus sign")
    if number > MAX_VALUE:
        raise FigureError(f"{name} {part!r} is absurdly large (more than {MAX_VALUE:,}): check for a typo")
    return number


def _part_text(name: str, part: str, fmt: _Convention) -> Number:
    s = part.lower().strip(_STRIP)
    try:
        read = _number(s, 0, part, fmt)
    except FigureError as error:
        raise FigureError(f"{name}: {error}") from None
    if read is None or read[3] != len(s):
        hint = ""
        if _PREFIX.match(s) or _POSTFIX.search(s):
            hint = "; put words such as 'at least' in the qualifier"
        raise FigureError(
            f"{name} {_shown(part)} is not a number: expected e.g. 1500, '1,500' or '1.5 million'{hint}"
        )
    return _value(read[0], read[1], read[2])


def _bound_as_value(qualifier: str, number: Number | None, bound: Number | None, side: str) -> Number | None:
    """Let the bound a qualifier fixes stand in for the value, and reject bounds it leaves open."""
    if bound is None:
        return number
    fixes_low, fixes_high = _BOUNDS[qualifier]
    if not (fixes_low if side == "low" else fixes_high):
        raise FigureError(
            f"{qualifier} has no {side} bound (see docs/figures.md): drop {side}, or use qualifier 'range' "
            "with low and high"
        )
    if number is not None and number != bound:
        raise FigureError(
            f"{side} {format_number(bound)} does not match value {format_number(number)}: for {qualifier} the {side} bound "
            f"is the value; drop {side} or make them equal"
        )
    return bound


def _range_from_parts(number: Number | None, low: Number | None, high: Number | None, stated: str) -> Figure:
    if number is not None:
        raise FigureError("a range has no single value: give low and high, e.g. {qualifier: range, low: 10, high: 20}")
    if low is None or high is None:
        raise FigureError("a range needs both low and high, e.g. {qualifier: range, low: 10, high: 20}")
    _check_order(low, high)
    return Figure("range", None, low, high, stated or f"between {format_number(low)} and {format_number(high)}")


def _vague_from_parts(value: object, low: object, high: object, stated: str, fmt: _Convention) -> Figure:
    if value is None:
        low_number = _part_number("low", low, fmt)
        high_number = _part_number("high", high, fmt)
        if low_number is None or high_number is None:
            raise FigureError(
                f"vague needs a vague word as value ({_VAGUE_LIST}) or both low and high, "
                "e.g. {qualifier: vague, value: several} or {qualifier: vague, low: 3, high: 9}"
            )
        _check_order(low_number, high_number)
        stated = stated or f"vague: {format_number(low_number)} to {format_number(high_number)}"
        return Figure("vague", None, low_number, high_number, stated)
    word = " ".join(value.lower().split()) if isinstance(value, str) else None
    if word not in VAGUE_WORDS:
        closest = difflib.get_close_matches(word or "", list(VAGUE_WORDS), n=1, cutoff=0.6)
        hint = f"did you mean {closest[0]!r}? " if closest else ""
        raise FigureError(
            f"vague value {_shown(value)} is not a known vague word: {hint}use one of {_VAGUE_LIST}, "
            "or give low and high instead of a value"
        )
    bounds = VAGUE_WORDS[word]
    for side, given, bound in (("low", low, bounds[0]), ("high", high, bounds[1])):
        if given is not None and _part_number(side, given, fmt) != bound:
            raise FigureError(
                f"{side} {given!r} does not match {word!r} ({bounds[0]:,} to {bounds[1]:,}): "
                "give the vague word alone, or low and high without a value"
            )
    return Figure("vague", None, bounds[0], bounds[1], stated or word)


def _check_order(low: Number, high: Number) -> None:
    if low > high:
        raise FigureError(
            f"low {format_number(low)} is more than high {format_number(high)}: give the smaller number as low "
            "(bounds are never swapped)"
        )
