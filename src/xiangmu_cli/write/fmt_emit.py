"""Writing the layout tree (:mod:`~xiangmu_cli.write.fmt_tree`) in the canonical layout.

Keys in canonical order (:func:`~xiangmu_cli.write.fmt_shape.canonical_order`), each with its
comments; two-space indentation with sequences written ``  - 编号: …`` under their key; runs of
blank lines made one, none before the first entry, exactly one between projects; an end-of-line
comment at its old column when there is room.
"""

from __future__ import annotations

from xiangmu_cli.write.fmt_shape import canonical_order
from xiangmu_cli.write.fmt_tree import Block, Comment, Entry, Lead
from xiangmu_cli.write.indent import shift

__all__ = ["normalise", "comment_lines", "Emitter"]


def normalise(lead: Lead, first: bool, separated: bool) -> Lead:
    """Runs of blank lines become one; none before the first entry; one before each project."""
    out: Lead = []
    for item in lead:
        if item is None and (out[-1:] == [None] or (not out and (first or separated))):
            continue
        out.append(item)
    if separated and not first:
        out.insert(0, None)
    return out


def _with_comment(line: str, comment: Comment | None, delta: int) -> str:
    """``line`` and its end-of-line comment, at the comment's old column when there is room."""
    if comment is None:
        return line
    column, text, gap = comment
    pad = column + delta - len(line)
    if pad < 1:
        pad = max(gap, 1)
    return line + " " * pad + text


def comment_lines(lead: Lead, indent: int) -> list[str]:
    return ["" if item is None else " " * indent + item for item in lead]


class Emitter:
    def block(self, block: Block, indent: int, compact: bool) -> tuple[Lead, list[str]]:
        """The lines of ``block`` at ``indent``; with ``compact`` the first line is the first
        entry's own line, and the comments above it are returned to go above the dash."""
        shape = block.shape
        entries = block.entries
        if block.is_map:
            entries = [entries[i] for i in canonical_order([e.name for e in entries], shape)]
        separated = bool(shape and shape.separated) and not block.is_map
        hoisted: Lead = []
        out: list[str] = []
        for position, entry in enumerate(entries):
            body, above = self.entry(entry, block, indent)
            leading = normalise(entry.leading + above, first=position == 0, separated=separated)
            if compact and position == 0:
                hoisted = leading
            else:
                out.extend(comment_lines(leading, indent))
            out.extend(body)
        trailing = normalise(block.trailing, first=False, separated=False)
        while trailing and trailing[-1] is None:
            trailing.pop()
        out.extend(comment_lines(trailing, indent))
        return hoisted, out

    def entry(self, entry: Entry, block: Block, indent: int) -> tuple[list[str], Lead]:
        """The lines of ``entry`` of ``block`` at ``indent``, and the comments to go above its
        block's dash (a compact block: its first entry on the ``- `` line)."""
        delta = indent - block.indent
        pad = " " * indent
        head = pad + (f"{entry.key}:" if block.is_map else "-")
        if entry.block is not None:
            child = indent + 2
            if block.is_map or entry.props or entry.line_comment is not None:
                line = head + (f" {entry.props}" if entry.props else "")
                _, lines = self.block(entry.block, child, compact=False)
                return [_with_comment(line, entry.line_comment, delta)] + lines, []
            above, lines = self.block(entry.block, child, compact=True)
            lines[0] = pad + "- " + lines[0][child:]
            return lines, above
        value = entry.inline
        under = (
            comment_lines(normalise(entry.under.trailing, first=True, separated=False), indent + 2)
            if entry.under is not None
            else []
        )
        if value is None:  # nothing written after the key or dash
            return [_with_comment(head, entry.line_comment, delta)] + under, []
        if value.own_line:
            lines = [_with_comment(head, entry.line_comment, delta)]
            body = [shift(line, delta) for line in value.lines]
        else:
            lines = []
            body = [f"{head} {value.lines[0]}"] + [shift(line, delta) for line in value.lines[1:]]
        body[value.comment_at] = _with_comment(body[value.comment_at], value.comment, delta)
        return lines + body + under, []
