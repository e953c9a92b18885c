"""Quotes are evidence: find a claim's quote in its document's archived text.

Matching forgives what copy-and-paste changes and nothing else: runs of whitespace
(including no-break and thin spaces), curly versus straight quotes and apostrophes,
and the various dashes. Offsets always point into the original, unnormalised text.
"""

from __future__ import annotations

import difflib
import re
from array import array
from dataclasses import dataclass

_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u0060\u00b4"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_TRANSLATION = str.maketrans(
    {**{c: "'" for c in _SINGLE_QUOTES}, **{c: '"' for c in _DOUBLE_QUOTES}, **{c: "-" for c in _DASHES}}
)
_WHITESPACE_RUN = re.compile(r"\s+")


@dataclass(frozen=True)
class NormalizedText:
    """``text`` normalised, with ``origin[i]`` = index in the original of normalised char ``i``."""

    text: str
    origin: array


def normalize(text: str) -> NormalizedText:
    """Fold whitespace runs to one space and unify quotes and dashes, remembering offsets."""
    translated = text.translate(_TRANSLATION)  # one char in, one char out: offsets unchanged
    pieces: list[str] = []
    origin = array("l")
    position = 0
    for match in _WHITESPACE_RUN.finditer(translated):
        start, end = match.span()
        pieces.append(translated[position:start])
        origin.extend(range(position, start))
        pieces.append(" ")
        origin.append(start)
        position = end
    pieces.append(translated[position:])
    origin.extend(range(position, len(translated)))
    return NormalizedText("".join(pieces), origin)


def normalize_quote(quote: str) -> str:
    return _WHITESPACE_RUN.sub(" ", quote.translate(_TRANSLATION)).strip()


def find_quote(document: NormalizedText, quote: str) -> tuple[int, int] | None:
    """``(start, end)`` of the first occurrence of ``quote`` in the original text, or None."""
    needle = normalize_quote(quote)
    if not needle:
        return None
    at = document.text.find(needle)
    if at < 0:
        return None
    return document.origin[at], document.origin[at + len(needle) - 1] + 1


def closest_passage(document_text: str, quote: str, width: int = 160) -> str:
    """The passage of the document that looks most like ``quote``, to show in an error."""
    haystack = normalize_quote(document_text)
    needle = normalize_quote(quote)[:2000]
    if not haystack or not needle:
        return ""
    matcher = difflib.SequenceMatcher(None, haystack, needle, autojunk=False)
    match = matcher.find_longest_match(0, len(haystack), 0, len(needle))
    start = max(0, match.a - match.b)
    passage = haystack[start : start + max(len(needle), 40)]
    return passage if len(passage) <= width else passage[: width - 1] + "…"
