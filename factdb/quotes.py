"""Quotes are evidence: find a claim's quote in its document's archived text.

Matching forgives what copy-and-paste changes and nothing else: runs of whitespace
(including no-break and thin spaces), curly versus straight quotes and apostrophes,
and the various dashes. Offsets always point into the original, unnormalised text.

A quote starts and ends on boundaries: never inside a word or a number ("at least 300" is not in
"at least 3000", nor "at least 3" in "at least 3,000"). Letters, digits, combining marks and the
zero-width (non-)joiners of Persian, Arabic and Indic scripts are inside words.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from array import array
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u0060\u00b4"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
# Every whitespace character becomes a plain space (one char in, one char out, so offsets hold);
# then only runs of two or more spaces change the length of the text.
_WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
_TRANSLATION = str.maketrans(
    {**{c: "'" for c in _SINGLE_QUOTES}, **{c: '"' for c in _DOUBLE_QUOTES}, **{c: "-" for c in _DASHES},
     **{c: " " for c in _WHITESPACE}}
)
_SPACE_RUN = re.compile(" {2,}")
# str.translate looks every character up in the table once the text is not pure ASCII; replacing
# only the characters present, each in one C pass, is several times faster on real documents
# (and than a regular expression calling back into Python for every curly quote).
_REPLACEMENTS = {chr(code): replacement for code, replacement in _TRANSLATION.items() if chr(code) != replacement}


def _translated(text: str) -> str:
    for character, replacement in _REPLACEMENTS.items():
        if character in text:
            text = text.replace(character, replacement)
    return text


@dataclass(frozen=True)
class NormalizedText:
    """``text`` normalised, remembering where each character came from in the original.

    Offsets only shift after a run of whitespace folded to one space: ``shifts[k]`` is added to
    every normalised index from ``breaks[k]`` on (``shifts[0]`` applies before the first break).
    A document's text is normalised once per import, so this stays proportional to its runs,
    not to its length.
    """

    text: str
    breaks: array[int]
    shifts: array[int]

    def original(self, index: int) -> int:
        """The index in the original text of normalised character ``index``."""
        return index + int(self.shifts[bisect_right(self.breaks, index)])


def normalize(text: str) -> NormalizedText:
    """Fold whitespace runs to one space and unify quotes and dashes, remembering offsets."""
    translated = _translated(text)
    breaks, shifts = array("q"), array("q", [0])
    shift = 0
    for match in _SPACE_RUN.finditer(translated):
        start, end = match.span()
        after = start - shift + 1  # the normalised index just after the run's single space
        shift = end - after
        breaks.append(after)
        shifts.append(shift)
    return NormalizedText(_SPACE_RUN.sub(" ", translated) if breaks else translated, breaks, shifts)


def normalize_quote(quote: str) -> str:
    return _SPACE_RUN.sub(" ", _translated(quote)).strip(" ")


_JOINERS = "\u200c\u200d"
_NUMBER_SEPARATORS = ",.'\u066b\u066c\u2019"


def _in_word(character: str) -> bool:
    """Whether ``character`` belongs to a word or a number, in any script."""
    return character in _JOINERS or unicodedata.category(character)[0] in "LNM"


def on_boundaries(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` neither starts nor ends inside a word or a number.

    >>> on_boundaries("at least 3000 died", 0, 12), on_boundaries("at least 3,000", 0, 10), on_boundaries("at least 300 died", 0, 12)
    (False, False, True)
    """
    if start > 0 and _in_word(text[start]) and _inside(text, start - 1, text[start], -1):
        return False
    return not (end < len(text) and _in_word(text[end - 1]) and _inside(text, end, text[end - 1], 1))


def _inside(text: str, at: int, edge: str, step: int) -> bool:
    """Whether the character at ``at``, next to a quote's ``edge`` character, continues its word or number
    (a digit group after a separator: "3" of "3,000")."""
    neighbour = text[at]
    if _in_word(neighbour):
        return True
    beyond = at + step
    return (edge.isdigit() and neighbour in _NUMBER_SEPARATORS and 0 <= beyond < len(text) and text[beyond].isdigit())


