"""Recording the common events by editing the ledger files in place.

One function per event computes the new text of every file it touches and returns an
:class:`EditPlan`; :func:`apply` writes a plan. Nothing is written by the event functions.

Events (function — command — what it does):

- :func:`start` — ``xm start 编号 --date D`` — 计划开工 → 未入统 (开工)
- :func:`enter_stats` — ``xm enter-stats 编号 --date D`` — 未入统 → 在建 (入统)
- :func:`land` — ``xm land 编号 --date D --planned-start D2`` — 招商 → 计划开工 (落地)
- :func:`finish` — ``xm finish 编号 --date D`` — 竣工日期 of a started project
- :func:`invest` — ``xm invest 编号 --month M --amount X`` — 完成投资[M] = X, written as typed
- :func:`visit` — ``xm visit 编号 --date D [--note T]`` — a 走访 appended
- :func:`add_problem` — ``xm problem add 编号 --date D --content T`` — a 问题 appended
- :func:`solve_problem` — ``xm problem solve 编号 N --date D [--how T]`` — 解决日期 (and 解决情况)

Mapping of the moves (docs/ledger-format.md, "Moves keep history (revision 2)"): a move writes
the event's date and keeps every key the target ledger accepts; the common fields 编号 名称 建设单位
类别 总投资 包保领导 项目秘书 责任单位 用地面积 问题 走访 备注 always move unchanged, byte for byte.

- 开工, 计划开工 → 未入统: 开工日期 = D; 建设性质 kept, written as 新建 when absent; 计划开工日期,
  年度计划投资 and 前期手续 kept (``plan`` replaces 年度计划投资, and is required when the record
  has none); 未入统原因 = ``reason`` (default "新开工，尚未入统"). A 续建 record (复工) needs
  ``first_start``: 开工日期 = first_start (the original start), 复工日期 = D. Kept too: what the
  record kept from 招商. Dropped: 开工条件. Refused: a start before 落地日期, D before first_start.
- 入统, 未入统 → 在建: 入统日期 = D; 入统时限 and every other field of a started project kept.
  Dropped: 未入统原因. Refused: D before 开工日期.
- 落地, 招商 → 计划开工: only from 阶段 签约 or 落地; D must not be before 签约日期 (and must equal
  落地日期 when the record has one). 落地日期 = D, 计划开工日期 = ``planned_start``; 投资方, 来源地,
  签约日期, 计划落地日期 and 重点 kept (投资方 stays 投资方: no 建设单位 is made from it). Dropped: 阶段.

The moved record's keys are put in the target model's field order (a ledger's own keys, then
those kept from 招商), as ``xm fmt`` puts them, each key with its lines (see below). A dropped
key that had comments is not simply removed: its lines are commented out (``# 开工条件: 用地待挂牌
 # 国土局``) and go, with the comment lines that were above and after it, directly above the key
the event's date is written to (the anchor: 开工日期, 复工日期 for a 续建 start, 入统日期,
落地日期; above the anchor's own comment lines), so no comment is lost and each keeps the key it was about; a dropped key without
comments just goes (its value is in git).

How the files are edited
------------------------

Never by re-dumping a file: every edit is a text edit at positions taken from a ruamel node
tree of the file (composed with marks), so every line the edit does not touch stays byte for
byte, comments included.

- A value is replaced in its own span (an end-of-line comment after it stays).
- A new key goes on its own line, at the key indentation of the mapping, after the last
  present key that precedes it in the model's field order (after the comment lines indented
  deeper than that key, which belong to it). In a flow mapping (``{…}``) it is added as
  ``, key: value``.
- A key's lines (what moves with it when keys are reordered, and what goes when it is
  dropped) are: the comment and blank lines directly above it (after the previous key's
  lines), its key and value lines with their end-of-line comments, and the comment lines after
  it indented deeper than the key. In a block mapping the first key (on the ``- `` line) stays
  first; a flow mapping ``{…}`` on one line is rewritten in order (``{k: v, …}``, each pair's
  text as written); one written over several lines keeps its order. In a flow mapping a
  dropped pair's text goes with its comma (no comment is inside a pair).
- A list item (走访, 问题) is appended in the list's style: ``, item`` inside ``[…]``, or a
  ``- item`` line after the last item; a 走访 with a note and a 问题 are written as flow
  mappings ``{…}`` or as block mappings following the existing items (走访: flow, 问题: block
  when there is none to follow).
- A project's block of lines is: the comment lines directly above its ``- 编号`` line (up to a
  blank line, or the end of the previous project), its own lines, and the comment lines after
  it indented deeper than its ``-``. A move edits the fields in the source file, cuts the
  block (with one blank separator line, so the file keeps its spacing), puts its keys in the
  target's order, re-indents it to the
  destination's ``-`` column and appends it to the destination's 项目 list (after one blank
  line when the destination separates its projects by blank lines), creating the destination
  with the standard header when it does not exist. A source left without projects gets
  ``项目: []``.

Before a plan is returned it is verified: the repository is loaded from a temporary copy with
the new texts, and the plan is refused (:class:`EditError`) when that copy has a validation
error the original had not, when the edited project's data is not exactly the intended data
(compared as models), or when any other project's data changed. Files with an error are never
edited (run ``xm validate`` first). The copy holds what the loader reads (xiangmu.yaml and the
ledger files of the region folders) and nothing else: hidden files and folders, stray files,
links, FIFOs and devices are neither copied nor read.

Files are read as regular files only, within the size limit (:func:`fileio.read_regular`).
Written as they are: a BOM, CRLF or lone-CR (old Mac) line breaks, tabs (``名称: 甲 \t# 注释``,
which ruamel's scanner refuses and YAML allows: located on the same text with spaces, same
offsets), flow-style projects (``- {编号: …}``: new lists and mappings go in as ``[…]``/``{…}``).
A file mixing lone CRs with LF line breaks is refused with the hint to run ``xm fmt`` first.

Concurrency: :func:`apply` holds the ledger lock (:func:`fileio.ledger_lock`) while it checks
that every file is still what the plan was made from and renames the new versions in; the
commands hold it from loading to writing, so a concurrent command waits instead of being refused.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import stat
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from dataclasses import replace as _with
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from xiangmu_cli.base import limits
from xiangmu_cli.base.fileio import (
    UNCHECKED,
    LockError,
    display_path,
    ledger_lock,
    read_regular,
    unchanged,
    write_atomic,
)
from xiangmu_cli.ledger.model import PROJECT_MODELS, Issue, Project
from xiangmu_cli.ledger.problems import Problem, suggest
from xiangmu_cli.ledger.units import UnitError, format_amount, parse_amount, parse_date, parse_month
from xiangmu_cli.ledger.units import month_key as units_month_key
from xiangmu_cli.ledger.vocab import CONFIG_FILE, LEDGERS, Ledger
from xiangmu_cli.reading.loading import load
from xiangmu_cli.reading.records import Record, Repository

__all__ = [
    "EditPlan",
    "EditError",
    "apply",
    "diff",
    "start",
    "enter_stats",
    "land",
    "finish",
    "invest",
    "visit",
    "add_problem",
    "solve_problem",
    "parse_day",
    "check_amount",
    "month_key",
    "DEFAULT_REASON",
    "yaml_value",
    "flow_mapping",
    "project_lines",
    "add_projects",
]

#: 未入统原因 written by :func:`start` when none is given.
DEFAULT_REASON = "新开工，尚未入统"
_BOM = "\ufeff"
_ISSUE_ORDER = [f.alias for f in Issue.model_fields.values()]


@dataclass
class EditPlan:
    """The new text of every file an event changes, in the order to write them."""

    changes: dict[Path, str]
    summary: str
    #: The bytes each file had when the plan was made (None: the file is new); :func:`apply`
    #: refuses to write over a file that changed since.
    originals: dict[Path, bytes | None] = field(default_factory=dict)
    #: Warnings of the edited project that the edit brings (shown, never a refusal).
    warnings: list[str] = field(default_factory=list)
    #: File mode for new files.
    new_mode: int = 0o644
    #: The ledger folder, whose lock :func:`apply` holds while writing (None: the files' grandparent).
    root: Path | None = None


class EditError(Exception):
    """An edit that cannot or must not be made. ``code`` is the exit code: 2 for usage, else 1."""

    def __init__(self, message: str, code: int = 1, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = details or []


# --- arguments ---------------------------------------------------------------------------------


def parse_day(value: date | str, option: str = "--date") -> date:
    """A date argument, or an EditError with exit code 2."""
    if isinstance(value, date):
        return value
    try:
        return parse_date(value.strip())
    except UnitError as exc:
        raise EditError(f"{option}：{exc.message}（{exc.hint}）", code=2) from None


def check_amount(value: str, option: str = "--amount") -> str:
    """An amount argument as typed (stripped), after checking it parses; exit code 2 if not."""
    text = str(value).strip()
    try:
        parse_amount(text)
    except UnitError as exc:
        raise EditError(f"{option}：{exc.message}（{exc.hint}）", code=2) from None
    return text


def month_key(value: str, option: str = "--month") -> str:
    """A month argument as ``YYYY-MM``; exit code 2 if it does not parse."""
    try:
        year, month = parse_month(str(value).strip())
    except UnitError as exc:
        raise EditError(f"{option}：{exc.message}（{exc.hint}）", code=2) from None
    return units_month_key(year, month)


def _text_arg(value: str, option: str) -> str:
    text = " ".join(str(value).split())  # one line: a ledger value is never multi-line here
    if not text:
        raise EditError(f"{option} 不能为空", code=2)
    return text


# --- YAML scalars ------------------------------------------------------------------------------

_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")


def _reads_as(snippet: str) -> Any:
    import yaml_rs

    try:
        return yaml_rs.loads(snippet, parse_datetime=False)
    except Exception:
        return None


def _scalar(value: str, flow: bool, text: bool) -> str:
    """``value`` as a YAML scalar: plain when it reads back as itself (or, for dates and amounts,
    when it reads back at all), else double-quoted."""
    plain = (
        bool(value)
        and value == value.strip()
        and not any(c in value for c in "\r\n\t")
        and value[0] not in _INDICATORS
        and ": " not in value
        and " #" not in value
        and not value.endswith(":")
        and not (flow and any(c in value for c in ",[]{}"))
    )
    if plain:
        got = _reads_as(("{k: %s}" if flow else "k: %s") % value)
        if isinstance(got, dict) and "k" in got and (got["k"] == value if text else got["k"] is not None):
            return value
    return json.dumps(value, ensure_ascii=False)


# --- one file's text and node tree -------------------------------------------------------------

#: NEL, LS and PS are line breaks to ruamel (YAML 1.1) but ordinary characters to the loader
#: (YAML 1.2): composed as spaces (same offsets), so that both see the same lines.
_NOT_BREAKS = {0x85: " ", 0x2028: " ", 0x2029: " "}


def _compose(text: str) -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).compose(text.translate(_NOT_BREAKS))


def _nodes() -> Any:
    from ruamel.yaml import nodes

    return nodes


class _Doc:
    """A file's text, its ruamel node tree, and edits at character offsets of that text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.nl = "\r\n" if "\r\n" in text else "\n"
        try:
            self.root = _compose(text)
        except Exception as exc:  # the loader accepted the file
            root = None
            if "\t" in text:
                # ruamel's pure scanner refuses a tab as separation (`名称: 甲 \t# 注释`, `- x\t`), which
                # YAML and the loader allow. The same text with spaces has the same offsets; only the
                # node tree's positions are used (values are compared with the loader's data after
                # the edit, in _verify), and what is written is sliced from the original text.
                with suppress(Exception):
                    root = _compose(text.replace("\t", " "))
            if root is None:
                raise EditError(f"无法解析文件以定位修改位置（{type(exc).__name__}）；请手工修改") from None
            self.root = root
        self._edits: list[tuple[int, int, int, str]] = []
        n = _nodes()
        self.Scalar, self.Mapping, self.Sequence = n.ScalarNode, n.MappingNode, n.SequenceNode

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

    # nodes
    def is_empty(self, node: Any) -> bool:
        return isinstance(node, self.Scalar) and node.start_mark.index == node.end_mark.index and not node.style

    def pairs(self, mapping: Any) -> list[tuple[Any, Any]]:
        return list(mapping.value)

    def get(self, mapping: Any, key: str) -> tuple[Any, Any] | None:
        return next(((k, v) for k, v in mapping.value if isinstance(k, self.Scalar) and k.value == key), None)

    def colon(self, key: Any) -> int:
        i = key.end_mark.index
        while i < len(self.text) and self.text[i] in " \t":
            i += 1
        if self.text[i : i + 1] != ":":
            raise EditError(f"无法在文件中定位键「{key.value}」的冒号；请手工修改")
        return i

    def end(self, node: Any) -> int:
        """Where the node's own text ends (comments and blank lines after it excluded)."""
        if isinstance(node, self.Scalar):
            start, stop = node.start_mark.index, node.end_mark.index
            if node.style in ("|", ">"):
                return start + len(self.text[start:stop].rstrip(" \t\r\n"))
            return stop
        if node.flow_style or not node.value:
            return node.end_mark.index
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
        i = item.start_mark.index - 1
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
        return self.trailing(self.value_end(key, value), self.key_col(mapping))

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

    # mapping edits
    def place(self, mapping: Any, key: str, order: list[str], skip: set[str]) -> tuple[str, int] | None:
        """Where ``key`` goes among the present keys (those in ``skip`` are being removed):
        ("before", i), before the first pair (in the file) that follows it in ``order``, or
        ("after", i), after the last pair (in the file) that precedes it; None if neither."""
        rank = {name: i for i, name in enumerate(order)}
        mine = rank[key]
        present = [(i, rank.get(k.value, len(order))) for i, (k, _) in enumerate(mapping.value) if k.value not in skip]
        later = [i for i, r in present if r > mine]
        if later and (later[0] > 0 or mapping.flow_style):
            return "before", later[0]
        earlier = [i for i, r in present if r < mine]
        return ("after", earlier[-1]) if earlier else None

    def set_scalar(
        self,
        mapping: Any,
        key: str,
        value: str,
        order: list[str],
        *,
        text: bool = False,
        skip: set[str] = frozenset(),
        comments: list[str] | tuple[str, ...] = (),
    ) -> str | None:
        """Set ``key`` to ``value``; returns the value's old source text (None: key was absent).

        ``comments`` (text from ``#`` on) go on their own lines above the key (and above the
        comment lines already there)."""
        rendered = _scalar(value, bool(mapping.flow_style), text)
        found = self.get(mapping, key)
        if found is None:
            self.insert_pair(mapping, key, rendered, order, skip, comments)
            return None
        k, v = found
        if not isinstance(v, self.Scalar):
            raise EditError(f"「{key}」不是单个值，无法修改；请手工修改")
        old = self.source(k, v)
        if self.is_empty(v):
            self.insert(self.colon(k) + 1, " " + rendered)
        elif old != rendered:
            self.replace(v.start_mark.index, self.end(v), rendered)
        if comments:
            indent = " " * self.key_col(mapping)
            lines = [indent + c for c in comments]
            i = next(n for n, (kk, _) in enumerate(mapping.value) if kk is k)
            if i == 0:  # on the `- ` line: below it
                self.insert_lines(self.field_end(mapping, k, v), lines)
            else:  # above the comment lines that lead to the key, which stay next to it
                limit, at = self.entry_start(mapping, i), self.bol(k.start_mark.index)
                while at > limit and self.is_comment(self.bol(at - 1)):
                    at = self.bol(at - 1)
                self.insert_lines(at, lines)
        return old

    def insert_pair(
        self,
        mapping: Any,
        key: str,
        value: str | list[str],
        order: list[str],
        skip: set[str] = frozenset(),
        comments: list[str] | tuple[str, ...] = (),
    ) -> None:
        """A new ``key: value`` (or ``key:`` and the lines of ``value``, indented under it), with
        ``comments`` on their own lines directly above it."""
        place = self.place(mapping, key, order, set(skip))
        pairs = mapping.value
        if mapping.flow_style:
            if not isinstance(value, str):
                raise EditError(f"项目写成了 {{…}} 的流式写法，无法在其中插入多行的「{key}」；请手工修改")
            if comments:
                raise EditError("内部错误：流式映射中不能插入注释行；这是 xm 的缺陷，请报告")
            if place is None:
                self.insert(mapping.start_mark.index + 1, f"{key}: {value}")
            elif place[0] == "before":
                self.insert(pairs[place[1]][0].start_mark.index, f"{key}: {value}, ")
            else:
                self.insert(self.value_end(*pairs[place[1]]), f", {key}: {value}")
            return
        if place is None:
            raise EditError(f"无法确定「{key}」的插入位置；请手工修改")
        if place[0] == "before":  # above the comment lines that lead to that key
            i = place[1]
            limit = self.field_end(mapping, *pairs[i - 1])
            at = self.bol(pairs[i][0].start_mark.index)
            while at > limit and self.is_comment(self.bol(at - 1)):
                at = self.bol(at - 1)
        else:
            at = self.field_end(mapping, *pairs[place[1]])
        indent = " " * self.key_col(mapping)
        lines = [indent + c for c in comments]
        if isinstance(value, str):
            lines.append(f"{indent}{key}: {value}")
        else:
            lines += [f"{indent}{key}:"] + [indent + line for line in value]
        self.insert_lines(at, lines)

    def entry_start(self, mapping: Any, i: int) -> int:
        """Where the ``i``-th pair's lines begin (i > 0, block mapping): after the previous
        pair's lines, so the comment (and blank) lines directly above the key are the pair's."""
        return self.field_end(mapping, *mapping.value[i - 1])

    def delete_pair(self, mapping: Any, key: str) -> list[str]:
        """Remove ``key`` with its lines: the comment (and blank) lines directly above it, its
        key and value lines, and the comment lines after it indented deeper than the key.

        Returns what the caller must put elsewhere so that no comment is lost, as lines without
        their indentation: nothing when none of those lines held a comment; else the comment
        lines from above it, its key and value lines commented out (``# 开工条件: 用地待挂牌  #
        国土局``, so a comment keeps the key it was about), and the comment lines after it. In a
        flow mapping (``{…}``) only the pair's own text goes, which holds no comment."""
        found = self.get(mapping, key)
        if found is None:
            return []
        k, v = found
        pairs = mapping.value
        i = next(n for n, (kk, _) in enumerate(pairs) if kk is k)
        if mapping.flow_style:
            if i > 0:
                self.replace(self.value_end(*pairs[i - 1]), self.value_end(k, v), "")
            elif len(pairs) > 1:
                self.replace(k.start_mark.index, pairs[1][0].start_mark.index, "")
            else:
                self.replace(k.start_mark.index, self.value_end(k, v), "")
            return []
        if i == 0 or self.text[self.bol(k.start_mark.index) : k.start_mark.index].strip():
            raise EditError(f"「{key}」与“- ”在同一行，无法删除；请手工修改")
        start, stop = self.entry_start(mapping, i), self.field_end(mapping, k, v)
        self.replace(start, stop, "")
        if not self._comments(start, stop, v):
            return []
        first, last = self.bol(k.start_mark.index), self.eol(self.value_end(k, v) - 1)
        col = self.key_col(mapping)
        own = []
        pos = first
        while pos < last:
            line = self.line(pos)
            own.append("# " + (line[col:] if not line[:col].strip(" ") else line.lstrip(" \t")))
            pos = self.eol(pos)
        return self._comments(start, first, v) + own + self._comments(last, stop, v)

    def reorder(self, mapping: Any, order: list[str]) -> None:
        """Put the pairs of ``mapping`` in the order of ``order`` (keys not in it last, as they
        are), as ``xm fmt`` does: each pair with its lines (the comment lines directly above it,
        its end-of-line comments, its value's lines and the comment lines after it indented
        deeper than the key). In a block mapping the first pair (on the ``- `` line) stays first.
        A flow mapping ``{…}`` on one line is rewritten in order; over several lines it is kept."""
        rank = {name: n for n, name in enumerate(order)}
        pairs = mapping.value

        def ranked(ids: list[int]) -> list[int]:
            return sorted(ids, key=lambda n: rank.get(pairs[n][0].value, len(order)))

        if mapping.flow_style:
            ids = ranked(list(range(len(pairs))))
            if ids == sorted(ids) or self.text.find("\n", mapping.start_mark.index, mapping.end_mark.index) >= 0:
                return
            parts = [self.text[k.start_mark.index : self.value_end(k, v)] for k, v in pairs]
            self.replace(mapping.start_mark.index, mapping.end_mark.index, "{" + ", ".join(parts[n] for n in ids) + "}")
            return
        ids = ranked(list(range(1, len(pairs))))
        if ids == sorted(ids):
            return
        spans = {n: (self.entry_start(mapping, n), self.field_end(mapping, *pairs[n])) for n in range(1, len(pairs))}
        texts = {}
        for n, (a, b) in spans.items():
            texts[n] = self.text[a:b] if self.text[a:b].endswith("\n") else self.text[a:b] + self.nl
        start, stop = spans[1][0], spans[len(pairs) - 1][1]
        new = "".join(texts[n] for n in ids)
        if Counter(new.splitlines()) != Counter(self.text[start:stop].splitlines()):
            raise EditError("内部错误：调整键的顺序时行有出入；这是 xm 的缺陷，请报告")
        self.replace(start, stop, new)

    def _comments(self, start: int, stop: int, node: Any) -> list[str]:
        """The comments in the lines [start, stop) (outside ``node``'s quoted scalars), each as
        the text from its ``#`` on."""
        spans = [
            (n.start_mark.index, n.end_mark.index) for n in _walk(node, self) if isinstance(n, self.Scalar) and n.style
        ]
        out = []
        pos = start
        while pos < stop:
            end = self.eol(pos)
            content = self.text[pos:end].rstrip("\r\n")
            for j, ch in enumerate(content):
                if ch == "#" and (j == 0 or content[j - 1] in " \t") and not any(a <= pos + j < b for a, b in spans):
                    out.append(content[j:].rstrip(" \t"))
                    break
            pos = end
        return out

    # list edits
    def append_item(
        self, mapping: Any, key: str, order: list[str], item: str | list[tuple[str, str, bool]], prefer_block: bool
    ) -> None:
        """Append ``item`` (a date, or the (key, value, is_text) pairs of a mapping) to the list ``key``."""
        found = self.get(mapping, key)

        def flow_text(flow: bool) -> str:
            if isinstance(item, str):
                return _scalar(item, flow, False)
            return "{" + ", ".join(f"{k}: {_scalar(v, True, t)}" for k, v, t in item) + "}"

        def block_lines(block: bool, offset: int) -> list[str]:
            if isinstance(item, str) or not block:
                return ["- " + flow_text(False)]
            pad = " " * offset
            first, *rest = [f"{k}: {_scalar(v, False, t)}" for k, v, t in item]
            return ["-" + " " * (offset - 1) + first] + [pad + line for line in rest]

        if mapping.flow_style and (found is None or self.is_empty(found[1])):  # `- {编号: …}`: `key: [item]`
            value = "[" + flow_text(True) + "]"
            if found is None:
                self.insert_pair(mapping, key, value, order)
            else:
                self.insert(self.colon(found[0]) + 1, " " + value)
            return
        if found is None or self.is_empty(found[1]):
            lines = ["  " + line for line in block_lines(prefer_block, 2)]
            if found is None:
                self.insert_pair(mapping, key, lines, order)
            else:
                indent = " " * self.key_col(mapping)
                self.insert_lines(self.eol(found[0].start_mark.index), [indent + line for line in lines])
            return
        v = found[1]
        if not isinstance(v, self.Sequence):
            raise EditError(f"「{key}」不是列表，无法追加；请手工修改")
        if v.flow_style:
            if v.value:
                self.insert(self.end(v.value[-1]), ", " + flow_text(True))
            else:
                self.insert(v.start_mark.index + 1, flow_text(True))
            return
        dash_col = self.col(self.dash(v.value[0]))
        maps = [it for it in v.value if isinstance(it, self.Mapping)]
        block = (not maps[-1].flow_style) if maps else prefer_block
        block_maps = [it for it in maps if not it.flow_style]
        offset = self.col(block_maps[-1].start_mark.index) - dash_col if block_maps else 2
        at = self.trailing(self.end(v.value[-1]), self.key_col(mapping))
        self.insert_lines(at, [" " * dash_col + line for line in block_lines(block, max(offset, 2))])


