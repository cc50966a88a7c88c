"""Text that is safe to hand to a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel,
WPS and LibreOffice as a formula (CSV injection): a ledger written by someone untrusted could
plant ``=HYPERLINK(…)`` or worse in the office's workbook. Following the OWASP guidance on CSV
injection, such text gets a leading single quote, which spreadsheets show as text.
"""

from __future__ import annotations

__all__ = ["FORMULA_STARTS", "neutralise_formula"]

#: First characters that make a spreadsheet cell a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """``text`` prefixed with ``'`` when its first character would start a formula, else unchanged."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
