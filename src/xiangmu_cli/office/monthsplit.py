"""Cumulative figures split into months, only as far as the figures themselves give the split.

A sheet often reports ``1-9月完成投资`` (what a project completed from January to September)
beside ``9月完成`` or ``1-8月完成``, and the ledger holds 完成投资 month by month (当月完成).
:func:`split` takes the months known (the sheet's month columns and, for ``--update``, the
ledger's) and the totals over several months (:class:`Span`: the cumulative columns, and the
ledger's 以前月份完成投资), and derives what they determine, nothing more:

1. a span's months already known are taken out of it (its total less their amounts);
2. a span left with one month gives that month (1-9月 5200 less 1–8 月 known = 9月); one left
   with nothing gives 0 to each of its months (amounts are never negative);
3. a span inside another is taken out of it (1-9月 less 1-8月 = 9月), and again from 1.
4. A span left with several months cannot be split. When it holds every month not known from the
   year's first month (or the start month, for a project started this year) up to its last, its
   total is 以前月份完成投资 up to that month: recorded as such (:attr:`Split.lump`), with a note
   naming the amount. Any other is left out, with a note naming the amount.

Nothing is invented: a month gets an amount only when the figures leave no other choice. A span
whose known months add up to more than its total is an error of the row; one whose months are all
known but whose total differs is a note (the month figures are taken).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from xiangmu_cli.ledger.units import format_amount

__all__ = ["Span", "Split", "split", "month_range", "describe_months"]


@dataclass(frozen=True)
class Span:
    """A total over several months of one year."""

    months: frozenset[str]  # YYYY-MM
    total: Decimal
    #: Where it comes from, for messages: a column label, or "台账中的以前月份完成投资".
    label: str


@dataclass
class Split:
    #: Month → (amount, label of the span it was derived from).
    derived: dict[str, tuple[Decimal, str]] = field(default_factory=dict)
    #: (截至, 金额, label): 以前月份完成投资, when a span is left that is one.
    lump: tuple[str, Decimal, str] | None = None
    #: (label, message, hint): what the lump is, for a note (not among ``notes``: a caller that
    #: had one before shows the change instead).
    lump_note: tuple[str, str, str] | None = None
    #: (label, message, hint): shown; the row is imported.
    notes: list[tuple[str, str, str]] = field(default_factory=list)
    #: (label, message, hint): the row is not imported.
    problems: list[tuple[str, str, str]] = field(default_factory=list)


def month_range(year: int, first: int, last: int) -> frozenset[str]:
    return frozenset(f"{year:04d}-{m:02d}" for m in range(first, last + 1))


def describe_months(months: set[str] | frozenset[str]) -> str:
    """``{2018-01, …, 2018-08}`` → ``2018-01–2018-08`` when consecutive, else the months joined by 、."""
    ordered = sorted(months)
    if len(ordered) > 2 and all(
        int(b[5:]) == int(a[5:]) + 1 and a[:4] == b[:4] for a, b in zip(ordered, ordered[1:], strict=False)
    ):
        return f"{ordered[0]}–{ordered[-1]}"
    return "、".join(ordered)


def _wan(amount: Decimal) -> str:
    return f"{format_amount(amount)} 万元"


@dataclass
class _Open:
    months: set[str]
    total: Decimal
    span: Span


def split(known: dict[str, Decimal], spans: list[Span], first: str) -> Split:
    """What ``spans`` give beyond the months ``known``; months before ``first`` hold nothing (a
    project's investment starts with its start month). See the module docstring."""
    known = dict(known)
    out = Split()
    open_ = [_Open({m for m in s.months if m >= first}, s.total, s) for s in spans]
    changed = True
    while changed:
        changed = False
        still: list[_Open] = []
        for o in open_:
            inside = [m for m in o.months if m in known]
            rest = o.months - set(inside)
            left = o.total - sum((known[m] for m in inside), Decimal(0))
            if left < 0:
                out.problems.append(
                    (
                        o.span.label,
                        f"{_wan(o.span.total)}小于其中已知各月（{describe_months(set(inside))}）之和 "
                        f"{_wan(o.span.total - left)}",
                        "核对累计数和各月的数",
                    )
                )
                continue
            if not rest:
                if left:
                    out.notes.append(
                        (
                            o.span.label,
                            f"{_wan(o.span.total)}与各月（{describe_months(o.months)}）之和 "
                            f"{_wan(o.span.total - left)}不符（差 {_wan(left)}），按各月的数导入",
                            "核对累计数和各月的数",
                        )
                    )
                continue
            if len(rest) == 1 or left == 0:  # one month left; or nothing left for any (amounts are ≥ 0)
                for month in sorted(rest):
                    known[month] = left
                    out.derived[month] = (left, o.span.label)
                changed = True
                continue
            still.append(_Open(rest, left, o.span))
        open_ = still
        if not changed:
            changed = _take_nested(open_, out)
    _lump_or_left_out(open_, known, first, out)
    return out


def _take_nested(open_: list[_Open], out: Split) -> bool:
    """Take one span out of another that holds it (the same months: the first one's total is
    kept, with a note when they differ); True when one was."""
    for i, a in enumerate(open_):
        for j, b in enumerate(open_):
            if i == j or not a.months <= b.months:
                continue
            if a.months == b.months:  # the first one is kept: the sheet's, before the ledger's
                if a.total != b.total:
                    out.notes.append(
                        (
                            a.span.label,
                            f"{describe_months(a.months)} 合计 {_wan(a.total)}，与{b.span.label}（{_wan(b.total)}）"
                            "不符，按表中的数导入",
                            "核对两处的数",
                        )
                    )
                del open_[j]
                return True
            open_[j] = _Open(b.months - a.months, b.total - a.total, b.span)
            return True
    return False


def _lump_or_left_out(open_: list[_Open], known: dict[str, Decimal], first: str, out: Split) -> None:
    for o in sorted(open_, key=lambda o: max(o.months), reverse=True):
        last = max(o.months)
        year, start, end = int(last[:4]), int(first[5:]) if first[:4] == last[:4] else 1, int(last[5:])
        unknown = {m for m in month_range(year, start, end) if m not in known}
        if out.lump is None and o.months == unknown:
            out.lump = (last, o.total, o.span.label)
            out.lump_note = (
                o.span.label,
                f"其中 {describe_months(o.months)} 的 {_wan(o.total)}没有分月的数，"
                f"记为 以前月份完成投资（截至 {last}），不分到各月",
                "表中补上这些月份各月的数后再导入，可分月登记",
            )
            continue
        out.notes.append(
            (
                o.span.label,
                f"其中 {describe_months(o.months)} 的 {_wan(o.total)}无法分到各月，未导入",
                "表中补上这些月份各月的数，或 1 月起的累计数",
            )
        )