def _walk(node: Any, doc: _Doc) -> Iterator[Any]:
    yield node
    if isinstance(node, doc.Mapping):
        for k, v in node.value:
            yield from _walk(k, doc)
            yield from _walk(v, doc)
    elif isinstance(node, doc.Sequence):
        for item in node.value:
            yield from _walk(item, doc)


# --- the project list: cut a project's block, append one --------------------------------------


def _project_list(doc: _Doc) -> tuple[Any, Any]:
    found = doc.get(doc.root, "项目") if isinstance(doc.root, doc.Mapping) else None
    if found is None:
        raise EditError("文件中没有 项目 列表")
    return found


def _item(doc: _Doc, index: int, code: str) -> Any:
    _, seq = _project_list(doc)
    if not isinstance(seq, doc.Sequence) or index >= len(seq.value):
        raise EditError(f"在文件中找不到项目 {code}")
    item = seq.value[index]
    found = doc.get(item, "编号") if isinstance(item, doc.Mapping) else None
    if found is None or found[1].value != code:
        raise EditError(f"在文件中找不到项目 {code}")
    return item


def _located(repo: Repository, doc: _Doc, record: Record) -> Any:
    """The record's item in the file's node tree; not found only if the file changed since loading."""
    try:
        return _item(doc, record.index, record.project.code)
    except EditError:
        _changed_meanwhile(repo)
        raise


