"""Repository of the legal Q&A aggregate: questions asked, feedback, expert hand-offs and their review
queue. It only reads and writes; the rules and the units of work are services/qa.py's."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from services.models import Person
from storage.broadcasts import BroadcastRepository, precise_now
from storage.db import Database, utcnow
from storage.logbook import LogbookRepository
from storage.people import _person


@dataclass(frozen=True, slots=True)
class QuestionRecord:
    id: int
    asked_at: str
    channel: str
    asker_ref: str
    person_id: int | None
    commune_id: int | None
    text: str
    outcome: str
    confidence: float | None
    matched_ids: list[str]
    matched_scores: list[float]
    shown_id: str | None
    parent_id: int | None
    feedback: int | None


@dataclass(frozen=True, slots=True)
class ExpertRequest:
    id: int
    question_id: int
    asker_id: int
    commune_id: int
    status: str
    created_at: str
    expert_id: int | None
    answer: str | None
    answered_at: str | None
    review_status: str


@dataclass(frozen=True, slots=True)
class GapRow:
    question: str
    asked: int
    not_sure: int
    out_of_scope: int
    not_helpful: int
    unanswered: int
    last_asked: str
    best_id: str | None


def _question(row: Any) -> QuestionRecord:
    return QuestionRecord(
        id=row["id"],
        asked_at=row["asked_at"],
        channel=row["channel"],
        asker_ref=row["asker_ref"],
        person_id=row["person_id"],
        commune_id=row["commune_id"],
        text=row["text"],
        outcome=row["outcome"],
        confidence=row["confidence"],
        matched_ids=json.loads(row["matched_ids"]),
        matched_scores=json.loads(row["matched_scores"]),
        shown_id=row["shown_id"],
        parent_id=row["parent_id"],
        feedback=row["feedback"],
    )


def _request(row: Any) -> ExpertRequest:
    return ExpertRequest(
        id=row["id"],
        question_id=row["question_id"],
        asker_id=row["asker_id"],
        commune_id=row["commune_id"],
        status=row["status"],
        created_at=row["created_at"],
        expert_id=row["expert_id"],
        answer=row["answer"],
        answered_at=row["answered_at"],
        review_status=row["review_status"],
    )


class QARepository:
    def __init__(self, db: Database):
        self.db = db

    async def texts_with_digits(self) -> list[tuple[int, str]]:
        """(id, text) of the stored questions that contain a digit (those masking may change)."""
        digits = " OR ".join(f"text LIKE '%{d}%'" for d in range(10))  # GLOB is SQLite's only
        rows = await self.db.fetchall(f"SELECT id, text FROM qa_questions WHERE {digits} ORDER BY id")
        return [(r["id"], r["text"]) for r in rows]

    async def rewrite_texts(self, texts: list[tuple[int, str, str]]) -> None:
        """Replace (id, text, folded) of stored questions, in one transaction."""
        async with self.db.transaction() as conn:  # UPDATEs by id only: nothing to lock
            for question_id, text, folded in texts:
                await conn.execute(
                    "UPDATE qa_questions SET text = ?, folded = ? WHERE id = ?", (text, folded, question_id)
                )

    async def record(
        self,
        *,
        channel: str,
        asker_ref: str,
        person_id: int | None,
        commune_id: int | None,
        text: str,
        folded: str,
        outcome: str,
        confidence: float | None,
        matched_ids: list[str],
        matched_scores: list[float],
        shown_id: str | None,
        parent_id: int | None = None,
    ) -> int:
        return await self.db.execute(
            "INSERT INTO qa_questions(asked_at, channel, asker_ref, person_id, commune_id, text, folded,"
            " outcome, confidence, matched_ids, matched_scores, shown_id, parent_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                utcnow(),
                channel,
                str(asker_ref),
                person_id,
                commune_id,
                text,
                folded,
                outcome,
                confidence,
                json.dumps(matched_ids),
                json.dumps(matched_scores),
                shown_id,
                parent_id,
            ),
        )

    async def has_asked(self, channel: str, asker_ref: str) -> bool:
        """Whether this chat account has asked anything before (its first question gets the disclosure)."""
        row = await self.db.fetchone(
            "SELECT 1 FROM qa_questions WHERE channel = ? AND asker_ref = ? LIMIT 1",
            (channel, str(asker_ref)),
        )
        return row is not None

    async def question(self, question_id: int) -> QuestionRecord | None:
        row = await self.db.fetchone("SELECT * FROM qa_questions WHERE id = ?", (question_id,))
        return _question(row) if row else None

    async def set_feedback(self, question_id: int, value: int) -> None:
        await self.db.execute(
            "UPDATE qa_questions SET feedback = ?, feedback_at = ? WHERE id = ?",
            (1 if value > 0 else -1, utcnow(), question_id),
        )

    # --- experts ------------------------------------------------------------------------------------------
    async def experts(
        self, commune_id: int, channel: str, exclude_person: int | None = None
    ) -> list[tuple[Person, str]]:
        """Commune officials and registered legal supporters of the commune, with their chat on `channel`."""
        rows = await self.db.fetchall(
            "SELECT p.*, COALESCE(i.chat_id, i.external_id) AS chat FROM persons p"
            " JOIN identities i ON i.person_id = p.id AND i.channel = ?"
            " WHERE p.commune_id = ? AND p.active = 1 AND p.id IS DISTINCT FROM ?"
            " AND (p.role = 'commune_official' OR p.legal_supporter IS NOT NULL)"
            " ORDER BY p.role = 'commune_official' DESC, p.full_name, i.id",
            (channel, commune_id, exclude_person),
        )
        seen: set[int] = set()
        out = []
        for row in rows:
            if row["id"] in seen:
                continue
            seen.add(row["id"])
            out.append((_person(row), row["chat"]))
        return out

    async def is_expert(self, person: Person, commune_id: int) -> bool:
        return person.commune_id == commune_id and (
            str(person.role) == "commune_official" or person.legal_supporter is not None
        )

    async def recipient(
        self, person_id: int, channel: str, channels: Sequence[str]
    ) -> list[tuple[int, str, str]]:
        """[(person_id, chat_id, channel)] of the person if active and reachable: on `channel`, else on
        their latest identity on one of `channels` (as broadcasts and the jobs' messages reach people); []
        if not."""
        return await LogbookRepository(self.db).recipients([person_id], channel, channels)

    async def queue_message(self, broadcast: dict, after_s: float = 0.0) -> int:
        """Store a message for the outbox (BroadcastRepository.insert_topical: `topic` picks its buttons)
        inside the caller's unit of work, due now or `after_s` seconds from now; returns the broadcast id."""
        async with self.db.transaction() as conn:  # new rows only: nothing to lock
            broadcast_id = await BroadcastRepository.insert_topical(conn, broadcast)
            if after_s > 0:
                due = precise_now(datetime.now(UTC) + timedelta(seconds=after_s))
                await conn.execute(
                    "UPDATE outbox SET next_attempt_at = ? WHERE broadcast_id = ?", (due, broadcast_id)
                )
            return broadcast_id

    async def create_request(
        self, question_id: int, asker_id: int, commune_id: int
    ) -> tuple[ExpertRequest, bool]:
        """The expert request of a question; (request, True) when it was created now."""
        async with self.db.transaction() as conn:
            # one request per question: the unique question_id decides (ON CONFLICT)
            async with conn.execute(
                "INSERT INTO qa_expert_requests(question_id, asker_id, commune_id, created_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT(question_id) DO NOTHING",
                (question_id, asker_id, commune_id, utcnow()),
            ) as cur:
                created = cur.rowcount == 1
            async with conn.execute(
                "SELECT * FROM qa_expert_requests WHERE question_id = ?", (question_id,)
            ) as cur:
                return _request(await cur.fetchone()), created

    async def request(self, request_id: int) -> ExpertRequest | None:
        row = await self.db.fetchone("SELECT * FROM qa_expert_requests WHERE id = ?", (request_id,))
        return _request(row) if row else None

    async def mark_notified(self, request_id: int, count: int) -> None:
        await self.db.execute("UPDATE qa_expert_requests SET notified = ? WHERE id = ?", (count, request_id))

    async def answer(self, request_id: int, expert_id: int, text: str) -> bool:
        """Store the answer; False if someone else answered first."""
        async with (  # one conditional UPDATE
            self.db.transaction() as conn,
            conn.execute(
                "UPDATE qa_expert_requests SET status = 'answered', expert_id = ?, answer = ?,"
                " answered_at = ? WHERE id = ? AND status = 'open'",
                (expert_id, text, utcnow(), request_id),
            ) as cur,
        ):
            return cur.rowcount == 1

    async def review_queue(self, limit: int = 50) -> list[tuple[ExpertRequest, QuestionRecord]]:
        rows = await self.db.fetchall(
            "SELECT r.*, q.id AS q_id FROM qa_expert_requests r JOIN qa_questions q ON q.id = r.question_id"
            " WHERE r.status = 'answered' AND r.review_status = 'pending' ORDER BY r.answered_at LIMIT ?",
            (limit,),
        )
        out = []
        for row in rows:
            question = await self.question(row["q_id"])
            if question is not None:  # the join guarantees it; kept for the type
                out.append((_request(row), question))
        return out

    # --- gaps ---------------------------------------------------------------------------------------------
    async def gaps(self, since: str, limit: int = 100) -> list[GapRow]:
        """Questions the knowledge base did not serve well, grouped by their folded text, most frequent
        first."""
        rows = await self.db.fetchall(
            "SELECT * FROM (SELECT q.folded, MIN(q.text) AS text, COUNT(*) AS asked,"
            " SUM(CASE WHEN q.outcome = 'not_sure' THEN 1 ELSE 0 END) AS not_sure,"
            " SUM(CASE WHEN q.outcome = 'out_of_scope' THEN 1 ELSE 0 END) AS out_of_scope,"
            " SUM(CASE WHEN COALESCE(q.feedback, 0) = -1 THEN 1 ELSE 0 END) AS not_helpful,"
            " SUM(CASE WHEN r.id IS NOT NULL AND r.status = 'open' THEN 1 ELSE 0 END) AS unanswered,"
            " MAX(q.asked_at) AS last_asked, MAX(q.shown_id) AS best_id"
            " FROM qa_questions q LEFT JOIN qa_expert_requests r ON r.question_id = q.id"
            " WHERE q.asked_at >= ? AND q.outcome != 'picked'"
            " GROUP BY q.folded) g"
            " WHERE not_sure + out_of_scope + not_helpful + unanswered > 0"
            " ORDER BY asked DESC, last_asked DESC LIMIT ?",
            (since, limit),
        )
        picked_unhelpful = await self.db.fetchall(
            "SELECT p.folded, MIN(p.text) AS text, COUNT(*) AS n, MAX(c.asked_at) AS last_asked,"
            " MAX(c.shown_id) AS best_id FROM qa_questions c JOIN qa_questions p ON p.id = c.parent_id"
            " WHERE c.outcome = 'picked' AND c.feedback = -1 AND c.asked_at >= ? GROUP BY p.folded",
            (since,),
        )
        out = {
            r["folded"]: GapRow(
                question=r["text"],
                asked=r["asked"],
                not_sure=r["not_sure"] or 0,
                out_of_scope=r["out_of_scope"] or 0,
                not_helpful=r["not_helpful"] or 0,
                unanswered=r["unanswered"] or 0,
                last_asked=r["last_asked"],
                best_id=r["best_id"],
            )
            for r in rows
        }
        for r in picked_unhelpful:
            row = out.get(r["folded"])
            if row is None:
                out[r["folded"]] = GapRow(
                    question=r["text"],
                    asked=r["n"],
                    not_sure=0,
                    out_of_scope=0,
                    not_helpful=r["n"],
                    unanswered=0,
                    last_asked=r["last_asked"],
                    best_id=r["best_id"],
                )
            else:
                out[r["folded"]] = replace(row, not_helpful=row.not_helpful + r["n"])
        return sorted(
            out.values(),
            key=lambda g: (
                -g.asked,
                -(g.not_sure + g.out_of_scope + g.not_helpful + g.unanswered),
                g.question,
            ),
        )[:limit]
