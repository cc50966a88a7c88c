"""分类别: the monthly report's table by 类别 (docs/metrics.md, "Monthly report"; issue 16).

One row per 类别 — xiangmu.yaml 类别 in its order (a category without projects shows zeros),
then any other 类别 found, then （未分类） for projects without one — with the figures of
:func:`~xiangmu_cli.figures.metrics.scope_metrics` over that category's records (so a count here
means exactly what it means in 全市总览), their Σ 总投资, and the category's share of the scope's
new starts. Nothing is computed twice: the figures are the metrics of a smaller set of records.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, TypedDict

from xiangmu_cli.figures.metrics import (
    Breakdown,
    Figures,
    FigureValue,
    Tally,
    breakdown,
    config_of,
    ratio,
    tally_figures,
)
from xiangmu_cli.ledger.vocab import CITY

if TYPE_CHECKING:
    from xiangmu_cli.reading.records import Repository

__all__ = ["CategoryRow", "category_rows", "UNCATEGORISED"]

#: The row of the projects without 类别.
UNCATEGORISED = "（未分类）"


class CategoryRow(TypedDict):
    """One 类别 of 分类别 (:func:`category_rows`)."""

    类别: str
    #: Whether xiangmu.yaml 产业类别 lists it; None when 产业类别 is not set.
    产业: bool | None
    在建项目数: FigureValue
    亿元以上项目数: FigureValue
    新开工项目数: FigureValue
    #: Σ 总投资 of the category's started projects (在建项目数).
    总投资: Decimal
    完成投资: FigureValue
    #: 新开工项目数 ÷ the scope's 新开工项目数 (None when the scope has no new start).
    新开工占比: Fraction | None


def category_rows(
    repo: Repository,
    as_of: date,
    region: str | None = None,
    figures: Figures | None = None,
    counted: Breakdown | None = None,
) -> list[CategoryRow]:
    """分类别 for 全市, or for ``region`` when given (see the module docstring for the rows);
    ``figures`` are the scope's own metrics and ``counted`` the repository's :func:`breakdown` at
    ``as_of``, when the caller has them."""
    config = config_of(repo)
    scope = region or CITY
    counted = counted or breakdown(repo, as_of)
    found = counted.categories(scope)
    groups: dict[str, Tally] = {name: found.pop(name, Tally()) for name in config.categories or []}
    for name, counts in found.items():  # the other 类别 in the order met
        key = UNCATEGORISED if name is None else name
        groups[key] = groups[key] + counts if key in groups else counts
    if UNCATEGORISED in groups:  # last, whatever the order found
        groups[UNCATEGORISED] = groups.pop(UNCATEGORISED)
    all_new = (figures or tally_figures(counted.scope(scope), config, as_of, scope))["新开工项目数"]
    industries = config.industries
    rows: list[CategoryRow] = []
    for name, counts in groups.items():
        figures = tally_figures(counts, config, as_of, scope)
        new = figures["新开工项目数"]
        rows.append(
            {
                "类别": name,
                "产业": None if industries is None else name in industries,
                "在建项目数": figures["在建项目数"],
                "亿元以上项目数": figures["亿元以上项目数"],
                "新开工项目数": new,
                "总投资": counts.go_total,  # of the projects in 在建项目数
                "完成投资": figures["完成投资"],
                "新开工占比": ratio(new, all_new) if isinstance(new, int) and isinstance(all_new, int) else None,
            }
        )
    return rows
