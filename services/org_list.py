"""The organisation list a commune official keeps: export to XLSX, check an edited file, preview, apply.

One list per commune: its teams (code, name, status) and their members (mediators and team leaders, retired
ones included). People are matched by a stable reference (`Mã người`: the person's ref, else `ID<id>`), teams
by code. Rows missing from a file are left as they are (nobody is deleted: a mediator leaves by the status
«Đã thôi» with the reason of Law 35/2013 Art. 11 and its date). A file is checked as a whole: if any row is
invalid nothing is written and every error comes back with its sheet and row number; otherwise the changes are
previewed and applied in one unit of work (storage/uow.py) under the commune's row lock, each with its audit
row and its dated history; storage/org_list.py only reads and writes the rows.

History dates (storage/org_history.py): a retirement takes effect on its date; every other change on the day
it is applied, so reports for periods that ended before keep counting the list as it was.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from knowledge.text import fold
from services import dates
from services.models import OFFICIAL_ROLES, Commune, Person, Role
from services.text import clean_name, clean_text
from storage.org_history import today as history_day
from storage.org_list import Change, OrgListRepository
from storage.uow import Aggregate, UnitOfWork, Work
from vocabulary import messages as msg

PERSON_FIELDS = (
    "team",
    "full_name",
    "role",
    "gender",
    "ethnic_minority",
    "recognition_decision",
    "recognised_on",
    "trained_on",
    "legal_supporter",
    "status",
    "retire_reason",
    "retired_on",
)
TEAM_FIELDS = ("name", "status")
#: Column of each field on the people sheet (the order of msg.ORG_PEOPLE_HEADERS).
PEOPLE_COLUMNS = (
    "team",
    "ref",
    "full_name",
    "role",
    "gender",
    "ethnic_minority",
    "recognition_decision",
    "recognised_on",
    "trained_on",
    "legal_supporter",
    "status",
    "retire_reason",
    "retired_on",
)
TEAM_COLUMNS = ("code", "name", "status")
DATE_FIELDS = ("recognised_on", "trained_on", "retired_on")
CHOICES: dict[str, dict[Any, str]] = {
    "role": msg.ORG_ROLE_LABELS,
    "gender": msg.ORG_GENDER_LABELS,
    "ethnic_minority": msg.ORG_YES_NO,
    "legal_supporter": msg.ORG_SUPPORTER_LABELS,
    "status": msg.ORG_STATUS_LABELS,
    "retire_reason": msg.ORG_RETIRE_REASONS,
}
REQUIRED = ("team", "full_name", "role")
TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
MAX_ROWS = 5000
MIN_DATE = date(1990, 1, 1)


class OrgDenied(PermissionError):
    """The person may not change (or see) this organisation list."""


class OrgListChanged(Exception):
    """The list changed between the preview and applying it (another official, a chat change): nothing was
    written; preview the file again."""


class OrgFileError(ValueError):
    """A file that is not the organisation list: `code` ('file', 'sheet', 'header') keys ORG_ERR."""

    def __init__(self, code: str, /, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


# --- who may do what ---------------------------------------------------------------------------------------
def may_edit(person: Person | None, commune: Commune) -> bool:
    """Commune officials change their commune's list, province officials those of their province, admins all;
    `None` is the operator's command line."""
    if person is None:
        return True
    if not person.active:
        return False
    if person.role == Role.ADMIN:
        return True
    if person.role == Role.PROVINCE_OFFICIAL:
        return person.province_id == commune.province_id
    return person.role == Role.COMMUNE_OFFICIAL and person.commune_id == commune.id


def may_view(person: Person | None, commune: Commune, team_id: int | None = None) -> bool:
    """Who may edit may view; a team leader views (read only) their own team."""
    if may_edit(person, commune):
        return True
    return (
        person is not None
        and person.active
        and person.role == Role.TEAM_LEADER
        and person.commune_id == commune.id
        and team_id is not None
        and person.team_id == team_id
    )


# --- cells -------------------------------------------------------------------------------------------------
def shown_value(fieldname: str, value: Any) -> Any:
    if value is None:
        return None
    if fieldname in DATE_FIELDS:
        return date.fromisoformat(value)
    labels = CHOICES.get(fieldname)
    if labels is not None:
        return labels.get(value, value)  # a stored value outside the list (older data) is shown as it is
    return value


def parse_choice(fieldname: str, raw: str) -> Any:
    """The code for a label or code as typed (any case, with or without diacritics); KeyError if none."""
    wanted = fold(raw)
    for code, label in CHOICES[fieldname].items():
        if wanted in (fold(label), fold(str(code))):
            return code
    if fieldname == "ethnic_minority" and wanted in ("x", "co", "yes", "1", "true"):
        return True
    raise KeyError(raw)


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return dates.parse_typed(str(value))  # d/m/yyyy (or yy) or yyyy-m-d; DateError is a ValueError


