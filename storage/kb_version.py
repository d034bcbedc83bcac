"""Which version of the knowledge base the bot processes should serve: a counter every process can read.

`/tailai_kb` in one process bumps it; the others see the new number and reload their copy (bot/kb_sync.py).
Kept as one row of the key-value table bot_state (kind 'kb', key 'version'), so no schema change is needed.
"""

from __future__ import annotations

from storage.db import Database

_KIND, _KEY = "kb", "version"


class KnowledgeVersion:
    def __init__(self, db: Database):
        self.db = db

    async def current(self) -> int:
        """The version number (0 before the first reload)."""
        row = await self.db.fetchone("SELECT data FROM bot_state WHERE kind = ? AND key = ?", (_KIND, _KEY))
        return int(row["data"]) if row else 0

    async def bump(self) -> int:
        """One more than the stored number, atomically (several processes may bump at once); returns it."""
        async with (
            self.db.transaction() as conn
        ):  # an upsert (it locks the row), then a read: nothing to lock
            await conn.execute(
                "INSERT INTO bot_state(kind, key, data) VALUES (?, ?, '1')"
                " ON CONFLICT(kind, key)"
                " DO UPDATE SET data = CAST(CAST(bot_state.data AS INTEGER) + 1 AS TEXT)",
                (_KIND, _KEY),
            )
            async with conn.execute(
                "SELECT data FROM bot_state WHERE kind = ? AND key = ?", (_KIND, _KEY)
            ) as cur:
                row = await cur.fetchone()
        return int(row["data"])
