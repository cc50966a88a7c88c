"""The positional document: a file's text, its ruamel node tree, and edits at offsets of that text.

Every edit of the event commands is made here: never by re-dumping a file, always as a text edit
at positions taken from the node tree (composed with marks), so every line an edit does not touch
stays byte for byte, comments included. :class:`Text` holds the lines and the pending edits,
:class:`Doc` adds the node tree and where each node's text begins and ends; the edits of a
mapping's keys are in :mod:`~xiangmu_cli.write.pairs`, of a list's items in
:mod:`~xiangmu_cli.write.lists`.
"""

from __future__ import annotations

import bisect
from contextlib import suppress
from typing import Any

from xiangmu_cli.write.comments import comment_columns, line_starts
from xiangmu_cli.write.plan import EditError

__all__ = ["Text", "Doc"]

#: NEL, LS and PS are line breaks to ruamel (YAML 1.1) but ordinary characters to the loader
#: (YAML 1.2): composed as spaces (same offsets), so that both see the same lines.
_NOT_BREAKS = {0x85: " ", 0x2028: " ", 0x2029: " "}


def _compose(text: str) -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).compose(text.translate(_NOT_BREAKS))


def _compose_located(text: str) -> Any:
    """The node tree of a text the loader accepted, for its positions only."""
    from ruamel.yaml.error import YAMLError

    try:
        return _compose(text)
    except (YAMLError, RecursionError) as exc:
        root = None
        if "\t" in text:
            # ruamel's pure scanner refuses a tab as separation (`名称: 甲 \t# 注释`, `- x\t`), which
            # YAML and the loader allow. The same text with spaces has the same offsets; only the
            # node tree's positions are used (values are compared with the loader's data after
            # the edit, in verify), and what is written is sliced from the original text.
            with suppress(YAMLError, RecursionError):
                root = _compose(text.replace("\t", " "))
        if root is None:
            raise EditError(f"无法解析文件以定位修改位置（{type(exc).__name__}）；请手工修改") from None
        return root


