"""The second core for figures (base/forking.py, issue 15): a forked child's result is the one
computed here, and a child that fails costs nothing but time."""

from __future__ import annotations

import os
from datetime import date

import pytest

from xiangmu_cli.base import forking
from xiangmu_cli.figures import report
from xiangmu_cli.reading.loading import load

from .conftest import ROOT

pytestmark = pytest.mark.skipif(not forking.forkable(), reason="fork() is used on Linux only")


@pytest.fixture(autouse=True)
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forking, "cores", lambda: 2)  # fork even on a one-core machine


def test_the_child_computes_and_sends_its_result_back() -> None:
    here = os.getpid()
    result = forking.in_child(lambda: (os.getpid(), [date(2018, 9, 30), "项目", 3]))
    pid, value = result()
    assert pid != here  # computed in the child
    assert value == [date(2018, 9, 30), "项目", 3]


def test_a_failing_child_leaves_the_work_to_this_process() -> None:
    here = os.getpid()

    def compute() -> int:
        if os.getpid() != here:
            os._exit(9)  # the child dies (as if killed) without a result
        return 42

    assert forking.in_child(compute)() == 42

    def raises() -> int:
        raise ValueError("不合理")

    with pytest.raises(ValueError, match="不合理"):  # the error surfaces here, as without the child
        forking.in_child(raises)()


def test_little_work_stays_here() -> None:
    here = os.getpid()
    assert forking.in_child(os.getpid, worth_it=False)() == here


def test_nothing_is_forked_while_other_threads_run() -> None:
    import threading

    here, stop = os.getpid(), threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert forking.in_child(os.getpid)() == here
    finally:
        stop.set()
        other.join()
    assert forking.in_child(os.getpid)() != here


@pytest.mark.parametrize(("month", "region"), [("2018-03", None), ("2018-09", None), ("2018-09", "船营区")])
def test_the_monthly_report_is_the_same_with_its_lights_computed_in_a_child(
    monkeypatch: pytest.MonkeyPatch, month: str, region: str | None
) -> None:
    repo = load(ROOT / "ledgers", locate=False)
    year, m = map(int, month.split("-"))
    as_of = date(year, m, 28)
    here = report.monthly_report(repo, as_of, region).as_dict()
    forked: list[int] = []
    real = forking.in_child

    def counted(compute, worth_it=True):  # type: ignore[no-untyped-def]
        forked.append(worth_it)
        return real(compute, worth_it)

    monkeypatch.setattr(report, "FORK_MIN_RECORDS", 0)
    monkeypatch.setattr(report, "in_child", counted)
    assert report.monthly_report(repo, as_of, region).as_dict() == here
    assert forked == [True]
    assert here["红灯项目"] and here["逾期事项"]  # there was something to compute