@dataclass
class _Cut:
    text: str  # the source without the project
    block: str  # the project's lines
    dash_col: int
    blank_separated: bool


def _cut(doc: _Doc, index: int) -> _Cut:
    key, seq = _project_list(doc)
    if seq.flow_style:
        raise EditError("项目 写成了流式列表 [...]，无法自动移动；请把每个项目改成以“- ”开头的写法")
    items = seq.value
    dashes = [doc.dash(it) for it in items]
    dash_col = doc.col(dashes[0])
    claimed = [doc.trailing(doc.end(it), dash_col) for it in items]
    head = doc.eol(key.start_mark.index)

    def lead(i: int) -> int:
        limit = claimed[i - 1] if i > 0 else head
        start = doc.bol(dashes[i])
        while start > limit and doc.is_comment(doc.bol(start - 1)):
            start = doc.bol(start - 1)
        return start

    def blank_between(i: int) -> bool:
        pos = claimed[i]
        while pos < lead(i + 1):
            if doc.is_blank(pos):
                return True
            pos = doc.eol(pos)
        return False

    start, stop = lead(index), claimed[index]
    block = doc.text[start:stop]
    if not block.endswith("\n"):
        block += doc.nl
    has_prev, has_next = index > 0, index < len(items) - 1
    separated = blank_between(index) if has_next else blank_between(index - 1) if has_prev else True
    cut_start, cut_stop = start, stop
    before_blank = start > (claimed[index - 1] if has_prev else head) and doc.is_blank(doc.bol(start - 1))
    if has_next and (not has_prev or before_blank):
        while doc.is_blank(cut_stop):
            cut_stop = doc.eol(cut_stop)
    elif has_prev and not has_next:
        while cut_start > claimed[index - 1] and doc.is_blank(doc.bol(cut_start - 1)):
            cut_start = doc.bol(cut_start - 1)
    doc.replace(cut_start, cut_stop, "")
    if not has_prev and not has_next:
        doc.insert(doc.colon(key) + 1, " []")
    return _Cut(doc.result(), block, dash_col, separated)


