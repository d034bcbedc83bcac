"""Which flow a person's next typed text is for (storage/text_claims.py keeps one claim per person): a flow
that asks for typed text claims it; a writer of typed text checks that the claim is its own."""

from __future__ import annotations

from storage.text_claims import TextClaimRepository


class TextClaims:
    def __init__(self, repo: TextClaimRepository):
        self._repo = repo

    async def claim(self, person_id: int, flow: str) -> None:
        """The person's next typed text is for `flow` (any earlier flow's claim ends)."""
        await self._repo.claim(person_id, flow)

    async def holds(self, person_id: int, flow: str) -> bool:
        """Whether `flow` is the one that asked this person for text last."""
        return await self._repo.holds(person_id, flow)
