"""Submitted reports (chốt số liệu): frozen snapshots of a commune's report for a period, numbered revisions.

A submission is written once, in one transaction with the cases it counted (read in that same transaction) and
its audit row; nothing here ever updates or deletes a submission.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from storage.audit import AuditLog
from storage.db import Database, utcnow
from storage.locks import Aggregate, lock_rows


#: The counted state of a case: what a later edit could change in a submitted report.
@dataclass(frozen=True, slots=True)
class CaseVersion:
    case_id: int
    team_id: int
    field: str
    result: str
    received_on: str
    updated_at: str
    number: str | None = None

    @property
    def counted(self) -> tuple[int, str, str, str]:
        """What the figures depend on (updated_at alone may change without changing any figure)."""
        return self.team_id, self.field, self.result, self.received_on


@dataclass(frozen=True, slots=True)
class Submission:
    id: int
    commune_id: int
    province_id: int
    period_start: str
    period_end: str
    revision: int
    submitted_by: int | None
    submitted_label: str | None
    submitted_at: str
    cases_count: int
    report: dict[str, Any]
    inputs: dict[str, Any]


def _submission(row: Any) -> Submission:
    return Submission(
        id=row["id"],
        commune_id=row["commune_id"],
        province_id=row["province_id"],
        period_start=row["period_start"],
        period_end=row["period_end"],
        revision=row["revision"],
        submitted_by=row["submitted_by"],
        submitted_label=row["submitted_label"],
        submitted_at=row["submitted_at"],
        cases_count=row["cases_count"],
        report=json.loads(row["report_json"]),
        inputs=json.loads(row["inputs_json"]),
    )


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


_CASES_OF_COMMUNE = (
    "SELECT id AS case_id, team_id, field, result, received_on, updated_at, number FROM cases"
    " WHERE commune_id = ? AND received_on BETWEEN ? AND ? ORDER BY id"
)
_LATEST = (
    "SELECT * FROM report_submissions WHERE commune_id = ? AND period_start = ? AND period_end = ?"
    " ORDER BY revision DESC LIMIT 1"
)


def _version(row: Any) -> CaseVersion:
    return CaseVersion(
        case_id=row["case_id"],
        team_id=row["team_id"],
        field=row["field"],
        result=row["result"],
        received_on=row["received_on"],
        updated_at=row["updated_at"],
        number=row["number"] if "number" in row.keys() else None,
    )


class SubmissionRepository:
    def __init__(self, db: Database):
        self.db = db

    async def live_cases(self, commune_id: int, start: str, end: str) -> list[CaseVersion]:
        """The cases of the commune received in [start, end] as they are now."""
        rows = await self.db.fetchall(_CASES_OF_COMMUNE, (commune_id, start, end))
        return [_version(r) for r in rows]

    async def submit(
        self,
        commune_id: int,
        province_id: int,
        start: str,
        end: str,
        *,
        freeze: Callable[[list[CaseVersion]], tuple[dict, dict]],
        submitted_by: int | None,
        submitted_label: str | None,
    ) -> Submission:
        """Read the commune's cases of the period, let `freeze(cases)` build (report, inputs) from exactly
        those (a plain function: it must not read the database), and store them as the next revision with the
        case versions and an audit row, in one transaction."""
        async with self.db.transaction() as conn:
            # the commune's cases and its revision number are read, then the submission written: the commune's
            # row lock (case reports of the commune wait for it too, so the frozen figures are the committed)
            await lock_rows(conn, self.db.dialect, Aggregate.commune(commune_id))
            async with conn.execute(_CASES_OF_COMMUNE, (commune_id, start, end)) as cur:
                cases = [_version(r) for r in await cur.fetchall()]
            async with conn.execute(
                "SELECT COALESCE(MAX(revision), 0) AS last FROM report_submissions"
                " WHERE commune_id = ? AND period_start = ? AND period_end = ?",
                (commune_id, start, end),
            ) as cur:
                revision = int((await cur.fetchone())["last"]) + 1
            report, inputs = freeze(cases)
            now = utcnow()
            async with conn.execute(
                "INSERT INTO report_submissions(commune_id, province_id, period_start, period_end, revision,"
                " submitted_by, submitted_label, submitted_at, cases_count, report_json, inputs_json)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    commune_id,
                    province_id,
                    start,
                    end,
                    revision,
                    submitted_by,
                    submitted_label,
                    now,
                    len(cases),
                    _dump(report),
                    _dump(inputs),
                ),
            ) as cur:
                submission_id = cur.lastrowid
            await conn.executemany(
                "INSERT INTO report_submission_cases"
                "(submission_id, case_id, team_id, field, result, received_on, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (submission_id, c.case_id, c.team_id, c.field, c.result, c.received_on, c.updated_at)
                    for c in cases
                ],
            )
            cases_json = report.get("cases", {})
            await AuditLog.record(
                conn,
                action="report.submit" if revision == 1 else "report.revise",
                object_type="report_submission",
                object_id=submission_id,
                actor_id=submitted_by,
                actor_label=submitted_label,
                province_id=province_id,
                commune_id=commune_id,
                after={
                    "period": {"from": start, "to": end},
                    "revision": revision,
                    "cases": cases_json,
                    "case_count": len(cases),
                },
            )
        return Submission(
            submission_id,
            commune_id,
            province_id,
            start,
            end,
            revision,
            submitted_by,
            submitted_label,
            now,
            len(cases),
            report,
            inputs,
        )

    async def latest(self, commune_id: int, start: str, end: str) -> Submission | None:
        row = await self.db.fetchone(_LATEST, (commune_id, start, end))
        return _submission(row) if row else None

    async def history(
        self, commune_id: int, start: str, end: str
    ) -> list[tuple[int, str, int | None, str | None]]:
        """(revision, submitted_at, submitted_by, submitted_label) of every revision, oldest first."""
        rows = await self.db.fetchall(
            "SELECT revision, submitted_at, submitted_by, submitted_label FROM report_submissions"
            " WHERE commune_id = ? AND period_start = ? AND period_end = ? ORDER BY revision",
            (commune_id, start, end),
        )
        return [(r["revision"], r["submitted_at"], r["submitted_by"], r["submitted_label"]) for r in rows]

    async def latest_of_province(
        self, province_id: int | None, start: str, end: str
    ) -> list[tuple[Submission, str]]:
        """The latest submission of each commune of the province (every province when None) for the period,
        with the time of its first revision."""
        where = "s.province_id = ? AND " if province_id is not None else ""
        params: Sequence[Any] = ((province_id,) if province_id is not None else ()) + (start, end)
        rows = await self.db.fetchall(
            "SELECT s.*, f.first_at FROM report_submissions s JOIN ("
            "  SELECT commune_id, MAX(revision) AS last, MIN(submitted_at) AS first_at"
            " FROM report_submissions"
            f"  WHERE {where.replace('s.', '')}period_start = ? AND period_end = ? GROUP BY commune_id"
            ") f ON f.commune_id = s.commune_id AND f.last = s.revision"
            " WHERE s.period_start = ? AND s.period_end = ?",
            (*params, start, end),
        )
        return [(_submission(r), r["first_at"]) for r in rows]

    async def submitted_cases(self, submission_id: int) -> list[CaseVersion]:
        rows = await self.db.fetchall(
            "SELECT case_id, team_id, field, result, received_on, updated_at FROM report_submission_cases"
            " WHERE submission_id = ? ORDER BY case_id",
            (submission_id,),
        )
        return [_version(r) for r in rows]
