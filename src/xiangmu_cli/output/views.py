"""Which columns each report shows, and how: library rows → :class:`~xiangmu_cli.output.tables.Document`.

Only presentation lives here (column choice, headers, kinds, priorities for narrow terminals).
The rows are the library's, unchanged, so ``--format json`` prints exactly what the library
computed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from xiangmu_cli.figures.lights import LIGHTS
from xiangmu_cli.figures.overdue import KINDS
from xiangmu_cli.figures.report import CHANGE_KINDS
from xiangmu_cli.ledger.vocab import CITY, GROWTH_METRICS, LEDGERS, METRIC_KINDS, growth_key, last_year_key
from xiangmu_cli.output.tables import Chart, Column, Document, Table, format_value, metric_kind

if TYPE_CHECKING:
    from xiangmu_cli.figures.card import ProjectCard
    from xiangmu_cli.figures.categories import CategoryRow
    from xiangmu_cli.figures.growth import Comparison
    from xiangmu_cli.figures.lights import LightCount, RedRow
    from xiangmu_cli.figures.metrics import Figures, FigureValue, TargetRow
    from xiangmu_cli.figures.overdue import OverdueItem
    from xiangmu_cli.figures.overview import Overview
    from xiangmu_cli.figures.pages import DepartmentPage, LeaderPage
    from xiangmu_cli.figures.problems import ProblemRow, SummaryRow
    from xiangmu_cli.figures.quarterly import QuarterChangeRow, QuarterlyReport, QuarterRow, QuarterTargetRow
    from xiangmu_cli.figures.report import ChangeRow, MonthlyReport, ProjectRow, RegionRow, ReserveRow
    from xiangmu_cli.figures.scoring import ScoreRow
    from xiangmu_cli.figures.tongbao import HonourRow, OverdueRegionRow
    from xiangmu_cli.history.diff import DiffResult, FieldChange, ProjectDiff
    from xiangmu_cli.history.git import LogRow
    from xiangmu_cli.history.restate import Cause, Restated
    from xiangmu_cli.ledger.model import Bulletin

__all__ = [
    "overview_document",
    "targets_document",
    "overdue_document",
    "score_document",
    "list_document",
    "list_columns",
    "choose_list_columns",
    "monthly_document",
    "summary_table",
    "quarterly_document",
    "recheck_document",
    "diff_document",
    "log_document",
    "METRIC_DISPLAY",
    # issue 17: one project, the problem list, a leader's and a department's page
    "card_document",
    "problems_document",
    "leader_document",
    "department_document",
    "letterhead",
]

#: How each metric is displayed.
METRIC_DISPLAY: dict[str, str] = {
    **{name: "count" for name, kind in METRIC_KINDS.items() if kind == "count"},
    **{name: "rate" for name, kind in METRIC_KINDS.items() if kind == "rate"},
    "年度计划投资": "amount",
    "完成投资": "amount",
    "当月完成投资": "amount",
    "谋划总投资": "amount",
    "进度差": "diff",
    "新开工用地面积": "area",
    "投资强度": "intensity",
}
_UNITS = {"amount": "（万元）", "area": "（平方米）", "intensity": "（元/平方米）"}


def _meta(
    name: str,
    year: int,
    as_of: date,
    progress: FigureValue = None,
    errors: int = 0,
    reported: tuple[int, int] | None = None,
    comparison: Comparison | None = None,
    archive_note: str | None = None,
) -> dict[str, object]:
    meta: dict[str, object] = {"名称": name, "年度": year, "截至": as_of}
    if reported is not None and reported[1]:
        meta["已填报"] = f"{reported[0]}/{reported[1]} 个地区"  # of the regions with any 完成投资
    if progress is not None:
        meta["序时进度"] = format_value("rate", progress)
    if errors:
        meta["未计入"] = _uncounted(errors)
    if comparison is not None:
        meta["同比"] = f"与 {comparison.year} 年同期（截至 {comparison.as_of.isoformat()}，{comparison.source}）比较"
    if archive_note is not None:
        meta["上年归档"] = archive_note
    return meta


def _uncounted(errors: int) -> str:
    return f"{errors} 个错误涉及的项目未计入，运行 xm validate 查看"


def letterhead(bulletin: Bulletin | None, as_of: date | None) -> dict[str, str]:
    """发文单位 and 期数 of xiangmu.yaml 通报, for the page margins; in 期数, 「{年}」 and 「{月}」
    become the report's year and month (plain replacement: no other brace means anything)."""
    out: dict[str, str] = {}
    if bulletin is None:
        return out
    if bulletin.issuer:
        out["发文单位"] = bulletin.issuer
    if bulletin.issue:
        issue = bulletin.issue
        if as_of is not None:
            issue = issue.replace("{年}", str(as_of.year)).replace("{月}", str(as_of.month))
        out["期数"] = issue
    return out


def overview_document(overview: Overview) -> Document:
    """``xm info``: projects and 总投资 per region and ledger, 全市 last."""
    title = overview.name if overview.year is None else f"{overview.name}（{overview.year} 年度）"
    columns = [
        Column("地区"),
        *(Column(ledger.value, kind="count") for ledger in LEDGERS),
        Column("项目数", kind="count"),
        Column("总投资", header="总投资（万元）", kind="amount"),
        Column("谋划总投资", header="谋划总投资（万元）", kind="amount", priority=1),
    ]
    meta: dict[str, object] = {"未计入": _uncounted(overview.errors)} if overview.errors else {}
    note = "项目数、总投资为在建、未入统、计划开工、招商四本台账之和；谋划（储备库）项目另计"
    return Document(title, meta, [Table("分地区", columns, overview.rows, note=note)])


