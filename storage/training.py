"""Repository of the training aggregate: events, answers (RSVP), attendance and the trained date it sets.

It only reads and writes rows; services/training.py holds the rules (who may, which trained date holds) and
runs each use case in one unit of work (storage/uow.py)."""

from __future__ import annotations

import json
from typing import Any

from services.models import Role
from storage.db import Database, utcnow
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

    async def create_event(self, event: dict) -> int:
        """Insert an event (its announcement is set by set_announcement); returns its id."""
        return await self.db.execute(
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
        )

    async def set_announcement(self, event_id: int, broadcast_id: int) -> None:
        await self.db.execute(
            "UPDATE training_events SET announcement_id = ? WHERE id = ?", (broadcast_id, event_id)
        )

    async def mark_reminded(self, event_id: int) -> bool:
        """Record that the event is reminded; False (nothing written) if it was already. A conditional UPDATE:
        of two runs at once, exactly one gets True."""
        async with (  # one conditional UPDATE (a savepoint inside a unit of work)
            self.db.transaction() as conn,
            conn.execute(
                "UPDATE training_events SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL",
                (utcnow(), event_id),
            ) as cur,
        ):
            return cur.rowcount == 1

    async def set_reminder(self, event_id: int, broadcast_id: int) -> None:
        await self.db.execute(
            "UPDATE training_events SET reminder_id = ? WHERE id = ?", (broadcast_id, event_id)
        )

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
            "SELECT * FROM training_events WHERE starts_at >= ? AND starts_at <= ?"
            " ORDER BY starts_at DESC LIMIT ?",
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

    async def attendance(self, event_id: int) -> dict[int, dict]:
        """The event's attendance rows by person id."""
        rows = await self.db.fetchall("SELECT * FROM training_attendance WHERE event_id = ?", (event_id,))
        return {r["person_id"]: dict(r) for r in rows}

    async def add_attendance(
        self,
        event_id: int,
        person_id: int,
        attended_on: str,
        *,
        changed_trained_on: bool,
        previous_trained_on: str | None,
        recorded_by: int,
    ) -> None:
        await self.db.execute(
            "INSERT INTO training_attendance(event_id, person_id, attended_on, changed_trained_on,"
            " previous_trained_on, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                event_id,
                person_id,
                attended_on,
                int(changed_trained_on),
                previous_trained_on,
                recorded_by,
                utcnow(),
            ),
        )

    async def remove_attendance(self, event_id: int, person_id: int) -> None:
        await self.db.execute(
            "DELETE FROM training_attendance WHERE event_id = ? AND person_id = ?", (event_id, person_id)
        )

    async def earliest_attendance(self, person_id: int) -> str | None:
        """The date of the person's earliest recorded training, or None."""
        row = await self.db.fetchone(
            "SELECT MIN(attended_on) AS d FROM training_attendance WHERE person_id = ?", (person_id,)
        )
        return row["d"] if row else None

    async def trained_on(self, person_id: int) -> tuple[bool, str | None]:
        """(the person exists, their trained date)."""
        row = await self.db.fetchone("SELECT trained_on FROM persons WHERE id = ?", (person_id,))
        return (row is not None, row["trained_on"] if row else None)

    async def set_trained_on(self, person_id: int, value: str | None, *, if_now: str | None = None) -> int:
        """Set the person's trained date (only if it is `if_now`, when given) and bring their history up to
        date (storage/org_history.py); returns the rows changed (0 or 1)."""
        sql = "UPDATE persons SET trained_on = ?, updated_at = ? WHERE id = ?"
        params: tuple[Any, ...] = (value, utcnow(), person_id)
        if if_now is not None:
            sql, params = sql + " AND trained_on = ?", (*params, if_now)
        async with self.db.transaction() as conn:  # a savepoint inside a unit of work
            async with conn.execute(sql, params) as cur:
                changed = cur.rowcount
            await snapshot_person(conn, person_id)
        return changed

    async def attendance_saved(self, event_id: int) -> None:
        await self.db.execute(
            "UPDATE training_events SET attendance_saved_at = ? WHERE id = ?", (utcnow(), event_id)
        )
