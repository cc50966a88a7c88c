"""Canonical layout of ledger files and xiangmu.yaml, keeping every comment (`xm fmt`).

What is canonical: the contract's key order (taken from the pydantic models' field aliases, so
it cannot drift from ``model.py``), 完成投资 months in ascending order, two-space indentation with
sequences written ``  - 编号: …`` under their key, exactly one blank line between projects and
none before the first, UTF-8 without BOM, LF line endings and one final newline.

What is kept as written: every scalar and every flow collection (``{日期: …}``, ``[…]``) is
copied *from the source text*, so quotes (``编号: "010"``), dates, ``1.2亿``, ``~``, tags and long
lines never change; flow collections are only rewritten (on one line, ``{k: v, …}``) when their
keys must be reordered, and only when they fit on one line. Every comment is kept:

* an own-line comment belongs to the key or item below it and moves with it;
* an own-line comment after a nested block that is indented at least as deep as that block's keys
  stays at the end of that block (it reads as part of it);
* an end-of-line comment stays on the line of its key or value;
* the file header (the ``# yaml-language-server:`` modeline and the lines up to the last blank
  line before the first key) stays first.

Why not ruamel.yaml's round trip: ruamel stores the comment (and blank lines) written *before* a
key on the end-of-line comment token of the previous key — or of the deepest last descendant of
the previous key — and the comment before a sequence item partly on the previous item; moving
keys therefore moves the wrong comments, and its dumper writes ``null``/``~`` as nothing and joins
multi-line plain scalars. Here ruamel only *composes* a node tree (marks, no comments, no data);
the text is rebuilt from slices of the original, so none of that can happen by construction.

Safety: the result is read again with ``yaml_rs`` (the loader's parser) and must give the same
data and hold the same comments; otherwise :class:`FormatError` is raised and nothing is written.
Files that do not parse (syntax, duplicate keys, anchors, tags, several documents, encoding)
raise :class:`FormatError` with the same located problems as ``xm validate``. Only regular files
within the size limit are read (a symbolic link, FIFO or device is refused unopened), and a file
is read, formatted and written under the ledger lock (:func:`~xiangmu_cli.base.fileio.ledger_lock`, the one the
edit commands hold), so ``xm fmt`` and an edit never overwrite each other.

This module is the public face of ``xm fmt`` and reads and writes the files; the steps are
modules of :mod:`xiangmu_cli.write`: :mod:`~xiangmu_cli.write.fmt_shape` (the canonical order),
:mod:`~xiangmu_cli.write.fmt_source` (the text and its comments), :mod:`~xiangmu_cli.write.fmt_tree`
and :mod:`~xiangmu_cli.write.fmt_build` (the layout tree; :mod:`~xiangmu_cli.write.fmt_values`
copies each value), :mod:`~xiangmu_cli.write.fmt_emit` (writing it) and
:mod:`~xiangmu_cli.write.fmt_text` (one text, checked).
"""

from __future__ import annotations

import os
import stat
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from xiangmu_cli.base.fileio import write_atomic
from xiangmu_cli.ledger.problems import Problem
from xiangmu_cli.ledger.vocab import CONFIG_FILE, LEDGERS
from xiangmu_cli.reading.yamlread import decode
from xiangmu_cli.write.fmt_shape import CONFIG, Shape, kind_of, shape_for
from xiangmu_cli.write.fmt_source import comment_texts
from xiangmu_cli.write.fmt_text import FormatError, format_text

__all__ = [
    "CONFIG",
    "FormatError",
    "FileResult",
    "Shape",
    "shape_for",
    "format_text",
    "format_file",
    "kind_of",
    "repository_files",
    "yaml_files",
    "expand_paths",
    "comment_texts",
]


@dataclass
class FileResult:
    """What :func:`format_file` did to one file."""

    path: Path
    file: str  # as displayed
    changed: bool = False  # the file differs (or differed) from its canonical layout
    written: bool = False
    error: FormatError | None = None
    #: The ledger lock could not be taken (held by another command for too long, or its file is
    #: a link, FIFO or folder): the file was not read, and no other file under that lock can be.
    lock_error: OSError | None = None

    @property
    def busy(self) -> bool:
        """Another command held the ledger lock for longer than the wait."""
        from xiangmu_cli.base.fileio import LockBusyError

        return isinstance(self.lock_error, LockBusyError)


def lock_folder(path: Path) -> Path:
    """The folder whose ledger lock guards ``path``: the ledger folder for its xiangmu.yaml and
    for a ledger file in one of its region folders (the lock the edit commands take), else the
    file's own folder."""
    folder = path.absolute().parent
    if path.name != CONFIG_FILE and os.path.lexists(folder.parent / CONFIG_FILE):
        return folder.parent
    return folder


