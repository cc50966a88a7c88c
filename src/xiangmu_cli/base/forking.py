"""The second core for CPU-bound work on data already in memory: a forked child computes one part
while this process computes another (issue 15: a cold report at 20k projects on 2 cores).

A forked child sees this process's memory as it is (copy-on-write): nothing is sent to it, and
only its result comes back, pickled through a pipe. The result is the same as computing it here:
should the child fail in any way (killed, out of memory, an exception), the part is computed
here instead, so an error surfaces where it would have without the child.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

__all__ = ["cores", "forkable", "in_child"]

T = TypeVar("T")


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


def in_child(compute: Callable[[], T], worth_it: bool = True) -> Callable[[], T]:
    """Start ``compute()`` in a forked child and return what gives its result (waiting for it).

    Without a second core, on a platform without fork, when not ``worth_it`` (too little work to
    pay for a fork), or when this process runs other threads (a child forked then could inherit a
    lock another thread holds, and hang), ``compute`` runs when its result is asked for, here.
    ``compute`` must not write anything outside its result (files, the terminal): in a child that
    is lost.
    """
    if not (worth_it and cores() > 1 and forkable() and threading.active_count() == 1):
        return compute
    for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
        stream.flush()
    read, write = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no memory or processes left for a child: here instead
        os.close(read)
        os.close(write)
        return compute
    if pid == 0:  # pragma: no cover - the child; coverage does not follow it
        status = 1
        try:
            os.close(read)
            data = pickle.dumps(compute(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write, "wb") as pipe:
                pipe.write(data)
            status = 0
        finally:
            os._exit(status)  # no clean-up of the parent's state (atexit, buffers, temporary files)
    os.close(write)

    def result() -> T:
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        _pid, status = os.waitpid(pid, 0)
        if status != 0:
            return compute()  # the child failed: the same work here, with the same outcome
        value: T = pickle.loads(data)  # our own child's result, in this process's classes
        return value

    return result
