"""Hostile git histories and textconv input (issue 12): bounded memory, located problems, no hang.

A large blob in history is never read (its size comes from ``ls-tree -l``) and becomes the
loader's E009 「文件过大」; a revision's ledger files are read up to a total budget, and a revision
with too many files is one E009; ``xm log`` keeps nothing of a commit once it moves on, and clips
a huge subject; a symbolic link (a ledger file, a region folder, xiangmu.yaml, the ledgers
folder itself) or a submodule in history is E203 on that revision and its projects are 无法比较,
never 移除; ``xm textconv`` refuses FIFOs and devices without opening them and shows a too-large
file as one line (exit 0, so that ``git diff`` goes on). The CLI runs in a subprocess under
``RLIMIT_AS`` where memory is the point. Every test here failed before the fix.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from xiangmu_cli.base.limits import Limits, using
from xiangmu_cli.cli import app
from xiangmu_cli.history.diff import diff_repositories
from xiangmu_cli.history.git import Git, load_revision, project_log

from .gitrepo import Repo
from .test_history import BUILDING, CONFIG, DEAL, PLANNED, UNSTAT

runner = CliRunner()
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

#: Address space for the CLI in a subprocess: the interpreter with everything xm imports takes
#: ~150 MiB of it (measured on Linux x86-64, Python 3.11); a 60 MB blob read the old way
#: (captured output, a copy of it, the decoded text) needs several times its size on top.
AS_LIMIT = 320 * 2**20
BIG = 60 * 2**20


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))


def xm(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``xm ARGS`` in a subprocess with at most AS_LIMIT bytes of address space."""
    return subprocess.run(
        [sys.executable, "-m", "xiangmu_cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_limited,
        check=False,
    )


def _sparse(path: Path, size: int) -> None:
    """A file of ``size`` zero bytes that costs nothing to write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.truncate(size)


@pytest.fixture
def history(tmp_path: Path) -> Repo:
    root = tmp_path / "ledger-repo"
    root.mkdir()
    r = Repo(root.resolve())
    r.commit(
        "初始台账",
        {
            "xiangmu.yaml": CONFIG,
            "船营区/计划开工.yaml": PLANNED,
            "船营区/在建.yaml": BUILDING,
            "船营区/未入统.yaml": UNSTAT,
            "高新区/招商.yaml": DEAL,
        },
    )
    return r


def _no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr, done.stderr[-2000:]


# --- a large blob in history --------------------------------------------------------------------


@pytest.fixture
def big_blob(history: Repo) -> Repo:
    """History: the ledgers; 在建.yaml replaced by 60 MB of zeros; the fix. The work tree is clean."""
    _sparse(history.root / "ledgers" / "船营区" / "在建.yaml", BIG)
    history.git("add", "-A")
    history.git("commit", "-q", "-m", "误提交大文件")
    history.commit("恢复在建台账", {"船营区/在建.yaml": BUILDING})
    return history


def test_diff_never_reads_a_blob_over_the_file_limit(big_blob: Repo) -> None:
    ledgers = str(big_blob.root / "ledgers")
    done = xm("diff", "HEAD~2", "HEAD~1", "--ledgers", ledgers, "-f", "json")
    _no_traceback(done)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    rows = {r["编号"]: r for r in data["项目变动"]}
    assert {code: r["事件"] for code, r in rows.items()} == {"CY-2": ["无法比较"]}
    assert "文件过大（60.0 MB）" in rows["CY-2"]["说明"]
    assert [(f["文件"].endswith("船营区/在建.yaml"), f["错误数"]) for f in data["无效文件"]] == [(True, 1)]
    # The located problem of that revision, as the loader gives it on disk.
    assert "船营区/在建.yaml:1:1: E009" in done.stderr and "文件过大（60.0 MB），不像是台账" in done.stderr
    # Against the work tree too (HEAD~1 is the big one).
    done = xm("diff", "HEAD~1", "--ledgers", ledgers, "-f", "json")
    _no_traceback(done)
    assert done.returncode == 0 and "E009" in done.stderr


def test_log_never_reads_a_blob_over_the_file_limit(big_blob: Repo) -> None:
    done = xm("log", "CY-2", "--ledgers", str(big_blob.root / "ledgers"), "-f", "json")
    _no_traceback(done)
    assert done.returncode == 0, done.stderr
    commits = json.loads(done.stdout)["提交"]
    assert [(c["说明"], c["事件"]) for c in commits] == [
        ("恢复在建台账", ["无法比较"]),
        ("误提交大文件", ["无法比较"]),
        ("初始台账", ["新增"]),
    ]
    assert all("文件过大（60.0 MB）" in c["备注"] for c in commits[:2])
    assert "E009" in done.stderr and "文件过大" in done.stderr


def test_log_keeps_nothing_of_a_commit_when_it_loads_the_next(history: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    # Memory must not grow with the history: when xm log loads a revision, nothing it loaded
    # for earlier commits is alive any more (the current commit's other side at most).
    import gc
    import weakref

    from xiangmu_cli.reading import loading

    for n in range(4):
        history.commit(f"调度 {n}", {"船营区/在建.yaml": BUILDING.replace("总投资: 8000", f"总投资: {9000 + n}")})
    loaded: list[weakref.ref[Any]] = []
    alive_at_load: list[int] = []
    real_load = loading.load

    def load(root: Any, progress: Any = None) -> Any:
        alive_at_load.append(sum(ref() is not None for ref in loaded))
        repo = real_load(root, progress)
        loaded.append(weakref.ref(repo))
        return repo

    monkeypatch.setattr(loading, "load", load)
    enabled = gc.isenabled()
    gc.disable()  # what is freed must be freed by reference counting, not by a later collection
    try:
        rows = project_log(Git(history.root / "ledgers"), history.root / "ledgers", "CY-2")
    finally:
        if enabled:
            gc.enable()
    assert [r["事件"] for r in rows] == [["变更"]] * 4 + [["新增"]]
    assert len(alive_at_load) == 10 and max(alive_at_load) <= 1, alive_at_load


def test_a_revision_is_read_up_to_a_total_budget(history: Repo) -> None:
    # Five files just under a 1 MB per-file limit, 4 MB in all: the revision budget (4 × the
    # per-file limit) is spent on the files in git's (byte) order and the last is E009, unread.
    padding = "#" * (1024 * 1000) + "\n"
    history.commit(
        "五个接近上限的文件",
        {
            "船营区/计划开工.yaml": PLANNED + padding,
            "船营区/在建.yaml": BUILDING + padding,
            "船营区/未入统.yaml": UNSTAT + padding,
            "高新区/招商.yaml": DEAL + padding,
            "高新区/在建.yaml": "项目: []\n" + padding,
        },
    )
    git = Git(history.root / "ledgers")
    with using(Limits(max_file_bytes=2**20)):
        repo, _ = load_revision(git, history.root / "ledgers", "HEAD")
    unread = [p for p in repo.problems if p.code == "E009"]
    assert len(unread) == 1 and "合计" in unread[0].message, [p.message for p in repo.problems]
    assert unread[0].file.endswith("高新区/招商.yaml")  # the last in git's order
    assert {r.project.code for r in repo.records} == {"CY-1", "CY-2", "CY-3"}


def test_too_many_files_at_a_revision_is_one_problem_and_no_removal(history: Repo) -> None:
    # 60 stray entries under a region at HEAD, over a max_files of 50: nothing is read at HEAD,
    # as on disk (one E009 on the folder), and the projects are not "removed" by it.
    blob = _blob(history, b"x\n")
    info = "".join(f"100644 {blob}\tledgers/船营区/stray-{n}.txt\n" for n in range(60))
    subprocess.run(["git", "update-index", "--index-info"], cwd=history.root, input=info, text=True, check=True)
    history.git("commit", "-q", "-m", "很多文件")
    git = Git(history.root / "ledgers")
    with using(Limits(max_files=50)):
        before, _ = load_revision(git, history.root / "ledgers", "HEAD~1")
        after, _ = load_revision(git, history.root / "ledgers", "HEAD")
    assert [(p.code, "超过 50 个" in p.message) for p in after.problems] == [("E009", True)]
    result = diff_repositories(before, after, "HEAD~1", "HEAD")
    assert {r["事件"][0] for r in result.projects} == {"无法比较"}
    assert not any(r["移除"] for r in result.regions)


def _blob(repo: Repo, data: bytes) -> str:
    return (
        subprocess.run(
            ["git", "hash-object", "-w", "--stdin"], cwd=repo.root, input=data, capture_output=True, check=True
        )
        .stdout.decode()
        .strip()
    )


def test_a_huge_commit_subject_is_clipped(history: Repo) -> None:
    history.write({"船营区/在建.yaml": BUILDING.replace("总投资: 8000", "总投资: 9000")})
    (history.root / "message").write_text("x" * 2**20, encoding="utf-8")
    history.git("commit", "-q", "-a", "-F", str(history.root / "message"))
    rows = project_log(Git(history.root / "ledgers"), history.root / "ledgers", "CY-2")
    assert rows[0]["事件"] == ["变更"] and len(rows[0]["说明"]) < 2000


# --- symbolic links in history ------------------------------------------------------------------


def _link(repo: Repo, rel: str, target: str, message: str) -> None:
    path = repo.root / "ledgers" / rel
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()
    path.symlink_to(target)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", message)


def _diff_json(repo: Repo, *revisions: str) -> tuple[dict[str, Any], str]:
    result = runner.invoke(app, ["diff", *revisions, "--ledgers", str(repo.root / "ledgers"), "-f", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


def test_a_symlinked_ledger_file_in_history_is_unreadable_not_removed(history: Repo) -> None:
    _link(history, "船营区/在建.yaml", "../../../../../../etc/passwd", "在建台账改为链接")
    data, stderr = _diff_json(history, "HEAD~1", "HEAD")
    rows = {r["编号"]: r for r in data["项目变动"]}
    assert {code: r["事件"] for code, r in rows.items()} == {"CY-2": ["无法比较"]}
    assert "符号链接" in rows["CY-2"]["说明"] and "HEAD" in rows["CY-2"]["说明"]
    # Not counted as removed, and its 完成投资 (100 万元) is not a fall in the region's total.
    assert all(r["移除"] == 0 and Decimal(str(r["Δ完成投资"])) == 0 for r in data["分地区"])
    assert [f["文件"].endswith("船营区/在建.yaml") for f in data["无效文件"]] == [True]
    assert "船营区/在建.yaml: E203" in stderr and "符号链接" in stderr
    # The same in the other direction: a link replaced by a real file is not 新增.
    (history.root / "ledgers" / "船营区" / "在建.yaml").unlink()  # never write through the link
    history.commit("恢复在建台账", {"船营区/在建.yaml": BUILDING})
    data, _ = _diff_json(history, "HEAD~1", "HEAD")
    assert [(r["编号"], r["事件"]) for r in data["项目变动"]] == [("CY-2", ["无法比较"])]
    # And in xm log.
    rows_log = project_log(Git(history.root / "ledgers"), history.root / "ledgers", "CY-2")
    assert [(r["说明"], r["事件"]) for r in rows_log] == [
        ("恢复在建台账", ["无法比较"]),
        ("在建台账改为链接", ["无法比较"]),
        ("初始台账", ["新增"]),
    ]
    assert "符号链接" in rows_log[1]["备注"]


def test_a_symlink_in_history_is_a_located_problem_on_that_revision(history: Repo) -> None:
    _link(history, "船营区/在建.yaml", "计划开工.yaml", "链接")
    repo, _ = load_revision(Git(history.root / "ledgers"), history.root / "ledgers", "HEAD")
    links = [(p.code, p.file.endswith("船营区/在建.yaml"), p.at) for p in repo.problems]
    assert links == [("E203", True, "file")]


def test_a_symlinked_region_folder_in_history(history: Repo) -> None:
    _link(history, "船营区", "/etc", "地区文件夹改为链接")
    data, stderr = _diff_json(history, "HEAD~1", "HEAD")
    events = {r["编号"]: r["事件"] for r in data["项目变动"]}
    assert events == {"CY-1": ["无法比较"], "CY-2": ["无法比较"], "CY-3": ["无法比较"]}
    assert not any(r["移除"] for r in data["分地区"]) and "E203" in stderr


def test_a_symlinked_ledgers_folder_or_a_submodule_in_history(history: Repo) -> None:
    # A submodule (mode 160000) where a region folder was: E203, its projects 无法比较.
    commit = history.git("rev-parse", "HEAD").strip()
    history.git("rm", "-rq", "--cached", "ledgers/船营区")
    history.git("update-index", "--add", "--cacheinfo", f"160000,{commit},ledgers/船营区")
    history.git("commit", "-q", "-m", "地区文件夹成了子模块")
    data, stderr = _diff_json(history, "HEAD~1", "HEAD")
    assert {r["编号"]: r["事件"] for r in data["项目变动"]} == {
        "CY-1": ["无法比较"],
        "CY-2": ["无法比较"],
        "CY-3": ["无法比较"],
    }
    assert "ledgers/船营区: E203" in stderr
    # The whole ledgers folder a symbolic link: E203 on the folder, nothing 移除.
    history.git("rm", "-rq", "--cached", "ledgers")
    link = _blob(history, b"/etc")
    history.git("update-index", "--add", "--cacheinfo", f"120000,{link},ledgers")
    history.git("commit", "-q", "-m", "台账目录成了链接")
    data, stderr = _diff_json(history, "HEAD~2", "HEAD")
    assert {r["事件"][0] for r in data["项目变动"]} == {"无法比较"} and len(data["项目变动"]) == 4
    assert "台账目录「ledgers」在此版本是符号链接" in stderr


def test_a_symlinked_config_in_history_is_e203_not_missing(history: Repo) -> None:
    _link(history, "xiangmu.yaml", "/etc/passwd", "配置改为链接")
    repo, _ = load_revision(Git(history.root / "ledgers"), history.root / "ledgers", "HEAD")
    assert [(p.code, p.file.endswith("xiangmu.yaml")) for p in repo.errors] == [("E203", True)]


# --- xm textconv ----------------------------------------------------------------------------------


def test_textconv_refuses_a_fifo_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "在建.yaml"
    os.mkfifo(fifo)
    done = xm("textconv", str(fifo), timeout=30)
    _no_traceback(done)
    assert done.returncode == 2 and "命名管道" in done.stderr and done.stdout == ""


def test_textconv_refuses_dev_zero(tmp_path: Path) -> None:
    done = xm("textconv", "/dev/zero", timeout=30)
    _no_traceback(done)
    assert done.returncode == 2 and "字符设备" in done.stderr and done.stdout == ""


def test_textconv_on_a_missing_file_or_a_folder_exits_2(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["textconv", str(tmp_path / "无.yaml")])
    assert missing.exit_code == 2 and "不存在" in missing.stderr
    folder = runner.invoke(app, ["textconv", str(tmp_path)])
    assert folder.exit_code == 2 and "不是普通文件（目录）" in folder.stderr


def test_textconv_shows_a_too_large_file_as_one_line(tmp_path: Path) -> None:
    path = tmp_path / "在建.yaml"
    _sparse(path, BIG)
    done = xm("textconv", str(path), timeout=60)
    _no_traceback(done)
    # Exit 0: git aborts the whole diff ("unable to read files to diff") when textconv fails.
    assert done.returncode == 0
    assert done.stdout.startswith("# xm：文件过大") and len(done.stdout) < 500


def test_git_diff_with_the_textconv_driver_survives_a_large_blob(big_blob: Repo) -> None:
    (big_blob.root / ".gitattributes").write_text("ledgers/**/*.yaml diff=xm\n", encoding="utf-8")
    big_blob.git("config", "diff.xm.textconv", f"{sys.executable} -m xiangmu_cli textconv")
    done = subprocess.run(
        ["git", "diff", "HEAD~2", "HEAD~1"],
        cwd=big_blob.root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=_limited,
    )
    assert done.returncode == 0, done.stderr
    assert "+# xm：文件过大" in done.stdout and "-[CY-2] 名称: 北山大道改造" in done.stdout
    assert len(done.stdout) < 10_000
