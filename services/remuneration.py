"""Remuneration of mediators per case (thù lao theo vụ, việc): the rules, as plain functions (no I/O).

Legal ground (see README "Thù lao hòa giải viên" for the sources and what could not be confirmed):
- Law 35/2013/QH13 Art. 6 cl. 1 (the State pays mediators per case), Art. 9 cl. 5 (a mediator's right to be
  paid per case), Art. 23 (the three ways a mediation ends), Art. 10 (the mediator's duties).
- Decree 15/2014/NĐ-CP Art. 14: paid when the case was mediated and ENDED in one of the ways of Law Art. 23 (a
  successful result is not required) and the mediator did not breach Law Art. 10; Art. 15: the team leader
  applies, the commune People's Committee decides and pays through the team.
- Thông tư 56/2023/TT-BTC Art. 3 cl. 17 point a: 300,000 đ per case for the mediators who took part
  directly, 400,000 đ per case that ended in agreement (Law Art. 24); point đ: 150,000 đ per team per month
  for the team's costs; Art. 5 cl. 1: these are maxima, the province's People's Council sets the local
  amounts (the maxima apply where it has not). It replaced TTLT 100/2014/TTLT-BTC-BTP from 06/10/2023
  (Art. 7 cl. 2).

Definitions used on every list (an accountant checks them):
- a case belongs to the period of its end date (closed_on; the received date if it has none, e.g. pending);
- the amount of a case is the rate in force on that date: the successful-case rate for `thanh`, the case
  rate for the other eligible results; a team's monthly support uses the rate in force on the month's first
  day, for every calendar month the period overlaps;
- the amount is per case (not per mediator); how the mediators who took part share it is not set by the texts
  found (left to the locality): the list shows equal shares, in whole đồng, the first mediators in the list
  taking one đồng more until the shares add up exactly to the case amount.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from services.remuneration_models import CaseFacts, ExclusionFacts, PaidFacts, Rate, TeamFacts
from vocabulary import messages as msg

#: Thông tư 56/2023/TT-BTC, in force from 06/10/2023.
TT56_IN_FORCE = date(2023, 10, 6)
MAX_PER_CASE = 300_000
MAX_PER_SUCCESSFUL_CASE = 400_000
MAX_TEAM_MONTH = 150_000

# The wording of the rules is in the catalogue (PAY_RULES); the pay list shows it and stores it with the list.
TT56_BASIS = msg.PAY_RULES["tt56_basis"]
LOCAL_DECIDES = msg.PAY_RULES["local_decides"]
SPLIT_RULE = msg.PAY_RULES["split"]
PERIOD_RULE = msg.PAY_RULES["period"]
#: Before 06/10/2023 the TTLT 100/2014 amounts applied and could not be confirmed: say so wherever it matters.
BEFORE_TT56 = " " + msg.PAY_RULES["case_before_tt56"]  # appended to the result's reason
MONTH_BEFORE_TT56 = msg.PAY_RULES["month_before_tt56"]


@dataclass(frozen=True, slots=True)
class ResultRule:
    eligible: bool
    successful: bool
    reason: str


#: Each result the bot records → eligible or not, and why (Decree 15/2014 Art. 14 read with Law 35/2013
#: Art. 23).
RESULT_RULES: dict[str, ResultRule] = {
    "thanh": ResultRule(True, True, msg.PAY_RESULT_REASONS["thanh"]),
    "khong_thanh": ResultRule(True, False, msg.PAY_RESULT_REASONS["khong_thanh"]),
    "rut_yeu_cau": ResultRule(True, False, msg.PAY_RESULT_REASONS["rut_yeu_cau"]),
    "chuyen_co_quan": ResultRule(False, False, msg.PAY_RESULT_REASONS["chuyen_co_quan"]),
    "dang_hoa_giai": ResultRule(False, False, msg.PAY_RESULT_REASONS["dang_hoa_giai"]),
}


class RateError(ValueError):
    """A rate that cannot be stored; `reason` is 'negative', 'above_max' or 'date'."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


DEFAULT_RATE = Rate(
    TT56_IN_FORCE, MAX_PER_CASE, MAX_PER_SUCCESSFUL_CASE, MAX_TEAM_MONTH, TT56_BASIS, "default"
)


