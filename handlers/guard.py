"""Rules every update passes before any capability sees it.

- Private chats only: in a group (any channel whose adapter sets chat.type), one polite line and nothing else,
  so nothing personal (party names, figures) is ever posted where others read it.
- A command or a menu tap opens a flow: the person's next typed text belongs to it from now on
  (storage/text_claims.py), so a flow left open can no longer write that text into its own record.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot import messages as msg
from handlers.common import BotContext, claim_text

#: Handler groups run in ascending order; both run before the capabilities (group 0).
GROUP_PRIVATE_ONLY = -20
GROUP_TEXT_CLAIMS = -10


async def private_only(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    if chat is None or chat.type in (ChatType.PRIVATE, None, ""):
        return
    if update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except Exception:  # noqa: BLE001 — an expired query must not stop the refusal
            pass
    if update.message is not None or update.callback_query is not None:
        await chat.send_message(msg.GROUP_CHAT_REFUSED)
    raise ApplicationHandlerStop()


def opened_flow(update: Update) -> str | None:
    """The flow a command (`/thongke …`) or a menu tap (`menu:thongke`) opens, or None."""
    message = update.message
    if message is not None and message.text and message.text.startswith("/"):
        name = message.text[1:].split(maxsplit=1)[0].split("@", 1)[0] if len(message.text) > 1 else ""
        return f"cmd:{name.lower()}" if name else None
    query = update.callback_query
    if query is not None and query.data and query.data.startswith("menu:"):
        return f"cmd:{query.data[5:]}"
    return None


async def claim_for_opened_flow(update: Update, context: BotContext) -> None:
    flow = opened_flow(update)
    if flow is not None:
        await claim_text(update, context, flow)


def register(app: Application) -> None:
    app.add_handler(TypeHandler(Update, private_only), group=GROUP_PRIVATE_ONLY)
    app.add_handler(TypeHandler(Update, claim_for_opened_flow), group=GROUP_TEXT_CLAIMS)
