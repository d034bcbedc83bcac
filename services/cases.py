"""Case reporting (the digital logbook): drafts, submission, corrections, results recorded later, reminders.

Plain async Python over the repositories; the chat handlers (handlers/cases.py), the import command and the
reminder job only translate to and from this service. Every permission is checked here, on every call.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from services import case_form as form
from services.case_form import FormContext, FormError
from services.case_models import Case, Draft
from services.models import Person, Role
from services.privacy import PartyCipher
from services.text import clean_text
from storage.cases import CaseRepository, DuplicateSubmission
from storage.org import OrgRepository
from storage.people import PeopleRepository
from storage.text_claims import TextClaimRepository
from storage.uow import Aggregate, UnitOfWork

REPORTER_ROLES = (Role.MEDIATOR, Role.TEAM_LEADER, Role.COMMUNE_OFFICIAL)
PURPOSES = ("new", "edit", "result")
#: Fields that recording a result may change.
RESULT_KEYS = (
    "result",
    "closed_on",
    "court_recognition",
    "summary",
    "invited_kinds",
    "invited_count",
    "invited_names",
    "agreement",
    "written_record",
    "record_photo",
    "note",
)
#: Fields answered with their own buttons (not through `answer`).
TOGGLED_KEYS = ("mediator_ids", "invited_kinds", "follows_case_id")
#: Encrypted fields (party data, Law 35/2013 Art. 4).
SECRET_KEYS = ("parties", "invited_names")


@dataclass(frozen=True)
class CaseSettings:
    reminder_days: int = 7
    #: Team leaders hear of cases pending this many times `reminder_days`.
    leader_factor: int = 2
    #: A mediator may correct their own case for this many days after submitting it.
    edit_days: int = 7
    timezone: str = "Asia/Ho_Chi_Minh"


class CaseDenied(Exception):
    """The person may not do this with this case (or the case does not exist for them)."""


class StaleStep(Exception):
    """A button of another step was tapped; `current` is the question being asked now."""

    def __init__(self, current: str | None):
        super().__init__(current)
        self.current = current


class TextNotAwaited(Exception):
    """Typed text reached the draft while another flow had asked for text since (it is not written)."""


class NoDraft(Exception):
    pass


class DraftInProgress(Exception):
    """The person has an unfinished report that a new one would replace."""


@dataclass
class SubmitOutcome:
    case: Case
    created: bool = True
    changed: bool = True
    duplicate: bool = False


@dataclass
class Reminder:
    case: Case
    recipient_id: int
    kind: str  # reporter | leader
    period: int
    days: int


@dataclass
class DraftView:
    """A draft with the form context it is shown in and the question to ask (None: the review screen)."""

    draft: Draft
    ctx: FormContext
    step: str | None
    case: Case | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class CaseService:
    def __init__(
        self,
        repo: CaseRepository,
        org: OrgRepository,
        people: PeopleRepository,
        cipher: PartyCipher | None = None,
        settings: CaseSettings | None = None,
        claims: TextClaimRepository | None = None,
        uow: UnitOfWork | None = None,
    ):
        self.repo = repo
        self.uow = uow or UnitOfWork(repo.db)
        self.claims = claims or TextClaimRepository(repo.db)
        self.org = org
        self.people = people
        self.cipher = cipher or PartyCipher(None)
        self.settings = settings or CaseSettings()
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    # --- time ----------------------------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.now().astimezone(ZoneInfo(self.settings.timezone)).date()

    # --- scope and permissions -----------------------------------------------------------------------------
    async def report_teams(self, person: Person) -> dict[int, str]:
        """Teams `person` may report a case for: their own team; a commune official: every team of the
        commune."""
        if person.role in (Role.MEDIATOR, Role.TEAM_LEADER) and person.team_id:
            team = await self.org.team(person.team_id)
            return {team.id: team.name} if team else {}
        if person.role == Role.COMMUNE_OFFICIAL and person.commune_id:
            return {t.id: t.name for t in await self.org.teams_of_commune(person.commune_id)}
        return {}

    def can_view(self, person: Person, case: Case) -> bool:
        if person.role == Role.ADMIN:
            return True
        if person.role == Role.PROVINCE_OFFICIAL:
            return person.province_id == case.province_id
        if person.role == Role.COMMUNE_OFFICIAL:
            return person.commune_id == case.commune_id
        if person.role == Role.TEAM_LEADER and person.team_id == case.team_id:
            return True
        return case.reporter_id == person.id or person.id in case.mediator_ids

    def can_record_result(self, person: Person, case: Case) -> bool:
        if case.result != form.PENDING_RESULT or person.role == Role.PROVINCE_OFFICIAL:
            return False
        return self.can_view(person, case)

    def can_correct(self, person: Person, case: Case) -> bool:
        if person.role == Role.ADMIN:
            return True
        if person.role == Role.COMMUNE_OFFICIAL:
            return person.commune_id == case.commune_id
        if person.role in (Role.MEDIATOR, Role.TEAM_LEADER) and case.reporter_id == person.id:
            created = datetime.fromisoformat(case.created_at)
            return self.now() - created <= timedelta(days=self.settings.edit_days)
        return False

    async def case_for(self, person: Person, case_id: int | None) -> Case:
        case = await self.repo.get(case_id) if case_id else None
        if case is None or not self.can_view(person, case):
            raise CaseDenied()
        return case

    async def number_of(self, case_id: int) -> str | None:
        """The number of a case another case follows (shown on the card of a case its viewer may see)."""
        case = await self.repo.get(case_id)
        return case.number if case else None

    async def lists_for(self, person: Person) -> tuple[list[Case], list[Case]]:
        """(open cases in the person's scope, recent cases they may correct)."""
        since = (self.now() - timedelta(days=self.settings.edit_days)).isoformat()
        pending = form.PENDING_RESULT
        if person.role == Role.COMMUNE_OFFICIAL:
            open_cases = await self.repo.find(commune_id=person.commune_id, result=pending, limit=30)
            recent = await self.repo.find(commune_id=person.commune_id, created_since=since, limit=30)
        elif person.role == Role.TEAM_LEADER:
            open_cases = await self.repo.find(team_id=person.team_id, result=pending, limit=30)
            recent = await self.repo.find(reporter_id=person.id, created_since=since, limit=30)
        else:
            open_cases = await self.repo.find(reporter_id=person.id, result=pending, limit=30)
            recent = await self.repo.find(reporter_id=person.id, created_since=since, limit=30)
        open_ids = {c.id for c in open_cases}
        recent = [c for c in recent if c.id not in open_ids and self.can_correct(person, c)]
        return open_cases, recent

    # --- the form context ----------------------------------------------------------------------------------
    async def context(self, person: Person, draft: Draft, case: Case | None = None) -> FormContext:
        teams = await self.report_teams(person)
        if case is not None and case.team_id not in teams:
            team = await self.org.team(case.team_id)
            if team is not None:
                teams = {**teams, team.id: team.name}
        team_id = draft.values.get("team_id")
        if team_id is None and len(teams) == 1:
            team_id = next(iter(teams))
        members: dict[int, str] = {}
        parties_enabled = False
        if team_id in teams:
            members = {
                p.id: p.full_name
                for p in await self.people.members_of_team(team_id)
                if p.role in (Role.MEDIATOR, Role.TEAM_LEADER)
            }
            for pid in case.mediator_ids if case else ():
                if pid not in members:
                    other = await self.people.get(pid)
                    members[pid] = other.full_name if other else f"#{pid}"
            team = await self.org.team(team_id)
            commune = await self.org.commune(team.commune_id) if team else None
            parties_enabled = bool(commune and commune.store_party_names and self.cipher.available)
        return FormContext(
            today=self.today(),
            reporter_id=person.id,
            teams=teams,
            members=members,
            parties_enabled=parties_enabled,
        )

    async def parties_blocked(self, person: Person) -> bool:
        """The commune enabled party names but no key is configured (the official should be told)."""
        if person.commune_id is None or self.cipher.available:
            return False
        commune = await self.org.commune(person.commune_id)
        return bool(commune and commune.store_party_names)

    async def view(self, person: Person, draft: Draft) -> DraftView:
        case = await self.repo.get(draft.case_id) if draft.case_id else None
        ctx = await self.context(person, draft, case)
        before = dict(draft.values)
        draft.values = form.prune(draft.values, ctx)
        step = draft.editing or form.next_field(draft.values, ctx)
        if draft.purpose == "result" and step is not None and step not in RESULT_KEYS:
            step = None
        if draft.values != before:
            await self.repo.save_draft(draft)
        await self.claims.claim(person.id, f"case:{draft.purpose}")  # shown: typed text is for this draft now
        return DraftView(draft, ctx, step, case)

    def parties_locked(self, view: DraftView) -> bool:
        """The case has party names that this form cannot show or change (no key, or names turned off)."""
        return bool(view.case and view.case.parties_encrypted and not view.ctx.parties_enabled)

    def parties_plain(self, draft: Draft) -> str | None:
        token = draft.values.get("parties")
        return self.cipher.decrypt(token) if token else None

    # --- drafts --------------------------------------------------------------------------------------------
    async def draft(self, person: Person, purpose: str = "new") -> Draft | None:
        return await self.repo.draft(person.id, purpose)

    async def begin(self, person: Person) -> DraftView:
        """Start a new report (dropping any earlier unfinished one)."""
        if person.role not in REPORTER_ROLES or not await self.report_teams(person):
            raise CaseDenied()
        draft = Draft(person_id=person.id, purpose="new", submission_key=secrets.token_hex(8))
        await self.repo.save_draft(draft)
        return await self.view(person, draft)

    async def begin_correction(self, person: Person, case_id: int) -> DraftView:
        case = await self.case_for(person, case_id)
        if not self.can_correct(person, case):
            raise CaseDenied()
        draft = Draft(
            person_id=person.id,
            purpose="edit",
            submission_key=secrets.token_hex(8),
            case_id=case.id,
            values=case.form_values(),
        )
        await self.repo.save_draft(draft)
        return await self.view(person, draft)

    async def begin_remediation(self, person: Person, case: Case) -> DraftView:
        """A new report that mediates `case` again (its agreement was not carried out, Law 35/2013 Art. 26),
        prefilled from it and linked to it; the date received and the result are asked. An unfinished report
        of the person is never overwritten (CaseDenied: finish or cancel it first)."""
        teams = await self.report_teams(person)
        if person.role not in REPORTER_ROLES or case.team_id not in teams or not self.can_view(person, case):
            raise CaseDenied()
        existing = await self.repo.draft(person.id, "new")
        if existing is not None and any(not k.startswith("_") for k in existing.values):
            raise DraftInProgress()
        keep = (
            "team_id",
            "field",
            "basis",
            "parties_count",
            "mediator_ids",
            "invited_kinds",
            "invited_count",
            "summary",
        )
        values = {k: v for k, v in case.form_values().items() if k in keep}
        values.update({"follows_case_id": case.id, "_follows_number": case.number})
        draft = Draft(person_id=person.id, purpose="new", submission_key=secrets.token_hex(8), values=values)
        await self.repo.save_draft(draft)
        return await self.view(person, draft)

    async def begin_result(self, person: Person, case_id: int) -> DraftView:
        case = await self.case_for(person, case_id)
        if not self.can_record_result(person, case):
            raise CaseDenied()
        values = {
            k: v
            for k, v in case.form_values().items()
            if k not in ("result", "closed_on", "court_recognition")
        }
        draft = Draft(
            person_id=person.id,
            purpose="result",
            submission_key=secrets.token_hex(8),
            case_id=case.id,
            values=values,
        )
        await self.repo.save_draft(draft)
        return await self.view(person, draft)

    async def _load(self, person: Person, purpose: str) -> Draft:
        if purpose not in PURPOSES:
            raise NoDraft()
        draft = await self.repo.draft(person.id, purpose)
        if draft is None:
            raise NoDraft()
        return draft

    async def current(self, person: Person, purpose: str) -> DraftView:
        return await self.view(person, await self._load(person, purpose))

    async def answer(self, person: Person, purpose: str, key: str | None, raw: str) -> DraftView:
        """Record the answer to the current question (`key` None: whatever is being asked; typed text).

        Typed text is written only while this draft is the last thing that asked the person for text."""
        if key is None and not await self.claims.holds(person.id, f"case:{purpose}"):
            raise TextNotAwaited()
        view = await self.current(person, purpose)
        draft = view.draft
        if key is None:
            # Text typed on the review screen is the summary.
            key = "summary" if view.step is None else view.step
            if (
                form.BY_KEY[key].kind == "photo"
            ):  # typed text is never a photo, even one shaped like a file id
                raise FormError("photo_expected")
        elif key != view.step:
            raise StaleStep(view.step)
        if key not in form.BY_KEY or key in TOGGLED_KEYS:
            raise StaleStep(view.step)
        if purpose == "result" and key not in RESULT_KEYS:
            raise StaleStep(view.step)
        if purpose == "result" and key == "result" and raw == form.PENDING_RESULT:
            raise FormError("use_buttons")
        value = form.parse_answer(key, raw, draft.values, view.ctx)
        if key in SECRET_KEYS:
            value = self.cipher.encrypt(value) if value else None
        if value is None or value == "":
            draft.values[key] = "" if form.BY_KEY[key].kind in ("text", "secret") else value
        else:
            draft.values[key] = value
        if key == "received_on" and draft.values.get("closed_on", "9999") < value:
            draft.values.pop("closed_on")
        self._advance(draft, key)
        await self.repo.save_draft(draft)
        view = await self.view(person, draft)
        if form.BY_KEY[key].kind == "text" and value != clean_text(raw, 10_000):
            view.extra["masked"] = True
        return view

    @staticmethod
    def _advance(draft: Draft, key: str) -> None:
        if draft.editing == key:
            draft.editing = None
        elif key not in draft.history:
            draft.history.append(key)

    async def skip(self, person: Person, purpose: str, key: str) -> DraftView:
        """Leave an optional field empty ("Bỏ qua")."""
        view = await self.current(person, purpose)
        if key != view.step or form.BY_KEY[key].required:
            raise StaleStep(view.step)
        view.draft.values[key] = ""
        self._advance(view.draft, key)
        await self.repo.save_draft(view.draft)
        return await self.view(person, view.draft)

    async def toggle_mediator(self, person: Person, purpose: str, member: str) -> DraftView:
        """'me': only the reporter; a person id: select or unselect; 'done': confirm the selection."""
        view = await self.current(person, purpose)
        if view.step != "mediator_ids" or purpose == "result":
            raise StaleStep(view.step)
        draft, ctx = view.draft, view.ctx
        selected = list(draft.values.get("_selecting", draft.values.get("mediator_ids", [])))
        if member == "me":
            if person.id not in ctx.members:
                raise FormError("mediators")
            selected = [person.id]
        elif member == "done":
            if not selected:
                raise FormError("required")
            draft.values["mediator_ids"] = sorted(selected)
            draft.values.pop("_selecting", None)
            self._advance(draft, "mediator_ids")
            await self.repo.save_draft(draft)
            return await self.view(person, draft)
        else:
            pid = int(member) if member.isdigit() else None
            if pid not in ctx.members:
                raise FormError("mediators")
            selected = [i for i in selected if i != pid] if pid in selected else [*selected, pid]
        draft.values["_selecting"] = selected
        await self.repo.save_draft(draft)
        return await self.view(person, draft)

    async def toggle_kind(self, person: Person, purpose: str, code: str) -> DraftView:
        """Kinds of invited persons: a code selects/unselects, 'none': nobody invited, 'done': confirm."""
        view = await self.current(person, purpose)
        if view.step != "invited_kinds":
            raise StaleStep(view.step)
        draft = view.draft
        selected = list(draft.values.get("_kinds", draft.values.get("invited_kinds") or []))
        if code in ("none", "done"):
            chosen = [] if code == "none" else [c for c in form.INVITED_KINDS if c in selected]
            draft.values["invited_kinds"] = chosen
            draft.values.pop("_kinds", None)
            if chosen:
                draft.values["invited_count"] = max(int(draft.values.get("invited_count") or 0), len(chosen))
            else:
                for key in ("invited_count", "invited_names"):
                    draft.values.pop(key, None)
            self._advance(draft, "invited_kinds")
        else:
            if code not in form.INVITED_KINDS:
                raise FormError("choice", choices=", ".join(form.INVITED_KINDS))
            selected = [c for c in selected if c != code] if code in selected else [*selected, code]
            draft.values["_kinds"] = selected
        await self.repo.save_draft(draft)
        return await self.view(person, draft)

    def kinds_selection(self, view: DraftView) -> list[str]:
        values = view.draft.values
        return list(values.get("_kinds", values.get("invited_kinds") or []))

    def selection(self, view: DraftView) -> list[int]:
        values = view.draft.values
        return list(values.get("_selecting", values.get("mediator_ids", [])))

    async def back(self, person: Person, purpose: str) -> DraftView:
        draft = await self._load(person, purpose)
        if draft.editing:
            draft.editing = None
            draft.values.pop("_selecting", None)
            draft.values.pop("_kinds", None)
        elif draft.history:
            key = draft.history.pop()
            draft.values.pop(key, None)
        await self.repo.save_draft(draft)
        return await self.view(person, draft)

    async def edit(self, person: Person, purpose: str, key: str) -> DraftView:
        view = await self.current(person, purpose)
        editable = RESULT_KEYS if purpose == "result" else tuple(form.BY_KEY)
        if (
            view.step is not None
            or key not in editable
            or key in form.NOT_EDITABLE
            or not form.applicable(key, view.draft.values, view.ctx)
        ):
            raise StaleStep(view.step)
        view.draft.editing = key
        view.draft.values.pop("_selecting", None)
        view.draft.values.pop("_kinds", None)
        await self.repo.save_draft(view.draft)
        return await self.view(person, view.draft)

    async def cancel(self, person: Person, purpose: str | None = None) -> None:
        for p in (purpose,) if purpose else PURPOSES:
            await self.repo.delete_draft(person.id, p)

    # --- submission ----------------------------------------------------------------------------------------
    async def submit(self, person: Person, purpose: str, key: str) -> SubmitOutcome | DraftView:
        """Store the draft. Idempotent: the same submission key never stores twice. Returns the draft view
        (with `extra['errors']`) instead when the form is not complete or valid."""
        draft = await self.repo.draft(person.id, purpose) if purpose in PURPOSES else None
        if draft is None or draft.submission_key != key:
            existing = await self.repo.by_submission_key(key) if purpose == "new" else None
            if existing is not None and existing.reporter_id == person.id:
                return SubmitOutcome(existing, created=False, duplicate=True)
            raise NoDraft()
        view = await self.view(person, draft)
        if view.step is not None:
            return view
        values = {k: v for k, v in draft.values.items() if not k.startswith("_")}
        errors = form.validate(values, view.ctx)
        if errors:
            view.extra["errors"] = errors
            return view
        if purpose == "new":
            if person.role not in REPORTER_ROLES or values["team_id"] not in await self.report_teams(person):
                raise CaseDenied()
            team = await self.org.team(values["team_id"])
            commune = await self.org.commune(team.commune_id) if team is not None else None
            if commune is None:  # a team of report_teams always exists, with its commune
                raise CaseDenied()
            try:
                # One unit of work under the commune's row lock: case numbers run per commune, so reports of
                # one commune are stored one after the other, and reports of other communes do not wait.
                async with self.uow(Aggregate.commune(commune.id)) as u:
                    if values.get("follows_case_id"):
                        followed = await u.cases.get(values["follows_case_id"])
                        if followed is None or followed.commune_id != commune.id:
                            raise CaseDenied()
                    case = await u.cases.create(
                        values,
                        province_id=commune.province_id,
                        commune_id=commune.id,
                        commune_code=commune.code,
                        reporter_id=person.id,
                        submission_key=key,
                    )
            except DuplicateSubmission as dup:
                return SubmitOutcome(dup.case, created=False, duplicate=True)
            return SubmitOutcome(case)
        case = await self.case_for(person, draft.case_id)
        if purpose == "edit":
            if not self.can_correct(person, case):
                raise CaseDenied()
            if values["team_id"] != case.team_id:
                team = await self.org.team(values["team_id"])
                if team is None or team.commune_id != case.commune_id:
                    raise CaseDenied()
            if not view.ctx.parties_enabled:
                # Without the key the names can be neither shown nor changed: the stored ciphertext stays.
                values.pop("parties", None)
                if case.parties_encrypted:
                    values["parties"] = case.parties_encrypted
            action = "correct"
        else:
            if not self.can_record_result(person, case):
                raise CaseDenied()
            values = {**case.form_values(), **{k: values.get(k) for k in RESULT_KEYS if k in values}}
            if values.get("result") not in form.CONCLUDED_RESULTS:
                values.pop("closed_on", None)
            if values.get("result") != form.SUCCESS_RESULT:
                for key in ("court_recognition", "written_record", "record_photo"):
                    values.pop(key, None)
            if values.get("result") not in form.CONCLUDED_RESULTS:
                values.pop("agreement", None)
            action = "record_result"
        if (
            case.invited_names_encrypted
            and not view.ctx.parties_enabled
            and values.get("invited_kinds")
            and "invited_names" not in values
        ):
            # Names of invited persons cannot be shown or changed without the key: the stored ciphertext
            # stays.
            values["invited_names"] = case.invited_names_encrypted
        async with self.uow(Aggregate.case(case.id)) as u:  # read, then write: the case's row lock
            updated, changed = await u.cases.update(
                case.id, values, actor_id=person.id, action=action, draft=(person.id, purpose)
            )
        return SubmitOutcome(updated, created=False, changed=changed)

    # --- reminders -----------------------------------------------------------------------------------------
    async def due_reminders(self, today: date | None = None) -> list[Reminder]:
        """Reminders not sent yet: the reporter every `reminder_days` days a case stays pending, the team
        leader(s) every `leader_factor × reminder_days` days."""
        today = today or self.today()
        every = self.settings.reminder_days
        leader_every = every * self.settings.leader_factor
        due: list[Reminder] = []
        leaders_of: dict[int, list[int]] = {}
        for case in await self.repo.pending_received_before((today - timedelta(days=every)).isoformat()):
            days = (today - date.fromisoformat(case.received_on)).days
            if case.reporter_id is not None:
                period = days // every
                if not await self.repo.reminder_sent(case.id, case.reporter_id, "reporter", period):
                    due.append(Reminder(case, case.reporter_id, "reporter", period, days))
            if days >= leader_every:
                if case.team_id not in leaders_of:
                    leaders_of[case.team_id] = [
                        p.id
                        for p in await self.people.members_of_team(case.team_id)
                        if p.role == Role.TEAM_LEADER
                    ]
                period = days // leader_every
                for leader_id in leaders_of[case.team_id]:
                    if leader_id == case.reporter_id:
                        continue
                    if not await self.repo.reminder_sent(case.id, leader_id, "leader", period):
                        due.append(Reminder(case, leader_id, "leader", period, days))
        return due
