"""`xm diff` and `xm log` on real git repositories built in temporary directories.

The scripted history: an initial ledger; a month of changes (a start moving a record from
计划开工 to 未入统, 入统, a 招商 record landing, investment reported, a problem solved, a visit);
an invalid commit in the middle; a region rename; then the fix.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from xiangmu_cli.cli import app
from xiangmu_cli.history.diff import ProjectDiff, diff_repositories, project_changes
from xiangmu_cli.history.git import Git, load_revision, project_log

from .gitrepo import Repo

runner = CliRunner()

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

CONFIG = """\
名称: 测试台账
年度: 2018
地区:
  - {名称: 船营区, 类型: 区县}
  - {名称: 高新区, 类型: 开发区}
"""
PLANNED = """\
# 船营区 计划开工
项目:
  - 编号: CY-1
    名称: 碳纤维原丝扩能项目
    总投资: 12000
    项目秘书: 王芳
    计划开工日期: 2018-09-01
    年度计划投资: 3000
"""
BUILDING = """\
项目:
  - 编号: CY-2
    名称: 北山大道改造
    总投资: 8000
    项目秘书: 李强
    问题:
      - {提出日期: 2018-08-01, 内容: 管线迁改未完成}
    建设性质: 新建
    开工日期: 2018-03-01
    年度计划投资: 4000
    完成投资: {2018-03: 100}
"""
UNSTAT = """\
项目:
  - 编号: CY-3
    名称: 江北污水处理厂提标改造
    总投资: 6000
    项目秘书: 李强
    建设性质: 新建
    开工日期: 2018-06-01
    年度计划投资: 2000
    未入统原因: 施工许可未办结
"""
DEAL = """\
项目:
  - 编号: GX-ZS-1
    名称: 汽车零部件产业园
    总投资: 30000
    阶段: 签约
    投资方: 浙江某汽车零部件有限公司
    签约日期: 2018-06-01
"""


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    root = tmp_path / "ledger-repo"
    root.mkdir()
    r = Repo(root.resolve())
    r.commit(
        "初始台账",
        {
            "xiangmu.yaml": CONFIG,
            "船营区/计划开工.yaml": PLANNED,
            "船营区/在建.yaml": BUILDING,
            "船营区/未入统.yaml": UNSTAT,
            "高新区/招商.yaml": DEAL,
        },
    )
    r.git("tag", "v1")
    started = PLANNED.split("项目:")[0] + "项目: []\n"
    unstat = UNSTAT.replace(
        "项目:\n",
        "项目:\n"
        + """\
  - 编号: CY-1
    名称: 碳纤维原丝扩能项目
    总投资: 12000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-09-10
    计划开工日期: 2018-09-01
    年度计划投资: 3000
    未入统原因: 新开工，尚未入统
""",
    )
    # CY-3 enters the statistics database: moves from 未入统 to 在建.
    unstat = unstat.split("  - 编号: CY-3")[0]
    building = BUILDING.replace(
        "完成投资: {2018-03: 100}", "完成投资: {2018-03: 100, 2018-04: 250}\n    走访: [2018-09-03]"
    )
    building = building.replace(
        "{提出日期: 2018-08-01, 内容: 管线迁改未完成}",
        "{提出日期: 2018-08-01, 内容: 管线迁改未完成, 解决日期: 2018-09-05}",
    )
    building += """\
  - 编号: CY-3
    名称: 江北污水处理厂提标改造
    总投资: 6000
    项目秘书: 李强
    建设性质: 新建
    开工日期: 2018-06-01
    年度计划投资: 2000
    入统日期: 2018-09-20
"""
    planned_gx = """\
项目:
  - 编号: GX-ZS-1
    名称: 汽车零部件产业园
    建设单位: 浙江某汽车零部件有限公司
    总投资: 30000
    项目秘书: 赵敏
    计划开工日期: 2018-11-01
