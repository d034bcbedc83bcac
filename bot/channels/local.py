"""An in-process Bot API: the transport under python-telegram-bot for the offline console and the tests.

`LocalBotApi` answers Bot API methods (getMe, getUpdates, sendMessage, editMessageText, answerCallbackQuery,
setMyCommands, sendDocument, sendPhoto…) with the JSON shapes Telegram uses, and keeps what a real server
would: chats, messages, pending updates, uploaded files. `LocalRequest` plugs it under python-telegram-bot in
place of its HTTP request class, so the application cannot tell it from Telegram. The tests' HTTP emulator
serves the same object over aiohttp.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

Listener = Callable[[str, dict], None]


@dataclass
class Fault:
    """An error to answer instead of the next matching call (used by fault-injection tests)."""

    method: str | None
    status: int
    description: str
    retry_after: int | None = None
    chat_id: int | None = None
    times: int = 1


@dataclass
class LocalUser:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str = "vi"

    def as_json(self) -> dict:
        data = {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data


@dataclass
class LocalBotApi:
    bot_id: int = 7000000001
    bot_username: str = "hoagiaicoso_bot"
    bot_name: str = "Trợ lý Hòa giải"
    updates: list[dict] = field(default_factory=list)
    messages: dict[tuple[int, int], dict] = field(default_factory=dict)
    outbox: list[dict] = field(default_factory=list)
    commands: list[dict] = field(default_factory=list)
    callback_answers: list[dict] = field(default_factory=list)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    blocked_chats: set[int] = field(default_factory=set)
    faults: list[Fault] = field(default_factory=list)
    webhook: dict | None = None
    calls: list[str] = field(default_factory=list)
    max_poll_s: float = 30.0

    def __post_init__(self) -> None:
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._new_update = asyncio.Condition()
        self.listeners: list[Listener] = []
        self.users: dict[int, LocalUser] = {}

    # --- the user side ------------------------------------------------------------------------------
    def user(self, user_id: int, first_name: str = "Người dùng", last_name: str | None = None) -> LocalUser:
        if user_id not in self.users:
            self.users[user_id] = LocalUser(user_id, first_name, last_name)
        return self.users[user_id]

    def _chat(self, user: LocalUser) -> dict:
        chat = {"id": user.id, "type": "private", "first_name": user.first_name}
        if user.last_name:
            chat["last_name"] = user.last_name
        return chat

    def user_message(self, user_id: int, text: str) -> dict:
        """Build (and queue for getUpdates) the update of a user typing `text`."""
        user = self.user(user_id)
        message_id = next(self._message_ids)
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat(user),
            "from": user.as_json(),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        self.messages[(user.id, message_id)] = message
        return self._queue({"message": message})

    def user_document(self, user_id: int, file_name: str, content: bytes, caption: str | None = None) -> dict:
        user = self.user(user_id)
        file_id = self._store_file(file_name, content)
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(user),
            "from": user.as_json(),
            "document": {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_name": file_name,
                "file_size": len(content),
            },
        }
        if caption:
            message["caption"] = caption
        return self._queue({"message": message})

    def user_click(self, user_id: int, message_id: int, data: str) -> dict:
        """Build the update of a user tapping an inline button with callback `data` on a bot message."""
        user = self.user(user_id)
        message = self.messages.get((user.id, message_id))
        if message is None:
            raise KeyError(f"no message {message_id} in chat {user_id}")
        query = {
            "id": str(next(self._callback_ids)),
            "from": user.as_json(),
            "message": message,
            "chat_instance": str(user.id),
            "data": data,
        }
        return self._queue({"callback_query": query})

    def _queue(self, payload: dict) -> dict:
        update = {"update_id": next(self._update_ids), **payload}
        self.updates.append(update)
        asyncio.get_running_loop().create_task(self._notify())
        return update

    async def _notify(self) -> None:
        async with self._new_update:
            self._new_update.notify_all()

    # --- the bot side (Bot API methods) ----------------------------------------------------------------
    async def call(
        self, method: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]] | None = None
    ) -> tuple[int, dict]:
        """Answer one Bot API call: (HTTP status, response JSON)."""
        self.calls.append(method)
        fault = self._take_fault(method, params)
        if fault is not None:
            body: dict[str, Any] = {"ok": False, "error_code": fault.status, "description": fault.description}
            if fault.retry_after is not None:
                body["parameters"] = {"retry_after": fault.retry_after}
            return fault.status, body
        handler = getattr(self, "m_" + method.lower(), None)
        try:
            result = await handler(params, files or {}) if handler else True
        except ApiError as exc:
            return exc.status, {"ok": False, "error_code": exc.status, "description": exc.description}
        return 200, {"ok": True, "result": result}

    def _take_fault(self, method: str, params: dict) -> Fault | None:
        for fault in self.faults:
            if fault.method not in (None, method):
                continue
            if fault.chat_id is not None and str(params.get("chat_id")) != str(fault.chat_id):
                continue
            fault.times -= 1
            if fault.times <= 0:
                self.faults.remove(fault)
            return fault
        return None

    def _bot_user(self) -> dict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_name,
            "username": self.bot_username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _target_chat(self, params: dict) -> int:
        try:
            chat_id = int(params["chat_id"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ApiError(400, "Bad Request: chat not found") from exc
        if chat_id in self.blocked_chats:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _new_bot_message(self, chat_id: int, params: dict, **content: Any) -> dict:
        user = self.users.get(chat_id) or self.user(chat_id)
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(user),
            "from": self._bot_user(),
            **content,
        }
        markup = _json(params.get("reply_markup"))
        if markup:
            message["reply_markup"] = markup
        self.messages[(chat_id, message["message_id"])] = message
        self.outbox.append(message)
        for listener in list(self.listeners):
            listener("message", message)
        return message

    async def m_getme(self, params: dict, files: dict) -> dict:
        return self._bot_user()

    async def m_getupdates(self, params: dict, files: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), self.max_poll_s)
        limit = int(params.get("limit") or 100)
        if offset:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates and timeout > 0:
            async with self._new_update:
                try:
                    await asyncio.wait_for(self._new_update.wait_for(lambda: bool(self.updates)), timeout)
                except TimeoutError:
                    pass
        return self.updates[:limit]

    async def m_sendmessage(self, params: dict, files: dict) -> dict:
        chat_id = self._target_chat(params)
        text = str(params.get("text") or "")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return self._new_bot_message(chat_id, params, text=text)

    async def m_editmessagetext(self, params: dict, files: dict) -> dict:
        chat_id = self._target_chat(params)
        key = (chat_id, int(params.get("message_id") or 0))
        message = self.messages.get(key)
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        markup = _json(params.get("reply_markup"))
        if message.get("text") == params.get("text") and message.get("reply_markup") == markup:
            raise ApiError(400, "Bad Request: message is not modified")
        message = {**message, "text": str(params.get("text")), "edit_date": int(time.time())}
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        self.messages[key] = message
        for listener in list(self.listeners):
            listener("edit", message)
        return message

    async def m_editmessagereplymarkup(self, params: dict, files: dict) -> dict:
        chat_id = self._target_chat(params)
        key = (chat_id, int(params.get("message_id") or 0))
        message = self.messages.get(key)
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        message = dict(message)
        message.pop("reply_markup", None)
        markup = _json(params.get("reply_markup"))
        if markup:
            message["reply_markup"] = markup
        self.messages[key] = message
        for listener in list(self.listeners):
            listener("markup", message)
        return message

    async def m_answercallbackquery(self, params: dict, files: dict) -> bool:
        self.callback_answers.append(params)
        if params.get("text"):
            for listener in list(self.listeners):
                listener("toast", {"text": params["text"]})
        return True

    def _store_file(self, name: str, content: bytes) -> str:
        file_id = f"FILE{next(self._file_ids):06d}"
        self.files[file_id] = (name, content)
        return file_id

    def _input_file(self, params: dict, files: dict, key: str) -> tuple[str, str, int]:
        value = params.get(key)
        if isinstance(value, str) and value.startswith("attach://"):
            name, content = files[value[len("attach://") :]]
            return self._store_file(name, content), name, len(content)
        if value is None and key in files:  # a single upload comes as the multipart field itself
            name, content = files[key]
            return self._store_file(name, content), name, len(content)
        if isinstance(value, str) and value in self.files:
            name, content = self.files[value]
            return value, name, len(content)
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    async def m_senddocument(self, params: dict, files: dict) -> dict:
        chat_id = self._target_chat(params)
        file_id, name, size = self._input_file(params, files, "document")
        content: dict[str, Any] = {
            "document": {"file_id": file_id, "file_unique_id": file_id, "file_name": name, "file_size": size}
        }
        if params.get("caption"):
            content["caption"] = params["caption"]
        return self._new_bot_message(chat_id, params, **content)

    async def m_sendphoto(self, params: dict, files: dict) -> dict:
        chat_id = self._target_chat(params)
        file_id, name, size = self._input_file(params, files, "photo")
        content: dict[str, Any] = {
            "photo": [
                {
                    "file_id": file_id,
                    "file_unique_id": file_id,
                    "width": 800,
                    "height": 600,
                    "file_size": size,
                }
            ]
        }
        if params.get("caption"):
            content["caption"] = params["caption"]
        return self._new_bot_message(chat_id, params, **content)

    async def m_getfile(self, params: dict, files: dict) -> dict:
        file_id = str(params.get("file_id"))
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_size": len(self.files[file_id][1]),
            "file_path": f"documents/{file_id}",
        }

    async def m_setmycommands(self, params: dict, files: dict) -> bool:
        self.commands = list(_json(params.get("commands")) or [])
        return True

    async def m_getmycommands(self, params: dict, files: dict) -> list[dict]:
        return self.commands

    async def m_setwebhook(self, params: dict, files: dict) -> bool:
        self.webhook = {"url": params.get("url"), "secret_token": params.get("secret_token")}
        return True

    async def m_deletewebhook(self, params: dict, files: dict) -> bool:
        self.webhook = None
        return True

    async def m_getwebhookinfo(self, params: dict, files: dict) -> dict:
        return {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }

    async def m_deletemessage(self, params: dict, files: dict) -> bool:
        chat_id = self._target_chat(params)
        self.messages.pop((chat_id, int(params.get("message_id") or 0)), None)
        return True

    # --- helpers for readers (console, tests) ----------------------------------------------------------
    def sent_to(self, chat_id: int) -> list[dict]:
        return [m for m in self.outbox if m["chat"]["id"] == chat_id]

    def current(self, message: dict) -> dict:
        """The message as it is now (after edits)."""
        return self.messages.get((message["chat"]["id"], message["message_id"]), message)


class ApiError(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def decode_request(
    url: str, request_data: RequestData | None
) -> tuple[str, dict[str, Any], dict[str, tuple[str, bytes]]]:
    """What python-telegram-bot asks of a transport: (Bot API method, parameters, uploaded files)."""
    api_method = url.rstrip("/").rsplit("/", 1)[-1]
    params: dict[str, Any] = {}
    files: dict[str, tuple[str, bytes]] = {}
    if request_data is not None:
        params = dict(request_data.parameters)
        for name, part in request_data.multipart_data.items():
            filename, content = part[0], part[1]
            if hasattr(content, "read"):
                content = content.read()
            files[name] = (filename or name, bytes(content))
    return api_method, params, files


class LocalRequest(BaseRequest):
    """python-telegram-bot request class that talks to a LocalBotApi instead of the network."""

    def __init__(self, api: LocalBotApi, read_timeout: float | None = 5.0):
        self.api = api
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

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
        if "/file/bot" in url:  # a file download (getFile's file_path is documents/<file id>)
            stored = self.api.files.get(url.rsplit("/", 1)[-1])
            return (200, stored[1]) if stored else (404, b'{"ok": false, "description": "Not Found"}')
        api_method, params, files = decode_request(url, request_data)
        status, body = await self.api.call(api_method, params, files)
        return status, json.dumps(body, ensure_ascii=False).encode("utf-8")
