"""Appending an item to a list (走访, 问题) in a :class:`~xiangmu_cli.write.document.Doc`, in the list's style.

``, item`` inside ``[…]``, or a ``- item`` line after the last item; a mapping item (a 走访 with a
note, a 问题) is written as a flow mapping ``{…}`` or as a block mapping following the existing
items (``prefer_block`` when there is none to follow).
"""

from __future__ import annotations

from typing import Any

from xiangmu_cli.write.document import Doc
from xiangmu_cli.write.pairs import insert_pair
from xiangmu_cli.write.plan import EditError
from xiangmu_cli.write.scalars import scalar

__all__ = ["Item", "append_item"]

#: A list item: a date, or the (key, value, is_text) pairs of a mapping.
Item = str | list[tuple[str, str, bool]]


def _flow_text(item: Item, flow: bool) -> str:
    if isinstance(item, str):
        return scalar(item, flow, False)
    return "{" + ", ".join(f"{k}: {scalar(v, True, t)}" for k, v, t in item) + "}"


def _block_lines(item: Item, block: bool, offset: int) -> list[str]:
    """The item's lines after a dash at column 0; a block mapping's keys at column ``offset``."""
    if isinstance(item, str) or not block:
        return ["- " + _flow_text(item, False)]
    pad = " " * offset
    first, *rest = [f"{k}: {scalar(v, False, t)}" for k, v, t in item]
    return ["-" + " " * (offset - 1) + first] + [pad + line for line in rest]


def append_item(doc: Doc, mapping: Any, key: str, order: list[str], item: Item, prefer_block: bool) -> None:
    """Append ``item`` to the list ``key`` of ``mapping`` (the key is added when absent)."""
    found = doc.get(mapping, key)
    if found is None or doc.is_empty(found[1]):
        _first_item(doc, mapping, key, order, item, prefer_block, found)
        return
    v = found[1]
    if not isinstance(v, doc.Sequence):
        raise EditError(f"「{key}」不是列表，无法追加；请手工修改")
    if v.flow_style:
        if v.value:
            doc.insert(doc.end(v.value[-1]), ", " + _flow_text(item, True))
        else:
            doc.insert(v.start_mark.index + 1, _flow_text(item, True))
        return
    dash_col = doc.col(doc.dash(v.value[0]))
    maps = [it for it in v.value if isinstance(it, doc.Mapping)]
    block = (not maps[-1].flow_style) if maps else prefer_block
    block_maps = [it for it in maps if not it.flow_style]
    offset = doc.col(block_maps[-1].start_mark.index) - dash_col if block_maps else 2
    at = doc.trailing(doc.end(v.value[-1]), doc.key_col(mapping))
    doc.insert_lines(at, [" " * dash_col + line for line in _block_lines(item, block, max(offset, 2))])


def _first_item(
    doc: Doc, mapping: Any, key: str, order: list[str], item: Item, prefer_block: bool, found: tuple[Any, Any] | None
) -> None:
    """The list ``key``, absent (``found`` None) or written empty, with ``item``."""
    if mapping.flow_style:  # `- {编号: …}`: `key: [item]`
        value = "[" + _flow_text(item, True) + "]"
        if found is None:
            insert_pair(doc, mapping, key, value, order)
        else:
            doc.insert(doc.colon(found[0]) + 1, " " + value)
        return
    lines = ["  " + line for line in _block_lines(item, prefer_block, 2)]
    if found is None:
        insert_pair(doc, mapping, key, lines, order)
    else:
        indent = " " * doc.key_col(mapping)
        doc.insert_lines(doc.eol(found[0].start_mark.index), [indent + line for line in lines])
