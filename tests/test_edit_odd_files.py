"""Edits on files written in unusual but valid ways (issue 12): flow-style projects
(``- {编号: …}``), lone-CR line breaks, tabs where YAML allows them, NEL/LS/PS characters; files
that are not regular files (FIFOs, devices) and what the edits must not read (hidden and stray
entries). Each is either edited exactly (every other byte kept) or refused with a Chinese message
saying why and what to do, never an internal error, never a hang.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xiangmu_cli.cli import app
from xiangmu_cli.reading.loading import load
from xiangmu_cli.write import edit, verify

from .conftest import write_repo
from .test_edit import BUILDING, FILES, INVESTMENT, PLANNED, UNSTAT, _changes, _hashes

runner = CliRunner()

# One flow-style project in each ledger, one of them over several lines with a comment inside.
FLOW_BUILDING = (
    BUILDING
    + """
  - {编号: CY-B3, 名称: 流式在建, 总投资: 5000, 项目秘书: 王芳, 建设性质: 新建, 开工日期: 2018-04-01, 年度计划投资: 3000, 入统日期: 2018-05-01}

  - {编号: CY-B4, 名称: 多行流式,   # 行内注释
     总投资: 5000, 建设性质: 新建,
     开工日期: 2018-04-01, 年度计划投资: 3000}  # 结尾注释
"""
)
FLOW_PLANNED = (
    PLANNED
    + """
  - {编号: CY-P4, 名称: 流式计划, 总投资: 6000, 项目秘书: 王芳, 计划开工日期: 2018-10-01, 年度计划投资: 100, 开工条件: 待定}
"""
)
FLOW_UNSTAT = (
    UNSTAT.replace("# 文件尾注释\n", "")
    + """
  - {编号: CY-U3, 名称: 流式未入统, 总投资: 7000, 项目秘书: 李强, 建设性质: 新建, 开工日期: 2018-06-01, 年度计划投资: 10, 未入统原因: 待审, 入统时限: 2018-10-31}
# 文件尾注释
"""
)
FLOW_INVESTMENT = (
    INVESTMENT
    + """
  - {编号: CY-I3, 名称: 流式招商, 总投资: 9000, 阶段: 签约, 投资方: 某某公司, 来源地: 浙江, 签约日期: 2018-03-01}
