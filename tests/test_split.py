"""The monthly report from records in two parts (issue 15): a split load (loading.load_split)
keeps the worker's projects in the worker, and each side computes its MonthlyParts. Here the
other side is played in this process by a stand-in Remote, on a split chosen by the test (every
other file, the first half elsewhere, ...): the report must be the one from all the records."""

from __future__ import annotations

import shutil
from concurrent.futures import Future
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from xiangmu_cli.figures.metrics import default_as_of, merge_months, months_by_region
from xiangmu_cli.figures.report import monthly_report
from xiangmu_cli.reading.loading import load
from xiangmu_cli.reading.records import Record, Repository

from .conftest import ONE_REGION_CONFIG, ROOT


class _Here:
    """A Remote that computes in this process, on the records it was given."""

    def __init__(self, records: list[Record]) -> None:
        self.records = records

    def call(self, compute: Any, *args: Any) -> Future[Any]:
        done: Future[Any] = Future()
        done.set_result(compute(self.records, *args))
        return done


def _split(repo: Repository, theirs: set[str]) -> tuple[Repository, _Here]:
    return (
        replace(repo, records=[r for r in repo.records if r.file not in theirs]),
        _Here([r for r in repo.records if r.file in theirs]),
    )


def _repository(source: str, tmp_path: Path) -> Repository:
    root = tmp_path / "ledgers"
    shutil.copytree(ROOT / ("examples/broken/ledgers" if source == "broken-example" else "ledgers"), root)
    if source == "demo, 类别 not listed":  # the 分类别 rows then come in the order first met
        config = root / "xiangmu.yaml"
        text = config.read_text(encoding="utf-8")
        config.write_text(
            "\n".join(line for line in text.splitlines() if not line.startswith(("类别:", "产业类别:"))) + "\n",
            encoding="utf-8",
        )
    return load(root, locate=False, warnings=False)


