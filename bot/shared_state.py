"""Several bot processes behind one webhook URL: any process may get any update.

python-telegram-bot keeps conversation states in memory, loaded once at start-up. In shared mode (PostgreSQL,
or SHARED_STATE=1) a handler in a group of its own (GROUP) re-reads, before every update, the stored state of
each persistent conversation for that update's chat and user, and the application saves the states right after
the update (see MediatorApplication.process_update), so a form started on one process goes on on another.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, ConversationHandler, TypeHandler

#: A group of its own, before every other (the private-only guard -20, the text claims -10, the follow-up note
#: -3, handlers.org's typed steps -2, handlers.flows' look at the open flows -1): python-telegram-bot runs
#: only the first matching handler of a group, so sharing one would skip the refresh.
GROUP = -30


async def refresh_conversations(update: Update, context) -> None:
    app = context.application
    conversations = [
        h
        for group in app.handlers.values()
        for h in group
        if isinstance(h, ConversationHandler) and h.persistent
    ]
    if not conversations:
        return
    try:
        key = conversations[0]._get_key(update)  # every conversation here is keyed per chat and user
    except RuntimeError:  # an update without chat or user (e.g. a poll answer)
        return
    stored = await app.persistence.conversation_states(key)
    for handler in conversations:
        state = stored.get(handler.name)
        current = handler._conversations.get(key)
        if state is None and current is not None:
            handler._conversations.pop(key, None)
        elif state is not None and state != current:
            handler._conversations[key] = state


def register(app: Application) -> None:
    app.add_handler(TypeHandler(Update, refresh_conversations), group=GROUP)
