"""Repository of the case aggregate: cases, their mediators, the audit log, drafts and reminder
bookkeeping."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from services.case_models import AuditEntry, Case, Draft
from storage.db import INTEGRITY_ERRORS, Database, utcnow
from storage.locks import Aggregate, lock_rows

#: Columns of `cases` a form value maps to (the rest are set by the repository).
CASE_COLUMNS = (
    "team_id",
    "received_on",
    "field",
    "basis",
    "parties_count",
    "result",
    "closed_on",
    "court_recognition",
    "summary",
    "parties_encrypted",
    "invited_kinds",
    "invited_count",
    "invited_names_encrypted",
    "agreement",
    "note",
    "written_record",
    "record_photo",
    "follows_case_id",
)


def _optional(row: Any, key: str) -> Any:
    """A column added by a later migration (rows built by older code paths may lack it)."""
    try:
        return row[key]
    except (IndexError, KeyError):
        return None


def _case(row: Any, mediators: Iterable[int] = ()) -> Case:
    court = row["court_recognition"]
    return Case(
        id=row["id"],
        number=row["number"],
        province_id=row["province_id"],
        commune_id=row["commune_id"],
        team_id=row["team_id"],
        reporter_id=row["reporter_id"],
        received_on=row["received_on"],
        field=row["field"],
        basis=row["basis"],
        parties_count=row["parties_count"],
        result=row["result"],
        closed_on=row["closed_on"],
        court_recognition=None if court is None else bool(court),
        summary=row["summary"],
        parties_encrypted=row["parties_encrypted"],
        external_id=row["external_id"],
        submission_key=row["submission_key"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        mediator_ids=tuple(mediators),
        invited_kinds=tuple(k for k in (_optional(row, "invited_kinds") or "").split(",") if k),
        invited_count=_optional(row, "invited_count"),
        invited_names_encrypted=_optional(row, "invited_names_encrypted"),
        agreement=_optional(row, "agreement"),
        note=_optional(row, "note"),
        written_record=None if _optional(row, "written_record") is None else bool(row["written_record"]),
        record_photo=_optional(row, "record_photo"),
        follows_case_id=_optional(row, "follows_case_id"),
    )


def _draft(row: Any) -> Draft:
    data = json.loads(row["data"])
    return Draft(
        person_id=row["person_id"],
        purpose=row["purpose"],
        submission_key=row["submission_key"],
        case_id=row["case_id"],
        values=data.get("values") or {},
        history=data.get("history") or [],
        editing=data.get("editing"),
        started=data.get("started") or row["created_at"],
        updated_at=row["updated_at"],
    )


def snapshot(case: Case) -> dict[str, Any]:
    """What the audit log keeps of a case (party names only as 'set or not': they stay encrypted in one
    place)."""
    return {
        "number": case.number,
        "team_id": case.team_id,
        "received_on": case.received_on,
        "field": case.field,
        "basis": case.basis,
        "parties_count": case.parties_count,
        "result": case.result,
        "closed_on": case.closed_on,
        "court_recognition": case.court_recognition,
        "summary": case.summary,
        "parties_recorded": bool(case.parties_encrypted),
        "mediator_ids": sorted(case.mediator_ids),
        "invited_kinds": list(case.invited_kinds),
        "invited_count": case.invited_count,
        "invited_names_recorded": bool(case.invited_names_encrypted),
        "agreement": case.agreement,
        "note": case.note,
        "written_record": case.written_record,
        "record_photo": bool(case.record_photo),
        "follows_case_id": case.follows_case_id,
    }


def _column_values(values: Mapping[str, Any]) -> dict[str, Any]:
    court = values.get("court_recognition")
    return {
        "team_id": values["team_id"],
        "received_on": values["received_on"],
        "field": values["field"],
        "basis": values["basis"],
        "parties_count": int(values.get("parties_count") or 2),
        "result": values["result"],
        "closed_on": values.get("closed_on") or None,
        "court_recognition": None if court is None else int(bool(court)),
        "summary": values.get("summary") or None,
        "parties_encrypted": values.get("parties") or None,
        "invited_kinds": ",".join(values.get("invited_kinds") or []) or None,
        "invited_count": (values.get("invited_count") or None) if values.get("invited_kinds") else None,
        "invited_names_encrypted": values.get("invited_names") or None,
        "agreement": values.get("agreement") or None,
        "note": values.get("note") or None,
        "written_record": None
        if values.get("written_record") is None
        else int(bool(values["written_record"])),
        "record_photo": values.get("record_photo") or None,
        "follows_case_id": values.get("follows_case_id") or None,
    }


class DuplicateSubmission(Exception):
    def __init__(self, case: Case):
        super().__init__(case.number)
        self.case = case


class CaseRepository:
    def __init__(self, db: Database):
        self.db = db

    # --- reading -------------------------------------------------------------------------------------------
    async def _mediators(self, case_ids: list[int], conn: Any | None = None) -> dict[int, list[int]]:
        if not case_ids:
            return {}
        sql = (
            "SELECT case_id, person_id FROM case_mediators"
            f" WHERE case_id IN ({', '.join('?' * len(case_ids))})"
            " ORDER BY person_id"
        )
        if conn is not None:
            async with conn.execute(sql, case_ids) as cur:
                rows = await cur.fetchall()
        else:
            rows = await self.db.fetchall(sql, case_ids)
        found: dict[int, list[int]] = {}
        for r in rows:
            found.setdefault(r["case_id"], []).append(r["person_id"])
        return found

    async def _cases(self, rows: list[Any]) -> list[Case]:
        mediators = await self._mediators([r["id"] for r in rows])
        return [_case(r, mediators.get(r["id"], ())) for r in rows]

    async def get(self, case_id: int) -> Case | None:
        row = await self.db.fetchone("SELECT * FROM cases WHERE id = ?", (case_id,))
        return (await self._cases([row]))[0] if row else None

    async def by_number(self, number: str) -> Case | None:
        row = await self.db.fetchone("SELECT * FROM cases WHERE number = ?", (number,))
        return (await self._cases([row]))[0] if row else None

    async def by_submission_key(self, key: str) -> Case | None:
        row = await self.db.fetchone("SELECT * FROM cases WHERE submission_key = ?", (key,))
        return (await self._cases([row]))[0] if row else None

    async def find(
        self,
        *,
        reporter_id: int | None = None,
        team_id: int | None = None,
        commune_id: int | None = None,
        result: str | None = None,
        created_since: str | None = None,
        limit: int = 20,
    ) -> list[Case]:
        """Cases matching every given filter, newest first."""
        where, params = [], []
        for column, value in (
            ("reporter_id", reporter_id),
            ("team_id", team_id),
            ("commune_id", commune_id),
            ("result", result),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if created_since is not None:
            where.append("created_at >= ?")
            params.append(created_since)
        sql = "SELECT * FROM cases" + (f" WHERE {' AND '.join(where)}" if where else "")
        rows = await self.db.fetchall(sql + " ORDER BY received_on DESC, id DESC LIMIT ?", (*params, limit))
        return await self._cases(rows)

    async def pending_received_before(self, day: str) -> list[Case]:
        rows = await self.db.fetchall(
            "SELECT * FROM cases WHERE result = 'dang_hoa_giai' AND received_on <= ?"
            " ORDER BY received_on, id",
            (day,),
        )
        return await self._cases(rows)

    async def audit(self, case_id: int) -> list[AuditEntry]:
        rows = await self.db.fetchall("SELECT * FROM case_audit WHERE case_id = ? ORDER BY id", (case_id,))
        return [
            AuditEntry(
                id=r["id"],
                case_id=r["case_id"],
                person_id=r["person_id"],
                action=r["action"],
                before=json.loads(r["before_json"]) if r["before_json"] else None,
                after=json.loads(r["after_json"]) if r["after_json"] else None,
                at=r["at"],
            )
            for r in rows
        ]

    async def count(self) -> int:
        row = await self.db.fetchone("SELECT COUNT(*) AS n FROM cases")
        return int(row["n"])

    # --- writing -------------------------------------------------------------------------------------------
    async def _next_number(
        self, conn: Any, commune_id: int, commune_code: str, year: str, counters: dict[str, int] | None = None
    ) -> str:
        prefix = f"{commune_code}-{year}-"
        if counters is not None and prefix in counters:  # the commune is locked since the first number
            counters[prefix] += 1
            return f"{prefix}{counters[prefix]:04d}"
        # Numbers run per commune: the commune's row lock, until COMMIT, makes MAX + 1 unique (PostgreSQL).
        await lock_rows(conn, self.db.dialect, Aggregate.commune(commune_id))
        async with conn.execute(
            "SELECT MAX(CAST(substr(number, ?) AS INTEGER)) FROM cases"
            " WHERE commune_id = ? AND number LIKE ?",
            (len(prefix) + 1, commune_id, prefix + "%"),
        ) as cur:
            row = await cur.fetchone()
        if counters is not None:
            counters[prefix] = (row[0] or 0) + 1
        return f"{prefix}{(row[0] or 0) + 1:04d}"

    async def _insert(
        self,
        conn: Any,
        values: Mapping[str, Any],
        *,
        province_id: int,
        commune_id: int,
        commune_code: str,
        reporter_id: int | None,
        submission_key: str | None,
        external_id: str | None,
        actor_id: int | None,
        action: str,
        counters: dict[str, int] | None = None,
    ) -> Case:
        now = utcnow()
        columns = _column_values(values)
        number = await self._next_number(conn, commune_id, commune_code, values["received_on"][:4], counters)
        names = [
            "number",
            "province_id",
            "commune_id",
            "reporter_id",
            *columns,
            "external_id",
            "submission_key",
            "created_at",
            "updated_at",
        ]
        params = [
            number,
            province_id,
            commune_id,
            reporter_id,
            *columns.values(),
            external_id,
            submission_key,
            now,
            now,
        ]
        async with conn.execute(
            f"INSERT INTO cases({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", params
        ) as cur:
            case_id = cur.lastrowid
        mediator_ids = sorted(set(values.get("mediator_ids") or []))
        await conn.executemany(
            "INSERT INTO case_mediators(case_id, person_id) VALUES (?, ?)",
            [(case_id, m) for m in mediator_ids],
        )
        async with conn.execute("SELECT * FROM cases WHERE id = ?", (case_id,)) as cur:
            case = _case(await cur.fetchone(), mediator_ids)
        await self._audit(conn, case.id, actor_id, action, None, snapshot(case), now)
        return case

    @staticmethod
    async def _audit(
        conn: Any,
        case_id: int,
        actor_id: int | None,
        action: str,
        before: dict | None,
        after: dict | None,
        at: str,
    ) -> None:
        await conn.execute(
            "INSERT INTO case_audit(case_id, person_id, action, before_json, after_json, at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                case_id,
                actor_id,
                action,
                json.dumps(before, ensure_ascii=False) if before is not None else None,
                json.dumps(after, ensure_ascii=False) if after is not None else None,
                at,
            ),
        )

    async def create(
        self,
        values: Mapping[str, Any],
        *,
        province_id: int,
        commune_id: int,
        commune_code: str,
        reporter_id: int | None,
        submission_key: str,
        draft_purpose: str | None = "new",
    ) -> Case:
        """Store a reported case with its mediators and an audit row, and drop the reporter's draft,
        atomically.

        Raises DuplicateSubmission (with the stored case) if this submission key was already used."""
        try:
            # The number is MAX + 1 under the commune's row lock (_next_number); the submission key is unique.
            async with self.db.transaction() as conn:
                case = await self._insert(
                    conn,
                    values,
                    province_id=province_id,
                    commune_id=commune_id,
                    commune_code=commune_code,
                    reporter_id=reporter_id,
                    submission_key=submission_key,
                    external_id=None,
                    actor_id=reporter_id,
                    action="create",
                )
                if draft_purpose and reporter_id is not None:
                    await conn.execute(
                        "DELETE FROM case_drafts WHERE person_id = ? AND purpose = ?",
                        (reporter_id, draft_purpose),
                    )
                if case.follows_case_id:  # a re-mediation: the follow-up of the earlier case points to it
                    await conn.execute(
                        "UPDATE agreement_followups SET action = 'remediate', remediation_case_id = ?"
                        " WHERE case_id = ?",
                        (case.id, case.follows_case_id),
                    )
                return case
        except INTEGRITY_ERRORS:
            existing = await self.by_submission_key(submission_key)
            if existing is None:
                raise
            raise DuplicateSubmission(existing) from None

    async def update(
        self,
        case_id: int,
        values: Mapping[str, Any],
        *,
        actor_id: int | None,
        action: str,
        draft: tuple[int, str] | None = None,
    ) -> tuple[Case, bool]:
        """Apply form `values` to a case, with an audit row (before/after). Returns (case, changed)."""
        async with self.db.transaction() as conn:
            await lock_rows(
                conn, self.db.dialect, Aggregate.case(case_id)
            )  # read, then write: the case's lock
            async with conn.execute("SELECT * FROM cases WHERE id = ?", (case_id,)) as cur:
                row = await cur.fetchone()
            if row is None:
                raise KeyError(case_id)
            before = _case(row, (await self._mediators([case_id], conn)).get(case_id, ()))
            columns = _column_values(values)
            mediator_ids = sorted(set(values.get("mediator_ids") or before.mediator_ids))
            changed = any(row[k] != v for k, v in columns.items()) or mediator_ids != sorted(
                before.mediator_ids
            )
            if draft is not None:
                await conn.execute("DELETE FROM case_drafts WHERE person_id = ? AND purpose = ?", draft)
            if not changed:
                return before, False
            now = utcnow()
            await conn.execute(
                f"UPDATE cases SET {', '.join(f'{k} = ?' for k in columns)}, updated_at = ? WHERE id = ?",
                (*columns.values(), now, case_id),
            )
            await conn.execute("DELETE FROM case_mediators WHERE case_id = ?", (case_id,))
            await conn.executemany(
                "INSERT INTO case_mediators(case_id, person_id) VALUES (?, ?)",
                [(case_id, m) for m in mediator_ids],
            )
            async with conn.execute("SELECT * FROM cases WHERE id = ?", (case_id,)) as cur:
                after = _case(await cur.fetchone(), mediator_ids)
            await self._audit(conn, case_id, actor_id, action, snapshot(before), snapshot(after), now)
            return after, True

    async def external_id_stored(self, commune_id: int, external_id: str) -> bool:
        """Whether a case of the commune carries this external id (a row of an earlier import)."""
        row = await self.db.fetchone(
            "SELECT 1 FROM cases WHERE commune_id = ? AND external_id = ?", (commune_id, external_id)
        )
        return row is not None

    async def insert_imported(
        self,
        values: Mapping[str, Any],
        *,
        province_id: int,
        commune_id: int,
        commune_code: str,
        external_id: str | None,
        counters: dict[str, int],
    ) -> Case:
        """Store one imported row: its case, mediators and audit row. `counters` numbers the cases of one
        import without re-reading the table (the caller holds the commune's row lock for the whole import)."""
        async with self.db.transaction() as conn:  # a savepoint inside the import's unit of work
            return await self._insert(
                conn,
                values,
                province_id=province_id,
                commune_id=commune_id,
                commune_code=commune_code,
                reporter_id=None,
                submission_key=None,
                external_id=external_id,
                actor_id=None,
                action="import",
                counters=counters,
            )

    # --- drafts --------------------------------------------------------------------------------------------
    async def draft(self, person_id: int, purpose: str) -> Draft | None:
        row = await self.db.fetchone(
            "SELECT * FROM case_drafts WHERE person_id = ? AND purpose = ?", (person_id, purpose)
        )
        return _draft(row) if row else None

    async def save_draft(self, draft: Draft) -> Draft:
        now = utcnow()
        draft.started = draft.started or now
        await self.db.execute(
            "INSERT INTO case_drafts"
            "(person_id, purpose, case_id, submission_key, data, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(person_id, purpose) DO UPDATE SET case_id = excluded.case_id,"
            " submission_key = excluded.submission_key, data = excluded.data,"
            " updated_at = excluded.updated_at",
            (
                draft.person_id,
                draft.purpose,
                draft.case_id,
                draft.submission_key,
                json.dumps(draft.data(), ensure_ascii=False),
                now,
                now,
            ),
        )
        draft.updated_at = now
        return draft

    async def delete_draft(self, person_id: int, purpose: str) -> None:
        await self.db.execute(
            "DELETE FROM case_drafts WHERE person_id = ? AND purpose = ?", (person_id, purpose)
        )

    # --- reminders -----------------------------------------------------------------------------------------
    async def reminder_sent(self, case_id: int, recipient_id: int, kind: str, period: int) -> bool:
        row = await self.db.fetchone(
            "SELECT 1 FROM case_reminders WHERE case_id = ? AND recipient_id = ? AND kind = ? AND period = ?",
            (case_id, recipient_id, kind, period),
        )
        return row is not None
