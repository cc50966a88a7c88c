"""Reminders (提醒): per 项目秘书, 包保领导 or 责任单位, what is overdue and what falls due soon.

The items are :func:`~xiangmu_cli.figures.overdue.overdue_items` and
:func:`~xiangmu_cli.figures.overdue.due_soon_items` as of a date, grouped by the person or
department each names (a problem's 责任单位 is the problem's own when it has one, as in ``xm
overdue``). A digest is made for everyone with at least one item; the items that name nobody
for the role (a project without a 项目秘书, …) make one digest of their own, last, whose 对象 is
None, so that nothing is silently left out. Nothing here prints or sends: output/digest.py
renders a digest, output/webhook.py posts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypedDict

from xiangmu_cli.figures.metrics import config_of
from xiangmu_cli.figures.overdue import DueSoonItem, OverdueItem, due_soon_items, overdue_items

if TYPE_CHECKING:
    from xiangmu_cli.reading.records import Repository

__all__ = ["ROLES", "Digest", "Reminders", "reminders"]

#: Whom a digest is for: the keys of an item that name them.
ROLES = ("项目秘书", "包保领导", "责任单位")


class Digest(TypedDict):
    """One recipient's digest: overdue items (most overdue first) and items falling due (soonest
    first). 对象 is None for the items that name nobody for the role."""

    对象类型: str
    对象: str | None
    逾期事项: list[OverdueItem]
    临期事项: list[DueSoonItem]


@dataclass
class Reminders:
    """The digests of one role as of a date (``xm remind``)."""

    name: str
    year: int
    as_of: date
    #: 口径.临期天数 (or the option given): items due from as-of to as-of + days are 临期.
    days: int
    role: str
    digests: list[Digest]
    #: Errors in the ledgers (projects with errors are left out, as in every report).
    errors: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "名称": self.name,
            "年度": self.year,
            "截至": self.as_of,
            "临期天数": self.days,
            "对象类型": self.role,
            "未计入的错误数": self.errors,
            "提醒": self.digests,
        }


def reminders(
    repo: Repository,
    as_of: date,
    role: str = "项目秘书",
    *,
    days: int | None = None,
    name: str | None = None,
    region: str | None = None,
) -> Reminders:
    """The digests for ``role`` (one of :data:`ROLES`) as of ``as_of``: items falling due within
    ``days`` days (default 口径.临期天数); only ``name``'s digest, only items of ``region``, when given.

    Digests are ordered: 包保领导 as listed in xiangmu.yaml 领导 (others after them by name),
    项目秘书 and 责任单位 by name; the digest of items naming nobody comes last.
    """
    if role not in ROLES:
        raise ValueError(f"对象类型「{role}」应为 " + "、".join(ROLES))
    config = config_of(repo)
    window = config.caliber.due_days if days is None else days
    late = overdue_items(repo, as_of, region=region)
    soon = due_soon_items(repo, as_of, window, region=region)
    names = {it[role] for it in late} | {it[role] for it in soon}  # type: ignore[literal-required]
    if name is not None:
        names &= {name}
    leaders = {leader.name: i for i, leader in enumerate(config.leaders)} if role == "包保领导" else {}

    def order(who: str | None) -> tuple[int, int, str]:
        if who is None:
            return 2, 0, ""
        return (0, leaders[who], who) if who in leaders else (1, 0, who)

    digests: list[Digest] = []
    for who in sorted(names, key=order):
        mine_late = [it for it in late if it[role] == who]  # type: ignore[literal-required]
        mine_soon = [it for it in soon if it[role] == who]  # type: ignore[literal-required]
        digests.append({"对象类型": role, "对象": who, "逾期事项": mine_late, "临期事项": mine_soon})
    return Reminders(
        name=config.name,
        year=config.year,
        as_of=as_of,
        days=window,
        role=role,
        digests=digests,
        errors=len(repo.errors),
    )
