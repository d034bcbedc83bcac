"""What is left over: unknown commands, /huy with nothing to cancel, and free text outside any flow."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import messages as msg
from handlers.common import BotContext, reply, typed
from handlers.menu import show_menu

FreeTextHandler = Callable[[Update, BotContext], Awaitable[None]]
#: Free text outside a flow is a question once the question-answering capability plugs in here.
FREE_TEXT: list[FreeTextHandler] = []
#: Tried before the text is taken as a question; True when one took it (e.g. "B" typed during a quiz).
BEFORE_QUESTION: list[Callable[[Update, BotContext], Awaitable[bool]]] = []


async def free_text(update: Update, context: BotContext) -> None:
    for hook in BEFORE_QUESTION:
        if await hook(update, context):
            return
    if FREE_TEXT:
        await FREE_TEXT[-1](update, context)
        return
    await show_menu(update, context)


async def unknown_command(update: Update, context: BotContext) -> None:
    command = typed(update).split()[0][:32]
    await reply(update, msg.UNKNOWN_COMMAND.format(command=command))


async def nothing_to_cancel(update: Update, context: BotContext) -> None:
    await reply(update, msg.NOTHING_TO_CANCEL)


async def stale_button(update: Update, context: BotContext) -> None:
    await reply(update, msg.BUTTON_EXPIRED)


async def other_message(update: Update, context: BotContext) -> None:
    await show_menu(update, context)


def register(app: Application) -> None:
    """Registered last in group 0, so every capability's handlers come first."""
    app.add_handler(CommandHandler(["huy", "cancel"], nothing_to_cancel))
    app.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    app.add_handler(MessageHandler(filters.TEXT, free_text))
    app.add_handler(CallbackQueryHandler(stale_button))
    app.add_handler(MessageHandler(filters.ALL, other_message))