@dataclass
class RowError:
    """A cell that cannot be taken: where (sheet, row, the column's heading) and what (`code` keys ORG_ERR of
    the catalogue, `params` fill it in). The chat and the command line word it (handlers.org)."""

    sheet: str
    row: int
    column: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParsedList:
    teams: list[tuple[int, dict]] = field(default_factory=list)
    people: list[tuple[int, dict]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class Plan:
    commune: Commune
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    #: What the plan was made from (applying makes it again from what is stored then, and compares).
    parsed: ParsedList | None = None

    @property
    def added(self) -> list[Change]:
        return [c for c in self.changes if c.kind.endswith("_add")]

    @property
    def retired(self) -> list[Change]:
        return [c for c in self.changes if c.retires]

    @property
    def changed(self) -> list[Change]:
        return [c for c in self.changes if c.kind.endswith("_update") and not c.retires]

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "retired": len(self.retired),
            "unchanged": self.unchanged,
        }


# --- the service -------------------------------------------------------------------------------------------
class OrgListService:
    """The rules of the list; every change (a file applied, a chat edit, a merger) is one unit of work
    (storage/uow.py) under the commune's row lock: what is checked is what is written, with its history and
    its audit rows, or nothing is."""

    def __init__(
        self,
        repo: OrgListRepository,
        today: Any = date.today,
        org: Any = None,
        uow: UnitOfWork | None = None,
    ):
        self.repo = repo
        self.today = today
        #: The organisation repository (storage/org.py), for commune mergers.
        self.org = org
        self.uow = uow or UnitOfWork(repo.db)

    # reading, for the chat's buttons (the person may change the commune: checked again on every call)
    async def active_teams(self, commune: Commune, person: Person | None) -> list[dict]:
        """The commune's active teams (code, name), in code order."""
        if not may_edit(person, commune):
            raise OrgDenied()
        return [t for t in await self.repo.teams(commune.id) if t["status"] == "active"]

    async def active_members(
        self, commune: Commune, person: Person | None, team_code: str | None
    ) -> list[dict]:
        """The active mediators and team leaders of one team of the commune, by name."""
        if not may_edit(person, commune):
            raise OrgDenied()
        return [
            p
            for p in await self.repo.people(commune.id)
            if p["team"] == team_code and p["status"] == "active"
        ]

    async def member(self, commune: Commune, person: Person | None, ref: str) -> Any:
        """The person row with reference `ref` if it belongs to the commune; OrgDenied otherwise."""
        row = await self.repo.person_by_ref(ref) if may_edit(person, commune) else None
        if row is None or row["commune_id"] != commune.id:
            raise OrgDenied()
        return row

    async def merge_communes(
        self, into_code: str, from_codes: list[str], name: str | None, person: Person | None
    ) -> tuple[Commune, list[Commune]]:
        """merge_communes() below, with this service's storage."""
        return await merge_communes(self.org, self.repo.db, into_code, from_codes, name, person, self.uow)

    # export
    async def export_xlsx(
        self, commune: Commune, person: Person | None = None, team_id: int | None = None
    ) -> bytes:
        """The commune's list (a team leader: their team) as an XLSX workbook."""
        if not may_view(person, commune, team_id):
            raise OrgDenied()
        teams = await self.repo.teams(commune.id)
        people = await self.repo.people(commune.id, team_id if not may_edit(person, commune) else None)
        if not may_edit(person, commune):
            teams = [t for t in teams if t["id"] == team_id]
        return build_workbook(commune, teams, people, self.today())

    async def sizes(self, commune: Commune) -> tuple[int, int]:
        """How many teams (dissolved ones too) and members (retired ones too) the commune's list holds."""
        return len(await self.repo.teams(commune.id)), len(await self.repo.people(commune.id))

    # import
    async def plan_file(self, commune: Commune, content: bytes, person: Person | None = None) -> Plan:
        if not may_edit(person, commune):
            raise OrgDenied()
        parsed = read_workbook(content)
        return await self.plan(commune, parsed)

    async def plan(self, commune: Commune, parsed: ParsedList, repo: OrgListRepository | None = None) -> Plan:
        """What applying `parsed` to the list as `repo` reads it now (default: the service's repository;
        inside a unit of work: its repository) would change, or the errors."""
        repo = repo or self.repo
        plan = Plan(commune, errors=list(parsed.errors), parsed=parsed)
        parsed = copy.deepcopy(parsed)  # checking takes some values out of the entries
        current_teams = {t["code"]: t for t in await repo.teams(commune.id)}
        current_people = {p["ref"]: p for p in await repo.people(commune.id)}
        today = self.today()
        err = plan.errors.append
        people_sheet, teams_sheet = msg.ORG_SHEET_PEOPLE, msg.ORG_SHEET_TEAMS

        file_teams: dict[str, dict] = {}
        team_rows: dict[str, int] = {}
        for row, t in parsed.teams:
            code = t["code"]
            if code in team_rows:
                err(
                    RowError(
                        teams_sheet,
                        row,
                        _team_header("code"),
                        "duplicate_team",
                        dict(value=code, other=team_rows[code]),
                    )
                )
                continue
            team_rows[code] = row
            if code not in current_teams:
                owner = await repo.team_commune(code)
                if owner is not None and owner != commune.id:
                    err(RowError(teams_sheet, row, _team_header("code"), "team_code_taken", dict(value=code)))
                    continue
            file_teams[code] = t
        teams_now = {code: dict(t) for code, t in current_teams.items()}
        teams_now.update(file_teams)

        seen_refs: dict[str, int] = {}
        leaders: dict[str, int] = {}
        resolved: list[tuple[int, dict, dict | None]] = []
        for row, p in parsed.people:
            ref = p.get("ref")
            before = None
            if ref:
                if ref in seen_refs:
                    err(
                        RowError(
                            people_sheet,
                            row,
                            _header("ref"),
                            "duplicate_ref",
                            dict(value=ref, other=seen_refs[ref]),
                        )
                    )
                    continue
                seen_refs[ref] = row
                before = current_people.get(ref)
                if before is None:
                    other = await repo.person_by_ref(ref)
                    if other is not None:
                        err(RowError(people_sheet, row, _header("ref"), "foreign_ref", dict(value=ref)))
                        continue
                    if ref.upper().startswith("ID") and ref[2:].isdigit():
                        err(RowError(people_sheet, row, _header("ref"), "unknown_ref", dict(value=ref)))
                        continue
            ok = True
            for fieldname in (
                "legal_supporter",
                "retire_reason",
            ):  # older free-text values may stay as they are
                raw = p.pop(f"_{fieldname}_raw", None)
                if raw is not None:
                    if before is not None and before[fieldname] == raw:
                        p[fieldname] = raw
                    else:
                        allowed = ", ".join(CHOICES[fieldname].values())
                        err(
                            RowError(
                                people_sheet,
                                row,
                                _header(fieldname),
                                "choice",
                                dict(value=raw, allowed=allowed),
                            )
                        )
                        ok = False
            for fieldname, code, params in _check_entry(p, before):
                err(RowError(people_sheet, row, _header(fieldname), code, params))
                ok = False
            if p["team"] and p["team"] not in teams_now:
                err(RowError(people_sheet, row, _header("team"), "unknown_team", dict(value=p["team"])))
                ok = False
            elif p["team"] and p["status"] == "active" and teams_now[p["team"]]["status"] != "active":
                err(RowError(people_sheet, row, _header("team"), "team_inactive", dict(value=p["team"])))
                ok = False
            for fieldname in DATE_FIELDS:
                if p.get(fieldname) and p[fieldname] > today.isoformat():
                    err(
                        RowError(
                            people_sheet,
                            row,
                            _header(fieldname),
                            "future",
                            dict(value=_vn_date(p[fieldname])),
                        )
                    )
                    ok = False
            if p["status"] == "retired" and not (p["retire_reason"] and p["retired_on"]):
                err(RowError(people_sheet, row, _header("status"), "retire_needs"))
                ok = False
            if p["status"] == "active" and (p["retire_reason"] or p["retired_on"]):
                err(RowError(people_sheet, row, _header("status"), "not_retired"))
                ok = False
            if p["status"] == "active" and p["role"] == "team_leader" and p["team"]:
                if p["team"] in leaders:
                    err(RowError(people_sheet, row, _header("role"), "two_leaders", dict(value=p["team"])))
                    ok = False
                leaders[p["team"]] = row
            if ok and not p.get("_invalid"):
                resolved.append((row, p, before))

        active_in: dict[str, int] = {}
        for _, p, _ in resolved:
            if p["status"] == "active":
                active_in[p["team"]] = active_in.get(p["team"], 0) + 1
        for ref, p in current_people.items():  # people left out of the file stay as they are
            if ref not in seen_refs and p["status"] == "active" and p["team"]:
                active_in[p["team"]] = active_in.get(p["team"], 0) + 1
        for code, t in file_teams.items():
            if t["status"] != "active" and active_in.get(code):
                err(RowError(teams_sheet, team_rows[code], _team_header("status"), "members_left"))
        # a team leader left out of the file still leads their team
        for ref, p in current_people.items():
            if (
                ref not in seen_refs
                and p["status"] == "active"
                and p["role"] == "team_leader"
                and p["team"] in leaders
            ):
                err(
                    RowError(
                        people_sheet,
                        leaders[p["team"]],
                        _header("role"),
                        "two_leaders",
                        dict(value=p["team"]),
                    )
                )
        if plan.errors:
            plan.errors.sort(key=lambda e: (e.sheet != teams_sheet, e.row))
            return plan

        for code, t in file_teams.items():
            before = current_teams.get(code)
            after = {"code": code, "name": t["name"], "status": t["status"]}
            if before is None:
                plan.changes.append(Change("team_add", code, after))
            elif any(before[f] != after[f] for f in TEAM_FIELDS):
                plan.changes.append(Change("team_update", code, after, _team_public(before), before["id"]))
            else:
                plan.unchanged += 1
        for _, p, before in resolved:
            after = {f: p.get(f) for f in PERSON_FIELDS}
            if before is None:
                plan.changes.append(Change("person_add", p.get("ref") or "", {"ref": p.get("ref"), **after}))
                continue
            old = {f: before[f] for f in PERSON_FIELDS}
            for f in ("full_name", "recognition_decision"):  # stored text with other spacing is the same text
                if old[f] and after[f] == clean_text(old[f], limit=1000):
                    after[f] = old[f]
            if old == after:
                plan.unchanged += 1
                continue
            change = Change(
                "person_update",
                before["ref"],
                {"ref": before["ref"], **after},
                {"ref": before["ref"], **old},
                before["id"],
            )
            if change.retires:
                change.effective_on = after["retired_on"]
            plan.changes.append(change)
        return plan

    async def apply(self, plan: Plan, person: Person | None = None, actor_label: str | None = None) -> None:
        """Apply a previewed plan: one unit of work under the commune's row lock, in which the plan is made
        again from what is stored then; if that differs from the preview (the list changed meanwhile) nothing
        is written and OrgListChanged is raised."""
        if plan.errors:
            raise ValueError("a plan with errors cannot be applied")
        if not may_edit(person, plan.commune):
            raise OrgDenied()
        if not plan.changes:
            return
        async with self.uow(Aggregate.commune(plan.commune.id)) as u:
            if plan.parsed is not None:
                fresh = await self.plan(plan.commune, plan.parsed, u.org_list)
                if fresh.errors or fresh.changes != plan.changes:
                    raise OrgListChanged()
            await self._write(u, plan, person, actor_label)

    @staticmethod
    async def _write(u: Work, plan: Plan, person: Person | None, actor_label: str | None) -> None:
        """Write the plan's changes (teams first), each with its dated history and its audit row, inside the
        unit of work `u` (which holds the commune's row lock)."""
        commune, day = plan.commune, history_day()
        actor_id = person.id if person else None
        actor_label = actor_label if person is None else None
        team_ids = await u.org_list.team_ids(commune.id)
        for change in sorted(plan.changes, key=lambda c: not c.kind.startswith("team")):
            after = change.after
            effective = change.effective_on or day
            if change.kind == "team_add":
                change.id = team_ids[change.key] = await u.org_list.insert_team(commune.id, after, effective)
            elif change.kind == "team_update":
                assert change.id is not None  # an update names an existing team
                await u.org_list.update_team(change.id, after, effective)
            elif change.kind == "person_add":
                change.key = after["ref"] = after.get("ref") or await u.org_list.free_ref(commune)
                change.id = await u.org_list.insert_person(commune, after, team_ids, change.key, effective)
            elif change.kind == "person_update":
                assert change.id is not None  # an update names an existing person
                await u.org_list.update_person(change.id, after, team_ids, effective)
            else:
                raise ValueError(f"unknown change {change.kind!r}")
            action = {
                "team_add": "org.team.add",
                "team_update": "org.team.update",
                "person_add": "org.person.add",
            }.get(change.kind)
            if action is None:
                action = "org.person.retire" if change.retires else "org.person.update"
            await u.audit.add(
                action=action,
                object_type=change.kind.split("_")[0],
                object_id=change.key,
                actor_id=actor_id,
                actor_label=actor_label,
                province_id=commune.province_id,
                commune_id=commune.id,
                before=_public(change.before),
                after=_public(after),
            )

    # small changes (chat buttons): each is a one-change plan checked and applied like a file, in one unit of
    # work under the commune's row lock (what the edit is computed from is what it is applied to)
    async def current(
        self, commune: Commune, repo: OrgListRepository | None = None
    ) -> tuple[dict[str, dict], dict[str, dict]]:
        repo = repo or self.repo
        teams = {t["code"]: t for t in await repo.teams(commune.id)}
        people = {p["ref"]: p for p in await repo.people(commune.id)}
        return teams, people

    async def change_people(
        self, commune: Commune, person: Person | None, edits: dict[str, dict], new: Iterable[dict] = ()
    ) -> Plan:
        """Apply field edits {ref: {field: value}} and new people (entries of PERSON_FIELDS) with the checks
        of a file import; returns the plan (with errors and nothing written, or applied)."""
        if not may_edit(person, commune):
            raise OrgDenied()
        async with self.uow(Aggregate.commune(commune.id)) as u:
            return await self._change(u, commune, person, edits, new)

    async def _change(
        self,
        u: Work,
        commune: Commune,
        person: Person | None,
        edits: dict[str, dict],
        new: Iterable[dict] = (),
    ) -> Plan:
        _, people = await self.current(commune, u.org_list)
        parsed = ParsedList()
        row = FIRST_ROW
        for ref, entry in people.items():
            if ref in edits:
                parsed.people.append(
                    (row, {**{f: entry[f] for f in PERSON_FIELDS}, "ref": ref, **edits[ref]})
                )
                row += 1
        for entry in new:
            parsed.people.append((row, {**{f: None for f in PERSON_FIELDS}, "status": "active", **entry}))
            row += 1
        plan = await self.plan(commune, parsed, u.org_list)
        if not plan.errors and plan.changes:
            await self._write(u, plan, person, None)
        return plan

    async def retire(self, commune: Commune, person: Person | None, ref: str, reason: str, on: str) -> Plan:
        return await self.change_people(
            commune, person, {ref: {"status": "retired", "retire_reason": reason, "retired_on": on}}
        )

    async def move(self, commune: Commune, person: Person | None, ref: str, team_code: str) -> Plan:
        if not may_edit(person, commune):
            raise OrgDenied()
        async with self.uow(Aggregate.commune(commune.id)) as u:
            _, people = await self.current(commune, u.org_list)
            edit: dict[str, Any] = {"team": team_code}
            if ref in people and people[ref]["role"] == "team_leader":
                edit["role"] = "mediator"  # a leader who moves leads no team until chosen again
            return await self._change(u, commune, person, {ref: edit})

    async def set_leader(self, commune: Commune, person: Person | None, ref: str) -> Plan:
        if not may_edit(person, commune):
            raise OrgDenied()
        async with self.uow(Aggregate.commune(commune.id)) as u:
            _, people = await self.current(commune, u.org_list)
            target = people.get(ref)
            if target is None:
                return await self._change(u, commune, person, {ref: {}})
            edits = {
                r: {"role": "mediator"}
                for r, p in people.items()
                if p["team"] == target["team"] and p["role"] == "team_leader" and r != ref
            }
            edits[ref] = {"role": "team_leader"}
            return await self._change(u, commune, person, edits)

    async def mark_trained(
        self, commune: Commune, person: Person | None, refs: Iterable[str], on: str
    ) -> Plan:
        return await self.change_people(commune, person, {ref: {"trained_on": on} for ref in refs})

    async def record_recognition(
        self, commune: Commune, person: Person | None, ref: str, number: str, on: str
    ) -> Plan:
        return await self.change_people(
            commune, person, {ref: {"recognition_decision": number, "recognised_on": on}}
        )

    async def add_person(self, commune: Commune, person: Person | None, entry: dict) -> Plan:
        return await self.change_people(commune, person, {}, [entry])


