"""Training events: creation (announced through the outbox), answers, the reminder, attendance.

Each change is one unit of work (storage/uow.py): the event with its announcement and outbox rows; the
reminder with its outbox rows (once per event: a conditional UPDATE decides); the attendance with the trained
dates it sets, under the event's row lock and the row locks of the people it touches."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services import dates
from services.broadcast import TEAM_MEMBER_ROLES, BroadcastScope, BroadcastService, PermissionDenied
from services.models import Person, Role
from storage.training import TrainingRepository
from storage.uow import Aggregate, UnitOfWork

log = logging.getLogger(__name__)

REMINDER_LEAD = timedelta(hours=24)
#: How long after an event the official may still record attendance.
ATTENDANCE_WINDOW = timedelta(days=90)
MAX_AHEAD = timedelta(days=366)

_WHEN = re.compile(
    rf"^\s*{dates.DAY_MONTH_YEAR}"  # dd/mm[/yyyy]
    r"(?:\s*,)?\s+(?:lúc\s+|luc\s+)?"
    r"(\d{1,2})(?:\s*(?::|h|giờ|gio|g)\s*(\d{1,2})?)?\s*(?:phút|phut|p)?\s*$"  # hh[:mm], 8h30, 8 giờ
)


class WhenError(ValueError):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # 'format' | 'invalid' | 'past' | 'too_far'


def parse_when(text: str, tz: str, now: datetime | None = None) -> datetime:
    """'14/10/2025 08:00' (also 14-10-2025 8h30, 14/10 8h, 14/10/25 14:00) → aware datetime in `tz`.

    Without a year: this year, or next year if that date has passed. Raises WhenError.
    """
    zone = ZoneInfo(tz)
    now = (now or datetime.now(UTC)).astimezone(zone)
    match = _WHEN.match((text or "").lower())
    if not match:
        raise WhenError("format")
    day, month, year, hour = int(match[1]), int(match[2]), match[3], int(match[4])
    minute = int(match[5] or 0)
    try:
        at = time(hour, minute)
        # without a year: the first such day on which this hour is still to come
        first_day = now.date() if at > now.time() else now.date() + timedelta(days=1)
        day_value = dates.complete(day, month, year, earliest=first_day)
    except (ValueError, dates.DateError) as exc:
        raise WhenError("invalid") from exc
    when = datetime.combine(day_value, at, tzinfo=zone)
    if when <= now:
        raise WhenError("past")
    if when - now > MAX_AHEAD:
        raise WhenError("too_far")
    return when


def utc_iso(when: datetime) -> str:
    return when.astimezone(UTC).replace(microsecond=0).isoformat()


class TrainingService:
    def __init__(
        self,
        repo: TrainingRepository,
        broadcasts: BroadcastService,
        timezone: str,
        uow: UnitOfWork | None = None,
    ):
        self.repo = repo
        self.broadcasts = broadcasts
        self.timezone = timezone
        self.uow = uow or UnitOfWork(repo.db)

    def local(self, iso: str) -> datetime:
        return datetime.fromisoformat(iso).astimezone(ZoneInfo(self.timezone))

    async def create(
        self,
        organiser: Person,
        scope: BroadcastScope,
        channel: str,
        *,
        title: str,
        starts_at: datetime,
        place: str,
        render: Callable[[dict], str],
    ) -> tuple[int, int, int]:
        """Check the scope, store the event with its announcement and outbox (one transaction).

        `render(event)` gives the announcement text. Returns (event id, broadcast id, recipients).
        """
        if starts_at <= datetime.now(UTC):
            raise WhenError("past")
        recipients = await self.broadcasts.recipients(organiser, scope, channel)
        event = {
            "title": title,
            "starts_at": utc_iso(starts_at),
            "local_date": starts_at.astimezone(ZoneInfo(self.timezone)).date().isoformat(),
            "place": place,
            "scope": scope.as_json(),
            "organiser_id": organiser.id,
            "province_id": organiser.province_id,
            "commune_id": organiser.commune_id,
        }
        text = render(event)
        async with self.uow() as u:  # new rows only: nothing to lock
            event_id = await u.training.create_event(event)
            broadcast_id = await u.broadcasts.create(
                sender_id=organiser.id,
                channel=channel,
                kind="training",
                scope=scope.as_json(),
                text=text,
                recipients=recipients,
                event_id=event_id,
            )
            await u.training.set_announcement(event_id, broadcast_id)
        return event_id, broadcast_id, len(recipients)

    # --- who sees what -----------------------------------------------------------------------------
    async def may_manage(self, official: Person, event: dict) -> bool:
        """The organiser, an admin, or an official whose reach covers every commune of the event."""
        if official.role not in (Role.COMMUNE_OFFICIAL, Role.PROVINCE_OFFICIAL, Role.ADMIN):
            return False
        if official.role == Role.ADMIN or event["organiser_id"] == official.id:
            return True
        reach = {c.id for c in await self.broadcasts.scopes.communes_for(official)}
        return set(BroadcastScope.from_json(event["scope"]).communes) <= reach

    async def managed_event(self, official: Person, event_id: int) -> dict:
        """The event if `official` may manage it (see may_manage), else PermissionDenied."""
        event = await self.repo.get(event_id)
        if event is None or not await self.may_manage(official, event):
            raise PermissionDenied("event")
        return event

    async def answer_of(self, event_id: int, person: Person) -> str | None:
        """This person's answer to the invitation ('yes' | 'no'), None before they answer."""
        return await self.repo.rsvp_of(event_id, person.id)

    async def attendees(self, event_id: int) -> list[int]:
        """Ids of the people recorded as present, in id order."""
        return await self.repo.attendees(event_id)

    async def upcoming_for(self, person: Person, now: datetime | None = None) -> list[dict]:
        events = await self.repo.starting_after(utc_iso(now or datetime.now(UTC)))
        if person.is_official:
            return [e for e in events if await self.may_manage(person, e)]
        return [e for e in events if BroadcastScope.from_json(e["scope"]).contains(person)]

    async def for_attendance(self, official: Person, now: datetime | None = None) -> list[dict]:
        """Events that have started (within the last 90 days) this official may record attendance for."""
        now = now or datetime.now(UTC)
        events = await self.repo.started_between(utc_iso(now - ATTENDANCE_WINDOW), utc_iso(now))
        return [e for e in events if await self.may_manage(official, e)]

    # --- answers -----------------------------------------------------------------------------------
    async def answer(self, person: Person, event_id: int, answer: str, now: datetime | None = None) -> dict:
        """Record 'yes' / 'no'; PermissionDenied if the person is not invited, WhenError if it has started."""
        if answer not in ("yes", "no"):
            raise ValueError(answer)
        # Under the event's row lock, which its reminder takes before reading who declined: a "no" stored
        # first is never reminded; one stored after the reminder finds it already queued.
        async with self.uow(Aggregate("training_events", event_id)) as u:
            event = await u.training.get(event_id)
            if event is None or not BroadcastScope.from_json(event["scope"]).contains(person):
                raise PermissionDenied("audience")
            if event["starts_at"] <= utc_iso(now or datetime.now(UTC)):
                raise WhenError("past")
            await u.training.set_rsvp(event_id, person.id, answer)
        return event

    async def counts(self, event: dict) -> dict[str, int]:
        """Answers 'yes' / 'no', and 'none': people the announcement was sent to who have not answered."""
        counts = await self.repo.rsvp_counts(event["id"])
        announced = (
            await self.broadcasts.repo.counts(event["announcement_id"]) if event["announcement_id"] else {}
        )
        counts["invited"] = announced.get("total", 0)
        counts["none"] = max(0, counts["invited"] - counts["yes"] - counts["no"])
        return counts

    # --- reminder ----------------------------------------------------------------------------------
    async def due_reminders(self, now: datetime | None = None) -> list[dict]:
        """Events starting within 24 hours, not reminded yet, announced more than 24 hours before they start
        (a later announcement is itself the reminder)."""
        now = now or datetime.now(UTC)
        due = []
        for event in await self.repo.not_reminded_after(utc_iso(now)):
            starts = datetime.fromisoformat(event["starts_at"])
            if (
                starts - REMINDER_LEAD <= now
                and datetime.fromisoformat(event["created_at"]) < starts - REMINDER_LEAD
            ):
                due.append(event)
        return due

    async def remind(self, event: dict, channel: str, text: str) -> tuple[int | None, int]:
        """Store the reminder (once) for the invited people who have not declined. (broadcast id,
        recipients); (None, 0) when it was stored already."""
        scope = BroadcastScope.from_json(event["scope"])
        # Once per event: the conditional UPDATE decides (and locks the event's row until the end). Who
        # declined is read after it, so an answer (`answer`, under the same lock) is seen or comes after.
        async with self.uow() as u:
            if not await u.training.mark_reminded(event["id"]):
                return None, 0
            recipients = await u.broadcasts.recipients(
                channel,
                list(scope.communes),
                scope.roles,
                None if scope.teams is None else list(scope.teams),
                exclude_person_id=event["organiser_id"],
                exclude_declined_event=event["id"],
                channels=tuple(sorted(self.broadcasts.channels | {channel})),
            )
            broadcast_id = await u.broadcasts.create(
                sender_id=event["organiser_id"],
                channel=channel,
                kind="reminder",
                scope=event["scope"],
                text=text,
                recipients=recipients,
                event_id=event["id"],
            )
            await u.training.set_reminder(event["id"], broadcast_id)
        return broadcast_id, len(recipients)

    async def queue_reminders(
        self, channel: str, render: Callable[[dict], Awaitable[str]], now: datetime | None = None
    ) -> int:
        """The daily job: store the reminder of every event starting within 24 hours (once per event, through
        the outbox); `render(event)` gives the text. Returns how many events were reminded."""
        reminded = 0
        for event in await self.due_reminders(now):
            broadcast_id, count = await self.remind(event, channel, await render(event))
            if broadcast_id is not None:
                reminded += 1
                log.info("training %s: reminder %s to %d people", event["id"], broadcast_id, count)
        return reminded

    # --- attendance --------------------------------------------------------------------------------
    async def candidates(self, event: dict, repo: TrainingRepository | None = None) -> list[dict]:
        """Team members invited to the event: the checklist of attendance (`repo`: a unit of work's)."""
        scope = BroadcastScope.from_json(event["scope"])
        roles = tuple(r for r in scope.roles if r in TEAM_MEMBER_ROLES)
        return await (repo or self.repo).members(
            list(scope.communes), roles, None if scope.teams is None else list(scope.teams)
        )

    async def save_attendance(
        self, official: Person, event_id: int, ticked: set[int], now: datetime | None = None
    ) -> tuple[int, int]:
        """Replace the event's attendance with `ticked`, keeping each person's trained date the date of their
        earliest training: a newly ticked person whose trained date is empty or later gets the event's date
        (the replaced value is kept in the attendance row); un-ticking restores it. Only the event's invited
        team members (and those already recorded) may be ticked. Returns (attendees, trained dates changed).
        """
        event = await self.repo.get(event_id)
        if event is None or not await self.may_manage(official, event):
            raise PermissionDenied("event")
        if event["starts_at"] > utc_iso(now or datetime.now(UTC)):
            raise WhenError("not_started")
        attended_on = event["local_date"]
        changed = 0
        # The attendance is read, then replaced: the event's row lock. The trained dates are read, then set:
        # the row locks of the people (taken after the event's, all at once in id order: no deadlock).
        async with self.uow(Aggregate("training_events", event_id)) as u:
            existing = await u.training.attendance(event_id)
            allowed = {c["id"] for c in await self.candidates(event, u.training)} | set(existing)
            if not ticked <= allowed:
                raise PermissionDenied("person")
            await u.lock(*(Aggregate.person(p) for p in ticked | set(existing)))
            for person_id, row in existing.items():
                if person_id in ticked:
                    continue
                await u.training.remove_attendance(event_id, person_id)
                if row["changed_trained_on"]:
                    other = await u.training.earliest_attendance(person_id)
                    restored = min([d for d in (row["previous_trained_on"], other) if d], default=None)
                    changed += await u.training.set_trained_on(person_id, restored, if_now=attended_on)
            for person_id in sorted(ticked - set(existing)):
                found, previous = await u.training.trained_on(person_id)
                if not found:
                    continue
                earlier = previous is None or previous > attended_on
                if earlier:
                    changed += await u.training.set_trained_on(person_id, attended_on)
                await u.training.add_attendance(
                    event_id,
                    person_id,
                    attended_on,
                    changed_trained_on=earlier,
                    previous_trained_on=previous if earlier else None,
                    recorded_by=official.id,
                )
            await u.training.attendance_saved(event_id)
        return len(ticked), changed
