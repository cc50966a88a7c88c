"""Moving lines left or right: one implementation, for ``xm fmt`` and for the moved project blocks."""

from __future__ import annotations

__all__ = ["shift"]


def shift(line: str, delta: int) -> str:
    """``line`` (without its line break) indented ``delta`` more columns; when ``delta`` is
    negative, at most its own leading spaces are taken off. An empty line stays empty."""
    if delta >= 0:
        return " " * delta + line if line else line
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(spaces, -delta) :]
