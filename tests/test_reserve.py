"""The project reserve (谋划台账, 储备库; issue 16 part 3) on small hand-counted ledgers.

谋划项目数, 谋划亿元以上项目数, 谋划总投资 and 转化率 (docs/metrics.md), the stage of a record as of
a date from 谋划日期 and 转化日期, the rule that a project at the 谋划 stage is in no other figure
(adding a 谋划.yaml moves none of them), 考评 on the reserve's figures, the 转化 move
(``xm convert``), its history in ``xm diff``, and the CLI. Every expected value is worked out by
hand in the comment next to it; none is computed by the code under test.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xiangmu_cli.cli import app
from xiangmu_cli.figures import stages
from xiangmu_cli.figures.metrics import compute_metrics, month_end
from xiangmu_cli.figures.overdue import overdue_items
from xiangmu_cli.figures.report import CHANGE_KINDS, month_changes, monthly_report
from xiangmu_cli.figures.scoring import evaluate
from xiangmu_cli.history.diff import diff_repositories
from xiangmu_cli.ledger.vocab import Ledger
from xiangmu_cli.reading.loading import Repository, load
from xiangmu_cli.write import edit
from xiangmu_cli.write.edit import EditError
from xiangmu_cli.write.fmt import format_text

from . import test_metrics
from .conftest import load_repo, write_repo

D = Decimal
F = Fraction
runner = CliRunner()

# =============================================================================================
# Fixture: 船营区 and 高新区, 年度 2018; 亿元以上 10000 (default), 入库门槛 5000 (default).
#
#   船营区/谋划.yaml      MH-1  80000  前期  谋划日期 2017-11-20  入国家库 2018-09-12  (a 问题, a 手续)
#                         MH-2   9000  谋划  谋划日期 2018-03-05
#                         MH-3  20000  储备  谋划日期 2018-10-15 (after September)
#   船营区/计划开工.yaml  MH-4  15000  谋划日期 2017-09-01, 转化日期 2018-09-10 (a 问题 raised in April)
#   船营区/未入统.yaml    MH-5  12000  谋划日期 2017-06-01, 转化日期 2017-12-01 (before 年度), 开工 2018-03-01
#   高新区/谋划.yaml      GX-MH-1 10000 储备 谋划日期 2018-01-10 (exactly 亿元以上)
#                         GX-MH-3  6000 谋划 谋划日期 2018-09-18
#   高新区/在建.yaml      GX-MH-2 30000  谋划日期 2018-01-05, 转化日期 2018-02-01, 开工 2018-06-01
# =============================================================================================

CONFIG = """\
名称: 测试台账
年度: 2018
地区:
  - {名称: 船营区, 类型: 区县}
  - {名称: 高新区, 类型: 开发区}
"""

CY_RESERVE = """\
# yaml-language-server: $schema=../../schemas/谋划.schema.json
# 船营区 项目储备库
地区: 船营区
台账: 谋划
项目:
  - 编号: MH-1
    名称: 碳纤维复合材料产业园
    总投资: 8亿
    问题:
      - {提出日期: 2018-09-03, 内容: 用地指标未落实, 时限: 2018-09-20}
    # 可研已编制
    谋划阶段: 前期  # 市发改委审查中
    谋划日期: 2017-11-20
    预计开工年度: 2019
    入国家库: 2018-09-12
    前期手续:
      - {名称: 立项, 计划办结: 2018-07-31}

  - 编号: MH-2
    名称: 冰雪装备制造基地
    总投资: 9000
    谋划阶段: 谋划
    谋划日期: 2018-03-05

  - 编号: MH-3
    名称: 生物质热电联产项目
    总投资: 2亿
    谋划阶段: 储备
    谋划日期: 2018-10-15
"""

CY_PLANNED = """\
项目:
  - 编号: MH-4
    名称: 城市污水处理厂提标改造
    总投资: 15000
    项目秘书: 王芳
    问题:
      - {提出日期: 2018-04-01, 内容: 管网迁改方案未定, 时限: 2018-04-30}
    计划开工日期: 2018-10-10
    谋划日期: 2017-09-01
    转化日期: 2018-09-10
