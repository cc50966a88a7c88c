"""Canonical layout of ledger files and xiangmu.yaml, keeping every comment (`xm fmt`).

What is canonical: the contract's key order (taken from the pydantic models' field aliases, so
it cannot drift from ``model.py``), 完成投资 months in ascending order, two-space indentation with
sequences written ``  - 编号: …`` under their key, exactly one blank line between projects and
none before the first, UTF-8 without BOM, LF line endings and one final newline.

What is kept as written: every scalar and every flow collection (``{日期: …}``, ``[…]``) is
copied *from the source text*, so quotes (``编号: "010"``), dates, ``1.2亿``, ``~``, tags and long
lines never change; flow collections are only rewritten (on one line, ``{k: v, …}``) when their
keys must be reordered, and only when they fit on one line. Every comment is kept:

* an own-line comment belongs to the key or item below it and moves with it;
* an own-line comment after a nested block that is indented at least as deep as that block's keys
  stays at the end of that block (it reads as part of it);
* an end-of-line comment stays on the line of its key or value;
* the file header (the ``# yaml-language-server:`` modeline and the lines up to the last blank
  line before the first key) stays first.

Why not ruamel.yaml's round trip: ruamel stores the comment (and blank lines) written *before* a
key on the end-of-line comment token of the previous key — or of the deepest last descendant of
the previous key — and the comment before a sequence item partly on the previous item; moving
keys therefore moves the wrong comments, and its dumper writes ``null``/``~`` as nothing and joins
multi-line plain scalars. Here ruamel only *composes* a node tree (marks, no comments, no data);
the text is rebuilt from slices of the original, so none of that can happen by construction.

Safety: the result is read again with ``yaml_rs`` (the loader's parser) and must give the same
data and hold the same comments; otherwise :class:`FormatError` is raised and nothing is written.
Files that do not parse (syntax, duplicate keys, anchors, tags, several documents, encoding)
raise :class:`FormatError` with the same located problems as ``xm validate``. Only regular files
within the size limit are read (a symbolic link, FIFO or device is refused unopened), and a file
is read, formatted and written under the ledger lock (:func:`fileio.ledger_lock`, the one the
edit commands hold), so ``xm fmt`` and an edit never overwrite each other.
"""

from __future__ import annotations

import bisect
import functools
import math
import os
import re
import stat
import types
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from xiangmu_cli.base.fileio import write_atomic
from xiangmu_cli.ledger.problems import Problem
from xiangmu_cli.ledger.vocab import CONFIG_FILE, LEDGERS, Ledger
from xiangmu_cli.reading.yamlread import decode, parse_text

__all__ = [
    "CONFIG",
    "FormatError",
    "FileResult",
    "Shape",
    "shape_for",
    "format_text",
    "format_file",
    "kind_of",
    "repository_files",
    "yaml_files",
    "expand_paths",
    "comment_texts",
]

#: ``kind`` of xiangmu.yaml; a ledger file's kind is its ledger name (``"在建"`` …).
CONFIG = "config"


class FormatError(ValueError):
    """The text cannot be formatted; nothing was changed.

    ``problems`` holds the located problems when the YAML itself is broken (the same records
    ``xm validate`` prints); otherwise ``message`` says why, at ``line``/``col`` when known.
    """

    def __init__(
        self, message: str, problems: Iterable[Problem] = (), line: int | None = None, col: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)
        self.line = line
        self.col = col


class _Unsupported(Exception):
    """A layout this formatter does not rewrite (explicit keys, content after ``---`` …)."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line  # 0-based


# --- the canonical order, from the models -----------------------------------------------------


@dataclass(eq=False)
class Shape:
    """What the formatter knows of a mapping or sequence: key order and children's shapes."""

    #: Known keys of a mapping, in canonical order; unknown keys follow in their written order.
    keys: tuple[str, ...] = ()
    #: Shape of the value of each known key.
    fields: dict[str, Shape] = field(default_factory=dict)
    #: Shape of every item (sequence) or every value (mapping of free keys).
    each: Shape | None = None
    #: Sort the keys as months ``YYYY-MM`` (完成投资).
    months: bool = False
    #: Items separated by exactly one blank line (the projects of a ledger file).
    separated: bool = False

    def child(self, name: str | None) -> Shape | None:
        if name is not None and name in self.fields:
            return self.fields[name]
        return self.each


