"""/ontap: self-test quizzes — 10 questions with buttons, the right answer and its legal basis after each,
a score at the end, a personal history; officials and team leaders see participation in their place.

The state of a session is in the database, not in the chat: buttons carry the session and question number,
and the service accepts an answer only for the session's current question of the person who taps.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot import messages as msg
from handlers import fallback
from handlers.common import (
    BotContext,
    callback_arg,
    clear_buttons,
    column,
    int_arg,
    keyboard,
    reply,
    requires,
    tapped,
    tapped_data,
    watched_places,
)
from handlers.menu import Capability, register_capability
from services.models import Person, Role
from services.quiz import SESSION_SIZE, AnswerStatus, Question, Session

log = logging.getLogger(__name__)
#: An answer typed instead of tapped: A–D in any case, or 1–4, maybe followed by "." or ")".
TYPED_ANSWER = re.compile(r"^\s*([A-Da-d1-4])\s*[.)]?\s*$")

register_capability(Capability("ontap", msg.BTN_QUIZ, "ontap", msg.CMD_QUIZ, frozenset(Role), order=45))


def _num(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _share(part: int, total: int) -> str:
    return f"{round(100 * part / total)}%" if total else "0%"


async def participation_lines(context: BotContext, person: Person) -> list[str]:
    """Quiz participation of the place the person looks after (their team, commune or province)."""
    quiz = context.services.quiz
    places = await watched_places(context, person)
    lines: list[str] = []
    for place, scope in places:
        if lines:
            lines.append("")
        recent = await quiz.participation(days=30, **scope)
        if not recent.mediators:
            lines.append(msg.QUIZ_STATS_NONE.format(place=place))
            continue
        overall = await quiz.participation(**scope)
        lines.append(msg.QUIZ_STATS_TITLE.format(place=place))
        for period, stats in ((msg.QUIZ_STATS_RECENT, recent), (msg.QUIZ_STATS_ALL, overall)):
            average = (
                ""
                if stats.average_score is None
                else msg.QUIZ_STATS_AVERAGE.format(average=_num(stats.average_score))
            )
            lines.append(
                msg.QUIZ_STATS_LINE.format(
                    period=period,
                    participants=stats.participants,
                    mediators=stats.mediators,
                    share=_share(stats.participants, stats.mediators),
                    sessions=stats.sessions,
                    average=average,
                )
            )
    return lines


def _home_buttons() -> list[tuple[str, str]]:
    return [
        (msg.QUIZ_BTN_RANDOM.format(size=SESSION_SIZE), "quiz:new"),
        (msg.QUIZ_BTN_TOPICS, "quiz:topics"),
        (msg.QUIZ_BTN_HISTORY, "quiz:hist"),
    ]


@requires()
async def start(update: Update, context: BotContext) -> None:
    await clear_buttons(update)
    person = await context.registered(update)
    quiz = context.services.quiz
    lines = await participation_lines(context, person)
    header = ("\n".join(lines) + "\n\n") if lines else ""
    session = await quiz.active(person.id)
    if session is not None and session.position > 0:
        await reply(
            update,
            header + msg.QUIZ_RESUME.format(done=session.position, total=session.total, score=session.score),
            column(
                [
                    (
                        msg.QUIZ_BTN_RESUME.format(number=session.position + 1, total=session.total),
                        "quiz:resume",
                    ),
                    (msg.QUIZ_BTN_NEW, "quiz:new"),
                    (msg.QUIZ_BTN_TOPICS, "quiz:topics"),
                    (msg.QUIZ_BTN_HISTORY, "quiz:hist"),
                ]
            ),
        )
        return
    await reply(update, header + msg.QUIZ_HOME.format(size=SESSION_SIZE), column(_home_buttons()))


@requires()
async def pick_topic(update: Update, context: BotContext) -> None:
    await clear_buttons(update)
    bank = context.services.quiz.bank
    buttons = []
    for topic in bank.topics:
        count = len(bank.in_topic(topic.code))
        if count:
            buttons.append(
                (msg.QUIZ_TOPIC_BUTTON.format(name=topic.name, count=count), f"quiz:t:{topic.code}")
            )
    await reply(update, msg.QUIZ_PICK_TOPIC, column(buttons))


@requires()
async def new_session(update: Update, context: BotContext) -> None:
    await clear_buttons(update)
    person = await context.registered(update)
    quiz = context.services.quiz
    topic = callback_arg(update) if tapped_data(update).startswith("quiz:t:") else None
    if topic is not None and topic not in quiz.bank.topic_by_code:
        await reply(update, msg.QUIZ_UNKNOWN_TOPIC)
        return
    session = await quiz.start(person.id, topic)
    await send_question(update, context, session)


@requires()
async def resume(update: Update, context: BotContext) -> None:
    await clear_buttons(update)
    person = await context.registered(update)
    session = await context.services.quiz.active(person.id)
    if session is None:
        await reply(update, msg.QUIZ_HOME.format(size=SESSION_SIZE), column(_home_buttons()))
        return
    await send_question(update, context, session)


def question_text(context: BotContext, session: Session, question: Question) -> str:
    topic = context.services.quiz.bank.topic_by_code.get(question.topic)
    choices = "\n".join(f"{msg.QUIZ_LETTERS[i]}. {c}" for i, c in enumerate(question.choices))
    return msg.QUIZ_QUESTION.format(
        number=session.position + 1,
        total=session.total,
        topic=msg.QUIZ_QUESTION_TOPIC.format(name=topic.name) if topic and not session.topic else "",
        question=question.text,
        choices=choices,
    )


async def send_question(update: Update, context: BotContext, session: Session) -> None:
    question = context.services.quiz.question(session.current_question_id)
    if question is None:
        await reply(update, msg.QUIZ_QUESTION_GONE, column(_home_buttons()))
        return
    # The choices are written out in the question; the buttons carry only their letters (they always fit).
    buttons = [
        (msg.QUIZ_LETTERS[i], f"quiz:a:{session.id}:{session.position}:{i}")
        for i in range(len(question.choices))
    ]
    await reply(
        update,
        question_text(context, session, question),
        keyboard([buttons, [(msg.BTN_CANCEL, "quiz:stop")]]),
    )


async def _toast(update: Update, text: str) -> None:
    try:
        await tapped(update).answer(text, show_alert=False)
    except Exception:
        log.debug("callback answer failed", exc_info=True)


@requires()
async def answered(update: Update, context: BotContext) -> None:
    person = await context.registered(update)
    session_id, position, choice = int_arg(update, 2), int_arg(update, 3), int_arg(update, 4)
    if session_id is None or position is None or choice is None:
        await _toast(update, msg.QUIZ_NOT_CURRENT)
        return
    await _answer(update, context, person, session_id, position, choice)


async def typed_answer(update: Update, context: BotContext) -> bool:
    """A letter or number typed during a quiz ("B", "b", "2", "b.") answers the current question."""
    typed = TYPED_ANSWER.match((update.message.text or "") if update.message else "")
    person = await context.person(update) if typed else None
    session = await context.services.quiz.active(person.id) if person is not None else None
    if typed is None or person is None or session is None or session.finished:
        return False
    letter = typed.group(1).upper()
    choice = msg.QUIZ_LETTERS.index(letter) if letter.isalpha() else int(letter) - 1
    question = context.services.quiz.question(session.current_question_id)
    if question is None or choice >= len(question.choices):
        await reply(
            update,
            msg.QUIZ_TYPE_ANSWER.format(
                letters=", ".join(msg.QUIZ_LETTERS[: len(question.choices) if question else 4])
            ),
        )
        return True
    await _answer(update, context, person, session.id, session.position, choice)
    return True


async def _answer(
    update: Update, context: BotContext, person: Person, session_id: int, position: int, choice: int
) -> None:
    quiz = context.services.quiz
    result = await quiz.answer(person.id, session_id, position, choice)
    if result.status == AnswerStatus.ALREADY_ANSWERED:
        await _toast(update, msg.QUIZ_ALREADY_ANSWERED)
        await clear_buttons(update)
        return
    if result.status == AnswerStatus.NOT_CURRENT:
        await _toast(update, msg.QUIZ_NOT_CURRENT)
        if result.session is not None:  # the person's own session: the old buttons are of no use
            await clear_buttons(update)
        return
    await clear_buttons(update)
    question, session = result.question, result.session
    if question is None or session is None:  # a recorded answer carries both
        return
    letter = msg.QUIZ_LETTERS
    if result.correct:
        verdict = msg.QUIZ_RIGHT
    else:
        verdict = msg.QUIZ_WRONG.format(
            chosen=letter[choice], right=f"{letter[question.answer]}. {question.choices[question.answer]}"
        )
    await reply(
        update,
        msg.QUIZ_FEEDBACK.format(
            verdict=verdict, explanation=question.explanation, citation=question.citation
        ),
    )
    if session.finished:
        ratio = session.score / session.total if session.total else 0
        praise = next(text for threshold, text in msg.QUIZ_PRAISE if ratio >= threshold)
        await reply(
            update,
            msg.QUIZ_FINISHED.format(score=session.score, total=session.total, praise=praise),
            column(
                [
                    (msg.QUIZ_BTN_NEXT_ROUND, "quiz:new"),
                    (msg.QUIZ_BTN_TOPICS, "quiz:topics"),
                    (msg.QUIZ_BTN_HISTORY, "quiz:hist"),
                ]
            ),
        )
        return
    await send_question(update, context, session)


async def stop(update: Update, context: BotContext) -> None:
    """✖ Hủy under a question: the session stays (it can be resumed); the menu is offered."""
    from handlers.menu import show_menu

    await clear_buttons(update)
    await reply(update, msg.QUIZ_STOPPED)
    await show_menu(update, context, after_flow=True)


@requires()
async def history(update: Update, context: BotContext) -> None:
    await clear_buttons(update)
    person = await context.registered(update)
    quiz = context.services.quiz
    sessions = await quiz.history(person.id, limit=10)
    if not sessions:
        await reply(update, msg.QUIZ_HISTORY_EMPTY, column(_home_buttons()[:2]))
        return
    tz = ZoneInfo(context.services.config.timezone)
    lines = [msg.QUIZ_HISTORY_TITLE]
    for s in sessions:
        if s.finished_at is None:  # the history lists finished sessions only
            continue
        topic = quiz.bank.topic_by_code.get(s.topic) if s.topic else None
        date = datetime.fromisoformat(s.finished_at).astimezone(tz).strftime("%d/%m/%Y")
        lines.append(
            msg.QUIZ_HISTORY_LINE.format(
                date=date, score=s.score, total=s.total, topic=f" ({topic.name})" if topic else ""
            )
        )
    await reply(update, "\n".join(lines), column(_home_buttons()[:2]))


def register(app: Application) -> None:
    if typed_answer not in fallback.BEFORE_QUESTION:
        fallback.BEFORE_QUESTION.append(typed_answer)
    app.add_handler(CommandHandler("ontap", start))
    app.add_handler(CallbackQueryHandler(start, pattern=r"^menu:ontap$"))
    app.add_handler(CallbackQueryHandler(pick_topic, pattern=r"^quiz:topics$"))
    app.add_handler(CallbackQueryHandler(new_session, pattern=r"^quiz:(new|t:[\w-]{1,50})$"))
    app.add_handler(CallbackQueryHandler(resume, pattern=r"^quiz:resume$"))
    app.add_handler(CallbackQueryHandler(answered, pattern=r"^quiz:a:\d{1,12}:\d{1,3}:\d$"))
    app.add_handler(CallbackQueryHandler(history, pattern=r"^quiz:hist$"))
    app.add_handler(CallbackQueryHandler(stop, pattern=r"^quiz:stop$"))
