"""A result cache for `xm validate` and the reports that nothing in a ledger repository can forge.

Ledger repositories arrive in pull requests, so nothing read from one may decide a verdict. The
cache therefore:

- lives outside the working tree, in the user's cache directory (``$XM_CACHE_DIR``, else
  ``$XDG_CACHE_HOME/xiangmu-cli``, else ``~/.cache/xiangmu-cli``), a folder of the user's own
  (mode 0700, not a link, owned by the user, or no cache at all);
- authenticates every entry with a per-user secret (HMAC-SHA256; the secret is 32 random bytes
  made on first use, mode 0600): an entry copied from elsewhere or edited by hand is ignored;
- keys an entry by the digest of exactly the bytes the loader read (``loading.fingerprint``;
  regular files only, links and special files never opened, dotfiles skipped as the loader skips
  them), together with xm's own code, the limits, the current directory and the ledgers path.
  A result is stored under the fingerprint of the files it was computed from, taken while they
  were read, so a file changed meanwhile can never lend its key to another file's result;
- is off when ``CI`` is set to true (CI machines start clean, and a gate should judge the files
  alone) unless ``XM_CACHE=1`` asks for it; ``XM_CACHE=0`` or ``--no-cache`` turns it off anywhere.

Entries hold data, never rendered text: validate's problems, and a report's document (its
tables of typed values), which the command renders through the same code and escaping as a
freshly computed one. An unreadable, corrupt, foreign or unauthenticated entry is recomputed:
a cache can never hide a problem. Entries are a head line, the MAC and the JSON payload, written
atomically; the folder is safe to delete.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from xiangmu_cli.base import limits
from xiangmu_cli.base.fileio import read_regular, write_atomic
from xiangmu_cli.ledger.problems import Problem

if TYPE_CHECKING:
    from xiangmu_cli.reading.records import Repository, Validation

__all__ = ["cache_dir", "enabled", "cached_validation", "cached_document"]

#: 3: output/docdata.py tags values inside strings; 4: entries of _ENTRY_HEAD, MAC, payload;
#: 5: a table's rows as columns (output/docdata.py)
_FORMAT = "5"
#: An entry's first line (with the format: an entry of another format is never taken); then the
#: payload's MAC (64 hex digits) on a line; then the payload, JSON written by orjson (parsed once,
#: in C: a 20k list's 16 MB entry was parsed twice, in 0.11 s).
_ENTRY_HEAD = f"xm-cache {_FORMAT}\n".encode()
_KEEP = 64  # entries kept per kind
_MAX_ENTRY = 256 * 2**20  # an entry larger than this is not read (a report of 100k projects is ~60 MB)
_SECRET = "secret"
_code_hash: str | None = None


def enabled() -> bool:
    """Whether the cache is used by default: not under CI unless XM_CACHE=1; never with XM_CACHE=0."""
    asked = os.environ.get("XM_CACHE", "").strip().lower()
    if asked in ("0", "false", "no", "off"):
        return False
    if asked in ("1", "true", "yes", "on"):
        return True
    from xiangmu_cli.reading.files import in_ci

    return not in_ci()


def cache_dir() -> Path:
    """Where the cache lives (it need not exist yet)."""
    explicit = os.environ.get("XM_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base and os.path.isabs(base) else Path.home() / ".cache") / "xiangmu-cli"


def _own_folder() -> Path | None:
    """The cache folder, made if needed, if it is a real folder of this user's; else None."""
    folder = cache_dir()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
        return None
    if info.st_mode & 0o022:  # others could plant entries
        return None
    return folder


def _secret(folder: Path) -> bytes | None:
    path = folder / _SECRET
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except FileExistsError:
        pass
    except OSError:
        return None
    else:
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
    try:
        info = os.lstat(path)
        if (hasattr(os, "getuid") and info.st_uid != os.getuid()) or info.st_mode & 0o077:
            return None
        key = read_regular(path, 64)
    except OSError:
        return None
    return key if len(key) == 32 else None


def _code_fingerprint() -> str:
    """A hash of xm's own files (source and templates): any change to them changes every key."""
    global _code_hash
    if _code_hash is None:
        digest = hashlib.blake2b(_FORMAT.encode(), digest_size=16)
        package = Path(__file__).resolve().parent.parent  # xiangmu_cli/, not only reading/
        for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
        _code_hash = digest.hexdigest()
    return _code_hash


