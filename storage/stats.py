"""Statistics aggregations over cases and people (GROUP BY in SQLite), and the monthly-summary bookkeeping.

Indexes that keep these fast are in migrations/0006_stats.sql (see bench/stats.py for the figures).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from services.models import MIN_TEAM_SIZE, TEAM_ROLES, Province, Team, TeamMembers
from storage.db import Database, utcnow
from storage.locks import lock_key
from storage.org_history import COMMUNE_AND_MERGED, today

#: WHERE clause on `cases` for each level of scope (a commune's cases include those of communes merged into
#: it).
_CASES_SCOPE = {
    "team": "team_id = ?",
    "commune": f"commune_id IN {COMMUNE_AND_MERGED}",
    "province": "province_id = ?",
}
#: WHERE clause on person_history h for each level: where the person was at the time (migration 0013).
_PEOPLE_SCOPE = {
    "team": "h.team_id = ?",
    "commune": f"h.commune_id IN {COMMUNE_AND_MERGED}",
    "province": "h.province_id = ?",
    "national": "? = 0",
}  # every team; the parameter is the national scope id 0
_MEDIATOR_ROLES_SQL = ", ".join(f"'{r}'" for r in TEAM_ROLES)
#: The day 6 calendar months after an ISO date `day`, clamped to the end of the month (31/08 -> 28/02), per
#: dialect. SQLite's '+6 months' overflows into the next month, hence the MIN with the month's last day;
#: PostgreSQL's date + interval already clamps.
_SIX_MONTHS_AFTER = {
    "sqlite": "MIN(date({day}, '+6 months'), date({day}, 'start of month', '+7 months', '-1 day'))",
    "postgres": "to_char(CAST({day} AS date) + INTERVAL '6 months', 'YYYY-MM-DD')",
}


def _count_if(condition: str) -> str:
    """SUM of a condition, portable (PostgreSQL has no SUM(boolean))."""
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _team(row: Any) -> Team:
    return Team(
        id=row["id"],
        commune_id=row["commune_id"],
        code=row["code"],
        name=row["name"],
        active=bool(row["active"]),
    )


def _check(level: str) -> None:
    if level not in _CASES_SCOPE:
        raise ValueError(f"unknown level {level!r}")


class StatsRepository:
    def __init__(self, db: Database):
        self.db = db

    # --- cases -------------------------------------------------------------------------------------------
    async def field_results(
        self, level: str, scope_id: int, start: str, end: str
    ) -> list[tuple[str, str, int]]:
        """(field, result, number of cases) received in [start, end] in the scope."""
        _check(level)
        rows = await self.db.fetchall(
            f"SELECT field, result, COUNT(*) AS n FROM cases WHERE {_CASES_SCOPE[level]}"
            " AND received_on BETWEEN ? AND ? GROUP BY field, result",
            (scope_id, start, end),
        )
        return [(r["field"], r["result"], r["n"]) for r in rows]

    async def team_results(
        self, level: str, scope_id: int, start: str, end: str
    ) -> list[tuple[int, int, str, int]]:
        """(commune_id, team_id, result, number of cases) received in [start, end] in the scope."""
        _check(level)
        rows = await self.db.fetchall(
            f"SELECT commune_id, team_id, result, COUNT(*) AS n FROM cases WHERE {_CASES_SCOPE[level]}"
            " AND received_on BETWEEN ? AND ? GROUP BY commune_id, team_id, result",
            (scope_id, start, end),
        )
        return [(r["commune_id"], r["team_id"], r["result"], r["n"]) for r in rows]

    # --- organisation ------------------------------------------------------------------------------------
    async def provinces(self) -> list[Province]:
        rows = await self.db.fetchall("SELECT * FROM provinces ORDER BY name")
        return [Province(id=r["id"], code=r["code"], name=r["name"]) for r in rows]

    async def codes(self, kind: str) -> list[str]:
        """Every code of one kind of unit ('province', 'commune' or 'team'), sorted."""
        table = {"province": "provinces", "commune": "communes", "team": "teams"}[kind]
        return [r["code"] for r in await self.db.fetchall(f"SELECT code FROM {table} ORDER BY code")]

    async def teams(self, level: str, scope_id: int, as_of: str | None = None) -> list[Team]:
        """Teams of a commune (with the communes merged into it) or province that worked on `as_of` (default
        today), from the team history (migration 0013), each with the commune it belonged to then."""
        as_of = as_of or today()
        where = {
            "commune": f"th.commune_id IN {COMMUNE_AND_MERGED}",
            "province": "c.province_id = ?",
            "team": "th.team_id = ?",
        }.get(level)
        if where is None:
            raise ValueError(f"unknown level {level!r}")
        rows = await self.db.fetchall(  # no ORDER BY: the report sorts
            "SELECT t.id, th.commune_id, t.code, th.name, th.active FROM team_history th"
            " JOIN teams t ON t.id = th.team_id JOIN communes c ON c.id = th.commune_id"
            f" WHERE {where} AND (th.valid_from IS NULL OR th.valid_from <= ?)"
            " AND (th.valid_to IS NULL OR th.valid_to > ?) AND (th.active = 1 OR ? = 'team')",
            (scope_id, as_of, as_of, level),
        )
        return [_team(r) for r in rows]

    async def teams_by_ids(self, ids: Sequence[int]) -> list[Team]:
        found: list[Team] = []
        for i in range(0, len(ids), 500):
            chunk = list(ids[i : i + 500])
            rows = await self.db.fetchall(
                f"SELECT * FROM teams WHERE id IN ({', '.join('?' * len(chunk))})", chunk
            )
            found += [_team(r) for r in rows]
        return found

    async def teams_of_commune(self, commune_id: int) -> list[Team]:
        """Every team of a commune, active or not."""
        rows = await self.db.fetchall("SELECT * FROM teams WHERE commune_id = ? ORDER BY code", (commune_id,))
        return [_team(r) for r in rows]

    async def team_members(
        self, level: str, scope_id: int, as_of: str, since: str, cutoff: str
    ) -> list[TeamMembers]:
        """Per-team aggregates of the mediators (team leaders included) active on `as_of` according to their
        history (migration 0013: team, role, status and marks as they were that day) and recognised by
        `as_of` (or with no recognition date); `trained` counts those trained on or before `as_of`; `recent`
        those recognised in [since, cutoff] and `recent_trained_in_time` those of them trained at most 6
        calendar months after recognition (31/08 + 6 months = 28/02, as services.statistics.add_months)."""
        _check(level)
        rows = await self.db.fetchall(
            self._members_sql(level), self._members_params(scope_id, as_of, since, cutoff)
        )
        return [
            TeamMembers(
                team_id=r["team_id"],
                mediators=r["mediators"],
                leaders=r["leaders"],
                women=r["women"],
                men=r["men"],
                ethnic_minority=r["ethnic"],
                trained=r["trained"],
                legal_supporters=r["supporters"],
                recent=r["recent"] or 0,
                recent_trained_in_time=r["in_time"] or 0,
            )
            for r in rows
        ]

    @staticmethod
    def _members_params(scope_id: int, as_of: str, since: str, cutoff: str) -> tuple[Any, ...]:
        return (as_of, since, cutoff, since, cutoff, scope_id, as_of, as_of, as_of)

    def _members_sql(self, level: str) -> str:
        """Per-team aggregates from the person history (see team_members); parameters `_members_params`."""
        where = _PEOPLE_SCOPE[level]
        leader, woman, man = "h.role = 'team_leader'", "h.gender = 'nu'", "h.gender = 'nam'"
        supporter = "h.legal_supporter IS NOT NULL AND h.legal_supporter <> ''"
        in_time = (
            "h.recognised_on BETWEEN ? AND ? AND h.trained_on IS NOT NULL AND h.trained_on <= "
            + _SIX_MONTHS_AFTER[self.db.dialect].format(day="h.recognised_on")
        )
        return (
            "SELECT h.team_id AS team_id, COUNT(*) AS mediators,"
            f" {_count_if(leader)} AS leaders, {_count_if(woman)} AS women, {_count_if(man)} AS men,"
            f" {_count_if('COALESCE(h.ethnic_minority, 0) = 1')} AS ethnic,"
            f" {_count_if('h.trained_on IS NOT NULL AND h.trained_on <= ?')} AS trained,"
            f" {_count_if(supporter)} AS supporters,"
            f" {_count_if('h.recognised_on BETWEEN ? AND ?')} AS recent,"
            f" {_count_if(in_time)} AS in_time"
            f" FROM person_history h WHERE {where} AND h.status = 'active' AND h.team_id IS NOT NULL"
            f" AND h.role IN ({_MEDIATOR_ROLES_SQL}) AND h.valid_from <= ?"
            " AND (h.valid_to IS NULL OR h.valid_to > ?)"
            " AND (h.recognised_on IS NULL OR h.recognised_on <= ?) GROUP BY h.team_id"
        )

    # --- the national level ------------------------------------------------------------------------------
    async def national_results(self, start: str, end: str) -> list[tuple[int, str, str, int]]:
        """(province_id, field, result, number of cases) received in [start, end] in the whole country (index
        cases_stats_national of migration 0012)."""
        rows = await self.db.fetchall(
            "SELECT province_id, field, result, COUNT(*) AS n FROM cases WHERE received_on BETWEEN ? AND ?"
            " GROUP BY province_id, field, result",
            (start, end),
        )
        return [(r["province_id"], r["field"], r["result"], r["n"]) for r in rows]

    async def national_reporting(self, start: str, end: str) -> dict[int, int]:
        """province_id → number of its communes with at least one case received in [start, end]."""
        rows = await self.db.fetchall(
            "SELECT province_id, COUNT(DISTINCT commune_id) AS n FROM cases WHERE received_on BETWEEN ? AND ?"
            " GROUP BY province_id",
            (start, end),
        )
        return {r["province_id"]: r["n"] for r in rows}

    async def national_communes(self) -> dict[int, int]:
        """province_id → number of communes."""
        rows = await self.db.fetchall("SELECT province_id, COUNT(*) AS n FROM communes GROUP BY province_id")
        return {r["province_id"]: r["n"] for r in rows}

    async def national_organisation(self, as_of: str, since: str, cutoff: str) -> dict[int, dict[str, int]]:
        """province_id → the Organisation fields of the teams working on `as_of` (team history) plus
        `recent` / `in_time` (the 6-month training indicator's counts), from the person history as of that
        day, summed in SQL so that 34 rows, not 90,000 teams, reach Python.

        A team is complete under the same rule as services.statistics.team_complete (MIN_TEAM_SIZE mediators
        including a leader, a woman, an ethnic-minority mediator where the commune has many ethnic-minority
        residents); tests/test_report_contract.py and bench/stats.py check both give the same figures."""
        complete = (
            f"m.mediators >= {MIN_TEAM_SIZE} AND m.leaders >= 1 AND m.women >= 1"
            " AND (COALESCE(c.many_ethnic_minority, 0) = 0 OR m.ethnic >= 1)"
        )
        total = {
            name: f"SUM(COALESCE(m.{col}, 0))"
            for name, col in (
                ("mediators", "mediators"),
                ("women", "women"),
                ("men", "men"),
                ("ethnic_minority", "ethnic"),
                ("trained", "trained"),
                ("legal_supporters", "supporters"),
                ("recent", "recent"),
                ("in_time", "in_time"),
            )
        }
        rows = await self.db.fetchall(
            "SELECT c.province_id AS province_id, COUNT(*) AS teams, "
            + ", ".join(f"{expr} AS {name}" for name, expr in total.items())
            + f", {_count_if('m.supporters > 0')} AS teams_with_legal_supporter,"
            f" {_count_if(complete)} AS teams_full_composition"
            f" FROM team_history th JOIN communes c ON c.id = th.commune_id"
            f" LEFT JOIN ({self._members_sql('national')}) m ON m.team_id = th.team_id"
            " WHERE th.active = 1 AND (th.valid_from IS NULL OR th.valid_from <= ?)"
            " AND (th.valid_to IS NULL OR th.valid_to > ?) GROUP BY c.province_id",
            (*self._members_params(0, as_of, since, cutoff), as_of, as_of),
        )
        return {r["province_id"]: {k: int(r[k] or 0) for k in r.keys() if k != "province_id"} for r in rows}

    # --- monthly summary ---------------------------------------------------------------------------------
    async def set_summary_opt_out(self, person_id: int, opted_out: bool) -> None:
        if opted_out:
            await self.db.execute(
                "INSERT INTO stats_summary_optout(person_id, created_at) VALUES (?, ?)"
                " ON CONFLICT DO NOTHING",
                (person_id, utcnow()),
            )
        else:
            await self.db.execute("DELETE FROM stats_summary_optout WHERE person_id = ?", (person_id,))

    async def summary_opted_out(self, person_id: int) -> bool:
        row = await self.db.fetchone("SELECT 1 FROM stats_summary_optout WHERE person_id = ?", (person_id,))
        return row is not None

    async def summary_recipients(self, channel: str, month: str) -> list[tuple[int, int, str]]:
        """(person_id, commune_id, chat id) of active commune officials on `channel` who have not opted out
        and have not yet received the summary of `month`."""
        rows = await self.db.fetchall(
            "SELECT p.id AS person_id, p.commune_id AS commune_id, COALESCE(i.chat_id, i.external_id) AS chat"
            " FROM persons p JOIN identities i ON i.person_id = p.id"
            " WHERE p.role = 'commune_official' AND p.active = 1 AND p.commune_id IS NOT NULL"
            " AND i.channel = ?"
            " AND NOT EXISTS (SELECT 1 FROM stats_summary_optout o WHERE o.person_id = p.id)"
            " AND NOT EXISTS (SELECT 1 FROM stats_summary_sent s WHERE s.person_id = p.id AND s.month = ?)"
            " ORDER BY p.id, i.id",
            (channel, month),
        )
        seen: set[int] = set()
        result = []
        for r in rows:  # one message per person even with several identities on the channel
            if r["person_id"] not in seen:
                seen.add(r["person_id"])
                result.append((r["person_id"], r["commune_id"], r["chat"]))
        return result


# --- Seeding cases (tests and the demo) -----------------------------------------------------------------
CASE_COLUMNS = (
    "number",
    "province_id",
    "commune_id",
    "team_id",
    "received_on",
    "field",
    "basis",
    "parties_count",
    "result",
    "closed_on",
    "created_at",
    "updated_at",
)


@dataclass(slots=True)
class CaseSeed:
    """A minimal logbook entry; the province and commune are taken from the team."""

    team_id: int
    received_on: str
    field: str = "dat_dai"
    result: str = "dang_hoa_giai"
    basis: str = "yeu_cau"
    closed_on: str | None = None
    number: str | None = None
    mediator_ids: tuple[int, ...] = ()  # the mediators who took part (column 3 of the logbook)


async def seed_cases(db: Database, cases: Iterable[CaseSeed]) -> list[int]:
    """Insert cases in one transaction (province and commune looked up from each team); returns their ids."""
    ids = []
    now = utcnow()
    async with db.transaction() as conn:
        await lock_key(conn, db.dialect, "seed_cases", "")  # SEED- numbers: MAX(id) + 1, one seeder at a time
        async with conn.execute("SELECT COALESCE(MAX(id), 0) FROM cases") as cur:
            next_number = (await cur.fetchone())[0] + 1
        for case in cases:
            async with conn.execute(
                "SELECT c.province_id, t.commune_id FROM teams t JOIN communes c ON c.id = t.commune_id"
                " WHERE t.id = ?",
                (case.team_id,),
            ) as cur:
                row = await cur.fetchone()
            if row is None:
                raise ValueError(f"no team {case.team_id}")
            number = case.number or f"SEED-{next_number:07d}"
            next_number += 1
            async with conn.execute(
                f"INSERT INTO cases({', '.join(CASE_COLUMNS)}) VALUES ({', '.join('?' * len(CASE_COLUMNS))})",
                (
                    number,
                    row[0],
                    row[1],
                    case.team_id,
                    case.received_on,
                    case.field,
                    case.basis,
                    2,
                    case.result,
                    case.closed_on,
                    now,
                    now,
                ),
            ) as cur:
                ids.append(cur.lastrowid)
            await conn.executemany(
                "INSERT INTO case_mediators(case_id, person_id) VALUES (?, ?)",
                [(ids[-1], m) for m in sorted(set(case.mediator_ids))],
            )
    return ids


async def set_case_result(db: Database, case_id: int, result: str, closed_on: str | None = None) -> None:
    """Change the current result of a case (as the case form does when a mediation concludes)."""
    await db.execute(
        "UPDATE cases SET result = ?, closed_on = ?, updated_at = ? WHERE id = ?",
        (result, closed_on, utcnow(), case_id),
    )
