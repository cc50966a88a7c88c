"""A ledger file's 项目 list: a project's item, cutting a project's block, appending one, a new file.

A project's block of lines is: the comment lines directly above its ``- 编号`` line (up to a blank
line, or the end of the previous project), its own lines, and the comment lines after it indented
deeper than its ``-``. A move cuts the block from the source (with one blank separator line, so
the file keeps its spacing; a source left without projects gets ``项目: []``), puts its keys in
the target's order (:func:`ordered`), re-indents it to the destination's ``-`` column and appends
it to the destination's 项目 list (after one blank line when the destination separates its
projects by blank lines), or makes the destination with the standard header (:func:`new_file`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from dataclasses import replace as _with
from typing import Any

from xiangmu_cli.ledger.vocab import Ledger
from xiangmu_cli.write.document import Doc
from xiangmu_cli.write.indent import reindent
from xiangmu_cli.write.pairs import reorder
from xiangmu_cli.write.plan import EditError
from xiangmu_cli.write.scalars import scalar

__all__ = ["Cut", "project_list", "item_at", "cut", "cut_all", "append", "new_file", "ordered"]


def project_list(doc: Doc) -> tuple[Any, Any]:
    """The key and value nodes of the file's 项目."""
    found = doc.get(doc.root, "项目") if isinstance(doc.root, doc.Mapping) else None
    if found is None:
        raise EditError("文件中没有 项目 列表")
    return found


def item_at(doc: Doc, index: int, code: str) -> Any:
    """The ``index``-th project's node, which must be the one numbered ``code``."""
    _, seq = project_list(doc)
    if not isinstance(seq, doc.Sequence) or index >= len(seq.value):
        raise EditError(f"在文件中找不到项目 {code}")
    item = seq.value[index]
    found = doc.get(item, "编号") if isinstance(item, doc.Mapping) else None
    if found is None or found[1].value != code:
        raise EditError(f"在文件中找不到项目 {code}")
    return item


@dataclass
class Cut:
    text: str  # the source without the project
    block: str  # the project's lines
    dash_col: int
    blank_separated: bool


class _Blocks:
    """Where the blocks of the projects of a block sequence begin and end."""

    def __init__(self, doc: Doc, key: Any, items: list[Any]) -> None:
        self.doc = doc
        self.dashes = [doc.dash(it) for it in items]
        self.dash_col = doc.col(self.dashes[0])
        #: Where each item's lines end (with the comment lines after it indented deeper than its dash).
        self.claimed = [doc.trailing(doc.end(it), self.dash_col) for it in items]
        self.head = doc.eol(key.start_mark.index)

    def lead(self, i: int) -> int:
        """Where the ``i``-th block begins: the comment lines directly above its dash line."""
        limit = self.claimed[i - 1] if i > 0 else self.head
        return self.doc.comments_above(self.doc.bol(self.dashes[i]), limit)

    def blank_between(self, i: int) -> bool:
        """A blank line between the ``i``-th block and the next."""
        pos = self.claimed[i]
        while pos < self.lead(i + 1):
            if self.doc.is_blank(pos):
                return True
            pos = self.doc.eol(pos)
        return False


def cut(doc: Doc, index: int) -> Cut:
    """The ``index``-th project's block, and the text without it."""
    key, seq = project_list(doc)
    if seq.flow_style:
        raise EditError("项目 写成了流式列表 [...]，无法自动移动；请把每个项目改成以“- ”开头的写法")
    items = seq.value
    blocks = _Blocks(doc, key, items)
    start, stop = blocks.lead(index), blocks.claimed[index]
    block = doc.text[start:stop]
    if not block.endswith("\n"):
        block += doc.nl
    has_prev, has_next = index > 0, index < len(items) - 1
    separated = blocks.blank_between(index) if has_next else blocks.blank_between(index - 1) if has_prev else True
    cut_start, cut_stop = start, stop
    before_blank = start > (blocks.claimed[index - 1] if has_prev else blocks.head) and doc.is_blank(doc.bol(start - 1))
    if has_next and (not has_prev or before_blank):
        while doc.is_blank(cut_stop):
            cut_stop = doc.eol(cut_stop)
    elif has_prev and not has_next:
        while cut_start > blocks.claimed[index - 1] and doc.is_blank(doc.bol(cut_start - 1)):
            cut_start = doc.bol(cut_start - 1)
    doc.replace(cut_start, cut_stop, "")
    if not has_prev and not has_next:
        doc.insert(doc.colon(key) + 1, " []")
    return Cut(doc.result(), block, blocks.dash_col, separated)


