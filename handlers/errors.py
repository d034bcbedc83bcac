"""The error handler: log with context (no personal data), tell the user politely, never swallow."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from bot import messages as msg
from handlers.common import BotContext
from storage.db import StorageError

log = logging.getLogger("handlers.errors")


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    where = {}
    if isinstance(update, Update):
        where = {
            "update_id": update.update_id,
            "user_id": update.effective_user.id if update.effective_user else None,
            "kind": "callback" if update.callback_query else "message" if update.message else "other",
            "callback": update.callback_query.data[:40]
            if update.callback_query and update.callback_query.data
            else None,
        }
    if isinstance(error, Forbidden):
        log.warning("user blocked the bot %s", where)
        return
    log.error("handler failed %s: %r", where, error, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(error, RetryAfter | TimedOut | NetworkError) and not isinstance(error, StorageError):
        text = msg.ERROR_GENERIC
    elif isinstance(error, StorageError):
        text = msg.ERROR_STORAGE
    else:
        text = msg.ERROR_GENERIC
    try:
        await update.effective_chat.send_message(text)
    except Exception:
        log.exception("could not tell the user about the error %s", where)


def register(app: Application) -> None:
    app.add_error_handler(on_error)
