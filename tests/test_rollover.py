"""`xm rollover` (年度结转): exact resulting texts on a small repository worked out by hand, the
demo rolled over (valid, formatted, every 编号, comment and amount accounted for), the archive
byte for byte, refusals that leave every file untouched, and the CLI's messages and exit codes.
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xiangmu_cli.cli import app
from xiangmu_cli.ledger.model import StartedProject
from xiangmu_cli.ledger.vocab import Ledger
from xiangmu_cli.reading.loading import load
from xiangmu_cli.write import rollover as rollover_module
from xiangmu_cli.write.comments import comment_columns, line_starts
from xiangmu_cli.write.document import Doc
from xiangmu_cli.write.plan import EditError
from xiangmu_cli.write.rollover import apply_rollover, plan_rollover
from xiangmu_cli.write.verify import snapshot

from .conftest import ROOT, write_repo

runner = CliRunner()

CONFIG = """\
# 测试台账配置
名称: 测试台账
年度: 2018  # 报告年度
口径:
  入统时限: 2018-09-30  # 9月底前入统
领导:
  - 姓名: 张明
地区:
  - {名称: 船营区, 类型: 区县}
  - {名称: 高新区, 类型: 开发区}
# 年度目标
目标:
  全市: {年度投资: 100000, 完成投资同比增长: 0.1}
  # 区里下达
  船营区: {年度投资: 60000}
"""

# 目标 held a comment: it is commented out above `目标: {}`; 年度 and 入统时限 one year on.
CONFIG_AFTER = """\
# 测试台账配置
名称: 测试台账
年度: 2019  # 报告年度
口径:
  入统时限: 2019-09-30  # 9月底前入统
领导:
  - 姓名: 张明
地区:
  - {名称: 船营区, 类型: 区县}
  - {名称: 高新区, 类型: 开发区}
# 年度目标
# 目标:
#   全市: {年度投资: 100000, 完成投资同比增长: 0.1}
#   # 区里下达
#   船营区: {年度投资: 60000}
目标: {}
"""

BUILDING = """\
# 船营区 在建
地区: 船营区
台账: 在建
项目:
  # 第一个
  - 编号: CY-1
    名称: 新建项目
    总投资: 8000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-03-01
    年度计划投资: 3000
    # 9月待核
    完成投资:
      2018-03: 100.5
      2018-04: 0.12亿
      2018-05: 0
    形象进度: 主体施工

  # 已竣工
  - 编号: CY-2
    名称: 竣工项目
    总投资: 6000
    项目秘书: 王芳
    建设性质: 续建
    开工日期: 2016-05-01
    复工日期: 2018-03-20
    竣工日期: 2018-10-30
    年度计划投资: 1000
    以前年度完成投资: 4000
    完成投资: {2018-04: 500, 2018-05: 500}

  - 编号: CY-3
    名称: 续建项目
    总投资: 20000
    项目秘书: 王芳
    建设性质: 续建
    开工日期: 2017-06-01
    复工日期: 2018-04-02  # 春季复工
    年度计划投资: 5000
    以前年度完成投资: 5000万元
    完成投资:
      2018-04: 1000
      2018-05: 2000.25
    入统日期: 2017-08-01

  - {编号: CY-4, 名称: 流式项目, 总投资: 5000, 项目秘书: 王芳, 建设性质: 新建, 开工日期: 2018-02-01, 年度计划投资: 100, 完成投资: {2018-02: 10, 2018-03: 20}}
"""

# CY-1: 100.5 + 0.12亿 (1200) + 0 = 1300.5, no 以前年度 before; 完成投资 had a comment above it, so
# its lines stay, commented out, where they were; 以前年度完成投资 goes before 形象进度 (key order).
# CY-2 finished 2018-10-30: retired, with its comment line and one blank separator.
# CY-3: 5000万元 + 1000 + 2000.25 = 8000.25; its 复工日期 had an end-of-line comment: commented out.
# CY-4 (one line): 10 + 20 = 30, written after 年度计划投资 in place of 完成投资.
BUILDING_AFTER = """\
# 船营区 在建
地区: 船营区
台账: 在建
项目:
  # 第一个
  - 编号: CY-1
    名称: 新建项目
    总投资: 8000
    项目秘书: 王芳
    建设性质: 续建
    开工日期: 2018-03-01
    年度计划投资: 3000
    # 9月待核
    # 完成投资:
    #   2018-03: 100.5
    #   2018-04: 0.12亿
    #   2018-05: 0
    以前年度完成投资: 1300.5
    形象进度: 主体施工

  - 编号: CY-3
    名称: 续建项目
    总投资: 20000
    项目秘书: 王芳
    建设性质: 续建
    开工日期: 2017-06-01
    # 复工日期: 2018-04-02  # 春季复工
    年度计划投资: 5000
    以前年度完成投资: 8000.25
    入统日期: 2017-08-01

  - {编号: CY-4, 名称: 流式项目, 总投资: 5000, 项目秘书: 王芳, 建设性质: 续建, 开工日期: 2018-02-01, 年度计划投资: 100, 以前年度完成投资: 30}
