"""The offline console: the very same Application over the in-process Bot API, in a terminal.

Bot messages are printed with their buttons as numbered options; the user answers with a number or the
button's text, or types freely. Updates go through python-telegram-bot's own getUpdates polling.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from bot import messages as msg
from bot.app import MediatorApplication
from bot.channels import numbered
from bot.channels.local import LocalBotApi

#: Only with a slash: "thoát" without one leaves the flow in progress (handlers.flows), not the program.
QUIT_WORDS = {"/thoat", "/quit", "/exit"}


class ConsoleSession:
    """One person chatting with the bot through the local Bot API."""

    def __init__(self, app: MediatorApplication, api: LocalBotApi, user_id: int, first_name: str,
                 write: Callable[[str], None] = print, files_dir: Path | None = None):
        self.app = app
        self.api = api
        self.user_id = user_id
        self.write = write
        self.files_dir = files_dir
        self.options: list[numbered.Option] = []
        self.options_message_id: int | None = None
        api.user(user_id, first_name)
        api.listeners.append(self._on_bot_event)

    def _on_bot_event(self, kind: str, message: dict) -> None:
        if kind == "toast":
            self.write(f"  ({message['text']})")
            return
        if message.get("chat", {}).get("id") != self.user_id:
            return
        if kind == "markup" and not message.get("reply_markup"):
            if message["message_id"] == self.options_message_id:
                self.options, self.options_message_id = [], None
            return
        opts = numbered.options(message.get("reply_markup"))
        text = message.get("text") or message.get("caption") or ""
        if "document" in message:
            text = f"📎 {message['document'].get('file_name')}" + self._saved(message["document"]) + \
                (f"\n{text}" if text else "")
        if "photo" in message:
            text = "🖼 " + self._saved(message["photo"][-1]) + (f"\n{text}" if text else "")
        prefix = "✎ " if kind == "edit" else ""
        self.write("\n" + prefix + numbered.render(text, opts))
        if opts or kind != "edit":
            self.options = opts
            self.options_message_id = message["message_id"] if opts else None

    def _saved(self, file: dict) -> str:
        if self.files_dir is None:
            return ""
        name, content = self.api.files.get(file["file_id"], (file.get("file_name") or file["file_id"], b""))
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / Path(name).name
        path.write_bytes(content)
        return f" (đã lưu: {path})"

    def make_update(self, text: str) -> dict:
        """The update that typing `text` produces: a button tap if it names an option, else a message."""
        choice = numbered.choose(text, self.options)
        if choice is not None and choice.callback_data is not None and self.options_message_id is not None:
            return self.api.user_click(self.user_id, self.options_message_id, choice.callback_data)
        if choice is not None and choice.callback_data is None and choice.url is None:
            return self.api.user_message(self.user_id, choice.label)
        return self.api.user_message(self.user_id, text)


async def _stdin_lines() -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        yield line.rstrip("\n")


async def run_console(app: MediatorApplication, api: LocalBotApi, user_id: int, first_name: str,
                      lines: AsyncIterator[str] | None = None, write: Callable[[str], None] = print,
                      files_dir: Path | None = None, settle_s: float = 0.3) -> None:
    """Run the application with polling over `api` and feed it what the user types."""
    session = ConsoleSession(app, api, user_id, first_name, write, files_dir)
    async with app:
        await app.updater.start_polling(poll_interval=0, timeout=10, drop_pending_updates=False)
        await app.start()
        try:
            write(f"— {msg.APP_NAME} (chế độ ngoại tuyến). Gõ số để chọn, /thoat để thoát. —")
            session.make_update("/start")
            await _settle(api, settle_s)
            async for line in lines or _stdin_lines():
                if line.strip().lower() in QUIT_WORDS:
                    break
                if not line.strip():
                    continue
                session.make_update(line)
                await _settle(api, settle_s)
        finally:
            await app.updater.stop()
            await app.stop()


async def _settle(api: LocalBotApi, quiet_s: float, limit_s: float = 15.0) -> None:
    """Wait until the bot has fetched every update and stayed quiet for `quiet_s` (replies printed)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_s
    seen = -1
    while loop.time() < deadline:
        count = len(api.calls)
        if not api.updates and count == seen:
            return
        seen = count
        await asyncio.sleep(quiet_s)
