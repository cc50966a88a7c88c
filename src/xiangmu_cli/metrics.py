"""The figures of ``shared/metrics.md``, per region and for 全市, as of a date.

Pure functions over a loaded :class:`~xiangmu_cli.loading.Repository`: they return rows (dicts
keyed by the contract's exact metric names) and never print. Money is exact ``Decimal`` 万元;
rates are ``Decimal`` fractions, or ``None`` when their denominator is zero; areas (m²) and
投资强度 (元/m²) are rounded half-even to 2 places. Only projects that passed validation count.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, Any

from .model import Config, InvestmentProject, PlannedProject, StartedProject
from .vocab import CITY, METRIC_KINDS, Ledger

if TYPE_CHECKING:
    from .loading import Record, Repository

__all__ = [
    "Figures", "compute_metrics", "default_as_of", "resolve_as_of", "month_end", "parse_month",
    "schedule_progress", "ratio", "scopes", "records_of", "target_rows", "leaders_of", "started",
    "completed_investment", "config_of",
    "INDUSTRY",
]

CENT = Decimal("0.01")
#: The 类别 whose new starts count in 新开工用地面积 and 投资强度.
INDUSTRY = "工业"
ZERO = Decimal(0)

Figures = dict[str, Any]


# --- dates -------------------------------------------------------------------------------------

def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_month(text: str) -> date:
    """``YYYY-MM`` → the last day of that month; ValueError when it is not a month."""
    parts = text.strip().split("-")
    if len(parts) != 2 or len(parts[0]) != 4 or len(parts[1]) != 2 or not all(p.isdigit() for p in parts):
        raise ValueError(f"月份「{text}」格式不对，应为 YYYY-MM，例如 2018-09")
    year, month = int(parts[0]), int(parts[1])
    if not 1 <= month <= 12:
        raise ValueError(f"月份「{text}」不存在")
    return month_end(year, month)


def _month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def default_as_of(repo: Repository, today: date | None = None) -> date:
    """The last day of the latest month in any 完成投资; with none, today clamped into 年度."""
    months = [m for r in repo.records if isinstance(r.project, StartedProject) for m in r.project.monthly]
    if months:
        latest = max(months)
        return month_end(int(latest[:4]), int(latest[5:7]))
    year = config_of(repo).year
    today = today or date.today()
    return min(max(today, date(year, 1, 1)), date(year, 12, 31))


def resolve_as_of(repo: Repository, as_of: date | None = None, month: str | None = None,
                  today: date | None = None) -> date:
    """The as-of date from ``--as-of`` or ``--month`` (ValueError on a bad month), else the default."""
    if as_of is not None:
        return as_of
    if month is not None:
        return parse_month(month)
    return default_as_of(repo, today)


def schedule_progress(as_of: date, year: int) -> Decimal:
    """序时进度: the as-of month ÷ 12; 0 before 年度, 1 after it."""
    if as_of.year < year:
        return ZERO
    if as_of.year > year:
        return Decimal(1)
    return Decimal(as_of.month) / Decimal(12)


def ratio(numerator: Decimal | int, denominator: Decimal | int | None) -> Decimal | None:
    """numerator ÷ denominator as an exact-as-possible Decimal; None for a zero or absent denominator."""
    if denominator is None or denominator == 0:
        return None
    return Decimal(numerator) / Decimal(denominator)


# --- scopes ------------------------------------------------------------------------------------

def config_of(repo: Repository) -> Config:
    if repo.config is None:
        raise ValueError("xiangmu.yaml 缺失或有错误，无法统计")
    return repo.config


def scopes(repo: Repository) -> list[str]:
    """Region names in xiangmu.yaml order, then 全市."""
    return [*config_of(repo).region_names, CITY]


def records_of(repo: Repository, scope: str) -> list[Record]:
    """The valid records of a region, or of the whole repository for 全市."""
    if scope == CITY:
        return list(repo.records)
    return [r for r in repo.records if r.region == scope]


def leaders_of(config: Config, region: str) -> list[str]:
    """包保领导 of a region: the leaders whose 包保地区 include it, in xiangmu.yaml order."""
    return [leader.name for leader in config.leaders if region in leader.regions]


def started(records: Iterable[Record], as_of: date) -> list[Record]:
    """Records in 在建 and 未入统 with 开工日期 ≤ as-of."""
    return [r for r in records if isinstance(r.project, StartedProject) and r.project.start_date <= as_of]


# --- the metrics -------------------------------------------------------------------------------

def completed_investment(project: StartedProject, year: int, as_of: date) -> Decimal:
    """Σ 完成投资 of the months of 年度 up to and including the as-of month."""
    if as_of.year < year:
        return ZERO
    last = _month_key(as_of) if as_of.year == year else f"{year:04d}-12"
    prefix = f"{year:04d}-"
    return sum((v for m, v in project.monthly.items() if m.startswith(prefix) and m <= last), ZERO)


def scope_metrics(records: Sequence[Record], config: Config, as_of: date, scope: str) -> Figures:
    """Every metric of metrics.md over ``records`` (one region's, or all for 全市)."""
    year = config.year
    caliber = config.caliber
    threshold, yi = caliber.threshold, caliber.yi
    month = _month_key(as_of)

    go = [r.project for r in started(records, as_of)]
    assert all(isinstance(p, StartedProject) for p in go)
    new = [p for p in go if p.nature == "新建" and p.start_date.year == year]  # type: ignore[union-attr]
    planned = [r.project for r in records if r.ledger is Ledger.PLANNED]
    deals = [r.project for r in records if isinstance(r.project, InvestmentProject)]
    signed = [p for p in deals if p.stage in ("签约", "落地") and p.sign_date is not None and p.sign_date <= as_of]
    landed = [p for p in deals if p.stage == "落地" and p.land_date is not None and p.land_date <= as_of]

    done = sum((completed_investment(p, year, as_of) for p in go), ZERO)  # type: ignore[arg-type]
    plan = sum((p.annual_plan for p in go), ZERO)  # type: ignore[union-attr]
    target = config.targets.get(scope, {}).get("年度投资")
    completion = ratio(done, target) if target is not None else ratio(done, plan)
    progress = schedule_progress(as_of, year)

    # 开工率: projects due to have started (计划开工日期 ≤ as-of), and which of them have.
    due = [(r, r.project) for r in records
           if isinstance(r.project, (PlannedProject, StartedProject))
           and r.project.planned_start is not None and r.project.planned_start <= as_of]
    due_started = [p for r, p in due if isinstance(p, StartedProject) and p.start_date <= as_of]

    continuing = [p for p in go if p.nature == "续建"]  # type: ignore[union-attr]
    resumed = [p for p in continuing if p.resume_date is not None and p.resume_date <= as_of]  # type: ignore[union-attr]

    big = [r for r in started(records, as_of) if r.project.total >= threshold]
    in_stats = [r for r in big if r.ledger is Ledger.BUILDING]

    issues = [i for r in records for i in r.project.issues if i.raised <= as_of]
    solved = [i for i in issues if i.solved is not None and i.solved <= as_of]
    late = [i for i in issues if not (i.solved is not None and i.solved <= as_of)
            and i.deadline is not None and i.deadline < as_of]

    kept = [r.project for r in records if r.ledger is not Ledger.INVESTMENT and r.project.total >= threshold]
    staffed = [p for p in kept if p.secretary is not None]

    visit_days = caliber.visit_days
    visited = [r for r in big if _visited_within(r.project.latest_visit(as_of), as_of, visit_days)]

    industrial = [p for p in new if p.category == INDUSTRY]
    area = sum((p.land_area or ZERO for p in industrial), ZERO).quantize(CENT, ROUND_HALF_EVEN)
    stated = [p for p in industrial if p.land_area is not None]
    stated_area = sum((p.land_area for p in stated), ZERO)  # type: ignore[misc]
    intensity = ratio(sum((p.total for p in stated), ZERO) * 10000, stated_area)

    figures: Figures = {
        "在建项目数": len(go),
        "亿元以上项目数": sum(p.total >= yi for p in go),
        "新建项目数": sum(p.nature == "新建" for p in go),  # type: ignore[union-attr]
        "续建项目数": len(continuing),
        "新开工项目数": len(new),
        "新开工亿元以上项目数": sum(p.total >= yi for p in new),
        "计划开工项目数": len(planned),
        "未入统项目数": sum(r.ledger is Ledger.UNSTAT for r in started(records, as_of)),
        "竣工项目数": sum(p.finish_date is not None and p.finish_date.year == year  # type: ignore[union-attr]
                          and p.finish_date <= as_of for p in go),  # type: ignore[union-attr]
        "招商签约项目数": len(signed),
        "招商落地项目数": len(landed),
        "年度计划投资": plan,
        "完成投资": done,
        "当月完成投资": sum((p.monthly.get(month, ZERO) for p in go), ZERO),  # type: ignore[union-attr]
        "投资完成率": completion,
        "序时进度": progress,
        "进度差": None if completion is None else completion - progress,
        "开工率": ratio(len(due_started), len(due)),
        "复工率": ratio(len(resumed), len(continuing)),
        "入统率": ratio(len(in_stats), len(big)),
        "招商落地率": ratio(len(landed), len(signed)),
        "问题数": len(issues),
        "已解决问题数": len(solved),
        "超期问题数": len(late),
        "问题解决率": ratio(len(solved), len(issues)),
        "秘书配备率": ratio(len(staffed), len(kept)),
        "走访达标率": ratio(len(visited), len(big)),
        "新开工用地面积": area,
        "投资强度": None if intensity is None else intensity.quantize(CENT, ROUND_HALF_EVEN),
    }
    assert list(figures) == list(METRIC_KINDS)
    return figures


def _visited_within(latest: date | None, as_of: date, days: int) -> bool:
    return latest is not None and (as_of - latest).days <= days


def compute_metrics(repo: Repository, as_of: date) -> dict[str, Figures]:
    """Scope (each region in xiangmu.yaml order, then 全市) → metric name → value."""
    config = config_of(repo)
    return {scope: scope_metrics(records_of(repo, scope), config, as_of, scope) for scope in scopes(repo)}


# --- targets -----------------------------------------------------------------------------------

def target_rows(repo: Repository, as_of: date, figures: dict[str, Figures] | None = None) -> list[dict[str, Any]]:
    """Each target of xiangmu.yaml 目标 (全市 first, then regions in order), against its actual.

    Row keys: 地区, 指标, 目标, 实际, 完成率 (actual ÷ target), 是否完成 (actual ≥ target; None
    when the actual is absent), and for 年度投资 also 序时进度 and 进度差 (None otherwise).
    """
    config = config_of(repo)
    figures = figures or compute_metrics(repo, as_of)
    rows = []
    for scope in [CITY, *config.region_names]:
        for key, target in config.targets.get(scope, {}).items():
            if key != "年度投资" and key not in METRIC_KINDS:
                continue  # an unknown key is a validation error (E209), not a target
            actual = figures[scope]["完成投资" if key == "年度投资" else key]
            rate = None if actual is None else ratio(actual, target)
            progress = figures[scope]["序时进度"] if key == "年度投资" else None
            rows.append({
                "地区": scope,
                "指标": key,
                "目标": target,
                "实际": actual,
                "完成率": rate,
                "是否完成": None if actual is None else actual >= target,
                "序时进度": progress,
                "进度差": None if rate is None or progress is None else rate - progress,
            })
    return rows
