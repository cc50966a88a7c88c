"""Event commands that edit the ledgers in place (`xm start`, `enter-stats`, `land`, `finish`,
`invest`, `visit`, `problem add|solve`): exact resulting texts, comments and untouched lines kept
byte for byte, refusals that leave every file untouched, and the CLI's messages and exit codes.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import shutil
import stat
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from xiangmu_cli.cli import app
from xiangmu_cli.ledger.model import PROJECT_MODELS, key_order
from xiangmu_cli.ledger.vocab import Ledger
from xiangmu_cli.reading.loading import load
from xiangmu_cli.write import edit, verify
from xiangmu_cli.write.edit import EditError

from .conftest import ROOT, write_repo

runner = CliRunner()

CONFIG = """\
# 测试台账配置
名称: 测试台账
年度: 2018
口径:
  入统时限: 2018-09-30
领导:
  - 姓名: 张明
地区:
  - {名称: 船营区, 类型: 区县}
  - {名称: 高新区, 类型: 开发区}
"""

PLANNED = """\
# yaml-language-server: $schema=../../schemas/计划开工.schema.json
# 船营区 计划开工台账
地区: 船营区
台账: 计划开工
项目:
  # 第一个计划项目
  - 编号: CY-P1
    名称: 计划项目一   # 行尾注释
    总投资: 8000
    项目秘书: 王芳
    计划开工日期: 2018-09-15
    年度计划投资: 3000  # 年初下达
    # 手续情况
    前期手续:
      - {名称: 立项, 计划办结: 2018-05-01, 办结日期: 2018-05-03}  # 已批
      # 用地待批
      - {名称: 用地, 计划办结: 2018-08-01}
    开工条件: 用地待挂牌  # 国土局
    # 项目内最后的注释

  # ---- 以下为续建 ----

  # 第二个计划项目的注释
  - 编号: CY-P2
    名称: 计划项目二
    总投资: 6000
    项目秘书: 王芳
    建设性质: 续建
    计划开工日期: 2018-10-01
    年度计划投资: 2000

  - 编号: CY-P3
    名称: 计划项目三
    总投资: 7000
    项目秘书: 李强
    计划开工日期: 2018-11-01
# 文件末尾的注释
"""

UNSTAT = """\
# yaml-language-server: $schema=../../schemas/未入统.schema.json
# 船营区 未入统台账
地区: 船营区
台账: 未入统
项目:
  - 编号: CY-U1
    名称: 未入统项目一
    总投资: 9000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-06-01
    年度计划投资: 4000
    完成投资: {2018-06: 500, 2018-08: 700}   # 流式写法
    未入统原因: 手续未全   # 待补
    入统时限: 2018-10-31

  # U2 的注释
  - 编号: CY-U2
    名称: 未入统项目二
    总投资: 12000
    项目秘书: 李强
    走访: [2018-09-01]   # 流式列表
    建设性质: 新建
    开工日期: 2018-07-01
    年度计划投资: 5000
    完成投资:
      2018-07: 100
      # 8月漏报
      2018-09: 300
    未入统原因: 入库资料待审核
# 文件尾注释
"""

BUILDING = """\
# yaml-language-server: $schema=../../schemas/在建.schema.json
地区: 船营区
台账: 在建
项目:
  - 编号: CY-B1
    名称: 在建项目一
    总投资: 1.2亿   # 协议额
    项目秘书: 王芳
    问题:
      - 提出日期: 2018-06-06
        内容: 临时用电不足
        责任单位: 供电公司
        时限: 2018-07-06
      # 第二个问题
      - 提出日期: 2018-08-01
        内容: 用地手续滞后
    走访:
      - 2018-09-04
      - {日期: 2018-09-21, 内容: 协调供电}  # 市领导陪同
    建设性质: 续建
    开工日期: 2017-05-01
    复工日期: 2018-03-15
    年度计划投资: 6000
    完成投资:
      2018-03: 500
      2018-04: 600   # 快报数
    形象进度: 主体施工
    入统日期: 2017-06-01

  - 编号: CY-B2
    名称: 在建项目二
    总投资: 5500
    项目秘书: 李强
    问题: [{提出日期: 2018-05-01, 内容: 资金不到位}]
    建设性质: 新建
    开工日期: 2018-04-01
    年度计划投资: 3000
"""

INVESTMENT = """\
# yaml-language-server: $schema=../../schemas/招商.schema.json
地区: 船营区
台账: 招商
项目:
  - 编号: CY-I1
    名称: 招商项目一
    总投资: 20000
    项目秘书: 王芳
    # 吉浙合作推介会签约
    阶段: 签约
    投资方: 宁波明远投资有限公司   # 民企
    来源地: 浙江
    签约日期: 2018-03-28
    计划落地日期: 2018-10-31
    重点: true

  - 编号: CY-I2
    名称: 招商项目二
    总投资: 9000
    阶段: 洽谈
    投资方: 佛山金桥控股集团有限公司
"""

GX_PLANNED = """\
# yaml-language-server: $schema=../../schemas/计划开工.schema.json
地区: 高新区
台账: 计划开工
项目:
- 编号: GX-P1
  名称: 高新计划项目   # 唯一的项目
  总投资: 50000
  项目秘书: 赵敏
  计划开工日期: 2018-09-01
"""

FILES = {
    "xiangmu.yaml": CONFIG,
    "船营区/计划开工.yaml": PLANNED,
    "船营区/未入统.yaml": UNSTAT,
    "船营区/在建.yaml": BUILDING,
    "船营区/招商.yaml": INVESTMENT,
    "高新区/计划开工.yaml": GX_PLANNED,
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    repo = write_repo(tmp_path, FILES)
    assert load(repo).problems == []
    return repo


def _apply(root: Path, event, *args, **kwargs) -> edit.EditPlan:
    plan = event(load(root), *args, **kwargs)
    edit.apply(plan)
    assert [p for p in load(root).problems if p.is_error] == []
    return plan


def _text(root: Path, rel: str) -> str:
    return (root / rel).read_text(encoding="utf-8")


def _hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _record(root: Path, code: str):  # type: ignore[no-untyped-def]
    return next(r for r in load(root).records if r.project.code == code)


def _problems_of(root: Path, code: str) -> list[str]:
    """Every problem (errors and warnings) of one project, as 'code message'."""
    return [f"{p.code} {p.message}" for p in load(root).problems if p.project == code]


def _changes(old: str, new: str) -> tuple[list[str], list[str]]:
    """(removed lines, added lines) between two texts; every other line is byte-identical."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    removed, added = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            removed += a[i1:i2]
            added += b[j1:j2]
    return removed, added


def _comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def _eol_comments(text: str) -> list[str]:
    return [
        line[line.index(" #") + 1 :].strip()
        for line in text.splitlines()
        if " #" in line and not line.strip().startswith("#")
    ]


def _assert_comments_kept(before: list[str], after: list[str]) -> None:
    """Every comment of the texts before (own-line or end-of-line) is in the texts after, as
    many times (a dropped key's comment now follows its commented-out line)."""
    old, new = "".join(before), "".join(after)
    for comment in set(_comments(old) + _eol_comments(old)):
        assert new.count(comment) >= old.count(comment), comment