def _shape_of(annotation: Any) -> Shape | None:
    from pydantic import BaseModel

    from xiangmu_cli.ledger.model import MonthKey

    origin = get_origin(annotation)
    if origin is Annotated:
        return _shape_of(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            if arg is not type(None):
                found = _shape_of(arg)
                if found is not None:
                    return found
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model_shape(annotation)
    if origin is list:
        return Shape(each=_shape_of(get_args(annotation)[0]))
    if origin is dict:
        key, value = get_args(annotation)
        return Shape(each=_shape_of(value), months=key == MonthKey)
    return None


@functools.cache
def _model_shape(model: type) -> Shape:
    keys: list[str] = []
    fields: dict[str, Shape] = {}
    for name, info in model.model_fields.items():  # type: ignore[attr-defined]
        alias = info.alias or name
        keys.append(alias)
        sub = _shape_of(info.annotation)
        if sub is not None:
            fields[alias] = sub
    return Shape(keys=tuple(keys), fields=fields)


def shape_for(kind: str | None) -> Shape | None:
    """The shape of a file of ``kind``: ``"config"``, a ledger name, or None (layout only)."""
    from xiangmu_cli.ledger.model import FILE_KEYS, PROJECT_MODELS, Config

    if kind is None:
        return None
    if kind == CONFIG:
        return _model_shape(Config)
    try:
        ledger = Ledger(kind)
    except ValueError:
        raise ValueError(f"未知的文件类型「{kind}」：应为 config 或 " + "、".join(lg.value for lg in LEDGERS)) from None
    projects = Shape(each=_model_shape(PROJECT_MODELS[ledger]), separated=True)
    return Shape(keys=tuple(FILE_KEYS), fields={"项目": projects})


def kind_of(path: Path) -> str | None:
    """``"config"`` for xiangmu.yaml, the ledger name for a ledger file, else None."""
    if path.name == CONFIG_FILE:
        return CONFIG
    return next((lg.value for lg in LEDGERS if lg.filename == path.name), None)


# --- reading the source -----------------------------------------------------------------------


class _Source:
    """The text split in lines, the composed node tree, and where the comments are."""

    def __init__(self, text: str) -> None:
        from ruamel.yaml import YAML

        self.text = text
        self.lines = text.split("\n")
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line) + 1)
        try:  # libyaml gives the same marks (character index, line, column), ten times faster
            self.root = YAML(typ="safe", pure=False).compose(text)
        except Exception:
            self.root = YAML(typ="safe", pure=True).compose(text)
        #: line → (column, text) of the comment on that line.
        self.comments = _find_comments(self, self.root) if self.root is not None else {}

    def comment_counter(self) -> Counter[str]:
        if self.root is None:  # only comments: every `#` line is one
            return Counter(line.strip() for line in self.lines if line.strip().startswith("#"))
        return Counter(text for _, text in self.comments.values())

    def is_blank(self, line: int) -> bool:
        return not self.lines[line].strip()

    def own_comment(self, line: int) -> str | None:
        """The comment when ``line`` holds nothing else."""
        found = self.comments.get(line)
        text = self.lines[line]
        if found is not None and found[0] == len(text) - len(text.lstrip()):
            return found[1]
        return None

    def comment_after(self, line: int, col: int) -> tuple[int, str, int] | None:
        """The end-of-line comment on ``line`` at or after ``col``: (column, text, gap before it)."""
        found = self.comments.get(line)
        if found is None or found[0] < col:
            return None
        before = self.lines[line][: found[0]]
        gap = len(before) - len(before.rstrip())
        return found[0], found[1], gap


def _walk(node: Any) -> Iterator[Any]:
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    todo = [node]
    while todo:
        current = todo.pop()
        yield current
        if isinstance(current, MappingNode):
            for key, value in current.value:
                todo.extend((key, value))
        elif isinstance(current, SequenceNode):
            todo.extend(current.value)


def _find_comments(src: _Source, root: Any) -> dict[int, tuple[int, str]]:
    """Every comment: a ``#`` at a line start or after a blank, outside every scalar."""
    from ruamel.yaml.nodes import ScalarNode

    spans: list[tuple[int, int]] = []
    for node in _walk(root):
        if not isinstance(node, ScalarNode):
            continue
        start, end = node.start_mark.index, node.end_mark.index
        if node.style in ("|", ">"):  # the header line (`|-  # note`) may carry a comment
            start = src.starts[min(node.start_mark.line + 1, len(src.starts) - 1)]
        if end > start:
            spans.append((start, end))
    spans.sort()
    begins = [s for s, _ in spans]
    found: dict[int, tuple[int, str]] = {}
    for number, line in enumerate(src.lines):
        if "#" not in line:
            continue
        for match in re.finditer(r"(?:^|(?<=[ \t]))#", line):
            offset = src.starts[number] + match.start()
            i = bisect.bisect_right(begins, offset) - 1
            if i >= 0 and spans[i][1] > offset:
                continue
            found[number] = (match.start(), line[match.start() :].rstrip())
            break
    return found


