"""Domain types of the remuneration (no I/O): the rates and the facts of cases, teams and earlier lists that
storage/remuneration.py reads and services/remuneration.py computes the pay lists from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True, slots=True)
class Rate:
    effective_from: date
    per_case: int
    per_successful_case: int
    team_month: int
    basis: str
    level: str  # 'default' (TT 56/2023 maxima), 'province' or 'commune'

    def as_json(self) -> dict[str, Any]:
        return {
            "effective_from": self.effective_from.isoformat(),
            "per_case": self.per_case,
            "per_successful_case": self.per_successful_case,
            "team_month": self.team_month,
            "basis": self.basis,
            "level": self.level,
        }


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the list needs of a recorded case (its current version)."""

    id: int
    number: str
    team_id: int
    team_code: str
    team_name: str
    result: str
    received_on: str
    closed_on: str | None
    mediators: tuple[tuple[int, str], ...]  # (person id, full name) of the mediators who took part
    version: str  # the case's updated_at: which version of the case a list was computed from

    @property
    def day(self) -> date:
        return date.fromisoformat((self.closed_on or self.received_on)[:10])


@dataclass(frozen=True, slots=True)
class ExclusionFacts:
    case_id: int
    reason: str
    by: str
    at: str


@dataclass(frozen=True, slots=True)
class PaidFacts:
    """What paid lists already paid for a case (net of earlier adjustments) or a team's month."""

    amount: int
    list_number: int
    paid_on: str


@dataclass(frozen=True, slots=True)
class TeamFacts:
    """A team and the spans in which it worked in the commune (team history: [from, to), None = open)."""

    id: int
    code: str
    name: str
    worked: tuple[tuple[date | None, date | None], ...] = ()

    def worked_in(self, first: date, last: date) -> bool:
        """Active on at least one day of [first, last]."""
        return any(
            (start is None or start <= last) and (end is None or end > first) for start, end in self.worked
        )
