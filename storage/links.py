"""Repository of one-time identity-link codes (/lienket) and failed attempts to use them.

It only reads and writes rows; the rules (one valid code per person, which code may be used, how many
guesses) are services/linking.py's, which runs each use case in one unit of work (storage/uow.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storage.db import Database


@dataclass(frozen=True)
class LinkCode:
    id: int
    person_id: int
    expires_at: str
    created_at: str
    used_at: str | None


class LinkCodeRepository:
    def __init__(self, db: Database):
        self.db = db

    async def active_hash_exists(self, code_hash: str, now: str) -> bool:
        row = await self.db.fetchone(
            "SELECT 1 FROM link_codes WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?",
            (code_hash, now),
        )
        return row is not None

    async def expire_unused(self, person_id: int, now: str) -> None:
        """The person's unused codes stop working now."""
        await self.db.execute(
            "UPDATE link_codes SET expires_at = ? WHERE person_id = ? AND used_at IS NULL AND expires_at > ?",
            (now, person_id, now),
        )

    async def insert(self, code_hash: str, person_id: int, channel: str, expires_at: str, now: str) -> None:
        await self.db.execute(
            "INSERT INTO link_codes(code_hash, person_id, channel, expires_at, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (code_hash, person_id, channel, expires_at, now),
        )

    async def latest(self, code_hash: str, now: str) -> LinkCode | None:
        """The code with this hash: the live one if there is one, else the latest."""
        row: Any = await self.db.fetchone(
            "SELECT * FROM link_codes WHERE code_hash = ?"
            " ORDER BY (used_at IS NULL AND expires_at > ?) DESC, id DESC LIMIT 1",
            (code_hash, now),
        )
        if row is None:
            return None
        return LinkCode(row["id"], row["person_id"], row["expires_at"], row["created_at"], row["used_at"])

    async def use(self, code_id: int, now: str, channel: str, external_id: str) -> bool:
        """Mark the code used by (channel, external_id); False when it was used already (conditional)."""
        async with (  # one conditional UPDATE
            self.db.transaction() as conn,
            conn.execute(
                "UPDATE link_codes SET used_at = ?, used_channel = ?, used_external_id = ?"
                " WHERE id = ? AND used_at IS NULL",
                (now, channel, external_id, code_id),
            ) as cur,
        ):
            return cur.rowcount == 1

    async def record_failure(self, channel: str, external_id: str, now: str) -> None:
        await self.db.execute(
            "INSERT INTO link_attempts(channel, external_id, at) VALUES (?, ?, ?)",
            (channel, external_id, now),
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
