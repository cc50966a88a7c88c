"""One value as ``xm fmt`` copies it from the source: a block scalar, a scalar or flow collection
(rewritten only when a flow mapping's keys must be reordered and it fits on one line), the tag of
a block collection, and the comment after a key or dash."""

from __future__ import annotations

import re
from typing import Any

from xiangmu_cli.write.fmt_shape import Shape, canonical_order
from xiangmu_cli.write.fmt_source import Source
from xiangmu_cli.write.fmt_tree import Comment, Inline, Unsupported

__all__ = ["only_comment", "props", "block_scalar", "inline", "flow_text"]

_BLOCK_HEADER = re.compile(r"(?:![^ ]* +)?[|>][0-9+-]*")


def only_comment(src: Source, line: int, after: int, allow: str = "") -> Comment | None:
    """The comment on ``line`` after column ``after``; nothing else may be there (but ``allow``)."""
    comment = src.comment_after(line, after)
    rest = src.lines[line][after : comment[0] if comment else None].strip()
    if rest and rest != allow:
        raise Unsupported("这一行的写法无法整理", line)
    return comment


def props(src: Source, node: Any, head: int, after: int) -> str:
    """The tag written before a block collection (``""`` when none), on its key's line ``head``."""
    start = node.start_mark
    if not src.text.startswith("!", start.index):
        return ""
    if start.line != head:
        raise Unsupported("标签不在键所在的行", start.line)
    head_line = src.lines[head]
    written = head_line[start.column :]
    found = src.comments.get(head)
    if found is not None and found[0] >= start.column:
        written = head_line[start.column : found[0]]
    tag = written.strip()
    if not re.fullmatch(r"![^ ]*", tag) or head_line[after : start.column].strip():
        raise Unsupported("值前有无法整理的内容", head)
    return tag


def _content_indent(lines: list[str]) -> int:
    for line in lines:
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return 0


def block_scalar(src: Source, node: Any, own_line: bool) -> tuple[Inline, int]:
    """A ``|`` or ``>`` scalar as written (trailing blank lines left out), and its last line."""
    start, end = node.start_mark, node.end_mark
    first_line = src.lines[start.line]
    match = _BLOCK_HEADER.match(first_line, start.column)
    if match is None:
        raise Unsupported("无法识别的块标量", start.line)
    if "+" in match.group():
        # Its trailing blank lines are content: any blank line written after it would be too.
        raise Unsupported("块标量用了“+”（保留结尾空行），其后的空行无法安全调整", start.line)
    last: int = end.line if end.column > 0 else end.line - 1
    limit = _content_indent(src.lines[start.line + 1 : last + 1])
    while last > start.line and not src.lines[last].strip() and len(src.lines[last]) <= limit:
        last -= 1
    head_text = match.group()
    lines = [head_text] + src.lines[start.line + 1 : last + 1]
    if own_line:
        lines[0] = first_line[: start.column] + head_text
    comment = src.comment_after(start.line, match.end())
    if first_line[match.end() : comment[0] if comment else None].strip():
        raise Unsupported("块标量的标记后有无法整理的内容", start.line)
    return Inline(lines=lines, own_line=own_line, comment_at=0, comment=comment, block_scalar=True), last


def inline(src: Source, node: Any, shape: Shape | None, own_line: bool) -> tuple[Inline, int]:
    """A scalar or flow collection as written (a flow collection perhaps reordered), and its last line."""
    from ruamel.yaml.nodes import ScalarNode

    start, end = node.start_mark, node.end_mark
    first_line = src.lines[start.line]
    if start.line == end.line:
        lines = [src.text[start.index : end.index]]
        rebuilt = flow_text(src, node, shape) if not isinstance(node, ScalarNode) else None
        if rebuilt is not None:
            lines = [rebuilt]
    else:
        lines = (
            [first_line[start.column :]] + src.lines[start.line + 1 : end.line] + [src.lines[end.line][: end.column]]
        )
    if own_line:
        lines[0] = first_line[: start.column] + lines[0]
    tail = src.lines[end.line][end.column :]
    comment = src.comment_after(end.line, end.column)
    if tail[: comment[0] - end.column if comment else None].strip():
        raise Unsupported("值后面有无法整理的内容", end.line)
    last: int = end.line
    return Inline(lines=lines, own_line=own_line, comment_at=len(lines) - 1, comment=comment), last


def flow_text(src: Source, node: Any, shape: Shape | None) -> str | None:
    """A one-line flow collection rewritten in canonical key order, or None to keep it as written."""
    from ruamel.yaml.nodes import MappingNode, ScalarNode

    if node.start_mark.line != node.end_mark.line:
        return None  # several lines may hold comments: keep it as written
    changed = False

    def text_of(child: Any, child_shape: Shape | None) -> str | None:
        nonlocal changed
        if child.start_mark.index == child.end_mark.index:
            return None  # `{a: }`: leave such a collection alone
        if not isinstance(child, ScalarNode):
            rebuilt = flow_text(src, child, child_shape)
            if rebuilt is not None:
                changed = True
                return rebuilt
        text: str = src.text[child.start_mark.index : child.end_mark.index]
        return text

    if isinstance(node, MappingNode):
        if not src.text.startswith("{", node.start_mark.index):
            return None  # a single pair inside [ ]: leave it
        names: list[str | None] = []
        parts: list[str] = []
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                return None
            name = str(key.value)
            key_text = text_of(key, None)
            value_text = text_of(value, shape.child(name) if shape else None)
            if key_text is None or value_text is None:
                return None
            names.append(name)
            parts.append(f"{key_text}: {value_text}")
        order = canonical_order(names, shape)
        if order != list(range(len(parts))):
            changed = True
        rebuilt = "{" + ", ".join(parts[i] for i in order) + "}"
    else:
        items = []
        for item in node.value:
            item_text = text_of(item, shape.each if shape else None)
            if item_text is None:
                return None
            items.append(item_text)
        rebuilt = "[" + ", ".join(items) + "]"
    return rebuilt if changed else None
