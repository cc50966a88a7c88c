"""The first look at a repository: projects and 总投资 per region and ledger (no as-of date).

Rows, not printing: the CLI renders them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from xiangmu_cli.ledger.vocab import CITY, LEDGERS

if TYPE_CHECKING:
    from xiangmu_cli.reading.records import Repository

__all__ = ["overview_rows"]


def overview_rows(repo: Repository) -> list[dict[str, Any]]:
    """One row per region (in xiangmu.yaml order, then unlisted folders), and a 全市 row.

    Each row: 地区, the number of valid projects in each ledger, 项目数 and 总投资 (万元).
    Projects that failed validation are not counted.
    """
    order = repo.config.region_names if repo.config else []
    regions = order + sorted({r.region for r in repo.records} - set(order))

    def row(name: str, records: list[Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"地区": name}
        for ledger in LEDGERS:
            out[ledger.value] = sum(1 for r in records if r.ledger is ledger)
        out["项目数"] = len(records)
        out["总投资"] = sum((r.project.total for r in records), Decimal(0))
        return out

    rows = [row(name, [r for r in repo.records if r.region == name]) for name in regions]
    rows.append(row(CITY, repo.records))
    return rows
