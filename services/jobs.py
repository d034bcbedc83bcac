"""Scheduled jobs as services: the daily case reminders and the monthly statistics summary. Each job decides
who gets which message and queues it through the outbox (services/delivery.py delivers it, paced and
restart-safe, as broadcasts): the record that a message was sent (storage/jobs.py) and the message itself
are stored in one unit of work, so a job run twice queues once and a restart between queueing and sending
delivers it once.
The chat layer gives the text (`render`) and, by the message's topic, its buttons; the composition root
schedules the jobs (bot/jobs.py). The agreement follow-ups (services/agreements.py) and the training reminders
(services/training.py) work the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from services.case_models import Case
from services.cases import CaseService
from services.models import Person, Role
from services.statistics import Report, ScopeDenied, StatisticsService, previous_month
from storage.jobs import JobRepository
from storage.stats import StatsRepository
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

#: Topics (broadcasts.topic) of the jobs' messages; the chat adds the buttons of each.
REMIND_REPORTER, REMIND_LEADER, SUMMARY = "case_remind_reporter", "case_remind_leader", "stats_summary"
#: The monthly summary goes out from the 1st; a bot that was down on the 1st catches up until this day.
SUMMARY_LAST_DAY = 3


class CaseReminders:
    """Remind reporters (and team leaders, for stale cases) of cases still being mediated: each reminder once
    per period (CaseService.due_reminders)."""

    def __init__(
        self,
        cases: CaseService,
        jobs: JobRepository,
        channels: set[str] | None = None,
        uow: UnitOfWork | None = None,
    ):
        self.cases = cases
        self.jobs = jobs
        self.uow = uow or UnitOfWork(jobs.db)
        #: The channels this deployment runs (shared with the broadcast service).
        self.channels = channels if channels is not None else set()

    async def queue(
        self, channel: str, render: Callable[[str, Case, dict], str], today: date | None = None
    ) -> int:
        """Queue the due reminders; `render(topic, case, info)` gives the text (info: days, and for a team
        leader the reporter's name or None). Returns how many were queued. A reminder whose recipient cannot
        be reached on any channel is not recorded, so a later run tries again."""
        queued = 0
        channels = tuple(sorted(self.channels | {channel}))
        for reminder in await self.cases.due_reminders(today):
            case = reminder.case
            recipients = await self.jobs.recipients([reminder.recipient_id], channel, channels)
            if not recipients:
                continue
            info: dict = {"days": reminder.days}
            topic = REMIND_REPORTER
            if reminder.kind == "leader":
                topic = REMIND_LEADER
                reporter = await self.cases.people.get(case.reporter_id) if case.reporter_id else None
                info["reporter"] = reporter.full_name if reporter else None
            message = {
                "sender_id": case.reporter_id or reminder.recipient_id,
                "channel": channel,
                "scope": {"case": case.id, "topic": topic},
                "text": render(topic, case, info),
                "recipients": recipients,
                "case_id": case.id,
                "topic": topic,
            }
            if await self._queue(message, reminder.recipient_id, reminder.kind, reminder.period):
                queued += 1
        return queued

    async def _queue(self, message: dict, recipient_id: int, kind: str, period: int) -> bool:
        """The record (once per case, recipient, kind and period: the conditional INSERT decides) and the
        message's outbox rows, in one unit of work; False (nothing queued) when it was recorded before."""
        async with self.uow() as u:
            if not await u.jobs.record_case_reminder(message["case_id"], recipient_id, kind, period):
                return False
            await u.broadcasts.create_topical(message)
            return True


class MonthlySummaries:
    """Last month's statistics of their commune, for every commune official who has not opted out."""

    def __init__(
        self,
        stats: StatsRepository,
        statistics: StatisticsService,
        jobs: JobRepository,
        channels: set[str] | None = None,
        uow: UnitOfWork | None = None,
    ):
        self.stats = stats
        self.statistics = statistics
        self.jobs = jobs
        self.uow = uow or UnitOfWork(jobs.db)
        self.channels = channels if channels is not None else set()

    async def opted_out(self, person: Person) -> bool:
        return await self.stats.summary_opted_out(person.id)

    async def set_opt_out(self, person: Person | None, opted_out: bool) -> None:
        """Only commune officials receive the summary, so only they turn it off or on (ScopeDenied)."""
        if person is None or person.role != Role.COMMUNE_OFFICIAL:
            raise ScopeDenied("only commune officials receive the monthly summary")
        await self.stats.set_summary_opt_out(person.id, opted_out)

    async def queue(self, channel: str, render: Callable[[Report], str], day: date) -> int:
        """Queue last month's summary for the officials on `channel` who have not had it. Runs daily; queues
        only on days 1–`SUMMARY_LAST_DAY` of a month (catching up when the bot was down on the 1st). Returns
        how many were queued; none twice for one person and month, whatever the restarts and processes."""
        if day.day > SUMMARY_LAST_DAY:
            return 0
        period = previous_month(day)
        month = period.start.strftime("%Y-%m")
        due = await self.stats.summary_recipients(channel, month)
        channels = tuple(sorted(self.channels | {channel}))
        reach = {r[0]: r for r in await self.jobs.recipients([p for p, _, _ in due], channel, channels)}
        reports: dict[int, Report] = {}
        queued = 0
        for person_id, commune_id, _chat in due:
            if person_id not in reach:
                continue
            if commune_id not in reports:
                scope = await self.statistics.scope("commune", commune_id)
                if scope is None:  # a commune is never deleted; merged ones keep their row
                    log.warning("monthly summary: commune %s not found", commune_id)
                    continue
                reports[commune_id] = await self.statistics.report(scope, period)
            message = {
                "sender_id": person_id,
                "channel": channel,
                "scope": {
                    "communes": [commune_id],
                    "start": period.start.isoformat(),
                    "end": period.end.isoformat(),
                    "topic": SUMMARY,
                },
                "text": render(reports[commune_id]),
                "recipients": [reach[person_id]],
                "case_id": None,
                "topic": SUMMARY,
            }
            if await self._queue(person_id, month, message):
                queued += 1
        if queued:
            log.info("monthly statistics summary %s queued for %d officials", month, queued)
        return queued

    async def _queue(self, person_id: int, month: str, message: dict) -> bool:
        """The record (once per person and month: the conditional INSERT decides) and the summary's outbox
        rows, in one unit of work; False (nothing queued) when it was recorded before."""
        async with self.uow() as u:
            if not await u.jobs.record_summary(person_id, month):
                return False
            await u.broadcasts.create_topical(message)
            return True
