"""Resource limits for reading ledgers, so hostile or broken input ends quickly, in bounded memory.

The defaults are far above any real ledger repository (a province's whole ledger is ~50 files
and ~15 MB, its largest file under 1 MB; a project is nested about 5 levels deep) and far below
what would hurt a laptop.
``xm validate`` sets them from its options (``--max-file-mb``, ``--max-depth``, ``--max-files``,
or the environment variables ``XM_MAX_FILE_MB``, ``XM_MAX_DEPTH``, ``XM_MAX_FILES``); every
other command reads with the defaults. The library reads the active limits with
:func:`current`; :func:`using` sets them for a block. Measured costs: docs/robustness.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

__all__ = ["Limits", "DEFAULT", "current", "using"]


@dataclass(frozen=True)
class Limits:
    #: A larger file is refused unread (E009). A file of valid projects costs ~30 bytes of memory
    #: per byte (the models): 20 MB of projects peak at ~0.6 GB; the largest real file is < 1 MB.
    max_file_bytes: int = 20 * 2**20
    #: Deeper nesting of lists and mappings is a syntax error (E001), found before the data is
    #: built (yaml_rs recurses natively and crashes the process on ~20,000-deep block nesting).
    max_depth: int = 100
    #: More files and folders than this in the ledger repository: nothing is read (E009).
    max_files: int = 20_000
    #: Problems listed per file, and in all: past them, one E010 says how many more there were
    #: (a 700 KB file of empty items would otherwise give 600,000 problems and gigabytes of output).
    #: A real file of 1,000 projects with the usual 7% warnings has ~70.
    max_problems_per_file: int = 1_000
    max_problems: int = 10_000


DEFAULT = Limits()
_ACTIVE: ContextVar[Limits] = ContextVar("xm_limits", default=DEFAULT)


def current() -> Limits:
    """The limits in force (the defaults unless a caller set others with :func:`using`)."""
    return _ACTIVE.get()


@contextmanager
def using(limits: Limits) -> Iterator[Limits]:
    """Read with ``limits`` inside the block."""
    token = _ACTIVE.set(limits)
    try:
        yield limits
    finally:
        _ACTIVE.reset(token)
