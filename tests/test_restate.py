"""Past figures stay put (issue 13): stage by dates, --rev, and the restatement check (xm recheck).

Every expected figure is worked out by hand next to it.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xiangmu_cli.cli import app
from xiangmu_cli.figures.metrics import compute_metrics
from xiangmu_cli.figures.overdue import overdue_items
from xiangmu_cli.figures.report import month_changes
from xiangmu_cli.history.restate import restatement

from .conftest import ROOT, load_repo
from .gitrepo import git

runner = CliRunner()
SEP30 = date(2018, 9, 30)
CONFIG = """\
名称: 测试台账
年度: 2018
口径: {入统时限: 2018-08-31}
地区:
  - {名称: 船营区, 类型: 区县}
"""

# Records as they stand in November, after October's moves, each keeping its dates:
# CY-1 started 10-08 (was planned at 09-30), CY-2 entered the statistics 10-12 (未入统 at 09-30),
# CY-3 landed 10-20 (signed 06-01, in 招商 at 09-30), CY-4 landed 09-10 and now sits in 计划开工.
BUILDING = """\
项目:
  - 编号: CY-2
    名称: 汽车零部件产业园
    总投资: 8000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-06-10
    年度计划投资: 1500
    完成投资: {2018-06: 300, 2018-09: 150}
    入统日期: 2018-10-12
    入统时限: 2018-09-15
"""
UNSTAT = """\
项目:
  - 编号: CY-1
    名称: 商贸物流中心
    总投资: 20000
    项目秘书: 王芳
    建设性质: 新建
    计划开工日期: 2018-09-01
    开工日期: 2018-10-08
    年度计划投资: 5000
    未入统原因: 刚开工
    前期手续:
      - {名称: 施工许可, 计划办结: 2018-09-15}
"""
PLANNED = """\
项目:
  - 编号: CY-3
    名称: 电子元件项目
    总投资: 12000
    项目秘书: 赵敏
    计划开工日期: 2018-12-01
    投资方: 江苏某公司
    签约日期: 2018-06-01
    计划落地日期: 2018-09-01
    落地日期: 2018-10-20
  - 编号: CY-4
    名称: 食品加工项目
    总投资: 15000
    项目秘书: 赵敏
    计划开工日期: 2018-11-01
    投资方: 广东某公司
    签约日期: 2018-03-01
    落地日期: 2018-09-10