def _assert_fmt_canonical(root: Path, *rels: str) -> None:
    """The files are as `xm fmt` leaves them: the moved record's keys and comments are where
    fmt would put them (the fixtures are canonical before the moves)."""
    from xiangmu_cli.write.fmt import format_text

    for rel in rels:
        text = _text(root, rel)
        assert format_text(text, rel.split("/")[-1].removesuffix(".yaml")) == text, rel


# --- moves ------------------------------------------------------------------------------------


def test_start_moves_the_block_with_its_comments(root: Path) -> None:
    plan = _apply(root, edit.start, "CY-P1", "2018-09-20")
    assert list(plan.changes) == [root / "船营区/未入统.yaml", root / "船营区/计划开工.yaml"]  # destination first
    assert plan.summary == (
        "CY-P1（计划项目一）：计划开工 → 未入统（开工日期 2018-09-20）；"
        "不再保留计划开工台账专用的 开工条件（连同注释改为注释行，放在 开工日期 上方）"
    )
    assert (
        _text(root, "船营区/计划开工.yaml")
        == """\
# yaml-language-server: $schema=../../schemas/计划开工.schema.json
# 船营区 计划开工台账
地区: 船营区
台账: 计划开工
项目:
  # ---- 以下为续建 ----

  # 第二个计划项目的注释
  - 编号: CY-P2
    名称: 计划项目二
    总投资: 6000
    项目秘书: 王芳
    建设性质: 续建
    计划开工日期: 2018-10-01
    年度计划投资: 2000

  - 编号: CY-P3
    名称: 计划项目三
    总投资: 7000
    项目秘书: 李强
    计划开工日期: 2018-11-01
# 文件末尾的注释
"""
    )
    assert _text(root, "船营区/未入统.yaml") == UNSTAT.replace(
        "# 文件尾注释\n",
        """\

  # 第一个计划项目
  - 编号: CY-P1
    名称: 计划项目一   # 行尾注释
    总投资: 8000
    项目秘书: 王芳
    建设性质: 新建
    # 开工条件: 用地待挂牌  # 国土局
    开工日期: 2018-09-20
    计划开工日期: 2018-09-15
    年度计划投资: 3000  # 年初下达
    # 手续情况
    前期手续:
      - {名称: 立项, 计划办结: 2018-05-01, 办结日期: 2018-05-03}  # 已批
      # 用地待批
      - {名称: 用地, 计划办结: 2018-08-01}
    未入统原因: 新开工，尚未入统
    # 项目内最后的注释
# 文件尾注释
""",
    )
    _assert_comments_kept([PLANNED, UNSTAT], [_text(root, "船营区/计划开工.yaml"), _text(root, "船营区/未入统.yaml")])


def test_start_creates_the_destination_and_leaves_an_empty_list(root: Path) -> None:
    os.chmod(root / "高新区/计划开工.yaml", 0o640)
    plan = _apply(root, edit.start, "GX-P1", date(2018, 9, 5), plan="1.5亿", reason="入库资料待补")
    assert list(plan.changes) == [root / "高新区/未入统.yaml", root / "高新区/计划开工.yaml"]
    assert plan.originals[root / "高新区/未入统.yaml"] is None
    assert (
        _text(root, "高新区/计划开工.yaml")
        == """\
# yaml-language-server: $schema=../../schemas/计划开工.schema.json
地区: 高新区
台账: 计划开工
项目: []
"""
    )
    # The indentless sequence is re-indented to the standard two spaces of the new file.
    assert (
        _text(root, "高新区/未入统.yaml")
        == """\
# yaml-language-server: $schema=../../schemas/未入统.schema.json
地区: 高新区
台账: 未入统
项目:
  - 编号: GX-P1
    名称: 高新计划项目   # 唯一的项目
    总投资: 50000
    项目秘书: 赵敏
    建设性质: 新建
    开工日期: 2018-09-05
    计划开工日期: 2018-09-01
    年度计划投资: 1.5亿
    未入统原因: 入库资料待补
"""
    )
    assert stat.S_IMODE((root / "高新区/未入统.yaml").stat().st_mode) == 0o640
    assert stat.S_IMODE((root / "高新区/计划开工.yaml").stat().st_mode) == 0o640
    # And back: a project appended to `项目: []`.
    _apply(root, edit.start, "CY-P3", "2018-11-02", plan="3000")  # another region, unaffected
    assert _text(root, "高新区/计划开工.yaml").endswith("项目: []\n")


def test_start_into_an_empty_list(root: Path) -> None:
    (root / "高新区/未入统.yaml").write_text("地区: 高新区\n台账: 未入统\n项目: []   # 暂无\n", encoding="utf-8")
    _apply(root, edit.start, "GX-P1", "2018-09-05", plan="2000")
    assert (
        _text(root, "高新区/未入统.yaml")
        == """\
地区: 高新区
台账: 未入统
项目:   # 暂无
- 编号: GX-P1
  名称: 高新计划项目   # 唯一的项目
  总投资: 50000
  项目秘书: 赵敏
  建设性质: 新建
  开工日期: 2018-09-05
  计划开工日期: 2018-09-01
  年度计划投资: 2000
  未入统原因: 新开工，尚未入统
"""
    )


def test_start_of_the_last_project_takes_its_separator_along(root: Path) -> None:
    _apply(root, edit.start, "CY-P3", "2018-11-02", plan="3000")
    assert _text(root, "船营区/计划开工.yaml").endswith("""\
    计划开工日期: 2018-10-01
    年度计划投资: 2000
# 文件末尾的注释
""")


def test_start_needs_an_annual_plan(root: Path) -> None:
    before = _hashes(root)
    with pytest.raises(EditError) as exc:
        edit.start(load(root), "CY-P3", "2018-11-02")
    assert exc.value.code == 2
    assert "没有 年度计划投资" in exc.value.message and "--plan" in exc.value.message
    assert _hashes(root) == before


def test_start_with_plan_replaces_the_value_and_keeps_its_comment(root: Path) -> None:
    plan = _apply(root, edit.start, "CY-P1", "2018-09-20", plan="3500", reason="统计局审核中")
    assert "年度计划投资 3500（原为 3000）" in plan.summary
    text = _text(root, "船营区/未入统.yaml")
    assert (
        "    年度计划投资: 3500  # 年初下达\n    # 手续情况\n    前期手续:\n" in text
        and "      - {名称: 用地, 计划办结: 2018-08-01}\n    未入统原因: 统计局审核中\n" in text
    )


def test_start_of_a_continuing_project_records_the_resumption(root: Path) -> None:
    with pytest.raises(EditError) as exc:
        edit.start(load(root), "CY-P2", "2018-10-03")
    assert exc.value.code == 2 and "--first-start" in exc.value.message
    _apply(root, edit.start, "CY-P2", "2018-10-03", first_start="2016-04-01")
    moved = next(r for r in load(root).records if r.project.code == "CY-P2")
    assert moved.ledger is Ledger.UNSTAT
    assert (moved.project.start_date, moved.project.resume_date) == (date(2016, 4, 1), date(2018, 10, 3))
    assert (
        "    建设性质: 续建\n    开工日期: 2016-04-01\n    复工日期: 2018-10-03\n    计划开工日期: 2018-10-01\n"
        in _text(root, "船营区/未入统.yaml")
    )


