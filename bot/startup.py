"""Start-up failures a person can fix, told in one line (Vietnamese / English) with exit code 2, no traceback.

A full disk, a read-only or unwritable data directory, a malformed PARTY_DATA_KEY, an invalid LOG_LEVEL: the
operator needs to know which and where, not a Python traceback (bot/cli.py main() asks `problem()`).
"""

from __future__ import annotations

import errno
import os
import sqlite3

from bot import messages as msg

_DISK_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}


class LogLevelError(ValueError):
    def __init__(self, value: str):
        super().__init__(value)
        self.value = value


def _chain(exc: BaseException | None):
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def problem(exc: BaseException, where: str = "") -> str | None:
    """The one-line message for a start-up failure the operator can fix, or None for anything else."""
    from bot.config import ConfigError
    from services.privacy import PartyCipherError
    from storage.db import StorageError

    for item in _chain(exc):
        if isinstance(item, ConfigError):  # worded for the operator already (the variable to fix)
            return str(item)
        if isinstance(item, LogLevelError):
            return msg.STARTUP_ERRORS["log_level"].format(value=item.value)
        if isinstance(item, PartyCipherError):
            return msg.STARTUP_ERRORS["party_key"]
        if isinstance(item, OSError) and item.errno in _DISK_FULL:
            return msg.STARTUP_ERRORS["disk_full"].format(where=item.filename or where)
        if isinstance(item, OSError) and item.errno in _READ_ONLY:
            folder = os.path.dirname(str(item.filename)) if item.filename else where
            return msg.STARTUP_ERRORS["read_only"].format(where=folder)
        if isinstance(item, sqlite3.Error | StorageError):
            text = str(item).lower()
            if "full" in text or "disk i/o error" in text:
                return msg.STARTUP_ERRORS["disk_full"].format(where=where)
            if "readonly" in text or "read-only" in text or "unable to open database file" in text:
                return msg.STARTUP_ERRORS["read_only"].format(where=os.path.dirname(where) or where)
    return None
