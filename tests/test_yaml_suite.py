"""The official YAML test suite's documents, used as the content of a ledger file.

An invalid document must give a located error and exit 1; a valid one (they are not ledgers)
must never give a traceback, and whatever it reports is located.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from xiangmu_cli.cli import app

from .conftest import SHARED, write_repo

SUITE = SHARED / "yaml-test-suite"
INVALID = sorted((SUITE / "invalid").glob("*.yaml"))
VALID = sorted((SUITE / "valid").glob("*.yaml"))
CONFIG = "名称: 测试\n年度: 2018\n地区:\n  - {名称: 船营区, 类型: 区县}\n"

pytestmark = [
    pytest.mark.skipif(not SUITE.is_dir(), reason="shared/yaml-test-suite is not beside the repository"),
    pytest.mark.may_skip_in_ci(
        "the suite's documents lie beside the repository in the development workspace only; "
        "the corpus and fuzz tests cover hostile YAML in every checkout"
    ),
]


def _run(tmp_path: Path, doc: Path) -> tuple[int, list[dict]]:
    import json

    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": doc.read_bytes()})
    result = CliRunner().invoke(app, ["validate", "--ledgers", str(root), "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "内部错误" not in result.output, result.output
    return result.exit_code, json.loads(result.stdout)


def test_suite_is_complete() -> None:
    assert (len(INVALID), len(VALID)) == (94, 308)


@pytest.mark.parametrize("doc", INVALID, ids=lambda p: p.stem)
def test_invalid_document_is_a_located_error(tmp_path: Path, doc: Path) -> None:
    code, problems = _run(tmp_path, doc)
    assert code == 1
    located = [p for p in problems if p["file"].endswith("在建.yaml")]
    assert located and all(p["line"] and p["col"] for p in located)
    assert located[0]["code"] in {"E001", "E002", "E003", "E004", "E005", "E006"}


@pytest.mark.parametrize("doc", VALID, ids=lambda p: p.stem)
def test_valid_document_never_crashes(tmp_path: Path, doc: Path) -> None:
    code, problems = _run(tmp_path, doc)
    assert code in (0, 1)
    for p in problems:
        if p["file"].endswith("在建.yaml"):
            assert p["line"] and p["col"], p
