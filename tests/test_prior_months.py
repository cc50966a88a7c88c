"""以前月份完成投资 (issue 18): what a cumulative figure leaves unsplit, kept in the ledger honestly.

A hand-made repository: CY-1 reported 1-8月 as one total (4190) and 9月 on its own (1010); CY-2
reports every month. The figures are worked out by hand in the comments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from xiangmu_cli.figures.metrics import completed_investment, scope_metrics
from xiangmu_cli.figures.overdue import overdue_items
from xiangmu_cli.history.diff import project_changes
from xiangmu_cli.history.textconv import textconv
from xiangmu_cli.ledger.model import StartedProject
from xiangmu_cli.reading import checks
from xiangmu_cli.reading.loading import load
from xiangmu_cli.write.edit import EditError, invest
from xiangmu_cli.write.fmt import format_text

from .conftest import write_repo

CONFIG = "名称: 测试台账\n年度: 2018\n地区:\n  - {名称: 船营区, 类型: 区县}\n"
LEDGER = """\
项目:
  - 编号: CY-1
    名称: 碳纤维原丝扩能项目
    总投资: 12000
    项目秘书: 王芳
    建设性质: 续建
    开工日期: 2017-03-01
    年度计划投资: 6000
    以前月份完成投资: {截至: 2018-08, 金额: 4190}   # 1-8月合计，未分月
    完成投资:
      2018-09: 1010
  - 编号: CY-2
    名称: 供热管网改造
    总投资: 8000
    项目秘书: 李强
    建设性质: 新建
    开工日期: 2018-07-10
    年度计划投资: 3000
    完成投资: {2018-07: 100, 2018-08: 200, 2018-09: 300}
