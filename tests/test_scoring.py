"""考评 (metrics.md "Evaluation") on small hand-counted ledgers.

Every ratio, score and total is worked out by hand in the comments; none is computed by the code
under test.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from xiangmu_cli.figures.scoring import evaluate, period_as_of
from xiangmu_cli.reading.loading import Repository

from .conftest import load_repo

D = Decimal
F = Fraction


# =============================================================================================
# Fixture: four regions, as of 2018-09-30 (三季度).
#   船营区: all four metrics scored; 投资完成率 over its own rate target, capped.
#   高新区: all four scored; 开工率 over 全市's target, capped.
#   昌邑区: no 新开工项目数 target → not scored on it, total rescaled; ties with 高新区 after
#           rounding half-even (63.125 → 63.12).
#   丰满区: no files → every metric absent or without target → nothing scored.
# W = 40 + 20 + 20 + 20 = 100.
# =============================================================================================

CONFIG = """\
名称: 测试台账
年度: 2018
地区:
  - {名称: 船营区, 类型: 区县}
  - {名称: 高新区, 类型: 开发区}
  - {名称: 昌邑区, 类型: 区县}
  - {名称: 丰满区, 类型: 区县}
目标:
  全市: {开工率: 0.8}
  船营区: {新开工项目数: 2, 投资完成率: 0.5}
  高新区: {新开工项目数: 4}
考评:
  指标: {投资完成率: 40, 开工率: 20, 新开工项目数: 20, 问题解决率: 20}
  封顶: 1.2
  前列加分: {名次: 1, 加分: 2}
  后列减档: {名次: 1}
"""

CY_BUILDING = """\
项目:
  - 编号: CY-1
    名称: 碳纤维原丝扩能项目
    总投资: 12000
    项目秘书: 王芳
    建设性质: 新建
    计划开工日期: 2018-03-01
    开工日期: 2018-03-01
    年度计划投资: 500
    完成投资: {2018-05: 400}
    问题:
      - {提出日期: 2018-04-01, 内容: 用电增容, 解决日期: 2018-05-01}
  - 编号: CY-2
    名称: 汽车零部件产业园
    总投资: 8000
    项目秘书: 王芳
    建设性质: 新建
    计划开工日期: 2018-04-01
    开工日期: 2018-04-01
    年度计划投资: 300
    完成投资: {2018-06: 200}
    问题:
      - {提出日期: 2018-06-01, 内容: 用地指标}
  - 编号: CY-4
    名称: 江北污水处理厂改造
    总投资: 9000
    项目秘书: 王芳
    建设性质: 续建
    计划开工日期: 2018-02-01
    开工日期: 2016-05-01
    复工日期: 2018-03-01
    年度计划投资: 200
    完成投资: {2018-07: 100}
"""

CY_PLANNED = """\
项目:
  - 编号: CY-3
    名称: 冷链仓储项目
    总投资: 9000
    项目秘书: 赵敏
    计划开工日期: 2018-05-01
"""

GX_BUILDING = """\
项目:
  - 编号: GX-1
    名称: 光电子芯片项目
    总投资: 50000
    项目秘书: 陈晨
    建设性质: 新建
    计划开工日期: 2018-02-01
    开工日期: 2018-02-01
    年度计划投资: 400
    完成投资: {2018-03: 50}
    问题:
      - {提出日期: 2018-03-01, 内容: 电力接入, 解决日期: 2018-04-01}
  - 编号: GX-2
    名称: 科技企业孵化器
    总投资: 9000
    项目秘书: 陈晨
    建设性质: 新建
    开工日期: 2018-05-01
    年度计划投资: 300
    完成投资: {2018-06: 50}
  - 编号: GX-3
    名称: 园区道路
    总投资: 15000
    项目秘书: 陈晨
    建设性质: 新建
    开工日期: 2018-07-01
    年度计划投资: 300
    完成投资: {2018-08: 3}
    问题:
      - {提出日期: 2018-07-10, 内容: 管线迁改, 解决日期: 2018-08-10}