"""

PLANNED = """\
地区: 船营区
台账: 计划开工
项目:
  - 编号: CY-P1
    名称: 计划项目
    总投资: 7000
    项目秘书: 王芳
    计划开工日期: 2018-11-01  # 未按期开工
"""

INVESTMENT = """\
项目:
  - 编号: CY-Z1
    名称: 招商项目
    总投资: 30000
    阶段: 签约
    投资方: 某集团
    签约日期: 2018-06-01
"""

# With a BOM and CRLF line breaks, which the rollover keeps.
UNSTAT = (
    "\ufeff项目:\r\n"
    "  - 编号: GX-1\r\n"
    "    名称: 未入统项目\r\n"
    "    总投资: 7000\r\n"
    "    项目秘书: 李强\r\n"
    "    建设性质: 新建\r\n"
    "    开工日期: 2018-08-01\r\n"
    "    年度计划投资: 2000\r\n"
    "    完成投资: {2018-08: 300, 2018-09: 400}\r\n"
    "    未入统原因: 手续补正中\r\n"
    "  - 编号: GX-2\r\n"
    "    名称: 明年开工的项目\r\n"
    "    总投资: 7000\r\n"
    "    项目秘书: 李强\r\n"
    "    建设性质: 新建\r\n"
    "    开工日期: 2019-01-05\r\n"
    "    年度计划投资: 2000\r\n"
    "    未入统原因: 新开工\r\n"
    "    入统时限: 2019-03-31\r\n"
)

# GX-1: 300 + 400 = 700; its deadline was the default 2018-09-30, now written on it (the default
# moves to 2019-09-30). GX-2 started in 2019: still 新建, its own 入统时限 kept: unchanged.
UNSTAT_AFTER = (
    "\ufeff项目:\r\n"
    "  - 编号: GX-1\r\n"
    "    名称: 未入统项目\r\n"
    "    总投资: 7000\r\n"
    "    项目秘书: 李强\r\n"
    "    建设性质: 续建\r\n"
    "    开工日期: 2018-08-01\r\n"
    "    年度计划投资: 2000\r\n"
    "    以前年度完成投资: 700\r\n"
    "    未入统原因: 手续补正中\r\n"
    "    入统时限: 2018-09-30\r\n"
    "  - 编号: GX-2\r\n"
    "    名称: 明年开工的项目\r\n"
    "    总投资: 7000\r\n"
    "    项目秘书: 李强\r\n"
    "    建设性质: 新建\r\n"
    "    开工日期: 2019-01-05\r\n"
    "    年度计划投资: 2000\r\n"
    "    未入统原因: 新开工\r\n"
    "    入统时限: 2019-03-31\r\n"
)

ALL_FINISHED = """\
地区: 高新区
台账: 在建
项目:
  - 编号: GX-9
    名称: 全部竣工
    总投资: 9000
    项目秘书: 李强
    建设性质: 续建
    开工日期: 2017-01-01
    竣工日期: 2018-05-01
    年度计划投资: 100
