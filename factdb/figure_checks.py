"""Checks of a figure against what surrounds it: its quote, the phrase stated beside it, its metric's unit.

The figure grammar (``factdb.figures``) says what a phrase means; these checks say whether a figure
is what its record claims it is, each returning why not (or None), for the importer to locate:

- ``unsupported_by_quote``: each number the figure rests on is written in the claim's quote — in
  digits with any grouping ("1,500", "1 500", "1.500"), in words ("seven", "a dozen", "fifteen
  hundred"), or as the vague word it stands for ("hundreds") — and a phrase's words are there too,
  after the normalisation quotes get (``factdb.quotes.normalize_quote``). A number inside a larger one
  never counts: "at least 300" is not supported by "at least 3000".
- ``stated_disagreement``: an explicit ``stated`` phrase says the same as the explicit parts.
- ``whole_count_problem``: a metric that counts people or events gets whole numbers.

The import applies them to new figures only; ``stored_figure_problems`` lists the stored figures they
would refuse (``factdb check``), so that figures imported before them can be fixed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from factdb.figures import (
    VAGUE_WORDS,
    Figure,
    FigureError,
    NotACount,
    Number,
    NumberMention,
    describe,
    format_number,
    iter_numbers_in,
    numbers_in,
    parse_figure,
    written_plainly,
)
from factdb.quotes import normalize_quote

__all__ = [
    "StoredFigure",
    "StoredFigureProblem",
    "Unsupported",
    "is_count_unit",
    "stated_disagreement",
    "stored_figure_problems",
    "unsupported_by_quote",
    "whole_count_problem",
]


@dataclass(frozen=True, slots=True)
class Unsupported:
    """What a quote lacks to support a figure, and the number in the quote nearest to it."""

    missing: str  # "250", "the vague amount 'hundreds'", "the words 'at least 300'"
    closest: str | None  # as written in the quote ("200"); None when the quote has no number

    @property
    def message(self) -> str:
        nearest = f"; the closest number in the quote is {self.closest!r}" if self.closest else ""
        if self.closest is None and not self.missing.startswith("the words"):
            nearest = "; the quote has no number"
        return f"the quote does not contain {self.missing}{nearest}"


def unsupported_by_quote(
    figure: Figure, quote: str, *, given_as_phrase: bool = True, number_format: str = "en"
) -> Unsupported | None:
    """None when ``quote`` supports ``figure``, else what it lacks and its closest number.

    ``given_as_phrase`` says the figure's text is the phrase the record gave (``value: at least 300``),
    whose words must then be in the quote too; figures built from parts carry a canonical text that
    the quote need not repeat. ``number_format`` orders the readings of an ambiguous "1.500".

    >>> from factdb.figures import parse_figure
    >>> unsupported_by_quote(parse_figure("about 250"), "officials said about 200 people died")
    Unsupported(missing='250', closest='200')
    >>> unsupported_by_quote(parse_figure("at least 300"), "Amnesty said at least 300 were killed") is None
    True
    """
    read = _read_quote(quote, number_format)
    vague = _vague_words(figure)
    if vague and not given_as_phrase and not any(_words_in(word, read.folded) for word in vague):
        return Unsupported(f"the vague amount {vague[0]!r}", _closest(figure.low, read.all()))
    for number in _numbers_needed(figure, given_as_phrase, bool(vague)):
        if not _written(number, read, shared_scale=number is figure.low and figure.qualifier == "range"):
            return Unsupported(format_number(number), _closest(number, read.all()))
    if given_as_phrase and not _words_in(figure.text, read.folded):
        return Unsupported(f"the words {figure.text!r}", _closest(_anchor(figure), read.all()))
    return None


class _ReadQuote:
    """What the checks need of a quote: its normalised text casefolded (for _words_in), and its numbers,
    read only as far as a check needs them. Most figures are written in their quote, and the search for
    numbers after the last one needed scans the rest of the quote for nothing; most are written in plain
    digits, found where they stand without reading the numbers before them (written_plainly)."""

    __slots__ = ("_unread", "folded", "number_format", "read", "text")

    def __init__(self, text: str, number_format: str) -> None:
        self.text = text
        self.number_format = number_format
        self.folded = text.casefold()
        self.read: list[NumberMention] = []
        self._unread: Iterator[NumberMention] | None = iter_numbers_in(text, number_format=number_format)

    def has(self, number: Number) -> bool:
        """Whether a number of the quote reads as ``number``."""
        if any(number in mention.values for mention in self.read):
            return True
        if self._unread is not None:
            if written_plainly(self.text, number, number_format=self.number_format):
                return True
            for mention in self._unread:
                self.read.append(mention)
                if number in mention.values:
                    return True
            self._unread = None
        return False

    def all(self) -> list[NumberMention]:
        """Every number of the quote (numbers_in)."""
        if self._unread is not None:
            self.read.extend(self._unread)
            self._unread = None
        return self.read


# A claim's figures are checked against the same quote one after another: read it once.
@lru_cache(maxsize=16)
def _read_quote(quote: str, number_format: str) -> _ReadQuote:
    return _ReadQuote(normalize_quote(quote), number_format)


def _vague_words(figure: Figure) -> list[str]:
    """The vague words whose agreed bounds the figure has ("hundreds", "many hundreds")."""
    if figure.qualifier != "vague":
        return []
    return [word for word, bounds in VAGUE_WORDS.items() if bounds == (figure.low, figure.high)]


def _numbers_needed(figure: Figure, given_as_phrase: bool, vague_word: bool) -> list[Number]:
    if figure.qualifier == "vague":
        # A vague word stands for its bounds and a phrase with explicit bounds ("a few") is checked by its
        # words; only bounds given bare must be written as numbers.
        if vague_word or given_as_phrase:
            return []
    if figure.qualifier in ("range", "vague"):
        return [n for n in (figure.low, figure.high) if n is not None]
    return [figure.value] if figure.value is not None else []


def _written(number: Number, read: _ReadQuote, *, shared_scale: bool) -> bool:
    """Whether a mention reads as ``number``; for a range's low, also a bare number sharing the scale of
    another ("1.5-2 million": 1.5 is 1,500,000)."""
    if read.has(number):
        return True
    if not shared_scale:
        return False
    mentions = read.all()
    scales = {mention.scale for mention in mentions if mention.scale > 1}
    return any(
        value * scale == number for mention in mentions if mention.scale == 1 for value in mention.values for scale in scales
    )


def _words_in(phrase: str, haystack: str) -> bool:
    """Whether ``phrase`` stands as whole words in ``haystack`` (a quote normalised and casefolded),
    ignoring case and what quote matching forgives."""
    needle = normalize_quote(phrase).casefold()
    if not needle:
        return False
    # str.find rather than a regular expression built per phrase: compiling one per figure cost more
    # than the rest of the check.
    at = haystack.find(needle)
    while at >= 0:
        after = at + len(needle)
        if (at == 0 or not _word_character(haystack[at - 1])) and (
                after == len(haystack) or not needle[-1].isalnum() or not _word_character(haystack[after])):
            return True
        at = haystack.find(needle, at + 1)
    return False


def _word_character(character: str) -> bool:
    """What ``\\w`` matches in a regular expression."""
    return character.isalnum() or character == "_"


def _anchor(figure: Figure) -> Number | None:
    return figure.value if figure.value is not None else figure.low


def _closest(number: Number | None, mentions: list[NumberMention]) -> str | None:
    """The mention whose reading is nearest ``number``, as written; the first mention when there is no number."""
    if not mentions:
        return None
    if number is None:
        return mentions[0].written
    target = number
    return min(mentions, key=lambda mention: min(abs(value - target) for value in mention.values)).written


# --- an explicit stated phrase ------------------------------------------------------------------------


def stated_disagreement(figure: Figure, stated: str, *, number_format: str = "en") -> str | None:
    """Why an explicit ``stated`` phrase says something else than the figure's parts; None when it agrees.

    ``figure`` comes from :func:`factdb.figures.figure_from_parts` (``{qualifier: at_least, value: 3}``) and ``stated`` is
    the phrase recorded beside it. The phrase is read by the grammar and must give the same qualifier and
    bounds ("at most 3" beside ``at_least 3`` disagrees), or be the bare value (the qualifier may be in
    words the grammar does not read, "300 oder mehr", or said elsewhere in the quote). A phrase the
    grammar cannot read (another language, a vague amount without agreed bounds) must contain the
    figure's number(s); for ``vague`` figures given by explicit bounds it is the phrase those bounds
    stand for ("a few") and is not checked.
    """
    try:
        read = parse_figure(stated, number_format=number_format)
    except NotACount as error:
        return f"stated {_quoted(stated)} is not a count of what the figure counts: {error}"
    except FigureError:
        return _unread_stated(figure, stated, number_format)
    if (read.qualifier, read.value, read.low, read.high) == (figure.qualifier, figure.value, figure.low, figure.high):
        return None
    if read.qualifier == "exact" and read.value == figure.value:
        return None  # no qualifier words the grammar knows: "300 oder mehr", or "at least" said elsewhere
    return (
        f"stated {_quoted(stated)} reads as {describe(read)}, but the figure is {describe(figure)}: make qualifier and "
        "value say what the source stated, or correct stated"
    )


def _unread_stated(figure: Figure, stated: str, number_format: str) -> str | None:
    """A stated phrase the grammar cannot read agrees when it holds the figure's numbers."""
    if figure.qualifier == "vague":
        return None
    written = {value for mention in numbers_in(stated, number_format=number_format) for value in mention.values}
    wanted = [figure.low, figure.high] if figure.qualifier == "range" else [figure.value]
    missing = [number for number in wanted if number is not None and number not in written]
    if not missing:
        return None
    return (
        f"stated {_quoted(stated)} does not contain {format_number(missing[0])}, the figure's "
        f"{'value' if figure.qualifier != 'range' else 'bound'}: make stated the phrase the source used for "
        f"{describe(figure)}"
    )