def test_enter_stats(root: Path) -> None:
    plan = _apply(root, edit.enter_stats, "CY-U2", "2018-09-25")
    assert (
        plan.summary
        == "CY-U2（未入统项目二）：未入统 → 在建（入统日期 2018-09-25）；不再保留未入统台账专用的 未入统原因"
    )
    assert _text(root, "船营区/未入统.yaml") == UNSTAT[: UNSTAT.index("\n  # U2 的注释")] + "# 文件尾注释\n"
    assert (
        _text(root, "船营区/在建.yaml")
        == BUILDING
        + """\

  # U2 的注释
  - 编号: CY-U2
    名称: 未入统项目二
    总投资: 12000
    项目秘书: 李强
    走访: [2018-09-01]   # 流式列表
    建设性质: 新建
    开工日期: 2018-07-01
    年度计划投资: 5000
    完成投资:
      2018-07: 100
      # 8月漏报
      2018-09: 300
    入统日期: 2018-09-25
"""
    )


def test_enter_stats_keeps_the_deadline_and_the_reasons_comment(root: Path) -> None:
    plan = _apply(root, edit.enter_stats, "CY-U1", "2018-09-25")
    assert plan.summary == (
        "CY-U1（未入统项目一）：未入统 → 在建（入统日期 2018-09-25）；"
        "不再保留未入统台账专用的 未入统原因（连同注释改为注释行，放在 入统日期 上方）"
    )
    building = _text(root, "船营区/在建.yaml")
    assert (
        building
        == BUILDING
        + """\

  - 编号: CY-U1
    名称: 未入统项目一
    总投资: 9000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-06-01
    年度计划投资: 4000
    完成投资: {2018-06: 500, 2018-08: 700}   # 流式写法
    # 未入统原因: 手续未全   # 待补
    入统日期: 2018-09-25
    入统时限: 2018-10-31
"""
    )
    moved = _record(root, "CY-U1")
    assert moved.ledger is Ledger.BUILDING
    assert (moved.project.stats_date, moved.project.stats_deadline) == (date(2018, 9, 25), date(2018, 10, 31))
    assert _problems_of(root, "CY-U1") == []
    _assert_fmt_canonical(root, "船营区/在建.yaml", "船营区/未入统.yaml")
    assert _text(root, "船营区/未入统.yaml").startswith(UNSTAT[: UNSTAT.index("  - 编号: CY-U1")] + "  # U2 的注释\n")


def test_land(root: Path) -> None:
    plan = _apply(root, edit.land, "CY-I1", "2018-09-20", "2018-10-15")
    assert plan.summary == (
        "CY-I1（招商项目一）：招商 → 计划开工（落地日期 2018-09-20，计划开工日期 2018-10-15）；"
        "不再保留招商台账专用的 阶段（连同注释改为注释行，放在 落地日期 上方）"
    )
    assert _text(root, "船营区/招商.yaml") == INVESTMENT.replace(
        INVESTMENT[INVESTMENT.index("  - 编号: CY-I1") : INVESTMENT.index("  - 编号: CY-I2")], ""
    )
    # 计划开工日期 among the ledger's own keys, then the kept 招商 keys in 招商's order, 落地日期
    # among them; the comment above the dropped 阶段 stays with it, commented out, above 落地日期.
    assert _text(root, "船营区/计划开工.yaml") == PLANNED.replace(
        "# 文件末尾的注释\n",
        """\

  - 编号: CY-I1
    名称: 招商项目一
    总投资: 20000
    项目秘书: 王芳
    计划开工日期: 2018-10-15
    投资方: 宁波明远投资有限公司   # 民企
    来源地: 浙江
    签约日期: 2018-03-28
    计划落地日期: 2018-10-31
    # 吉浙合作推介会签约
    # 阶段: 签约
    落地日期: 2018-09-20
    重点: true
# 文件末尾的注释
""",
    )
    _assert_comments_kept([PLANNED, INVESTMENT], [_text(root, "船营区/计划开工.yaml"), _text(root, "船营区/招商.yaml")])
    _assert_fmt_canonical(root, "船营区/计划开工.yaml", "船营区/招商.yaml")


def test_land_keeps_the_investment_history(root: Path) -> None:
    _apply(root, edit.land, "CY-I1", "2018-09-20", "2018-10-15")
    moved = _record(root, "CY-I1")
    p = moved.project
    assert moved.ledger is Ledger.PLANNED
    assert (p.investor, p.origin, p.sign_date, p.planned_land, p.land_date, p.key) == (
        "宁波明远投资有限公司",
        "浙江",
        date(2018, 3, 28),
        date(2018, 10, 31),
        date(2018, 9, 20),
        True,
    )
    assert p.planned_start == date(2018, 10, 15)
    assert p.owner is None  # 投资方 stays 投资方: no 建设单位 is made up from it
    assert _problems_of(root, "CY-I1") == []
    # and on: 开工 and 入统 keep all of it, and what 开工 and 入统 bring
    _apply(root, edit.start, "CY-I1", "2018-10-20", plan="1亿")
    _apply(root, edit.enter_stats, "CY-I1", "2018-10-25")
    moved = _record(root, "CY-I1")
    p = moved.project
    assert moved.ledger is Ledger.BUILDING
    assert (p.investor, p.origin, p.sign_date, p.planned_land, p.land_date, p.key) == (
        "宁波明远投资有限公司",
        "浙江",
        date(2018, 3, 28),
        date(2018, 10, 31),
        date(2018, 9, 20),
        True,
    )
    assert (p.planned_start, p.start_date, p.stats_date) == (date(2018, 10, 15), date(2018, 10, 20), date(2018, 10, 25))
    assert _problems_of(root, "CY-I1") == []
    assert (
        _text(root, "船营区/在建.yaml")
        == BUILDING
        + """\

  - 编号: CY-I1
    名称: 招商项目一
    总投资: 20000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-10-20
    计划开工日期: 2018-10-15
    年度计划投资: 1亿
    入统日期: 2018-10-25
    投资方: 宁波明远投资有限公司   # 民企
    来源地: 浙江
    签约日期: 2018-03-28
    计划落地日期: 2018-10-31
    # 吉浙合作推介会签约
    # 阶段: 签约
    落地日期: 2018-09-20
    重点: true
"""
    )
    _assert_fmt_canonical(root, "船营区/在建.yaml", "船营区/未入统.yaml", "船营区/计划开工.yaml")


def test_land_of_a_landed_record_puts_the_notes_above_its_date_and_its_comment(root: Path) -> None:
    landed = INVESTMENT.replace("    阶段: 签约\n", "    阶段: 落地  # 已落地\n").replace(
        "    计划落地日期: 2018-10-31\n", "    计划落地日期: 2018-10-31\n    # 九月落地\n    落地日期: 2018-09-20\n"
    )
    (root / "船营区/招商.yaml").write_text(landed, encoding="utf-8")
    with pytest.raises(EditError, match="招商台账记录的落地日期为 2018-09-20，与 --date 2018-09-21 不一致"):
        edit.land(load(root), "CY-I1", "2018-09-21", "2018-10-15")
    _apply(root, edit.land, "CY-I1", "2018-09-20", "2018-10-15")
    assert _text(root, "船营区/计划开工.yaml").endswith("""\
    计划落地日期: 2018-10-31
    # 吉浙合作推介会签约
    # 阶段: 落地  # 已落地
    # 九月落地
    落地日期: 2018-09-20
    重点: true
# 文件末尾的注释
""")


