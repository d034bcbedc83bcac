"""A local Telegram Bot API emulator over real HTTP (aiohttp on 127.0.0.1), for end-to-end tests.

It serves the same `LocalBotApi` the console uses, at /bot<token>/<method>, accepting the JSON,
form-encoded and multipart requests python-telegram-bot sends. Tests script users through `api`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

from aiohttp import web

from bot.channels import numbered
from bot.channels.local import LocalBotApi
from vocabulary.messages import MENU_AFTER_FLOW


async def wait_until(
    predicate: Callable[[], object], timeout: float = 15.0, interval: float = 0.05
) -> object:
    """Poll `predicate` until it returns something truthy; TimeoutError after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        result = predicate()
        if result:
            return result
        await asyncio.sleep(interval)
    raise TimeoutError("the bot did not answer in time")


class BotApiEmulator:
    def __init__(self, api: LocalBotApi | None = None, token: str = "123456:TEST-TOKEN"):
        # Short long-polls, so that a bot process stops quickly at the end of a test.
        self.api = api or LocalBotApi(max_poll_s=1.0)
        self.token = token
        self.runner: web.AppRunner | None = None
        self.port: int | None = None
        self.requests = 0
        #: Fault injection at the HTTP level: seconds to stall the next calls, or cut the connection.
        self.stall_s = 0.0
        self.reset_next = 0

    @property
    def base_url(self) -> str:
        """What TELEGRAM_BASE_URL (python-telegram-bot's base_url) should be."""
        return f"http://127.0.0.1:{self.port}/bot"

    async def _handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        if self.reset_next:
            self.reset_next -= 1
            request.transport.close()  # connection reset by peer, as on a flaky mobile network
            return web.Response(status=500)
        if self.stall_s:
            await asyncio.sleep(self.stall_s)
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params: dict = {}
        files: dict[str, tuple[str, bytes]] = {}
        if request.content_type == "application/json":
            params = await request.json() if request.can_read_body else {}
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = (value.filename, value.file.read())
                else:
                    params[key] = value
        params.update({k: v for k, v in request.query.items() if k not in params})
        status, body = await self.api.call(method, params, files)
        return web.Response(
            status=status, text=json.dumps(body, ensure_ascii=False), content_type="application/json"
        )

    async def start(self) -> BotApiEmulator:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    async def wait_for(self, predicate: Callable[[], object], timeout: float = 15.0) -> object:
        """Poll `predicate` until it returns something truthy (the bot answers asynchronously)."""
        return await wait_until(predicate, timeout)

    async def reply_to(self, chat_id: int, after: int, timeout: float = 15.0) -> list[dict]:
        """Wait for the bot's messages to `chat_id` sent after outbox position `after`."""

        def new() -> list[dict]:
            return [m for m in self.api.outbox[after:] if m["chat"]["id"] == chat_id]

        await self.wait_for(new, timeout)
        await asyncio.sleep(0.2)  # let a multi-message answer finish
        return new()


class EmulatedUser:
    """A scripted Telegram user of the emulator: types text and taps buttons, returns the bot's answers."""

    def __init__(self, emulator: BotApiEmulator, user_id: int):
        self.emulator = emulator
        self.api = emulator.api
        self.id = user_id

    async def say(self, text: str) -> list[dict]:
        mark = len(self.api.outbox)
        self.api.user_message(self.id, text)
        return await self.emulator.reply_to(self.id, mark)

    async def tap(self, label: str) -> list[dict]:
        """Tap the button of the latest message with buttons: by its text (diacritics optional) or part of it.
        The menu offered after a flow is passed over unless it is the only message with buttons."""
        with_buttons = [
            m for m in reversed(self.api.sent_to(self.id)) if self.api.current(m).get("reply_markup")
        ]
        message = next(
            (m for m in with_buttons if not (m.get("text") or "").startswith(MENU_AFTER_FLOW)),
            with_buttons[0],
        )
        opts = numbered.options(self.api.current(message)["reply_markup"])
        option = numbered.choose(label, opts, self.api.current(message).get("text")) or next(
            (o for o in opts if label in o.label), None
        )
        assert option is not None, f"no button {label!r} in {[o.label for o in opts]}"
        mark = len(self.api.outbox)
        self.api.user_click(self.id, message["message_id"], option.callback_data)
        return await self.emulator.reply_to(self.id, mark)
