"""The archive of closed years (归档) beside the ledgers folder: where a year is, and reading it.

``xm rollover`` closes a year by copying the ledgers as they were, byte for byte, into
``<ledgers>/../归档/<年度>/`` (xiangmu.yaml and every ledger file, in their region folders), so
the archive of a year is itself a ledgers folder of that 年度, kept in the working tree (CI clones
are shallow: a git tag of the closed year may not be there). 同比 (docs/metrics.md) reads the
previous year's archive with the same metric code.

The archive is untrusted input like the ledgers: it is read by the same loader (regular files
only, links never followed, within the limits), and neither ``归档`` nor the year's folder may be
a symbolic link (a committed ``归档 -> /`` would have xm read the machine) or anything but a
folder. An archive that exists but cannot be used (refused, no valid xiangmu.yaml, another
年度) is not read for figures, and the reports say why (:attr:`Archive.note`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from xiangmu_cli.base.fileio import display_path
from xiangmu_cli.ledger.vocab import ARCHIVE_FOLDER

if TYPE_CHECKING:
    from xiangmu_cli.reading.records import Repository

__all__ = ["ABSENT", "Archive", "archive_path", "refusal", "open_archive", "archive_of", "folder_state"]

#: :func:`folder_state` of an archive that does not exist.
ABSENT = "absent"


def archive_path(ledgers: Path, year: int) -> Path:
    """Where the archive of ``year`` is for the ledgers folder ``ledgers``: ``<ledgers>/../归档/<year>``."""
    return ledgers.absolute().parent / ARCHIVE_FOLDER / f"{year:04d}"


@dataclass
class Archive:
    """A closed year's archive as read for 同比: ``repo`` when it can be used, else None."""

    path: Path
    year: int
    repo: Repository | None = None
    #: Why an archive that is there is not used, or what to know about the one used (shown in reports).
    note: str | None = None
    #: What was read, for the result cache (:func:`folder_state`); None: a file changed while it was read.
    state: str | None = ABSENT


def refusal(path: Path) -> str | None:
    """Why the folder ``path`` (an archive year, under 归档) is not read: one of the two folders is a
    symbolic link or not a folder; None when both are real folders (or either does not exist)."""
    for folder in (path.parent, path):
        if folder.is_symlink():
            return f"{display_path(folder)} 是符号链接，未读取（链接可以指向任何地方）"
        if folder.exists() and not folder.is_dir():
            return f"{display_path(folder)} 不是文件夹，未读取"
    return None


def folder_state(path: Path) -> str | None:
    """A digest of what reading the archive ``path`` would read now: :data:`ABSENT`, a refusal,
    or the loader's fingerprint of its files (None when a file changed while it was read).

    Equal to :attr:`Archive.state` of :func:`open_archive` for the same bytes: the result cache
    keeps the state an archived figure was computed from and checks it again on a hit.
    """
    from xiangmu_cli.reading.files import fingerprint

    refused = refusal(path)
    if refused is not None:
        return "refused:" + refused
    if not path.exists():
        return ABSENT
    found = fingerprint(path)
    return None if found is None else "read:" + found


def archive_of(path: Path, year: int, repo: Repository | None) -> Archive:
    """The archive of ``year`` at ``path`` as loaded (``repo``; None: not there), judged usable or not."""
    if repo is None:
        return Archive(path, year)
    state = None if repo.fingerprint is None else "read:" + repo.fingerprint
    shown = display_path(path)
    if repo.config is None:
        return Archive(path, year, None, f"{shown} 的 xiangmu.yaml 缺失或有错误，未计算同比", state)
    if repo.config.year != year:
        note = f"{shown} 的年度为 {repo.config.year}，不是 {year}，未计算同比"
        return Archive(path, year, None, note, state)
    errors = len(repo.errors)
    counted = f"{shown} 有 {errors} 个错误，有错误的项目未计入上年同期" if errors else None
    return Archive(path, year, repo, counted, state)


def open_archive(ledgers: Path, year: int) -> Archive:
    """The archive of ``year`` for the ledgers folder ``ledgers``, read with the loader (problems
    counted, not located), or why it is not used."""
    from xiangmu_cli.reading.loading import load

    path = archive_path(ledgers, year)
    refused = refusal(path)
    if refused is not None:
        return Archive(path, year, None, f"{refused}，未计算同比", "refused:" + refused)
    if not path.exists():
        return Archive(path, year)
    return archive_of(path, year, load(path, locate=False))
