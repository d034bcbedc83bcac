"""The lock a process holds while it has an SQLite database open, so that `admin restore` can tell.

Every process that opens the database (the bot, the console, a report) holds a shared lock on `<db>.lock`; the
restore takes it exclusively without waiting and refuses when it cannot. A lock dies with its process, even on
SIGKILL, so a crashed bot never blocks a restore. (flock on a separate file: locks on the database file itself
would interfere with SQLite's own POSIX locks.)
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class DatabaseInUse(RuntimeError):
    pass


def lock_path(database: str | Path) -> Path:
    return Path(f"{database}.lock")


def hold_shared(database: str | Path) -> int:
    """Open and share-lock the database's lock file (waits while a restore runs); returns the descriptor."""
    fd = os.open(lock_path(database), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
    except OSError:
        os.close(fd)
        raise
    return fd


def release(fd: int) -> None:
    os.close(fd)  # closing the descriptor releases the lock


@contextmanager
def exclusive(database: str | Path) -> Iterator[None]:
    """Hold the database's lock alone for the block; DatabaseInUse when any process has it open."""
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path(database), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise DatabaseInUse(str(database)) from exc
        yield
    finally:
        os.close(fd)
