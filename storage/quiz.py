"""Repository of quiz sessions and answers."""

from __future__ import annotations

import json
from typing import Any

from services.quiz_models import Session
from storage.db import Database, utcnow
from storage.library import MEDIATOR_ROLES


def _session(row: Any) -> Session:
    return Session(
        id=row["id"],
        person_id=row["person_id"],
        topic=row["topic"],
        question_ids=tuple(json.loads(row["question_ids"])),
        position=row["position"],
        score=row["score"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )


class QuizRepository:
    def __init__(self, db: Database):
        self.db = db

    async def create_session(self, person_id: int, topic: str | None, question_ids: list[str]) -> int:
        return await self.db.execute(
            "INSERT INTO quiz_sessions(person_id, topic, question_ids, total, started_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (person_id, topic, json.dumps(question_ids), len(question_ids), utcnow()),
        )

    async def session(self, session_id: int) -> Session | None:
        row = await self.db.fetchone("SELECT * FROM quiz_sessions WHERE id = ?", (session_id,))
        return _session(row) if row else None

    async def active_session(self, person_id: int) -> Session | None:
        row = await self.db.fetchone(
            "SELECT * FROM quiz_sessions WHERE person_id = ? AND finished_at IS NULL AND abandoned = 0"
            " ORDER BY id DESC LIMIT 1",
            (person_id,),
        )
        return _session(row) if row else None

    async def abandon_active(self, person_id: int) -> None:
        await self.db.execute(
            "UPDATE quiz_sessions SET abandoned = 1"
            " WHERE person_id = ? AND finished_at IS NULL AND abandoned = 0",
            (person_id,),
        )

    async def record_answer(
        self, session_id: int, person_id: int, position: int, question_id: str, choice: int, correct: bool
    ) -> bool:
        """Record the answer to the session's current question; False if that position is already past.

        The position moves on with a compare-and-set in the same transaction as the answer row, so two taps
        processed one after the other (or a replay after a restart) count once.
        """
        now = utcnow()
        async with self.db.transaction() as conn:  # the compare-and-set UPDATE decides: nothing to lock
            async with conn.execute(
                "UPDATE quiz_sessions SET position = position + 1, score = score + ?,"
                " finished_at = CASE WHEN position + 1 >= total THEN ? ELSE NULL END"
                " WHERE id = ? AND person_id = ? AND position = ? AND finished_at IS NULL AND abandoned = 0",
                (int(correct), now, session_id, person_id, position),
            ) as cur:
                if cur.rowcount != 1:
                    return False
            await conn.execute(
                "INSERT INTO quiz_answers(session_id, position, question_id, choice, correct, answered_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (session_id, position, question_id, choice, int(correct), now),
            )
        return True

    async def answered_question_ids(self, person_id: int) -> set[str]:
        rows = await self.db.fetchall(
            "SELECT DISTINCT a.question_id FROM quiz_answers a JOIN quiz_sessions s ON s.id = a.session_id"
            " WHERE s.person_id = ?",
            (person_id,),
        )
        return {r["question_id"] for r in rows}

    async def answers(self, session_id: int) -> list[dict]:
        rows = await self.db.fetchall(
            "SELECT position, question_id, choice, correct, answered_at FROM quiz_answers"
            " WHERE session_id = ? ORDER BY position",
            (session_id,),
        )
        return [dict(r) for r in rows]

    async def history(self, person_id: int, limit: int) -> list[Session]:
        rows = await self.db.fetchall(
            "SELECT * FROM quiz_sessions WHERE person_id = ? AND finished_at IS NOT NULL"
            " ORDER BY finished_at DESC, id DESC LIMIT ?",
            (person_id, limit),
        )
        return [_session(r) for r in rows]

    async def participation(
        self,
        *,
        since: str | None,
        team_id: int | None = None,
        commune_id: int | None = None,
        province_id: int | None = None,
    ) -> tuple[int, int, int, float | None]:
        """(mediators, mediators who answered at least one question, finished sessions, average score /10).

        Scope: one team, one commune or one province; `since` (ISO UTC) limits to recent activity.
        """
        if team_id is not None:
            where, param = "p.team_id = ?", team_id
        elif commune_id is not None:
            where, param = "p.commune_id = ?", commune_id
        elif province_id is not None:
            where, param = "p.commune_id IN (SELECT id FROM communes WHERE province_id = ?)", province_id
        else:
            raise ValueError("give a team, a commune or a province")
        scope = f"SELECT p.id FROM persons p WHERE p.active = 1 AND p.role IN (?, ?) AND {where}"
        scope_params = (*MEDIATOR_ROLES, param)
        since = since or ""
        mediators = await self.db.fetchone(f"SELECT COUNT(*) AS n FROM ({scope}) AS mediators", scope_params)
        participants = await self.db.fetchone(
            "SELECT COUNT(DISTINCT s.person_id) AS n"
            " FROM quiz_sessions s JOIN quiz_answers a ON a.session_id = s.id"
            f" WHERE s.person_id IN ({scope}) AND a.answered_at >= ?",
            (*scope_params, since),
        )
        finished = await self.db.fetchone(
            f"SELECT COUNT(*) AS n, AVG(10.0 * s.score / s.total) AS average FROM quiz_sessions s"
            f" WHERE s.person_id IN ({scope}) AND s.finished_at IS NOT NULL AND s.finished_at >= ?"
            " AND s.total > 0",
            (*scope_params, since),
        )
        average = None if finished["average"] is None else float(finished["average"])
        return int(mediators["n"]), int(participants["n"]), int(finished["n"]), average