def check_rate(per_case: int, per_successful_case: int, team_month: int) -> None:
    """Amounts a province may set: whole đồng, not negative, not above the TT 56/2023 maxima (Art. 5
    cl. 1)."""
    values = (per_case, per_successful_case, team_month)
    if any(not isinstance(v, int) or isinstance(v, bool) or v < 0 for v in values):
        raise RateError("negative")
    if (
        per_case > MAX_PER_CASE
        or per_successful_case > MAX_PER_SUCCESSFUL_CASE
        or team_month > MAX_TEAM_MONTH
    ):
        raise RateError("above_max")


class RateTable:
    """The rates of one commune: its own override rows win over the province's rows once in force; before
    any row is in force, the TT 56/2023 maxima apply (the Thông tư itself says so where no resolution was
    issued)."""

    def __init__(self, province_rates: Iterable[Rate] = (), commune_rates: Iterable[Rate] = ()):
        self.province = sorted(province_rates, key=lambda r: r.effective_from)
        self.commune = sorted(commune_rates, key=lambda r: r.effective_from)

    def at(self, day: date) -> Rate:
        for rows in (self.commune, self.province):
            in_force = [r for r in rows if r.effective_from <= day]
            if in_force:
                return in_force[-1]
        return DEFAULT_RATE


def split_equal(amount: int, count: int) -> list[int]:
    """`amount` đồng in `count` whole-đồng shares that add up exactly: equal, the first ones 1 đồng more."""
    if count <= 0:
        return []
    base, extra = divmod(amount, count)
    return [base + (1 if i < extra else 0) for i in range(count)]


def months_overlapping(start: date, end: date) -> list[str]:
    """'YYYY-MM' of every calendar month that has at least one day in [start, end]."""
    months = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


# The inputs (Rate, CaseFacts, ExclusionFacts, PaidFacts, TeamFacts) are in services/remuneration_models.py.


# --- the list ----------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CaseLine:
    case: CaseFacts
    status: str  # 'payable', 'excluded', 'not_eligible', 'paid'
    reason: str
    amount: int
    rate: Rate | None
    shares: tuple[tuple[int, str, int], ...] = ()  # (person id, name, đồng)

    @property
    def eligible(self) -> bool:
        return self.status == "payable"

    def as_json(self) -> dict[str, Any]:
        c = self.case
        return {
            "case_no": c.number,
            "team": c.team_code,
            "result": c.result,
            "eligible": self.eligible,
            "reason": self.reason,
            "amount": self.amount,
            "status": self.status,
            "date": c.day.isoformat(),
            "mediators": [
                {"person_id": pid, "name": name, "share": share} for pid, name, share in self.shares
            ]
            if self.shares
            else [{"person_id": pid, "name": name, "share": 0} for pid, name in c.mediators],
        }


@dataclass(frozen=True, slots=True)
class AdjustmentLine:
    """A case paid on an earlier list whose amount due changed since (corrected, excluded, rate…)."""

    case: CaseFacts
    paid: PaidFacts
    due: int
    reason: str
    shares: tuple[tuple[int, str, int], ...] = ()

    @property
    def amount(self) -> int:
        return self.due - self.paid.amount

    def as_json(self) -> dict[str, Any]:
        return {
            "case_no": self.case.number,
            "team": self.case.team_code,
            "result": self.case.result,
            "paid": self.paid.amount,
            "paid_in_list": self.paid.list_number,
            "paid_on": self.paid.paid_on,
            "due": self.due,
            "amount": self.amount,
            "reason": self.reason,
            "mediators": [
                {"person_id": pid, "name": name, "share": share} for pid, name, share in self.shares
            ],
        }


@dataclass(frozen=True, slots=True)
class TeamMonthLine:
    team: TeamFacts
    month: str
    amount: int  # payable on this list (0 when already paid or when no rate is confirmed for the month)
    rate: Rate
    paid: PaidFacts | None = None
    reason: str = ""  # why the amount is 0 when it is not paid (MONTH_BEFORE_TT56)

    @property
    def status(self) -> str:
        return "paid" if self.paid else "no_rate" if self.reason else "payable"


@dataclass
class TeamTotals:
    team: TeamFacts
    cases: int = 0
    amount: int = 0
    team_support: int = 0
    adjustment: int = 0
    paid: int = 0  # paid by earlier lists for this period's cases and months (not in the total)

    @property
    def total(self) -> int:
        return self.amount + self.team_support + self.adjustment


