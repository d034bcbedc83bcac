"""Scheduled jobs that run once per due time when several bot processes share one PostgreSQL database."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)


def once_across_processes(
    name: str, callback: Callable[[Any], Awaitable[None]]
) -> Callable[[Any], Awaitable[None]]:
    """Wrap a JobQueue callback: it runs only in the process that takes the database's job lock `name`
    (storage Database.job_lock: always on SQLite; pg_try_advisory_lock on PostgreSQL)."""

    @functools.wraps(callback)
    async def run(context: Any) -> None:
        async with context.application.services.db.job_lock(name) as held:
            if not held:
                log.info("job %s is running in another process; skipped here", name)
                return
            await callback(context)

    return run
