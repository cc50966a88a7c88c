"""Nothing lost: writes are atomic, a file saved by someone else meanwhile is never overwritten,
and a write that fails or is killed leaves the old file intact (and no leftover read as a ledger)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xiangmu_cli.base import fileio
from xiangmu_cli.base.fileio import FileChangedError, write_atomic
from xiangmu_cli.cli import app

from .conftest import ROOT

runner = CliRunner()
UNFORMATTED = (
    "# 台账\n项目:\n    -   编号: CY-2018-001\n        名称: 甲\n        总投资: 6000\n        项目秘书: 王芳\n"
    "        建设性质: 新建\n        开工日期: 2018-03-01\n        年度计划投资: 50\n"
)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "ledgers"
    shutil.copytree(ROOT / "examples" / "minimal" / "ledgers", root)
    return root


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _someone_saves(monkeypatch: pytest.MonkeyPatch, path: Path, content: bytes) -> None:
    """Another editor saves ``path`` while xm is between reading it and renaming its new version."""
    real = os.fsync

    def fsync_then_other_save(fd: int) -> None:
        real(fd)
        if path.read_bytes() != content:
            path.write_bytes(content)

    monkeypatch.setattr(fileio.os, "fsync", fsync_then_other_save)


def test_write_atomic_refuses_a_file_changed_since_it_was_read(tmp_path: Path) -> None:
    path = tmp_path / "在建.yaml"
    path.write_bytes(b"old\n")
    with pytest.raises(FileChangedError, match="被修改过"):
        write_atomic(path, b"new\n", expected=b"older\n")
    assert path.read_bytes() == b"old\n" and _leftovers(tmp_path) == []
    with pytest.raises(FileChangedError):
        write_atomic(path, b"new\n", expected=None)  # "must not exist yet"
    write_atomic(path, b"new\n", expected=b"old\n")
    assert path.read_bytes() == b"new\n"
    write_atomic(tmp_path / "新.yaml", b"x\n", expected=None)
    assert (tmp_path / "新.yaml").read_bytes() == b"x\n" and _leftovers(tmp_path) == []


def test_fmt_does_not_overwrite_a_concurrent_save(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = root / "船营区" / "在建.yaml"
    path.write_text(UNFORMATTED, encoding="utf-8")
    theirs = UNFORMATTED.replace("名称: 甲", "名称: 乙").encode()
    _someone_saves(monkeypatch, path, theirs)
    result = runner.invoke(app, ["fmt", "--ledgers", str(root)])
    assert result.exit_code == 1
    assert "无法写入文件：文件在读取之后被修改过（可能有人同时在编辑），未写入；请重新运行命令" in result.stdout
    assert path.read_bytes() == theirs and _leftovers(path.parent) == []


def test_edit_does_not_overwrite_a_concurrent_save(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = root / "船营区" / "在建.yaml"
    theirs = path.read_bytes() + "# 有人刚保存\n".encode()
    _someone_saves(monkeypatch, path, theirs)
    result = runner.invoke(app, ["visit", "CY-2018-001", "--date", "2018-09-30", "--ledgers", str(root)])
    assert result.exit_code == 1
    assert "被修改过" in result.output
    assert path.read_bytes() == theirs and _leftovers(path.parent) == []


@pytest.mark.parametrize("failure", ["write", "replace"])
def test_a_failed_write_leaves_the_old_file(root: Path, monkeypatch: pytest.MonkeyPatch, failure: str) -> None:
    path = root / "船营区" / "在建.yaml"
    path.write_text(UNFORMATTED, encoding="utf-8")
    before = path.read_bytes()

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    if failure == "replace":
        monkeypatch.setattr(fileio.os, "replace", disk_full)
    else:
        real_fdopen = os.fdopen

        class Failing:
            def __init__(self, handle) -> None:  # type: ignore[no-untyped-def]
                self.handle = handle

            def __enter__(self) -> Failing:
                return self

            def __exit__(self, *exc: object) -> None:
                self.handle.close()

            def write(self, data: bytes) -> None:
                self.handle.write(data[: len(data) // 2])  # half written, then the disk is full
                disk_full()

        monkeypatch.setattr(fileio.os, "fdopen", lambda fd, mode: Failing(real_fdopen(fd, mode)))
    result = runner.invoke(app, ["fmt", "--ledgers", str(root)])
    assert result.exit_code == 1 and "无法写入文件：No space left on device" in result.stdout
    assert path.read_bytes() == before and _leftovers(path.parent) == []


KILLED_WRITER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    ledgers, ready = sys.argv[1:3]
    real_fsync = os.fsync
    def fsync_then_hang(fd):
        real_fsync(fd)
        Path(ready).write_text("written, not renamed")
        time.sleep(120)
    os.fsync = fsync_then_hang
    from xiangmu_cli.cli import main
    sys.argv = ["xm", "fmt", "--ledgers", ledgers]
    main()
""")


def test_a_process_killed_mid_write_leaves_the_old_file(root: Path, tmp_path: Path) -> None:
    path = root / "船营区" / "在建.yaml"
    path.write_text(UNFORMATTED, encoding="utf-8")
    before = path.read_bytes()
    ready = tmp_path / "ready"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(root), str(ready)], start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ready.exists(), "the writer never reached the rename"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert path.read_bytes() == before
    # the temporary file survives a SIGKILL (nothing can remove it), hidden and never read as a ledger
    (leftover,) = _leftovers(path.parent)
    assert leftover.startswith(".在建.yaml.")
    result = runner.invoke(app, ["validate", "--ledgers", str(root), "--no-cache"])
    assert (result.exit_code, result.stdout) == (0, "未发现问题（检查了 2 个文件、1 个项目）\n")
    check = runner.invoke(app, ["fmt", "--check", "--ledgers", str(root)])
    assert check.stdout.splitlines()[-1] == "1 个文件需要格式化（共 2 个）；运行 xm fmt 整理后再提交"
