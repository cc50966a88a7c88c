"""Concurrent read-modify-writes of the ledgers (issue 12): the ledger lock ``<ledgers>/.xm.lock``.

Two commands on the same ledgers at the same moment: the second waits (saying so) or, after
``XM_LOCK_WAIT`` seconds, gives up with a clear message; no success is ever lost, and a refusal is
never called xm's own defect. A lock file that is a link, FIFO or folder (a hostile commit) is
refused without being followed or opened; a read-only checkout still reads, checks and shows.
"""

from __future__ import annotations

import errno
import multiprocessing
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xiangmu_cli.base import fileio
from xiangmu_cli.cli import app
from xiangmu_cli.reading.loading import load
from xiangmu_cli.write import edit, files
from xiangmu_cli.write.edit import EditError

from .conftest import write_repo
from .test_edit import BUILDING, FILES, _hashes

runner = CliRunner()
CTX = multiprocessing.get_context("fork")
LOCK_BUSY = re.compile(
    r"错误：台账正被另一个 xm 命令修改，等待 [0-9.]+ 秒后仍未完成，未修改任何文件；请稍后重新运行命令"
)
WAITING = "台账正被另一个 xm 命令修改（锁文件 "
#: BUILDING with 项目秘书 out of the contract's order: `xm fmt` moves it back.
UNORDERED = BUILDING.replace("    项目秘书: 李强\n", "").replace(
    "    年度计划投资: 3000\n", "    年度计划投资: 3000\n    项目秘书: 李强\n"
)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = write_repo(tmp_path, FILES)
    assert [p for p in load(root).problems if p.is_error] == []
    return root


def _cli(root: Path, *args: str, wait: float | None = None):
    env = {"XM_LOCK_WAIT": str(wait)} if wait is not None else {}
    return runner.invoke(app, [*args, "--ledgers", str(root)], env=env)


def _slow_windows(delay: float) -> None:
    """Widen the two windows of a read-modify-write, as a slow disk or a busy machine does: between
    loading the ledgers and reading the file to edit, and between checking the file and renaming
    the new version over it."""
    real_read, real_replace = files.read, os.replace

    def slow_read(path: Path):
        time.sleep(delay)
        return real_read(path)

    def slow_replace(src, dst, *args, **kwargs):
        time.sleep(delay)
        return real_replace(src, dst, *args, **kwargs)

    files.read = slow_read
    fileio.os.replace = slow_replace


def _visitor(root: Path, tag: str, count: int, barrier, results, delay: float) -> None:
    """A forked process doing ``count`` `xm visit`s, each with its own note."""
    os.environ["XM_LOCK_WAIT"] = "120"
    _slow_windows(delay)
    out = []
    barrier.wait()
    for i in range(count):
        note = f"{tag}第{i}次"
        r = runner.invoke(app, ["visit", "CY-B1", "--date", "2018-09-30", "--note", note, "--ledgers", str(root)])
        out.append((note, r.exit_code, r.stdout, r.stderr))
    results.put(out)


def _race(root: Path, workers: list[tuple], timeout: float = 300) -> list[tuple]:
    barrier = CTX.Barrier(len(workers))
    results = CTX.Queue()
    procs = [CTX.Process(target=target, args=(root, *args, barrier, results, delay)) for target, args, delay in workers]
    for p in procs:
        p.start()
    out = [item for _ in procs for item in results.get(timeout=timeout)]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    return out


def _assert_nothing_lost(root: Path, results: list[tuple], waits_expected: bool) -> None:
    text = (root / "船营区/在建.yaml").read_text(encoding="utf-8")
    done = [note for note, code, _, _ in results if code == 0]
    for _note, code, stdout, stderr in results:
        assert "缺陷" not in stdout + stderr and "内部错误" not in stdout + stderr and "Traceback" not in stderr
        if code != 0:  # only a lock wait that ran out may refuse (XM_LOCK_WAIT is generous here)
            assert code == 1 and LOCK_BUSY.search(stderr), stderr
    assert [note for note in done if text.count(f"内容: {note}}}") != 1] == []  # every success is in the file, once
    repo = load(root)
    assert [p for p in repo.errors] == []
    visits = next(r for r in repo.records if r.project.code == "CY-B1").project.visits
    assert len(visits) == 2 + len(done)  # nothing else was added either
    if waits_expected:
        assert any(WAITING in stderr for _, _, _, stderr in results)
    assert not (root / ".xm.lock").exists()  # removed by its last holder


