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


# --- examples/rollover: made by the commands of its README ----------------------------------

ROLLOVER = ROOT / "examples" / "rollover"


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def replay_rollover_example(base: Path) -> Path:
    """``base/ledgers``: 2018's ledgers (the example's archive) after the README's rollover, hand
    edit and commands; ``base/归档/2018`` the archive the rollover wrote."""
    import re
    import shutil

    ledgers = base / "ledgers"
    shutil.copytree(ROLLOVER / "归档" / "2018", ledgers)
    readme = (ROLLOVER / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    commands = [line.split("#")[0].split() for block in blocks[:2] for line in block.splitlines()]
    for args in [a for a in commands if a and a[0] == "xm" and "--dry-run" not in a]:
        result = runner.invoke(app, [*args[1:], "--ledgers", str(ledgers)])
        assert result.exit_code == 0, (args, result.output)
        if args[1] == "rollover":  # the README's hand edit, right after the rollover
            config = ledgers / "xiangmu.yaml"
            targets = re.search(r"```yaml\n(目标:\n.*?)```", readme, re.S)
            assert targets is not None
            text = config.read_text(encoding="utf-8")
            assert text.count("目标: {}\n") == 1
            config.write_text(text.replace("目标: {}\n", targets[1]), encoding="utf-8")
    return ledgers


def test_rollover_example_is_what_its_readme_commands_make(tmp_path: Path) -> None:
    ledgers = replay_rollover_example(tmp_path)
    assert _bytes(tmp_path / "归档" / "2018") == _bytes(ROLLOVER / "归档" / "2018")
    assert _bytes(ledgers) == _bytes(ROLLOVER / "ledgers")
    assert runner.invoke(app, ["validate", "--ledgers", str(ROLLOVER / "ledgers")]).exit_code == 0


def test_rollover_example_figures_are_the_readmes(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    monkeypatch.chdir(ROLLOVER)
    monthly = runner.invoke(app, ["report", "monthly", "--month", "2019-03", "--format", "json"])
    city = json.loads(monthly.stdout, parse_float=str)["全市总览"]
    # the README's table: 1670 against 1500 (+170/1500), 1420 against 1300, 4 against 4, 1 against 2
    assert (city["完成投资"], city["完成投资上年同期"], city["完成投资同比增长"]) == ("1670.00", "1500.00", "0.113333")
    assert (city["当月完成投资"], city["当月完成投资上年同期"], city["当月完成投资同比增长"]) == (
        "1420.00",
        "1300.00",
        "0.092308",
    )
    assert (city["在建项目数"], city["在建项目数上年同期"], city["在建项目数同比增长"]) == (4, 4, "0.000000")
    assert (city["新开工项目数"], city["新开工项目数上年同期"], city["新开工项目数同比增长"]) == (1, 2, "-0.500000")
    targets = runner.invoke(app, ["targets", "--month", "2019-03", "--format", "json"])
    row = next(r for r in json.loads(targets.stdout, parse_float=str)["目标完成"] if r["指标"] == "完成投资同比增长")
    assert (row["实际"], row["是否完成"]) == ("0.113333", True)


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