"""
    r.commit(
        "9月调度",
        {
            "船营区/计划开工.yaml": started,
            "船营区/未入统.yaml": unstat,
            "船营区/在建.yaml": building,
            "高新区/招商.yaml": None,
            "高新区/计划开工.yaml": planned_gx,
        },
    )
    r.git("tag", "v2")
    r.commit("误提交：缩进用了 Tab", {"船营区/在建.yaml": building.replace("  - 编号: CY-2", "\t- 编号: CY-2")})
    r.commit("改正缩进", {"船营区/在建.yaml": building})
    return r


def _events(result: Any) -> dict[str, list[str]]:
    return {row["编号"]: row["事件"] for row in result.projects}


def test_a_month_of_changes_gives_exactly_its_events(repo: Repo) -> None:
    git = Git(repo.root / "ledgers")
    before, _ = load_revision(git, repo.root / "ledgers", "v1")
    after, _ = load_revision(git, repo.root / "ledgers", "v2")
    result = diff_repositories(before, after, "v1", "v2")
    # GX-ZS-1 also got a 项目秘书 when it landed: a change no event explains, so also 变更.
    assert _events(result) == {"CY-2": ["变更"], "CY-3": ["入统"], "CY-1": ["开工"], "GX-ZS-1": ["落地", "变更"]}
    cy2 = next(r for r in result.projects if r["编号"] == "CY-2")
    # In the contract's key order: 问题, 走访 (common fields), then 完成投资.
    assert [(c["字段"], c["原值"], c["新值"], c["差额"]) for c in cy2["变更"]] == [
        ("问题解决", None, "管线迁改未完成（2018-09-05）", None),
        ("走访", None, "2018-09-03", None),
        ("完成投资 2018-04", None, Decimal(250), Decimal(250)),
    ]
    cy1 = next(r for r in result.projects if r["编号"] == "CY-1")
    assert (cy1["原台账"], cy1["台账"]) == ("计划开工", "未入统")
    totals = {r["地区"]: r for r in result.regions}
    assert totals["船营区"]["Δ完成投资"] == Decimal(250) and totals["船营区"]["开工"] == 1
    assert totals["船营区"]["入统"] == 1 and totals["高新区"]["落地"] == 1
    assert totals["全市"]["开工"] == 1 and result.invalid == []


def test_unchanged_history_has_no_events(repo: Repo) -> None:
    result = runner.invoke(app, ["diff", "HEAD", "--ledgers", str(repo.root / "ledgers"), "-f", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["项目变动"] == []


def test_invalid_commit_is_reported_per_file_not_a_crash(repo: Repo) -> None:
    result = runner.invoke(app, ["diff", "v2", "HEAD~1", "--ledgers", str(repo.root / "ledgers"), "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["无效文件"] == [
        {
            "版本": "HEAD~1（" + repo.git("rev-parse", "HEAD~1")[:8] + "）",
            "文件": data["无效文件"][0]["文件"],
            "错误数": 1,
        }
    ]
    assert data["无效文件"][0]["文件"].endswith("船营区/在建.yaml")
    assert {r["编号"]: r["事件"] for r in data["项目变动"]} == {"CY-2": ["无法比较"], "CY-3": ["无法比较"]}


def test_region_rename_is_a_transfer(repo: Repo) -> None:
    config = CONFIG.replace("船营区", "船营新区")
    repo.git("mv", "ledgers/船营区", "ledgers/船营新区")
    repo.commit("船营区更名为船营新区", {"xiangmu.yaml": config})
    result = runner.invoke(app, ["diff", "HEAD~1", "HEAD", "--ledgers", str(repo.root / "ledgers"), "-f", "json"])
    events = {r["编号"]: r["事件"] for r in json.loads(result.stdout)["项目变动"]}
    assert events == {"CY-2": ["转移"], "CY-3": ["转移"], "CY-1": ["转移"]}


def test_log_follows_a_project_across_ledgers(repo: Repo) -> None:
    rows = project_log(Git(repo.root / "ledgers"), repo.root / "ledgers", "CY-3")
    # The Tab commit broke 在建.yaml: neither it nor its fix can be compared for CY-3.
    assert [(r["说明"], r["事件"], r["台账"]) for r in rows] == [
        ("改正缩进", ["无法比较"], "在建"),
        ("误提交：缩进用了 Tab", ["无法比较"], "在建"),
        ("9月调度", ["入统"], "在建"),
        ("初始台账", ["新增"], "未入统"),
    ]


def test_log_through_the_cli(repo: Repo) -> None:
    result = runner.invoke(app, ["log", "CY-1", "--ledgers", str(repo.root / "ledgers"), "-f", "json"])
    assert result.exit_code == 0
    commits = json.loads(result.stdout)["提交"]
    assert [(c["说明"], c["事件"]) for c in commits] == [("9月调度", ["开工"]), ("初始台账", ["新增"])]
    assert all(c["作者"] == "王芳" for c in commits)
    missing = runner.invoke(app, ["log", "XX-9", "--ledgers", str(repo.root / "ledgers")])
    assert missing.exit_code == 1 and "XX-9" in missing.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["diff", "nosuch"], "找不到版本「nosuch」"),
        (["diff", "--", "--output=/tmp/x"], "找不到版本「--output=/tmp/x」"),
    ],
)
def test_bad_revisions_exit_2(repo: Repo, args: list[str], message: str) -> None:
    result = runner.invoke(app, [*args[:1], "--ledgers", str(repo.root / "ledgers"), *args[1:]])
    assert result.exit_code == 2
    assert message in result.stderr


def test_not_a_git_repository_exits_2(tmp_path: Path) -> None:
    (tmp_path / "ledgers").mkdir()
    (tmp_path / "ledgers" / "xiangmu.yaml").write_text(CONFIG, encoding="utf-8")
    result = runner.invoke(app, ["diff", "--ledgers", str(tmp_path / "ledgers")])
    assert result.exit_code == 2 and "不在 git 仓库中" in result.stderr


def test_shallow_clone_missing_the_revision_exits_2(repo: Repo, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True)
    result = runner.invoke(app, ["diff", "v1", "--ledgers", str(clone / "ledgers")])
    assert result.exit_code == 2
    assert "浅克隆" in result.stderr


def test_textconv_shows_one_field_per_line(tmp_path: Path) -> None:
    path = tmp_path / "在建.yaml"
    path.write_text("# 注释不显示\n" + BUILDING.replace("总投资: 8000", "总投资: 0.8亿"), encoding="utf-8")
    result = runner.invoke(app, ["textconv", str(path)])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "[CY-2] 名称: 北山大道改造",
        "[CY-2] 总投资: 8000",
        "[CY-2] 项目秘书: 李强",
        "[CY-2] 问题: {提出日期: 2018-08-01, 内容: 管线迁改未完成}",
        "[CY-2] 建设性质: 新建",
        "[CY-2] 开工日期: 2018-03-01",
        "[CY-2] 年度计划投资: 4000",
        "[CY-2] 完成投资 2018-03: 100",
    ]
    broken = tmp_path / "未入统.yaml"
    broken.write_text("项目:\n\t- 编号: X\n", encoding="utf-8")
    shown = runner.invoke(app, ["textconv", str(broken)]).stdout
    assert shown.startswith("# xm：此版本的文件无法按台账解析") and "\t- 编号: X" in shown


def _escalated_building(escalations: list[str], department: str = "市住建局") -> str:
    """在建.yaml with CY-2's problem 管线迁改未完成 taken to the meetings in ``escalations``."""
    listed = "".join(f"\n          - {{{e}}}" for e in escalations)
    if listed:
        listed = "\n        升级:" + listed
    return f"""\
项目:
  - 编号: CY-2
    名称: 北山大道改造
    总投资: 8000
    项目秘书: 李强
    问题:
      - 提出日期: 2018-08-01
        内容: 管线迁改未完成
        责任单位: {department}
        层级: 联席会议{listed}
      - {{提出日期: 2018-08-10, 内容: 施工临时用电容量不足}}
    建设性质: 新建
    开工日期: 2018-03-01
    年度计划投资: 4000
"""


