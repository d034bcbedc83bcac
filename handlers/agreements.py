"""Following up successful agreements (Law 35/2013 Art. 26): the text and buttons of the questions, reminders
and listings the daily job queues through the outbox (scheduled in bot/jobs.py), and the answers. Thin: the
rules are in services/agreements.py.

Callback data: fu:a:<case id>:<done|ongoing|not_done> answer · fu:l:<case id> tell the team leader ·
fu:n:<case id> write a note (the next text) · case:again:<case id> re-mediate (handled by handlers/cases.py).
Every id is checked again by the service against the person (the case's mediators, team leader, commune
officials).
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import messages as msg
from handlers.broadcast import register_markup, wake_worker
from handlers.common import (
    BotContext,
    callback_arg,
    clear_buttons,
    column,
    int_arg,
    keyboard,
    reply,
    requires,
    typed,
)
from services import case_form as form
from services.agreements import ASK, ESCALATED, LISTED, NOT_DONE, REMIND, FollowUpDenied
from services.case_models import Case

log = logging.getLogger(__name__)

NOTE = 0
NOTE_GROUP = -3


def answer_rows(case_id: int) -> list[list[tuple[str, str]]]:
    return [[(msg.FOLLOWUP_BTN[a], f"fu:a:{case_id}:{a}")] for a in ("done", "ongoing", "not_done")]


def _markup_answer(broadcast: dict):
    return keyboard(answer_rows(broadcast["case_id"])) if broadcast.get("case_id") else None


def _markup_leader(broadcast: dict):
    if not broadcast.get("case_id"):
        return None
    return keyboard(
        [[(msg.FOLLOWUP_BTN_VIEW, f"case:v:{broadcast['case_id']}")], *answer_rows(broadcast["case_id"])]
    )


for _topic in (ASK, REMIND):
    register_markup(_topic, _markup_answer)
for _topic in (LISTED, NOT_DONE, ESCALATED):
    register_markup(_topic, _markup_leader)


def render(topic: str, case: Case, info: dict) -> str:
    """The text of a follow-up message (stored with the outbox rows when the step is stored)."""
    values = {
        "number": case.number,
        "field": form.FIELDS.get(case.field, case.field),
        "closed": form.display_date(case.closed_on),
        "by": info.get("by", ""),
    }
    return msg.FOLLOWUP_TEXTS[topic].format(**values)


# --- answers ------------------------------------------------------------------------------------------------
@requires()
async def answered(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    person = await context.registered(update)
    case_id, answer = int_arg(update, 2), callback_arg(update, 3)
    try:
        case = await context.services.followups.answer(person, case_id or 0, answer, context.channel, render)
    except FollowUpDenied:
        await reply(update, msg.FOLLOWUP_DENIED)
        return ConversationHandler.END
    wake_worker(context.application)
    text = msg.FOLLOWUP_RECORDED.format(number=case.number, answer=msg.FOLLOWUP_ANSWERS[answer])
    if answer != "not_done":
        await reply(update, text)
        return ConversationHandler.END
    await reply(
        update,
        f"{text}\n{msg.FOLLOWUP_NOT_DONE_NEXT}",
        column(
            [
                (msg.FOLLOWUP_BTN_AGAIN, f"case:again:{case.id}"),
                (msg.FOLLOWUP_BTN_LEADER, f"fu:l:{case.id}"),
                (msg.FOLLOWUP_BTN_NOTE, f"fu:n:{case.id}"),
            ]
        ),
    )
    return ConversationHandler.END


@requires()
async def escalate(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    person = await context.registered(update)
    try:
        reached = await context.services.followups.escalate(
            person, int_arg(update) or 0, context.channel, render
        )
    except FollowUpDenied:
        await reply(update, msg.FOLLOWUP_DENIED)
        return ConversationHandler.END
    wake_worker(context.application)
    await reply(update, msg.FOLLOWUP_ESCALATED if reached else msg.FOLLOWUP_NO_LEADER)
    return ConversationHandler.END


@requires()
async def ask_note(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    person = await context.registered(update)
    case_id = int_arg(update) or 0
    try:
        case = await context.services.followups.case_for(person, case_id)
    except FollowUpDenied:
        await reply(update, msg.FOLLOWUP_DENIED)
        return ConversationHandler.END
    context.user_data["fu_note"] = case_id
    await reply(update, msg.FOLLOWUP_ASK_NOTE.format(number=case.number))
    return NOTE


@requires()
async def note_written(update: Update, context: BotContext) -> int:
    person = await context.registered(update)
    case_id = context.user_data.pop("fu_note", None)
    try:
        await context.services.followups.add_note(person, case_id or 0, typed(update))
    except FollowUpDenied:
        await reply(update, msg.FOLLOWUP_DENIED)
        return ConversationHandler.END
    except ValueError:
        context.user_data["fu_note"] = case_id
        await reply(update, msg.FOLLOWUP_NOTE_EMPTY)
        raise ApplicationHandlerStop(NOTE) from None
    await reply(
        update,
        msg.FOLLOWUP_NOTE_SAVED,
        column(
            [(msg.FOLLOWUP_BTN_AGAIN, f"case:again:{case_id}"), (msg.FOLLOWUP_BTN_LEADER, f"fu:l:{case_id}")]
        ),
    )
    # The note was for this flow: no other handler (an open case form, the question answerer) sees the text.
    raise ApplicationHandlerStop(ConversationHandler.END)


async def cancel(update: Update, context: BotContext) -> int:
    context.user_data.pop("fu_note", None)
    await reply(update, msg.CANCELLED)
    raise ApplicationHandlerStop(ConversationHandler.END)


async def leave(update: Update, context: BotContext) -> int:
    """Any other command or button while a note is awaited: the note is dropped and the update goes on to the
    handler it is for (this conversation runs in its own group before the others)."""
    context.user_data.pop("fu_note", None)
    return ConversationHandler.END


def register(app: Application) -> None:
    # A group of its own (-3): while a note is awaited, the typed note reaches this conversation before the
    # organisation list's typed steps (-2), the flows (-1) and an open case form or the question answerer (0)
    # could take it; it then stops the update there. Its state is refreshed across processes
    # (bot/shared_state).
    app.add_handler(
        ConversationHandler(
            name="followup",
            persistent=True,
            entry_points=[CallbackQueryHandler(ask_note, pattern=r"^fu:n:\d+$")],
            states={NOTE: [MessageHandler(filters.TEXT & ~filters.COMMAND, note_written)]},
            fallbacks=[
                CommandHandler(["huy", "cancel"], cancel),
                MessageHandler(filters.COMMAND, leave),
                CallbackQueryHandler(leave),
            ],
            allow_reentry=True,
        ),
        group=NOTE_GROUP,
    )
    app.add_handler(CallbackQueryHandler(answered, pattern=r"^fu:a:\d+:(done|ongoing|not_done)$"))
    app.add_handler(CallbackQueryHandler(escalate, pattern=r"^fu:l:\d+$"))
