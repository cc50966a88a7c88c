"""The 通报 sections of the monthly report (figures/tongbao.py): the 综述 written from the figures,
the 红黑榜 and the overdue items by region — on hand-counted ledgers (tests/test_metrics.py's main
fixture, whose figures are worked out there) and on small hand-made rows.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from xiangmu_cli.cli import app
from xiangmu_cli.figures.metrics import compute_metrics
from xiangmu_cli.figures.overdue import KINDS
from xiangmu_cli.figures.report import monthly_report
from xiangmu_cli.figures.tongbao import (
    cumulative_words,
    date_words,
    honour_rows,
    numeral,
    overdue_by_region,
    points,
    summary_paragraphs,
    yi,
)
from xiangmu_cli.output.formats import render
from xiangmu_cli.output.views import monthly_document
from xiangmu_cli.reading.loading import Repository, load

from .conftest import ROOT, load_repo
from .test_metrics import MAIN, MAIN_WARNINGS

runner = CliRunner()
DEMO = ROOT / "ledgers"
SEP30 = date(2018, 9, 30)
F = Fraction


@pytest.fixture
def main_repo(tmp_path: Path) -> Repository:
    return load_repo(tmp_path, MAIN, MAIN_WARNINGS)


# --- numbers and dates in words ----------------------------------------------------------------


def test_yi_is_wan_over_ten_thousand_rounded_half_even() -> None:
    assert yi(Decimal(3510982)) == "351.10"  # 351.0982 → 351.10
    assert yi(Decimal(650)) == "0.06"  # 0.065: the digit before the 5 is even → down (half-up says 0.07)
    assert yi(Decimal(3150)) == "0.32"  # 0.315: odd → up
    assert yi(Decimal("12345.6789")) == "1.23"
    assert yi(0) == "0.00"


def test_points_and_percent_have_one_decimal_half_even() -> None:
    assert points(F(-7009, 2350000)) == Decimal("-0.3")  # −0.29825… points
    assert points(F(1, 8)) == Decimal("12.5")
    assert points(F(1, 16)) == Decimal("6.2")  # 6.25 → even 6.2
    assert points(F(-1, 100000)) == Decimal("0.0")  # never "-0.0"


def test_dates_and_numerals_in_words() -> None:
    assert date_words(date(2018, 9, 30)) == "2018年9月底"
    assert date_words(date(2018, 9, 16)) == "2018年9月16日"
    assert cumulative_words(date(2018, 9, 30), 2018) == "1—9月"
    assert cumulative_words(date(2018, 1, 31), 2018) == "1月"
    assert cumulative_words(date(2018, 9, 16), 2018) == "年初以来"
    assert [numeral(n) for n in (1, 3, 10, 13, 20, 21, 99)] == ["一", "三", "十", "十三", "二十", "二十一", "九十九"]


# --- 综述 ----------------------------------------------------------------------------------------


def test_region_summary_by_hand(main_repo: Repository) -> None:
    """船营区 as of 2018-09-30: every figure is worked out in test_metrics.py
    (test_every_metric_of_chuanying_as_of_sep30); the overdue items here by hand:
    未按期开工 CY-5 (计划 09-01, starts 10-08) and CY-6 (08-01); 签约未落地 CY-8 (计划落地 08-31);
    问题超期 CY-1 用地指标 (时限 08-31) and CY-5 征收补偿 (09-20, solved 10-01); 走访超期 CY-2 (last
    visit 09-10 + 15 = 09-25); 投资漏报 CY-3 (no 2018-09 entry, 竣工 10-15). September's events:
    竣工 CY-2 (09-20) only."""
    report = monthly_report(main_repo, SEP30, "船营区")
    assert report.summary == [
        # 在建 4 (亿元以上 1; 新建 2, 续建 2); 完成投资 2600 万元 = 0.26 亿元, 2600 ÷ 4000 = 65.0%,
        # 进度差 0.65 − 0.75 = −10.0 points; 当月 650 万元 = 0.065 → 0.06 (half-even)
        "截至2018年9月底，船营区在建重点项目4个，其中亿元以上项目1个，新建项目2个、续建项目2个。"
        "1—9月累计完成投资0.26亿元，完成年度目标的65.0%，低于序时进度10.0个百分点；9月当月完成投资0.06亿元。",
        # 新开工 2 (亿元以上 1), 竣工 1, 计划开工 3, 开工率 2/4, 未入统 1, 入统率 2/3 = 66.7%,
        # 签约 3, 落地 1, 1/3 = 33.3%
        "今年以来新开工项目2个，其中亿元以上项目1个；竣工项目1个；计划开工项目3个，开工率50.0%；"
        "未入统项目1个，入统率66.7%。招商签约项目3个，已落地1个，落地率33.3%。本月竣工项目1个。",
        # 问题 6, solved 2 (33.3%), 超期 2; overdue 2 + 1 + 2 + 1 + 1 = 7
        "累计梳理问题6个，已解决2个，解决率33.3%，超期未解决2个。截至2018年9月底，共有逾期事项7项，"
        "其中未按期开工2项、签约未落地1项、问题超期2项、走访超期1项、投资漏报1项。",
    ]


def test_city_summary_ranks_the_regions(main_repo: Repository) -> None:
    """全市: 7100 of the 10000 target (71.0%, −4.0 points), 当月 3150 = 0.315 → 0.32 亿元. 投资完成率:
    船营区 0.65, 高新区 4500 ÷ 19000 = 0.2368… (no target: ÷ 年度计划投资), 昌邑区 none (0 ÷ 0); no 考评:
    3 on each list, so both ranked regions are on the 红榜 and none on the 黑榜; both are behind 序时."""
    summary = monthly_report(main_repo, SEP30).summary
    assert summary[0].endswith(
        "1—9月累计完成投资0.71亿元，完成年度目标的71.0%，低于序时进度4.0个百分点；9月当月完成投资0.32亿元。"
    )
    assert summary[0].startswith("截至2018年9月底，全市在建重点项目8个，其中亿元以上项目3个，")
    # overdue: 船营区 7 (above) and 高新区 5: 走访超期 GX-2 (08-01 + 15), GX-3 and GX-4 (never visited:
    # 开工日期 + 15); 投资漏报 GX-2 and GX-4 (no 2018-09 entry)
    assert "共有逾期事项12项，其中未按期开工2项、签约未落地1项、问题超期2项、走访超期4项、投资漏报3项。" in summary[2]
    assert summary[2].endswith("逾期事项较多的地区是船营区（7项）、高新区（5项）。")
    assert summary[3] == (
        "从投资完成率看，船营区、高新区居前三位。3个地区中，0个地区达到或超过序时进度，2个地区落后于序时进度。"
    )


def _summary(figures: dict[str, Any], target: Decimal | None = Decimal(4000)) -> list[str]:
    return summary_paragraphs(
        scope="船营区", year=2018, as_of=SEP30, figures=figures, target=target, changes=[], overdue=[]
    )


def test_growth_sentences_only_when_the_figures_carry_them(main_repo: Repository) -> None:
    """同比 (issue 16) plugs in through the figures: ``完成投资同比增长`` next to 完成投资 (a fraction)."""
    figures: dict[str, Any] = dict(compute_metrics(main_repo, SEP30)["船营区"])
    plain = _summary(figures)
    assert not any("同比" in p for p in plain)
    grown = _summary(
        {
            **figures,
            "完成投资同比增长": F(1, 8),  # +12.5%
            "当月完成投资同比增长": F(-1, 40),  # −2.5%
            "新开工项目数同比增长": F(0),
        }
    )
    assert "1—9月累计完成投资0.26亿元，同比增长12.5%，完成年度目标的65.0%" in grown[0]
    assert "9月当月完成投资0.06亿元，同比下降2.5%。" in grown[0]
    assert grown[1].startswith("今年以来新开工项目2个，与上年同期持平，其中亿元以上项目1个")
    absent = _summary({**figures, "完成投资同比增长": None})  # no 上年同期 (zero last year): no sentence
    assert absent == plain


def test_without_a_target_the_rate_is_against_the_plan(main_repo: Repository) -> None:
    figures = dict(compute_metrics(main_repo, SEP30)["高新区"])
    text = _summary(figures, target=None)[0]
    # 4500 ÷ 19000 = 23.68…% → 23.7%; 0.2368… − 0.75 = −51.3 points
    assert "完成年度计划投资的23.7%，低于序时进度51.3个百分点" in text


def test_no_overdue_and_no_events(tmp_path: Path) -> None:
    repo = load_repo(
        tmp_path,
        {
            "xiangmu.yaml": "名称: 测试台账\n年度: 2018\n地区:\n  - {名称: 船营区, 类型: 区县}\n",
            "船营区/在建.yaml": (
                "项目:\n  - 编号: CY-1\n    名称: 热电联产项目\n    总投资: 9000\n    项目秘书: 王芳\n"
                "    建设性质: 续建\n    开工日期: 2016-01-10\n    年度计划投资: 1200\n"
                "    完成投资: {2018-09: 100}\n    走访: [2018-09-29]\n"
            ),
        },
    )
    summary = monthly_report(repo, SEP30).summary
    # 100 of the plan 1200: 8.3%, −66.7 points; no problems: no problem sentence
    assert "完成年度计划投资的8.3%，低于序时进度66.7个百分点" in summary[0]
    assert summary[1].endswith("本月无新开工、入统、竣工、签约和落地项目。")
    assert summary[2] == "截至2018年9月底，无逾期事项。"
    assert len(summary) == 3  # one region: no standing


# --- 红黑榜 --------------------------------------------------------------------------------------

HONOURS_CONFIG = """\
名称: 测试台账
年度: 2018
地区:
  - {名称: 甲区, 类型: 区县}
  - {名称: 乙区, 类型: 区县}
  - {名称: 丙区, 类型: 区县}
  - {名称: 丁区, 类型: 区县}
  - {名称: 戊区, 类型: 区县}
  - {名称: 己区, 类型: 区县}
