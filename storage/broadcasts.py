"""Repository of the broadcast aggregate: a broadcast and its outbox (one row per recipient)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from services.models import Role
from storage.db import Database, utcnow

#: Outbox statuses; `sent`, `failed` and `blocked` are final.
PENDING, SENDING, SENT, FAILED, BLOCKED = "pending", "sending", "sent", "failed", "blocked"
#: PostgreSQL (several bot processes): a row of a live process left in `sending` longer than this is stuck;
#: any process may send it again (at-least-once delivery). Rows of a process that died are taken back at once.
STALE_CLAIM_S = 120.0


def precise_now(now: datetime | None = None) -> str:
    """Sortable UTC timestamp with microseconds (outbox scheduling needs sub-second precision)."""
    return (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")


def _broadcast(row: Any) -> dict:
    data = dict(row)
    data["scope"] = json.loads(data.pop("scope_json"))
    return data


def _in(values: list) -> str:
    return ", ".join("?" * len(values))


class BroadcastRepository:
    def __init__(self, db: Database):
        self.db = db

    # --- audience ----------------------------------------------------------------------------------
    async def recipients(
        self,
        channel: str,
        commune_ids: list[int],
        roles: tuple[Role, ...],
        team_ids: list[int] | None = None,
        exclude_person_id: int | None = None,
        exclude_declined_event: int | None = None,
        channels: tuple[str, ...] | None = None,
    ) -> list[tuple[int, str, str]]:
        """(person_id, chat_id, channel) of active people in scope, by person id.

        Each person is reached once, on one of `channels` (the channels this deployment runs; default: just
        `channel`): on `channel` (the sender's) when they use it, otherwise on their latest identity — so a
        mediator who only uses Zalo gets an announcement written on Telegram. When an identity has no chat id
        recorded (pre-linked in the organisation file) the private chat of that user is its id.
        """
        if not commune_ids or not roles or (team_ids is not None and not team_ids):
            return []
        channels = tuple(channels or (channel,))
        sql = (
            "SELECT p.id AS person_id, COALESCE(i.chat_id, i.external_id) AS chat_id, i.channel AS channel"
            " FROM persons p"
            " JOIN identities i ON i.id = (SELECT j.id FROM identities j"
            f"   WHERE j.person_id = p.id AND j.channel IN ({_in(list(channels))})"
            "   ORDER BY CASE WHEN j.channel = ? THEN 0 ELSE 1 END, j.id DESC LIMIT 1)"
            f" WHERE p.active = 1 AND p.commune_id IN ({_in(commune_ids)}) AND p.role IN ({_in(list(roles))})"
        )
        params: list[Any] = [*channels, channel, *commune_ids, *[str(r) for r in roles]]
        if team_ids is not None:
            sql += f" AND p.team_id IN ({_in(team_ids)})"
            params += team_ids
        if exclude_person_id is not None:
            sql += " AND p.id != ?"
            params.append(exclude_person_id)
        if exclude_declined_event is not None:
            sql += (
                " AND NOT EXISTS (SELECT 1 FROM training_rsvps r WHERE r.event_id = ? AND r.person_id = p.id"
                " AND r.answer = 'no')"
            )
            params.append(exclude_declined_event)
        rows = await self.db.fetchall(sql + " ORDER BY p.id", params)
        return [(r["person_id"], str(r["chat_id"]), r["channel"]) for r in rows]

    # --- creation ----------------------------------------------------------------------------------
    @staticmethod
    async def insert(
        conn: Any,
        *,
        sender_id: int,
        channel: str,
        kind: str,
        scope: dict,
        text: str,
        recipients: list[tuple[int, str, str]],
        attachment: dict | None = None,
        event_id: int | None = None,
    ) -> int:
        """Insert a broadcast and its outbox rows inside the caller's transaction; returns the broadcast
        id."""
        attachment = attachment or {}
        async with conn.execute(
            "INSERT INTO broadcasts(sender_id, channel, kind, scope_json, text, attachment_kind,"
            " attachment_file_id, attachment_name, event_id, recipients, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                sender_id,
                channel,
                kind,
                json.dumps(scope, sort_keys=True),
                text,
                attachment.get("kind"),
                attachment.get("file_id"),
                attachment.get("name"),
                event_id,
                len(recipients),
                utcnow(),
            ),
        ) as cur:
            broadcast_id = cur.lastrowid
        await conn.executemany(
            "INSERT INTO outbox(broadcast_id, person_id, channel, chat_id) VALUES (?, ?, ?, ?)",
            [
                (broadcast_id, person_id, row_channel, chat_id)
                for person_id, chat_id, row_channel in recipients
            ],
        )
        if not recipients:
            await conn.execute("UPDATE broadcasts SET finished_at = ? WHERE id = ?", (utcnow(), broadcast_id))
        return broadcast_id

    @classmethod
    async def insert_topical(cls, conn: Any, broadcast: dict) -> int:
        """Insert a message of a scheduled job (kind 'reminder') with its `topic`, which picks its buttons,
        and the `case_id` it is about (or None), inside the caller's transaction; returns the broadcast id."""
        fields = {k: v for k, v in broadcast.items() if k not in ("case_id", "topic")}
        broadcast_id = await cls.insert(conn, kind="reminder", **fields)
        await conn.execute(
            "UPDATE broadcasts SET case_id = ?, topic = ? WHERE id = ?",
            (broadcast.get("case_id"), broadcast["topic"], broadcast_id),
        )
        return broadcast_id

    async def create(self, **fields: Any) -> int:
        """The broadcast and ONE outbox row per recipient (`insert`), before anything is sent."""
        async with self.db.transaction() as conn:  # new rows only; inside a unit of work, a savepoint
            return await self.insert(conn, **fields)

    async def create_topical(self, broadcast: dict) -> int:
        """A scheduled job's message with its outbox rows (`insert_topical`)."""
        async with self.db.transaction() as conn:  # new rows only; inside a unit of work, a savepoint
            return await self.insert_topical(conn, broadcast)

    async def set_progress_message(self, broadcast_id: int, chat_id: str, message_id: int) -> None:
        await self.db.execute(
            "UPDATE broadcasts SET progress_chat_id = ?, progress_message_id = ? WHERE id = ?",
            (str(chat_id), message_id, broadcast_id),
        )

    # --- reading -----------------------------------------------------------------------------------
    async def get(self, broadcast_id: int) -> dict | None:
        row = await self.db.fetchone("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        return _broadcast(row) if row else None

    async def counts(self, broadcast_id: int) -> dict[str, int]:
        """Recipients by outbox status, plus `acked` and `total`."""
        rows = await self.db.fetchall(
            "SELECT status, COUNT(*) AS n, SUM(CASE WHEN acked_at IS NOT NULL THEN 1 ELSE 0 END) AS acked"
            " FROM outbox WHERE broadcast_id = ? GROUP BY status",
            (broadcast_id,),
        )
        counts = {status: 0 for status in (PENDING, SENDING, SENT, FAILED, BLOCKED)}
        acked = 0
        for row in rows:
            counts[row["status"]] = row["n"]
            acked += row["acked"] or 0
        counts["acked"] = acked
        counts["total"] = sum(counts[s] for s in (PENDING, SENDING, SENT, FAILED, BLOCKED))
        # Zalo OA: recipients outside the 48-hour window (bot.channels.oa.OUTSIDE_WINDOW), among the failed
        row = await self.db.fetchone(
            "SELECT COUNT(*) AS n FROM outbox WHERE broadcast_id = ? AND status = 'failed'"
            " AND error LIKE '%outside_window%'",
            (broadcast_id,),
        )
        counts["outside_window"] = row["n"] if row else 0
        return counts

    async def failures(self, broadcast_id: int, limit: int = 20) -> list[dict]:
        rows = await self.db.fetchall(
            "SELECT o.status, o.error, p.full_name FROM outbox o JOIN persons p ON p.id = o.person_id"
            " WHERE o.broadcast_id = ? AND o.status IN ('failed', 'blocked') ORDER BY p.full_name LIMIT ?",
            (broadcast_id, limit),
        )
        return [dict(r) for r in rows]

    async def retried_rows(self, broadcast_id: int) -> int:
        """Rows claimed more than once (sent again after a restart or a retry)."""
        row = await self.db.fetchone(
            "SELECT COUNT(*) AS n FROM outbox WHERE broadcast_id = ? AND attempts > 1", (broadcast_id,)
        )
        return row["n"]

    async def history(self, sender_id: int, limit: int = 10) -> list[dict]:
        rows = await self.db.fetchall(
            # a job's messages (topic set) are not what the person sent
            "SELECT * FROM broadcasts WHERE sender_id = ? AND topic IS NULL ORDER BY id DESC LIMIT ?",
            (sender_id, limit),
        )
        return [_broadcast(r) for r in rows]

    async def history_with_counts(self, sender_id: int, limit: int = 10) -> list[dict]:
        """The sender's latest broadcasts, newest first, each with `sent`, `total` and `acked` (two
        queries)."""
        items = await self.history(sender_id, limit)
        if not items:
            return items
        ids = [b["id"] for b in items]
        rows = await self.db.fetchall(
            "SELECT broadcast_id, COUNT(*) AS total,"
            " SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END) AS sent,"
            " SUM(CASE WHEN acked_at IS NOT NULL THEN 1 ELSE 0 END) AS acked"
            f" FROM outbox WHERE broadcast_id IN ({_in(ids)}) GROUP BY broadcast_id",
            ids,
        )
        by_id = {r["broadcast_id"]: r for r in rows}
        for b in items:
            row = by_id.get(b["id"])
            b["counts"] = {key: int(row[key] or 0) if row else 0 for key in ("sent", "total", "acked")}
        return items

    async def unfinished(self, channel: str) -> list[dict]:
        rows = await self.db.fetchall(
            "SELECT * FROM broadcasts WHERE channel = ? AND finished_at IS NULL ORDER BY id", (channel,)
        )
        return [_broadcast(r) for r in rows]

    async def outbox_row(self, broadcast_id: int, person_id: int) -> dict | None:
        row = await self.db.fetchone(
            "SELECT * FROM outbox WHERE broadcast_id = ? AND person_id = ?", (broadcast_id, person_id)
        )
        return dict(row) if row else None

    # --- the worker's side -------------------------------------------------------------------------
    async def requeue_inflight(self, channel: str, now: datetime | None = None) -> int:
        """Rows left in `sending` by a process that stopped go back to `pending` (the attempt stays counted).
        Returns how many.

        SQLite (one process): every row in `sending`, called once at start. PostgreSQL (several processes,
        called at start and every few seconds): the rows claimed by a process that is no longer alive (its
        liveness lock is gone, see PostgresDatabase.process_token) at once; rows of a live process are never
        taken, unless the claim is older than STALE_CLAIM_S (a send stuck that long) or was made without a
        token.
        """
        sql = (
            "UPDATE outbox SET status = 'pending', error = 'interrupted', claimed_by = NULL"
            " WHERE channel = ? AND status = 'sending'"
        )
        params: tuple = (channel,)
        if self.db.dialect == "postgres":
            alive = self.db.alive_sql("claimed_by")  # type: ignore[attr-defined]  # PostgresDatabase only
            sql += f" AND (claimed_at < ? OR (claimed_by IS NOT NULL AND NOT {alive}))"
            params += (precise_now((now or datetime.now(UTC)) - timedelta(seconds=STALE_CLAIM_S)),)
        async with self.db.transaction() as conn, conn.execute(sql, params) as cur:
            return cur.rowcount

    async def claim_next(
        self, channel: str, now: datetime | None = None, token: int | None = None
    ) -> dict | None:
        """Claim the oldest due pending row for the process of liveness `token`: status `sending`, one more
        attempt. None when nothing is due.

        On PostgreSQL several processes claim at once: the row is locked with FOR UPDATE SKIP LOCKED, so two
        processes never get the same row and none waits for another.
        """
        stamp = precise_now(now)
        lock = " FOR UPDATE SKIP LOCKED" if self.db.dialect == "postgres" else ""
        async with (
            self.db.transaction() as conn,
            conn.execute(
                "UPDATE outbox SET status = 'sending', attempts = attempts + 1, claimed_at = ?,"
                " claimed_by = ? WHERE id = (SELECT id FROM outbox"
                "   WHERE channel = ? AND status = 'pending' AND next_attempt_at <= ?"
                f"   ORDER BY next_attempt_at, id LIMIT 1{lock})"
                " RETURNING *",
                (stamp, token, channel, stamp),
            ) as cur,
        ):
            row = await cur.fetchone()
        return dict(row) if row else None

    async def reserve_send_slot(self, channel: str, interval_s: float, burst_s: float) -> float:
        """Several processes, one ceiling: reserve the channel's next send slot (one every `interval_s`, up to
        `burst_s` of unused slots kept) and return how many seconds to wait for it (≤ 0: send now).

        PostgreSQL only (one row per channel, updated atomically; times from the database's clock, so the
        processes' clocks need not agree)."""
        row = await self.db.fetchone(
            "WITH clock AS (SELECT EXTRACT(EPOCH FROM clock_timestamp())::float8 AS t)"
            " INSERT INTO send_pacing(channel, next_slot) SELECT ?, t - ? + ? FROM clock"
            " ON CONFLICT (channel) DO UPDATE"
            " SET next_slot = GREATEST(send_pacing.next_slot, (SELECT t FROM clock) - ?) + ?"
            " RETURNING next_slot - ? - (SELECT t FROM clock) AS wait",
            (channel, burst_s, interval_s, burst_s, interval_s, interval_s),
        )
        return float(row["wait"])

    async def hold_sending(self, channel: str, seconds: float) -> None:
        """Flood control (PostgreSQL, several processes): the channel's next slot is at least `seconds`
        away."""
        await self.db.execute(
            "WITH clock AS (SELECT EXTRACT(EPOCH FROM clock_timestamp())::float8 AS t)"
            " INSERT INTO send_pacing(channel, next_slot) SELECT ?, t + ? FROM clock"
            " ON CONFLICT (channel) DO UPDATE"
            " SET next_slot = GREATEST(send_pacing.next_slot, (SELECT t FROM clock) + ?)",
            (channel, seconds, seconds),
        )

    async def next_due_at(self, channel: str) -> str | None:
        row = await self.db.fetchone(
            "SELECT MIN(next_attempt_at) AS at FROM outbox WHERE channel = ? AND status = 'pending'",
            (channel,),
        )
        return row["at"] if row and row["at"] is not None else None

    async def mark_sent(self, row_id: int, message_id: int | None) -> None:
        await self.db.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ?, error = NULL WHERE id = ?",
            (utcnow(), message_id, row_id),
        )

    async def mark_final(self, row_id: int, status: str, error: str | None) -> None:
        assert status in (FAILED, BLOCKED)
        await self.db.execute(
            "UPDATE outbox SET status = ?, error = ? WHERE id = ?", (status, (error or "")[:300], row_id)
        )

    async def reschedule(self, row_id: int, at: datetime, error: str | None) -> None:
        """Back to `pending`, due at `at` (after RetryAfter or a network failure)."""
        await self.db.execute(
            "UPDATE outbox SET status = 'pending', next_attempt_at = ?, error = ? WHERE id = ?",
            (precise_now(at), (error or "")[:300], row_id),
        )

    async def set_finished(self, broadcast_id: int, unless: Sequence[str]) -> bool:
        """Mark the broadcast finished unless one of its rows has a status in `unless` (the rule is
        services/broadcast.py's); True only for the call that marked it."""
        async with (  # one conditional UPDATE
            self.db.transaction() as conn,
            conn.execute(
                "UPDATE broadcasts SET finished_at = ? WHERE id = ? AND finished_at IS NULL AND NOT EXISTS"
                f" (SELECT 1 FROM outbox WHERE broadcast_id = ? AND status IN ({_in(list(unless))}))",
                (utcnow(), broadcast_id, broadcast_id, *unless),
            ) as cur,
        ):
            return cur.rowcount == 1

    async def set_acked(self, broadcast_id: int, person_id: int) -> bool:
        """Record the recipient's 'Đã nhận'; False (nothing written) if not a recipient or already recorded.
        A conditional UPDATE: of two taps at once, exactly one gets True."""
        async with (  # one conditional UPDATE (a savepoint inside a unit of work)
            self.db.transaction() as conn,
            conn.execute(
                "UPDATE outbox SET acked_at = ?"
                " WHERE broadcast_id = ? AND person_id = ? AND acked_at IS NULL",
                (utcnow(), broadcast_id, person_id),
            ) as cur,
        ):
            return cur.rowcount > 0
