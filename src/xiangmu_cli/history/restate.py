"""The restatement check (`xm recheck`): did a figure already sent change, and why?

A month's report, once sent, must stay what it was: the stage of a project at a past date comes
from its dates (:mod:`~xiangmu_cli.figures.stages`), so correct later work (开工, 入统, 落地, a new month's 完成投资)
never moves a past figure. What can move one is a rewritten past: an event back-dated into the
sent period, a closed month's 完成投资 changed, a project deleted or added with old dates, or a
fact without a date (总投资, 项目秘书, being in a ledger at all) or a setting in xiangmu.yaml.

:func:`restatement` computes every metric of docs/metrics.md per region and for 全市 from the
published revision and from the ledgers now, for the same as-of date, and lists each figure that
differs with the projects whose change alone moves it (each project's changed fields, old →
new). Pure: both repositories are loaded by the caller.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, TypedDict

from xiangmu_cli.figures.metrics import (
    Figures,
    FigureValue,
    compute_metrics,
    config_of,
    records_of,
    scope_metrics,
    scopes,
)
from xiangmu_cli.history.diff import Change, FieldChange, project_changes
from xiangmu_cli.ledger.units import month_key
from xiangmu_cli.ledger.vocab import CITY, METRIC_KINDS

if TYPE_CHECKING:
    from xiangmu_cli.ledger.model import Config
    from xiangmu_cli.reading.records import Record, Repository

__all__ = ["Cause", "Restated", "restatement"]

#: The cause named when no single project's change explains a figure.
CONFIG_CAUSE = "xiangmu.yaml 的设置（口径、目标）改动"


class Cause(TypedDict):
    """A project whose change alone moves a figure (编号 and 地区 None for the xiangmu.yaml cause).

    改动: 新增, 删除, 改写已报期间 (a changed date or month on or before as-of), 改动, or 设置.
    """

    编号: str | None
    名称: str
    地区: str | None
    改动: str
    字段: list[FieldChange]


class Restated(TypedDict):
    """A sent figure that changed: 原值 as published, 新值 now, and the causes."""

    地区: str
    指标: str
    原值: FigureValue
    新值: FigureValue
    原因: list[Cause]


def _cause(code: str, before: Record | None, after: Record | None, as_of: date) -> Cause:
    record = after or before
    assert record is not None
    changes: list[Change] = []
    if before is None:
        what = "新增"
    elif after is None:
        what = "删除"
    else:
        changes = [c for c in project_changes(before, after) if c["原值"] != c["新值"]]
        what = "改写已报期间" if any(_in_period(c, as_of) for c in changes) else "改动"
    return {
        "编号": code,
        "名称": record.project.name,
        "地区": record.region,
        "改动": what,
        "字段": [{"字段": c["字段"], "原值": c["原值"], "新值": c["新值"]} for c in changes],
    }


def _in_period(change: FieldChange, as_of: date) -> bool:
    """Whether a changed field is dated on or before the as-of date (a rewrite of the sent past)."""
    name = change["字段"]
    if name.startswith("完成投资 "):
        return name.split(" ", 1)[1] <= month_key(as_of.year, as_of.month)
    return any(isinstance(v, date) and v <= as_of for v in (change["原值"], change["新值"]))


def restatement(before: Repository, after: Repository, as_of: date) -> list[Restated]:
    """Every figure as of ``as_of`` that differs between ``before`` (published) and ``after`` (now).

    Rows: 地区, 指标, 原值, 新值, 原因 (a list of the projects whose change alone moves the
    figure, each with 编号, 名称, 地区, 改动 — 新增, 删除, 改写已报期间 (a changed date or month
    on or before as-of) or 改动 — and its changed 字段; or the xiangmu.yaml cause). Regions in
    the published order, then any new one; metrics in the contract's order.
    """
    config = config_of(before)
    old, new = compute_metrics(before, as_of), compute_metrics(after, as_of)
    names = [*scopes(before), *(s for s in scopes(after) if s not in old)]
    old_by_code = {r.project.code: r for r in before.records}
    new_by_code = {r.project.code: r for r in after.records}
    changed = [
        code
        for code in dict.fromkeys([*old_by_code, *new_by_code])
        if code not in old_by_code or code not in new_by_code or project_changes(old_by_code[code], new_by_code[code])
    ]

    rows: list[Restated] = []
    for scope in names:
        was, now = old.get(scope), new.get(scope)
        differing = [m for m in METRIC_KINDS if (was or {}).get(m) != (now or {}).get(m)]
        if not differing:
            continue
        trials = _trials(scope, before, changed, old_by_code, new_by_code, config, as_of)
        for metric in differing:
            causes = [
                _cause(code, old_by_code.get(code), new_by_code.get(code), as_of)
                for code, figures in trials
                if figures[metric] != (was or {}).get(metric)
            ]
            if not causes:
                causes = [{"编号": None, "名称": CONFIG_CAUSE, "地区": None, "改动": "设置", "字段": []}]
            rows.append(
                {
                    "地区": scope,
                    "指标": metric,
                    "原值": (was or {}).get(metric),
                    "新值": (now or {}).get(metric),
                    "原因": causes,
                }
            )
    return rows


def _trials(
    scope: str,
    before: Repository,
    changed: list[str],
    old_by_code: dict[str, Record],
    new_by_code: dict[str, Record],
    config: Config,
    as_of: date,
) -> list[tuple[str, Figures]]:
    """For each changed project touching ``scope``: the published figures with only that project
    as it is now (removed, added or changed), computed with the published settings."""
    base = records_of(before, scope)

    def inside(rec: Record | None) -> bool:
        return rec is not None and (scope == CITY or rec.region == scope)

    out = []
    for code in changed:
        was, now = old_by_code.get(code), new_by_code.get(code)
        if not inside(was) and not inside(now):
            continue
        trial = [r for r in base if r.project.code != code]
        if now is not None and inside(now):
            trial.append(now)
        out.append((code, scope_metrics(trial, config, as_of, scope)))
    return out
