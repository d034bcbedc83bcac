"""Submitted reports (chốt số liệu): a commune official freezes the commune's report for a period.

- A submission stores every count, rate and indicator as shown (the report's JSON), the aggregates it was
  built from, and the id and counted state of every case behind it. Later edits and late cases never change
  it; the official sees which cases changed since and may submit a revision (1, 2, …; all kept). Submitting
  again when nothing changed (no case changed and the same figures) makes no revision: `Unchanged` names the
  latest one.
- Only a commune's own official (or an administrator, or the operator's command line) submits; team leaders
  and everyone else are refused here, whatever a chat offered.
- Province and national roll-ups "from submitted figures" add each commune's latest revision for exactly that
  period; communes that have not submitted are listed, not filled in with live figures.
- "Late" is this application's setting (DUE_DAYS after the period end), not a legal deadline: the receiving
  dates of the current statistical regime (TT 17/2025/TT-BTP) are not confirmed (see README).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from services.models import Commune, Person, Role, Team
from services.statistics import (
    Period,
    Report,
    Scope,
    StatisticsService,
    TeamMembers,
    build_report,
)
from storage.submissions import CaseVersion, Submission, SubmissionRepository
from storage.uow import Aggregate, UnitOfWork

if TYPE_CHECKING:
    from storage.org import OrgRepository

#: A commune's report counts as late when it is not submitted this many days after the period ends.
DUE_DAYS = 15


class SubmitDenied(PermissionError):
    """The person may not submit this commune's report."""


class NotSubmitted(LookupError):
    """No submission for this commune and period; `communes` lists the codes."""

    def __init__(self, communes: list[str]):
        super().__init__(", ".join(communes))
        self.communes = communes


class Unchanged(Exception):
    """Nothing changed since the latest submission: no revision is made, nothing written; `latest` is it."""

    def __init__(self, latest: Submission):
        super().__init__(f"revision {latest.revision} unchanged")
        self.latest = latest


def may_submit(person: Person, commune: Commune) -> bool:
    """A commune official of that commune, or an administrator. Team leaders never."""
    if not person.active:
        return False
    if person.role == Role.ADMIN:
        return True
    return person.role == Role.COMMUNE_OFFICIAL and person.commune_id == commune.id


@dataclass(frozen=True, slots=True)
class Change:
    """A case whose counted state differs from the submitted one: 'new' (received in the period after the
    submission, or moved into it), 'removed' (deleted or moved out) or 'changed' (result, field or team)."""

    kind: str
    case_id: int
    before: CaseVersion | None
    after: CaseVersion | None


def case_changes(submitted: list[CaseVersion], live: list[CaseVersion]) -> list[Change]:
    before = {c.case_id: c for c in submitted}
    after = {c.case_id: c for c in live}
    changes = []
    for case_id in sorted(before.keys() | after.keys()):
        old, new = before.get(case_id), after.get(case_id)
        if old is None:
            changes.append(Change("new", case_id, None, new))
        elif new is None:
            changes.append(Change("removed", case_id, old, None))
        elif old.counted != new.counted:
            changes.append(Change("changed", case_id, old, new))
    return changes


# --- what a snapshot keeps ---------------------------------------------------------------------------------
def aggregate(cases: list[CaseVersion], commune_id: int) -> tuple[list[tuple], list[tuple]]:
    """(field, result, n) and (commune_id, team_id, result, n) of a list of cases, as the SQL aggregates."""
    by_field = Counter((c.field, c.result) for c in cases)
    by_team = Counter((c.team_id, c.result) for c in cases)
    return (
        [(f, r, n) for (f, r), n in sorted(by_field.items())],
        [(commune_id, t, r, n) for (t, r), n in sorted(by_team.items())],
    )


def inputs_json(
    field_results: list[tuple], team_results: list[tuple], teams: list[Team], members: list[TeamMembers]
) -> dict[str, Any]:
    return {
        "field_results": [list(x) for x in field_results],
        "team_results": [list(x) for x in team_results],
        "teams": [[t.id, t.commune_id, t.code, t.name, t.active] for t in teams],
        "members": [asdict(m) for m in members],
    }


