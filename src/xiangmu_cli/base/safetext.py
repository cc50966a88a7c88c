"""Text from a ledger made safe for where it is shown: control characters, and spreadsheet formulas.

Control characters (:func:`visible`): a value may carry them through YAML escapes (``"\\e]0;…"``
sets a terminal's title, NUL and CR hide text, U+202E reverses it). Validation rejects them in
values (E111); everything that prints text from a ledger (problem messages, source lines, table
cells, file names) shows any that remain as escapes, so nothing read can drive a terminal.

Formulas (CSV and xlsx output):

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

import re

__all__ = ["FORMULA_STARTS", "CONTROL_CHARS", "neutralise_formula", "restore_formula", "visible", "first_control"]

#: Characters never allowed in a value and never printed as they are: C0 controls but tab and
#: line feed, DEL, C1 controls, and the bidirectional controls that reorder displayed text.
CONTROL_CHARS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[{CONTROL_CHARS}]")
_CONTROL_OR_NEWLINE = re.compile(f"[{CONTROL_CHARS}\n]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return "\\n" if code == 10 else f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, newlines: bool = True) -> str:
    """``text`` with every control character shown as an escape (ESC → ``\\x1b``, U+202E → ``\\u202e``).

    Tabs are kept; line feeds too unless ``newlines`` is False (one-line output such as a problem
    message, where a line feed could start a line that a CI runner takes as a command).
    """
    pattern = _CONTROL if newlines else _CONTROL_OR_NEWLINE
    return pattern.sub(_escape, text) if pattern.search(text) else text


def first_control(text: str) -> str | None:
    """The first control character of ``text`` (see :data:`CONTROL_CHARS`), or None."""
    match = _CONTROL.search(text)
    return match.group() if match else None


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