"""


def _repo(tmp_path: Path, ledger: str = LEDGER) -> Path:
    return write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": ledger})


def _project(root: Path, code: str) -> StartedProject:
    project = next(r.project for r in load(root).records if r.project.code == code)
    assert isinstance(project, StartedProject)
    return project


def test_completed_investment_counts_it_from_its_month_on(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    repo = load(root)
    assert repo.problems == []
    cy1 = _project(root, "CY-1")
    # as of July: 4190 covers January–August, so no part of it can be placed before August: 0
    assert completed_investment(cy1, 2018, date(2018, 7, 31)) == 0
    assert completed_investment(cy1, 2018, date(2018, 8, 31)) == Decimal(4190)
    assert completed_investment(cy1, 2018, date(2018, 9, 30)) == Decimal(5200)  # 4190 + 1010
    figures = scope_metrics(repo.records, repo.config, date(2018, 9, 30), "船营区")  # type: ignore[arg-type]
    assert figures["完成投资"] == Decimal(5800)  # 5200 + (100 + 200 + 300)
    assert figures["当月完成投资"] == Decimal(1310)  # 1010 + 300: the lump is no month's


def test_months_inside_it_are_not_missing_reports(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    kinds = {(i["编号"], i["事项"]) for i in overdue_items(load(root), date(2018, 8, 31)) if i["类型"] == "投资漏报"}
    assert kinds == set()  # August: CY-1's is inside 以前月份完成投资, CY-2 reported it
    # Without it, CY-1 would miss August
    bare = LEDGER.replace("    以前月份完成投资: {截至: 2018-08, 金额: 4190}   # 1-8月合计，未分月\n", "")
    root2 = _repo(tmp_path / "bare", bare)
    kinds = {(i["编号"], i["事项"]) for i in overdue_items(load(root2), date(2018, 8, 31)) if i["类型"] == "投资漏报"}
    assert kinds == {("CY-1", "2018-08 未报完成投资")}


@pytest.mark.parametrize(
    ("lump", "months", "code", "message"),
    [
        ("{截至: 2017-12, 金额: 100}", "{2018-09: 1}", "E301", "以前月份完成投资的截至月份「2017-12」不在年度 2018 内"),
        # started 2018-07-10: nothing before July
        (
            "{截至: 2018-06, 金额: 100}",
            "{2018-09: 1}",
            "E302",
            "以前月份完成投资截至「2018-06」，早于开工日期 2018-07-10",
        ),
        # July and August both listed: the lump covers no month
        ("{截至: 2018-08, 金额: 100}", "{2018-07: 1, 2018-08: 2}", "E310", "2018-07 到 2018-08 各月都已在 完成投资 中"),
        ("{截至: 2018-11, 金额: 100}", "{2018-07: 1}", "W105", "以前月份完成投资截至「2018-11」，晚于本月（2018-10）"),
    ],
)
def test_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lump: str, months: str, code: str, message: str
) -> None:
    monkeypatch.setattr(checks, "_today", lambda: date(2018, 10, 15))
    text = LEDGER.replace("    完成投资: {2018-07: 100, 2018-08: 200, 2018-09: 300}\n", "")
    text += f"    以前月份完成投资: {lump}\n    完成投资: {months}\n"
    found = [(p.code, p.message, p.project, p.line) for p in load(_repo(tmp_path, text)).problems]
    assert len(found) == 1 and found[0][0] == code and message in found[0][1], found
    assert found[0][2:] == ("CY-2", 19)  # the line of CY-2's 以前月份完成投资 (line 19 of the file)


def test_w104_counts_it(tmp_path: Path) -> None:
    # 4190 + 1010 = 5200 > 总投资 5000
    root = _repo(tmp_path, LEDGER.replace("    总投资: 12000\n", "    总投资: 5000\n", 1))
    found = [(p.code, p.message) for p in load(root).warnings if p.code == "W104"]
    assert found == [("W104", "以前年度完成投资与本年完成投资合计 5200 万元，超过总投资 5000 万元")]


def test_xm_invest_refuses_a_month_inside_it(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    with pytest.raises(EditError) as exc:
        invest(load(root), "CY-1", "2018-05", "300")
    assert "2018-05 含在 以前月份完成投资（截至 2018-08，4190 万元）中" in exc.value.message
    assert invest(load(root), "CY-1", "2018-10", "300").changes  # after it: as always


def test_fmt_diff_and_textconv_keep_it(tmp_path: Path) -> None:
    # xm fmt puts it in the contract's order (after 年度计划投资, before 完成投资), as written
    moved = LEDGER.replace("    以前月份完成投资: {截至: 2018-08, 金额: 4190}   # 1-8月合计，未分月\n", "")
    moved = moved.replace(
        "    项目秘书: 王芳\n", "    项目秘书: 王芳\n    以前月份完成投资: {金额: 4190, 截至: 2018-08}\n"
    )
    formatted = format_text(moved, "在建")
    assert "    年度计划投资: 6000\n    以前月份完成投资: {截至: 2018-08, 金额: 4190}\n    完成投资:\n" in formatted
    before = load(_repo(tmp_path / "a"))
    after = load(
        _repo(tmp_path / "b", LEDGER.replace("金额: 4190", "金额: 4290").replace("截至: 2018-08", "截至: 2018-07"))
    )
    old, new = (next(r for r in repo.records if r.project.code == "CY-1") for repo in (before, after))
    changes = [(c["字段"], c["原值"], c["新值"], c["差额"]) for c in project_changes(old, new)]
    assert changes == [
        ("以前月份完成投资 截至", "2018-08", "2018-07", None),
        ("以前月份完成投资 金额", Decimal(4190), Decimal(4290), Decimal(100)),
    ]
    view = textconv(LEDGER.encode(), "船营区/在建.yaml")
    assert "[CY-1] 以前月份完成投资 截至 2018-08: 4190\n" in view


def test_rollover_adds_it_to_the_prior_years(tmp_path: Path) -> None:
    from xiangmu_cli.write.rollover import plan_rollover

    root = _repo(tmp_path)
    plan = plan_rollover(load(root))
    text = next(t for p, t in plan.edits.changes.items() if p.name == "在建.yaml")
    # CY-1: 4190 (1-8月) + 1010 (9月) = 5200 into 以前年度完成投资; both keys dropped, and the
    # comment of 以前月份完成投资 kept above it
    assert "    # 以前月份完成投资: {截至: 2018-08, 金额: 4190}   # 1-8月合计，未分月\n" in text
    assert "    以前年度完成投资: 5200\n" in text
    assert "以前月份完成投资: {" not in text.replace("# 以前月份完成投资: {", "")