def _check_entry(p: dict, before: dict | None) -> list[tuple[str, str, dict[str, Any]]]:
    """What a file row has already been checked for, checked again for entries built from chat buttons (never
    trust what a chat sends): values of the lists, dates, names."""
    problems: list[tuple[str, str, dict[str, Any]]] = []
    for fieldname, labels in CHOICES.items():
        value = p.get(fieldname)
        if (
            value is not None
            and value not in labels
            and not (before is not None and before[fieldname] == value)
        ):
            allowed = ", ".join(str(v) for v in labels.values())
            problems.append((fieldname, "choice", dict(value=value, allowed=allowed)))
    for fieldname in DATE_FIELDS:
        value = p.get(fieldname)
        if value is not None:
            try:
                if date.fromisoformat(value) < MIN_DATE:
                    raise ValueError(value)
            except (TypeError, ValueError):
                problems.append((fieldname, "date", dict(value=value)))
    for fieldname in REQUIRED:
        if not p.get(fieldname) and "_invalid" not in p:
            problems.append((fieldname, "required", {}))
    name = p.get("full_name")
    if name and clean_name(name) != name and not (before is not None and before["full_name"] == name):
        problems.append(("full_name", "name", {}))
    for fieldname in ("recognition_decision",):
        if p.get(fieldname) and len(str(p[fieldname])) > 60:
            problems.append((fieldname, "too_long", {}))
    return problems


