"""Shortcuts for common text (ASCII quotes, ordinary addresses) give what the general code gives."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factdb import checks, quotes

quick = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- quotes are normalised without the whole table when they are ASCII ------------------------------


@quick
@given(st.text(alphabet=st.characters(codec="ascii"), max_size=40) | st.text(max_size=40))
def test_a_quote_is_normalised_as_by_the_whole_translation_table(text: str) -> None:
    translated = text.translate(quotes._TRANSLATION)
    assert quotes.normalize_quote(text) == re.sub(" {2,}", " ", translated).strip(" ")
    assert quotes.normalize(text).text == re.sub(" {2,}", " ", translated)


@quick
@given(st.text(alphabet=st.sampled_from("  \t\n\u00a0\u2003ab\u201c-"), max_size=60))
def test_every_normalised_character_points_back_to_where_it_came_from(text: str) -> None:
    """Offsets survive folding runs of whitespace: each character of the normalised text maps to the
    original character it came from (the first of a run, for a folded run), in order."""
    normalized = quotes.normalize(text)
    translated = text.translate(quotes._TRANSLATION)
    assert normalized.text == re.sub(" {2,}", " ", translated)
    origins = [normalized.original(index) for index in range(len(normalized.text))]
    assert [translated[at] for at in origins] == list(normalized.text)
    assert origins == sorted(set(origins))
    assert all(at == 0 or translated[at - 1] != " " or translated[at] != " " for at in origins)


def test_every_ascii_character_is_normalised_as_by_the_whole_translation_table() -> None:
    text = "".join(map(chr, range(128)))
    assert quotes._translated(text) == text.translate(quotes._TRANSLATION)


def test_each_ascii_character_in_a_quote_is_normalised_as_by_the_whole_translation_table() -> None:
    """One character at a time, so that texts without a character to replace take the shortcut."""
    for text in (f"said {chr(code)} 300" for code in range(128)):
        assert quotes._translated(text) == text.translate(quotes._TRANSLATION)


def test_an_address_is_refused_for_exactly_the_characters_that_are_spaces_or_unprintable() -> None:
    every = map(chr, range(0x110000))
    assert [c for c in every if checks._unprintable_or_space(c) != (c.isspace() or not c.isprintable())] == []


@quick
@given(st.text(alphabet=st.sampled_from(" \t\n\x1c\u00a0\u200b\ufeffab1é"), max_size=12), st.sampled_from([3, 10]))
def test_a_text_field_reads_as_the_general_rule_reads_it(value: str, limit: int) -> None:
    from factdb.readers import Record

    problems = checks.Problems(keep_all=True)
    read = checks.read_text(problems, Record("claim", {"statement": value}, "f", 1, "line 1"), {"statement": value}, "statement",
                            limit=limit)
    text = value.strip()
    if len(text) > limit:
        assert read is None and len(problems.items) == 1
    else:
        assert read == (None if checks.is_blank(text) else text) and not problems.items


def test_a_line_is_blank_for_exactly_the_characters_strip_removes() -> None:
    every = map(chr, range(0x110000))
    assert [c for c in every if (not c.strip()) != (not c or c.isspace())] == []
