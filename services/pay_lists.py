"""Remuneration lists of a commune: computed from the recorded cases, drawn up, paid; who may do what.

The rules are in services/remuneration.py (plain functions); this service loads what they need through the
repository and checks, on the server, that the person asking may see or change it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from services.models import Commune, Person, Province, Role
from services.remuneration import RESULT_RULES, PayList, RateTable, build_pay_list, check_rate
from services.statistics import Period
from storage.org import OrgRepository
from storage.remuneration import AlreadyExcluded, PayConflict, RemunerationRepository, StoredList

__all__ = ["AlreadyExcluded", "PayConflict", "PayDenied", "PayInputError", "PayListService"]

MANAGERS = (Role.COMMUNE_OFFICIAL, Role.ADMIN)
EARNERS = (Role.MEDIATOR, Role.TEAM_LEADER)
MIN_REASON, MAX_REASON = 10, 500


class PayDenied(Exception):
    """The person may not see or change this commune's remuneration."""


class PayInputError(ValueError):
    """Bad input; `reason` names it: 'case', 'reason', 'not_paid_case', 'list', 'not_draft', 'date'."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class MyCase:
    case_no: str
    day: str
    result: str
    eligible: bool
    share: int
    status: str  # 'payable', 'paid', 'excluded', 'not_eligible'
    reason: str
    paid_list: int | None = None
    paid_on: str | None = None


@dataclass(frozen=True, slots=True)
class CommuneTotal:
    commune: Commune
    cases: int
    amount: int
    team_support: int
    adjustment: int
    total: int
    paid: int


class PayListService:
    def __init__(self, repo: RemunerationRepository, org: OrgRepository, timezone: str = "Asia/Ho_Chi_Minh"):
        self.repo = repo
        self.org = org
        self.timezone = timezone

    def today(self) -> date:
        """The date of the list (in the commune's time zone): months not begun yet get no team support."""
        return datetime.now(ZoneInfo(self.timezone)).date()

    # --- permissions ---------------------------------------------------------------------------------------
    @staticmethod
    def can_manage(person: Person | None, commune: Commune) -> bool:
        """Draw up, exclude, mark paid: the commune's own officials (and administrators)."""
        if person is None or not person.active:
            return False
        return person.role == Role.ADMIN or (
            person.role == Role.COMMUNE_OFFICIAL and person.commune_id == commune.id
        )

    @staticmethod
    def can_view_province(person: Person | None, province: Province) -> bool:
        if person is None or not person.active:
            return False
        return person.role == Role.ADMIN or (
            person.role == Role.PROVINCE_OFFICIAL and person.province_id == province.id
        )

    def _manage(self, person: Person | None, commune: Commune) -> None:
        if not self.can_manage(person, commune):
            raise PayDenied()

    # --- the list ------------------------------------------------------------------------------------------
    async def rate_table(self, commune: Commune) -> RateTable:
        province_rates, commune_rates = await self.repo.rates(commune.province_id, commune.id)
        return RateTable(province_rates, commune_rates)

    async def compute(self, commune: Commune, period: Period) -> PayList:
        """The list as it stands now (nothing stored): every case of the period, adjustments, team support."""
        start, end = period.start.isoformat(), period.end.isoformat()
        cases = await self.repo.cases_of_period(commune.id, start, end)
        paid = await self.repo.paid_cases(commune.id)
        return build_pay_list(
            commune_code=commune.code,
            commune_name=commune.name,
            start=period.start,
            end=period.end,
            cases=cases,
            teams=await self.repo.teams(commune.id),
            rates=await self.rate_table(commune),
            exclusions=await self.repo.exclusions(commune.id),
            paid_cases=paid,
            paid_cases_facts=await self.repo.cases_by_id(sorted(paid)),
            paid_months=await self.repo.paid_months(commune.id),
            today=self.today(),
        )

    async def pay_list(self, person: Person | None, commune: Commune, period: Period) -> PayList:
        self._manage(person, commune)
        return await self.compute(commune, period)

    async def draw_up(
        self, person: Person | None, commune: Commune, period: Period, *, actor_label: str | None = None
    ) -> tuple[StoredList, PayList]:
        """Store the list as it stands now, numbered, as a draft to be signed and paid."""
        if person is not None or actor_label is None:
            self._manage(person, commune)
        pay = await self.compute(commune, period)
        items = [
            {
                "kind": "case",
                "case_id": line.case.id,
                "team_id": line.case.team_id,
                "amount": line.amount,
                "case_version": line.case.version,
                "detail": {"case_no": line.case.number},
            }
            for line in pay.lines
            if line.eligible
        ]
        items += [
            {
                "kind": "adjustment",
                "case_id": a.case.id,
                "team_id": a.case.team_id,
                "amount": a.amount,
                "case_version": a.case.version,
                "detail": {"case_no": a.case.number, "paid_before": a.paid.amount},
            }
            for a in pay.adjustments
        ]
        items += [
            {
                "kind": "team_month",
                "team_id": t.team.id,
                "month": t.month,
                "amount": t.amount,
                "detail": {"team": t.team.code},
            }
            for t in pay.team_months
            if t.amount
        ]
        stored = await self.repo.save_list(
            commune_id=commune.id,
            start=period.start.isoformat(),
            end=period.end.isoformat(),
            total=pay.total,
            data=pay.as_json(),
            items=items,
            actor_id=person.id if person else None,
            actor_label=actor_label,
        )
        return stored, pay

    async def lists(self, person: Person | None, commune: Commune) -> list[StoredList]:
        self._manage(person, commune)
        return await self.repo.lists(commune.id)

    async def mark_paid(
        self,
        person: Person | None,
        commune: Commune,
        number: int,
        paid_on: date,
        *,
        actor_label: str | None = None,
    ) -> StoredList:
        if person is not None or actor_label is None:
            self._manage(person, commune)
        stored = await self.repo.get_list(commune.id, number)
        if stored is None:
            raise PayInputError("list")
        if stored.status != "drafted":
            raise PayInputError("not_draft")
        try:
            await self.repo.mark_paid(
                stored,
                paid_on=paid_on.isoformat(),
                actor_id=person.id if person else None,
                actor_label=actor_label,
            )
        except KeyError:
            raise PayInputError("not_draft") from None
        paid = await self.repo.get_list(commune.id, number)
        if paid is None:  # read back just after it was marked: lists are never deleted
            raise PayInputError("list")
        return paid

    # --- exclusions ----------------------------------------------------------------------------------------
    async def exclude(
        self,
        person: Person | None,
        commune: Commune,
        case_no: str,
        reason: str,
        *,
        actor_label: str | None = None,
    ) -> str:
        """Take a case off the pay list with a written reason. Returns the case number as stored."""
        if person is not None or actor_label is None:
            self._manage(person, commune)
        reason = " ".join((reason or "").split())
        if not MIN_REASON <= len(reason) <= MAX_REASON:
            raise PayInputError("reason")
        case = await self.repo.case_by_number(commune.id, (case_no or "").strip().upper())
        if case is None:
            raise PayInputError("case")
        if not RESULT_RULES[case.result].eligible:
            raise PayInputError("not_paid_case")
        await self.repo.exclude(
            case_id=case.id,
            case_number=case.number,
            commune_id=commune.id,
            reason=reason,
            actor_id=person.id if person else None,
            actor_label=actor_label,
        )
        return case.number

    async def case_number(self, person: Person | None, commune: Commune, case_no: str) -> str | None:
        """The stored number of a case of the commune typed by an official (any case, upper or lower), or None."""
        self._manage(person, commune)
        case = await self.repo.case_by_number(commune.id, (case_no or "").strip().upper())
        return case.number if case else None

    async def include(
        self, person: Person | None, commune: Commune, case_no: str, *, actor_label: str | None = None
    ) -> bool:
        if person is not None or actor_label is None:
            self._manage(person, commune)
        case = await self.repo.case_by_number(commune.id, (case_no or "").strip().upper())
        if case is None:
            raise PayInputError("case")
        return await self.repo.lift_exclusion(
            case_id=case.id,
            case_number=case.number,
            commune_id=commune.id,
            actor_id=person.id if person else None,
            actor_label=actor_label,
        )

    # --- rates ---------------------------------------------------------------------------------------------
    async def set_rate(
        self,
        province: Province,
        commune: Commune | None,
        effective_from: date,
        per_case: int,
        per_successful_case: int,
        team_month: int,
        basis: str,
        *,
        person: Person | None = None,
        actor_label: str | None = None,
    ) -> int:
        """A rate decided by the province's People's Council (or a commune override), from `effective_from`.
        Raises RateError for negative amounts or amounts above the TT 56/2023 maxima."""
        if person is not None and not self.can_view_province(person, province):
            raise PayDenied()
        check_rate(per_case, per_successful_case, team_month)
        basis = " ".join((basis or "").split())
        if not basis:
            raise PayInputError("reason")
        return await self.repo.add_rate(
            province_id=province.id,
            commune_id=commune.id if commune else None,
            effective_from=effective_from.isoformat(),
            per_case=per_case,
            per_successful_case=per_successful_case,
            team_month=team_month,
            basis=basis,
            actor_id=person.id if person else None,
            actor_label=actor_label,
        )

    # --- for mediators and provinces -----------------------------------------------------------------------
    async def my_cases(self, person: Person, period: Period) -> list[MyCase]:
        """A mediator's cases of the period: eligible or not, their share, paid or not."""
        if person.role not in EARNERS or not person.commune_id:
            raise PayDenied()
        commune = await self.org.commune(person.commune_id)
        if commune is None:
            raise PayDenied()
        pay = await self.compute(commune, period)
        payments = await self.repo.payments_of(person.id)
        shares_paid: dict[int, dict] = {}
        mine = []
        for line in pay.lines:
            ids = [pid for pid, _ in line.case.mediators]
            if person.id not in ids:
                continue
            share = next((s for pid, _, s in line.shares if pid == person.id), 0)
            paid = payments.get(line.case.id)
            if paid is not None:
                share = await self._paid_share(commune, paid[0], line.case.number, person.id, shares_paid)
                mine.append(
                    MyCase(
                        line.case.number,
                        line.case.day.isoformat(),
                        line.case.result,
                        True,
                        share,
                        "paid",
                        line.reason,
                        paid[0],
                        paid[1],
                    )
                )
                continue
            mine.append(
                MyCase(
                    line.case.number,
                    line.case.day.isoformat(),
                    line.case.result,
                    line.eligible,
                    share,
                    line.status,
                    line.reason,
                )
            )
        return mine

    async def _paid_share(
        self, commune: Commune, number: int, case_no: str, person_id: int, cache: dict[int, dict]
    ) -> int:
        if number not in cache:
            stored = await self.repo.get_list(commune.id, number)
            cache[number] = stored.data if stored else {}
        for case in cache[number].get("cases", []):
            if case.get("case_no") == case_no:
                return next(
                    (m["share"] for m in case.get("mediators", []) if m.get("person_id") == person_id), 0
                )
        return 0

    async def province_totals(
        self, person: Person | None, province: Province, period: Period, *, checked: bool = True
    ) -> list[CommuneTotal]:
        """What each commune of the province owes for the period (the budget to plan)."""
        if checked and not self.can_view_province(person, province):
            raise PayDenied()
        totals = []
        for commune in await self.org.communes_of_province(province.id):
            pay = await self.compute(commune, period)
            teams = pay.teams.values()
            totals.append(
                CommuneTotal(
                    commune,
                    sum(t.cases for t in teams),
                    sum(t.amount for t in teams),
                    sum(t.team_support for t in teams),
                    sum(t.adjustment for t in teams),
                    pay.total,
                    sum(t.paid for t in teams),
                )
            )
        return totals
