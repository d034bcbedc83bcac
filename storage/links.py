"""Repository of one-time identity-link codes (/lienket) and failed attempts to use them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storage.db import Database
from storage.locks import Aggregate, lock_key, lock_rows
from storage.people import PeopleRepository


@dataclass(frozen=True)
class LinkOutcome:
    """What happened to a redemption: status 'linked' (person_id set), or the reason it was refused."""

    status: str
    person_id: int | None = None


class LinkCodeRepository:
    def __init__(self, db: Database):
        self.db = db

    async def active_hash_exists(self, code_hash: str, now: str) -> bool:
        row = await self.db.fetchone(
            "SELECT 1 FROM link_codes WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?",
            (code_hash, now),
        )
        return row is not None

    async def issue(self, person_id: int, channel: str, code_hash: str, expires_at: str, now: str) -> None:
        """Store a new code for the person; their earlier unused codes stop working."""
        async with self.db.transaction() as conn:
            await lock_rows(conn, self.db.dialect, Aggregate.person(person_id))  # one valid code at a time
            await conn.execute(
                "UPDATE link_codes SET expires_at = ? WHERE person_id = ? AND used_at IS NULL AND expires_at > ?",
                (now, person_id, now),
            )
            await conn.execute(
                "INSERT INTO link_codes(code_hash, person_id, channel, expires_at, created_at) VALUES (?, ?, ?, ?, ?)",
                (code_hash, person_id, channel, expires_at, now),
            )

    async def failures_since(self, channel: str | None, external_id: str | None, since: str) -> int:
        """Failed attempts after `since` of one chat identity, or of everyone (channel None)."""
        if channel is None:
            row = await self.db.fetchone("SELECT COUNT(*) AS n FROM link_attempts WHERE at > ?", (since,))
        else:
            row = await self.db.fetchone(
                "SELECT COUNT(*) AS n FROM link_attempts WHERE channel = ? AND external_id = ? AND at > ?",
                (channel, external_id, since),
            )
        return int(row["n"])

    async def redeem(
        self,
        code_hash: str,
        channel: str,
        external_id: str,
        chat_id: str | None,
        now: str,
        people: PeopleRepository,
        max_guesses: int | None = None,
    ) -> LinkOutcome:
        """Atomically use the code and attach (channel, external_id) to its person.

        Refused with status 'unknown', 'expired', 'used', 'guessed_at' (`max_guesses` wrong codes were tried
        anywhere since it was issued; a failed attempt is recorded for these four), 'already_registered' (the
        identity belongs to someone) or 'inactive'. Nothing else is written then.
        """
        async with self.db.transaction() as conn:
            # the identity is checked, then linked: its own lock; the code is used once (conditional UPDATE)
            await lock_key(conn, self.db.dialect, "identity", f"{channel}:{external_id}")
            async with conn.execute(
                "SELECT person_id FROM identities WHERE channel = ? AND external_id = ?",
                (channel, external_id),
            ) as cur:
                if await cur.fetchone() is not None:
                    return LinkOutcome("already_registered")
            async with conn.execute(
                "SELECT * FROM link_codes WHERE code_hash = ? ORDER BY (used_at IS NULL AND expires_at > ?) DESC,"
                " id DESC LIMIT 1",
                (code_hash, now),
            ) as cur:
                row: Any = await cur.fetchone()
            status = None
            if row is None:
                status = "unknown"
            elif row["used_at"] is not None:
                status = "used"
            elif row["expires_at"] <= now:
                status = "expired"
            elif max_guesses is not None:
                async with conn.execute(
                    "SELECT COUNT(*) AS n FROM link_attempts WHERE at > ?", (row["created_at"],)
                ) as cur:
                    if int((await cur.fetchone())["n"]) >= max_guesses:
                        status = "guessed_at"
            if status is not None:
                await conn.execute(
                    "INSERT INTO link_attempts(channel, external_id, at) VALUES (?, ?, ?)",
                    (channel, external_id, now),
                )
                return LinkOutcome(status)
            async with conn.execute("SELECT active FROM persons WHERE id = ?", (row["person_id"],)) as cur:
                person = await cur.fetchone()
            if person is None or not person["active"]:
                return LinkOutcome("inactive")
            async with conn.execute(
                "UPDATE link_codes SET used_at = ?, used_channel = ?, used_external_id = ?"
                " WHERE id = ? AND used_at IS NULL",
                (now, channel, external_id, row["id"]),
            ) as cur:
                if cur.rowcount != 1:  # used meanwhile by another chat account
                    return LinkOutcome("used")
            await people.link_identity(row["person_id"], channel, external_id, chat_id, conn=conn)
            return LinkOutcome("linked", row["person_id"])
