"""Queries of the whole logbook (issue 17): Part II per mediator, the rows of the printable book, and the rows
of the follow-up of successful agreements (Law 35/2013 Art. 26). It only reads and writes rows: the steps, the
answers and their messages are use cases of services/agreements.py, each one unit of work (storage/uow.py)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from storage.db import Database

#: WHERE clause on `cases c` for each level of scope (as storage/stats.py).
CASES_SCOPE = {"team": "c.team_id = ?", "commune": "c.commune_id = ?", "province": "c.province_id = ?"}
_PEOPLE_SCOPE = {
    "team": ("", "p.team_id = ?"),
    "commune": ("JOIN teams t ON t.id = p.team_id", "t.commune_id = ?"),
    "province": (
        "JOIN teams t ON t.id = p.team_id JOIN communes m ON m.id = t.commune_id",
        "m.province_id = ?",
    ),
}
ANSWERS = ("done", "ongoing", "not_done")
#: The column that records when a follow-up got each status (one that starts answered, e.g. from the case
#: card before any question, is stamped as asked when answered).
STAMPS = {"asked": "asked_at", "reminded": "reminded_at", "listed": "listed_at", "answered": "asked_at"}


def _check(level: str) -> None:
    if level not in CASES_SCOPE:
        raise ValueError(f"unknown level {level!r}")


def _in(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))


class LogbookRepository:
    def __init__(self, db: Database):
        self.db = db

    # --- Part II ----------------------------------------------------------------------------------------
    async def mediator_results(
        self, level: str, scope_id: int, start: str, end: str
    ) -> list[tuple[int, int | None, str, str, int]]:
        """(team_id, person_id or None for cases with no mediator recorded, field, result, cases) of the cases
        received in [start, end] in the scope. A case with two mediators counts once for each of them."""
        _check(level)
        where = f"{CASES_SCOPE[level]} AND c.received_on BETWEEN ? AND ?"
        rows = await self.db.fetchall(
            "SELECT c.team_id AS team_id, cm.person_id AS person_id, c.field AS field, c.result AS result,"
            " COUNT(*) AS n FROM cases c JOIN case_mediators cm ON cm.case_id = c.id"
            f" WHERE {where} GROUP BY c.team_id, cm.person_id, c.field, c.result"
            " UNION ALL"
            " SELECT c.team_id, NULL, c.field, c.result, COUNT(*) FROM cases c"
            f" WHERE {where} AND NOT EXISTS (SELECT 1 FROM case_mediators x WHERE x.case_id = c.id)"
            " GROUP BY c.team_id, c.field, c.result",
            (scope_id, start, end, scope_id, start, end),
        )
        return [(r["team_id"], r["person_id"], r["field"], r["result"], r["n"]) for r in rows]

    async def team_field_results(
        self, level: str, scope_id: int, start: str, end: str
    ) -> list[tuple[int, str, str, int]]:
        """(team_id, field, result, cases) received in [start, end]: the team totals (each case once)."""
        _check(level)
        rows = await self.db.fetchall(
            "SELECT c.team_id AS team_id, c.field AS field, c.result AS result, COUNT(*) AS n FROM cases c"
            f" WHERE {CASES_SCOPE[level]} AND c.received_on BETWEEN ? AND ?"
            " GROUP BY c.team_id, c.field, c.result",
            (scope_id, start, end),
        )
        return [(r["team_id"], r["field"], r["result"], r["n"]) for r in rows]

    async def mediators(self, level: str, scope_id: int, extra_ids: Sequence[int] = ()) -> list[dict]:
        """Active mediators and team leaders of the scope's teams, plus the people `extra_ids` (who took part
        in cases of the period, even if they left or moved since)."""
        _check(level)
        join, where = _PEOPLE_SCOPE[level]
        rows = await self.db.fetchall(
            "SELECT p.id, p.full_name, p.role, p.team_id, p.external_ref, p.active FROM persons p"
            f" {join} WHERE {where} AND p.active = 1 AND p.role IN ('mediator', 'team_leader')",
            (scope_id,),
        )
        found = {r["id"]: dict(r) for r in rows}
        missing = [i for i in extra_ids if i not in found]
        for i in range(0, len(missing), 500):
            chunk = missing[i : i + 500]
            for r in await self.db.fetchall(
                "SELECT id, full_name, role, team_id, external_ref, active FROM persons"
                f" WHERE id IN ({_in(chunk)})",
                chunk,
            ):
                found[r["id"]] = dict(r)
        return list(found.values())

    async def agreement_answers(self, level: str, scope_id: int, start: str, end: str) -> dict[str, int]:
        """Successful cases received in [start, end] by the answer about carrying out their agreement
        (done, ongoing, not_done; unknown: not answered or not asked yet)."""
        _check(level)
        rows = await self.db.fetchall(
            "SELECT f.answer AS answer, COUNT(*) AS n FROM cases c"
            " LEFT JOIN agreement_followups f ON f.case_id = c.id"
            f" WHERE {CASES_SCOPE[level]} AND c.received_on BETWEEN ? AND ? AND c.result = 'thanh'"
            " GROUP BY f.answer",
            (scope_id, start, end),
        )
        counts = {a: 0 for a in (*ANSWERS, "unknown")}
        for r in rows:
            counts[r["answer"] if r["answer"] in ANSWERS else "unknown"] += r["n"]
        return counts

    # --- the printable book ------------------------------------------------------------------------------
    async def book_cases(self, team_id: int, start: str, end: str) -> list[dict]:
        """Cases of a team received in [start, end], in the order of the book (date received, number), with
        the names of their mediators and the number of the case a re-mediation follows."""
        rows = await self.db.fetchall(
            "SELECT c.*, f.number AS follows_number, a.answer AS followup_answer FROM cases c"
            " LEFT JOIN cases f ON f.id = c.follows_case_id"
            " LEFT JOIN agreement_followups a ON a.case_id = c.id"
            " WHERE c.team_id = ? AND c.received_on BETWEEN ? AND ? ORDER BY c.received_on, c.number",
            (team_id, start, end),
        )
        cases = [dict(r) for r in rows]
        ids = [c["id"] for c in cases]
        names: dict[int, list[str]] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            for r in await self.db.fetchall(
                "SELECT cm.case_id, p.full_name FROM case_mediators cm JOIN persons p ON p.id = cm.person_id"
                f" WHERE cm.case_id IN ({_in(chunk)}) ORDER BY p.full_name",
                chunk,
            ):
                names.setdefault(r["case_id"], []).append(r["full_name"])
        for case in cases:
            case["mediator_names"] = names.get(case["id"], [])
        return cases

    # --- following up agreements ---------------------------------------------------------------------------
    async def due_for_question(self, closed_from: str, closed_to: str, limit: int = 500) -> list[dict]:
        """Successful cases closed in [closed_from, closed_to] with at least one mediator and no follow-up
        yet."""
        rows = await self.db.fetchall(
            "SELECT c.id, c.number, c.team_id, c.commune_id, c.field, c.received_on, c.closed_on FROM cases c"
            " WHERE c.result = 'thanh' AND c.closed_on BETWEEN ? AND ?"
            " AND NOT EXISTS (SELECT 1 FROM agreement_followups f WHERE f.case_id = c.id)"
            " AND EXISTS (SELECT 1 FROM case_mediators cm WHERE cm.case_id = c.id)"
            " ORDER BY c.closed_on, c.id LIMIT ?",
            (closed_from, closed_to, limit),
        )
        return [dict(r) for r in rows]

    async def unanswered(self, status: str, before: str, limit: int = 500) -> list[dict]:
        """Follow-ups in `status` (asked | reminded) whose last step was before `before`, still unanswered."""
        column = {"asked": "asked_at", "reminded": "reminded_at"}[status]
        rows = await self.db.fetchall(
            "SELECT f.*, c.number, c.team_id, c.commune_id, c.field, c.received_on, c.closed_on"
            " FROM agreement_followups f JOIN cases c ON c.id = f.case_id"
            f" WHERE f.status = ? AND f.answer IS NULL AND f.{column} < ? AND c.result = 'thanh'"
            f" ORDER BY f.{column}, f.case_id LIMIT ?",
            (status, before, limit),
        )
        return [dict(r) for r in rows]

    async def followup(self, case_id: int) -> dict | None:
        row = await self.db.fetchone("SELECT * FROM agreement_followups WHERE case_id = ?", (case_id,))
        return dict(row) if row else None

    async def listed_for_teams(self, team_ids: Sequence[int], limit: int = 30) -> list[dict]:
        """Follow-ups left unanswered after the reminder, for the team leader's list."""
        if not team_ids:
            return []
        rows = await self.db.fetchall(
            "SELECT f.*, c.number, c.team_id, c.closed_on FROM agreement_followups f"
            " JOIN cases c ON c.id = f.case_id WHERE f.status = 'listed' AND f.answer IS NULL"
            f" AND c.result = 'thanh' AND c.team_id IN ({_in(team_ids)})"
            " ORDER BY c.closed_on, c.id LIMIT ?",
            (*team_ids, limit),
        )
        return [dict(r) for r in rows]

    async def start_followup(self, case_id: int, status: str, at: str) -> bool:
        """Create the case's follow-up in `status` (stamped `at`); False (nothing written) if it has one.
        `INSERT … ON CONFLICT DO NOTHING`: of two at once, exactly one gets True."""
        column = STAMPS[status]
        async with (  # INSERT … ON CONFLICT DO NOTHING (a savepoint inside a unit of work)
            self.db.transaction() as conn,
            conn.execute(
                f"INSERT INTO agreement_followups(case_id, status, {column}) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (case_id, status, at),
            ) as cur,
        ):
            return cur.rowcount == 1

    async def move_followup(self, case_id: int, before: str, after: str, at: str) -> bool:
        """Move an unanswered follow-up from `before` to `after` (stamped `at`); False (nothing written) if it
        is not in `before` or was answered. A conditional UPDATE: of two at once, exactly one gets True."""
        async with (  # one conditional UPDATE (a savepoint inside a unit of work)
            self.db.transaction() as conn,
            conn.execute(
                f"UPDATE agreement_followups SET status = ?, {STAMPS[after]} = ?"
                " WHERE case_id = ? AND status = ? AND answer IS NULL",
                (after, at, case_id, before),
            ) as cur,
        ):
            return cur.rowcount == 1

    async def record_answer(self, case_id: int, answer: str, person_id: int, at: str) -> None:
        """The follow-up's answer (the row exists: start_followup)."""
        await self.db.execute(
            "UPDATE agreement_followups SET status = 'answered', answer = ?, answered_by = ?, answered_at = ?"
            " WHERE case_id = ?",
            (answer, person_id, at, case_id),
        )

    async def record_action(
        self, case_id: int, action: str, note: str | None = None, remediation_case_id: int | None = None
    ) -> None:
        """What was done about the follow-up (a note or a remediation case kept when not given)."""
        await self.db.execute(
            "UPDATE agreement_followups SET action = ?, note = COALESCE(?, note),"
            " remediation_case_id = COALESCE(?, remediation_case_id) WHERE case_id = ?",
            (action, note, remediation_case_id, case_id),
        )

    async def audit(
        self, case_id: int, person_id: int | None, action: str, before: dict, after: dict, at: str
    ) -> None:
        """A row of the case's own audit log (case_audit): who, when, what."""
        await self.db.execute(
            "INSERT INTO case_audit(case_id, person_id, action, before_json, after_json, at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                case_id,
                person_id,
                action,
                json.dumps(before, ensure_ascii=False),
                json.dumps(after, ensure_ascii=False),
                at,
            ),
        )

    async def recipients(
        self, person_ids: Sequence[int], channel: str, channels: Sequence[str]
    ) -> list[tuple[int, str, str]]:
        """(person_id, chat_id, channel) of active people among `person_ids`, each on one identity: on
        `channel` when they use it, else on their latest identity on one of `channels` (as broadcasts)."""
        if not person_ids:
            return []
        channels = tuple(channels) or (channel,)
        rows = await self.db.fetchall(
            "SELECT p.id AS person_id, COALESCE(i.chat_id, i.external_id) AS chat_id, i.channel AS channel"
            " FROM persons p JOIN identities i ON i.id = (SELECT j.id FROM identities j"
            f"   WHERE j.person_id = p.id AND j.channel IN ({_in(channels)})"
            "   ORDER BY CASE WHEN j.channel = ? THEN 0 ELSE 1 END, j.id DESC LIMIT 1)"
            f" WHERE p.active = 1 AND p.id IN ({_in(person_ids)}) ORDER BY p.id",
            (*channels, channel, *person_ids),
        )
        return [(r["person_id"], str(r["chat_id"]), r["channel"]) for r in rows]
