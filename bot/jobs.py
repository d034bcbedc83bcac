"""The scheduled jobs, wired in the composition root: each is a service that decides who gets which message
and queues it through the outbox (paced, restart-safe, delivered by the worker of bot/delivery.py); the chat
layer gives the texts and buttons. Each runs once per due time when several bot processes share one
PostgreSQL database, and is safe to run again: a job run twice queues once.

  case-reminders            daily 08:00   services/jobs.CaseReminders (text: handlers/cases.py)
  agreement-followups       daily 08:15   services/agreements.AgreementFollowUp (text: handlers/agreements.py)
  stats-monthly-summary     daily 07:30, and once a minute after start (days 1–3 of a month only)
                                          services/jobs.MonthlySummaries (text: handlers/stats.py)
  training-reminders        every 10 min  services/training.TrainingService (text: handlers/training.py)
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from handlers import agreements as agreements_chat
from handlers import cases as cases_chat
from handlers import stats as stats_chat
from handlers import training as training_chat

if TYPE_CHECKING:
    from bot.app import MediatorApplication
    from services.agreements import RunReport

log = logging.getLogger(__name__)
#: What a JobQueue callback returns.
Job = Coroutine[Any, Any, None]

CASE_REMINDERS, CASE_REMINDERS_AT = "case-reminders", time(8, 0)
FOLLOWUPS, FOLLOWUPS_AT = "agreement-followups", time(8, 15)
SUMMARY, SUMMARY_AT = "stats-monthly-summary", time(7, 30)
TRAINING_REMINDERS, TRAINING_EVERY_S = "training-reminders", 600


def once_across_processes(name: str, callback: Callable[[Any], Awaitable[None]]) -> Callable[[Any], Job]:
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


def _today(app: MediatorApplication) -> date:
    return datetime.now(ZoneInfo(app.services.config.timezone)).date()


# --- the jobs (also called by tests and the command line with a chosen day) ---------------------------------
async def case_reminders(app: MediatorApplication, today: date | None = None) -> int:
    queued = await app.services.case_reminders.queue(app.channel, cases_chat.render_reminder, today)
    if queued:
        log.info("case reminders queued: %d", queued)
        app.services.broadcasts.wake()
    return queued


async def agreement_followups(app: MediatorApplication) -> RunReport:
    report = await app.services.followups.run(app.channel, agreements_chat.render)
    if report.asked or report.reminded or report.listed:
        log.info(
            "agreement follow-up: %d asked, %d reminded, %d listed",
            report.asked,
            report.reminded,
            report.listed,
        )
        app.services.broadcasts.wake()
    return report


async def monthly_summaries(app: MediatorApplication, day: date | None = None) -> int:
    queued = await app.services.summaries.queue(app.channel, stats_chat.render_summary, day or _today(app))
    if queued:
        app.services.broadcasts.wake()
    return queued


async def training_reminders(app: MediatorApplication, now: datetime | None = None) -> int:
    async def render(event: dict) -> str:
        return await training_chat.reminder_text(app, event)

    reminded = await app.services.training.queue_reminders(app.channel, render, now)
    if reminded:
        app.services.broadcasts.wake()
    return reminded


def _job(run: Callable[[MediatorApplication], Awaitable[object]]) -> Callable[[Any], Job]:
    async def callback(context: Any) -> None:
        await run(context.application)

    return callback


def register(app: MediatorApplication) -> None:
    """Schedule every job on the application's JobQueue (none when it has no JobQueue)."""
    if app.job_queue is None:
        return
    tz = ZoneInfo(app.services.config.timezone)
    queue = app.job_queue
    queue.run_daily(
        once_across_processes(CASE_REMINDERS, _job(case_reminders)),
        time=CASE_REMINDERS_AT.replace(tzinfo=tz),
        name=CASE_REMINDERS,
    )
    queue.run_daily(
        once_across_processes(FOLLOWUPS, _job(agreement_followups)),
        time=FOLLOWUPS_AT.replace(tzinfo=tz),
        name=FOLLOWUPS,
    )
    summary = once_across_processes(SUMMARY, _job(monthly_summaries))
    queue.run_daily(summary, time=SUMMARY_AT.replace(tzinfo=tz), name=SUMMARY)
    queue.run_once(summary, when=60, name=f"{SUMMARY}-catch-up", job_kwargs={"misfire_grace_time": None})
    queue.run_repeating(
        once_across_processes(TRAINING_REMINDERS, _job(training_reminders)),
        interval=TRAINING_EVERY_S,
        first=30,
        name=TRAINING_REMINDERS,
    )
