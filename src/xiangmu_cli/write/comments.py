"""Where a YAML text's comments are: one finder, for the edits and for ``xm fmt``.

A comment is a ``#`` at a line start or after a blank (space or tab), outside every scalar; the
header line of a block scalar (``|-  # note``) may carry one. ruamel composes the node tree (its
marks give each scalar's span); the comments are found in the text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import Any

__all__ = ["walk", "line_starts", "comment_columns"]

_COMMENT = re.compile(r"(?:^|(?<=[ \t]))#")


def walk(node: Any) -> Iterator[Any]:
    """Every node of the tree under ``node``, each once (a node an alias shares is not walked again)."""
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    seen: set[int] = set()
    todo = [node]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, MappingNode):
            for key, value in current.value:
                todo.extend((key, value))
        elif isinstance(current, SequenceNode):
            todo.extend(current.value)


def line_starts(lines: list[str]) -> list[int]:
    """The offset of each line of a text split at ``\\n`` (and of the end, plus one)."""
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    return starts


def comment_columns(lines: list[str], starts: list[int], root: Any) -> dict[int, int]:
    """Where the comment of each line that has one begins: line number → column of its ``#``.

    ``lines`` and ``starts`` are the text split at ``\\n`` (:func:`line_starts`); ``root`` its
    node tree, composed with marks (character offsets, and lines counted at ``\\n``)."""
    from ruamel.yaml.nodes import ScalarNode

    spans: list[tuple[int, int]] = []
    for node in walk(root):
        if not isinstance(node, ScalarNode):
            continue
        start, end = node.start_mark.index, node.end_mark.index
        if node.style in ("|", ">"):  # the header line (`|-  # note`) may carry a comment
            start = starts[min(node.start_mark.line + 1, len(starts) - 1)]
        if end > start:
            spans.append((start, end))
    spans.sort()
    begins = [s for s, _ in spans]
    found: dict[int, int] = {}
    for number, line in enumerate(lines):
        if "#" not in line:
            continue
        for match in _COMMENT.finditer(line):
            offset = starts[number] + match.start()
            i = bisect.bisect_right(begins, offset) - 1
            if i >= 0 and spans[i][1] > offset:
                continue
            found[number] = match.start()
            break
    return found
