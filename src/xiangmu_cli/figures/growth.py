"""同比: figures against the same as-of a year earlier, read from the previous year's archive.

The archive of the previous year (``归档/<年度 − 1>/``, :mod:`xiangmu_cli.reading.archive`) is a
ledgers folder of that 年度, kept as it was when the year was closed (``xm rollover``). Its
figures are computed with the same code as this year's (:func:`~xiangmu_cli.figures.metrics.compute_metrics`),
as of the same day a year earlier (:func:`same_day_last_year`), so 上年同期 is what the report
of that month said, as long as nobody rewrote that year's past.

For each metric of :data:`~xiangmu_cli.ledger.vocab.GROWTH_METRICS` and each scope (a region by
its name, and 全市) two figures are added: ``<metric>上年同期`` and ``<metric>同比增长`` =
(本期 − 上年同期) ÷ 上年同期, an exact fraction, absent (None) when 上年同期 is zero or the
region is not in the archive. Without an archive none of them is there: absent, never zeros.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING

from xiangmu_cli.figures.metrics import (
    Breakdown,
    Figures,
    FigureValue,
    TargetRow,
    compute_metrics,
    ratio,
    target_rows,
)
from xiangmu_cli.ledger.vocab import GROWTH_KEYS, GROWTH_METRICS, growth_key, last_year_key

if TYPE_CHECKING:
    from xiangmu_cli.reading.records import Repository

__all__ = ["Comparison", "same_day_last_year", "with_growth", "growth", "compared_targets", "wants_growth"]


@dataclass(frozen=True)
class Comparison:
    """What 同比 compared with: the archive's 年度, the as-of a year earlier, where the archive is."""

    year: int
    as_of: date
    source: str

    def as_dict(self) -> dict[str, object]:
        return {"上年": self.year, "上年同期截至": self.as_of, "上年归档": self.source}


def same_day_last_year(as_of: date) -> date:
    """The same day a year earlier; the last day of a month gives the last day of that month
    (2020-02-29 → 2019-02-28, and 2019-02-28 → 2018-02-28)."""
    year = as_of.year - 1
    last = calendar.monthrange(year, as_of.month)[1]
    if as_of.day == calendar.monthrange(as_of.year, as_of.month)[1]:
        return date(year, as_of.month, last)
    return date(year, as_of.month, min(as_of.day, last))


def growth(now: FigureValue, before: FigureValue) -> Fraction | None:
    """(now − before) ÷ before, exactly; None when either is absent or ``before`` is zero."""
    if now is None or before is None:
        return None
    difference = Fraction(now) - Fraction(before)
    return ratio(difference, before)


def with_growth(
    figures: dict[str, Figures], previous: Repository | None, as_of: date, source: str = ""
) -> tuple[dict[str, Figures], Comparison | None]:
    """``figures`` (scope → metric → value, as of ``as_of``) with 上年同期 and 同比增长 added from the
    previous year's repository, and what they were compared with; unchanged (and None) without one."""
    if previous is None or previous.config is None:
        return figures, None
    last = same_day_last_year(as_of)
    before = compute_metrics(previous, last)
    out: dict[str, Figures] = {}
    for scope, mine in figures.items():
        theirs = before.get(scope)
        added: Figures = {}
        for metric in GROWTH_METRICS:
            old = theirs[metric] if theirs is not None else None
            added[last_year_key(metric)] = old
            added[growth_key(metric)] = growth(mine[metric], old)
        out[scope] = {**mine, **added}
    return out, Comparison(previous.config.year, last, source)


def compared_targets(
    repo: Repository,
    as_of: date,
    previous: Repository | None,
    source: str = "",
    region: str | None = None,
    counted: Breakdown | None = None,
) -> tuple[list[TargetRow], Comparison | None]:
    """``xm targets``: the target rows, a 同比增长 target's actual from the previous year's
    repository (absent without it), and what was compared; from ``counted`` (the repository's
    metrics.breakdown) when the caller has it."""
    figures, comparison = with_growth(compute_metrics(repo, as_of, counted), previous, as_of, source)
    return target_rows(repo, as_of, figures, region=region), comparison


def wants_growth(repo: Repository) -> bool:
    """Whether any 目标 names a 同比增长 (``xm targets`` reads last year's archive only then)."""
    config = repo.config
    return config is not None and any(key in GROWTH_KEYS for targets in config.targets.values() for key in targets)
