"""Broadcasts: who may reach whom (scope), the text rules, and storing a broadcast with its outbox."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from services.models import Person, Role
from storage.broadcasts import PENDING, SENDING, BroadcastRepository
from storage.db import Database
from storage.org import OrgRepository
from storage.uow import UnitOfWork

#: Longest broadcast text (Telegram allows 4096; we keep room for the header).
MAX_TEXT = 3500
#: Longest text under a photo or a document (Telegram's caption limit).
MAX_CAPTION = 1024
SENDERS = (Role.COMMUNE_OFFICIAL, Role.PROVINCE_OFFICIAL, Role.ADMIN)
#: Audience kinds: everyone in scope, team leaders only, commune officials only.
AUDIENCES = ("all", "leaders", "officials")
AUDIENCE_ROLES: dict[str, tuple[Role, ...]] = {
    "all": (Role.MEDIATOR, Role.TEAM_LEADER, Role.COMMUNE_OFFICIAL),
    "leaders": (Role.TEAM_LEADER,),
    "officials": (Role.COMMUNE_OFFICIAL,),
}
TEAM_MEMBER_ROLES = (Role.MEDIATOR, Role.TEAM_LEADER)
#: Outbox statuses of a row still to deliver: a broadcast none of whose rows is in one of them is finished.
UNDELIVERED = (PENDING, SENDING)

_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


class PermissionDenied(Exception):
    """The sender may not reach this scope (a forged callback, or a role that may not broadcast)."""


class TextError(ValueError):
    def __init__(self, reason: str, limit: int = 0):
        super().__init__(reason)
        self.reason = reason
        self.limit = limit


def clean_broadcast_text(text: str | None) -> str:
    """NFC, no invisible characters, trailing spaces trimmed, at most two blank lines in a row; keeps
    newlines."""
    if not text:
        return ""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text)).replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(lines).strip()
    return re.sub(r"\n{4,}", "\n\n\n", text)


def check_text(text: str | None, with_attachment: bool = False) -> str:
    """The cleaned text, or TextError('empty' | 'too_long', limit)."""
    cleaned = clean_broadcast_text(text)
    limit = MAX_CAPTION if with_attachment else MAX_TEXT
    if not cleaned:
        raise TextError("empty", limit)
    if len(cleaned) > limit:
        raise TextError("too_long", limit)
    return cleaned


@dataclass(frozen=True)
class BroadcastScope:
    """Who a broadcast or a training event reaches."""

    communes: tuple[int, ...]
    teams: tuple[int, ...] | None = None
    audience: str = "all"

    def as_json(self) -> dict:
        return {
            "communes": list(self.communes),
            "teams": None if self.teams is None else list(self.teams),
            "audience": self.audience,
        }

    @classmethod
    def from_json(cls, data: dict) -> BroadcastScope:
        teams = data.get("teams")
        return cls(
            communes=tuple(int(c) for c in data.get("communes") or ()),
            teams=None if teams is None else tuple(int(t) for t in teams),
            audience=str(data.get("audience") or "all"),
        )

    @property
    def roles(self) -> tuple[Role, ...]:
        if self.teams is not None:  # chosen teams: their members (officials belong to no team)
            return tuple(r for r in AUDIENCE_ROLES[self.audience] if r in TEAM_MEMBER_ROLES)
        return AUDIENCE_ROLES[self.audience]

    def contains(self, person: Person) -> bool:
        if person.commune_id not in self.communes or person.role not in self.roles:
            return False
        return self.teams is None or person.team_id in self.teams


class ScopeChecker:
    """Server-side checks of every id a sender picks (callback data is never trusted)."""

    def __init__(self, db: Database, org: OrgRepository):
        self.db = db
        self.org = org

    async def communes_for(self, sender: Person) -> list:
        """The communes this sender may reach, by name."""
        if sender.role == Role.COMMUNE_OFFICIAL:
            commune = await self.org.commune(sender.commune_id) if sender.commune_id else None
            return [commune] if commune else []
        if sender.role == Role.PROVINCE_OFFICIAL:
            return await self.org.communes_of_province(sender.province_id) if sender.province_id else []
        if sender.role == Role.ADMIN:
            return await self.org.all_communes()
        return []

    async def check(self, sender: Person, scope: BroadcastScope) -> BroadcastScope:
        """The scope if `sender` may reach it, else PermissionDenied."""
        if sender.role not in SENDERS:
            raise PermissionDenied("role")
        if scope.audience not in AUDIENCES or not scope.communes:
            raise PermissionDenied("scope")
        if sender.role == Role.COMMUNE_OFFICIAL and scope.audience == "officials":
            raise PermissionDenied("audience")
        allowed = {c.id for c in await self.communes_for(sender)}
        if not set(scope.communes) <= allowed:
            raise PermissionDenied("commune")
        if scope.teams is not None:
            if not scope.teams or len(scope.communes) != 1:
                raise PermissionDenied("teams")
            for team_id in scope.teams:
                team = await self.org.team(team_id)
                if team is None or team.commune_id != scope.communes[0] or not team.active:
                    raise PermissionDenied("team")
        return scope

    async def describe(self, scope: BroadcastScope) -> dict:
        """Names for showing a scope: {'communes': [...], 'teams': [...] | None, 'audience': kind}."""
        communes = [c.name for c in [await self.org.commune(i) for i in scope.communes] if c]
        teams = None
        if scope.teams is not None:
            teams = [t.name for t in [await self.org.team(i) for i in scope.teams] if t]
        return {"communes": communes, "teams": teams, "audience": scope.audience}


class BroadcastService:
    def __init__(self, repo: BroadcastRepository, scopes: ScopeChecker, uow: UnitOfWork | None = None):
        self.repo = repo
        self.scopes = scopes
        self.uow = uow or UnitOfWork(repo.db)
        #: The channels this deployment runs (each application adds its own): recipients are reached on one.
        self.channels: set[str] = set()
        #: Called when new outbox rows are due (the composition root registers each delivery worker's wake).
        self._wakers: list[Callable[[], None]] = []

    # --- delivery --------------------------------------------------------------------------------------
    def on_queued(self, wake: Callable[[], None]) -> None:
        """Register a delivery worker's wake-up (bot/delivery.py)."""
        self._wakers.append(wake)

    def wake(self) -> None:
        """New rows were queued: the delivery workers look for due rows now rather than at their next poll."""
        for wake in self._wakers:
            wake()

    async def finish_if_done(self, broadcast_id: int) -> bool:
        """Mark the broadcast finished once none of its rows is left to deliver (UNDELIVERED); True only for
        the call that marked it, so the sender's final report is sent once (the delivery worker's step)."""
        async with self.uow() as u:  # one conditional UPDATE decides: of two workers at once, one marks it
            return await u.broadcasts.set_finished(broadcast_id, unless=UNDELIVERED)

    async def set_progress_message(self, broadcast_id: int, chat_id: int | str, message_id: int) -> None:
        """The sender's progress message, edited by the worker as it delivers."""
        await self.repo.set_progress_message(broadcast_id, str(chat_id), message_id)

    # --- reading ---------------------------------------------------------------------------------------
    async def history(self, sender: Person, limit: int = 10) -> list[dict]:
        """The sender's latest broadcasts with their `counts` (sent, total, acked)."""
        return await self.repo.history_with_counts(sender.id, limit)

    async def details(self, viewer: Person, broadcast_id: int) -> tuple[dict, dict[str, int], list[dict]]:
        """(broadcast, counts, failures) for its sender or an administrator; PermissionDenied otherwise."""
        broadcast = await self.repo.get(broadcast_id)
        if broadcast is None or (broadcast["sender_id"] != viewer.id and viewer.role != Role.ADMIN):
            raise PermissionDenied("broadcast")
        return broadcast, await self.repo.counts(broadcast_id), await self.repo.failures(broadcast_id)

    async def acknowledge(self, broadcast_id: int, person: Person) -> bool | None:
        """Record 'Đã nhận'. None: this person was not a recipient; False: already acknowledged."""
        # The conditional UPDATE decides (of two taps at once, one records it); no lock on the broadcast, so
        # that its recipients acknowledging at once do not wait for one another.
        async with self.uow() as u:
            if await u.broadcasts.set_acked(broadcast_id, person.id):
                return True
            return None if await u.broadcasts.outbox_row(broadcast_id, person.id) is None else False

    async def recipients(
        self, sender: Person, scope: BroadcastScope, channel: str, channels: tuple[str, ...] | None = None
    ) -> list[tuple[int, str, str]]:
        """Who receives it: (person id, chat id, channel); `channels` are the channels this deployment
        runs."""
        scope = await self.scopes.check(sender, scope)
        return await self.repo.recipients(
            channel,
            list(scope.communes),
            scope.roles,
            None if scope.teams is None else list(scope.teams),
            exclude_person_id=sender.id,
            channels=channels or tuple(sorted(self.channels | {channel})),
        )

    async def create(
        self,
        sender: Person,
        scope: BroadcastScope,
        channel: str,
        text: str,
        attachment: dict | None = None,
        channels: tuple[str, ...] | None = None,
    ) -> tuple[int, int]:
        """Check the scope and the text again, then store the broadcast with one outbox row per recipient.

        Returns (broadcast id, number of recipients). Nothing is sent here: the worker delivers the outbox.
        """
        text = check_text(text, with_attachment=bool(attachment))
        if attachment is not None and attachment.get("kind") not in ("document", "photo"):
            raise ValueError("attachment kind")
        recipients = await self.recipients(sender, scope, channel, channels)
        async with self.uow() as u:  # new rows only: nothing to lock
            broadcast_id = await u.broadcasts.create(
                sender_id=sender.id,
                channel=channel,
                kind="announcement",
                scope=scope.as_json(),
                text=text,
                recipients=recipients,
                attachment=attachment,
            )
        return broadcast_id, len(recipients)