def _reindent(block: str, delta: int) -> str:
    out = []
    for line in re.findall(r"[^\n]*\n|[^\n]+$", block):  # split at line feeds only (not at NEL, LS, PS)
        if not line.strip() or delta == 0:
            out.append(line)
        elif delta > 0:
            out.append(" " * delta + line)
        else:
            spaces = len(line) - len(line.lstrip(" "))
            out.append(line[min(spaces, -delta) :])
    return "".join(out)


def _append(doc: _Doc, cut: _Cut) -> str:
    key, seq = _project_list(doc)
    nl_block = cut.block.replace("\r\n", "\n").replace("\n", doc.nl)
    if isinstance(seq, doc.Sequence) and seq.value and seq.flow_style:
        raise EditError("目标台账的 项目 写成了流式列表 [...]，无法自动追加；请把每个项目改成以“- ”开头的写法")
    if isinstance(seq, doc.Sequence) and seq.value:
        items = seq.value
        dash_col = doc.col(doc.dash(items[0]))
        at = doc.trailing(doc.end(items[-1]), dash_col)
        if len(items) >= 2:
            prev_end = doc.trailing(doc.end(items[-2]), dash_col)
            pos, separated = prev_end, False
            while pos < doc.bol(doc.dash(items[-1])):
                separated = separated or doc.is_blank(pos)
                pos = doc.eol(pos)
        else:
            separated = cut.blank_separated
        block = (doc.nl if separated else "") + _reindent(nl_block, dash_col - cut.dash_col)
    elif isinstance(seq, doc.Sequence) or doc.is_empty(seq):
        if isinstance(seq, doc.Sequence):  # 项目: []
            doc.replace(doc.colon(key) + 1, seq.end_mark.index, "")
        at = doc.eol(key.start_mark.index)
        block = nl_block
    else:
        raise EditError("目标台账的 项目 不是列表")
    if at == len(doc.text) and doc.text and not doc.text.endswith("\n"):
        block = doc.nl + block
    doc.insert(at, block)
    return doc.result()


def _new_file(region: str, ledger: Ledger, cut: _Cut, nl: str) -> str:
    header = [
        f"# yaml-language-server: $schema=../../schemas/{ledger.value}.schema.json",
        f"地区: {_scalar(region, False, True)}",
        f"台账: {ledger.value}",
        "项目:",
    ]
    block = cut.block.replace("\r\n", "\n").replace("\n", nl)
    return "".join(line + nl for line in header) + _reindent(block, 2 - cut.dash_col)


# --- the repository: finding projects, reading and verifying ----------------------------------

_STARTED = (Ledger.BUILDING, Ledger.UNSTAT)
_ALL = tuple(Ledger)


def _order(ledger: Ledger) -> list[str]:
    return [f.alias or name for name, f in PROJECT_MODELS[ledger].model_fields.items()]


def _find(repo: Repository, code: str, command: str, ledgers: tuple[Ledger, ...]) -> Record:
    if repo.config is None:
        raise EditError(f"{repo.config_file} 缺失或有错误，无法修改台账；请先运行 xm validate 并改正")
    written = [(c, f) for c, f, _ in repo.ids if c == code]
    matches = [r for r in repo.records if r.project.code == code]
    if len(written) > 1 or len(matches) > 1:
        where = "、".join(sorted({f for _, f in written}))
        raise EditError(f"编号「{code}」重复（{where}），无法确定要修改哪一个；请先运行 xm validate 并改正")
    if not matches:
        if written:
            raise EditError(f"项目 {code} 所在的 {written[0][1]} 有错误，无法修改；请先运行 xm validate 并改正")
        known = sorted({c for c, _, _ in repo.ids})
        same = [c for c in known if c.lower() == code.lower()]
        close = same or suggest(code, known, cutoff=0.6, n=3)
        hint = f"，是否应为 {'、'.join(close)}？" if close else "；用 xm list 查看项目编号"
        raise EditError(f"没有编号为「{code}」的项目{hint}")
    record = matches[0]
    if record.ledger not in ledgers:
        allowed = "、".join(lg.value for lg in ledgers)
        hint = _WRONG_LEDGER_HINTS.get((command, record.ledger), "")
        raise EditError(
            f"项目 {code}（{record.project.name}）在 {record.file}（{record.ledger.value}台账），"
            f"{command} 只用于{allowed}台账中的项目" + (f"；{hint}" if hint else "")
        )
    return record