"""


def _config(tmp_path: Path, evaluation: str = "") -> Any:
    repo = load_repo(tmp_path, {"xiangmu.yaml": HONOURS_CONFIG + evaluation})
    assert repo.config is not None
    return repo.config


def _regions(rates: dict[str, Fraction | None]) -> list[dict[str, Any]]:
    return [
        {"地区": name, "投资完成率": rate, "进度差": None if rate is None else rate - F(3, 4)}
        for name, rate in rates.items()
    ]


def _score(name: str, rank: int, total: str | None, demoted: bool = False) -> Any:
    return {
        "地区": name,
        "指标": {},
        "合计": None if total is None else Decimal(total),
        "名次": rank,
        "加分": Decimal(0),
        "总分": None if total is None else Decimal(total),
        "减档": demoted,
    }


def test_honours_by_rate_with_ties_and_an_absent_rate(tmp_path: Path) -> None:
    """No 考评: three on each list. Rates: 甲 0.9, 乙 0.8, 丙 0.8 (tied), 丁 0.7, 戊 0.6, 己 none.
    Ranks 1, 2, 2, 4, 5: 红榜 甲 乙 丙 (rank ≤ 3); 黑榜: fewer than 3 below — 丁 (1 below), 戊 (0);
    乙 and 丙 have 2 below but are on the 红榜 already; 己 has no rate and is on neither."""
    config = _config(tmp_path)
    rates = {"甲区": F(9, 10), "乙区": F(8, 10), "丙区": F(8, 10), "丁区": F(7, 10), "戊区": F(6, 10), "己区": None}
    rows = honour_rows(config, _regions(rates), None)
    assert [(r["榜单"], r["依据"], r["名次"], r["地区"]) for r in rows] == [
        ("红榜", "投资完成率", 1, "甲区"),
        ("红榜", "投资完成率", 2, "乙区"),
        ("红榜", "投资完成率", 2, "丙区"),
        ("黑榜", "投资完成率", 4, "丁区"),
        ("黑榜", "投资完成率", 5, "戊区"),
    ]
    assert rows[0]["进度差"] == F(3, 20) and rows[0]["总分"] is None


def test_honours_by_evaluation_follow_bonus_and_demotion(tmp_path: Path) -> None:
    """考评 gives 加分 to the first 2 and 减档 to the last 1: the lists are that long. By rate (甲 > 乙 > …
    > 己): 红榜 甲 乙, 黑榜 己. By 考评: ranks as given (丙 1, 甲 2, 乙 3, …, 戊 unscored, last and 减档)."""
    config = _config(
        tmp_path, "考评:\n  指标: {投资完成率: 100}\n  前列加分: {名次: 2, 加分: 1}\n  后列减档: {名次: 1}\n"
    )
    rates = {n: F(10 - i, 10) for i, n in enumerate(["甲区", "乙区", "丙区", "丁区", "戊区", "己区"])}
    scores = [
        _score("丙区", 1, "98.00"),
        _score("甲区", 2, "97.50"),
        _score("乙区", 3, "90.00"),
        _score("己区", 4, "80.00"),
        _score("丁区", 5, "70.00"),
        _score("戊区", 6, None, demoted=True),
    ]
    rows = honour_rows(config, _regions(rates), scores)
    assert [(r["榜单"], r["依据"], r["名次"], r["地区"], r["总分"]) for r in rows] == [
        ("红榜", "投资完成率", 1, "甲区", Decimal("97.50")),
        ("红榜", "投资完成率", 2, "乙区", Decimal("90.00")),
        ("红榜", "考评", 1, "丙区", Decimal("98.00")),
        ("红榜", "考评", 2, "甲区", Decimal("97.50")),
        ("黑榜", "投资完成率", 6, "己区", Decimal("80.00")),
        ("黑榜", "考评", 6, "戊区", None),
    ]


def test_demo_honours_match_the_region_table_and_the_score() -> None:
    """The demo's 红黑榜 is read off its own 分地区 (sorted by 投资完成率) and 考评 (by 名次): the first
    and last three of each, 考评's 黑榜 being exactly its 减档 regions."""
    report = monthly_report(load(DEMO), SEP30)
    assert report.evaluation is not None
    by_rate = [r["地区"] for r in report.regions]
    honours = {
        (r["榜单"], r["依据"]): [x["地区"] for x in report.honours if (x["榜单"], x["依据"]) == (r["榜单"], r["依据"])]
        for r in report.honours
    }
    assert honours[("红榜", "投资完成率")] == by_rate[:3]
    assert honours[("黑榜", "投资完成率")] == by_rate[-3:]
    assert honours[("红榜", "考评")] == [r["地区"] for r in report.evaluation if r["加分"] > 0]
    assert honours[("黑榜", "考评")] == [r["地区"] for r in report.evaluation if r["减档"]]


