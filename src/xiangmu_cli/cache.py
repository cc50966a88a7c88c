"""A result cache for `xm validate` and the reports, keyed by content, never by modification times.

The key hashes every name and byte under the ledgers folder (dotfiles aside, links by their
target text, never followed), the code of xm itself (so a new version or a changed model never
reads an old entry), the resource limits in force, the current directory (problems name files relative to it) and the
ledgers path. A hit therefore means "exactly these files were already checked by exactly this
code". A report's entry is its rendered output, keyed also by the request: the command, its
options, the output format and width, the terminal's colour settings and today's date (the
default as-of date of a ledger with no 完成投资 is today). Entries are JSON (nothing executable is ever read back), written atomically, in
``.xm-cache/`` beside the ledgers folder, which ignores itself in git and is safe to delete.
An unreadable or corrupt entry is ignored and recomputed: a stale cache can never hide a problem.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from . import limits
from .fileio import write_atomic
from .problems import Problem

__all__ = ["CACHE_DIR", "cached_validation", "cached_report", "content_key"]

CACHE_DIR = ".xm-cache"
_FORMAT = "1"
_KEEP = 16  # entries kept per cache folder
_code_hash: str | None = None


def _code_fingerprint() -> str:
    """A hash of xm's own files (source and templates): any change to them changes every key."""
    global _code_hash
    if _code_hash is None:
        digest = hashlib.blake2b(_FORMAT.encode(), digest_size=16)
        package = Path(__file__).resolve().parent
        for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
        _code_hash = digest.hexdigest()
    return _code_hash


def content_key(root: Path) -> str:
    """The key of the ledgers folder's current contents, as this code and this directory see it."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(_code_fingerprint().encode())
    digest.update(os.getcwd().encode("utf-8", "surrogateescape"))
    digest.update(str(root).encode("utf-8", "surrogateescape"))
    digest.update(repr(limits.current()).encode())  # the limits change what is reported
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        rel_dir = os.path.relpath(dirpath, root)
        digest.update(b"D\0" + rel_dir.encode("utf-8", "surrogateescape") + b"\0")
        for name in sorted([*filenames, *(d for d in dirnames if os.path.islink(os.path.join(dirpath, d)))]):
            path = os.path.join(dirpath, name)
            digest.update(b"F\0" + name.encode("utf-8", "surrogateescape") + b"\0")
            if os.path.islink(path):
                digest.update(b"L\0" + os.readlink(path).encode("utf-8", "surrogateescape"))
                continue
            try:
                with open(path, "rb") as handle:
                    # in chunks: a stray multi-gigabyte file must not be read into memory at once
                    digest.update(hashlib.file_digest(handle, lambda: hashlib.blake2b(digest_size=20)).digest())
            except OSError as exc:
                digest.update(f"E{exc.errno}".encode())
    return digest.hexdigest()


def _problem_from(data: dict[str, Any]) -> Problem:
    return Problem(code=data["code"], message=data["message"], file=data["file"], hint=data["hint"] or "",
                   path=tuple(data["path"]), line=data["line"], col=data["col"], project=data["project"])


def _entry(root: Path, kind: str, request: Any = None) -> tuple[Path, str] | None:
    """The cache folder's entry for ``root``'s contents (and ``request``), or None when unkeyable."""
    try:
        key = content_key(root)
    except OSError:
        return None
    if request is not None:
        text = json.dumps(request, ensure_ascii=False, sort_keys=True, default=str)
        key = hashlib.blake2b(f"{key}\0{text}".encode(), digest_size=20).hexdigest()
    return root.resolve().parent / CACHE_DIR / f"{kind}-{key}.json", key


def _lookup(entry: tuple[Path, str] | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    try:
        data = json.loads(entry[0].read_text(encoding="utf-8"))
        return data if isinstance(data, dict) and data.get("key") == entry[1] else None
    except (OSError, ValueError):
        return None  # no entry, or a corrupt one: recompute


def cached_validation(root: Path, compute: Callable[[], Any]) -> tuple[list[Problem], int, int]:
    """(problems, files read, projects read) from the cache, or from ``compute()`` (a loading.Validation)."""
    entry = _entry(root, "validate")
    data = _lookup(entry)
    if data is not None:
        try:
            return [_problem_from(p) for p in data["problems"]], data["files"], data["projects"]
        except (KeyError, TypeError):
            pass  # a corrupt entry: recompute
    repo = compute()
    if entry is not None:
        _store(entry, {"files": repo.files_read, "projects": repo.items_read,
                       "problems": [p.as_dict() for p in repo.problems]})
    return repo.problems, repo.files_read, repo.items_read


def cached_report(root: Path, request: dict[str, Any], compute: Callable[[], tuple[str, int]]) -> tuple[str, int]:
    """(rendered report, number of ledger errors) from the cache, or from ``compute()``.

    ``request`` must hold everything besides the ledgers' contents that the output depends on.
    """
    entry = _entry(root, "report", {**request, "today": date.today().isoformat()})
    data = _lookup(entry)
    if data is not None and isinstance(data.get("text"), str) and isinstance(data.get("errors"), int):
        return data["text"], data["errors"]
    text, errors = compute()
    if entry is not None:
        _store(entry, {"text": text, "errors": errors})
    return text, errors


def _store(entry: tuple[Path, str], data: dict[str, Any]) -> None:
    path, key = entry
    folder = path.parent
    kind = path.name.split("-", 1)[0]
    try:
        folder.mkdir(exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            write_atomic(ignore, b"# xm's cache: safe to delete\n*\n")
        write_atomic(path, json.dumps({"key": key, **data}, ensure_ascii=False).encode("utf-8"))
        entries = sorted(folder.glob(f"{kind}-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[_KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only checkout: no cache, same results
