"""Repository of the training aggregate: events, answers (RSVP), attendance and the trained date it sets."""

from __future__ import annotations

import json
from typing import Any

from services.models import Role
from storage.broadcasts import BroadcastRepository
from storage.db import Database, utcnow
from storage.locks import Aggregate, lock_rows
from storage.org_history import snapshot_person


def _event(row: Any) -> dict:
    data = dict(row)
    data["scope"] = json.loads(data.pop("scope_json"))
    return data


def _in(values: list) -> str:
    return ", ".join("?" * len(values))


class TrainingRepository:
    def __init__(self, db: Database):
        self.db = db

    async def create_with_announcement(self, *, event: dict, broadcast: dict) -> tuple[int, int]:
        """The event, its announcement broadcast and the outbox, in one transaction."""
        async with self.db.transaction() as conn:  # new rows only: nothing to lock
            async with conn.execute(
                "INSERT INTO training_events(title, starts_at, local_date, place, scope_json, organiser_id,"
                " province_id, commune_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    event["title"],
                    event["starts_at"],
                    event["local_date"],
                    event["place"],
                    json.dumps(event["scope"], sort_keys=True),
                    event["organiser_id"],
                    event.get("province_id"),
                    event.get("commune_id"),
                    utcnow(),
                ),
            ) as cur:
                event_id = cur.lastrowid
            broadcast_id = await BroadcastRepository.insert(
                conn, kind="training", event_id=event_id, **broadcast
            )
            await conn.execute(
                "UPDATE training_events SET announcement_id = ? WHERE id = ?", (broadcast_id, event_id)
            )
        return event_id, broadcast_id

    async def add_reminder(self, event_id: int, broadcast: dict) -> int | None:
        """Store the reminder broadcast once: None if this event was already reminded (idempotent job)."""
        async with (
            self.db.transaction() as conn
        ):  # the conditional UPDATE first: it decides, and locks the row
            async with conn.execute(
                "UPDATE training_events SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL",
                (utcnow(), event_id),
            ) as cur:
                if cur.rowcount != 1:
                    return None
            broadcast_id = await BroadcastRepository.insert(
                conn, kind="reminder", event_id=event_id, **broadcast
            )
            await conn.execute(
                "UPDATE training_events SET reminder_id = ? WHERE id = ?", (broadcast_id, event_id)
            )
        return broadcast_id

    async def get(self, event_id: int) -> dict | None:
        row = await self.db.fetchone("SELECT * FROM training_events WHERE id = ?", (event_id,))
        return _event(row) if row else None

    async def starting_after(self, after: str, limit: int = 200) -> list[dict]:
        rows = await self.db.fetchall(
            "SELECT * FROM training_events WHERE starts_at > ? ORDER BY starts_at LIMIT ?", (after, limit)
        )
        return [_event(r) for r in rows]

    async def started_between(self, since: str, until: str, limit: int = 200) -> list[dict]:
        rows = await self.db.fetchall(
            "SELECT * FROM training_events WHERE starts_at >= ? AND starts_at <= ? ORDER BY starts_at DESC LIMIT ?",
            (since, until, limit),
        )
        return [_event(r) for r in rows]

    async def not_reminded_after(self, after: str) -> list[dict]:
        rows = await self.db.fetchall(
            "SELECT * FROM training_events WHERE reminded_at IS NULL AND starts_at > ? ORDER BY starts_at",
            (after,),
        )
        return [_event(r) for r in rows]

    # --- answers -----------------------------------------------------------------------------------
    async def set_rsvp(self, event_id: int, person_id: int, answer: str) -> None:
        await self.db.execute(
            "INSERT INTO training_rsvps(event_id, person_id, answer, answered_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(event_id, person_id) DO UPDATE SET answer = excluded.answer,"
            " answered_at = excluded.answered_at",
            (event_id, person_id, answer, utcnow()),
        )

    async def rsvp_of(self, event_id: int, person_id: int) -> str | None:
        row = await self.db.fetchone(
            "SELECT answer FROM training_rsvps WHERE event_id = ? AND person_id = ?", (event_id, person_id)
        )
        return row["answer"] if row else None

    async def rsvp_counts(self, event_id: int) -> dict[str, int]:
        rows = await self.db.fetchall(
            "SELECT answer, COUNT(*) AS n FROM training_rsvps WHERE event_id = ? GROUP BY answer", (event_id,)
        )
        counts = {"yes": 0, "no": 0}
        counts.update({r["answer"]: r["n"] for r in rows})
        return counts

    # --- attendance --------------------------------------------------------------------------------
    async def members(
        self, commune_ids: list[int], roles: tuple[Role, ...], team_ids: list[int] | None
    ) -> list[dict]:
        """Active people in scope (whether or not they use the bot), by team then name."""
        if not commune_ids or not roles or (team_ids is not None and not team_ids):
            return []
        sql = (
            "SELECT p.id, p.full_name, p.team_id, p.trained_on FROM persons p"
            f" WHERE p.active = 1 AND p.commune_id IN ({_in(commune_ids)}) AND p.role IN ({_in(list(roles))})"
        )
        params: list[Any] = [*commune_ids, *[str(r) for r in roles]]
        if team_ids is not None:
            sql += f" AND p.team_id IN ({_in(team_ids)})"
            params += team_ids
        rows = await self.db.fetchall(sql + " ORDER BY p.team_id, p.full_name", params)
        return [dict(r) for r in rows]

    async def attendees(self, event_id: int) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT person_id FROM training_attendance WHERE event_id = ? ORDER BY person_id", (event_id,)
        )
        return [r["person_id"] for r in rows]

    async def save_attendance(
        self, event_id: int, attended_on: str, ticked: set[int], recorded_by: int
    ) -> tuple[int, int]:
        """Replace the event's attendance with `ticked`, keeping persons.trained_on = earliest training.

        A newly ticked person whose trained_on is empty or later gets the event's date (the replaced value is
        kept in the attendance row); un-ticking restores it. Returns (attendees, trained dates changed).
        """
        changed = 0
        now = utcnow()
        async with self.db.transaction() as conn:
            # the attendance is read, then replaced: the event's row lock (trained_on: compare-and-set)
            await lock_rows(conn, self.db.dialect, Aggregate("training_events", event_id))
            async with conn.execute(
                "SELECT * FROM training_attendance WHERE event_id = ?", (event_id,)
            ) as cur:
                existing = {r["person_id"]: dict(r) for r in await cur.fetchall()}
            for person_id, row in existing.items():
                if person_id in ticked:
                    continue
                await conn.execute(
                    "DELETE FROM training_attendance WHERE event_id = ? AND person_id = ?",
                    (event_id, person_id),
                )
                if row["changed_trained_on"]:
                    async with conn.execute(
                        "SELECT MIN(attended_on) AS d FROM training_attendance WHERE person_id = ?",
                        (person_id,),
                    ) as cur:
                        other = (await cur.fetchone())["d"]
                    restored = min([d for d in (row["previous_trained_on"], other) if d], default=None)
                    async with conn.execute(
                        "UPDATE persons SET trained_on = ?, updated_at = ? WHERE id = ? AND trained_on = ?",
                        (restored, now, person_id, attended_on),
                    ) as cur:
                        changed += cur.rowcount
                    await snapshot_person(conn, person_id)
            for person_id in sorted(ticked - set(existing)):
                async with conn.execute("SELECT trained_on FROM persons WHERE id = ?", (person_id,)) as cur:
                    person = await cur.fetchone()
                if person is None:
                    continue
                previous = person["trained_on"]
                earlier = previous is None or previous > attended_on
                if earlier:
                    await conn.execute(
                        "UPDATE persons SET trained_on = ?, updated_at = ? WHERE id = ?",
                        (attended_on, now, person_id),
                    )
                    await snapshot_person(conn, person_id)
                    changed += 1
                await conn.execute(
                    "INSERT INTO training_attendance(event_id, person_id, attended_on, changed_trained_on,"
                    " previous_trained_on, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        event_id,
                        person_id,
                        attended_on,
                        int(earlier),
                        previous if earlier else None,
                        recorded_by,
                        now,
                    ),
                )
            await conn.execute(
                "UPDATE training_events SET attendance_saved_at = ? WHERE id = ?", (now, event_id)
            )
        return len(ticked), changed
