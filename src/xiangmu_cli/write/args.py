"""The event commands' arguments, checked: a bad one is an :class:`EditError` with exit code 2."""

from __future__ import annotations

from datetime import date

from xiangmu_cli.ledger.units import UnitError, parse_amount, parse_date, parse_month
from xiangmu_cli.ledger.units import month_key as units_month_key
from xiangmu_cli.write.plan import EditError

__all__ = ["parse_day", "check_amount", "month_key", "text_arg"]


def parse_day(value: date | str, option: str = "--date") -> date:
    """A date argument, or an EditError with exit code 2."""
    if isinstance(value, date):
        return value
    try:
        return parse_date(value.strip())
    except UnitError as exc:
        raise EditError(f"{option}：{exc.message}（{exc.hint}）", code=2) from None


def check_amount(value: str, option: str = "--amount") -> str:
    """An amount argument as typed (stripped), after checking it parses; exit code 2 if not."""
    text = str(value).strip()
    try:
        parse_amount(text)
    except UnitError as exc:
        raise EditError(f"{option}：{exc.message}（{exc.hint}）", code=2) from None
    return text


def month_key(value: str, option: str = "--month") -> str:
    """A month argument as ``YYYY-MM``; exit code 2 if it does not parse."""
    try:
        year, month = parse_month(str(value).strip())
    except UnitError as exc:
        raise EditError(f"{option}：{exc.message}（{exc.hint}）", code=2) from None
    return units_month_key(year, month)


def text_arg(value: str, option: str) -> str:
    """A free-text argument on one line (a ledger value is never multi-line here); never empty."""
    text = " ".join(str(value).split())
    if not text:
        raise EditError(f"{option} 不能为空", code=2)
    return text