def test_moved_keys_take_the_target_order_with_their_comments(root: Path) -> None:
    """A record written out of order: after the move its keys are in the target's order (as
    `xm fmt` puts them), each with the comment lines above it, its end-of-line comment and its
    nested lines; a dropped key without comments just goes."""
    messy = PLANNED.replace(
        "# 文件末尾的注释\n",
        """\

  - 编号: CY-P5
    名称: 乱序项目
    # 手续
    前期手续:
      - {名称: 立项, 计划办结: 2018-05-01}   # 待批
    总投资: 6000   # 估算
    # 计划
    计划开工日期: 2018-10-01  # 原定
    项目秘书: 王芳
    签约日期: 2018-03-01   # 签约会
    # 投资方说明
    投资方: 某公司
    落地日期: 2018-04-01
    年度计划投资: 100
    开工条件: 待定
# 文件末尾的注释
""",
    )
    (root / "船营区/计划开工.yaml").write_text(messy, encoding="utf-8")
    plan = _apply(root, edit.start, "CY-P5", "2018-10-08")
    assert (
        plan.summary
        == "CY-P5（乱序项目）：计划开工 → 未入统（开工日期 2018-10-08）；不再保留计划开工台账专用的 开工条件"
    )
    assert _text(root, "船营区/计划开工.yaml") == PLANNED
    assert _text(root, "船营区/未入统.yaml") == UNSTAT.replace(
        "# 文件尾注释\n",
        """\

  - 编号: CY-P5
    名称: 乱序项目
    总投资: 6000   # 估算
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-10-08
    # 计划
    计划开工日期: 2018-10-01  # 原定
    年度计划投资: 100
    # 手续
    前期手续:
      - {名称: 立项, 计划办结: 2018-05-01}   # 待批
    未入统原因: 新开工，尚未入统
    # 投资方说明
    投资方: 某公司
    签约日期: 2018-03-01   # 签约会
    落地日期: 2018-04-01
# 文件尾注释
""",
    )
    p = _record(root, "CY-P5").project
    assert ([a.name for a in p.approvals], p.planned_start, p.start_date) == (
        ["立项"],
        date(2018, 10, 1),
        date(2018, 10, 8),
    )
    assert _problems_of(root, "CY-P5") == []
    _assert_fmt_canonical(root, "船营区/未入统.yaml")


def test_start_keeps_the_approvals_and_the_planned_date(root: Path) -> None:
    _apply(root, edit.start, "CY-P1", "2018-09-20")
    moved = _record(root, "CY-P1")
    p = moved.project
    assert moved.ledger is Ledger.UNSTAT
    assert p.planned_start == date(2018, 9, 15) and p.start_date == date(2018, 9, 20)
    assert [(a.name, a.due, a.done) for a in p.approvals] == [
        ("立项", date(2018, 5, 1), date(2018, 5, 3)),
        ("用地", date(2018, 8, 1), None),
    ]
    assert _problems_of(root, "CY-P1") == []
    _assert_fmt_canonical(root, "船营区/未入统.yaml", "船营区/计划开工.yaml")


def test_event_dates_before_the_history_are_refused(root: Path) -> None:
    before = _hashes(root)
    with pytest.raises(EditError, match="入统日期 2018-05-31 早于开工日期 2018-06-01"):
        edit.enter_stats(load(root), "CY-U1", "2018-05-31")
    with pytest.raises(EditError, match="复工日期 2016-01-01 早于最初开工日期 2016-04-01"):
        edit.start(load(root), "CY-P2", "2016-01-01", first_start="2016-04-01")
    assert _hashes(root) == before
    _apply(root, edit.land, "CY-I1", "2018-09-20", "2018-10-15")
    before = _hashes(root)
    with pytest.raises(EditError) as exc:
        edit.start(load(root), "CY-I1", "2018-09-19", plan="100")
    assert (exc.value.code, exc.value.message) == (1, "开工日期 2018-09-19 早于落地日期 2018-09-20")
    assert _hashes(root) == before


def test_land_refusals(root: Path) -> None:
    before = _hashes(root)
    with pytest.raises(EditError, match="还在 洽谈 阶段"):
        edit.land(load(root), "CY-I2", "2018-09-20", "2018-10-15")
    with pytest.raises(EditError, match="早于签约日期 2018-03-28"):
        edit.land(load(root), "CY-I1", "2018-03-01", "2018-10-15")
    with pytest.raises(EditError) as exc:
        edit.land(load(root), "CY-I1", "2018-09-20", "2018-13-01")
    assert exc.value.code == 2 and exc.value.message.startswith("--planned-start：")
    assert _hashes(root) == before


# --- edits in place ---------------------------------------------------------------------------


def test_finish_inserts_then_replaces(root: Path) -> None:
    plan = _apply(root, edit.finish, "CY-B1", "2018-11-30")
    assert plan.summary == "CY-B1（在建项目一）：竣工日期 2018-11-30"
    assert _changes(BUILDING, _text(root, "船营区/在建.yaml")) == ([], ["    竣工日期: 2018-11-30\n"])
    assert "    复工日期: 2018-03-15\n    竣工日期: 2018-11-30\n    年度计划投资: 6000\n" in _text(
        root, "船营区/在建.yaml"
    )
    plan = _apply(root, edit.finish, "CY-B1", "2018-12-01")
    assert plan.summary == "CY-B1（在建项目一）：竣工日期 2018-12-01（原为 2018-11-30）"
    assert _changes(BUILDING, _text(root, "船营区/在建.yaml")) == ([], ["    竣工日期: 2018-12-01\n"])
    plan = edit.finish(load(root), "CY-B1", "2018-12-01")
    assert plan.changes == {} and plan.summary.startswith("无需修改：")


def test_finish_before_the_start_is_refused(root: Path) -> None:
    before = _hashes(root)
    with pytest.raises(EditError) as exc:
        edit.finish(load(root), "CY-B2", "2018-03-01")
    assert exc.value.code == 1 and exc.value.message.startswith("修改后台账会出现以下错误")
    assert any("E303" in line for line in exc.value.details)
    assert _hashes(root) == before


@pytest.mark.parametrize(
    ("code", "month", "amount", "removed", "added"),
    [
        # block mapping: before a later month, above the comment that belongs to it
        ("CY-U2", "2018-08", "1.2亿", [], ["      2018-08: 1.2亿\n"]),
        # block mapping: after the last month
        ("CY-U2", "2018-10", "5000万元", [], ["      2018-10: 5000万元\n"]),
        # block mapping: replace, keeping the end-of-line comment
        ("CY-B1", "2018-04", "650", ["      2018-04: 600   # 快报数\n"], ["      2018-04: 650   # 快报数\n"]),
        # flow mapping: in month order; a comma is quoted there
        (
            "CY-U1",
            "2018-07",
            "12,000",
            ["    完成投资: {2018-06: 500, 2018-08: 700}   # 流式写法\n"],
            ['    完成投资: {2018-06: 500, 2018-07: "12,000", 2018-08: 700}   # 流式写法\n'],
        ),
        (
            "CY-U1",
            "2018-09",
            "０.５亿",
            ["    完成投资: {2018-06: 500, 2018-08: 700}   # 流式写法\n"],
            ["    完成投资: {2018-06: 500, 2018-08: 700, 2018-09: ０.５亿}   # 流式写法\n"],
        ),
        # no 完成投资 yet: the key goes after 年度计划投资
        ("CY-B2", "2018-09", "800", [], ["    完成投资:\n", "      2018-09: 800\n"]),
    ],
)
def test_invest(root: Path, code: str, month: str, amount: str, removed: list[str], added: list[str]) -> None:
    file = "船营区/未入统.yaml" if code.startswith("CY-U") else "船营区/在建.yaml"
    old = _text(root, file)
    plan = _apply(root, edit.invest, code, month, amount)
    assert plan.summary.startswith(f"{code}（") and f"完成投资 {month} = {amount}" in plan.summary
    assert _changes(old, _text(root, file)) == (removed, added)