"""

CY_UNSTAT = """\
项目:
  - 编号: MH-5
    名称: 化工园区污水管网
    总投资: 12000
    项目秘书: 李强
    走访: [2018-09-25]
    建设性质: 新建
    开工日期: 2018-03-01
    计划开工日期: 2018-02-20
    年度计划投资: 5000
    完成投资: {2018-09: 500}
    未入统原因: 手续未齐
    谋划日期: 2017-06-01
    转化日期: 2017-12-01
"""

GX_RESERVE = """\
项目:
  - 编号: GX-MH-1
    名称: 光电子产业园二期
    总投资: 1亿
    谋划阶段: 储备
    谋划日期: 2018-01-10
  - 编号: GX-MH-3
    名称: 科创孵化基地
    总投资: 6000
    谋划阶段: 谋划
    谋划日期: 2018-09-18
"""

GX_BUILDING = """\
项目:
  - 编号: GX-MH-2
    名称: 新能源汽车零部件项目
    总投资: 30000
    项目秘书: 陈晨
    走访: [2018-09-20]
    建设性质: 新建
    开工日期: 2018-06-01
    年度计划投资: 10000
    完成投资: {2018-09: 1000}
    谋划日期: 2018-01-05
    转化日期: 2018-02-01
"""

FILES = {
    "xiangmu.yaml": CONFIG,
    "船营区/谋划.yaml": CY_RESERVE,
    "船营区/计划开工.yaml": CY_PLANNED,
    "船营区/未入统.yaml": CY_UNSTAT,
    "高新区/谋划.yaml": GX_RESERVE,
    "高新区/在建.yaml": GX_BUILDING,
}
RESERVE_KEYS = ("谋划项目数", "谋划亿元以上项目数", "谋划总投资", "转化率")
SEP30, APR30 = date(2018, 9, 30), date(2018, 4, 30)


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return load_repo(tmp_path, FILES)  # no error, no warning (W101 and W102 are not for 谋划)


def _rel(file: str) -> str:
    """A problem's file as 地区/台账.yaml (the loader shows it relative to the working folder)."""
    return "/".join(Path(file).parts[-2:])


def _reserve(figures: dict[str, object]) -> dict[str, object]:
    return {k: figures[k] for k in RESERVE_KEYS}


# --- the figures -------------------------------------------------------------------------------


def test_reserve_figures_as_of_sep30(repo: Repository) -> None:
    m = compute_metrics(repo, SEP30)
    assert _reserve(m["船营区"]) == {
        # in the 储备库 at 09-30: MH-1 (2017-11-20), MH-2 (03-05); MH-3 enters only 10-15, MH-4 left
        # on 09-10 (转化), MH-5 left in 2017
        "谋划项目数": 2,
        "谋划亿元以上项目数": 1,  # MH-1 80000; MH-2 9000 is below 10000
        "谋划总投资": D(89000),  # 80000 + 9000
        # in it some day of 2018 up to 09-30: MH-1, MH-2 and MH-4 (converted 2018-09-10); not MH-3
        # (not yet in), not MH-5 (converted 2017-12-01, before 年度). Converted in 2018: MH-4 → 1/3
        "转化率": F(1, 3),
    }
    assert _reserve(m["高新区"]) == {
        "谋划项目数": 2,  # GX-MH-1 (01-10), GX-MH-3 (09-18); GX-MH-2 converted 02-01
        "谋划亿元以上项目数": 1,  # GX-MH-1 1亿 = 10000 exactly (≥ 亿元以上); GX-MH-3 6000
        "谋划总投资": D(16000),  # 10000 + 6000
        "转化率": F(1, 3),  # GX-MH-2 of GX-MH-1, GX-MH-2, GX-MH-3
    }
    assert _reserve(m["全市"]) == {
        "谋划项目数": 4,  # 2 + 2
        "谋划亿元以上项目数": 2,  # 1 + 1
        "谋划总投资": D(105000),  # 89000 + 16000
        "转化率": F(2, 6),  # (1 + 1) / (3 + 3)
    }


