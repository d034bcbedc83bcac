"""Updates of different chats are handled concurrently; updates of one chat strictly one after another.

python-telegram-bot's own concurrent processing does not keep a user's updates in order, which a
conversation (a form, a double tap on "Gửi") needs. This processor keeps a FIFO lock per chat (asyncio
locks wake waiters in order), so one user's updates run in the order they arrived while other users'
updates overlap their network and database waits.

Several processes behind one URL (shared state): `chat_lock` (the database's, PostgresDatabase.chat_lock) is
taken as well, so two processes never handle the same chat at the same time either.

Webhook mode: `once` (storage/handled_updates.py) is checked under those locks, so a copy of an update that
was already handled — a proxy passing a slow request on to another process, Telegram sending it again — is
skipped; the mark is written right after the update is handled.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from contextlib import AbstractAsyncContextManager
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        max_concurrent_updates: int = 32,
        chat_lock: Callable[[str], AbstractAsyncContextManager[Any]] | None = None,
    ):
        super().__init__(max_concurrent_updates)
        self.chat_lock = chat_lock
        self.once: Any = None  # HandledUpdates in webhook mode (bot/channels/webhook.py)
        self._locks: dict[Any, asyncio.Lock] = {}
        self._users: dict[Any, int] = {}

    @staticmethod
    def _key(update: object) -> Any:
        if isinstance(update, Update):
            if update.effective_chat is not None:
                return ("chat", update.effective_chat.id)
            if update.effective_user is not None:
                return ("user", update.effective_user.id)
        return ("other", id(update))

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = self._key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                if self.chat_lock is None or key[0] == "other":
                    await self._once(update, key, coroutine)
                else:
                    async with self.chat_lock(f"{key[0]}:{key[1]}"):
                        await self._once(update, key, coroutine)
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key]
                self._locks.pop(key, None)

    async def _once(self, update: object, key: Any, coroutine: Awaitable[Any]) -> None:
        if self.once is None or key[0] == "other" or not isinstance(update, Update):
            await coroutine
            return
        if await self.once.seen(update.update_id):
            log.info(
                "update %s was handled already (a copy passed on by the proxy or resent): skipped",
                update.update_id,
            )
            if isinstance(coroutine, Coroutine):  # python-telegram-bot passes a coroutine: close it unawaited
                coroutine.close()
            return
        await coroutine
        await self.once.mark(update.update_id)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
