"""Linking chat identities: one person, several chat accounts (Telegram, Zalo), one-time 6-digit codes.

A registered person asks for a code in one channel (/lienket) and types it in the other channel within
10 minutes; the new chat identity is then attached to the same person (one registration, one history).
Codes are single use, stored hashed, and a chat identity gets a limited number of wrong tries.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from services.models import Person
from storage.links import LinkCodeRepository
from storage.people import PeopleRepository

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
REASONS = ("malformed", "invalid", "already_registered", "too_many_attempts")
#: Why a well-formed code does not work; one reply for all (an answer must not tell a used code from a wrong one).
INVALID_DETAILS = ("unknown", "expired", "used", "inactive", "guessed_at")


class LinkError(Exception):
    """`reason` decides the reply (REASONS); `detail` says exactly why, for logs and tests."""

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


class LinkingService:
    def __init__(self, codes: LinkCodeRepository, people: PeopleRepository):
        self.codes = codes
        self.people = people

    async def issue(self, person: Person, channel: str, now: datetime | None = None) -> IssuedCode:
        """A fresh code for `person` (their earlier unused codes stop working)."""
        now = now or datetime.now(UTC)
        expires = now + timedelta(minutes=VALID_MINUTES)
        for _ in range(20):
            code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
            if not await self.codes.active_hash_exists(hash_code(code), _iso(now)):
                await self.codes.issue(person.id, channel, hash_code(code), _iso(expires), _iso(now))
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
        if await self.people.by_identity(channel, external_id) is not None:
            raise LinkError("already_registered")
        since = _iso(now - timedelta(minutes=FAILURE_WINDOW_MINUTES))
        if (
            await self.codes.failures_since(channel, str(external_id), since) >= MAX_FAILURES
            or await self.codes.failures_since(None, None, since) >= GLOBAL_MAX_FAILURES
        ):
            raise LinkError("too_many_attempts")
        code = normalize_link_code(raw_code)
        if code is None:
            raise LinkError("malformed")
        outcome = await self.codes.redeem(
            hash_code(code),
            channel,
            str(external_id),
            None if chat_id is None else str(chat_id),
            _iso(now),
            self.people,
            max_guesses=PER_CODE_MAX_FAILURES,
        )
        if outcome.status != "linked":
            raise LinkError(outcome.status)
        person = await self.people.get(outcome.person_id) if outcome.person_id is not None else None
        if person is None:  # 'linked' always names an existing person
            raise LookupError(f"linked person {outcome.person_id} not found")
        return person