def _target_table(rows: Sequence[TargetRow], name: str = "目标完成") -> Table:
    return Table(
        name,
        [
            Column("地区"),
            Column("指标"),
            Column("目标", kind_from="指标"),
            Column("实际", kind_from="指标"),
            Column("完成率", kind="rate", compare="序时进度"),
            Column("是否完成", kind="bool", priority=1),
            Column("序时进度", kind="rate", priority=2),
            Column("进度差", kind="diff", priority=1),
        ],
        rows,
    )


def targets_document(
    name: str,
    year: int,
    as_of: date,
    rows: list[TargetRow],
    errors: int = 0,
    reported: tuple[int, int] | None = None,
    comparison: Comparison | None = None,
    archive_note: str | None = None,
) -> Document:
    meta = _meta(name, year, as_of, errors=errors, reported=reported, comparison=comparison, archive_note=archive_note)
    return Document(f"{name} 目标完成情况", meta, [_target_table(rows)])


def _present(columns: list[Column], rows: Sequence[Mapping[str, Any]]) -> list[Column]:
    """Drop secondary columns that are empty in every row (e.g. 事项 for 未按期开工)."""
    return [c for c in columns if c.priority == 0 or any(r.get(c.key) not in (None, [], "") for r in rows)]


def _overdue_columns(with_kind: bool = True) -> list[Column]:
    kind = [Column("类型")] if with_kind else []
    return [
        *kind,
        Column("地区"),
        Column("编号", priority=2),
        Column("名称"),
        Column("事项", priority=1),
        Column("到期日期", kind="date", priority=1),
        Column("逾期天数", kind="days"),
        Column("包保领导", priority=3),
        Column("项目秘书", priority=1),
        Column("责任单位", priority=3),
    ]


def overdue_document(
    name: str,
    year: int,
    as_of: date,
    rows: list[OverdueItem],
    errors: int = 0,
    reported: tuple[int, int] | None = None,
) -> Document:
    return Document(
        f"{name} 逾期事项",
        _meta(name, year, as_of, errors=errors, reported=reported),
        [
            Table(
                "逾期事项",
                _present(_overdue_columns(), rows),
                rows,
                note=f"共 {len(rows)} 项，逾期天数 = 截至日期 − 到期日期",
            )
        ],
    )


def _score_table(rows: list[ScoreRow]) -> Table:
    """名次, 地区, 总分 and 减档 first (what a leader reads, also on a phone), then per metric the
    比率 the score came from and the 得分 under a header carrying the weight, then 合计 and 加分."""
    metrics = list(rows[0]["指标"]) if rows else []
    flat = []
    for row in rows:
        out: dict[str, object] = {k: v for k, v in row.items() if k != "指标"}
        for metric, detail in row["指标"].items():
            out[f"{metric}比率"] = detail["比率"]
            out[f"{metric}得分"] = detail["得分"]
        flat.append(out)
    weights = {m: rows[0]["指标"][m]["权重"] for m in metrics}
    columns = [
        Column("名次", kind="count"),
        Column("地区"),
        Column("总分", kind="number"),
        Column("减档", kind="bool"),
    ]
    for m in metrics:
        columns += [
            Column(f"{m}比率", header="比率", kind="rate", priority=3, group=m),
            Column(
                f"{m}得分",
                header=f"得分（权重 {format_value('text', weights[m])}）",
                kind="number",
                priority=2,
                group=m,
            ),
        ]
    columns += [Column("合计", kind="number", priority=1), Column("加分", kind="number", priority=1)]
    return Table(
        "考评",
        columns,
        flat,
        note="得分 = 权重 × min(比率, 封顶)，比率 = 实际 ÷ 目标（投资完成率的目标乘以序时进度）；"
        "未设目标的指标不计分，合计按已计分权重折算；总分 = 合计 + 加分",
    )


#: The 考评 ranking as a chart (html): 总分 by 名次, regions flagged 减档 in red.
RANKING_CHART = Chart("考评排名（总分）", "考评", "地区", "总分", flag="减档", note="按名次排列；红色为减档")


def score_document(
    name: str,
    year: int,
    as_of: date,
    rows: list[ScoreRow],
    errors: int = 0,
    reported: tuple[int, int] | None = None,
) -> Document:
    doc = Document(f"{name} 考评", _meta(name, year, as_of, errors=errors, reported=reported), [_score_table(rows)])
    doc.json_data = {"考评": rows}
    doc.charts = [RANKING_CHART]
    return doc


_LIST_COLUMNS = [
    Column("地区", priority=1),
    Column("台账", priority=1),
    Column("编号", priority=2),
    Column("名称"),
    Column("亮灯", kind="light", priority=1),
    Column("类别", priority=4),
    Column("总投资", header="总投资（万元）", kind="amount"),
    Column("年度计划投资", header="年度计划", kind="amount", priority=3),
    Column("完成投资", header="完成投资", kind="amount", priority=2),
    Column("建设性质", priority=5),
    Column("阶段", priority=5),
    Column("开工日期", kind="date", priority=4),
    Column("计划开工日期", kind="date", priority=5),
    Column("包保领导", priority=3),
    Column("项目秘书", priority=3),
]
#: Columns ``xm list --columns`` may ask for besides the default ones (issue 16).
_MORE_LIST_COLUMNS = [
    Column("项目代码", priority=4),
    Column("级别", priority=4),
    Column("资金来源", priority=5),
    Column("计划投产日期", kind="date", priority=5),
    Column("投产日期", kind="date", priority=5),
]
#: The column kind of an extension field's type (xiangmu.yaml 扩展字段).
_EXTENSION_COLUMN_KINDS = {"文字": "text", "金额": "amount", "日期": "date", "是否": "bool", "选项": "text"}


