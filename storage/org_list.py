"""Reading and writing a commune's organisation list (teams and their members).

Entries are plain dicts keyed by the fields of services/org_list.py (PERSON_FIELDS, TEAM_FIELDS). Each write
changes `persons`/`teams` and the dated history (storage/org_history.py). The rules, the audit rows and the
unit of work (one transaction under the commune's row lock) are services/org_list.py's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.models import TEAM_ROLES, Commune
from storage.db import Database, utcnow
from storage.org_history import snapshot_person, snapshot_team

_TEAM_ROLES_SQL = ", ".join(f"'{r}'" for r in TEAM_ROLES)


@dataclass
class Change:
    """One change of the list: kind is team_add, team_update, person_add or person_update."""

    kind: str
    key: str
    after: dict
    before: dict | None = None
    id: int | None = None
    #: the day the change takes effect in the history (a retirement: its date; otherwise the day it is made)
    effective_on: str | None = None

    @property
    def retires(self) -> bool:
        return (
            self.kind == "person_update"
            and self.before is not None
            and self.before["status"] == "active"
            and self.after["status"] == "retired"
        )


def person_ref(row: Any) -> str:
    """The stable reference shown in the list: the person's external ref, else 'ID<id>'."""
    return row["external_ref"] or f"ID{row['id']}"


def _person_entry(row: Any, team_codes: dict[int, str]) -> dict:
    return {
        "id": row["id"],
        "ref": person_ref(row),
        "team": team_codes.get(row["team_id"]),
        "full_name": row["full_name"],
        "role": row["role"],
        "gender": row["gender"],
        "ethnic_minority": None if row["ethnic_minority"] is None else bool(row["ethnic_minority"]),
        "recognition_decision": row["recognition_decision"],
        "recognised_on": row["recognised_on"],
        "trained_on": row["trained_on"],
        "legal_supporter": row["legal_supporter"],
        "status": "active" if row["active"] else "retired",
        "retire_reason": row["retire_reason"],
        "retired_on": row["retired_on"],
    }


