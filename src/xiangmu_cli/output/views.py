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
from xiangmu_cli.ledger.vocab import CITY, LEDGERS, METRIC_KINDS
from xiangmu_cli.output.tables import Chart, Column, Document, Table, format_value

if TYPE_CHECKING:
    from xiangmu_cli.figures.lights import LightCount, RedRow
    from xiangmu_cli.figures.metrics import Figures, FigureValue, TargetRow
    from xiangmu_cli.figures.overdue import OverdueItem
    from xiangmu_cli.figures.overview import Overview
    from xiangmu_cli.figures.report import ChangeRow, MonthlyReport, ProjectRow, RegionRow
    from xiangmu_cli.figures.scoring import ScoreRow
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
    "monthly_document",
    "recheck_document",
    "diff_document",
    "log_document",
    "METRIC_DISPLAY",
    "letterhead",
]

#: How each metric is displayed.
METRIC_DISPLAY: dict[str, str] = {
    **{name: "count" for name, kind in METRIC_KINDS.items() if kind == "count"},
    **{name: "rate" for name, kind in METRIC_KINDS.items() if kind == "rate"},
    "年度计划投资": "amount",
    "完成投资": "amount",
    "当月完成投资": "amount",
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
) -> dict[str, object]:
    meta: dict[str, object] = {"名称": name, "年度": year, "截至": as_of}
    if reported is not None and reported[1]:
        meta["已填报"] = f"{reported[0]}/{reported[1]} 个地区"  # of the regions with any 完成投资
    if progress is not None:
        meta["序时进度"] = format_value("rate", progress)
    if errors:
        meta["未计入"] = _uncounted(errors)
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
    ]
    meta: dict[str, object] = {"未计入": _uncounted(overview.errors)} if overview.errors else {}
    return Document(title, meta, [Table("分地区", columns, overview.rows)])


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
) -> Document:
    return Document(
        f"{name} 目标完成情况", _meta(name, year, as_of, errors=errors, reported=reported), [_target_table(rows)]
    )


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


def list_document(
    name: str,
    year: int,
    as_of: date,
    rows: list[ProjectRow],
    errors: int = 0,
    reported: tuple[int, int] | None = None,
) -> Document:
    columns = [
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
    return Document(
        f"{name} 项目清单",
        _meta(name, year, as_of, errors=errors, reported=reported),
        [Table("项目", columns, rows, note=f"共 {len(rows)} 个项目；{_lights_note(rows)}")],
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


def _overview_table(scope: str, figures: Figures) -> Table:
    """One row per metric: its name (with the unit) and value, formatted by the metric's kind
    (the row's 口径), so csv and xlsx get numbers, not text."""
    rows = [
        {"指标": metric + _UNITS.get(METRIC_DISPLAY[metric], ""), "口径": METRIC_DISPLAY[metric], scope: value}
        for metric, value in figures.items()
    ]
    return Table(f"{scope}总览", [Column("指标"), Column(scope, kind="text", kind_from="口径", align="right")], rows)


def _region_table(rows: list[RegionRow]) -> Table:
    return Table(
        "分地区",
        [
            Column("地区"),
            Column("包保领导", kind="list", priority=3),
            Column("在建项目数", header="在建", kind="count", priority=2),
            Column("新开工项目数", header="新开工", kind="count", priority=2),
            Column("完成投资", header="完成投资（万元）", kind="amount"),
            Column("投资完成率", kind="rate", compare="序时进度"),
            Column("进度差", kind="diff", priority=1),
            Column("开工率", kind="rate", priority=4),
            Column("入统率", kind="rate", priority=4),
            Column("超期问题数", header="超期问题", kind="count", priority=5),
        ],
        rows,
        note="按投资完成率排序；红色为落后于序时进度，绿色为达到或超过",
    )


def _changes_table(rows: list[ChangeRow]) -> Table:
    return Table(
        "本月变动",
        [
            Column("日期", kind="date"),
            Column("类型"),
            Column("地区"),
            Column("编号", priority=2),
            Column("名称"),
            Column("事项", priority=3),
        ],
        rows,
        note=f"共 {len(rows)} 项（据台账中的日期）",
    )


def _highlights(overview: Figures, overdue: int) -> Table:
    """The key figures a leader reads first (html cards), from the overview."""
    return Table(
        "要点",
        [
            Column("完成投资", header="完成投资（万元）", kind="amount"),
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


def monthly_document(report: MonthlyReport) -> Document:
    scope = report.region or CITY
    meta = _meta(report.name, report.year, report.as_of, report.overview["序时进度"], report.errors, report.reported)
    meta["报告月份"] = f"{report.as_of.year}年{report.as_of.month}月"
    tables = [_overview_table(scope, report.overview), _region_table(report.regions), _target_table(report.targets)]
    by_kind: dict[str, list[OverdueItem]] = {}
    for item in report.overdue:
        by_kind.setdefault(item["类型"], []).append(item)
    tables.append(_overdue_summary(by_kind))
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