"""
)
FLOW_FILES = {
    **FILES,
    "船营区/在建.yaml": FLOW_BUILDING,
    "船营区/计划开工.yaml": FLOW_PLANNED,
    "船营区/未入统.yaml": FLOW_UNSTAT,
    "船营区/招商.yaml": FLOW_INVESTMENT,
}


def _repo(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    root = write_repo(tmp_path, files)
    assert [p for p in load(root).problems if p.is_error] == []
    return root


def _cli(root: Path, *args: str):
    return runner.invoke(app, [*args, "--ledgers", str(root)])


def _project(root: Path, code: str):
    return next(r for r in load(root).records if r.project.code == code)


# --- flow-style projects ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "check"),
    [
        (
            ["visit", "CY-B3", "--date", "2018-09-30"],
            "CY-B3",
            lambda p: [v.day.isoformat() for v in p.visits] == ["2018-09-30"],
        ),
        (
            ["visit", "CY-B4", "--date", "2018-09-30", "--note", "协调: 用地"],
            "CY-B4",
            lambda p: [(v.day.isoformat(), v.content) for v in p.visits] == [("2018-09-30", "协调: 用地")],
        ),
        (
            [
                "problem",
                "add",
                "CY-B3",
                "--date",
                "2018-09-30",
                "--content",
                "缺电, 待协调",
                "--department",
                "供电公司",
                "--deadline",
                "2018-10-30",
            ],
            "CY-B3",
            lambda p: (
                [(i.content, i.department, i.deadline.isoformat()) for i in p.issues]
                == [("缺电, 待协调", "供电公司", "2018-10-30")]
            ),
        ),
        (
            ["problem", "add", "CY-B4", "--date", "2018-09-30", "--content", "缺水"],
            "CY-B4",
            lambda p: [i.content for i in p.issues] == ["缺水"],
        ),
        (
            ["invest", "CY-B3", "--month", "2018-09", "--amount", "12,000"],
            "CY-B3",
            lambda p: {k: str(v) for k, v in p.monthly.items()} == {"2018-09": "12000"},
        ),
        (
            ["invest", "CY-B4", "--month", "2018-09", "--amount", "0.5亿"],
            "CY-B4",
            lambda p: {k: str(v) for k, v in p.monthly.items()} == {"2018-09": "5000.0"},
        ),
    ],
)
def test_in_place_edits_of_flow_style_projects(tmp_path: Path, args: list[str], code: str, check) -> None:
    root = _repo(tmp_path, FLOW_FILES)
    result = _cli(root, *args)
    assert result.exit_code == 0, result.stderr
    assert check(_project(root, code).project)
    new = (root / "船营区/在建.yaml").read_text(encoding="utf-8")
    removed, added = _changes(FLOW_BUILDING, new)
    assert removed and all(
        f"编号: {code}" in line or (code == "CY-B4" and line.startswith("     ")) for line in removed
    )
    assert "# 行内注释" in new and "# 结尾注释" in new and "# 协议额" in new
    assert all("{" in line or "}" in line or line.startswith("     ") for line in added)


def test_flow_style_problem_solve_and_a_second_problem(tmp_path: Path) -> None:
    root = _repo(tmp_path, FLOW_FILES)
    for args in (
        ["problem", "add", "CY-B3", "--date", "2018-09-01", "--content", "缺电"],
        ["problem", "add", "CY-B3", "--date", "2018-09-02", "--content", "缺水"],
        ["problem", "solve", "CY-B3", "1", "--date", "2018-09-20", "--how", "已增容"],
        ["visit", "CY-B3", "--date", "2018-09-21"],
        ["visit", "CY-B3", "--date", "2018-09-22", "--note", "回访"],
        ["invest", "CY-B3", "--month", "2018-08", "--amount", "10"],
        ["invest", "CY-B3", "--month", "2018-07", "--amount", "5"],
        ["invest", "CY-B3", "--month", "2018-08", "--amount", "11"],
        ["finish", "CY-B3", "--date", "2018-09-30"],
    ):
        result = _cli(root, *args)
        assert result.exit_code == 0, (args, result.stderr)
    project = _project(root, "CY-B3").project
    assert [(i.content, i.solved) for i in project.issues] == [("缺电", project.issues[0].solved), ("缺水", None)]
    assert project.issues[0].solved.isoformat() == "2018-09-20" and project.issues[0].solution == "已增容"
    assert [str(v.day) for v in project.visits] == ["2018-09-21", "2018-09-22"]
    assert {k: str(v) for k, v in project.monthly.items()} == {"2018-07": "5", "2018-08": "11"}
    line = next(x for x in (root / "船营区/在建.yaml").read_text(encoding="utf-8").splitlines() if "CY-B3" in x)
    assert line == (
        "  - {编号: CY-B3, 名称: 流式在建, 总投资: 5000, 项目秘书: 王芳, "
        "问题: [{提出日期: 2018-09-01, 内容: 缺电, 解决日期: 2018-09-20, 解决情况: 已增容}, "
        "{提出日期: 2018-09-02, 内容: 缺水}], 走访: [2018-09-21, {日期: 2018-09-22, 内容: 回访}], "
        "建设性质: 新建, 开工日期: 2018-04-01, 竣工日期: 2018-09-30, 年度计划投资: 3000, "
        "完成投资: {2018-07: 5, 2018-08: 11}, 入统日期: 2018-05-01}"
    )


def test_moves_of_flow_style_projects_then_edits_on_them(tmp_path: Path) -> None:
    """落地 → 开工 → 入统 of a `- {编号: …}` project, with a 走访 and a 问题 at each stage: the project
    stays one flow-style line, every other line of the four files stays as it was."""
    root = _repo(tmp_path, FLOW_FILES)
    steps = [
        (
            ["land", "CY-I3", "--date", "2018-09-20", "--planned-start", "2018-10-15"],
            "船营区/招商.yaml",
            "船营区/计划开工.yaml",
        ),
        (["start", "CY-I3", "--date", "2018-09-25", "--plan", "100"], "船营区/计划开工.yaml", "船营区/未入统.yaml"),
        (["enter-stats", "CY-I3", "--date", "2018-09-28"], "船营区/未入统.yaml", "船营区/在建.yaml"),
    ]
    for n, (args, source, dest) in enumerate(steps, 1):
        before = {rel: (root / rel).read_text(encoding="utf-8") for rel in (source, dest)}
        result = _cli(root, *args)
        assert result.exit_code == 0, (args, result.stderr)
        assert _project(root, "CY-I3").file.endswith(dest)
        removed, added = _changes(before[source], (root / source).read_text(encoding="utf-8"))
        assert len([x for x in removed if x.strip()]) == 1 and "CY-I3" in "".join(removed)
        assert not [x for x in added if x.strip()]
        removed, added = _changes(before[dest], (root / dest).read_text(encoding="utf-8"))
        assert not [x for x in removed if x.strip() and not x.startswith("#")]
        assert len([x for x in added if x.strip()]) == 1 and "{编号: CY-I3," in "".join(added)
        for more in (
            ["visit", "CY-I3", "--date", f"2018-09-2{n}", "--note", f"第{n}次"],
            ["problem", "add", "CY-I3", "--date", f"2018-09-2{n}", "--content", f"问题{n}"],
        ):
            assert _cli(root, *more).exit_code == 0
    project = _project(root, "CY-I3").project
    assert [v.content for v in project.visits] == ["第1次", "第2次", "第3次"]
    assert [i.content for i in project.issues] == ["问题1", "问题2", "问题3"]
    assert (str(project.stats_date), str(project.start_date), str(project.planned_start)) == (
        "2018-09-28",
        "2018-09-25",
        "2018-10-15",
    )
    # What each move kept, in 在建's key order: its own keys, then those kept from 招商 (阶段 and
    # 未入统原因 dropped on the way).
    assert (str(project.sign_date), str(project.land_date), project.investor, project.origin) == (
        "2018-03-01",
        "2018-09-20",
        "某某公司",
        "浙江",
    )
    line = next(x for x in (root / "船营区/在建.yaml").read_text(encoding="utf-8").splitlines() if "CY-I3" in x)
    assert line == (
        "  - {编号: CY-I3, 名称: 流式招商, 总投资: 9000, 问题: [{提出日期: 2018-09-21, 内容: 问题1}, "
        "{提出日期: 2018-09-22, 内容: 问题2}, {提出日期: 2018-09-23, 内容: 问题3}], "
        "走访: [{日期: 2018-09-21, 内容: 第1次}, {日期: 2018-09-22, 内容: 第2次}, {日期: 2018-09-23, 内容: 第3次}], "
        "建设性质: 新建, 开工日期: 2018-09-25, 计划开工日期: 2018-10-15, 年度计划投资: 100, "
        "入统日期: 2018-09-28, 投资方: 某某公司, 来源地: 浙江, 签约日期: 2018-03-01, 落地日期: 2018-09-20}"
    )


def test_a_flow_style_project_out_of_order_is_put_in_order(tmp_path: Path) -> None:
    """A `- {编号: …}` project on one line whose keys are out of order is rewritten in the
    target's order (each pair as written); one over several lines keeps its order."""
    messy = FLOW_PLANNED.replace(
        "  - {编号: CY-P4, 名称: 流式计划, 总投资: 6000, 项目秘书: 王芳, 计划开工日期: 2018-10-01, 年度计划投资: 100, 开工条件: 待定}",
        '  - {名称: 流式计划, 年度计划投资: 100, 编号: CY-P4, 计划开工日期: 2018-10-01, 开工条件: 待定, 总投资: "6000", 项目秘书: 王芳}  # 尾注',
    )
    several = FLOW_UNSTAT.replace(
        "# 文件尾注释\n",
        """\
  - {编号: CY-U4, 未入统原因: 待审,   # 行内注释
     名称: 多行未入统, 总投资: 7000, 项目秘书: 李强,
     开工日期: 2018-06-01, 建设性质: 新建, 年度计划投资: 10}
# 文件尾注释
""",
    )
    root = _repo(tmp_path, {**FLOW_FILES, "船营区/计划开工.yaml": messy, "船营区/未入统.yaml": several})
    result = _cli(root, "start", "CY-P4", "--date", "2018-10-08")
    assert result.exit_code == 0, result.stderr
    line = next(x for x in (root / "船营区/未入统.yaml").read_text(encoding="utf-8").splitlines() if "CY-P4" in x)
    assert line == (
        '  - {编号: CY-P4, 名称: 流式计划, 总投资: "6000", 项目秘书: 王芳, 建设性质: 新建, 开工日期: 2018-10-08, '
        "计划开工日期: 2018-10-01, 年度计划投资: 100, 未入统原因: 新开工，尚未入统}  # 尾注"
    )
    result = _cli(root, "enter-stats", "CY-U4", "--date", "2018-10-08")
    assert result.exit_code == 0, result.stderr
    assert (
        (root / "船营区/在建.yaml")
        .read_text(encoding="utf-8")
        .endswith("""\
  - {编号: CY-U4,   # 行内注释
     名称: 多行未入统, 总投资: 7000, 项目秘书: 李强,
     开工日期: 2018-06-01, 建设性质: 新建, 年度计划投资: 10, 入统日期: 2018-10-08}
""")
    )