"""

FILES: dict[str, str | bytes] = {
    "xiangmu.yaml": CONFIG,
    "船营区/在建.yaml": BUILDING,
    "船营区/计划开工.yaml": PLANNED,
    "船营区/招商.yaml": INVESTMENT,
    "高新区/未入统.yaml": UNSTAT.encode("utf-8"),
    "高新区/在建.yaml": ALL_FINISHED,
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    repo = write_repo(tmp_path, FILES)
    assert load(repo).problems == []
    return repo


def _bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_rollover_gives_exactly_the_texts_worked_out_by_hand(root: Path) -> None:
    before = _bytes(root)
    plan = plan_rollover(load(root))
    assert _bytes(root) == before  # planning writes nothing
    apply_rollover(plan)
    after = _bytes(root)
    assert after["xiangmu.yaml"].decode() == CONFIG_AFTER
    assert after["船营区/在建.yaml"].decode() == BUILDING_AFTER
    assert after["高新区/未入统.yaml"] == UNSTAT_AFTER.encode("utf-8")
    assert after["高新区/在建.yaml"].decode() == "地区: 高新区\n台账: 在建\n项目: []\n"
    assert after["船营区/计划开工.yaml"] == before["船营区/计划开工.yaml"]
    assert after["船营区/招商.yaml"] == before["船营区/招商.yaml"]
    # the archive: every file as it was, byte for byte, beside the ledgers; nothing else there
    archive = root.parent / "归档" / "2018"
    assert _bytes(archive) == before
    assert sorted(os.listdir(root.parent / "归档")) == ["2018"]
    assert [p.name for p in root.rglob(".*")] == []  # no temporary file left
    new = load(root)
    assert new.problems == []
    assert new.config is not None and new.config.year == 2019 and new.config.targets == {}
    assert new.config.caliber.stats_deadline == date(2019, 9, 30)
    assert [r.code for r in plan.retired] == ["CY-2", "GX-9"]
    assert plan.archive == archive.absolute()


def test_the_summary_says_what_was_done(root: Path) -> None:
    result = runner.invoke(app, ["rollover", "--ledgers", str(root)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "年度结转：2018 → 2019"
    assert (
        "xiangmu.yaml：年度 2018 → 2019；目标已清空（3 项，原目标见归档）；口径.入统时限 2018-09-30 → 2019-09-30"
        in lines
    )
    # carried: CY-1, CY-3, CY-4, GX-1, GX-2; summed 1300.5 + 3000.25 + 30 + 700 = 5030.75 over 3+2+2+2 months;
    # 新建 → 续建: CY-1, CY-4, GX-1; 复工日期 dropped: CY-3; 入统时限 written: GX-1
    assert (
        "结转已开工项目 5 个：完成投资 5,030.75 万元（9 个月份）转入以前年度完成投资；新建转续建 3 个；"
        "去掉上年复工日期 1 个；未入统项目写上原入统时限 1 个"
    ) in lines
    assert "  船营区 在建 CY-2 竣工项目（竣工日期 2018-10-30）" in lines
    assert "  高新区 在建 GX-9 全部竣工（竣工日期 2018-05-01）" in lines
    assert "  船营区：结转 3 个，新建转续建 2 个，退出 1 个，转入以前年度 4,330.75 万元" in lines
    assert "  高新区：结转 2 个，新建转续建 1 个，退出 1 个，转入以前年度 700 万元" in lines
    assert lines[-1] == "已修改 4 个文件并创建归档；请用 xm validate 检查后提交"


def test_dry_run_shows_the_plan_and_writes_nothing(root: Path) -> None:
    before = _bytes(root)
    result = runner.invoke(app, ["rollover", "--ledgers", str(root), "--dry-run", "--diff"])
    assert result.exit_code == 0, result.output
    assert _bytes(root) == before
    assert not (root.parent / "归档").exists()
    assert "-年度: 2018  # 报告年度\n+年度: 2019  # 报告年度\n" in result.stdout
    assert "+    以前年度完成投资: 8000.25\n" in result.stdout
    assert result.stdout.splitlines()[-1] == "将修改 4 个文件并创建归档；未写入任何文件（去掉 --dry-run 执行结转）"


def test_only_the_next_year(root: Path) -> None:
    result = runner.invoke(app, ["rollover", "--ledgers", str(root), "--to", "2020"])
    assert result.exit_code == 2
    assert "只能结转到下一年度 2019" in result.stderr
    assert runner.invoke(app, ["rollover", "--ledgers", str(root), "--to", "2019", "-n"]).exit_code == 0


def test_ledgers_with_errors_are_not_rolled_over(root: Path) -> None:
    (root / "船营区" / "招商.yaml").write_text(INVESTMENT.replace("阶段: 签约", "阶段: 已签"), encoding="utf-8")
    before = _bytes(root)
    result = runner.invoke(app, ["rollover", "--ledgers", str(root)])
    assert result.exit_code == 1
    assert "台账有 1 个错误，不能结转；请先运行 xm validate 并改正" in result.stderr
    assert _bytes(root) == before and not (root.parent / "归档").exists()


def test_an_existing_archive_is_never_overwritten(root: Path) -> None:
    (root.parent / "归档" / "2018").mkdir(parents=True)
    before = _bytes(root)
    result = runner.invoke(app, ["rollover", "--ledgers", str(root)])
    assert result.exit_code == 1
    assert "归档/2018 已经存在：2018 年度已结转过？" in result.stderr
    assert _bytes(root) == before and os.listdir(root.parent / "归档" / "2018") == []


def test_a_linked_archive_folder_is_refused(root: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root.parent / "归档").symlink_to(elsewhere)
    result = runner.invoke(app, ["rollover", "--ledgers", str(root)])
    assert result.exit_code == 1
    assert "归档 是符号链接，未读取" in result.stderr
    assert os.listdir(elsewhere) == []


def test_a_file_changed_after_planning_stops_everything(root: Path) -> None:
    plan = plan_rollover(load(root))
    (root / "船营区" / "计划开工.yaml").write_text(PLANNED + "# 有人刚保存\n", encoding="utf-8")
    before = _bytes(root)
    with pytest.raises(EditError, match=r"计划开工\.yaml 在此期间被修改过，未写入任何文件"):
        apply_rollover(plan)
    assert _bytes(root) == before
    assert not (root.parent / "归档").exists()  # made for the archive, removed again


def test_a_failure_before_the_renames_changes_nothing(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = plan_rollover(load(root))
    before = _bytes(root)
    real = rollover_module.stage
    staged: list[Path] = []

    def stage(path: Path, data: bytes, mode: int) -> Path:
        if len(staged) == 2:
            raise OSError(28, "No space left on device")
        staged.append(real(path, data, mode))
        return staged[-1]

    monkeypatch.setattr(rollover_module, "stage", stage)
    with pytest.raises(EditError, match="写入失败：No space left on device；未改动任何文件"):
        apply_rollover(plan)
    assert _bytes(root) == before
    assert [p for p in staged if p.exists()] == []  # the temporary files were removed
    assert not (root.parent / "归档").exists()  # so was the archive being written


def test_an_interrupted_rollover_is_detected(root: Path) -> None:
    """The archive is complete and xiangmu.yaml (renamed first) says 2019, but a ledger file was not
    renamed: validation fails with E301 and xm rollover says how to recover."""
    before = _bytes(root)
    apply_rollover(plan_rollover(load(root)))
    (root / "船营区" / "在建.yaml").write_bytes(before["船营区/在建.yaml"])
    result = runner.invoke(app, ["rollover", "--ledgers", str(root)])
    assert result.exit_code == 1
    assert "上次结转可能中途中断" in result.stderr
    assert runner.invoke(app, ["validate", "--ledgers", str(root)]).exit_code == 1


def test_the_next_year_rolls_over_again(root: Path) -> None:
    """2018 → 2019 → 2020: the second rollover has nothing to sum and nothing to retire; 2019's
    archive holds the first rollover's result."""
    apply_rollover(plan_rollover(load(root)))
    rolled = _bytes(root)
    result = runner.invoke(app, ["rollover", "--ledgers", str(root)])
    assert result.exit_code == 0, result.output
    assert _bytes(root.parent / "归档" / "2019") == rolled
    new = load(root)
    assert new.problems == [] and new.config is not None and new.config.year == 2020
    gx2 = next(r.project for r in new.records if r.project.code == "GX-2")
    assert isinstance(gx2, StartedProject) and gx2.nature == "续建"  # started in 2019


