"""Rendering of results to text; nothing here computes anything.

Problems render as ``text`` (``file:line:col: CODE message``, the source line with a caret under
the problem, a hint, then a summary), ``json`` (a list of problem objects) and ``github``
(workflow-command annotations, then the text lines, since GitHub shows only a few annotations
per step).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from wcwidth import wcswidth

from xiangmu_cli.base.fileio import read_regular
from xiangmu_cli.base.limits import current
from xiangmu_cli.base.safetext import visible
from xiangmu_cli.ledger.problems import CATALOGUE, Problem

__all__ = ["problems_text", "problems_json", "problems_github", "no_commands", "summary_line"]


class _Sources:
    """Lines of the files that problems point into, read once each."""

    def __init__(self, paths: dict[str, Path]) -> None:
        self._paths = paths
        self._lines: dict[str, list[str]] = {}

    def line(self, file: str, number: int) -> str | None:
        if file not in self._lines:
            path = self._paths.get(file, Path(file))
            try:
                # never a link, FIFO or device, never more than the size limit (E009 already says so)
                raw = read_regular(path, current().max_file_bytes) if isinstance(path, Path) else path.read_bytes()
                if raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                self._lines[file] = raw.decode("utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines[file] = []
        lines = self._lines[file]
        return lines[number - 1] if 0 < number <= len(lines) else None


def _where(p: Problem) -> str:
    if p.line is None:
        return _one_line(p.file)
    return f"{_one_line(p.file)}:{p.line}:{p.col}"


def _one_line(text: str) -> str:
    """Text from a ledger on one line of output: every control character and line feed escaped."""
    return visible(text, newlines=False)


def _width(text: str) -> int:
    width = wcswidth(text)
    return width if width >= 0 else len(text)


#: Characters of a source line shown on each side of the caret (a line can be megabytes long).
SOURCE_CONTEXT = 60


def _window(line: str, col: int) -> tuple[str, int]:
    """The part of a long source line around column ``col``, and the caret's column in it."""
    if len(line) <= 2 * SOURCE_CONTEXT + 20:
        return line, col
    start = max(col - 1 - SOURCE_CONTEXT, 0)
    end = col - 1 + SOURCE_CONTEXT
    prefix = "…" if start else ""
    return prefix + line[start:end] + ("…" if end < len(line) else ""), col - start + len(prefix)


def problems_text(problems: Iterable[Problem], sources: dict[str, Path] | None = None) -> list[str]:
    """Each problem as compiler-style lines with the source line and a caret."""
    src = _Sources(sources or {})
    out: list[str] = []
    for p in problems:
        label = "错误" if p.is_error else "警告"
        out.append(f"{_where(p)}: {p.code} {label}：{_one_line(p.message)}")
        if p.line is not None:
            source = p.source if p.source is not None else src.line(p.file, p.line)
            if source is not None:
                shown, col = _window(source.replace("\t", " "), p.col or 1)
                gutter = f"{p.line:>5} | "
                caret_pad = _width(_one_line(shown[: max(col - 1, 0)]))
                out.append(gutter + _one_line(shown))
                out.append(" " * (len(gutter) - 2) + "| " + " " * caret_pad + "^")
        if p.hint:
            out.append(f"      = 提示：{_one_line(p.hint)}")
    return out


def summary_line(problems: list[Problem], files: int, projects: int) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    scope = f"（检查了 {files} 个文件、{projects} 个项目）"
    if not problems:
        return f"未发现问题{scope}"
    return f"{errors} 个错误，{warnings} 个警告{scope}"


def problems_json(problems: Iterable[Problem]) -> str:
    return json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2) + "\n"


def _escape_data(text: str) -> str:
    # As @actions/core's escapeData.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    # As @actions/core's escapeProperty.
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def problems_github(problems: Iterable[Problem]) -> list[str]:
    """GitHub Actions workflow commands, one annotation per problem.

    Only these lines may be commands: the message is one escaped line, and :func:`no_commands`
    keeps every other line printed in the same step from being taken for one.
    """
    out = []
    for p in problems:
        command = "error" if p.is_error else "warning"
        props = [f"file={_escape_property(_one_line(p.file))}"]
        if p.line is not None:
            props += [f"line={p.line}", f"col={p.col}"]
        props.append(f"title={_escape_property(p.code + ' ' + CATALOGUE[p.code][1])}")
        message = _one_line(p.message) + (f"\n提示：{_one_line(p.hint)}" if p.hint else "")
        out.append(f"::{command} {','.join(props)}::{_escape_data(message)}")
    return out


def no_commands(lines: Iterable[str]) -> list[str]:
    """Lines that a CI runner cannot take for workflow commands (``::stop-commands::…`` and the
    like): one that would start with ``::`` (e.g. a file in a folder named so) gets a ``› `` in front."""
    return [f"› {line}" if line.lstrip().startswith("::") else line for line in lines]
