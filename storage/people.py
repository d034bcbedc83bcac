"""Repository of the person aggregate: people and their chat identities (Telegram, Zalo, console)."""

from __future__ import annotations

from typing import Any

from services.models import Person, PersonDraft, Role
from storage.db import Database, utcnow
from storage.org_history import snapshot_person

_FIELDS = (
    "full_name",
    "role",
    "province_id",
    "commune_id",
    "team_id",
    "gender",
    "ethnic_minority",
    "recognised_on",
    "trained_on",
    "legal_background",
    "legal_supporter",
    "external_ref",
)


def _person(row: Any) -> Person:
    return Person(
        id=row["id"],
        full_name=row["full_name"],
        role=Role(row["role"]),
        province_id=row["province_id"],
        commune_id=row["commune_id"],
        team_id=row["team_id"],
        gender=row["gender"],
        ethnic_minority=None if row["ethnic_minority"] is None else bool(row["ethnic_minority"]),
        recognised_on=row["recognised_on"],
        trained_on=row["trained_on"],
        legal_background=row["legal_background"],
        legal_supporter=row["legal_supporter"],
        active=bool(row["active"]),
    )


def _values(draft: PersonDraft) -> tuple:
    values = [getattr(draft, f) for f in _FIELDS]
    values[1] = str(draft.role)
    if draft.ethnic_minority is not None:
        values[6] = int(draft.ethnic_minority)
    return tuple(values)


class PeopleRepository:
    def __init__(self, db: Database):
        self.db = db

    async def create(self, draft: PersonDraft) -> int:
        """Insert a person (with their history row); inside a unit of work, use its repository."""
        now = utcnow()
        async with self.db.transaction() as conn:  # a new row and its history: nothing to lock
            async with conn.execute(
                f"INSERT INTO persons({', '.join(_FIELDS)}, created_at, updated_at)"
                f" VALUES ({', '.join('?' * len(_FIELDS))}, ?, ?)",
                (*_values(draft), now, now),
            ) as cur:
                person_id = cur.lastrowid
            await snapshot_person(conn, person_id, from_recognition=True)
            return person_id

    async def upsert_by_ref(self, draft: PersonDraft) -> int:
        """Create or update the person with this external reference (idempotent org loading)."""
        assert draft.external_ref, "upsert_by_ref needs external_ref"
        now = utcnow()
        updates = ", ".join(f"{f} = excluded.{f}" for f in _FIELDS if f != "external_ref")
        async with self.db.transaction() as conn:  # the upsert locks the person's row; the history follows
            await conn.execute(
                f"INSERT INTO persons({', '.join(_FIELDS)}, created_at, updated_at)"
                f" VALUES ({', '.join('?' * len(_FIELDS))}, ?, ?)"
                f" ON CONFLICT(external_ref) DO UPDATE SET {updates}, updated_at = excluded.updated_at",
                (*_values(draft), now, now),
            )
            async with conn.execute(
                "SELECT id FROM persons WHERE external_ref = ?", (draft.external_ref,)
            ) as cur:
                person_id = (await cur.fetchone())[0]
            await snapshot_person(conn, person_id, from_recognition=True)
            return person_id

    async def get(self, person_id: int) -> Person | None:
        row = await self.db.fetchone("SELECT * FROM persons WHERE id = ?", (person_id,))
        return _person(row) if row else None

    async def by_identity(self, channel: str, external_id: str) -> Person | None:
        row = await self.db.fetchone(
            "SELECT p.* FROM persons p JOIN identities i ON i.person_id = p.id"
            " WHERE i.channel = ? AND i.external_id = ? AND p.active = 1",
            (channel, str(external_id)),
        )
        return _person(row) if row else None

    async def identity_owner(self, channel: str, external_id: str) -> int | None:
        """The person this chat identity is linked to (active or not), or None."""
        row = await self.db.fetchone(
            "SELECT person_id FROM identities WHERE channel = ? AND external_id = ?",
            (channel, str(external_id)),
        )
        return None if row is None else int(row["person_id"])

    async def link_identity(
        self, person_id: int, channel: str, external_id: str, chat_id: str | None = None
    ) -> None:
        """Link (channel, external_id) to the person (re-pointed if it was linked to someone else)."""
        await self.db.execute(
            "INSERT INTO identities(person_id, channel, external_id, chat_id, created_at)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(channel, external_id) DO UPDATE SET person_id = excluded.person_id,"
            " chat_id = excluded.chat_id",
            (person_id, channel, str(external_id), None if chat_id is None else str(chat_id), utcnow()),
        )

    async def identities(self, person_id: int) -> list[tuple[str, str, str | None]]:
        rows = await self.db.fetchall(
            "SELECT channel, external_id, chat_id FROM identities WHERE person_id = ? ORDER BY id",
            (person_id,),
        )
        return [(r["channel"], r["external_id"], r["chat_id"]) for r in rows]

    async def members_of_team(self, team_id: int) -> list[Person]:
        rows = await self.db.fetchall(
            "SELECT * FROM persons WHERE team_id = ? AND active = 1 ORDER BY full_name", (team_id,)
        )
        return [_person(r) for r in rows]

    async def in_commune(self, commune_id: int, roles: tuple[Role, ...] | None = None) -> list[Person]:
        sql = "SELECT * FROM persons WHERE commune_id = ? AND active = 1"
        params: list[Any] = [commune_id]
        if roles:
            sql += f" AND role IN ({', '.join('?' * len(roles))})"
            params += [str(r) for r in roles]
        rows = await self.db.fetchall(sql + " ORDER BY full_name", params)
        return [_person(r) for r in rows]

    async def update_fields(self, person_id: int, **fields: Any) -> None:
        unknown = set(fields) - set(_FIELDS) - {"active"}
        if unknown:
            raise ValueError(f"unknown person fields: {sorted(unknown)}")
        assignments = ", ".join(f"{k} = ?" for k in fields)
        async with self.db.transaction() as conn:  # the UPDATE locks the person's row; the history follows
            await conn.execute(
                f"UPDATE persons SET {assignments}, updated_at = ? WHERE id = ?",
                (*[str(v) if isinstance(v, Role) else v for v in fields.values()], utcnow(), person_id),
            )
            await snapshot_person(conn, person_id)