class OrgListRepository:
    def __init__(self, db: Database):
        self.db = db

    async def teams(self, commune_id: int) -> list[dict]:
        rows = await self.db.fetchall("SELECT * FROM teams WHERE commune_id = ? ORDER BY code", (commune_id,))
        return [
            {
                "id": r["id"],
                "code": r["code"],
                "name": r["name"],
                "status": "active" if r["active"] else "dissolved",
            }
            for r in rows
        ]

    async def people(self, commune_id: int, team_id: int | None = None) -> list[dict]:
        """Members (mediators and team leaders, retired ones too) of the commune's teams, by team and name."""
        teams = {t["id"]: t["code"] for t in await self.teams(commune_id)}
        sql = f"SELECT * FROM persons WHERE commune_id = ? AND role IN ({_TEAM_ROLES_SQL})"
        params: list[Any] = [commune_id]
        if team_id is not None:
            sql += " AND team_id = ?"
            params.append(team_id)
        rows = await self.db.fetchall(sql + " ORDER BY full_name, id", params)
        people = [_person_entry(r, teams) for r in rows]
        return sorted(
            people, key=lambda p: (p["team"] or "", p["status"] != "active", p["full_name"], p["id"])
        )

    async def person_by_ref(self, ref: str) -> Any:
        """The person row with this reference ('ID<n>' is the id of a person without an external ref)."""
        if ref.upper().startswith("ID") and ref[2:].isdigit():
            return await self.db.fetchone(
                "SELECT * FROM persons WHERE id = ? AND external_ref IS NULL", (int(ref[2:]),)
            )
        return await self.db.fetchone("SELECT * FROM persons WHERE external_ref = ?", (ref,))

    async def team_commune(self, code: str) -> int | None:
        row = await self.db.fetchone("SELECT commune_id FROM teams WHERE code = ?", (code,))
        return None if row is None else row["commune_id"]

    async def team_ids(self, commune_id: int) -> dict[str, int]:
        """{code: id} of the commune's teams (dissolved ones too)."""
        rows = await self.db.fetchall("SELECT id, code FROM teams WHERE commune_id = ?", (commune_id,))
        return {r["code"]: r["id"] for r in rows}

    # --- writing: each method writes its row and its dated history row (storage/org_history.py) ----------
    async def insert_team(self, commune_id: int, team: dict, effective_on: str) -> int:
        """A new team {code, name, status} of the commune; returns its id."""
        async with self.db.transaction() as conn:  # new rows only: the caller holds the commune's lock
            async with conn.execute(
                "INSERT INTO teams(commune_id, code, name, active) VALUES (?, ?, ?, ?)",
                (commune_id, team["code"], team["name"], int(team["status"] == "active")),
            ) as cur:
                team_id = cur.lastrowid
            assert team_id is not None
            await snapshot_team(conn, team_id, effective_on)
            return team_id

    async def update_team(self, team_id: int, team: dict, effective_on: str) -> None:
        async with self.db.transaction() as conn:  # the UPDATE locks the team's row; its history follows
            await conn.execute(
                "UPDATE teams SET name = ?, active = ? WHERE id = ?",
                (team["name"], int(team["status"] == "active"), team_id),
            )
            await snapshot_team(conn, team_id, effective_on)

    async def insert_person(
        self, commune: Commune, entry: dict, team_ids: dict[str, int], ref: str, effective_on: str
    ) -> int:
        """A new member (an entry of PERSON_FIELDS) with the reference `ref`; returns their id."""
        now = utcnow()
        async with self.db.transaction() as conn:  # new rows only: the caller holds the commune's lock
            async with conn.execute(
                "INSERT INTO persons(team_id, full_name, role, gender, ethnic_minority, recognition_decision,"
                " recognised_on, trained_on, legal_supporter, active, retire_reason, retired_on,"
                " province_id, commune_id, external_ref, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*_person_values(entry, team_ids), commune.province_id, commune.id, ref, now, now),
            ) as cur:
                person_id = cur.lastrowid
            assert person_id is not None
            await snapshot_person(conn, person_id, effective_on)
            return person_id

    async def update_person(
        self, person_id: int, entry: dict, team_ids: dict[str, int], effective_on: str
    ) -> None:
        async with self.db.transaction() as conn:  # the UPDATE locks the person's row; the history follows
            await conn.execute(
                "UPDATE persons SET team_id = ?, full_name = ?, role = ?, gender = ?, ethnic_minority = ?,"
                " recognition_decision = ?, recognised_on = ?, trained_on = ?, legal_supporter = ?,"
                " active = ?, retire_reason = ?, retired_on = ?, updated_at = ? WHERE id = ?",
                (*_person_values(entry, team_ids), utcnow(), person_id),
            )
            await snapshot_person(conn, person_id, effective_on)

    async def free_ref(self, commune: Commune) -> str:
        """The reference of a new member: the first '<commune code>-<nnn>' no person has, from n = the
        commune's number of people with the new one."""
        row = await self.db.fetchone("SELECT COUNT(*) AS n FROM persons WHERE commune_id = ?", (commune.id,))
        n = int(row["n"]) + 1
        while True:
            ref = f"{commune.code}-{n:03d}"
            if await self.db.fetchone("SELECT 1 FROM persons WHERE external_ref = ?", (ref,)) is None:
                return ref
            n += 1


def _person_values(p: dict, team_ids: dict[str, int]) -> tuple:
    return (
        team_ids[p["team"]],
        p["full_name"],
        p["role"],
        p["gender"],
        None if p["ethnic_minority"] is None else int(p["ethnic_minority"]),
        p["recognition_decision"],
        p["recognised_on"],
        p["trained_on"],
        p["legal_supporter"],
        int(p["status"] == "active"),
        p["retire_reason"],
        p["retired_on"],
    )