_NOT_STARTED = "项目尚未开工（开工用 xm start）"
_WRONG_LEDGER_HINTS = {
    ("xm start", Ledger.BUILDING): "项目已开工并已入统",
    ("xm start", Ledger.UNSTAT): "项目已开工（入统用 xm enter-stats）",
    ("xm start", Ledger.INVESTMENT): "招商项目先落地（xm land）进入计划开工台账",
    ("xm enter-stats", Ledger.BUILDING): "项目已入统",
    ("xm enter-stats", Ledger.PLANNED): _NOT_STARTED,
    ("xm enter-stats", Ledger.INVESTMENT): "招商项目尚未落地",
    ("xm land", Ledger.PLANNED): "项目已落地",
    ("xm land", Ledger.BUILDING): "项目已落地并开工",
    ("xm land", Ledger.UNSTAT): "项目已落地并开工",
    ("xm finish", Ledger.PLANNED): _NOT_STARTED,
    ("xm finish", Ledger.INVESTMENT): "招商项目尚未落地开工",
    ("xm invest", Ledger.PLANNED): _NOT_STARTED,
    ("xm invest", Ledger.INVESTMENT): "招商项目尚未落地开工",
}


def _path_of(repo: Repository, record: Record) -> Path:
    return next(lf.path for lf in repo.files if lf.file == record.file)


def _check_clean(repo: Repository, paths: list[Path]) -> None:
    files = {display_path(p) for p in paths} | {repo.config_file}
    errors = [p for p in repo.errors if p.file in files]
    if errors:
        where = "、".join(sorted({p.file for p in errors}))
        raise EditError(f"{where} 有 {len(errors)} 个错误，不能自动修改；请先运行 xm validate 并改正")


@dataclass
class _File:
    path: Path
    raw: bytes
    text: str  # without the BOM; lone-CR line breaks read as LF
    bom: bool
    cr: bool = False  # the line breaks are lone CRs (old Mac): written back as CR

    def output(self, text: str) -> str:
        return (_BOM if self.bom else "") + (text.replace("\n", "\r") if self.cr else text)


_LONE_CR = re.compile("\r(?!\n)")


def _read(path: Path) -> _File:
    """A ledger file to edit: a regular file within the size limit, in a line-break style the
    edits keep (LF, CRLF, or lone CR throughout)."""
    from xiangmu_cli.reading.yamlread import decode

    shown = display_path(path)
    try:
        raw = read_regular(path, limits.current().max_file_bytes)
    except OSError as exc:
        raise EditError(f"无法读取 {shown}：{exc.strerror or exc}") from None
    text, problems = decode(raw, shown)
    if text is None:
        raise EditError(f"{shown} 无法读取（{problems[0].message}）；请先运行 xm validate")
    cr = False
    if _LONE_CR.search(text):
        if "\n" in text:
            at = _LONE_CR.search(text).start()
            line, col = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
            raise EditError(
                f"{shown}:{line}:{col}: 换行符混用：这一行有单独的回车符（CR），其他行用 LF 换行，"
                f"无法在原有写法上自动修改；请先运行 xm fmt {shown} 统一换行（内容和注释不变），再重新运行命令"
            )
        text, cr = text.replace("\r", "\n"), True
    return _File(path, raw, text, raw.startswith(_BOM.encode()), cr)


def _dump(project: Project) -> dict[str, Any]:
    return project.model_dump()


def _intended(ledger: Ledger, data: dict[str, Any]) -> dict[str, Any]:
    return _dump(PROJECT_MODELS[ledger].model_validate(data))


def _relative(repo: Repository, base: Path) -> Callable[[Problem], str]:
    paths = {lf.file: lf.path for lf in repo.files}
    paths[repo.config_file] = base / CONFIG_FILE
    root = base.resolve()

    def rel(problem: Problem) -> str:
        path = paths.get(problem.file, Path(problem.file))
        try:
            return path.resolve().relative_to(root).as_posix()
        except (ValueError, OSError):
            return problem.file

    return rel


def _verify(
    repo: Repository,
    changes: dict[Path, str],
    intended: dict[str, tuple[str, Ledger, dict[str, Any]]],
    sources: dict[str, Record],
) -> list[str]:
    """Load the repository with ``changes`` from a temporary copy; refuse anything unintended.

    ``intended`` gives, per edited 编号, its (region, ledger, model dump) after the edit;
    ``sources`` the record it had before (absent for a new project). Returns the warnings
    about the edited projects that the edit brings (prefixed with the 编号 when several).
    """
    from xiangmu_cli.output.messages import problems_text

    root = repo.root
    with tempfile.TemporaryDirectory(prefix="xm-edit-") as tmp:
        copy = Path(tmp) / "ledgers"
        _copy_ledgers(root, copy)
        for path, text in changes.items():
            target = copy / path.resolve().relative_to(root.resolve())
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8"))
        new = load(copy)
        old_rel, new_rel = _relative(repo, root), _relative(new, copy)
        before = Counter((p.code, old_rel(p)) for p in repo.errors)
        after = Counter((p.code, new_rel(p)) for p in new.errors)
        worse = {key for key, n in after.items() if n > before[key]}
        if worse:
            bad = [p for p in new.errors if (p.code, new_rel(p)) in worse]
            sources = {}
            for p in bad:
                shown = display_path(root / new_rel(p))
                sources[shown] = copy / new_rel(p)
                p.file = shown
            raise EditError("修改后台账会出现以下错误，未写入任何文件：", details=problems_text(bad, sources))

        old_data, new_data = _snapshot(repo), _snapshot(new)
        for other in sorted(old_data.keys() | new_data.keys()):
            if other not in intended and old_data.get(other) != new_data.get(other):
                _changed_meanwhile(repo)
                raise EditError(f"修改会改变其他项目（{other}）的数据，未写入任何文件；这是 xm 的缺陷，请报告")
        for code, want in intended.items():
            got = new_data.get(code, [])
            if got != [want]:
                _changed_meanwhile(repo)
                detail = []
                if len(got) == 1:
                    detail = [
                        f"  「{k}」：得到 {got[0][2].get(k)!r}，应为 {want[2].get(k)!r}"
                        for k in want[2]
                        if got[0][2].get(k) != want[2].get(k)
                    ]
                raise EditError(
                    f"修改后项目 {code} 的数据与预期不符，未写入任何文件；这是 xm 的缺陷，请报告", details=detail
                )

        def project_warnings(r: Repository, rec: Record | None) -> Counter[tuple[str, str]]:
            if rec is None:
                return Counter()
            return Counter(
                (p.code, p.message) for p in r.warnings if p.file == rec.file and p.path[:2] == ("项目", rec.index)
            )

        out = []
        for code in intended:
            moved = next((rec for rec in new.records if rec.project.code == code), None)
            fresh = project_warnings(new, moved) - project_warnings(repo, sources.get(code))
            out += [(f"{code}：" if len(intended) > 1 else "") + f"{c} {message}" for c, message in fresh.elements()]
        return out


def _copy_ledgers(root: Path, copy: Path) -> None:
    """Copy what the loader reads, and nothing else: xiangmu.yaml and the ledger files (regular
    files within the size limit) of the region folders. Hidden entries (names starting with
    '.'), stray files and folders, links, FIFOs and devices are never opened nor walked; their
    absence can only remove problems from the copy, never add one."""
    limit = limits.current().max_file_bytes
    copy.mkdir()

    def take(src: Path, dst: Path) -> None:
        try:
            data = read_regular(src, limit)
        except OSError:  # absent, not a regular file, too large, unreadable: the loader does not read it either
            return
        dst.write_bytes(data)

    take(root / CONFIG_FILE, copy / CONFIG_FILE)
    with os.scandir(root) as entries:
        regions = [e.name for e in entries if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)]
    for region in regions:
        (copy / region).mkdir()
        for ledger in LEDGERS:
            take(root / region / ledger.filename, copy / region / ledger.filename)


def _snapshot(r: Repository) -> dict[str, list[tuple[str, Ledger, dict[str, Any]]]]:
    out: dict[str, list[tuple[str, Ledger, dict[str, Any]]]] = {}
    for rec in r.records:
        out.setdefault(rec.project.code, []).append((rec.region, rec.ledger, _dump(rec.project)))
    return out


