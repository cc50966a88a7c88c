"""Edits of a mapping's keys in a :class:`~xiangmu_cli.write.document.Doc`: set, insert, delete, reorder.

A key's lines (what moves with it when keys are reordered, and what goes when it is dropped) are:
the comment and blank lines directly above it (after the previous key's lines), its key and value
lines with their end-of-line comments, and the comment lines after it indented deeper than the
key. In a block mapping the first key (on the ``- `` line) stays first; a flow mapping ``{…}`` on
one line is rewritten in order (``{k: v, …}``, each pair's text as written); one written over
several lines keeps its order. In a flow mapping a dropped pair's text goes with its comma (no
comment is inside a pair).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from typing import Any

from xiangmu_cli.write.document import Doc
from xiangmu_cli.write.plan import EditError
from xiangmu_cli.write.scalars import scalar

__all__ = ["place", "set_scalar", "insert_pair", "delete_pair", "reorder"]


def place(doc: Doc, mapping: Any, key: str, order: list[str], skip: AbstractSet[str]) -> tuple[str, int] | None:
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
    doc: Doc,
    mapping: Any,
    key: str,
    value: str,
    order: list[str],
    *,
    text: bool = False,
    skip: AbstractSet[str] = frozenset(),
    comments: Sequence[str] = (),
) -> str | None:
    """Set ``key`` to ``value``; returns the value's old source text (None: key was absent).

    ``comments`` (text from ``#`` on) go on their own lines above the key (and above the
    comment lines already there)."""
    rendered = scalar(value, bool(mapping.flow_style), text)
    found = doc.get(mapping, key)
    if found is None:
        insert_pair(doc, mapping, key, rendered, order, skip, comments)
        return None
    k, v = found
    if not isinstance(v, doc.Scalar):
        raise EditError(f"「{key}」不是单个值，无法修改；请手工修改")
    old = doc.source(k, v)
    if doc.is_empty(v):
        doc.insert(doc.colon(k) + 1, " " + rendered)
    elif old != rendered:
        doc.replace(v.start_mark.index, doc.end(v), rendered)
    if comments:
        _comment_lines_above(doc, mapping, k, v, [" " * doc.key_col(mapping) + c for c in comments])
    return old


def _comment_lines_above(doc: Doc, mapping: Any, k: Any, v: Any, lines: list[str]) -> None:
    """``lines`` above the pair ``k: v`` and the comment lines that lead to it, which stay next to it."""
    i = doc.index(mapping, k)
    if i == 0:  # on the `- ` line: below it
        doc.insert_lines(doc.field_end(mapping, k, v), lines)
    else:
        doc.insert_lines(doc.comments_above(doc.bol(k.start_mark.index), doc.entry_start(mapping, i)), lines)


def insert_pair(
    doc: Doc,
    mapping: Any,
    key: str,
    value: str | list[str],
    order: list[str],
    skip: AbstractSet[str] = frozenset(),
    comments: Sequence[str] = (),
) -> None:
    """A new ``key: value`` (or ``key:`` and the lines of ``value``, indented under it), with
    ``comments`` on their own lines directly above it."""
    where = place(doc, mapping, key, order, set(skip))
    pairs = mapping.value
    if mapping.flow_style:
        _insert_flow_pair(doc, mapping, key, value, where, comments)
        return
    if where is None:
        raise EditError(f"无法确定「{key}」的插入位置；请手工修改")
    if where[0] == "before":  # above the comment lines that lead to that key
        i = where[1]
        at = doc.comments_above(doc.bol(pairs[i][0].start_mark.index), doc.field_end(mapping, *pairs[i - 1]))
    else:
        at = doc.field_end(mapping, *pairs[where[1]])
    indent = " " * doc.key_col(mapping)
    lines = [indent + c for c in comments]
    if isinstance(value, str):
        lines.append(f"{indent}{key}: {value}")
    else:
        lines += [f"{indent}{key}:"] + [indent + line for line in value]
    doc.insert_lines(at, lines)


def _insert_flow_pair(
    doc: Doc, mapping: Any, key: str, value: str | list[str], where: tuple[str, int] | None, comments: Sequence[str]
) -> None:
    if not isinstance(value, str):
        raise EditError(f"项目写成了 {{…}} 的流式写法，无法在其中插入多行的「{key}」；请手工修改")
    if comments:
        raise EditError("内部错误：流式映射中不能插入注释行；这是 xm 的缺陷，请报告")
    pairs = mapping.value
    if where is None:
        doc.insert(mapping.start_mark.index + 1, f"{key}: {value}")
    elif where[0] == "before":
        doc.insert(pairs[where[1]][0].start_mark.index, f"{key}: {value}, ")
    else:
        doc.insert(doc.value_end(*pairs[where[1]]), f", {key}: {value}")


def delete_pair(doc: Doc, mapping: Any, key: str) -> list[str]:
    """Remove ``key`` with its lines: the comment (and blank) lines directly above it, its
    key and value lines, and the comment lines after it indented deeper than the key.

    Returns what the caller must put elsewhere so that no comment is lost, as lines without
    their indentation: nothing when none of those lines held a comment; else the comment
    lines from above it, its key and value lines commented out (``# 开工条件: 用地待挂牌  #
    国土局``, so a comment keeps the key it was about), and the comment lines after it. In a
    flow mapping (``{…}``) only the pair's own text goes, which holds no comment."""
    found = doc.get(mapping, key)
    if found is None:
        return []
    k, v = found
    i = doc.index(mapping, k)
    if mapping.flow_style:
        _delete_flow_pair(doc, mapping, i)
        return []
    if i == 0 or doc.text[doc.bol(k.start_mark.index) : k.start_mark.index].strip():
        raise EditError(f"「{key}」与“- ”在同一行，无法删除；请手工修改")
    start, stop = doc.entry_start(mapping, i), doc.field_end(mapping, k, v)
    doc.replace(start, stop, "")
    if not doc.comments(start, stop):
        return []
    first, last = doc.bol(k.start_mark.index), doc.eol(doc.value_end(k, v) - 1)
    col = doc.key_col(mapping)
    own = []
    pos = first
    while pos < last:
        line = doc.line(pos)
        own.append("# " + (line[col:] if not line[:col].strip(" ") else line.lstrip(" \t")))
        pos = doc.eol(pos)
    return doc.comments(start, first) + own + doc.comments(last, stop)