def comment_texts(text: str) -> Counter[str]:
    """The comments of a YAML text (each without trailing blanks), as a multiset."""
    return _Source(text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")).comment_counter()


# --- the layout tree --------------------------------------------------------------------------

Lead = list[str | None]  # own-line comments (text) and blank lines (None)
Comment = tuple[int, str, int]  # old column, text, blanks before it


@dataclass(eq=False)
class _Inline:
    """A scalar or flow collection, copied from the source."""

    #: lines[0] follows ``key: `` / ``- `` (or is a whole line when ``own_line``); the other
    #: lines are whole source lines, shifted with the block they belong to.
    lines: list[str]
    own_line: bool
    comment_at: int = 0
    comment: Comment | None = None
    block_scalar: bool = False  # `|` or `>`: lines below it that are indented are its content


@dataclass(eq=False)
class _Entry:
    key: str | None  # the key as written; None for a sequence item
    name: str | None  # the key's value, for ordering
    first: int  # line of the key or of the dash
    last: int  # last line of the value
    leading: Lead = field(default_factory=list)
    line_comment: Comment | None = None  # on the key/dash line when the value is not there
    props: str = ""  # a tag written before a block collection
    inline: _Inline | None = None
    block: _Block | None = None
    #: Comments under an entry without a block value, more indented than its key (`项目:` then
    #: `  # 暂无`): they stay under it. Not after a block scalar, whose content they could become.
    under: _Block | None = None


@dataclass(eq=False)
class _Block:
    is_map: bool
    indent: int  # column in the source
    shape: Shape | None
    entries: list[_Entry] = field(default_factory=list)
    trailing: Lead = field(default_factory=list)


_DASH_PREFIX = re.compile(r" *(?:- +)*")
_BLOCK_HEADER = re.compile(r"(?:![^ ]* +)?[|>][0-9+-]*")


class _Builder:
    def __init__(self, src: _Source) -> None:
        self.src = src

    # Blocks ---------------------------------------------------------------------------------

    def block(self, node: Any, shape: Shape | None, opening: int | None) -> _Block:
        from ruamel.yaml.nodes import MappingNode

        is_map = isinstance(node, MappingNode)
        block = _Block(is_map=is_map, indent=0, shape=shape)
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
            self.distribute(range(opening + 1, first.first), [], first.leading)
        for before, after in zip(block.entries, block.entries[1:]):
            self.distribute(range(before.last + 1, after.first), _chain(before), after.leading, block.indent)
        return block

    def dash_column(self, node: Any) -> int:
        mark = node.start_mark
        line = self.src.lines[mark.line]
        if line[mark.column : mark.column + 1] == "-":
            return mark.column
        raise _Unsupported("序列前有标签或锚点", mark.line)

    def distribute(self, lines: Iterable[int], chain: list[_Block], fallback: Lead, owner: int = -1) -> None:
        """Own-line comments and blank lines between two entries: whose are they?

        ``chain`` are the blocks that just ended, outermost first, inside a block indented at
        ``owner``. A comment at least as indented as one of them (the deepest such, and never
        deeper than a comment before it) is that block's trailing comment; any other comment
        belongs to the next entry (``fallback``). A sequence written at its key's indentation
        (``项目:`` then ``- …``) never takes a comment at that indentation: the key's parent does.
        Blank lines go with the comment or entry that follows them.
        """
        level = len(chain)
        blanks = 0
        for number in lines:
            if self.src.is_blank(number):
                blanks += 1
                continue
            text = self.src.own_comment(number)
            if text is None:
                raise _Unsupported("这一行的写法无法整理", number)
            line = self.src.lines[number]
            column = len(line) - len(line.lstrip())
            target, new_level = fallback, 0
            for j in reversed(range(level)):
                if chain[j].indent <= (chain[j - 1].indent if j > 0 else owner):
                    continue  # a sequence written at its key's indentation: not deeper than its parent
                if column >= chain[j].indent:
                    target, new_level = chain[j].trailing, j + 1
                    break
            target.extend([None] * blanks)
            target.append(text)
            blanks = 0
            level = new_level
        fallback.extend([None] * blanks)

    # Entries --------------------------------------------------------------------------------

    def map_entry(self, key: Any, value: Any, shape: Shape | None, indent: int) -> _Entry:
        from ruamel.yaml.nodes import ScalarNode

        src = self.src
        mark = key.start_mark
        if not isinstance(key, ScalarNode) or key.end_mark.line != mark.line or key.style in ("|", ">"):
            raise _Unsupported("键写成了多行、列表或映射", mark.line)
        line = src.lines[mark.line]
        if mark.column != indent or not _DASH_PREFIX.fullmatch(line[: mark.column]):
            raise _Unsupported("显式键（? …）或不对齐的键", mark.line)
        rest = line[key.end_mark.column :]
        colon = len(rest) - len(rest.lstrip(" "))
        if not rest[colon : colon + 1] == ":":
            raise _Unsupported("键后面没有紧跟冒号", mark.line)
        text = src.text[mark.index : key.end_mark.index]
        entry = _Entry(key=text, name=str(key.value), first=mark.line, last=mark.line)
        after = key.end_mark.column + colon + 1
        self.value(entry, value, shape.child(entry.name) if shape else None, after)
        _add_under(entry, indent)
        return entry

    def seq_entry(self, item: Any, shape: Shape | None, indent: int, previous: int) -> _Entry:
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
            raise _Unsupported("找不到列表项的“-”", mark.line)
        entry = _Entry(key=None, name=None, first=number, last=number)
        self.value(entry, item, shape, indent + 1)
        _add_under(entry, indent)
        return entry

    def value(self, entry: _Entry, node: Any, shape: Shape | None, after: int) -> None:
        """Fill in the value of an entry whose key or dash ends at column ``after``."""
        from ruamel.yaml.nodes import ScalarNode

        src = self.src
        head = entry.first
        start, end = node.start_mark, node.end_mark
        head_line = src.lines[head]
        if isinstance(node, ScalarNode) and node.value == "" and start.index == end.index:  # nothing written
            entry.line_comment = self.only_comment(head, after)
            return
        if not isinstance(node, ScalarNode) and not node.flow_style:  # a block collection
            entry.props = ""
            if src.text.startswith("!", start.index):  # a tag before the collection
                if start.line != head:
                    raise _Unsupported("标签不在键所在的行", start.line)
                props = head_line[start.column :]
                found = src.comments.get(head)
                if found is not None and found[0] >= start.column:
                    props = head_line[start.column : found[0]]
                entry.props = props.strip()
                if not re.fullmatch(r"![^ ]*", entry.props) or head_line[after : start.column].strip():
                    raise _Unsupported("值前有无法整理的内容", head)
            compact = start.line == head and not entry.props  # `- 编号: …`: the dash line is the block's
            if not compact:
                entry.line_comment = self.only_comment(head, after, allow=entry.props)
            entry.block = self.block(node, shape, head)
            entry.last = entry.block.entries[-1].last
            return
        own_line = start.line > head
        if own_line:
            entry.line_comment = self.only_comment(head, after)
            if src.lines[start.line][: start.column].strip():
                raise _Unsupported("值前有无法整理的内容", start.line)
        elif head_line[after : start.column].strip():
            raise _Unsupported("值前有无法整理的内容", head)
        first_line = src.lines[start.line]
        if isinstance(node, ScalarNode) and node.style in ("|", ">"):
            match = _BLOCK_HEADER.match(first_line, start.column)
            if match is None:
                raise _Unsupported("无法识别的块标量", start.line)
            if "+" in match.group():
                # Its trailing blank lines are content: any blank line written after it would be too.
                raise _Unsupported("块标量用了“+”（保留结尾空行），其后的空行无法安全调整", start.line)
            last = end.line if end.column > 0 else end.line - 1
            limit = _content_indent(src.lines[start.line + 1 : last + 1])
            while last > start.line and not src.lines[last].strip() and len(src.lines[last]) <= limit:
                last -= 1
            head_text = match.group()
            lines = [head_text] + src.lines[start.line + 1 : last + 1]
            if own_line:
                lines[0] = first_line[: start.column] + head_text
            comment = src.comment_after(start.line, match.end())
            if first_line[match.end() : comment[0] if comment else None].strip():
                raise _Unsupported("块标量的标记后有无法整理的内容", start.line)
            entry.inline = _Inline(lines=lines, own_line=own_line, comment_at=0, comment=comment, block_scalar=True)
            entry.last = last
            return
        if start.line == end.line:
            lines = [src.text[start.index : end.index]]
            rebuilt = _flow_text(src, node, shape) if not isinstance(node, ScalarNode) else None
            if rebuilt is not None:
                lines = [rebuilt]
        else:
            lines = (
                [first_line[start.column :]]
                + src.lines[start.line + 1 : end.line]
                + [src.lines[end.line][: end.column]]
            )
        if own_line:
            lines[0] = first_line[: start.column] + lines[0]
        tail = src.lines[end.line][end.column :]
        comment = src.comment_after(end.line, end.column)
        if tail[: comment[0] - end.column if comment else None].strip():
            raise _Unsupported("值后面有无法整理的内容", end.line)
        entry.inline = _Inline(lines=lines, own_line=own_line, comment_at=len(lines) - 1, comment=comment)
        entry.last = end.line

    def only_comment(self, line: int, after: int, allow: str = "") -> Comment | None:
        """The comment on ``line`` after column ``after``; nothing else may be there."""
        comment = self.src.comment_after(line, after)
        rest = self.src.lines[line][after : comment[0] if comment else None].strip()
        if rest and rest != allow:
            raise _Unsupported("这一行的写法无法整理", line)
        return comment


def _content_indent(lines: list[str]) -> int:
    for line in lines:
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return 0


def _add_under(entry: _Entry, column: int) -> None:
    if entry.block is None and not (entry.inline is not None and entry.inline.block_scalar):
        entry.under = _Block(is_map=True, indent=column + 1, shape=None)


def _chain(entry: _Entry) -> list[_Block]:
    """The blocks that end together with ``entry``: its value, that block's last entry's value …"""
    out: list[_Block] = []
    while entry.block is not None:
        out.append(entry.block)
        entry = entry.block.entries[-1]
    if entry.under is not None:
        out.append(entry.under)
    return out


def _flow_text(src: _Source, node: Any, shape: Shape | None) -> str | None:
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
            rebuilt = _flow_text(src, child, child_shape)
            if rebuilt is not None:
                changed = True
                return rebuilt
        return src.text[child.start_mark.index : child.end_mark.index]

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
        order = _order(names, shape)
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


def _order(names: list[str | None], shape: Shape | None) -> list[int]:
    """Positions of the keys ``names`` in canonical order (stable: unknown keys keep theirs)."""
    indexes = list(range(len(names)))
    if shape is None:
        return indexes
    if shape.months:
        from xiangmu_cli.ledger.units import UnitError, parse_month

        def month(i: int) -> tuple[int, tuple[int, int], int]:
            try:
                return 0, parse_month(names[i]), i
            except UnitError:
                return 1, (0, 0), i

        return sorted(indexes, key=month)
    if shape.keys:
        rank = {name: n for n, name in enumerate(shape.keys)}
        return sorted(indexes, key=lambda i: (rank.get(names[i] or "", len(rank)), i))
    return indexes


# --- writing the layout -----------------------------------------------------------------------


def _normalise(lead: Lead, first: bool, separated: bool) -> Lead:
    """Runs of blank lines become one; none before the first entry; one before each project."""
    out: Lead = []
    for item in lead:
        if item is None and (out[-1:] == [None] or (not out and (first or separated))):
            continue
        out.append(item)
    if separated and not first:
        out.insert(0, None)
    return out


def _shift(line: str, delta: int) -> str:
    if delta >= 0:
        return " " * delta + line if line else line
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(spaces, -delta) :]


