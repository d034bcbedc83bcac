"""The Zalo channel: the same python-telegram-bot Application, over the Zalo Bot API.

Zalo's Bot Platform (https://bot.zaloplatforms.com/docs) offers a Bot API modelled on Telegram's:
`https://bot-api.zaloplatforms.com/bot<TOKEN>/<method>`, answers `{"ok", "result", "error_code",
"description"}`, getMe, getUpdates (long polling), setWebhook/deleteWebhook/getWebhookInfo (the webhook
carries the secret in the `X-Bot-Api-Secret-Token` header), sendMessage (1–2000 characters), sendPhoto (by
URL), sendSticker, sendChatAction. Incoming events are `{"event_name": "message.text.received" |
"message.image.received" | "message.sticker.received" | "message.unsupported.received", "message": {...}}`,
with string ids.

`ZaloRequest` plugs under python-telegram-bot in place of its HTTP request class (as the console's
`LocalRequest` does) and translates both ways, so no handler is written twice:

- incoming Zalo events become Telegram-shaped updates; Zalo's string ids get stable integer ids
  (`storage.zalo.ZaloStore`); a number or a button's text typed after a message with options becomes the
  `callback_query` of the button the user meant;
- inline keyboards become numbered options under the text (`bot.channels.numbered`);
- edits (which Zalo cannot do) send a new message; removing a keyboard forgets its options;
- answerCallbackQuery with a text sends it as a short message, without one it does nothing;
- long texts are split on line boundaries under Zalo's 2000-character limit;
- documents (and uploaded photos) are published as links when the bot has a public file address
  (`ZaloFiles`), otherwise the user is told to get the file elsewhere;
- what Zalo has no equivalent for (command menu, message deletion) succeeds without effect.
"""

from __future__ import annotations

import base64
import html
import itertools
import json
import logging
import re
import secrets
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot import messages as msg
from bot.channels import numbered
from bot.channels.local import decode_request
from bot.config import ZALO_API
from storage.zalo import NEW, EventLog, ZaloStore, first_contact

log = logging.getLogger(__name__)

#: sendMessage and captions take 1 to 2000 characters (Zalo Bot API docs).
TEXT_LIMIT = 2000
#: The webhook request header that carries the secret token given to setWebhook.
SECRET_HEADER = "X-Bot-Api-Secret-Token"
#: Messages kept in memory to answer edits (Zalo cannot edit; we send a new message and need the old one).
_SENT_CACHE = 2000


# --- text helpers -----------------------------------------------------------------------------------------
def text_length(text: str) -> int:
    """Length as Zalo's clients count it (UTF-16 code units), never less than the number of characters."""
    return len(text.encode("utf-16-le")) // 2