@pytest.mark.parametrize("source", ["demo", "broken-example", "demo, 类别 not listed"])
def test_a_report_from_two_parts_is_the_report_from_all(source: str, tmp_path: Path) -> None:
    repo = _repository(source, tmp_path)
    assert repo.config is not None
    files = [lf.file for lf in repo.files]
    splits = {
        "every other file": set(files[::2]),
        "the first half elsewhere": set(files[: len(files) // 2]),
        "the last file elsewhere": {files[-1]},
        "all elsewhere": set(files),
    }
    regions = repo.config.region_names
    seen: set[str] = set()
    for as_of, region in [(date(2018, 9, 30), None), (date(2018, 3, 31), None), (date(2018, 8, 31), regions[0])]:
        whole = monthly_report(repo, as_of, region).as_dict()
        for name, theirs in splits.items():
            mine, remote = _split(repo, theirs)
            parted = monthly_report(mine, as_of, region, None, remote)  # type: ignore[arg-type]
            assert parted.as_dict() == whole, (name, as_of, region)
        seen |= {section for section in ("红灯项目", "本月变动", "分类别", "逾期事项") if whole[section]}
    # every section computed from the parts had rows (the broken example has no 本月变动)
    assert seen >= {"红灯项目", "分类别", "逾期事项"} and ("本月变动" in seen or source == "broken-example")
    if source == "demo, 类别 not listed":
        assert [row["类别"] for row in whole["分类别"]] != sorted(row["类别"] for row in whole["分类别"])


def test_the_default_month_from_two_parts(tmp_path: Path) -> None:
    repo = _repository("demo", tmp_path)
    files = {lf.file for lf in repo.files[::2]}
    mine, remote = _split(repo, files)
    months = merge_months(months_by_region(mine.records), months_by_region(remote.records))
    assert months == months_by_region(repo.records)
    assert default_as_of(mine, months=months) == default_as_of(repo) == date(2018, 9, 30)


_PROJECT = """\
项目:
  - 编号: DUP-1
    名称: {name}
    类别: {category}
    总投资: 20000
    项目秘书: 王芳
    建设性质: 新建
    开工日期: 2018-09-05
    年度计划投资: 1000
    完成投资: {{2018-09: 100}}
    走访: [2018-09-15]
    问题:
      - {{提出日期: 2018-09-01, 内容: {issue}, 责任单位: 市自然资源局, 时限: 2018-09-10}}
"""


def test_records_alike_in_every_sort_key_keep_the_repository_order(tmp_path: Path) -> None:
    """One 编号 in two files (an error, E206, yet both projects count): their overdue items, red
    rows and changes tie in every sort key but the repository's order, which the parts keep
    whichever side holds which file."""
    from .conftest import write_repo

    root = write_repo(
        tmp_path,
        {
            "xiangmu.yaml": ONE_REGION_CONFIG,
            "船营区/在建.yaml": _PROJECT.format(name="在建里的重复项目", issue="用地指标", category="工业"),
            "船营区/未入统.yaml": _PROJECT.format(name="未入统里的重复项目", issue="环评批复", category="民生")
            + "    未入统原因: 手续未齐\n",
            # 工业 met first in 在建, again after 民生: 分类别 lists 工业 first, whichever side has which
            "船营区/计划开工.yaml": "项目:\n  - {编号: PL-1, 名称: 计划项目, 类别: 工业, 总投资: 8000, 计划开工日期: 2018-10-30}\n",
        },
    )
    repo = load(root, locate=False, warnings=False)
    assert len(repo.records) == 3 and [p.code for p in repo.errors] == ["E206"]
    as_of = date(2018, 9, 20)
    whole = monthly_report(repo, as_of).as_dict()
    assert [row["事项"] for row in whole["逾期事项"]] == ["用地指标", "环评批复"]
    assert [row["名称"] for row in whole["红灯项目"]] == ["在建里的重复项目", "未入统里的重复项目"]
    assert [row["名称"] for row in whole["本月变动"] if row["类型"] == "新开工"] == [
        "在建里的重复项目",
        "未入统里的重复项目",
    ]
    assert [row["类别"] for row in whole["分类别"]] == ["工业", "民生"]
    files = [lf.file for lf in repo.files]
    for theirs in ({files[0]}, {files[1]}, set(files[1:]), {files[0], files[2]}):
        mine, remote = _split(repo, theirs)
        assert monthly_report(mine, as_of, None, None, remote).as_dict() == whole  # type: ignore[arg-type]


@pytest.mark.parametrize("source", ["demo", "broken-example"])
def test_list_rows_from_two_parts_are_the_rows_from_all(source: str, tmp_path: Path) -> None:
    from xiangmu_cli.figures.report import ListFilter, project_rows
    from xiangmu_cli.ledger.vocab import Ledger

    repo = _repository(source, tmp_path)
    assert repo.config is not None
    files = [lf.file for lf in repo.files]
    as_of = date(2018, 9, 30)
    for wanted in (
        ListFilter(),
        ListFilter(region=repo.config.region_names[-1]),
        ListFilter(ledger=Ledger.BUILDING, minimum=Decimal(10000)),
        ListFilter(category="工业"),
    ):
        whole = project_rows(repo, as_of, wanted)
        assert whole, wanted
        for theirs in (set(files[::2]), set(files[: len(files) // 2]), set(files)):
            mine, remote = _split(repo, theirs)
            assert project_rows(mine, as_of, wanted, remote) == whole, wanted  # type: ignore[arg-type]


@pytest.mark.parametrize("source", ["demo", "broken-example", "demo, 类别 not listed"])
def test_metrics_and_overdue_items_from_two_parts_are_those_from_all(source: str, tmp_path: Path) -> None:
    from xiangmu_cli.figures.metrics import breakdown, compute_metrics
    from xiangmu_cli.figures.overdue import overdue_items

    repo = _repository(source, tmp_path)
    files = [lf.file for lf in repo.files]
    as_of = date(2018, 9, 30)
    whole_cells = breakdown(repo, as_of).cells
    whole_items = overdue_items(repo, as_of)
    assert whole_items
    for theirs in (set(files[::2]), set(files[: len(files) // 2]), {files[-1]}):
        mine, remote = _split(repo, theirs)
        counted = breakdown(mine, as_of, remote)  # type: ignore[arg-type]
        assert list(counted.cells) == list(whole_cells) and counted.cells == whole_cells
        assert compute_metrics(mine, as_of, counted) == compute_metrics(repo, as_of)
        assert overdue_items(mine, as_of, remote=remote) == whole_items  # type: ignore[arg-type]
        assert overdue_items(mine, as_of, kind="问题超期", remote=remote) == overdue_items(repo, as_of, kind="问题超期")  # type: ignore[arg-type]
