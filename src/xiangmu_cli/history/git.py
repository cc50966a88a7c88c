"""The only module that talks to git: revisions, ledger trees at a revision, commit lists.

Git is run as the ``git`` executable with argument lists only (never a shell), with
``--end-of-options`` before any user-supplied revision so a revision can never be taken as an
option, and user revisions are resolved to a commit id once, first. A ledger tree at a
revision is listed with ``ls-tree -l`` (paths, modes and sizes, no contents) and handed to the
ordinary loader through :class:`TreePath`, a read-only stand-in for :class:`pathlib.Path`.

Reading history is bounded like reading the disk (issue 12):

- a blob's size is known from the listing before anything is read, and a blob above the
  per-file limit (:func:`xiangmu_cli.base.limits.current`) is never read: ``TreePath.stat`` gives its
  size, so the loader reports the same E009 「文件过大」 as for such a file on disk;
- only the files the loader reads (xiangmu.yaml and ``地区/<台账>.yaml``) are read, in one
  ``cat-file --batch`` streamed blob by blob, up to :func:`revision_budget` bytes per revision in
  all; a file past the budget is E009 too, unread;
- a symbolic link (mode 120000) is never read: ``TreePath.is_symlink`` is true, so the loader
  reports E203 for it on that revision as it does on disk; a submodule is an entry that is
  neither a file nor a folder (E203 where a ledger file or region is expected);
- every git output is read as a stream: listings and commit lists record by record (at most
  :data:`RECORD_MAX` bytes of each kept), other output up to :data:`SMALL_OUTPUT` bytes, git's
  messages up to :data:`STDERR_KEPT`; entries below ``地区/`` are never kept, and a listing with
  more entries than the loader's ``max_files`` stops there and is reported as on disk (one E009);
- ``project_log`` goes through the commits as git lists them, one at a time, keeping only the
  rows it returns.
"""

from __future__ import annotations

import io
import os
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import SimpleNamespace, TracebackType
from typing import IO, TYPE_CHECKING, Any, TypedDict, cast

from xiangmu_cli.base import limits
from xiangmu_cli.base.fileio import TooLargeError
from xiangmu_cli.ledger.vocab import CONFIG_FILE, LEDGERS

if TYPE_CHECKING:
    from xiangmu_cli.history.diff import Change
    from xiangmu_cli.reading.archive import Archive
    from xiangmu_cli.reading.records import Repository

__all__ = [
    "GitError",
    "Git",
    "archive_at",
    "Tree",
    "TreePath",
    "Commit",
    "LogRow",
    "WORKTREE",
    "load_revision",
    "project_log",
    "revision_budget",
]

#: The pseudo-revision for the files on disk.
WORKTREE = "工作区"

#: Longest record kept from a listing or a commit list (a path, a commit's subject line); the
#: rest of a longer one is read and dropped. No file system allows a path this long.
RECORD_MAX = 16 * 2**10
#: Most output read from a git command that answers with a line (rev-parse and the like).
SMALL_OUTPUT = 64 * 2**10
#: Most of git's error output kept for a message.
STDERR_KEPT = 16 * 2**10
#: Characters of a commit's author and subject kept for the log.
AUTHOR_CHARS, SUBJECT_CHARS = 100, 300

_LEDGER_NAMES = frozenset(lg.filename for lg in LEDGERS)


def revision_budget() -> int:
    """Bytes of ledger files read from one revision at most: 4 × the per-file limit.

    80 MB by default, ~5× a 20k-project province's whole ledger (53 files, 14 MB); without it, a
    revision of many files each just under the per-file limit would all be held at once.
    """
    return 4 * limits.current().max_file_bytes


class GitError(Exception):
    """A git problem a user can cause (not a repository, unknown revision…): exit 2."""


@dataclass(frozen=True)
class Commit:
    sha: str
    date: str
    author: str
    subject: str
    parents: tuple[str, ...]


