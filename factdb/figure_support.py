"""Whether a claim's quote supports its figure: the figure's numbers, and its phrase, are in the quote.

A figure is evidence only as far as its quote states it. ``unsupported_by_quote`` checks that each
number the figure rests on is written in the quote — in digits with any grouping ("1,500", "1 500",
"1.500") or in words ("seven", "a dozen", "fifteen hundred"), or as the vague word it stands for
("hundreds") — and, when the figure was given as a phrase, that the phrase's words are there too,
after the same normalisation quotes get (``factdb.quotes.normalize_quote``). A number inside a larger
one never counts: "at least 300" is not supported by "at least 3000".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from factdb.figures import VAGUE_WORDS, Figure, Number, NumberMention, numbers_in
from factdb.quotes import normalize_quote

__all__ = ["Unsupported", "unsupported_by_quote"]


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
    text = normalize_quote(quote)
    mentions = numbers_in(text, number_format=number_format)
    vague = _vague_words(figure)
    if vague and not given_as_phrase and not any(_words_in(word, text) for word in vague):
        return Unsupported(f"the vague amount {vague[0]!r}", _closest(figure.low, mentions))
    for number in _numbers_needed(figure, given_as_phrase, bool(vague)):
        if not _written(number, mentions, shared_scale=number is figure.low and figure.qualifier == "range"):
            return Unsupported(_shown(number), _closest(number, mentions))
    if given_as_phrase and not _words_in(figure.text, text):
        return Unsupported(f"the words {figure.text!r}", _closest(_anchor(figure), mentions))
    return None


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


def _written(number: Number, mentions: list[NumberMention], *, shared_scale: bool) -> bool:
    """Whether a mention reads as ``number``; for a range's low, also a bare number sharing the scale of
    another ("1.5-2 million": 1.5 is 1,500,000)."""
    if any(number in mention.values for mention in mentions):
        return True
    if not shared_scale:
        return False
    scales = {mention.scale for mention in mentions if mention.scale > 1}
    return any(
        value * scale == number for mention in mentions if mention.scale == 1 for value in mention.values for scale in scales
    )


def _words_in(phrase: str, text: str) -> bool:
    """Whether ``phrase`` stands in ``text`` as whole words, ignoring case and what quote matching forgives."""
    needle = normalize_quote(phrase).casefold()
    if not needle:
        return False
    pattern = rf"(?<!\w){re.escape(needle)}" + (r"(?!\w)" if needle[-1].isalnum() else "")
    return re.search(pattern, text.casefold()) is not None


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


def _shown(number: Number) -> str:
    return f"{number:,}" if isinstance(number, int) else repr(number)
