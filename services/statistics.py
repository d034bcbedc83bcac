"""Commune, team and province statistics and the indicators of the 2024–2030 programme (QĐ 315/QĐ-TTg).

Definitions (the README repeats them):

- A case counts in a period by its date received (`received_on`, both ends of the period included).
- `received` = all such cases; `successful`, `unsuccessful`, `pending`, `transferred`, `withdrawn` count them
  by their *current* result (`thanh`, `khong_thanh`, `dang_hoa_giai`, `chuyen_co_quan`, `rut_yeu_cau`).
- `success_rate` = successful / (successful + unsuccessful): the Ministry of Justice's rate ("tỷ lệ hòa giải
  thành" = hòa giải thành / số vụ việc đã tiến hành hòa giải, the mediated cases being the concluded ones:
  report 189/BC-BTP divides 1,096,572 by 1,350,533, not by the 1,364,806 received). The QĐ 315 indicator.
  `success_rate_received` = successful / received, a second figure labelled as such. Both are fractions 0–1,
  None when the denominator is 0. Cases pending, transferred or withdrawn are in neither numerator nor the
  official denominator.
- Indicators, each {value, target, met}; `met` is None when `value` is None. See `compute_indicators`.

This module is pure computation plus a thin async service that asks storage for aggregates (GROUP BY in
SQLite).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from services import dates
from services.case_models import FIELD_CODES, RESULT_CODES

# MIN_TEAM_SIZE and TeamMembers are domain types (storage builds them); imported here for the statistics API.
from services.models import MIN_TEAM_SIZE, TEAM_ROLES, Commune, Person, Province, Role, Team, TeamMembers
from vocabulary import messages as msg

if TYPE_CHECKING:
    from storage.org import OrgRepository
    from storage.stats import StatsRepository

# --- Codes (services/case_models.py; the report's labels: STATS_FIELD_LABELS, STATS_RESULT_LABELS) ---------
FIELDS: tuple[str, ...] = FIELD_CODES
RESULTS: tuple[str, ...] = RESULT_CODES
#: Result code → the count it adds to.
RESULT_COUNT = {
    "thanh": "successful",
    "khong_thanh": "unsuccessful",
    "dang_hoa_giai": "pending",
    "chuyen_co_quan": "transferred",
    "rut_yeu_cau": "withdrawn",
}
COUNT_KEYS = ("received", "successful", "unsuccessful", "pending", "transferred", "withdrawn")

#: Roles that are mediators of a team (the team leader is a mediator too).
MEDIATOR_ROLES = TEAM_ROLES

# --- Targets of QĐ 315/QĐ-TTg ------------------------------------------------------------------------------
SUCCESS_TARGET = 0.85
SUCCESS_TARGET_PILOT = 0.90
TRAINED_TARGET = 0.80  # the programme says 80–90 % (100 % in pilot communes of some provincial plans)
TRAINED_IN_6_MONTHS_TARGET = 1.0
FULL_COMPOSITION_TARGET = 1.0
LEGAL_SUPPORTER_TARGET = 0.10
#: The 6-month training indicator covers mediators recognised from this date on (start of the programme).
RECOGNITION_SINCE = date(2024, 1, 1)

INDICATORS = (
    "success_rate",
    "trained_share",
    "trained_within_6_months",
    "teams_full_composition",
    "teams_with_legal_supporter",
)

#: The scope of the national roll-up (Bộ Tư pháp): not a row of the provinces table.
NATIONAL = Province(id=0, code="VN", name=msg.STATS_NATIONAL)
_EPS = 1e-9


# --- Periods ------------------------------------------------------------------------------------------------
class PeriodError(ValueError):
    """A period that cannot be used; `reason` is one of 'format', 'date', 'order', 'range'."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise PeriodError("order")

    @property
    def iso(self) -> tuple[str, str]:
        return self.start.isoformat(), self.end.isoformat()

    def contains(self, day: date | str) -> bool:
        day = parse_iso_date(day) if isinstance(day, str) else day
        return self.start <= day <= self.end

    def as_json(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def parse_iso_date(value: str) -> date:
    """A strict YYYY-MM-DD date (raises PeriodError('format'/'date'))."""
    try:
        return dates.parse_iso(value)
    except dates.DateError as exc:
        raise PeriodError("format" if exc.reason == "format" else "date") from None


def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months, clamped to the end of the month (31/08 + 6 months = 28/02)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


PRESETS = ("month", "quarter", "half", "year")


def preset_period(key: str, today: date) -> Period:
    """The calendar period containing `today`: month, quarter, half-year (MoJ 6-month period) or year."""
    y, m = today.year, today.month
    if key == "month":
        return Period(date(y, m, 1), _month_end(y, m))
    if key == "quarter":
        first = 3 * ((m - 1) // 3) + 1
        return Period(date(y, first, 1), _month_end(y, first + 2))
    if key == "half":
        return Period(date(y, 1, 1), date(y, 6, 30)) if m <= 6 else Period(date(y, 7, 1), date(y, 12, 31))
    if key == "year":
        return Period(date(y, 1, 1), date(y, 12, 31))
    raise ValueError(f"unknown period preset {key!r}")


#: The periods of the Ministry of Justice's statistical regime that can be confirmed (README "Reporting
#: periods"): Thông tư 03/2019/TT-BTP — the 6-month period 01/01–30/06 with actual figures 01/01–31/05 (the
#: rest estimated), the year 01/01–31/12 (the official annual report has all actual figures).
def reporting_periods(today: date) -> list[tuple[str, Period]]:
    """The statistical periods offered first: this year's 6-month period, its actual-figures part (to 31/05),
    this year, and last year (the official annual report)."""
    y = today.year
    return [
        ("h6", Period(date(y, 1, 1), date(y, 6, 30))),
        ("h6a", Period(date(y, 1, 1), date(y, 5, 31))),
        ("y", Period(date(y, 1, 1), date(y, 12, 31))),
        ("yp", Period(date(y - 1, 1, 1), date(y - 1, 12, 31))),
    ]


def previous_month(today: date) -> Period:
    last = date(today.year, today.month, 1).toordinal() - 1
    end = date.fromordinal(last)
    return Period(date(end.year, end.month, 1), end)


MIN_YEAR, MAX_YEAR = 2000, 2100


def parse_period_text(text: str | None) -> Period:
    """'dd/mm/yyyy - dd/mm/yyyy' as people type it: '1/1/2025 den 31.3.2025', '01-01-2025 – 31-03-2025'…"""
    found = dates.dates_in_text(text)
    if len(found) != 2:
        raise PeriodError("format")
    days = []
    for y, mo, d in found:
        try:
            day = dates.make(y, mo, d)
        except dates.DateError:
            raise PeriodError("date") from None
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise PeriodError("range")
        days.append(day)
    return Period(days[0], days[1])


# --- Counts ------------------------------------------------------------------------------------------------
def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


@dataclass(slots=True)
class Counts:
    received: int = 0
    successful: int = 0
    unsuccessful: int = 0
    pending: int = 0
    transferred: int = 0
    withdrawn: int = 0

    def add_result(self, result: str, n: int) -> None:
        key = RESULT_COUNT.get(result)
        if key is None:
            raise ValueError(f"unknown result {result!r}")
        setattr(self, key, getattr(self, key) + n)
        self.received += n

    def add(self, other: Counts) -> None:
        for key in COUNT_KEYS:
            setattr(self, key, getattr(self, key) + getattr(other, key))

    @property
    def mediated(self) -> int:
        """The denominator of the official rate: cases mediated to a conclusion (successful +
        unsuccessful)."""
        return self.successful + self.unsuccessful

    @property
    def success_rate(self) -> float | None:
        """The official rate: successful / (successful + unsuccessful)."""
        return ratio(self.successful, self.mediated)

    @property
    def success_rate_received(self) -> float | None:
        """The second figure: successful / received."""
        return ratio(self.successful, self.received)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {key: getattr(self, key) for key in COUNT_KEYS}
        data["success_rate"] = self.success_rate
        data["success_rate_received"] = self.success_rate_received
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Counts:
        return cls(**{key: int(data.get(key) or 0) for key in COUNT_KEYS})

    @classmethod
    def from_results(cls, results: Mapping[str, int]) -> Counts:
        counts = cls()
        for result, n in results.items():
            counts.add_result(result, n)
        return counts


# --- Organisation ------------------------------------------------------------------------------------------
def team_complete(members: TeamMembers | None, many_ethnic_minority: bool) -> bool:
    """Full composition: ≥ 3 mediators including a team leader, ≥ 1 woman, and ≥ 1 ethnic-minority mediator
    where the commune is marked as having many ethnic-minority residents."""
    if members is None:
        return False
    if members.mediators < MIN_TEAM_SIZE or members.leaders < 1 or members.women < 1:
        return False
    return not many_ethnic_minority or members.ethnic_minority >= 1


@dataclass(slots=True)
class Organisation:
    teams: int = 0
    mediators: int = 0
    women: int = 0
    men: int = 0
    ethnic_minority: int = 0
    trained: int = 0
    legal_supporters: int = 0
    teams_with_legal_supporter: int = 0
    teams_full_composition: int = 0

    def add_team(self, members: TeamMembers | None, complete: bool) -> None:
        self.teams += 1
        self.teams_full_composition += int(complete)
        if members is None:
            return
        self.mediators += members.mediators
        self.women += members.women
        self.men += members.men
        self.ethnic_minority += members.ethnic_minority
        self.trained += members.trained
        self.legal_supporters += members.legal_supporters
        self.teams_with_legal_supporter += int(members.legal_supporters > 0)

    def add(self, other: Organisation) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_json(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__slots__}


# --- Indicators --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Indicator:
    value: float | None
    target: float

    @property
    def met(self) -> bool | None:
        return None if self.value is None else self.value + _EPS >= self.target

    def as_json(self) -> dict[str, Any]:
        return {"value": self.value, "target": self.target, "met": self.met}


def success_target(commune: Commune | None) -> float:
    """The commune's own target, else 90 % for pilot communes, else 85 % (also for a province)."""
    if commune is None:
        return SUCCESS_TARGET
    if commune.success_target is not None:
        return float(commune.success_target)
    return SUCCESS_TARGET_PILOT if commune.is_pilot else SUCCESS_TARGET


def recognition_window(period_end: date) -> tuple[date, date]:
    """Mediators recognised in [2024-01-01, period end − 6 months] are covered by the 6-month indicator."""
    return RECOGNITION_SINCE, add_months(period_end, -6)


def trained_within_6_months(groups: Iterable[tuple[str, str | None, int]], period_end: date) -> float | None:
    """Share of mediators recognised since 2024-01-01 and at least 6 months before `period_end` who were
    trained no later than 6 months after their recognition. `groups` are (recognised_on, trained_on,
    count)."""
    since, cutoff = recognition_window(period_end)
    eligible = on_time = 0
    for recognised_on, trained_on, n in groups:
        try:
            recognised = date.fromisoformat(recognised_on)
        except (TypeError, ValueError):
            continue
        if not since <= recognised <= cutoff:
            continue
        eligible += n
        if trained_on:
            try:
                trained = date.fromisoformat(trained_on)
            except ValueError:
                continue
            if trained <= add_months(recognised, 6):
                on_time += n
    return ratio(on_time, eligible)


def compute_indicators(
    cases: Counts, organisation: Organisation, trained_in_time: float | None, target_success: float
) -> dict[str, Indicator]:
    return {
        "success_rate": Indicator(cases.success_rate, target_success),
        "trained_share": Indicator(ratio(organisation.trained, organisation.mediators), TRAINED_TARGET),
        "trained_within_6_months": Indicator(trained_in_time, TRAINED_IN_6_MONTHS_TARGET),
        "teams_full_composition": Indicator(
            ratio(organisation.teams_full_composition, organisation.teams), FULL_COMPOSITION_TARGET
        ),
        "teams_with_legal_supporter": Indicator(
            ratio(organisation.teams_with_legal_supporter, organisation.teams), LEGAL_SUPPORTER_TARGET
        ),
    }


# --- Report ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Scope:
    """What a report covers: one team, one commune or one province."""

    level: str
    id: int
    code: str
    name: str
    province: Province
    commune: Commune | None = None
    team: Team | None = None


@dataclass(slots=True)
class TeamLine:
    team: Team
    counts: Counts
    members: TeamMembers | None
    complete: bool


@dataclass(slots=True)
class CommuneLine:
    commune: Commune
    counts: Counts
    organisation: Organisation

    @property
    def reported(self) -> bool:
        """Completeness: did the commune report at least one case received in the period?"""
        return self.counts.received > 0


@dataclass(slots=True)
class ProvinceLine:
    """One province in the national roll-up."""

    province: Province
    counts: Counts
    organisation: Organisation
    indicators: dict[str, Indicator]
    communes: int
    #: communes with at least one case in the period (live) or with a submission (submitted)
    reported: int


@dataclass(slots=True)
class Report:
    scope: Scope
    period: Period
    cases: Counts
    by_field: dict[str, Counts]
    by_team: list[TeamLine]
    organisation: Organisation
    indicators: dict[str, Indicator]
    by_commune: list[CommuneLine] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    by_province: list[ProvinceLine] | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "scope": {"level": self.scope.level, "code": self.scope.code, "name": self.scope.name},
            "period": self.period.as_json(),
            "cases": self.cases.as_json(),
            "by_field": {code: counts.as_json() for code, counts in self.by_field.items()},
            "by_team": {
                line.team.code: {
                    **line.counts.as_json(),
                    "commune": self._commune_code(line.team),
                    "full_composition": line.complete,
                }
                for line in self.by_team
            },
            "organisation": self.organisation.as_json(),
            "indicators": {name: ind.as_json() for name, ind in self.indicators.items()},
            "definitions": {
                "period": "cases counted by date received, from and to included",
                "success_rate": "successful / (successful + unsuccessful)",
                "success_rate_received": "successful / received",
                "rates": "fractions 0-1, null when the denominator is 0",
            },
        }
        data["source"] = self.source
        if self.by_province is not None:
            data["by_province"] = {
                line.province.code: {
                    **line.counts.as_json(),
                    "name": line.province.name,
                    "communes": line.communes,
                    "reported": line.reported,
                    "organisation": line.organisation.as_json(),
                    "indicators": {k: v.as_json() for k, v in line.indicators.items()},
                }
                for line in self.by_province
            }
            key = "submitted" if self.source == "submitted" else "reported"
            data["completeness"] = {
                "communes": sum(p.communes for p in self.by_province),
                key: sum(p.reported for p in self.by_province),
            }
        if self.by_commune is not None:
            data["by_commune"] = {
                line.commune.code: {
                    **line.counts.as_json(),
                    "reported": line.reported,
                    **self._submission_mark(line.commune.id),
                }
                for line in self.by_commune
            }
            missing = [line.commune.code for line in self.by_commune if not line.reported]
            data["completeness"] = {
                "communes": len(self.by_commune),
                "reported": len(self.by_commune) - len(missing),
                "not_reported": missing,
            }
            if self.source == "submitted":
                data["completeness"]["not_submitted"] = [
                    line.commune.code for line in self.by_commune if line.commune.id not in self.submissions
                ]
        return data

    @property
    def source(self) -> str:
        """'live' (the cases as they are now) or 'submitted' (the communes' latest submitted figures)."""
        return self.extra.get("source", "live")

    @property
    def submissions(self) -> dict[int, Any]:
        """commune id → its latest Submission (storage.submissions) when the source is 'submitted'."""
        return self.extra.get("submissions", {})

    def _submission_mark(self, commune_id: int) -> dict[str, Any]:
        if self.source != "submitted":
            return {}
        sub = self.submissions.get(commune_id)
        return {"submitted": sub is not None, "revision": sub.revision if sub else None}

    def _commune_code(self, team: Team) -> str | None:
        if self.scope.commune is not None:
            return self.scope.commune.code
        return self.extra.get("commune_codes", {}).get(team.commune_id)


def build_report(
    scope: Scope,
    period: Period,
    *,
    field_results: Iterable[tuple[str, str, int]],
    team_results: Iterable[tuple[int, int, str, int]],
    teams: Iterable[Team],
    members: Iterable[TeamMembers],
    recognition_groups: Iterable[tuple] | None = None,
    communes: Iterable[Commune] = (),
) -> Report:
    """Assemble a report from storage aggregates.

    field_results: (field, result, n); team_results: (commune_id, team_id, result, n); teams: the teams of the
    scope (every one appears in by_team, also with no cases); members: per-team aggregates of mediators;
    communes: the communes of the scope (for a province: every one appears in by_commune).
    The 6-month training indicator comes from `recognition_groups` (recognised_on, trained_on, n) when given,
    else from the `recent` / `recent_trained_in_time` counts of the members of active teams.
    """
    by_field = {code: Counts() for code in FIELDS}
    cases = Counts()
    for field_code, result, n in field_results:
        by_field.setdefault(field_code, Counts()).add_result(result, n)
        cases.add_result(result, n)

    commune_list = list(communes) or ([scope.commune] if scope.commune else [])
    communes_by_id = {c.id: c for c in commune_list}
    team_counts: dict[int, Counts] = {}
    commune_counts: dict[int, Counts] = {c.id: Counts() for c in commune_list}
    for commune_id, team_id, result, n in team_results:
        team_counts.setdefault(team_id, Counts()).add_result(result, n)
        commune_counts.setdefault(commune_id, Counts()).add_result(result, n)

    members_by_team = {m.team_id: m for m in members}
    commune_orgs: dict[int, Organisation] = {c.id: Organisation() for c in commune_list}
    organisation = Organisation()
    lines = []
    recent = recent_in_time = 0
    for team in sorted(teams, key=lambda t: t.code):
        commune = communes_by_id.get(team.commune_id)
        many_em = bool(commune and commune.many_ethnic_minority)
        team_members = members_by_team.get(team.id)
        complete = team_complete(team_members, many_em)
        if team.active:
            organisation.add_team(team_members, complete)
            if team_members is not None:
                recent += team_members.recent
                recent_in_time += team_members.recent_trained_in_time
            commune_orgs.setdefault(team.commune_id, Organisation()).add_team(team_members, complete)
        lines.append(TeamLine(team, team_counts.get(team.id, Counts()), team_members, complete))

    target = success_target(scope.commune) if scope.level in ("commune", "team") else SUCCESS_TARGET
    if recognition_groups is not None:
        trained_in_time = trained_within_6_months(recognition_groups, period.end)
    else:
        trained_in_time = ratio(recent_in_time, recent)
    indicators = compute_indicators(cases, organisation, trained_in_time, target)
    by_commune = None
    if scope.level == "province":
        by_commune = [
            CommuneLine(c, commune_counts.get(c.id, Counts()), commune_orgs.get(c.id, Organisation()))
            for c in sorted(commune_list, key=lambda c: c.code)
        ]
    return Report(
        scope,
        period,
        cases,
        by_field,
        lines,
        organisation,
        indicators,
        by_commune,
        extra={"commune_codes": {c.id: c.code for c in commune_list}},
    )


# --- Who may see what --------------------------------------------------------------------------------------
class ScopeDenied(PermissionError):
    """The person may not see statistics of this scope."""


def may_see(person: Person, level: str, scope_id: int, *, province_id: int, commune_id: int | None) -> bool:
    """Commune officials see their commune, team leaders their team, province officials their province and its
    communes, administrators everything. `province_id`/`commune_id` describe where the scope lies."""
    if not person.active:
        return False
    if person.role in (Role.ADMIN, Role.MINISTRY_OFFICIAL):
        return True  # the Ministry sees the country, every province and commune (read only)
    if level == "national":
        return False
    if person.role == Role.PROVINCE_OFFICIAL:
        return person.province_id is not None and person.province_id == province_id
    if person.role == Role.COMMUNE_OFFICIAL:
        return level == "commune" and person.commune_id is not None and scope_id == person.commune_id
    if person.role == Role.TEAM_LEADER:
        return level == "team" and person.team_id is not None and scope_id == person.team_id
    return False


class StatisticsService:
    """Reports for a scope and period, from SQL aggregates."""

    def __init__(self, stats: StatsRepository, org: OrgRepository):
        self.stats = stats
        self.org = org

    async def scope(self, level: str, scope_id: int) -> Scope | None:
        if level == "national":
            return Scope("national", 0, NATIONAL.code, NATIONAL.name, NATIONAL)
        if level == "province":
            province = await self.org.province(scope_id)
            return (
                Scope("province", province.id, province.code, province.name, province) if province else None
            )
        if level == "commune":
            commune = await self.org.commune(scope_id)
            if commune is None:
                return None
            province = await self._province_of(commune)
            return Scope("commune", commune.id, commune.code, commune.name, province, commune)
        if level == "team":
            team = await self.org.team(scope_id)
            if team is None:
                return None
            commune = await self.org.commune(team.commune_id)
            if commune is None:  # the schema's foreign key makes this a broken database
                raise LookupError(f"commune {team.commune_id} of team {team.id} not found")
            province = await self._province_of(commune)
            return Scope("team", team.id, team.code, team.name, province, commune, team)
        raise ValueError(f"unknown level {level!r}")

    async def _province_of(self, commune: Commune) -> Province:
        province = await self.org.province(commune.province_id)
        if province is None:  # the schema's foreign key makes this a broken database
            raise LookupError(f"province {commune.province_id} of commune {commune.id} not found")
        return province

    async def scope_by_code(self, level: str, code: str) -> Scope | None:
        if level == "national":
            return await self.scope("national", 0)
        found: Province | Commune | Team | None
        if level == "province":
            found = await self.org.province_by_code(code)
        elif level == "commune":
            found = await self.org.commune_by_code(code)
        else:
            found = await self.org.team_by_code(code)
        return await self.scope(level, found.id) if found else None

    async def scope_for(self, person: Person, level: str, scope_id: int) -> Scope:
        """The scope, if `person` may see it; raises ScopeDenied otherwise (never trust ids from a chat)."""
        scope = await self.scope(level, scope_id)
        if scope is None or not may_see(
            person,
            level,
            scope_id,
            province_id=scope.province.id,
            commune_id=scope.commune.id if scope.commune else None,
        ):
            raise ScopeDenied(f"{person.id} may not see {level} {scope_id}")
        return scope

    async def default_scope(self, person: Person) -> Scope | None:
        """The scope a person sees without choosing: their commune, team or province."""
        if person.role == Role.COMMUNE_OFFICIAL and person.commune_id:
            return await self.scope("commune", person.commune_id)
        if person.role == Role.TEAM_LEADER and person.team_id:
            return await self.scope("team", person.team_id)
        if person.role == Role.PROVINCE_OFFICIAL and person.province_id:
            return await self.scope("province", person.province_id)
        if person.role == Role.MINISTRY_OFFICIAL:
            return await self.scope("national", 0)
        return None

    async def report(self, scope: Scope, period: Period) -> Report:
        start, end = period.iso
        level, sid = scope.level, scope.id
        field_results = await self.stats.field_results(level, sid, start, end)
        team_results = await self.stats.team_results(level, sid, start, end)
        return await self.report_from(scope, period, field_results, team_results)

    async def report_from(
        self,
        scope: Scope,
        period: Period,
        field_results: list[tuple[str, str, int]],
        team_results: list[tuple[int, int, str, int]],
    ) -> Report:
        """The report of `scope` from case aggregates read elsewhere (a submission reads them with the case
        ids in one transaction); the organisation is read here."""
        inputs = await self.inputs(scope, period, field_results, team_results)
        return build_report(scope, period, **inputs)

    async def inputs(
        self,
        scope: Scope,
        period: Period,
        field_results: list[tuple[str, str, int]],
        team_results: list[tuple[int, int, str, int]],
    ) -> dict[str, Any]:
        """The keyword arguments of `build_report` for `scope`: the case aggregates given and the
        organisation."""
        start, end = period.iso
        level, sid = scope.level, scope.id
        if level == "team":
            if scope.team is None:
                raise LookupError(f"team scope {sid} without its team")
            teams = [scope.team]
        else:
            teams = await self.stats.teams(level, sid, end)
        known = {t.id for t in teams}
        missing = {team_id for _, team_id, _, _ in team_results} - known
        if missing:  # inactive or moved teams that still have cases in the period
            teams += [replace(t, active=False) for t in await self.stats.teams_by_ids(sorted(missing))]
        since, cutoff = recognition_window(period.end)
        members = await self.stats.team_members(level, sid, end, since.isoformat(), cutoff.isoformat())
        communes = await self.org.communes_of_province(sid) if level == "province" else ()
        return {
            "field_results": field_results,
            "team_results": team_results,
            "teams": teams,
            "members": members,
            "communes": communes,
        }