def format_file(
    path: Path,
    kind: str | types.EllipsisType | None = ...,
    *,
    write: bool = True,
    file: str | None = None,
    on_wait: Callable[[Path, float], None] | None = None,
) -> FileResult:
    """Format one file in place (atomically, only when it changes); with ``write=False`` only check.

    ``kind`` defaults to what the file name says (:func:`kind_of`). Never raises for a bad file:
    the problem is in ``FileResult.error`` and the file is left untouched. Only a regular file is
    read (never a link, FIFO or device), at most the size limit. When writing, the file is read,
    formatted and written under the ledger lock of :func:`lock_folder` (``on_wait`` is called if
    it has to wait for another command; a read-only folder is formatted unlocked, since nothing
    can be written there anyway); ``FileResult.lock_error`` says why the lock could not be taken.
    """
    from xiangmu_cli.base.fileio import LockError, ledger_lock

    result = FileResult(path=path, file=file or _display(path))
    if isinstance(kind, types.EllipsisType):
        kind = kind_of(path)
    try:
        mode = os.lstat(path).st_mode
    except OSError as exc:
        result.error = _unreadable(exc, result.file)
        return result
    if stat.S_ISLNK(mode):
        result.error = _symlink(path, result.file)
        return result
    if not stat.S_ISREG(mode):  # checked before any lock file is created beside it (/dev/zero …)
        result.error = _not_regular(mode, result.file)
        return result
    if not write:
        return _format_file(result, kind, write=False)
    try:
        with ledger_lock(lock_folder(path), required=False, on_wait=on_wait):
            return _format_file(result, kind, write=True)
    except LockError as exc:
        result.error = FormatError(str(exc))
        result.lock_error = exc
        return result


def _display(path: Path) -> str:
    from xiangmu_cli.base.fileio import display_path

    return display_path(path)


def _unreadable(exc: OSError, file: str) -> FormatError:
    return FormatError(
        "无法读取", [Problem("E009", f"无法读取文件：{exc.strerror or exc}", file, "检查文件权限", line=1, col=1)]
    )


def _symlink(path: Path, file: str) -> FormatError:
    return FormatError(
        "是符号链接，xm fmt 不跟随",
        [
            Problem(
                "E203",
                f"「{path.name}」是符号链接，台账目录中不允许",
                file,
                "把真正的文件放在这里，删除链接",
                at="file",
            )
        ],
    )


def _not_regular(mode: int, file: str) -> FormatError:
    from xiangmu_cli.base.fileio import file_kind

    return FormatError(
        "不是普通文件",
        [
            Problem(
                "E009",
                f"无法读取文件：不是普通文件（{file_kind(mode)}），未读取",
                file,
                "xm fmt 只整理普通的 YAML 文件；命名管道、设备、套接字不是台账",
                at="file",
            )
        ],
    )


def _format_file(result: FileResult, kind: str | None, *, write: bool) -> FileResult:
    from xiangmu_cli.base import limits
    from xiangmu_cli.base.fileio import NotRegularFileError, TooLargeError, read_regular
    from xiangmu_cli.reading.files import too_big

    path, shown = result.path, result.file
    try:
        raw = read_regular(path, limits.current().max_file_bytes)
    except TooLargeError as exc:
        result.error = FormatError("文件过大", [too_big(exc.size, shown)])
        return result
    except NotRegularFileError as exc:  # swapped since the check
        result.error = FormatError(
            "不是普通文件", [Problem("E009", f"无法读取文件：{exc}", shown, "xm fmt 只整理普通的 YAML 文件", at="file")]
        )
        return result
    except OSError as exc:
        result.error = _unreadable(exc, shown)
        return result
    text, problems = decode(raw, shown)
    if text is None:
        result.error = FormatError("编码错误", problems)
        return result
    try:
        new = format_text(text, kind, shown).encode("utf-8")
    except FormatError as exc:
        result.error = exc
        return result
    result.changed = new != raw
    if result.changed and write:
        try:
            write_atomic(path, new, expected=raw)
        except OSError as exc:
            result.error = FormatError(f"无法写入文件：{exc.strerror or exc}")
            return result
        result.written = True
    return result


def repository_files(root: Path) -> list[Path]:
    """xiangmu.yaml and every ledger file of the ledger repository at ``root``."""
    files = [root / CONFIG_FILE] if (root / CONFIG_FILE).is_file() or (root / CONFIG_FILE).is_symlink() else []
    for region in sorted(root.iterdir(), key=lambda p: p.name):
        if region.name.startswith(".") or region.is_symlink() or not region.is_dir():
            continue
        for ledger in LEDGERS:
            path = region / ledger.filename
            if path.is_file() or path.is_symlink():
                files.append(path)
    return files


def yaml_files(directory: Path) -> list[Path]:
    """Every ``*.yaml`` below ``directory`` (hidden files and folders skipped, links not followed)."""
    found: list[Path] = []
    for folder, dirs, names in os.walk(directory, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(folder) / n for n in sorted(names) if n.endswith(".yaml") and not n.startswith("."))
    return found


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """The files named on the command line: files as given, folders → their ``*.yaml``; each once."""
    out: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        for file in yaml_files(path) if path.is_dir() and not path.is_symlink() else [path]:
            if file.absolute() not in seen:
                seen.add(file.absolute())
                out.append(file)
    return out