def cut_all(doc: Doc, indices: Collection[int]) -> str:
    """The text of ``doc`` without the projects at ``indices`` (xm rollover's retired projects),
    with the edits already made in ``doc`` (none may overlap the blocks cut).

    Each run of consecutive projects goes as one block, with its separator lines, as :func:`cut`
    takes one (the file keeps its spacing); a list left without projects gets ``项目: []``.
    """
    if not indices:
        return doc.result()
    key, seq = project_list(doc)
    if seq.flow_style:
        raise EditError("项目 写成了流式列表 [...]，无法自动移出项目；请把每个项目改成以“- ”开头的写法")
    items = seq.value
    blocks = _Blocks(doc, key, items)
    runs: list[list[int]] = []
    for i in sorted(set(indices)):
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        first, last = run[0], run[-1]
        start, stop = blocks.lead(first), blocks.claimed[last]
        has_prev, has_next = first > 0, last < len(items) - 1
        before = blocks.claimed[first - 1] if has_prev else blocks.head
        before_blank = start > before and doc.is_blank(doc.bol(start - 1))
        if has_next and (not has_prev or before_blank):
            while doc.is_blank(stop):
                stop = doc.eol(stop)
        elif has_prev and not has_next:
            while start > before and doc.is_blank(doc.bol(start - 1)):
                start = doc.bol(start - 1)
        doc.replace(start, stop, "")
    if len(runs) == 1 and len(runs[0]) == len(items):
        doc.insert(doc.colon(key) + 1, " []")
    return doc.result()


def append(doc: Doc, cut: Cut) -> str:
    """The text of ``doc`` with the cut block appended to its 项目 list."""
    key, seq = project_list(doc)
    nl_block = cut.block.replace("\r\n", "\n").replace("\n", doc.nl)
    if isinstance(seq, doc.Sequence) and seq.value and seq.flow_style:
        raise EditError("目标台账的 项目 写成了流式列表 [...]，无法自动追加；请把每个项目改成以“- ”开头的写法")
    if isinstance(seq, doc.Sequence) and seq.value:
        items = seq.value
        dash_col = doc.col(doc.dash(items[0]))
        at = doc.trailing(doc.end(items[-1]), dash_col)
        separated = _separated(doc, items, dash_col) if len(items) >= 2 else cut.blank_separated
        block = (doc.nl if separated else "") + reindent(nl_block, dash_col - cut.dash_col)
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


def _separated(doc: Doc, items: list[Any], dash_col: int) -> bool:
    """A blank line between the last two items: the file separates its projects by blank lines."""
    pos, separated = doc.trailing(doc.end(items[-2]), dash_col), False
    while pos < doc.bol(doc.dash(items[-1])):
        separated = separated or doc.is_blank(pos)
        pos = doc.eol(pos)
    return separated


def new_file(region: str, ledger: Ledger, cut: Cut, nl: str) -> str:
    """A new ledger file, with the standard header, holding the cut block."""
    header = [
        f"# yaml-language-server: $schema=../../schemas/{ledger.value}.schema.json",
        f"地区: {scalar(region, False, True)}",
        f"台账: {ledger.value}",
        "项目:",
    ]
    block = cut.block.replace("\r\n", "\n").replace("\n", nl)
    return "".join(line + nl for line in header) + reindent(block, 2 - cut.dash_col)


def ordered(cut: Cut, order: list[str]) -> Cut:
    """The cut block with its project's keys in ``order`` (see :func:`~xiangmu_cli.write.pairs.reorder`)."""
    doc = Doc(cut.block)
    if (
        not isinstance(doc.root, doc.Sequence)
        or len(doc.root.value) != 1
        or not isinstance(doc.root.value[0], doc.Mapping)
    ):
        raise EditError("内部错误：移动的项目块无法解析；这是 xm 的缺陷，请报告")
    reorder(doc, doc.root.value[0], order)
    return _with(cut, block=doc.result())