def test_reserve_figures_as_of_apr30(repo: Repository) -> None:
    m = compute_metrics(repo, APR30)
    assert _reserve(m["船营区"]) == {
        # MH-1, MH-2 (03-05) and MH-4 (in since 2017-09-01, converted only on 09-10: in the 储备库 in April)
        "谋划项目数": 3,
        "谋划亿元以上项目数": 2,  # MH-1 80000, MH-4 15000
        "谋划总投资": D(104000),  # 80000 + 9000 + 15000
        "转化率": F(0, 3),  # nothing converted in 2018 by 04-30, of MH-1, MH-2, MH-4: 0, not absent
    }
    assert _reserve(m["高新区"]) == {
        "谋划项目数": 1,  # GX-MH-1; GX-MH-3 enters 09-18; GX-MH-2 converted 02-01
        "谋划亿元以上项目数": 1,
        "谋划总投资": D(10000),
        "转化率": F(1, 2),  # GX-MH-2 of GX-MH-1, GX-MH-2
    }
    assert m["全市"]["转化率"] == F(1, 5)  # (0 + 1) / (3 + 2)


def test_a_reserve_project_is_in_no_other_figure(repo: Repository) -> None:
    cy = compute_metrics(repo, SEP30)["船营区"]
    # MH-4 converted 09-10 is planned at 09-30; MH-5 started 03-01. MH-1's 问题 (raised 09-03,
    # 时限 09-20, unsolved) is a 谋划 project's: not counted; MH-4's (raised 04-01 while it was in
    # the 储备库, 时限 04-30) counts now that MH-4 is planned.
    assert {k: cy[k] for k in ("在建项目数", "计划开工项目数", "问题数", "超期问题数", "秘书配备率", "开工率")} == {
        "在建项目数": 1,  # MH-5
        "计划开工项目数": 1,  # MH-4
        "问题数": 1,  # MH-4's
        "超期问题数": 1,
        "秘书配备率": F(2, 2),  # MH-4 王芳, MH-5 李强 (MH-1, MH-2 in the 储备库 are not counted)
        "开工率": F(1, 1),  # due (计划开工日期 ≤ 09-30): MH-5 (02-20), started; MH-4 is due 10-10
    }
    cy = compute_metrics(repo, APR30)["船营区"]
    # in April MH-4 was still in the 储备库: not planned, its 问题 not counted
    assert {k: cy[k] for k in ("在建项目数", "计划开工项目数", "问题数", "超期问题数", "秘书配备率")} == {
        "在建项目数": 1,  # MH-5 (03-01)
        "计划开工项目数": 0,
        "问题数": 0,
        "超期问题数": 0,
        "秘书配备率": F(1, 1),  # MH-5 only
    }


def test_stage_of_a_converted_record_as_of_a_date(repo: Repository) -> None:
    rec = {r.project.code: r for r in repo.records}
    mh4, mh5, mh3 = rec["MH-4"], rec["MH-5"], rec["MH-3"]
    # MH-4: 谋划 until its 转化日期 (09-10), then 计划开工
    assert stages.ledger_at(mh4, date(2018, 9, 9)) is Ledger.RESERVE
    assert stages.ledger_at(mh4, date(2018, 9, 10)) is Ledger.PLANNED
    assert stages.in_reserve(mh4, date(2018, 9, 9)) and not stages.in_reserve(mh4, date(2018, 9, 10))
    assert not stages.planned(mh4, date(2018, 9, 9)) and stages.planned(mh4, date(2018, 9, 10))
    # MH-5: 谋划 until 2017-12-01, planned until its start 2018-03-01, then 未入统
    assert stages.ledger_at(mh5, date(2017, 11, 30)) is Ledger.RESERVE
    assert stages.ledger_at(mh5, date(2018, 2, 28)) is Ledger.PLANNED
    assert stages.ledger_at(mh5, date(2018, 3, 1)) is Ledger.UNSTAT
    # MH-3 is at the 谋划 stage all along, but in the 储备库 only from 10-15
    assert stages.reserved(mh3, SEP30) and not stages.in_reserve(mh3, SEP30)
    assert stages.in_reserve(mh3, date(2018, 10, 15))


