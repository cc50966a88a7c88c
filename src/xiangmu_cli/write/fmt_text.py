"""The canonical layout of one file's text (:func:`format_text`), checked before it is returned.

Safety: the result is read again with ``yaml_rs`` (the loader's parser) and must give the same
data and hold the same comments; otherwise :class:`FormatError` is raised. Texts that do not parse
(syntax, duplicate keys, anchors, tags, several documents) raise :class:`FormatError` with the
same located problems as ``xm validate``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from xiangmu_cli.ledger.problems import Problem
from xiangmu_cli.reading.yamlread import parse_text
from xiangmu_cli.write.fmt_build import Builder, distribute
from xiangmu_cli.write.fmt_emit import Emitter, comment_lines, normalise
from xiangmu_cli.write.fmt_shape import Shape, shape_for
from xiangmu_cli.write.fmt_source import Source, comment_texts
from xiangmu_cli.write.fmt_tree import Block, Lead, Unsupported, chain

__all__ = ["FormatError", "format_text"]


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


def format_text(text: str, kind: str | None, file: str = "<text>") -> str:
    """The canonical layout of one file's text.

    ``kind`` is ``"config"`` (xiangmu.yaml), a ledger name (``"在建"`` …) for a ledger file, or
    None to fix the layout without reordering keys. Raises :class:`FormatError` when the text
    does not parse or cannot be laid out safely; raises ValueError for an unknown ``kind``.
    """
    shape = shape_for(kind)
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    data = _parsed(text, file)
    src, out = _formatted(text, shape)
    if out == text:
        return out
    if not _same_content(out, data, src):
        raise FormatError("整理后的内容与原文不一致（这是 xm fmt 的缺陷，请报告维护者），文件未改动", line=1, col=1)
    return out


def _parsed(text: str, file: str) -> Any:
    """The data of ``text``, a mapping; :class:`FormatError` with the located problems if it is not."""
    parsed = parse_text(text, file)
    if parsed.broken:
        raise FormatError("YAML 无法解析，文件未改动", parsed.problems)
    if parsed.data is None:
        empty = Problem(
            "E007", "文件为空（或只有注释）", file, "台账文件至少要有 项目: []；不需要的台账文件可以删除", line=1, col=1
        )
        raise FormatError("文件为空", [empty])
    if not isinstance(parsed.data, dict):
        kind_word = "列表" if isinstance(parsed.data, list) else "单个值"
        top = Problem(
            "E008",
            f"文件顶层是{kind_word}，应为映射（键: 值）",
            file,
            "顶层写 项目: 然后在下面列出项目（台账）或配置项（xiangmu.yaml）",
            line=1,
            col=1,
        )
        raise FormatError("顶层不是映射", [top])
    return parsed.data


def _formatted(text: str, shape: Shape | None) -> tuple[Source, str]:
    """The source read and laid out; :class:`FormatError` when that cannot be done safely."""
    from ruamel.yaml.error import YAMLError

    try:
        src = Source(text)
        return src, _layout(src, shape)
    except Unsupported as exc:
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


def _same_content(out: str, data: Any, src: Source) -> bool:
    """The safety net: ``out`` reads as the same data and holds the same comments as the source."""
    from ruamel.yaml.error import YAMLError

    from xiangmu_cli.reading.yamlread import _fast_load

    try:
        return _same(_fast_load(out), data) and comment_texts(out) == src.comment_counter()
    except (ValueError, YAMLError, RecursionError):  # out does not parse (yaml_rs, ruamel) or nests too deep
        return False


def _same(a: Any, b: Any) -> bool:
    """Equal data, key order aside (NaN equals NaN, 1 is not 1.0 nor True)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def _layout(src: Source, shape: Shape | None) -> str:
    """The whole file laid out: its header, its top-level mapping, what follows the mapping."""
    from ruamel.yaml.nodes import MappingNode

    root = src.root
    if not isinstance(root, MappingNode) or root.flow_style:
        line = root.start_mark.line if root is not None else 0
        raise Unsupported("顶层不是“键: 值”的块映射", line)
    block = Builder(src).block(root, shape, opening=None)
    first = block.entries[0]
    if src.lines[first.first][: block.indent].strip():
        raise Unsupported("第一个键前有无法整理的内容", first.first)
    header = _header(src, first.first, first.leading)
    end = _document_end(src, block)
    distribute(src, range(block.entries[-1].last + 1, end), chain(block.entries[-1]), block.trailing, block.indent)
    hoisted, body = Emitter().block(block, 0, compact=True)
    head = normalise(header + hoisted, first=True, separated=False)
    lines = comment_lines(head, 0) + body + [line.rstrip() for line in src.lines[end:]]
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines) + "\n"


def _header(src: Source, first_key: int, leading: Lead) -> Lead:
    """The file's header: everything above the first key up to its last blank line (or ``---``).
    The comments right above the first key belong to it and move with it: they go to ``leading``."""
    header: Lead = []
    split = 0
    for number in range(first_key):
        if src.is_blank(number):
            split = number + 1
            continue
        if src.own_comment(number) is None:
            stripped = src.lines[number].strip()
            if not (stripped.startswith("%") or re.fullmatch(r"---(\s+#.*)?", stripped)):
                raise Unsupported("第一个键前有无法整理的内容", number)
            split = number + 1
    if split == 0:  # no blank line: all of it is the file's header
        split = first_key
    for number in range(first_key):
        if src.is_blank(number):
            item: str | None = None
        else:
            item = src.own_comment(number) or src.lines[number].strip()
        (header if number < split else leading).append(item)
    return header


def _document_end(src: Source, block: Block) -> int:
    """The line of a ``...`` document end marker after the last entry (kept as written), or the end."""
    for number in range(block.entries[-1].last + 1, len(src.lines)):
        if src.lines[number].startswith("...") and src.own_comment(number) is None:
            return number
    return len(src.lines)
