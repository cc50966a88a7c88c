"""Malformed input of every kind: exit 1 with a located message, never a traceback or a hang."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xiangmu_cli.cli import app

from .conftest import write_repo

runner = CliRunner()
CONFIG = "名称: 测试\n年度: 2018\n地区:\n  - {名称: 船营区, 类型: 区县}\n"


def _billion_laughs() -> str:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n项目: []\n"


CASES: dict[str, tuple[bytes, str]] = {
    "billion-laughs": (_billion_laughs().encode(), "E003"),
    "deep-flow-nesting": (("项目: " + "[" * 100_000 + "]" * 100_000 + "\n").encode(), "E001"),
    # yaml_rs accepts deep block nesting (and crashes on ~20,000 levels): the depth limit (100) stops it first.
    "deep-block-nesting": (("项目:\n" + "".join("  " * i + "- \n" for i in range(1, 3000))).encode(), "E001"),
    "deep-compact-nesting": (("项目:\n  " + "- " * 100_000 + "x\n").encode(), "E001"),
    "unsafe-python-tag": (b"\xe9\xa1\xb9\xe7\x9b\xae: !!python/object/apply:os.system ['echo pwned']\n", "E004"),
    "custom-tag": ("项目: !include other.yaml\n".encode(), "E004"),
    "gbk": ("项目:\n  - 编号: A1\n    名称: 碳纤维\n".encode("gbk"), "E005"),
    "utf16-with-bom": ("项目: []\n".encode("utf-16"), "E005"),
    "utf16-without-bom": ("项目: []\n".encode("utf-16-le"), "E005"),
    "mixed-encodings": ("项目:\n  - 编号: A1\n    名称: 碳纤维\n".encode() + "    备注: 说明\n".encode("gbk"), "E005"),
    "binary-junk": (bytes(range(256)) * 4, "E005"),
    "empty": (b"", "E007"),
    "only-comments": ("# 只有注释\n# 第二行\n".encode(), "E007"),
    "only-document-marker": (b"---\n", "E007"),
    "bare-scalar": ("在建项目\n".encode(), "E008"),
    "top-level-list": ("- 编号: A1\n".encode(), "E008"),
    "duplicate-top-key": ("项目: []\n项目: []\n".encode(), "E002"),
    "two-documents": ("项目: []\n---\n项目: []\n".encode(), "E006"),
    "unclosed-bracket": ("项目: [\n".encode(), "E001"),
    "bad-indentation": ("项目:\n  - 编号: A1\n   名称: 碳纤维\n".encode(), "E001"),
    "document-end-then-more": ("项目: []\n...\n项目: []\n".encode(), "E006"),
    "control-character": ("项目:\n  - 编号: A1\n    名称: 碳\x07纤维\n".encode(), "E001"),
    "long-line": (("项目: []\n备注: " + "长" * 2_000_000 + "\n").encode(), "E101"),
    # integers str() refuses (over 4300 digits), as a value, inside a list and as a key
    "huge-integer": (("地区: " + "1" * 5000 + "\n项目: []\n").encode(), "E204"),
    "huge-integer-in-a-list": (("地区: [" + "1" * 5000 + "]\n项目: []\n").encode(), "E204"),
    # ruamel's own parser asserts on a %YAML version other than 1.1 and 1.2 (an anchor sends the file to it)
    "yaml-1.3-directive": ("%YAML 1.3\n---\n项目: &x []\n".encode(), "E001"),
    "huge-integer-key": (("? " + "1" * 5000 + "\n: 1\n项目: []\n").encode(), "E101"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed_file_is_a_located_error(tmp_path: Path, name: str) -> None:
    content, code = CASES[name]
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": content})
    result = runner.invoke(app, ["validate", "--ledgers", str(root), "--format", "json"])
    assert result.exit_code == 1, result.output[-2000:]
    problems = json.loads(result.stdout)
    assert problems, "no problem reported"
    first = problems[0]
    assert first["code"] == code, problems
    assert first["file"].endswith("在建.yaml") and first["line"] and first["col"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed_file_in_text_format_never_crashes(tmp_path: Path, name: str) -> None:
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": CASES[name][0]})
    result = runner.invoke(app, ["validate", "--ledgers", str(root)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "内部错误" not in result.output


def test_unreadable_and_oversized_files_are_e009(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from xiangmu_cli.base.limits import Limits, using
    from xiangmu_cli.reading import files, loading

    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": "项目: []\n" + "# 一些注释\n" * 20})
    with using(Limits(max_file_bytes=100)):
        big = loading.load(root)
    assert [(p.code, p.file.endswith("在建.yaml"), p.line) for p in big.problems] == [("E009", True, 1)]

    real_read = files.read_regular

    def failing(path: Path, limit: int) -> bytes:
        if path.name == "在建.yaml":
            raise PermissionError(13, "Permission denied")
        return real_read(path, limit)

    monkeypatch.setattr(files, "read_regular", failing)
    denied = loading.load(root)
    assert [(p.code, p.message) for p in denied.problems] == [("E009", "无法读取文件：Permission denied")]


def test_symlinks_are_never_followed(tmp_path: Path) -> None:
    import os

    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": "项目: []\n"})
    secret = tmp_path / "secret.txt"
    secret.write_text("password: hunter2\n", encoding="utf-8")
    os.symlink(secret, root / "船营区" / "未入统.yaml")
    os.symlink(tmp_path, root / "高新区")
    result = runner.invoke(app, ["validate", "--ledgers", str(root)])
    assert result.exit_code == 1
    assert "hunter2" not in result.stdout
    assert result.stdout.count("是符号链接，台账目录中不允许") == 2
