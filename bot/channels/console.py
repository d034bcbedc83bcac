"""The offline console: the very same Application over the in-process Bot API, in a terminal.

Bot messages are printed with their buttons as numbered options; the user answers with a number or the
button's text, or types freely. Updates go through python-telegram-bot's own getUpdates polling.

Every keyboard still on screen can be used, not only the last message's: the keyboards the bot sends in answer
to one input are numbered on from each other (the statistics' "Excel" stays reachable after the chart and the
menu below it); a number means the latest answer's keyboards first, then those of the answer before (older
ones have scrolled away: a number typed later is an answer, such as a count of parties).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from bot import messages as msg
from bot.app import MediatorApplication
from bot.channels import numbered
from bot.channels.local import LocalBotApi

#: Only with a slash: "thoát" without one leaves the flow in progress (handlers.flows), not the program.
QUIT_WORDS = {"/thoat", "/quit", "/exit"}
#: Play another demo person inside the chat: /doi commune, /doi mediator…
SWITCH_COMMANDS = {"/doi", "/đổi", "/switch"}

#: Typed in the console to send a file to the bot: `/guitep đường/dẫn/tệp.xlsx`.
SEND_FILE = "/guitep"


class ConsoleSession:
    """One person chatting with the bot through the local Bot API."""

    def __init__(
        self,
        app: MediatorApplication,
        api: LocalBotApi,
        user_id: int,
        first_name: str,
        write: Callable[[str], None] = print,
        files_dir: Path | None = None,
    ):
        self.app = app
        self.api = api
        self.user_id = user_id
        self.write = write
        self.files_dir = files_dir
        #: Keyboards still on screen: message id → (input number it answered, options numbered on screen,
        #: text).
        self.screens: dict[int, tuple[int, list[numbered.Option], str]] = {}
        self.inputs = 0
        #: Per person played: how much of the bot's outbox they have seen (for /doi: their unread messages).
        self.seen: dict[int, int] = {}
        api.user(user_id, first_name)
        api.listeners.append(self._on_bot_event)

    def _on_bot_event(self, kind: str, message: dict) -> None:
        if kind == "toast":
            self.write(f"  ({message['text']})")
            return
        if message.get("chat", {}).get("id") != self.user_id:
            return
        if kind == "markup" and not message.get("reply_markup"):
            self.screens.pop(message["message_id"], None)
            return
        text = message.get("text") or message.get("caption") or ""
        opts = self._numbered(message["message_id"], numbered.options(message.get("reply_markup")), text)
        if "document" in message:
            text = (
                f"📎 {message['document'].get('file_name')}"
                + self._saved(message["document"])
                + (f"\n{text}" if text else "")
            )
        if "photo" in message:
            text = "🖼 " + self._saved(message["photo"][-1]) + (f"\n{text}" if text else "")
        prefix = "✎ " if kind == "edit" else ""
        self.write("\n" + prefix + numbered.render(text, opts))

    def _numbered(self, message_id: int, opts: list[numbered.Option], text: str) -> list[numbered.Option]:
        """Number `opts` on from the other keyboards of the same answer; remember them while on screen."""
        if not opts:
            self.screens.pop(message_id, None)
            return opts
        kept = self.screens.get(message_id)
        if kept is not None and len(kept[1]) == len(opts):  # an edited keyboard keeps its numbers
            start = kept[1][0].number
        else:
            start = 1 + max(
                (
                    o.number
                    for batch, shown, _ in self.screens.values()
                    if batch == self.inputs
                    for o in shown
                    if kept is None or o not in kept[1]
                ),
                default=0,
            )
        opts = [numbered.Option(start + o.number - 1, o.label, o.callback_data, o.url) for o in opts]
        self.screens[message_id] = (self.inputs, opts, text)
        return opts

    @property
    def options(self) -> list[numbered.Option]:
        """The options still on screen, the latest answer's first."""
        return [o for _, opts, _ in self._latest_first() for o in opts]

    def _latest_first(self) -> list[tuple[int, list[numbered.Option], str]]:
        return [self.screens[m] for m in sorted(self.screens, key=lambda m: (-self.screens[m][0], m))]

    def switch(self, user_id: int, first_name: str) -> int:
        """Play another person: print what the bot sent them since they were last played (announcements,
        training invitations, an expert's question or answer…), with their buttons. Returns how many."""
        self.seen[self.user_id] = len(self.api.outbox)
        self.user_id = user_id
        self.api.user(user_id, first_name)
        self.screens.clear()
        self.inputs += 1
        unread = [
            m for m in self.api.outbox[self.seen.get(user_id, 0) :] if m.get("chat", {}).get("id") == user_id
        ]
        self.seen[user_id] = len(self.api.outbox)
        self.write("\n" + (msg.CHAT_UNREAD.format(count=len(unread)) if unread else msg.CHAT_NO_UNREAD))
        for message in unread:
            self._on_bot_event("message", self.api.current(message))
        return len(unread)

    def _saved(self, file: dict) -> str:
        if self.files_dir is None:
            return ""
        name, content = self.api.files.get(file["file_id"], (file.get("file_name") or file["file_id"], b""))
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / Path(name).name
        path.write_bytes(content)
        return f" (đã lưu: {path})"

    def make_update(self, text: str) -> dict:
        """The update that typing `text` produces: a button tap if it names an option, else a message;
        `/guitep PATH` sends the file at PATH as a document (as attaching a file in Telegram)."""
        choice, message_id = self._choose(text)  # among the keyboards on screen before this input counts
        self.inputs += 1  # what the bot sends from now on answers this input
        if text.strip().lower().startswith(SEND_FILE + " "):
            path = Path(text.strip()[len(SEND_FILE) + 1 :].strip().strip('"')).expanduser()
            if path.is_file():
                return self.api.user_document(self.user_id, path.name, path.read_bytes())
            self.write(f"  (không thấy tệp {path})")
        if choice is not None and choice.callback_data is not None and message_id is not None:
            return self.api.user_click(self.user_id, message_id, choice.callback_data)
        if choice is not None and choice.callback_data is None and choice.url is None:
            return self.api.user_message(self.user_id, choice.label)
        return self.api.user_message(self.user_id, text)

    def _choose(self, text: str) -> tuple[numbered.Option | None, int | None]:
        """The option `text` names on the screen: in the latest answer's keyboards first (numbers run on
        across them), then in older keyboards still on screen."""
        by_batch: dict[int, list[int]] = {}
        for message_id in sorted(self.screens):
            by_batch.setdefault(self.screens[message_id][0], []).append(message_id)
        for batch in sorted(by_batch, reverse=True):
            if batch < self.inputs - 1:
                break
            ids = by_batch[batch]
            opts = [o for m in ids for o in self.screens[m][1]]
            choice = numbered.choose(text, opts, "\n".join(self.screens[m][2] for m in ids))
            if choice is not None:
                return choice, next(m for m in ids if choice in self.screens[m][1])
        return None, None


