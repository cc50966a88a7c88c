"""Whether work goes to a second core here: how many cores this process may use, and whether
workers are forked (they inherit what is loaded; reading/loading.py forks them)."""

from __future__ import annotations

import os
import sys

__all__ = ["cores", "forkable"]


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def forkable() -> bool:
    """Whether work is handed to forked processes here: on Linux, where fork() is cheap and the
    child inherits what is loaded. Elsewhere (macOS, Windows) a worker imports everything again,
    which costs what it saves."""
    import multiprocessing

    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()