def test_concurrent_visits_lose_nothing(root: Path) -> None:
    """Three processes start together (a barrier), each recording 5 visits of the same project in
    the same file, with the read and the rename slowed down: every success is in the file."""
    results = _race(root, [(_visitor, (f"进程{n}", 5), 0.05) for n in range(3)])
    assert len(results) == 15
    _assert_nothing_lost(root, results, waits_expected=True)


def _formatter(root: Path, barrier, results, delay: float) -> None:
    """A forked `xm fmt` whose rename waits until someone else saved the file (at most ``delay``
    seconds): the widest window there is between checking the file and renaming over it."""
    os.environ["XM_LOCK_WAIT"] = "120"
    real_replace = os.replace
    path = root / "船营区/在建.yaml"

    def replace_after_another_save(src, dst, *args, **kwargs):
        if Path(dst) == path:
            seen, deadline = path.read_bytes(), time.monotonic() + delay
            while path.read_bytes() == seen and time.monotonic() < deadline:
                time.sleep(0.01)
        return real_replace(src, dst, *args, **kwargs)

    fileio.os.replace = replace_after_another_save
    original = path.read_bytes()
    barrier.wait()
    deadline = time.monotonic() + 60
    while path.read_bytes() == original and time.monotonic() < deadline:  # the visits have begun
        time.sleep(0.01)
    r = runner.invoke(app, ["fmt", "--ledgers", str(root)])
    results.put([("fmt", r.exit_code, r.stdout, r.stderr)])


def test_fmt_and_visits_at_the_same_time_lose_nothing(root: Path) -> None:
    """`xm fmt` (slow to rename) while visits are recorded: fmt never writes over a visit."""
    path = root / "船营区/在建.yaml"
    path.write_text(UNORDERED, encoding="utf-8")
    assert [p for p in load(root).problems if p.is_error] == []
    results = _race(root, [(_formatter, (), 3.0), (_visitor, ("甲", 6), 0.0)])
    fmt = next(r for r in results if r[0] == "fmt")
    assert fmt[1] == 0, fmt
    _assert_nothing_lost(root, [r for r in results if r[0] != "fmt"], waits_expected=False)


# --- one command holds the lock -----------------------------------------------------------------


def _holder(root: Path, held, release, seconds: float) -> None:
    with fileio.ledger_lock(root):
        held.set()
        release.wait(seconds)


def _hold(root: Path, seconds: float = 60):
    held, release = CTX.Event(), CTX.Event()
    proc = CTX.Process(target=_holder, args=(root, held, release, seconds))
    proc.start()
    assert held.wait(30)
    return proc, release


def test_a_second_command_waits_then_edits(root: Path) -> None:
    proc, _ = _hold(root, seconds=1.0)
    try:
        started = time.monotonic()
        result = _cli(root, "visit", "CY-B1", "--date", "2018-09-30", "--note", "等了一会", wait=30)
        waited = time.monotonic() - started
    finally:
        proc.join(30)
    assert result.exit_code == 0, result.stderr
    lock = root / ".xm.lock"
    assert result.stderr == f"{WAITING}{lock}），等待它完成，最多 30 秒……\n"
    assert waited >= 0.5 and "内容: 等了一会}" in (root / "船营区/在建.yaml").read_text(encoding="utf-8")
    assert not lock.exists()


