"""Which flow a person's next typed text is for (one claim per person; the latest prompt wins).

A flow that asks for typed text claims it; a command or menu tap claims it for the flow it opens. A writer
that stores typed text (a case draft, a broadcast, a training event, an expert's answer…) first checks that
the claim is its own, so text typed for another flow can never land in its record, whatever state a
conversation was left in.
"""

from __future__ import annotations

from storage.db import Database, utcnow


class TextClaimRepository:
    def __init__(self, db: Database):
        self.db = db

    async def claim(self, person_id: int, flow: str) -> None:
        await self.db.execute(
            "INSERT INTO text_claims(person_id, flow, at) VALUES (?, ?, ?)"
            " ON CONFLICT(person_id) DO UPDATE SET flow = excluded.flow, at = excluded.at",
            (person_id, flow, utcnow()),
        )

    async def holder(self, person_id: int) -> str | None:
        row = await self.db.fetchone("SELECT flow FROM text_claims WHERE person_id = ?", (person_id,))
        return row["flow"] if row else None

    async def holds(self, person_id: int, flow: str) -> bool:
        return await self.holder(person_id) == flow
