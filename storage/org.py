"""Repository of the organisation aggregate: provinces, communes and mediation teams, and the rows a commune
merger moves (the rules and the unit of work of a merger are services/org_list.py's)."""

from __future__ import annotations

from typing import Any

from services.models import Commune, Province, Team
from storage.db import Database, utcnow
from storage.org_history import snapshot_person, snapshot_team


def _province(row: Any) -> Province:
    return Province(id=row["id"], code=row["code"], name=row["name"])


def _commune(row: Any) -> Commune:
    return Commune(
        id=row["id"],
        province_id=row["province_id"],
        code=row["code"],
        name=row["name"],
        kind=row["kind"],
        is_pilot=bool(row["is_pilot"]),
        many_ethnic_minority=bool(row["many_ethnic_minority"]),
        success_target=row["success_target"],
        store_party_names=bool(row["store_party_names"]),
    )


def _team(row: Any) -> Team:
    return Team(
        id=row["id"],
        commune_id=row["commune_id"],
        code=row["code"],
        name=row["name"],
        active=bool(row["active"]),
    )


class OrgRepository:
    def __init__(self, db: Database):
        self.db = db

    async def upsert_province(self, code: str, name: str) -> Province:
        async with self.db.transaction() as conn:  # an upsert, then a read of its row: nothing to lock
            await conn.execute(
                "INSERT INTO provinces(code, name) VALUES (?, ?)"
                " ON CONFLICT(code) DO UPDATE SET name = excluded.name",
                (code, name),
            )
            async with conn.execute("SELECT * FROM provinces WHERE code = ?", (code,)) as cur:
                return _province(await cur.fetchone())

    async def upsert_commune(
        self,
        province_id: int,
        code: str,
        name: str,
        *,
        kind: str = "xa",
        is_pilot: bool = False,
        many_ethnic_minority: bool = False,
        success_target: float | None = None,
        store_party_names: bool = False,
    ) -> Commune:
        async with self.db.transaction() as conn:  # an upsert, then a read of its row: nothing to lock
            await conn.execute(
                "INSERT INTO communes(province_id, code, name, kind, is_pilot, many_ethnic_minority,"
                " success_target, store_party_names) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(code) DO UPDATE SET province_id = excluded.province_id, name = excluded.name,"
                " kind = excluded.kind, is_pilot = excluded.is_pilot,"
                " many_ethnic_minority = excluded.many_ethnic_minority,"
                " success_target = excluded.success_target,"
                " store_party_names = excluded.store_party_names",
                (
                    province_id,
                    code,
                    name,
                    kind,
                    int(is_pilot),
                    int(many_ethnic_minority),
                    success_target,
                    int(store_party_names),
                ),
            )
            async with conn.execute("SELECT * FROM communes WHERE code = ?", (code,)) as cur:
                return _commune(await cur.fetchone())

    async def upsert_team(self, commune_id: int, code: str, name: str) -> Team:
        async with self.db.transaction() as conn:  # the upsert locks the team's row; its history follows
            await conn.execute(
                "INSERT INTO teams(commune_id, code, name) VALUES (?, ?, ?)"
                " ON CONFLICT(code) DO UPDATE SET commune_id = excluded.commune_id, name = excluded.name",
                (commune_id, code, name),
            )
            async with conn.execute("SELECT * FROM teams WHERE code = ?", (code,)) as cur:
                team = _team(await cur.fetchone())
            await snapshot_team(conn, team.id, new=True)
            return team

    async def province(self, province_id: int) -> Province | None:
        row = await self.db.fetchone("SELECT * FROM provinces WHERE id = ?", (province_id,))
        return _province(row) if row else None

    async def province_by_code(self, code: str) -> Province | None:
        row = await self.db.fetchone("SELECT * FROM provinces WHERE code = ?", (code,))
        return _province(row) if row else None

    async def commune(self, commune_id: int) -> Commune | None:
        row = await self.db.fetchone("SELECT * FROM communes WHERE id = ?", (commune_id,))
        return _commune(row) if row else None

    async def commune_by_code(self, code: str) -> Commune | None:
        row = await self.db.fetchone("SELECT * FROM communes WHERE code = ?", (code,))
        return _commune(row) if row else None

    async def communes_of_province(self, province_id: int) -> list[Commune]:
        rows = await self.db.fetchall(
            "SELECT * FROM communes WHERE province_id = ? ORDER BY name", (province_id,)
        )
        return [_commune(r) for r in rows]

    async def all_communes(self) -> list[Commune]:
        """Every commune, by province name then commune name (one query)."""
        rows = await self.db.fetchall(
            "SELECT c.* FROM communes c JOIN provinces p ON p.id = c.province_id"
            " ORDER BY p.name, p.id, c.name"
        )
        return [_commune(r) for r in rows]

    async def team(self, team_id: int) -> Team | None:
        row = await self.db.fetchone("SELECT * FROM teams WHERE id = ?", (team_id,))
        return _team(row) if row else None

    async def team_by_code(self, code: str) -> Team | None:
        row = await self.db.fetchone("SELECT * FROM teams WHERE code = ?", (code,))
        return _team(row) if row else None

    async def teams_of_commune(self, commune_id: int) -> list[Team]:
        rows = await self.db.fetchall(
            "SELECT * FROM teams WHERE commune_id = ? AND active = 1 ORDER BY code", (commune_id,)
        )
        return [_team(r) for r in rows]

    async def set_team_active(self, team_id: int, active: bool, effective_on: str | None = None) -> None:
        """Dissolve (or re-form) a team from `effective_on` (default today); earlier periods keep counting
        it."""
        async with self.db.transaction() as conn:  # the UPDATE locks the team's row; its history follows
            await conn.execute("UPDATE teams SET active = ? WHERE id = ?", (int(active), team_id))
            await snapshot_team(conn, team_id, effective_on)

    # --- commune mergers (services.org_list.merge_communes, in one unit of work) -------------------------
    async def insert_commune(self, province_id: int, code: str, name: str | None, like: list[Commune]) -> int:
        """A new commune of the province, of the kind of `like[0]`, pilot or with many ethnic minorities if
        any of `like` is (party names not stored until it says so); returns its id."""
        async with self.db.transaction() as conn:  # a new row only
            async with conn.execute(
                "INSERT INTO communes(province_id, code, name, kind, is_pilot, many_ethnic_minority,"
                " store_party_names) VALUES (?, ?, ?, ?, ?, ?, 0)",
                (
                    province_id,
                    code,
                    name,
                    like[0].kind,
                    int(any(c.is_pilot for c in like)),
                    int(any(c.many_ethnic_minority for c in like)),
                ),
            ) as cur:
                commune_id = cur.lastrowid
            assert commune_id is not None
            return commune_id

    async def rename_commune(self, commune_id: int, name: str) -> None:
        await self.db.execute("UPDATE communes SET name = ? WHERE id = ?", (name, commune_id))

    async def merged_into(self, commune_id: int) -> list[int]:
        """The communes merged into this one before (their reports roll up into it)."""
        rows = await self.db.fetchall(
            "SELECT from_commune_id FROM commune_merges WHERE into_commune_id = ? ORDER BY from_commune_id",
            (commune_id,),
        )
        return [r["from_commune_id"] for r in rows]

    async def merged_away(self, commune_id: int) -> int | None:
        """The commune this one was merged into (the latest merger), or None."""
        row = await self.db.fetchone(
            "SELECT into_commune_id FROM commune_merges WHERE from_commune_id = ? ORDER BY id DESC LIMIT 1",
            (commune_id,),
        )
        return None if row is None else int(row["into_commune_id"])

    async def record_merge(self, from_id: int, into_id: int, day: str) -> None:
        await self.db.execute(
            "INSERT INTO commune_merges(from_commune_id, into_commune_id, merged_on, created_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (from_commune_id, into_commune_id) DO NOTHING",
            (from_id, into_id, day, utcnow()),
        )

    async def move_teams(self, from_id: int, into_id: int, day: str) -> list[str]:
        """Move every team of `from_id` to `into_id` from `day` (with their history); returns their codes."""
        async with self.db.transaction() as conn:  # the caller holds both communes' locks
            async with conn.execute(
                "SELECT id, code FROM teams WHERE commune_id = ? ORDER BY code", (from_id,)
            ) as cur:
                teams = [(r["id"], r["code"]) for r in await cur.fetchall()]
            await conn.execute("UPDATE teams SET commune_id = ? WHERE commune_id = ?", (into_id, from_id))
            for team_id, _ in teams:
                await snapshot_team(conn, team_id, day)
            return [code for _, code in teams]

    async def move_people(self, from_id: int, into_id: int, day: str) -> None:
        """Move every person of `from_id` to `into_id` from `day` (with their history)."""
        async with self.db.transaction() as conn:  # the caller holds both communes' locks
            async with conn.execute(
                "SELECT id FROM persons WHERE commune_id = ? ORDER BY id", (from_id,)
            ) as cur:
                people = [r[0] for r in await cur.fetchall()]
            await conn.execute(
                "UPDATE persons SET commune_id = ?, updated_at = ? WHERE commune_id = ?",
                (into_id, utcnow(), from_id),
            )
            for person_id in people:
                await snapshot_person(conn, person_id, day)

    async def move_pending_invites(self, from_id: int, into_id: int) -> None:
        await self.db.execute(
            "UPDATE invites SET commune_id = ? WHERE commune_id = ? AND revoked = 0", (into_id, from_id)
        )
