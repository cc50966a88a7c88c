"""`xm validate` on several cores gives exactly the problems of one process.

loading.check() forks workers that each load whole ledger files and run the one-project checks;
the parent runs the repository-wide checks (编号 across files, xiangmu.yaml) and merges. These
tests hold it to loading.load() problem for problem, in order, on valid, broken and corpus
repositories, with problems that span files, and when a worker dies.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xiangmu_cli.base.limits import Limits, using
from xiangmu_cli.cli import app
from xiangmu_cli.output.messages import problems_text
from xiangmu_cli.reading import loading

from .conftest import ROOT
from .test_corpus import CASES, _materialise
from .test_paths import _generated

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="workers are forked only on Linux")
runner = CliRunner()


def _serial(root: Path) -> tuple[list[dict], int, int, list[str]]:
    repo = loading.load(root)
    return [p.as_dict() for p in repo.problems], repo.files_read, repo.items_read, problems_text(repo.problems)


def _parallel(root: Path, jobs: int = 2) -> tuple[list[dict], int, int, list[str]]:
    """As :func:`_serial`; the text output too, whose source lines come from the workers (that
    had the files' texts) instead of from the files read again."""
    result = loading.check(root, jobs=jobs, min_bytes=0)
    return [p.as_dict() for p in result.problems], result.files_read, result.items_read, problems_text(result.problems)


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the parallel runs, so a test fails if check() quietly took the serial path."""
    runs: list[int] = []
    real = loading._check_parallel

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        runs.append(args[-1])
        return real(*args, **kwargs)

    monkeypatch.setattr(loading, "_check_parallel", spy)
    return runs


def _broken_across_files(tmp_path: Path) -> Path:
    """A generated repository with problems of every kind of check, some spanning files."""
    root = _generated(tmp_path, 400, 3)
    files = sorted(root.glob("*/*.yaml"))
    first, second = files[0], files[-1]
    first_text = first.read_text(encoding="utf-8")
    code = first_text.split("编号: ", 1)[1].split("\n", 1)[0]
    # The same 编号 in the last file (E206, found by the parent, located in two files) ...
    text = second.read_text(encoding="utf-8")
    before, after = text.split("编号: ", 1)
    second.write_text(before + "编号: " + code + "\n" + after.split("\n", 1)[1], encoding="utf-8")
    # ... a type error, an unknown key and a total below the threshold in the first (problems of
    # validation and of a one-project check) ...
    head, tail = first_text.rsplit("总投资: ", 1)
    first_text = head + "总投资: 1 #" + tail
    first.write_text(
        first_text.replace("总投资: ", "总投资: 很多 #", 1).replace("名称: ", "名称称: ", 1), encoding="utf-8"
    )
    # ... and a file that does not parse at all.
    files[len(files) // 2].write_text("项目:\n  - 编号: [\n", encoding="utf-8")
    return root


def test_parallel_problems_equal_serial_on_a_broken_repository(tmp_path: Path, forks: list[int]) -> None:
    root = _broken_across_files(tmp_path)
    serial = _serial(root)
    assert [p["code"] for p in serial[0]] == ["E001", "E102", "E206", "E101", "E104", "W101", "W104"]
    e206 = next(p for p in serial[0] if p["code"] == "E206")
    assert e206["line"] is not None and ":" in e206["message"].split("已在 ")[1]  # first use located too
    assert _parallel(root) == serial
    assert _parallel(root, jobs=3) == serial
    assert forks == [2, 3]
    # The workers had the files' texts: each problem they placed carries its source line (this
    # process places the repository-wide E206 and reads its lines from the files).
    placed = [p for p in loading.check(root, jobs=2, min_bytes=0).problems if p.line is not None]
    assert {p.code for p in placed if p.source is None} == {"E206"}
    assert [p.source for p in placed if p.code == "W101"] == ["    总投资: 1 #7500"]


@pytest.mark.parametrize("source", ["demo", "broken-example", "generated"])
def test_parallel_equals_serial(source: str, tmp_path: Path, forks: list[int]) -> None:
    if source == "generated":
        root = _generated(tmp_path, 1500, 5)
    else:
        root = tmp_path / "ledgers"
        shutil.copytree(ROOT / ("ledgers" if source == "demo" else "examples/broken/ledgers"), root)
    assert _parallel(root) == _serial(root)
    assert forks


def test_parallel_equals_serial_on_every_corpus_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for case in CASES:
        where = tmp_path / case
        where.mkdir()
        root = _materialise(case, where)
        assert _parallel(root) == _serial(root), case


def test_workers_keep_the_limits(tmp_path: Path, forks: list[int]) -> None:
    root = tmp_path / "ledgers"
    shutil.copytree(ROOT / "ledgers", root)
    with using(Limits(max_depth=2)):
        serial, parallel = _serial(root), _parallel(root)
    assert parallel == serial and any("嵌套超过 2 层" in p["message"] for p in serial[0])


def _die(i: int) -> None:
    os._exit(9)  # as if killed mid-file (out of memory)


def test_a_dead_worker_falls_back_to_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "ledgers"
    shutil.copytree(ROOT / "examples/broken/ledgers", root)
    monkeypatch.setattr(loading, "_check_file", _die)
    assert _parallel(root) == _serial(root)


def test_cli_jobs_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int]) -> None:
    root = tmp_path / "ledgers"
    shutil.copytree(ROOT / "examples/broken/ledgers", root)
    monkeypatch.setattr(loading, "PARALLEL_MIN_BYTES", 0)
    outputs = {}
    for jobs in ("1", "2"):
        result = runner.invoke(app, ["validate", "--ledgers", str(root), "--no-cache", "-j", jobs, "-f", "json"])
        assert result.exit_code == 1, result.output
        outputs[jobs] = json.loads(result.stdout)
    assert outputs["1"] == outputs["2"] and forks == [2]
    bad = runner.invoke(app, ["validate", "--ledgers", str(root), "--jobs", "-1"])
    assert bad.exit_code == 2


# --- a report's load shared with a worker (loading._load_shared, issue 15) ----------------------


def _loaded(repo: loading.Repository) -> tuple[object, ...]:
    """Everything a load gives, projects by value and by model class."""
    return (
        [p.as_dict() for p in repo.problems],
        [(r.file, r.index, r.region, r.ledger, type(r.project), r.project.model_dump()) for r in repo.records],
        [(r.file, r.index, r.stand_ins, r.project.model_dump()) for r in repo.partial],
        [(lf.file, lf.region, lf.ledger, len(lf.records)) for lf in repo.files],
        repo.ids,
        repo.national_codes,
        repo.files_read,
        repo.items_read,
        repo.fingerprint,
    )


@pytest.fixture
def shares(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every repository is shared (no size floor); counts the shared loads, so a test fails if
    load() quietly took the one-process path."""
    monkeypatch.setattr(loading, "PARALLEL_MIN_BYTES", 0)
    runs: list[int] = []
    real = loading._load_shared

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(loading, "_load_shared", spy)
    return runs


def _one_process(root: Path, warnings: bool) -> tuple[object, ...]:
    loader = loading._Loader(root, None)
    config, config_file = loader.load_config()
    from xiangmu_cli.reading.checks import CHECKS, ERROR_CHECKS

    checks = CHECKS if warnings else ERROR_CHECKS
    return _loaded(loading._load_files(loader, config, config_file, loader.walk(config), checks, locate=False))


@pytest.mark.parametrize("source", ["demo", "broken-example", "generated"])
def test_a_shared_load_equals_one_process(source: str, tmp_path: Path, shares: list[int]) -> None:
    """Records (of the same model classes: the demo's xiangmu.yaml extends them), partial
    records, 编号s, problems and the fingerprint, in the same order, with and without warnings."""
    if source == "generated":
        root = _broken_across_files(tmp_path)
    else:
        root = tmp_path / "ledgers"
        shutil.copytree(ROOT / ("ledgers" if source == "demo" else "examples/broken/ledgers"), root)
    for warnings in (True, False):
        assert _loaded(loading.load(root, locate=False, warnings=warnings)) == _one_process(root, warnings)
    assert len(shares) == 2


def test_a_shared_load_equals_one_process_on_every_corpus_case(tmp_path: Path, shares: list[int]) -> None:
    for case in CASES:
        where = tmp_path / case
        where.mkdir()
        root = _materialise(case, where)
        assert _loaded(loading.load(root, locate=False)) == _one_process(root, True), case


def _die_sharing(index: int, checks: object, keep: bool = False) -> None:
    os._exit(9)  # as if killed mid-load (out of memory)


def test_a_dead_share_worker_falls_back_to_one_process(
    tmp_path: Path, shares: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "ledgers"
    shutil.copytree(ROOT / "ledgers", root)
    monkeypatch.setattr(loading, "_load_share", _die_sharing)
    assert _loaded(loading.load(root, locate=False)) == _one_process(root, True)
    assert shares


def test_an_extended_project_pickles_to_its_own_class() -> None:
    """A model that xiangmu.yaml 扩展字段 extends is made at run time; its projects cross between
    processes as projects of the one class this process made for the same declarations."""
    import pickle

    repo = loading.load(ROOT / "ledgers", locate=False)
    projects = [r.project for r in repo.records]
    assert projects and all(type(p).EXTENDS is not None for p in projects)
    back = pickle.loads(pickle.dumps(projects))
    assert back == projects and all(type(a) is type(b) for a, b in zip(back, projects, strict=True))


def test_a_share_worker_keeps_the_limits(tmp_path: Path, shares: list[int]) -> None:
    root = tmp_path / "ledgers"
    shutil.copytree(ROOT / "ledgers", root)
    with using(Limits(max_depth=2)):
        shared, alone = _loaded(loading.load(root, locate=False)), _one_process(root, True)
    assert shared == alone and shares
    assert any("嵌套超过 2 层" in p["message"] for p in shared[0])  # type: ignore[index, union-attr]


def _monthly_outputs(root: Path, regions: list[str]) -> list[tuple[int, str, str]]:
    outputs = []
    for extra in (
        [],
        ["--month", "2018-03"],
        ["--region", regions[0]],
        ["--region", regions[-1], "--month", "2018-08"],
    ):
        result = runner.invoke(app, ["report", "monthly", "--ledgers", str(root), "--no-cache", "-f", "json", *extra])
        outputs.append((result.exit_code, result.stdout, result.stderr))
    for extra in ([], ["--region", regions[0], "--min", "10000"], ["--month", "2018-05", "--ledger", "在建"]):
        result = runner.invoke(app, ["list", "--ledgers", str(root), "--no-cache", "-f", "json", *extra])
        outputs.append((result.exit_code, result.stdout, result.stderr))
    for command in (["targets"], ["overdue"], ["overdue", "--kind", "问题超期"], ["score", "--period", "年终"]):
        result = runner.invoke(app, [*command, "--ledgers", str(root), "--no-cache", "-f", "json"])
        outputs.append((result.exit_code, result.stdout, result.stderr))
    return outputs


@pytest.mark.parametrize("source", ["demo", "broken-example", "generated"])
def test_a_split_monthly_report_equals_one_process(
    source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The monthly report on a split load (issue 15: the worker keeps its projects and computes
    its part of the report) is byte for byte the one-process report, for the city and a region,
    at the default month and a given one."""
    if source == "generated":
        root = _broken_across_files(tmp_path)
    else:
        root = tmp_path / "ledgers"
        shutil.copytree(ROOT / ("ledgers" if source == "demo" else "examples/broken/ledgers"), root)
    config, _problems = loading.load_config(root)
    assert config is not None
    monkeypatch.setattr(loading, "PARALLEL_MIN_BYTES", 1 << 40)
    alone = _monthly_outputs(root, config.region_names)
    calls: list[str] = []
    real = loading.Remote.call

    def spy(self, compute, *args):  # type: ignore[no-untyped-def]
        calls.append(compute.__name__)
        return real(self, compute, *args)

    monkeypatch.setattr(loading, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(loading.Remote, "call", spy)
    assert _monthly_outputs(root, config.region_names) == alone
    assert calls.count("monthly_parts") == 4 and calls.count("keyed_project_rows") == 3
    assert calls.count("keyed_items") == 2 and calls.count("cell_parts") == (2 if source != "broken-example" else 1)
    assert calls.count("months_by_region") == 11  # once per command: the default month, 已填报
    assert [code for code, _out, _err in alone[:7]] == [0] * 7  # the reports themselves ran
    assert '"全市总览"' in alone[0][1]


def _die_computing(compute: object, *args: object) -> None:
    os._exit(9)  # the worker killed after the load (out of memory)


def test_a_split_load_whose_worker_dies_falls_back_to_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "ledgers"
    shutil.copytree(ROOT / "ledgers", root)
    config, _problems = loading.load_config(root)
    assert config is not None
    monkeypatch.setattr(loading, "PARALLEL_MIN_BYTES", 1 << 40)
    alone = _monthly_outputs(root, config.region_names)
    monkeypatch.setattr(loading, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(loading, "_call_kept", _die_computing)
    assert _monthly_outputs(root, config.region_names) == alone
