"""Legal Q&A: any text outside a form is a question (also /hoi); answers with citation, feedback, the article,
related questions, and a hand-off to the commune's experts. /tailai_kb reloads the knowledge base (admins)."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import messages as msg
from handlers import fallback
from handlers.broadcast import register_markup, wake_worker
from handlers.common import (
    BotContext,
    callback_arg,
    claim_text,
    clear_buttons,
    existing,
    int_arg,
    keyboard,
    name_and_role,
    numbered_choices,
    reply,
    requires,
    tapped,
    text_for_another_flow,
    text_is_for,
    typed,
    user_of,
)
from handlers.flows import register_flow
from handlers.menu import Capability, register_capability
from handlers.start import DISCLOSED_BY_TRANSPORT, FIRST_CONTACT_SHOWN
from knowledge.catalog import Entry, KnowledgeBase
from services.models import Person, Role
from services.qa import EXPERT_ANSWER, EXPERT_QUESTION, Answer, Asker, ExpertRequest, QAError, QuestionRecord
from services.text import clean_text

log = logging.getLogger(__name__)

TELEGRAM_LIMIT = 4096
TEXT_LIMIT = 4000
MIN_QUESTION_CHARS = 2
ANSWER = 0

register_capability(Capability("hoi", msg.BTN_QA, "hoi", msg.CMD_DESCRIPTIONS["hoi"], None, order=10))
register_capability(
    Capability("tailai_kb", msg.BTN_QA_RELOAD, None, msg.BTN_QA_RELOAD, frozenset({Role.ADMIN}), order=98)
)
register_markup(EXPERT_ANSWER, lambda b: None)  # an expert's answer reaches the asker without buttons
# the notice of a new question reaches each expert with the button that starts their answer
register_markup(
    EXPERT_QUESTION, lambda b: keyboard([[(msg.BTN_QA_REPLY, f"qa:ans:{b['scope']['qa_request']}")]])
)


# --- helpers ------------------------------------------------------------------------------------------------
def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut a long text into messages under Telegram's limit, at line breaks (or spaces) where possible."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = rest.rfind(" ", 0, limit)
        if cut < limit // 2:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    parts.append(rest)
    return [p for p in parts if p] or [""]


async def send_long(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    parts = split_text(text)
    for i, part in enumerate(parts):
        await reply(update, part, markup if i == len(parts) - 1 else None)


async def _asker(update: Update, context: BotContext) -> Asker:
    person = await context.person(update)
    return Asker(channel=context.channel, ref=str(user_of(update).id), person=person)


def _answer_markup(context: BotContext, qid: int, entry: Entry) -> tuple[str, InlineKeyboardMarkup]:
    """The buttons under an answer, and the related questions (numbered text; their buttons are the
    numbers)."""
    related = [
        (r.title, f"qa:rel:{qid}:{n}")
        for n, r in enumerate(context.services.knowledge.index.related(entry)[:3])
    ]
    lines, rows = numbered_choices(related)  # first, so that on numbered channels "2" is the second question
    rows.append([(msg.BTN_QA_HELPFUL, f"qa:fb:{qid}:1"), (msg.BTN_QA_NOT_HELPFUL, f"qa:fb:{qid}:0")])
    if entry.more:
        rows.append([(msg.BTN_QA_MORE, f"qa:more:{qid}")])
    rows.append([(msg.BTN_QA_ARTICLE, f"qa:art:{qid}")])
    rows.append([(msg.BTN_QA_EXPERT, f"qa:exp:{qid}")])
    return (f"\n\n{msg.QA_RELATED_TITLE}\n{lines}" if related else ""), keyboard(rows)


async def _show_entry(update: Update, context: BotContext, qid: int, entry: Entry) -> None:
    kb = context.services.knowledge.kb
    template = msg.QA_OUTSIDE if entry.outside else msg.QA_ANSWER
    text = template.format(
        title=entry.title, answer=entry.answer, citation=msg.QA_CITATION.format(citation=kb.citation(entry))
    )
    related, markup = _answer_markup(context, qid, entry)
    await send_long(update, text + related, markup)


async def _error(update: Update, exc: QAError) -> None:
    markup = keyboard([[(msg.BTN_REGISTER, "reg:code")]]) if exc.reason == "not_registered" else None
    await reply(update, msg.QA_ERRORS.get(exc.reason, msg.ERROR_GENERIC), markup)


# --- asking -------------------------------------------------------------------------------------------------
async def answer_question(update: Update, context: BotContext, text: str) -> None:
    text = clean_text(text, limit=1000)
    if len(text) < MIN_QUESTION_CHARS:
        await reply(update, msg.QA_EMPTY)
        return
    answer: Answer = await context.services.qa.ask(text, await _asker(update, context))
    result = answer.result
    if (
        answer.first_contact
        and context.channel not in DISCLOSED_BY_TRANSPORT
        and not context.user_data.get(FIRST_CONTACT_SHOWN)
    ):
        await reply(update, msg.FIRST_CONTACT)
        context.user_data[FIRST_CONTACT_SHOWN] = True
    if answer.outcome == "answered" and result.best is not None:  # confident: there is a best hit
        await _show_entry(update, context, answer.question_id, result.best.entry)
    elif answer.outcome == "out_of_scope":
        await reply(update, msg.QA_OUT_OF_SCOPE)
    else:
        lines, buttons = numbered_choices(
            [(h.entry.title, f"qa:pick:{answer.question_id}:{n}") for n, h in enumerate(result.hits[:3])]
        )
        buttons.append([(msg.BTN_QA_EXPERT, f"qa:exp:{answer.question_id}")])
        await reply(
            update,
            f"{msg.QA_NOT_SURE}\n{lines}\n{msg.QA_NOT_SURE_PICK}\n\n{msg.QA_NOT_SURE_FOOTER}",
            keyboard(buttons),
        )


async def free_text_question(update: Update, context: BotContext) -> None:
    """The FREE_TEXT hook: text outside any flow is a question (or an expert's pending answer)."""
    if context.user_data.get("qa_answering"):
        await expert_answer(update, context)
        return
    await answer_question(update, context, typed(update))


async def cmd_hoi(update: Update, context: BotContext) -> None:
    question = " ".join(context.args or [])
    if question.strip():
        await answer_question(update, context, question)
    else:
        await reply(update, msg.QA_ASK)


async def menu_hoi(update: Update, context: BotContext) -> None:
    await reply(update, msg.QA_ASK)


# --- buttons on an answer -----------------------------------------------------------------------------------
async def on_feedback(update: Update, context: BotContext) -> None:
    qid, helpful = int_arg(update, 2), callback_arg(update) == "1"
    try:
        await context.services.qa.feedback(qid or 0, helpful, await _asker(update, context))
    except QAError as exc:
        await _error(update, exc)
        return
    await tapped(update).answer()
    message = tapped(update).message
    # keep the other buttons (article, related, expert), drop the two feedback buttons
    if isinstance(message, Message) and message.reply_markup is not None:
        rows = [
            row
            for row in message.reply_markup.inline_keyboard
            if not any(str(b.callback_data or "").startswith("qa:fb:") for b in row)
        ]
        try:
            await tapped(update).edit_message_reply_markup(InlineKeyboardMarkup(rows))
        except TelegramError:
            log.debug("could not update feedback buttons", exc_info=True)
    await reply(update, msg.QA_THANKS_HELPFUL if helpful else msg.QA_THANKS_NOT_HELPFUL)


async def _shown_entry(update: Update, context: BotContext, qid: int | None) -> tuple[int, Entry] | None:
    try:
        record = await context.services.qa.own_question(qid or 0, await _asker(update, context))
    except QAError as exc:
        await _error(update, exc)
        return None
    entry = context.services.knowledge.kb.get(record.shown_id or "")
    if entry is None:
        await reply(update, msg.QA_ERRORS["entry_gone"])
        return None
    return record.id, entry


async def on_more(update: Update, context: BotContext) -> None:
    found = await _shown_entry(update, context, int_arg(update))
    if found:
        await send_long(update, found[1].more or msg.QA_NO_MORE)


async def on_article(update: Update, context: BotContext) -> None:
    found = await _shown_entry(update, context, int_arg(update))
    if not found:
        return
    entry = found[1]
    kb = context.services.knowledge.kb
    doc = kb.document(entry.source.document)
    lines = [
        msg.QA_ARTICLE_TITLE.format(
            article=entry.source.article, document=doc.short if doc else entry.source.document
        )
    ]
    for item in kb.article_entries(entry.source.document, entry.source.article):
        where = f"Khoản {item.source.clause} — " if item.source.clause else ""
        lines.append(msg.QA_ARTICLE_ITEM.format(where=where, title=item.title, answer=item.answer))
    await send_long(update, "\n\n".join(lines))


async def on_related(update: Update, context: BotContext) -> None:
    found = await _shown_entry(update, context, int_arg(update, 2))
    n = int_arg(update)
    if not found or n is None:
        return
    related = context.services.knowledge.index.related(found[1])
    if n >= len(related):
        await reply(update, msg.BUTTON_EXPIRED)
        return
    await _open(update, context, found[0], related[n].id)


async def on_pick(update: Update, context: BotContext) -> None:
    qid, n = int_arg(update, 2), int_arg(update)
    try:
        record = await context.services.qa.own_question(qid or 0, await _asker(update, context))
    except QAError as exc:
        await _error(update, exc)
        return
    if n is None or n >= len(record.matched_ids):
        await reply(update, msg.BUTTON_EXPIRED)
        return
    await clear_buttons(update)
    await _open(update, context, record.id, record.matched_ids[n])


async def _open(update: Update, context: BotContext, parent_id: int, entry_id: str) -> None:
    try:
        qid, entry = await context.services.qa.open_entry(parent_id, entry_id, await _asker(update, context))
    except QAError as exc:
        await _error(update, exc)
        return
    await _show_entry(update, context, qid, entry)


# --- expert hand-off ----------------------------------------------------------------------------------------
async def on_expert(update: Update, context: BotContext) -> None:
    services = context.services
    asker = await _asker(update, context)
    person = asker.person  # request_expert refuses anyone unregistered or without a commune
    commune = await services.directory.commune(person.commune_id) if person and person.commune_id else None
    team = await services.directory.team(person.team_id) if person and person.team_id else None
    place = f"{team.name}, {commune.name}" if team and commune else commune.name if commune else ""

    def render(request: ExpertRequest, question: QuestionRecord) -> str:
        kb = services.knowledge.kb
        return render_expert_question(kb, existing(person, "asker"), place, request, question)

    try:
        handed = await services.qa.request_expert(int_arg(update) or 0, asker, render)
    except QAError as exc:
        await _error(update, exc)
        return
    if not handed.created:
        await reply(update, msg.QA_EXPERT_ALREADY)
        return
    commune = existing(commune, "commune")
    if handed.notified:
        wake_worker(context.application)
        await reply(update, msg.QA_EXPERT_SENT.format(count=handed.notified, commune=commune.name))
    else:
        await reply(update, msg.QA_EXPERT_NONE.format(commune=commune.name))


def render_expert_question(
    kb: KnowledgeBase, asker: Person, place: str, request: ExpertRequest, question: QuestionRecord
) -> str:
    """The notice of a new question to the commune's experts (queued by QAService.request_expert): who asks
    from where (`place`), the question, and the entry the search found closest."""
    suggestion = ""
    entry = kb.get(question.matched_ids[0]) if question.matched_ids else None
    if entry is not None:
        suggestion = msg.QA_EXPERT_SUGGESTION.format(title=entry.title, citation=kb.citation(entry))
    text = msg.QA_EXPERT_QUESTION.format(
        request=request.id,
        asker=name_and_role(asker),
        place=place,
        question=question.text,
        suggestion=suggestion,
    )
    return text[:TELEGRAM_LIMIT]


async def expert_start(update: Update, context: BotContext) -> int:
    request_id = int_arg(update) or 0
    try:
        request, question = await context.services.qa.expert_request(request_id, await context.person(update))
    except QAError as exc:
        await _error(update, exc)
        return ConversationHandler.END
    context.user_data["qa_answering"] = request.id
    await claim_text(update, context, "expert")
    await reply(
        update,
        msg.QA_EXPERT_TYPE_ANSWER.format(request=request.id, question=question.text),
        keyboard([], nav=True),
    )
    return ANSWER


async def expert_answer(update: Update, context: BotContext) -> int:
    request_id = context.user_data.get("qa_answering")
    if not request_id:
        await answer_question(update, context, typed(update))
        return ConversationHandler.END
    if not await text_is_for(update, context, "expert"):
        context.user_data.pop("qa_answering", None)
        return await text_for_another_flow(update, context)
    expert = await context.registered(update)  # expert_start let in only a registered expert
    try:
        answered = await context.services.qa.answer_request(
            int(request_id), expert, typed(update), context.channel, render_expert_answer
        )
    except QAError as exc:
        await _error(update, exc)
        if exc.reason == "empty_answer":
            return ANSWER
        context.user_data.pop("qa_answering", None)
        return ConversationHandler.END
    context.user_data.pop("qa_answering", None)
    if answered.queued:
        wake_worker(context.application)
    await reply(update, msg.QA_EXPERT_DONE if answered.queued else msg.QA_EXPERT_DELIVERY_FAILED)
    return ConversationHandler.END


def render_expert_answer(expert: Person, question: QuestionRecord, answer: str) -> list[str]:
    """The messages that bring an expert's answer to the asker (queued by QAService.answer_request)."""
    text = msg.QA_EXPERT_REPLY_TO_ASKER.format(
        expert=expert.full_name, role=msg.ROLE_NAMES[expert.role], question=question.text, answer=answer
    )
    return split_text(text)


async def expert_cancel(update: Update, context: BotContext) -> int:
    context.user_data.pop("qa_answering", None)
    await reply(update, msg.QA_EXPERT_CANCELLED)
    return ConversationHandler.END


# --- reload (admins) ----------------------------------------------------------------------------------------
@requires(Role.ADMIN)
async def reload_kb(update: Update, context: BotContext) -> None:
    report = await context.services.knowledge.reload()
    if report.ok:
        await reply(update, msg.QA_RELOADED.format(entries=report.entries))
    else:
        problems = "\n".join(f"- {p}" for p in report.problems[:5])
        await send_long(update, msg.QA_RELOAD_FAILED.format(count=len(report.problems), problems=problems))


def register(app: Application) -> None:
    register_flow("qa_expert", text_states={ANSWER}, cancel=expert_cancel, keys=["qa_answering"])
    if free_text_question not in fallback.FREE_TEXT:
        fallback.FREE_TEXT.append(free_text_question)
    text = filters.TEXT & ~filters.COMMAND
    app.add_handler(
        ConversationHandler(
            name="qa_expert",
            persistent=True,
            entry_points=[CallbackQueryHandler(expert_start, pattern=r"^qa:ans:\d+$")],
            states={ANSWER: [MessageHandler(text, expert_answer)]},
            fallbacks=[CommandHandler(["huy", "cancel"], expert_cancel)],
            allow_reentry=True,
        )
    )
    app.add_handler(CommandHandler("hoi", cmd_hoi))
    app.add_handler(CommandHandler("tailai_kb", reload_kb))
    app.add_handler(CallbackQueryHandler(menu_hoi, pattern=r"^menu:hoi$"))
    app.add_handler(CallbackQueryHandler(reload_kb, pattern=r"^menu:tailai_kb$"))
    app.add_handler(CallbackQueryHandler(on_feedback, pattern=r"^qa:fb:\d+:[01]$"))
    app.add_handler(CallbackQueryHandler(on_more, pattern=r"^qa:more:\d+$"))
    app.add_handler(CallbackQueryHandler(on_article, pattern=r"^qa:art:\d+$"))
    app.add_handler(CallbackQueryHandler(on_related, pattern=r"^qa:rel:\d+:\d$"))
    app.add_handler(CallbackQueryHandler(on_pick, pattern=r"^qa:pick:\d+:\d$"))
    app.add_handler(CallbackQueryHandler(on_expert, pattern=r"^qa:exp:\d+$"))
