"""Self-test quizzes (/ontap): the question bank, its validation, sessions, scoring and participation.

A session draws 10 questions (optionally of one topic), preferring questions the person has not answered
yet. Everything lives in the database — the session, its position and every answer — so a session survives a
restart, and an answer counts only when it is for the session's current question (a second tap, an old
button or a forged one changes nothing).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

import yaml

from services.legal_docs import (
    ContentError,
    LegalDocument,
    check_item_id,
    check_source,
    check_topics,
    citation,
    knowledge_dir,
    load_documents,
)
from services.quiz_models import Session
from storage.db import Database
from storage.uow import Aggregate, UnitOfWork

SESSION_SIZE = 10


@dataclass(frozen=True)
class QuizTopic:
    code: str
    name: str


@dataclass(frozen=True)
class Question:
    id: str
    topic: str
    text: str
    choices: tuple[str, ...]
    answer: int
    explanation: str
    source: dict
    citation: str


@dataclass
class QuestionBank:
    topics: list[QuizTopic]
    questions: list[Question]

    def __post_init__(self) -> None:
        self.by_id = {q.id: q for q in self.questions}
        self.topic_by_code = {t.code: t for t in self.topics}

    def in_topic(self, code: str | None) -> list[Question]:
        return [q for q in self.questions if code is None or q.topic == code]

    def draw(
        self,
        n: int,
        topic: str | None = None,
        seen: set[str] | frozenset[str] = frozenset(),
        rng: random.Random | None = None,
    ) -> list[Question]:
        """n questions at random (of `topic`), those not in `seen` first."""
        rng = rng or random.Random()
        pool = self.in_topic(topic)
        fresh = [q for q in pool if q.id not in seen]
        old = [q for q in pool if q.id in seen]
        rng.shuffle(fresh)
        rng.shuffle(old)
        return (fresh + old)[:n]


def check_questions(data: Any, documents: dict[str, LegalDocument]) -> list[str]:
    """Every problem of a parsed questions.yaml (empty when it is fine)."""
    if not isinstance(data, dict):
        return ["questions.yaml must be a mapping with 'topics' and 'questions'"]
    problems: list[str] = []
    codes = check_topics(data.get("topics"), problems)
    questions = data.get("questions") or []
    if len(questions) < SESSION_SIZE:
        problems.append(f"only {len(questions)} questions; a session needs {SESSION_SIZE}")
    ids: set[str] = set()
    texts: set[str] = set()
    for i, q in enumerate(questions):
        if not isinstance(q, dict):
            problems.append(f"questions[{i}]: must be a mapping")
            continue
        qid = str(q.get("id") or "")
        where = f"questions[{i}] ({qid or 'no id'})"
        check_item_id(qid, where, ids, problems)
        if q.get("topic") not in codes:
            problems.append(f"{where}: topic {q.get('topic')!r} is not listed in topics")
        text = q.get("question")
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}: question is required")
        elif len(text) > 600:
            problems.append(f"{where}: question longer than 600 characters")
        elif text.strip() in texts:
            problems.append(f"{where}: same question text as another question")
        else:
            texts.add(text.strip())
        choices = q.get("choices")
        if not isinstance(choices, list) or not 3 <= len(choices) <= 4:
            problems.append(f"{where}: choices must be a list of 3 or 4 answers")
            choices = None
        elif not all(isinstance(c, str) and c.strip() for c in choices):
            problems.append(f"{where}: every choice must be non-empty text")
        elif len({c.strip().lower() for c in choices}) != len(choices):
            problems.append(f"{where}: two choices are the same")
        elif any(len(c) > 200 for c in choices):
            problems.append(f"{where}: a choice is longer than 200 characters")
        answer = q.get("answer")
        if not isinstance(answer, int) or isinstance(answer, bool):
            problems.append(f"{where}: answer must be the 0-based index of the right choice")
        elif choices is not None and not 0 <= answer < len(choices):
            problems.append(f"{where}: answer {answer} is not the index of a choice (0–{len(choices) - 1})")
        explanation = q.get("explanation")
        if not isinstance(explanation, str) or not explanation.strip():
            problems.append(f"{where}: explanation is required")
        elif len(explanation) > 1500:
            problems.append(f"{where}: explanation longer than 1500 characters")
        problems += [f"{where}: {p}" for p in check_source(q.get("source"), documents)]
    return problems


def load_question_bank(
    path: str | Path | None = None, documents: dict[str, LegalDocument] | None = None
) -> QuestionBank:
    path = Path(path) if path else knowledge_dir() / "quiz" / "questions.yaml"
    documents = documents if documents is not None else load_documents()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError([f"{path}: {exc}"]) from exc
    problems = check_questions(data, documents)
    if problems:
        raise ContentError(problems)
    return QuestionBank(
        topics=[QuizTopic(str(t["code"]), str(t["name"])) for t in data["topics"]],
        questions=[
            Question(
                q["id"],
                q["topic"],
                q["question"].strip(),
                tuple(c.strip() for c in q["choices"]),
                q["answer"],
                q["explanation"].strip(),
                dict(q["source"]),
                citation(q["source"], documents),
            )
            for q in data["questions"]
        ],
    )


# --- sessions ----------------------------------------------------------------------------------------------
class AnswerStatus(StrEnum):
    RECORDED = "recorded"
    ALREADY_ANSWERED = "already_answered"  # a second tap, or a tap on an earlier question's buttons
    NOT_CURRENT = "not_current"  # a forged position, or a session that is not this person's / is closed


@dataclass(frozen=True)
class AnswerResult:
    status: AnswerStatus
    session: Session | None = None
    question: Question | None = None
    choice: int | None = None
    correct: bool = False


@dataclass(frozen=True)
class Participation:
    """Quiz participation of the mediators (incl. team leaders) of a place."""

    mediators: int
    participants: int
    sessions: int
    average_score: float | None  # out of 10, over finished sessions

    @property
    def share(self) -> float:
        return self.participants / self.mediators if self.mediators else 0.0


class QuizStore(Protocol):
    db: Database

    async def create_session(self, person_id: int, topic: str | None, question_ids: list[str]) -> int: ...
    async def session(self, session_id: int) -> Session | None: ...
    async def active_session(self, person_id: int) -> Session | None: ...
    async def abandon_active(self, person_id: int) -> None: ...
    async def record_answer(
        self, session_id: int, person_id: int, position: int, question_id: str, choice: int, correct: bool
    ) -> bool: ...
    async def answered_question_ids(self, person_id: int) -> set[str]: ...
    async def history(self, person_id: int, limit: int) -> list[Session]: ...
    async def participation(
        self,
        *,
        since: str | None,
        team_id: int | None = None,
        commune_id: int | None = None,
        province_id: int | None = None,
    ) -> tuple[int, int, int, float | None]: ...


class QuizService:
    def __init__(
        self,
        store: QuizStore,
        bank: QuestionBank | None = None,
        rng: random.Random | None = None,
        uow: UnitOfWork | None = None,
    ):
        self.store = store
        self.uow = uow or UnitOfWork(store.db)
        self._bank = bank
        self.rng = rng or random.Random()

    @property
    def bank(self) -> QuestionBank:
        if self._bank is None:
            self._bank = load_question_bank()
        return self._bank

    async def start(self, person_id: int, topic: str | None = None) -> Session:
        """Close any unfinished session of the person and start a new one."""
        if topic is not None and topic not in self.bank.topic_by_code:
            raise ValueError(f"unknown topic {topic!r}")
        # one unit of work under the person's row lock: of two starts at once, the later one closes the
        # other's session, so the person has one active session
        async with self.uow(Aggregate.person(person_id)) as u:
            seen = await u.quiz.answered_question_ids(person_id)
            questions = self.bank.draw(SESSION_SIZE, topic, seen, self.rng)
            await u.quiz.abandon_active(person_id)
            session_id = await u.quiz.create_session(person_id, topic, [q.id for q in questions])
            session = await u.quiz.session(session_id)
        if session is None:  # just created in this call
            raise LookupError(f"quiz session {session_id} not found")
        return session

    async def active(self, person_id: int) -> Session | None:
        return await self.store.active_session(person_id)

    def question(self, question_id: str | None) -> Question | None:
        return self.bank.by_id.get(question_id) if question_id else None

    async def answer(self, person_id: int, session_id: int, position: int, choice: int) -> AnswerResult:
        """Score a tap on choice `choice` of question `position` of session `session_id`."""
        session = await self.store.session(session_id)
        if session is None or session.person_id != person_id:
            return AnswerResult(AnswerStatus.NOT_CURRENT)
        if position < session.position or (session.finished and position < session.total):
            return AnswerResult(AnswerStatus.ALREADY_ANSWERED, session)
        if session.finished or position != session.position:
            return AnswerResult(AnswerStatus.NOT_CURRENT, session)
        question = self.question(session.question_ids[position])
        if question is None or not 0 <= choice < len(question.choices):
            # the question was removed from the bank, or a forged choice: nothing is recorded
            return AnswerResult(AnswerStatus.NOT_CURRENT, session, question)
        correct = choice == question.answer
        recorded = await self.store.record_answer(
            session_id, person_id, position, question.id, choice, correct
        )
        session = await self.store.session(session_id)
        if not recorded:
            return AnswerResult(AnswerStatus.ALREADY_ANSWERED, session, question)
        return AnswerResult(AnswerStatus.RECORDED, session, question, choice, correct)

    async def history(self, person_id: int, limit: int = 10) -> list[Session]:
        return await self.store.history(person_id, limit)

    async def participation(
        self,
        *,
        days: int | None = None,
        team_id: int | None = None,
        commune_id: int | None = None,
        province_id: int | None = None,
    ) -> Participation:
        since = None
        if days is not None:
            since = (datetime.now(UTC) - timedelta(days=days)).replace(microsecond=0).isoformat()
        mediators, participants, sessions, average = await self.store.participation(
            since=since, team_id=team_id, commune_id=commune_id, province_id=province_id
        )
        return Participation(mediators, participants, sessions, average)