def _env() -> dict[str, str]:
    return {**os.environ, "LC_ALL": "C", "GIT_PAGER": "cat", "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}


class _Process:
    """One git command whose output is read as a stream, never whole.

    The input (object names for ``cat-file``) is given from a temporary file and git's messages go
    to another, so git never waits on a pipe that is not being read. Leaving the ``with`` block
    before the output is exhausted kills git.
    """

    def __init__(self, args: list[str], cwd: Path, stdin: bytes | None = None) -> None:
        self.args = args
        with ExitStack() as kept:
            self._err = kept.enter_context(tempfile.TemporaryFile())
            with ExitStack() as given:  # the input file is git's once it has started
                source: IO[bytes] | int = subprocess.DEVNULL
                if stdin is not None:
                    source = given.enter_context(tempfile.TemporaryFile())
                    source.write(stdin)
                    source.seek(0)
                try:
                    self.proc = subprocess.Popen(
                        ["git", *args], cwd=cwd, stdin=source, stdout=subprocess.PIPE, stderr=self._err, env=_env()
                    )
                except FileNotFoundError:
                    raise GitError("找不到 git 命令；请先安装 git") from None
            self._close_err = kept.pop_all()  # git's messages are read after it ends (finish)
        assert isinstance(self.proc.stdout, io.BufferedReader)  # a pipe, buffered (Popen's default)
        self.out = self.proc.stdout

    def __enter__(self) -> _Process:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.out.close()
        self.proc.wait()
        self._close_err.close()

    def finish(self) -> None:
        """Once the output is read: GitError with git's message if the command failed."""
        if self.proc.wait() != 0:
            self._err.seek(0)
            message = self._err.read(STDERR_KEPT).decode("utf-8", errors="replace").strip()
            raise GitError(message or f"git {self.args[0]} 失败")

    def read(self, limit: int) -> bytes:
        """All of the output, or GitError if there is more than ``limit`` bytes of it."""
        data = self.out.read(limit + 1)
        if len(data) > limit:
            raise GitError(f"git {self.args[0]} 的输出超过 {limit} 字节，未读取")
        return data

    def records(self, sep: bytes = b"\0", max_len: int = RECORD_MAX) -> Iterator[tuple[bytes, bool]]:
        """The output split at ``sep``, as (record, cut): at most ``max_len`` bytes of each are kept."""
        pending = bytearray()
        cut = False
        while True:
            chunk = self.out.read1(1 << 16)
            if not chunk:
                break
            start = 0
            while True:
                end = chunk.find(sep, start)
                piece = chunk[start:] if end < 0 else chunk[start:end]
                room = max_len - len(pending)
                if len(piece) > room:
                    pending += piece[: max(room, 0)]
                    cut = True
                else:
                    pending += piece
                if end < 0:
                    break
                yield bytes(pending), cut
                pending.clear()
                cut = False
                start = end + len(sep)
        if pending or cut:
            yield bytes(pending), cut

    def read_exact(self, size: int) -> bytes:
        data = self.out.read(size)
        if len(data) != size:
            raise GitError(f"git {self.args[0]} 的输出不完整")
        return data


class Git:
    """A git repository, found from a directory inside it."""

    def __init__(self, start: Path) -> None:
        self.start = start
        try:
            top = self._run(["rev-parse", "--show-toplevel"], cwd=start).strip()
        except GitError:
            raise GitError(f"{start} 不在 git 仓库中；xm diff 和 xm log 需要用 git 管理的台账") from None
        self.top = Path(top)

    @staticmethod
    def _run(args: list[str], cwd: Path, stdin: bytes | None = None) -> str:
        return Git._run_bytes(args, cwd, stdin).decode("utf-8", errors="replace")

    @staticmethod
    def _run_bytes(args: list[str], cwd: Path, stdin: bytes | None = None, limit: int = SMALL_OUTPUT) -> bytes:
        """The output of a command that answers briefly; GitError past ``limit`` bytes."""
        with _Process(args, cwd, stdin) as proc:
            data = proc.read(limit)
            proc.finish()
        return data

    def run(self, *args: str, stdin: bytes | None = None) -> str:
        return self._run(list(args), self.top, stdin)

    def is_shallow(self) -> bool:
        try:
            return self.run("rev-parse", "--is-shallow-repository").strip() == "true"
        except GitError:
            return False

    def resolve(self, revision: str) -> str:
        """The commit id of a user-supplied revision (``HEAD~1``, a tag, a branch, a hash)."""
        try:
            return self.run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}").strip()
        except GitError:
            hint = (
                "；这是浅克隆（shallow clone），较早的版本不在本地：运行 git fetch --unshallow"
                if self.is_shallow()
                else "；用 git log 查看可用的版本"
            )
            raise GitError(f"找不到版本「{revision}」{hint}") from None

    def prefix(self, path: Path) -> PurePosixPath:
        """``path`` relative to the top of the repository."""
        try:
            rel = path.resolve().relative_to(self.top.resolve())
        except ValueError:
            raise GitError(f"{path} 不在 git 仓库 {self.top} 中") from None
        return PurePosixPath(rel.as_posix())

    def tree(self, sha: str, prefix: PurePosixPath, base: Path, only: set[PurePosixPath] | None = None) -> Tree:
        """The files under ``prefix`` at commit ``sha``, to be loaded as if they were at ``base``.

        ``only``: just these paths (relative to ``prefix``, at most two levels deep), for loading
        a few files of a commit. Only what the loader looks at is kept: entries one and two
        levels below ``prefix`` (regions and their files), none below a hidden folder.
        """
        tree = Tree(base)
        max_files = limits.current().max_files
        args = ["--literal-pathspecs", "ls-tree", "-r", "-t", "-z", "-l", "--full-tree", sha, "--", str(prefix)]
        crowded = False
        with _Process(args, self.top) as proc:
            for record, cut in proc.records():
                if cut or not record:
                    continue  # a path longer than any file system allows: never a ledger
                meta, _, name = record.partition(b"\t")
                try:
                    mode, kind, obj, size = meta.decode("ascii").split()
                except (UnicodeDecodeError, ValueError):
                    raise GitError(f"无法识别 git ls-tree 的输出：{meta[:80]!r}") from None
                path = PurePosixPath(name.decode("utf-8", errors="replace"))
                if str(prefix) not in ("", ".") and path != prefix and prefix not in path.parents:
                    continue  # a folder above a nested prefix (归档/2018), which -t lists too
                rel = _under(path, prefix)
                if not rel.parts:
                    if kind != "tree":  # the ledgers folder itself is a link, a file or a submodule
                        tree.root_kind = _KINDS.get(mode, "子模块")
                    continue
                if len(rel.parts) > 2 or rel.parts[0].startswith(".") or (only is not None and rel not in only):
                    continue
                if tree.entries >= max_files:
                    crowded = True
                    break  # leaving the block stops git
                tree.add(rel, mode, kind, obj, size)
            else:
                proc.finish()
        if crowded:
            tree = self.tree(sha, prefix, base, {PurePosixPath(CONFIG_FILE)})
            tree.crowded = max_files
            return tree
        self._fill(tree)
        return tree

    def _fill(self, tree: Tree) -> None:
        """Read the files the loader will read, blob by blob, none above the limits."""
        max_bytes = limits.current().max_file_bytes
        budget, spent = revision_budget(), 0
        wanted: dict[str, int] = {}
        for rel, size in tree.sizes.items():  # in git's order
            if not _read_by_loader(rel) or size > max_bytes:
                continue  # TreePath.stat gives the size: the loader says 文件过大 (E009) without reading
            if spent + size > budget:
                tree.unread[rel] = _Unread(
                    tree.root() / str(rel),
                    f"此版本的台账文件合计超过 {budget / 2**20:g} MB，本文件（{size / 2**20:.1f} MB）未读取",
                )
                continue
            spent += size
            wanted[tree.objects[rel]] = size
        if not wanted:
            return
        blobs: dict[str, bytes] = {}
        with _Process(["cat-file", "--batch"], self.top, ("\n".join(wanted) + "\n").encode()) as proc:
            for obj, size in wanted.items():
                header = proc.out.readline(256).split()
                if header[1:2] == [b"missing"]:
                    continue  # not in this repository (damaged, or a partial clone): E009 on the file
                if len(header) != 3 or header[0].decode() != obj or header[1] != b"blob" or int(header[2]) != size:
                    raise GitError(f"git cat-file 的输出与 ls-tree 不符：{b' '.join(header)[:120]!r}")
                blobs[obj] = proc.read_exact(size)
                proc.read_exact(1)
            proc.finish()
        for rel, obj in tree.objects.items():
            if rel in tree.unread or not _read_by_loader(rel) or obj not in wanted:
                continue
            if obj in blobs:
                tree.data[rel] = blobs[obj]
            else:
                tree.unread[rel] = _Unread(tree.root() / str(rel), "git 仓库中缺少此版本的文件内容，未读取")

    def commits(self, prefix: PurePosixPath, head: str = "HEAD") -> Iterator[Commit]:
        """Commits that touched ``prefix``, newest first (first-parent order not forced), as git lists them."""
        fmt = "%H%x1f%P%x1f%ad%x1f%an%x1f%s"
        args = [
            "--literal-pathspecs",
            "log",
            "-z",
            f"--format={fmt}",
            "--date=short",
            "--end-of-options",
            head,
            "--",
            str(prefix),
        ]
        with _Process(args, self.top) as proc:
            for record, cut in proc.records():
                fields = record.decode("utf-8", errors="replace").split("\x1f", 4)
                if len(fields) < 3:
                    continue
                sha, parents, day, author, subject = (*fields, "", "")[:5]
                subject = subject.split("\n", 1)[0]
                yield Commit(
                    sha, day, _short(author, AUTHOR_CHARS), _short(subject, SUBJECT_CHARS, cut), tuple(parents.split())
                )
            try:
                proc.finish()
            except GitError:
                return  # a repository without commits yet

    def changed_files(self, sha: str, parent: str | None, prefix: PurePosixPath) -> set[PurePosixPath] | None:
        """Entries under ``prefix`` that differ between ``parent`` (or nothing) and ``sha``.

        Relative to ``prefix`` and cut to the two levels the loader reads (``地区/在建.yaml``); None
        when there are more than ``max_files`` of them (load the whole trees instead).
        """
        max_files = limits.current().max_files
        if parent is None:
            args = ["ls-tree", "-r", "-z", "--name-only", "--full-tree", sha, "--", str(prefix)]
        else:
            args = ["diff-tree", "-r", "-z", "--no-renames", "--name-only", parent, sha, "--", str(prefix)]
        changed: set[PurePosixPath] = set()
        with _Process(["--literal-pathspecs", *args], self.top) as proc:
            for record, cut in proc.records():
                if cut or not record:
                    continue
                parts = _under(PurePosixPath(record.decode("utf-8", errors="replace")), prefix).parts[:2]
                if parts and not parts[0].startswith("."):
                    changed.add(PurePosixPath(*parts))
                    if len(changed) > max_files:
                        return None
            proc.finish()
        return changed


