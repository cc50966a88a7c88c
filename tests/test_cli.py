"""The CLI through Typer's runner: formats, exit codes, discovery of the ledgers, help."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xiangmu_cli.cli import app
from xiangmu_cli.ledger.problems import Problem
from xiangmu_cli.output.messages import no_commands, problems_github, problems_text
from xiangmu_cli.reading.loading import load

from .conftest import ROOT, write_repo

runner = CliRunner()

CONFIG = """\
名称: 测试台账
年度: 2018
地区:
  - {名称: 船营区, 类型: 区县}
"""
GOOD = """\
# 船营区 在建
项目:
  - 编号: CY-2018-001
    名称: 碳纤维原丝扩能项目
    总投资: 1.2亿
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-03-15
    年度计划投资: 6000
"""
BAD = GOOD.replace("    总投资: 1.2亿", "    总投资额: 1.2亿\n    总投资: 1.2亿")
WARN = GOOD.replace("    项目秘书: 王芳\n", "")


def _repo(tmp_path: Path, ledger: str) -> Path:
    return write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": ledger})


def test_clean_repository_exits_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _repo(tmp_path, GOOD)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0
    assert result.stdout == "未发现问题（检查了 2 个文件、1 个项目）\n"


def test_text_format_shows_location_source_and_caret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _repo(tmp_path, BAD)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "ledgers/船营区/在建.yaml:5:5: E101 错误：未知的键「总投资额」",
        "    5 |     总投资额: 1.2亿",
        "      |     ^",
        "      = 提示：是否应为「总投资」？",
        "1 个错误，0 个警告（检查了 2 个文件、1 个项目）",
    ]


def test_caret_accounts_for_wide_characters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _repo(tmp_path, GOOD.replace("年度计划投资: 6000", "年度计划投资: 约6000"))
    lines = runner.invoke(app, ["validate"]).stdout.splitlines()
    source, caret = lines[1], lines[2]
    # "年度计划投资: " is 6 wide characters (12 columns) and ": " after 4 spaces of indent.
    assert source == "    9 |     年度计划投资: 约6000"
    assert caret == "      |                   ^"


def test_json_equals_the_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    root = _repo(tmp_path, BAD.replace("项目秘书: 王芳", "项目秘书: 王芳\n    包保领导: 李四"))
    result = runner.invoke(app, ["validate", "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [p.as_dict() for p in load(Path("ledgers")).problems]
    first = json.loads(result.stdout)[0]
    assert first["code"] == "E101" and first["line"] == 5 and first["col"] == 5 and first["severity"] == "error"
    assert root.is_dir()


def test_github_format_then_plain_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _repo(tmp_path, BAD)
    lines = runner.invoke(app, ["validate", "--format", "github"]).stdout.splitlines()
    assert lines[0] == (
        "::error file=ledgers/船营区/在建.yaml,line=5,col=5,title=E101 未知的键::"
        "未知的键「总投资额」%0A提示：是否应为「总投资」？"
    )
    assert lines[1] == "ledgers/船营区/在建.yaml:5:5: E101 错误：未知的键「总投资额」"


def test_github_escaping_follows_the_actions_toolkit() -> None:
    problem = Problem("E104", "100% 不对", "a,b:c.yaml", hint="第二行", line=1, col=2)
    assert problems_github([problem]) == [
        "::error file=a%2Cb%3Ac.yaml,line=1,col=2,title=E104 金额或面积无法识别::100%25 不对%0A提示：第二行"
    ]


def test_no_value_can_start_a_workflow_command() -> None:
    # A message quoting a value with line breaks (from a YAML escape) stays on one visible line,
    # and a plain line that would start with "::" (a file in a folder named so) is prefixed.
    problem = Problem(
        "E101", "未知的键「a\r\n::stop-commands::tok\x1b[2J」", "::set-env name=x::y/在建.yaml", hint="", line=1, col=2
    )
    (annotation,) = problems_github([problem])
    assert "%0D" not in annotation and "%0A" not in annotation and "\x1b" not in annotation
    assert annotation.endswith("::未知的键「a\\x0d\\n::stop-commands::tok\\x1b[2J」")
    text = no_commands(problems_text([problem]))
    assert text[0].startswith("› ::set-env name=x::y/在建.yaml:1:2: E101")
    assert all(not line.lstrip().startswith("::") and "\x1b" not in line and "\r" not in line for line in text)


def test_warnings_pass_unless_strict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _repo(tmp_path, WARN)
    loose = runner.invoke(app, ["validate"])
    assert loose.exit_code == 0 and "W102 警告" in loose.stdout
    assert runner.invoke(app, ["validate", "--strict"]).exit_code == 1
    annotations = runner.invoke(app, ["validate", "-f", "github"]).stdout
    assert annotations.startswith("::warning file=ledgers/船营区/在建.yaml,line=3,col=5,title=W102")


@pytest.mark.parametrize(
    "args, message",
    [
        (["validate", "--ledgers", "nowhere"], "台账目录 nowhere 不存在"),
        (["validate", "--bogus"], "没有选项 --bogus"),
        (["validate", "--format", "xml"], "的值无效"),
        (["frobnicate"], "没有命令「frobnicate」"),
    ],
)
def test_usage_errors_exit_2_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    _repo(tmp_path, GOOD)
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr and "用法错误" in result.stderr
    assert "Traceback" not in result.output


def test_ledgers_found_in_a_parent_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repo(tmp_path, BAD)
    monkeypatch.chdir(root / "船营区")
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert result.stdout.startswith("在建.yaml:5:5: E101")


def test_no_ledgers_anywhere_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 2 and "找不到台账目录" in result.stderr


def test_schema_check_detects_stale_files(tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    assert runner.invoke(app, ["schema", "--check", "--out", str(out)]).exit_code == 1
    assert not out.exists(), "--check must not write"
    written = runner.invoke(app, ["schema", "--out", str(out)])
    assert written.exit_code == 0 and len(list(out.glob("*.schema.json"))) == 6  # xiangmu.yaml and five ledgers
    assert runner.invoke(app, ["schema", "--check", "--out", str(out)]).exit_code == 0
    (out / "在建.schema.json").write_text("{}", encoding="utf-8")
    stale = runner.invoke(app, ["schema", "--check", "--out", str(out)])
    assert stale.exit_code == 1 and "在建.schema.json: 已过期" in stale.stdout


def _commands() -> list[str]:
    from typer.main import get_command

    return sorted(get_command(app).commands)  # type: ignore[attr-defined]


def test_help_is_chinese_with_an_example() -> None:
    top = runner.invoke(app, ["--help"])
    assert top.exit_code == 0 and "重点项目建设台账" in top.stdout and "示例" in top.stdout
    assert _commands() == [
        "convert",
        "dept",
        "diff",
        "enter-stats",
        "export",
        "finish",
        "fmt",
        "import",
        "info",
        "invest",
        "land",
        "leader",
        "list",
        "log",
        "next-id",
        "overdue",
        "problem",
        "problems",
        "recheck",
        "remind",
        "report",
        "rollover",
        "schema",
        "score",
        "show",
        "start",
        "targets",
        "textconv",
        "validate",
        "visit",
    ]
    for name in _commands():
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0
        assert "示例：xm " + name in result.stdout, name
        assert "显示本帮助并退出" in result.stdout


def test_info_counts_valid_projects_per_region_and_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from xiangmu_cli.figures.overview import overview_rows

    monkeypatch.chdir(tmp_path)
    second = GOOD.replace("CY-2018-001", "CY-2018-002").replace("总投资: 1.2亿", "总投资: 8,000.5")
    write_repo(
        tmp_path,
        {
            "xiangmu.yaml": CONFIG.replace(
                "  - {名称: 船营区, 类型: 区县}", "  - {名称: 船营区, 类型: 区县}\n  - {名称: 高新区, 类型: 开发区}"
            ),
            "船营区/在建.yaml": GOOD,
            "船营区/未入统.yaml": second.replace(
                "年度计划投资: 6000", "年度计划投资: 6000\n    未入统原因: 未在联网直报平台注册"
            ),
        },
    )
    rows = overview_rows(load(Path("ledgers")))
    # 12000 + 8000.5 = 20000.5 万元; 高新区 has no files.
    assert [(r["地区"], r["在建"], r["未入统"], r["项目数"], str(r["总投资"])) for r in rows] == [
        ("船营区", 1, 1, 2, "20000.5"),
        ("高新区", 0, 0, 0, "0"),
        ("全市", 1, 1, 2, "20000.5"),
    ]
    result = runner.invoke(app, ["info"])  # not a terminal: plain, as every report
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "测试台账（2018 年度）" and lines[2] == "分地区"
    assert lines[3] == "项目数、总投资为在建、未入统、计划开工、招商四本台账之和；谋划（储备库）项目另计"
    header = ["地区", "在建", "未入统", "计划开工", "招商", "谋划", "项目数", "总投资（万元）", "谋划总投资（万元）"]
    assert lines[4].split() == header
    assert [line.split() for line in lines[6:]] == [
        ["船营区", "1", "1", "0", "0", "0", "2", "20,000.5", "0"],
        ["高新区", "0", "0", "0", "0", "0", "0", "0", "0"],
        ["全市", "1", "1", "0", "0", "0", "2", "20,000.5", "0"],
    ]
    data = json.loads(runner.invoke(app, ["info", "--format", "json"]).stdout)
    assert data["title"] == "测试台账（2018 年度）" and data["meta"] == {}
    assert data["分地区"][0] == {
        "地区": "船营区",
        "在建": 1,
        "未入统": 1,
        "计划开工": 0,
        "招商": 0,
        "谋划": 0,
        "项目数": 2,
        "总投资": 20000.50,
        "谋划总投资": 0,
    }
    assert runner.invoke(app, ["info", "-o", str(tmp_path / "info.md")]).exit_code == 0
    assert "| 船营区 |      1 |" in (tmp_path / "info.md").read_text(encoding="utf-8")


def test_info_notes_the_errors_it_left_out(tmp_path: Path) -> None:
    result = runner.invoke(app, ["info", "--ledgers", str(ROOT / "examples/broken/ledgers")])
    assert result.exit_code == 0
    assert "未计入：23 个错误涉及的项目未计入，运行 xm validate 查看" in result.stdout
    assert "注意：台账有 23 个错误" in result.stderr
    # 在建 8, 未入统 2, 计划开工 4, 招商 1, 谋划 0: 15 projects, 561,500 万元; no 谋划总投资
    assert result.stdout.splitlines()[-1].split() == ["全市", "8", "2", "4", "1", "0", "15", "561,500", "0"]
    rich = runner.invoke(app, ["info", "--ledgers", str(ROOT / "examples/broken/ledgers"), "--format", "rich"])
    assert "吉林市重点项目建设台账（错误示例）（2018 年度）" in rich.stdout and "全市" in rich.stdout


def _fresh_python(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_help_skips_rich_modules_it_never_uses() -> None:
    # A fresh interpreter: in this one other tests may have imported them already.
    out = _fresh_python(
        "import sys\nfrom xiangmu_cli.cli import app\nsys.argv = ['xm', '--help']\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('markdown_it', 'pygments')"
        " or m in ('rich.markdown', 'rich.traceback', 'rich.syntax')))\n"
    )
    assert "选项" in out and "命令" in out  # the help itself, typer's words in Chinese
    assert out.rstrip().endswith("[]")


def test_deferred_rich_classes_hand_over_to_the_real_ones() -> None:
    out = _fresh_python(
        "from xiangmu_cli.cli import rich_help\n"
        "ru = rich_help()\n"
        "import rich.markdown, rich.traceback\n"
        "assert hasattr(rich.markdown, 'Heading') and hasattr(rich.traceback, 'install')  # rich's own modules\n"
        "assert type(ru.Markdown('*x*')) is rich.markdown.Markdown\n"
        "assert ru.Traceback.from_exception == rich.traceback.Traceback.from_exception\n"
        "assert rich_help() is ru\n"
        "print('ok')\n"
    )
    assert out == "ok\n"


def test_a_report_freezes_the_loaded_projects_only_while_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc
    from contextlib import contextmanager

    from xiangmu_cli.cli import common

    frozen: list[int] = []
    real = common.split_repository

    @contextmanager
    def spy(root: Path, **options):  # type: ignore[no-untyped-def]
        with real(root, **options) as loaded:
            frozen.append(gc.get_freeze_count())
            yield loaded

    monkeypatch.setattr(common, "split_repository", spy)
    monkeypatch.setattr("xiangmu_cli.cli.reports.split_repository", spy)
    monkeypatch.chdir(tmp_path)
    write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": GOOD})
    result = runner.invoke(app, ["targets", "--no-cache", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert frozen and frozen[0] > 0  # the collector skipped the loaded repository during the report
    assert gc.get_freeze_count() == 0  # and got it back when the command ended


def test_help_wraps_chinese_at_80_columns_and_names_types_in_chinese() -> None:
    # A long Chinese description is wrapped, never cut with "…"; flags show no type, numbers
    # show their bound in Chinese (issue 18).
    import os

    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"}
    for args in (["--help"], ["validate", "--help"], ["overdue", "--help"]):
        result = CliRunner().invoke(app, args, env=env, terminal_width=80)
        assert result.exit_code == 0, result.output
        assert "…" not in result.output, result.output
        assert "<bool>" not in result.output and "range" not in result.output and "x>=" not in result.output
    top = CliRunner().invoke(app, ["--help"], env=env, terminal_width=80).output
    assert "投资等。" in top and "超期、投资漏报" in top.replace("\n", "").replace("│", "").replace(" ", "")
    validate = CliRunner().invoke(app, ["validate", "--help"], env=env, terminal_width=80).output
    assert "<整数>（≥1）" in validate and "<路径>" in validate


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["overdue", "--kind", "走访"], "「走访」不是可选的值，是否应为「走访超期」？"),
        (["validate", "--jobs", "x"], "选项 '--jobs' / '-j'（环境变量 XM_JOBS）的值无效：应为整数"),
        (["validate", "--jobs", "-3"], "的值无效：应不小于 0"),
        (["validate", "a", "b"], "多余的参数：a b"),
        (["validate", "--strct"], "没有选项 --strct，是否应为 --strict？"),
    ],
)
def test_usage_errors_have_no_english(args: list[str], message: str) -> None:
    # Click's and pydantic's English ("Value error, '走访' is not one of …") comes out in Chinese.
    import re

    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr, result.stderr
    words = re.sub(r"--?[\w-]+|XM_\w+|'[^']*'|\bxm\b", "", result.stderr)
    assert not re.search(r"[A-Za-z]{3,}", words), result.stderr


def test_a_nested_value_is_named_by_its_whole_path(tmp_path: Path) -> None:
    # 走访 第 2 项 的 日期, 完成投资 2018-05: the message says where in the project (issue 18).
    root = _repo(
        tmp_path,
        "项目:\n  - 编号: A\n    名称: 甲\n    总投资: 9000\n    项目秘书: 王芳\n    建设性质: 新建\n"
        "    开工日期: 2018-03-01\n    年度计划投资: 100\n    完成投资: {2018-05: -3}\n"
        "    走访: [2018-09-01, {日期: 九月三日}]\n",
    )
    result = runner.invoke(app, ["validate", "--ledgers", str(root), "--format", "json"])
    messages = {p["code"]: p["message"] for p in json.loads(result.stdout)}
    assert messages["E105"].startswith("「完成投资 2018-05」：")
    assert messages["E106"] == "「走访 第 2 项 的 日期」：日期「九月三日」格式不对"


def test_the_program_leaves_with_its_code_its_output_and_its_exit_handlers(tmp_path: Path) -> None:
    """`xm` ends without the interpreter's teardown (cli.leave, issue 15): the exit code is the
    command's, everything written is out, and exit handlers still run, after the output."""
    broken = subprocess.run(
        [sys.executable, "-m", "xiangmu_cli", "validate", "--ledgers", str(ROOT / "examples" / "broken" / "ledgers")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "XM_CACHE_DIR": str(tmp_path)},
    )
    assert broken.returncode == 1, broken.stderr
    in_process = CliRunner().invoke(app, ["validate", "--ledgers", str(ROOT / "examples" / "broken" / "ledgers")])
    assert broken.stdout == in_process.stdout  # all of it
    code = (
        "import atexit, sys\n"
        "from xiangmu_cli.cli import leave\n"
        "atexit.register(lambda: print('handler', flush=False))\n"
        "sys.stdout.write('written, not flushed; ')\n"
        "leave(3)\n"
    )
    left = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert left.returncode == 3
    assert left.stdout == "written, not flushed; handler\n"


def test_a_command_in_this_process_frees_what_it_loaded(tmp_path: Path) -> None:
    """Only the `xm` program keeps a loaded repository until it ends; a command invoked here
    (as the tests do) does not keep it."""
    from xiangmu_cli.cli import common

    assert common.KEEP_LOADED is False
    result = CliRunner().invoke(app, ["targets", "--ledgers", str(ROOT / "ledgers"), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert common._LOADED == []
