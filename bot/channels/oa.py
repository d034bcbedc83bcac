"""The `oa` channel: the commune's Zalo Official Account, through the Zalo OA Open API (v3 messages).

The same python-telegram-bot Application and handlers as on Telegram and the Zalo Bot, with `OaRequest` under
it (a ZaloRequest: the translation of updates, edits, files and ids is shared) and these differences:

- Sending: `POST https://openapi.zalo.me/v3.0/oa/message/cs` with the `access_token` header, body
  `{"recipient": {...}, "message": {"text": ..., "attachment": ...}}`. A reply inside the user's window is
  addressed to the user's last message (`recipient.message_id`): the OA may send 8 free replies within 48
  hours of the user's last message. Outside it the message is *proactive* (`recipient.user_id`) and needs the
  OA's proactive quota: without `ZALO_OA_PROACTIVE=1` it is not sent and reported as "ngoài thời hạn 48 giờ".
- Buttons are real: a callback button is `oa.query.hide` (its payload `#cb:<callback_data>` comes back as the
  user's hidden text message), a reply-keyboard button `oa.query.show` (its label comes back as text), a link
  `oa.open.url`. No numbered options.
- Pictures go as a `media` template with the picture's URL; PDF/DOC/DOCX documents up to 5 MB are uploaded
  (`/v2.0/oa/upload/file`) and sent as a file; other files as a link (as on the Zalo Bot).
- The access token (OAuth v4, `https://oauth.zaloapp.com/v4/oa/access_token`) lives 25 hours; its refresh
  token is single use. Both are kept in the database (`storage.oa.OaTokens`) and refreshed before expiry by
  one process at a time.
- Incoming: the OA webhook (configured in the developers' console, no setWebhook call), each request signed
  with `X-ZEvent-Signature: mac=sha256(app_id + body + timestamp + OA secret key)` — checked, with stale
  timestamps refused — and handled before the answer (`bot.channels.zalo_server`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from telegram.error import NetworkError, TimedOut

from bot import messages as msg
from bot.channels import numbered
from bot.channels.zalo import (
    TEXT_LIMIT,
    BadEvent,
    ZaloApiError,
    ZaloFiles,
    ZaloRequest,
    split_text,
)
from bot.config import OaConfig
from storage.oa import WINDOW_REPLIES, OaTokens, OaWindows
from storage.zalo import ZaloStore

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-ZEvent-Signature"
#: Prefix of the payload of a callback button (oa.query.hide): "#cb:<callback_data>".
CALLBACK_PREFIX = "#cb:"
#: Buttons per message (the OA's template shows a few buttons; more go in further messages).
BUTTONS_PER_MESSAGE = 5
TITLE_LIMIT = 100
#: Signed events older than this are refused (a captured request replayed later). Zalo sends an event again
#: for up to 12 hours when the webhook does not answer 200 in time; within that span a replay is caught by the
#: event log (storage.zalo.EventLog keeps every handled event's key for a day), beyond it by this bound.
REPLAY_WINDOW_S = 12 * 3600
#: OA API errors that mean the access token is not (or no longer) valid: refresh once and try again.
TOKEN_ERRORS = {-216, -124}
#: Documents the OA API takes as files (upload/file); others are sent as links.
FILE_TYPES = {".pdf", ".doc", ".docx"}
FILE_LIMIT = 5 * 1024 * 1024
#: Free replies kept for answers that matter: status edits (a broadcast's progress) are not sent past this.
RESERVED_REPLIES = 2
#: Marker of a message not sent because the user is outside the OA's window (the outbox reports it).
OUTSIDE_WINDOW = "outside_window"


# --- webhook signature ------------------------------------------------------------------------------------
def signature(app_id: str, body: str, timestamp: str, oa_secret_key: str) -> str:
    """The X-ZEvent-Signature value: "mac=" + sha256(app id + raw body + the body's timestamp + OA secret
    key)."""
    return "mac=" + hashlib.sha256(f"{app_id}{body}{timestamp}{oa_secret_key}".encode()).hexdigest()


def verify(config: OaConfig, raw: bytes, header: str | None, now_ms: float | None = None) -> dict:
    """The signed event; PermissionError for a missing or wrong signature or a stale (replayed) timestamp,
    BadEvent for a malformed body."""
    if not header:
        raise PermissionError("no signature")
    try:
        text = raw.decode()
        body = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BadEvent("not JSON") from exc
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("timestamp"), str | int)
        or isinstance(body.get("timestamp"), bool)
    ):
        raise BadEvent("not an OA event")
    expected = signature(config.app_id or "", text, str(body["timestamp"]), config.oa_secret_key or "")
    if not hmac.compare_digest(header.strip().encode(), expected.encode()):
        raise PermissionError("wrong signature")
    try:
        at_ms = float(body["timestamp"])
    except ValueError as exc:
        raise BadEvent("timestamp") from exc
    now_ms = time.time() * 1000 if now_ms is None else now_ms
    if abs(now_ms - at_ms) > REPLAY_WINDOW_S * 1000:
        raise PermissionError("stale timestamp (replayed?)")
    return body


def _string(value: Any, where: str, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str | int) or isinstance(value, bool) or str(value) == "":
        raise BadEvent(f"{where}: wrong type")
    return str(value)


def to_bot_event(body: dict) -> dict | None:
    """An OA webhook event as a Zalo Bot-shaped event (the shared translation takes it from there), or None
    for events that are not a user's message (follow, unfollow, the OA's own messages…)."""
    name = body.get("event_name")
    if not isinstance(name, str):
        raise BadEvent("event_name")
    if not name.startswith("user_send_") or "group" in name:
        return None  # follow/unfollow, the OA's own messages, group messages: nothing for the handlers
    sender = body.get("sender")
    message = body.get("message")
    if not isinstance(sender, dict) or not isinstance(message, dict):
        raise BadEvent("sender/message")
    user_id = _string(sender.get("id"), "sender.id", required=True)
    text = message.get("text")
    if text is not None and not isinstance(text, str):
        raise BadEvent("message.text")
    attachments = message.get("attachments") or []
    if not isinstance(attachments, list) or not all(isinstance(a, dict) for a in attachments):
        raise BadEvent("message.attachments")
    chat = f"oa:{user_id}"
    content: dict[str, Any] = {
        "from": {"id": chat, "is_bot": False},
        "chat": {"id": chat, "chat_type": "PRIVATE"},
        "message_id": _string(message.get("msg_id"), "message.msg_id"),
        "date": body.get("timestamp"),
    }
    if name == "user_send_text":
        return {"event_name": "message.text.received", "message": {**content, "text": text or ""}}
    if name in ("user_send_image", "user_send_gif") and attachments:
        payload = attachments[0].get("payload") or {}
        url = _string(payload.get("url") if isinstance(payload, dict) else None, "attachment.url")
        if url:
            return {
                "event_name": "message.image.received",
                "message": {**content, "photo_url": url, **({"caption": text} if text else {})},
            }
    return {"event_name": "message.unsupported.received", "message": content}


# --- the transport -----------------------------------------------------------------------------------------
class OaRequest(ZaloRequest):
    """python-telegram-bot request class over the Zalo OA Open API."""

    channel = "oa"

    def __init__(
        self,
        config: OaConfig,
        store: ZaloStore,
        tokens: OaTokens,
        windows: OaWindows,
        *,
        files: ZaloFiles | None = None,
        bot_username: str | None = None,
        client: httpx.AsyncClient | None = None,
    ):
        super().__init__(
            "", store, base_url=config.api_url, files=files, bot_username=bot_username, client=client
        )
        self.config = config
        self.tokens = tokens
        self.windows = windows

    # --- the OA API ------------------------------------------------------------------------------------
    async def _oa(
        self,
        method: str,
        path: str,
        *,
        json_body: dict | None = None,
        files: dict | None = None,
        params: dict | None = None,
    ) -> dict:
        """One OA API call with a valid access token; `data` of the answer, or ZaloApiError."""
        client = await self._http()
        for attempt in (1, 2):
            token = await self.tokens.access_token(force=attempt == 2)
            try:
                response = await client.request(
                    method,
                    f"{self.base_url}{path}",
                    json=json_body,
                    files=files,
                    params=params,
                    headers={"access_token": token},
                )
            except httpx.TimeoutException as exc:
                raise TimedOut(f"Zalo OA {path} timed out") from exc
            except httpx.HTTPError as exc:
                raise NetworkError(f"Zalo OA {path}: {exc.__class__.__name__}") from exc
            if response.status_code >= 500:
                raise ZaloApiError(502, f"Zalo OA {path}: HTTP {response.status_code}", response.status_code)
            try:
                body = response.json()
            except ValueError as exc:
                raise ZaloApiError(502, f"Zalo OA {path}: not JSON", response.status_code) from exc
            code = body.get("error", 0) if isinstance(body, dict) else -1
            if code in TOKEN_ERRORS and attempt == 1:
                continue
            if code != 0:
                description = body.get("message") if isinstance(body, dict) else None
                raise ZaloApiError(400, f"Bad Request: Zalo OA error {code}: {description or 'error'}", code)
            return body.get("data") or {}
        raise ZaloApiError(401, "Unauthorized: the OA access token was refused", 401)  # pragma: no cover

    async def send_cs(self, chat_id: str, message: dict) -> dict:
        """A customer-service message to a user: a reply inside the window, proactive (quota) outside it."""
        user_id = str(chat_id).removeprefix("oa:")
        window = await self.windows.get(user_id)
        reply = window is not None and window.last_message_id and window.open(datetime.now(UTC))
        if reply and window is not None:
            recipient = {"message_id": window.last_message_id}
        elif self.config.proactive:
            recipient = {"user_id": user_id}
        else:
            raise ZaloApiError(400, f"Bad Request: {msg.OA_OUTSIDE_WINDOW} ({OUTSIDE_WINDOW})", 400)
        data = await self._oa(
            "POST", "/v3.0/oa/message/cs", json_body={"recipient": recipient, "message": message}
        )
        if reply:
            await self.windows.replied(user_id)
        return {"message_id": data.get("message_id") or "", "date": int(time.time() * 1000)}

    async def call(
        self, method: str, payload: dict[str, Any] | None = None, timeout: float | None = None
    ) -> Any:
        """The Zalo Bot API calls the shared code makes, done the OA's way."""
        payload = payload or {}
        if method == "sendMessage":
            return await self.send_cs(payload["chat_id"], {"text": payload["text"]})
        if method == "sendPhoto":
            sent = await self.send_cs(
                payload["chat_id"],
                {
                    "attachment": {
                        "type": "template",
                        "payload": {
                            "template_type": "media",
                            "elements": [{"media_type": "image", "url": payload["photo"]}],
                        },
                    }
                },
            )
            if payload.get("caption"):
                await self.send_cs(payload["chat_id"], {"text": payload["caption"]})
            return sent
        if method == "getMe":
            data = await self._oa("GET", "/v2.0/oa/getoa")
            return {"id": f"oa:{data.get('oa_id') or 'oa'}", "account_name": data.get("name") or "Zalo OA"}
        if method in ("sendChatAction", "setWebhook", "deleteWebhook", "getWebhookInfo"):
            return {}  # no typing indicator here; the webhook is set in the developers' console
        if method == "getUpdates":
            raise ZaloApiError(400, "Zalo OA has no long polling: events come to the webhook", 408)
        raise ZaloApiError(400, f"Bad Request: {method} is not available on Zalo OA")

    async def oauth_refresh(self, refresh_token: str) -> tuple[str, str, int]:
        """OAuth v4: a refresh token (single use) for a new access token and a new refresh token."""
        client = await self._http()
        try:
            response = await client.post(
                f"{self.config.oauth_url}/v4/oa/access_token",
                headers={"secret_key": self.config.app_secret or ""},
                data={
                    "refresh_token": refresh_token,
                    "app_id": self.config.app_id or "",
                    "grant_type": "refresh_token",
                },
            )
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise NetworkError(f"Zalo OAuth: {exc.__class__.__name__}") from exc
        if not isinstance(body, dict) or not body.get("access_token") or not body.get("refresh_token"):
            error = (
                body.get("error_description") or body.get("error_name") if isinstance(body, dict) else None
            )
            raise ZaloApiError(
                401, f"Unauthorized: Zalo OAuth refused the refresh token ({error or 'error'})"
            )
        return str(body["access_token"]), str(body["refresh_token"]), int(body.get("expires_in") or 90000)

    # --- shared code's hooks -------------------------------------------------------------------------------
    async def _choice(self, zalo_chat: str, text: str) -> tuple[str, Any, dict] | None:
        """A tap on a callback button arrives as the hidden text "#cb:<data>"; anything else is typed text (a
        reply-keyboard button's label arrives as that label already)."""
        if not text.startswith(CALLBACK_PREFIX) or len(text) <= len(CALLBACK_PREFIX):
            return None
        options_message = await self.store.options_message(zalo_chat) or {
            "message_id": 0,
            "date": int(time.time()),
            "chat": {"id": await self.store.int_id(zalo_chat), "type": "private"},
            "from": self._bot_user(),
        }
        return "tap", text[len(CALLBACK_PREFIX) :], options_message

    async def _send_options(self, zalo_id: str, text: str, opts: list[numbered.Option]) -> None:
        if not opts:
            if text.strip():
                await self._send_lines(zalo_id, text)
            return
        chunks = split_text(text, TEXT_LIMIT) or [msg.OA_CHOOSE]
        for chunk in chunks[:-1]:
            await self.send_cs(zalo_id, {"text": chunk})
        buttons = [self._button(o) for o in opts]
        for start in range(0, len(buttons), BUTTONS_PER_MESSAGE):
            await self.send_cs(
                zalo_id,
                {
                    "text": chunks[-1] if start == 0 else msg.OA_MORE_BUTTONS,
                    "attachment": {
                        "type": "template",
                        "payload": {"buttons": buttons[start : start + BUTTONS_PER_MESSAGE]},
                    },
                },
            )

    @staticmethod
    def _button(option: numbered.Option) -> dict:
        title = option.label[:TITLE_LIMIT]
        if option.url:
            return {"title": title, "type": "oa.open.url", "payload": {"url": option.url}}
        if option.callback_data is not None:
            return {
                "title": title,
                "type": "oa.query.hide",
                "payload": f"{CALLBACK_PREFIX}{option.callback_data}",
            }
        return {"title": title, "type": "oa.query.show", "payload": option.label}

    async def tg_editmessagetext(self, params: dict, uploads: dict) -> dict | bool:
        """Zalo cannot edit, so each edit is a new message that spends one of the user's free replies. A
        status update — a text without buttons replacing a text without buttons (a broadcast's progress) — is
        not sent once only `RESERVED_REPLIES` remain (or the window is closed): they are kept for the answers
        that matter (the broadcast's final report). The message still takes the new text, for a later edit."""
        if not params.get("inline_message_id") and not _json_markup(params.get("reply_markup")):
            zalo_id, chat_int = await self._chat(params)
            key = (chat_int, int(params.get("message_id") or 0))
            old = self._sent.get(key)
            if old is not None and not old.get("reply_markup"):
                window = await self.windows.get(zalo_id.removeprefix("oa:"))
                left = WINDOW_REPLIES - window.replies_used if window is not None else 0
                if window is None or not window.open(datetime.now(UTC)) or left <= RESERVED_REPLIES:
                    self._sent[key] = {
                        **old,
                        "text": str(params.get("text") or ""),
                        "edit_date": int(time.time()),
                    }
                    return self._sent[key]
        return await super().tg_editmessagetext(params, uploads)

    async def tg_senddocument(self, params: dict, uploads: dict) -> dict:
        file_id, name, content = self._upload(params, uploads, "document")
        if content is None and file_id and self.files is not None:
            path = self.files.find(file_id)
            content = path.read_bytes() if path else None
        if content is None or Path(name).suffix.lower() not in FILE_TYPES or len(content) > FILE_LIMIT:
            return await super().tg_senddocument(params, uploads)  # as a link, like the Zalo Bot
        zalo_id, chat_int = await self._chat(params)
        caption = str(params.get("caption") or "")
        if caption.strip():
            await self._send_lines(zalo_id, caption)
        data = await self._oa("POST", "/v2.0/oa/upload/file", files={"file": (name, content)})
        await self.send_cs(zalo_id, {"attachment": {"type": "file", "payload": {"token": data.get("token")}}})
        document = {
            "file_id": file_id or name,
            "file_unique_id": (file_id or name)[:32],
            "file_name": name,
            "file_size": len(content),
        }
        extra: dict[str, Any] = {"caption": caption} if caption else {}
        return self._new_message(chat_int, zalo_id, document=document, **extra)

    async def translate(self, event: Any) -> dict | None:
        """An OA webhook event (already verified) → the Telegram-shaped update; the user's window reopens."""
        if isinstance(event, dict) and "sender" in event and "event_name" in event:
            bot_event = to_bot_event(event)
            if bot_event is None:
                return None
            message = bot_event["message"]
            user_id = message["from"]["id"].removeprefix("oa:")
            await self.windows.user_wrote(user_id, message.get("message_id"))
            event = bot_event
        return await super().translate(event)


def _json_markup(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def build_tokens(db, config: OaConfig, request_holder: list) -> OaTokens:
    """OaTokens whose refresher is the request's OAuth call (the request is created after the tokens)."""

    async def refresher(refresh_token: str) -> tuple[str, str, int]:
        return await request_holder[0].oauth_refresh(refresh_token)

    return OaTokens(db, config.app_id or "", refresher, initial=(config.access_token, config.refresh_token))