def _with_comment(line: str, comment: Comment | None, delta: int) -> str:
    """``line`` and its end-of-line comment, at the comment's old column when there is room."""
    if comment is None:
        return line
    column, text, gap = comment
    pad = column + delta - len(line)
    if pad < 1:
        pad = max(gap, 1)
    return line + " " * pad + text


class _Emitter:
    def block(self, block: _Block, indent: int, compact: bool) -> tuple[Lead, list[str]]:
        """The lines of ``block`` at ``indent``; with ``compact`` the first line is the first
        entry's own line, and the comments above it are returned to go above the dash."""
        shape = block.shape
        entries = block.entries
        if block.is_map:
            entries = [entries[i] for i in _order([e.name for e in entries], shape)]
        separated = bool(shape and shape.separated) and not block.is_map
        hoisted: Lead = []
        out: list[str] = []
        for position, entry in enumerate(entries):
            body, above = self.entry(entry, block, indent)
            leading = _normalise(entry.leading + above, first=position == 0, separated=separated)
            if compact and position == 0:
                hoisted = leading
            else:
                out.extend(_comment_lines(leading, indent))
            out.extend(body)
        trailing = _normalise(block.trailing, first=False, separated=False)
        while trailing and trailing[-1] is None:
            trailing.pop()
        out.extend(_comment_lines(trailing, indent))
        return hoisted, out

    def entry(self, entry: _Entry, block: _Block, indent: int) -> tuple[list[str], Lead]:
        delta = indent - block.indent
        pad = " " * indent
        head = pad + (f"{entry.key}:" if block.is_map else "-")
        if entry.block is not None:
            child = indent + 2
            if block.is_map or entry.props or entry.line_comment is not None:
                line = head + (f" {entry.props}" if entry.props else "")
                _, lines = self.block(entry.block, child, compact=False)
                return [_with_comment(line, entry.line_comment, delta)] + lines, []
            above, lines = self.block(entry.block, child, compact=True)
            lines[0] = pad + "- " + lines[0][child:]
            return lines, above
        value = entry.inline
        under = (
            _comment_lines(_normalise(entry.under.trailing, first=True, separated=False), indent + 2)
            if entry.under is not None
            else []
        )
        if value is None:  # nothing written after the key or dash
            return [_with_comment(head, entry.line_comment, delta)] + under, []
        if value.own_line:
            lines = [_with_comment(head, entry.line_comment, delta)]
            body = [_shift(line, delta) for line in value.lines]
        else:
            lines = []
            body = [f"{head} {value.lines[0]}"] + [_shift(line, delta) for line in value.lines[1:]]
        body[value.comment_at] = _with_comment(body[value.comment_at], value.comment, delta)
        return lines + body + under, []


