"""/lienket: one person, several chat accounts — link a Zalo and a Telegram identity with a one-time code.

Registered: /lienket gives a 6-digit code (10 minutes, single use). Not registered: /lienket 123456 (or the
menu button, then the code) attaches this chat account to the person who asked for the code.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import messages as msg
from handlers.common import BotContext, chat_of, clear_buttons, keyboard, reply, typed, user_of
from handlers.flows import register_flow
from handlers.menu import Capability, register_capability, show_menu
from services.linking import VALID_MINUTES, LinkError

ASK_LINK_CODE = 0
#: After these refusals the flow stops asking (the person must start again).
_FINAL = ("already_registered", "too_many_attempts")

register_capability(Capability("lienket", msg.BTN_LINK, "lienket", msg.CMD_LINK, None, order=95))


async def start(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    person = await context.person(update)
    code = " ".join(context.args) if context.args else None
    if person is not None:
        if code:
            await reply(update, msg.LINK_ERRORS["already_registered"])
            return ConversationHandler.END
        issued = await context.services.linking.issue(person, context.channel)
        until = issued.expires_at.astimezone(ZoneInfo(context.services.config.timezone)).strftime("%H:%M")
        await reply(update, msg.LINK_CODE_ISSUED.format(code=issued.code, minutes=VALID_MINUTES, until=until))
        return ConversationHandler.END
    if code:
        return await _redeem(update, context, code, stay=ConversationHandler.END)
    await reply(update, msg.LINK_ASK_CODE, keyboard([], nav=True))
    return ASK_LINK_CODE


async def code_typed(update: Update, context: BotContext) -> int:
    return await _redeem(update, context, typed(update), stay=ASK_LINK_CODE)


async def _redeem(update: Update, context: BotContext, raw: str, stay: int) -> int:
    user, chat = user_of(update), chat_of(update)
    try:
        person = await context.services.linking.redeem(raw, context.channel, str(user.id), str(chat.id))
    except LinkError as exc:
        await reply(update, msg.LINK_ERRORS[exc.reason])
        return ConversationHandler.END if exc.reason in _FINAL else stay
    context.forget_person()
    channel = msg.CHANNEL_NAMES.get(context.channel, context.channel)
    await reply(
        update, msg.LINK_DONE.format(channel=channel, name=person.full_name, role=msg.ROLE_NAMES[person.role])
    )
    await show_menu(update, context)
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    await reply(update, msg.CANCELLED)
    return ConversationHandler.END


def register(app: Application) -> None:
    register_flow("linking", text_states={ASK_LINK_CODE}, cancel=cancel)
    text = filters.TEXT & ~filters.COMMAND
    app.add_handler(
        ConversationHandler(
            name="linking",
            persistent=True,
            entry_points=[
                CommandHandler("lienket", start),
                CallbackQueryHandler(start, pattern=r"^menu:lienket$"),
            ],
            states={ASK_LINK_CODE: [MessageHandler(text, code_typed)]},
            fallbacks=[CommandHandler(["huy", "cancel"], cancel), CommandHandler("lienket", start)],
            allow_reentry=True,
        )
    )
