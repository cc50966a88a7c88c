"""The examples are documentation: their exact `xm validate` output is pinned here."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from xiangmu_cli.cli import app
from xiangmu_cli.reading.loading import load

from .conftest import ROOT

runner = CliRunner()


def test_broken_example_output_is_pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["validate", "--ledgers", "examples/broken/ledgers"])
    assert result.exit_code == 1
    expected = (ROOT / "examples/broken/expected-output.txt").read_text(encoding="utf-8")
    assert result.stdout == expected


def test_broken_example_has_each_mistake_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    codes = sorted(p.code for p in load(Path("examples/broken/ledgers")).problems)
    # Each mistake of examples/broken/README.md; 总投资额 also leaves 总投资 missing (E102), and
    # there are two E102, two E106 and two E303 mistakes, and an anchor with its alias (E003).
    assert codes == sorted(
        [
            "E001",
            "E002",
            "E003",
            "E003",
            "E101",
            "E102",
            "E102",
            "E104",
            "E105",
            "E106",
            "E106",
            "E108",
            "E202",
            "E203",
            "E204",
            "E206",
            "E207",
            "E208",
            "E301",
            "E303",
            "E303",
            "E304",
            "E305",
            "W101",
            "W102",
            "W103",
            "W104",
        ]
    )


def test_minimal_example_is_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["validate", "--ledgers", "examples/minimal/ledgers", "--strict"])
    assert result.exit_code == 0, result.stdout
