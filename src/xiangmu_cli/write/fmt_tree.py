"""The layout tree ``xm fmt`` builds from a source (:mod:`~xiangmu_cli.write.fmt_build`): blocks of
entries, each with its comments.

Here ruamel only *composes* a node tree (marks, no comments, no data); the tree holds slices of
the original text, so every scalar and flow collection is copied as written. Every comment is
given to an entry or a block:

* an own-line comment belongs to the key or item below it and moves with it;
* an own-line comment after a nested block that is indented at least as deep as that block's keys
  stays at the end of that block (it reads as part of it);
* an end-of-line comment stays on the line of its key or value.

A layout this formatter does not rewrite (explicit keys, content after ``---`` …) raises
:class:`Unsupported`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xiangmu_cli.write.fmt_shape import Shape

__all__ = ["Lead", "Comment", "Inline", "Entry", "Block", "Unsupported", "add_under", "chain"]

Lead = list[str | None]  # own-line comments (text) and blank lines (None)
Comment = tuple[int, str, int]  # old column, text, blanks before it


class Unsupported(Exception):
    """A layout this formatter does not rewrite (explicit keys, content after ``---`` …)."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line  # 0-based


@dataclass(eq=False)
class Inline:
    """A scalar or flow collection, copied from the source."""

    #: lines[0] follows ``key: `` / ``- `` (or is a whole line when ``own_line``); the other
    #: lines are whole source lines, shifted with the block they belong to.
    lines: list[str]
    own_line: bool
    comment_at: int = 0
    comment: Comment | None = None
    block_scalar: bool = False  # `|` or `>`: lines below it that are indented are its content


@dataclass(eq=False)
class Entry:
    key: str | None  # the key as written; None for a sequence item
    name: str | None  # the key's value, for ordering
    first: int  # line of the key or of the dash
    last: int  # last line of the value
    leading: Lead = field(default_factory=list)
    line_comment: Comment | None = None  # on the key/dash line when the value is not there
    props: str = ""  # a tag written before a block collection
    inline: Inline | None = None
    block: Block | None = None
    #: Comments under an entry without a block value, more indented than its key (`项目:` then
    #: `  # 暂无`): they stay under it. Not after a block scalar, whose content they could become.
    under: Block | None = None


@dataclass(eq=False)
class Block:
    is_map: bool
    indent: int  # column in the source
    shape: Shape | None
    entries: list[Entry] = field(default_factory=list)
    trailing: Lead = field(default_factory=list)


def add_under(entry: Entry, column: int) -> None:
    if entry.block is None and not (entry.inline is not None and entry.inline.block_scalar):
        entry.under = Block(is_map=True, indent=column + 1, shape=None)


def chain(entry: Entry) -> list[Block]:
    """The blocks that end together with ``entry``: its value, that block's last entry's value …"""
    out: list[Block] = []
    while entry.block is not None:
        out.append(entry.block)
        entry = entry.block.entries[-1]
    if entry.under is not None:
        out.append(entry.under)
    return out
