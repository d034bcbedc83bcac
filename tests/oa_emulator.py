"""A local Zalo Official Account emulator (OA Open API v3 + OAuth v4 + the OA webhook), written from the
documentation and the Zalo OA help centre — not from our adapter. What it follows, and what could not be
confirmed, is listed in README ("Zalo Official Account" → "What the documentation says").

- `POST /v3.0/oa/message/cs` (header `access_token`): `{"recipient": {"message_id"} | {"user_id"}, "message":
  {"text"?, "attachment"?}}` → `{"error": 0, "message": "Success", "data": {"message_id", "user_id",
  "quota"}}`. Text 1–2000 characters. Attachments: a template with `buttons` (each `{"title" ≤ 100, "type":
  "oa.open.url" | "oa.query.show" | "oa.query.hide", "payload"}`; query payloads ≤ 1000 characters; at most 5
  buttons here), a `media` template with an image URL, a `file` with the token of an uploaded file.
- The messaging window: a reply (recipient.message_id = one of the user's messages) is free for 48 hours after
  the user's *last* message, 8 replies at most; after that, or addressed by user_id, a message is proactive
  and takes one unit of `proactive_quota` (0 by default: an unverified OA, or one without a package).
- `GET /v2.0/oa/getoa`; `POST /v2.0/oa/upload/file` (multipart `file`: PDF, DOC, DOCX up to 5 MB) → token.
- `POST /v4/oa/access_token` (form `app_id`, `grant_type=refresh_token`, `refresh_token`; header
  `secret_key`): a new access token (`expires_in` "90000" seconds: 25 hours) and a new refresh token; the
  refresh token used is spent (single use). An expired or unknown access token gets error -216 / -124.
- Webhook: user events (`user_send_text`, `user_send_image`, `follow`…) are POSTed to the bot's URL with
  `X-ZEvent-Signature: mac=sha256(app_id + body + timestamp + OA secret key)`; `tap(user, title)` on a query
  button sends its payload as the user's text message (the OA's documented behaviour).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from tests.emulator import wait_until

WINDOW_S = 48 * 3600
WINDOW_REPLIES = 8
FILE_TYPES = (".pdf", ".doc", ".docx")


@dataclass
class OaSent:
    user_id: str
    text: str | None = None
    buttons: list[dict] = field(default_factory=list)
    image: str | None = None
    file: str | None = None
    quota_type: str = "reply"
    message_id: str = ""


class OaEmulator:
    #: The text the bot puts on a message that carries the rest of a keyboard (bot.messages.OA_MORE_BUTTONS).
    MORE_BUTTONS = "Lựa chọn khác:"

    def __init__(
        self,
        app_id: str = "1234567890123456789",
        app_secret: str = "app-secret-of-the-commune",
        oa_secret_key: str = "oa-secret-key-0123",
        oa_id: str = "579745863508352884",
    ):
        self.app_id, self.app_secret, self.oa_secret_key, self.oa_id = (
            app_id,
            app_secret,
            oa_secret_key,
            oa_id,
        )
        self.access_tokens: dict[str, float] = {}  # token -> expiry (epoch seconds)
        self.refresh_tokens: set[str] = set()
        self.refresh_calls = 0
        self.refresh_delay_s = 0.0
        self.proactive_quota = 0
        self.outbox: list[OaSent] = []
        self.uploads: dict[str, tuple[str, bytes]] = {}
        self.user_messages: dict[str, list[tuple[str, float]]] = {}  # user -> [(msg_id, at)]
        self.replies_since: dict[str, int] = {}
        self.webhook_url: str | None = None
        self.webhook_responses: list[int] = []
        self.runner: web.AppRunner | None = None
        self.port: int | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- tokens --------------------------------------------------------------------------------------------
    def grant(self, lifetime_s: float = 90000) -> tuple[str, str]:
        """The tokens the commune gets when it authorises the app (developers' console)."""
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.access_tokens[access] = time.time() + lifetime_s
        self.refresh_tokens.add(refresh)
        return access, refresh

    def _token_error(self, token: str | None) -> dict | None:
        if token not in self.access_tokens:
            return {"error": -216, "message": "Access token is invalid"}
        if self.access_tokens[token] < time.time():
            return {"error": -124, "message": "Access token has expired"}
        return None

    async def _oauth(self, request: web.Request) -> web.Response:
        form = await request.post()
        if request.headers.get("secret_key") != self.app_secret or form.get("app_id") != self.app_id:
            return web.json_response(
                {"error": -14002, "error_name": "Invalid app", "error_description": "app"}
            )
        if form.get("grant_type") != "refresh_token":
            return web.json_response({"error": -14001, "error_name": "Invalid grant type"})
        refresh = form.get("refresh_token")
        if self.refresh_delay_s:
            await asyncio.sleep(self.refresh_delay_s)
        if refresh not in self.refresh_tokens:
            return web.json_response(
                {
                    "error": -14014,
                    "error_name": "Invalid refresh token",
                    "error_description": "refresh token is invalid or was used",
                }
            )
        self.refresh_tokens.discard(refresh)  # single use
        self.refresh_calls += 1
        access, new_refresh = self.grant()
        return web.json_response(
            {"access_token": access, "refresh_token": new_refresh, "expires_in": "90000"}
        )

    # --- OA API ---------------------------------------------------------------------------------------------
    async def _getoa(self, request: web.Request) -> web.Response:
        if error := self._token_error(request.headers.get("access_token")):
            return web.json_response(error)
        return web.json_response(
            {"error": 0, "message": "Success", "data": {"oa_id": self.oa_id, "name": "UBND Phường Mường Lay"}}
        )

    async def _upload(self, request: web.Request) -> web.Response:
        if error := self._token_error(request.headers.get("access_token")):
            return web.json_response(error)
        form = await request.post()
        upload = form.get("file")
        if upload is None or not hasattr(upload, "file"):
            return web.json_response({"error": -201, "message": "File is missing"})
        content = upload.file.read()
        if not upload.filename.lower().endswith(FILE_TYPES) or len(content) > 5 * 1024 * 1024:
            return web.json_response({"error": -210, "message": "File type or size is not supported"})
        token = secrets.token_hex(16)
        self.uploads[token] = (upload.filename, content)
        return web.json_response({"error": 0, "message": "Success", "data": {"token": token}})

    async def _cs(self, request: web.Request) -> web.Response:
        if error := self._token_error(request.headers.get("access_token")):
            return web.json_response(error)
        try:
            body = await request.json()
            recipient, message = body["recipient"], body["message"]
        except (ValueError, KeyError, TypeError):
            return web.json_response({"error": -201, "message": "Parameters are invalid"})
        sent = OaSent(user_id="")
        if "message_id" in recipient:
            owner = next(
                (
                    u
                    for u, ids in self.user_messages.items()
                    if any(m == recipient["message_id"] for m, _ in ids)
                ),
                None,
            )
            if owner is None:
                return web.json_response({"error": -201, "message": "message_id is invalid"})
            last_at = self.user_messages[owner][-1][1]
            if time.time() - last_at > WINDOW_S or self.replies_since.get(owner, 0) >= WINDOW_REPLIES:
                return web.json_response(
                    {"error": -230, "message": "Out of the reply window (48h / 8 messages)"}
                )
            self.replies_since[owner] = self.replies_since.get(owner, 0) + 1
            sent.user_id, sent.quota_type = owner, "reply"
        elif "user_id" in recipient:
            if self.proactive_quota <= 0:
                return web.json_response({"error": -32, "message": "Quota of proactive messages exceeded"})
            self.proactive_quota -= 1
            sent.user_id, sent.quota_type = str(recipient["user_id"]), "sub_quota"
        else:
            return web.json_response({"error": -201, "message": "recipient is invalid"})
        text = message.get("text")
        if text is not None and (not isinstance(text, str) or not 1 <= len(text) <= 2000):
            return web.json_response({"error": -201, "message": "text must have 1 to 2000 characters"})
        sent.text = text
        attachment = message.get("attachment")
        if attachment is not None:
            payload = attachment.get("payload") or {}
            if attachment.get("type") == "file":
                if payload.get("token") not in self.uploads:
                    return web.json_response({"error": -201, "message": "file token is invalid"})
                sent.file = self.uploads[payload["token"]][0]
            elif payload.get("template_type") == "media":
                sent.image = payload["elements"][0]["url"]
            else:
                buttons = payload.get("buttons") or []
                if not buttons or len(buttons) > 5:
                    return web.json_response({"error": -201, "message": "1 to 5 buttons"})
                for button in buttons:
                    kind, data = button.get("type"), button.get("payload")
                    if not 1 <= len(button.get("title") or "") <= 100:
                        return web.json_response({"error": -201, "message": "button title 1-100 characters"})
                    if kind in ("oa.query.show", "oa.query.hide") and not (
                        isinstance(data, str) and len(data) <= 1000
                    ):
                        return web.json_response(
                            {"error": -201, "message": "query payload up to 1000 characters"}
                        )
                    if kind == "oa.open.url" and not (
                        isinstance(data, dict)
                        and str(data.get("url", "")).startswith(("http://", "https://"))
                    ):
                        return web.json_response({"error": -201, "message": "url payload"})
                    if kind not in ("oa.query.show", "oa.query.hide", "oa.open.url"):
                        return web.json_response({"error": -201, "message": "button type"})
                sent.buttons = buttons
        elif text is None:
            return web.json_response({"error": -201, "message": "message is empty"})
        sent.message_id = secrets.token_hex(10)
        self.outbox.append(sent)
        return web.json_response(
            {
                "error": 0,
                "message": "Success",
                "data": {
                    "message_id": sent.message_id,
                    "user_id": sent.user_id,
                    "quota": {
                        "quota_type": sent.quota_type,
                        "remain": str(WINDOW_REPLIES - self.replies_since.get(sent.user_id, 0))
                        if sent.quota_type == "reply"
                        else str(self.proactive_quota),
                    },
                },
            }
        )

    # --- the user side: signed webhook events -------------------------------------------------------------
    def sign(self, body: str, timestamp: str) -> str:
        return (
            "mac="
            + hashlib.sha256(f"{self.app_id}{body}{timestamp}{self.oa_secret_key}".encode()).hexdigest()
        )

    def event(
        self,
        user_id: str,
        event_name: str = "user_send_text",
        text: str | None = None,
        at: float | None = None,
        **message: Any,
    ) -> dict:
        at = time.time() if at is None else at
        msg_id = secrets.token_hex(10)
        body: dict[str, Any] = {
            "app_id": self.app_id,
            "user_id_by_app": "55" + user_id[-10:],
            "event_name": event_name,
            "timestamp": str(int(at * 1000)),
            "sender": {"id": user_id},
            "recipient": {"id": self.oa_id},
            "message": {"msg_id": msg_id, **({"text": text} if text is not None else {}), **message},
        }
        if event_name.startswith("user_send_"):
            self.user_messages.setdefault(user_id, []).append((msg_id, at))
            self.replies_since[user_id] = 0
        return body

    async def post(
        self, body: dict | str, signature: str | None | bool = True, url: str | None = None
    ) -> int:
        """POST an event to the bot's webhook, signed (or with the given/missing signature)."""
        text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        headers = {"Content-Type": "application/json"}
        if signature is True:
            timestamp = (
                json.loads(text).get("timestamp", "") if not isinstance(body, dict) else body["timestamp"]
            )
            headers["X-ZEvent-Signature"] = self.sign(text, str(timestamp))
        elif isinstance(signature, str):
            headers["X-ZEvent-Signature"] = signature
        async with (
            aiohttp.ClientSession() as session,
            session.post(url or self.webhook_url, data=text.encode(), headers=headers) as response,
        ):
            self.webhook_responses.append(response.status)
            return response.status

    async def say(self, user_id: str, text: str) -> str:
        mark = len(self.outbox)
        status = await self.post(self.event(user_id, text=text))
        assert status == 200, status
        return "\n".join(m.text or "" for m in await self.replies(user_id, mark))

    async def tap(self, user_id: str, title: str) -> str:
        """The user taps the button titled `title` in the latest message that has it."""
        button = next(
            (b for m in reversed(self.sent_to(user_id)) for b in m.buttons if b["title"] == title), None
        )
        assert button is not None, f"no button {title!r}: {self.buttons_of(user_id)}"
        assert button["type"] in ("oa.query.show", "oa.query.hide"), button
        return await self.say(user_id, button["payload"])

    # --- server and helpers for tests ----------------------------------------------------------------
    async def start(self) -> OaEmulator:
        app = web.Application()
        app.router.add_post("/v3.0/oa/message/cs", self._cs)
        app.router.add_get("/v2.0/oa/getoa", self._getoa)
        app.router.add_post("/v2.0/oa/upload/file", self._upload)
        app.router.add_post("/v4/oa/access_token", self._oauth)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    def sent_to(self, user_id: str) -> list[OaSent]:
        return [m for m in self.outbox if m.user_id == user_id]

    def buttons_of(self, user_id: str) -> list[str]:
        """Titles of the buttons of the bot's last message with buttons to the user (with the messages that
        carried the rest of its buttons, when there were more than fit in one)."""
        titles: list[str] = []
        for message in reversed(self.sent_to(user_id)):
            if not message.buttons:
                if titles:
                    break
                continue
            titles = [b["title"] for b in message.buttons] + titles
            if message.text != self.MORE_BUTTONS:
                break
        return titles

    async def replies(
        self, user_id: str, after: int, timeout: float = 15.0, quiet_s: float = 0.3
    ) -> list[OaSent]:
        def new() -> list[OaSent]:
            return [m for m in self.outbox[after:] if m.user_id == user_id]

        await wait_until(new, timeout, interval=0.02)
        count = -1
        while count != len(self.outbox):
            count = len(self.outbox)
            await asyncio.sleep(quiet_s)
        return new()

    async def wait_for(self, predicate: Callable[[], object], timeout: float = 15.0) -> object:
        return await wait_until(predicate, timeout, interval=0.02)