def list_columns(extensions: Sequence[tuple[str, str]] = ()) -> dict[str, Column]:
    """Every column ``xm list`` can show, by key: the default ones, the other fields of a row,
    then the repository's extension fields ((name, type) each, in declaration order)."""
    columns = {c.key: c for c in (*_LIST_COLUMNS, *_MORE_LIST_COLUMNS)}
    for name, kind in extensions:
        unit = "（万元）" if kind == "金额" else ""
        columns[name] = Column(name, header=name + unit, kind=_EXTENSION_COLUMN_KINDS[kind], priority=5)
    return columns


def choose_list_columns(names: Sequence[str], extensions: Sequence[tuple[str, str]] = ()) -> list[str]:
    """The keys of ``xm list --columns``, checked: ValueError (in Chinese) naming an unknown one."""
    from xiangmu_cli.ledger.problems import suggest

    known = list_columns(extensions)
    for name in names:
        if name not in known:
            close = suggest(name, list(known))
            hint = f"是否应为「{close[0]}」？" if close else "可用的列：" + "、".join(known)
            raise ValueError(f"没有「{name}」这一列；{hint}")
    if len(set(names)) < len(names):
        raise ValueError("--columns 中有重复的列")
    return list(names)


def list_document(
    name: str,
    year: int,
    as_of: date,
    rows: list[ProjectRow],
    errors: int = 0,
    reported: tuple[int, int] | None = None,
    columns: Sequence[str] | None = None,
    extensions: Sequence[tuple[str, str]] = (),
) -> Document:
    """``xm list``: the default columns, or exactly ``columns`` (``--columns``: checked by
    :func:`choose_list_columns`), whose rows then hold only those keys."""
    shown = list(_LIST_COLUMNS)
    table_rows: Sequence[Mapping[str, Any]] = rows
    if columns is not None:
        known = list_columns(extensions)
        shown = [known[key] for key in columns]
        table_rows = [{key: row.get(key) for key in columns} for row in rows]
    return Document(
        f"{name} 项目清单",
        _meta(name, year, as_of, errors=errors, reported=reported),
        [Table("项目", shown, table_rows, note=f"共 {len(rows)} 个项目；{_lights_note(rows)}")],
    )


def _lights_note(rows: Sequence[Mapping[str, Any]]) -> str:
    shown = [r.get("亮灯") for r in rows]
    counts = "，".join(f"{light}灯 {shown.count(light)} 个" for light in LIGHTS)
    return f"{counts}（亮灯规则见 docs/metrics.md）"


def _lights_table(rows: list[LightCount]) -> Table:
    return Table(
        "亮灯情况",
        [
            Column("地区"),
            Column("红灯", kind="count"),
            Column("黄灯", kind="count"),
            Column("绿灯", kind="count"),
            Column("项目数", kind="count", priority=1),
        ],
        rows,
        note="红灯：有逾期事项，或完成投资落后序时进度超过口径.红灯进度差；黄灯：口径.临期天数内有事项到期；其余绿灯",
    )


def _red_table(rows: list[RedRow]) -> Table:
    shown = [{**row, "原因": "；".join(row["原因"])} for row in rows]
    return Table(
        "红灯项目",
        [
            Column("地区"),
            Column("编号", priority=2),
            Column("名称"),
            Column("原因"),
            Column("包保领导", priority=3),
            Column("项目秘书", priority=1),
        ],
        shown,
        note=f"共 {len(rows)} 个；原因为其逾期事项和落后序时进度的情况",
    )


#: The 同比 figures (:mod:`xiangmu_cli.figures.growth`), shown as columns of their metric's row.
_COMPARED = {*(growth_key(m) for m in GROWTH_METRICS), *(last_year_key(m) for m in GROWTH_METRICS)}


def _overview_table(scope: str, figures: Figures, name: str | None = None, note: str | None = None) -> Table:
    """One row per metric: its name (with the unit) and value, formatted by the metric's kind
    (the row's 口径), so csv and xlsx get numbers, not text; with last year's archive also 上年同期
    and 同比增长 (blank for a metric without 同比: a dash says "no figure"). Named ``<scope>总览``
    unless ``name`` is given."""
    compared = growth_key(GROWTH_METRICS[0]) in figures  # with last year's archive
    rows: list[dict[str, Any]] = []
    for metric, value in figures.items():
        if metric in _COMPARED:
            continue
        kind = METRIC_DISPLAY[metric]
        row: dict[str, Any] = {"指标": metric + _UNITS.get(kind, ""), "口径": kind, scope: value}
        if compared:
            grows = metric in GROWTH_METRICS
            row["上年同期"] = figures[last_year_key(metric)] if grows else ""
            row["同比增长"] = figures[growth_key(metric)] if grows else ""
        rows.append(row)
    columns = [Column("指标"), Column(scope, kind="text", kind_from="口径", align="right")]
    if compared:
        columns += [
            Column("上年同期", kind="text", kind_from="口径", align="right"),
            Column("同比增长", kind="diff", align="right"),
        ]
    return Table(name or f"{scope}总览", columns, rows, note=note)


def _region_table(rows: list[RegionRow]) -> Table:
    key = growth_key("完成投资")
    growth = [Column(key, header="同比增长", kind="diff", priority=2)] if rows and key in rows[0] else []
    return Table(
        "分地区",
        [
            Column("地区"),
            Column("包保领导", kind="list", priority=3),
            Column("在建项目数", header="在建", kind="count", priority=2),
            Column("新开工项目数", header="新开工", kind="count", priority=2),
            Column("完成投资", header="完成投资（万元）", kind="amount"),
            *growth,
            Column("投资完成率", kind="rate", compare="序时进度"),
            Column("进度差", kind="diff", priority=1),
            Column("开工率", kind="rate", priority=4),
            Column("入统率", kind="rate", priority=4),
            Column("超期问题数", header="超期问题", kind="count", priority=5),
        ],
        rows,
        note="按投资完成率排序；红色为落后于序时进度，绿色为达到或超过",
    )


