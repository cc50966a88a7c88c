"""The rendering layer: exact formatting of each kind, md/plain/csv/json text, rich on narrow terminals."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from xiangmu_cli.output.formats import infer_format, render
from xiangmu_cli.output.tables import (
    Chart,
    Column,
    Document,
    Table,
    cell_tone,
    format_value,
    metric_kind,
    value_kind,
    written_number,
)

D = Decimal
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def small_doc() -> Document:
    """Two tables: a 全市 row and two regions (one without a rate)."""
    return Document(
        title="吉林市重点项目建设台账 月调度（2018年9月）",
        meta={"截至": date(2018, 9, 30), "年度": 2018},
        tables=[
            Table(
                "全市总览",
                [
                    Column("在建项目数", kind="count"),
                    Column("完成投资", kind="amount"),
                    Column("投资完成率", kind="rate", compare="序时进度"),
                    Column("进度差", kind="diff"),
                ],
                [
                    {
                        "在建项目数": 1234,
                        "完成投资": D("1234567.5"),
                        "投资完成率": D("0.7"),
                        "序时进度": D("0.75"),
                        "进度差": D("-0.05"),
                    }
                ],
                note="截至 2018-09-30",
            ),
            Table(
                "分地区",
                [
                    Column("地区"),
                    Column("包保领导", kind="list"),
                    Column("完成投资", kind="amount"),
                    Column("投资完成率", kind="rate", compare="序时进度"),
                    Column("进度差", kind="diff"),
                ],
                [
                    {
                        "地区": "船营区",
                        "包保领导": ["张三", "李四"],
                        "完成投资": D("12000.0"),
                        "投资完成率": D("0.8"),
                        "序时进度": D("0.75"),
                        "进度差": D("0.05"),
                    },
                    {
                        "地区": "高新区",
                        "包保领导": [],
                        "完成投资": D("350.25"),
                        "投资完成率": None,
                        "序时进度": D("0.75"),
                        "进度差": None,
                    },
                ],
            ),
        ],
    )


REGION_COLUMNS = [
    Column("地区"),
    Column("包保领导", kind="list", priority=2),
    Column("在建项目数", kind="count"),
    Column("年度计划投资", kind="amount", priority=2),
    Column("完成投资", kind="amount"),
    Column("当月完成投资", kind="amount", priority=1),
    Column("投资完成率", kind="rate", compare="序时进度"),
    Column("序时进度", kind="rate", priority=1),
    Column("进度差", kind="diff", priority=1),
]


def wide_doc() -> Document:
    """分地区 with secondary columns: 109 cells wide, 46 with the essential columns only."""
    rows = [
        {
            "地区": "船营区",
            "包保领导": ["张三", "李四"],
            "在建项目数": 85,
            "年度计划投资": D("1500000"),
            "完成投资": D("1234567.5"),
            "当月完成投资": D("98765.25"),
            "投资完成率": D("0.6"),
            "序时进度": D("0.75"),
            "进度差": D("-0.15"),
        },
        {
            "地区": "高新区",
            "包保领导": ["王五"],
            "在建项目数": 7,
            "年度计划投资": D("4000"),
            "完成投资": D("3600"),
            "当月完成投资": D("400"),
            "投资完成率": D("0.9"),
            "序时进度": D("0.75"),
            "进度差": D("0.15"),
        },
    ]
    return Document("月调度", {"截至": date(2018, 9, 30)}, [Table("分地区", REGION_COLUMNS, rows)])


# --- formatting of each kind ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, kind, shown",
    [
        (D("1234567.5"), "amount", "1,234,567.5"),
        (D("12000.0"), "amount", "12,000"),
        (D("1E+4"), "amount", "10,000"),
        (D("0.30"), "amount", "0.3"),
        (D("0.000"), "amount", "0"),
        (12000, "amount", "12,000"),
        (D("-2500.5"), "amount", "-2,500.5"),
        (D("0.1") + D("0.2"), "amount", "0.3"),
        (D("0.75"), "rate", "75.0%"),
        (D("1.2"), "rate", "120.0%"),
        (D(9) / D(12), "rate", "75.0%"),
        (D(2) / D(3), "rate", "66.7%"),
        (D("0.0125"), "rate", "1.2%"),  # half-even
        (D("0.0135"), "rate", "1.4%"),
        (0, "rate", "0.0%"),
        (None, "rate", "—"),
        (D("0.05"), "diff", "+5.0%"),
        (D("-0.123"), "diff", "-12.3%"),
        (D("0"), "diff", "0.0%"),
        # below zero but 0.0% at one decimal: shown with the decimals that show it below zero
        # (-0.0004 = -0.04 points; -0.00007 = -0.007 points, half-even at two decimals -0.01%)
        (D("-0.0004"), "diff", "-0.04%"),
        (D("-0.00007"), "diff", "-0.01%"),
        (Fraction(-1, 10**30), "diff", "-0.0%"),  # closer to zero than four decimals: the sign is kept
        (D("0.0004"), "diff", "0.0%"),
        (D("0.005"), "diff", "+0.5%"),
        (None, "diff", "—"),
        (1234567, "count", "1,234,567"),
        (7, "count", "7"),
        (45, "days", "45"),
        (D("12345.6"), "area", "12,345.60"),
        (D("0.125"), "area", "0.12"),
        (D("0.135"), "area", "0.14"),
        (D("4370"), "intensity", "4,370.00"),
        (date(2018, 9, 3), "date", "2018-09-03"),
        (True, "bool", "是"),
        (False, "bool", "否"),
        (None, "bool", "—"),
        (["张三", "李四"], "list", "张三、李四"),
        (D("17.50"), "number", "17.50"),  # scores and totals: two decimals, half-even
        (D("1E+4"), "number", "10,000.00"),
        (1234, "number", "1,234.00"),
        (D("17.125"), "number", "17.12"),
        (D("17.135"), "number", "17.14"),
        (D("-0.00"), "number", "0.00"),
        ([], "list", "—"),
        ("船营区", "text", "船营区"),
        (None, "text", "—"),
        (2018, "text", "2018"),
    ],
)
def test_format_value(value: object, kind: str, shown: str) -> None:
    assert format_value(kind, value) == shown


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        Column("完成投资", kind="money")


def test_metric_kinds() -> None:
    assert [
        metric_kind(k)
        for k in ("年度投资", "完成投资", "开工率", "进度差", "在建项目数", "新开工用地面积", "投资强度", "不存在")
    ] == ["amount", "amount", "rate", "diff", "count", "area", "intensity", None]


def test_kind_from_formats_each_row_as_its_metric() -> None:
    columns = [Column("指标"), Column("目标", kind_from="指标"), Column("实际", kind_from="指标")]
    rows = [
        {"指标": "年度投资", "目标": D("20000"), "实际": D("15000.5")},
        {"指标": "开工率", "目标": D("0.8"), "实际": D("0.75")},
        {"指标": "新开工项目数", "目标": 30, "实际": 1234},
    ]
    doc = Document("目标完成", {}, [Table("目标完成", columns, rows)])
    assert render(doc, "plain") == (
        "目标完成\n"
        "\n"
        "目标完成\n"
        "指标            目标      实际\n"
        "------------  ------  --------\n"
        "年度投资      20,000  15,000.5\n"
        "开工率         80.0%     75.0%\n"
        "新开工项目数      30     1,234\n"
    )
    assert render(doc, "csv") == (
        "指标,目标,实际\n年度投资,20000.00,15000.50\n开工率,0.800000,0.750000\n新开工项目数,30,1234\n"
    )


# --- md, plain, csv: exact text -----------------------------------------------------------------


def test_markdown_exact() -> None:
    # Widths by display cells: CJK 2 each, "—" 1. Each column is as wide as its widest cell, and
    # tabulate keeps 2 spare cells beside a header ("在建项目数" = 10 cells → a 12-cell column).
    assert render(small_doc(), "md") == (
        "# 吉林市重点项目建设台账 月调度（2018年9月）\n"
        "\n"
        "截至：2018-09-30 · 年度：2018\n"
        "\n"
        "## 全市总览\n"
        "\n"
        "截至 2018-09-30\n"
        "\n"
        "|   在建项目数 |    完成投资 |   投资完成率 |   进度差 |\n"
        "|-------------:|------------:|-------------:|---------:|\n"
        "|        1,234 | 1,234,567.5 |        70.0% |    -5.0% |\n"
        "\n"
        "## 分地区\n"
        "\n"
        "| 地区   | 包保领导   |   完成投资 |   投资完成率 |   进度差 |\n"
        "|:-------|:-----------|-----------:|-------------:|---------:|\n"
        "| 船营区 | 张三、李四 |     12,000 |        80.0% |    +5.0% |\n"
        "| 高新区 | —          |     350.25 |            — |        — |\n"
    )


def test_plain_exact() -> None:
    assert render(small_doc(), "plain") == (
        "吉林市重点项目建设台账 月调度（2018年9月）\n"
        "截至：2018-09-30 · 年度：2018\n"
        "\n"
        "全市总览\n"
        "截至 2018-09-30\n"
        "  在建项目数     完成投资    投资完成率    进度差\n"
        "------------  -----------  ------------  --------\n"
        "       1,234  1,234,567.5         70.0%     -5.0%\n"
        "\n"
        "分地区\n"
        "地区    包保领导      完成投资    投资完成率    进度差\n"
        "------  ----------  ----------  ------------  --------\n"
        "船营区  张三、李四      12,000         80.0%     +5.0%\n"
        "高新区  —               350.25             —         —\n"
    )


def test_plain_has_all_columns_and_no_ansi() -> None:
    out = render(wide_doc(), "plain")
    assert "\x1b" not in out and "█" not in out
    for column in REGION_COLUMNS:
        assert column.key in out


def test_md_escapes_pipes_and_newlines() -> None:
    doc = Document("t", {}, [Table("x", [Column("名称")], [{"名称": "甲|乙\n丙"}])])
    assert "| 甲\\|乙 丙 |" in render(doc, "md")


def test_empty_table() -> None:
    doc = Document("逾期事项", {}, [Table("逾期事项", [Column("名称")], [])])
    assert render(doc, "plain") == "逾期事项\n\n逾期事项\n（无）\n"
    assert "（无）" in render(doc, "rich", width=80, color=False)
    assert render(doc, "csv") == "名称\n"


def test_csv_exact() -> None:
    assert render(small_doc(), "csv") == (
        "全市总览\n"
        "在建项目数,完成投资,投资完成率,进度差\n"
        "1234,1234567.50,0.700000,-0.050000\n"
        "\n"
        "分地区\n"
        "地区,包保领导,完成投资,投资完成率,进度差\n"
        "船营区,张三、李四,12000.00,0.800000,0.050000\n"
        "高新区,,350.25,,\n"
    )


def test_csv_single_table_quoting_and_no_bom() -> None:
    doc = Document(
        "t",
        {},
        [
            Table(
                "逾期事项",
                [Column("名称"), Column("到期日期", kind="date"), Column("是否完成", kind="bool")],
                [{"名称": '长春"一汽",配套', "到期日期": date(2018, 3, 1), "是否完成": False}],
            )
        ],
    )
    out = render(doc, "csv")
    assert out == '名称,到期日期,是否完成\n"长春""一汽"",配套",2018-03-01,否\n'
    assert not out.startswith("\ufeff")


def test_align_and_number_columns() -> None:
    doc = Document(
        "t",
        {},
        [
            Table(
                "考评",
                [Column("指标"), Column("全市", align="right"), Column("得分", kind="number")],
                [
                    {"指标": "开工率", "全市": "80.0%", "得分": D("17.50")},
                    {"指标": "投资完成率", "全市": "—", "得分": None},
                ],
            )
        ],
    )
    assert render(doc, "md").endswith(
        "| 指标       |   全市 |   得分 |\n"
        "|:-----------|-------:|-------:|\n"
        "| 开工率     |  80.0% |  17.50 |\n"
        "| 投资完成率 |      — |      — |\n"
    )
    assert render(doc, "csv").splitlines()[1:] == ["开工率,80.0%,17.50", "投资完成率,—,"]
    with pytest.raises(ValueError):
        Column("x", align="centre")


# --- json -----------------------------------------------------------------------------------------


def test_json_exact_decimals_round_trip() -> None:
    rows = [
        {
            "地区": "全市",
            "完成投资": D("0.1") + D("0.2"),
            "年度计划投资": D("1E+4"),
            "率": D(2) / D(3),
            "投资完成率": None,
            "截至": date(2018, 9, 30),
            "减档": False,
            "名次": 1,
            "指标": {"开工率": {"权重": D("20"), "比率": D("0.875"), "得分": D("17.50")}},
            "包保领导": ["张三"],
        }
    ]
    doc = Document(
        "考评", {"截至": date(2018, 9, 30), "年度": 2018}, [Table("考评", [Column("地区")], rows)]
    )  # JSON carries all keys, not only shown columns
    out = render(doc, "json")
    assert out.endswith("}\n")
    assert "E+" not in out and "e+" not in out
    assert '"年度计划投资": 10000.00,' in out  # money: two decimals at least
    assert '"完成投资": 0.30,' in out
    back = json.loads(out, parse_float=Decimal)
    assert list(back) == ["title", "meta", "考评"]
    assert back["meta"] == {"截至": "2018-09-30", "年度": 2018}
    row = back["考评"][0]
    assert row["完成投资"] == D("0.3") and str(row["完成投资"]) == "0.30"
    assert row["年度计划投资"] == 10000
    assert row["率"] == D(2) / D(3)  # a key of no known kind: exact, as given
    assert row["投资完成率"] is None and row["减档"] is False and row["截至"] == "2018-09-30"
    assert row["指标"]["开工率"] == {"权重": 20, "比率": D("0.875"), "得分": D("17.50")}
    assert str(row["指标"]["开工率"]["得分"]) == "17.50"
    assert str(row["指标"]["开工率"]["比率"]) == "0.875000"
    assert row["包保领导"] == ["张三"]


def test_json_layout() -> None:
    doc = Document("t", {}, [Table("甲", [Column("a")], [{"a": D("1.5"), "b": []}]), Table("乙", [], [])])
    assert render(doc, "json") == (
        '{\n  "title": "t",\n  "meta": {},\n  "甲": [\n    {\n      "a": 1.5,\n      "b": []\n    }\n  ],\n'
        '  "乙": []\n}\n'
    )


def test_json_data_replaces_table_rows() -> None:
    flat = [{"地区": "船营区", "开工率得分": D("17.50")}]
    nested = [{"地区": "船营区", "指标": {"开工率": {"得分": D("17.50")}}}]
    columns = [Column("地区"), Column("开工率得分", kind="number")]
    doc = Document("考评", {"年度": 2018}, [Table("考评", columns, flat)], json_data={"考评": nested})
    back = json.loads(render(doc, "json"), parse_float=Decimal)
    assert back == {"title": "考评", "meta": {"年度": 2018}, "考评": nested}
    assert render(doc, "csv") == "地区,开工率得分\n船营区,17.50\n"  # text formats show the tables


def test_json_refuses_ambiguous_keys() -> None:
    twice = Document("t", {}, [Table("甲", [], []), Table("甲", [], [])])
    with pytest.raises(ValueError):
        render(twice, "json")
    with pytest.raises(ValueError):
        render(Document("t", {}, [Table("meta", [], [])]), "json")


# --- numbers written out: each kind, Decimal or Fraction ----------------------------------------

KIND_COLUMNS = [
    Column("地区"),
    Column("在建项目数", kind="count"),
    Column("完成投资", kind="amount"),
    Column("年度计划投资", kind="amount"),
    Column("投资完成率", kind="rate", compare="序时进度"),
    Column("序时进度", kind="rate"),
    Column("进度差", kind="diff"),
    Column("新开工用地面积", kind="area"),
    Column("投资强度", kind="intensity"),
    Column("得分", kind="number"),
    Column("逾期天数", kind="days"),
]


def kinds_doc() -> Document:
    """One row of every numeric kind; rates and scores as Fractions (exact computation), the rest
    Decimal. Hand-computed written forms below."""
    rows = [
        {
            "地区": "船营区",
            "在建项目数": 3,
            "完成投资": D("12345.678"),
            "年度计划投资": D("12000"),
            "投资完成率": Fraction(2, 3),
            "序时进度": D("0.75"),
            "进度差": Fraction(2, 3) - Fraction(3, 4),  # −1/12 = −0.08333…
            "新开工用地面积": D("1234.565"),  # a tie: half-even to 1234.56
            "投资强度": Fraction(4681525, 1000),  # 4681.525, a tie: to 4681.52
            "得分": Fraction(35, 2),
            "逾期天数": 166,
        },
        {
            "地区": "高新区",
            "在建项目数": D("7"),
            "完成投资": D("1E+4"),
            "年度计划投资": D("0.1") + D("0.2"),
            "投资完成率": D("0.7470174468085106382978723404"),
            "序时进度": D("0.75"),
            "进度差": D("-0.0029825531914893617021276596"),
            "新开工用地面积": D("0"),
            "投资强度": Fraction(1, 6),
            "得分": D("88.335"),
            "逾期天数": D("0"),
        },
    ]
    return Document(
        "数字",
        {"年度": 2018},
        [Table("分地区", KIND_COLUMNS, rows)],
        charts=[Chart("完成率", "分地区", "地区", "投资完成率")],
    )


#: (count, amount, amount, rate, rate, diff, area, intensity, number, days) as json and csv write them.
WRITTEN = [
    ["3", "12345.678", "12000.00", "0.666667", "0.750000", "-0.083333", "1234.56", "4681.52", "17.50", "166"],
    ["7", "10000.00", "0.30", "0.747017", "0.750000", "-0.002983", "0.00", "0.17", "88.34", "0"],
]


def test_csv_writes_each_kind_out() -> None:
    lines = render(kinds_doc(), "csv").splitlines()
    assert lines[1:] == ["船营区," + ",".join(WRITTEN[0]), "高新区," + ",".join(WRITTEN[1])]


def test_json_writes_each_kind_out_as_json_numbers() -> None:
    out = render(kinds_doc(), "json")
    for region, written in zip(("船营区", "高新区"), WRITTEN):
        body = ",\n".join(f'      "{c.key}": {w}' for c, w in zip(KIND_COLUMNS[1:], written))
        assert f'      "地区": "{region}",\n{body}\n' in out
    back = json.loads(out, parse_float=Decimal)["分地区"]
    assert back[0]["投资完成率"] == D("0.666667") and back[0]["在建项目数"] == 3 and back[1]["在建项目数"] == 7


def test_text_formats_take_fractions_and_round_them_exactly() -> None:
    plain = render(kinds_doc(), "plain")
    first = next(line for line in plain.splitlines() if line.startswith("船营区")).split()
    assert first == [
        "船营区",
        "3",
        "12,345.678",
        "12,000",
        "66.7%",
        "75.0%",
        "-8.3%",
        "1,234.56",
        "4,681.52",
        "17.50",
        "166",
    ]
    second = next(line for line in plain.splitlines() if line.startswith("高新区")).split()
    assert second == ["高新区", "7", "10,000", "0.3", "74.7%", "75.0%", "-0.3%", "0.00", "0.17", "88.34", "0"]
    assert render(kinds_doc(), "md").count("66.7%") == 1
    rich = render(kinds_doc(), "rich", width=200, color=True)
    assert "\x1b[31m 66.7% █████░░░\x1b[0m" in rich  # 2/3 < 0.75: behind; 2/3 × 8 = 5.3 → 5 cells
    html = render(kinds_doc(), "html")
    assert "66.7%" in html and "4,681.52" in html and "-8.3%" in html


def test_fraction_and_decimal_compare_exactly() -> None:
    column = Column("投资完成率", kind="rate", compare="序时进度")
    assert cell_tone({"投资完成率": Fraction(3, 4), "序时进度": D("0.75")}, column) == "ahead"
    assert cell_tone({"投资完成率": Fraction(3, 4) - Fraction(1, 10**30), "序时进度": D("0.75")}, column) == "behind"
    assert cell_tone({"进度差": Fraction(-1, 10**30)}, Column("进度差", kind="diff")) == "behind"


@pytest.mark.parametrize(
    "kind, value, written",
    [
        ("amount", 12000, D("12000.00")),
        ("amount", D("3416839"), D("3416839.00")),
        ("amount", D("12345.678"), D("12345.678")),
        ("rate", Fraction(1, 6), D("0.166667")),
        ("rate", Fraction(2, 3), D("0.666667")),
        ("rate", Fraction(1, 8 * 10**6), D("0.000000")),
        ("rate", Fraction(3, 2 * 10**6), D("0.000002")),
        ("diff", D("-0.0000005"), D("0.000000")),
        ("area", D("3856644.335"), D("3856644.34")),
        ("intensity", D("4681.525"), D("4681.52")),
        ("number", D("90.33"), D("90.33")),
        ("count", D("120"), 120),
        ("count", 102, 102),
        ("days", D("0"), 0),
        (None, D("0.875"), D("0.875")),
        (None, Fraction(1, 3), D("0.333333")),
        (None, 40, 40),
    ],
)
def test_written_number(kind: str | None, value: object, written: object) -> None:
    got = written_number(kind, value)
    assert type(got) is type(written) and str(got) == str(written)


def test_json_kinds_by_key_where_no_column_says() -> None:
    assert value_kind("目标", {"指标": "年度投资"}) == "amount"
    assert value_kind("实际", {"指标": "开工率"}) == "rate"
    assert value_kind("实际", {"权重": 20}, parent="投资完成率") == "rate"  # a 考评 detail
    assert value_kind("比率", {}) == "rate" and value_kind("得分", {}) == "number"
    assert value_kind("新值", {"字段": "完成投资 2018-09"}) == "amount"  # a change in xm diff
    assert value_kind("差额", {"字段": "用地面积"}) == "area"
    assert value_kind("原值", {"指标": "开工率", "原值": None}) == "rate"  # xm recheck
    assert value_kind("新值", {"指标": "年度计划投资"}) == "amount"
    assert value_kind("投资强度", {}) == "intensity" and value_kind("权重", {}) is None


def test_nested_json_is_written_by_key() -> None:
    """A library structure (json_data) has no columns: 考评 details, 全市总览 and changes are
    written by their keys."""
    data = {
        "考评": [
            {
                "地区": "船营区",
                "指标": {
                    "年度投资": {
                        "权重": D("40"),
                        "实际": D("3510982"),
                        "目标": D("4700000"),
                        "比率": Fraction(3510982, 4700000),
                        "得分": Fraction(3510982 * 40, 4700000),
                    },
                    "开工率": {
                        "权重": D("20"),
                        "实际": Fraction(71, 79),
                        "目标": D("0.9"),
                        "比率": Fraction(710, 711),
                        "得分": None,
                    },
                },
                "合计": D("88.33"),
                "名次": 1,
                "加分": D("2"),
                "总分": D("90.33"),
                "减档": False,
            }
        ],
        "全市总览": {
            "在建项目数": 314,
            "完成投资": D("3510982"),
            "序时进度": D("0.75"),
            "新开工用地面积": D("3856644.34"),
        },
        "变更": [{"字段": "总投资", "原值": D("12000"), "新值": D("12500.5"), "差额": D("500.5")}],
        "变化": [
            {
                "地区": "全市",
                "指标": "开工率",
                "原值": Fraction(71, 79),
                "新值": Fraction(9, 10),
                "原因": [{"编号": "CY-1", "字段": [{"字段": "用地面积", "原值": None, "新值": D("35000.00")}]}],
            }
        ],
    }
    out = render(Document("考评", {}, [], json_data=data), "json")
    assert (
        '"年度投资": {\n          "权重": 40,\n          "实际": 3510982.00,\n          "目标": 4700000.00,\n'
        '          "比率": 0.747017,\n          "得分": 29.88\n        }'
    ) in out  # 29.880698… → 29.88
    assert (
        '"实际": 0.898734,\n          "目标": 0.900000,\n          "比率": 0.998594,\n          "得分": null'
    ) in out  # 71/79 = 0.8987341…, 710/711 = 0.9985935…
    assert '"合计": 88.33,\n      "名次": 1,\n      "加分": 2.00,\n      "总分": 90.33,' in out
    assert (
        '"在建项目数": 314,\n    "完成投资": 3510982.00,\n    "序时进度": 0.750000,\n    "新开工用地面积": 3856644.34'
        in out
    )
    assert '"原值": 12000.00,\n      "新值": 12500.50,\n      "差额": 500.50' in out
    assert '"指标": "开工率",\n      "原值": 0.898734,\n      "新值": 0.900000,' in out
    assert '"字段": "用地面积",\n              "原值": null,\n              "新值": 35000.00' in out


def test_numbers_written_out_are_deterministic() -> None:
    for fmt in ("csv", "json", "plain", "md", "html"):
        assert render(kinds_doc(), fmt) == render(kinds_doc(), fmt)


# --- rich -----------------------------------------------------------------------------------------


def table_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.strip()]


def test_rich_wide_shows_every_column() -> None:
    out = render(wide_doc(), "rich", width=120, color=False)
    assert "\x1b" not in out
    assert shown_columns(out) == [c.key for c in REGION_COLUMNS]
    assert "窄屏省略" not in out
    assert "1,234,567.5" in out and "1,500,000" in out
    assert max(cell_len(line) for line in out.splitlines()) <= 120


def shown_columns(out: str) -> list[str]:
    header = next(line for line in out.splitlines() if line.startswith("地区 "))
    return [c.key for c in REGION_COLUMNS if c.key in header.split()]


def test_rich_narrow_drops_secondary_columns() -> None:
    # Highest priority first (包保领导, 年度计划投资: 2), then among equals the rightmost (进度差),
    # until the table fits: 当月完成投资 and 序时进度 (priority 1) still fit in 80 columns.
    out = render(wide_doc(), "rich", width=80, color=False)
    assert "\x1b" not in out
    assert max(cell_len(line) for line in out.splitlines()) <= 80
    assert shown_columns(out) == ["地区", "在建项目数", "完成投资", "当月完成投资", "投资完成率", "序时进度"]
    assert "（窄屏省略：包保领导、年度计划投资、进度差；加宽终端或用 --format plain" in out
    assert "1,234,567.5" in out and "60.0%" in out and "90.0%" in out


def test_rich_60_keeps_only_essential_columns() -> None:
    out = render(wide_doc(), "rich", width=60, color=False)
    assert shown_columns(out) == [c.key for c in REGION_COLUMNS if c.priority == 0]
    note = "".join(out.split("\n")[-3:])  # the note wraps at 60 columns
    assert (
        "（窄屏省略：包保领导、年度计划投资、当月完成投资、序时进度、进度差；加宽终端或用 --format plain 查看全部）"
        in note
    )


def test_rich_title_meta_note_and_bars() -> None:
    out = render(small_doc(), "rich", width=120, color=False)
    lines = out.splitlines()
    assert lines[:2] == ["吉林市重点项目建设台账 月调度（2018年9月）", "截至：2018-09-30 · 年度：2018"]
    assert "截至 2018-09-30" in lines
    assert "70.0% ██████░░" in out  # 0.7 × 8 cells = 5.6 → 6
    assert "80.0% ██████░░" in out
    assert "+5.0%" in out and "-5.0%" in out


def test_rich_colour_behind_schedule_red_ahead_green() -> None:
    out = render(small_doc(), "rich", width=120, color=True)
    assert "\x1b[31m 70.0% ██████░░\x1b[0m" in out  # 70% < 序时进度 75%: red
    assert "\x1b[32m 80.0% ██████░░\x1b[0m" in out  # 80% ≥ 75%: green
    assert ANSI.sub("", out) == render(small_doc(), "rich", width=120, color=False)


def test_rich_no_colour_without_compare_value(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = Document(
        "t",
        {},
        [
            Table(
                "x",
                [Column("投资完成率", kind="rate", compare="序时进度")],
                [{"投资完成率": D("0.5"), "序时进度": None}],
            )
        ],
    )
    out = render(doc, "rich", width=80, color=True)
    assert "\x1b[31m" not in out and "\x1b[32m" not in out
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[31m" in render(small_doc(), "rich", width=120, color=True)  # explicit wins
    assert "\x1b" not in render(small_doc(), "rich", width=120, color=None)  # not a terminal


@pytest.mark.parametrize("width", range(20, 131, 5))
def test_rich_never_garbles(width: int) -> None:
    """At any width: no line wider than the terminal, every essential number intact."""
    out = render(wide_doc(), "rich", width=width, color=False)
    assert max(cell_len(line) for line in out.splitlines()) <= width
    for number in ("1,234,567.5", "3,600", "60.0%", "90.0%", "85"):
        assert number in out


def test_rich_very_narrow_stacks_rows_with_every_column() -> None:
    # Even the essential columns need 46 cells: each row becomes 名称：值 lines, all columns kept.
    out = render(wide_doc(), "rich", width=40, color=False)
    assert "窄屏省略" not in out
    assert out.splitlines()[3:8] == [
        "分地区",
        "地区： 船营区",
        "包保领导： 张三、李四",
        "在建项目数： 85",
        "年度计划投资： 1,500,000",
    ]
    assert "\n\n地区： 高新区\n" in out
    for needle in ("当月完成投资： 98,765.25", "进度差： -15.0%", "进度差： +15.0%"):
        assert needle in out


# --- format choice, determinism ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, explicit, tty, fmt",
    [
        (None, None, True, "rich"),
        (None, None, False, "plain"),
        (None, "json", True, "json"),
        ("报告.md", "csv", False, "csv"),
        ("报告.md", None, True, "md"),
        ("out/报告.MARKDOWN", None, True, "md"),
        ("报告.txt", None, True, "plain"),
        ("报告.csv", None, True, "csv"),
        ("报告.json", None, False, "json"),
        ("报告.xlsx", None, True, "xlsx"),
        ("报告.pdf", "html", True, "html"),  # --format wins over any extension
        ("-", None, True, "rich"),
    ],
)
def test_infer_format(path: str | None, explicit: str | None, tty: bool, fmt: str) -> None:
    assert infer_format(path, explicit, tty) == fmt


@pytest.mark.parametrize(
    "path, says",
    [
        ("月报.pdf", "浏览器中打开后打印为 PDF"),
        ("月报.xls", "请用 .xlsx"),
        ("月报.yaml", "用 .md .markdown .txt .csv .json .html .htm .xlsx .docx 之一作扩展名，或用 --format 指定格式"),
        ("月报", "没有扩展名"),
    ],
)
def test_an_unknown_output_extension_is_refused(path: str, says: str) -> None:
    """-o 月报.pdf used to write plain text into a .pdf file, silently."""
    with pytest.raises(ValueError, match=says):
        infer_format(path, None, True)


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError):
        infer_format(None, "xlsx2", True)
    with pytest.raises(ValueError):
        render(small_doc(), "yaml")


@pytest.mark.parametrize("fmt", ["rich", "md", "plain", "csv", "json"])
def test_deterministic(fmt: str) -> None:
    first = render(wide_doc(), fmt, width=100, color=True)
    assert first == render(wide_doc(), fmt, width=100, color=True)
    assert first.endswith("\n") and not first.endswith("\n\n")


def test_rich_wraps_text_but_never_numbers_or_dates() -> None:
    columns = [
        Column("类型"),
        Column("名称"),
        Column("到期日期", kind="date"),
        Column("逾期天数", kind="days"),
        Column("责任单位", priority=1),
    ]
    rows = [
        {
            "类型": "未按期开工",
            "名称": "吉林化纤集团年产1.5万吨碳纤维原丝及配套设施建设项目",
            "到期日期": date(2018, 5, 1),
            "逾期天数": 1152,
            "责任单位": "市发改委",
        }
    ]
    out = render(Document("逾期", {}, [Table("逾期事项", columns, rows)]), "rich", width=50, color=False)
    lines = out.splitlines()
    assert max(cell_len(line) for line in lines) <= 50
    first = next(line for line in lines if line.startswith("未按期开工"))
    assert first.split()[-2:] == ["2018-05-01", "1,152"]
    name = "吉林化纤集团年产1.5万吨碳纤维原丝及配套设施建设项目"
    assert name not in out  # wrapped over several lines, every character kept
    rest = lines[lines.index(first) + 1 :]
    continued = [line.strip() for line in rest[: next(i for i, line in enumerate(rest) if line.startswith("（"))]]
    assert len(continued) >= 2 and first.split()[1] + "".join(continued) == name
    assert "（窄屏省略：责任单位；" in out


def test_a_long_table_in_a_terminal_shows_its_first_rows_and_says_how_many(monkeypatch) -> None:
    from xiangmu_cli.output import terminal

    monkeypatch.setattr(terminal, "MAX_RICH_ROWS", 3)
    rows = [{"编号": f"P{i}", "总投资": Decimal(i)} for i in range(1, 6)]
    doc = Document("标题", {}, [Table("清单", [Column("编号"), Column("总投资", kind="amount")], rows)])
    text = render(doc, "rich", width=80, color=False)
    assert "P3" in text and "P4" not in text
    assert "共 5 行，终端只显示前 3 行" in text
    plain = render(doc, "plain")
    assert "P5" in plain and "共 5 行" not in plain


# --- Chinese prose in the terminal (output.terminal.prose_lines) ---------------------------------


def test_prose_breaks_as_chinese_is_set() -> None:
    """The 综述 at 40 cells: no line starts with 「，」 or 「。」 (the character before goes down
    with it), no number is cut, every character kept."""
    from xiangmu_cli.output.terminal import prose_lines

    text = "截至2018年9月底，全市在建重点项目314个，其中亿元以上项目227个，新建项目102个、续建项目212个。"
    assert prose_lines(text, 40) == [
        "截至2018年9月底，全市在建重点项目314个，",
        "其中亿元以上项目227个，新建项目102个、续",
        "建项目212个。",
    ]
    # at 39 cells 「，」 would open the second line: 「个」 goes down with it
    assert prose_lines(text, 39)[:2] == [
        "截至2018年9月底，全市在建重点项目314",
        "个，其中亿元以上项目227个，新建项目102",
    ]
    assert prose_lines("投资为（亿元）351.10", 8) == ["投资为", "（亿元）", "351.10"]  # 「（」 does not end a line


_HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80)
_TOKENS = st.one_of(
    _HAN,
    st.from_regex(r"[0-9]{1,4}(\.[0-9])?%?", fullmatch=True),
    st.tuples(_HAN, st.sampled_from("，。、；：！？）》%")).map("".join),
    st.tuples(st.sampled_from("（《「"), _HAN).map("".join),
)


@given(st.lists(_TOKENS, max_size=60), st.integers(min_value=12, max_value=100))
def test_prose_lines_keep_every_character_within_the_width(tokens: list[str], width: int) -> None:
    from xiangmu_cli.output.terminal import _NO_LINE_END, _NO_LINE_START, prose_lines

    text = "".join(tokens)
    lines = prose_lines(text, width)
    assert "".join(lines) == text
    assert all(cell_len(line) <= width for line in lines)
    assert not any(line[:1] in _NO_LINE_START for line in lines[1:])
    assert not any(line[-1:] in _NO_LINE_END for line in lines[:-1])


def test_a_long_cell_wraps_without_cutting_a_date() -> None:
    """rich folds a cell of Chinese anywhere; xm's cells break as its prose does (issue 18's
    leftover): the date stays whole, no line of the cell starts with 「，」."""
    item = "问题超期：市政供水、燃气管线未接入场区，2018-07-27 到期，已逾期 65 天"
    doc = Document(
        "逾期事项", {}, [Table("逾期", [Column("编号"), Column("事项")], [{"编号": "JK-2017-017", "事项": item}])]
    )
    out = render(doc, "rich", width=30, color=False).splitlines()
    body = out[out.index("─" * 30) + 1 :]  # the rows under the header rule
    assert body[0].startswith("JK-2017-017")
    cell = [line[len("JK-2017-017") :].strip() for line in body if line.strip()]
    assert cell == ["问题超期：市政供", "水、燃气管线未接", "入场区，", "2018-07-27 到", "期，已逾期 65 天"]


def test_a_number_wider_than_the_line_is_cut_before_a_digit() -> None:
    """A run of digits wider than the whole line must be cut; never before 「.」 or 「%」 (a
    case hypothesis found)."""
    from xiangmu_cli.output.terminal import prose_lines

    assert prose_lines("0.00000%0000.0", 12) == ["0.00000%000", "0.0"]
