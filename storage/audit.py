"""The audit log of officials' changes outside the case log: who, when, what, before → after.

Write a row inside the transaction that makes the change (`AuditLog.record(conn, …)`), so that a change and
its audit row are committed together or not at all. Cases keep their own log (storage/cases.py, case_audit).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from storage.db import Database, utcnow


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: str
    actor_id: int | None
    actor_label: str | None
    action: str
    object_type: str
    object_id: str | None
    province_id: int | None
    commune_id: int | None
    before: Any
    after: Any


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _row(row: Any) -> AuditRow:
    return AuditRow(
        id=row["id"],
        at=row["at"],
        actor_id=row["actor_id"],
        actor_label=row["actor_label"],
        action=row["action"],
        object_type=row["object_type"],
        object_id=row["object_id"],
        province_id=row["province_id"],
        commune_id=row["commune_id"],
        before=json.loads(row["before_json"]) if row["before_json"] is not None else None,
        after=json.loads(row["after_json"]) if row["after_json"] is not None else None,
    )


class AuditLog:
    def __init__(self, db: Database):
        self.db = db

    @staticmethod
    async def record(
        conn: Any,
        *,
        action: str,
        object_type: str,
        object_id: str | int | None = None,
        actor_id: int | None = None,
        actor_label: str | None = None,
        province_id: int | None = None,
        commune_id: int | None = None,
        before: Any = None,
        after: Any = None,
    ) -> None:
        """Insert one audit row with the connection of the transaction that makes the change.

        `actor_label` names an actor that is not a person (e.g. "cli" for the command line)."""
        await conn.execute(
            "INSERT INTO audit_log(at, actor_id, actor_label, action, object_type, object_id, province_id,"
            " commune_id, before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                utcnow(),
                actor_id,
                actor_label,
                action,
                object_type,
                None if object_id is None else str(object_id),
                province_id,
                commune_id,
                _dump(before),
                _dump(after),
            ),
        )

    async def add(self, **fields: Any) -> None:
        """`record` in a transaction of its own (for a change that is itself a single statement elsewhere)."""
        async with self.db.transaction() as conn:  # one INSERT: nothing to lock
            await self.record(conn, **fields)

    async def rows(
        self,
        *,
        object_type: str | None = None,
        object_id: str | int | None = None,
        commune_id: int | None = None,
        limit: int = 500,
    ) -> list[AuditRow]:
        """Newest first, filtered by object and/or commune."""
        where: list[str] = []
        params: list[Any] = []
        if object_type is not None:
            where.append("object_type = ?")
            params.append(object_type)
        if object_id is not None:
            where.append("object_id = ?")
            params.append(str(object_id))
        if commune_id is not None:
            where.append("commune_id = ?")
            params.append(commune_id)
        sql = "SELECT * FROM audit_log" + (f" WHERE {' AND '.join(where)}" if where else "")
        rows = await self.db.fetchall(sql + " ORDER BY id DESC LIMIT ?", (*params, limit))
        return [_row(r) for r in rows]
