"""Repository of the invite aggregate: invite codes and their redemptions."""

from __future__ import annotations

from typing import Any

from services.models import Invite, PersonDraft, Role
from storage.audit import AuditLog
from storage.db import Database, utcnow
from storage.people import PeopleRepository


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


class InviteUnavailable(Exception):
    """The invite could not be redeemed; `reason` is one of services.registration.REASONS."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


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
        audit_province_id: int | None = None,
    ) -> Invite:
        """Insert an invite; with `audit_province_id` (an invite made by a person or the command line, not the
        demo seed) its creation is written to the audit log in the same transaction."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "INSERT INTO invites(code, commune_id, team_id, person_id, role, max_uses, expires_at, created_by,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (code, commune_id, team_id, person_id, str(role), max_uses, expires_at, created_by, utcnow()),
            ) as cur:
                invite_id = cur.lastrowid
            async with conn.execute("SELECT * FROM invites WHERE id = ?", (invite_id,)) as cur:
                invite = _invite(await cur.fetchone())
            if audit_province_id is not None:
                await AuditLog.record(
                    conn,
                    action="invite.create",
                    object_type="invite",
                    object_id=invite.id,
                    actor_id=created_by,
                    actor_label=None if created_by is not None else "cli",
                    province_id=audit_province_id,
                    commune_id=commune_id,
                    after={
                        "role": str(role),
                        "team_id": team_id,
                        "max_uses": max_uses,
                        "expires_at": expires_at,
                    },
                )
            return invite

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

    async def redeem(
        self,
        code: str,
        now: str,
        draft: PersonDraft,
        channel: str,
        external_id: str,
        chat_id: str | None,
        people: PeopleRepository,
    ) -> int:
        """Atomically check the invite, create (or claim) the person, link the identity, count the use.

        Raises InviteUnavailable when the code is unknown, revoked, expired or used up; nothing is written then.
        """
        async with self.db.transaction() as conn:
            async with conn.execute("SELECT * FROM invites WHERE code = ?", (code,)) as cur:
                row = await cur.fetchone()
            if row is None:
                raise InviteUnavailable("unknown")
            invite = _invite(row)
            if invite.revoked:
                raise InviteUnavailable("revoked")
            if invite.expires_at <= now:
                raise InviteUnavailable("expired")
            if invite.uses >= invite.max_uses:
                raise InviteUnavailable("used_up")
            if invite.created_by is not None:
                async with conn.execute(
                    "SELECT active FROM persons WHERE id = ?", (invite.created_by,)
                ) as cur:
                    creator = await cur.fetchone()
                if creator is None or not creator["active"]:
                    raise InviteUnavailable("creator_inactive")
            async with conn.execute(
                "SELECT person_id FROM identities WHERE channel = ? AND external_id = ?",
                (channel, str(external_id)),
            ) as cur:
                if await cur.fetchone() is not None:
                    raise InviteUnavailable("already_registered")
            named = invite.person_id or draft.extra.get("person_id")
            if named is not None:  # a person of the list: keep the name the official recorded
                person_id = named
                async with conn.execute("SELECT active FROM persons WHERE id = ?", (person_id,)) as cur:
                    found = await cur.fetchone()
                async with conn.execute("SELECT 1 FROM identities WHERE person_id = ?", (person_id,)) as cur:
                    linked = await cur.fetchone()
                if found is None or not found["active"] or (invite.person_id is not None and linked):
                    raise InviteUnavailable("revoked")
                if linked and invite.person_id is None:  # the namesake registered meanwhile: a new person
                    person_id = await people.create(draft, conn=conn)
            else:
                person_id = await people.create(draft, conn=conn)
            await people.link_identity(person_id, channel, external_id, chat_id, conn=conn)
            await conn.execute("UPDATE invites SET uses = uses + 1 WHERE id = ?", (invite.id,))
            await conn.execute(
                "INSERT INTO invite_redemptions(invite_id, person_id, redeemed_at) VALUES (?, ?, ?)",
                (invite.id, person_id, utcnow()),
            )
            return person_id
