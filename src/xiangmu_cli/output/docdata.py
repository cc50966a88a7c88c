"""A report document as typed JSON data and back, for the result cache (reading/cache.py).

Values are tagged so that a document read back is equal to the one stored, and a hit is then
rendered by the same code (and escaping) as a fresh report: nothing stored is ever pasted.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date as Day
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from xiangmu_cli.output.tables import Chart, Column, Document, Table

__all__ = ["encode_document", "decode_document"]


# --- documents as typed JSON ----------------------------------------------------------------
# Values are tagged so that a document read back is equal to the one stored: ["d", "1.50"] is a
# Decimal, ["q", [1, 6]] an exact Fraction, ["t", "2018-09-30"] a date, ["l", […]] a list, ["u", […]]
# a tuple, ["m", [[k, v], …]] a mapping; strings, whole numbers, booleans and null stand for themselves.


def _enc(value: Any) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return ["d", str(value)]
    if isinstance(value, Fraction):
        return ["q", [value.numerator, value.denominator]]
    if isinstance(value, Day):
        return ["t", value.isoformat()]
    if isinstance(value, (list, tuple)):
        return ["l" if isinstance(value, list) else "u", [_enc(v) for v in value]]
    if isinstance(value, dict):
        return ["m", [[_enc(k), _enc(v)] for k, v in value.items()]]
    raise TypeError(f"not cacheable: {type(value).__name__}")


_PLAIN = (str, int, bool, type(None))


def _dec(value: Any) -> Any:
    if type(value) in _PLAIN:  # most values of a report (exact types: a str subclass is not JSON's)
        return value
    if isinstance(value, (bool, str, int)):
        return value
    if not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], str):
        raise ValueError("bad cached value")
    tag, body = value
    try:
        if tag == "d":
            return Decimal(body)
        if tag == "t":
            return Day.fromisoformat(body)
        if tag == "q":
            return Fraction(int(body[0]), int(body[1]))
        if tag == "l":
            return [v if type(v) in _PLAIN else _dec(v) for v in body]
        if tag == "u":
            return tuple(_dec(v) for v in body)
        if tag == "m":
            return {(k if type(k) in _PLAIN else _dec(k)): (v if type(v) in _PLAIN else _dec(v)) for k, v in body}
    except (InvalidOperation, TypeError, ZeroDivisionError, IndexError) as exc:
        raise ValueError("bad cached value") from exc
    raise ValueError(f"bad cached tag {tag!r}")


def _enc_table(table: Table) -> dict[str, Any]:
    return {
        "name": table.name,
        "columns": [_enc_fields(c) for c in table.columns],
        "rows": [_enc(r) for r in table.rows],
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
        rows = [_dec(r) for r in t["rows"]]
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
