"""Amounts, areas, dates, months and booleans as the contract spells them."""

from __future__ import annotations

from datetime import date
from decimal import Context, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiangmu_cli.ledger import units
from xiangmu_cli.ledger.units import (
    InexactFloat,
    UnitError,
    at_least_places,
    format_amount,
    parse_amount,
    parse_area,
    parse_bool,
    parse_date,
    parse_month,
    round_half_even,
)
from xiangmu_cli.reading.loading import load

from .conftest import write_repo


@pytest.mark.parametrize(
    "written, wan",
    [
        (12000, "12000"),
        (12000.5, "12000.5"),
        ("1.2亿", "12000"),
        ("1.2亿元", "12000"),
        ("5000万", "5000"),
        ("5000万元", "5000"),
        ("12,000", "12000"),
        ("１２,０００", "12000"),  # full-width digits, ASCII comma
        ("1,234,567.5万元", "1234567.5"),
        ("0.5亿", "5000"),
        ("１２０００", "12000"),
        ("１２，０００．５万元", "12000.5"),
        (" 0.35亿 ", "3500"),
        (0, "0"),
    ],
)
def test_amount_spellings(written: object, wan: str) -> None:
    assert parse_amount(written) == Decimal(wan)


@pytest.mark.parametrize(
    "written, code",
    [
        ("约1.2亿", "E104"),
        ("1.2 亿左右", "E104"),
        ("", "E104"),
        ("1,20,00", "E104"),
        (True, "E104"),
        (".5亿", "E104"),
        ("1,2000", "E104"),
        ("12,00", "E104"),
        (",000", "E104"),
        ("5.", "E104"),
        (None, "E104"),
        ([1], "E104"),
        ("12000元", "E104"),
        (-1, "E105"),
        ("-5000万元", "E105"),
        (float("nan"), "E105"),
        (float("inf"), "E105"),
        (10**30, "E105"),
    ],
)
def test_bad_amounts(written: object, code: str) -> None:
    with pytest.raises(UnitError) as err:
        parse_amount(written)
    assert err.value.code == code and err.value.hint


@pytest.mark.parametrize(
    "parse, written, message, hint",
    [
        (parse_amount, ".5亿", "金额「.5亿」应以数字开头", "小数点前要写 0，写成 0.5亿"),
        (parse_amount, "．５亿", "金额「．５亿」应以数字开头", "小数点前要写 0，写成 0.5亿"),
        (parse_area, ".5公顷", "面积「.5公顷」应以数字开头", "小数点前要写 0，写成 0.5公顷"),
        (
            parse_amount,
            "1,2000",
            "金额「1,2000」的千分位逗号位置不对",
            "逗号每三位一组，例如 12,000；或不写逗号：12000",
        ),
        (
            parse_amount,
            "1,2000万元",
            "金额「1,2000万元」的千分位逗号位置不对",
            "逗号每三位一组，例如 12,000；或不写逗号：12000万元",
        ),
        (
            parse_area,
            "3,5000平米",
            "面积「3,5000平米」的千分位逗号位置不对",
            "逗号每三位一组，例如 12,000；或不写逗号：35000平米",
        ),
    ],
)
def test_the_usual_slips_are_explained(parse, written: str, message: str, hint: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnitError) as err:
        parse(written)
    assert (err.value.code, err.value.message, err.value.hint) == ("E104", message, hint)


def test_a_plain_yaml_number_is_read_as_yaml_reads_it() -> None:
    assert parse_amount(0.5) == Decimal("0.5")  # `.5` unquoted is a YAML float: no error
    assert parse_area(0.5) == Decimal("0.50")


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


@pytest.mark.parametrize(
    "written, m2",
    [
        (35000, "35000.00"),
        ("35000", "35000.00"),
        ("35000平方米", "35000.00"),
        ("35000平米", "35000.00"),
        ("35000㎡", "35000.00"),
        ("35000m²", "35000.00"),
        ("35000m2", "35000.00"),
        ("３５０００ｍ２", "35000.00"),  # full width, as NFKC reads it
        ("82.1公顷", "821000.00"),  # 82.1 × 10000
        ("123亩", "82000.00"),  # 123 × 10000/15 = 1,230,000/15 = 82000 exactly
        ("1亩", "666.67"),  # 666.666… rounded half-even
        ("2亩", "1333.33"),  # 1333.333…
        ("0.0000075亩", "0.00"),  # exactly 0.005 m²: half-even to 0.00 (computed exactly, not via 666.67)
        ("0.0000225亩", "0.02"),  # exactly 0.015 m²: half-even to 0.02
        ("35,000平方米", "35000.00"),
        ("2.5㎡", "2.50"),
        ("2.345", "2.34"),  # half-even: 2.345 → 2.34, 2.355 → 2.36
        ("2.355", "2.36"),
        (2.345, "2.34"),  # a YAML float, taken as written
        (Decimal("2.355"), "2.36"),
        (Decimal("12.3456789012345678901234567890123"), "12.35"),
    ],
)
def test_areas(written: object, m2: str) -> None:
    area = parse_area(written)
    assert area == Decimal(m2) and str(area) == m2  # every area has exactly two decimals