"""
FILES = {
    "xiangmu.yaml": CONFIG,
    "船营区/在建.yaml": BUILDING,
    "船营区/未入统.yaml": UNSTAT,
    "船营区/计划开工.yaml": PLANNED,
}


@pytest.fixture
def moved(tmp_path: Path):  # type: ignore[no-untyped-def]
    return load_repo(tmp_path, FILES)


def test_stage_at_a_past_date_comes_from_dates(moved) -> None:  # type: ignore[no-untyped-def]
    m = compute_metrics(moved, SEP30)["船营区"]
    # started by 09-30: CY-2 only (CY-1 starts 10-08)
    assert m["在建项目数"] == 1
    # planned at 09-30: CY-1 (in 未入统 now, 开工日期 after as-of) and CY-4 (landed 09-10); CY-3
    # lands only on 10-20: it was a 招商 project then, not yet planned
    assert m["计划开工项目数"] == 2
    # CY-2 is in 在建 now but its 入统日期 10-12 is after as-of: 未入统 then
    assert m["未入统项目数"] == 1
    assert m["入统率"] == Fraction(0, 1)  # started ≥ 5000: CY-2, not 入统 at 09-30
    # signed by 09-30 in any ledger: CY-3 (06-01) and CY-4 (03-01); landed in 年度 by 09-30: CY-4
    assert (m["招商签约项目数"], m["招商落地项目数"], m["招商落地率"]) == (2, 1, Fraction(1, 2))
    # 开工率: planned or started at 09-30 with 计划开工日期 ≤ 09-30: CY-1 (09-01), not started → 0/1
    # (CY-3 lands after as-of: not yet among them; CY-4's 11-01 is not due)
    assert m["开工率"] == Fraction(0, 1)
    # 秘书配备率: planned or started at 09-30, ≥ 5000: CY-1, CY-2, CY-4 → all have one
    assert m["秘书配备率"] == Fraction(3, 3)


def test_overdue_kinds_at_a_past_date(moved) -> None:  # type: ignore[no-untyped-def]
    items = {(it["类型"], it["编号"]): it for it in overdue_items(moved, SEP30)}
    # CY-1 planned at 09-30 with 计划开工日期 09-01: 未按期开工, 29 days; its 施工许可 (计划办结
    # 09-15) not done: 手续超期, 15 days
    assert items[("未按期开工", "CY-1")]["逾期天数"] == 29
    assert items[("手续超期", "CY-1")]["逾期天数"] == 15
    # CY-2 未入统 at 09-30 with its own 入统时限 09-15: 超期未入统, 15 days
    assert items[("超期未入统", "CY-2")]["逾期天数"] == 15
    # CY-3 signed, not landed by 09-30, 计划落地日期 09-01: 签约未落地, 29 days
    assert items[("签约未落地", "CY-3")]["逾期天数"] == 29
    assert ("签约未落地", "CY-4") not in items  # landed 09-10


def test_reports_show_the_ledger_a_record_was_in_at_the_as_of_date(moved) -> None:  # type: ignore[no-untyped-def]
    # CY-1 is in 未入统 now (started 10-08), CY-2 in 在建 (入统 10-12), CY-3 in 计划开工 (landed 10-20)
    items = {(it["类型"], it["编号"]): it["台账"] for it in overdue_items(moved, SEP30)}
    assert items[("未按期开工", "CY-1")] == items[("手续超期", "CY-1")] == "计划开工"
    assert items[("超期未入统", "CY-2")] == "未入统"
    assert items[("签约未落地", "CY-3")] == "招商"
    october = {(r["类型"], r["编号"]): r["台账"] for r in month_changes(moved, date(2018, 10, 31))}
    assert october == {("新开工", "CY-1"): "未入统", ("入统", "CY-2"): "在建", ("落地", "CY-3"): "计划开工"}
    june = {(r["类型"], r["编号"]): r["台账"] for r in month_changes(moved, date(2018, 6, 30))}
    assert june == {("签约", "CY-3"): "招商", ("新开工", "CY-2"): "未入统"}


@pytest.mark.parametrize(("day", "due"), [(date(2018, 9, 1), False), (date(2018, 9, 2), True)])
def test_boundaries_due_exactly_on_the_as_of_date_is_not_overdue(moved, day: date, due: bool) -> None:  # type: ignore[no-untyped-def]
    # CY-1's 计划开工日期 and CY-3's 计划落地日期 are 09-01: as of 09-01 neither is overdue (due < as-of)
    kinds = {(it["类型"], it["编号"]) for it in overdue_items(moved, day)}
    assert (("未按期开工", "CY-1") in kinds) is due
    assert (("签约未落地", "CY-3") in kinds) is due


@pytest.mark.parametrize(("day", "due"), [(date(2018, 9, 15), False), (date(2018, 9, 16), True)])
def test_boundaries_of_stats_and_approvals(moved, day: date, due: bool) -> None:  # type: ignore[no-untyped-def]
    kinds = {(it["类型"], it["编号"]) for it in overdue_items(moved, day)}
    assert (("超期未入统", "CY-2") in kinds) is due  # own 入统时限 09-15
    assert (("手续超期", "CY-1") in kinds) is due  # 计划办结 09-15


def test_october_changes_list_signing_landing_and_stats(moved) -> None:  # type: ignore[no-untyped-def]
    rows = [(r["类型"], r["编号"], r["日期"]) for r in month_changes(moved, date(2018, 10, 31))]
    assert rows == [
        ("新开工", "CY-1", date(2018, 10, 8)),
        ("入统", "CY-2", date(2018, 10, 12)),
        ("落地", "CY-3", date(2018, 10, 20)),
    ]
    september = [(r["类型"], r["编号"]) for r in month_changes(moved, SEP30)]
    assert september == [("落地", "CY-4")]
    june = [(r["类型"], r["编号"]) for r in month_changes(moved, date(2018, 6, 30))]
    assert june == [("签约", "CY-3"), ("新开工", "CY-2")]  # by date: 06-01, 06-10


def test_restatement_names_the_project_and_field(tmp_path: Path, moved) -> None:  # type: ignore[no-untyped-def]
    rewritten = BUILDING.replace("2018-09: 150", "2018-09: 450")
    now = load_repo(tmp_path / "now", {**FILES, "船营区/在建.yaml": rewritten})
    rows = restatement(moved, now, SEP30)
    assert [(r["地区"], r["指标"], r["原值"], r["新值"]) for r in rows if r["指标"] == "完成投资"] == [
        ("船营区", "完成投资", 450, 750),
        ("全市", "完成投资", 450, 750),
    ]
    cause = rows[0]["原因"]
    assert [(c["编号"], c["改动"]) for c in cause] == [("CY-2", "改写已报期间")]
    assert cause[0]["字段"] == [{"字段": "完成投资 2018-09", "原值": 150, "新值": 450}]
    # a later month does not touch September
    later = load_repo(
        tmp_path / "later",
        {**FILES, "船营区/在建.yaml": BUILDING.replace("2018-09: 150}", "2018-09: 150, 2018-10: 99}")},
    )
    assert restatement(moved, later, SEP30) == []


def test_a_tagged_report_is_reproduced_and_a_back_dated_edit_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "ledgers", repo / "ledgers")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "九月")
    git(repo, "tag", "2018-09月报")
    monkeypatch.chdir(repo)
    sent = runner.invoke(app, ["report", "monthly", "--month", "2018-09", "-f", "json"])
    assert sent.exit_code == 0
    again = runner.invoke(app, ["report", "monthly", "--month", "2018-09", "-f", "json", "--rev", "2018-09月报"])
    assert again.stdout == sent.stdout
    assert runner.invoke(app, ["recheck", "2018-09月报"]).exit_code == 0
    ledger = repo / "ledgers" / "船营区" / "在建.yaml"
    text = ledger.read_text(encoding="utf-8")
    ledger.write_text(text.replace("2018-09: 7271", "2018-09: 9999", 1), encoding="utf-8")
    result = runner.invoke(app, ["recheck", "2018-09月报", "-f", "json"])
    assert result.exit_code == 1
    changes = json.loads(result.stdout)["变化"]
    assert {c["原因"][0]["编号"] for c in changes} == {"CY-2018-006"}
    assert runner.invoke(app, ["recheck", "没有这个标签"]).exit_code == 2


def test_october_moves_leave_the_sent_september_report_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a copy of the demo ledgers in git: September sent (tagged), October's events recorded
    with the real commands; the September report is byte for byte what was sent and the recheck
    passes; then one back-dated edit (a September 完成投资 rewritten) fails the recheck, named."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "ledgers", repo / "ledgers")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "九月")
    git(repo, "tag", "2018-09月报")
    monkeypatch.chdir(repo)
    report = ["report", "monthly", "--month", "2018-09"]
    sent = {fmt: runner.invoke(app, [*report, "-f", fmt]) for fmt in ("json", "md")}
    assert all(result.exit_code == 0 for result in sent.values())
    # What September's report said of the projects that move in October (each needs a kept key):
    overdue = {(r["类型"], r["编号"]): r["台账"] for r in json.loads(sent["json"].stdout)["逾期事项"]}
    assert overdue[("手续超期", "CY-2018-013")] == "计划开工"  # its 前期手续, kept by xm start
    assert overdue[("未按期开工", "GX-2018-014")] == "计划开工"  # its 计划开工日期, kept by xm start
    assert overdue[("超期未入统", "GX-2018-005")] == "未入统"  # its 入统时限, kept by xm enter-stats
    assert overdue[("签约未落地", "LT-2018-014")] == "招商"  # 签约日期, 计划落地日期, kept by xm land
    october = [
        ["start", "CY-2018-013", "--date", "2018-10-03"],
        ["start", "GX-2018-014", "--date", "2018-10-10"],
        ["enter-stats", "GX-2018-005", "--date", "2018-10-12"],
        ["enter-stats", "CY-2018-001", "--date", "2018-10-15"],
        ["land", "LT-2018-014", "--date", "2018-10-08", "--planned-start", "2018-11-01"],
        ["land", "CY-2018-022", "--date", "2018-10-20", "--planned-start", "2018-10-25"],
        ["start", "CY-2018-022", "--date", "2018-10-28", "--plan", "2000"],
        ["start", "JK-2018-020", "--date", "2018-10-08"],
        ["enter-stats", "JK-2018-020", "--date", "2018-10-20"],
    ]
    for args in october:
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.stderr)
    for fmt, before in sent.items():
        now = runner.invoke(app, [*report, "-f", fmt])
        assert now.exit_code == 0 and now.stdout == before.stdout, fmt
    assert runner.invoke(app, ["recheck", "2018-09月报"]).exit_code == 0
    # October's report sees the moves.
    changes = json.loads(runner.invoke(app, ["report", "monthly", "--month", "2018-10", "-f", "json"]).stdout)[
        "本月变动"
    ]
    rows = {(r["类型"], r["编号"]) for r in changes}
    assert {
        ("新开工", "CY-2018-013"),
        ("入统", "GX-2018-005"),
        ("落地", "LT-2018-014"),
        ("落地", "CY-2018-022"),
        ("新开工", "CY-2018-022"),
        ("新开工", "JK-2018-020"),
        ("入统", "JK-2018-020"),
    } <= rows
    # One back-dated edit, with the real command: CY-2018-001's September 完成投资 rewritten.
    result = runner.invoke(app, ["invest", "CY-2018-001", "--month", "2018-09", "--amount", "99999"])
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(app, ["recheck", "2018-09月报", "-f", "json"])
    assert result.exit_code == 1
    causes = [c for change in json.loads(result.stdout)["变化"] for c in change["原因"]]
    assert {(c["编号"], c["改动"]) for c in causes} == {("CY-2018-001", "改写已报期间")}
    plain = runner.invoke(app, ["recheck", "2018-09月报"])
    assert plain.exit_code == 1 and "CY-2018-001" in plain.stdout


BOUNDARY = """\
项目:
  - 编号: CY-9
    名称: 港口物流园
    总投资: 9000
    项目秘书: 王芳
    建设性质: 新建
    计划开工日期: 2018-05-01
    开工日期: 2018-06-01
    计划竣工日期: 2018-09-20
    年度计划投资: 1000
    问题:
      - {提出日期: 2018-08-01, 内容: 用电增容, 时限: 2018-09-20}
