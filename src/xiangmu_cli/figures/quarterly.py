"""季分析: a quarter's figures against the quarter's time-proportional targets (``xm report quarterly``).

A quarter's figure of a metric that accumulates over 年度 (:data:`FLOW_METRICS`: 完成投资, new
starts, 竣工, 签约, 落地, 新开工用地面积) is the metric at the quarter's last day minus the metric at
the day before the quarter began, both computed by :func:`~xiangmu_cli.figures.metrics.compute_metrics`
— the same code as every report, so the four quarters of a year add up to the year. Its
time-proportional targets (序时) are the year's target × 3/12 for the quarter alone (季度目标)
and × (quarter's last month)/12 for the year so far (序时目标, the 序时进度 of the quarter's end).
The quarter's events (新开工, 入统, 签约, 落地, 竣工, problems raised and solved) are those of
:func:`~xiangmu_cli.figures.report.changes_between`, counted by region. With the previous year's
archive the figures at the quarter's end carry 同比 (:func:`~xiangmu_cli.figures.growth.with_growth`,
as the monthly report's at its month's end). See docs/metrics.md "Quarterly analysis".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

from xiangmu_cli.base.fileio import display_path
from xiangmu_cli.figures.growth import Comparison, with_growth
from xiangmu_cli.figures.metrics import (
    Figures,
    FigureValue,
    compute_metrics,
    config_of,
    default_as_of,
    month_end,
    ratio,
    region_positions,
    reported_regions,
    schedule_progress,
)
from xiangmu_cli.figures.report import CHANGE_KINDS, ChangeRow, changes_between
from xiangmu_cli.figures.stages import month_of
from xiangmu_cli.figures.tongbao import (
    HONOUR_SIZE,
    _growth_words,
    _progress_words,
    numeral,
    percent,
    yi,
)
from xiangmu_cli.ledger.vocab import CITY, GROWTH_METRICS, METRIC_KINDS, growth_key, last_year_key

if TYPE_CHECKING:
    from xiangmu_cli.reading.archive import Archive
    from xiangmu_cli.reading.records import Repository

__all__ = [
    "FLOW_METRICS",
    "QuarterlyReport",
    "QuarterRow",
    "QuarterTargetRow",
    "QuarterChangeRow",
    "parse_quarter",
    "quarter_of_month",
    "default_quarter",
    "quarter_bounds",
    "quarterly_report",
]

#: The metrics that accumulate over 年度 and so have a quarter's share: a quarter's figure is
#: the metric at its end minus the metric the day before it began. (A stock such as 在建项目数,
#: or a rate, has no share of the year.)
FLOW_METRICS = (
    "完成投资",
    "新开工项目数",
    "新开工亿元以上项目数",
    "竣工项目数",
    "招商签约项目数",
    "招商落地项目数",
    "新开工用地面积",
)
_QUARTER = re.compile(r"^\s*(\d{4})\s*[-－ ]?\s*[Qq第]?\s*([1-4一二三四])\s*(?:季度)?\s*$")
_CN = {"一": 1, "二": 2, "三": 3, "四": 4}


class QuarterRow(TypedDict):
    """季度投资: one scope (全市 or a region): the quarter's 完成投资 against its share of the
    year's target, and the year so far against 序时进度 (with the previous year's archive, also
    the year so far's 上年同期 and 同比增长)."""

    地区: str
    季度完成投资: Decimal
    季度目标: Decimal | None
    季度完成率: Fraction | None
    完成投资: FigureValue
    年度目标: Decimal | None
    投资完成率: FigureValue
    序时进度: FigureValue
    进度差: FigureValue
    完成投资上年同期: NotRequired[FigureValue]
    完成投资同比增长: NotRequired[FigureValue]


class QuarterTargetRow(TypedDict):
    """季度目标完成: one target of xiangmu.yaml 目标 that has a quarter's share (年度投资, or a
    metric of :data:`FLOW_METRICS`)."""

    地区: str
    指标: str
    年度目标: Decimal
    季度目标: Decimal
    季度实际: FigureValue
    季度完成率: Fraction | None
    序时目标: Decimal
    累计实际: FigureValue
    序时完成率: Fraction | None
    是否达到序时: bool | None


