"""Updates already handled, by channel and update id (webhook mode: a proxy may pass a slow request on to a
second process, and Telegram sends an update again when its answer came late). Checked under the chat's lock
(bot/concurrency.py), so the second copy finds the first one's mark and is skipped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.db import Database, utcnow

#: How long an update id is remembered (Telegram gives up resending an update after about a day).
KEEP = timedelta(days=2)


class HandledUpdates:
    def __init__(self, db: Database, channel: str):
        self.db = db
        self.channel = channel
        self._marks = 0

    async def seen(self, update_id: int) -> bool:
        row = await self.db.fetchone(
            "SELECT 1 FROM handled_updates WHERE channel = ? AND update_id = ?", (self.channel, update_id)
        )
        return row is not None

    async def mark(self, update_id: int) -> None:
        await self.db.execute(
            "INSERT INTO handled_updates(channel, update_id, at) VALUES (?, ?, ?)"
            " ON CONFLICT (channel, update_id) DO NOTHING",
            (self.channel, update_id, utcnow()),
        )
        self._marks += 1
        if self._marks % 1000 == 1:  # forget old ids now and then
            cutoff = (datetime.now(UTC) - KEEP).replace(microsecond=0).isoformat()
            await self.db.execute("DELETE FROM handled_updates WHERE at < ?", (cutoff,))