def test_invest_month_order_and_replacement_summary(root: Path) -> None:
    _apply(root, edit.invest, "CY-U2", "2018-08", "1.2亿")
    assert "      2018-07: 100\n      2018-08: 1.2亿\n      # 8月漏报\n      2018-09: 300\n" in _text(
        root, "船营区/未入统.yaml"
    )
    plan = _apply(root, edit.invest, "CY-U2", "2018-08", "12000")
    assert plan.summary == "CY-U2（未入统项目二）：完成投资 2018-08 = 12000（原为 1.2亿）"
    plan = edit.invest(load(root), "CY-U2", "2018-08", "12000")
    assert plan.changes == {}


def test_invest_outside_the_year_is_refused(root: Path) -> None:
    before = _hashes(root)
    with pytest.raises(EditError) as exc:
        edit.invest(load(root), "CY-U2", "2019-01", "100")
    assert exc.value.code == 1 and any("E301" in line for line in exc.value.details)
    for bad in (("2018-13", "100"), ("2018-09", "约100"), ("2018-09", "-5")):
        with pytest.raises(EditError) as exc:
            edit.invest(load(root), "CY-U2", *bad)
        assert exc.value.code == 2
    assert _hashes(root) == before


@pytest.mark.parametrize(
    ("code", "note", "removed", "added"),
    [
        # block list: a bare date
        ("CY-B1", None, [], ["      - 2018-09-30\n"]),
        # block list: with a note, in the flow style of the list's mappings
        ("CY-B1", "现场踏查: 主体", [], ['      - {日期: 2018-09-30, 内容: "现场踏查: 主体"}\n']),
        # flow list
        (
            "CY-U2",
            None,
            ["    走访: [2018-09-01]   # 流式列表\n"],
            ["    走访: [2018-09-01, 2018-09-30]   # 流式列表\n"],
        ),
        (
            "CY-U2",
            "催报",
            ["    走访: [2018-09-01]   # 流式列表\n"],
            ["    走访: [2018-09-01, {日期: 2018-09-30, 内容: 催报}]   # 流式列表\n"],
        ),
        # no 走访 yet: after 问题 (or the common fields before it)
        ("CY-B2", None, [], ["    走访:\n", "      - 2018-09-30\n"]),
        ("CY-P3", "踏查", [], ["    走访:\n", "      - {日期: 2018-09-30, 内容: 踏查}\n"]),
    ],
)
def test_visit(root: Path, code: str, note: str | None, removed: list[str], added: list[str]) -> None:
    file = {"CY-B": "船营区/在建.yaml", "CY-U": "船营区/未入统.yaml", "CY-P": "船营区/计划开工.yaml"}[code[:4]]
    old = _text(root, file)
    plan = _apply(root, edit.visit, code, "2018-09-30", note)
    assert plan.summary.endswith("新增走访 2018-09-30" + (f"（{note}）" if note else ""))
    assert _changes(old, _text(root, file)) == (removed, added)


def test_visit_goes_after_the_last_item_and_its_comments(root: Path) -> None:
    _apply(root, edit.visit, "CY-B1", "2018-09-30")
    assert """\
      - {日期: 2018-09-21, 内容: 协调供电}  # 市领导陪同
      - 2018-09-30
    建设性质: 续建
""" in _text(root, "船营区/在建.yaml")


def test_problem_add(root: Path) -> None:
    plan = _apply(
        root, edit.add_problem, "CY-B1", "2018-09-30", "施工许可未办结", department="住建局", deadline="2018-10-30"
    )
    assert plan.summary == "CY-B1（在建项目一）：新增问题 3「施工许可未办结」"
    assert _changes(BUILDING, _text(root, "船营区/在建.yaml")) == (
        [],
        [
            "      - 提出日期: 2018-09-30\n",
            "        内容: 施工许可未办结\n",
            "        责任单位: 住建局\n",
            "        时限: 2018-10-30\n",
        ],
    )
    assert "        内容: 用地手续滞后\n      - 提出日期: 2018-09-30\n" in _text(root, "船营区/在建.yaml")


def test_problem_add_follows_the_list_style(root: Path) -> None:
    _apply(root, edit.add_problem, "CY-B2", "2018-09-30", "缺少劳务")
    assert _changes(BUILDING, _text(root, "船营区/在建.yaml")) == (
        ["    问题: [{提出日期: 2018-05-01, 内容: 资金不到位}]\n"],
        ["    问题: [{提出日期: 2018-05-01, 内容: 资金不到位}, {提出日期: 2018-09-30, 内容: 缺少劳务}]\n"],
    )
    old = _text(root, "船营区/招商.yaml")
    _apply(root, edit.add_problem, "CY-I2", "2018-09-30", "对方资金紧张")
    assert _changes(old, _text(root, "船营区/招商.yaml")) == (
        [],
        ["    问题:\n", "      - 提出日期: 2018-09-30\n", "        内容: 对方资金紧张\n"],
    )
    assert "    总投资: 9000\n    问题:\n" in _text(root, "船营区/招商.yaml")


def test_problem_solve(root: Path) -> None:
    plan = _apply(root, edit.solve_problem, "CY-B1", 1, "2018-06-24", how="已完成增容")
    assert plan.summary == "CY-B1（在建项目一）：问题 1「临时用电不足」已解决（2018-06-24）"
    assert _changes(BUILDING, _text(root, "船营区/在建.yaml")) == (
        [],
        ["        解决日期: 2018-06-24\n", "        解决情况: 已完成增容\n"],
    )
    assert (
        "        时限: 2018-07-06\n        解决日期: 2018-06-24\n        解决情况: 已完成增容\n      # 第二个问题\n"
        in _text(root, "船营区/在建.yaml")
    )
    old = _text(root, "船营区/在建.yaml")
    _apply(root, edit.solve_problem, "CY-B2", 1, "2018-09-01")
    assert _changes(old, _text(root, "船营区/在建.yaml")) == (
        ["    问题: [{提出日期: 2018-05-01, 内容: 资金不到位}]\n"],
        ["    问题: [{提出日期: 2018-05-01, 内容: 资金不到位, 解决日期: 2018-09-01}]\n"],
    )