def _short(text: str, chars: int, cut: bool = False) -> str:
    return text[:chars] + "…" if cut or len(text) > chars else text


#: What a git mode is, as users call it (for messages).
_KINDS = {"120000": "符号链接", "160000": "子模块", "100644": "普通文件", "100755": "普通文件"}


def _read_by_loader(rel: PurePosixPath) -> bool:
    """xiangmu.yaml, or a ledger file in a region folder: the files the loader reads."""
    return rel.parts == (CONFIG_FILE,) or (len(rel.parts) == 2 and rel.parts[1] in _LEDGER_NAMES)


def _under(path: PurePosixPath, prefix: PurePosixPath) -> PurePosixPath:
    if str(prefix) in ("", "."):
        return path
    return PurePosixPath(".") if path == prefix else path.relative_to(prefix)


class _Unread(OSError):
    """Why a file of a revision was not read (the loader makes it E009 「无法读取文件」)."""

    def __init__(self, path: TreePath, message: str) -> None:
        super().__init__(message)
        self.filename = str(path)
        self.strerror = self.message = message

    def __str__(self) -> str:
        return self.message


class Tree:
    """What the loader sees of a ledger directory at some revision (paths relative to it).

    ``sizes`` has every regular file with its size, read or not; ``data`` the contents that were
    read; ``unread`` why a file the loader reads was not (over the revision budget); ``links``
    the symbolic links and ``others`` the submodules, never read; ``dirs`` the folders.
    """

    def __init__(self, base: Path) -> None:
        self.base = base
        self.sizes: dict[PurePosixPath, int] = {}
        self.objects: dict[PurePosixPath, str] = {}
        self.data: dict[PurePosixPath, bytes] = {}
        self.unread: dict[PurePosixPath, OSError] = {}
        self.links: set[PurePosixPath] = set()
        self.others: set[PurePosixPath] = set()
        self.dirs: set[PurePosixPath] = {PurePosixPath(".")}
        self.children: dict[PurePosixPath, set[str]] = {}
        self.entries = 0
        #: What the ledgers folder itself is at this revision when it is not a folder ("符号链接"…).
        self.root_kind: str | None = None
        #: The ``max_files`` this revision had more entries than (nothing but xiangmu.yaml is listed).
        self.crowded: int | None = None

    def add(self, rel: PurePosixPath, mode: str, kind: str, obj: str, size: str) -> None:
        if kind == "tree":
            self.dirs.add(rel)
        elif kind == "blob" and mode == "120000":
            self.links.add(rel)
        elif kind == "blob":
            self.sizes[rel] = int(size)
            self.objects[rel] = obj
        else:
            self.others.add(rel)
        self.entries += 1
        child = rel
        for parent in rel.parents:
            self.dirs.add(parent)
            self.children.setdefault(parent, set()).add(child.name)
            child = parent

    def root(self) -> TreePath:
        return TreePath(self, PurePosixPath("."))

    def release(self) -> None:
        """Drop the contents read (the loaded repository keeps its paths, and so this tree)."""
        self.data.clear()