# --- the demo --------------------------------------------------------------------------------


def _comments(text: str) -> list[str]:
    doc = Doc(text.lstrip("\ufeff"))
    lines = doc.text.split("\n")
    columns = comment_columns(lines, line_starts(lines), doc.root)
    return [lines[n][c:].rstrip("\r").rstrip() for n, c in columns.items()]


def test_the_demo_rolls_over_clean_keeping_every_code_comment_and_amount(tmp_path: Path) -> None:
    root = tmp_path / "ledgers"
    shutil.copytree(ROOT / "ledgers", root)
    old = load(root)
    before = _bytes(root)
    result = runner.invoke(app, ["rollover", "--ledgers", str(root)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["validate", "--ledgers", str(root)]).exit_code == 0
    assert runner.invoke(app, ["fmt", "--check", "--ledgers", str(root)]).exit_code == 0
    new = load(root)
    assert new.problems == [] and new.config is not None and new.config.year == old.config.year + 1  # type: ignore[union-attr]

    # the archive is the demo, byte for byte, and loads to the same projects
    archive = tmp_path / "归档" / str(old.config.year)  # type: ignore[union-attr]
    assert _bytes(archive) == before
    assert snapshot(load(archive)) == snapshot(old)

    # every 编号: still there, or retired because it was finished in the year or before
    year_end = date(old.config.year, 12, 31)  # type: ignore[union-attr]
    finished = {
        r.project.code
        for r in old.records
        if isinstance(r.project, StartedProject) and r.project.finish_date and r.project.finish_date <= year_end
    }
    assert finished  # the demo has finished projects
    assert {r.project.code for r in new.records} == {r.project.code for r in old.records} - finished

    # every amount: the months summed into 以前年度完成投资, exactly; nothing else changed but the
    # rollover's own fields
    now = {r.project.code: r for r in new.records}
    summed = Decimal(0)
    for rec in old.records:
        if rec.project.code in finished:
            continue
        after = now[rec.project.code]
        assert (after.region, after.ledger, after.file) == (rec.region, rec.ledger, rec.file)
        p, q = rec.project, after.project
        if isinstance(p, StartedProject):
            assert isinstance(q, StartedProject)
            months = sum(p.monthly.values(), Decimal(0))
            assert (q.prior_invest or 0) - (p.prior_invest or 0) == months and q.monthly == {}
            summed += months
            assert q.nature == ("续建" if p.start_date <= year_end else p.nature)
            assert q.resume_date is None
            rolled = {"prior_invest", "monthly", "nature", "resume_date", "stats_deadline"}
            assert p.model_dump(exclude=rolled) == q.model_dump(exclude=rolled)
        else:
            assert p == q
    # Σ over the carried projects of the demo's months, as the summary says
    assert f"完成投资 {summed:,f} 万元" in result.stdout

    # every comment: in the new files, or in a retired project's block (kept in the archive)
    retired_comments: Counter[str] = Counter()
    for rec in old.records:
        if rec.project.code in finished:
            text = before[f"{rec.region}/{rec.ledger.value}.yaml"].decode("utf-8-sig")
            retired_comments.update(_block_comments(text, rec.project.code))
    for rel, raw in before.items():
        old_comments = Counter(_comments(raw.decode("utf-8")))
        new_comments = Counter(_comments((root / rel).read_text(encoding="utf-8")))
        lost = old_comments - new_comments
        assert not lost - retired_comments, rel


def _block_comments(text: str, code: str) -> list[str]:
    """The comments of the block of project ``code`` (its lines up to the next project's)."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if re.match(rf"\s*- 编号: {re.escape(code)}\s*$", line))
    stop = next((i for i in range(start + 1, len(lines)) if re.match(r"\s*- 编号: ", lines[i])), len(lines))
    while start > 0 and lines[start - 1].lstrip().startswith("#"):
        start -= 1
    return [line[line.index("#") :].rstrip() for line in lines[start:stop] if "#" in line]


def test_retired_projects_keep_their_places_in_the_archive(tmp_path: Path) -> None:
    root = tmp_path / "ledgers"
    shutil.copytree(ROOT / "ledgers", root)
    plan = plan_rollover(load(root))
    apply_rollover(plan)
    archived = {r.project.code: r for r in load(plan.archive).records}
    for retired in plan.retired:
        rec = archived[retired.code]
        assert (rec.region, rec.ledger.value, rec.project.name) == (retired.region, retired.ledger, retired.name)
        assert rec.ledger in (Ledger.BUILDING, Ledger.UNSTAT)


def test_cut_all_takes_runs_of_projects_with_their_separators() -> None:
    """Projects 2 and 3 (a run) and 5 (the last) go: each run with the blank line after it, the
    last with the blank line before it, as xm start takes one project; the comment directly above
    a project goes with it, the one separated by a blank line stays."""
    from xiangmu_cli.write.projects import cut_all

    text = (
        "项目:\n"
        "  - 编号: P1\n    名称: 一\n\n"
        "  # 二的注释\n  - 编号: P2\n    名称: 二\n\n"
        "  - 编号: P3\n    名称: 三\n    # 三的尾注\n\n"
        "  # 分组注释\n\n"
        "  - 编号: P4\n    名称: 四\n\n"
        "  - 编号: P5\n    名称: 五\n"
        "# 文件尾注释\n"
    )
    expected = "项目:\n  - 编号: P1\n    名称: 一\n\n  # 分组注释\n\n  - 编号: P4\n    名称: 四\n# 文件尾注释\n"
    assert cut_all(Doc(text), [1, 2, 4]) == expected
    assert cut_all(Doc(text), range(5)) == "项目: []\n# 文件尾注释\n"
