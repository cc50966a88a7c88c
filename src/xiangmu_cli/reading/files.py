"""The files of a ledger repository as a load walks and reads them, without parsing: where the
ledgers are, which files a load reads (stray entries are problems), their bytes within the limits,
and the digest of all of it (:func:`fingerprint`, the cache's key).

Kept apart from :mod:`~xiangmu_cli.reading.loading` so that a cache hit, which only needs the
digest, imports neither pydantic nor the models (issue 15: warm reports).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from xiangmu_cli.base import limits
from xiangmu_cli.base.fileio import NotRegularFileError, TooLargeError, display_path, file_kind, read_regular
from xiangmu_cli.ledger.problems import Problem, suggest
from xiangmu_cli.ledger.vocab import CONFIG_FILE, LEDGERS, Ledger
from xiangmu_cli.reading.text import decode

if TYPE_CHECKING:
    from xiangmu_cli.ledger.model import Config

__all__ = [
    "in_ci",
    "find_ledgers",
    "fingerprint",
    "read_text",
    "read_file",
    "too_big",
    "Walker",
    "RevisionFile",
    "is_link",
    "link_problem",
    "kind_name",
    "closest",
    "ledger_rank",
]


def in_ci() -> bool:
    """Whether this runs in CI (the ``CI`` variable that CI services set to true)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def find_ledgers(start: Path | None = None, walk_up: bool = True) -> Path | None:
    """``./ledgers``, else (``walk_up``) the nearest ``ledgers/`` in a parent directory (as git finds .git).

    A ``ledgers`` that is a symbolic link is returned as found (not resolved), for the caller to refuse.
    """
    here = (start or Path.cwd()).absolute()
    for folder in (here, *(here.parents if walk_up else ())):
        candidate = folder / "ledgers"
        if candidate.is_symlink() or candidate.is_dir():
            return candidate
    return None


def closest(word: str, options: Iterable[str], cutoff: float = 0.5) -> str | None:
    close = suggest(word, list(options), cutoff)
    return close[0] if close else None


class RevisionFile(Protocol):
    """A file of a git revision (:class:`xiangmu_cli.history.git.TreePath`, which stands in for a
    Path throughout the loader): its size from ``stat()``, its bytes already in memory."""

    @property
    def name(self) -> str: ...

    def stat(self) -> Any: ...

    def read_bytes(self) -> bytes: ...


def read_file(path: Path | RevisionFile, file: str) -> tuple[str | None, list[Problem], str]:
    """(text, problems, digest of what was read) for one file, read at most up to the size limit.

    A file on disk is read only if it is a regular file (never a link, FIFO or device, see
    :func:`xiangmu_cli.base.fileio.read_regular`); a file of a git revision is already in memory.
    """
    limit = limits.current().max_file_bytes
    try:
        if isinstance(path, Path):
            raw = read_regular(path, limit)
        else:
            size = path.stat().st_size
            if size > limit:
                raise TooLargeError(str(path), size, limit)
            raw = path.read_bytes()
    except TooLargeError as exc:
        return None, [too_big(exc.size, file)], f"big:{exc.size}"
    except NotRegularFileError as exc:
        return (
            None,
            [
                Problem(
                    "E203",
                    f"「{path.name}」是{exc.kind}，不是普通文件，未读取",
                    file,
                    "台账目录中只能有普通文件；删除它，把真正的台账文件放在这里",
                    at="file",
                )
            ],
            f"kind:{exc.kind}",
        )
    except OSError as exc:
        return (
            None,
            [Problem("E009", f"无法读取文件：{exc.strerror or exc}", file, "检查文件权限", line=1, col=1)],
            f"error:{exc.errno}",
        )
    text, problems = decode(raw, file)
    return text, problems, hashlib.blake2b(raw, digest_size=20).hexdigest()


def read_text(path: Path, file: str) -> str | None:
    """A ledger file's text as the loader reads it (a regular file within the size limit, or a
    file of a git revision); None when it cannot be read."""
    return read_file(path, file)[0]