def _changed_meanwhile(repo: Repository) -> None:
    """Before blaming xm (or the file) for a mismatch: were the ledgers changed since ``repo``
    was loaded, by a program that takes no lock (an editor)? Then that is the reason given."""
    again = load(repo.root)
    if _snapshot(again) != _snapshot(repo) or Counter((p.code, p.file) for p in again.errors) != Counter(
        (p.code, p.file) for p in repo.errors
    ):
        raise EditError("台账在读取之后被修改过（可能有人同时在编辑），未写入任何文件；请重新运行命令")


def _plan(
    repo: Repository,
    record: Record,
    files: list[_File],
    texts: list[str],
    new_files: dict[Path, str],
    ledger: Ledger,
    intended: dict[str, Any],
    summary: str,
) -> EditPlan:
    changes: dict[Path, str] = dict(new_files)
    originals: dict[Path, bytes | None] = {p: None for p in new_files}
    for f, text in zip(files, texts):
        changes[f.path] = f.output(text)
        originals[f.path] = f.raw
    code = record.project.code
    warnings = _verify(repo, changes, {code: (record.region, ledger, intended)}, {code: record})
    mode = stat.S_IMODE(files[-1].path.stat().st_mode) if files else 0o644
    return EditPlan(
        changes=changes, summary=summary, originals=originals, warnings=warnings, new_mode=mode, root=repo.root
    )


def _label(record: Record) -> str:
    return f"{record.project.code}（{record.project.name}）"


# --- moves ------------------------------------------------------------------------------------


def _move(
    repo: Repository,
    record: Record,
    target: Ledger,
    sets: list[tuple[str, str, bool]],
    intended: dict[str, Any],
    summary: str,
    anchor: str,
) -> EditPlan:
    """Edit the fields in the source, cut the project's block, put its keys in the target's
    order and append it to the target ledger.

    The keys the target does not accept are dropped; one that had comments is commented out,
    with them, directly above ``anchor`` (the key the event's date is written to), see
    :meth:`_Doc.delete_pair`."""
    src = _read(_path_of(repo, record))
    dest_path = src.path.parent / target.filename
    _check_clean(repo, [src.path, dest_path])
    doc = _Doc(src.text)
    item = _located(repo, doc, record)
    order = _order(target)
    drop = [k.value for k, _ in doc.pairs(item) if k.value not in order]
    moved: list[str] = []
    noted: list[str] = []
    for key in drop:
        lines = doc.delete_pair(item, key)
        moved += lines
        noted += [key] if lines else []
    for key, value, text in sorted(sets, key=lambda s: order.index(s[0])):
        doc.set_scalar(item, key, value, order, text=text, skip=set(drop), comments=moved if key == anchor else ())
    if moved:
        which = "" if noted == drop else f"其中 {'、'.join(noted)} "
        summary += f"（{which}连同注释改为注释行，放在 {anchor} 上方）"
    cut = _ordered(_cut(_Doc(doc.result()), record.index), order)
    new_files: dict[Path, str] = {}
    files, texts = [], []
    if dest_path.exists():
        dest = _read(dest_path)
        files.append(dest)
        texts.append(_append(_Doc(dest.text), cut))
    else:
        new_files[dest_path] = _new_file(record.region, target, cut, doc.nl)
    files.append(src)
    texts.append(cut.text)
    return _plan(repo, record, files, texts, new_files, target, intended, summary)


def _ordered(cut: _Cut, order: list[str]) -> _Cut:
    """The cut block with its project's keys in ``order`` (see :meth:`_Doc.reorder`)."""
    doc = _Doc(cut.block)
    if (
        not isinstance(doc.root, doc.Sequence)
        or len(doc.root.value) != 1
        or not isinstance(doc.root.value[0], doc.Mapping)
    ):
        raise EditError("内部错误：移动的项目块无法解析；这是 xm 的缺陷，请报告")
    doc.reorder(doc.root.value[0], order)
    return _with(cut, block=doc.result())


def _kept(record: Record, target: Ledger) -> tuple[dict[str, Any], list[str]]:
    """The record's data that the target ledger accepts, and the keys it does not (dropped)."""
    data = record.project.model_dump(by_alias=True, exclude_unset=True)
    order = _order(target)
    return {k: v for k, v in data.items() if k in order}, [k for k in data if k not in order]


def _dropped(ledger: Ledger, dropped: list[str]) -> str:
    return f"；不再保留{ledger.value}台账专用的 {'、'.join(dropped)}" if dropped else ""


def start(
    repo: Repository,
    code: str,
    day: date | str,
    plan: str | None = None,
    reason: str | None = None,
    first_start: date | str | None = None,
) -> EditPlan:
    """开工: move a project from 计划开工 to 未入统 (see the module docstring for the mapping)."""
    day = parse_day(day)
    plan = check_amount(plan, "--plan") if plan is not None else None
    reason = _text_arg(reason, "--reason") if reason is not None else DEFAULT_REASON
    first = parse_day(first_start, "--first-start") if first_start is not None else None
    record = _find(repo, code, "xm start", (Ledger.PLANNED,))
    project: Any = record.project
    nature = project.nature or "新建"
    if plan is None and project.annual_plan is None:
        raise EditError(
            f"项目 {_label(record)}没有 年度计划投资，未入统台账必须填写；请用 --plan 给出，例如 --plan 5000", code=2
        )
    if nature == "续建" and first is None:
        raise EditError(
            f"项目 {_label(record)}是续建（复工）项目：请用 --first-start 给出最初开工日期，--date 记为复工日期", code=2
        )
    if nature == "新建" and first is not None:
        raise EditError("--first-start 只用于续建项目", code=2)
    started = first if first is not None else day
    if first is not None and day < first:
        raise EditError(f"复工日期 {day} 早于最初开工日期 {first}")
    if project.land_date is not None and started < project.land_date:
        raise EditError(f"开工日期 {started} 早于落地日期 {project.land_date}")
    data, dropped = _kept(record, Ledger.UNSTAT)
    sets = [("未入统原因", reason, True)]
    if "建设性质" not in data:
        sets.append(("建设性质", "新建", True))
    if first is not None:
        sets += [("开工日期", first.isoformat(), False), ("复工日期", day.isoformat(), False)]
        data.update({"开工日期": first, "复工日期": day})
    else:
        sets.append(("开工日期", day.isoformat(), False))
        data["开工日期"] = day
    if plan is not None:
        sets.append(("年度计划投资", plan, False))
        data["年度计划投资"] = parse_amount(plan)
    data.update({"建设性质": nature, "未入统原因": reason})
    what = f"复工日期 {day}，开工日期 {first}" if first else f"开工日期 {day}"
    if plan is not None:
        before = project.annual_plan
        what += f"，年度计划投资 {plan}" + (f"（原为 {before}）" if before is not None else "")
    summary = f"{_label(record)}：计划开工 → 未入统（{what}）" + _dropped(Ledger.PLANNED, dropped)
    return _move(
        repo,
        record,
        Ledger.UNSTAT,
        sets,
        _intended(Ledger.UNSTAT, data),
        summary,
        anchor="复工日期" if first is not None else "开工日期",
    )


def enter_stats(repo: Repository, code: str, day: date | str) -> EditPlan:
    """入统: move a project from 未入统 to 在建 with 入统日期 (入统时限 kept, 未入统原因 dropped)."""
    day = parse_day(day)
    record = _find(repo, code, "xm enter-stats", (Ledger.UNSTAT,))
    project: Any = record.project
    if day < project.start_date:
        raise EditError(f"入统日期 {day} 早于开工日期 {project.start_date}")
    data, dropped = _kept(record, Ledger.BUILDING)
    data["入统日期"] = day
    summary = f"{_label(record)}：未入统 → 在建（入统日期 {day}）" + _dropped(Ledger.UNSTAT, dropped)
    return _move(
        repo,
        record,
        Ledger.BUILDING,
        [("入统日期", day.isoformat(), False)],
        _intended(Ledger.BUILDING, data),
        summary,
        anchor="入统日期",
    )


