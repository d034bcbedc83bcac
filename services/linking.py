"""Linking chat identities: one person, several chat accounts (Telegram, Zalo), one-time 6-digit codes.

A registered person asks for a code in one channel (/lienket) and types it in the other channel within
10 minutes; the new chat identity is then attached to the same person (one registration, one history).
Codes are single use, stored hashed, and a chat identity gets a limited number of wrong tries.

The rules live here; storage/links.py only reads and writes. Issuing and redeeming are each one unit of work
(storage/uow.py): issuing under the person's row lock (one valid code at a time), redeeming under the chat
identity's lock and the person's row lock, the code used by a conditional UPDATE (used once, whatever was
read before). A refused redemption writes only its failed attempt.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from services.models import Person
from storage.links import LinkCode, LinkCodeRepository
from storage.people import PeopleRepository
from storage.uow import Aggregate, UnitOfWork

CODE_DIGITS = 6
VALID_MINUTES = 10
#: Wrong codes one chat identity may try per window …
MAX_FAILURES = 5
#: … all identities together (guessing from many accounts) …
GLOBAL_MAX_FAILURES = 30
#: … and wrong codes tried anywhere while one code is live: after that the code stops working (its owner asks
#: for a new one), so no code can be found by trying more than this many guesses out of a million.
PER_CODE_MAX_FAILURES = 10
FAILURE_WINDOW_MINUTES = 10
#: Why a well-formed code does not work; one reply for all (an answer must not tell a used code from a wrong
#: one).
INVALID_DETAILS = ("unknown", "expired", "used", "inactive", "guessed_at")


class LinkError(Exception):
    """`reason` decides the reply: malformed, invalid, already_registered or too_many_attempts; `detail`
    says exactly why, for logs and tests."""

    def __init__(self, reason: str):
        detail = reason
        if reason in INVALID_DETAILS:
            reason = "invalid"
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class IssuedCode:
    code: str
    expires_at: datetime


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def hash_code(code: str) -> str:
    return hashlib.sha256(f"lienket:{code}".encode()).hexdigest()


def normalize_link_code(text: str | None) -> str | None:
    """'123 456', '123-456', ' 123456 ' → '123456'; None when it is not six digits."""
    if not text:
        return None
    cleaned = re.sub(r"[\s\-_.]", "", text)
    return cleaned if cleaned.isascii() and cleaned.isdigit() and len(cleaned) == CODE_DIGITS else None


def refusal(code: LinkCode | None, now: str, guesses_since_issued: int | None) -> str | None:
    """Why this code may not be used now (INVALID_DETAILS), or None: unknown, used, expired, or guessed at
    (PER_CODE_MAX_FAILURES wrong codes tried anywhere since it was issued; None: not counted)."""
    if code is None:
        return "unknown"
    if code.used_at is not None:
        return "used"
    if code.expires_at <= now:
        return "expired"
    if guesses_since_issued is not None and guesses_since_issued >= PER_CODE_MAX_FAILURES:
        return "guessed_at"
    return None


class LinkingService:
    def __init__(self, codes: LinkCodeRepository, people: PeopleRepository, uow: UnitOfWork | None = None):
        self.codes = codes
        self.people = people
        self.uow = uow or UnitOfWork(codes.db)

    async def issue(self, person: Person, channel: str, now: datetime | None = None) -> IssuedCode:
        """A fresh code for `person` (their earlier unused codes stop working)."""
        now = now or datetime.now(UTC)
        expires = now + timedelta(minutes=VALID_MINUTES)
        # the person's live codes are expired, then one is added: the person's row lock (one valid code)
        async with self.uow(Aggregate.person(person.id)) as u:
            for _ in range(20):
                code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
                if not await u.links.active_hash_exists(hash_code(code), _iso(now)):
                    await u.links.expire_unused(person.id, _iso(now))
                    await u.links.insert(hash_code(code), person.id, channel, _iso(expires), _iso(now))
                    return IssuedCode(code, expires)
        raise RuntimeError("could not allocate a unique link code")

    async def redeem(
        self,
        raw_code: str,
        channel: str,
        external_id: str,
        chat_id: str | None = None,
        now: datetime | None = None,
    ) -> Person:
        """Attach (channel, external_id) to the person who issued the code; raises LinkError with a reason."""
        now = now or datetime.now(UTC)
        external_id = str(external_id)
        if await self.people.by_identity(channel, external_id) is not None:
            raise LinkError("already_registered")
        since = _iso(now - timedelta(minutes=FAILURE_WINDOW_MINUTES))
        if (
            await self.codes.failures_since(channel, external_id, since) >= MAX_FAILURES
            or await self.codes.failures_since(None, None, since) >= GLOBAL_MAX_FAILURES
        ):
            raise LinkError("too_many_attempts")
        code = normalize_link_code(raw_code)
        if code is None:
            raise LinkError("malformed")
        status = await self._redeem(hash_code(code), channel, external_id, chat_id, _iso(now))
        if isinstance(status, str):
            raise LinkError(status)  # after the unit of work: a failed attempt it recorded stays recorded
        person = await self.people.get(status)
        if person is None:  # just linked: cannot happen
            raise LookupError(f"linked person {status} not found")
        return person

    async def _redeem(
        self, code_hash: str, channel: str, external_id: str, chat_id: str | None, now: str
    ) -> int | str:
        """Use the code and link the identity in one unit of work; the person's id, or why not (a LinkError
        reason or INVALID_DETAILS; a wrong code records a failed attempt, nothing else is written)."""
        # the identity is checked, then linked: its own lock; the code is used once (conditional UPDATE)
        async with self.uow() as u:
            await u.lock_key("identity", f"{channel}:{external_id}")
            if await u.people.identity_owner(channel, external_id) is not None:
                return "already_registered"
            found = await u.links.latest(code_hash, now)
            guesses = None
            if found is not None and found.used_at is None and found.expires_at > now:
                guesses = await u.links.failures_since(None, None, found.created_at)
            status = refusal(found, now, guesses)
            if status is not None or found is None:
                await u.links.record_failure(channel, external_id, now)
                return status or "unknown"
            await u.lock(Aggregate.person(found.person_id))  # not deactivated meanwhile
            person = await u.people.get(found.person_id)
            if person is None or not person.active:
                return "inactive"
            if not await u.links.use(found.id, now, channel, external_id):
                return "used"  # used meanwhile by another chat account
            await u.people.link_identity(found.person_id, channel, external_id, chat_id)
            return found.person_id
