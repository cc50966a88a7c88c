"""The first look at a repository: projects and 总投资 per region and ledger (no as-of date).

Rows, not printing: the CLI renders them (output/views.py ``overview_document``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from xiangmu_cli.ledger.vocab import CITY, Ledger

if TYPE_CHECKING:
    from xiangmu_cli.reading.records import Record, Repository

__all__ = ["Overview", "OverviewRow", "overview", "overview_rows"]


class OverviewRow(TypedDict):
    """One row of :func:`overview_rows`: the valid projects in each ledger (the ledgers in their
    order), 项目数 and 总投资 (万元) of the four ledgers of the key projects, and 谋划总投资 of the
    project reserve (谋划, whose projects are not yet key projects)."""

    地区: str
    在建: int
    未入统: int
    计划开工: int
    招商: int
    谋划: int
    项目数: int
    总投资: Decimal
    谋划总投资: Decimal


def _row(name: str, records: list[Record]) -> OverviewRow:
    def count(ledger: Ledger) -> int:
        return sum(1 for r in records if r.ledger is ledger)

    key = [r for r in records if r.ledger is not Ledger.RESERVE]
    reserve = [r for r in records if r.ledger is Ledger.RESERVE]
    return {
        "地区": name,
        "在建": count(Ledger.BUILDING),
        "未入统": count(Ledger.UNSTAT),
        "计划开工": count(Ledger.PLANNED),
        "招商": count(Ledger.INVESTMENT),
        "谋划": len(reserve),
        "项目数": len(key),
        "总投资": sum((r.project.total for r in key), Decimal(0)),
        "谋划总投资": sum((r.project.total for r in reserve), Decimal(0)),
    }


def overview_rows(repo: Repository) -> list[OverviewRow]:
    """One row per region (in xiangmu.yaml order, then unlisted folders), and a 全市 row.

    Each row: 地区, the number of valid projects in each ledger (in the ledgers' order), 项目数
    and 总投资 (万元) of the four ledgers other than 谋划, and 谋划总投资. Projects that failed
    validation are not counted.
    """
    listed = repo.config.region_names if repo.config else []
    regions = listed + sorted({r.region for r in repo.records} - set(listed))
    rows = [_row(name, [r for r in repo.records if r.region == name]) for name in regions]
    rows.append(_row(CITY, repo.records))
    return rows


@dataclass
class Overview:
    """``xm info``: the repository's name and 年度 (without a valid xiangmu.yaml, its folder and
    None), :func:`overview_rows`, and how many errors left projects out of them."""

    name: str
    year: int | None
    rows: list[OverviewRow]
    errors: int


def overview(repo: Repository) -> Overview:
    """The first look at ``repo``: :class:`Overview`."""
    config = repo.config
    return Overview(
        name=config.name if config else str(repo.root),
        year=config.year if config else None,
        rows=overview_rows(repo),
        errors=len(repo.errors),
    )