def _category_table(rows: list[CategoryRow]) -> Table:
    """分类别 (issue 16): counts, 总投资, 完成投资 and the share of new starts per 类别."""
    columns = [
        Column("类别"),
        Column("产业", kind="bool", priority=3),
        Column("在建项目数", header="在建", kind="count"),
        Column("亿元以上项目数", header="亿元以上", kind="count", priority=2),
        Column("新开工项目数", header="新开工", kind="count"),
        Column("新开工占比", kind="rate", priority=1),
        Column("总投资", header="总投资（万元）", kind="amount", priority=2),
        Column("完成投资", header="完成投资（万元）", kind="amount"),
    ]
    return Table(
        "分类别",
        _present(columns, rows),
        rows,
        note="在建、新开工、完成投资的口径同总览；新开工占比 = 该类别新开工项目数 ÷ 全部新开工项目数",
    )


def _changes_table(rows: list[ChangeRow], name: str = "本月变动") -> Table:
    return Table(
        name,
        [
            Column("日期", kind="date"),
            Column("类型"),
            Column("地区"),
            Column("编号", priority=3),  # on a narrow terminal 编号 goes before 事项, as in 逾期事项
            Column("名称"),
            Column("事项", priority=2),
        ],
        rows,
        note=f"共 {len(rows)} 项（据台账中的日期）",
    )


def _reserve_table(rows: list[ReserveRow]) -> Table:
    return Table(
        "谋划储备",
        [
            Column("地区"),
            Column("谋划项目数", kind="count"),
            Column("谋划亿元以上项目数", header="其中亿元以上", kind="count"),
            Column("谋划总投资", header="谋划总投资（万元）", kind="amount"),
            Column("转化率", kind="rate", priority=1),
        ],
        rows,
        note="项目储备库（谋划台账）：截至日期在库的项目；转化率 = 年内转入计划开工的 ÷ 年初在库和年内入库的",
    )


def _highlights(overview: Figures, overdue: int) -> Table:
    """The key figures a leader reads first (html cards), from the overview (完成投资's 同比增长 when
    last year's archive was there)."""
    growth = growth_key("完成投资")
    return Table(
        "要点",
        [
            Column("完成投资", header="完成投资（万元）", kind="amount"),
            *([Column(growth, header="完成投资同比增长", kind="diff")] if growth in overview else []),
            Column("投资完成率", kind="rate", compare="序时进度"),
            Column("进度差", kind="diff"),
            Column("当月完成投资", header="当月完成投资（万元）", kind="amount"),
            Column("在建项目数", kind="count"),
            Column("新开工项目数", kind="count"),
            Column("开工率", kind="rate"),
            Column("逾期事项", kind="count"),
        ],
        [{**overview, "逾期事项": overdue}],
    )


def _overdue_summary(by_kind: dict[str, list[OverdueItem]]) -> Table:
    counts = {kind: len(by_kind.get(kind, [])) for kind in KINDS}
    return Table(
        "逾期事项分类",
        [Column("类型"), Column("项数", kind="count")],
        [{"类型": kind, "项数": n} for kind, n in counts.items()],
        note=f"共 {sum(counts.values())} 项",
    )


# --- the 通报 (figures/tongbao.py) -------------------------------------------------------------


def summary_table(paragraphs: Sequence[str], name: str = "综述") -> Table:
    """The 综述 as a prose section: one paragraph a row (csv, json and xlsx keep the rows)."""
    return Table(name, [Column("内容")], [{"内容": p} for p in paragraphs], prose=True)


def _honour_table(rows: Sequence[HonourRow], sizes: tuple[int, int]) -> Table:
    columns = [
        Column("榜单"),
        Column("依据"),
        Column("名次", kind="count"),
        Column("地区"),
        Column("投资完成率", kind="rate"),
        Column("进度差", kind="diff"),
        Column("总分", header="考评总分", kind="number", priority=1),
    ]
    red, black = sizes
    return Table(
        "红黑榜",
        _present(columns, rows),
        rows,
        note=f"红榜为投资完成率、考评总分排名前 {red} 位的地区，黑榜为排名后 {black} 位的地区（考评的黑榜即减档地区）",
    )


def _overdue_region_table(rows: Sequence[OverdueRegionRow]) -> Table:
    return Table(
        "逾期事项分地区",
        [Column("地区"), *(Column(kind, kind="count") for kind in KINDS), Column("合计", kind="count")],
        rows,
        note="各地区各类逾期事项的项数，明细见下",
    )


def monthly_document(report: MonthlyReport) -> Document:
    scope = report.region or CITY
    meta = _meta(
        report.name,
        report.year,
        report.as_of,
        report.overview["序时进度"],
        report.errors,
        report.reported,
        report.comparison,
        report.archive_note,
    )
    meta["报告月份"] = f"{report.as_of.year}年{report.as_of.month}月"
    tables = [summary_table(report.summary)] if report.summary else []
    if report.region is None:
        tables.append(_honour_table(report.honours, report.honour_size))
    tables += [_overview_table(scope, report.overview), _region_table(report.regions)]
    if report.categories:
        tables.append(_category_table(report.categories))
    tables.append(_target_table(report.targets))
    by_kind: dict[str, list[OverdueItem]] = {}
    for item in report.overdue:
        by_kind.setdefault(item["类型"], []).append(item)
    tables.append(_overdue_summary(by_kind))
    if report.region is None and report.overdue:
        tables.append(_overdue_region_table(report.overdue_regions))
    if not report.overdue:
        tables.append(Table("逾期事项", _overdue_columns(), [], note="无逾期事项"))
    for kind in KINDS:
        if kind in by_kind:
            tables.append(
                Table(
                    f"逾期事项：{kind}",
                    _present(_overdue_columns(with_kind=False), by_kind[kind]),
                    by_kind[kind],
                    note=f"{len(by_kind[kind])} 项",
                )
            )
    tables.append(_changes_table(report.changes))
    if report.reserve:
        tables.append(_reserve_table(report.reserve))
    if report.evaluation is not None:
        tables.append(_score_table(report.evaluation))
    tables += [_lights_table(report.lights), _red_table(report.red)]  # after the contract's sections
    doc = Document(f"{report.name} 月调度（{report.as_of.year}年{report.as_of.month}月）", meta, tables)
    doc.json_data = report.as_dict()
    doc.highlights = _highlights(report.overview, len(report.overdue))
    doc.charts = [
        Chart(
            "投资完成率与序时进度", "分地区", "地区", "投资完成率", note="竖线为序时进度；绿色为达到或超过，红色为落后"
        ),
        Chart("逾期事项分类", "逾期事项分类", "类型", "项数"),
    ]
    if report.evaluation is not None:
        doc.charts.append(RANKING_CHART)
    return doc