# --- line breaks --------------------------------------------------------------------------------

EVENTS = [
    ["visit", "CY-B1", "--date", "2018-09-30", "--note", "夜间巡查"],
    ["problem", "add", "CY-B1", "--date", "2018-09-30", "--content", "缺电", "--department", "供电公司"],
    ["problem", "solve", "CY-B1", "2", "--date", "2018-09-30", "--how", "已办"],
    ["invest", "CY-B1", "--month", "2018-05", "--amount", "700"],
    ["invest", "CY-U2", "--month", "2018-08", "--amount", "50"],
    ["visit", "CY-U2", "--date", "2018-09-30"],
    ["finish", "CY-B1", "--date", "2018-09-30"],
    ["enter-stats", "CY-U1", "--date", "2018-09-30"],
    ["start", "CY-P1", "--date", "2018-09-20"],
    ["land", "CY-I1", "--date", "2018-09-20", "--planned-start", "2018-10-15"],
]


def _run_all(root: Path) -> dict[str, bytes]:
    for args in EVENTS:
        result = _cli(root, *args)
        assert result.exit_code == 0, (args, result.stderr)
    return {rel: (root / rel).read_bytes() for rel in FILES}


def test_lone_cr_files_are_edited_in_their_own_line_breaks(tmp_path: Path) -> None:
    """Old Mac line breaks (CR only) are kept: the same edits give the same bytes with CR for LF."""
    expected = _run_all(_repo(tmp_path / "lf", FILES))
    cr_files = {rel: text.replace("\n", "\r").encode() for rel, text in FILES.items()}
    got = _run_all(_repo(tmp_path / "cr", cr_files))
    assert got == {rel: data.replace(b"\n", b"\r") for rel, data in expected.items()}


