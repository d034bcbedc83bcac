"""Drive the real Application through the in-process Bot API, as the console does, deterministically.

async with ChatHarness(tmp_path) as bot:
    await bot.seed_demo()
    replies = await bot.say(1001, "/start")
    await bot.tap(1001, "Đúng")           # by label (diacritics optional), number, or callback data
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from telegram import Update

from bot.app import MediatorApplication, build_application
from bot.channels import numbered
from bot.channels.local import LocalBotApi, LocalRequest
from bot.config import Config
from bot.container import Services
from bot.demo import DEMO_USERS, seed_demo
from tests import dbtarget
from vocabulary.messages import MENU_AFTER_FLOW


class ChatHarness:
    def __init__(
        self,
        tmp_path: Path,
        db_name: str = "bot.db",
        channel: str = "console",
        backend: str | None = None,
        **config: Any,
    ):
        """`backend`: None = SQLite, or PostgreSQL when TEST_DATABASE_URL is set; "sqlite" = always SQLite."""
        self.config = Config(database_path=dbtarget.database_for(tmp_path, db_name, backend), **config)
        self.api = LocalBotApi()
        self.channel = channel
        self.app: MediatorApplication | None = None

    @property
    def services(self) -> Services:
        return self.app.services

    async def __aenter__(self) -> ChatHarness:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        await dbtarget.prepare(self.config.database_path)
        self.app = build_application(self.config, channel=self.channel, request=LocalRequest(self.api))
        await self.app.initialize()

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.shutdown()
            self.app = None

    async def restart(self) -> None:
        """Rebuild the application over the same database (as after a restart of the process)."""
        await self.stop()
        await self.start()

    async def seed_demo(self) -> None:
        await seed_demo(self.services)

    def user_id(self, who: int | str) -> int:
        return DEMO_USERS[who][0] if isinstance(who, str) else who

    async def _process(self, update: dict) -> None:
        await self.app.process_update(Update.de_json(update, self.app.bot))

    async def say(self, who: int | str, text: str) -> list[dict]:
        """The user types `text`; returns the messages the bot sent to them in response."""
        uid = self.user_id(who)
        before = len(self.api.outbox)
        await self._process(self.api.user_message(uid, text))
        return [m for m in self.api.outbox[before:] if m["chat"]["id"] == uid]

    def last_with_buttons(self, who: int | str, menu: bool = False) -> dict:
        """The latest message with buttons; the menu offered after a flow only when `menu` (it follows the
        flow's last message, whose buttons the tests usually mean)."""
        uid = self.user_id(who)
        for message in reversed(self.api.sent_to(uid)):
            current = self.api.current(message)
            if not menu and (current.get("text") or "").startswith(MENU_AFTER_FLOW):
                continue
            if current.get("reply_markup", {}).get("inline_keyboard"):
                return current
        raise AssertionError(f"no message with buttons for {uid}")

    def buttons(self, who: int | str) -> list[numbered.Option]:
        return numbered.options(self.last_with_buttons(who).get("reply_markup"))

    async def tap(self, who: int | str, choice: str | int, message: dict | None = None) -> list[dict]:
        """Tap a button of the latest message with buttons: by label, by number (1-based) or by callback
        data."""
        uid = self.user_id(who)
        message = message or self.last_with_buttons(uid)
        opts = numbered.options(message.get("reply_markup"))
        option = next((o for o in opts if o.callback_data == choice), None) or numbered.choose(
            str(choice), opts, message.get("text") or message.get("caption")
        )
        if option is None or option.callback_data is None:
            raise AssertionError(f"no button {choice!r} in {[o.label for o in opts]}")
        return await self.tap_data(uid, option.callback_data, message)

    async def tap_data(self, who: int | str, data: str, message: dict | None = None) -> list[dict]:
        """Send a callback with arbitrary (possibly forged) data on a bot message."""
        uid = self.user_id(who)
        message = message or self.api.sent_to(uid)[-1]
        before = len(self.api.outbox)
        await self._process(self.api.user_click(uid, message["message_id"], data))
        return [m for m in self.api.outbox[before:] if m["chat"]["id"] == uid]


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or m.get("caption") or "" for m in messages)
