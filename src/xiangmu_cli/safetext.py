"""Neutralising text that a spreadsheet would run as a formula (CSV and xlsx output).

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken by
Excel and LibreOffice as a formula when a CSV file is opened, and may then run commands or send
data away ("CSV injection"). As OWASP recommends, such text is written with a single quote in
front: ``=1+2`` → ``'=1+2``; spreadsheets show it as text.

The quote is added in xlsx output too (whose cells are typed as text anyway), so a workbook saved
again as CSV by a user stays safe, and both outputs read the same. ``xm import`` removes it again
(:func:`restore_formula`). To keep that exact, text that already starts with quotes followed by
a formula character gets one more quote: ``'=x`` → ``''=x``, restored to ``'=x``.
"""

from __future__ import annotations

__all__ = ["FORMULA_STARTS", "neutralise_formula", "restore_formula"]

#: First characters that make a spreadsheet cell a formula (OWASP "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _formula_like(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_STARTS)


def neutralise_formula(text: str) -> str:
    """``text`` with a single quote in front when a spreadsheet would read it as a formula."""
    return "'" + text if _formula_like(text) else text


def restore_formula(text: str) -> str:
    """The inverse of :func:`neutralise_formula`: ``restore_formula(neutralise_formula(t)) == t``."""
    return text[1:] if text.startswith("'") and _formula_like(text[1:]) else text