def land(repo: Repository, code: str, day: date | str, planned_start: date | str) -> EditPlan:
    """落地: move a signed 招商 project to 计划开工 with 落地日期 and 计划开工日期 (阶段 dropped;
    投资方, 来源地, 签约日期, 计划落地日期 and 重点 kept)."""
    day = parse_day(day)
    planned = parse_day(planned_start, "--planned-start")
    record = _find(repo, code, "xm land", (Ledger.INVESTMENT,))
    project: Any = record.project
    if project.stage not in ("签约", "落地"):
        raise EditError(
            f"项目 {_label(record)}还在 {project.stage} 阶段，签约后才能落地；"
            "请先在招商台账中改为 阶段: 签约 并填写 签约日期"
        )
    if project.sign_date is not None and day < project.sign_date:
        raise EditError(f"落地日期 {day} 早于签约日期 {project.sign_date}")
    if project.land_date is not None and project.land_date != day:
        raise EditError(
            f"招商台账记录的落地日期为 {project.land_date}，与 --date {day} 不一致；"
            f"请用 --date {project.land_date}，或先改正招商台账"
        )
    data, dropped = _kept(record, Ledger.PLANNED)
    data.update({"计划开工日期": planned, "落地日期": day})
    summary = f"{_label(record)}：招商 → 计划开工（落地日期 {day}，计划开工日期 {planned}）" + _dropped(
        Ledger.INVESTMENT, dropped
    )
    sets = [("计划开工日期", planned.isoformat(), False), ("落地日期", day.isoformat(), False)]
    return _move(repo, record, Ledger.PLANNED, sets, _intended(Ledger.PLANNED, data), summary, anchor="落地日期")


# --- edits in place ---------------------------------------------------------------------------


def _in_place(
    repo: Repository,
    record: Record,
    edit: Callable[[_Doc, Any], bool],
    data: dict[str, Any],
    summary: str | Callable[[], str],
) -> EditPlan:
    src = _read(_path_of(repo, record))
    _check_clean(repo, [src.path])
    doc = _Doc(src.text)
    item = _located(repo, doc, record)
    changed = edit(doc, item)
    text = summary() if callable(summary) else summary
    if not changed:
        return EditPlan(changes={}, summary=f"无需修改：{text}")
    return _plan(repo, record, [src], [doc.result()], {}, record.ledger, _intended(record.ledger, data), text)


def finish(repo: Repository, code: str, day: date | str) -> EditPlan:
    """竣工: set 竣工日期 on a started project."""
    day = parse_day(day)
    record = _find(repo, code, "xm finish", _STARTED)
    data = record.project.model_dump(by_alias=True, exclude_unset=True)
    old = data.get("竣工日期")
    data["竣工日期"] = day
    summary = f"{_label(record)}：竣工日期 {day}" + (f"（原为 {old}）" if old not in (None, day) else "")

    def edit(doc: _Doc, item: Any) -> bool:
        return doc.set_scalar(item, "竣工日期", day.isoformat(), _order(record.ledger)) != _scalar(
            day.isoformat(), bool(item.flow_style), False
        )

    return _in_place(repo, record, edit, data, summary)


def invest(repo: Repository, code: str, month: str, amount: str) -> EditPlan:
    """完成投资: set the month's amount (added in month order, or replaced), written as typed."""
    key = month_key(month)
    amount = check_amount(amount)
    record = _find(repo, code, "xm invest", _STARTED)
    data = record.project.model_dump(by_alias=True, exclude_unset=True)
    monthly = dict(data.get("完成投资") or {})
    monthly[key] = parse_amount(amount)
    data["完成投资"] = monthly
    changed: list[str] = []

    def edit(doc: _Doc, item: Any) -> bool:
        order = _order(record.ledger)
        found = doc.get(item, "完成投资")
        block = f"{key}: {_scalar(amount, False, False)}"
        inline = "{" + f"{key}: {_scalar(amount, True, False)}" + "}"  # in a `- {编号: …}` project
        if found is None:
            doc.insert_pair(item, "完成投资", inline if item.flow_style else ["  " + block], order)
            return True
        k, v = found
        if doc.is_empty(v):
            if item.flow_style:
                doc.insert(doc.colon(k) + 1, " " + inline)
            else:
                doc.insert_lines(doc.eol(k.start_mark.index), [" " * (doc.key_col(item) + 2) + block])
            return True
        if not isinstance(v, doc.Mapping):
            raise EditError("「完成投资」不是映射（YYYY-MM: 金额），无法修改；请手工修改")
        flow = bool(v.flow_style)
        rendered = _scalar(amount, flow, False)
        months = []
        for mk, mv in v.value:
            try:
                months.append(("%04d-%02d" % parse_month(mk.value), mk, mv))
            except UnitError:
                raise EditError(f"完成投资 中的月份「{mk.value}」无效；请先运行 xm validate 并改正") from None
        same = next(((mk, mv) for m, mk, mv in months if m == key), None)
        if same is not None:
            source = doc.source(*same)
            if source == rendered:
                return False
            changed.append(source)
            doc.set_scalar(v, same[0].value, amount, [same[0].value])
            return True
        later = next(((mk, mv) for m, mk, mv in months if m > key), None)
        quote = later[0] if later is not None else months[-1][1] if months else None
        written = f"{quote.style}{key}{quote.style}" if quote is not None and quote.style in ("'", '"') else key
        if flow:
            if later is not None:
                doc.insert(later[0].start_mark.index, f"{written}: {rendered}, ")
            elif months:
                doc.insert(doc.value_end(months[-1][1], months[-1][2]), f", {written}: {rendered}")
            else:
                doc.insert(v.start_mark.index + 1, f"{written}: {rendered}")
            return True
        col = doc.key_col(v)
        line = " " * col + f"{written}: {rendered}"
        if later is not None:
            i = next(n for n, (mk, _) in enumerate(v.value) if mk is later[0])
            limit = doc.field_end(v, *v.value[i - 1]) if i > 0 else doc.eol(k.start_mark.index)
            at = doc.bol(later[0].start_mark.index)
            while at > limit and doc.is_comment(doc.bol(at - 1)):
                at = doc.bol(at - 1)
            doc.insert_lines(at, [line])
        else:
            doc.insert_lines(doc.field_end(v, *v.value[-1]), [line])
        return True

    def summary() -> str:
        return f"{_label(record)}：完成投资 {key} = {amount}" + (f"（原为 {changed[0]}）" if changed else "")

    return _in_place(repo, record, edit, data, summary)


def visit(repo: Repository, code: str, day: date | str, note: str | None = None) -> EditPlan:
    """走访: append a visit (a bare date, or {日期, 内容} with a note)."""
    day = parse_day(day)
    note = _text_arg(note, "--note") if note is not None else None
    record = _find(repo, code, "xm visit", _ALL)
    data = record.project.model_dump(by_alias=True, exclude_unset=True)
    data["走访"] = list(data.get("走访") or []) + [{"日期": day, **({"内容": note} if note else {})}]
    item_value: str | list[tuple[str, str, bool]] = (
        [("日期", day.isoformat(), False), ("内容", note, True)] if note else day.isoformat()
    )

    def edit(doc: _Doc, item: Any) -> bool:
        doc.append_item(item, "走访", _order(record.ledger), item_value, prefer_block=False)
        return True

    summary = f"{_label(record)}：新增走访 {day}" + (f"（{note}）" if note else "")
    return _in_place(repo, record, edit, data, summary)


def add_problem(
    repo: Repository,
    code: str,
    day: date | str,
    content: str,
    department: str | None = None,
    deadline: date | str | None = None,
) -> EditPlan:
    """问题: append a problem to the project's 问题 list."""
    day = parse_day(day)
    content = _text_arg(content, "--content")
    department = _text_arg(department, "--department") if department is not None else None
    due = parse_day(deadline, "--deadline") if deadline is not None else None
    record = _find(repo, code, "xm problem add", _ALL)
    data = record.project.model_dump(by_alias=True, exclude_unset=True)
    issue: dict[str, Any] = {"提出日期": day, "内容": content}
    pairs = [("提出日期", day.isoformat(), False), ("内容", content, True)]
    if department is not None:
        issue["责任单位"] = department
        pairs.append(("责任单位", department, True))
    if due is not None:
        issue["时限"] = due
        pairs.append(("时限", due.isoformat(), False))
    data["问题"] = list(data.get("问题") or []) + [issue]

    def edit(doc: _Doc, item: Any) -> bool:
        doc.append_item(item, "问题", _order(record.ledger), pairs, prefer_block=True)
        return True

    number = len(data["问题"])
    summary = f"{_label(record)}：新增问题 {number}「{content}」"
    return _in_place(repo, record, edit, data, summary)