def _comment_lines(lead: Lead, indent: int) -> list[str]:
    return ["" if item is None else " " * indent + item for item in lead]


def _layout(src: _Source, shape: Shape | None) -> str:
    from ruamel.yaml.nodes import MappingNode

    root = src.root
    if not isinstance(root, MappingNode) or root.flow_style:
        line = root.start_mark.line if root is not None else 0
        raise _Unsupported("顶层不是“键: 值”的块映射", line)
    builder = _Builder(src)
    block = builder.block(root, shape, opening=None)
    first = block.entries[0]
    if src.lines[first.first][: block.indent].strip():
        raise _Unsupported("第一个键前有无法整理的内容", first.first)
    # The header: everything above the first key up to its last blank line (or `---`); the
    # comments right above the first key belong to it and move with it.
    header: Lead = []
    split = 0
    for number in range(first.first):
        if src.is_blank(number):
            split = number + 1
            continue
        if src.own_comment(number) is None:
            stripped = src.lines[number].strip()
            if not (stripped.startswith("%") or re.fullmatch(r"---(\s+#.*)?", stripped)):
                raise _Unsupported("第一个键前有无法整理的内容", number)
            split = number + 1
    if split == 0:  # no blank line: all of it is the file's header
        split = first.first
    for number in range(first.first):
        if src.is_blank(number):
            item: str | None = None
        else:
            item = src.own_comment(number) or src.lines[number].strip()
        (header if number < split else first.leading).append(item)
    # The end: comments after the last entry, then a `...` document end marker kept as written.
    end = len(src.lines)
    for number in range(block.entries[-1].last + 1, len(src.lines)):
        if src.lines[number].startswith("...") and src.own_comment(number) is None:
            end = number
            break
    builder.distribute(range(block.entries[-1].last + 1, end), _chain(block.entries[-1]), block.trailing, block.indent)
    hoisted, body = _Emitter().block(block, 0, compact=True)
    head = _normalise(header + hoisted, first=True, separated=False)
    lines = _comment_lines(head, 0) + body + [line.rstrip() for line in src.lines[end:]]
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines) + "\n"