def find_quote(document: NormalizedText, quote: str) -> tuple[int, int] | None:
    """``(start, end)`` of the first occurrence of ``quote`` in the original text on boundaries, or None."""
    needle = normalize_quote(quote)
    if not needle:
        return None
    text = document.text
    at = text.find(needle)
    while at >= 0 and not on_boundaries(text, at, at + len(needle)):
        at = text.find(needle, at + 1)
    if at < 0:
        return None
    return document.original(at), document.original(at + len(needle) - 1) + 1


def closest_passage(document_text: str, quote: str, width: int = 160) -> str:
    """The passage of the document that looks most like ``quote``, to show in an error."""
    haystack = normalize_quote(document_text)
    needle = normalize_quote(quote)[:2000]
    if not haystack or not needle:
        return ""
    matcher = difflib.SequenceMatcher(None, haystack, needle, autojunk=False)
    match = matcher.find_longest_match(0, len(haystack), 0, len(needle))
    start = max(0, match.a - match.b)
    end = min(len(haystack), start + max(len(needle), 40))
    # Offer a passage that could be pasted back as a quote: whole words and numbers at both ends.
    while start > 0 and not on_boundaries(haystack, start, len(haystack)):
        start -= 1
    while end < len(haystack) and not on_boundaries(haystack, 0, end):
        end += 1
    passage = haystack[start:end]
    return passage if len(passage) <= width else passage[: width - 1] + "…"


# How many characters of normalised documents an importer or a worker keeps (NormalizedTexts): at
# first, and at most once claims are seen to come back to documents it let go.
TEXT_CACHE_CHARS = 200_000
TEXT_CACHE_MAX_CHARS = 16_000_000
# How many documents let go it remembers, to tell claims that come back to them.
TEXT_CACHE_GHOSTS = 8_192


class NormalizedTexts:
    """Documents' normalised texts by document pk, normalised once and kept while they fit, least
    recently used first out.

    Bounded in characters, not in documents, and the bound grows (up to ``max_chars``) only when a
    document let go is asked for again: claims in document order, as most files are, keep few
    documents however large the import, while claims sorted by date or by source, which jump
    between documents, keep as many as they come back to. Either way memory stays bounded, whatever
    the size of the files.
    """

    def __init__(self, read: Callable[[int], str], chars: int = TEXT_CACHE_CHARS, max_chars: int = TEXT_CACHE_MAX_CHARS) -> None:
        self.read = read
        self.bound = chars
        self.max_chars = max_chars
        self.chars = 0
        self.cached: OrderedDict[int, NormalizedText] = OrderedDict()
        self.let_go: OrderedDict[int, None] = OrderedDict()

    def normalized(self, pk: int) -> NormalizedText:
        """The normalised text of document ``pk``."""
        cached = self.cached.get(pk)
        if cached is not None:
            self.cached.move_to_end(pk)
            return cached
        if self.let_go.pop(pk, 0) is None:
            self.bound = min(self.max_chars, self.bound * 2)
        entry = self.cached[pk] = normalize(self.read(pk))
        self.chars += len(entry.text)
        while self.chars > self.bound and len(self.cached) > 1:
            old, text = self.cached.popitem(last=False)
            self.chars -= len(text.text)
            self.let_go[old] = None
            if len(self.let_go) > TEXT_CACHE_GHOSTS:
                self.let_go.popitem(last=False)
        return entry

    def text(self, pk: int) -> str:
        """The original text of document ``pk``, read again: only messages need it."""
        return self.read(pk)

    def forget(self, pk: int) -> None:
        """Document ``pk`` has a new text."""
        entry = self.cached.pop(pk, None)
        if entry is not None:
            self.chars -= len(entry.text)
