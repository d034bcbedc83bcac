"""Faults: a full disk, a locked database, Bot API errors, and a bot process killed in the middle of a
form."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys

import pytest

from bot import messages as msg
from bot.app import build_application
from bot.channels.local import Fault, LocalBotApi, LocalRequest
from bot.config import Config
from bot.container import Services
from bot.demo import seed_demo
from services.models import Role
from tests.emulator import BotApiEmulator, EmulatedUser
from tests.harness import ChatHarness, texts


async def _invite(bot):
    commune = await bot.services.org.commune_by_code("ML")
    team = await bot.services.org.team_by_code("ML-01")
    return await bot.services.registration.create_invite(None, commune.id, Role.MEDIATOR, team_id=team.id)


@pytest.mark.sqlite_only
async def test_full_disk_gives_clear_message_and_no_half_record(bot, monkeypatch):
    """The disk fills up in the middle of the registration transaction: the person row already written is
    rolled back with the rest, the invite is not used up, and the user reads a clear message."""
    invite = await _invite(bot)
    await bot.say(8001, f"/start {invite.code}")
    await bot.tap(8001, "Đúng")
    persons = (await bot.services.db.fetchone("SELECT COUNT(*) FROM persons"))[0]
    conn = bot.services.db.conn
    real_execute = conn.execute
    writes = []

    def execute(sql, parameters=None):
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE")):
            writes.append(sql)
            if len(writes) == 2:  # the person is written, then the disk is full
                raise sqlite3.OperationalError("database or disk is full")
        return real_execute(sql, parameters)

    monkeypatch.setattr(conn, "execute", execute)
    out = await bot.tap(8001, "Đúng")
    monkeypatch.undo()
    assert msg.ERROR_STORAGE in texts(out)
    assert writes[0].lstrip().upper().startswith("INSERT INTO PERSONS")
    assert (await bot.services.db.fetchone("SELECT COUNT(*) FROM persons"))[0] == persons
    assert (await bot.services.invites.by_code(invite.code)).uses == 0
    assert await bot.services.people.by_identity("console", "8001") is None


async def test_locked_database_gives_clear_message(tmp_path):
    async with ChatHarness(tmp_path, db_name="locked.db", backend="sqlite") as bot:
        await bot.seed_demo()
        bot.services.db.busy_timeout_ms = 100
        await bot.services.db.conn.execute("PRAGMA busy_timeout = 100")
        invite = await _invite(bot)
        await bot.say(8002, f"/start {invite.code}")
        await bot.tap(8002, "Đúng")
        blocker = sqlite3.connect(bot.config.database_path, timeout=0.1)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            out = await bot.tap(8002, "Đúng")
        finally:
            blocker.rollback()
            blocker.close()
        assert msg.ERROR_STORAGE in texts(out)
        assert await bot.services.people.by_identity("console", "8002") is None
        out = await bot.say(8002, f"/start {invite.code}")  # and it works again once the lock is gone
        assert "Mã hợp lệ" in texts(out)


@pytest.mark.parametrize(
    "status, description",
    [
        (500, "Internal Server Error"),
        (502, "Bad Gateway"),
        (400, "Bad Request: chat not found"),
    ],
)
async def test_bot_api_errors_are_logged_not_fatal(bot, caplog, status, description):
    bot.api.faults.append(Fault("sendMessage", status, description, times=2))
    out = await bot.say("mediator", "/trogiup")
    assert out == []  # the reply and the apology both failed ...
    assert "handler failed" in caplog.text
    out = await bot.say("mediator", "/trogiup")  # ... and the next message is served normally
    assert "Quàng Thị Mai" in texts(out)


async def test_retry_after_is_waited_and_delivered(tmp_path):
    """429 with retry_after: python-telegram-bot's rate limiter waits and sends again."""
    config = Config(database_path=str(tmp_path / "r.db"))
    api = LocalBotApi()
    app = build_application(config, channel="telegram", request=LocalRequest(api), rate_limit=True)
    async with app:
        await seed_demo(app.services)
        mai = await app.services.people.by_identity("console", "1001")
        await app.services.people.link_identity(mai.id, "telegram", "1001", "1001")
        api.faults.append(Fault("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1))
        from telegram import Update

        await app.process_update(Update.de_json(api.user_message(1001, "/trogiup"), app.bot))
    assert api.calls.count("sendMessage") == 2
    assert "Quàng Thị Mai" in api.sent_to(1001)[-1]["text"]


async def test_blocked_user_is_logged_without_crash(bot, caplog):
    bot.api.blocked_chats.add(1001)
    assert await bot.say("mediator", "/trogiup") == []
    assert "blocked" in caplog.text
    bot.api.blocked_chats.clear()
    assert await bot.say("mediator", "/trogiup")


async def test_sigkill_mid_form_then_restart_resumes_draft(tmp_path):
    """The real bot process is killed with SIGKILL in the middle of a case report; after a restart the
    mediator is offered to continue and finishes the report with the answers given before the kill."""
    db_path = str(tmp_path / "kill.db")
    services = Services.build(Config(database_path=db_path))
    await services.open()
    await seed_demo(services)
    mai = await services.people.by_identity("console", "1001")
    await services.people.link_identity(mai.id, "telegram", "1001", "1001")
    await services.close()

    emulator = await BotApiEmulator().start()
    api = emulator.api
    env = {
        **os.environ,
        "BOT_TOKEN": emulator.token,
        "TELEGRAM_BASE_URL": emulator.base_url,
        "DATABASE_PATH": db_path,
        "LOG_LEVEL": "WARNING",
    }

    async def start():
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )

    mai = EmulatedUser(emulator, 1001)
    say, tap = mai.say, mai.tap

    process = await start()
    try:
        await emulator.wait_for(lambda: api.commands, timeout=30)
        await say("/baocao")
        await tap("Hôm qua")
        await tap("Hôn nhân và gia đình")
        process.send_signal(signal.SIGKILL)
        await process.wait()

        process = await start()
        await emulator.wait_for(lambda: api.calls.count("setMyCommands") >= 2, timeout=30)
        out = await say("/baocao")
        assert "Tiếp tục" in str([api.current(m).get("reply_markup") for m in out])
        await tap("Tiếp tục báo cáo dở")
        await tap("Một bên hoặc các bên yêu cầu")
        await tap("Hòa giải thành")
        await tap("Hôm nay")
        review = texts([api.current(m) for m in api.sent_to(1001)[-3:]])
        assert "Hôn nhân và gia đình" in review
        out = await tap("Gửi báo cáo")
        assert "Đã ghi vào sổ vụ việc số" in texts(out)
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()
        await emulator.stop()
    check = sqlite3.connect(db_path)
    rows = check.execute("SELECT field, basis, result FROM cases").fetchall()
    check.close()
    assert rows == [("hon_nhan_gia_dinh", "yeu_cau", "thanh")]
