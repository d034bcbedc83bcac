"""Zalo channel state: integer ids for Zalo's string ids, and each chat's last numbered options."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

from storage.db import Database, utcnow
from storage.locks import lock_key

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
        async with self.db.transaction() as conn:  # an upsert, then a read of its row: nothing to lock
            await conn.execute(
                "INSERT INTO zalo_ids(zalo_id, display_name, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT(zalo_id) DO UPDATE"
                " SET display_name = COALESCE(excluded.display_name, zalo_ids.display_name)",
                (zalo_id, display_name, utcnow()),
            )
            async with conn.execute(
                "SELECT id, display_name FROM zalo_ids WHERE zalo_id = ?", (zalo_id,)
            ) as cur:
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
        row = await self.db.fetchone(
            "SELECT zalo_id, display_name FROM zalo_ids WHERE id = ?", (int_id - ZALO_ID_BASE,)
        )
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
            " ON CONFLICT(zalo_id) DO UPDATE"
            " SET message = excluded.message, updated_at = excluded.updated_at",
            (zalo_id, json.dumps(message, ensure_ascii=False) if message else None, utcnow()),
        )


#: Event keys are kept this long (Zalo's repeated deliveries come within minutes).
EVENT_KEEP_S = 86400
NEW, DONE, BUSY = "new", "done", "busy"


def _iso_ago(seconds: float) -> str:
    return (datetime.now(UTC) - timedelta(seconds=seconds)).replace(microsecond=0).isoformat()


class EventLog:
    """Zalo events seen once: a repeated delivery (same event, same Zalo message id) is dropped, in this
    process, after a restart, or on another process sharing the database.

    An event being handled is claimed by its process (liveness token on PostgreSQL); a delivery of an event
    whose claimer died (SIGKILL mid-event) takes it over, one whose claimer is alive and busy with it is told
    BUSY."""

    def __init__(self, db: Database, channel: str):
        self.db = db
        self.channel = channel
        self._pruned_at = 0.0
        self._inflight: set[str] = set()

    async def claim(self, key: str) -> str:
        """NEW: this process handles the event now; DONE: already handled; BUSY: another handler is on it."""
        token = await self.db.process_token()
        alive_sql = getattr(self.db, "alive_sql", None)
        alive = alive_sql("claimed_by") if alive_sql else "0"
        now = utcnow()
        async with self.db.transaction() as conn:
            await lock_key(
                conn, self.db.dialect, "channel_event", f"{self.channel}:{key}"
            )  # read, then write
            if time.monotonic() - self._pruned_at > 3600:
                self._pruned_at = time.monotonic()
                await conn.execute(
                    "DELETE FROM channel_events WHERE claimed_at < ?", (_iso_ago(EVENT_KEEP_S),)
                )
            async with conn.execute(
                f"SELECT done_at, {alive} AS alive FROM channel_events WHERE channel = ? AND event_key = ?",
                (self.channel, key),
            ) as cur:
                row = await cur.fetchone()
            if row is None:
                await conn.execute(
                    "INSERT INTO channel_events(channel, event_key, claimed_at, claimed_by)"
                    " VALUES (?, ?, ?, ?)",
                    (self.channel, key, now, token),
                )
            elif row["done_at"] is not None:
                return DONE
            elif key in self._inflight or bool(row["alive"]):
                return BUSY
            else:  # its claimer died (or, on SQLite, a previous run of this process): take it over
                await conn.execute(
                    "UPDATE channel_events SET claimed_at = ?, claimed_by = ?"
                    " WHERE channel = ? AND event_key = ?",
                    (now, token, self.channel, key),
                )
        self._inflight.add(key)
        return NEW

    async def finish(self, key: str) -> None:
        self._inflight.discard(key)
        await self.db.execute(
            "UPDATE channel_events SET done_at = ? WHERE channel = ? AND event_key = ?",
            (utcnow(), self.channel, key),
        )

    async def release(self, key: str) -> None:
        """The event was not handled after all: let a redelivery take it."""
        self._inflight.discard(key)
        await self.db.execute(
            "DELETE FROM channel_events WHERE channel = ? AND event_key = ? AND done_at IS NULL",
            (self.channel, key),
        )


async def first_contact(db: Database, zalo_id: str) -> bool:
    """True exactly once per chat account: the first time it writes (recorded in chat_disclosures)."""
    async with (  # one statement: the primary key decides
        db.transaction() as conn,
        conn.execute(
            "INSERT INTO chat_disclosures(zalo_id, shown_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (zalo_id, utcnow()),
        ) as cur,
    ):
        return cur.rowcount == 1
