"""The figures of docs/metrics.md, per region and for 全市, as of a date.

Pure functions over a loaded :class:`~xiangmu_cli.reading.records.Repository`: they return rows
(keyed by the contract's exact metric names) and never print. Money is exact ``Decimal`` 万元;
rates are ``Decimal`` fractions, or ``None`` when their denominator is zero; areas (m²) and
投资强度 (元/m²) are rounded half-even to 2 places. Only projects that passed validation count.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, TypedDict

from xiangmu_cli.figures import stages
from xiangmu_cli.figures.stages import month_of
from xiangmu_cli.ledger.model import Config, StartedProject
from xiangmu_cli.ledger.units import round_half_even
from xiangmu_cli.ledger.vocab import CITY, GROWTH_KEYS, METRIC_KINDS

if TYPE_CHECKING:
    from xiangmu_cli.reading.records import Record, Repository

__all__ = [
    "Figures",
    "FigureValue",
    "TargetRow",
    "compute_metrics",
    "scope_metrics",
    "default_as_of",
    "resolve_as_of",
    "month_end",
    "parse_month",
    "schedule_progress",
    "ratio",
    "scopes",
    "records_of",
    "target_rows",
    "leaders_of",
    "started",
    "completed_investment",
    "config_of",
    "reported_regions",
    "region_positions",
    "INDUSTRY",
]

CENT = Decimal("0.01")
#: The 类别 whose new starts count in 新开工用地面积 and 投资强度.
INDUSTRY = "工业"
ZERO = Decimal(0)

#: One metric's value: a count (int), money or an area (Decimal), an exact rate (Fraction), or
#: None for a rate whose denominator is zero.
FigureValue = int | Decimal | Fraction | None
#: Metric name (docs/metrics.md, in its order) → value, for one region or for 全市.
Figures = dict[str, FigureValue]


class TargetRow(TypedDict):
    """One target of xiangmu.yaml 目标 against its actual (:func:`target_rows`)."""

    地区: str
    指标: str
    目标: Decimal
    实际: FigureValue
    完成率: Fraction | None
    是否完成: bool | None
    序时进度: Fraction | None
    进度差: Fraction | None


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


def reported_regions(repo: Repository, month: str) -> tuple[int, int]:
    """(regions that reported ``month``, regions with any 完成投资): "已填报 12/13 个地区"."""
    months = _months_by_region(repo)
    return sum(month in m for m in months.values() if m), sum(1 for m in months.values() if m)


def _months_by_region(repo: Repository) -> dict[str, set[str]]:
    months: dict[str, set[str]] = {}
    for r in repo.records:
        if isinstance(r.project, StartedProject) and r.project.monthly:
            months.setdefault(r.region, set()).update(r.project.monthly)
        if isinstance(r.project, StartedProject) and r.project.prior_months is not None:  # reported as a total
            months.setdefault(r.region, set()).add(r.project.prior_months.through)
    return months


def default_as_of(repo: Repository, today: date | None = None) -> date:
    """The last day of the latest month that more than half of the regions with any 完成投资 have
    reported (one region entering next month early does not move the city); with no 完成投资 at
    all, today clamped into 年度."""
    months = _months_by_region(repo)
    if months:
        reporting = len(months)
        counts: dict[str, int] = {}
        for region_months in months.values():
            for m in region_months:
                counts[m] = counts.get(m, 0) + 1
        majority = [m for m, n in counts.items() if n * 2 > reporting]
        latest = max(majority) if majority else min(max(m) for m in months.values())
        return month_end(int(latest[:4]), int(latest[5:7]))
    year = config_of(repo).year
    today = today or date.today()
    return min(max(today, date(year, 1, 1)), date(year, 12, 31))


def resolve_as_of(
    repo: Repository, as_of: date | None = None, month: str | None = None, today: date | None = None
) -> date:
    """The as-of date from ``--as-of`` or ``--month`` (ValueError on a bad month), else the default."""
    if as_of is not None:
        return as_of
    if month is not None:
        return parse_month(month)
    return default_as_of(repo, today)


def schedule_progress(as_of: date, year: int) -> Fraction:
    """序时进度: the as-of month ÷ 12 (exact); 0 before 年度, 1 after it."""
    if as_of.year < year:
        return Fraction(0)
    if as_of.year > year:
        return Fraction(1)
    return Fraction(as_of.month, 12)


def ratio(numerator: Decimal | Fraction | int, denominator: Decimal | Fraction | int | None) -> Fraction | None:
    """numerator ÷ denominator, exactly (a Fraction: rounded once, where it is shown); None for
    a zero or absent denominator."""
    if denominator is None or denominator == 0:
        return None
    return Fraction(numerator) / Fraction(denominator)


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


def region_positions(config: Config) -> dict[str, int]:
    """Each region's position in xiangmu.yaml, for sorting rows by region (a region that is not
    listed sorts after every listed one: ``positions.get(name, len(positions))``)."""
    return {name: i for i, name in enumerate(config.region_names)}


def leaders_of(config: Config, region: str) -> list[str]:
    """包保领导 of a region: the leaders whose 包保地区 include it, in xiangmu.yaml order."""
    return [leader.name for leader in config.leaders if region in leader.regions]


def started(records: Iterable[Record], as_of: date) -> list[Record]:
    """Records started by as-of (stages.started)."""
    return [r for r in records if stages.started(r, as_of)]


# --- the metrics -------------------------------------------------------------------------------


def completed_investment(project: StartedProject, year: int, as_of: date) -> Decimal:
    """Σ 完成投资 of the months of 年度 up to and including the as-of month, with 以前月份完成投资
    when its 截至 is one of them (before its 截至 month the amount cannot be placed: left out)."""
    if as_of.year < year:
        return ZERO
    last = month_of(as_of) if as_of.year == year else f"{year:04d}-12"
    prefix = f"{year:04d}-"
    total = sum((v for m, v in project.monthly.items() if m.startswith(prefix) and m <= last), ZERO)
    lump = project.prior_months
    return total + lump.amount if lump is not None and lump.counted(year, last) else total


def scope_metrics(records: Sequence[Record], config: Config, as_of: date, scope: str) -> Figures:
    """Every metric of docs/metrics.md over ``records`` (one region's, or all for 全市).

    Each project's stage is its stage at ``as_of``, from its dates
    (:mod:`~xiangmu_cli.figures.stages`), never from the file it sits in now: a past month's
    figures do not move when a project moves on.
    """
    year = config.year
    caliber = config.caliber
    threshold, yi, ten_yi = caliber.threshold, caliber.yi, caliber.ten_yi
    month = month_of(as_of)

    go_records = started(records, as_of)
    go = [r.project for r in go_records if isinstance(r.project, StartedProject)]  # all of them: started
    new = [p for p in go if p.nature == "新建" and p.start_date.year == year]
    planned = [r for r in records if stages.planned(r, as_of)]
    # 招商签约: signed by as-of, except what landed before 年度 began (history); 落地: in 年度.
    signed = [
        r for r in records if stages.signed(r.project, as_of) and not stages.landed_before_year(r.project, year, as_of)
    ]
    landed = [r for r in records if stages.landed_in_year(r.project, year, as_of)]

    done = sum((completed_investment(p, year, as_of) for p in go), ZERO)
    plan = sum((p.annual_plan for p in go), ZERO)
    target = config.targets.get(scope, {}).get("年度投资")
    completion = ratio(done, target) if target is not None else ratio(done, plan)
    progress = schedule_progress(as_of, year)

    # 开工率: of the projects planned or started at as-of whose 计划开工日期 ≤ as-of, those started.
    due = [
        r
        for r in records
        if stages.planned_or_started(r, as_of)
        and (start := stages.planned_start(r.project)) is not None
        and start <= as_of
    ]
    due_started = [r for r in due if stages.started(r, as_of)]

    continuing = [p for p in go if p.nature == "续建"]
    resumed = [p for p in continuing if p.resume_date is not None and p.resume_date <= as_of]

    big = [r for r in go_records if r.project.total >= threshold]
    in_stats = [r for r in big if stages.in_stats(r, as_of)]

    # 问题 of the four ledgers' projects: not of one at the 谋划 stage at as-of.
    issues = [
        i for r in records if not stages.reserved(r, as_of) for i in r.project.issues if stages.issue_raised(i, as_of)
    ]
    solved = [i for i in issues if stages.issue_solved(i, as_of)]
    late = [i for i in issues if stages.issue_overdue(i, as_of)]

    # 秘书配备率: projects started or planned at as-of, at or above 入库门槛 (项目秘书 as it stands now).
    kept = [r.project for r in records if stages.planned_or_started(r, as_of) and r.project.total >= threshold]
    staffed = [p for p in kept if p.secretary is not None]

    visit_days = caliber.visit_days
    visited = [r for r in big if stages.visited_within(r.project, as_of, visit_days)]

    # 新开工产业项目: new starts whose 类别 is one of xiangmu.yaml 产业类别 (absent: no such figure).
    industries = config.industries
    new_industry = [p for p in new if industries is not None and p.category in industries]

    industrial = [p for p in new if p.category == INDUSTRY]
    area = sum((p.land_area or ZERO for p in industrial), ZERO).quantize(CENT, ROUND_HALF_EVEN)
    stated = [(p.total, p.land_area) for p in industrial if p.land_area is not None]  # (总投资, 用地面积)
    stated_area = sum((land for _, land in stated), ZERO)
    intensity = ratio(sum((total for total, _ in stated), ZERO) * 10000, stated_area)

    # 谋划 (储备库): in it at as-of; 转化率 over what was in it during 年度 up to as-of.
    reserve = [r.project for r in records if stages.in_reserve(r, as_of)]
    reserve_year = [r for r in records if stages.in_reserve_during_year(r, year, as_of)]
    converted = [r for r in reserve_year if stages.converted_in_year(r, year, as_of)]

    figures: Figures = {
        "在建项目数": len(go),
        "亿元以上项目数": sum(p.total >= yi for p in go),
        "十亿元以上项目数": sum(p.total >= ten_yi for p in go),
        "新建项目数": sum(p.nature == "新建" for p in go),
        "续建项目数": len(continuing),
        "新开工项目数": len(new),
        "新开工亿元以上项目数": sum(p.total >= yi for p in new),
        "新开工十亿元以上项目数": sum(p.total >= ten_yi for p in new),
        "新开工产业项目数": None if industries is None else len(new_industry),
        "新开工产业项目占比": None if industries is None else ratio(len(new_industry), len(new)),
        "计划开工项目数": len(planned),
        "未入统项目数": sum(stages.unstat(r, as_of) for r in go_records),
        "竣工项目数": sum(
            p.finish_date is not None and p.finish_date.year == year and p.finish_date <= as_of for p in go
        ),
        "投产项目数": sum(
            p.operation_date is not None and p.operation_date.year == year and p.operation_date <= as_of for p in go
        ),
        "招商签约项目数": len(signed),
        "招商落地项目数": len(landed),
        "年度计划投资": plan,
        "完成投资": done,
        "当月完成投资": sum((p.monthly.get(month, ZERO) for p in go), ZERO),
        "投资完成率": completion,
        "序时进度": progress,
        "进度差": None if completion is None else completion - progress,
        "开工率": ratio(len(due_started), len(due)),
        "复工率": ratio(len(resumed), len(continuing)),
        "入统率": ratio(len(in_stats), len(big)),
        "招商落地率": ratio(len(landed), len(signed)),
        "谋划项目数": len(reserve),
        "谋划亿元以上项目数": sum(p.total >= yi for p in reserve),
        "谋划总投资": sum((p.total for p in reserve), ZERO),
        "转化率": ratio(len(converted), len(reserve_year)),
        "问题数": len(issues),
        "已解决问题数": len(solved),
        "超期问题数": len(late),
        "问题解决率": ratio(len(solved), len(issues)),
        "秘书配备率": ratio(len(staffed), len(kept)),
        "走访达标率": ratio(len(visited), len(big)),
        "新开工用地面积": area,
        "投资强度": None if intensity is None else round_half_even(intensity, 2),  # 元/m²
    }
    assert list(figures) == list(METRIC_KINDS)
    return figures


def compute_metrics(repo: Repository, as_of: date) -> dict[str, Figures]:
    """Scope (each region in xiangmu.yaml order, then 全市) → metric name → value."""
    config = config_of(repo)
    return {scope: scope_metrics(records_of(repo, scope), config, as_of, scope) for scope in scopes(repo)}


# --- targets -----------------------------------------------------------------------------------


def target_rows(
    repo: Repository, as_of: date, figures: dict[str, Figures] | None = None, *, region: str | None = None
) -> list[TargetRow]:
    """Each target of xiangmu.yaml 目标 (全市 first, then regions in order), against its actual;
    only ``region``'s when given.

    Row keys: 地区, 指标, 目标, 实际, 完成率 (actual ÷ target), 是否完成 (actual ≥ target; None
    when the actual is absent), and for 年度投资 also 序时进度 and 进度差 (None otherwise). A
    同比增长 target (``完成投资同比增长``) reads its actual from ``figures`` (see
    :func:`~xiangmu_cli.figures.growth.with_growth`; absent without last year's archive) and
    has no 完成率.
    """
    config = config_of(repo)
    figures = figures or compute_metrics(repo, as_of)
    rows: list[TargetRow] = []
    for scope in [CITY, *config.region_names]:
        if region is not None and scope != region:
            continue
        for key, target in config.targets.get(scope, {}).items():
            grows = key in GROWTH_KEYS  # a 同比增长: in ``figures`` only with last year's archive
            if key != "年度投资" and key not in METRIC_KINDS and not grows:
                continue  # an unknown key is a validation error (E209), not a target
            actual = figures[scope].get("完成投资" if key == "年度投资" else key)
            # a growth may be negative or zero: no 完成率 (actual ÷ target), only whether it is met
            rate = None if actual is None or grows else ratio(actual, target)
            progress = schedule_progress(as_of, config.year) if key == "年度投资" else None  # the figures' 序时进度
            rows.append(
                {
                    "地区": scope,
                    "指标": key,
                    "目标": target,
                    "实际": actual,
                    "完成率": rate,
                    "是否完成": None if actual is None else actual >= target,
                    "序时进度": progress,
                    "进度差": None if rate is None or progress is None else rate - progress,
                }
            )
    return rows
