"""`xm problem escalate` (issue 17): a dated 升级 appended to a problem, every other byte kept;
the refusals; and the problem list reading the level as of a date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xiangmu_cli.cli import app
from xiangmu_cli.figures.problems import problem_rows, problem_view
from xiangmu_cli.reading.loading import load
from xiangmu_cli.write import edit
from xiangmu_cli.write.edit import EditError

from .conftest import write_repo

runner = CliRunner()

CONFIG = "名称: 测试台账\n年度: 2018\n地区:\n  - {名称: 船营区, 类型: 区县}\n"

BUILDING = """\
项目:
  - 编号: CY-1
    名称: 热电联产项目
    总投资: 8000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-03-01
    年度计划投资: 3000
    问题:
      # 用电
      - 提出日期: 2018-06-01
        内容: 临时用电不足
        责任单位: 供电公司  # 已函告
        时限: 2018-07-06
      - {提出日期: 2018-07-01, 内容: 资金不到位, 时限: 2018-08-31}
      - 提出日期: 2018-05-01
        内容: 用地手续滞后
        解决日期: 2018-06-20
    走访: [2018-09-20]
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": BUILDING})


def _text(root: Path) -> str:
    return (root / "船营区/在建.yaml").read_text(encoding="utf-8")


def _apply(root: Path, *args: object, **kwargs: object) -> edit.EditPlan:
    plan = edit.escalate_problem(load(root), *args, **kwargs)  # type: ignore[arg-type]
    edit.apply(plan)
    return plan


def test_first_escalation_of_a_block_problem(root: Path) -> None:
    plan = _apply(root, "CY-1", 1, "专题会议", "2018-07-20")
    assert plan.summary == "CY-1（热电联产项目）的问题 1「临时用电不足」于 2018-07-20 提交专题会议"
    # 升级 goes after 时限 (the model's order), a flow item in a block list; the comment stays
    assert _text(root) == BUILDING.replace(
        "        时限: 2018-07-06\n",
        "        时限: 2018-07-06\n        升级:\n          - {层级: 专题会议, 日期: 2018-07-20}\n",
    )


def test_escalations_are_appended_in_the_lists_style(root: Path) -> None:
    _apply(root, "CY-1", 2, "联席会议", "2018-09-05")
    flow = "      - {提出日期: 2018-07-01, 内容: 资金不到位, 时限: 2018-08-31, 升级: [{层级: 联席会议, 日期: 2018-09-05}]}\n"
    assert _text(root) == BUILDING.replace("      - {提出日期: 2018-07-01, 内容: 资金不到位, 时限: 2018-08-31}\n", flow)
    # without --to: the level above the one it is at (联席会议 → 专题会议)
    plan = _apply(root, "CY-1", 2, None, "2018-09-25")
    assert "（原在联席会议）于 2018-09-25 提交专题会议" in plan.summary
    assert "升级: [{层级: 联席会议, 日期: 2018-09-05}, {层级: 专题会议, 日期: 2018-09-25}]}\n" in _text(root)


def test_refusals_leave_the_file_untouched(root: Path) -> None:
    refusals = [
        ((3, "联席会议", "2018-07-01"), "已于 2018-06-20 解决，无需升级"),
        ((1, "联席会议", "2018-05-31"), "于 2018-06-01 提出，不能在此前（2018-05-31）升级"),
        ((4, "联席会议", "2018-07-01"), "只有 3 个问题，没有第 4 个"),
    ]
    for args, message in refusals:
        with pytest.raises(EditError, match=message):
            edit.escalate_problem(load(root), "CY-1", *args)
    _apply(root, "CY-1", 1, "专题会议", "2018-07-20")
    after = _text(root)
    with pytest.raises(EditError, match="已在专题会议，只能升级到更高的层级：常务会议"):
        edit.escalate_problem(load(root), "CY-1", 1, "联席会议", "2018-08-01")
    with pytest.raises(EditError, match="已于 2018-07-20 升级，新的升级日期不能早于它"):
        edit.escalate_problem(load(root), "CY-1", 1, "常务会议", "2018-07-10")
    with pytest.raises(EditError) as usage:
        edit.escalate_problem(load(root), "CY-1", 1, "省政府", "2018-08-01")
    assert usage.value.code == 2
    _apply(root, "CY-1", 1, "常务会议", "2018-08-01")
    with pytest.raises(EditError, match="已在常务会议，没有更高的层级"):
        edit.escalate_problem(load(root), "CY-1", 1, None, "2018-08-10")
    assert _text(root) != after and load(root).errors == []


