"""Legal question answering: search the knowledge base, remember what was asked, hand a question to experts.

Handing a question to the experts and an expert's answer are each one unit of work (storage/uow.py). The
request is stored and its notice to the experts queued through the outbox (services/delivery.py) in the same
transaction; so is the answer with its message to the asker. Both are paced like a broadcast and delivered,
once, even if the process stops right after storing them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from knowledge.catalog import Entry
from knowledge.search import SearchResult
from knowledge.text import fold
from services.knowledge import KnowledgeService
from services.models import Person
from services.privacy import mask_personal_numbers
from storage.qa import ExpertRequest, GapRow, QARepository, QuestionRecord
from storage.uow import UnitOfWork

MAX_QUESTION_CHARS = 1000
MAX_ANSWER_CHARS = 3000
#: Topic (broadcasts.topic) of an expert's answer queued for the asker; the chat gives its buttons (none).
EXPERT_ANSWER = "qa_expert_answer"
#: Topic of the notice of a new question queued for the commune's experts (the chat gives its "reply" button;
#: the broadcast's scope carries the request: {"qa_request": id}).
EXPERT_QUESTION = "qa_expert_question"
#: A long answer goes in several messages, each due this many seconds after the one before (so that they are
#: sent in order: the outbox sends due messages side by side).
PART_GAP_S = 2.0


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


@dataclass(frozen=True, slots=True)
class HandedOff:
    """A question handed to the experts: the request, whether it was created now (a second tap finds it),
    how many experts its notice was queued for (0 when not created now), and the question."""

    request: ExpertRequest
    created: bool
    notified: int
    question: QuestionRecord


@dataclass(frozen=True, slots=True)
class Answered:
    """An expert's answer stored: the request (answered), its question, and whether its message to the asker
    was queued (False: the asker cannot be reached on any channel of this deployment)."""

    request: ExpertRequest
    question: QuestionRecord
    queued: bool


class QAService:
    def __init__(
        self,
        knowledge: KnowledgeService,
        repo: QARepository,
        uow: UnitOfWork | None = None,
        channels: set[str] | None = None,
    ):
        self.knowledge = knowledge
        self.repo = repo
        self.uow = uow or UnitOfWork(repo.db)
        #: The channels this deployment runs (the composition root shares the broadcast service's set).
        self.channels = channels if channels is not None else set()

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
        """Mask phone / ID numbers in questions stored before masking was applied; returns how many
        changed."""
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
        self, question_id: int, asker: Asker, render: Callable[[ExpertRequest, QuestionRecord], str]
    ) -> HandedOff:
        """Hand the question to the commune's experts: the request, its notice to every expert with an account
        on the asker's channel (`render(request, question)` gives its text, the chat's words) queued in the
        outbox, and their count, in one unit of work."""
        if asker.person is None:
            raise QAError("not_registered")
        record = await self.own_question(question_id, asker)
        person = asker.person
        if person.commune_id is None:
            raise QAError("no_commune")
        # one request per question (ON CONFLICT decides): of two taps at once, one creates it and notifies
        async with self.uow() as u:
            request, created = await u.qa.create_request(record.id, person.id, person.commune_id)
            if not created:
                return HandedOff(request, False, 0, record)
            experts = await u.qa.experts(person.commune_id, asker.channel, exclude_person=person.id)
            recipients = [(expert.id, chat, asker.channel) for expert, chat in experts]
            if recipients:
                await u.qa.queue_message(
                    {
                        "sender_id": person.id,
                        "channel": asker.channel,
                        "scope": {"qa_request": request.id, "topic": EXPERT_QUESTION},
                        "text": render(request, record),
                        "recipients": recipients,
                        "case_id": None,
                        "topic": EXPERT_QUESTION,
                    }
                )
            await u.qa.mark_notified(request.id, len(recipients))
        return HandedOff(request, True, len(recipients), record)

    async def expert_request(
        self, request_id: int, expert: Person | None
    ) -> tuple[ExpertRequest, QuestionRecord]:
        """A request this person may answer (re-checked on every tap: role and commune)."""
        return await self._answerable(self.repo, request_id, expert)

    @staticmethod
    async def _answerable(
        repo: QARepository, request_id: int, expert: Person | None
    ) -> tuple[ExpertRequest, QuestionRecord]:
        request = await repo.request(request_id)
        if request is None:
            raise QAError("request_gone")
        if (
            expert is None
            or not await repo.is_expert(expert, request.commune_id)
            or expert.id == request.asker_id
        ):
            raise QAError("not_expert")
        if request.status != "open":
            raise QAError("already_answered")
        question = await repo.question(request.question_id)
        if question is None:
            raise QAError("request_gone")
        return request, question

    async def answer_request(
        self,
        request_id: int,
        expert: Person,
        text: str,
        channel: str,
        render: Callable[[Person, QuestionRecord, str], list[str]],
    ) -> Answered:
        """Store the expert's answer and queue it for the asker, in one unit of work: `render(expert,
        question, answer)` gives the messages (the chat's words, one message per part). The asker is reached
        on `channel` (the expert's), else on their latest chat account on another channel of the
        deployment."""
        text = (text or "").strip()[:MAX_ANSWER_CHARS]
        if not text:
            raise QAError("empty_answer")
        # the answer is a conditional UPDATE (still open): two experts answering at once store one answer
        async with self.uow() as u:
            request, question = await self._answerable(u.qa, request_id, expert)
            if not await u.qa.answer(request.id, expert.id, text):
                raise QAError("already_answered")
            answered = await u.qa.request(request.id)
            if answered is None:  # just updated in this transaction: cannot happen
                raise QAError("request_gone")
            channels = tuple(sorted(self.channels | {channel}))
            recipients = await u.qa.recipient(answered.asker_id, channel, channels)
            for n, part in enumerate(render(expert, question, text) if recipients else []):
                await u.qa.queue_message(
                    {
                        "sender_id": expert.id,
                        "channel": channel,
                        "scope": {"qa_request": answered.id, "topic": EXPERT_ANSWER},
                        "text": part,
                        "recipients": recipients,
                        "case_id": None,
                        "topic": EXPERT_ANSWER,
                    },
                    after_s=n * PART_GAP_S,
                )
        return Answered(answered, question, bool(recipients))
