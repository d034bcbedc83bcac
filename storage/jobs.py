"""Bookkeeping of the scheduled jobs that queue their messages through the outbox: the case reminders and the
monthly statistics summary (the agreement follow-ups keep theirs in storage/logbook.py, the training reminders
in storage/training.py).

The record of a message is one conditional INSERT (ON CONFLICT DO NOTHING); services/jobs.py stores it with
the message's outbox rows in ONE unit of work: a second run of a job (the same day, after a restart, or in
another process) finds the record and queues nothing, and a message once recorded is delivered by the outbox
worker even if the process dies right after (services/delivery.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from storage.db import Database, utcnow
from storage.logbook import LogbookRepository


class JobRepository:
    def __init__(self, db: Database):
        self.db = db

    async def recipients(
        self, person_ids: Sequence[int], channel: str, channels: Sequence[str]
    ) -> list[tuple[int, str, str]]:
        """(person_id, chat_id, channel) of the active people among `person_ids`, each on one identity (as the
        agreement follow-ups and the broadcasts reach people)."""
        return await LogbookRepository(self.db).recipients(person_ids, channel, channels)

    async def record_case_reminder(self, case_id: int, recipient_id: int, kind: str, period: int) -> bool:
        """Record the reminder (case, recipient, reporter|leader, period); False when it was recorded
        before."""
        async with (  # one conditional INSERT (a savepoint inside a unit of work)
            self.db.transaction() as conn,
            conn.execute(
                "INSERT INTO case_reminders(case_id, recipient_id, kind, period, sent_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (case_id, recipient_id, kind, period, utcnow()),
            ) as cur,
        ):
            return cur.rowcount == 1

    async def record_summary(self, person_id: int, month: str) -> bool:
        """Record that `month`'s statistics summary goes to `person_id`; False when it was recorded before."""
        async with (  # one conditional INSERT (a savepoint inside a unit of work)
            self.db.transaction() as conn,
            conn.execute(
                "INSERT INTO stats_summary_sent(person_id, month, sent_at) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (person_id, month, utcnow()),
            ) as cur,
        ):
            return cur.rowcount == 1