def inputs_from_json(data: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of build_report (without communes) from a snapshot's inputs."""
    return {
        "field_results": [tuple(x) for x in data["field_results"]],
        "team_results": [tuple(x) for x in data["team_results"]],
        "teams": [
            Team(id=t[0], commune_id=t[1], code=t[2], name=t[3], active=bool(t[4])) for t in data["teams"]
        ],
        "members": [TeamMembers(**m) for m in data["members"]],
    }


def submission_json(sub: Submission) -> dict[str, Any]:
    return {
        "revision": sub.revision,
        "submitted_at": sub.submitted_at,
        "submitted_by": sub.submitted_by,
        "submitted_by_ref": sub.submitted_label,
        "case_count": sub.cases_count,
    }


@dataclass(slots=True)
class CommuneStatus:
    commune: Commune
    latest: Submission | None
    first_at: str | None
    late: bool

    @property
    def revised(self) -> bool:
        return self.latest is not None and self.latest.revision > 1


class SubmissionService:
    def __init__(
        self,
        repo: SubmissionRepository,
        statistics: StatisticsService,
        org: OrgRepository,
        uow: UnitOfWork | None = None,
    ):
        self.repo = repo
        self.statistics = statistics
        self.org = org
        self.uow = uow or UnitOfWork(repo.db)

    async def submit(
        self, person: Person | None, scope: Scope, period: Period, label: str | None = None
    ) -> Submission:
        """Freeze the commune's report; `person` None is the operator's command line (`label` names who).
        Raises Unchanged (nothing written, nothing audited) when submitting again would freeze the same."""
        if scope.level != "commune" or scope.commune is None:
            raise ValueError("only a commune's report is submitted")
        commune = scope.commune
        if person is not None and not may_submit(person, commune):
            raise SubmitDenied(f"{person.id} may not submit commune {commune.id}")
        freeze = await self._freezer(scope, period)  # the organisation, read before the unit of work
        start, end = period.iso
        # One unit of work under the commune's row lock: "unchanged since the latest?" and the new revision
        # are decided on the same reading, and case reports of the commune wait until the figures are frozen.
        async with self.uow(Aggregate.commune(commune.id)) as u:
            inside = SubmissionService(u.submissions, self.statistics, self.org)
            same = await inside.unchanged(scope, period, freeze)
            if same is not None:
                raise Unchanged(same)
            return await u.submissions.submit(
                commune.id,
                commune.province_id,
                start,
                end,
                freeze=freeze,
                submitted_by=person.id if person else None,
                submitted_label=label,
            )

    async def _freezer(
        self, scope: Scope, period: Period
    ) -> Callable[[list[CaseVersion]], tuple[dict, dict]]:
        """freeze(cases) → (report JSON, inputs) of the commune's report from those cases and the organisation
        read now."""
        commune = scope.commune
        assert commune is not None
        organisation = await self.statistics.inputs(scope, period, [], [])
        every_team = {t.id: t for t in await self.statistics.stats.teams_of_commune(commune.id)}
        active = [t for t in organisation["teams"] if t.active]
        members = organisation["members"]

        def freeze(cases: list[CaseVersion]) -> tuple[dict, dict]:
            field_results, team_results = aggregate(cases, commune.id)
            known = {t.id for t in active}
            teams = active + [
                every_team.get(tid) or Team(tid, commune.id, f"#{tid}", f"#{tid}", False)
                for tid in sorted({c.team_id for c in cases} - known)
            ]
            report = build_report(
                scope,
                period,
                field_results=field_results,
                team_results=team_results,
                teams=teams,
                members=members,
            )
            return report.as_json(), inputs_json(field_results, team_results, teams, members)

        return freeze

    async def unchanged(
        self, scope: Scope, period: Period, freeze: Callable | None = None
    ) -> Submission | None:
        """The latest submission when submitting again would freeze the same: no case changed since
        (changes()) and the figures built now from those cases equal the stored ones (a mediator or a team
        added or removed changes figures without changing a case). None: never submitted, or something to
        revise."""
        latest, changed = await self.changes(scope, period)
        if latest is None or changed:
            return None
        freeze = freeze or await self._freezer(scope, period)
        report, inputs = freeze(await self.repo.submitted_cases(latest.id))
        stored = json.loads(
            json.dumps([report, inputs], ensure_ascii=False)
        )  # as read back from the database
        return latest if stored == [latest.report, latest.inputs] else None

    async def latest(self, scope: Scope, period: Period) -> Submission | None:
        return await self.repo.latest(scope.id, *period.iso)

    async def changes(self, scope: Scope, period: Period) -> tuple[Submission | None, list[Change]]:
        """The latest submission of the commune for the period and the cases changed since."""
        latest = await self.latest(scope, period)
        if latest is None:
            return None, []
        submitted = await self.repo.submitted_cases(latest.id)
        live = await self.repo.live_cases(scope.id, *period.iso)
        return latest, case_changes(submitted, live)

    async def submitted_json(self, scope: Scope, period: Period) -> dict[str, Any]:
        """The commune's report exactly as submitted (latest revision), plus who and when; NotSubmitted."""
        latest = await self.latest(scope, period)
        if latest is None:
            raise NotSubmitted([scope.code])
        return {**latest.report, "source": "submitted", "submission": submission_json(latest)}

    async def submitted_commune_report(self, scope: Scope, period: Period) -> Report:
        """The submitted report as a Report (for text and XLSX), rebuilt from the frozen aggregates."""
        latest = await self.latest(scope, period)
        if latest is None:
            raise NotSubmitted([scope.code])
        report = build_report(scope, period, **inputs_from_json(latest.inputs))
        report.extra.update(source="submitted", submissions={scope.id: latest})
        return report

    async def submitted_province_report(self, scope: Scope, period: Period) -> Report:
        """The province roll-up from each commune's latest submission; communes without one count nothing and
        are listed as not submitted."""
        latest = {sub.commune_id: sub for sub, _ in await self.repo.latest_of_province(scope.id, *period.iso)}
        merged: dict[str, list] = {"field_results": [], "team_results": [], "teams": [], "members": []}
        for sub in latest.values():
            for key, values in inputs_from_json(sub.inputs).items():
                merged[key] += values
        communes = await self.org.communes_of_province(scope.id)
        report = build_report(scope, period, communes=communes, **merged)
        report.extra.update(source="submitted", submissions=latest)
        return report

    async def province_status(self, province_id: int, period: Period, today: date) -> list[CommuneStatus]:
        """Every commune of the province: its latest submission for the period, late or not, revised or
        not."""
        latest = {
            sub.commune_id: (sub, first)
            for sub, first in await self.repo.latest_of_province(province_id, *period.iso)
        }
        due = period.end + timedelta(days=DUE_DAYS)
        statuses = []
        for commune in await self.org.communes_of_province(province_id):
            sub, first = latest.get(commune.id, (None, None))
            late = (today > due) if sub is None or first is None else (date.fromisoformat(first[:10]) > due)
            statuses.append(CommuneStatus(commune, sub, first, late))
        return statuses
