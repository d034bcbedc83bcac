"""Following up successful agreements (Law 35/2013/QH13 Art. 26; Decree 15/2014 Art. 9): the mediators of a
successful case are asked, AGREEMENT_FOLLOW_UP_DAYS after it closed, whether the parties carry out what they
agreed; asked once more a week later without an answer; then the case is listed for the team leader.

Every question and notice goes through the outbox (services/delivery.py: paced, restart-safe). Each step of a
follow-up (ask, remind, list) is stored in ONE transaction with its outbox rows (storage/logbook.py `step`): a
second run of the daily job, on this process after a restart or on another process, finds the step done and
sends nothing; a step once stored is delivered by the outbox even if the process dies right after.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from services import case_form as form
from services.case_models import Case
from services.cases import CaseDenied, CaseService
from services.models import Person, Role
from services.privacy import mask_personal_numbers
from services.text import clean_text
from storage.logbook import ANSWERS, LogbookRepository

log = logging.getLogger(__name__)

#: Broadcast topics (broadcasts.topic) of the follow-up messages; the chat adds the buttons of each.
ASK, REMIND, LISTED, NOT_DONE, ESCALATED = (
    "agreement_ask",
    "agreement_remind",
    "agreement_listed",
    "agreement_not_done",
    "agreement_escalated",
)
NOTE_MAX = 500


@dataclass(frozen=True)
class FollowUpSettings:
    #: Days after the closing date of a successful case before its mediators are asked.
    days: int = 30
    #: Days without an answer before the one reminder, then before the case is listed for the team leader.
    remind_after_days: int = 7
    list_after_days: int = 7
    #: A bot that was down asks late, up to this many days; older cases (e.g. imported logbooks) are not
    #: asked.
    catch_up_days: int = 30


class FollowUpDenied(Exception):
    pass


@dataclass
class RunReport:
    asked: int = 0
    reminded: int = 0
    listed: int = 0


class AgreementFollowUp:
    def __init__(
        self,
        repo: LogbookRepository,
        cases: CaseService,
        settings: FollowUpSettings | None = None,
        channels: set[str] | None = None,
    ):
        self.repo = repo
        self.cases = cases
        self.settings = settings or FollowUpSettings()
        #: The channels this deployment runs (shared with the broadcast service).
        self.channels = channels if channels is not None else set()
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    # --- who ------------------------------------------------------------------------------------------------
    async def leaders_of(self, team_id: int) -> list[int]:
        return [p.id for p in await self.cases.people.members_of_team(team_id) if p.role == Role.TEAM_LEADER]

    def may_answer(self, person: Person, case: Case) -> bool:
        """The case's mediators, its team leader, the commune's officials (and admins)."""
        if case.result != form.SUCCESS_RESULT:
            return False
        if person.role == Role.ADMIN:
            return True
        if person.role == Role.COMMUNE_OFFICIAL:
            return person.commune_id == case.commune_id
        if person.role == Role.TEAM_LEADER and person.team_id == case.team_id:
            return True
        return person.id in case.mediator_ids

    async def case_for(self, person: Person, case_id: int) -> Case:
        """The case whose follow-up `person` may answer or annotate; FollowUpDenied otherwise."""
        case = await self.cases.repo.get(case_id)
        if case is None or not self.may_answer(person, case):
            raise FollowUpDenied()
        return case

    async def recorded_answer(self, person: Person, case: Case) -> str | None:
        """The answer recorded for the case's follow-up ('done' | 'ongoing' | 'not_done'), None if none yet;
        FollowUpDenied for a person who may not answer it."""
        if not self.may_answer(person, case):
            raise FollowUpDenied()
        return ((await self.repo.followup(case.id)) or {}).get("answer")

    async def _broadcast(
        self,
        case: Case,
        topic: str,
        recipient_ids: list[int],
        channel: str,
        text: str,
        sender_id: int | None = None,
    ) -> dict:
        recipients = await self.repo.recipients(
            sorted(set(recipient_ids)), channel, tuple(sorted(self.channels | {channel}))
        )
        sender = sender_id or (case.mediator_ids[0] if case.mediator_ids else case.reporter_id)
        return {
            "sender_id": sender,
            "channel": channel,
            "scope": {"case": case.id, "topic": topic},
            "text": text,
            "recipients": recipients,
            "case_id": case.id,
            "topic": topic,
        }

    # --- the daily job --------------------------------------------------------------------------------------
    async def run(
        self,
        channel: str,
        render: Callable[[str, Case, dict], str],
        today: date | None = None,
        now: datetime | None = None,
    ) -> RunReport:
        """Store the due questions, reminders and listings with their outbox rows. `render(topic, case, info)`
        gives the message text. Safe to run any number of times, in any process."""
        s = self.settings
        today = today or self.cases.today()
        now = now or self.clock()
        report = RunReport()
        closed_to = today - timedelta(days=s.days)
        closed_from = closed_to - timedelta(days=s.catch_up_days)
        for row in await self.repo.due_for_question(closed_from.isoformat(), closed_to.isoformat()):
            case = await self.cases.repo.get(row["id"])
            if case is None or case.closed_on is None:  # cases are never deleted; a closed case has its date
                log.warning("agreement follow-up: case %s not found or not closed", row["id"])
                continue
            message = await self._broadcast(
                case,
                ASK,
                list(case.mediator_ids),
                channel,
                render(ASK, case, {"days": (today - date.fromisoformat(case.closed_on)).days}),
            )
            if await self.repo.step(case.id, "ask", [message], stamp(now)):
                report.asked += 1
        remind_before = stamp(now - timedelta(days=s.remind_after_days))
        for row in await self.repo.unanswered("asked", remind_before):
            case = await self.cases.repo.get(row["case_id"])
            if case is None:
                log.warning("agreement follow-up: case %s not found", row["case_id"])
                continue
            message = await self._broadcast(
                case, REMIND, list(case.mediator_ids), channel, render(REMIND, case, row)
            )
            if await self.repo.step(case.id, "remind", [message], stamp(now)):
                report.reminded += 1
        list_before = stamp(now - timedelta(days=s.list_after_days))
        for row in await self.repo.unanswered("reminded", list_before):
            case = await self.cases.repo.get(row["case_id"])
            if case is None:
                log.warning("agreement follow-up: case %s not found", row["case_id"])
                continue
            message = await self._broadcast(
                case, LISTED, await self.leaders_of(case.team_id), channel, render(LISTED, case, row)
            )
            if await self.repo.step(case.id, "list", [message], stamp(now)):
                report.listed += 1
        return report

    # --- answers --------------------------------------------------------------------------------------------
    async def answer(
        self,
        person: Person,
        case_id: int,
        answer: str,
        channel: str,
        render: Callable[[str, Case, dict], str],
    ) -> Case:
        """Record 'done' | 'ongoing' | 'not_done'. Becoming 'not_done' tells the team leader (through the
        outbox)."""
        if answer not in ANSWERS:
            raise FollowUpDenied()
        case = await self.case_for(person, case_id)
        notices = []
        before = await self.repo.followup(case.id)
        # Tell the leader when the answer becomes 'not_done', not again each time it is repeated.
        if answer == "not_done" and (before or {}).get("answer") != "not_done":
            leaders = [i for i in await self.leaders_of(case.team_id) if i != person.id]
            if leaders:
                notices.append(
                    await self._broadcast(
                        case,
                        NOT_DONE,
                        leaders,
                        channel,
                        render(NOT_DONE, case, {"by": person.full_name}),
                        person.id,
                    )
                )
        await self.repo.answer(case.id, person.id, answer, notices, stamp(self.clock()))
        return case

    async def escalate(
        self, person: Person, case_id: int, channel: str, render: Callable[[str, Case, dict], str]
    ) -> int:
        """'Báo tổ trưởng': ask the team leader to take it up (Art. 26: and inform the Front's committee
        head). Returns how many leaders were reached (0: the person is the leader or the team has none)."""
        case = await self.case_for(person, case_id)
        leaders = [i for i in await self.leaders_of(case.team_id) if i != person.id]
        notices = (
            [
                await self._broadcast(
                    case,
                    ESCALATED,
                    leaders,
                    channel,
                    render(ESCALATED, case, {"by": person.full_name}),
                    person.id,
                )
            ]
            if leaders
            else []
        )
        await self.repo.set_action(case.id, "leader", person_id=person.id, broadcasts=notices)
        return len(notices[0]["recipients"]) if notices else 0

    async def add_note(self, person: Person, case_id: int, raw: str) -> str:
        case = await self.case_for(person, case_id)
        note = mask_personal_numbers(clean_text(raw, NOTE_MAX))
        if not note:
            raise ValueError("empty")
        await self.repo.set_action(case.id, "note", person_id=person.id, note=note)
        return note

    async def begin_remediation(self, person: Person, case_id: int):
        """'Hòa giải lại': a new report prefilled from this case and linked to it (the person reports it)."""
        case = await self.case_for(person, case_id)
        try:
            return await self.cases.begin_remediation(person, case)
        except CaseDenied:
            raise FollowUpDenied() from None

    async def listed_for(self, person: Person) -> list[dict]:
        """Unanswered follow-ups listed for a team leader (their team) or a commune official (their
        commune)."""
        if person.role == Role.TEAM_LEADER and person.team_id:
            return await self.repo.listed_for_teams([person.team_id])
        if person.role == Role.COMMUNE_OFFICIAL and person.commune_id:
            teams = await self.cases.org.teams_of_commune(person.commune_id)
            return await self.repo.listed_for_teams([t.id for t in teams])
        return []


def stamp(when: datetime) -> str:
    """The storage's timestamp format (ISO-8601 UTC, seconds)."""
    return when.astimezone(UTC).replace(microsecond=0).isoformat()
