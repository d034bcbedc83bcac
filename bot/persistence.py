"""python-telegram-bot persistence in the application's database (conversation states, user data).

Values are stored as JSON (storage/persistence.py), so handlers keep only JSON-friendly values in user_data /
chat_data.
"""

from __future__ import annotations

import asyncio
import json
import logging
from copy import deepcopy
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from storage.db import Database
from storage.persistence import BotStateStore

log = logging.getLogger(__name__)


class SqlitePersistence(BasePersistence):
    def __init__(self, db: Database, update_interval: float = 1.0, shared: bool = False):
        super().__init__(
            store_data=PersistenceInput(bot_data=False, callback_data=False), update_interval=update_interval
        )
        self.db = db
        self.store = BotStateStore(db)
        #: Other processes write the same rows: re-read user data and conversation states for every update.
        self.shared = shared
        self._pending: dict[tuple[str, str], str | None] = {}
        self._writer: asyncio.Task | None = None

    async def _save(self, kind: str, key: str, data: Any) -> None:
        """Queue the write; python-telegram-bot hands over all changes in one pass, written in one
        transaction."""
        empty = isinstance(data, dict) and not data
        self._pending[(kind, key)] = None if empty else json.dumps(data, ensure_ascii=False, default=str)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write_pending())

    async def _drop(self, kind: str, key: str) -> None:
        await self._save(kind, key, {})

    async def _write_pending(self) -> None:
        await asyncio.sleep(0)
        while self._pending:
            batch, self._pending = self._pending, {}
            try:
                await self.store.write(batch)
            except Exception:
                log.exception("could not save conversation state; will retry at the next save")
                for item, data in batch.items():
                    self._pending.setdefault(item, data)
                return

    async def get_user_data(self) -> dict[int, dict]:
        return {int(k): v for k, v in (await self.store.load("user")).items()}

    async def get_chat_data(self) -> dict[int, dict]:
        return {int(k): v for k, v in (await self.store.load("chat")).items()}

    async def get_bot_data(self) -> dict:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def get_conversations(self, name: str) -> dict:
        stored = await self.store.load(f"conv:{name}")
        return {tuple(json.loads(k)): v for k, v in stored.items()}

    async def update_conversation(self, name: str, key: tuple, new_state: object | None) -> None:
        db_key = json.dumps(list(key))
        if new_state is None:
            await self._drop(f"conv:{name}", db_key)
        else:
            await self._save(f"conv:{name}", db_key, new_state)

    async def update_user_data(self, user_id: int, data: dict) -> None:
        await self._save("user", str(user_id), deepcopy(data))

    async def update_chat_data(self, chat_id: int, data: dict) -> None:
        await self._save("chat", str(chat_id), deepcopy(data))

    async def update_bot_data(self, data: dict) -> None:
        return None

    async def update_callback_data(self, data: Any) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        await self._drop("chat", str(chat_id))

    async def drop_user_data(self, user_id: int) -> None:
        await self._drop("user", str(user_id))

    async def refresh_user_data(self, user_id: int, user_data: dict) -> None:
        if not self.shared:
            return
        await self.flush()
        stored = await self.store.user_data(user_id)
        user_data.clear()
        if stored is not None:
            user_data.update(stored)

    async def conversation_states(self, key: tuple) -> dict[str, Any]:
        """{conversation name: state} stored for one conversation key (shared mode)."""
        await self.flush()
        return await self.store.conversation_states(json.dumps(list(key)))

    async def refresh_chat_data(self, chat_id: int, chat_data: dict) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict) -> None:
        return None

    async def flush(self) -> None:
        if self._writer is not None:
            await self._writer
        if self._pending:
            await self._write_pending()
