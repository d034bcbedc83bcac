"""A local Zalo Bot Platform emulator over real HTTP (aiohttp on 127.0.0.1), written from the platform's
documentation.

Sources (see README "Zalo" → "What the documentation says"): the Bot Platform docs at
bot.zaloplatforms.com/docs (API list, webhook, error codes; read through a copy of the reference kept in a
public repository) and the official Python SDK python-zalo-bot (`zalo_bot/_message.py`: `photo_url`, `date` in
milliseconds, string ids). Nothing here is taken from our adapter.

- `https://bot-api.zaloplatforms.com/bot<TOKEN>/<method>` → `http://127.0.0.1:<port>/bot<TOKEN>/<method>`;
  method names are case-sensitive; JSON, form or query parameters.
- Answers `{"ok": true, "result": …}`, or `{"ok": false, "error_code": N, "description": "…"}` with the
  documented codes: 400 Bad request, 401 Unauthorized (token expired or invalid), 403 Internal server error
  (yes: 403 is the platform's internal error), 404 Not found, 408 Request timeout, 429 Quota exceeded. The
  HTTP status of an error answer is not documented: `error_http_status` chooses it (the code itself, or 200
  with the code in the body).
- getMe; getUpdates (long polling, one event per answer, 408 when nothing came within the timeout, 400 while a
  webhook is set); setWebhook (url + secret_token of 8–256 characters), deleteWebhook, getWebhookInfo;
  sendMessage (text 1–2000 characters), sendPhoto (photo is a URL, caption up to 2000), sendSticker,
  sendChatAction (typing, upload_photo).
- Events: `{"event_name": "message.text.received" | "message.image.received" | "message.sticker.received" |
  "message.unsupported.received", "message": {"from": {"id", "display_name", "is_bot"}, "chat": {"id",
  "chat_type": "PRIVATE" | "GROUP"}, "message_id", "date" (milliseconds), "text" | "photo_url" (+ legacy
  "photo") + "caption" | "sticker" + "url"}}`; ids are opaque strings such as `e4ea2cd5189df1c3a88c`.
- Webhook: events are POSTed with the `X-Bot-Api-Secret-Token` header, wrapped `{"ok": true, "result": event}`
  (as the docs show) or bare (`wrap_webhook = False`, as some deliveries and clients have it). An event is not
  sent again once the bot answered it (any answer); `deliver_again(event)` repeats a delivery, as happens.
- Group chats (beta): the bot only receives group messages that mention it (`group_text(..., mention=False)`
  delivers nothing).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from tests.emulator import wait_until

SECRET_HEADER = "X-Bot-Api-Secret-Token"
#: The documented error codes and their names (bot.zaloplatforms.com/docs, "Mã lỗi").
ERRORS = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Internal server error",
    404: "Not found",
    408: "Request timeout",
    429: "Quota exceeded",
}


def opaque_id() -> str:
    """An id the way Zalo shows them: 20 hex characters, e.g. e4ea2cd5189df1c3a88c."""
    return secrets.token_hex(10)


@dataclass
class Sent:
    chat_id: str
    text: str | None = None
    photo: str | None = None
    caption: str | None = None
    message_id: str = ""


class ZaloApiEmulator:
    def __init__(self, token: str = "1234567890:zalo-test-token", max_poll_s: float = 0.3):
        self.token = token
        self.max_poll_s = max_poll_s
        self.bot = {
            "id": "1459232241454765289",
            "account_name": "bot.HoaGiaiTest",
            "account_type": "BASIC",
            "can_join_groups": False,
        }
        self.events: list[dict] = []
        self.outbox: list[Sent] = []
        self.actions: list[dict] = []
        self.calls: list[str] = []
        self.users: dict[str, str] = {}
        self.webhook: dict[str, Any] | None = None
        self.wrap_webhook = True
        self.webhook_responses: list[int] = []
        #: HTTP status of an error answer: "code" (the error code itself) or 200 (ok=false in the body only).
        self.error_http_status: str | int = "code"
        self._failures: dict[str, list[int]] = {}
        self.runner: web.AppRunner | None = None
        self.port: int | None = None
        self._new_event = asyncio.Condition()
        self._webhook_tasks: set[asyncio.Task] = set()

    @property
    def base_url(self) -> str:
        """What ZALO_BASE_URL should be."""
        return f"http://127.0.0.1:{self.port}"

    # --- the user side ------------------------------------------------------------------------------
    def user(self, zalo_id: str | None, display_name: str) -> str:
        zalo_id = zalo_id or opaque_id()
        self.users[zalo_id] = display_name
        return zalo_id

    def _event(self, name: str, zalo_id: str, chat: dict | None = None, **content: Any) -> dict:
        message = {
            "from": {"id": zalo_id, "display_name": self.users.get(zalo_id, "Người dùng"), "is_bot": False},
            "chat": chat or {"id": zalo_id, "chat_type": "PRIVATE"},
            "message_id": opaque_id(),
            "date": int(time.time() * 1000),
            **content,
        }
        return {"event_name": name, "message": message}

    def text(self, zalo_id: str, text: str) -> dict:
        """The user sends a text message: queued for getUpdates, or POSTed to the webhook if one is set."""
        return self._emit(self._event("message.text.received", zalo_id, text=text))

    def image(self, zalo_id: str, url: str, caption: str | None = None, legacy: bool = False) -> dict:
        """A picture: `photo_url` (the SDK's field); `legacy=True` sends the older `photo` field only."""
        content = {"photo" if legacy else "photo_url": url, **({"caption": caption} if caption else {})}
        return self._emit(self._event("message.image.received", zalo_id, **content))

    def sticker(self, zalo_id: str) -> dict:
        return self._emit(
            self._event(
                "message.sticker.received",
                zalo_id,
                sticker="0e078a2fb66a5f34067b",
                url="https://zalo-api.zadn.vn/sticker.png",
            )
        )

    def unsupported(self, zalo_id: str) -> dict:
        return self._emit(self._event("message.unsupported.received", zalo_id))

    def group_text(self, group_id: str, zalo_id: str, text: str, mention: bool = True) -> dict | None:
        """A message in a group the bot is in (beta): delivered only when it mentions the bot."""
        if not mention:
            return None
        return self._emit(
            self._event(
                "message.text.received",
                zalo_id,
                chat={"id": group_id, "chat_type": "GROUP"},
                text=f"@{self.bot['account_name']} {text}",
            )
        )

    def deliver_again(self, event: dict) -> dict:
        """The same event delivered a second time (same event name, same message id)."""
        return self._emit(event)

    def _emit(self, event: dict) -> dict:
        if self.webhook:
            task = asyncio.get_running_loop().create_task(self.post_webhook(event))
            self._webhook_tasks.add(task)
            task.add_done_callback(self._webhook_tasks.discard)
        else:
            self.events.append(event)
            asyncio.get_running_loop().create_task(self._notify())
        return event

    async def post_webhook(self, event: dict, url: str | None = None) -> int:
        body = {"ok": True, "result": event} if self.wrap_webhook else event
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.post(
                    url or self.webhook["url"],
                    json=body,
                    headers={SECRET_HEADER: self.webhook["secret_token"]},
                ) as response,
            ):
                status = response.status
        except aiohttp.ClientError:
            status = 0  # the bot dropped the connection: not acknowledged
        self.webhook_responses.append(status)
        return status

    async def _notify(self) -> None:
        async with self._new_event:
            self._new_event.notify_all()

    # --- faults ------------------------------------------------------------------------------------------
    def fail_next(self, method: str, code: int, times: int = 1) -> None:
        """The next `times` calls of `method` fail with the documented error `code`."""
        assert code in ERRORS, code
        self._failures.setdefault(method, []).extend([code] * times)

    # --- the bot side -------------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error(401)
        method = request.match_info["method"]
        self.calls.append(method)
        params: dict = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                params.update(await request.json() or {})
            else:
                params.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
        handler = getattr(self, "m_" + method, None)  # method names are case-sensitive
        if handler is None:
            return self._error(400, "Bad request: invalid API name")
        if self._failures.get(method):
            return self._error(self._failures[method].pop(0))
        try:
            result = await handler(params)
        except ApiError as exc:
            return self._error(exc.status, exc.description)
        return web.json_response({"ok": True, "result": result})

    def _error(self, code: int, description: str | None = None) -> web.Response:
        status = code if self.error_http_status == "code" else int(self.error_http_status)
        return web.json_response(
            {"ok": False, "error_code": code, "description": description or ERRORS[code]}, status=status
        )

    @staticmethod
    def _chat(params: dict) -> str:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, str) or not chat_id:
            raise ApiError(400, "Bad request: chat_id is required")
        return chat_id

    @staticmethod
    def _check_text(value: Any, field: str, required: bool = True) -> str | None:
        if value is None and not required:
            return None
        if not isinstance(value, str) or not 1 <= len(value) <= 2000:
            raise ApiError(400, f"Bad request: {field} must have 1 to 2000 characters")
        return value

    def _sent(self, **content: Any) -> dict:
        sent = Sent(message_id=opaque_id(), **content)
        self.outbox.append(sent)
        return {"message_id": sent.message_id, "date": int(time.time() * 1000)}

    async def m_getMe(self, params: dict) -> dict:
        return self.bot

    async def m_getUpdates(self, params: dict) -> dict:
        if self.webhook:
            raise ApiError(400, "Bad request: webhook is active, use deleteWebhook first")
        timeout = min(float(params.get("timeout") or 30), self.max_poll_s)
        if not self.events:
            async with self._new_event:
                try:
                    await asyncio.wait_for(self._new_event.wait_for(lambda: bool(self.events)), timeout)
                except TimeoutError:
                    pass
        if not self.events:
            raise ApiError(408, ERRORS[408])
        return self.events.pop(0)

    async def m_setWebhook(self, params: dict) -> dict:
        url, secret = params.get("url"), params.get("secret_token")
        if not isinstance(url, str) or not url.startswith(("https://", "http://127.0.0.1")):
            raise ApiError(400, "Bad request: url must be HTTPS")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            raise ApiError(400, "Bad request: secret_token must have 8 to 256 characters")
        self.webhook = {"url": url, "secret_token": secret, "updated_at": int(time.time() * 1000)}
        return {"url": url, "updated_at": self.webhook["updated_at"]}

    async def m_deleteWebhook(self, params: dict) -> dict:
        self.webhook = None
        return {"url": "", "updated_at": int(time.time() * 1000)}

    async def m_getWebhookInfo(self, params: dict) -> dict:
        return {
            "url": (self.webhook or {}).get("url", ""),
            "updated_at": (self.webhook or {}).get("updated_at", 0),
        }

    async def m_sendMessage(self, params: dict) -> dict:
        return self._sent(chat_id=self._chat(params), text=self._check_text(params.get("text"), "text"))

    async def m_sendPhoto(self, params: dict) -> dict:
        chat_id = self._chat(params)
        photo = params.get("photo")
        if not isinstance(photo, str) or not photo.startswith(("http://", "https://")):
            raise ApiError(400, "Bad request: photo must be a URL")
        return self._sent(
            chat_id=chat_id,
            photo=photo,
            caption=self._check_text(params.get("caption"), "caption", required=False),
        )

    async def m_sendSticker(self, params: dict) -> dict:
        return self._sent(chat_id=self._chat(params), text=f"[sticker {params.get('sticker')}]")

    async def m_sendChatAction(self, params: dict) -> None:
        if params.get("action") not in ("typing", "upload_photo"):
            raise ApiError(400, "Bad request: unknown action")
        self.actions.append({"chat_id": self._chat(params), "action": params["action"]})
        return None

    # --- server and helpers for tests ----------------------------------------------------------------
    async def start(self) -> ZaloApiEmulator:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        for task in list(self._webhook_tasks):
            task.cancel()
        if self.runner is not None:
            await self.runner.cleanup()

    def sent_to(self, zalo_id: str) -> list[Sent]:
        return [m for m in self.outbox if m.chat_id == zalo_id]

    async def wait_for(self, predicate: Callable[[], object], timeout: float = 15.0) -> object:
        return await wait_until(predicate, timeout, interval=0.02)

    async def replies(
        self, zalo_id: str, after: int, timeout: float = 15.0, quiet_s: float = 0.3
    ) -> list[Sent]:
        """The bot's messages to `zalo_id` after outbox position `after`, once it has stopped writing."""

        def new() -> list[Sent]:
            return [m for m in self.outbox[after:] if m.chat_id == zalo_id]

        await self.wait_for(new, timeout)
        count = -1
        while count != len(self.outbox):
            count = len(self.outbox)
            await asyncio.sleep(quiet_s)
        return new()

    async def say(self, zalo_id: str, text: str, timeout: float = 15.0) -> str:
        """The user types `text`; returns the bot's answer (all its messages, joined)."""
        mark = len(self.outbox)
        self.text(zalo_id, text)
        return "\n".join(m.text or m.caption or "" for m in await self.replies(zalo_id, mark, timeout))


class ApiError(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description