def test_a_command_that_waits_too_long_gives_up_and_changes_nothing(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    proc, release = _hold(root)
    try:
        before = _hashes(root)
        lock = root / ".xm.lock"
        result = _cli(root, "visit", "CY-B1", "--date", "2018-09-30", wait=0.5)
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr == (
            f"{WAITING}{lock}），等待它完成，最多 0.5 秒……\n"
            "错误：台账正被另一个 xm 命令修改，等待 0.5 秒后仍未完成，未修改任何文件；请稍后重新运行命令"
            f"（锁文件 {lock} 在那个命令结束时自动释放，不要删除；等待时间可用环境变量 XM_LOCK_WAIT 调整，单位秒）\n"
        )
        assert _cli(root, "start", "CY-P1", "--date", "2018-09-20", wait=0).exit_code == 1
        # xm fmt stops at the first file it cannot lock; --check and --dry-run take no lock
        (root / "船营区/在建.yaml").write_text(UNORDERED, encoding="utf-8")
        before = _hashes(root)
        result = _cli(root, "fmt", wait=0.2)
        assert result.exit_code == 1
        assert result.stdout.startswith("错误：台账正被另一个 xm 命令修改，等待 0.2 秒后仍未完成")
        assert (
            result.stdout.splitlines()[-1]
            == "整理了 0 个文件，0 个无需改动；6 个文件因台账正被另一个 xm 命令修改而未整理"
        )
        assert _hashes(root) == before
        assert _cli(root, "fmt", "--check", wait=0).exit_code in (0, 1)
        result = _cli(root, "visit", "CY-B1", "--date", "2018-09-30", "--dry-run", wait=0)
        assert result.exit_code == 0 and result.stderr == "" and "+      - 2018-09-30" in result.stdout
        # the library's apply() holds the lock too (xm import writes with it)
        plan = edit.visit(load(root), "CY-U1", "2018-09-30")
        monkeypatch.setenv("XM_LOCK_WAIT", "0")
        with pytest.raises(EditError, match="台账正被另一个 xm 命令修改，等待 0 秒后仍未完成"):
            edit.apply(plan)
        monkeypatch.delenv("XM_LOCK_WAIT")
        assert _hashes(root) == before
    finally:
        release.set()
        proc.join(30)
    assert _cli(root, "visit", "CY-B1", "--date", "2018-09-30").exit_code == 0


# --- a lock file committed as something else ----------------------------------------------------


def _xm(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xiangmu_cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "XM_LOCK_WAIT": "2"},
    )


@pytest.mark.parametrize("kind", ["dangling-link", "link", "fifo", "folder"])
def test_a_lock_file_that_is_not_a_regular_file_is_refused(root: Path, tmp_path: Path, kind: str) -> None:
    lock, outside = root / ".xm.lock", tmp_path / "outside"
    if kind == "dangling-link":
        lock.symlink_to(outside)
    elif kind == "link":
        outside.write_text("别人的文件\n", encoding="utf-8")
        lock.symlink_to(outside)
    elif kind == "fifo":
        os.mkfifo(lock)
    else:
        lock.mkdir()
    name = {"dangling-link": "符号链接", "link": "符号链接", "fifo": "命名管道 FIFO", "folder": "目录"}[kind]
    before = _hashes(root)
    for args in (["visit", "CY-B1", "--date", "2018-09-30"], ["enter-stats", "CY-U1", "--date", "2018-09-30"]):
        result = _xm(*args, "--ledgers", str(root))
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr == (
            f"错误：锁文件 {lock} 是{name}，不是普通文件，未修改任何文件；它不该出现在台账目录中"
            f"（可能来自有问题的提交）：请删除它（git rm {lock}，或直接删除）后重新运行\n"
        )
    (root / "船营区/在建.yaml").write_text(UNORDERED, encoding="utf-8")
    before = _hashes(root)
    result = _xm("fmt", "--ledgers", str(root))
    assert result.returncode == 1 and result.stdout.startswith(f"错误：锁文件 {lock} 是{name}，不是普通文件")
    assert result.stdout.splitlines()[-1] == "整理了 0 个文件，0 个无需改动；6 个文件因无法锁定台账而未整理"
    assert _hashes(root) == before
    assert os.path.lexists(lock) and (not outside.exists() if kind == "dangling-link" else True)
    if kind == "link":
        assert outside.read_text(encoding="utf-8") == "别人的文件\n"


# --- read-only checkouts ------------------------------------------------------------------------


