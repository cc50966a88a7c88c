"""What an event command returns, and what it raises: :class:`EditPlan` and :class:`EditError`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["EditPlan", "EditError"]


@dataclass
class EditPlan:
    """The new text of every file an event changes, in the order to write them."""

    changes: dict[Path, str]
    summary: str
    #: The bytes each file had when the plan was made (None: the file is new);
    #: :func:`~xiangmu_cli.write.apply.apply` refuses to write over a file that changed since.
    originals: dict[Path, bytes | None] = field(default_factory=dict)
    #: Warnings of the edited project that the edit brings (shown, never a refusal).
    warnings: list[str] = field(default_factory=list)
    #: File mode for new files.
    new_mode: int = 0o644
    #: The ledger folder, whose lock :func:`~xiangmu_cli.write.apply.apply` holds while writing
    #: (None: the files' grandparent).
    root: Path | None = None


class EditError(Exception):
    """An edit that cannot or must not be made. ``code`` is the exit code: 2 for usage, else 1."""

    def __init__(self, message: str, code: int = 1, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = details or []
