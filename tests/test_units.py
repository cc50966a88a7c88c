"""Amounts, areas, dates, months and booleans as the contract spells them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xiangmu_cli.units import (
    InexactFloat, UnitError, format_amount, parse_amount, parse_area, parse_bool, parse_date, parse_month,
)


@pytest.mark.parametrize("written, wan", [
    (12000, "12000"),
    (12000.5, "12000.5"),
    ("1.2亿", "12000"),
    ("1.2亿元", "12000"),
    ("5000万", "5000"),
    ("5000万元", "5000"),
    ("12,000", "12000"),
    ("１２０００", "12000"),
    ("１２，０００．５万元", "12000.5"),
    (" 0.35亿 ", "3500"),
    (0, "0"),
])
def test_amount_spellings(written: object, wan: str) -> None:
    assert parse_amount(written) == Decimal(wan)


@pytest.mark.parametrize("written, code", [
    ("约1.2亿", "E104"), ("1.2 亿左右", "E104"), ("", "E104"), ("1,20,00", "E104"), (True, "E104"),
    (None, "E104"), ([1], "E104"), ("12000元", "E104"),
    (-1, "E105"), ("-5000万元", "E105"), (float("nan"), "E105"), (float("inf"), "E105"), (10**30, "E105"),
])
def test_bad_amounts(written: object, code: str) -> None:
    with pytest.raises(UnitError) as err:
        parse_amount(written)
    assert err.value.code == code and err.value.hint


def test_float_with_too_many_digits_asks_for_the_source_text() -> None:
    with pytest.raises(InexactFloat):
        parse_amount(12000.123456789012345678)


@given(st.decimals(min_value=0, max_value=10**8, places=4, allow_nan=False))
def test_amount_text_round_trips_exactly(value: Decimal) -> None:
    text = format_amount(value)
    assert parse_amount(text) == value
    assert parse_amount(text + "万元") == value
    assert parse_amount(text + "亿") == value * 10000


@given(st.integers(min_value=0, max_value=10**11))
def test_full_width_digits_and_grouping_read_the_same(value: int) -> None:
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in str(value))
    assert parse_amount(full_width) == parse_amount(f"{value:,}") == Decimal(value)


@pytest.mark.parametrize("written, m2", [
    (35000, "35000.00"),
    ("82.1公顷", "821000.00"),
    ("123亩", "82000.00"),      # 123 × 10000/15 = 82000 exactly
    ("1亩", "666.67"),          # 666.666… rounded half-even
    ("35,000平方米", "35000.00"),
    ("2.5㎡", "2.50"),
])
def test_areas(written: object, m2: str) -> None:
    assert parse_area(written) == Decimal(m2)


def test_dates() -> None:
    assert parse_date("2018-09-03") == date(2018, 9, 3)
    assert parse_date("２０１８-０９-０３") == date(2018, 9, 3)
    assert parse_date("2016-02-29") == date(2016, 2, 29)
    with pytest.raises(UnitError) as err:
        parse_date("2018-02-29")
    assert err.value.code == "E106" and "不存在" in err.value.message
    with pytest.raises(UnitError) as err:
        parse_date("2018/9/3")
    assert err.value.hint == "写成 2018-09-03"
    for bad in ("2018年9月3日", 20180903, None, "9月3日"):
        with pytest.raises(UnitError):
            parse_date(bad)


def test_months() -> None:
    assert parse_month("2018-09") == (2018, 9)
    with pytest.raises(UnitError) as err:
        parse_month("2018-9")
    assert err.value.hint == "写成 2018-09"
    for bad in ("2018-13", "201809", 201809, "2018-00"):
        with pytest.raises(UnitError):
            parse_month(bad)


def test_booleans() -> None:
    assert parse_bool("是") is True and parse_bool("否") is False
    assert parse_bool(True) is True and parse_bool(False) is False
    for bad in ("是的", "yes", "NO", 1, None):
        with pytest.raises(UnitError):
            parse_bool(bad)