def test_mixed_lone_cr_is_refused_with_the_fmt_hint(tmp_path: Path) -> None:
    mixed = BUILDING.replace("    形象进度: 主体施工\n", "    形象进度: 主体施工\r")
    root = _repo(tmp_path, {**FILES, "船营区/在建.yaml": mixed})
    before = _hashes(root)
    result = _cli(root, "visit", "CY-B2", "--date", "2018-09-30")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"错误：{root / '船营区/在建.yaml'}:27:15: 换行符混用")
    assert f"请先运行 xm fmt {root / '船营区/在建.yaml'} 统一换行" in result.stderr
    assert "缺陷" not in result.stderr and _hashes(root) == before
    assert runner.invoke(app, ["fmt", str(root / "船营区/在建.yaml")]).exit_code == 0
    assert _cli(root, "visit", "CY-B2", "--date", "2018-09-30").exit_code == 0


# --- tabs and other odd characters --------------------------------------------------------------

# (before, after) on lines no event of EVENTS changes: tabs ruamel's pure scanner refuses
# (`a: 1 \t# c`, trailing space-tab, a tab-indented comment line, a tab in a flow mapping) and
# the characters ruamel (YAML 1.1) takes for line breaks where the loader (YAML 1.2) does not.
ODD = {
    "船营区/在建.yaml": [
        ("总投资: 1.2亿   # 协议额", "总投资: 1.2亿 \t# 协议额"),
        ("    形象进度: 主体施工\n", "    形象进度: 主体施工 \t\n"),
        ("      # 第二个问题\n", "\t# 第二个问题\n"),
        ("{日期: 2018-09-21, 内容: 协调供电}  # 市领导陪同", "{日期: 2018-09-21,\t内容: 协调供电}\t# 市领导陪同"),
        ("    名称: 在建项目二\n", "    名称: 在建项目二\t\n"),
    ],
    "船营区/未入统.yaml": [
        ("# 流式写法", "# 流式\u2028写法 x: 1"),
        ("# 待补", "# 待\x85补"),
        ("    名称: 未入统项目二\n", "    名称: 未入统\u2029项目二 \t\n"),
    ],
    "船营区/计划开工.yaml": [
        ("    名称: 计划项目一   # 行尾注释", "    名称: 计划项目一 \t # 行尾注释"),
        ("    计划开工日期: 2018-10-01\n", "    计划开工日期: 2018-10-01\t\n"),
    ],
    "船营区/招商.yaml": [
        ("    来源地: 浙江\n", "    来源地: 浙江 \t\n"),
        ("    阶段: 洽谈\n", "    阶段: 洽谈\t \t\n"),
        ("    投资方: 佛山金桥控股集团有限公司\n", "    投资方: 佛山金桥控股集团有限公司 \t\n"),
    ],
}