def test_problem_solve_refusals(root: Path) -> None:
    before = _hashes(root)
    with pytest.raises(EditError, match="只有 2 个问题，没有第 3 个"):
        edit.solve_problem(load(root), "CY-B1", 3, "2018-09-01")
    with pytest.raises(EditError, match="没有问题"):
        edit.solve_problem(load(root), "CY-U1", 1, "2018-09-01")
    with pytest.raises(EditError) as exc:
        edit.solve_problem(load(root), "CY-B1", 2, "2018-07-01")  # before 提出日期
    assert any("E303" in line or "提出日期" in line for line in exc.value.details)
    assert _hashes(root) == before


# --- refusals, in general ---------------------------------------------------------------------


def test_unknown_code_suggests_close_ones(root: Path) -> None:
    with pytest.raises(EditError) as exc:
        edit.visit(load(root), "CY-B3", "2018-09-30")
    assert exc.value.code == 1
    assert exc.value.message.startswith("没有编号为「CY-B3」的项目，是否应为 ")
    assert "CY-B1" in exc.value.message and "CY-B2" in exc.value.message
    with pytest.raises(EditError, match="是否应为 CY-B1"):
        edit.visit(load(root), "cy-b1", "2018-09-30")


def test_wrong_ledger_says_where_the_project_is(root: Path) -> None:
    with pytest.raises(EditError) as exc:
        edit.start(load(root), "CY-U1", "2018-09-30")
    assert exc.value.code == 1
    assert exc.value.message == (
        "项目 CY-U1（未入统项目一）在 "
        + _shown(root / "船营区/未入统.yaml")
        + "（未入统台账），xm start 只用于计划开工台账中的项目；项目已开工（入统用 xm enter-stats）"
    )
    for event, code in ((edit.enter_stats, "CY-B1"), (edit.land, "CY-P1"), (edit.finish, "CY-P1")):
        with pytest.raises(EditError, match="台账中的项目"):
            args = ("2018-09-30", "2018-10-30") if event is edit.land else ("2018-09-30",)
            event(load(root), code, *args)
    with pytest.raises(EditError, match="只用于在建、未入统台账"):
        edit.invest(load(root), "CY-I1", "2018-09", "5")


def _shown(path: Path) -> str:
    from xiangmu_cli.reading.loading import display_path

    return display_path(path)


def test_files_with_errors_are_not_edited(root: Path) -> None:
    broken = BUILDING.replace("    名称: 在建项目二\n", "    名称: 在建项目二\n    总投资额: 1\n")
    (root / "船营区/在建.yaml").write_text(broken, encoding="utf-8")
    before = _hashes(root)
    with pytest.raises(EditError) as exc:
        edit.visit(load(root), "CY-B1", "2018-09-30")  # another project of the same file
    assert exc.value.code == 1 and "请先运行 xm validate" in exc.value.message
    with pytest.raises(EditError, match="有错误，无法修改"):
        edit.visit(load(root), "CY-B2", "2018-09-30")  # the broken project itself
    with pytest.raises(EditError, match="请先运行 xm validate"):
        edit.enter_stats(load(root), "CY-U1", "2018-09-30")  # the destination has errors
    edit.visit(load(root), "CY-U1", "2018-09-30")  # other files are fine
    assert _hashes(root) == before


def test_apply_refuses_files_changed_since_the_plan(root: Path) -> None:
    plan = edit.enter_stats(load(root), "CY-U1", "2018-09-30")
    (root / "船营区/在建.yaml").write_text(BUILDING + "# 有人刚改过\n", encoding="utf-8")
    before = _hashes(root)
    with pytest.raises(EditError, match="在此期间被修改过"):
        edit.apply(plan)
    assert _hashes(root) == before


def test_verification_refuses_other_changes(root: Path) -> None:
    repo = load(root)
    record = next(r for r in repo.records if r.project.code == "CY-B1")
    intended = record.project.model_dump()
    path = root / "船营区/在建.yaml"
    with pytest.raises(EditError, match="其他项目（CY-B2）"):
        verify.verify(
            repo,
            {path: BUILDING.replace("总投资: 5500", "总投资: 5501")},
            {"CY-B1": ("船营区", Ledger.BUILDING, intended)},
            {"CY-B1": record},
        )
    with pytest.raises(EditError, match="与预期不符") as exc:
        verify.verify(
            repo,
            {path: BUILDING.replace("形象进度: 主体施工", "形象进度: 主体完工")},
            {"CY-B1": ("船营区", Ledger.BUILDING, intended)},
            {"CY-B1": record},
        )
    assert exc.value.details == ["  「形象进度」：得到 '主体完工'，应为 '主体施工'"]


def test_crlf_and_bom_are_kept(root: Path) -> None:
    path = root / "船营区/在建.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + BUILDING.replace("\n", "\r\n").encode("utf-8"))
    _apply(root, edit.visit, "CY-B1", "2018-09-30", "夜间巡查")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\n" not in raw.replace(b"\r\n", b"")
    text = raw[3:].decode("utf-8").replace("\r\n", "\n")
    assert _changes(BUILDING, text) == ([], ["      - {日期: 2018-09-30, 内容: 夜间巡查}\n"])


def test_quoting_of_free_text(root: Path) -> None:
    _apply(root, edit.add_problem, "CY-B2", "2018-09-30", "#1 号楼: 停工", department="true")
    assert '{提出日期: 2018-09-30, 内容: "#1 号楼: 停工", 责任单位: "true"}' in _text(root, "船营区/在建.yaml")
    issue = next(r for r in load(root).records if r.project.code == "CY-B2").project.issues[-1]
    assert (issue.content, issue.department) == ("#1 号楼: 停工", "true")


# --- property: random edits never touch anything else -----------------------------------------

_TARGETS = ["CY-P1", "CY-P2", "CY-P3", "CY-U1", "CY-U2", "CY-B1", "CY-B2", "CY-I1", "CY-I2", "GX-P1"]
_STARTED = ["CY-U1", "CY-U2", "CY-B1", "CY-B2"]
_edits = st.one_of(
    st.tuples(
        st.just("invest"),
        st.sampled_from(_STARTED),
        st.integers(7, 12),
        st.sampled_from(["100", "1.5亿", "5000万元", "12,000", "０.５亿", "0"]),
    ),
    st.tuples(
        st.just("visit"),
        st.sampled_from(_TARGETS),
        st.integers(1, 28),
        st.one_of(st.none(), st.sampled_from(["踏查", "协调: 用地", "#2 标段", "催报 数据"])),
    ),
    st.tuples(
        st.just("problem"),
        st.sampled_from(_TARGETS),
        st.integers(1, 28),
        st.sampled_from(["缺电", "用地: 待批", "资金 # 未到位", "'引号'"]),
    ),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(_edits, min_size=1, max_size=5))
