"""A report document as typed JSON data and back, for the result cache (reading/cache.py).

Values are tagged so that a document read back is equal to the one stored, and a hit is then
rendered by the same code (and escaping) as a fresh report: nothing stored is ever pasted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import date as Day
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from xiangmu_cli.output.tables import Chart, Column, Document, Table

__all__ = ["encode_document", "decode_document"]


# --- documents as typed JSON ----------------------------------------------------------------
# Strings, whole numbers, booleans, null, lists and mappings with text keys stand for themselves;
# other values are strings that start with a NUL and a tag: "\0d1.50" a Decimal, "\0q1/6" an exact
# Fraction, "\0t2018-09-30" a date, and "\0s…" a string that itself starts with a NUL. A tuple is
# a list led by "\0u", a mapping with other keys a list of [key, value] pairs led by "\0m". (Tags
# inside strings rather than ["d", "1.50"] pairs: a 20k report's entry decodes in half the time.)

_TAG = "\x00"
_TUPLE, _MAPPING = _TAG + "u", _TAG + "m"


def _enc(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _TAG + "s" + value if value.startswith(_TAG) else value
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return _TAG + "d" + str(value)
    if isinstance(value, Fraction):
        return f"{_TAG}q{value.numerator}/{value.denominator}"
    if isinstance(value, Day):
        return _TAG + "t" + value.isoformat()
    if isinstance(value, list):
        return [_enc(v) for v in value]
    if isinstance(value, tuple):
        return [_TUPLE, *(_enc(v) for v in value)]
    if isinstance(value, dict):
        if all(type(k) is str and not k.startswith(_TAG) for k in value):
            return {k: _enc(v) for k, v in value.items()}
        return [_MAPPING, *([_enc(k), _enc(v)] for k, v in value.items())]
    raise TypeError(f"not cacheable: {type(value).__name__}")


_SELF = (int, bool, type(None))  # exact types: JSON gives no subclass


def _dec(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        return _tagged(value) if value.startswith(_TAG) else value
    if kind is dict:  # the usual row: plain values at once, the rest decoded
        return {
            k: v if (type(v) is str and not v.startswith(_TAG)) or type(v) in _SELF else _dec(v)
            for k, v in value.items()
        }
    if kind is list:
        head = value[0] if value else None
        if head == _TUPLE:
            return tuple(_dec(v) for v in value[1:])
        if head == _MAPPING:
            pairs = value[1:]
            if not all(type(p) is list and len(p) == 2 for p in pairs):
                raise ValueError("bad cached mapping")
            return {_dec(k): _dec(v) for k, v in pairs}
        return [_dec(v) for v in value]
    if kind in _SELF:
        return value
    raise ValueError("bad cached value")


def _tagged(text: str) -> Any:
    tag, body = text[1:2], text[2:]
    try:
        if tag == "d":
            return Decimal(body)
        if tag == "t":
            return Day.fromisoformat(body)
        if tag == "q":
            numerator, denominator = body.split("/")
            return Fraction(int(numerator), int(denominator))
        if tag == "s":
            return text[2:]
    except (InvalidOperation, ValueError, ZeroDivisionError) as exc:
        raise ValueError("bad cached value") from exc
    raise ValueError(f"bad cached tag {tag!r}")


# --- a table's rows as columns ------------------------------------------------------------------
# Rows that all have the same text keys (a table's usual rows) are stored as one list of values per
# key, each led by its kind: "=" values that stand for themselves (text, whole numbers, booleans,
# null), "d" Decimals and "t" dates as text (or null), "*" values tagged one by one as above. A
# 20k-row list decodes in a third of the time: most columns are taken as they are.

_STAND = frozenset({str, *_SELF})  # a "=" column's values: text needs no tag there


def _enc_rows(rows: Sequence[Any]) -> Any:
    if not rows or not all(type(r) is dict for r in rows):
        return [_enc(r) for r in rows]
    keys = list(rows[0])
    if not keys or not all(type(k) is str for k in keys) or any(list(r) != keys for r in rows):
        return [_enc(r) for r in rows]
    return {"keys": keys, "columns": [_enc_column([r[k] for r in rows]) for k in keys]}


def _enc_column(values: list[Any]) -> list[Any]:
    kinds = {type(v) for v in values}
    if kinds <= _STAND:
        return ["=", values]
    if kinds <= {Decimal, type(None)}:
        return ["d", [None if v is None else str(v) for v in values]]
    if kinds <= {Day, type(None)}:
        return ["t", [None if v is None else v.isoformat() for v in values]]
    return ["*", [_enc(v) for v in values]]


def _dec_rows(data: Any) -> list[Any]:
    if type(data) is list:
        return [_dec(r) for r in data]
    keys, columns = data["keys"], data["columns"]
    if not (type(keys) is list and keys and all(type(k) is str for k in keys) and type(columns) is list):
        raise ValueError("bad cached rows")
    values = [_dec_column(c) for c in columns]
    if len(values) != len(keys) or len({len(v) for v in values}) != 1:
        raise ValueError("bad cached rows")
    return [dict(zip(keys, row)) for row in zip(*values)]


def _dec_column(column: Any) -> list[Any]:
    kind, values = column
    if type(values) is not list:
        raise ValueError("bad cached column")
    try:
        if kind == "=":  # as written (the entry is authenticated: only xm wrote it)
            return values
        if kind == "d":
            return [None if v is None else Decimal(v) for v in values]
        if kind == "t":
            return [None if v is None else Day.fromisoformat(v) for v in values]
    except InvalidOperation as exc:
        raise ValueError("bad cached value") from exc
    if kind == "*":
        return [_dec(v) for v in values]
    raise ValueError(f"bad cached column kind {kind!r}")


def _enc_table(table: Table) -> dict[str, Any]:
    return {
        "name": table.name,
        "columns": [_enc_fields(c) for c in table.columns],
        "rows": _enc_rows(table.rows),
        "note": table.note,
        "prose": table.prose,
    }


def _enc_fields(obj: Column | Chart) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


def encode_document(doc: Document) -> dict[str, Any]:
    """A document as JSON-ready data (TypeError for a value the codec does not know)."""
    return {
        "title": doc.title,
        "meta": _enc(doc.meta),
        "tables": [_enc_table(t) for t in doc.tables],
        "json_data": _enc(doc.json_data),
        "highlights": _enc_table(doc.highlights) if doc.highlights is not None else None,
        "charts": [_enc_fields(c) for c in doc.charts],
        "letterhead": _enc(doc.letterhead),
    }


def decode_document(data: dict[str, Any]) -> Document:
    """The document that :func:`encode_document` gave ``data`` for (ValueError/TypeError/KeyError if damaged)."""

    def table(t: dict[str, Any]) -> Table:
        rows = _dec_rows(t["rows"])
        if not all(isinstance(r, dict) for r in rows):
            raise ValueError("bad cached rows")
        return Table(
            name=str(t["name"]),
            columns=[Column(**c) for c in t["columns"]],
            rows=rows,
            note=t["note"] if isinstance(t["note"], str) else None,
            prose=t.get("prose") is True,
        )

    meta, json_data, letterhead = _dec(data["meta"]), _dec(data["json_data"]), _dec(data["letterhead"])
    if not isinstance(meta, dict) or not (json_data is None or isinstance(json_data, dict)):
        raise ValueError("bad cached document")
    if not isinstance(letterhead, dict) or not all(isinstance(v, str) for v in letterhead.values()):
        raise ValueError("bad cached letterhead")
    return Document(
        title=str(data["title"]),
        meta=meta,
        tables=[table(t) for t in data["tables"]],
        json_data=json_data,
        highlights=table(data["highlights"]) if data["highlights"] else None,
        charts=[Chart(**c) for c in data["charts"]],
        letterhead={str(k): v for k, v in letterhead.items()},
    )
