"""Where a project is written: its file and line, for a page that names it (``xm show``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xiangmu_cli.reading.files import read_text
from xiangmu_cli.reading.yamlread import PositionIndex

if TYPE_CHECKING:
    from xiangmu_cli.reading.records import Record, Repository

__all__ = ["project_line"]


def project_line(repo: Repository, record: Record) -> int | None:
    """The line (from 1) where ``record``'s item starts in its file, as the repository was read
    (the working tree, or a git revision); None when the file cannot be read again."""
    source = next((f for f in repo.files if f.file == record.file), None)
    if source is None:
        return None
    text = read_text(source.path, source.file)
    if text is None:
        return None
    line, _ = PositionIndex(text).node(("项目", record.index), at="item")
    return line