# --- 季分析 (figures/quarterly.py) --------------------------------------------------------------


def _quarter_investment_table(rows: Sequence[QuarterRow], months: str) -> Table:
    key = growth_key("完成投资")  # with last year's archive: the year so far's 同比
    growth = [Column(key, header="累计同比增长", kind="diff", priority=2)] if rows and key in rows[0] else []
    return Table(
        "季度投资",
        [
            Column("地区"),
            Column("季度完成投资", header="季度完成投资（万元）", kind="amount"),
            Column("季度目标", header="季度目标（万元）", kind="amount", priority=2),
            Column("季度完成率", kind="rate"),
            Column("完成投资", header=f"{months}累计（万元）", kind="amount", priority=1),
            *growth,
            Column("年度目标", header="年度目标（万元）", kind="amount", priority=3),
            Column("投资完成率", kind="rate", compare="序时进度"),
            Column("序时进度", kind="rate", priority=2),
            Column("进度差", kind="diff", priority=1),
        ],
        rows,
        note="季度目标 = 年度目标 × 3/12（未设年度投资目标的按年度计划投资）；全市在前，各地区按季度完成率排序",
    )


def _quarter_target_table(rows: Sequence[QuarterTargetRow]) -> Table:
    # a share of a count target may be fractional (7 × 3/12 = 1.75): shown with two decimals
    display = [{**row, "份额指标": row["指标"] if metric_kind(row["指标"]) != "count" else ""} for row in rows]
    return Table(
        "季度目标完成",
        [
            Column("地区"),
            Column("指标"),
            Column("年度目标", kind_from="指标", priority=3),
            Column("季度目标", kind="number", kind_from="份额指标"),
            Column("季度实际", kind_from="指标"),
            Column("季度完成率", kind="rate"),
            Column("序时目标", kind="number", kind_from="份额指标", priority=1),
            Column("累计实际", kind_from="指标", priority=1),
            Column("序时完成率", kind="rate"),
            Column("是否达到序时", kind="bool", priority=2),
        ],
        display,
        note=(
            "季度目标 = 年度目标 × 3/12，序时目标 = 年度目标 × 季末月份/12；"
            "只列可按时间分摊的目标（年度投资与累计类指标）"
        ),
    )


def _quarter_changes_by_region(rows: Sequence[QuarterChangeRow]) -> Table:
    return Table(
        "季度变动分地区",
        [Column("地区"), *(Column(kind, kind="count") for kind in CHANGE_KINDS), Column("合计", kind="count")],
        rows,
        note="本季度各地区的项目变动（据台账中的日期），明细见下",
    )


def quarterly_document(report: QuarterlyReport) -> Document:
    """季分析: 综述, 季度投资, 季度目标完成, 季度变动分地区 and 季度变动."""
    from xiangmu_cli.figures.tongbao import numeral

    progress = report.investment[0]["序时进度"] if report.investment else None
    meta = _meta(
        report.name,
        report.year,
        report.as_of,
        progress,
        report.errors,
        report.reported,
        report.comparison,
        report.archive_note,
    )
    meta["季度"] = f"{report.label}（{report.first.isoformat()} 至 {report.as_of.isoformat()}）"
    months = f"1—{report.quarter * 3}月"
    tables = [summary_table(report.summary)] if report.summary else []
    tables.append(_quarter_investment_table(report.investment, months))
    if report.growth:
        end = report.as_of
        note = f"截至季末（{end.isoformat()}）与上年同期比较；当月完成投资为季末月份{end.month}月的完成投资"
        tables.append(_overview_table(report.region or CITY, report.growth, "同比情况", note))
    tables += [
        _quarter_target_table(report.targets),
        _quarter_changes_by_region(report.change_counts),
        _changes_table(report.changes, "季度变动"),
    ]
    title = f"{report.name} 季分析（{report.year}年{numeral(report.quarter)}季度）"
    doc = Document(title, meta, tables)
    doc.json_data = report.as_dict()
    if report.investment:
        growth = growth_key("完成投资")
        doc.highlights = Table(
            "要点",
            [
                Column("季度完成投资", header="季度完成投资（万元）", kind="amount"),
                Column("季度完成率", kind="rate"),
                Column("完成投资", header=f"{months}累计（万元）", kind="amount"),
                *([Column(growth, header="累计同比增长", kind="diff")] if growth in report.investment[0] else []),
                Column("投资完成率", kind="rate", compare="序时进度"),
                Column("进度差", kind="diff"),
            ],
            [report.investment[0]],
        )
    doc.charts = [Chart("季度完成率", "季度投资", "地区", "季度完成率", note="季度完成投资 ÷ 季度目标")]
    return doc