@dataclass
class PayList:
    commune_code: str
    commune_name: str
    start: date
    end: date
    lines: list[CaseLine]
    adjustments: list[AdjustmentLine]
    team_months: list[TeamMonthLine]
    teams: dict[str, TeamTotals]
    rates_used: list[Rate] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(t.total for t in self.teams.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "commune": self.commune_code,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "rates": {
                "used": [r.as_json() for r in self.rates_used],
                "decided_by": LOCAL_DECIDES,
                "maxima": {
                    "per_case": MAX_PER_CASE,
                    "per_successful_case": MAX_PER_SUCCESSFUL_CASE,
                    "team_month": MAX_TEAM_MONTH,
                    "basis": TT56_BASIS,
                },
                "split": SPLIT_RULE,
                "period": PERIOD_RULE,
            },
            "cases": [line.as_json() for line in self.lines],
            "adjustments": [a.as_json() for a in self.adjustments],
            "team_support": [
                {
                    "team": t.team.code,
                    "month": t.month,
                    "amount": t.amount,
                    "status": t.status,
                    **({"reason": t.reason} if t.reason else {}),
                }
                for t in self.team_months
            ],
            "by_team": {
                code: {
                    "cases": t.cases,
                    "amount": t.amount,
                    "team_support": t.team_support,
                    "adjustment": t.adjustment,
                    "paid": t.paid,
                }
                for code, t in self.teams.items()
            },
            "total": self.total,
        }


def _shares(case: CaseFacts, amount: int) -> tuple[tuple[int, str, int], ...]:
    parts = split_equal(amount, len(case.mediators))
    return tuple((pid, name, share) for (pid, name), share in zip(case.mediators, parts, strict=True))


def due_for(
    case: CaseFacts, rates: RateTable, exclusion: ExclusionFacts | None
) -> tuple[int, str, Rate | None]:
    """(amount due, reason, rate) for a case as it stands, ignoring what was paid."""
    rule = RESULT_RULES[case.result]
    if not rule.eligible:
        return 0, rule.reason, None
    if exclusion is not None:
        return (
            0,
            msg.PAY_RULES["excluded"].format(
                reason=exclusion.reason, by=exclusion.by, day=_vn_date(exclusion.at)
            ),
            None,
        )
    rate = rates.at(case.day)
    amount = rate.per_successful_case if rule.successful else rate.per_case
    reason = rule.reason + (BEFORE_TT56 if rate.level == "default" and case.day < TT56_IN_FORCE else "")
    return amount, reason, rate


