"""A git repository of ledgers for tests: init with an author, write files, commit, tag.

Shared by the history, restatement, cache and fuzz tests (they used to build it each by hand).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

__all__ = ["Repo", "git"]


def git(where: Path, *args: str, input: str | None = None) -> str:
    """Run git in ``where`` with a fixed author; its stdout."""
    return subprocess.run(
        ["git", "-c", "user.name=王芳", "-c", "user.email=secretary@example.invalid", *args],
        cwd=where,
        check=True,
        capture_output=True,
        text=True,
        input=input,
    ).stdout


class Repo:
    """A git repository at ``root`` whose ledgers are ``root/ledgers``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.email", "secretary@example.invalid")
        self.git("config", "user.name", "王芳")

    def git(self, *args: str) -> str:
        return git(self.root, *args)

    def write(self, files: dict[str, str | None]) -> None:
        """Write (or, for None, delete) files relative to the ledgers folder."""
        for rel, text in files.items():
            path = self.root / "ledgers" / rel
            if text is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")

    def commit(self, message: str, files: dict[str, str | None] | None = None) -> None:
        self.write(files or {})
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
