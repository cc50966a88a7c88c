"""Resource limits: each hostile input ends with a clear, located error or a result.

Times and memory are measured by benchmarks/limits.py (docs/robustness.md), never asserted here.
Alias bombs ("billion laughs") are in tests/test_malformed.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xiangmu_cli.base.limits import DEFAULT, Limits, current, using
from xiangmu_cli.cli import app
from xiangmu_cli.ledger.problems import Problem, clip

from .conftest import write_repo

runner = CliRunner()
CONFIG = "名称: 测试\n年度: 2018\n地区:\n  - {名称: 船营区, 类型: 区县}\n"
PROJECT = (
    "项目:\n  - 编号: A1\n    名称: 甲\n    总投资: 6000\n    项目秘书: 王芳\n"
    "    建设性质: 新建\n    开工日期: 2018-03-01\n    年度计划投资: 50\n"
)


def _validate(root: Path, *options: str, env: dict[str, str] | None = None) -> tuple[int, list[dict]]:
    result = runner.invoke(app, ["validate", "--ledgers", str(root), "--format", "json", *options], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, json.loads(result.stdout) if result.exit_code in (0, 1) else []


def _codes(problems: list[dict]) -> list[tuple[str, int | None, int | None]]:
    return [(p["code"], p["line"], p["col"]) for p in problems]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ("项目:\n  " + "- " * 10_000 + "x\n", (2, 201)),  # compact block sequences
        ("项目: " + "[" * 10_000 + "]" * 10_000 + "\n", (1, 104)),  # flow sequences
        ("项目: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n", (1, 401)),  # flow mappings
        ("项目:\n" + "".join(" " * i + "a:\n" for i in range(1, 300)) + "\n", (101, 101)),  # block mappings
    ],
)
def test_deep_nesting_is_a_located_syntax_error(tmp_path: Path, body: str, where: tuple[int, int]) -> None:
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": body})
    code, problems = _validate(root)
    assert code == 1
    assert _codes(problems) == [("E001", *where)]
    assert problems[0]["message"] == "YAML 语法错误：列表和映射嵌套超过 100 层"


def test_one_hundred_thousand_levels_do_not_crash_the_process(tmp_path: Path) -> None:
    # yaml_rs alone overflows its native stack on this 200 KB file (a segfault, no message).
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": "项目:\n  " + "- " * 100_000 + "x\n"})
    assert _codes(_validate(root)[1]) == [("E001", 2, 201)]


def test_max_depth_option(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": "项目:\n  - " + "- " * 150 + "x\n"})
    assert _codes(_validate(root)[1]) == [("E001", 2, 201)]
    # allowed deeper, it is read, and is then only a project of the wrong type
    code, problems = _validate(root, "--max-depth", "500", "--no-cache")
    assert (code, [(p["code"], p["message"]) for p in problems]) == (
        1,
        [("E103", "项目应为映射（编号: …、名称: … 等）")],
    )
    assert _codes(_validate(root, "--no-cache", env={"XM_MAX_DEPTH": "500"})[1]) == [("E103", 2, 5)]


def test_a_valid_ledger_is_not_near_any_limit(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": PROJECT})
    assert _validate(root, "--max-depth", "5", "--max-files", "3", "--max-file-mb", "1") == (0, [])


def test_max_file_size_option_and_environment(tmp_path: Path) -> None:
    big = PROJECT + "    备注: " + "说明" * 400_000 + "\n"  # 2.4 MB
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": big})
    assert _validate(root) == (0, [])
    for code, problems in (_validate(root, "--max-file-mb", "1"), _validate(root, env={"XM_MAX_FILE_MB": "1"})):
        assert (code, _codes(problems)) == (1, [("E009", 1, 1)])
        assert problems[0]["message"] == "文件过大（2.3 MB），不像是台账"
        assert problems[0]["hint"].startswith("台账文件应小于 1 MB")
    # the cache knows the limits: the same files under the default limit are clean again
    assert _validate(root) == (0, [])


def test_too_many_files_reads_nothing(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": PROJECT}
    files.update({f"船营区/杂项{i}.yaml": "项目: []\n" for i in range(30)})
    root = write_repo(tmp_path, files)
    code, problems = _validate(root, "--max-files", "20")
    assert code == 1
    assert [(p["code"], p["file"], p["line"]) for p in problems] == [("E009", str(root), None)]
    assert problems[0]["message"] == "台账目录中的文件和文件夹超过 20 个，未读取任何台账"
    code, problems = _validate(root, "--no-cache")
    assert {p["code"] for p in problems} == {"E203"} and len(problems) == 30


def test_usage_errors_for_bad_limits(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG})
    result = runner.invoke(app, ["validate", "--ledgers", str(root), "--max-depth", "0"])
    assert result.exit_code == 2 and "--max-depth" in result.output


def test_fifty_megabyte_scalar_gives_a_short_located_message(tmp_path: Path) -> None:
    value = "长" * (50 * 2**20 // 3)
    root = write_repo(
        tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": PROJECT.replace("总投资: 6000", f"总投资: {value}")}
    )
    assert _codes(_validate(root)[1]) == [("E009", 1, 1)]  # over the default 20 MB
    result = runner.invoke(app, ["validate", "--ledgers", str(root), "--no-cache", "--max-file-mb", "100"])
    assert result.exit_code == 1
    assert len(result.stdout) < 2000, "the value was echoed whole"
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{root}/船营区/在建.yaml:4:10: E104 错误：「总投资」：金额「长长")
    assert "字）…" in first and first.endswith("长」无法识别")


def test_clip_keeps_start_and_end() -> None:
    assert clip("短") == "短"
    text = "甲" * 1000 + "尾"
    assert clip(text, 60) == "甲" * 40 + "…（省略 951 字）…" + "甲" * 9 + "尾"
    assert Problem("E104", text, "f").message == clip(text)


def test_limits_are_scoped() -> None:
    assert current() is DEFAULT
    with using(Limits(max_depth=3)) as inner:
        assert current() is inner
    assert current() is DEFAULT
