"""End to end over real HTTP: `mediator-bot run --channel telegram,zalo` — both channels in one process, one
database — against the local Telegram Bot API emulator and the local Zalo Bot API emulator."""

from __future__ import annotations

import asyncio
import os
import re
import sys

import pytest

from bot import messages as msg
from bot.config import Config
from bot.container import Services
from bot.demo import seed_demo
from tests.emulator import BotApiEmulator
from tests.harness import texts
from tests.zalo_emulator import ZaloApiEmulator

HOA_TG = 777003


@pytest.fixture
async def emulators():
    telegram = await BotApiEmulator().start()
    zalo = await ZaloApiEmulator().start()
    yield telegram, zalo
    await telegram.stop()
    await zalo.stop()


async def test_both_channels_in_one_process_and_linking(emulators, tmp_path):
    telegram, zalo = emulators
    db_path = str(tmp_path / "both.db")
    services = Services.build(Config(database_path=db_path))
    await services.open()
    await seed_demo(services)
    hoa = await services.people.by_identity("console", "1003")
    await services.people.link_identity(hoa.id, "telegram", str(HOA_TG), str(HOA_TG))
    await services.close()

    env = {
        **os.environ,
        "BOT_TOKEN": telegram.token,
        "TELEGRAM_BASE_URL": telegram.base_url,
        "ZALO_BOT_TOKEN": zalo.token,
        "ZALO_BASE_URL": zalo.base_url,
        "ZALO_POLL_TIMEOUT": "1",
        "DATABASE_PATH": db_path,
        "LOG_LEVEL": "WARNING",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--channel",
        "telegram,zalo",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        api = telegram.api
        await telegram.wait_for(lambda: api.commands, timeout=30)
        await zalo.wait_for(lambda: "getUpdates" in zalo.calls, timeout=30)

        mark = len(api.outbox)
        api.user_message(HOA_TG, "/lienket")
        code = re.search(r"/lienket (\d{6})", texts(await telegram.reply_to(HOA_TG, mark))).group(1)

        hoa_zalo = zalo.user("5b9e1d2c3a4f60718293", "Lò Thị Hoa")
        out = await zalo.say(hoa_zalo, f"/lienket {code}")
        assert "Đã liên kết" in out and "Lò Thị Hoa" in out
        out = await zalo.say(hoa_zalo, "/moi")
        assert msg.INVITE_PICK_ROLE in out and "1. Hòa giải viên" in out
        out = await zalo.say(hoa_zalo, "1")
        assert msg.INVITE_PICK_TEAM in out

        guest = zalo.user("9999aaaabbbbccccdddd", "Khách")
        out = await zalo.say(guest, "/start")
        assert "1. 🔑 Tôi có mã mời" in out
    finally:
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert b"Traceback" not in stderr, stderr.decode()

    services = Services.build(Config(database_path=db_path))
    await services.open()
    identities = await services.people.identities(hoa.id)
    await services.close()
    assert {channel for channel, _, _ in identities} == {"console", "telegram", "zalo"}


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["--channel", "zalo"], {}, "ZALO_BOT_TOKEN"),
        (["--channel", "zalo", "--webhook"], {"ZALO_BOT_TOKEN": "1:x"}, "ZALO_WEBHOOK_URL"),
        (
            ["--channel", "zalo", "--webhook"],
            {"ZALO_BOT_TOKEN": "1:x", "ZALO_WEBHOOK_URL": "https://b.vn", "ZALO_WEBHOOK_SECRET": "short"},
            "ZALO_WEBHOOK_SECRET",
        ),
        (["--channel", "telegram,signal"], {"BOT_TOKEN": "1:x"}, "signal"),
        (["--channel", "oa"], {}, "ZALO_OA_APP_ID"),
        (["--channel", "oa"], {"ZALO_OA_APP_ID": "1", "ZALO_OA_APP_SECRET": "s"}, "ZALO_OA_SECRET_KEY"),
    ],
)
async def test_run_explains_missing_configuration(tmp_path, args, env, expected):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ZALO_", "BOT_TOKEN"))}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        *args,
        env={**base, **env, "DATABASE_PATH": str(tmp_path / "x.db")},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 2
    assert expected in err.decode() and "Traceback" not in err.decode()


async def test_bad_zalo_token_is_reported(emulators, tmp_path):
    _, zalo = emulators
    env = {
        **os.environ,
        "ZALO_BOT_TOKEN": "9:wrong",
        "ZALO_BASE_URL": zalo.base_url,
        "DATABASE_PATH": str(tmp_path / "t.db"),
        "LOG_LEVEL": "WARNING",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--channel",
        "zalo",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 2 and "ZALO_BOT_TOKEN không hợp lệ" in err.decode()


async def _port_open(port: int, timeout_s: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.2)


async def test_telegram_zalo_bot_and_zalo_oa_in_one_process(emulators, tmp_path):
    """`mediator-bot run --channel telegram,zalo,oa`: the three channels, one process, one database."""
    from tests.oa_emulator import OaEmulator
    from tests.processes import free_port

    telegram, zalo = emulators
    oa = await OaEmulator().start()
    access, refresh = oa.grant()
    db_path = str(tmp_path / "three.db")
    port = free_port()
    env = {
        **os.environ,
        "BOT_TOKEN": telegram.token,
        "TELEGRAM_BASE_URL": telegram.base_url,
        "ZALO_BOT_TOKEN": zalo.token,
        "ZALO_BASE_URL": zalo.base_url,
        "ZALO_POLL_TIMEOUT": "1",
        "ZALO_OA_APP_ID": oa.app_id,
        "ZALO_OA_APP_SECRET": oa.app_secret,
        "ZALO_OA_SECRET_KEY": oa.oa_secret_key,
        "ZALO_OA_ACCESS_TOKEN": access,
        "ZALO_OA_REFRESH_TOKEN": refresh,
        "ZALO_OA_API_URL": oa.base_url,
        "ZALO_OA_OAUTH_URL": oa.base_url,
        "ZALO_OA_WEBHOOK_LISTEN": "127.0.0.1",
        "ZALO_OA_WEBHOOK_PORT": str(port),
        "DATABASE_PATH": db_path,
        "LOG_LEVEL": "WARNING",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--channel",
        "telegram,zalo,oa",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await telegram.wait_for(lambda: telegram.api.commands, timeout=60)
        await zalo.wait_for(lambda: "getUpdates" in zalo.calls, timeout=30)
        await _port_open(port)
        oa.webhook_url = f"http://127.0.0.1:{port}/zalo-oa"
        out = await oa.say("2468458835296117922", "/start")
        assert out.startswith(msg.FIRST_CONTACT) and "Tôi có mã mời" in out
        assert oa.refresh_calls == 1  # the pasted access token's expiry is unknown: refreshed on first use
        out = await zalo.say(zalo.user(None, "Khách"), "/start")
        assert "1. 🔑 Tôi có mã mời" in out
        mark = len(telegram.api.outbox)
        telegram.api.user_message(555001, "/start")
        assert "Tôi có mã mời" in texts(await telegram.reply_to(555001, mark))
    finally:
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
        await oa.stop()
    assert b"Traceback" not in stderr, stderr.decode()
