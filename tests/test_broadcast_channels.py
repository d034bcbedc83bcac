"""One announcement reaches everyone in scope whatever channel they use: a mediator who only uses Zalo gets
the announcement an official wrote on another channel, and the sender still gets the final report."""

from __future__ import annotations

from bot.app import build_application
from bot.channels.local import LocalBotApi, LocalRequest
from bot.delivery import BotTransport
from handlers.broadcast import done_text
from services.delivery import OutboxWorker
from tests.harness import texts

FAST = {
    "rate_per_s": 1000,
    "per_chat_interval_s": 0,
    "retry_initial_s": 0.01,
    "retry_max_s": 0.02,
    "reschedule_s": 0.05,
    "progress_every_s": 0.0,
}


async def test_announcement_reaches_a_zalo_only_mediator(bot):
    zalo_api = LocalBotApi()
    zalo_app = build_application(
        bot.config, channel="zalo", request=LocalRequest(zalo_api), services=bot.services
    )
    await zalo_app.bot.initialize()
    binh = await bot.services.db.fetchone("SELECT id FROM persons WHERE external_ref = 'ML-01-03'")
    await bot.services.people.link_identity(binh["id"], "zalo", "7700", "7700")

    await bot.say("commune", "/thongbao")
    await bot.tap("commune", "Soạn thông báo mới")
    await bot.tap("commune", "Toàn xã/phường")
    await bot.say("commune", "Họp giao ban hòa giải lúc 14 giờ thứ Sáu.")
    out = await bot.tap("commune", "Không đính kèm")
    assert "3 người" in texts(out)  # two on this channel, one on Zalo
    await bot.tap("commune", "Gửi cho 3 người")

    rows = await bot.services.db.fetchall("SELECT channel, chat_id FROM outbox ORDER BY chat_id")
    assert [(r["channel"], r["chat_id"]) for r in rows] == [
        ("console", "1001"),
        ("console", "1002"),
        ("zalo", "7700"),
    ]
    console_worker = OutboxWorker(bot.services.broadcasts.repo, BotTransport(bot.app), "console", **FAST)
    zalo_worker = OutboxWorker(bot.services.broadcasts.repo, BotTransport(zalo_app), "zalo", **FAST)
    await console_worker.drain()
    assert not any("Đã gửi xong" in (m.get("text") or "") for m in bot.api.sent_to(1003)[-1:])
    await zalo_worker.drain()
    assert "Họp giao ban hòa giải" in zalo_api.sent_to(7700)[-1]["text"]
    assert zalo_api.sent_to(1003) == []  # the Zalo worker does not report to the sender

    await console_worker.report_unfinished()
    final = bot.api.sent_to(1003)[-1]["text"]
    assert final == done_text(1, {"total": 3, "sent": 3, "failed": 0, "blocked": 0, "acked": 0})
    statuses = await bot.services.db.fetchall("SELECT status FROM outbox")
    assert {r["status"] for r in statuses} == {"sent"}
