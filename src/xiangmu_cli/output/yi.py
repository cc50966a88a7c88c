"""The 亿元 view of a document (``--unit 亿元``): every amount in 亿元 instead of 万元.

1 亿元 = 10,000 万元, so an amount in 亿元 is the 万元 Decimal with its exponent shifted by four
(``Decimal.scaleb(-4)``): exact, never rounded where it is written (csv, xlsx keep every digit:
3,510,982 万元 is 351.0982 亿元) and shown with two decimals, half-even (``351.10``), as the
column kind ``yi`` says (:func:`xiangmu_cli.output.tables.format_value`). Headers and row labels
that say ``（万元）`` say ``（亿元）``. Only amounts change: counts, rates, areas stay as they are.

json is never converted (its numbers are the contract's 万元); the command refuses
``--unit 亿元`` with ``--format json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from xiangmu_cli.output.tables import Column, Document, Table

__all__ = ["UNITS", "in_yi", "to_yi"]

#: The units ``--unit`` accepts; 万元 is the ledgers' own.
UNITS = ("万元", "亿元")
_WAN, _YI = "（万元）", "（亿元）"


def to_yi(value: Any) -> Any:
    """An amount in 万元 as 亿元, exactly (other values unchanged)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return Decimal(value).scaleb(-4)
    if isinstance(value, Decimal):
        return value.scaleb(-4)
    if isinstance(value, Fraction):
        return value / 10000
    return value


def _kind_key(column: Column) -> str:
    return f"{column.key}·口径"


def _table(table: Table) -> Table:
    """The table with its amount cells in 亿元: amount columns become ``yi``; a column whose kind
    depends on the row (``kind_from``) gets the kind of each row in a key of its own, ``yi`` where
    it was ``amount``; in a converted row, text cells saying （万元） say （亿元）, and the metric's
    name (``年度投资``) gets （亿元） after it."""
    columns: list[Column] = []
    for c in table.columns:
        if c.kind_from is not None:
            columns.append(replace(c, kind_from=_kind_key(c), header=_unit(c.header)))
        elif c.kind == "amount":
            header = c.header if c.header is not None else c.key
            columns.append(replace(c, kind="yi", header=_unit(header) if _WAN in header else header + _YI))
        else:
            columns.append(replace(c, header=_unit(c.header)))
    rows = [_row(row, table.columns) for row in table.rows]
    return Table(table.name, columns, rows, _unit(table.note))


def _row(row: Mapping[str, Any], columns: list[Column]) -> dict[str, Any]:
    out = dict(row)
    named: set[str] = set()  # keys naming the metric of a converted row (目标完成's 指标)
    for c in columns:
        if c.kind_from is not None:
            kind = c.kind_for(row)
            out[_kind_key(c)] = "yi" if kind == "amount" else kind
            if kind == "amount":
                out[c.key] = to_yi(row.get(c.key))
                named.add(c.kind_from)
        elif c.kind == "amount":
            out[c.key] = to_yi(row.get(c.key))
    if named:
        for c in columns:
            text = out.get(c.key)
            if c.kind == "text" and c.kind_from is None and isinstance(text, str):
                out[c.key] = _unit(text) if _WAN in text else text + _YI if c.key in named else text
    return out


def _unit(text: str | None) -> Any:
    return text.replace(_WAN, _YI) if text is not None else None


def in_yi(doc: Document) -> Document:
    """``doc`` with every amount in 亿元 (tables, highlights, charts' tables); json_data kept."""
    return replace(
        doc,
        tables=[_table(t) for t in doc.tables],
        highlights=_table(doc.highlights) if doc.highlights is not None else None,
    )
