"""Zalo channel state: integer ids for Zalo's string ids, and each chat's last numbered options."""

from __future__ import annotations

import json

from storage.db import Database, utcnow

#: Integer ids handed to python-telegram-bot for Zalo users and chats start here: far above any Telegram id
#: (Telegram ids have at most 52 significant bits), so conversation state never mixes the two channels.
ZALO_ID_BASE = 10**16


class ZaloStore:
    """Zalo string id <-> stable integer id, and the options message of each chat (cached in memory)."""

    def __init__(self, db: Database):
        self.db = db
        self._by_zalo: dict[str, int] = {}
        self._by_int: dict[int, str] = {}
        self._names: dict[str, str | None] = {}
        self._options: dict[str, dict | None] = {}

    async def int_id(self, zalo_id: str, display_name: str | None = None) -> int:
        """The stable integer id of a Zalo user or chat (created on first sight)."""
        zalo_id = str(zalo_id)
        known = self._by_zalo.get(zalo_id)
        if known is not None and (display_name is None or self._names.get(zalo_id) == display_name):
            return known
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO zalo_ids(zalo_id, display_name, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT(zalo_id) DO UPDATE SET display_name = COALESCE(excluded.display_name, zalo_ids.display_name)",
                (zalo_id, display_name, utcnow()),
            )
            async with conn.execute("SELECT id, display_name FROM zalo_ids WHERE zalo_id = ?", (zalo_id,)) as cur:
                row = await cur.fetchone()
        value = ZALO_ID_BASE + int(row["id"])
        self._by_zalo[zalo_id] = value
        self._by_int[value] = zalo_id
        self._names[zalo_id] = row["display_name"]
        return value

    async def zalo_id(self, int_id: int) -> str | None:
        """The Zalo string id behind an integer id, or None when it is not one of ours."""
        int_id = int(int_id)
        if int_id in self._by_int:
            return self._by_int[int_id]
        if int_id <= ZALO_ID_BASE:
            return None
        row = await self.db.fetchone("SELECT zalo_id, display_name FROM zalo_ids WHERE id = ?",
                                     (int_id - ZALO_ID_BASE,))
        if row is None:
            return None
        self._by_int[int_id] = row["zalo_id"]
        self._by_zalo[row["zalo_id"]] = int_id
        self._names[row["zalo_id"]] = row["display_name"]
        return row["zalo_id"]

    def display_name(self, zalo_id: str) -> str | None:
        return self._names.get(str(zalo_id))

    async def options_message(self, zalo_id: str) -> dict | None:
        """The last message with numbered options sent to this chat (Telegram-shaped), or None."""
        if zalo_id in self._options:
            return self._options[zalo_id]
        row = await self.db.fetchone("SELECT message FROM zalo_chats WHERE zalo_id = ?", (zalo_id,))
        message = json.loads(row["message"]) if row and row["message"] else None
        self._options[zalo_id] = message
        return message

    async def set_options_message(self, zalo_id: str, message: dict | None) -> None:
        if zalo_id in self._options and self._options[zalo_id] is None and message is None:
            return
        self._options[zalo_id] = message
        await self.db.execute(
            "INSERT INTO zalo_chats(zalo_id, message, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT(zalo_id) DO UPDATE SET message = excluded.message, updated_at = excluded.updated_at",
            (zalo_id, json.dumps(message, ensure_ascii=False) if message else None, utcnow()),
        )