def test_every_area_is_rounded_on_every_path_of_the_loader(tmp_path: Path) -> None:
    """Plain YAML ints and floats, text with and without a unit, and a float too long for a
    binary double (re-read from the source text): all arrive rounded to 0.01 m²."""
    config = "名称: 测试\n年度: 2018\n地区:\n  - {名称: 船营区, 类型: 区县}\n"
    areas = ["35000", "2.345", "12345.6789012345678", '"82.1公顷"', "123亩", '"35000㎡"', "0.0000225亩"]
    items = "".join(
        f"  - {{编号: ZS-{i}, 名称: 项目{i}, 总投资: 12000, 阶段: 洽谈, 投资方: 甲公司, 用地面积: {a}}}\n"
        for i, a in enumerate(areas)
    )
    root = write_repo(tmp_path, {"xiangmu.yaml": config, "船营区/招商.yaml": "项目:\n" + items})
    repo = load(root)
    assert not [p for p in repo.problems if p.code.startswith("E")], repo.problems
    got = [str(r.project.land_area) for r in repo.records]
    assert got == ["35000.00", "2.34", "12345.68", "821000.00", "82000.00", "35000.00", "0.02"]


# --- numbers written out: exact half-even rounding ----------------------------------------------


@pytest.mark.parametrize(
    "value, places, written",
    [
        (Fraction(1, 6), 6, "0.166667"),
        (Fraction(2, 3), 6, "0.666667"),
        (Fraction(1, 8 * 10**6), 6, "0.000000"),  # 0.000000125: below half
        (Fraction(1, 2 * 10**6), 6, "0.000000"),  # exactly half: to the even 0
        (Fraction(3, 2 * 10**6), 6, "0.000002"),  # exactly half: to the even 2
        (Fraction(5, 2 * 10**6), 6, "0.000002"),
        (Fraction(-1, 2 * 10**6), 6, "0.000000"),  # never "-0.000000"
        (Fraction(3510982, 4700000), 6, "0.747017"),
        (Decimal("0.7470174468085106382978723404"), 6, "0.747017"),
        (Decimal("0.0000005"), 6, "0.000000"),
        (Decimal("0.0000015"), 6, "0.000002"),
        (Decimal("-0.0000001"), 6, "0.000000"),
        (Decimal("0.75"), 6, "0.750000"),
        (1, 6, "1.000000"),
        (Decimal("1E+4"), 2, "10000.00"),
        (
            Decimal("123456789012345678901234567.125"),
            2,
            "123456789012345678901234567.12",
        ),  # 30 digits, no context rounding
        (Fraction(35, 2), 2, "17.50"),
        (Fraction(1, 3), 2, "0.33"),
        (Decimal("0.125"), 2, "0.12"),
        (Decimal("0.135"), 2, "0.14"),
        (2.345, 2, "2.34"),  # a float is taken as written
    ],
)
def test_round_half_even_is_exact(value: object, places: int, written: str) -> None:
    assert str(round_half_even(value, places)) == written  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value, written",
    [
        (12000, "12000.00"),
        (Decimal("12000"), "12000.00"),
        (Decimal("3416839"), "3416839.00"),
        (Decimal("12345.678"), "12345.678"),
        (Decimal("0.1") + Decimal("0.2"), "0.30"),
        (Decimal("1E+4"), "10000.00"),
        (Decimal("12000.50"), "12000.50"),
        (Decimal("-0.000"), "0.00"),
        (Decimal("12000.000"), "12000.00"),
        (Decimal("12345.6780"), "12345.678"),
        (Fraction(1, 8), "0.125"),
        (Fraction(12345678, 1000), "12345.678"),
        (Fraction(1, 3), "0.33"),
    ],
)
def test_money_has_at_least_two_decimals_and_every_digit(value: object, written: str) -> None:
    assert str(at_least_places(value, 2)) == written  # type: ignore[arg-type]


@given(
    st.decimals(min_value=-(10**15), max_value=10**15, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=8),
)
def test_an_amount_is_written_with_every_digit_and_at_least_places(value: Decimal, places: int) -> None:
    """Exactly the value, with ``places`` decimals or as many as its last nonzero digit needs,
    never a negative zero (the fast path of at_least_places and the general one agree)."""
    result = at_least_places(value, places)
    assert result == value
    needed = 0 if value == 0 else max(0, -value.normalize(Context(prec=60)).as_tuple().exponent)  # type: ignore[operator]
    assert -result.as_tuple().exponent == max(places, needed)  # type: ignore[operator]
    assert not (result == 0 and result.is_signed())


