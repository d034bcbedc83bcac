"""Repository of remuneration: rates, exclusions, pay lists and their lines (migration 0015).

Every change (a rate, an exclusion or its lifting, a list drawn up, a list paid) writes its audit_log row in the
same transaction (storage/audit.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from services.remuneration_models import CaseFacts, ExclusionFacts, PaidFacts, Rate, TeamFacts
from storage.audit import AuditLog
from storage.db import INTEGRITY_ERRORS, Database, utcnow
from storage.locks import Aggregate, lock_rows
from storage.org_history import COMMUNE_AND_MERGED
from vocabulary import messages as msg


@dataclass(frozen=True, slots=True)
class StoredList:
    id: int
    commune_id: int
    number: int
    start: str
    end: str
    status: str
    total: int
    data: dict
    created_at: str
    paid_on: str | None


class AlreadyExcluded(Exception):
    pass


class PayConflict(Exception):
    """Some lines of a list were paid by another list since it was drawn up (their case numbers / team months)."""

    def __init__(self, what: list[str]):
        super().__init__(", ".join(what))
        self.what = what


def _rate(row: Any) -> Rate:
    return Rate(
        date.fromisoformat(row["effective_from"]),
        row["per_case"],
        row["per_successful_case"],
        row["team_month"],
        row["basis"],
        "commune" if row["commune_id"] is not None else "province",
    )


def _stored(row: Any) -> StoredList:
    return StoredList(
        id=row["id"],
        commune_id=row["commune_id"],
        number=row["number"],
        start=row["period_start"],
        end=row["period_end"],
        status=row["status"],
        total=row["total"],
        data=json.loads(row["data_json"]),
        created_at=row["created_at"],
        paid_on=row["paid_on"],
    )


_CASE_SQL = (
    "SELECT c.id, c.number, c.team_id, t.code AS team_code, t.name AS team_name, c.result, c.received_on,"
    " c.closed_on, c.updated_at FROM cases c JOIN teams t ON t.id = c.team_id"
)


class RemunerationRepository:
    def __init__(self, db: Database):
        self.db = db

    # --- cases ---------------------------------------------------------------------------------------------
    async def _facts(self, rows: Sequence[Any]) -> list[CaseFacts]:
        ids = [r["id"] for r in rows]
        names: dict[int, list[tuple[int, str]]] = {}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            found = await self.db.fetchall(
                "SELECT m.case_id, p.id, p.full_name FROM case_mediators m JOIN persons p ON p.id = m.person_id"
                f" WHERE m.case_id IN ({', '.join('?' * len(part))}) ORDER BY m.case_id, p.id",
                part,
            )
            for r in found:
                names.setdefault(r["case_id"], []).append((r["id"], r["full_name"]))
        return [
            CaseFacts(
                id=r["id"],
                number=r["number"],
                team_id=r["team_id"],
                team_code=r["team_code"],
                team_name=r["team_name"],
                result=r["result"],
                received_on=r["received_on"],
                closed_on=r["closed_on"],
                mediators=tuple(names.get(r["id"], ())),
                version=r["updated_at"],
            )
            for r in rows
        ]

    async def cases_of_period(self, commune_id: int, start: str, end: str) -> list[CaseFacts]:
        """Cases of the commune whose end date (or received date when not ended) is in [start, end]."""
        rows = await self.db.fetchall(
            _CASE_SQL + " WHERE c.commune_id = ? AND COALESCE(c.closed_on, c.received_on) BETWEEN ? AND ?"
            " ORDER BY c.number",
            (commune_id, start, end),
        )
        return await self._facts(rows)

    async def cases_by_id(self, case_ids: Sequence[int]) -> list[CaseFacts]:
        rows: list[Any] = []
        ids = list(case_ids)
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            rows += await self.db.fetchall(_CASE_SQL + f" WHERE c.id IN ({', '.join('?' * len(part))})", part)
        return await self._facts(rows)

    async def case_by_number(self, commune_id: int, number: str) -> CaseFacts | None:
        rows = await self.db.fetchall(
            _CASE_SQL + " WHERE c.commune_id = ? AND c.number = ?", (commune_id, number)
        )
        return (await self._facts(rows))[0] if rows else None

    async def teams(self, commune_id: int) -> list[TeamFacts]:
        """Every team that worked in the commune (or in a commune merged into it, as the statistics read it:
        storage/stats.py) at some time, with the spans in which it was active there (team history, migration
        0013)."""
        rows = await self.db.fetchall(
            "SELECT t.id, t.code, t.name, th.valid_from, th.valid_to FROM team_history th"
            f" JOIN teams t ON t.id = th.team_id WHERE th.commune_id IN {COMMUNE_AND_MERGED} AND th.active = 1"
            " ORDER BY t.code, th.valid_from",
            (commune_id,),
        )
        spans: dict[int, list[tuple[date | None, date | None]]] = {}
        names: dict[int, tuple[str, str]] = {}
        for r in rows:
            names[r["id"]] = (r["code"], r["name"])
            spans.setdefault(r["id"], []).append((_day(r["valid_from"]), _day(r["valid_to"])))
        return [TeamFacts(team_id, *names[team_id], tuple(spans[team_id])) for team_id in names]

    # --- rates ---------------------------------------------------------------------------------------------
    async def rates(self, province_id: int, commune_id: int | None) -> tuple[list[Rate], list[Rate]]:
        """(province rows, commune override rows)."""
        rows = await self.db.fetchall(
            "SELECT * FROM remuneration_rates WHERE province_id = ? AND (commune_id IS NULL OR commune_id = ?)"
            " ORDER BY effective_from, id",
            (province_id, commune_id if commune_id is not None else -1),
        )
        province = [_rate(r) for r in rows if r["commune_id"] is None]
        commune = [_rate(r) for r in rows if r["commune_id"] is not None]
        return _last_per_day(province), _last_per_day(commune)

    async def add_rate(
        self,
        *,
        province_id: int,
        commune_id: int | None,
        effective_from: str,
        per_case: int,
        per_successful_case: int,
        team_month: int,
        basis: str,
        actor_id: int | None,
        actor_label: str | None,
    ) -> int:
        async with self.db.transaction() as conn:  # a new row and its audit row: nothing to lock
            async with conn.execute(
                "INSERT INTO remuneration_rates(province_id, commune_id, effective_from, per_case,"
                " per_successful_case, team_month, basis, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    province_id,
                    commune_id,
                    effective_from,
                    per_case,
                    per_successful_case,
                    team_month,
                    basis,
                    actor_id,
                    utcnow(),
                ),
            ) as cur:
                rate_id = cur.lastrowid
            await AuditLog.record(
                conn,
                action="remuneration.rate",
                object_type="remuneration_rate",
                object_id=rate_id,
                actor_id=actor_id,
                actor_label=actor_label,
                province_id=province_id,
                commune_id=commune_id,
                after={
                    "effective_from": effective_from,
                    "per_case": per_case,
                    "per_successful_case": per_successful_case,
                    "team_month": team_month,
                    "basis": basis,
                },
            )
            return rate_id

    # --- exclusions ----------------------------------------------------------------------------------------
    async def exclusions(self, commune_id: int) -> dict[int, ExclusionFacts]:
        rows = await self.db.fetchall(
            "SELECT e.case_id, e.reason, e.created_at, p.full_name FROM remuneration_exclusions e"
            " LEFT JOIN persons p ON p.id = e.created_by WHERE e.commune_id = ? AND e.lifted_at IS NULL",
            (commune_id,),
        )
        return {
            r["case_id"]: ExclusionFacts(
                r["case_id"], r["reason"], r["full_name"] or msg.PAY_EXCLUDED_BY_ADMIN, r["created_at"]
            )
            for r in rows
        }

    async def exclude(
        self,
        *,
        case_id: int,
        case_number: str,
        commune_id: int,
        reason: str,
        actor_id: int | None,
        actor_label: str | None,
    ) -> None:
        try:
            async with self.db.transaction() as conn:  # one exclusion per case: a unique index decides
                await conn.execute(
                    "INSERT INTO remuneration_exclusions(case_id, commune_id, reason, created_by, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (case_id, commune_id, reason, actor_id, utcnow()),
                )
                await AuditLog.record(
                    conn,
                    action="remuneration.exclude",
                    object_type="case",
                    object_id=case_id,
                    actor_id=actor_id,
                    actor_label=actor_label,
                    commune_id=commune_id,
                    after={"case_no": case_number, "reason": reason},
                )
        except INTEGRITY_ERRORS:
            raise AlreadyExcluded(case_number) from None

    async def lift_exclusion(
        self,
        *,
        case_id: int,
        case_number: str,
        commune_id: int,
        actor_id: int | None,
        actor_label: str | None,
    ) -> bool:
        async with self.db.transaction() as conn:
            await lock_rows(
                conn, self.db.dialect, Aggregate.case(case_id)
            )  # read, then write: the case's lock
            async with conn.execute(
                "SELECT id, reason FROM remuneration_exclusions WHERE case_id = ? AND lifted_at IS NULL",
                (case_id,),
            ) as cur:
                row = await cur.fetchone()
            if row is None:
                return False
            await conn.execute(
                "UPDATE remuneration_exclusions SET lifted_at = ?, lifted_by = ? WHERE id = ?",
                (utcnow(), actor_id, row["id"]),
            )
            await AuditLog.record(
                conn,
                action="remuneration.include",
                object_type="case",
                object_id=case_id,
                actor_id=actor_id,
                actor_label=actor_label,
                commune_id=commune_id,
                before={"case_no": case_number, "reason": row["reason"]},
            )
            return True

    # --- what was paid -------------------------------------------------------------------------------------
    async def paid_cases(self, commune_id: int) -> dict[int, PaidFacts]:
        """Net amount paid per case (case lines + adjustments of paid lists), with the latest paying list."""
        rows = await self.db.fetchall(
            "SELECT i.case_id, i.amount, l.number, l.paid_on FROM remuneration_items i"
            " JOIN remuneration_lists l ON l.id = i.list_id WHERE l.commune_id = ? AND l.status = 'paid'"
            " AND i.kind IN ('case', 'adjustment') ORDER BY l.number, i.id",
            (commune_id,),
        )
        paid: dict[int, PaidFacts] = {}
        for r in rows:
            before = paid.get(r["case_id"])
            paid[r["case_id"]] = PaidFacts(
                (before.amount if before else 0) + r["amount"], r["number"], r["paid_on"]
            )
        return paid

    async def paid_months(self, commune_id: int) -> dict[tuple[int, str], PaidFacts]:
        """Team months paid by any list, for the teams that ever worked in the commune (or a commune merged into
        it): a month paid by the old commune's list is not paid again by the new one's."""
        rows = await self.db.fetchall(
            "SELECT i.team_id, i.month, i.amount, l.number, l.paid_on FROM remuneration_items i"
            " JOIN remuneration_lists l ON l.id = i.list_id WHERE l.status = 'paid' AND i.kind = 'team_month'"
            f" AND i.team_id IN (SELECT th.team_id FROM team_history th WHERE th.commune_id IN {COMMUNE_AND_MERGED})",
            (commune_id,),
        )
        return {(r["team_id"], r["month"]): PaidFacts(r["amount"], r["number"], r["paid_on"]) for r in rows}

    # --- lists ---------------------------------------------------------------------------------------------
    async def save_list(
        self,
        *,
        commune_id: int,
        start: str,
        end: str,
        total: int,
        data: dict,
        items: Sequence[dict],
        actor_id: int | None,
        actor_label: str | None,
    ) -> StoredList:
        async with self.db.transaction() as conn:
            # lists are numbered per commune: the commune's row lock
            await lock_rows(conn, self.db.dialect, Aggregate.commune(commune_id))
            async with conn.execute(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM remuneration_lists WHERE commune_id = ?",
                (commune_id,),
            ) as cur:
                number = int((await cur.fetchone())[0])
            data = {**data, "number": number}
            now = utcnow()
            async with conn.execute(
                "INSERT INTO remuneration_lists(commune_id, number, period_start, period_end, status, total,"
                " data_json, created_by, created_at) VALUES (?, ?, ?, ?, 'drafted', ?, ?, ?, ?)",
                (commune_id, number, start, end, total, json.dumps(data, ensure_ascii=False), actor_id, now),
            ) as cur:
                list_id = cur.lastrowid
            await conn.executemany(
                "INSERT INTO remuneration_items(list_id, kind, case_id, team_id, month, amount, case_version,"
                " detail_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        list_id,
                        i["kind"],
                        i.get("case_id"),
                        i["team_id"],
                        i.get("month"),
                        i["amount"],
                        i.get("case_version"),
                        json.dumps(i.get("detail") or {}, ensure_ascii=False),
                    )
                    for i in items
                ],
            )
            await AuditLog.record(
                conn,
                action="remuneration.draft",
                object_type="remuneration_list",
                object_id=list_id,
                actor_id=actor_id,
                actor_label=actor_label,
                commune_id=commune_id,
                after={"number": number, "from": start, "to": end, "total": total, "lines": len(items)},
            )
        return StoredList(list_id, commune_id, number, start, end, "drafted", total, data, now, None)

    async def lists(self, commune_id: int, limit: int = 20) -> list[StoredList]:
        rows = await self.db.fetchall(
            "SELECT * FROM remuneration_lists WHERE commune_id = ? ORDER BY number DESC LIMIT ?",
            (commune_id, limit),
        )
        return [_stored(r) for r in rows]

    async def get_list(self, commune_id: int, number: int) -> StoredList | None:
        row = await self.db.fetchone(
            "SELECT * FROM remuneration_lists WHERE commune_id = ? AND number = ?", (commune_id, number)
        )
        return _stored(row) if row else None

    async def mark_paid(
        self, stored: StoredList, *, paid_on: str, actor_id: int | None, actor_label: str | None
    ) -> None:
        """Mark a drafted list paid on `paid_on`. Raises PayConflict (nothing changed) if another list paid one
        of its lines since it was drawn up, or KeyError if the list is not a draft any more."""
        async with self.db.transaction() as conn:
            # whether another list of the commune paid one of these lines: the commune's row lock
            await lock_rows(conn, self.db.dialect, Aggregate.commune(stored.commune_id))
            async with conn.execute(
                "SELECT status FROM remuneration_lists WHERE id = ?", (stored.id,)
            ) as cur:
                row = await cur.fetchone()
            if row is None or row["status"] != "drafted":
                raise KeyError(stored.number)
            async with conn.execute(
                "SELECT * FROM remuneration_items WHERE list_id = ?", (stored.id,)
            ) as cur:
                items = await cur.fetchall()
            conflicts = []
            for item in items:
                detail = json.loads(item["detail_json"] or "{}")
                if item["kind"] == "team_month":
                    sql = (
                        "SELECT COUNT(*) FROM remuneration_items i JOIN remuneration_lists l ON l.id = i.list_id"
                        " WHERE l.status = 'paid' AND i.kind = 'team_month' AND i.team_id = ? AND i.month = ?"
                    )
                    async with conn.execute(sql, (item["team_id"], item["month"])) as cur:
                        if (await cur.fetchone())[0]:
                            conflicts.append(f"{detail.get('team', item['team_id'])} {item['month']}")
                    continue
                async with conn.execute(
                    "SELECT COALESCE(SUM(i.amount), 0), COUNT(*) FROM remuneration_items i JOIN remuneration_lists l"
                    " ON l.id = i.list_id WHERE l.status = 'paid' AND i.case_id = ?"
                    " AND i.kind IN ('case', 'adjustment')",
                    (item["case_id"],),
                ) as cur:
                    paid_sum, paid_lines = await cur.fetchone()
                if (item["kind"] == "case" and paid_lines) or (
                    item["kind"] == "adjustment" and int(paid_sum) != detail.get("paid_before")
                ):
                    conflicts.append(detail.get("case_no", str(item["case_id"])))
            if conflicts:
                raise PayConflict(conflicts)
            await conn.execute(
                "UPDATE remuneration_lists SET status = 'paid', paid_on = ?, paid_by = ?, paid_at = ?"
                " WHERE id = ?",
                (paid_on, actor_id, utcnow(), stored.id),
            )
            await AuditLog.record(
                conn,
                action="remuneration.paid",
                object_type="remuneration_list",
                object_id=stored.id,
                actor_id=actor_id,
                actor_label=actor_label,
                commune_id=stored.commune_id,
                before={"status": "drafted"},
                after={"status": "paid", "number": stored.number, "paid_on": paid_on, "total": stored.total},
            )

    async def payments_of(self, person_id: int) -> dict[int, tuple[int, str]]:
        """Cases of a mediator paid so far: case id → (list number, paid on)."""
        rows = await self.db.fetchall(
            "SELECT i.case_id, l.number, l.paid_on FROM remuneration_items i JOIN remuneration_lists l"
            " ON l.id = i.list_id JOIN case_mediators m ON m.case_id = i.case_id WHERE m.person_id = ?"
            " AND l.status = 'paid' AND i.kind = 'case'",
            (person_id,),
        )
        return {r["case_id"]: (r["number"], r["paid_on"]) for r in rows}


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _last_per_day(rates: list[Rate]) -> list[Rate]:
    """Of several rows with the same effective date, the last one entered holds (a correction of a typo)."""
    by_day: dict[date, Rate] = {}
    for rate in rates:
        by_day[rate.effective_from] = rate
    return list(by_day.values())
