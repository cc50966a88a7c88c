"""One tiny ledger per problem code (tests/errors/), with the expected problems in its header.

Header directives of a case file:
  # file: 船营区/在建.yaml      where the case goes in the repository
  # also: 高新区/在建.yaml      a second copy of the same content
  # config: none                no xiangmu.yaml (otherwise tests/errors/_xiangmu.yaml)
  # encoding: gbk               write the case in that encoding
  # expect: FILE[:LINE:COL] CODE   every problem the case must produce, and nothing else
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from xiangmu_cli.ledger.problems import CATALOGUE
from xiangmu_cli.reading.loading import load

from .conftest import write_repo

CASES = Path(__file__).parent / "errors"
CONFIG = (CASES / "_xiangmu.yaml").read_text(encoding="utf-8")
_EXPECT = re.compile(r"# expect: (\S+?)(?::(\d+):(\d+))? ([EW]\d{3})$")


def _directives(text: str) -> tuple[dict[str, list[str]], list[tuple[str, int | None, int | None, str]]]:
    directives: dict[str, list[str]] = {}
    expected = []
    for line in text.splitlines():
        match = _EXPECT.match(line)
        if match:
            file, line_no, col, code = match.groups()
            expected.append((file, int(line_no) if line_no else None, int(col) if col else None, code))
            continue
        d = re.match(r"# (file|also|config|encoding): (.+)$", line)
        if d:
            directives.setdefault(d[1], []).append(d[2].strip())
    return directives, expected


def _cases() -> list[Path]:
    return sorted(p for p in CASES.glob("*.yaml") if not p.name.startswith("_"))


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.stem)
def test_case_produces_exactly_its_problems(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = case.read_text(encoding="utf-8")
    directives, expected = _directives(text)
    assert expected, f"{case.name} has no '# expect:' line"
    encoding = directives.get("encoding", ["utf-8"])[0]
    files: dict[str, str | bytes] = {}
    target = directives["file"][0]
    files[target] = text.encode(encoding)
    for other in directives.get("also", []):
        files[other] = text.encode(encoding)
    if target != "xiangmu.yaml" and directives.get("config") != ["none"]:
        files["xiangmu.yaml"] = CONFIG
    root = write_repo(tmp_path, files)
    monkeypatch.chdir(root)
    repo = load(Path("."))
    got = sorted((p.file, p.line, p.col, p.code) for p in repo.problems)
    assert got == sorted(expected), "\n".join(f"{p.file}:{p.line}:{p.col} {p.code} {p.message}" for p in repo.problems)
    for p in repo.problems:
        assert p.message and p.hint, f"{p.code} lacks a message or a hint"


def test_every_code_has_a_case() -> None:
    covered = {code for case in _cases() for *_, code in _directives(case.read_text(encoding="utf-8"))[1]}
    # E009 (an unreadable file) cannot be made with a file in a folder; test_loading covers it.
    # E010 (too many problems) takes over a thousand problems: test_limits covers it.
    assert set(CATALOGUE) - covered == {"E009", "E010"}


_PROJECT = "".join(
    f"    {line}\n"
    for line in (
        "名称: 碳纤维原丝扩能项目",
        "总投资: 12000",
        "建设性质: 新建",
        "开工日期: 2018-03-15",
        "年度计划投资: 6000",
    )
)


def _load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], locate: bool = True) -> list[Any]:
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, **files})
    monkeypatch.chdir(root)
    return load(Path("."), locate=locate).problems


def test_an_id_read_as_a_number_is_shown_quoted_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = "项目:\n  - 编号: 0_10\n" + _PROJECT + "  - 编号: 数字1\n" + _PROJECT.replace("碳", "钛")
    number, text = (p for p in _load(tmp_path, monkeypatch, {"船营区/在建.yaml": ledger}) if p.code == "E108")
    assert number.message == "「编号」：编号被 YAML 读成了数字「10」"
    assert number.hint == '给编号加引号：编号: "0_10"'
    # a 编号 that is text, however it is worded, keeps its own hint
    assert text.message == "「编号」：编号「数字1」含有不允许的字符"
    assert text.hint == "编号以字母或数字开头，只含字母、数字、- 和 _，例如 CY-2018-001"


def test_a_duplicate_id_names_where_it_was_first_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = "项目:\n  - 编号: CY-1\n" + _PROJECT
    files = {"船营区/在建.yaml": ledger, "船营区/未入统.yaml": ledger.replace("项目:\n", "项目:\n\n")}
    (dup,) = (p for p in _load(tmp_path, monkeypatch, files) if p.code == "E206")
    assert (dup.file, dup.line, dup.col) == ("船营区/未入统.yaml", 3, 9)
    assert dup.message == "编号「CY-1」重复：已在 船营区/在建.yaml:2:9 使用"
    assert dup.related is not None and (dup.related.line, dup.related.col) == (2, 9)
    (unlocated,) = (p for p in _load(tmp_path, monkeypatch, files, locate=False) if p.code == "E206")
    assert unlocated.message == "编号「CY-1」重复：已在 船营区/在建.yaml 使用"


def test_a_stand_in_id_is_never_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 编号 invalid, the rest checkable: W102 (no 项目秘书) is reported without naming a project
    ledger = "项目:\n  - 编号: CY 1\n" + _PROJECT
    problems = _load(tmp_path, monkeypatch, {"船营区/在建.yaml": ledger})
    assert sorted(p.code for p in problems) == ["E108", "W102"]
    assert all(p.project is None for p in problems)
    assert "item-" not in json.dumps([p.as_dict() for p in problems], ensure_ascii=False)