def build_pay_list(
    *,
    commune_code: str,
    commune_name: str,
    start: date,
    end: date,
    cases: Sequence[CaseFacts],
    teams: Sequence[TeamFacts],
    rates: RateTable,
    exclusions: Mapping[int, ExclusionFacts],
    paid_cases: Mapping[int, PaidFacts],
    paid_cases_facts: Sequence[CaseFacts],
    paid_months: Mapping[tuple[int, str], PaidFacts],
    today: date | None = None,
) -> PayList:
    """The pay list of a commune for [start, end].

    `cases`: every case of the period (by end date); `paid_cases`: what paid lists paid per case (net);
    `paid_cases_facts`: the current version of every paid case of the commune (for adjustments, wherever its
    date now falls); `teams`: the teams that worked in the commune, with their spans (a month gets a support
    line only if the team worked on one of its days, or if it was paid); `paid_months`: team months already
    paid; `today`: months that have not begun by then get no team support yet."""
    totals: dict[str, TeamTotals] = {t.code: TeamTotals(t) for t in teams if t.worked_in(start, end)}
    used: dict[tuple, Rate] = {}

    def team_of(case: CaseFacts) -> TeamTotals:
        return totals.setdefault(
            case.team_code, TeamTotals(TeamFacts(case.team_id, case.team_code, case.team_name))
        )

    lines: list[CaseLine] = []
    for case in sorted(cases, key=lambda c: (c.day, c.number)):
        team_of(case)
        amount, reason, rate = due_for(case, rates, exclusions.get(case.id))
        paid = paid_cases.get(case.id)
        if paid is not None:
            lines.append(
                CaseLine(
                    case,
                    "paid",
                    msg.PAY_RULES["paid"].format(number=paid.list_number, day=_vn_date(paid.paid_on)),
                    0,
                    rate,
                )
            )
            team_of(case).paid += paid.amount
            continue
        if amount == 0:
            status = (
                "excluded" if case.id in exclusions and RESULT_RULES[case.result].eligible else "not_eligible"
            )
            lines.append(CaseLine(case, status, reason, 0, None))
            continue
        if rate is not None:  # a payable amount always comes with its rate
            used[_rate_key(rate)] = rate
        lines.append(CaseLine(case, "payable", reason, amount, rate, _shares(case, amount)))
        bucket = team_of(case)
        bucket.cases += 1
        bucket.amount += amount

    adjustments: list[AdjustmentLine] = []
    for case in sorted(paid_cases_facts, key=lambda c: c.number):
        paid = paid_cases[case.id]
        due, reason, rate = due_for(case, rates, exclusions.get(case.id))
        if due == paid.amount:
            continue
        if rate is not None:
            used[_rate_key(rate)] = rate
        why = msg.PAY_RULES["adjusted"].format(
            paid=vnd(paid.amount), number=paid.list_number, due=vnd(due), reason=reason
        )
        line = AdjustmentLine(case, paid, due, why, _shares(case, due - paid.amount))
        adjustments.append(line)
        team_of(case).adjustment += line.amount

    team_months: list[TeamMonthLine] = []
    for team in teams:
        for month in months_overlapping(start, end):
            first_day = date.fromisoformat(month + "-01")
            if today is not None and first_day > today:
                continue
            paid = paid_months.get((team.id, month))
            if paid is None and not team.worked_in(first_day, _month_end(first_day)):
                continue
            rate = rates.at(first_day)
            no_rate = rate.level == "default" and first_day < TT56_IN_FORCE
            amount = 0 if paid is not None or no_rate else rate.team_month
            if amount:
                used[_rate_key(rate)] = rate
            reason = MONTH_BEFORE_TT56 if paid is None and no_rate else ""
            team_months.append(TeamMonthLine(team, month, amount, rate, paid, reason))
            bucket = totals.setdefault(team.code, TeamTotals(team))
            bucket.team_support += amount
            bucket.paid += paid.amount if paid is not None else 0
    if not used:
        rate = rates.at(end)
        used[_rate_key(rate)] = rate
    return PayList(
        commune_code,
        commune_name,
        start,
        end,
        lines,
        adjustments,
        team_months,
        totals,
        sorted(used.values(), key=lambda r: (r.effective_from, r.level)),
    )


def _month_end(first_day: date) -> date:
    return first_day.replace(day=calendar.monthrange(first_day.year, first_day.month)[1])


def _rate_key(rate: Rate) -> tuple:
    return (rate.level, rate.effective_from, rate.per_case, rate.per_successful_case, rate.team_month)


def _vn_date(iso: str) -> str:
    try:
        return date.fromisoformat(iso[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return iso


# --- amounts in words (as on Vietnamese payment vouchers) ---------------------------------------------------
_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_GROUPS = ("", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ")


def _three(n: int, full: bool) -> list[str]:
    """Words of 0 < n < 1000; `full`: a group after a higher one, read with its hundreds ('không trăm')."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            words += (["linh"] if words else []) + [_DIGITS[units]]
        return words
    words += ["mười"] if tens == 1 else [_DIGITS[tens], "mươi"]
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


def amount_in_words(amount: int) -> str:
    """'Hai triệu không trăm năm mươi nghìn đồng' — the reading used on payment vouchers (số tiền bằng
    chữ)."""
    if amount < 0:
        positive = amount_in_words(-amount)
        return "Âm " + positive[0].lower() + positive[1:]
    if amount == 0:
        return "Không đồng"
    groups = []
    n = amount
    while n:
        groups.append(n % 1000)
        n //= 1000
    if len(groups) > len(_GROUPS):
        raise ValueError("amount too large")
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if not value:
            continue
        words += _three(value, full=bool(words))
        if _GROUPS[index]:
            words.append(_GROUPS[index])
    text = " ".join(words) + " đồng"
    return text[0].upper() + text[1:]


def vnd(amount: int) -> str:
    """1234567 → '1.234.567' (the Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".")