async def _stdin_lines() -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        yield line.rstrip("\n")


async def run_console(
    app: MediatorApplication,
    api: LocalBotApi,
    user_id: int,
    first_name: str,
    lines: AsyncIterator[str] | None = None,
    write: Callable[[str], None] = print,
    files_dir: Path | None = None,
    settle_s: float = 0.3,
    personas: dict[str, tuple[int, str]] | None = None,
    banner: Callable[[str], Awaitable[str]] | None = None,
) -> None:
    """Run the application with polling over `api` and feed it what the user types.

    `personas` (key → (user id, name)): `/doi <key>` switches person inside the chat; `banner(key)` says
    who."""
    session = ConsoleSession(app, api, user_id, first_name, write, files_dir)
    updater = app.updater
    if updater is None:  # built by bot.app with its updater: polling is how the console is fed
        raise RuntimeError("the console needs an application with an updater")
    async with app:
        await updater.start_polling(poll_interval=0, timeout=10, drop_pending_updates=False)
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
                if personas and line.strip().split()[0].lower() in SWITCH_COMMANDS:
                    await _switch(session, line, personas, banner, write)
                    await _settle(api, settle_s)
                    continue
                session.make_update(line)
                await _settle(api, settle_s)
        finally:
            await updater.stop()
            await app.stop()


async def _switch(
    session: ConsoleSession,
    line: str,
    personas: dict[str, tuple[int, str]],
    banner: Callable[[str], Awaitable[str]] | None,
    write: Callable[[str], None],
) -> None:
    words = line.split()
    key = words[1].lower() if len(words) > 1 else ""
    if key not in personas:
        write(msg.CHAT_SWITCH_HELP.format(roles=", ".join(personas)))
        return
    user_id, name = personas[key]
    if banner is not None:
        write("\n— " + await banner(key) + " —")
    session.switch(user_id, name)


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