"""
PLANNED_DUE = """\
项目:
  - 编号: CY-8
    名称: 冷链仓储项目
    总投资: 9000
    项目秘书: 赵敏
    计划开工日期: 2018-09-20
"""


@pytest.mark.parametrize(("day", "due"), [(date(2018, 9, 20), False), (date(2018, 9, 21), True)])
def test_boundaries_of_problems_and_completion(tmp_path: Path, day: date, due: bool) -> None:
    # 问题超期 (时限 09-20) and 超期未竣工 (计划竣工日期 09-20): due exactly on the as-of date is not overdue
    repo = load_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": BOUNDARY})
    kinds = {(it["类型"], it["编号"]) for it in overdue_items(repo, day)}
    assert (("问题超期", "CY-9") in kinds) is due
    assert (("超期未竣工", "CY-9") in kinds) is due
    assert compute_metrics(repo, day)["船营区"]["超期问题数"] == (1 if due else 0)


@pytest.mark.parametrize(("day", "rate"), [(date(2018, 9, 19), None), (date(2018, 9, 20), Fraction(1, 2))])
def test_start_rate_counts_a_project_due_on_the_as_of_date(tmp_path: Path, day: date, rate: Fraction | None) -> None:
    # 开工率's "due" is 计划开工日期 ≤ as-of: CY-8 (due 09-20, not started) joins CY-9 (due 05-01, started
    # 06-01) on 09-20 exactly → 1/2; the day before, CY-9 alone → 1/1
    repo = load_repo(
        tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": BOUNDARY, "船营区/计划开工.yaml": PLANNED_DUE}
    )
    assert compute_metrics(repo, day)["船营区"]["开工率"] == (rate if rate is not None else Fraction(1, 1))