class TreePath:
    """Enough of :class:`pathlib.Path` for the loader, over a :class:`Tree`.

    ``os.fspath`` gives where the file would be on disk, so problems and displays name the
    files as users know them. ``stat`` gives a file's size without its contents.
    """

    def __init__(self, tree: Tree, rel: PurePosixPath) -> None:
        self.tree = tree
        self.rel = rel

    def __truediv__(self, name: str) -> TreePath:
        return TreePath(self.tree, self.rel / name)

    def __fspath__(self) -> str:
        return str(self.tree.base / self.rel)

    def __str__(self) -> str:
        return self.__fspath__()

    def __repr__(self) -> str:
        return f"TreePath({self.rel})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TreePath) and other.tree is self.tree and other.rel == self.rel

    def __hash__(self) -> int:
        return hash(self.rel)

    @property
    def name(self) -> str:
        return self.rel.name

    @property
    def parent(self) -> TreePath:
        return TreePath(self.tree, self.rel.parent)

    def is_symlink(self) -> bool:
        return self.rel in self.tree.links

    def is_dir(self) -> bool:
        return self.rel in self.tree.dirs

    def is_file(self) -> bool:
        return self.rel in self.tree.sizes

    def exists(self) -> bool:
        return self.is_dir() or self.is_file() or self.is_symlink() or self.rel in self.tree.others

    def iterdir(self) -> list[TreePath]:
        return [self / name for name in sorted(self.tree.children.get(self.rel, ()))]

    def read_bytes(self) -> bytes:
        tree, rel = self.tree, self.rel
        if rel in tree.data:
            return tree.data[rel]
        if rel in tree.unread:
            raise tree.unread[rel]
        if rel not in tree.sizes:
            raise FileNotFoundError(2, "No such file", str(self))
        limit = limits.current().max_file_bytes
        if tree.sizes[rel] > limit:
            raise TooLargeError(str(self), tree.sizes[rel], limit)
        raise _Unread(self, "xm 只读取 xiangmu.yaml 和地区文件夹中的台账文件，未读取此文件")

    def stat(self) -> Any:
        tree, rel = self.tree, self.rel
        if rel in tree.unread:
            raise tree.unread[rel]
        if rel in tree.sizes:
            return SimpleNamespace(st_size=tree.sizes[rel], st_mode=stat.S_IFREG | 0o644)
        if rel in tree.dirs:
            return SimpleNamespace(st_size=0, st_mode=stat.S_IFDIR | 0o755)
        raise FileNotFoundError(2, "No such file", str(self))