#: 季度变动分地区: 地区, the number of events of each kind of :data:`~report.CHANGE_KINDS`, 合计.
QuarterChangeRow = dict[str, str | int]


@dataclass
class QuarterlyReport:
    """季分析 of one quarter of 年度, for the city or one region."""

    name: str
    year: int
    quarter: int
    first: date
    as_of: date
    region: str | None
    investment: list[QuarterRow]
    targets: list[QuarterTargetRow]
    change_counts: list[QuarterChangeRow]
    changes: list[ChangeRow]
    summary: list[str] = field(default_factory=list)
    errors: int = 0
    reported: tuple[int, int] | None = None
    #: 同比: what the figures were compared with (None: no usable archive of the previous year).
    comparison: Comparison | None = None
    #: Why last year's archive was not used, or what to know about it (shown in the header).
    archive_note: str | None = None
    #: 同比情况: the scope's :data:`~xiangmu_cli.ledger.vocab.GROWTH_METRICS` at the quarter's end,
    #: each with its 上年同期 and 同比增长 (empty without a comparison).
    growth: Figures = field(default_factory=dict)

    @property
    def label(self) -> str:
        """``2018Q3``."""
        return f"{self.year}Q{self.quarter}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "名称": self.name,
            "年度": self.year,
            "季度": self.label,
            "起始": self.first,
            "截至": self.as_of,
            "地区": self.region or CITY,
            "未计入的错误数": self.errors,
            "综述": self.summary,
            "季度投资": self.investment,
            **({"同比": self.comparison.as_dict(), "同比情况": self.growth} if self.comparison is not None else {}),
            "季度目标完成": self.targets,
            "季度变动分地区": self.change_counts,
            "季度变动": self.changes,
        }


# --- which quarter -----------------------------------------------------------------------------


def parse_quarter(text: str) -> tuple[int, int]:
    """``2018Q3`` (also ``2018-Q3``, ``2018q3``, ``2018三季度``) → (2018, 3); ValueError otherwise."""
    match = _QUARTER.match(text)
    if match is None:
        raise ValueError(f"季度「{text}」格式不对，应为 YYYYQn，例如 2018Q3")
    number = match.group(2)
    return int(match.group(1)), _CN.get(number) or int(number)


def quarter_of_month(day: date) -> int:
    """The quarter a quarter-end month's last day closes (2018-09-30 → 3); ValueError for any
    other day (a quarterly report is always of a whole quarter)."""
    if day.month % 3 or day != month_end(day.year, day.month):
        raise ValueError(f"{day.year}年{day.month}月不是季末月份（3、6、9、12 月），例如 {day.year}-09；或用 --quarter")
    return day.month // 3


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """The first and last day of a quarter."""
    return date(year, quarter * 3 - 2, 1), month_end(year, quarter * 3)


