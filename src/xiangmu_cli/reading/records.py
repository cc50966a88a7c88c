"""The loader's record types: one valid project and where it lives, a ledger file, the loaded
repository, and what ``xm validate`` reports. A module of their own, so that the checks (which
read them) and the loader (which runs the checks) do not import each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from xiangmu_cli.ledger.model import Config, Project
from xiangmu_cli.ledger.problems import PathElem, Problem
from xiangmu_cli.ledger.vocab import Ledger

__all__ = ["Record", "LedgerFile", "Repository", "Validation"]


@dataclass(slots=True)
class Record:
    """One project and where it lives: a valid one, or a partial one (see ``Repository.partial``)."""

    project: Project
    region: str
    ledger: Ledger
    file: str
    index: int
    #: Keys of a partial project whose invalid values were replaced by stand-ins (loading's
    #: ``_IDENTITY_STANDINS``), which must never be shown.
    stand_ins: frozenset[str] = frozenset()

    @property
    def path(self) -> tuple[PathElem, ...]:
        return ("项目", self.index)

    @property
    def code(self) -> str | None:
        """The project's 编号 for a problem to name, None where it was invalid (a stand-in)."""
        return None if "编号" in self.stand_ins else self.project.code


@dataclass(slots=True)
class LedgerFile:
    path: Path
    file: str  # as displayed
    region: str
    ledger: Ledger
    records: list[Record] = field(default_factory=list)


@dataclass
class Repository:
    root: Path
    config: Config | None
    config_file: str
    files: list[LedgerFile]
    records: list[Record]
    problems: list[Problem]
    #: Every 编号 written in a ledger, valid project or not: (编号, file, index).
    ids: list[tuple[str, str, int]] = field(default_factory=list)
    #: Every well-formed 项目代码 written in a ledger, valid project or not: (项目代码, file, index).
    national_codes: list[tuple[str, str, int]] = field(default_factory=list)
    #: Projects that failed validation in optional or identity fields only, checked but never counted.
    partial: list[Record] = field(default_factory=list)
    #: How many files and project items were read (valid or not).
    files_read: int = 0
    items_read: int = 0
    #: What was read, as a digest (see :func:`fingerprint`); None when a file changed while it was read.
    fingerprint: str | None = None

    @property
    def checkable(self) -> list[Record]:
        return self.records + self.partial

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


@dataclass
class Validation:
    """What ``xm validate`` reports: every problem, located and in order, and what was read."""

    problems: list[Problem]
    files_read: int
    items_read: int
    #: What was read (see :func:`fingerprint`); None when a file changed while it was read.
    fingerprint: str | None = None
