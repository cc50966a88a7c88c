"""Hostile ledgers (issue 12): what a careless or malicious pull request could do to the CI gate.

Each test here failed on the code before the fix it pins (see docs/robustness.md). Memory is
bounded with ``resource.setrlimit`` in a child process, never measured in time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xiangmu_cli.base.limits import Limits, using
from xiangmu_cli.cli import app
from xiangmu_cli.ledger.problems import suggest
from xiangmu_cli.reading import loading

from .conftest import write_repo

runner = CliRunner()
CONFIG = "名称: 测试\n年度: 2018\n地区:\n  - {名称: 船营区, 类型: 区县}\n"
PROJECT = (
    "  - 编号: {id}\n    名称: {name}\n    总投资: 12000\n    项目秘书: 王芳\n    建设性质: 新建\n"
    "    开工日期: 2018-03-15\n    年度计划投资: 6000\n"
)


def _xm_limited(
    args: list[str], cwd: Path, megabytes: int = 600, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    """xm in a child whose address space is capped: running out of memory fails the test."""
    code = (
        "import resource, sys; "
        f"resource.setrlimit(resource.RLIMIT_AS, ({megabytes} << 20, {megabytes} << 20)); "
        "from xiangmu_cli.cli import main; sys.argv = ['xm'] + sys.argv[1:]; main()"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "XM_CACHE": "0"},
    )


def test_a_flood_of_empty_items_is_cut_with_a_count(tmp_path: Path) -> None:
    # 700 KB of "  - {}": each item misses its required keys (600,000 problems, 2.2 GiB before the cap).
    write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": "项目:\n" + "  - {}\n" * 100_000})
    run = _xm_limited(["validate", "--format", "github"], tmp_path)
    assert run.returncode == 1, run.stderr[-2000:]
    assert len(run.stdout) < 2_000_000
    annotations = [line for line in run.stdout.splitlines() if line.startswith("::error")]
    assert len(annotations) == 1001  # the per-file limit, then one E010 saying how many more
    assert "E010" in annotations[-1] and "问题过多：已列出 1000 个，其余" in annotations[-1]


def test_problem_caps_keep_errors_and_count_the_rest(tmp_path: Path) -> None:
    projects = "".join(PROJECT.format(id=f"A{i}", name=f"项目{i}").replace("王芳", "") for i in range(30))
    broken = PROJECT.format(id="B1", name="乙").replace("总投资: 12000", "总投资: 多")
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": "项目:\n" + projects + broken})
    whole = loading.load(root).problems
    assert sum(p.is_error for p in whole) == 1 and len(whole) == 31
    with using(Limits(max_problems_per_file=10, max_problems=100)):
        cut = loading.check(root, jobs=1).problems
    assert [p.code for p in cut].count("E010") == 1
    assert any(p.code == "E104" for p in cut)  # the one error is kept before the warnings
    assert len(cut) == 11 and "另有 21 个未列出" in cut[-1].message
    with using(Limits(max_problems_per_file=100, max_problems=5)):
        cut = loading.check(root, jobs=1).problems
    assert len(cut) == 6 and any(p.code == "E104" for p in cut) and "（全部文件），另有 26 个未列出" in cut[-1].message


def test_a_stray_document_end_cannot_hide_an_alias(tmp_path: Path) -> None:
    # yaml_rs accepts a leading '...' and resolves the alias; ruamel stops at it. Fail closed.
    body = "...\n项目:\n" + PROJECT.format(id="A1", name="&n 碳纤维项目").replace("王芳", "*n")
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": body})
    result = runner.invoke(app, ["validate", "--ledgers", str(root), "--format", "json"])
    problems = json.loads(result.stdout)
    assert result.exit_code == 1
    assert [(p["code"], p["line"], p["col"]) for p in problems] == [("E001", 1, 1)]
    assert "文档结束标记" in problems[0]["message"]


@pytest.mark.parametrize("escape", ["\\e]0;pwned\\a", "\\0", "\\r", "\\u202e", "\\x9b"])
def test_control_characters_are_refused_and_never_printed(tmp_path: Path, escape: str) -> None:
    body = "项目:\n" + PROJECT.format(id="A1", name=f'"碳纤维{escape}项目"')
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": body})
    for fmt in ("text", "github", "json"):
        result = runner.invoke(app, ["validate", "--ledgers", str(root), "--format", fmt])
        assert result.exit_code == 1 and "E111" in result.stdout
        assert not any(ch in result.stdout for ch in "\x1b\x00\r\u202e\x9b\x07")
    problem = json.loads(runner.invoke(app, ["validate", "--ledgers", str(root), "-f", "json"]).stdout)[0]
    assert (problem["line"], problem["col"]) == (3, 9) and "控制字符 U+" in problem["message"]


def test_control_characters_in_keys_and_file_names_are_escaped(tmp_path: Path) -> None:
    body = "项目:\n" + PROJECT.format(id="A1", name="甲") + '    "备注\\e[2J": 1\n'
    root = write_repo(
        tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": body, "船\x1b[31m营/在建.yaml": "项目: []\n"}
    )
    result = runner.invoke(app, ["validate", "--ledgers", str(root)])
    assert result.exit_code == 1 and "\x1b" not in result.stdout
    assert "备注\\x1b[2J" in result.stdout and "船\\x1b[31m营" in result.stdout


@pytest.mark.parametrize("name", ["../船营区", "a/b", ".隐藏", "区?县", "a\\\\b"])
def test_region_names_must_be_folder_names(tmp_path: Path, name: str) -> None:
    config = CONFIG.replace("船营区", name)
    root = write_repo(tmp_path, {"xiangmu.yaml": config})
    result = runner.invoke(app, ["validate", "--ledgers", str(root), "-f", "json"])
    assert result.exit_code == 1
    assert [p["code"] for p in json.loads(result.stdout)] == ["E211"]


def test_info_on_a_repository_without_regions(tmp_path: Path) -> None:
    root = write_repo(tmp_path, {"xiangmu.yaml": "名称: 测试\n年度: 2018\n地区: []\n"})
    assert runner.invoke(app, ["validate", "--ledgers", str(root)]).exit_code == 0
    result = runner.invoke(app, ["info", "--ledgers", str(root)])
    assert result.exit_code == 0 and "全市" in result.stdout and "内部错误" not in result.output


def test_suggestions_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import difflib

    calls: list[str] = []
    real = difflib.get_close_matches
    monkeypatch.setattr(difflib, "get_close_matches", lambda word, *a, **k: calls.append(word) or real(word, *a, **k))
    assert suggest("总投资额", ["总投资", "名称"]) == ["总投资"]
    assert suggest("总投资额", ["总投资", "名称"]) == ["总投资"] and calls == ["总投资额"]  # memoised
    assert suggest("x" * 65, ["x" * 64]) == []  # nobody misspells a 65-character key
    many = [f"领导{i}" for i in range(5000)]
    assert suggest("领导17", many) == ["领导17"] and suggest("领导17x", many) == []
    assert len(calls) == 1


def test_many_distinct_unknown_keys_are_compared_once_each(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import difflib

    calls: list[str] = []
    real = difflib.get_close_matches
    monkeypatch.setattr(difflib, "get_close_matches", lambda word, *a, **k: calls.append(word) or real(word, *a, **k))
    items = "".join(PROJECT.format(id=f"A{i}", name="甲") + "    总投资额: 1\n" for i in range(300))
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": "项目:\n" + items})
    problems = loading.load(root).problems
    assert [p.code for p in problems].count("E101") == 300
    assert calls.count("总投资额") <= 1


@pytest.mark.parametrize("kind", ["link", "fifo"])
def test_output_onto_a_link_or_fifo_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    from .conftest import ROOT

    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    target = tmp_path / "report.html"
    if kind == "link":
        target.symlink_to(victim)
    else:
        os.mkfifo(target)
    for args in (["report", "monthly", "-o", str(target)], ["targets", "-f", "xlsx", "-o", str(target)]):
        result = runner.invoke(app, [*args, "--ledgers", str(ROOT / "ledgers")])
        assert result.exit_code == 2 and "不写入" in result.stderr
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert target.is_symlink() if kind == "link" else not target.is_file()
