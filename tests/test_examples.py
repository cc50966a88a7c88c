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


def test_ci_examples_install_the_tagged_version_from_git() -> None:
    # examples/ci: xm is not on PyPI, so the workflow installs it from its git repository at a
    # version tag, and pre-commit pins the same tag; the hooks it names exist (issue 18).
    import re
    import subprocess
    import tomllib

    from ruamel.yaml import YAML

    version = "v" + tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    yaml = YAML(typ="safe")
    workflow = yaml.load((ROOT / "examples/ci/github-workflow.yml").read_text(encoding="utf-8"))
    install = next(s for s in workflow["jobs"]["validate"]["steps"] if s.get("id") == "install")
    assert install["env"]["XM_VERSION"] == version
    assert 'pip install "xiangmu-cli @ git+${XM_REPOSITORY}@${XM_VERSION}"' in install["run"]
    assert re.fullmatch(r"https://\S+\.git", install["env"]["XM_REPOSITORY"])
    config = yaml.load((ROOT / "examples/ci/.pre-commit-config.yaml").read_text(encoding="utf-8"))
    remote = config["repos"][0]
    assert remote["rev"] == version and remote["repo"] == install["env"]["XM_REPOSITORY"]
    hooks = {h["id"] for h in yaml.load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert {h["id"] for h in remote["hooks"]} <= hooks
    tags = subprocess.run(["git", "-C", str(ROOT), "tag", "--list"], capture_output=True, text=True)
    if tags.returncode == 0 and tags.stdout.strip():  # a checkout with its tags (CI's may have none)
        assert version in tags.stdout.split(), f"the examples pin {version}, which is not a tag"