def _changes_text(changes: Sequence[FieldChange]) -> str:
    from xiangmu_cli.history.diff import describe

    return "；".join(describe(c) for c in changes)


def diff_document(name: str, result: DiffResult) -> Document:
    """``xm diff``: one row per changed project, per-region totals, files that were invalid."""
    display = [
        {**row, "位置": _moved(row), "详情": row["说明"] or _changes_text(row["变更"])} for row in result.projects
    ]
    tables = [
        Table(
            "项目变动",
            [
                Column("地区"),
                Column("编号", priority=2),
                Column("名称"),
                Column("事件", kind="list"),
                Column("位置", priority=3),
                Column("详情", priority=1),
            ],
            display,
            note=f"{result.old_label} → {result.new_label}：{len(display)} 个项目有变动",
        ),
    ]
    if result.regions:
        tables.append(
            Table(
                "分地区",
                [
                    Column("地区"),
                    Column("Δ完成投资", header="Δ完成投资（万元）", kind="amount"),
                    Column("开工", kind="count"),
                    Column("入统", kind="count"),
                    Column("落地", kind="count", priority=1),
                    Column("竣工", kind="count", priority=1),
                    Column("新增", kind="count", priority=2),
                    Column("移除", kind="count", priority=2),
                ],
                result.regions,
            )
        )
    if result.invalid:
        tables.append(
            Table(
                "无效文件",
                [Column("版本"), Column("文件"), Column("错误数", kind="count")],
                result.invalid,
                note="这些文件中有错误的项目未参与比较；运行 xm validate 查看",
            )
        )
    doc = Document(f"{name} 台账变动", {"原版本": result.old_label, "新版本": result.new_label}, tables)
    doc.json_data = result.as_dict()
    return doc


def _moved(row: ProjectDiff) -> str | None:
    old = f"{row['原地区']}/{row['原台账']}" if row["原台账"] else None
    new = f"{row['地区']}/{row['台账']}"
    if old is None or old == new:
        return new if old is None else None
    return f"{old} → {new}"


def log_document(code: str, name: str | None, rows: list[LogRow]) -> Document:
    display = [{**row, "详情": _changes_text(row["变更"])} for row in rows]
    table = Table(
        "提交",
        [
            Column("提交"),
            Column("日期", priority=1),
            Column("作者", priority=2),
            Column("说明", priority=3),
            Column("事件", kind="list"),
            Column("详情", priority=1),
        ],
        display,
        note=f"共 {len(rows)} 个提交改动了该项目",
    )
    doc = Document(f"{code} {name or ''} 的变动历史".strip(), {"编号": code}, [table])
    doc.json_data = {"编号": code, "提交": rows}
    return doc


def _cause_text(cause: Cause) -> str:
    from xiangmu_cli.history.diff import describe

    if cause["编号"] is None:
        return cause["名称"]
    head = f"{cause['编号']} {cause['名称']}（{cause['改动']}）"
    return head + ("：" + "，".join(describe(c) for c in cause["字段"]) if cause["字段"] else "")


def recheck_document(name: str, published: str, as_of: date, rows: list[Restated]) -> Document:
    """``xm recheck``: each sent figure that changed, old → new, with the projects that moved it."""
    display = [{**row, "原因说明": "；".join(_cause_text(c) for c in row["原因"])} for row in rows]
    note = (
        f"与 {published} 相比，截至 {as_of.isoformat()} 的 {len(rows)} 个数字有变化"
        if rows
        else f"与 {published} 相比，截至 {as_of.isoformat()} 的数字没有变化"
    )
    table = Table(
        "已报数字的变化",
        [
            Column("地区"),
            Column("指标"),
            Column("原值", kind_from="指标"),
            Column("新值", kind_from="指标"),
            Column("原因说明", header="原因（改动的项目和字段）", priority=1),
        ],
        display,
        note=note,
    )
    doc = Document(f"{name} 已报数字复核", {"报送版本": published, "截至": as_of}, [table])
    doc.json_data = {"报送版本": published, "截至": as_of, "变化": rows}
    return doc


# --- issue 17: one project (xm show), the problem list (xm problems), pages (xm leader, xm dept) ---

#: How a value of a project's own fields is shown on its card, by key (others by their type).
_DETAIL_KINDS = {"总投资": "amount", "年度计划投资": "amount", "以前年度完成投资": "amount", "用地面积": "area"}


def _key_values(name: str, values: Mapping[str, Any], note: str | None = None) -> Table:
    """A table of 项目/内容 pairs (a card's fields): each value formatted as its kind, the unit
    in the name (json carries the exact values, see the documents' ``json_data``)."""
    rows = []
    for key, value in values.items():
        kind = _DETAIL_KINDS.get(key, "text")
        rows.append({"项目": key + _UNITS.get(kind, ""), "内容": format_value(kind, value)})
    return Table(name, [Column("项目"), Column("内容")], rows, note=note)


def _problem_columns(with_project: bool = True) -> list[Column]:
    """The problem list's columns: 分类 only when the model has it (issue 16); 层级 and 升级日期
    where any row has one (as every secondary column)."""
    from xiangmu_cli.figures.problems import issue_keys

    keys = issue_keys()
    project = [Column("地区", priority=2), Column("编号"), Column("名称", priority=4)] if with_project else []
    return [
        *project,
        Column("序号", header="N", kind="count"),
        Column("内容"),
        *([Column("分类", priority=3)] if "分类" in keys else []),
        Column("责任单位", priority=1),
        Column("层级", priority=2),
        Column("升级日期", kind="date", priority=5),
        Column("提出日期", kind="date", priority=4),
        Column("时限", kind="date", priority=1),
        Column("状态"),
        Column("已开天数", kind="days", priority=2),
        Column("距时限天数", kind="days"),
        Column("解决日期", kind="date", priority=3),
        Column("解决情况", priority=5),
        *([Column("包保领导", priority=5)] if with_project else []),
    ]


