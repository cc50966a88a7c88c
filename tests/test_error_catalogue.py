"""One tiny ledger per problem code (tests/errors/), with the expected problems in its header.

Header directives of a case file:
  # file: 船营区/在建.yaml      where the case goes in the repository
  # also: 高新区/在建.yaml      a second copy of the same content
  # config: none                no xiangmu.yaml (otherwise tests/errors/_xiangmu.yaml)
  # encoding: gbk               write the case in that encoding
  # expect: FILE[:LINE:COL] CODE   every problem the case must produce, and nothing else
"""

from __future__ import annotations

import re
from pathlib import Path

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