def test_random_edits_touch_only_their_project(tmp_path_factory: pytest.TempPathFactory, steps: list[tuple]) -> None:
    root = write_repo(tmp_path_factory.mktemp("prop"), FILES)
    originals = {rel: (root / rel).read_text(encoding="utf-8") for rel in FILES}
    start = {r.project.code: r.project.model_dump() for r in load(root).records}
    touched = set()
    for kind, code, n, value in steps:
        repo = load(root)
        if kind == "invest":
            plan = edit.invest(repo, code, f"2018-{n:02d}", value)
        elif kind == "visit":
            plan = edit.visit(repo, code, date(2018, 9, n), value)
        else:
            plan = edit.add_problem(repo, code, date(2018, 9, n), value)
        edit.apply(plan)
        touched.add(code)
    repo = load(root)
    assert [p for p in repo.problems if p.is_error] == []
    now = {r.project.code: r.project.model_dump() for r in repo.records}
    assert {c: d for c, d in now.items() if c not in touched} == {c: d for c, d in start.items() if c not in touched}
    for rel, old in originals.items():
        new = (root / rel).read_text(encoding="utf-8")
        removed, _ = _changes(old, new)
        for line in old.splitlines(keepends=True):
            if line.strip().startswith("#"):
                assert line in new.splitlines(keepends=True), line
        # Only lines with an inline value list/map (flow style) or a replaced amount may change.
        assert all("{" in line or "[" in line or ": " in line for line in removed)
        assert all(c in _eol_comments(new) for c in _eol_comments(old))


# --- property: moves keep every comment and put the keys in order ----------------------------

_MOVED_KEYS = [  # a 计划开工 record's keys (after 编号), with values; 开工条件 is dropped by xm start
    ("名称", "随机项目"),
    ("总投资", "6000"),
    ("项目秘书", "王芳"),
    ("计划开工日期", "2018-10-01"),
    ("年度计划投资", "100"),
    ("前期手续", ["- {名称: 立项, 计划办结: 2018-05-01}", "- {名称: 用地}"]),
    ("开工条件", "待定"),
    ("投资方", "某公司"),
    ("签约日期", "2018-03-01"),
    ("落地日期", "2018-04-01"),
    ("重点", "true"),
]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    order=st.permutations(range(len(_MOVED_KEYS))),
    above=st.lists(st.booleans(), min_size=len(_MOVED_KEYS), max_size=len(_MOVED_KEYS)),
    after=st.lists(st.booleans(), min_size=len(_MOVED_KEYS), max_size=len(_MOVED_KEYS)),
)
def test_moves_keep_every_comment_and_order_the_keys(
    tmp_path_factory: pytest.TempPathFactory, order: list[int], above: list[bool], after: list[bool]
) -> None:
    """A record with its keys in any order and comments above and after any of them: after
    xm start, the source lost exactly the block, the destination gained it, every comment is
    there as often as before, the keys are in 未入统's order and the file is as xm fmt leaves it."""
    from xiangmu_cli.write.fmt import format_text

    lines = ["", "  - 编号: CY-P9"]
    for n in order:
        key, value = _MOVED_KEYS[n]
        if above[n]:
            lines.append(f"    # 注释在{key}上")
        tail = f"  # {key}行尾" if after[n] else ""
        if isinstance(value, list):
            lines += [f"    {key}:{tail}"] + [f"      {item}" for item in value]
        else:
            lines.append(f"    {key}: {value}{tail}")
    block = "\n".join(lines) + "\n"
    root = write_repo(tmp_path_factory.mktemp("moves"), {**FILES, "船营区/计划开工.yaml": PLANNED + block})
    _apply(root, edit.start, "CY-P9", "2018-10-08")
    assert _text(root, "船营区/计划开工.yaml") == PLANNED
    unstat = _text(root, "船营区/未入统.yaml")
    assert unstat.startswith(UNSTAT.removesuffix("# 文件尾注释\n"))
    moved = unstat[len(UNSTAT) - len("# 文件尾注释\n") :]
    _assert_comments_kept([block], [moved])
    keys = [
        line.strip().split(":")[0]
        for line in moved.splitlines()
        if line.startswith("    ") and not line.startswith("     ") and not line.strip().startswith("#")
    ]
    want = [
        k
        for k in key_order(PROJECT_MODELS[Ledger.UNSTAT])
        if k in dict(_MOVED_KEYS) or k in ("建设性质", "开工日期", "未入统原因")
    ]
    assert keys == [k for k in want if k not in ("编号", "开工条件")]
    for n, (key, _) in enumerate(_MOVED_KEYS):
        if key == "开工条件":
            continue
        at = next(i for i, line in enumerate(moved.splitlines()) if line.startswith(f"    {key}:"))
        if above[n]:
            assert moved.splitlines()[at - 1] == f"    # 注释在{key}上"
        if after[n]:
            assert moved.splitlines()[at].endswith(f"  # {key}行尾")
    noted = above[6] or after[6]  # 开工条件: commented out above 开工日期 only when it had comments
    assert ("    # 开工条件: 待定" in moved) is noted
    assert format_text(unstat, "未入统") == unstat


# --- the CLI ----------------------------------------------------------------------------------


def _register() -> None:
    # Until cli/__init__.py imports it; imported here, not at collection, so that other test
    # modules see the command list they expect.
    import xiangmu_cli.cli.edit  # noqa: F401


def _cli(root: Path, *args: str) -> object:
    _register()
    return runner.invoke(app, [*args, "--ledgers", str(root)])


def test_cli_commands(root: Path) -> None:
    shown = _shown
    cases = [
        (
            ["start", "CY-P1", "--date", "2018-09-20"],
            "CY-P1（计划项目一）：计划开工 → 未入统（开工日期 2018-09-20）；不再保留计划开工台账专用的 开工条件"
            "（连同注释改为注释行，放在 开工日期 上方）\n"
            f"已修改：{shown(root / '船营区/未入统.yaml')}、{shown(root / '船营区/计划开工.yaml')}\n",
        ),
        (
            ["start", "GX-P1", "--date", "2018-09-05", "--plan", "2000"],
            "GX-P1（高新计划项目）：计划开工 → 未入统（开工日期 2018-09-05，年度计划投资 2000）\n"
            f"已修改：{shown(root / '高新区/未入统.yaml')}（新建）、{shown(root / '高新区/计划开工.yaml')}\n",
        ),
        (
            ["enter-stats", "CY-U1", "--date", "2018-09-25"],
            "CY-U1（未入统项目一）：未入统 → 在建（入统日期 2018-09-25）；不再保留未入统台账专用的 未入统原因"
            "（连同注释改为注释行，放在 入统日期 上方）\n"
            f"已修改：{shown(root / '船营区/在建.yaml')}、{shown(root / '船营区/未入统.yaml')}\n",
        ),
        (
            ["land", "CY-I1", "--date", "2018-09-20", "--planned-start", "2018-10-15"],
            "CY-I1（招商项目一）：招商 → 计划开工（落地日期 2018-09-20，计划开工日期 2018-10-15）；"
            "不再保留招商台账专用的 阶段（连同注释改为注释行，放在 落地日期 上方）\n"
            f"已修改：{shown(root / '船营区/计划开工.yaml')}、{shown(root / '船营区/招商.yaml')}\n",
        ),
        (
            ["finish", "CY-B2", "--date", "2018-11-30"],
            f"CY-B2（在建项目二）：竣工日期 2018-11-30\n已修改：{shown(root / '船营区/在建.yaml')}\n",
        ),
        (
            ["invest", "CY-B2", "--month", "2018-09", "--amount", "1200万元"],
            f"CY-B2（在建项目二）：完成投资 2018-09 = 1200万元\n已修改：{shown(root / '船营区/在建.yaml')}\n",
        ),
        (
            ["visit", "CY-B2", "--date", "2018-09-30", "--note", "踏查"],
            f"CY-B2（在建项目二）：新增走访 2018-09-30（踏查）\n已修改：{shown(root / '船营区/在建.yaml')}\n",
        ),
        (
            [
                "problem",
                "add",
                "CY-B2",
                "--date",
                "2018-09-30",
                "--content",
                "缺电",
                "--department",
                "供电公司",
                "--deadline",
                "2018-10-15",
            ],
            f"CY-B2（在建项目二）：新增问题 2「缺电」\n已修改：{shown(root / '船营区/在建.yaml')}\n",
        ),
        (
            ["problem", "solve", "CY-B2", "2", "--date", "2018-10-01", "--how", "已增容"],
            f"CY-B2（在建项目二）：问题 2「缺电」已解决（2018-10-01）\n已修改：{shown(root / '船营区/在建.yaml')}\n",
        ),
    ]
    for args, expected in cases:
        result = _cli(root, *args)
        assert (result.exit_code, result.stdout) == (0, expected), (args, result.stderr)
    assert load(root).problems == [] or all(not p.is_error for p in load(root).problems)


