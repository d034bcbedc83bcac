"""End to end over real HTTP: `mediator-bot run` (python-telegram-bot's own HTTP stack, long polling)
against the local Bot API emulator on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest

from bot import messages as msg
from bot.config import Config
from bot.container import Services
from bot.demo import seed_demo
from services.models import Role
from tests.emulator import BotApiEmulator, EmulatedUser
from tests.harness import texts


@pytest.fixture
async def emulator():
    emu = await BotApiEmulator().start()
    yield emu
    await emu.stop()


async def _start_bot(emulator: BotApiEmulator, db_path: str) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "BOT_TOKEN": emulator.token,
        "TELEGRAM_BASE_URL": emulator.base_url,
        "DATABASE_PATH": db_path,
        "LOG_LEVEL": "WARNING",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def demo_with_invite(db_path: str):
    """The demo database at `db_path` and a new mediator invite for team ML-02 (as the command line makes
    one)."""
    services = Services.build(Config(database_path=db_path))
    await services.open()
    await seed_demo(services)
    commune = await services.org.commune_by_code("ML")
    team = await services.org.team_by_code("ML-02")
    invite = await services.registration.create_invite(None, commune.id, Role.MEDIATOR, team_id=team.id)
    await services.close()
    return invite


async def test_user_registers_through_real_bot_process(emulator, tmp_path):
    db_path = str(tmp_path / "e2e.db")
    invite = await demo_with_invite(db_path)

    process = await _start_bot(emulator, db_path)
    try:
        api = emulator.api
        await emulator.wait_for(lambda: api.commands, timeout=30)
        assert {"command": "trogiup", "description": msg.CMD_DESCRIPTIONS["trogiup"]} in api.commands

        user = 424242
        api.user(user, "Điêu", "Thị Lan")
        lan = EmulatedUser(emulator, user)
        out = await lan.say(f"/start {invite.code}")
        assert "Mã hợp lệ" in texts(out)
        out = await lan.tap("Đúng")
        assert "Tổ hòa giải tổ dân phố 2" in texts(out)
        out = await lan.tap("Đúng")
        assert "Đăng ký thành công" in texts(out)
        assert any(answer for answer in api.callback_answers)
    finally:
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode is not None
    assert b"Traceback" not in stderr, stderr.decode()

    services = Services.build(Config(database_path=db_path))
    await services.open()
    person = await services.people.by_identity("telegram", str(user))
    await services.close()
    assert (
        person is not None
        and person.full_name == "Điêu Thị Lan"
        and invite.team_id is not None
        and person.team_id == invite.team_id
    )


async def test_run_without_token_explains(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "BOT_TOKEN"}
    env["DATABASE_PATH"] = str(tmp_path / "x.db")
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await proc.communicate()
    assert proc.returncode == 2
    assert "BOT_TOKEN" in err.decode()
