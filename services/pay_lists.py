"""Remuneration lists of a commune: computed from the recorded cases, drawn up, paid; who may do what.

The rules are in services/remuneration.py (plain functions); this service loads what they need through the
repository and checks, on the server, that the person asking may see or change it. Each change is one unit of
work (storage/uow.py) with its audit_log row, under the lock of what it changes:
- a list drawn up: the commune's row lock (lists are numbered per commune; the list is computed under it);
- a list paid: the row locks of the commune and of the communes merged with it (their lists may pay the same
  team months), so two payments that could pay one line twice run one after the other;
- an exclusion and its lifting: the case's row lock (one exclusion in force per case, also a unique index);
- a rate: new rows only, no lock.
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
from storage.uow import Aggregate, UnitOfWork

__all__ = ["AlreadyExcluded", "PayConflict", "PayDenied", "PayInputError", "PayListService"]

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
    def __init__(
        self,
        repo: RemunerationRepository,
        org: OrgRepository,
        timezone: str = "Asia/Ho_Chi_Minh",
        uow: UnitOfWork | None = None,
    ):
        self.repo = repo
        self.org = org
        self.timezone = timezone
        self.uow = uow or UnitOfWork(repo.db)

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
    async def rate_table(self, commune: Commune, repo: RemunerationRepository | None = None) -> RateTable:
        province_rates, commune_rates = await (repo or self.repo).rates(commune.province_id, commune.id)
        return RateTable(province_rates, commune_rates)

    async def compute(
        self, commune: Commune, period: Period, repo: RemunerationRepository | None = None
    ) -> PayList:
        """The list as it stands now (nothing stored): every case of the period, adjustments, team support.
        `repo`: the repository to read through (a unit of work's; default: the service's)."""
        repo = repo or self.repo
        start, end = period.start.isoformat(), period.end.isoformat()
        cases = await repo.cases_of_period(commune.id, start, end)
        paid = await repo.paid_cases(commune.id)
        return build_pay_list(
            commune_code=commune.code,
            commune_name=commune.name,
            start=period.start,
            end=period.end,
            cases=cases,
            teams=await repo.teams(commune.id),
            rates=await self.rate_table(commune, repo),
            exclusions=await repo.exclusions(commune.id),
            paid_cases=paid,
            paid_cases_facts=await repo.cases_by_id(sorted(paid)),
            paid_months=await repo.paid_months(commune.id),
            today=self.today(),
        )

    async def pay_list(self, person: Person | None, commune: Commune, period: Period) -> PayList:
        self._manage(person, commune)
        return await self.compute(commune, period)

    async def draw_up(
        self, person: Person | None, commune: Commune, period: Period, *, actor_label: str | None = None
    ) -> tuple[StoredList, PayList]:
        """Store the list as it stands now, numbered, as a draft to be signed and paid (with its audit
        row)."""
        if person is not None or actor_label is None:
            self._manage(person, commune)
        actor_id = person.id if person else None
        # Numbered per commune: the commune's row lock. The list is computed under it, so what is stored is
        # what the numbered list shows, whatever another official pays or draws up at the same moment.
        async with self.uow(Aggregate.commune(commune.id)) as u:
            pay = await self.compute(commune, period, u.remuneration)
            number = await u.remuneration.next_number(commune.id)
            items = _items(pay)
            stored = await u.remuneration.save_list(
                commune_id=commune.id,
                number=number,
                start=period.start.isoformat(),
                end=period.end.isoformat(),
                total=pay.total,
                data={**pay.as_json(), "number": number},
                items=items,
                actor_id=actor_id,
            )
            await u.audit.add(
                action="remuneration.draft",
                object_type="remuneration_list",
                object_id=stored.id,
                actor_id=actor_id,
                actor_label=actor_label,
                commune_id=commune.id,
                after={
                    "number": number,
                    "from": stored.start,
                    "to": stored.end,
                    "total": pay.total,
                    "lines": len(items),
                },
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
        """Mark the drafted list `number` paid on `paid_on` (with its audit row). PayInputError 'list' or
        'not_draft'; PayConflict (nothing changed) if a paid list paid one of its lines since it was drawn
        up."""
        if person is not None or actor_label is None:
            self._manage(person, commune)
        actor_id = person.id if person else None
        # Whether another list paid one of these lines: the row locks of every commune whose lists may pay
        # them (taken at once, in one order).
        family = await self.repo.merge_family(commune.id)
        async with self.uow(*(Aggregate.commune(c) for c in family)) as u:
            stored = await u.remuneration.get_list(commune.id, number)
            if stored is None:
                raise PayInputError("list")
            if stored.status != "drafted":
                raise PayInputError("not_draft")
            conflicts = await self._conflicts(u.remuneration, stored)
            if conflicts:
                raise PayConflict(conflicts)
            if not await u.remuneration.set_paid(stored.id, paid_on=paid_on.isoformat(), actor_id=actor_id):
                raise PayInputError("not_draft")  # cannot happen under the lock; the UPDATE checks it too
            await u.audit.add(
                action="remuneration.paid",
                object_type="remuneration_list",
                object_id=stored.id,
                actor_id=actor_id,
                actor_label=actor_label,
                commune_id=stored.commune_id,
                before={"status": "drafted"},
                after={
                    "status": "paid",
                    "number": stored.number,
                    "paid_on": paid_on.isoformat(),
                    "total": stored.total,
                },
            )
            paid = await u.remuneration.get_list(commune.id, number)
        if paid is None:  # read back just after it was marked: lists are never deleted
            raise PayInputError("list")
        return paid

    @staticmethod
    async def _conflicts(repo: RemunerationRepository, stored: StoredList) -> list[str]:
        """The lines of `stored` that a paid list paid since it was drawn up: a team month paid, a case line
        of a case paid, an adjustment whose 'paid before' is not what was paid (case numbers / team
        months)."""
        conflicts = []
        for item in await repo.items(stored.id):
            detail = item["detail"]
            if item["kind"] == "team_month":
                if await repo.month_paid(item["team_id"], item["month"]):
                    conflicts.append(f"{detail.get('team', item['team_id'])} {item['month']}")
                continue
            paid_sum, paid_lines = await repo.case_paid(item["case_id"])
            if (item["kind"] == "case" and paid_lines) or (
                item["kind"] == "adjustment" and paid_sum != detail.get("paid_before")
            ):
                conflicts.append(detail.get("case_no", str(item["case_id"])))
        return conflicts

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
        """Take a case off the pay list with a written reason (and its audit row). Returns the case number as
        stored. AlreadyExcluded if it is excluded already."""
        if person is not None or actor_label is None:
            self._manage(person, commune)
        reason = " ".join((reason or "").split())
        if not MIN_REASON <= len(reason) <= MAX_REASON:
            raise PayInputError("reason")
        found = await self.repo.case_by_number(commune.id, (case_no or "").strip().upper())
        if found is None:
            raise PayInputError("case")
        actor_id = person.id if person else None
        async with self.uow(Aggregate.case(found.id)) as u:  # read, then write: the case's row lock
            (case,) = await u.remuneration.cases_by_id([found.id])  # its result as it is now
            if not RESULT_RULES[case.result].eligible:
                raise PayInputError("not_paid_case")
            if await u.remuneration.open_exclusion(case.id) is not None:
                raise AlreadyExcluded(case.number)
            await u.remuneration.exclude(
                case_id=case.id, commune_id=commune.id, reason=reason, actor_id=actor_id
            )
            await u.audit.add(
                action="remuneration.exclude",
                object_type="case",
                object_id=case.id,
                actor_id=actor_id,
                actor_label=actor_label,
                commune_id=commune.id,
                after={"case_no": case.number, "reason": reason},
            )
        return case.number

    async def case_number(self, person: Person | None, commune: Commune, case_no: str) -> str | None:
        """The stored number of a case of the commune typed by an official (any case, upper or lower), or
        None."""
        self._manage(person, commune)
        case = await self.repo.case_by_number(commune.id, (case_no or "").strip().upper())
        return case.number if case else None

    async def include(
        self, person: Person | None, commune: Commune, case_no: str, *, actor_label: str | None = None
    ) -> bool:
        """Lift the case's exclusion (and audit it); False if it had none."""
        if person is not None or actor_label is None:
            self._manage(person, commune)
        case = await self.repo.case_by_number(commune.id, (case_no or "").strip().upper())
        if case is None:
            raise PayInputError("case")
        actor_id = person.id if person else None
        async with self.uow(Aggregate.case(case.id)) as u:  # read, then write: the case's row lock
            exclusion = await u.remuneration.open_exclusion(case.id)
            if exclusion is None or not await u.remuneration.lift_exclusion(exclusion[0], actor_id):
                return False
            await u.audit.add(
                action="remuneration.include",
                object_type="case",
                object_id=case.id,
                actor_id=actor_id,
                actor_label=actor_label,
                commune_id=commune.id,
                before={"case_no": case.number, "reason": exclusion[1]},
            )
        return True

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
        actor_id = person.id if person else None
        async with self.uow() as u:  # a new row and its audit row: nothing to lock
            rate_id = await u.remuneration.add_rate(
                province_id=province.id,
                commune_id=commune.id if commune else None,
                effective_from=effective_from.isoformat(),
                per_case=per_case,
                per_successful_case=per_successful_case,
                team_month=team_month,
                basis=basis,
                actor_id=actor_id,
            )
            await u.audit.add(
                action="remuneration.rate",
                object_type="remuneration_rate",
                object_id=rate_id,
                actor_id=actor_id,
                actor_label=actor_label,
                province_id=province.id,
                commune_id=commune.id if commune else None,
                after={
                    "effective_from": effective_from.isoformat(),
                    "per_case": per_case,
                    "per_successful_case": per_successful_case,
                    "team_month": team_month,
                    "basis": basis,
                },
            )
        return rate_id

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


def _items(pay: PayList) -> list[dict]:
    """The lines a drawn-up list stores: eligible cases, adjustments, team months with an amount."""
    items: list[dict] = [
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
    return items
