"""The validate cache: same problems with and without it; any change, any corruption, recomputes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xiangmu_cli.cache import CACHE_DIR
from xiangmu_cli.cli import app

from .conftest import ROOT, write_repo

runner = CliRunner()
CONFIG = "名称: 测试\n年度: 2018\n地区:\n  - {名称: 船营区, 类型: 区县}\n"
GOOD = """\
项目:
  - 编号: CY-1
    名称: 碳纤维原丝扩能项目
    总投资: 12000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-03-15
    年度计划投资: 6000
"""


def _validate(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["validate", *args])
    return result.exit_code, result.stdout


@pytest.mark.parametrize("ledgers", ["ledgers", "examples/broken/ledgers", "examples/minimal/ledgers"])
@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_cached_results_equal_fresh_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ledgers: str,
                                         fmt: str) -> None:
    import shutil

    copy = tmp_path / "repo"
    shutil.copytree(ROOT / ledgers, copy / "ledgers")
    monkeypatch.chdir(copy)
    fresh = _validate("--no-cache", "-f", fmt)
    first = _validate("-f", fmt)   # computes and stores
    second = _validate("-f", fmt)  # from the cache
    assert fresh == first == second
    assert list((copy / CACHE_DIR).glob("validate-*.json"))
    assert (copy / CACHE_DIR / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_a_changed_byte_is_never_hidden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": GOOD})
    monkeypatch.chdir(tmp_path)
    assert _validate()[0] == 0
    assert _validate()[0] == 0
    (root / "船营区" / "在建.yaml").write_text(GOOD.replace("总投资: 12000", "总投资额: 12000"), encoding="utf-8")
    code, out = _validate()
    assert code == 1 and "E101" in out
    (root / "船营区" / "未入統.yaml").write_text("项目: []\n", encoding="utf-8")  # a new stray file
    assert "E203" in _validate()[1]


def test_a_corrupt_entry_is_recomputed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": GOOD.replace("王芳", "")})
    monkeypatch.chdir(tmp_path)
    expected = _validate("-f", "json")
    for entry in (tmp_path / CACHE_DIR).glob("validate-*.json"):
        entry.write_text('{"key": "' + entry.stem[9:] + '", "problems": [}', encoding="utf-8")
    assert _validate("-f", "json") == expected
    for entry in (tmp_path / CACHE_DIR).glob("validate-*.json"):
        data = json.loads(entry.read_text(encoding="utf-8"))
        data["key"] = "someone else's"
        data["problems"] = []
        entry.write_text(json.dumps(data), encoding="utf-8")
    assert _validate("-f", "json") == expected
    assert root.is_dir()


def test_an_unwritable_cache_folder_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_repo(tmp_path, {"xiangmu.yaml": CONFIG, "船营区/在建.yaml": GOOD})
    (tmp_path / CACHE_DIR).write_text("not a folder", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert _validate() == (0, "未发现问题（检查了 2 个文件、1 个项目）\n")
