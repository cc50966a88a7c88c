"""Writing a plan: :func:`apply` (atomic, under the ledger lock), and :func:`diff` for ``--dry-run``.

Concurrency: :func:`apply` holds the ledger lock (:func:`~xiangmu_cli.base.fileio.ledger_lock`) while it checks that
every file is still what the plan was made from and renames the new versions in; the commands
hold it from loading to writing, so a concurrent command waits instead of being refused.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from xiangmu_cli.base.fileio import UNCHECKED, LockError, display_path, ledger_lock, unchanged, write_atomic
from xiangmu_cli.write.files import BOM
from xiangmu_cli.write.plan import EditError, EditPlan

__all__ = ["diff", "apply", "check_unchanged"]


def diff(plan: EditPlan) -> str:
    """The plan as a unified diff (for --dry-run)."""
    out: list[str] = []
    for path, text in plan.changes.items():
        before = plan.originals.get(path)
        old = before.decode("utf-8-sig") if before is not None else ""
        name = display_path(path)
        out += difflib.unified_diff(
            old.splitlines(keepends=True),
            text.lstrip(BOM).splitlines(keepends=True),
            "/dev/null" if before is None else f"a/{name}",
            f"b/{name}",
        )
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)


def apply(plan: EditPlan) -> list[Path]:
    """Write the plan's files atomically, in order; refuse if any changed since the plan was made.

    Holds the ledger lock (waiting for another command that holds it, see
    :func:`~xiangmu_cli.base.fileio.ledger_lock`) from the check to the last rename, so two commands never both
    pass the check and overwrite each other. The commands already hold it from loading on.
    """
    if not plan.changes:
        return []
    root = plan.root if plan.root is not None else next(iter(plan.changes)).parent.parent
    try:
        with ledger_lock(root):
            return _write(plan)
    except LockError as exc:
        raise EditError(str(exc)) from None


def check_unchanged(originals: dict[Path, bytes | None]) -> None:
    """EditError unless every file still holds the bytes the plan was made from (None: absent)."""
    for path, before in originals.items():
        try:
            same = unchanged(path, before)
        except OSError as exc:
            raise EditError(f"无法读取 {display_path(path)}：{exc.strerror or exc}") from None
        if not same:
            raise EditError(f"{display_path(path)} 在此期间被修改过，未写入任何文件；请重新运行命令")


def _write(plan: EditPlan) -> list[Path]:
    check_unchanged(plan.originals)
    written: list[Path] = []
    for path, text in plan.changes.items():
        try:
            if plan.originals.get(path) is None:
                path.parent.mkdir(parents=True, exist_ok=True)  # a new region folder (xm import)
            write_atomic(path, text.encode("utf-8"), plan.new_mode, expected=plan.originals.get(path, UNCHECKED))
        except OSError as exc:
            done = "；已写入 " + "、".join(display_path(p) for p in written) if written else ""
            raise EditError(
                f"写入 {display_path(path)} 失败：{exc.strerror or exc}{done}"
                + ("，请检查这些文件，避免项目重复" if written else "")
            ) from None
        written.append(path)
    return written
