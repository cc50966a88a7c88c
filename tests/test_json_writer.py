"""The JSON writer of the reports (output/tables._json_text) on plain data is exactly the
standard library's ``json.dumps(value, ensure_ascii=False, indent=…)``: its speed-ups (issue 15:
keys written once, rows taken at once) change no byte."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from enum import Enum, IntEnum
from fractions import Fraction
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiangmu_cli.output.tables import (
    _BY_VALUE,
    _json_document,
    _json_number,
    _json_number_of,
    _json_text,
    value_kind,
)

_SCALARS = st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.text(max_size=8)
#: Keys without a number kind (a kind writes numbers its own way: 总投资 0 → 0.00).
_KEYS = st.sampled_from(["名称", "亮灯", "编号", "a"]) | st.text('xyz"\\\n 项目', max_size=4)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(_VALUES, st.sampled_from([None, 2]))
def test_plain_data_is_written_as_the_standard_library_writes_it(value: Any, indent: int | None) -> None:
    assert _json_text(value, indent) == json.dumps(value, ensure_ascii=False, indent=indent)


# --- the document writer (orjson) writes what _json_text writes ----------------------------------


class _Mode(Enum):
    on = "是"
    two = 2


class _Kind(IntEnum):
    one = 1


_DATES = st.dates(min_value=date(1, 1, 1))
_NUMBERS = (
    st.decimals(allow_nan=False, allow_infinity=False, places=None)
    | st.fractions(max_denominator=12)
    | st.integers(-(2**70), 2**70)
)
_ANY_SCALARS = (
    _SCALARS
    | _NUMBERS
    | _DATES
    | st.sampled_from([_Mode.on, _Mode.two, _Kind.one])
    | st.text(alphabet='\x00\x1f\x7f\u2028\ud800"\\ 项', max_size=4)
)
#: Keys of every kind: with number kinds (总投资: amount, 完成率: rate, 逾期天数: days, 得分),
#: the keys a row's kind depends on (指标, 字段), and keys that are not text.
_ANY_KEYS = (
    st.sampled_from(["总投资", "完成率", "逾期天数", "得分", "指标", "字段", "实际", "新值", "名称"])
    | st.text("ab", max_size=2)
    | _DATES
    | st.integers(0, 3)
    | st.sampled_from([_Mode.on])
)
_ANY_VALUES = st.recursive(
    _ANY_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.frozensets(st.integers(0, 5) | st.text("xy", max_size=2), max_size=3)
        | st.dictionaries(_ANY_KEYS, inner, max_size=5)
    ),
    max_leaves=30,
)


def _either(write: Any) -> tuple[str, Any]:
    try:
        return "ok", write()
    except Exception as exc:  # both refuse the same values (NaN cannot be written) the same way
        return "error", type(exc)


@settings(max_examples=500, deadline=None)
@given(_ANY_VALUES)
def test_the_document_writer_writes_what_the_reference_writer_writes(value: Any) -> None:
    assert _either(lambda: _json_document(value, value_kind)) == _either(lambda: _json_text(value, 2).encode())


def test_the_document_writer_on_what_orjson_refuses() -> None:
    """A lone surrogate, an integer beyond 64 bits in a list and keys that become the same text
    are written by the reference writer, both keys kept."""
    for value in ({"序号": [2**64]}, {date(2018, 9, 1): 1, "2018-09-01": 2}):
        assert _json_document(value, value_kind) == _json_text(value, 2).encode()
    with pytest.raises(UnicodeEncodeError):  # as on the way out to a file or stdout
        _json_document({"名称": "\ud800"}, value_kind)
    assert _json_document({"总投资": 12000, "完成率": Fraction(1, 3)}, value_kind) == (
        '{\n  "总投资": 12000.00,\n  "完成率": 0.333333\n}'.encode()
    )


@settings(max_examples=300, deadline=None)
@given(
    st.decimals(allow_nan=False, allow_infinity=False, places=None, min_value=-(10**12), max_value=10**12),
    st.sampled_from(sorted(_BY_VALUE) + ["count", "days", None]),
)
def test_a_number_kept_by_value_is_written_as_it_would_be(number: Decimal, kind: str | None) -> None:
    """Equal numbers spelt differently (1.5, 1.50, 3/2) share a kept text only where the kind
    writes them alike; every kind writes each spelling as if nothing were kept."""
    spellings = [number, number.normalize(), number + Decimal("0.000"), Fraction(number)]
    if number == number.to_integral_value():
        spellings.append(int(number))
    for spelling in spellings * 2:  # the second time round, each is kept
        assert _json_number(spelling, kind) == _json_number_of(spelling, kind), (spelling, kind)


def test_a_row_that_needs_nothing_is_passed_as_it_is() -> None:
    """A row of text, nulls, booleans and dates goes to orjson as it is (20k rows are not copied);
    one with a number is copied with the number written out, the row itself left alone."""
    from xiangmu_cli.output.tables import _json_ready

    plain = {"名称": "甲", "阶段": None, "入库": True, "开工日期": date(2018, 6, 4)}
    assert _json_ready(plain) is plain
    row = {"名称": "甲", "总投资": Decimal(9500)}
    ready = _json_ready(row)
    assert ready is not row and row["总投资"] == Decimal(9500)
    assert orjson.dumps(ready) == '{"名称":"甲","总投资":9500.00}'.encode()