def too_big(size: int, file: str) -> Problem:
    """E009 for a file above the size limit (a province's whole ledger is a few MB)."""
    limit = limits.current().max_file_bytes
    return Problem(
        "E009",
        f"文件过大（{size / 2**20:.1f} MB），不像是台账",
        file,
        f"台账文件应小于 {limit / 2**20:g} MB；检查是否放错了文件（确需更大时用 xm validate --max-file-mb 调高）",
        line=1,
        col=1,
    )


class Walker:
    """What a load walks and reads of a repository, and the digest of it (:meth:`fingerprint`);
    the loader (:mod:`~xiangmu_cli.reading.loading`) parses and validates on top of it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.sources: dict[str, Path] = {}
        #: Every entry walked ("kind name") and the digest of every file read: see fingerprint().
        self.seen: list[str] = []
        self.digests: dict[str, str] = {}
        self.torn = False  # a file read twice in this run gave different bytes

    def read(self, path: Path, file: str) -> tuple[str | None, list[Problem]]:
        """A file's text and reading problems, its digest recorded for the fingerprint."""
        text, problems, digest = read_file(path, file)
        self.note_digest(file, digest)
        return text, problems

    def note_digest(self, file: str, digest: str) -> None:
        if self.digests.setdefault(file, digest) != digest:
            self.torn = True

    def see(self, path: Path, name: str) -> None:
        """Record a walked entry and its type (from lstat: a link is never followed)."""
        kind = "L" if is_link(path) else "D" if path.is_dir() else "F" if path.is_file() else "O"
        self.seen.append(f"{kind} {name}")

    def fingerprint(self) -> str | None:
        """A digest of everything this loader saw and read, or None if a file changed meanwhile.

        Two loaders that walked the same names and read the same bytes have the same
        fingerprint, whatever the order; the cache keys its entries by it, so an entry always
        describes exactly the bytes its result was computed from.
        """
        if self.torn:
            return None
        digest = hashlib.blake2b(digest_size=20)
        for item in sorted(self.seen):
            digest.update(item.encode("utf-8", "surrogateescape") + b"\0")
        for name in sorted(self.digests):
            digest.update(f"{name}\0{self.digests[name]}\0".encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def file_name(self, path: Path) -> str:
        name = display_path(path)
        self.sources[name] = path
        return name

    def walk(self, config: Config | None) -> list[tuple[Path, str, Ledger]]:
        """The ledger files to read, in region order; stray files and folders are problems."""
        known = config.region_names if config else []
        order = {name: i for i, name in enumerate(known)}
        todo: list[tuple[Path, str, Ledger]] = []
        entries = sorted(
            (p for p in self.root.iterdir() if not p.name.startswith(".")),
            key=lambda p: (order.get(p.name, len(order)), p.name),
        )
        ledger_names = [lg.filename for lg in LEDGERS]
        max_files = limits.current().max_files
        if len(entries) > max_files:
            return self.too_many(max_files)
        seen = len(entries)
        for entry in entries:
            self.see(entry, entry.name)
            if entry.name == CONFIG_FILE:
                continue
            if is_link(entry):
                self.problems.append(link_problem(entry, self.file_name(entry)))
                continue
            if not entry.is_dir():
                self.problems.append(
                    Problem(
                        "E203",
                        f"台账目录中有无法识别的文件「{entry.name}」",
                        self.file_name(entry),
                        "台账文件放在地区文件夹里（例如 船营区/在建.yaml）；其他文件请移出台账目录",
                        at="file",
                    )
                )
                continue
            if config is not None and entry.name not in order:
                close = closest(entry.name, known)
                hint = (
                    f"是否应为「{close}」？文件夹名须与 xiangmu.yaml 地区 中的名称完全一致"
                    if close
                    else "在 xiangmu.yaml 的 地区 中登记该地区，或改正文件夹名"
                )
                self.problems.append(
                    Problem(
                        "E202",
                        f"地区文件夹「{entry.name}」未在 xiangmu.yaml 地区 中登记",
                        self.file_name(entry),
                        hint,
                        at="file",
                    )
                )
            children = sorted(entry.iterdir(), key=lambda p: (ledger_rank(p.name), p.name))
            seen += len(children)
            if seen > max_files:
                return self.too_many(max_files)
            for child in children:
                if child.name.startswith("."):
                    continue
                self.see(child, f"{entry.name}/{child.name}")
                if is_link(child):
                    self.problems.append(link_problem(child, self.file_name(child)))
                    continue
                ledger = next((lg for lg in LEDGERS if lg.filename == child.name), None)
                if ledger is not None and not child.is_file():
                    self.problems.append(
                        Problem(
                            "E203",
                            f"「{entry.name}/{child.name}」是{kind_name(child)}，不是普通文件，未读取",
                            self.file_name(child),
                            "台账文件必须是普通的 YAML 文件；删除它，放入真正的台账文件",
                            at="file",
                        )
                    )
                    continue
                if ledger is None or not child.is_file():
                    stem = child.name.rsplit(".", 1)[0]
                    same_stem = next((n for n in ledger_names if n.rsplit(".", 1)[0] == stem), None)
                    close = same_stem or closest(child.name, ledger_names)
                    hint = (f"是否应为「{close}」？" if close else "") + "台账文件只能是 " + "、".join(ledger_names)
                    self.problems.append(
                        Problem(
                            "E203",
                            f"无法识别的台账文件「{entry.name}/{child.name}」",
                            self.file_name(child),
                            hint,
                            at="file",
                        )
                    )
                    continue
                self.file_name(child)
                todo.append((child, entry.name, ledger))
        todo.sort(key=lambda t: (order.get(t[1], len(order)), t[1], LEDGERS.index(t[2])))
        return todo

    def too_many(self, max_files: int) -> list[tuple[Path, str, Ledger]]:
        """Nothing is read from a repository with more entries than the limit (a wrong folder?)."""
        self.seen.append(f"too-many {max_files}")
        self.problems[:] = [p for p in self.problems if p.file == self.file_name(self.root / CONFIG_FILE)]
        self.problems.append(
            Problem(
                "E009",
                f"台账目录中的文件和文件夹超过 {max_files} 个，未读取任何台账",
                self.file_name(self.root),
                "检查 --ledgers 是否指向了台账目录；确有这么多文件时用 xm validate --max-files 调高",
                at="file",
            )
        )
        return []


def fingerprint(root: Path) -> str | None:
    """The digest that :func:`load` and :func:`check` of ``root`` would give its contents now.

    Walks and reads exactly what the loader walks and reads (the same code: dotfiles skipped,
    links and special files never opened, files over the size limit not read) and hashes it
    without parsing; the cache looks entries up by it. None if a file changed while it was read.
    """
    loader = Walker(root)
    config_path = root / CONFIG_FILE
    if not is_link(config_path) and config_path.is_file():
        loader.read(config_path, loader.file_name(config_path))
    for path, _region, _ledger in loader.walk(None):
        loader.read(path, loader.file_name(path))
    return loader.fingerprint()


def is_link(path: Path) -> bool:
    return bool(getattr(path, "is_symlink", lambda: False)())


def kind_name(path: Path) -> str:
    try:
        return file_kind(os.lstat(path).st_mode)
    except (OSError, TypeError):  # gone meanwhile, or a file of a git revision
        return "特殊文件"


def link_problem(path: Path, file: str) -> Problem:
    # A link could point anywhere (/etc/passwd, a device): never follow one from a ledger repository.
    return Problem(
        "E203", f"「{path.name}」是符号链接，台账目录中不允许", file, "把真正的文件放在这里，删除链接", at="file"
    )


def ledger_rank(name: str) -> int:
    return next((i for i, lg in enumerate(LEDGERS) if lg.filename == name), len(LEDGERS))