# --- the public functions ---------------------------------------------------------------------


def _same(a: Any, b: Any) -> bool:
    """Equal data, key order aside (NaN equals NaN, 1 is not 1.0 nor True)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def format_text(text: str, kind: str | None, file: str = "<text>") -> str:
    """The canonical layout of one file's text.

    ``kind`` is ``"config"`` (xiangmu.yaml), a ledger name (``"在建"`` …) for a ledger file, or
    None to fix the layout without reordering keys. Raises :class:`FormatError` when the text
    does not parse or cannot be laid out safely; raises ValueError for an unknown ``kind``.
    """
    from ruamel.yaml.error import YAMLError

    from xiangmu_cli.reading.yamlread import _fast_load

    shape = shape_for(kind)
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parsed = parse_text(text, file)
    if parsed.broken:
        raise FormatError("YAML 无法解析，文件未改动", parsed.problems)
    if parsed.data is None:
        raise FormatError(
            "文件为空",
            [
                Problem(
                    "E007",
                    "文件为空（或只有注释）",
                    file,
                    "台账文件至少要有 项目: []；不需要的台账文件可以删除",
                    line=1,
                    col=1,
                )
            ],
        )
    if not isinstance(parsed.data, dict):
        kind_word = "列表" if isinstance(parsed.data, list) else "单个值"
        raise FormatError(
            "顶层不是映射",
            [
                Problem(
                    "E008",
                    f"文件顶层是{kind_word}，应为映射（键: 值）",
                    file,
                    "顶层写 项目: 然后在下面列出项目（台账）或配置项（xiangmu.yaml）",
                    line=1,
                    col=1,
                )
            ],
        )
    try:
        src = _Source(text)
        out = _layout(src, shape)
    except _Unsupported as exc:
        raise FormatError(f"xm fmt 无法整理：{exc.message}（文件未改动）", line=exc.line + 1, col=1) from None
    except RecursionError:
        raise FormatError("xm fmt 无法整理：嵌套过深（文件未改动）", line=1, col=1) from None
    except YAMLError as exc:  # ruamel rejects a few YAML 1.2 streams yaml_rs reads, e.g. a leading `...`
        mark = getattr(exc, "problem_mark", None)
        raise FormatError(
            "xm fmt 无法整理：这种 YAML 写法无法按原样保留注释地整理（文件未改动）",
            line=mark.line + 1 if mark else 1,
            col=mark.column + 1 if mark else 1,
        ) from None
    if out == text:
        return out
    try:  # the safety net: same data, same comments
        same = _same(_fast_load(out), parsed.data) and comment_texts(out) == src.comment_counter()
    except Exception:
        same = False
    if not same:
        raise FormatError("整理后的内容与原文不一致（这是 xm fmt 的缺陷，请报告维护者），文件未改动", line=1, col=1)
    return out


@dataclass
class FileResult:
    """What :func:`format_file` did to one file."""

    path: Path
    file: str  # as displayed
    changed: bool = False  # the file differs (or differed) from its canonical layout
    written: bool = False
    error: FormatError | None = None
    #: The ledger lock could not be taken (held by another command for too long, or its file is
    #: a link, FIFO or folder): the file was not read, and no other file under that lock can be.
    lock_error: OSError | None = None

    @property
    def busy(self) -> bool:
        """Another command held the ledger lock for longer than the wait."""
        from xiangmu_cli.base.fileio import LockBusyError

        return isinstance(self.lock_error, LockBusyError)


def lock_folder(path: Path) -> Path:
    """The folder whose ledger lock guards ``path``: the ledger folder for its xiangmu.yaml and
    for a ledger file in one of its region folders (the lock the edit commands take), else the
    file's own folder."""
    folder = path.absolute().parent
    if path.name != CONFIG_FILE and os.path.lexists(folder.parent / CONFIG_FILE):
        return folder.parent
    return folder