# --- overdue items by region ---------------------------------------------------------------------


def test_overdue_by_region_counts_each_kind(main_repo: Repository) -> None:
    rows = monthly_report(main_repo, SEP30).overdue_regions
    zero = dict.fromkeys(KINDS, 0)  # every overdue kind, 超期未投产 (issue 16) included: none here
    assert rows == [
        # as in test_region_summary_by_hand
        {
            "地区": "船营区",
            **zero,
            "未按期开工": 2,
            "签约未落地": 1,
            "问题超期": 2,
            "走访超期": 1,
            "投资漏报": 1,
            "合计": 7,
        },
        # 走访超期 GX-2, GX-3, GX-4; 投资漏报 GX-2, GX-4 (see test_city_summary_ranks_the_regions)
        {"地区": "高新区", **zero, "走访超期": 3, "投资漏报": 2, "合计": 5},
        {"地区": "昌邑区", **zero, "合计": 0},
        {
            "地区": "全市",
            **zero,
            "未按期开工": 2,
            "签约未落地": 1,
            "问题超期": 2,
            "走访超期": 4,
            "投资漏报": 3,
            "合计": 12,
        },
    ]
    items = [
        {"地区": "乙区", "类型": "问题超期"},
        {"地区": "外区", "类型": "问题超期"},
    ]  # a region not listed is left out
    assert overdue_by_region(items, ["乙区"]) == [{"地区": "乙区", **zero, "问题超期": 1, "合计": 1}]  # type: ignore[arg-type]


