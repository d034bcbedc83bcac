"""The aiohttp transport under python-telegram-bot: calls, uploads, and errors mapped to PTB's exceptions."""

from __future__ import annotations

import socket

import pytest
from telegram import Bot
from telegram.error import Forbidden, NetworkError

from bot.channels.http import AiohttpRequest
from tests.emulator import BotApiEmulator


@pytest.fixture
async def emulator():
    emu = await BotApiEmulator().start()
    yield emu
    await emu.stop()


async def test_calls_and_upload(emulator):
    bot = Bot(emulator.token, base_url=emulator.base_url, request=AiohttpRequest(4),
              get_updates_request=AiohttpRequest(1))
    async with bot:
        assert (await bot.get_me()).username == emulator.api.bot_username
        emulator.api.user(42, "An")
        message = await bot.send_message(42, "Xin chào — có dấu")
        assert message.text == "Xin chào — có dấu"
        document = await bot.send_document(42, b"noi dung", filename="tai-lieu.txt", caption="Tài liệu")
        assert document.document.file_name == "tai-lieu.txt"
        assert emulator.api.files[document.document.file_id][1] == b"noi dung"
        emulator.api.blocked_chats.add(42)
        with pytest.raises(Forbidden):
            await bot.send_message(42, "x")


async def test_connection_refused_is_a_network_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    bot = Bot("1:x", base_url=f"http://127.0.0.1:{port}/bot", request=AiohttpRequest(1))
    with pytest.raises(NetworkError):
        await bot.get_me()
    await bot.request.shutdown()
