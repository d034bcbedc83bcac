"""Repository of the invite aggregate: invite codes and their redemptions (SQL only).

The rules — who may invite whom, when a code may be used — are services/registration.py's; it creates and
redeems invites in a unit of work (storage/uow.py) under the invite's row lock."""

from __future__ import annotations

from typing import Any

from services.models import Invite, Role
from storage.db import Database, utcnow


def _invite(row: Any) -> Invite:
    return Invite(
        id=row["id"],
        code=row["code"],
        commune_id=row["commune_id"],
        team_id=row["team_id"],
        role=Role(row["role"]),
        max_uses=row["max_uses"],
        uses=row["uses"],
        expires_at=row["expires_at"],
        revoked=bool(row["revoked"]),
        person_id=row["person_id"],
        created_by=row["created_by"],
    )


class InviteRepository:
    def __init__(self, db: Database):
        self.db = db

    async def create(
        self,
        code: str,
        commune_id: int,
        role: Role,
        max_uses: int,
        expires_at: str,
        *,
        team_id: int | None = None,
        person_id: int | None = None,
        created_by: int | None = None,
    ) -> Invite:
        """Insert an invite (the code is unique: a taken code raises an integrity error)."""
        # An INSERT and a read of the row it wrote: nothing to lock (the code's uniqueness is a constraint).
        async with self.db.transaction() as conn:
            async with conn.execute(
                "INSERT INTO invites(code, commune_id, team_id, person_id, role, max_uses, expires_at,"
                " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (code, commune_id, team_id, person_id, str(role), max_uses, expires_at, created_by, utcnow()),
            ) as cur:
                invite_id = cur.lastrowid
            async with conn.execute("SELECT * FROM invites WHERE id = ?", (invite_id,)) as cur:
                return _invite(await cur.fetchone())

    async def record_failure(self, channel: str, external_id: str, at: str) -> None:
        await self.db.execute(
            "INSERT INTO invite_attempts(channel, external_id, at) VALUES (?, ?, ?)",
            (channel, external_id, at),
        )

    async def failures_since(self, channel: str | None, external_id: str | None, since: str) -> int:
        """Failed code attempts after `since` of one chat identity, or of everyone (channel None)."""
        if channel is None:
            row = await self.db.fetchone("SELECT COUNT(*) AS n FROM invite_attempts WHERE at > ?", (since,))
        else:
            row = await self.db.fetchone(
                "SELECT COUNT(*) AS n FROM invite_attempts WHERE channel = ? AND external_id = ? AND at > ?",
                (channel, external_id, since),
            )
        return int(row["n"])

    async def by_code(self, code: str) -> Invite | None:
        row = await self.db.fetchone("SELECT * FROM invites WHERE code = ?", (code,))
        return _invite(row) if row else None

    async def of_commune(self, commune_id: int, limit: int = 20) -> list[Invite]:
        rows = await self.db.fetchall(
            "SELECT * FROM invites WHERE commune_id = ? ORDER BY id DESC LIMIT ?", (commune_id, limit)
        )
        return [_invite(r) for r in rows]

    async def unlinked_namesake(self, team_id: int, full_name: str) -> int | None:
        """The one active member of the team with this name (any case and spacing) who has no chat account yet
        — added to the list by an official — or None (none, or several)."""
        rows = await self.db.fetchall(
            "SELECT p.id, p.full_name FROM persons p WHERE p.team_id = ? AND p.active = 1"
            " AND p.role IN ('mediator', 'team_leader')"
            " AND NOT EXISTS (SELECT 1 FROM identities i WHERE i.person_id = p.id)",
            (team_id,),
        )
        wanted = " ".join(full_name.split()).casefold()
        found = [r["id"] for r in rows if " ".join(r["full_name"].split()).casefold() == wanted]
        return found[0] if len(found) == 1 else None

    async def count_use(self, invite_id: int, person_id: int) -> bool:
        """Count one use of the invite by `person_id`; False (nothing written) when it has no use left.

        The conditional UPDATE carries the "uses < max_uses" rule itself, whatever the caller read before."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "UPDATE invites SET uses = uses + 1 WHERE id = ? AND uses < max_uses AND revoked = 0",
                (invite_id,),
            ) as cur:
                if cur.rowcount != 1:
                    return False
            await conn.execute(
                "INSERT INTO invite_redemptions(invite_id, person_id, redeemed_at) VALUES (?, ?, ?)",
                (invite_id, person_id, utcnow()),
            )
            return True