def _public(entry: dict | None) -> dict | None:
    """An entry as the audit log keeps it (without the row id)."""
    return None if entry is None else {k: v for k, v in entry.items() if k != "id"}


def _team_public(team: dict) -> dict:
    return {"code": team["code"], "name": team["name"], "status": team["status"]}


def _header(fieldname: str) -> str:
    return msg.ORG_PEOPLE_HEADERS[PEOPLE_COLUMNS.index(fieldname)]


def _team_header(fieldname: str) -> str:
    return msg.ORG_TEAM_HEADERS[TEAM_COLUMNS.index(fieldname)]


def _vn_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


# --- the workbook ------------------------------------------------------------------------------------------
def build_workbook(commune: Commune, teams: list[dict], people: list[dict], today: date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from services.xlsx_layout import setup_print, text

    wb = Workbook()
    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")

    def heading(ws: Any, title: str, headers: tuple[str, ...], widths: tuple[int, ...]) -> None:
        ws.cell(row=TITLE_ROW, column=1, value=title).font = Font(bold=True, size=13)
        for col, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
            cell = ws.cell(row=HEADER_ROW, column=col, value=header)
            cell.font, cell.fill, cell.alignment = bold, head_fill, wrap
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.row_dimensions[HEADER_ROW].height = 32  # two lines of a wrapped heading
        ws.freeze_panes = ws.cell(row=FIRST_ROW, column=1)
        setup_print(ws, title_rows=(HEADER_ROW, HEADER_ROW))

    def listed(ws: Any, column: int, values: Iterable[str], last_row: int) -> None:
        options = ",".join(values)
        dv = DataValidation(
            type="list",
            formula1=f'"{options}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=msg.ORG_XLSX_CHECKS["choice_title"],
            error=msg.ORG_XLSX_CHECKS["choice"],
        )
        letter = get_column_letter(column)
        dv.add(f"{letter}{FIRST_ROW}:{letter}{last_row}")
        ws.add_data_validation(dv)

    ws = wb.active
    ws.title = msg.ORG_SHEET_TEAMS
    heading(
        ws,
        msg.ORG_TITLE_TEAMS.format(commune=commune.name, code=commune.code),
        msg.ORG_TEAM_HEADERS,
        (14, 45, 18),
    )
    for i, t in enumerate(teams):
        values = (t["code"], t["name"], msg.ORG_TEAM_STATUS_LABELS[t["status"]])
        for col, value in enumerate(values, start=1):
            ws.cell(row=FIRST_ROW + i, column=col, value=text(value))
    team_last = FIRST_ROW + len(teams) + 200
    listed(ws, 3, msg.ORG_TEAM_STATUS_LABELS.values(), team_last)

    ws = wb.create_sheet(msg.ORG_SHEET_PEOPLE)
    day = f"{today.day:02d}/{today.month:02d}/{today.year}"
    heading(
        ws,
        msg.ORG_TITLE_PEOPLE.format(commune=commune.name, code=commune.code, day=day),
        msg.ORG_PEOPLE_HEADERS,
        (10, 12, 26, 14, 9, 10, 16, 13, 13, 18, 11, 26, 12),
    )
    for i, p in enumerate(people):
        for col, fieldname in enumerate(PEOPLE_COLUMNS, start=1):
            cell = ws.cell(
                row=FIRST_ROW + i, column=col, value=text(shown_value(fieldname, p.get(fieldname)))
            )
            if fieldname in DATE_FIELDS:
                cell.number_format = "DD/MM/YYYY"
    last = FIRST_ROW + len(people) + 500
    for fieldname in DATE_FIELDS:
        col = PEOPLE_COLUMNS.index(fieldname) + 1
        letter = get_column_letter(col)
        for r in range(FIRST_ROW + len(people), last + 1):
            ws.cell(row=r, column=col).number_format = "DD/MM/YYYY"
        dv = DataValidation(
            type="date",
            operator="greaterThan",
            formula1="32874",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=msg.ORG_XLSX_CHECKS["date_title"],
            error=msg.ORG_XLSX_CHECKS["date"],
        )
        dv.add(f"{letter}{FIRST_ROW}:{letter}{last}")
        ws.add_data_validation(dv)
    team_dv = DataValidation(
        type="list",
        formula1=f"='{msg.ORG_SHEET_TEAMS}'!$A${FIRST_ROW}:$A${team_last}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=msg.ORG_XLSX_CHECKS["team_title"],
        error=msg.ORG_XLSX_CHECKS["team"],
    )
    team_dv.add(f"A{FIRST_ROW}:A{last}")
    ws.add_data_validation(team_dv)
    for fieldname, labels in CHOICES.items():
        if fieldname in ("legal_supporter", "retire_reason"):  # long lists: kept on the hidden list sheet
            continue
        listed(ws, PEOPLE_COLUMNS.index(fieldname) + 1, labels.values(), last)

    lists = wb.create_sheet(msg.ORG_SHEET_LISTS)
    for col, fieldname in enumerate(("legal_supporter", "retire_reason"), start=1):
        choices = list(CHOICES[fieldname].values())
        for r, value in enumerate(choices, start=1):
            lists.cell(row=r, column=col, value=value)
        letter = get_column_letter(col)
        dv = DataValidation(
            type="list",
            formula1=f"='{msg.ORG_SHEET_LISTS}'!${letter}$1:${letter}${len(choices)}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=msg.ORG_XLSX_CHECKS["choice_title"],
            error=msg.ORG_XLSX_CHECKS["choice"],
        )
        target = get_column_letter(PEOPLE_COLUMNS.index(fieldname) + 1)
        dv.add(f"{target}{FIRST_ROW}:{target}{last}")
        ws.add_data_validation(dv)
    lists.sheet_state = "hidden"

    notes = wb.create_sheet(msg.ORG_SHEET_NOTES)
    notes.cell(row=TITLE_ROW, column=1, value=msg.ORG_NOTES_INTRO).alignment = wrap
    notes.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=3)
    notes.row_dimensions[TITLE_ROW].height = 60
    for col, (header, width) in enumerate(zip(msg.ORG_NOTES_HEADERS, (24, 60, 60), strict=True), start=1):
        cell = notes.cell(row=HEADER_ROW, column=col, value=header)
        cell.font, cell.fill = bold, head_fill
        notes.column_dimensions[get_column_letter(col)].width = width
    for i, (column, (meaning, allowed)) in enumerate(msg.ORG_NOTES.items()):
        for col, value in enumerate((column, meaning, allowed), start=1):
            notes.cell(row=FIRST_ROW + i, column=col, value=value).alignment = wrap
        lines = max(
            -(-len(meaning) // 55), -(-len(allowed) // 55), 1
        )  # spreadsheet programs do not size rows
        notes.row_dimensions[FIRST_ROW + i].height = 15 * lines
    setup_print(notes, title_rows=(HEADER_ROW, HEADER_ROW))
    wb.move_sheet(notes, offset=-1)  # teams, people, notes, then the hidden lists

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean_text(str(value), limit=1000)
    return text[1:] if text.startswith("'") else text


def looks_like_org_list(content: bytes) -> bool:
    """Whether a file is a workbook with the sheets of the list (a file sent for something else is not)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True)
    except Exception:  # not a workbook at all
        return False
    try:
        return msg.ORG_SHEET_PEOPLE in wb.sheetnames
    finally:
        wb.close()


def read_workbook(content: bytes) -> ParsedList:
    """Every row of both sheets (not stopping at the sheet's recorded size), checked cell by cell."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise OrgFileError("file") from exc
    parsed = ParsedList()
    for sheet, headers in (
        (msg.ORG_SHEET_TEAMS, msg.ORG_TEAM_HEADERS),
        (msg.ORG_SHEET_PEOPLE, msg.ORG_PEOPLE_HEADERS),
    ):
        if sheet not in wb.sheetnames:
            raise OrgFileError("sheet", sheet=sheet)
        ws = wb[sheet]
        found = tuple(_cell_text(ws.cell(row=HEADER_ROW, column=c).value) for c in range(1, len(headers) + 1))
        if tuple(fold(h) for h in found) != tuple(fold(h) for h in headers):
            raise OrgFileError("header", sheet=sheet)
    rows = 0
    for r, cells in enumerate(
        wb[msg.ORG_SHEET_TEAMS].iter_rows(min_row=FIRST_ROW, max_col=len(TEAM_COLUMNS), values_only=True),
        start=FIRST_ROW,
    ):
        values = [_cell_text(v) for v in cells]
        if not any(values):
            continue
        rows += 1
        parsed.teams.append((r, _team_row(r, values, parsed.errors)))
    for r, cells in enumerate(
        wb[msg.ORG_SHEET_PEOPLE].iter_rows(min_row=FIRST_ROW, max_col=len(PEOPLE_COLUMNS), values_only=True),
        start=FIRST_ROW,
    ):
        if not any(_cell_text(v) for v in cells):
            continue
        rows += 1
        parsed.people.append((r, _person_row(r, cells, parsed.errors)))
        if rows > MAX_ROWS:
            raise OrgFileError("file")
    return parsed


def _team_row(r: int, values: list[str], errors: list[RowError]) -> dict:
    sheet = msg.ORG_SHEET_TEAMS
    code, name, status = (values + ["", "", ""])[:3]
    if not code:
        errors.append(RowError(sheet, r, _team_header("code"), "required"))
    elif len(code) > 30:
        errors.append(RowError(sheet, r, _team_header("code"), "too_long"))
    if not name:
        errors.append(RowError(sheet, r, _team_header("name"), "required"))
    elif len(name) > 200:
        errors.append(RowError(sheet, r, _team_header("name"), "too_long"))
    status_code = "active"
    if status:
        wanted = fold(status)
        matches = [c for c, label in msg.ORG_TEAM_STATUS_LABELS.items() if wanted in (fold(label), fold(c))]
        if matches:
            status_code = matches[0]
        else:
            errors.append(
                RowError(
                    sheet,
                    r,
                    _team_header("status"),
                    "choice",
                    dict(value=status, allowed=", ".join(msg.ORG_TEAM_STATUS_LABELS.values())),
                )
            )
    return {"code": code, "name": name, "status": status_code}


def _person_row(r: int, cells: tuple, errors: list[RowError]) -> dict:
    sheet = msg.ORG_SHEET_PEOPLE
    raw = dict(zip(PEOPLE_COLUMNS, list(cells) + [None] * (len(PEOPLE_COLUMNS) - len(cells)), strict=True))
    entry: dict[str, Any] = {"ref": _cell_text(raw["ref"]) or None}
    count = len(errors)
    for fieldname in PERSON_FIELDS:
        value = raw[fieldname]
        text = _cell_text(value)
        header = _header(fieldname)
        if not text:
            entry[fieldname] = "active" if fieldname == "status" else None
            if fieldname in REQUIRED:
                errors.append(RowError(sheet, r, header, "required"))
            continue
        if fieldname in DATE_FIELDS:
            try:
                day = parse_date(value)
                if day < MIN_DATE:
                    raise ValueError(text)
                entry[fieldname] = day.isoformat()
            except ValueError:
                errors.append(RowError(sheet, r, header, "date", dict(value=text)))
                entry[fieldname] = None
        elif fieldname in CHOICES:
            try:
                entry[fieldname] = parse_choice(fieldname, text)
            except KeyError:
                entry[fieldname] = None
                if fieldname in ("legal_supporter", "retire_reason"):
                    entry[f"_{fieldname}_raw"] = text  # may be an older value kept as it is (checked later)
                else:
                    allowed = ", ".join(str(v) for v in CHOICES[fieldname].values())
                    errors.append(RowError(sheet, r, header, "choice", dict(value=text, allowed=allowed)))
        elif fieldname == "full_name":
            entry[fieldname] = clean_name(text) or text  # checked with the current name in the plan
        else:
            if len(text) > (30 if fieldname == "team" else 60):
                errors.append(RowError(sheet, r, header, "too_long"))
            entry[fieldname] = text
    if len(errors) > count:
        entry["_invalid"] = True
    return entry


def is_official(person: Person | None) -> bool:
    return person is not None and person.role in OFFICIAL_ROLES


# --- commune mergers ---------------------------------------------------------------------------------------
class MergeError(ValueError):
    """A merger refused: `code` is 'sources', 'provinces', 'name', 'merged', 'code_taken' (ORG_MERGE_ERR) or
    'unknown_commune', with `params`; the chat and the command line word it
    (handlers.org.merge_error_text)."""

    def __init__(self, code: str, /, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


async def merge_communes(
    org: Any,
    db: Any,
    into_code: str,
    from_codes: list[str],
    name: str | None = None,
    person: Person | None = None,
    uow: UnitOfWork | None = None,
) -> tuple[Commune, list[Commune]]:
    """Merge the communes `from_codes` into `into_code` (created when it does not exist; then `name` is
    needed). Only a province official of their province, an administrator or the command line (`person`
    None) may.

    One unit of work under the row locks of every commune of the merger: their teams and people move with a
    dated history row (from today), pending invites follow, and the merger is recorded (commune_merges, also
    for communes merged into a source before) so that the commune's reports roll up the history of the
    merged communes, with its audit row. Cases keep the commune they were received in, so the old communes'
    reports stay as they were. A commune merged into another already is neither merged again nor merged
    into (its history would count twice)."""
    codes = [c.strip() for c in from_codes if c.strip()]
    if not codes or into_code in codes or len(set(codes)) != len(codes):
        raise MergeError("sources")
    sources = []
    for code in codes:
        commune = await org.commune_by_code(code)
        if commune is None:
            raise MergeError("unknown_commune", code=code)
        sources.append(commune)
    if len({c.province_id for c in sources}) != 1:
        raise MergeError("provinces")
    into = await org.commune_by_code(into_code)
    if into is not None and into.province_id != sources[0].province_id:
        raise MergeError("provinces")
    if into is None and not (name and clean_text(name, 200)):
        raise MergeError("name", code=into_code)
    if person is not None and not (
        person.active
        and (
            person.role == Role.ADMIN
            or (person.role == Role.PROVINCE_OFFICIAL and person.province_id == sources[0].province_id)
        )
    ):
        raise OrgDenied()
    new_name = clean_text(name, 200) or None
    province_id, day = sources[0].province_id, history_day()
    involved = [*sources, *([into] if into is not None else [])]
    uow = uow or UnitOfWork(db)
    # every commune of the merger is read, then written: their row locks (taken in one order: no deadlock)
    async with uow(*(Aggregate.commune(c.id) for c in involved)) as u:
        for commune in involved:  # under the locks: a merger of the same communes may just have finished
            if await u.org.merged_away(commune.id) is not None:
                raise MergeError("merged", code=commune.code)
        if into is None:
            await u.lock_key("commune_code", into_code)  # two mergers creating the same new commune
            if await u.org.commune_by_code(into_code) is not None:
                raise MergeError("code_taken", code=into_code)
            into_id = await u.org.insert_commune(province_id, into_code, new_name, sources)
        else:
            into_id = into.id
            if new_name:
                await u.org.rename_commune(into_id, new_name)
        moved: dict[str, list[str]] = {}
        for source in sources:
            for from_id in (source.id, *await u.org.merged_into(source.id)):
                await u.org.record_merge(from_id, into_id, day)
            moved[source.code] = await u.org.move_teams(source.id, into_id, day)
            await u.org.move_people(source.id, into_id, day)
            await u.org.move_pending_invites(source.id, into_id)
        await u.audit.add(
            action="org.commune.merge",
            object_type="commune",
            object_id=into_code,
            actor_id=person.id if person else None,
            actor_label="cli" if person is None else None,
            province_id=province_id,
            commune_id=into_id,
            before={"communes": [c.code for c in sources], "teams": moved},
            after={"commune": into_code, "name": new_name, "merged_on": day},
        )
        merged = await u.org.commune(into_id)
    if merged is None:  # written in the unit of work just committed: cannot happen
        raise LookupError(f"commune {into_code}")
    return merged, sources