def test_a_read_only_checkout_reads_checks_and_shows_but_does_not_edit(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _cli(root, "fmt").exit_code == 0
    real_open = os.open

    def read_only_open(path, flags, *args, **kwargs):
        if str(path).endswith(".xm.lock") or flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(fileio.os, "open", read_only_open)  # the whole process: nothing can be created
    before = _hashes(root)
    lock = root / ".xm.lock"
    result = _cli(root, "visit", "CY-B1", "--date", "2018-09-30")
    assert result.exit_code == 1
    assert result.stderr == (
        f"错误：无法创建锁文件 {lock}（{os.strerror(errno.EROFS)}），未修改任何文件；台账目录是只读的"
        "（只读检出或没有写权限），不能在这里修改台账，--dry-run 可以只查看修改\n"
    )
    result = _cli(root, "visit", "CY-B1", "--date", "2018-09-30", "--dry-run")
    assert result.exit_code == 0 and "+      - 2018-09-30" in result.stdout
    result = _cli(root, "fmt")  # nothing to write: fine without the lock
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines()[-1] == "整理了 0 个文件，6 个无需改动"
    assert _cli(root, "fmt", "--check").exit_code == 0
    assert _hashes(root) == before


# --- another program saves meanwhile ------------------------------------------------------------


@pytest.mark.parametrize(
    "theirs",
    [
        BUILDING.replace("    总投资: 5500\n", "    总投资: 5600\n"),  # another project changed
        BUILDING.replace(
            "项目:\n",
            "项目:\n  - 编号: CY-B0\n    名称: 新项目\n    总投资: 100\n    建设性质: 新建\n"
            "    开工日期: 2018-04-01\n    年度计划投资: 50\n\n",
        ),  # a project added above
    ],
)
def test_a_save_by_another_program_is_not_called_a_defect(
    root: Path, monkeypatch: pytest.MonkeyPatch, theirs: str
) -> None:
    """An editor (which takes no lock) saves the file between xm's loading the ledgers and its
    reading the file: refused as a concurrent change, not as xm's defect nor a missing project."""
    path = root / "船营区/在建.yaml"
    real_read = files.read

    def read_after_their_save(p: Path):
        if p == path and path.read_text(encoding="utf-8") != theirs:
            path.write_text(theirs, encoding="utf-8")
        return real_read(p)

    monkeypatch.setattr(files, "read", read_after_their_save)
    result = _cli(root, "visit", "CY-B1", "--date", "2018-09-30")
    assert result.exit_code == 1
    assert result.stderr == "错误：台账在读取之后被修改过（可能有人同时在编辑），未写入任何文件；请重新运行命令\n"
    assert path.read_text(encoding="utf-8") == theirs
    monkeypatch.setattr(files, "read", real_read)
    assert _cli(root, "visit", "CY-B1", "--date", "2018-09-30").exit_code == 0


# --- the lock itself ----------------------------------------------------------------------------


def test_the_lock_is_reentrant_and_leaves_no_file(tmp_path: Path) -> None:
    lock = tmp_path / ".xm.lock"
    lock.write_text("", encoding="utf-8")  # left over (or committed): used, then removed
    with fileio.ledger_lock(tmp_path) as held:
        assert held == lock and lock.exists()
        with fileio.ledger_lock(tmp_path, wait=0):  # the same process: no deadlock
            pass
        assert lock.exists()
    assert not lock.exists()
    assert [p.name for p in tmp_path.iterdir()] == []


def _taker(folder: Path, rounds: int, barrier, results, broken: bool) -> None:
    if broken:  # the classic bug: locking a lock file that its last holder has just removed
        fileio._same_file = lambda fd, path: True
    spans = []
    barrier.wait()
    for _ in range(rounds):
        with fileio.ledger_lock(folder, wait=60):
            start = time.monotonic()
            time.sleep(0.05)
            spans.append((start, time.monotonic()))
    results.put(spans)


def _overlaps(folder: Path, broken: bool = False) -> int:
    barrier, results = CTX.Barrier(4), CTX.Queue()
    procs = [CTX.Process(target=_taker, args=(folder, 15, barrier, results, broken)) for _ in range(4)]
    for p in procs:
        p.start()
    spans = sorted(span for _ in procs for span in results.get(timeout=120))
    for p in procs:
        p.join(30)
    return sum(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:]))


def test_the_lock_is_exclusive_although_its_file_is_removed_on_release(tmp_path: Path) -> None:
    """Four processes take and release the lock 15 times each: never two at once, although each
    release removes the file another process may have opened meanwhile."""
    assert _overlaps(tmp_path) == 0
    assert not (tmp_path / ".xm.lock").exists()
