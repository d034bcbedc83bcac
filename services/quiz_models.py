"""Domain model of a quiz session, shared by the quiz service and its repository (storage/quiz.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Session:
    id: int
    person_id: int
    topic: str | None
    question_ids: tuple[str, ...]
    position: int
    score: int
    started_at: str
    finished_at: str | None = None

    @property
    def total(self) -> int:
        return len(self.question_ids)

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    @property
    def current_question_id(self) -> str | None:
        return None if self.finished or self.position >= self.total else self.question_ids[self.position]