"""

CH_BUILDING = """\
项目:
  - 编号: CH-1
    名称: 食品加工项目
    总投资: 20000
    项目秘书: 刘洋
    建设性质: 新建
    计划开工日期: 2018-03-01
    开工日期: 2018-03-01
    年度计划投资: 1000
    完成投资: {2018-04: 700}
    问题:
      - {提出日期: 2018-04-01, 内容: 环评批复, 解决日期: 2018-05-01}
      - {提出日期: 2018-06-01, 内容: 征收补偿}
"""

CH_PLANNED = """\
项目:
  - 编号: CH-2
    名称: 物流园项目
    总投资: 6000
    项目秘书: 刘洋
    计划开工日期: 2018-06-01
"""

FILES = {
    "xiangmu.yaml": CONFIG,
    "船营区/在建.yaml": CY_BUILDING,
    "船营区/计划开工.yaml": CY_PLANNED,
    "高新区/在建.yaml": GX_BUILDING,
    "昌邑区/在建.yaml": CH_BUILDING,
    "昌邑区/计划开工.yaml": CH_PLANNED,
}


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return load_repo(tmp_path, FILES)


SEP30 = date(2018, 9, 30)
#: At 年终 序时进度 is 1, so 投资完成率 is judged against the year's target itself: the tests
#: about ranks, ties, bonus and caps use it (their totals are those worked out without time).
YEAR_END = date(2018, 12, 31)


def by_region(rows: list[dict]) -> dict[str, dict]:
    return {row["地区"]: row for row in rows}


def test_period_as_of(repo: Repository) -> None:
    assert period_as_of(repo, "三季度") == date(2018, 9, 30)
    assert period_as_of(repo, "年终") == date(2018, 12, 31)


def test_chuanying_every_metric_scored_with_cap(repo: Repository) -> None:
    row = by_region(evaluate(repo, period_as_of(repo, "三季度")))["船营区"]
    m = row["指标"]
    # 投资完成率: 完成投资 400+200+100 = 700 ÷ 年度计划投资 500+300+200 = 1000 (no 年度投资 target)
    # = 0.7; own 投资完成率 target 0.5, judged against time: × 序时进度 9/12 = 0.375 → ratio
    # 0.7 ÷ 0.375 = 28/15 = 1.866…; score 40 × min(1.866…, 1.2) = 48
    assert m["投资完成率"]["实际"] == F(700, 1000)
    assert m["投资完成率"]["目标"] == F(3, 8)
    assert m["投资完成率"]["比率"] == F(28, 15)
    assert m["投资完成率"]["得分"] == D("48.00")
    # 开工率: due CY-1, CY-2, CY-4 (计划开工日期 02-01), CY-3 (计划开工) → started 3/4 = 0.75;
    # no own target → 全市's 0.8 → ratio 0.9375; score 20 × 0.9375 = 18.75
    assert m["开工率"]["实际"] == F(3, 4)
    assert m["开工率"]["目标"] == D("0.8")
    assert m["开工率"]["比率"] == F(15, 16)  # 0.75 ÷ 0.8
    assert m["开工率"]["得分"] == D("18.75")
    # 新开工项目数: CY-1, CY-2 = 2 against own target 2 → 1; score 20
    assert (m["新开工项目数"]["实际"], m["新开工项目数"]["目标"]) == (2, D(2))
    assert m["新开工项目数"]["比率"] == F(2, 2)
    assert m["新开工项目数"]["得分"] == D("20.00")
    # 问题解决率: 1 of 2 solved = 0.5; no target anywhere → 1 → ratio 0.5; score 10
    assert m["问题解决率"]["实际"] == F(1, 2)
    assert m["问题解决率"]["目标"] == D(1)
    assert m["问题解决率"]["比率"] == F(1, 2)
    assert m["问题解决率"]["得分"] == D("10.00")
    assert {k: v["权重"] for k, v in m.items()} == {
        "投资完成率": D(40),
        "开工率": D(20),
        "新开工项目数": D(20),
        "问题解决率": D(20),
    }
    # 48 + 18.75 + 20 + 10 = 96.75, all weights scored (× 100 ÷ 100)
    assert row["合计"] == D("96.75")


def test_gaoxin_rate_falls_back_to_city_and_to_one(repo: Repository) -> None:
    m = by_region(evaluate(repo, SEP30))["高新区"]["指标"]
    # 投资完成率: 50 + 50 + 3 = 103 ÷ 400 + 300 + 300 = 1000 = 0.103; no own or 全市 target → 1,
    # × 序时进度 9/12 → 0.75; ratio 0.103 ÷ 0.75 = 0.137333…; score 40 × 0.137333… = 5.4933… → 5.49
    assert m["投资完成率"]["目标"] == F(3, 4)
    assert m["投资完成率"]["比率"] == F(103, 750)
    assert m["投资完成率"]["得分"] == D("5.49")
    # 开工率: only GX-1 carries 计划开工日期 and it started → 1; 全市's 0.8 → 1.25, capped at 1.2 → 24
    assert m["开工率"]["目标"] == D("0.8")
    assert m["开工率"]["比率"] == F(5, 4)
    assert m["开工率"]["得分"] == D("24.00")
    # 新开工项目数: GX-1..3 = 3 of own target 4 → 0.75 → 15
    assert m["新开工项目数"]["比率"] == F(3, 4)
    assert m["新开工项目数"]["得分"] == D("15.00")
    # 问题解决率: 2 of 2 → 1 → 20
    assert m["问题解决率"]["比率"] == F(1)
    assert m["问题解决率"]["得分"] == D("20.00")


def test_changyi_count_without_own_target_is_not_scored_and_total_rescaled(repo: Repository) -> None:
    row = by_region(evaluate(repo, SEP30))["昌邑区"]
    m = row["指标"]
    # 新开工项目数 = 1 (CH-1) but 昌邑区 has no target of its own: not scored (a count does not
    # fall back to 全市's)
    assert m["新开工项目数"]["实际"] == 1
    assert m["新开工项目数"]["目标"] is None
    assert (m["新开工项目数"]["比率"], m["新开工项目数"]["得分"]) == (None, None)
    # 投资完成率 700 ÷ 1000 = 0.7, target 1 × 9/12 = 0.75 → ratio 14/15 → 40 × 14/15 = 37.333… → 37.33
    assert m["投资完成率"]["比率"] == F(14, 15)
    assert m["投资完成率"]["得分"] == D("37.33")
    # 开工率: CH-1 started, CH-2 (计划开工 06-01) not → 1/2; ÷ 全市 0.8 = 0.625 → 12.5
    assert m["开工率"]["比率"] == F(5, 8)
    assert m["开工率"]["得分"] == D("12.50")
    # 问题解决率 1/2 → 10
    assert m["问题解决率"]["得分"] == D("10.00")
    # scored weights 40 + 20 + 20 = 80: (37.333… + 12.5 + 10) × 100 ÷ 80 = 59.8333… × 1.25
    # = 74.7916… → 74.79
    assert row["合计"] == D("74.79")
    # At 年终 (序时进度 1) the same region: (28 + 12.5 + 10) × 1.25 = 63.125 → rounded half-even to
    # 63.12 (half-up would give 63.13)
    assert by_region(evaluate(repo, YEAR_END))["昌邑区"]["合计"] == D("63.12")


def test_region_with_nothing_scored(repo: Repository) -> None:
    row = by_region(evaluate(repo, SEP30))["丰满区"]
    # no files: 投资完成率, 开工率, 问题解决率 are absent (0 ÷ 0); 新开工项目数 has no own target
    assert all(v["比率"] is None and v["得分"] is None for v in row["指标"].values())
    assert row["合计"] is None
    assert row["总分"] is None
    assert row["加分"] == 0
    assert row["名次"] == 4  # last


def test_ranking_as_of_sep30(repo: Repository) -> None:
    # 船营区 96.75 (48 + 18.75 + 20 + 10), 昌邑区 74.79, 高新区 5.4933… + 24 + 15 + 20 = 64.4933… → 64.49
    rows = evaluate(repo, SEP30)
    assert [(r["地区"], r["合计"], r["名次"], r["总分"], r["减档"]) for r in rows] == [
        ("船营区", D("96.75"), 1, D("98.75"), False),
        ("昌邑区", D("74.79"), 2, D("74.79"), False),
        ("高新区", D("64.49"), 3, D("64.49"), False),
        ("丰满区", None, 4, None, True),
    ]


def test_ranking_ties_bonus_and_demotion(repo: Repository) -> None:
    rows = evaluate(repo, YEAR_END)
    assert [(r["地区"], r["合计"], r["名次"], r["加分"], r["总分"], r["减档"]) for r in rows] == [
        # rank 1 ≤ 前列加分.名次 1 → +2: 96.75 + 2 = 98.75
        ("船营区", D("96.75"), 1, D(2), D("98.75"), False),
        # 4.12 + 24 + 15 + 20 = 63.12 and 昌邑区 63.125 → 63.12: a tie, both rank 2 (1, 2, 2, 4)
        ("高新区", D("63.12"), 2, D(0), D("63.12"), False),
        ("昌邑区", D("63.12"), 2, D(0), D("63.12"), False),
        # nothing scored: no total, ranks last; rank 4 > 4 − 后列减档.名次 1 = 3 → 减档
        ("丰满区", None, 4, D(0), None, True),
    ]


@pytest.mark.parametrize(
    ("rank", "demoted"),
    [
        (1, {"丰满区"}),  # rank > 3
        (2, {"丰满区"}),  # rank > 2: the tied rank-2 regions are not below the line
        (3, {"高新区", "昌邑区", "丰满区"}),  # rank > 1
    ],
)
def test_demotion_line(tmp_path: Path, rank: int, demoted: set[str]) -> None:
    files = {**FILES, "xiangmu.yaml": CONFIG.replace("后列减档: {名次: 1}", f"后列减档: {{名次: {rank}}}")}
    rows = evaluate(load_repo(tmp_path, files), YEAR_END)
    assert {r["地区"] for r in rows if r["减档"]} == demoted


def test_bonus_for_tied_ranks(tmp_path: Path) -> None:
    # 前列加分 名次 2: ranks 1, 2, 2 all get the bonus; 总分 = 合计 + 3; ranks stay as before the bonus
    files = {**FILES, "xiangmu.yaml": CONFIG.replace("前列加分: {名次: 1, 加分: 2}", "前列加分: {名次: 2, 加分: 3}")}
    rows = by_region(evaluate(load_repo(tmp_path, files), YEAR_END))
    assert {k: (r["名次"], r["加分"], r["总分"]) for k, r in rows.items()} == {
        "船营区": (1, D(3), D("99.75")),  # 96.75 + 3
        "高新区": (2, D(3), D("66.12")),  # 63.12 + 3
        "昌邑区": (2, D(3), D("66.12")),
        "丰满区": (4, D(0), None),
    }


def test_default_cap_is_1_2(tmp_path: Path) -> None:
    files = {**FILES, "xiangmu.yaml": CONFIG.replace("  封顶: 1.2\n", "")}
    rows = by_region(evaluate(load_repo(tmp_path, files), SEP30))
    # 船营区 投资完成率 ratio 1.4 → 40 × 1.2 = 48 again; 高新区 开工率 1.25 → 20 × 1.2 = 24
    assert rows["船营区"]["指标"]["投资完成率"]["得分"] == D("48.00")
    assert rows["高新区"]["指标"]["开工率"]["得分"] == D("24.00")


def test_other_cap(tmp_path: Path) -> None:
    files = {**FILES, "xiangmu.yaml": CONFIG.replace("封顶: 1.2", "封顶: 1.5")}
    rows = by_region(evaluate(load_repo(tmp_path, files), YEAR_END))
    # 船营区 投资完成率 1.4 < 1.5 → 40 × 1.4 = 56; total 56 + 18.75 + 20 + 10 = 104.75
    assert rows["船营区"]["指标"]["投资完成率"]["得分"] == D("56.00")
    assert rows["船营区"]["合计"] == D("104.75")
    # 高新区 开工率 1.25 → 25; total 4.12 + 25 + 15 + 20 = 64.12, now ahead of 昌邑区 63.12
    assert rows["高新区"]["合计"] == D("64.12")
    assert (rows["高新区"]["名次"], rows["昌邑区"]["名次"]) == (2, 3)


def test_year_end_period(repo: Repository) -> None:
    # As of 年终 nothing new happens in these ledgers after September, except that CY-3
    # (计划开工) stays unstarted; 序时进度 is 1, so 投资完成率 is judged against the full target:
    # 船营区 40 × min(0.7 ÷ 0.5, 1.2) = 48 (as in September), 高新区 40 × 0.103 = 4.12 → 63.12,
    # 昌邑区 40 × 0.7 = 28 → 63.125 → 63.12.
    rows = by_region(evaluate(repo, period_as_of(repo, "年终")))
    assert {k: r["合计"] for k, r in rows.items()} == {
        "船营区": D("96.75"),
        "高新区": D("63.12"),
        "昌邑区": D("63.12"),
        "丰满区": None,
    }


def test_no_evaluation_configured(tmp_path: Path) -> None:
    files = {**FILES, "xiangmu.yaml": CONFIG.split("考评:")[0]}
    assert evaluate(load_repo(tmp_path, files), SEP30) == []


def test_absent_rate_is_not_scored_and_total_rescaled(tmp_path: Path) -> None:
    # Without 高新区's two problems, its 问题解决率 is 0 ÷ 0: absent, not scored (not 0 points).
    gx = GX_BUILDING.replace("    问题:\n      - {提出日期: 2018-03-01, 内容: 电力接入, 解决日期: 2018-04-01}\n", "")
    gx = gx.replace("    问题:\n      - {提出日期: 2018-07-10, 内容: 管线迁改, 解决日期: 2018-08-10}\n", "")
    ranked = evaluate(load_repo(tmp_path, {**FILES, "高新区/在建.yaml": gx}), SEP30)
    gx_row = by_region(ranked)["高新区"]
    assert gx_row["指标"]["问题解决率"]["实际"] is None
    assert (gx_row["指标"]["问题解决率"]["比率"], gx_row["指标"]["问题解决率"]["得分"]) == (None, None)
    # scored: 5.4933… + 24 + 15 = 44.4933… over weights 40 + 20 + 20 = 80 → × 100 ÷ 80 = 55.616… → 55.62
    assert gx_row["合计"] == D("55.62")
    # 船营区 96.75 (1), 昌邑区 74.79 (2), 高新区 55.62 (3), 丰满区 (4)
    assert [(r["地区"], r["名次"]) for r in ranked] == [("船营区", 1), ("昌邑区", 2), ("高新区", 3), ("丰满区", 4)]


def test_annual_investment_as_an_evaluation_metric(tmp_path: Path) -> None:
    # 年度投资 is scored like a sum: its actual is 完成投资, the target is the region's own only.
    config = CONFIG.replace("高新区: {新开工项目数: 4}", "高新区: {新开工项目数: 4, 年度投资: 206}")
    config = config.replace(
        "指标: {投资完成率: 40, 开工率: 20, 新开工项目数: 20, 问题解决率: 20}", "指标: {年度投资: 60, 问题解决率: 40}"
    )
    rows = by_region(evaluate(load_repo(tmp_path, {**FILES, "xiangmu.yaml": config}), SEP30))
    gx = rows["高新区"]
    # 完成投资 103 ÷ 206 = 0.5 → 60 × 0.5 = 30; 问题解决率 2/2 → 40; total 70 (W = 100, all scored)
    assert gx["指标"]["年度投资"]["实际"] == D(103)
    assert gx["指标"]["年度投资"]["比率"] == F(103, 206)
    assert gx["指标"]["年度投资"]["得分"] == D("30.00")
    assert gx["合计"] == D("70.00")
    # 船营区 and 昌邑区 have no 年度投资 target: not scored; 问题解决率 1/2 → 20 × 100 ÷ 40 = 50
    for region in ("船营区", "昌邑区"):
        assert rows[region]["指标"]["年度投资"]["得分"] is None
        assert rows[region]["合计"] == D("50.00")
    assert {k: r["名次"] for k, r in rows.items()} == {"高新区": 1, "船营区": 2, "昌邑区": 2, "丰满区": 4}


def test_total_sums_unrounded_scores(tmp_path: Path) -> None:
    # The total is Σ (w × min(ratio, 封顶)) of the exact scores, rounded once at the end.
    config = CONFIG.replace("船营区: {新开工项目数: 2, 投资完成率: 0.5}", "船营区: {新开工项目数: 3, 投资完成率: 0.5}")
    config = config.replace(
        "指标: {投资完成率: 40, 开工率: 20, 新开工项目数: 20, 问题解决率: 20}",
        "指标: {新开工项目数: 10, 开工率: 10, 问题解决率: 10}",
    )
    cy = by_region(evaluate(load_repo(tmp_path, {**FILES, "xiangmu.yaml": config}), SEP30))["船营区"]
    # 新开工项目数 2/3 → 10 × 0.6666… = 6.6666… (shown 6.67)
    assert cy["指标"]["新开工项目数"]["比率"] == F(2, 3)
    assert cy["指标"]["新开工项目数"]["得分"] == D("6.67")
    # 开工率 0.75 ÷ 0.8 = 0.9375 → 9.375 (shown 9.38, half-even: 7 is odd)
    assert cy["指标"]["开工率"]["得分"] == D("9.38")
    assert cy["指标"]["问题解决率"]["得分"] == D("5.00")  # 1/2 × 10
    # 6.6666… + 9.375 + 5 = 21.041666… → 21.04 (summing the shown scores would give 21.05)
    assert cy["合计"] == D("21.04")


ON_SCHEDULE = """\
名称: 测试台账
年度: 2018
地区:
  - {名称: 船营区, 类型: 区县}