def default_quarter(repo: Repository, today: date | None = None) -> tuple[int, int]:
    """The latest quarter of 年度 whose last month is reported by the default as-of (the monthly
    report's default month, :func:`~metrics.default_as_of`); Q1 before that; Q4 after 年度."""
    year = config_of(repo).year
    as_of = default_as_of(repo, today)
    if as_of.year > year:
        return year, 4
    if as_of.year < year:
        return year, 1
    months = as_of.month if as_of == month_end(as_of.year, as_of.month) else as_of.month - 1
    return year, max(months // 3, 1)


# --- the report --------------------------------------------------------------------------------


def _flows(end: Figures, before: Figures) -> dict[str, FigureValue]:
    """The quarter's share of each :data:`FLOW_METRICS` metric: at its end minus before it began."""
    out: dict[str, FigureValue] = {}
    for metric in FLOW_METRICS:
        now, then = end[metric], before[metric]
        if isinstance(now, (int, Decimal)) and isinstance(then, (int, Decimal)):
            out[metric] = now - then
        else:
            out[metric] = None
    return out


def quarterly_report(
    repo: Repository,
    year: int,
    quarter: int,
    region: str | None = None,
    archive: Archive | None = None,
) -> QuarterlyReport:
    """季分析 of ``quarter`` (1–4) of ``year`` (年度), for the city or one region; with 同比 at the
    quarter's last day when ``archive`` (the previous year's, :mod:`xiangmu_cli.reading.archive`)
    can be used, as :func:`~xiangmu_cli.figures.report.monthly_report` at its month's end.
    """
    config = config_of(repo)
    first, last = quarter_bounds(year, quarter)
    end, comparison = with_growth(
        compute_metrics(repo, last),
        archive.repo if archive is not None else None,
        last,
        display_path(archive.path) if archive is not None else "",
    )
    before = compute_metrics(repo, first - timedelta(days=1))
    scopes = [CITY, *config.region_names] if region is None else [region]
    flows = {scope: _flows(end[scope], before[scope]) for scope in scopes}
    share = Fraction(3, 12)

    investment: list[QuarterRow] = []
    for scope in scopes:
        figures = end[scope]
        target = config.targets.get(scope, {}).get("年度投资")
        base = target if target is not None else _decimal(figures["年度计划投资"])
        quarter_target = base / 4 if base is not None else None
        done = _decimal(flows[scope]["完成投资"]) or Decimal(0)
        row: QuarterRow = {
            "地区": scope,
            "季度完成投资": done,
            "季度目标": quarter_target,
            "季度完成率": ratio(done, quarter_target),
            "完成投资": figures["完成投资"],
            "年度目标": base,
            "投资完成率": figures["投资完成率"],
            "序时进度": figures["序时进度"],
            "进度差": figures["进度差"],
        }
        if comparison is not None:
            row["完成投资上年同期"] = figures[last_year_key("完成投资")]
            row["完成投资同比增长"] = figures[growth_key("完成投资")]
        investment.append(row)
    if region is None:  # 全市 first, then the regions by 季度完成率 (highest first; absent last)
        positions = region_positions(config)
        city, regions = investment[0], investment[1:]
        regions.sort(
            key=lambda r: (r["季度完成率"] is None, -(r["季度完成率"] or 0), positions.get(r["地区"], len(positions)))
        )
        investment = [city, *regions]

    progress = schedule_progress(last, year)
    targets: list[QuarterTargetRow] = []
    for scope in scopes:
        for key, target in config.targets.get(scope, {}).items():
            metric = "完成投资" if key == "年度投资" else key
            if metric not in FLOW_METRICS or (key != "年度投资" and key not in METRIC_KINDS):
                continue
            actual = flows[scope][metric]
            quarter_target = target * share.numerator / share.denominator
            so_far = target * progress.numerator / progress.denominator
            cumulative = end[scope][metric]
            targets.append(
                {
                    "地区": scope,
                    "指标": key,
                    "年度目标": target,
                    "季度目标": quarter_target,
                    "季度实际": actual,
                    "季度完成率": None if actual is None else ratio(actual, quarter_target),
                    "序时目标": so_far,
                    "累计实际": cumulative,
                    "序时完成率": None if cumulative is None else ratio(cumulative, so_far),
                    "是否达到序时": None if cumulative is None else cumulative >= so_far,
                }
            )

    changes = changes_between(repo, first, last, region)
    counts = _change_counts(changes, config.region_names if region is None else [region])
    report = QuarterlyReport(
        name=config.name,
        year=year,
        quarter=quarter,
        first=first,
        as_of=last,
        region=region,
        investment=investment,
        targets=targets,
        change_counts=counts,
        changes=changes,
        errors=len(repo.errors),
        reported=reported_regions(repo, month_of(last)),
        comparison=comparison,
        archive_note=archive.note if archive is not None else None,
        growth=_growth_figures(end[region or CITY]) if comparison is not None else {},
    )
    target = config.targets.get(region or CITY, {}).get("年度投资")
    report.summary = quarter_summary(report, end[region or CITY], target)
    return report


def _growth_figures(figures: Figures) -> Figures:
    """同比情况: each metric of :data:`~xiangmu_cli.ledger.vocab.GROWTH_METRICS` of ``figures`` (which
    carry 同比), then its 上年同期 and 同比增长."""
    out: Figures = {}
    for metric in GROWTH_METRICS:
        out[metric] = figures[metric]
        out[last_year_key(metric)] = figures[last_year_key(metric)]
        out[growth_key(metric)] = figures[growth_key(metric)]
    return out


def _decimal(value: FigureValue) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Fraction):
        raise TypeError("an amount is a Decimal")
    return Decimal(value)


