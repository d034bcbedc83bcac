"""Repository of the materials library: cached Telegram file ids and who opened what."""

from __future__ import annotations

from storage.db import Database, utcnow

#: Roles counted as mediators for the access indicator (team leaders are mediators too).
MEDIATOR_ROLES = ("mediator", "team_leader")


class LibraryRepository:
    def __init__(self, db: Database):
        self.db = db

    async def file_id(self, material_id: str, file_hash: str, channel: str) -> str | None:
        row = await self.db.fetchone(
            "SELECT file_id FROM material_files WHERE material_id = ? AND file_hash = ? AND channel = ?",
            (material_id, file_hash, channel),
        )
        return row["file_id"] if row else None

    async def remember_file_id(self, material_id: str, file_hash: str, channel: str, file_id: str) -> None:
        await self.db.execute(
            "INSERT INTO material_files(material_id, file_hash, channel, file_id, created_at)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(material_id, file_hash, channel) DO UPDATE SET file_id = excluded.file_id",
            (material_id, file_hash, channel, file_id, utcnow()),
        )

    async def forget_file_id(self, material_id: str, file_hash: str, channel: str) -> None:
        await self.db.execute(
            "DELETE FROM material_files WHERE material_id = ? AND file_hash = ? AND channel = ?",
            (material_id, file_hash, channel),
        )

    async def record_open(
        self, material_id: str, person_id: int | None, channel: str | None, external_id: str | None
    ) -> None:
        await self.db.execute(
            "INSERT INTO material_opens(material_id, person_id, channel, external_id, opened_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (material_id, person_id, channel, external_id, utcnow()),
        )

    async def access(
        self, *, commune_id: int | None = None, province_id: int | None = None, team_id: int | None = None
    ) -> tuple[int, int]:
        """(active mediators in the place, how many of them opened at least one material).

        An open counts for a person when recorded under their id, or under one of their chat identities
        before they registered.
        """
        if team_id is not None:
            where, param = "p.team_id = ?", team_id
        elif commune_id is not None:
            where, param = "p.commune_id = ?", commune_id
        elif province_id is not None:
            where, param = "p.commune_id IN (SELECT id FROM communes WHERE province_id = ?)", province_id
        else:
            raise ValueError("give a team, a commune or a province")
        row = await self.db.fetchone(
            f"SELECT COUNT(*) AS mediators, COALESCE(SUM(CASE WHEN"
            f" EXISTS (SELECT 1 FROM material_opens o WHERE o.person_id = p.id) OR"
            f" EXISTS (SELECT 1 FROM material_opens o JOIN identities i"
            f"         ON i.channel = o.channel AND i.external_id = o.external_id WHERE i.person_id = p.id)"
            f" THEN 1 ELSE 0 END), 0) AS opened"
            f" FROM persons p WHERE p.active = 1 AND p.role IN (?, ?) AND {where}",
            (*MEDIATOR_ROLES, param),
        )
        return int(row["mediators"]), int(row["opened"])