# --- adding a 谋划.yaml moves no existing figure ----------------------------------------------


def test_adding_reserve_ledgers_moves_no_existing_figure(tmp_path: Path) -> None:
    """test_metrics's main fixture, with and without this fixture's two 谋划.yaml files: every
    figure but the four of the 储备库, every overdue item, the lights and every 本月变动 row but the
    储备库's are the same at every month end of 年度 (MH-1's unsolved, overdue 问题 included)."""
    without = load_repo(tmp_path / "a", test_metrics.MAIN, test_metrics.MAIN_WARNINGS)
    with_reserve = {**test_metrics.MAIN, "船营区/谋划.yaml": CY_RESERVE, "高新区/谋划.yaml": GX_RESERVE}
    added = load_repo(tmp_path / "b", with_reserve, test_metrics.MAIN_WARNINGS)
    reserve_kinds = {"谋划入库", "入国家库", "转化"}
    for month in range(1, 13):
        as_of = month_end(2018, month)
        a, b = compute_metrics(without, as_of), compute_metrics(added, as_of)
        for scope in a:
            assert {k: v for k, v in a[scope].items() if k not in RESERVE_KEYS} == {
                k: v for k, v in b[scope].items() if k not in RESERVE_KEYS
            }, (scope, as_of)
        assert overdue_items(without, as_of) == overdue_items(added, as_of)
        plain, more = monthly_report(without, as_of), monthly_report(added, as_of)
        assert (plain.lights, plain.red) == (more.lights, more.red)  # 亮灯情况 and 红灯项目
        assert month_changes(without, as_of) == [
            r for r in month_changes(added, as_of) if r["类型"] not in reserve_kinds
        ]
    # and the reserve's figures did move: MH-1, MH-2, GX-MH-1 and GX-MH-3 are in it at 09-30
    assert compute_metrics(added, SEP30)["全市"]["谋划项目数"] == 4


# --- overdue items, 本月变动, the monthly report -------------------------------------------------


def test_overdue_leaves_reserve_projects_out(repo: Repository) -> None:
    items = overdue_items(repo, SEP30)
    # MH-4's 问题 (时限 04-30): 153 days; MH-1's 问题 (时限 09-20) and 手续 (计划办结 07-31) are a
    # 谋划 project's: no item. MH-5 and GX-MH-2 are visited and reported: no item.
    assert [(it["类型"], it["编号"], it["逾期天数"], it["台账"]) for it in items] == [
        ("问题超期", "MH-4", 153, "计划开工")
    ]


def test_month_changes_list_the_reserve_events(repo: Repository) -> None:
    rows = month_changes(repo, SEP30)
    # September: MH-4 转化 09-10, MH-1 入国家库 09-12, GX-MH-3 谋划入库 09-18; MH-1's 问题 raised
    # 09-03 is a 谋划 project's: not listed
    assert [(r["日期"], r["类型"], r["编号"], r["台账"], r["事项"]) for r in rows] == [
        (date(2018, 9, 10), "转化", "MH-4", "计划开工", None),
        (date(2018, 9, 12), "入国家库", "MH-1", "谋划", None),
        (date(2018, 9, 18), "谋划入库", "GX-MH-3", "谋划", "谋划"),
    ]
    assert {"谋划入库", "入国家库", "转化"} <= set(CHANGE_KINDS)


def test_monthly_report_has_the_reserve_section(repo: Repository) -> None:
    report = monthly_report(repo, SEP30)
    assert report.reserve == [
        {"地区": "船营区", "谋划项目数": 2, "谋划亿元以上项目数": 1, "谋划总投资": D(89000), "转化率": F(1, 3)},
        {"地区": "高新区", "谋划项目数": 2, "谋划亿元以上项目数": 1, "谋划总投资": D(16000), "转化率": F(1, 3)},
        {"地区": "全市", "谋划项目数": 4, "谋划亿元以上项目数": 2, "谋划总投资": D(105000), "转化率": F(2, 6)},
    ]
    assert monthly_report(repo, SEP30, region="高新区").reserve == [report.reserve[1]]
    # before anything entered the 储备库 (MH-5 left it in 2017), the section is empty
    assert monthly_report(repo, date(2017, 5, 31)).reserve == []