def _quoted(text: str) -> str:
    """The phrase as quoted in a message, cut short so a pasted paragraph stays readable."""
    return repr(text if len(text) <= 80 else text[:77] + "...")


# --- whole counts ----------------------------------------------------------------------------------------


# A metric counts whole things unless its unit names a measure, where a fraction is meaningful: shares,
# rates, distances, weights, money, durations. Units are free text ("people", "cities and towns", "نفر"),
# so the measures are listed rather than the counted things.
_MEASURE_UNIT = re.compile(
    r"(?i)%|\b(?:per\s*cent|percent(?:age)?s?|rates?|ratios?|shares?|proportions?|index|indices|scores?|points?|"
    r"averages?|means?|medians?|per|km|kms|kilomet(?:re|er)s?|miles?|met(?:re|er)s?|hectares?|acres?|square|cubic|"
    r"kg|kilograms?|grams?|tonnes?|tons?|litres?|liters?|gallons?|barrels?|degrees?|"
    r"usd|eur|gbp|dollars?|euros?|pounds?|rials?|tomans?|dinars?|dirhams?|liras?|rupees?|yuan|yen|rubles?|roubles?|"
    r"pesos?|nairas?|currency|years?|months?|weeks?|days?|hours?|minutes?|seconds?)\b|[$€£¥]"
)


