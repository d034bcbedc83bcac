"""Legal question answering: search the knowledge base, remember what was asked, hand a question to experts."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.catalog import Entry
from knowledge.search import SearchResult
from knowledge.text import fold
from services.knowledge import KnowledgeService
from services.models import Person
from services.privacy import mask_personal_numbers
from storage.qa import ExpertRequest, GapRow, QARepository, QuestionRecord

MAX_QUESTION_CHARS = 1000
MAX_ANSWER_CHARS = 3000


class QAError(Exception):
    """A refused Q&A action; `reason` keys a message in vocabulary/messages.py (QA_ERRORS)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Asker:
    channel: str
    ref: str
    person: Person | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    question_id: int
    result: SearchResult
    outcome: str  # answered | not_sure | out_of_scope
    #: the first question of an unregistered account: the answer is preceded by the first-contact disclosure
    first_contact: bool = False

    @property
    def entry(self) -> Entry | None:
        return self.result.best.entry if self.result.best and self.outcome == "answered" else None


class QAService:
    def __init__(self, knowledge: KnowledgeService, repo: QARepository):
        self.knowledge = knowledge
        self.repo = repo

    async def ask(self, text: str, asker: Asker, k: int = 3) -> Answer:
        text = " ".join((text or "").split())[:MAX_QUESTION_CHARS]
        result = self.knowledge.search(text, k)
        if result.confident:
            outcome = "answered"
        elif result.out_of_scope:
            outcome = "out_of_scope"
        else:
            outcome = "not_sure"
        person = asker.person
        stored = mask_personal_numbers(text)  # phone / ID numbers typed in a question are never kept
        first_contact = person is None and not await self.repo.has_asked(asker.channel, asker.ref)
        qid = await self.repo.record(
            channel=asker.channel,
            asker_ref=asker.ref,
            person_id=person.id if person else None,
            commune_id=person.commune_id if person else None,
            text=stored,
            folded=fold(stored)[:MAX_QUESTION_CHARS],
            outcome=outcome,
            confidence=result.confidence,
            matched_ids=[h.entry.id for h in result.hits],
            matched_scores=[h.score for h in result.hits],
            shown_id=result.best.entry.id if outcome == "answered" and result.best else None,
        )
        return Answer(question_id=qid, result=result, outcome=outcome, first_contact=first_contact)

    async def mask_stored_questions(self) -> int:
        """Mask phone / ID numbers in questions stored before masking was applied; returns how many changed."""
        changed = [
            (qid, masked, fold(masked)[:MAX_QUESTION_CHARS])
            for qid, text in await self.repo.texts_with_digits()
            if (masked := mask_personal_numbers(text)) != text
        ]
        if changed:
            await self.repo.rewrite_texts(changed)
        return len(changed)

    async def gaps(self, since: str, limit: int = 100) -> list[GapRow]:
        """Questions since `since` the knowledge base did not serve well, most asked first (for editors)."""
        return await self.repo.gaps(since, limit=limit)

    async def review_queue(self, limit: int = 50) -> list[tuple[ExpertRequest, QuestionRecord]]:
        """Experts' answers waiting for an editor's review, oldest first."""
        return await self.repo.review_queue(limit=limit)

    async def own_question(self, question_id: int, asker: Asker) -> QuestionRecord:
        """The question, if it was asked by this asker (callback data can be forged)."""
        record = await self.repo.question(question_id)
        if record is None or record.channel != asker.channel or record.asker_ref != str(asker.ref):
            raise QAError("not_yours")
        return record

    async def open_entry(self, parent_id: int, entry_id: str, asker: Asker) -> tuple[int, Entry]:
        """The asker tapped a suggested or related question: show it and remember the choice."""
        parent = await self.own_question(parent_id, asker)
        entry = self.knowledge.kb.get(entry_id)
        if entry is None:
            raise QAError("entry_gone")
        person = asker.person
        qid = await self.repo.record(
            channel=asker.channel,
            asker_ref=asker.ref,
            person_id=person.id if person else None,
            commune_id=person.commune_id if person else None,
            text=parent.text,
            folded=fold(parent.text),
            outcome="picked",
            confidence=None,
            matched_ids=[entry.id],
            matched_scores=[],
            shown_id=entry.id,
            parent_id=parent.id,
        )
        return qid, entry

    async def feedback(self, question_id: int, helpful: bool, asker: Asker) -> QuestionRecord:
        record = await self.own_question(question_id, asker)
        await self.repo.set_feedback(record.id, 1 if helpful else -1)
        return record

    async def request_expert(
        self, question_id: int, asker: Asker
    ) -> tuple[ExpertRequest, bool, list[tuple[Person, str]], QuestionRecord]:
        """Hand the question to the commune's experts; returns (request, created now, experts, question)."""
        if asker.person is None:
            raise QAError("not_registered")
        record = await self.own_question(question_id, asker)
        person = asker.person
        if person.commune_id is None:
            raise QAError("no_commune")
        request, created = await self.repo.create_request(record.id, person.id, person.commune_id)
        experts = await self.repo.experts(person.commune_id, asker.channel, exclude_person=person.id)
        if created:
            await self.repo.mark_notified(request.id, len(experts))
        return request, created, experts, record

    async def expert_request(
        self, request_id: int, expert: Person | None
    ) -> tuple[ExpertRequest, QuestionRecord]:
        """A request this person may answer (re-checked on every tap: role and commune)."""
        request = await self.repo.request(request_id)
        if request is None:
            raise QAError("request_gone")
        if (
            expert is None
            or not await self.repo.is_expert(expert, request.commune_id)
            or expert.id == request.asker_id
        ):
            raise QAError("not_expert")
        if request.status != "open":
            raise QAError("already_answered")
        question = await self.repo.question(request.question_id)
        if question is None:
            raise QAError("request_gone")
        return request, question

    async def answer_request(
        self, request_id: int, expert: Person, text: str
    ) -> tuple[ExpertRequest, QuestionRecord]:
        text = (text or "").strip()[:MAX_ANSWER_CHARS]
        if not text:
            raise QAError("empty_answer")
        request, question = await self.expert_request(request_id, expert)
        if not await self.repo.answer(request.id, expert.id, text):
            raise QAError("already_answered")
        answered = await self.repo.request(request.id)
        if answered is None:
            raise QAError("request_gone")
        return answered, question

    async def asker_chat(self, request: ExpertRequest, channel: str) -> str | None:
        """The chat on `channel` where the asker of an answered request hears the answer (None: not there)."""
        return await self.repo.chat_of(request.asker_id, channel)