def test_monthly_report_of_a_repository_without_reserve_has_no_section(tmp_path: Path) -> None:
    repo = load_repo(tmp_path, test_metrics.MAIN, test_metrics.MAIN_WARNINGS)
    assert monthly_report(repo, SEP30).reserve == []


# --- 考评 ------------------------------------------------------------------------------------


def test_score_on_the_reserve_figures(tmp_path: Path) -> None:
    config = CONFIG + (
        "目标:\n  全市: {转化率: 0.5}\n  船营区: {谋划亿元以上项目数: 2}\n考评:\n  指标: {转化率: 50, 谋划亿元以上项目数: 50}\n"
    )
    repo = load_repo(tmp_path, {**FILES, "xiangmu.yaml": config})
    rows = {r["地区"]: r for r in evaluate(repo, SEP30)}
    cy, gx = rows["船营区"], rows["高新区"]
    # 船营区: 转化率 1/3 against 全市's 0.5 (a rate falls back to 全市) → 2/3, × 50 = 33.33…;
    # 谋划亿元以上项目数 1 against its own 2 → 1/2, × 50 = 25. Total (33.33… + 25) × 100/100 = 58.33
    assert cy["指标"]["转化率"]["比率"] == F(2, 3) and cy["指标"]["转化率"]["得分"] == D("33.33")
    assert cy["指标"]["谋划亿元以上项目数"]["比率"] == F(1, 2) and cy["指标"]["谋划亿元以上项目数"]["得分"] == D(25)
    assert cy["合计"] == D("58.33")
    # 高新区: 转化率 1/3 → 2/3 → 33.33…; no own target for a count → not scored; total rescaled
    # 33.33… × 100/50 = 66.67
    assert gx["指标"]["谋划亿元以上项目数"]["得分"] is None
    assert gx["合计"] == D("66.67")
    assert (gx["名次"], cy["名次"]) == (1, 2)


# --- validation ---------------------------------------------------------------------------------


def test_dates_of_a_converted_record_are_checked(tmp_path: Path) -> None:
    # 转化日期 after 开工日期 (E303), and 谋划日期 without 转化日期 outside 谋划 (E307)
    late = CY_UNSTAT.replace("转化日期: 2017-12-01", "转化日期: 2018-03-05")
    orphan = CY_PLANNED.replace("    转化日期: 2018-09-10\n", "")
    repo = load(write_repo(tmp_path, {**FILES, "船营区/未入统.yaml": late, "船营区/计划开工.yaml": orphan}))
    got = sorted((p.code, _rel(p.file), p.line, p.message) for p in repo.problems)
    assert got == [
        ("E303", "船营区/未入统.yaml", 8, "开工日期 2018-03-01 早于 转化日期 2018-03-05"),
        ("E307", "船营区/计划开工.yaml", 9, "有谋划日期，缺少转化日期"),
    ]


def test_reserve_keys_are_refused_elsewhere_and_other_keys_in_reserve(tmp_path: Path) -> None:
    # 谋划阶段 belongs to 谋划 only; 计划开工日期 is not a 谋划 key (转化 writes it)
    planned = CY_PLANNED.replace("    计划开工日期: 2018-10-10\n", "    计划开工日期: 2018-10-10\n    谋划阶段: 前期\n")
    reserve = CY_RESERVE.replace(
        "    谋划日期: 2018-03-05\n", "    谋划日期: 2018-03-05\n    计划开工日期: 2019-05-01\n"
    )
    repo = load(write_repo(tmp_path, {**FILES, "船营区/计划开工.yaml": planned, "船营区/谋划.yaml": reserve}))
    assert sorted((p.code, _rel(p.file), p.message.split("」")[0]) for p in repo.problems) == [
        ("E101", "船营区/计划开工.yaml", "未知的键「谋划阶段"),
        ("E101", "船营区/谋划.yaml", "未知的键「计划开工日期"),
    ]