def format_file(
    path: Path,
    kind: str | types.EllipsisType | None = ...,
    *,
    write: bool = True,
    file: str | None = None,
    on_wait: Callable[[Path, float], None] | None = None,
) -> FileResult:
    """Format one file in place (atomically, only when it changes); with ``write=False`` only check.

    ``kind`` defaults to what the file name says (:func:`kind_of`). Never raises for a bad file:
    the problem is in ``FileResult.error`` and the file is left untouched. Only a regular file is
    read (never a link, FIFO or device), at most the size limit. When writing, the file is read,
    formatted and written under the ledger lock of :func:`lock_folder` (``on_wait`` is called if
    it has to wait for another command; a read-only folder is formatted unlocked, since nothing
    can be written there anyway); ``FileResult.lock_error`` says why the lock could not be taken.
    """
    from xiangmu_cli.base.fileio import LockError, ledger_lock

    result = FileResult(path=path, file=file or _display(path))
    if isinstance(kind, types.EllipsisType):
        kind = kind_of(path)
    try:
        mode = os.lstat(path).st_mode
    except OSError as exc:
        result.error = _unreadable(exc, result.file)
        return result
    if stat.S_ISLNK(mode):
        result.error = FormatError(
            "是符号链接，xm fmt 不跟随",
            [
                Problem(
                    "E203",
                    f"「{path.name}」是符号链接，台账目录中不允许",
                    result.file,
                    "把真正的文件放在这里，删除链接",
                    at="file",
                )
            ],
        )
        return result
    if not stat.S_ISREG(mode):  # checked before any lock file is created beside it (/dev/zero …)
        result.error = _not_regular(mode, result.file)
        return result
    if not write:
        return _format_file(result, kind, write=False)
    try:
        with ledger_lock(lock_folder(path), required=False, on_wait=on_wait):
            return _format_file(result, kind, write=True)
    except LockError as exc:
        result.error = FormatError(str(exc))
        result.lock_error = exc
        return result