def _as_path(path: TreePath) -> Path:
    """A TreePath where the loader (and display_path) take a Path: it has every method of Path
    that they use (see :class:`TreePath`), which the types cannot say."""
    return cast("Path", path)


def _load(tree: Tree) -> Repository:
    """The loader's repository of ``tree``, with what only the tree knows added to its problems."""
    from xiangmu_cli.base.fileio import display_path
    from xiangmu_cli.ledger.problems import Problem
    from xiangmu_cli.reading.loading import load

    repo = load(_as_path(tree.root()))
    root = display_path(_as_path(tree.root()))
    if tree.root_kind is not None:
        repo.problems.append(
            Problem(
                "E203",
                f"台账目录「{tree.base.name}」在此版本是{tree.root_kind}，未读取",
                root,
                "台账目录应是普通文件夹",
                at="file",
            )
        )
    if tree.crowded is not None:
        repo.problems.append(
            Problem(
                "E009",
                f"台账目录中的文件和文件夹超过 {tree.crowded} 个，未读取任何台账",
                root,
                "此版本的台账目录中文件过多，不像是台账；检查该版本是否误提交了其他文件",
                at="file",
            )
        )
    over = {display_path(_as_path(tree.root() / str(rel))) for rel in tree.unread}
    for problem in repo.problems:
        if problem.code == "E009" and problem.file in over:
            problem.hint = "同一版本的台账文件合计过大，不像是台账；检查该版本是否误提交了大文件"
    tree.release()
    return repo