def _delete_flow_pair(doc: Doc, mapping: Any, i: int) -> None:
    pairs = mapping.value
    k, v = pairs[i]
    if i > 0:
        doc.replace(doc.value_end(*pairs[i - 1]), doc.value_end(k, v), "")
    elif len(pairs) > 1:
        doc.replace(k.start_mark.index, pairs[1][0].start_mark.index, "")
    else:
        doc.replace(k.start_mark.index, doc.value_end(k, v), "")


def reorder(doc: Doc, mapping: Any, order: list[str]) -> None:
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
        if ids == sorted(ids) or doc.text.find("\n", mapping.start_mark.index, mapping.end_mark.index) >= 0:
            return
        parts = [doc.text[k.start_mark.index : doc.value_end(k, v)] for k, v in pairs]
        doc.replace(mapping.start_mark.index, mapping.end_mark.index, "{" + ", ".join(parts[n] for n in ids) + "}")
        return
    ids = ranked(list(range(1, len(pairs))))
    if ids == sorted(ids):
        return
    spans = {n: (doc.entry_start(mapping, n), doc.field_end(mapping, *pairs[n])) for n in range(1, len(pairs))}
    texts = {}
    for n, (a, b) in spans.items():
        texts[n] = doc.text[a:b] if doc.text[a:b].endswith("\n") else doc.text[a:b] + doc.nl
    start, stop = spans[1][0], spans[len(pairs) - 1][1]
    new = "".join(texts[n] for n in ids)
    if Counter(new.splitlines()) != Counter(doc.text[start:stop].splitlines()):
        raise EditError("内部错误：调整键的顺序时行有出入；这是 xm 的缺陷，请报告")
    doc.replace(start, stop, new)