_PROBLEM_NOTE = (
    "N 即 xm problem solve 编号 N 中的 N；已开天数 = 截至日期 − 提出日期（已解决的为解决用时）；"
    "距时限天数 = 时限 − 截至日期（负数为已超期天数）"
)


def _event_table(card: ProjectCard) -> Table:
    return Table(
        "阶段历程",
        [Column("事件"), Column("计划日期", kind="date"), Column("日期", kind="date"), Column("状态")],
        card.events,
        note="签约 → 落地 → 开工 → 入统 → 竣工；按截至日期判断，截至日期之后的日期尚未发生",
    )


def card_document(card: ProjectCard) -> Document:
    """``xm show``: one project as a card, every table of it; json is the card's own data."""
    meta = _meta(card.name, card.year, card.as_of, errors=card.errors)
    meta.update({"地区": card.region, "台账": card.ledger, "阶段": card.stage, "亮灯": card.light, "位置": card.place})
    if card.ledger_at != card.ledger:
        meta["截至时所在台账"] = card.ledger_at
    tables = [
        Table(
            "亮灯",
            [Column("亮灯", kind="light"), Column("原因")],
            [{"亮灯": card.light, "原因": line} for line in card.reasons] or [{"亮灯": card.light, "原因": None}],
            note="红灯：有逾期事项，或完成投资落后序时进度超过口径.红灯进度差；黄灯：口径.临期天数内有事项到期；其余绿灯",
        ),
        _key_values("基本情况", card.details),
        _event_table(card),
    ]
    if card.investment is not None:
        tables.append(
            Table(
                "投资",
                [
                    Column("年度计划投资", header="年度计划（万元）", kind="amount"),
                    Column("完成投资", header="1至本月完成（万元）", kind="amount"),
                    Column("当月完成投资", header="当月完成（万元）", kind="amount", priority=1),
                    Column("投资完成率", kind="rate", compare="序时进度"),
                    Column("序时进度", kind="rate", priority=2),
                    Column("进度差", kind="diff", priority=1),
                    Column("以前年度完成投资", header="以前年度（万元）", kind="amount", priority=3),
                    Column("累计完成投资", header="累计完成（万元）", kind="amount", priority=3),
                ],
                [card.investment],
                note="投资完成率 = 1至本月完成投资 ÷ 年度计划投资；序时进度为项目的（年内开工的从开工月份算起）；"
                "累计 = 以前年度 + 本年",
            )
        )
    if card.months:
        tables.append(
            Table(
                "完成投资（按月）",
                [
                    Column("月份"),
                    Column("当月完成投资", header="当月完成（万元）", kind="amount"),
                    Column("完成投资", header="累计完成（万元）", kind="amount"),
                    Column("投资完成率", kind="rate", compare="序时进度"),
                    Column("序时进度", kind="rate", priority=1),
                    Column("进度差", kind="diff"),
                ],
                card.months,
                note="当月完成为 — 的月份未填报（漏报）；红色为落后于序时进度",
            )
        )
    tables.append(
        Table("问题", _present(_problem_columns(with_project=False), card.problems), card.problems, note=_PROBLEM_NOTE)
    )
    from xiangmu_cli.ledger.model import Visit, key_order

    visit_columns = [Column(k, kind="date" if k == "日期" else "text") for k in key_order(Visit)]
    tables.append(Table("走访", _present(visit_columns, card.visits), card.visits, note=f"共 {len(card.visits)} 次"))
    if card.approvals:
        tables.append(
            Table(
                "前期手续",
                [Column("名称"), Column("计划办结", kind="date"), Column("办结日期", kind="date"), Column("状态")],
                card.approvals,
            )
        )
    overdue_columns = [c for c in _overdue_columns() if c.key not in ("地区", "编号", "名称", "包保领导", "项目秘书")]
    tables.append(
        Table(
            "逾期事项",
            _present(overdue_columns, card.overdue),
            card.overdue,
            note=f"共 {len(card.overdue)} 项" if card.overdue else "无逾期事项",
        )
    )
    if card.due_soon:
        due_columns = [
            Column("类型"),
            Column("事项", priority=2),
            Column("到期日期", kind="date"),
            Column("剩余天数", kind="days"),
            Column("责任单位", priority=1),
        ]
        tables.append(
            Table("临期事项", _present(due_columns, card.due_soon), card.due_soon, note=f"共 {len(card.due_soon)} 项")
        )
    doc = Document(f"{card.code} {card.title}", meta, tables)
    doc.json_data = card.as_dict()
    return doc


_VIEW_TITLES = {
    "清单": "问题清单",
    "本月新增": "本月新增问题",
    "分发": "本月各责任单位应解决的问题",
    "联席会议": "提交联席会议的问题",
    "专题会议": "提交市政府专题会议的问题",
    "常务会议": "提交市政府常务会议的问题",
}
_VIEW_NOTES = {
    "清单": "截至日期尚未解决的问题",
    "本月新增": "本月 1 日至截至日期提出的问题（各地区每月 10 日前报送）",
    "分发": "本月内未解决过的问题，按责任单位，时限最近的在前（每月 15 日前分发至责任单位）；已解决的为本月解决",
    "联席会议": "层级为联席会议、以及已超时限且尚未提交会议的未解决问题，按分类（每月 25 日前召开联席会议）",
    "专题会议": "层级为专题会议的未解决问题",
    "常务会议": "层级为常务会议的未解决问题",
}