def load_revision(git: Git, ledgers: Path, revision: str | None) -> tuple[Repository, str]:
    """The repository at ``revision`` (None: the files on disk) and its label for reports."""
    from xiangmu_cli.reading.loading import load

    if revision is None:
        return load(ledgers), WORKTREE
    sha = git.resolve(revision)
    repo = _load(git.tree(sha, git.prefix(ledgers), ledgers))
    return repo, f"{revision}（{sha[:8]}）" if revision != sha else sha[:8]


def archive_at(ledgers: Path, year: int, revision: str) -> Archive:
    """The archive of ``year`` (归档, for 同比) of the ledgers folder ``ledgers`` as it was at git
    ``revision``, in the same git repository: absent when it was not there then, not used (and
    why) when it cannot be read from git."""
    from xiangmu_cli.reading.archive import Archive, archive_of, archive_path

    path = archive_path(ledgers, year)
    try:
        archived = load_revision(Git(ledgers), path, revision)[0]
    except GitError as exc:
        return Archive(path, year, None, f"未按版本 {revision} 读取（{exc}），未计算同比", None)
    if archived.config is None and not archived.files and all(p.code == "E201" for p in archived.problems):
        return Archive(path, year)  # not in that revision
    return archive_of(path, year, archived)


class LogRow(TypedDict):
    """A commit that changed a project (``xm log``): what changed, and where the project is after it."""

    提交: str
    日期: str
    作者: str
    说明: str
    名称: str
    事件: list[str]
    变更: list[Change]
    地区: str
    台账: str
    #: Why the commit's change is 无法比较 (see :func:`project_log`), else None.
    备注: str | None


def project_log(git: Git, ledgers: Path, code: str) -> list[LogRow]:
    """The commits that changed project ``code``, newest first, with what changed in each.

    Follows the project across files and regions: each commit's changed ledger files are loaded
    at the commit and at its first parent, and the project is found by 编号 wherever it is. The
    commits are read from git one at a time and each commit's trees are dropped before the next
    is read, so memory does not grow with the length of the history (only the rows returned do).
    ``备注`` says why a row is 无法比较 (the project's file was unreadable, or invalid, there).
    """
    from xiangmu_cli.history.diff import diff_repositories

    prefix = git.prefix(ledgers)
    config = PurePosixPath(CONFIG_FILE)
    rows: list[LogRow] = []
    for commit in git.commits(prefix):
        parent = commit.parents[0] if commit.parents else None
        changed = git.changed_files(commit.sha, parent, prefix)
        wanted = None
        if changed is not None:  # None: too many changes, load the whole trees
            changed.discard(config)
            if not changed:
                continue
            wanted = changed | {config}
        after = _load(git.tree(commit.sha, prefix, ledgers, wanted))
        before = _load(git.tree(parent, prefix, ledgers, wanted) if parent else Tree(ledgers))
        row = next(
            (r for r in diff_repositories(before, after, "上一版本", commit.sha[:8]).projects if r["编号"] == code),
            None,
        )
        del after, before  # before the next commit's trees are read
        if row is None:
            continue
        rows.append(
            {
                "提交": commit.sha[:8],
                "日期": commit.date,
                "作者": commit.author,
                "说明": commit.subject,
                "名称": row["名称"],
                "事件": row["事件"],
                "变更": row["变更"],
                "地区": row["地区"],
                "台账": row["台账"],
                "备注": row["说明"],
            }
        )
    return rows
