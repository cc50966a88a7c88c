"""Building the layout tree of a source (:mod:`~xiangmu_cli.write.fmt_tree`): each key or item an
entry, each own-line comment and blank line given to the entry below it or to the block above it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from xiangmu_cli.write.fmt_shape import Shape
from xiangmu_cli.write.fmt_source import Source
from xiangmu_cli.write.fmt_tree import Block, Entry, Lead, Unsupported, add_under, chain
from xiangmu_cli.write.fmt_values import block_scalar, inline, only_comment, props

__all__ = ["Builder", "distribute"]

_DASH_PREFIX = re.compile(r" *(?:- +)*")


class Builder:
    """Builds the layout tree of a :class:`~xiangmu_cli.write.fmt_source.Source`."""

    def __init__(self, src: Source) -> None:
        self.src = src

    # Blocks ---------------------------------------------------------------------------------

    def block(self, node: Any, shape: Shape | None, opening: int | None) -> Block:
        from ruamel.yaml.nodes import MappingNode

        is_map = isinstance(node, MappingNode)
        block = Block(is_map=is_map, indent=0, shape=shape)
        if is_map:
            block.indent = node.value[0][0].start_mark.column
            for key, value in node.value:
                block.entries.append(self.map_entry(key, value, shape, block.indent))
        else:
            block.indent = self.dash_column(node)
            previous = -1
            for item in node.value:
                entry = self.seq_entry(item, shape.each if shape else None, block.indent, previous)
                block.entries.append(entry)
                previous = entry.last
        first = block.entries[0]
        if opening is not None:
            distribute(self.src, range(opening + 1, first.first), [], first.leading)
        for before, after in zip(block.entries, block.entries[1:]):
            distribute(self.src, range(before.last + 1, after.first), chain(before), after.leading, block.indent)
        return block

    def dash_column(self, node: Any) -> int:
        mark = node.start_mark
        line = self.src.lines[mark.line]
        if line[mark.column : mark.column + 1] == "-":
            column: int = mark.column
            return column
        raise Unsupported("序列前有标签或锚点", mark.line)

    # Entries --------------------------------------------------------------------------------

    def map_entry(self, key: Any, value: Any, shape: Shape | None, indent: int) -> Entry:
        from ruamel.yaml.nodes import ScalarNode

        src = self.src
        mark = key.start_mark
        if not isinstance(key, ScalarNode) or key.end_mark.line != mark.line or key.style in ("|", ">"):
            raise Unsupported("键写成了多行、列表或映射", mark.line)
        line = src.lines[mark.line]
        if mark.column != indent or not _DASH_PREFIX.fullmatch(line[: mark.column]):
            raise Unsupported("显式键（? …）或不对齐的键", mark.line)
        rest = line[key.end_mark.column :]
        colon = len(rest) - len(rest.lstrip(" "))
        if not rest[colon : colon + 1] == ":":
            raise Unsupported("键后面没有紧跟冒号", mark.line)
        text = src.text[mark.index : key.end_mark.index]
        entry = Entry(key=text, name=str(key.value), first=mark.line, last=mark.line)
        after = key.end_mark.column + colon + 1
        self.value(entry, value, shape.child(entry.name) if shape else None, after)
        add_under(entry, indent)
        return entry

    def seq_entry(self, item: Any, shape: Shape | None, indent: int, previous: int) -> Entry:
        src = self.src
        mark = item.start_mark
        number = mark.line
        # The item's dash: at the sequence's column, on the item's line before it, or on a line
        # above (`- # note` or a lone `-`). An empty item's mark points past its own dash.
        while number > previous:
            line = src.lines[number]
            if (
                line[indent : indent + 1] == "-"
                and line[indent + 1 : indent + 2] in ("", " ")
                and _DASH_PREFIX.fullmatch(line[:indent])
                and src.own_comment(number) is None
                and (number < mark.line or indent < mark.column)
            ):
                break
            number -= 1
        else:
            raise Unsupported("找不到列表项的“-”", mark.line)
        entry = Entry(key=None, name=None, first=number, last=number)
        self.value(entry, item, shape, indent + 1)
        add_under(entry, indent)
        return entry

    # Values ---------------------------------------------------------------------------------

    def value(self, entry: Entry, node: Any, shape: Shape | None, after: int) -> None:
        """Fill in the value of an entry whose key or dash ends at column ``after``."""
        from ruamel.yaml.nodes import ScalarNode

        src = self.src
        head = entry.first
        start, end = node.start_mark, node.end_mark
        if isinstance(node, ScalarNode) and node.value == "" and start.index == end.index:  # nothing written
            entry.line_comment = only_comment(src, head, after)
            return
        if not isinstance(node, ScalarNode) and not node.flow_style:  # a block collection
            self.block_value(entry, node, shape, after)
            return
        own_line = start.line > head
        if own_line:
            entry.line_comment = only_comment(src, head, after)
            if src.lines[start.line][: start.column].strip():
                raise Unsupported("值前有无法整理的内容", start.line)
        elif src.lines[head][after : start.column].strip():
            raise Unsupported("值前有无法整理的内容", head)
        if isinstance(node, ScalarNode) and node.style in ("|", ">"):
            entry.inline, entry.last = block_scalar(src, node, own_line)
        else:
            entry.inline, entry.last = inline(src, node, shape, own_line)

    def block_value(self, entry: Entry, node: Any, shape: Shape | None, after: int) -> None:
        """A block collection as the value of ``entry`` (a tag before it kept, ``!tag``)."""
        head = entry.first
        start = node.start_mark
        entry.props = props(self.src, node, head, after)
        compact = start.line == head and not entry.props  # `- 编号: …`: the dash line is the block's
        if not compact:
            entry.line_comment = only_comment(self.src, head, after, allow=entry.props)
        entry.block = self.block(node, shape, head)
        entry.last = entry.block.entries[-1].last


def distribute(src: Source, lines: Iterable[int], ended: list[Block], fallback: Lead, owner: int = -1) -> None:
    """Own-line comments and blank lines between two entries: whose are they?

    ``ended`` are the blocks that just ended, outermost first, inside a block indented at
    ``owner``. A comment at least as indented as one of them (the deepest such, and never
    deeper than a comment before it) is that block's trailing comment; any other comment
    belongs to the next entry (``fallback``). A sequence written at its key's indentation
    (``项目:`` then ``- …``) never takes a comment at that indentation: the key's parent does.
    Blank lines go with the comment or entry that follows them.
    """
    level = len(ended)
    blanks = 0
    for number in lines:
        if src.is_blank(number):
            blanks += 1
            continue
        text = src.own_comment(number)
        if text is None:
            raise Unsupported("这一行的写法无法整理", number)
        line = src.lines[number]
        column = len(line) - len(line.lstrip())
        target, new_level = fallback, 0
        for j in reversed(range(level)):
            if ended[j].indent <= (ended[j - 1].indent if j > 0 else owner):
                continue  # a sequence written at its key's indentation: not deeper than its parent
            if column >= ended[j].indent:
                target, new_level = ended[j].trailing, j + 1
                break
        target.extend([None] * blanks)
        target.append(text)
        blanks = 0
        level = new_level
    fallback.extend([None] * blanks)
