from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

import pytest

from xiangmu_cli.reading.loading import Repository, load

ROOT = Path(__file__).resolve().parents[1]


#: Whether the test run itself is in CI (read once: the tests run with CI unset, see _no_cache).
IN_CI = os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "may_skip_in_ci(reason): this test may skip in CI too (the reason says why); any other skip "
        "fails when CI is true",
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Under ``CI=true`` a skip is a failure, unless the test says why it may skip there: CI
    installs everything the tests need (.ci/run), so a silent skip would hide an untested part."""
    report = yield
    if (
        report.skipped
        and IN_CI
        and item.get_closest_marker("may_skip_in_ci") is None
        and not hasattr(report, "wasxfail")
    ):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI without a reason to: {report.longrepr}"
    return report


@pytest.fixture(autouse=True)
def _no_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes xm's cache unless it is about the cache (the ``cache_on`` fixture):
    a cache hit would let a test compare a result with a stored copy of itself."""
    monkeypatch.delenv("CI", raising=False)  # xm behaves differently in CI; tests about that set it
    monkeypatch.setenv("XM_CACHE", "0")
    monkeypatch.setenv("XM_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "no-cache-expected"))


@pytest.fixture
def cache_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The cache switched on, in a folder of this test's own (returned)."""
    folder = tmp_path / "user-cache"
    monkeypatch.setenv("XM_CACHE", "1")
    monkeypatch.setenv("XM_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def repo_root() -> Path:
    return ROOT


def write_repo(base: Path, files: dict[str, str | bytes]) -> Path:
    """A ledger repository under ``base/ledgers`` with the given relative files."""
    root = base / "ledgers"
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    root.mkdir(parents=True, exist_ok=True)
    return root


def load_repo(tmp_path: Path, files: dict[str, str], warnings: Collection[tuple[str, str]] = ()) -> Repository:
    """Load a fixture and check it is valid: no errors, and exactly the expected warnings."""
    repo = load(write_repo(tmp_path, files))
    assert [(p.code, p.message) for p in repo.errors] == []
    assert {(p.code, p.project) for p in repo.warnings} == set(warnings)
    return repo


#: xiangmu.yaml of a one-region repository (船营区, 年度 2018), for tests that need no more of it.
ONE_REGION_CONFIG = "名称: 测试台账\n年度: 2018\n地区:\n  - {名称: 船营区, 类型: 区县}\n"


#: A leap-year repository (年度 2016): LP-1 reports January and February, LP-2 January only.
LEAP = {
    "xiangmu.yaml": "名称: 测试台账\n年度: 2016\n地区:\n  - {名称: 船营区, 类型: 区县}\n",
    "船营区/在建.yaml": """\
项目:
  - 编号: LP-1
    名称: 热电联产项目
    总投资: 9000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2016-01-10
    年度计划投资: 1200
    完成投资: {2016-01: 100, 2016-02: 200}
  - 编号: LP-2
    名称: 供热管网改造
    总投资: 6000
    项目秘书: 王芳
    建设性质: 续建
    开工日期: 2015-06-01
    年度计划投资: 600
    完成投资: {2016-01: 50}
""",
}
