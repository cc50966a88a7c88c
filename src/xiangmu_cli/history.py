"""The only module that talks to git: revisions, ledger trees at a revision, commit lists.

Git is run as the ``git`` executable with argument lists only (never a shell), with
``--end-of-options`` before any user-supplied revision so a revision can never be taken as an
option, and user revisions are resolved to a commit id once, first. A ledger tree at a
revision is read with ``ls-tree`` and one ``cat-file --batch`` and handed to the ordinary
loader through :class:`TreePath`, a read-only stand-in for :class:`pathlib.Path`.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import SimpleNamespace
from typing import Any

__all__ = ["GitError", "Git", "Tree", "TreePath", "Commit", "WORKTREE", "load_revision", "project_log"]

#: The pseudo-revision for the files on disk.
WORKTREE = "工作区"


class GitError(Exception):
    """A git problem a user can cause (not a repository, unknown revision…): exit 2."""


@dataclass(frozen=True)
class Commit:
    sha: str
    date: str
    author: str
    subject: str
    parents: tuple[str, ...]


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
    def _run_bytes(args: list[str], cwd: Path, stdin: bytes | None = None) -> bytes:
        env = {**os.environ, "LC_ALL": "C", "GIT_PAGER": "cat", "GIT_OPTIONAL_LOCKS": "0",
               "GIT_TERMINAL_PROMPT": "0"}
        try:
            done = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, env=env,
                                  check=False)
        except FileNotFoundError:
            raise GitError("找不到 git 命令；请先安装 git") from None
        if done.returncode != 0:
            raise GitError(done.stderr.decode("utf-8", errors="replace").strip() or f"git {args[0]} 失败")
        return done.stdout

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
            hint = ("；这是浅克隆（shallow clone），较早的版本不在本地：运行 git fetch --unshallow"
                    if self.is_shallow() else "；用 git log 查看可用的版本")
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

        ``only``: just these paths (relative to ``prefix``), for loading a few files of a commit.
        """
        listing = self._run_bytes(["ls-tree", "-r", "-z", "--full-tree", sha, "--", str(prefix)], self.top)
        entries = []
        for raw in listing.split(b"\0"):
            if not raw:
                continue
            meta, _, name = raw.partition(b"\t")
            mode, kind, obj = meta.decode().split()
            path = PurePosixPath(name.decode("utf-8", errors="replace"))
            if kind == "blob" and mode != "120000" and (only is None or _under(path, prefix) in only):
                entries.append((path, obj, mode))
        blobs = self._cat(obj for _, obj, _ in entries)
        files = {}
        for path, obj, _mode in entries:
            files[_under(path, prefix)] = blobs[obj]
        return Tree(files, base)

    def _cat(self, objects: Any) -> dict[str, bytes]:
        wanted = list(dict.fromkeys(objects))
        if not wanted:
            return {}
        out = self._run_bytes(["cat-file", "--batch"], self.top, ("\n".join(wanted) + "\n").encode())
        blobs: dict[str, bytes] = {}
        pos = 0
        for obj in wanted:
            header_end = out.index(b"\n", pos)
            header = out[pos:header_end].decode().split()
            size = int(header[2])
            start = header_end + 1
            blobs[obj] = out[start:start + size]
            pos = start + size + 1
        return blobs

    def commits(self, prefix: PurePosixPath, head: str = "HEAD") -> list[Commit]:
        """Commits that touched ``prefix``, newest first (first-parent order not forced)."""
        fmt = "%H%x1f%ad%x1f%an%x1f%s%x1f%P%x1e"
        try:
            out = self.run("log", f"--format={fmt}", "--date=short", "--end-of-options", head, "--", str(prefix))
        except GitError:
            return []  # a repository without commits yet
        commits = []
        for chunk in out.split("\x1e"):
            chunk = chunk.strip("\n")
            if not chunk:
                continue
            sha, day, author, subject, parents = chunk.split("\x1f")
            commits.append(Commit(sha, day, author, subject, tuple(parents.split())))
        return commits

    def changed_files(self, sha: str, parent: str | None, prefix: PurePosixPath) -> list[PurePosixPath]:
        """Paths under ``prefix`` that differ between ``parent`` (or nothing) and ``sha``."""
        if parent is None:
            out = self.run("ls-tree", "-r", "-z", "--name-only", "--full-tree", sha, "--", str(prefix))
        else:
            out = self.run("diff-tree", "-r", "-z", "--no-renames", "--name-only", parent, sha, "--", str(prefix))
        return [PurePosixPath(name) for name in out.split("\0") if name.strip()]