def test_cli_shows_the_warnings_the_edit_brings(root: Path) -> None:
    result = _cli(root, "invest", "CY-B2", "--month", "2018-09", "--amount", "1亿")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1].startswith("注意：W104 ")
    result = _cli(root, "visit", "CY-B2", "--date", "2018-09-30")
    assert "注意" not in result.stdout  # the W104 is not new any more


def test_cli_no_op_and_dry_run(root: Path) -> None:
    before = _hashes(root)
    result = _cli(root, "invest", "CY-B1", "--month", "2018-04", "--amount", "600")
    assert (result.exit_code, result.stdout) == (0, "无需修改：CY-B1（在建项目一）：完成投资 2018-04 = 600\n")
    result = _cli(root, "visit", "CY-B1", "--date", "2018-09-30", "--dry-run")
    assert result.exit_code == 0
    assert "+      - 2018-09-30\n" in result.stdout
    assert result.stdout.endswith(f"将修改：{_shown(root / '船营区/在建.yaml')}\n")
    assert _hashes(root) == before


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["visit", "CY-B9", "--date", "2018-09-30"], 1, "错误：没有编号为「CY-B9」的项目，是否应为 CY-B2、CY-B1"),
        (["start", "CY-B1", "--date", "2018-09-30"], 1, "xm start 只用于计划开工台账中的项目"),
        (["start", "CY-P3", "--date", "2018-09-30"], 2, "用法错误：项目 CY-P3（计划项目三）没有 年度计划投资"),
        (["finish", "CY-B1", "--date", "2018-02-30"], 2, "用法错误：--date：日期「2018-02-30」不存在"),
        (
            ["finish", "CY-B1", "--date", "2018/11/30"],
            2,
            "用法错误：--date：日期「2018/11/30」格式不对（写成 2018-11-30）",
        ),
        (["invest", "CY-B1", "--month", "2018-9", "--amount", "5"], 2, "用法错误：--month：月份「2018-9」格式不对"),
        (["invest", "CY-B1", "--month", "2018-09", "--amount", "五千"], 2, "用法错误：--amount：金额「五千」无法识别"),
        (
            ["invest", "CY-B1", "--month", "2019-09", "--amount", "5"],
            1,
            "错误：修改后台账会出现以下错误，未写入任何文件：",
        ),
        (["land", "CY-I1", "--date", "2018-09-20"], 2, "用法错误：缺少选项 --planned-start"),
        (["problem", "solve", "CY-B1", "0", "--date", "2018-09-30"], 2, "用法错误：问题序号应从 1 开始"),
        (["problem", "solve", "CY-B1", "5", "--date", "2018-09-30"], 1, "错误：项目 CY-B1（在建项目一）只有 2 个问题"),
        (["problem", "add", "CY-B1", "--date", "2018-09-30"], 2, "用法错误：缺少选项 --content"),
    ],
)
def test_cli_errors(root: Path, args: list[str], code: int, message: str) -> None:
    before = _hashes(root)
    result = _cli(root, *args)
    assert result.exit_code == code, result.stderr
    assert message in result.stderr
    assert result.stdout == ""
    assert _hashes(root) == before


def test_cli_refuses_ledgers_with_errors(root: Path) -> None:
    (root / "船营区/在建.yaml").write_text(
        BUILDING.replace("年度计划投资: 3000", "年度计划投资: 三千"), encoding="utf-8"
    )
    before = _hashes(root)
    result = _cli(root, "visit", "CY-B1", "--date", "2018-09-30")
    assert result.exit_code == 1
    assert "有 1 个错误，不能自动修改；请先运行 xm validate 并改正" in result.stderr
    assert _hashes(root) == before


def test_cli_help_has_an_example() -> None:
    _register()
    for command in (
        ["start"],
        ["enter-stats"],
        ["land"],
        ["finish"],
        ["invest"],
        ["visit"],
        ["problem"],
        ["problem", "add"],
        ["problem", "solve"],
    ):
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0 and "示例：xm " in result.stdout, command


# --- the demo ledgers -------------------------------------------------------------------------


def test_every_command_on_the_demo_ledgers(tmp_path: Path) -> None:
    root = tmp_path / "ledgers"
    shutil.copytree(ROOT / "ledgers", root)
    repo = load(root)

    def first(ledger: Ledger, test=lambda p: True) -> str:
        return next(r.project.code for r in repo.records if r.ledger is ledger and test(r.project))

    planned = first(Ledger.PLANNED, lambda p: p.annual_plan is not None and p.nature_or_default == "新建")
    unstat = first(Ledger.UNSTAT)
    signed = first(Ledger.INVESTMENT, lambda p: p.stage == "签约")
    building = first(
        Ledger.BUILDING, lambda p: p.finish_date is None and p.issues and any(i.solved is None for i in p.issues)
    )
    number = next(
        n
        for n, i in enumerate(next(r.project for r in repo.records if r.project.code == building).issues, 1)
        if i.solved is None
    )
    commands = [
        ["start", planned, "--date", "2018-09-28"],
        ["enter-stats", unstat, "--date", "2018-09-29"],
        ["land", signed, "--date", "2018-09-30", "--planned-start", "2018-10-20"],
        ["finish", building, "--date", "2018-09-30"],
        ["invest", building, "--month", "2018-09", "--amount", "1.2亿"],
        ["visit", building, "--date", "2018-09-30", "--note", "督促进度"],
        ["problem", "add", building, "--date", "2018-09-30", "--content", "冬季施工准备不足"],
        ["problem", "solve", building, str(number), "--date", "2018-09-30", "--how", "已协调"],
    ]
    originals = {p: p.read_text(encoding="utf-8") for p in root.rglob("*.yaml")}
    for args in commands:
        result = _cli(root, *args)
        assert result.exit_code == 0, (args, result.stderr)
        assert "已修改：" in result.stdout
    after = load(root)
    assert [p for p in after.problems if p.is_error] == []
    assert len(after.records) == len(repo.records)
    # Every comment line of the demo is still there, in the file it was in or the one its project moved to.
    texts = "".join(p.read_text(encoding="utf-8") for p in root.rglob("*.yaml"))
    for text in originals.values():
        for line in text.splitlines():
            if line.strip().startswith("#"):
                assert line.strip() in texts
