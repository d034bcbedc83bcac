"""Repository of remuneration: rates, exclusions, pay lists and their lines (migration 0015).

It only reads and writes rows. The rules (who may, numbering, what conflicts with a payment, what is audited)
are in services/pay_lists.py, which runs each change with its audit_log row in one unit of work
(storage/uow.py) under the lock of the aggregate it changes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from services.remuneration_models import CaseFacts, ExclusionFacts, PaidFacts, Rate, TeamFacts
from storage.db import INTEGRITY_ERRORS, Database, utcnow
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
    """Some lines of a list were paid by another list since it was drawn up (their case numbers / team
    months)."""

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
                "SELECT m.case_id, p.id, p.full_name FROM case_mediators m"
                " JOIN persons p ON p.id = m.person_id"
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
            " JOIN teams t ON t.id = th.team_id"
            f" WHERE th.commune_id IN {COMMUNE_AND_MERGED} AND th.active = 1"
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
            "SELECT * FROM remuneration_rates"
            " WHERE province_id = ? AND (commune_id IS NULL OR commune_id = ?)"
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
    ) -> int:
        """Insert a rate row; returns its id."""
        return await self.db.execute(
            "INSERT INTO remuneration_rates(province_id, commune_id, effective_from, per_case,"
            " per_successful_case, team_month, basis, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        )

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

    async def open_exclusion(self, case_id: int) -> tuple[int, str] | None:
        """(row id, reason) of the case's exclusion in force, or None."""
        row = await self.db.fetchone(
            "SELECT id, reason FROM remuneration_exclusions WHERE case_id = ? AND lifted_at IS NULL",
            (case_id,),
        )
        return (row["id"], row["reason"]) if row else None

    async def exclude(self, *, case_id: int, commune_id: int, reason: str, actor_id: int | None) -> None:
        """Insert an exclusion. A unique index keeps one in force per case: AlreadyExcluded (nothing written,
        only this statement's savepoint is undone) when the case has one."""
        try:
            async with self.db.transaction() as conn:  # a savepoint inside a unit of work
                await conn.execute(
                    "INSERT INTO remuneration_exclusions(case_id, commune_id, reason, created_by, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (case_id, commune_id, reason, actor_id, utcnow()),
                )
        except INTEGRITY_ERRORS:
            raise AlreadyExcluded(case_id) from None

    async def lift_exclusion(self, exclusion_id: int, actor_id: int | None) -> bool:
        """Lift an exclusion in force; False (nothing written) if it was lifted already."""
        async with (  # one conditional UPDATE (a savepoint inside a unit of work)
            self.db.transaction() as conn,
            conn.execute(
                "UPDATE remuneration_exclusions SET lifted_at = ?, lifted_by = ?"
                " WHERE id = ? AND lifted_at IS NULL",
                (utcnow(), actor_id, exclusion_id),
            ) as cur,
        ):
            return cur.rowcount == 1

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
        """Team months paid by any list, for the teams that ever worked in the commune (or a commune merged
        into it): a month paid by the old commune's list is not paid again by the new one's."""
        rows = await self.db.fetchall(
            "SELECT i.team_id, i.month, i.amount, l.number, l.paid_on FROM remuneration_items i"
            " JOIN remuneration_lists l ON l.id = i.list_id WHERE l.status = 'paid' AND i.kind = 'team_month'"
            " AND i.team_id IN (SELECT th.team_id FROM team_history th"
            f" WHERE th.commune_id IN {COMMUNE_AND_MERGED})",
            (commune_id,),
        )
        return {(r["team_id"], r["month"]): PaidFacts(r["amount"], r["number"], r["paid_on"]) for r in rows}

    # --- lists ---------------------------------------------------------------------------------------------
    async def next_number(self, commune_id: int) -> int:
        """The number the commune's next list gets (MAX + 1; the caller holds the commune's lock)."""
        row = await self.db.fetchone(
            "SELECT COALESCE(MAX(number), 0) + 1 AS n FROM remuneration_lists WHERE commune_id = ?",
            (commune_id,),
        )
        return int(row["n"])

    async def save_list(
        self,
        *,
        commune_id: int,
        number: int,
        start: str,
        end: str,
        total: int,
        data: dict,
        items: Sequence[dict],
        actor_id: int | None,
    ) -> StoredList:
        """Insert a drafted list and its lines (UNIQUE (commune_id, number) refuses a number taken)."""
        now = utcnow()
        async with self.db.transaction() as conn:  # a savepoint inside a unit of work
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

    async def items(self, list_id: int) -> list[dict]:
        """The lines of a list, with their `detail` decoded."""
        rows = await self.db.fetchall(
            "SELECT * FROM remuneration_items WHERE list_id = ? ORDER BY id", (list_id,)
        )
        return [{**dict(r), "detail": json.loads(r["detail_json"] or "{}")} for r in rows]

    async def month_paid(self, team_id: int, month: str) -> bool:
        """Whether a paid list (of any commune) paid the team's support for `month`."""
        row = await self.db.fetchone(
            "SELECT COUNT(*) AS n FROM remuneration_items i JOIN remuneration_lists l ON l.id = i.list_id"
            " WHERE l.status = 'paid' AND i.kind = 'team_month' AND i.team_id = ? AND i.month = ?",
            (team_id, month),
        )
        return bool(row["n"])

    async def case_paid(self, case_id: int) -> tuple[int, int]:
        """(net amount, lines) paid for a case by the paid lists (case lines and adjustments)."""
        row = await self.db.fetchone(
            "SELECT COALESCE(SUM(i.amount), 0) AS amount, COUNT(*) AS n FROM remuneration_items i"
            " JOIN remuneration_lists l ON l.id = i.list_id WHERE l.status = 'paid' AND i.case_id = ?"
            " AND i.kind IN ('case', 'adjustment')",
            (case_id,),
        )
        return int(row["amount"]), int(row["n"])

    async def set_paid(self, list_id: int, *, paid_on: str, actor_id: int | None) -> bool:
        """Mark a drafted list paid; False (nothing written) if it is not a draft any more."""
        async with (  # one conditional UPDATE (a savepoint inside a unit of work)
            self.db.transaction() as conn,
            conn.execute(
                "UPDATE remuneration_lists SET status = 'paid', paid_on = ?, paid_by = ?, paid_at = ?"
                " WHERE id = ? AND status = 'drafted'",
                (paid_on, actor_id, utcnow(), list_id),
            ) as cur,
        ):
            return cur.rowcount == 1

    async def merge_family(self, commune_id: int) -> list[int]:
        """The commune, the communes it was merged into and the communes merged into any of these: the
        communes whose lists may pay the same team months (storage/org_history.py COMMUNE_AND_MERGED)."""
        rows = await self.db.fetchall(
            "WITH f(id) AS (SELECT CAST(? AS BIGINT) UNION SELECT into_commune_id FROM commune_merges"
            "  WHERE from_commune_id = ?)"
            " SELECT id FROM f UNION SELECT m.from_commune_id FROM commune_merges m"
            " JOIN f ON m.into_commune_id = f.id",
            (commune_id, commune_id),
        )
        return sorted(int(r["id"]) for r in rows)

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