def problems_document(
    name: str,
    year: int,
    as_of: date,
    view: str,
    by: str,
    rows: list[ProblemRow],
    summary: list[SummaryRow],
    errors: int = 0,
    reported: tuple[int, int] | None = None,
    status: str | None = None,
) -> Document:
    """``xm problems``: a summary by ``by`` and the rows of the view."""
    title = _VIEW_TITLES[view]
    note = _VIEW_NOTES[view] if view != "清单" or status in (None, "未解决") else f"状态：{status}"
    meta = _meta(name, year, as_of, errors=errors, reported=reported)
    summary_table = Table(
        f"按{by}汇总",
        [
            Column("分组", header=by),
            Column("问题数", kind="count"),
            Column("超期", kind="count"),
            Column("未解决", header="未超期", kind="count"),
            Column("已解决", kind="count", priority=1),
            Column("无时限", kind="count", priority=2),
            Column("最长已开天数", kind="days", priority=1),
        ],
        summary,
        note="未超期：未解决、未过时限；无时限：未解决且没有时限",
    )
    detail = Table(title, _present(_problem_columns(), rows), rows, note=f"{note}；共 {len(rows)} 个。{_PROBLEM_NOTE}")
    doc = Document(f"{name} {title}", meta, [summary_table, detail])
    doc.json_data = {f"按{by}汇总": summary, title: rows}
    return doc


def _page_project_table(rows: Sequence[Mapping[str, Any]], in_period: str, name: str) -> Table:
    return Table(
        name,
        [
            Column("地区", priority=2),
            Column("编号", priority=3),
            Column("名称"),
            Column("阶段", priority=2),
            Column("亮灯", kind="light", priority=1),
            Column("总投资", header="总投资（万元）", kind="amount", priority=3),
            Column("年度计划投资", header="年度计划", kind="amount", priority=2),
            Column("完成投资", header="完成投资", kind="amount"),
            Column("投资完成率", kind="rate", compare="序时进度"),
            Column("进度差", kind="diff", priority=1),
            Column("当期完成投资", header=in_period, kind="amount", priority=1),
            Column("未解决问题", kind="count", priority=1),
            Column("超期问题", kind="count", priority=2),
            Column("逾期事项", kind="count", priority=1),
            Column("项目秘书", priority=4),
        ],
        rows,
        note=f"共 {len(rows)} 个项目；投资完成率 = 1至本月完成投资 ÷ 年度计划投资，红色为落后于项目的序时进度",
    )


def leader_document(page: LeaderPage) -> Document:
    """``xm leader``: the leader's regions, projects, overdue items, open problems and the period's events."""
    leader = page.leader
    quarter = page.period == "季"
    when = (
        f"{page.as_of.year}年第{(page.as_of.month - 1) // 3 + 1}季度"
        if quarter
        else f"{page.as_of.year}年{page.as_of.month}月"
    )
    title = f"{page.name} 包保领导 {leader['姓名']} {'季度专报' if quarter else '月调度'}（{when}）"
    meta = _meta(page.name, page.year, page.as_of, page.progress, page.errors, page.reported)
    meta.update({"职务": leader["职务"], "包保地区": leader["包保地区"], "期间": f"{page.since} 至 {page.as_of}"})
    in_period = "本季完成（万元）" if quarter else "本月完成（万元）"
    regions = Table(
        "包保地区",
        [
            Column("地区"),
            Column("在建项目数", header="在建", kind="count", priority=2),
            Column("新开工项目数", header="新开工", kind="count", priority=2),
            Column("完成投资", header="完成投资（万元）", kind="amount"),
            Column("投资完成率", kind="rate", compare="序时进度"),
            Column("进度差", kind="diff", priority=1),
            Column("开工率", kind="rate", priority=3),
            Column("入统率", kind="rate", priority=3),
            Column("逾期事项", kind="count", priority=1),
            Column("未解决问题数", header="未解决问题", kind="count", priority=1),
            Column("超期问题数", header="超期问题", kind="count", priority=2),
        ],
        page.regions,
        note="各地区全部项目的数字（不只是该领导包保的项目）" if page.regions else "xiangmu.yaml 中未登记包保地区",
    )
    overdue = [c for c in _overdue_columns() if c.key != "包保领导"]
    changes = _changes_table(page.changes)
    changes.name = "本季变动" if quarter else "本月变动"
    tables = [
        regions,
        _page_project_table(page.projects, in_period, "包保项目"),
        Table(
            "逾期事项",
            _present(overdue, page.overdue),
            page.overdue,
            note=f"包保项目的逾期事项，共 {len(page.overdue)} 项",
        ),
        Table(
            "未解决问题",
            _present([c for c in _problem_columns() if c.key != "包保领导"], page.problems),
            page.problems,
            note=f"包保项目的未解决问题，共 {len(page.problems)} 个",
        ),
        changes,
    ]
    doc = Document(title, meta, tables)
    doc.json_data = page.as_dict()
    return doc


def department_document(page: DepartmentPage) -> Document:
    """``xm dept``: what a 责任单位 must answer, and its projects."""
    meta = _meta(page.name, page.year, page.as_of, errors=page.errors, reported=page.reported)
    counts = page.counts
    tables = [
        Table("汇总", [Column(k, kind="count") for k in counts], [counts]),
        Table(
            "应解决问题",
            _present(_problem_columns(), page.problems),
            page.problems,
            note=f"责任单位为{page.department}（问题未填责任单位时看项目的）、本月内未解决过的问题，时限最近的在前；"
            + _PROBLEM_NOTE,
        ),
        _page_project_table(page.projects, "本月完成（万元）", "负责项目"),
        Table(
            "逾期事项",
            _present(_overdue_columns(), page.overdue),
            page.overdue,
            note=f"由{page.department}负责的逾期事项，共 {len(page.overdue)} 项",
        ),
    ]
    doc = Document(f"{page.name} 责任单位 {page.department}", meta, tables)
    doc.json_data = page.as_dict()
    return doc