def _odd(text: str, rel: str) -> str:
    for old, new in ODD.get(rel, []):
        assert old in text, (rel, old)
        text = text.replace(old, new)
    return text


def test_tabs_and_unicode_breaks_are_edited_byte_for_byte(tmp_path: Path) -> None:
    """The same edits on the odd files give exactly the plain files' results with the same odd
    bytes (wherever the moves took those lines)."""
    expected = _run_all(_repo(tmp_path / "plain", FILES))
    got = _run_all(_repo(tmp_path / "odd", {rel: _odd(text, rel) for rel, text in FILES.items()}))
    texts = {rel: data.decode() for rel, data in expected.items()}
    for old, new in [pair for pairs in ODD.values() for pair in pairs]:
        assert sum(text.count(old) for text in texts.values()) <= 1, old  # 0: a line the move dropped
        texts = {rel: text.replace(old, new) for rel, text in texts.items()}
    assert {rel: data.decode() for rel, data in got.items()} == texts


# --- block scalars in a moved project -----------------------------------------------------------

#: A 计划开工 project written at column 0, with a literal 备注 whose middle line is two blanks of
#: content (more than its indentation), and a dropped 开工条件 whose only comment is on its `|` line.
BLOCK_PLANNED = """\
地区: 船营区
台账: 计划开工
项目:
- 编号: CY-P1
  名称: 计划项目一
  总投资: 8000
  项目秘书: 王芳
  计划开工日期: 2018-09-15
  年度计划投资: 3000
  备注: |
    甲
<six blanks>
    乙
  开工条件: |  # 国土局
    用地待挂牌
""".replace("<six blanks>", " " * 6)
UNSTAT_AT_4 = """\
地区: 船营区
台账: 未入统
项目:
    - 编号: CY-U9
      名称: 未入统项目九
      总投资: 9000
      项目秘书: 王芳
      建设性质: 新建
      开工日期: 2018-06-01
      年度计划投资: 4000
      未入统原因: 手续未全
"""


@pytest.mark.parametrize("destination", [None, UNSTAT_AT_4], ids=["new-file", "deeper-file"])
def test_a_block_scalar_keeps_its_blank_content_when_the_project_moves_deeper(
    tmp_path: Path, destination: str | None
) -> None:
    """Re-indenting a moved block shifts a line of blanks too: beyond the scalar's indentation
    they are content (the edit used to be refused as not giving the intended data)."""
    files = {"xiangmu.yaml": FILES["xiangmu.yaml"], "船营区/计划开工.yaml": BLOCK_PLANNED}
    if destination is not None:
        files["船营区/未入统.yaml"] = destination
    root = _repo(tmp_path, files)
    result = _cli(root, "start", "CY-P1", "--date", "2018-09-20")
    assert result.exit_code == 0, result.stderr
    assert _project(root, "CY-P1").project.model_dump(by_alias=True)["备注"] == "甲\n  \n乙"
    moved = (root / "船营区/未入统.yaml").read_text(encoding="utf-8")
    pad = "  " if destination is None else "    "
    assert f"{pad}  备注: |\n{pad}    甲\n{pad}      \n{pad}    乙\n" in moved


def test_a_comment_on_the_header_of_a_dropped_block_scalar_is_kept(tmp_path: Path) -> None:
    """开工条件 is dropped by xm start; its comment, written on its `|` line, goes with it above 开工日期."""
    root = _repo(tmp_path, {"xiangmu.yaml": FILES["xiangmu.yaml"], "船营区/计划开工.yaml": BLOCK_PLANNED})
    result = _cli(root, "start", "CY-P1", "--date", "2018-09-20")
    assert result.exit_code == 0, result.stderr
    assert "连同注释改为注释行，放在 开工日期 上方" in result.stdout
    moved = (root / "船营区/未入统.yaml").read_text(encoding="utf-8")
    assert "    # 开工条件: |  # 国土局\n    #   用地待挂牌\n    开工日期: 2018-09-20\n" in moved


# --- files that are not regular files -----------------------------------------------------------