def solve_problem(repo: Repository, code: str, number: int, day: date | str, how: str | None = None) -> EditPlan:
    """问题解决: set 解决日期 (and 解决情况) of the project's ``number``-th problem (1-based)."""
    day = parse_day(day)
    how = _text_arg(how, "--how") if how is not None else None
    if number < 1:
        raise EditError(f"问题序号应从 1 开始，实际为 {number}", code=2)
    record = _find(repo, code, "xm problem solve", _ALL)
    data = record.project.model_dump(by_alias=True, exclude_unset=True)
    issues = list(data.get("问题") or [])
    if number > len(issues):
        have = f"只有 {len(issues)} 个问题" if issues else "没有问题"
        raise EditError(f"项目 {_label(record)}{have}，没有第 {number} 个")
    issue = dict(issues[number - 1])
    old = issue.get("解决日期")
    issue["解决日期"] = day
    if how is not None:
        issue["解决情况"] = how
    issues[number - 1] = issue
    data["问题"] = issues

    def edit(doc: _Doc, item: Any) -> bool:
        found = doc.get(item, "问题")
        if found is None or not isinstance(found[1], doc.Sequence):
            raise EditError("在文件中找不到 问题 列表")
        node = found[1].value[number - 1]
        if not isinstance(node, doc.Mapping):
            raise EditError(f"第 {number} 个问题不是映射，无法修改；请手工修改")
        before = doc.result()
        doc.set_scalar(node, "解决日期", day.isoformat(), _ISSUE_ORDER)
        if how is not None:
            doc.set_scalar(node, "解决情况", how, _ISSUE_ORDER, text=True)
        return doc.result() != before

    summary = f"{_label(record)}：问题 {number}「{issue['内容']}」已解决（{day}）"
    if old is not None and old != day:
        summary += f"，原解决日期 {old}"
    return _in_place(repo, record, edit, data, summary)


# --- new projects (xm import) -----------------------------------------------------------------


def yaml_value(value: Any, flow: bool = False) -> str:
    """A ledger scalar (text, Decimal amount, date, bool) as YAML that reads back as the same value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return _scalar(format_amount(value), flow, False)
    if isinstance(value, date):
        return value.isoformat()
    return _scalar(str(value), flow, True)


def flow_mapping(data: dict[str, Any]) -> str:
    """``{k: v, …}`` of the given (non-None) values, on one line."""
    return "{" + ", ".join(f"{k}: {yaml_value(v, True)}" for k, v in data.items() if v is not None) + "}"


def project_lines(data: dict[str, Any]) -> list[str]:
    """A project (a model dump by alias, in the model's key order) as the lines of a ``- 编号: …``
    list item at column 0, in the layout of ``xm fmt``: 完成投资 months as a block mapping, 走访
    as bare dates or ``{日期, 内容}``, 问题 as block mappings, 前期手续 as flow mappings."""
    lines: list[str] = []
    for key, value in data.items():
        if value is None or value == [] or value == {}:
            continue
        if key == "完成投资":
            lines += [f"{key}:"] + [f"  {m}: {yaml_value(v)}" for m, v in sorted(value.items())]
        elif key == "问题":
            lines.append(f"{key}:")
            for issue in value:
                pairs = [f"{k}: {yaml_value(v)}" for k, v in issue.items() if v is not None]
                lines += [f"  - {pairs[0]}"] + [f"    {pair}" for pair in pairs[1:]]
        elif key in ("走访", "前期手续"):
            lines.append(f"{key}:")
            for item in value:
                bare = key == "走访" and item.get("内容") is None
                lines.append("  - " + (yaml_value(item["日期"]) if bare else flow_mapping(item)))
        else:
            lines.append(f"{key}: {yaml_value(value)}")
    return ["- " + lines[0]] + ["  " + line for line in lines[1:]]


def add_projects(
    repo: Repository, groups: list[tuple[str, Ledger, list[dict[str, Any]], str]], summary: str
) -> EditPlan:
    """Append new projects to ledger files: per (region, ledger, projects, comment), the comment
    line then the projects (dicts keyed by the Chinese keys) at the end of the file's 项目 list,
    the file created with the standard header when absent. Verified like every edit: no new
    error, each project loads as intended, no other project changes."""
    if repo.config is None:
        raise EditError(f"{repo.config_file} 缺失或有错误，无法修改台账；请先运行 xm validate 并改正")
    changes: dict[Path, str] = {}
    originals: dict[Path, bytes | None] = {}
    intended: dict[str, tuple[str, Ledger, dict[str, Any]]] = {}
    for region, ledger, projects, comment in groups:
        path = repo.root / region / ledger.filename
        lines = [f"# {comment}"]
        for i, data in enumerate(projects):
            lines += ([""] if i else []) + project_lines(data)
            intended[data["编号"]] = (region, ledger, _intended(ledger, data))
        cut = _Cut("", "".join(line + "\n" for line in lines), 0, True)
        if path in changes:
            raise EditError(f"内部错误：{display_path(path)} 出现两次；这是 xm 的缺陷，请报告")
        if path.exists():
            _check_clean(repo, [path])
            dest = _read(path)
            changes[path], originals[path] = dest.output(_append(_Doc(dest.text), cut)), dest.raw
        else:
            changes[path], originals[path] = _new_file(region, ledger, cut, "\n"), None
    warnings = _verify(repo, changes, intended, {})
    return EditPlan(changes=changes, summary=summary, originals=originals, warnings=warnings, root=repo.root)


# --- writing ----------------------------------------------------------------------------------


def diff(plan: EditPlan) -> str:
    """The plan as a unified diff (for --dry-run)."""
    out = []
    for path, text in plan.changes.items():
        before = plan.originals.get(path)
        old = before.decode("utf-8-sig") if before is not None else ""
        name = display_path(path)
        out += difflib.unified_diff(
            old.splitlines(keepends=True),
            text.lstrip(_BOM).splitlines(keepends=True),
            "/dev/null" if before is None else f"a/{name}",
            f"b/{name}",
        )
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)


def apply(plan: EditPlan) -> list[Path]:
    """Write the plan's files atomically, in order; refuse if any changed since the plan was made.

    Holds the ledger lock (waiting for another command that holds it, see
    :func:`fileio.ledger_lock`) from the check to the last rename, so two commands never both
    pass the check and overwrite each other. The commands already hold it from loading on.
    """
    if not plan.changes:
        return []
    root = plan.root if plan.root is not None else next(iter(plan.changes)).parent.parent
    try:
        with ledger_lock(root):
            return _write(plan)
    except LockError as exc:
        raise EditError(str(exc)) from None


def _write(plan: EditPlan) -> list[Path]:
    for path, before in plan.originals.items():
        try:
            same = unchanged(path, before)
        except OSError as exc:
            raise EditError(f"无法读取 {display_path(path)}：{exc.strerror or exc}") from None
        if not same:
            raise EditError(f"{display_path(path)} 在此期间被修改过，未写入任何文件；请重新运行命令")
    written: list[Path] = []
    for path, text in plan.changes.items():
        try:
            if plan.originals.get(path) is None:
                path.parent.mkdir(parents=True, exist_ok=True)  # a new region folder (xm import)
            write_atomic(path, text.encode("utf-8"), plan.new_mode, expected=plan.originals.get(path, UNCHECKED))
        except OSError as exc:
            done = "；已写入 " + "、".join(display_path(p) for p in written) if written else ""
            raise EditError(
                f"写入 {display_path(path)} 失败：{exc.strerror or exc}{done}"
                + ("，请检查这些文件，避免项目重复" if written else "")
            ) from None
        written.append(path)
    return written
