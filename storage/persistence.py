"""The chat state kept between restarts (conversation states, user and chat data) in the table bot_state.

Values are stored as JSON text; the python-telegram-bot adapter that uses this store is bot/persistence.py.
"""

from __future__ import annotations

import json
from typing import Any

from storage.db import Database


class BotStateStore:
    def __init__(self, db: Database):
        self.db = db

    async def load(self, kind: str) -> dict[str, Any]:
        """{key: value} of one kind ('user', 'chat', 'conv:<name>')."""
        rows = await self.db.fetchall("SELECT key, data FROM bot_state WHERE kind = ?", (kind,))
        return {r["key"]: json.loads(r["data"]) for r in rows}

    async def write(self, batch: dict[tuple[str, str], str | None]) -> None:
        """Write JSON texts by (kind, key) in one transaction; None deletes the row."""
        async with self.db.transaction() as conn:  # blind upserts and deletes: nothing to lock
            for (kind, key), data in batch.items():
                if data is None:
                    await conn.execute("DELETE FROM bot_state WHERE kind = ? AND key = ?", (kind, key))
                else:
                    await conn.execute(
                        "INSERT INTO bot_state(kind, key, data) VALUES (?, ?, ?)"
                        " ON CONFLICT(kind, key) DO UPDATE SET data = excluded.data",
                        (kind, key, data),
                    )

    async def user_data(self, user_id: int) -> dict | None:
        row = await self.db.fetchone(
            "SELECT data FROM bot_state WHERE kind = 'user' AND key = ?", (str(user_id),)
        )
        return json.loads(row["data"]) if row is not None else None

    async def conversation_states(self, key: str) -> dict[str, Any]:
        """{conversation name: state} stored for one conversation key (JSON text of the key)."""
        rows = await self.db.fetchall(
            "SELECT kind, data FROM bot_state WHERE key = ? AND kind LIKE 'conv:%'", (key,)
        )
        return {r["kind"][len("conv:") :]: json.loads(r["data"]) for r in rows}