class _Store:
    """The cache folder and its secret, for one kind of entry."""

    def __init__(self, folder: Path, secret: bytes, kind: str) -> None:
        self.folder = folder
        self.secret = secret
        self.kind = kind

    @classmethod
    def open(cls, kind: str) -> _Store | None:
        folder = _own_folder()
        secret = _secret(folder) if folder is not None else None
        return cls(folder, secret, kind) if folder is not None and secret is not None else None

    def key(self, root: Path, fingerprint: str, request: Any) -> str:
        material = json.dumps(
            [
                _FORMAT,
                self.kind,
                _code_fingerprint(),
                os.getcwd(),
                str(root),
                repr(limits.current()),
                fingerprint,
                request,
            ],
            ensure_ascii=False,
            sort_keys=True,
            default=str,
        )
        return hmac.new(self.secret, material.encode("utf-8", "surrogateescape"), hashlib.sha256).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / f"{self.kind}-{key[:40]}.json"

    def _mac(self, key: str, payload: bytes | memoryview) -> str:
        mac = hmac.new(self.secret, key.encode() + b"\0", hashlib.sha256)
        mac.update(payload)
        return mac.hexdigest()

    def get(self, key: str) -> Any:
        """The payload stored under ``key``, or None (absent, corrupt or not authenticated)."""
        try:
            raw = read_regular(self._path(key), _MAX_ENTRY)
        except OSError:
            return None
        start = len(_ENTRY_HEAD) + 65  # the head line, then the MAC's 64 hex digits and a line feed
        if not raw.startswith(_ENTRY_HEAD) or raw[start - 1 : start] != b"\n":
            return None
        payload = memoryview(raw)[start:]
        if not hmac.compare_digest(raw[len(_ENTRY_HEAD) : start - 1], self._mac(key, payload).encode()):
            return None
        try:
            return orjson.loads(payload)
        except orjson.JSONDecodeError:
            return None

    def put(self, key: str, payload: Any) -> None:
        try:
            data = orjson.dumps(payload)
        except TypeError:  # orjson.JSONEncodeError: not representable (an integer beyond 64 bits)
            return  # simply not cached
        if len(data) > _MAX_ENTRY // 2:
            return
        entry = _ENTRY_HEAD + self._mac(key, data).encode() + b"\n" + data
        try:
            write_atomic(self._path(key), entry, 0o600)
            entries = sorted(self.folder.glob(f"{self.kind}-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in entries[_KEEP:]:
                old.unlink(missing_ok=True)
        except OSError:
            pass  # a full disk or a read-only home: no cache, same results


def _lookup(kind: str, root: Path, request: Any) -> tuple[_Store, str, Any] | None:
    """(store, key, payload or None) for ``root``'s current contents, or None when uncachable."""
    from xiangmu_cli.reading.files import fingerprint

    store = _Store.open(kind)
    if store is None:
        return None
    try:
        current = fingerprint(root)
    except OSError:
        return None
    if current is None:
        return None
    key = store.key(root, current, request)
    return store, key, store.get(key)


def _problem_from(data: dict[str, Any]) -> Problem:
    return Problem(
        code=data["code"],
        message=data["message"],
        file=data["file"],
        hint=data["hint"] or "",
        path=tuple(data["path"]),
        line=data["line"],
        col=data["col"],
        project=data["project"],
    )


def cached_validation(root: Path, compute: Callable[[], Validation]) -> tuple[list[Problem], int, int]:
    """(problems, files read, projects read) from the cache, or from ``compute()``."""
    request = {"today": date.today().isoformat()}  # W105 (an event after today) depends on it
    found = _lookup("validate", root, request)
    if found is not None and isinstance(found[2], dict):
        try:
            data = found[2]
            return [_problem_from(p) for p in data["problems"]], int(data["files"]), int(data["projects"])
        except (KeyError, TypeError, ValueError):
            pass  # a corrupt entry: recompute
    result = compute()
    store = found[0] if found is not None else _Store.open("validate")
    if store is not None and result.fingerprint is not None:
        store.put(
            store.key(root, result.fingerprint, request),
            {
                "files": result.files_read,
                "projects": result.items_read,
                "problems": [p.as_dict() for p in result.problems],
            },
        )
    return result.problems, result.files_read, result.items_read


def cached_document(
    root: Path,
    request: dict[str, Any],
    compute: Callable[[], tuple[Any, Repository]],
    encode: Callable[[Any], Any],
    decode: Callable[[Any], Any],
    read_also: Callable[[], dict[str, str | None]] | None = None,
) -> tuple[Any, int]:
    """(report document, number of ledger errors) from the cache, or from ``compute()``.

    ``request`` must hold everything besides the ledgers' contents that the document depends on
    (the command and its options); today's date is added (a ledger with no 完成投资 reports as of
    today). The document is stored as typed data (``encode`` makes JSON-ready data of it, ``decode``
    the document again, raising ValueError, TypeError or KeyError on damaged data; see
    output/docdata.py) and rendered by the caller like a fresh one.

    ``read_also``, called after ``compute()``, names the other folders the document was computed
    from (the previous year's archive, for 同比) with the state of what was read there
    (:func:`~xiangmu_cli.reading.archive.folder_state`; None: a file changed while it was read,
    and nothing is stored). The entry keeps them, and a hit counts only while each folder's state
    is still the same.
    """
    request = {**request, "today": date.today().isoformat()}
    found = _lookup("report", root, request)
    if found is not None and isinstance(found[2], dict):
        try:
            if _same_folders(found[2].get("also", {})):
                return decode(found[2]["document"]), int(found[2]["errors"])
        except (KeyError, TypeError, ValueError, AttributeError):
            pass
    doc, repo = compute()
    errors = len(repo.errors)
    also = read_also() if read_also is not None else {}
    store = found[0] if found is not None else _Store.open("report")
    if store is not None and repo.fingerprint is not None and None not in also.values():
        try:
            payload = {"document": encode(doc), "errors": errors, "also": also}
        except TypeError:
            return doc, errors  # a value the codec does not know: not cached
        store.put(store.key(root, repo.fingerprint, request), payload)
    return doc, errors


def _same_folders(also: dict[str, Any]) -> bool:
    """Whether each folder an entry was also computed from is in the state it was then."""
    from xiangmu_cli.reading.archive import folder_state

    return all(isinstance(state, str) and folder_state(Path(path)) == state for path, state in also.items())
