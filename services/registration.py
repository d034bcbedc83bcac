"""Invite codes and registration: who may invite whom, code format, when a code may be used.

The rules live here; storage/invites.py only reads and writes. Creating and redeeming an invite are each one
unit of work (storage/uow.py): the checks and the writes are one transaction, redemption under the invite's
row lock (and the listed person's, when the invite names one), so concurrent redemptions of a 1-use invite
give exactly one person."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from services.models import INVITABLE_ROLES, Commune, Invite, Person, PersonDraft, Role, Team
from storage.invites import InviteRepository
from storage.org import OrgRepository
from storage.people import PeopleRepository
from storage.uow import Aggregate, UnitOfWork

#: Letters and digits that cannot be confused on a small screen (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_PATTERN = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
REASONS = ("malformed", "invalid", "already_registered", "team_required", "too_many_attempts")
#: Why a well-formed code does not work; people get one reply for all of them ("invalid"), so that trying
#: codes tells nothing about which ones exist (the exact reason stays in RegistrationError.detail).
INVALID_DETAILS = ("unknown", "revoked", "expired", "used_up", "creator_inactive")
#: Wrong invite codes one chat identity may try per window, and all identities together.
MAX_FAILURES = 5
GLOBAL_MAX_FAILURES = 50
FAILURE_WINDOW_MINUTES = 10
#: What the operator's command line may ask for (it is trusted).
MAX_USES_LIMIT = 500
MAX_DAYS_LIMIT = 365
#: What a person creating an invite in the chat may ask for: exactly the buttons /moi offers.
INVITE_USES = (1, 5, 10, 30)
INVITE_DAYS = (7, 14, 30)
#: Roles each inviter may create (only an administrator may invite a province official).
_CREATABLE = {
    Role.COMMUNE_OFFICIAL: (Role.MEDIATOR, Role.TEAM_LEADER),
    Role.PROVINCE_OFFICIAL: (Role.MEDIATOR, Role.TEAM_LEADER, Role.COMMUNE_OFFICIAL),
    Role.ADMIN: (Role.MEDIATOR, Role.TEAM_LEADER, Role.COMMUNE_OFFICIAL, Role.PROVINCE_OFFICIAL),
}


def creatable_roles(inviter: Role) -> tuple[Role, ...]:
    """The roles a person of role `inviter` may create invites for (none for mediators and team leaders)."""
    return _CREATABLE.get(inviter, ())


class RegistrationError(Exception):
    """`reason` decides the reply (one of REASONS); `detail` says exactly why, for logs and tests."""

    def __init__(self, reason: str, detail: str | None = None):
        if reason in INVALID_DETAILS:
            reason, detail = "invalid", reason
        super().__init__(reason)
        self.reason = reason
        self.detail = detail or reason


class PermissionDenied(Exception):
    pass


def normalize_code(text: str) -> str | None:
    """'abcd-efgh', ' ABCD EFGH ' → 'ABCDEFGH'; None when it cannot be a code."""
    if not text:
        return None
    cleaned = re.sub(r"[\s\-_.]", "", text).upper()
    return cleaned if CODE_PATTERN.match(cleaned) else None


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """Shown to people in two groups of four: 'ABCD-EFGH'."""
    return f"{code[:4]}-{code[4:]}"


def now_iso(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class InviteCheck:
    invite: Invite
    commune: Commune
    team: Team | None


async def usable(invite: Invite | None, now: str, people: PeopleRepository) -> Invite:
    """The invite if a code may be used now; else raises RegistrationError with the exact reason (detail):
    unknown, revoked, expired, used up, or made by a person no longer active or no longer allowed that
    role."""
    if invite is None:
        raise RegistrationError("unknown")
    if invite.revoked:
        raise RegistrationError("revoked")
    if invite.expires_at <= now:
        raise RegistrationError("expired")
    if invite.uses >= invite.max_uses:
        raise RegistrationError("used_up")
    if invite.created_by is not None:
        creator = await people.get(invite.created_by)
        if creator is None or not creator.active or invite.role not in creatable_roles(creator.role):
            raise RegistrationError("creator_inactive")
    return invite


class RegistrationService:
    def __init__(
        self,
        org: OrgRepository,
        people: PeopleRepository,
        invites: InviteRepository,
        uow: UnitOfWork | None = None,
    ):
        self.org = org
        self.people = people
        self.invites = invites
        self.uow = uow or UnitOfWork(invites.db)

    async def check(
        self, raw_code: str, now: datetime | None = None, who: tuple[str, str] | None = None
    ) -> InviteCheck:
        """Validate an invite without using it up; raises RegistrationError with a reason.

        `who` = (channel, external id) of the person typing the code: their wrong codes are counted and, past
        MAX_FAILURES (or GLOBAL_MAX_FAILURES for everyone together) in the window, every try is refused."""
        if who is not None:
            since = now_iso((now or datetime.now(UTC)) - timedelta(minutes=FAILURE_WINDOW_MINUTES))
            if (
                await self.invites.failures_since(who[0], who[1], since) >= MAX_FAILURES
                or await self.invites.failures_since(None, None, since) >= GLOBAL_MAX_FAILURES
            ):
                raise RegistrationError("too_many_attempts")
        try:
            return await self._check(raw_code, now)
        except RegistrationError as exc:
            if who is not None and exc.reason == "invalid":
                await self.invites.record_failure(who[0], who[1], now_iso(now))
            raise

    async def _check(self, raw_code: str, now: datetime | None) -> InviteCheck:
        code = normalize_code(raw_code)
        if code is None:
            raise RegistrationError("malformed")
        invite = await usable(await self.invites.by_code(code), now_iso(now), self.people)
        commune = await self.org.commune(invite.commune_id)
        if commune is None:  # a foreign key: cannot happen
            raise LookupError(f"commune {invite.commune_id} of invite {invite.id}")
        team = await self.org.team(invite.team_id) if invite.team_id else None
        return InviteCheck(invite, commune, team)

    async def register(
        self,
        raw_code: str,
        full_name: str,
        channel: str,
        external_id: str,
        chat_id: str | None = None,
        team_id: int | None = None,
        now: datetime | None = None,
    ) -> Person:
        """Use the invite and create the person; team_id picks a team when the invite names none."""
        checked = await self.check(raw_code, now, who=(channel, str(external_id)))
        invite = checked.invite
        full_name = " ".join(full_name.split())[:100]
        if not full_name:
            raise RegistrationError("malformed")
        team = checked.team
        if team is None and invite.role in (Role.MEDIATOR, Role.TEAM_LEADER):
            team = await self.org.team(team_id) if team_id else None
            if team is None or team.commune_id != invite.commune_id:
                raise RegistrationError("team_required")
        draft = PersonDraft(
            full_name=full_name,
            role=invite.role,
            province_id=checked.commune.province_id,
            commune_id=None if invite.role == Role.PROVINCE_OFFICIAL else invite.commune_id,
            team_id=team.id if team and invite.role in (Role.MEDIATOR, Role.TEAM_LEADER) else None,
        )
        if invite.person_id is None and draft.team_id is not None:
            # the official may have added this person to the list already: attach to them, not a duplicate
            existing = await self.invites.unlinked_namesake(draft.team_id, full_name)
            if existing is not None:
                draft.extra["person_id"] = existing
        person_id = await self._redeem(invite.code, now_iso(now), draft, channel, str(external_id), chat_id)
        person = await self.people.get(person_id)
        if person is None:  # just committed: cannot happen
            raise LookupError(f"person {person_id}")
        return person

    async def _redeem(
        self, code: str, now: str, draft: PersonDraft, channel: str, external_id: str, chat_id: str | None
    ) -> int:
        """Check the invite again and use it: create (or claim) the person, link the identity, count the use —
        one transaction under the invite's row lock; nothing is written when a rule says no."""
        async with self.uow(Aggregate.invite_code(code)) as u:
            invite = await usable(await u.invites.by_code(code), now, u.people)
            await u.lock_key(
                "identity", f"{channel}:{external_id}"
            )  # one chat account registering twice at once
            if await u.people.identity_owner(channel, external_id) is not None:
                raise RegistrationError("already_registered")
            named = invite.person_id or draft.extra.get("person_id")
            if named is not None:  # a person of the list: keep the name the official recorded
                await u.lock(Aggregate.person(named))  # two namesakes registering at once claim it once
                found = await u.people.get(named)
                linked = bool(await u.people.identities(named))
                if found is None or not found.active or (invite.person_id is not None and linked):
                    raise RegistrationError("revoked")
                # the namesake registered meanwhile: a new person
                person_id = await u.people.create(draft) if linked else named
            else:
                person_id = await u.people.create(draft)
            await u.people.link_identity(person_id, channel, external_id, chat_id)
            if not await u.invites.count_use(invite.id, person_id):
                raise RegistrationError("used_up")
            return person_id

    async def create_invite(
        self,
        creator: Person | None,
        commune_id: int,
        role: Role,
        *,
        team_id: int | None = None,
        max_uses: int = 1,
        days: int = 14,
        now: datetime | None = None,
        person_id: int | None = None,
    ) -> Invite:
        """Create an invite and audit it; `creator` None means the operator's command line (trusted).

        A person may create only the roles `creatable_roles` gives them, in their own commune (province), with
        a number of uses and days among INVITE_USES and INVITE_DAYS — whatever callback data they send. With
        `person_id` the invite is for that person of the list (one use; registering attaches the chat account
        to them)."""
        # A new row: the only read-then-write is "the listed person has no chat account yet", under their row
        # lock; the code's uniqueness is a constraint.
        async with self.uow(*([Aggregate.person(person_id)] if person_id is not None else [])) as u:
            if person_id is not None:
                named = await u.people.get(person_id)
                if (
                    named is None
                    or not named.active
                    or named.commune_id != commune_id
                    or named.role != role
                    or await u.people.identities(person_id)
                ):
                    raise ValueError("person cannot be invited")
                team_id, max_uses = named.team_id, 1
            if role not in INVITABLE_ROLES:
                raise ValueError(f"role {role} cannot be invited")
            if not 1 <= max_uses <= MAX_USES_LIMIT or not 1 <= days <= MAX_DAYS_LIMIT:
                raise ValueError("max_uses or days out of range")
            expires = now_iso((now or datetime.now(UTC)) + timedelta(days=days))
            commune = await u.org.commune(commune_id)
            if commune is None:
                raise ValueError("unknown commune")
            if creator is not None:
                if (
                    not may_invite(creator, role, commune)
                    or max_uses not in INVITE_USES
                    or days not in INVITE_DAYS
                ):
                    raise PermissionDenied()
            if role == Role.PROVINCE_OFFICIAL:
                team_id = None  # the invite's commune only says which province
            if team_id is not None:
                team = await u.org.team(team_id)
                if team is None or team.commune_id != commune_id:
                    raise ValueError("team not in commune")
            for _ in range(5):
                code = new_code()
                if await u.invites.by_code(code) is None:
                    invite = await u.invites.create(
                        code,
                        commune_id,
                        role,
                        max_uses,
                        expires,
                        team_id=team_id,
                        created_by=creator.id if creator else None,
                        person_id=person_id,
                    )
                    await u.audit.add(
                        action="invite.create",
                        object_type="invite",
                        object_id=invite.id,
                        actor_id=invite.created_by,
                        actor_label=None if creator is not None else "cli",
                        province_id=commune.province_id,
                        commune_id=commune_id,
                        after={
                            "role": str(role),
                            "team_id": team_id,
                            "max_uses": max_uses,
                            "expires_at": expires,
                        },
                    )
                    return invite
        raise RuntimeError("could not allocate a unique invite code")

    async def create_ministry_official(
        self, full_name: str, external_ref: str | None = None, identities: Sequence[tuple[str, str]] = ()
    ) -> Person:
        """The operator's command line creates a Bộ Tư pháp official — the only way the role comes into being
        (invite codes never carry it) — audited, with the given (channel, external id) chat accounts linked.
        With `external_ref`, running it again updates the same person. One unit of work: a new row, its audit
        row and its identities (an identity's uniqueness is a constraint)."""
        draft = PersonDraft(full_name=full_name, role=Role.MINISTRY_OFFICIAL, external_ref=external_ref)
        async with self.uow() as u:
            person_id = await u.people.upsert_by_ref(draft) if external_ref else await u.people.create(draft)
            await u.audit.add(
                action="person.create",
                object_type="person",
                object_id=person_id,
                actor_label="cli",
                after={"role": "ministry_official", "name": full_name},
            )
            for channel, external_id in identities:
                await u.people.link_identity(person_id, channel, external_id, external_id)
            person = await u.people.get(person_id)
        if person is None:  # just written: cannot happen
            raise LookupError(f"person {person_id}")
        return person


def may_invite(creator: Person, role: Role, commune: Commune) -> bool:
    """Whether `creator` may invite `role` into `commune`: an active person, a role they may create, and their
    own commune (commune official) or province (province official); an administrator anywhere."""
    return (
        creator.active
        and role in creatable_roles(creator.role)
        and (
            creator.role == Role.ADMIN
            or (creator.role == Role.COMMUNE_OFFICIAL and creator.commune_id == commune.id)
            or (creator.role == Role.PROVINCE_OFFICIAL and creator.province_id == commune.province_id)
        )
    )
