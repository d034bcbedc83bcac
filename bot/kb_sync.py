"""A knowledge base reload reaches every process: each one checks the shared version (storage/kb_version.py)
every KB_SYNC_EVERY_S seconds and reloads its copy when `/tailai_kb` was used in another process."""

from __future__ import annotations

import logging

from telegram.ext import Application

from handlers.common import BotContext

log = logging.getLogger(__name__)

KB_SYNC_EVERY_S = 15.0


async def sync_job(context: BotContext) -> None:
    if await context.application.services.knowledge.sync():
        log.info("knowledge base reloaded after a reload in another process")


def register(app: Application) -> None:
    if app.job_queue is not None:  # started with the application (the test harness calls sync itself)
        app.job_queue.run_repeating(sync_job, interval=KB_SYNC_EVERY_S, first=KB_SYNC_EVERY_S, name="kb-sync")