def test_the_level_is_read_as_of_a_date(root: Path) -> None:
    _apply(root, "CY-1", 1, "专题会议", "2018-07-20")
    repo = load(root)
    # On 07-10 problem 1 (时限 07-06) is overdue and at no meeting: on the 联席会议 list. On 07-31 it
    # is at 专题会议 since 07-20: on that list instead.
    assert [(r["序号"], r["层级"]) for r in problem_view(repo, date(2018, 7, 10), "联席会议")] == [(1, None)]
    assert problem_view(repo, date(2018, 7, 31), "联席会议") == []
    rows = problem_view(repo, date(2018, 7, 31), "专题会议")
    assert [(r["序号"], r["层级"], r["升级日期"]) for r in rows] == [(1, "专题会议", date(2018, 7, 20))]
    assert [r["序号"] for r in problem_rows(repo, date(2018, 7, 31), level="专题会议")] == [1]


def test_cli(root: Path) -> None:
    result = runner.invoke(
        app, ["problem", "escalate", "CY-1", "1", "--to", "专题会议", "--date", "2018-07-20", "--ledgers", str(root)]
    )
    assert result.exit_code == 0, result.output
    assert "提交专题会议" in result.stdout and "已修改" in result.stdout
    result = runner.invoke(app, ["problem", "escalate", "CY-1", "1", "--to", "省政府", "--ledgers", str(root)])
    assert result.exit_code == 2 and "不是允许的层级" in result.stderr
    result = runner.invoke(app, ["problem", "escalate", "CY-1", "3", "--ledgers", str(root), "--dry-run"])
    assert result.exit_code == 1 and "无需升级" in result.stderr
    # the date defaults to today (2018-07-20 < today: after the last 升级)
    result = runner.invoke(app, ["problem", "escalate", "CY-1", "2", "--ledgers", str(root)])
    assert result.exit_code == 0, result.output
    assert f"于 {date.today().isoformat()} 提交联席会议" in result.stdout
    shown = runner.invoke(app, ["show", "CY-1", "--ledgers", str(root), "--as-of", "2018-07-31"])
    assert "专题会议" in shown.stdout and "2018-07-20" in shown.stdout


def test_escalated_problems_import_back_from_the_export(root: Path, tmp_path: Path) -> None:
    """The exported 问题 cell holds each 升级 in flow style inside its list line, and `xm import`
    reads it back: the imported ledger has the same problems, escalations and all."""
    from openpyxl import load_workbook

    _apply(root, "CY-1", 1, "专题会议", "2018-07-20")
    _apply(root, "CY-1", 2, "联席会议", "2018-09-05")
    _apply(root, "CY-1", 2, "常务会议", "2018-09-25")
    path = root / "船营区/在建.yaml"  # problem 1 solved after its 升级: a pair follows the list
    escalated = "          - {层级: 专题会议, 日期: 2018-07-20}\n"
    path.write_text(_text(root).replace(escalated, escalated + "        解决日期: 2018-08-10\n"), encoding="utf-8")
    book = tmp_path / "台账.xlsx"
    result = runner.invoke(app, ["export", "xlsx", "-o", str(book), "--ledgers", str(root)])
    assert result.exit_code == 0, result.output
    ws = load_workbook(book)["在建"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=header.index("问题") + 1).value
    assert "升级：[{层级: 专题会议, 日期: 2018-07-20}]；解决日期：2018-08-10" in cell
    assert "升级：[{层级: 联席会议, 日期: 2018-09-05}, {层级: 常务会议, 日期: 2018-09-25}]" in cell
    empty = write_repo(tmp_path / "empty", {"xiangmu.yaml": CONFIG})
    result = runner.invoke(app, ["import", "xlsx", str(book), "--sheet", "在建", "--ledgers", str(empty)])
    assert result.exit_code == 0, result.output
    assert "未导入的行" not in result.stdout
    before, after = load(root), load(empty)
    assert after.errors == []
    assert [r.project.model_dump() for r in after.records] == [r.project.model_dump() for r in before.records]
