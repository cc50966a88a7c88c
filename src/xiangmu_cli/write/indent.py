"""Moving lines left or right: one implementation, for ``xm fmt`` and for the moved project blocks."""

from __future__ import annotations

import re

__all__ = ["shift", "reindent"]

#: A line with its line break (``\n`` or ``\r\n``), or the last one without: split at line feeds
#: only, not at NEL, LS or PS (ordinary characters to the loader).
_LINE = re.compile(r"[^\n]*\n|[^\n]+$")


def shift(line: str, delta: int) -> str:
    """``line`` (without its line break) indented ``delta`` more columns; when ``delta`` is
    negative, at most its own leading spaces are taken off. An empty line stays empty; a line of
    blanks is shifted like any other (in a block scalar, blanks beyond the indentation are content)."""
    if delta >= 0:
        return " " * delta + line if line else line
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(spaces, -delta) :]


def reindent(block: str, delta: int) -> str:
    """Every line of ``block`` shifted by ``delta`` (:func:`shift`), its line break kept."""
    out = []
    for line in _LINE.findall(block):
        body = line.rstrip("\r\n")
        out.append(shift(body, delta) + line[len(body) :])
    return "".join(out)