class Text:
    """A text, its lines, and edits at character offsets of it, applied together by :meth:`result`."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.nl = "\r\n" if "\r\n" in text else "\n"
        self._edits: list[tuple[int, int, int, str]] = []

    # lines
    def bol(self, i: int) -> int:
        return self.text.rfind("\n", 0, i) + 1

    def eol(self, i: int) -> int:
        j = self.text.find("\n", i)
        return len(self.text) if j < 0 else j + 1

    def line(self, start: int) -> str:
        return self.text[start : self.eol(start)].rstrip("\r\n")

    def col(self, i: int) -> int:
        return i - self.bol(i)

    def is_comment(self, start: int) -> bool:
        return self.line(start).lstrip(" \t").startswith("#")

    def is_blank(self, start: int) -> bool:
        return start < len(self.text) and not self.line(start).strip()

    def indent(self, start: int) -> int:
        line = self.line(start)
        return len(line) - len(line.lstrip(" "))

    def comments_above(self, at: int, limit: int) -> int:
        """The start of the comment lines directly above the line starting at ``at`` (``at`` when
        there are none), not above ``limit``."""
        while at > limit and self.is_comment(self.bol(at - 1)):
            at = self.bol(at - 1)
        return at

    # edits
    def replace(self, start: int, end: int, new: str) -> None:
        self._edits.append((start, end, len(self._edits), new))

    def insert(self, at: int, new: str) -> None:
        self.replace(at, at, new)

    def insert_lines(self, at: int, lines: list[str]) -> None:
        prefix = self.nl if at == len(self.text) and self.text and not self.text.endswith("\n") else ""
        self.insert(at, prefix + "".join(line + self.nl for line in lines))

    def result(self) -> str:
        out, pos = [], 0
        for start, end, _, new in sorted(self._edits):
            if start < pos:
                raise EditError("内部错误：修改位置重叠；这是 xm 的缺陷，请报告")
            out += [self.text[pos:start], new]
            pos = end
        out.append(self.text[pos:])
        return "".join(out)


class Doc(Text):
    """A file's text with its ruamel node tree (``root``), and where each node's text is.

    Nodes are ruamel's ``ScalarNode``, ``MappingNode`` and ``SequenceNode`` (``Scalar``,
    ``Mapping``, ``Sequence`` here: ruamel is imported only when a file is edited)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.root = _compose_located(text)
        from ruamel.yaml import nodes

        self.Scalar, self.Mapping, self.Sequence = nodes.ScalarNode, nodes.MappingNode, nodes.SequenceNode
        self._lines: list[str] = []
        self._starts: list[int] = []
        self._columns: dict[int, int] | None = None  # where the comments are, found when first asked

    def is_empty(self, node: Any) -> bool:
        return isinstance(node, self.Scalar) and node.start_mark.index == node.end_mark.index and not node.style

    def pairs(self, mapping: Any) -> list[tuple[Any, Any]]:
        return list(mapping.value)

    def get(self, mapping: Any, key: str) -> tuple[Any, Any] | None:
        return next(((k, v) for k, v in mapping.value if isinstance(k, self.Scalar) and k.value == key), None)

    def index(self, mapping: Any, key: Any) -> int:
        """The position of the pair whose key node is ``key``."""
        return next(n for n, (k, _) in enumerate(mapping.value) if k is key)

    def colon(self, key: Any) -> int:
        i: int = key.end_mark.index
        while i < len(self.text) and self.text[i] in " \t":
            i += 1
        if self.text[i : i + 1] != ":":
            raise EditError(f"无法在文件中定位键「{key.value}」的冒号；请手工修改")
        return i

    def end(self, node: Any) -> int:
        """Where the node's own text ends (comments and blank lines after it excluded)."""
        if isinstance(node, self.Scalar):
            start: int = node.start_mark.index
            stop: int = node.end_mark.index
            if node.style in ("|", ">"):
                return start + len(self.text[start:stop].rstrip(" \t\r\n"))
            return stop
        if node.flow_style or not node.value:
            stop = node.end_mark.index
            return stop
        if isinstance(node, self.Mapping):
            k, v = node.value[-1]
            return self.value_end(k, v)
        return self.end(node.value[-1])

    def value_end(self, key: Any, value: Any) -> int:
        return self.colon(key) + 1 if self.is_empty(value) else self.end(value)

    def source(self, key: Any, value: Any) -> str:
        return "" if self.is_empty(value) else self.text[value.start_mark.index : self.end(value)]

    def trailing(self, end: int, deeper: int) -> int:
        """The start of the line after ``end``'s line and the comment lines indented more than
        ``deeper`` that follow it (they belong to what ends at ``end``)."""
        pos = self.eol(end - 1) if end > 0 else 0
        while pos < len(self.text) and self.is_comment(pos) and self.indent(pos) > deeper:
            pos = self.eol(pos)
        return pos

    def dash(self, item: Any) -> int:
        """The offset of the ``-`` of a block sequence item (first on its line)."""
        i: int = item.start_mark.index - 1
        while i >= 0 and self.text[i] in " \t\r\n":
            i -= 1
        if i < 0 or self.text[i] != "-" or self.text[self.bol(i) : i].strip():
            raise EditError(
                f"第 {item.start_mark.line + 1} 行的列表项写法特殊（“- ”与内容之间有注释或不在行首），"
                "无法自动修改；请手工修改"
            )
        return i

    def key_col(self, mapping: Any) -> int:
        return self.col(mapping.value[0][0].start_mark.index)

    def field_end(self, mapping: Any, key: Any, value: Any) -> int:
        """Where a pair's lines end: after its value and the comment lines that belong to it."""
        return self.trailing(self.value_end(key, value), self.key_col(mapping))

    def entry_start(self, mapping: Any, i: int) -> int:
        """Where the ``i``-th pair's lines begin (i > 0, block mapping): after the previous
        pair's lines, so the comment (and blank) lines directly above the key are the pair's."""
        return self.field_end(mapping, *mapping.value[i - 1])

    def comments(self, start: int, stop: int) -> list[str]:
        """The comments in the lines [start, stop) (both line starts), each as the text from its
        ``#`` on (:func:`~xiangmu_cli.write.comments.comment_columns`)."""
        if self._columns is None:
            self._lines = self.text.split("\n")
            self._starts = line_starts(self._lines)
            self._columns = comment_columns(self._lines, self._starts, self.root)
        out = []
        number = bisect.bisect_right(self._starts, start) - 1  # the line holding ``start`` (no rescan of the text)
        while number < len(self._lines) and self._starts[number] < stop:
            col = self._columns.get(number)
            if col is not None:
                out.append(self._lines[number][col:].rstrip("\r\n").rstrip(" \t"))
            number += 1
        return out