SPECIAL = "层级: 专题会议, 日期: 2018-09-25"
STANDING = "层级: 常务会议, 日期: 2018-10-10"


@pytest.fixture
def escalations(tmp_path: Path) -> Repo:
    """CY-2's problem goes up twice (tags e1, e2), then a 升级 is rewritten (e3) and removed (e4)."""
    root = tmp_path / "escalations"
    root.mkdir()
    r = Repo(root.resolve())
    steps = [
        ("初始台账", _escalated_building([])),
        ("提交专题会议", _escalated_building([SPECIAL], department="市城管局")),
        ("提交常务会议", _escalated_building([SPECIAL, STANDING], department="市城管局")),
        ("改正升级日期", _escalated_building([SPECIAL.replace("09-25", "09-26"), STANDING], department="市城管局")),
        ("撤回常务会议", _escalated_building([SPECIAL.replace("09-25", "09-26")], department="市城管局")),
    ]
    for i, (message, text) in enumerate(steps):
        r.commit(message, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": text})
        r.git("tag", f"e{i}")
    return r


TO_SPECIAL = "问题升级：管线迁改未完成（提交专题会议，2018-09-25）"
TO_STANDING = "问题升级：管线迁改未完成（提交常务会议，2018-10-10）"


def _diff(repo: Repo, old: str, new: str) -> ProjectDiff:
    git = Git(repo.root / "ledgers")
    before, _ = load_revision(git, repo.root / "ledgers", old)
    after, _ = load_revision(git, repo.root / "ledgers", new)
    (row,) = diff_repositories(before, after, old, new).projects
    return row


def _fields(row: ProjectDiff) -> list[tuple[str, object, object]]:
    return [(c["字段"], c["原值"], c["新值"]) for c in row["变更"]]


def test_an_escalation_is_an_event_not_a_change_of_its_list(escalations: Repo) -> None:
    row = _diff(escalations, "e0", "e1")
    # The 责任单位 changed with it: still a change of the problem, so also 变更.
    assert row["事件"] == [TO_SPECIAL, "变更"]
    assert _fields(row) == [("问题 管线迁改未完成 责任单位", "市住建局", "市城管局")]
    assert _diff(escalations, "e1", "e2")["事件"] == [TO_STANDING]
    assert _diff(escalations, "e1", "e2")["变更"] == []
    # Two entries appended between the revisions: one event each, in their order.
    assert _diff(escalations, "e0", "e2")["事件"] == [TO_SPECIAL, TO_STANDING, "变更"]


def test_a_rewritten_or_removed_escalation_is_a_change(escalations: Repo) -> None:
    special = {"层级": "专题会议", "日期": date(2018, 9, 25)}
    moved = {"层级": "专题会议", "日期": date(2018, 9, 26)}
    standing = {"层级": "常务会议", "日期": date(2018, 10, 10)}
    rewritten = _diff(escalations, "e2", "e3")
    assert rewritten["事件"] == ["变更"]
    assert _fields(rewritten) == [("问题 管线迁改未完成 升级", [special, standing], [moved, standing])]
    removed = _diff(escalations, "e3", "e4")
    assert removed["事件"] == ["变更"]
    assert _fields(removed) == [("问题 管线迁改未完成 升级", [moved, standing], [moved])]
    # A rewrite with an entry appended is still a rewrite: no event for the appended one.
    assert _diff(escalations, "e4", "e2")["事件"] == ["变更"]


def test_other_users_of_project_changes_still_see_the_list(escalations: Repo) -> None:
    git = Git(escalations.root / "ledgers")
    before, _ = load_revision(git, escalations.root / "ledgers", "e1")
    after, _ = load_revision(git, escalations.root / "ledgers", "e2")
    (old,), (new,) = before.records, after.records
    special = {"层级": "专题会议", "日期": date(2018, 9, 25)}
    standing = {"层级": "常务会议", "日期": date(2018, 10, 10)}
    assert [(c["字段"], c["原值"], c["新值"]) for c in project_changes(old, new)] == [
        ("问题 管线迁改未完成 升级", [special], [special, standing])
    ]


def test_escalations_through_diff_and_log(escalations: Repo) -> None:
    ledgers = str(escalations.root / "ledgers")
    result = runner.invoke(app, ["diff", "e1", "e2", "--ledgers", ledgers, "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(r["编号"], r["事件"], r["变更"]) for r in data["项目变动"]] == [("CY-2", [TO_STANDING], [])]
    assert data["分地区"] == [] and data["无效文件"] == []
    shown = runner.invoke(app, ["diff", "e0", "e1", "--ledgers", ledgers, "-f", "plain"])
    assert shown.exit_code == 0 and f"{TO_SPECIAL}、变更" in shown.stdout
    assert "升级" not in shown.stdout.replace(TO_SPECIAL, "")
    log = runner.invoke(app, ["log", "CY-2", "--ledgers", ledgers, "-f", "json"])
    assert log.exit_code == 0, log.output
    assert [(c["说明"], c["事件"]) for c in json.loads(log.stdout)["提交"]] == [
        ("撤回常务会议", ["变更"]),
        ("改正升级日期", ["变更"]),
        ("提交常务会议", [TO_STANDING]),
        ("提交专题会议", [TO_SPECIAL, "变更"]),
        ("初始台账", ["新增"]),
    ]
