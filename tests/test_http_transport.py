"""The aiohttp transport under python-telegram-bot: calls, uploads, and errors mapped to PTB's exceptions."""

from __future__ import annotations

import socket

import pytest
from telegram import Bot
from telegram.error import Forbidden, NetworkError, TimedOut

from bot.channels.http import AiohttpRequest
from tests.emulator import BotApiEmulator


@pytest.fixture
async def emulator():
    emu = await BotApiEmulator().start()
    yield emu
    await emu.stop()


async def test_calls_and_upload(emulator):
    bot = Bot(
        emulator.token,
        base_url=emulator.base_url,
        request=AiohttpRequest(4),
        get_updates_request=AiohttpRequest(1),
    )
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


async def test_timeout_and_connection_reset_are_mapped(emulator):
    bot = Bot(emulator.token, base_url=emulator.base_url, request=AiohttpRequest(2, read_timeout=0.3))
    async with bot:
        emulator.api.user(42, "An")
        emulator.stall_s = 1.0
        with pytest.raises(TimedOut):
            await bot.send_message(42, "chậm")
        emulator.stall_s = 0.0
        emulator.reset_next = 1
        with pytest.raises(NetworkError):
            await bot.send_message(42, "mất kết nối")
        assert (await bot.send_message(42, "lại được")).text == "lại được"


async def test_the_bot_survives_timeouts_and_resets(tmp_path, emulator):
    """Through the real polling stack: a reply lost to a reset or a timeout is logged, the bot goes on."""
    import asyncio

    from bot.app import build_application
    from bot.config import Config
    from bot.demo import seed_demo

    config = Config(
        database_path=str(tmp_path / "t.db"),
        bot_token=emulator.token,
        telegram_base_url=emulator.base_url,
        rate_limit_per_s=0,
    )
    app = build_application(config, channel="telegram")
    async with app:
        await seed_demo(app.services)
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        try:
            emulator.api.user(77, "Khách")
            emulator.reset_next = 1
            emulator.api.user_message(77, "/trogiup")
            await asyncio.sleep(1.0)
            emulator.api.user_message(77, "/trogiup")
            await emulator.wait_for(lambda: emulator.api.sent_to(77), timeout=15)
        finally:
            await app.updater.stop()
            await app.stop()