def is_count_unit(unit: str) -> bool:
    """Whether a metric with this unit counts whole things (people, events, cities, votes), not a measure.

    >>> is_count_unit("people"), is_count_unit("cities and towns"), is_count_unit("percent")
    (True, True, False)
    """
    return _MEASURE_UNIT.search(unit) is None


def whole_count_problem(figure: Figure, unit: str) -> str | None:
    """Why ``figure`` cannot be a count of ``unit`` (a number with a fraction); None when it can.

    >>> print(whole_count_problem(parse_figure("2.5"), "people")[:64])
    2.5 is not a whole number, but the metric's unit 'people' counts
    """
    for number in (figure.value, figure.low, figure.high):
        if isinstance(number, float) and not number.is_integer() and is_count_unit(unit):
            return (
                f"{format_number(number)} is not a whole number, but the metric's unit {unit!r} counts whole things: give "
                "the count as stated ('1,500', '1.5 million'), or record a share or a rate under a metric whose unit "
                "is a measure ('percent')"
            )
    return None


# --- stored figures --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredFigure:
    """A figure as the database holds it, with what it is checked against: its claim's quote, its metric's unit."""

    claim_id: str
    position: int  # 1-based, as in figures.position
    metric_id: str
    unit: str
    qualifier: str
    value: Number | None
    low: Number | None
    high: Number | None
    stated: str
    quote: str
    derived: str | None


@dataclass(frozen=True, slots=True)
class StoredFigureProblem:
    """Why a stored figure would be refused if it were imported now, located by claim id and figure position."""

    claim_id: str
    position: int
    metric_id: str
    field: str  # the figure field to fix: "value", "stated"
    message: str
    hint: str

    def __str__(self) -> str:
        return f"claim {self.claim_id!r}, figure {self.position} ({self.metric_id}): {self.field}: {self.message} (hint: {self.hint})"


def _stored_number(number: Number | None) -> Number | None:
    """SQLite keeps numbers as REAL: 304.0 is the 304 that was imported."""
    return int(number) if isinstance(number, float) and number.is_integer() else number


def stored_figure_problems(figures: Iterable[StoredFigure], *, number_format: str = "en") -> Iterator[StoredFigureProblem]:
    """The problems the import's figure checks would find with stored ``figures``: a stated phrase that says
    something else, a fraction of a count, numbers the quote does not state (unless the figure is derived).

    A stored figure's text is checked as its stated phrase but its words are not required in the quote
    (``given_as_phrase=False``): whether it was given as a phrase or as parts is not stored.
    """
    for stored in figures:
        figure = Figure(stored.qualifier, _stored_number(stored.value), _stored_number(stored.low),
                        _stored_number(stored.high), stored.stated)

        def problem(field: str, message: str, hint: str, stored: StoredFigure = stored) -> StoredFigureProblem:
            return StoredFigureProblem(stored.claim_id, stored.position, stored.metric_id, field, message, hint)

        disagreement = stated_disagreement(figure, stored.stated, number_format=number_format)
        if disagreement is not None:
            yield problem("stated", disagreement, "make the figure's qualifier and value say what its stated phrase says")
            continue
        count_problem = whole_count_problem(figure, stored.unit)
        if count_problem is not None:
            yield problem("value", count_problem, "write 1,500 or 1500 (or 1.5 if you mean one and a half)")
            continue
        if stored.derived is not None:
            continue
        missing = unsupported_by_quote(figure, stored.quote, given_as_phrase=False, number_format=number_format)
        if missing is not None:
            closest = f"the quote's closest number is {missing.closest!r}" if missing.closest else "the quote has no number"
            yield problem("value", f"the quote does not contain {missing.missing}",
                          f"{closest}; correct the figure or the quote and import the claim again with --update, or give "
                          "the figure derived: \"how it was derived\"")