def _display(path: Path) -> str:
    from xiangmu_cli.base.fileio import display_path

    return display_path(path)


def _unreadable(exc: OSError, file: str) -> FormatError:
    return FormatError(
        "无法读取", [Problem("E009", f"无法读取文件：{exc.strerror or exc}", file, "检查文件权限", line=1, col=1)]
    )


def _not_regular(mode: int, file: str) -> FormatError:
    from xiangmu_cli.base.fileio import file_kind

    return FormatError(
        "不是普通文件",
        [
            Problem(
                "E009",
                f"无法读取文件：不是普通文件（{file_kind(mode)}），未读取",
                file,
                "xm fmt 只整理普通的 YAML 文件；命名管道、设备、套接字不是台账",
                at="file",
            )
        ],
    )


def _format_file(result: FileResult, kind: str | None, *, write: bool) -> FileResult:
    from xiangmu_cli.base import limits
    from xiangmu_cli.base.fileio import NotRegularFileError, TooLargeError, read_regular
    from xiangmu_cli.reading.loading import too_big

    path, shown = result.path, result.file
    try:
        raw = read_regular(path, limits.current().max_file_bytes)
    except TooLargeError as exc:
        result.error = FormatError("文件过大", [too_big(exc.size, shown)])
        return result
    except NotRegularFileError as exc:  # swapped since the check
        result.error = FormatError(
            "不是普通文件", [Problem("E009", f"无法读取文件：{exc}", shown, "xm fmt 只整理普通的 YAML 文件", at="file")]
        )
        return result
    except OSError as exc:
        result.error = _unreadable(exc, shown)
        return result
    text, problems = decode(raw, shown)
    if text is None:
        result.error = FormatError("编码错误", problems)
        return result
    try:
        new = format_text(text, kind, shown).encode("utf-8")
    except FormatError as exc:
        result.error = exc
        return result
    result.changed = new != raw
    if result.changed and write:
        try:
            write_atomic(path, new, expected=raw)
        except OSError as exc:
            result.error = FormatError(f"无法写入文件：{exc.strerror or exc}")
            return result
        result.written = True
    return result


def repository_files(root: Path) -> list[Path]:
    """xiangmu.yaml and every ledger file of the ledger repository at ``root``."""
    files = [root / CONFIG_FILE] if (root / CONFIG_FILE).is_file() or (root / CONFIG_FILE).is_symlink() else []
    for region in sorted(root.iterdir(), key=lambda p: p.name):
        if region.name.startswith(".") or region.is_symlink() or not region.is_dir():
            continue
        for ledger in LEDGERS:
            path = region / ledger.filename
            if path.is_file() or path.is_symlink():
                files.append(path)
    return files


def yaml_files(directory: Path) -> list[Path]:
    """Every ``*.yaml`` below ``directory`` (hidden files and folders skipped, links not followed)."""
    found: list[Path] = []
    for folder, dirs, names in os.walk(directory, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(folder) / n for n in sorted(names) if n.endswith(".yaml") and not n.startswith("."))
    return found


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """The files named on the command line: files as given, folders → their ``*.yaml``; each once."""
    out: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        for file in yaml_files(path) if path.is_dir() and not path.is_symlink() else [path]:
            if file.absolute() not in seen:
                seen.add(file.absolute())
                out.append(file)
    return out