def test_fmt_puts_reserve_keys_in_order() -> None:
    messy = "项目:\n  - 谋划日期: 2018-03-05\n    编号: MH-2\n    谋划阶段: 谋划\n    名称: 冰雪装备制造基地\n    总投资: 9000\n"
    assert format_text(messy, "谋划") == (
        "项目:\n  - 编号: MH-2\n    名称: 冰雪装备制造基地\n    总投资: 9000\n    谋划阶段: 谋划\n    谋划日期: 2018-03-05\n"
    )


# --- 转化 (xm convert) --------------------------------------------------------------------------


@pytest.fixture
def root(tmp_path: Path) -> Path:
    path = write_repo(tmp_path, FILES)
    assert load(path).problems == []
    return path


def test_convert_moves_the_project_and_keeps_its_history(root: Path) -> None:
    before = load(root)
    plan = edit.convert(before, "MH-1", "2018-09-28", "2019-04-15")
    assert plan.summary == (
        "MH-1（碳纤维复合材料产业园）：谋划 → 计划开工（转化日期 2018-09-28，计划开工日期 2019-04-15）；"
        "不再保留谋划台账专用的 谋划阶段、预计开工年度（其中 谋划阶段 连同注释改为注释行，放在 转化日期 上方）"
    )
    edit.apply(plan)
    # 计划开工日期 among 计划开工's own keys, 前期手续 kept among them; 谋划日期 and 入国家库 kept at
    # the end, 转化日期 last; the dropped 谋划阶段 commented out with its comments above 转化日期
    assert (root / "船营区/计划开工.yaml").read_text(encoding="utf-8") == CY_PLANNED + (
        """\

  - 编号: MH-1
    名称: 碳纤维复合材料产业园
    总投资: 8亿
    问题:
      - {提出日期: 2018-09-03, 内容: 用地指标未落实, 时限: 2018-09-20}
    计划开工日期: 2019-04-15
    前期手续:
      - {名称: 立项, 计划办结: 2018-07-31}
    谋划日期: 2017-11-20
    入国家库: 2018-09-12
    # 可研已编制
    # 谋划阶段: 前期  # 市发改委审查中
    转化日期: 2018-09-28
"""
    )
    assert (root / "船营区/谋划.yaml").read_text(encoding="utf-8") == CY_RESERVE.replace(
        CY_RESERVE[CY_RESERVE.index("  - 编号: MH-1") : CY_RESERVE.index("  - 编号: MH-2")], ""
    )
    after = load(root)
    # now a key project of the year at 80000 ≥ 入库门槛: it needs a 项目秘书
    assert [(p.code, p.project) for p in after.problems] == [("W102", "MH-1")]
    moved = next(r for r in after.records if r.project.code == "MH-1")
    assert moved.ledger is Ledger.PLANNED
    # the past stays as it was: in the 储备库 on 09-27, planned from 09-28
    assert stages.ledger_at(moved, date(2018, 9, 27)) is Ledger.RESERVE
    assert stages.ledger_at(moved, date(2018, 9, 28)) is Ledger.PLANNED
    now = compute_metrics(after, SEP30)
    # at 09-30: MH-1 left the 储备库 (2 → 1 in 船营区), converted in 2018 (1/3 → 2/3); planned (1 → 2);
    # its 问题 (时限 09-20, unsolved) now counts, overdue
    assert _reserve(now["船营区"]) == {
        "谋划项目数": 1,
        "谋划亿元以上项目数": 0,
        "谋划总投资": D(9000),
        "转化率": F(2, 3),
    }
    assert (now["船营区"]["计划开工项目数"], now["船营区"]["问题数"], now["船营区"]["超期问题数"]) == (2, 2, 2)
    # a month before the move, nothing changed
    aug31 = date(2018, 8, 31)
    assert compute_metrics(after, aug31) == compute_metrics(before, aug31)
    assert overdue_items(after, aug31) == overdue_items(before, aug31)