def _under(path: PurePosixPath, prefix: PurePosixPath) -> PurePosixPath:
    return path.relative_to(prefix) if str(prefix) not in ("", ".") else path


class Tree:
    """Files of a ledger directory at some revision: relative path → bytes."""

    def __init__(self, files: dict[PurePosixPath, bytes], base: Path) -> None:
        self.files = files
        self.base = base
        self.dirs: set[PurePosixPath] = {PurePosixPath(".")}
        for path in files:
            self.dirs.update(p for p in path.parents)

    def root(self) -> TreePath:
        return TreePath(self, PurePosixPath("."))


class TreePath:
    """Enough of :class:`pathlib.Path` for the loader, over a :class:`Tree`.

    ``os.fspath`` gives where the file would be on disk, so problems and displays name the
    files as users know them.
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

    def is_dir(self) -> bool:
        return self.rel in self.tree.dirs

    def is_file(self) -> bool:
        return self.rel in self.tree.files

    def exists(self) -> bool:
        return self.is_dir() or self.is_file()

    def iterdir(self) -> list[TreePath]:
        names = {p.relative_to(self.rel).parts[0] for p in [*self.tree.files, *self.tree.dirs]
                 if p != self.rel and self.rel in p.parents}
        return [self / name for name in sorted(names)]

    def read_bytes(self) -> bytes:
        try:
            return self.tree.files[self.rel]
        except KeyError:
            raise FileNotFoundError(2, "No such file", str(self)) from None

    def stat(self) -> Any:
        return SimpleNamespace(st_size=len(self.read_bytes()))


def load_revision(git: Git, ledgers: Path, revision: str | None) -> tuple[Any, str]:
    """The repository at ``revision`` (None: the files on disk) and its label for reports."""
    from .loading import load

    if revision is None:
        return load(ledgers), WORKTREE
    sha = git.resolve(revision)
    tree = git.tree(sha, git.prefix(ledgers), ledgers)
    return load(tree.root()), f"{revision}（{sha[:8]}）" if revision != sha else sha[:8]


def project_log(git: Git, ledgers: Path, code: str) -> list[dict[str, Any]]:
    """The commits that changed project ``code``, newest first, with what changed in each.

    Follows the project across files and regions: each commit's changed ledger files are loaded
    at the commit and at its first parent, and the project is found by 编号 wherever it is.
    """
    from .diff import diff_repositories
    from .loading import load

    prefix = git.prefix(ledgers)
    config = PurePosixPath("xiangmu.yaml")
    rows = []
    for commit in git.commits(prefix):
        parent = commit.parents[0] if commit.parents else None
        changed = {_under(p, prefix) for p in git.changed_files(commit.sha, parent, prefix)}
        changed.discard(config)
        if not changed:
            continue
        wanted = changed | {config}
        after = load(git.tree(commit.sha, prefix, ledgers, wanted).root())
        before = load(git.tree(parent, prefix, ledgers, wanted).root() if parent else Tree({}, ledgers).root())
        row = next((r for r in diff_repositories(before, after, "上一版本", commit.sha[:8]).projects
                    if r["编号"] == code), None)
        if row is None:
            continue
        rows.append({"提交": commit.sha[:8], "日期": commit.date, "作者": commit.author, "说明": commit.subject,
                     "名称": row["名称"], "事件": row["事件"], "变更": row["变更"], "地区": row["地区"],
                     "台账": row["台账"]})
    return rows
