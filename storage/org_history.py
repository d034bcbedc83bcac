"""The dated history of people and teams (migration 0013): what a past period's indicators count.

A person's history is a list of rows, each a copy of what counts for the indicators (team, commune, role,
status, marks, recognition and training dates) valid from `valid_from` (included) to `valid_to` (excluded,
NULL = still valid). Every change to a person or a team calls `snapshot_person` / `snapshot_team` in the
change's transaction with the day the change takes effect (today unless the official gives a date, e.g. a
retirement decision): the open row is closed on that day and a new one opened, so a report for a period that
ended before that day keeps counting what was true then. A change on the day the open row began replaces that
row.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from storage.db import utcnow

#: Columns copied from `persons` into `person_history` (status is derived from `active`).
PERSON_COLUMNS = (
    "province_id",
    "commune_id",
    "team_id",
    "role",
    "retire_reason",
    "gender",
    "ethnic_minority",
    "recognition_decision",
    "recognised_on",
    "trained_on",
    "legal_supporter",
)
TEAM_COLUMNS = ("commune_id", "name", "active")

#: A commune and every commune merged into it (one `?`: the commune's id).
COMMUNE_AND_MERGED = (
    "(WITH r(id) AS (SELECT CAST(? AS BIGINT)) SELECT id FROM r UNION ALL"
    " SELECT m.from_commune_id FROM commune_merges m JOIN r ON m.into_commune_id = r.id)"
)


def today() -> str:
    return date.today().isoformat()


async def _one(conn: Any, sql: str, params: tuple) -> Any:
    async with conn.execute(sql, params) as cur:
        return await cur.fetchone()


async def snapshot_person(
    conn: Any, person_id: int, effective_on: str | None = None, *, from_recognition: bool = False
) -> None:
    """Bring the person's history up to date with the `persons` row, from `effective_on` (default today).

    A new person's history starts on `effective_on`, or with `from_recognition` (an organisation file loaded
    by the operator, which describes people as they are) on their recognition date when that is earlier."""
    row = await _one(
        conn, f"SELECT active, {', '.join(PERSON_COLUMNS)} FROM persons WHERE id = ?", (person_id,)
    )
    if row is None:
        return
    values = {c: row[c] for c in PERSON_COLUMNS}
    values["status"] = "active" if row["active"] else "retired"
    effective_on = effective_on or today()
    current = await _one(
        conn,
        "SELECT * FROM person_history WHERE person_id = ? AND valid_to IS NULL"
        " ORDER BY valid_from DESC, id DESC",
        (person_id,),
    )
    if current is None:
        start = values["recognised_on"] if from_recognition and values["status"] == "active" else None
        await _insert_person(conn, person_id, values, min(start, effective_on) if start else effective_on)
        return
    if all(current[c] == v for c, v in values.items()):
        return
    effective_on = max(effective_on, current["valid_from"])
    if effective_on == current["valid_from"]:
        assignments = ", ".join(f"{c} = ?" for c in values)
        await conn.execute(
            f"UPDATE person_history SET {assignments}, recorded_at = ? WHERE id = ?",
            (*values.values(), utcnow(), current["id"]),
        )
        return
    await conn.execute("UPDATE person_history SET valid_to = ? WHERE id = ?", (effective_on, current["id"]))
    await _insert_person(conn, person_id, values, effective_on)


async def _insert_person(conn: Any, person_id: int, values: dict, valid_from: str) -> None:
    columns = ("person_id", *values, "valid_from", "recorded_at")
    await conn.execute(
        f"INSERT INTO person_history({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        (person_id, *values.values(), valid_from, utcnow()),
    )


async def snapshot_team(
    conn: Any, team_id: int, effective_on: str | None = None, *, new: bool = False
) -> None:
    """The same for a team (its commune, name and whether it works). A team created by `new=True` with no
    effective date counts from before the records began (organisation files describe the present teams)."""
    row = await _one(conn, "SELECT commune_id, name, active FROM teams WHERE id = ?", (team_id,))
    if row is None:
        return
    values = {c: row[c] for c in TEAM_COLUMNS}
    current = await _one(
        conn, "SELECT * FROM team_history WHERE team_id = ? AND valid_to IS NULL ORDER BY id DESC", (team_id,)
    )
    if current is None:
        start = effective_on if not new or effective_on else None
        await _insert_team(conn, team_id, values, start or (None if new else today()))
        return
    if all(current[c] == v for c, v in values.items()):
        return
    effective_on = effective_on or today()
    if current["valid_from"] is not None:
        effective_on = max(effective_on, current["valid_from"])
    if effective_on == current["valid_from"]:
        await conn.execute(
            "UPDATE team_history SET commune_id = ?, name = ?, active = ?, recorded_at = ? WHERE id = ?",
            (*values.values(), utcnow(), current["id"]),
        )
        return
    await conn.execute("UPDATE team_history SET valid_to = ? WHERE id = ?", (effective_on, current["id"]))
    await _insert_team(conn, team_id, values, effective_on)


async def _insert_team(conn: Any, team_id: int, values: dict, valid_from: str | None) -> None:
    await conn.execute(
        "INSERT INTO team_history(team_id, commune_id, name, active, valid_from, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (team_id, *values.values(), valid_from, utcnow()),
    )