def test_convert_then_start_keeps_the_reserve_dates(root: Path) -> None:
    edit.apply(edit.convert(load(root), "MH-2", "2018-09-20", "2018-09-25"))
    edit.apply(edit.start(load(root), "MH-2", "2018-09-26", plan="3000"))
    moved = next(r for r in load(root).records if r.project.code == "MH-2")
    p = moved.project
    assert moved.ledger is Ledger.UNSTAT
    assert (p.reserve_date, p.convert_date, p.planned_start, p.start_date) == (  # type: ignore[attr-defined]
        date(2018, 3, 5),
        date(2018, 9, 20),
        date(2018, 9, 25),
        date(2018, 9, 26),
    )
    assert stages.ledger_at(moved, date(2018, 9, 19)) is Ledger.RESERVE


def test_convert_refusals(root: Path) -> None:
    with pytest.raises(EditError, match="转化日期 2018-03-01 早于谋划日期 2018-03-05"):
        edit.convert(load(root), "MH-2", "2018-03-01", "2018-10-01")
    with pytest.raises(EditError, match="xm convert 只用于谋划台账中的项目；项目已在计划开工台账"):
        edit.convert(load(root), "MH-4", "2018-09-20", "2018-10-01")
    with pytest.raises(EditError, match="谋划项目先转化（xm convert）进入计划开工台账"):
        edit.start(load(root), "MH-2", "2018-09-20", plan="3000")


def test_diff_names_the_conversion(root: Path) -> None:
    old = load(root)
    edit.apply(edit.convert(old, "MH-2", "2018-09-20", "2018-10-01"))
    result = diff_repositories(old, load(root), "旧", "新")
    assert [(r["编号"], r["事件"], r["原台账"], r["台账"]) for r in result.projects] == [
        ("MH-2", ["转化"], "谋划", "计划开工")
    ]


# --- the CLI ---------------------------------------------------------------------------------


def test_cli_convert(root: Path) -> None:
    result = runner.invoke(
        app, ["convert", "GX-MH-1", "--date", "2018-09-21", "--planned-start", "2019-05-01", "--ledgers", str(root)]
    )
    assert result.exit_code == 0, result.output
    assert "GX-MH-1（光电子产业园二期）：谋划 → 计划开工（转化日期 2018-09-21" in result.stdout
    assert "已修改：" in result.stdout and "高新区/计划开工.yaml（新建）" in result.stdout
    assert (
        (root / "高新区/计划开工.yaml")
        .read_text(encoding="utf-8")
        .endswith(
            "  - 编号: GX-MH-1\n    名称: 光电子产业园二期\n    总投资: 1亿\n    计划开工日期: 2019-05-01\n"
            "    谋划日期: 2018-01-10\n    转化日期: 2018-09-21\n"
        )
    )
    refused = runner.invoke(
        app, ["convert", "GX-MH-3", "--date", "2018-09-01", "--planned-start", "2019-05-01", "--ledgers", str(root)]
    )
    assert refused.exit_code == 1 and "转化日期 2018-09-01 早于谋划日期 2018-09-18" in refused.stderr
    usage = runner.invoke(
        app, ["convert", "GX-MH-3", "--date", "2018-13-01", "--planned-start", "x", "--ledgers", str(root)]
    )
    assert usage.exit_code == 2


def test_cli_list_info_and_report(root: Path) -> None:
    listed = runner.invoke(app, ["list", "--ledger", "谋划", "--format", "json", "--ledgers", str(root)])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)["项目"]
    # the 储备库 now: MH-1, MH-2, MH-3 (船营区), GX-MH-1, GX-MH-3 (高新区), with their 谋划阶段
    assert [(r["编号"], r["台账"], r["阶段"]) for r in rows] == [
        ("MH-1", "谋划", "前期"),
        ("MH-2", "谋划", "谋划"),
        ("MH-3", "谋划", "储备"),
        ("GX-MH-1", "谋划", "储备"),
        ("GX-MH-3", "谋划", "谋划"),
    ]
    info = json.loads(runner.invoke(app, ["info", "--format", "json", "--ledgers", str(root)]).stdout)
    city = info["分地区"][-1]
    # 项目数 and 总投资 are the four ledgers' (MH-4, MH-5, GX-MH-2: 15000 + 12000 + 30000);
    # the 储备库 on its own (5 projects: 80000 + 9000 + 20000 + 10000 + 6000)
    assert (city["谋划"], city["项目数"], city["总投资"], city["谋划总投资"]) == (5, 3, 57000, 125000)
    report = runner.invoke(app, ["report", "monthly", "--month", "2018-09", "--format", "json", "--ledgers", str(root)])
    assert report.exit_code == 0, report.output
    data = json.loads(report.stdout)
    assert data["全市总览"]["谋划项目数"] == 4 and data["全市总览"]["转化率"] == 0.333333
    assert [r["地区"] for r in data["谋划储备"]] == ["船营区", "高新区", "全市"]
    plain = runner.invoke(app, ["report", "monthly", "--month", "2018-09", "--format", "plain", "--ledgers", str(root)])
    assert "谋划储备" in plain.stdout and "其中亿元以上" in plain.stdout