def _change_counts(changes: list[ChangeRow], names: list[str]) -> list[QuarterChangeRow]:
    """季度变动分地区: per region (xiangmu.yaml order) the events of each kind and 合计, then 全市."""
    counts = {name: dict.fromkeys(CHANGE_KINDS, 0) for name in names}
    for change in changes:
        region = counts.get(change["地区"])
        if region is not None:
            region[change["类型"]] += 1
    rows: list[QuarterChangeRow] = [{"地区": n, **c, "合计": sum(c.values())} for n, c in counts.items()]
    if len(names) > 1:
        totals = {kind: sum(int(r[kind]) for r in rows) for kind in CHANGE_KINDS}
        rows.append({"地区": CITY, **totals, "合计": sum(totals.values())})
    return rows


# --- 综述 ----------------------------------------------------------------------------------------


def quarter_summary(report: QuarterlyReport, figures: Figures, target: Decimal | None) -> list[str]:
    """The quarter in two or three paragraphs: investment in the quarter and so far (``figures``
    at the quarter's end, with 同比 when they carry it; ``target`` the scope's 年度投资, None when
    the year's 年度计划投资 stands in for it); the quarter's events (季度变动), and, when the
    figures carry its 同比, the year's 新开工项目数 so far with it; for the city, the regions ahead
    and behind by 季度完成率."""
    scope = report.region or CITY
    who = "全市" if scope == CITY else scope
    season = f"{report.year}年{numeral(report.quarter)}季度"
    row = report.investment[0]
    basis = "年度目标" if target is not None else "年度计划投资"
    rate = row["季度完成率"]
    quarter = "，".join(
        p
        for p in (
            f"{season}，{who}重点项目完成投资{yi(row['季度完成投资'])}亿元",
            f"完成季度序时目标（{basis}的四分之一）的{percent(rate)}" if rate is not None else None,
        )
        if p
    )
    months = "1—3月" if report.quarter == 1 else f"1—{report.quarter * 3}月"
    done = figures["完成投资"]
    total = figures["投资完成率"]
    cumulative = "，".join(
        p
        for p in (
            f"{months}累计完成投资{yi(_decimal(done) or Decimal(0))}亿元",
            _growth_words(figures, "完成投资"),
            f"完成{basis}的{percent(total)}" if isinstance(total, (Fraction, Decimal)) else None,
            _progress_words(figures["进度差"]),
        )
        if p
    )
    paragraphs = [f"{quarter}；{cumulative}。"]

    counts = next((r for r in report.change_counts if r["地区"] == scope), None)
    if counts is not None:
        events = [f"{kind}{counts[kind]}个" for kind in ("新开工", "入统", "竣工", "签约", "落地")]
        problems = f"提出问题{counts['问题提出']}个，解决问题{counts['问题解决']}个"
        started = _growth_words(figures, "新开工项目数")
        so_far = f"今年以来新开工项目{figures['新开工项目数']}个，{started}；" if started else ""
        paragraphs.append(f"{numeral(report.quarter)}季度项目{'、'.join(events)}；{so_far}{problems}。")
    if report.region is None:
        ranked = [r for r in report.investment[1:] if r["季度完成率"] is not None]
        if len(ranked) > 1:
            size = min(HONOUR_SIZE, len(ranked) // 2) or 1
            top = "、".join(r["地区"] for r in ranked[:size])
            bottom = "、".join(r["地区"] for r in ranked[-size:])
            if size == 1:
                paragraphs.append(f"从季度投资完成率看，{top}居首位，{bottom}居末位。")
            else:
                paragraphs.append(f"从季度投资完成率看，{top}居前{numeral(size)}位；{bottom}居后{numeral(size)}位。")
    return paragraphs
