"""Parsing of the contract's scalar spellings: amounts (万元), areas (m²), dates, months, booleans.

Every parser takes the value exactly as the YAML reader produced it (int, float, Decimal, str,
bool, None…) and returns the normalised value or raises :class:`UnitError` carrying a problem
code, a Chinese message and a hint. They raise nothing else, whatever the input, but for one
exception: :func:`parse_amount` and :func:`parse_area` raise :class:`InexactFloat` for a float
literal longer than a binary float keeps, which the loader then re-reads from the source text
(tests/test_units.py checks both on arbitrary values).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal, Inexact, InvalidOperation
from fractions import Fraction
from functools import lru_cache

__all__ = [
    "UnitError",
    "InexactFloat",
    "parse_amount",
    "parse_area",
    "parse_date",
    "parse_month",
    "parse_bool",
    "format_amount",
    "show_value",
    "as_text",
    "round_half_even",
    "at_least_places",
]

#: 1 亿 = 10,000 万
YI = Decimal(10000)
#: 1 公顷 = 10,000 m², 1 亩 = 10000/15 m² (a Fraction: 666.66… has no exact decimal)
HECTARE = Decimal(10000)
MU = Fraction(10000, 15)
CENT = Decimal("0.01")
#: Beyond this an amount is certainly a typo (the whole of China's annual fixed-asset investment
#: is about 5 × 10^9 万元).
MAX_AMOUNT = Decimal(10) ** 12


class UnitError(ValueError):
    """A value that does not parse; ``code`` is the problem code from the catalogue.

    ``read_as_number``: the value was written without quotes and read as a number where text
    was wanted (a 编号 such as 010), so a hint can show it quoted as it was written.
    """

    def __init__(self, code: str, message: str, hint: str = "", *, read_as_number: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint
        self.read_as_number = read_as_number


# --- numbers written out -------------------------------------------------------------------

Exact = int | Decimal | Fraction


_EXPONENTS = {places: Decimal((0, (1,), -places)) for places in range(10)}
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)
#: Padding with zeros, which must never round (at_least_places).
_PADDING = Context(prec=28, rounding=ROUND_HALF_EVEN, traps=[Inexact, InvalidOperation])


def _exponent(places: int) -> Decimal:
    return _EXPONENTS.get(places) or Decimal((0, (1,), -places))


def _wide(value: Decimal, places: int) -> Context:
    """A context holding every digit of ``value`` quantized to ``places``: no hidden rounding."""
    needed = value.adjusted() + places + 3
    return _CONTEXT if needed <= 28 else Context(prec=needed, rounding=ROUND_HALF_EVEN)


def _as_exact(value: object) -> Decimal | Fraction:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, Fraction)):
        raise TypeError(f"not a number: {value!r}")
    if isinstance(value, float):  # not expected from the library; taken as written, never binary
        return Decimal(repr(value))
    return Decimal(value) if isinstance(value, int) else value


def round_half_even(value: Exact | float, places: int) -> Decimal:
    """``value`` rounded half-even to exactly ``places`` decimals, with no intermediate rounding.

    A Fraction is rounded by integer arithmetic (``round(f * 10**places)`` is exact half-even),
    a Decimal by quantize in a context wide enough for all its digits. The result has exactly
    ``places`` decimals (``Decimal('0.750000')``) and is never negative zero.
    """
    number = _as_exact(value)
    if isinstance(number, Fraction):
        coefficient = round(number * 10**places)
        sign, digits, _ = Decimal(coefficient).as_tuple()  # Decimal(int) is exact at any size
        result = Decimal((sign, digits, -places))
    else:
        if not number.is_finite():
            raise ValueError(f"{number} cannot be rounded")
        exponent = _exponent(places)
        if number.same_quantum(exponent) and not number.is_signed():
            return number  # already so (areas as read, scores): nothing to round
        result = number.quantize(exponent, context=_wide(number, places))
    return result.copy_abs() if result == 0 else result


def at_least_places(value: Exact | float, places: int) -> Decimal:
    """``value`` exactly, with ``places`` decimals, more only where the exact value needs them:
    ``12000`` → ``12000.00``, ``12345.678`` and ``12345.6780`` → ``12345.678``. A Fraction without
    a finite decimal expansion is rounded half-even to ``places``."""
    if type(value) is Decimal and places in _EXPONENTS and value.is_finite():
        # The usual case, at once: padding to ``places`` loses no digit (quantize signals
        # Inexact otherwise, and InvalidOperation past the context's 28 digits: then below).
        try:
            padded = value.quantize(_EXPONENTS[places], context=_PADDING)
        except (Inexact, InvalidOperation):
            pass
        else:
            return padded.copy_abs() if padded == 0 else padded
    number = _as_exact(value)
    if isinstance(number, Fraction):
        denominator, twos, fives = number.denominator, 0, 0
        while denominator % 2 == 0:
            denominator, twos = denominator // 2, twos + 1
        while denominator % 5 == 0:
            denominator, fives = denominator // 5, fives + 1
        if denominator != 1:
            return round_half_even(number, places)
        return round_half_even(number, max(places, twos, fives))  # exact: 10^max(a, b) clears 2^a 5^b
    if not number.is_finite():
        raise ValueError(f"{number} cannot be written")
    padded = round_half_even(number, places)
    if padded == number:  # no digit beyond ``places`` (but zeros): only zeros added or dropped
        return padded
    return number.normalize(Context(prec=max(28, len(number.as_tuple().digits))))  # the digits it needs


def _digits(value: int) -> str:
    return f"一个 {len(format(Decimal(value), 'f'))} 位的整数"


def as_text(value: object) -> str:
    """``str(value)``, for quoting a value as written in a message; never raises.

    ``str()`` refuses an integer of more than 4300 digits (a YAML reader gives one for a long
    run of digits), alone or inside a list or mapping: such a value is described instead.
    """
    try:
        return str(value)
    except ValueError:
        if isinstance(value, int):
            return _digits(value)
        kind = "列表" if isinstance(value, list) else "映射" if isinstance(value, dict) else type(value).__name__
        return f"含有超长整数的{kind}"


def _show(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and value.bit_length() > 1000:  # a long message; str() refuses > 4300 digits
        return _digits(value)
    return as_text(value)


def _normalise_text(text: str) -> str:
    # NFKC turns full-width digits, commas and dots (１２，０００．５) into ASCII.
    return unicodedata.normalize("NFKC", text).strip().replace(" ", "")


_NUMBER = r"(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)"
_AMOUNT_RE = re.compile(_NUMBER + r"(?P<unit>亿元|亿|万元|万)?")
_AREA_RE = re.compile(_NUMBER + r"(?P<unit>平方米|平米|m2|m²|㎡|公顷|亩)?")
_SIGNIFICANT_FLOAT_DIGITS = 15


def _float_to_decimal(value: float) -> Decimal:
    """A YAML float as the decimal that was written, when that is certain.

    Python's ``repr`` of a float is the shortest string that reads back as the same float, so
    for a literal of at most 15 significant digits it is the literal itself. A longer literal may
    have lost digits on the way through binary floating point: the caller must read the source
    text instead (see ``InexactFloat``).
    """
    dec = Decimal(repr(value))
    if len(dec.as_tuple().digits) > _SIGNIFICANT_FLOAT_DIGITS:
        raise InexactFloat(repr(value))
    return dec


class InexactFloat(ValueError):
    """A float literal with more digits than a binary float keeps; re-read the source text."""


def _number(
    value: object, kind: str, regex: re.Pattern[str], units: Mapping[str, Decimal | Fraction], example: str
) -> Decimal | Fraction:
    """The exact value in the base unit: a Decimal, or a Fraction for a unit such as 亩."""
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict, tuple)):
        raise UnitError("E104", f"{kind}应为数字，实际为「{_show(value)}」", f"例如 {example}")
    result: Decimal | Fraction
    if isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise UnitError("E105", f"{kind}不能是 NaN 或无穷大", f"例如 {example}")
        result = value
    elif isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise UnitError("E105", f"{kind}不能是 NaN 或无穷大", f"例如 {example}")
        result = _float_to_decimal(value)
    elif isinstance(value, str):
        text = _normalise_text(value)
        match = regex.fullmatch(text)
        if not match:
            raise _unreadable(value, text, kind, regex, example)
        try:
            number = Decimal(match["num"].replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
            raise UnitError("E104", f"{kind}「{value}」无法识别", f"例如 {example}") from None
        unit = units[match["unit"] or ""]
        if isinstance(unit, Fraction):
            result = Fraction(number) * unit
        else:  # exact: a context as wide as both factors' digits
            width = len(number.as_tuple().digits) + len(unit.as_tuple().digits) + 2
            result = number.fma(unit, Decimal(0), context=Context(prec=max(28, width)))
    else:
        raise UnitError("E104", f"{kind}应为数字，实际为「{_show(value)}」", f"例如 {example}")
    if result < 0:
        raise UnitError("E105", f"{kind}不能为负数：「{_show(value)}」", "金额和面积应为 0 或正数")
    if result > MAX_AMOUNT:
        raise UnitError("E105", f"{kind}「{_show(value)}」大得不合理", "检查单位：金额以万元计，1亿 = 10000 万元")
    return result


#: A number whose commas are not groups of three (``1,2000``), with or without a unit.
_LOOSE_COMMAS = re.compile(r"[+-]?\d[\d,]*,[\d,]*(?:\.\d+)?(?P<unit>\D*)")


def _unreadable(value: str, text: str, kind: str, regex: re.Pattern[str], example: str) -> UnitError:
    """E104 for text that is not a number with a unit, with a hint for the usual slips."""
    if text.lstrip("+-").startswith("."):  # .5亿: a number starts with a digit
        sign = text[: len(text) - len(text.lstrip("+-"))]
        fixed = sign + "0" + text[len(sign) :]
        if regex.fullmatch(fixed):
            return UnitError("E104", f"{kind}「{value}」应以数字开头", f"小数点前要写 0，写成 {fixed}")
    loose = _LOOSE_COMMAS.fullmatch(text)
    if loose and regex.fullmatch(text.replace(",", "")):  # 1,2000: separators group by three
        return UnitError(
            "E104",
            f"{kind}「{value}」的千分位逗号位置不对",
            f"逗号每三位一组，例如 12,000；或不写逗号：{text.replace(',', '')}",
        )
    return UnitError("E104", f"{kind}「{value}」无法识别", f"只写数字和单位，例如 {example}；不要写“约”“左右”等字样")


_AMOUNT_UNITS = {"": Decimal(1), "万": Decimal(1), "万元": Decimal(1), "亿": YI, "亿元": YI}
#: Area units; NFKC has already turned ㎡ and m² into m2 (they stay listed for clarity).
_AREA_UNITS: dict[str, Decimal | Fraction] = {
    "": Decimal(1),
    "平方米": Decimal(1),
    "平米": Decimal(1),
    "m2": Decimal(1),
    "m²": Decimal(1),
    "㎡": Decimal(1),
    "公顷": HECTARE,
    "亩": MU,
}


def parse_amount(value: object) -> Decimal:
    """An amount in 万元, exact: ``12000``, ``12000.5``, ``1.2亿``, ``5000万元``, ``12,000``, ``１２０００``.

    Text starts with a digit (``.5亿`` is an error: ``0.5亿``); commas group by three (``1,2000``
    is an error). A YAML number is taken as the YAML reader gave it.
    """
    return _amount_text(value) if type(value) is str else _amount(value)


def _amount(value: object) -> Decimal:
    amount = _number(value, "金额", _AMOUNT_RE, _AMOUNT_UNITS, "12000、1.2亿、5000万元")
    return amount if isinstance(amount, Decimal) else round_half_even(amount, 6)  # units are all decimal


def parse_area(value: object) -> Decimal:
    """An area in m², rounded half-even to 0.01 m² whatever the spelling: ``35000``, ``35000平米``,
    ``35000㎡``, ``35000m²``, ``35000m2``, ``82.1公顷``, ``123亩`` (1 亩 = 10000/15 m², exactly)."""
    return _area_text(value) if type(value) is str else _area(value)


def _area(value: object) -> Decimal:
    return round_half_even(_number(value, "面积", _AREA_RE, _AREA_UNITS, "35000、35000平米、82.1公顷、123亩"), 2)


# The same text means the same amount or area: a ledger writes 1.4公顷 or 2900万 many times over
# (issue 15: 10,000 areas at 20k projects, most of them spelt alike). Errors are not kept.
_amount_text = lru_cache(maxsize=4096)(_amount)
_area_text = lru_cache(maxsize=4096)(_area)


_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_LOOSE_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_MONTH_RE = re.compile(r"(\d{4})-(\d{2})")
_LOOSE_MONTH_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")


#: Years a ledger date can have (as 年度 in xiangmu.yaml): 9999-03-15 is a typo, not a plan.
DATE_YEARS = range(1949, 2201)


def month_key(year: int, month: int) -> str:
    """``YYYY-MM``: the key of a month in 完成投资 (the one place it is spelt)."""
    return f"{year:04d}-{month:02d}"


def parse_date(value: object) -> date:
    """A date written ``YYYY-MM-DD``; an impossible date is an error, not a crash."""
    day = _parse_date(value)
    if day.year not in DATE_YEARS:
        raise UnitError(
            "E106",
            f"日期「{_show(value)}」的年份不合理",
            f"年份应在 {DATE_YEARS.start} 到 {DATE_YEARS.stop - 1} 之间，请核对",
        )
    return day


def _parse_date(value: object) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE_RE.fullmatch(value):  # the common case, without NFKC
        try:
            return date(int(value[:4]), int(value[5:7]), int(value[8:10]))
        except ValueError:
            pass  # an impossible date: explained below
    text = _normalise_text(value) if isinstance(value, str) else None
    if text is not None:
        match = _DATE_RE.fullmatch(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                raise UnitError(
                    "E106", f"日期「{value}」不存在", f"{year} 年 {month} 月没有 {day} 日，请核对"
                ) from None
        loose = _LOOSE_DATE_RE.fullmatch(text)
        if loose:
            year, month, day = (int(g) for g in loose.groups())
            return_hint = f"写成 {year:04d}-{month:02d}-{day:02d}"
            raise UnitError("E106", f"日期「{value}」格式不对", return_hint)
    raise UnitError("E106", f"日期「{_show(value)}」格式不对", "日期写成 YYYY-MM-DD，例如 2018-09-03")


def parse_month(value: object) -> tuple[int, int]:
    """A month key ``YYYY-MM`` as ``(year, month)``."""
    if isinstance(value, str) and _MONTH_RE.fullmatch(value) and "01" <= value[5:] <= "12":
        return int(value[:4]), int(value[5:])
    text = _normalise_text(value) if isinstance(value, str) else None
    if text is not None:
        match = _MONTH_RE.fullmatch(text)
        if match:
            year, month = int(match[1]), int(match[2])
            if 1 <= month <= 12:
                return year, month
            raise UnitError("E107", f"月份「{value}」不存在", "月份在 01 到 12 之间")
        loose = _LOOSE_MONTH_RE.fullmatch(text)
        if loose and 1 <= int(loose[2]) <= 12:
            raise UnitError("E107", f"月份「{value}」格式不对", f"写成 {int(loose[1]):04d}-{int(loose[2]):02d}")
    raise UnitError("E107", f"月份「{_show(value)}」格式不对", "月份写成 YYYY-MM，例如 2018-09")


_TRUE = {"是", "true", "True", "TRUE"}
_FALSE = {"否", "false", "False", "FALSE"}


def parse_bool(value: object) -> bool:
    """``true``/``false`` or ``是``/``否``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise UnitError("E110", f"「{_show(value)}」不是是/否", "写 是 或 否（也可写 true / false）")


def format_amount(amount: Decimal) -> str:
    """An amount as plain decimal text without exponent or trailing zeros: ``12000``, ``0.5``."""
    text = format(amount.normalize(), "f")
    return text


def show_value(value: object) -> str:
    """A ledger value as plain text: amounts in 万元 without exponent, ISO dates, 是/否,
    mappings as ``{k: v, …}``, lists as ``[…]``; None as "—"."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format_amount(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show_value(v)}" for k, v in value.items() if v is not None) + "}"
    if isinstance(value, list):  # a problem's 升级 (issue 17)
        return "[" + ", ".join(show_value(v) for v in value) + "]"
    return as_text(value)