目标:
  全市: {问题解决率: 0.8}
考评:
  指标: {投资完成率: 40, 问题解决率: 15}
"""

ON_SCHEDULE_BUILDING = """\
项目:
  - 编号: CY-1
    名称: 碳纤维原丝扩能项目
    总投资: 12000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-01-10
    年度计划投资: 1000
    完成投资: {2018-03: 300, 2018-09: 450}
    问题:
      - {提出日期: 2018-02-01, 内容: 用电增容, 解决日期: 2018-03-01}
      - {提出日期: 2018-02-02, 内容: 用地指标}
      - {提出日期: 2018-02-03, 内容: 环评}
      - {提出日期: 2018-02-04, 内容: 管线迁改}
      - {提出日期: 2018-02-05, 内容: 征收补偿}
      - {提出日期: 2018-02-06, 内容: 规划调整}
"""


def test_on_schedule_in_september_scores_the_full_weight_and_one_sixth_against_0_8(tmp_path: Path) -> None:
    repo = load_repo(tmp_path, {"xiangmu.yaml": ON_SCHEDULE, "船营区/在建.yaml": ON_SCHEDULE_BUILDING})
    row = evaluate(repo, SEP30)[0]
    m = row["指标"]
    # 完成投资 300 + 450 = 750 of 年度计划投资 1000 = 0.75 = 序时进度 9/12: on schedule → ratio 1 → 40
    assert (m["投资完成率"]["目标"], m["投资完成率"]["比率"], m["投资完成率"]["得分"]) == (F(3, 4), F(1), D("40.00"))
    # 问题解决率 1 of 6 = 1/6 against 全市's 0.8: ratio 5/24; 15 × 5/24 = 3.125 exactly → half-even 3.12
    # (a 28-digit Decimal quotient is 3.1250…01 and would print 3.13)
    assert m["问题解决率"]["比率"] == F(5, 24)
    assert m["问题解决率"]["得分"] == D("3.12")
    # 40 + 3.125 = 43.125 → 43.12, all weights scored
    assert row["合计"] == D("43.12")
    # before 年度 (序时进度 0) 投资完成率 is not scored
    early = evaluate(repo, date(2017, 12, 31))[0]["指标"]["投资完成率"]
    assert (early["目标"], early["比率"], early["得分"]) == (None, None, None)
