"""Reading and changing a commune's organisation list (teams and their members) in one audited transaction.

Entries are plain dicts keyed by the fields of services/org_list.py (PERSON_FIELDS, TEAM_FIELDS); every change
updates `persons`/`teams`, the dated history (storage/org_history.py) and writes one audit row (storage/audit.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.models import TEAM_ROLES, Commune
from storage.audit import AuditLog
from storage.db import Database, utcnow
from storage.locks import Aggregate, lock_rows
from storage.org_history import snapshot_person, snapshot_team, today

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

    async def apply(
        self,
        commune: Commune,
        changes: list[Change],
        *,
        actor_id: int | None = None,
        actor_label: str | None = None,
    ) -> None:
        """Apply every change in one transaction, each with its history and its audit row."""
        day = today()
        async with self.db.transaction() as conn:
            # the commune's list (team codes, new references) is read, then written: the commune's row lock
            await lock_rows(conn, self.db.dialect, Aggregate.commune(commune.id))
            team_ids: dict[str, int] = {}
            async with conn.execute("SELECT id, code FROM teams WHERE commune_id = ?", (commune.id,)) as cur:
                team_ids.update({r["code"]: r["id"] for r in await cur.fetchall()})
            for change in sorted(changes, key=lambda c: not c.kind.startswith("team")):
                after = change.after
                effective = change.effective_on or day
                if change.kind == "team_add":
                    async with conn.execute(
                        "INSERT INTO teams(commune_id, code, name, active) VALUES (?, ?, ?, ?)",
                        (commune.id, change.key, after["name"], int(after["status"] == "active")),
                    ) as cur:
                        new_id = cur.lastrowid
                    assert new_id is not None
                    change.id = team_ids[change.key] = new_id
                    await snapshot_team(conn, new_id, effective)
                elif change.kind == "team_update":
                    assert change.id is not None  # an update names an existing team
                    await conn.execute(
                        "UPDATE teams SET name = ?, active = ? WHERE id = ?",
                        (after["name"], int(after["status"] == "active"), change.id),
                    )
                    await snapshot_team(conn, change.id, effective)
                elif change.kind == "person_add":
                    change.id = await self._insert_person(conn, commune, after, team_ids)
                    change.key = after["ref"] = after.get("ref") or await self._new_ref(conn, commune)
                    await conn.execute(
                        "UPDATE persons SET external_ref = ? WHERE id = ?", (change.key, change.id)
                    )
                    await snapshot_person(conn, change.id, effective)
                elif change.kind == "person_update":
                    assert change.id is not None  # an update names an existing person
                    await conn.execute(
                        "UPDATE persons SET team_id = ?, full_name = ?, role = ?, gender = ?, ethnic_minority = ?,"
                        " recognition_decision = ?, recognised_on = ?, trained_on = ?, legal_supporter = ?,"
                        " active = ?, retire_reason = ?, retired_on = ?, updated_at = ? WHERE id = ?",
                        (*self._person_values(after, team_ids), utcnow(), change.id),
                    )
                    await snapshot_person(conn, change.id, effective)
                else:
                    raise ValueError(f"unknown change {change.kind!r}")
                action = {
                    "team_add": "org.team.add",
                    "team_update": "org.team.update",
                    "person_add": "org.person.add",
                }.get(change.kind)
                if action is None:
                    action = "org.person.retire" if change.retires else "org.person.update"
                await AuditLog.record(
                    conn,
                    action=action,
                    object_type=change.kind.split("_")[0],
                    object_id=change.key,
                    actor_id=actor_id,
                    actor_label=actor_label,
                    province_id=commune.province_id,
                    commune_id=commune.id,
                    before=_public(change.before),
                    after=_public(after),
                )

    @staticmethod
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

    async def _insert_person(self, conn: Any, commune: Commune, p: dict, team_ids: dict[str, int]) -> int:
        now = utcnow()
        async with conn.execute(
            "INSERT INTO persons(team_id, full_name, role, gender, ethnic_minority, recognition_decision,"
            " recognised_on, trained_on, legal_supporter, active, retire_reason, retired_on, province_id,"
            " commune_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*self._person_values(p, team_ids), commune.province_id, commune.id, now, now),
        ) as cur:
            return cur.lastrowid

    @staticmethod
    async def _new_ref(conn: Any, commune: Commune) -> str:
        async with conn.execute("SELECT COUNT(*) FROM persons WHERE commune_id = ?", (commune.id,)) as cur:
            n = (await cur.fetchone())[0]
        while True:
            ref = f"{commune.code}-{n:03d}"
            async with conn.execute("SELECT 1 FROM persons WHERE external_ref = ?", (ref,)) as cur:
                if await cur.fetchone() is None:
                    return ref
            n += 1


def _public(entry: dict | None) -> dict | None:
    return None if entry is None else {k: v for k, v in entry.items() if k != "id"}


async def merge_communes(
    db: Database,
    into: Commune | None,
    sources: list[Commune],
    *,
    new_code: str,
    new_name: str | None,
    actor_id: int | None = None,
    actor_label: str | None = None,
) -> Commune:
    """Merge `sources` into `into` (or into a new commune `new_code`/`new_name` of their province) in one
    transaction: their teams and people move with a dated history row (from today), pending invites follow,
    and the merge is recorded (commune_merges, also for communes merged into a source before) so that the
    commune's reports roll up the history of the merged communes. Cases keep the commune they were received in,
    so the old communes' reports stay as they were."""
    day, now = today(), utcnow()
    province_id = sources[0].province_id
    async with db.transaction() as conn:
        # every commune of the merge is read, then written: their row locks (one order: no deadlock)
        communes = [c.id for c in sources] + ([into.id] if into is not None else [])
        await lock_rows(conn, db.dialect, *(Aggregate.commune(c) for c in communes))
        if into is None:
            async with conn.execute(
                "INSERT INTO communes(province_id, code, name, kind, is_pilot, many_ethnic_minority,"
                " store_party_names) VALUES (?, ?, ?, ?, ?, ?, 0)",
                (
                    province_id,
                    new_code,
                    new_name,
                    sources[0].kind,
                    int(any(c.is_pilot for c in sources)),
                    int(any(c.many_ethnic_minority for c in sources)),
                ),
            ) as cur:
                into_id = cur.lastrowid
        else:
            into_id = into.id
            if new_name:
                await conn.execute("UPDATE communes SET name = ? WHERE id = ?", (new_name, into_id))
        moved: dict[str, list[str]] = {}
        for source in sources:
            async with conn.execute(
                "SELECT from_commune_id FROM commune_merges WHERE into_commune_id = ?", (source.id,)
            ) as cur:
                earlier = [r[0] for r in await cur.fetchall()]
            for from_id in (source.id, *earlier):
                await conn.execute(
                    "INSERT INTO commune_merges(from_commune_id, into_commune_id, merged_on, created_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (from_commune_id, into_commune_id) DO NOTHING",
                    (from_id, into_id, day, now),
                )
            async with conn.execute(
                "SELECT id, code FROM teams WHERE commune_id = ? ORDER BY code", (source.id,)
            ) as cur:
                teams = [(r["id"], r["code"]) for r in await cur.fetchall()]
            await conn.execute("UPDATE teams SET commune_id = ? WHERE commune_id = ?", (into_id, source.id))
            for team_id, _ in teams:
                await snapshot_team(conn, team_id, day)
            async with conn.execute(
                "SELECT id FROM persons WHERE commune_id = ? ORDER BY id", (source.id,)
            ) as cur:
                people = [r[0] for r in await cur.fetchall()]
            await conn.execute(
                "UPDATE persons SET commune_id = ?, updated_at = ? WHERE commune_id = ?",
                (into_id, now, source.id),
            )
            for person_id in people:
                await snapshot_person(conn, person_id, day)
            await conn.execute(
                "UPDATE invites SET commune_id = ? WHERE commune_id = ? AND revoked = 0", (into_id, source.id)
            )
            moved[source.code] = [code for _, code in teams]
        await AuditLog.record(
            conn,
            action="org.commune.merge",
            object_type="commune",
            object_id=new_code,
            actor_id=actor_id,
            actor_label=actor_label,
            province_id=province_id,
            commune_id=into_id,
            before={"communes": [c.code for c in sources], "teams": moved},
            after={"commune": new_code, "name": new_name, "merged_on": day},
        )
        async with conn.execute("SELECT * FROM communes WHERE id = ?", (into_id,)) as cur:
            row = await cur.fetchone()
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