@given(st.fractions(max_denominator=10**9), st.integers(min_value=0, max_value=8))
def test_a_fraction_rounds_like_its_exact_decimal(value: Fraction, places: int) -> None:
    """Exactly ``places`` decimals, at most half a unit of the last place away, and on a tie the
    even neighbour."""
    result = round_half_even(value, places)
    assert -result.as_tuple().exponent == places  # type: ignore[operator]
    error = abs(Fraction(result) - value)
    assert error <= Fraction(1, 2 * 10**places)
    if error == Fraction(1, 2 * 10**places):
        assert result.as_tuple().digits[-1] % 2 == 0


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


@pytest.mark.parametrize(
    "text",
    [
        "12000",
        "12,000",
        "１２,０００",
        "１２，０００．５",
        "1.2亿",
        " 5000万元 ",
        "1,234,567.5万",
        "0.5亿",
        ".5亿",
        "1,2000",
        "12,00",
        ",000",
        "约1.2亿",
        "5.",
        "1..2",
        "12000元",
    ],
)
def test_the_schema_pattern_of_amounts_accepts_what_the_parser_reads(text: str) -> None:
    import re

    from xiangmu_cli.ledger.model import _AMOUNT_SCHEMA

    pattern = re.compile(_AMOUNT_SCHEMA["anyOf"][1]["pattern"])
    try:
        parse_amount(text)
        readable = True
    except UnitError:
        readable = False
    assert bool(pattern.search(text)) == readable


@pytest.mark.parametrize(
    "text",
    [
        "35000",
        "35,000平方米",
        "35000平米",
        "35000㎡",
        "35000m²",
        "35000m2",
        "82.1公顷",
        "123亩",
        "2.5 ㎡",
        ".5公顷",
        "3,5000平米",
        "35000平方",
        "约35000",
        "35000m",
    ],
)
def test_the_schema_pattern_of_areas_accepts_what_the_parser_reads(text: str) -> None:
    import re

    from xiangmu_cli.ledger.model import _AREA_SCHEMA

    pattern = re.compile(_AREA_SCHEMA["anyOf"][1]["pattern"])
    try:
        parse_area(text)
        readable = True
    except UnitError:
        readable = False
    assert bool(pattern.search(text)) == readable


_NUMBERISH = st.text("0123456789０１２,，.．+-eE 亿万元平方米㎡m²2公顷亩年月日/:\t", max_size=12)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=0, max_value=6000).map(lambda n: 10**n),  # past str()'s 4300 digits too
    st.floats(),
    st.decimals(),
    st.fractions(),
    st.dates(),
    st.datetimes(),
    st.text(max_size=12),
    _NUMBERISH,
    st.sampled_from(["²", "١٢", "1" * 5000, " 2018-09 ", "2018年9月"]),
)
_ANY_VALUE = st.recursive(
    _SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
)


def _model_parsers() -> list[Any]:
    from xiangmu_cli.ledger import model

    return [
        model._text,
        model._project_id,
        model._int,
        model._year,
        model._choice("新建", "续建"),
        model._target_value,
        model._month_key,
        model._region_name,
    ]


@pytest.mark.parametrize("parse", [parse_amount, parse_area, parse_date, parse_month, parse_bool, *_model_parsers()])
@given(value=_ANY_VALUE)
def test_a_parser_raises_only_its_problem_whatever_the_value(parse: Any, value: object) -> None:
    # As units.py promises: a UnitError, or for amounts and areas InexactFloat; nothing else (the
    # loader would show any other exception's English words as a problem's message).
    try:
        parse(value)
    except UnitError:
        pass
    except InexactFloat:
        assert isinstance(value, float) and parse.__name__ in ("parse_amount", "parse_area", "_target_value")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.,亿万元公顷亩平米㎡ -", max_size=8))
def test_amounts_and_areas_read_from_text_are_kept_by_text_with_the_same_answers(text: str) -> None:
    """parse_amount and parse_area keep what a text means (the same text recurs all over a
    ledger); the kept answer, and an error, are those of reading it afresh."""
    for kept, fresh in ((units.parse_amount, units._amount), (units.parse_area, units._area)):
        for _ in range(2):
            try:
                expected: object = fresh(text)
            except units.UnitError as exc:
                expected = (exc.code, exc.message, exc.hint)
            try:
                got: object = kept(text)
            except units.UnitError as exc:
                got = (exc.code, exc.message, exc.hint)
            assert got == expected and str(got) == str(expected)
