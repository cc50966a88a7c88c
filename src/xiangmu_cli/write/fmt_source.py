"""The text ``xm fmt`` reads: its lines, its composed node tree, and where its comments are."""

from __future__ import annotations

from collections import Counter

from xiangmu_cli.write.comments import comment_columns, line_starts

__all__ = ["Source", "comment_texts"]


class Source:
    """The text split in lines, the composed node tree, and where the comments are."""

    def __init__(self, text: str) -> None:
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError

        self.text = text
        self.lines = text.split("\n")
        self.starts = line_starts(self.lines)
        try:  # libyaml gives the same marks (character index, line, column), ten times faster
            self.root = YAML(typ="safe", pure=False).compose(text)
        except (YAMLError, UnicodeError):  # what libyaml refuses (NEL, LS, PS in a key …), ruamel may read
            self.root = YAML(typ="safe", pure=True).compose(text)
        #: line → (column, text) of the comment on that line.
        self.comments: dict[int, tuple[int, str]] = {}
        if self.root is not None:
            columns = comment_columns(self.lines, self.starts, self.root)
            self.comments = {n: (col, self.lines[n][col:].rstrip()) for n, col in columns.items()}

    def comment_counter(self) -> Counter[str]:
        if self.root is None:  # only comments: every `#` line is one
            return Counter(line.strip() for line in self.lines if line.strip().startswith("#"))
        return Counter(text for _, text in self.comments.values())

    def is_blank(self, line: int) -> bool:
        return not self.lines[line].strip()

    def own_comment(self, line: int) -> str | None:
        """The comment when ``line`` holds nothing else."""
        found = self.comments.get(line)
        text = self.lines[line]
        if found is not None and found[0] == len(text) - len(text.lstrip()):
            return found[1]
        return None

    def comment_after(self, line: int, col: int) -> tuple[int, str, int] | None:
        """The end-of-line comment on ``line`` at or after ``col``: (column, text, gap before it)."""
        found = self.comments.get(line)
        if found is None or found[0] < col:
            return None
        before = self.lines[line][: found[0]]
        gap = len(before) - len(before.rstrip())
        return found[0], found[1], gap


def comment_texts(text: str) -> Counter[str]:
    """The comments of a YAML text (each without trailing blanks), as a multiset."""
    return Source(text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")).comment_counter()