def _xm(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """xm in a child process: a hang is a failed test, not a stuck test run."""
    return subprocess.run(
        [sys.executable, "-m", "xiangmu_cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "XM_LOCK_WAIT": "5"},
    )


def test_fmt_refuses_a_fifo_and_a_device_without_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "管道.yaml"
    os.mkfifo(fifo)
    result = _xm("fmt", str(fifo))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{fifo}: E009 错误：无法读取文件：不是普通文件（命名管道 FIFO），未读取" in result.stdout
    assert "提示：xm fmt 只整理普通的 YAML 文件" in result.stdout
    result = _xm("fmt", "/dev/zero")
    assert result.returncode == 1 and "不是普通文件（字符设备）" in result.stdout
    assert not Path("/dev/.xm.lock").exists()
    result = _xm("fmt", "--check", "/dev/zero")
    assert result.returncode == 1 and "不是普通文件（字符设备）" in result.stdout


def test_fmt_of_a_folder_with_a_fifo_formats_the_rest(tmp_path: Path) -> None:
    unordered = BUILDING.replace("    项目秘书: 李强\n", "").replace(
        "    年度计划投资: 3000\n", "    年度计划投资: 3000\n    项目秘书: 李强\n"
    )
    root = write_repo(tmp_path, {**FILES, "船营区/在建.yaml": unordered})
    os.mkfifo(root / "船营区" / "管道.yaml")
    result = _xm("fmt", str(root / "船营区"))
    assert result.returncode == 1, result.stderr
    assert "命名管道 FIFO" in result.stdout and "已格式化：" in result.stdout
    assert (root / "船营区/在建.yaml").read_text(encoding="utf-8") == BUILDING


def test_edits_never_open_fifos_or_walk_stray_and_hidden_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the loader does not read, the edits neither copy nor open: FIFOs beside the ledgers,
    stray and hidden folders (thousands of files in them are not walked)."""
    root = _repo(tmp_path, FILES)
    os.mkfifo(root / "船营区" / "管道")
    for folder in (root / "船营区" / "junk", root / ".junk", root / "船营区" / ".junk"):
        folder.mkdir()
        os.mkfifo(folder / "在建.yaml")
        for i in range(300):
            (folder / f"f{i}.yaml").write_text("x: 1\n", encoding="utf-8")
    seen: list[list[str]] = []
    real_load = verify.load

    def spying_load(where: Path, *args, **kwargs):
        if where != root:
            seen.append(sorted(p.relative_to(where).as_posix() for p in where.rglob("*")))
        return real_load(where, *args, **kwargs)

    monkeypatch.setattr(verify, "load", spying_load)
    plan = edit.visit(load(root), "CY-B1", "2018-09-30", "夜间巡查")
    edit.apply(plan)
    assert seen == [
        [
            "xiangmu.yaml",
            "船营区",
            "船营区/在建.yaml",
            "船营区/招商.yaml",
            "船营区/未入统.yaml",
            "船营区/计划开工.yaml",
            "高新区",
            "高新区/计划开工.yaml",
        ]
    ]
    assert "夜间巡查" in (root / "船营区/在建.yaml").read_text(encoding="utf-8")


def test_edits_with_a_fifo_as_a_ledger_file(tmp_path: Path) -> None:
    """A FIFO (or symlink) where the destination ledger goes is a ledger error: refused, no hang."""
    files = {rel: text for rel, text in FILES.items() if rel != "船营区/在建.yaml"}
    root = write_repo(tmp_path, files)
    os.mkfifo(root / "船营区" / "在建.yaml")
    result = _xm("enter-stats", "CY-U1", "--date", "2018-09-30", "--ledgers", str(root))
    assert result.returncode == 1 and "Traceback" not in result.stderr and "缺陷" not in result.stderr
    assert "有 1 个错误，不能自动修改；请先运行 xm validate 并改正" in result.stderr
    result = _xm("visit", "CY-U1", "--date", "2018-09-30", "--ledgers", str(root))
    assert result.returncode == 0, result.stderr
    assert "2018-09-30" in (root / "船营区/未入统.yaml").read_text(encoding="utf-8")


def test_a_ledger_file_swapped_for_a_fifo_after_loading_is_not_opened(tmp_path: Path) -> None:
    root = _repo(tmp_path, FILES)
    script = f"""
import os, sys
from pathlib import Path
from xiangmu_cli.write import edit
from xiangmu_cli.reading.loading import load
root = Path({str(root)!r})
repo = load(root)
path = root / "船营区/在建.yaml"
path.unlink()
os.mkfifo(path)
try:
    edit.visit(repo, "CY-B1", "2018-09-30")
except edit.EditError as exc:
    print(exc.message)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.stdout.endswith("在建.yaml：不是普通文件（命名管道 FIFO），未读取\n"), result.stderr