# --- the document ----------------------------------------------------------------------------------


def test_the_monthly_document_opens_with_the_tongbao() -> None:
    report = monthly_report(load(DEMO), SEP30)
    doc = monthly_document(report)
    names = [t.name for t in doc.tables]
    assert names[:6] == ["综述", "红黑榜", "全市总览", "分地区", "分类别", "目标完成"]
    # the region × kind summary comes before the detail, after the existing 分类
    assert names.index("逾期事项分类") + 1 == names.index("逾期事项分地区") < names.index("逾期事项：未按期开工")
    plain = render(doc, "plain")
    for paragraph in report.summary:
        assert f"\n{paragraph}\n" in plain
    md = render(doc, "md")
    assert f"## 综述\n\n{report.summary[0]}\n\n{report.summary[1]}\n\n" in md
    csv = render(doc, "csv")
    assert f"综述\n内容\n{report.summary[0]}\n" in csv
    # the region's own report: no 红黑榜 and no table of one region's overdue items
    region = monthly_document(monthly_report(load(DEMO), SEP30, "船营区"))
    assert "红黑榜" not in [t.name for t in region.tables] and "逾期事项分地区" not in [t.name for t in region.tables]


def test_json_carries_the_tongbao_sections() -> None:
    result = runner.invoke(app, ["report", "monthly", "--ledgers", str(DEMO), "--format", "json"])
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.stdout, parse_float=Decimal)
    report = monthly_report(load(DEMO), SEP30)
    assert data["综述"] == report.summary
    assert [r["地区"] for r in data["红黑榜"]] == [r["地区"] for r in report.honours]
    assert data["红黑榜"][0]["投资完成率"] == Decimal("0.905293")  # 494290 ÷ 546000, six decimals
    assert data["逾期事项分地区"][-1] == {
        "地区": "全市",
        **{
            k: len([i for i in report.overdue if i["类型"] == k])
            for k in data["逾期事项分地区"][-1]
            if k not in ("地区", "合计")
        },
        "合计": len(report.overdue),
    }
    # the demo's figures as pinned elsewhere: 351.10 亿元, 74.7%, −0.3 points
    assert "1—9月累计完成投资351.10亿元，完成年度目标的74.7%，低于序时进度0.3个百分点" in data["综述"][0]