def test_cli_import_csv_into_the_reserve(root: Path, tmp_path: Path) -> None:
    # the headers a 发改局 sheet uses (synonyms), the 地区 given on the command line
    sheet = tmp_path / "储备库.csv"
    sheet.write_text(
        "项目编号,项目名称,总投资,储备阶段,入储备库日期,预计开工年份,入国家库日期\n"
        "CY-MH-9,松花江滨江步道工程,1.5亿,储备,2018/3/5,2019,\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["import", "csv", str(sheet), "--ledger", "谋划", "--region", "船营区", "--ledgers", str(root)]
    )
    assert result.exit_code == 0, result.output
    rec = next(r for r in load(root).records if r.project.code == "CY-MH-9")
    p = rec.project
    assert (rec.region, rec.ledger) == ("船营区", Ledger.RESERVE)
    assert (p.total, p.reserve_stage, p.reserve_date, p.expected_year, p.national_date) == (  # type: ignore[attr-defined]
        D(15000),
        "储备",
        date(2018, 3, 5),
        2019,
        None,
    )


def test_a_conversion_after_a_sent_month_leaves_it_as_it_was_and_log_follows_it(tmp_path: Path) -> None:
    """August is sent (tag), MH-2 is converted on 09-20 and started on 09-26 with the commands:
    the August figures recheck unchanged, xm log MH-2 shows 新增, 转化, 开工."""
    from .gitrepo import Repo

    (tmp_path / "repo").mkdir()
    repo = Repo(tmp_path / "repo")
    repo.commit("初始台账", FILES)
    repo.git("tag", "2018-08月报")
    ledgers = str(repo.root / "ledgers")
    for command in (
        ["convert", "MH-2", "--date", "2018-09-20", "--planned-start", "2018-09-25"],
        ["start", "MH-2", "--date", "2018-09-26", "--plan", "3000"],
    ):
        result = runner.invoke(app, [*command, "--ledgers", ledgers])
        assert result.exit_code == 0, result.output
        repo.commit(command[0])
    recheck = runner.invoke(app, ["recheck", "2018-08月报", "--month", "2018-08", "--ledgers", ledgers, "-f", "json"])
    assert recheck.exit_code == 0, recheck.output
    assert json.loads(recheck.stdout)["变化"] == []
    log = runner.invoke(app, ["log", "MH-2", "--ledgers", ledgers, "-f", "json"])
    assert log.exit_code == 0, log.output
    assert [(c["说明"], c["事件"], c["台账"]) for c in json.loads(log.stdout)["提交"]] == [
        ("start", ["开工"], "未入统"),
        ("convert", ["转化"], "计划开工"),
        ("初始台账", ["新增"], "谋划"),
    ]
    # September was not sent: there MH-2 moved (2 → 1 in 船营区's 储备库), as the recheck says
    september = runner.invoke(app, ["recheck", "2018-08月报", "--month", "2018-09", "--ledgers", ledgers, "-f", "json"])
    assert september.exit_code == 1
    moved = {(c["地区"], c["指标"]): (c["原值"], c["新值"]) for c in json.loads(september.stdout)["变化"]}
    assert moved[("船营区", "谋划项目数")] == (2, 1)
    assert moved[("船营区", "在建项目数")] == (1, 2)  # MH-5, and MH-2 from 09-26
