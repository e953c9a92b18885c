"""CSV cells that a spreadsheet shows as text, never runs as a formula.

Spreadsheets read a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula (and tab or
carriage return can hide such a start), so a source's name or a quoted phrase could run a formula
on the reader's machine. Following OWASP's advice on CSV injection, such a cell gets a leading
``'``: the spreadsheet shows the text as written. Numbers factdb formats itself are left alone.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet will not evaluate: a ``'`` before a formula's first character."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