def _cut(line: str, limit: int) -> list[str]:
    """Cut one over-long line at spaces (or anywhere, if a word is longer than the limit)."""
    parts: list[str] = []
    while text_length(line) > limit:
        end = limit
        while text_length(line[:end]) > limit:
            end -= 1
        space = line.rfind(" ", 0, end + 1)
        if space > end // 2:
            parts.append(line[:space])
            line = line[space + 1 :]
        else:
            parts.append(line[:end])
            line = line[end:]
    parts.append(line)
    return parts


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split `text` into messages of at most `limit` characters, on line boundaries when lines allow it.

    Chunks that would contain only whitespace are dropped (Zalo refuses empty texts).
    """
    if text_length(text) <= limit:
        return [text] if text.strip() else []
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        for piece in _cut(line, limit):
            extra = text_length(piece) + (1 if current else 0)
            if current and size + extra > limit:
                chunks.append("\n".join(current))
                current, size = [], 0
                extra = text_length(piece)
            current.append(piece)
            size += extra
    if current:
        chunks.append("\n".join(current))
    return [c for c in chunks if c.strip()]


_TAG = re.compile(r"<[^>]+>")
_MD_ESCAPE = re.compile(r"\\([_*\[\]()~`>#+\-=|{}.!\\])")


def plain_text(text: str, parse_mode: str | None) -> str:
    """Zalo shows plain text: drop HTML tags / Markdown markers a handler may have used."""
    if not parse_mode:
        return text
    mode = parse_mode.lower()
    if mode == "html":
        text = re.sub(r"<br\s*/?>", "\n", text, flags=re.IGNORECASE)
        text = re.sub(
            r'<a\s+href="([^"]*)"[^>]*>(.*?)</a>', r"\2 (\1)", text, flags=re.IGNORECASE | re.DOTALL
        )
        return html.unescape(_TAG.sub("", text))
    if mode in ("markdown", "markdownv2"):
        text = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1 (\2)", text)
        text = re.sub(r"(?<!\\)[*_`~]", "", text) if mode == "markdownv2" else re.sub(r"[*_`]", "", text)
        return _MD_ESCAPE.sub(r"\1", text)
    return text


def _json(value: Any) -> Any:
    if isinstance(value, str | bytes):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


# --- incoming events ------------------------------------------------------------------------------------
_SCALAR = (str, int)


def _check(value: Any, kinds: tuple[type, ...], where: str) -> None:
    if value is not None and (not isinstance(value, kinds) or isinstance(value, bool)):
        raise BadEvent(f"{where}: wrong type")


def unwrap(body: Any) -> dict:
    """The Zalo event in a webhook body — wrapped `{"ok": true, "result": {...}}` or bare — checked field by
    field against the documented shape; BadEvent otherwise."""
    if not isinstance(body, dict):
        raise BadEvent("not an object")
    if "event_name" not in body and "result" in body:
        body = body["result"]
        if not isinstance(body, dict):
            raise BadEvent("result is not an object")
    if not isinstance(body.get("event_name"), str):
        raise BadEvent("event_name missing")
    message = body.get("message")
    _check(message, (dict,), "message")
    if message:
        for key in ("from", "chat"):
            _check(message.get(key), (dict,), key)
        _check((message.get("from") or {}).get("id"), _SCALAR, "from.id")
        _check((message.get("from") or {}).get("display_name"), (str,), "from.display_name")
        _check((message.get("chat") or {}).get("id"), _SCALAR, "chat.id")
        _check((message.get("chat") or {}).get("chat_type"), (str,), "chat.chat_type")
        for key in ("text", "photo_url", "photo", "caption"):
            _check(message.get(key), (str,), key)
        _check(message.get("message_id"), _SCALAR, "message_id")
        _check(message.get("date"), (int, float, str), "date")
    return body


def event_seconds(date: Any) -> int:
    """Unix seconds of an event's `date`: documented in milliseconds (seconds are accepted too)."""
    try:
        value = float(date)
    except (TypeError, ValueError):
        return int(time.time())
    if value != value or value <= 0:  # NaN or nonsense
        return int(time.time())
    return int(value // 1000) if value > 10**11 else int(value)


def event_key(event: dict) -> str | None:
    """What makes a delivery a repeat: the event name and Zalo's message id (None when there is no id)."""
    message = event.get("message") or {}
    message_id = message.get("message_id") if isinstance(message, dict) else None
    return f"{event['event_name']}:{message_id}" if message_id not in (None, "") else None


# --- files --------------------------------------------------------------------------------------------------
class ZaloFiles:
    """Files the bot sends (documents, generated pictures): kept on disk and offered as unguessable links.

    Zalo's Bot API sends pictures by URL only and has no documents, so a file reaches a Zalo user as a link
    to this bot's own web server (`bot.channels.zalo_server`), when the bot has a public address.
    """

    def __init__(self, directory: str | Path, public_url: str | None, keep_days: int = 30):
        self.directory = Path(directory)
        self.public_url = public_url.rstrip("/") if public_url else None
        self.keep_days = keep_days

    def save(self, name: str, content: bytes) -> str:
        """Store the file; returns its id (also the secret part of its link)."""
        self._clean()
        token = secrets.token_urlsafe(18)
        safe = re.sub(r"[^\w.\-]+", "_", Path(name or "tep").name, flags=re.UNICODE).strip("._") or "tep"
        folder = self.directory / token
        folder.mkdir(parents=True, exist_ok=True)
        (folder / safe).write_bytes(content)
        return token

    def find(self, token: str) -> Path | None:
        if not re.fullmatch(r"[A-Za-z0-9_\-]{16,64}", token or ""):
            return None
        folder = self.directory / token
        files = sorted(folder.iterdir()) if folder.is_dir() else []
        return files[0] if files else None

    def url(self, token: str) -> str | None:
        path = self.find(token)
        if path is None or not self.public_url:
            return None
        return f"{self.public_url}/files/{token}/{quote(path.name)}"

    def _clean(self) -> None:
        if not self.directory.is_dir():
            return
        limit = time.time() - self.keep_days * 86400
        for folder in self.directory.iterdir():
            try:
                if folder.is_dir() and folder.stat().st_mtime < limit:
                    for item in folder.iterdir():
                        item.unlink()
                    folder.rmdir()
            except OSError:
                log.debug("could not remove old file %s", folder, exc_info=True)


# --- the transport ----------------------------------------------------------------------------------------
class ZaloApiError(Exception):
    """A Zalo error: `status` is the HTTP status python-telegram-bot is given (see `ptb_status`), `code`
    Zalo's own."""

    def __init__(self, status: int, description: str, code: int | None = None):
        super().__init__(f"{status}: {description}")
        self.status = status
        self.description = description
        self.code = status if code is None else code


class BadEvent(ValueError):
    """A webhook body or getUpdates result that is not a Zalo event of the documented shape."""


#: Zalo's documented error codes (bot.zaloplatforms.com/docs) → what python-telegram-bot should make of them:
#: 400 bad request and 404 invalid request are final (BadRequest); 401 expired/invalid token (InvalidToken);
#: 403 is the platform's *internal server error* — retried like a 5xx (NetworkError), never "blocked the bot";
#: 408 request timeout (TimedOut, retried); 429 quota exceeded — flood control (RetryAfter).
_PTB_STATUS = {400: 400, 401: 401, 403: 502, 404: 400, 429: 429}
#: Seconds to wait after 429 "quota exceeded" (the platform gives no retry time).
QUOTA_RETRY_S = 5


def ptb_status(code: int) -> int:
    if code in _PTB_STATUS:
        return _PTB_STATUS[code]
    return 502 if code >= 500 else 400


class ZaloRequest(BaseRequest):
    """python-telegram-bot request class that performs Telegram Bot API calls against the Zalo Bot API."""

    channel = "zalo"

    def __init__(
        self,
        token: str,
        store: ZaloStore,
        *,
        base_url: str = ZALO_API,
        files: ZaloFiles | None = None,
        bot_username: str | None = None,
        client: httpx.AsyncClient | None = None,
        connect_timeout: float = 10.0,
        read_timeout: float = 20.0,
    ):
        self.token = token
        self.store = store
        self.base_url = base_url.rstrip("/")
        self.files = files
        self.bot_username = bot_username
        self._client = client
        self._own_client = client is None
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._me: dict | None = None
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(int(time.time() * 1000) % 10**12)
        self._callback_ids = itertools.count(1)
        self._callbacks: OrderedDict[str, str] = OrderedDict()
        self._sent: OrderedDict[tuple[int, int], dict] = OrderedDict()
        self.events = EventLog(store.db, self.channel)
        self._disclosed: set[str] = set()

    # --- BaseRequest ----------------------------------------------------------------------------------
    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        await self._http()

    async def _http(self) -> httpx.AsyncClient:
        """The HTTP client: the one given, else made on first use (and closed by shutdown)."""
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(self._read_timeout, connect=self._connect_timeout)
            )
            self._own_client = True
        return self._client

    async def shutdown(self) -> None:
        if self._client is not None and self._own_client:
            await self._client.aclose()
            self._client = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:
            return await self._download(url.split("/file/bot", 1)[1].split("/", 1)[-1])
        api_method, params, uploads = decode_request(url, request_data)
        handler = getattr(self, "tg_" + api_method.lower(), None)
        try:
            if handler is None:
                log.warning("Zalo has no equivalent of %s; ignored", api_method)
                result: Any = True
            else:
                result = await handler(params, uploads)
        except ZaloApiError as exc:
            if exc.code == 408:
                raise TimedOut(f"Zalo {api_method}: request timeout") from exc
            body: dict[str, Any] = {"ok": False, "error_code": exc.status, "description": exc.description}
            if exc.status == 429:
                body["parameters"] = {"retry_after": QUOTA_RETRY_S}
            return exc.status, json.dumps(body, ensure_ascii=False).encode()
        return 200, json.dumps({"ok": True, "result": result}, ensure_ascii=False).encode()

    # --- the Zalo side ------------------------------------------------------------------------------
    async def call(
        self, method: str, payload: dict[str, Any] | None = None, timeout: float | None = None
    ) -> Any:
        """Call a Zalo Bot API method; returns `result`, raises ZaloApiError (or PTB's network errors)."""
        client = await self._http()
        url = f"{self.base_url}/bot{self.token}/{method}"
        try:
            response = await client.post(
                url,
                json=payload or {},
                timeout=httpx.Timeout(timeout or self._read_timeout, connect=self._connect_timeout),
            )
        except httpx.TimeoutException as exc:
            raise TimedOut(f"Zalo {method} timed out") from exc
        except httpx.HTTPError as exc:
            raise NetworkError(f"Zalo {method}: {exc.__class__.__name__}") from exc
        try:
            body = response.json()
        except ValueError as exc:
            code = response.status_code if response.status_code >= 400 else 502
            raise ZaloApiError(ptb_status(code), f"Zalo {method}: not JSON", code) from exc
        if not isinstance(body, dict) or body.get("ok") is not True:
            # The error code is in the body; the HTTP status of an error answer is not documented.
            status = body.get("error_code") if isinstance(body, dict) else None
            description = (body.get("description") if isinstance(body, dict) else None) or "error"
            code = (
                int(status)
                if isinstance(status, int | str) and str(status).isdigit()
                else response.status_code
            )
            code = code if code >= 400 else 400
            raise ZaloApiError(ptb_status(code), str(description), code)
        return body.get("result")

    async def _chat(self, params: dict) -> tuple[str, int]:
        """(Zalo chat id, integer chat id) of a call's chat_id, which may be either."""
        raw = params.get("chat_id")
        if raw is None or str(raw).strip() == "":
            raise ZaloApiError(400, "Bad Request: chat not found")
        text = str(raw).strip()
        if text.lstrip("-").isdigit():
            zalo_id = await self.store.zalo_id(int(text))
            if zalo_id is None:
                raise ZaloApiError(400, "Bad Request: chat not found")
            return zalo_id, int(text)
        return text, await self.store.int_id(text)

    def disclosure_key(self, zalo_chat: str) -> str:
        return zalo_chat

    async def _say_safely(self, zalo_id: str, text: str) -> None:
        try:
            await self._send_lines(zalo_id, text)
        except (ZaloApiError, NetworkError):
            log.info("Zalo: a notice could not be sent", exc_info=True)

    def _bot_user(self) -> dict:
        return self._me or {"id": 1, "is_bot": True, "first_name": "Zalo Bot"}

    def _chat_json(self, chat_int: int, zalo_id: str, chat_type: str = "private") -> dict:
        if chat_type != "private":
            return {"id": chat_int, "type": "group", "title": "Zalo"}
        chat = {"id": chat_int, "type": "private"}
        name = self.store.display_name(zalo_id)
        if name:
            chat["first_name"] = name
        return chat

    def _new_message(
        self, chat_int: int, zalo_id: str, message_id: int | None = None, **content: Any
    ) -> dict:
        message = {
            "message_id": message_id or next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat_json(chat_int, zalo_id),
            "from": self._bot_user(),
            **content,
        }
        key = (chat_int, message["message_id"])
        self._sent[key] = message
        self._sent.move_to_end(key)
        while len(self._sent) > _SENT_CACHE:
            self._sent.popitem(last=False)
        return message

    async def _send_lines(self, zalo_id: str, text: str) -> None:
        for chunk in split_text(text):
            await self.call("sendMessage", {"chat_id": zalo_id, "text": chunk})

    async def _send_options(self, zalo_id: str, text: str, opts: list[numbered.Option]) -> None:
        """The text with its buttons: numbered options under it (the Zalo Bot has no buttons)."""
        rendered = numbered.render(text, opts)
        if rendered.strip():
            await self._send_lines(zalo_id, rendered)

    async def _deliver(
        self,
        zalo_id: str,
        chat_int: int,
        text: str,
        markup: Any,
        message_id: int | None = None,
        edit: bool = False,
        **content: Any,
    ) -> dict:
        """Send `text` with the keyboard as numbered options; remember the options for the chat."""
        markup = _json(markup) if markup else None
        opts = numbered.options(markup) if isinstance(markup, dict) else []
        await self._send_options(zalo_id, text, opts)
        extra = dict(content)
        if text and "text" not in extra and "caption" not in extra:
            extra["text"] = text
        if markup and isinstance(markup, dict) and markup.get("inline_keyboard"):
            extra["reply_markup"] = markup
        if edit:
            extra["edit_date"] = int(time.time())
        message = self._new_message(chat_int, zalo_id, message_id, **extra)
        if opts:
            await self.store.set_options_message(zalo_id, {**message, "reply_markup": markup})
        elif not edit:
            await self.store.set_options_message(zalo_id, None)
        else:
            current = await self.store.options_message(zalo_id)
            if current is not None and current.get("message_id") == message_id:
                await self.store.set_options_message(zalo_id, None)
        return message

    # --- Telegram methods -------------------------------------------------------------------------------
    async def tg_getme(self, params: dict, uploads: dict) -> dict:
        me = await self.call("getMe") or {}
        name = me.get("account_name") or me.get("name") or me.get("display_name") or "Zalo Bot"
        self._me = {
            "id": await self.store.int_id(str(me.get("id") or "zalo-bot")),
            "is_bot": True,
            "first_name": name,
            # Invite links are t.me links: keep them pointing at the Telegram bot; "/start CODE" works here.
            "username": self.bot_username or str(me.get("account_name") or "zalo_bot"),
            "can_join_groups": bool(me.get("can_join_groups", False)),
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        return self._me

    async def tg_getupdates(self, params: dict, uploads: dict) -> list[dict]:
        timeout = max(1, int(float(params.get("timeout") or 0)))
        try:
            result = await self.call(
                "getUpdates", {"timeout": str(timeout)}, timeout=timeout + self._read_timeout
            )
        except ZaloApiError as exc:
            if exc.code == 408:  # no event within the long-poll timeout
                return []
            raise
        events = (
            result if isinstance(result, list) else [result] if isinstance(result, dict) and result else []
        )
        updates = []
        for event in events:
            try:
                event = unwrap(event)
            except BadEvent:
                log.warning("Zalo getUpdates: an event of an unknown shape was skipped")
                continue
            key = event_key(event)
            if key is not None and await self.events.claim(key) != NEW:
                log.info("Zalo event delivered again: dropped")
                continue
            update = await self.translate(event)
            if key is not None:  # long polling: the event is ours once received (PTB queues it)
                await self.events.finish(key)
            if update is not None:
                updates.append(update)
        return updates

    async def tg_deletewebhook(self, params: dict, uploads: dict) -> bool:
        try:
            await self.call("deleteWebhook")
        except ZaloApiError as exc:
            log.info("Zalo deleteWebhook: %s", exc)
        return True

    async def tg_setwebhook(self, params: dict, uploads: dict) -> bool:
        await self.call("setWebhook", {"url": params.get("url"), "secret_token": params.get("secret_token")})
        return True

    async def tg_getwebhookinfo(self, params: dict, uploads: dict) -> dict:
        info = await self.call("getWebhookInfo") or {}
        return {"url": info.get("url") or "", "has_custom_certificate": False, "pending_update_count": 0}

    async def tg_sendmessage(self, params: dict, uploads: dict) -> dict:
        zalo_id, chat_int = await self._chat(params)
        text = plain_text(str(params.get("text") or ""), params.get("parse_mode"))
        if not text.strip():
            raise ZaloApiError(400, "Bad Request: message text is empty")
        return await self._deliver(zalo_id, chat_int, text, params.get("reply_markup"))

    async def tg_editmessagetext(self, params: dict, uploads: dict) -> dict | bool:
        if params.get("inline_message_id"):
            return True
        zalo_id, chat_int = await self._chat(params)
        message_id = int(params.get("message_id") or 0)
        old = self._sent.get((chat_int, message_id))
        text = plain_text(str(params.get("text") or ""), params.get("parse_mode"))
        markup = _json(params.get("reply_markup")) or None
        if old is not None and old.get("text") == text:
            if (old.get("reply_markup") or None) == markup:
                raise ZaloApiError(400, "Bad Request: message is not modified")
            return await self._markup_changed(zalo_id, chat_int, message_id, old, markup)
        # Zalo cannot edit a message: the new text arrives as a new message.
        return await self._deliver(zalo_id, chat_int, text, markup, message_id=message_id, edit=True)

    async def tg_editmessagecaption(self, params: dict, uploads: dict) -> dict | bool:
        if params.get("inline_message_id"):
            return True
        return await self.tg_editmessagetext({**params, "text": params.get("caption") or ""}, uploads)

    async def tg_editmessagereplymarkup(self, params: dict, uploads: dict) -> dict | bool:
        if params.get("inline_message_id"):
            return True
        zalo_id, chat_int = await self._chat(params)
        message_id = int(params.get("message_id") or 0)
        old = self._sent.get((chat_int, message_id))
        return await self._markup_changed(
            zalo_id, chat_int, message_id, old, _json(params.get("reply_markup")) or None
        )

    async def _markup_changed(
        self, zalo_id: str, chat_int: int, message_id: int, old: dict | None, markup: dict | None
    ) -> dict:
        base = (
            dict(old)
            if old
            else {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": self._chat_json(chat_int, zalo_id),
                "from": self._bot_user(),
            }
        )
        base.pop("reply_markup", None)
        opts = numbered.options(markup) if markup else []
        if not opts:
            current = await self.store.options_message(zalo_id)
            if current is not None and current.get("message_id") == message_id:
                await self.store.set_options_message(zalo_id, None)
            self._sent[(chat_int, message_id)] = base
            return base
        await self._send_options(zalo_id, "", opts)
        message = {**base, "reply_markup": markup, "edit_date": int(time.time())}
        self._sent[(chat_int, message_id)] = message
        await self.store.set_options_message(zalo_id, message)
        return message

    async def tg_answercallbackquery(self, params: dict, uploads: dict) -> bool:
        text = params.get("text")
        zalo_id = self._callbacks.get(str(params.get("callback_query_id")))
        if text and zalo_id:
            try:
                await self._send_lines(zalo_id, str(text))
            except ZaloApiError:
                log.info("could not send a callback answer", exc_info=True)
        return True

    async def tg_sendchataction(self, params: dict, uploads: dict) -> bool:
        zalo_id, _ = await self._chat(params)
        try:
            await self.call("sendChatAction", {"chat_id": zalo_id, "action": "typing"})
        except (ZaloApiError, NetworkError):
            log.debug("chat action failed", exc_info=True)
        return True

    def _upload(self, params: dict, uploads: dict, key: str) -> tuple[str | None, str, bytes | None]:
        """(file id, file name, content) of an uploaded file, or (url/id, name, None) for a reference."""
        value = params.get(key)
        if value is None and key in uploads:  # a file upload travels in the multipart data under its own name
            return None, *uploads[key]
        if isinstance(value, str) and value.startswith("attach://"):
            name, content = uploads[value[len("attach://") :]]
            return None, name, content
        if isinstance(value, str):
            path = self.files.find(value) if self.files else None
            return value, path.name if path else value.rsplit("/", 1)[-1], None
        raise ZaloApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    async def tg_senddocument(self, params: dict, uploads: dict) -> dict:
        zalo_id, chat_int = await self._chat(params)
        file_id, name, content = self._upload(params, uploads, "document")
        if content is not None and self.files is not None:
            file_id = self.files.save(name, content)
        link = self.files.url(file_id) if (self.files and file_id) else None
        caption = plain_text(str(params.get("caption") or ""), params.get("parse_mode"))
        if link:
            text = msg.ZALO_FILE_LINK.format(name=name, link=link)
        else:
            text = msg.ZALO_FILE_UNAVAILABLE.format(name=name)
        if caption:
            text = f"{caption}\n\n{text}"
        document: dict[str, Any] = {
            "file_id": file_id or name,
            "file_unique_id": (file_id or name)[:32],
            "file_name": name,
        }
        if content is not None:
            document["file_size"] = len(content)
        content_json: dict[str, Any] = {"document": document}
        if caption:
            content_json["caption"] = caption
        return await self._deliver(zalo_id, chat_int, text, params.get("reply_markup"), **content_json)

    async def tg_sendphoto(self, params: dict, uploads: dict) -> dict:
        zalo_id, chat_int = await self._chat(params)
        file_id, name, content = self._upload(params, uploads, "photo")
        caption = plain_text(str(params.get("caption") or ""), params.get("parse_mode"))
        url = None
        if content is not None and self.files is not None:
            file_id = self.files.save(name, content)
            url = self.files.url(file_id)
        elif file_id and file_id.startswith(("http://", "https://")):
            url = file_id
        elif file_id and self.files is not None:
            url = self.files.url(file_id)
        photo = [
            {"file_id": file_id or name, "file_unique_id": (file_id or name)[:32], "width": 0, "height": 0}
        ]
        markup = _json(params.get("reply_markup")) or None
        opts = numbered.options(markup) if isinstance(markup, dict) else []
        if url is None:
            text = msg.ZALO_FILE_UNAVAILABLE.format(name=name) + (f"\n\n{caption}" if caption else "")
            return await self._deliver(zalo_id, chat_int, text, markup, photo=photo, caption=caption)
        short = caption if caption and text_length(caption) <= TEXT_LIMIT and not opts else ""
        payload = {"chat_id": zalo_id, "photo": url}
        if short:
            payload["caption"] = short
        await self.call("sendPhoto", payload)
        rest = "" if short else caption
        content_json: dict[str, Any] = {"photo": photo}
        if caption:
            content_json["caption"] = caption
        return await self._deliver(zalo_id, chat_int, rest, markup, **content_json)

    async def tg_getfile(self, params: dict, uploads: dict) -> dict:
        file_id = str(params.get("file_id") or "")
        if file_id.startswith(("http://", "https://")):
            path = "zalo/" + base64.urlsafe_b64encode(file_id.encode()).decode().rstrip("=")
        elif self.files is not None and self.files.find(file_id) is not None:
            path = "own/" + file_id
        else:
            raise ZaloApiError(400, "Bad Request: invalid file_id")
        return {"file_id": file_id, "file_unique_id": file_id[:32], "file_path": path}

    async def _download(self, file_path: str) -> tuple[int, bytes]:
        if file_path.startswith("own/") and self.files is not None:
            path = self.files.find(file_path[4:])
            return (200, path.read_bytes()) if path else (404, b"")
        if file_path.startswith("zalo/"):
            client = await self._http()
            try:
                encoded = unquote(file_path[5:])
                url = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
                response = await client.get(url)
            except httpx.HTTPError as exc:
                raise NetworkError(f"Zalo file download: {exc.__class__.__name__}") from exc
            return response.status_code, response.content
        return 404, b""

    async def tg_setmycommands(self, params: dict, uploads: dict) -> bool:
        return True  # Zalo bots have no command menu; /trogiup lists everything.

    async def tg_deletemycommands(self, params: dict, uploads: dict) -> bool:
        return True

    async def tg_getmycommands(self, params: dict, uploads: dict) -> list:
        return []

    async def tg_deletemessage(self, params: dict, uploads: dict) -> bool:
        return True  # Zalo cannot delete a bot message.

    async def tg_close(self, params: dict, uploads: dict) -> bool:
        return True

    async def tg_logout(self, params: dict, uploads: dict) -> bool:
        return True

    # --- Zalo events -> Telegram updates ----------------------------------------------------------------
    async def translate(self, event: Any) -> dict | None:
        """The Telegram-shaped update for one Zalo event (webhook body, wrapped or bare, or getUpdates
        result), or None when there is nothing for the handlers (not a message, a group chat). Raises
        BadEvent."""
        event = unwrap(event)
        name = event["event_name"]
        message = event.get("message") or {}
        sender = message.get("from") or {}
        chat = message.get("chat") or {}
        if not name.startswith("message.") or not sender.get("id") or sender.get("is_bot"):
            log.info("Zalo event ignored: %s", name or "(no name)")
            return None
        display = str(sender.get("display_name") or sender.get("name") or "").strip() or None
        zalo_chat = str(chat.get("id") or sender["id"])
        if str(chat.get("chat_type") or "PRIVATE").upper() != "PRIVATE":
            # Group chats (beta) deliver only messages that mention the bot. The bot serves private chats
            # only: the group gets one polite line, the handlers never see it (its chat type would be
            # "group").
            await self._say_safely(zalo_chat, msg.GROUP_CHAT_REFUSED)
            return None
        user_id = await self.store.int_id(str(sender["id"]), display)
        chat_type = "private"
        chat_int = await self.store.int_id(zalo_chat) if zalo_chat != str(sender["id"]) else user_id
        key = self.disclosure_key(zalo_chat)
        if key not in self._disclosed:
            if await first_contact(self.store.db, key):
                await self._say_safely(zalo_chat, msg.FIRST_CONTACT)
            self._disclosed.add(key)
        user = {
            "id": user_id,
            "is_bot": False,
            "first_name": display or "Người dùng Zalo",
            "language_code": "vi",
        }
        seconds = event_seconds(message.get("date"))
        tg_message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": seconds,
            "chat": self._chat_json(chat_int, zalo_chat, chat_type),
            "from": user,
        }
        if name == "message.text.received":
            text = str(message.get("text") or "")
            choice = await self._choice(zalo_chat, text)
            if choice is not None and choice[0] == "tap":
                return {
                    "update_id": next(self._update_ids),
                    "callback_query": self._query(zalo_chat, user, choice),
                }
            if choice is not None and choice[0] == "label":
                text = choice[1]
            tg_message["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                tg_message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        elif name == "message.image.received" and (message.get("photo_url") or message.get("photo")):
            url = str(message.get("photo_url") or message["photo"])  # `photo` is the legacy name
            tg_message["photo"] = [{"file_id": url, "file_unique_id": url[-32:], "width": 0, "height": 0}]
            if message.get("caption"):
                tg_message["caption"] = str(message["caption"])
        # Stickers and "unsupported" messages arrive without content: handlers answer them with the menu.
        return {"update_id": next(self._update_ids), "message": tg_message}

    async def _choice(self, zalo_chat: str, text: str) -> tuple[str, Any, dict] | None:
        """What typing `text` means given the chat's last message with options.

        ("tap", callback_data, message) for an inline button, ("label", button text, message) for a
        reply-keyboard button; None when it is typed text (or names a link, already written out next to its
        number).
        """
        options_message = await self.store.options_message(zalo_chat)
        if not options_message:
            return None
        choice = numbered.choose(text, numbered.options(options_message.get("reply_markup")))
        if choice is None or choice.url is not None:
            return None
        if choice.callback_data is None:
            return "label", choice.label, options_message
        return "tap", choice.callback_data, options_message

    def _query(self, zalo_chat: str, user: dict, choice: tuple[str, Any, dict]) -> dict:
        query_id = f"z{next(self._callback_ids)}"
        self._callbacks[query_id] = zalo_chat
        while len(self._callbacks) > _SENT_CACHE:
            self._callbacks.popitem(last=False)
        return {
            "id": query_id,
            "from": user,
            "message": choice[2],
            "chat_instance": zalo_chat,
            "data": choice[1],
        }
