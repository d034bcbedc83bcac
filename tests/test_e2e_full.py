"""End to end over real HTTP, the whole product: the real `mediator-bot run` process (python-telegram-bot's
own HTTP stack, long polling) against the local Bot API emulator on 127.0.0.1. Scripted users register with an
invite code, ask a question, report a case, read the statistics, and receive a broadcast.

Run just this suite with:  .venv/bin/python -m pytest tests/test_e2e_full.py tests/test_e2e_telegram.py
"""

from __future__ import annotations

import asyncio
import os
import sys

from bot.channels import numbered
from bot.config import Config
from bot.container import Services
from bot.demo import seed_demo
from services.models import Role
from tests.emulator import BotApiEmulator, EmulatedUser
from tests.harness import texts

OFFICIAL = 1003  # Lò Thị Hoa, commune official of Phường Mường Lay (linked to Telegram below)
NEWCOMER = 515151


class Speaker:
    """The emulated user, answers read as text."""

    def __init__(self, user: EmulatedUser):
        self.user = user

    async def say(self, text: str) -> str:
        return texts(await self.user.say(text))

    async def tap(self, label: str) -> str:
        return texts(await self.user.tap(label))


async def test_register_ask_report_statistics_broadcast(tmp_path):
    db_path = str(tmp_path / "full.db")
    services = Services.build(Config(database_path=db_path))
    await services.open()
    await seed_demo(services)
    hoa = await services.people.by_identity("console", str(OFFICIAL))
    await services.people.link_identity(hoa.id, "telegram", str(OFFICIAL), str(OFFICIAL))
    commune = await services.org.commune_by_code("ML")
    team = await services.org.team_by_code("ML-03")
    invite = await services.registration.create_invite(hoa, commune.id, Role.MEDIATOR, team_id=team.id)
    await services.close()

    emulator = await BotApiEmulator().start()
    env = {
        **os.environ,
        "BOT_TOKEN": emulator.token,
        "TELEGRAM_BASE_URL": emulator.base_url,
        "DATABASE_PATH": db_path,
        "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_PER_S": "100",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await emulator.wait_for(lambda: emulator.api.commands, timeout=30)
        newcomer = Speaker(EmulatedUser(emulator, NEWCOMER))
        official = Speaker(EmulatedUser(emulator, OFFICIAL))
        emulator.api.user(NEWCOMER, "Lường", "Thị Én")

        # 1. registration by deep link
        assert "Mã hợp lệ" in await newcomer.say(f"/start {invite.code}")
        assert "Tổ hòa giải bản Bó" in await newcomer.tap("Đúng")
        assert "Đăng ký thành công" in await newcomer.tap("Đúng")

        # 2. a question typed without diacritics
        answer = await newcomer.say("hoa giai thanh thi cac ben phai lam gi")
        assert "📖 Căn cứ:" in answer

        # 3. a case report in a few taps
        await newcomer.say("/baocao")
        for label in ("Hôm nay", "Đất đai", "Một bên hoặc các bên yêu cầu", "Hòa giải thành"):
            await newcomer.tap(label)
        confirmation = await newcomer.tap("Gửi báo cáo")
        assert "Đã ghi vào sổ vụ việc số ML-" in confirmation

        # 4. the commune official reads the statistics
        await official.say("/thongke")
        report = await official.tap("Năm nay")
        assert "Phường Mường Lay" in report and "100" in report

        # 5. the official broadcasts to the whole commune; the newcomer receives it
        await official.say("/thongbao")
        await official.tap("Soạn thông báo mới")
        await official.tap("Toàn xã/phường")
        await official.say("Mời các hòa giải viên họp sơ kết quý vào 8 giờ sáng thứ Hai.")
        preview = await official.tap("Không đính kèm")
        assert "họp sơ kết quý" in preview
        mark = len(emulator.api.outbox)
        send = next(
            o.label
            for o in numbered.options(
                emulator.api.current(emulator.api.sent_to(OFFICIAL)[-1])["reply_markup"]
            )
            if o.label.startswith("✅ Gửi")
        )
        await official.tap(send)

        def received():
            return [
                m
                for m in emulator.api.outbox[mark:]
                if m["chat"]["id"] == NEWCOMER and "họp sơ kết quý" in (m.get("text") or "")
            ]

        await emulator.wait_for(received, timeout=30)
    finally:
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
        await emulator.stop()
    assert b"Traceback" not in stderr, stderr.decode()[-3000:]
