"""/thongbao: role checks, scopes (forged callbacks refused), preview, outbox, delivery errors,
acknowledgements."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import messages as msg
from bot.channels.local import Fault
from bot.delivery import BotTransport, worker_of
from services.broadcast import (
    MAX_TEXT,
    BroadcastScope,
    PermissionDenied,
    TextError,
    check_text,
    clean_broadcast_text,
)
from services.delivery import OutboxWorker
from storage.broadcasts import STALE_CLAIM_S
from tests.harness import texts

MEDIATOR, LEADER, COMMUNE, PROVINCE, ADMIN = 1001, 1002, 1003, 1004, 1005


async def link(bot, ref: str, user_id: int) -> int:
    row = await bot.services.db.fetchone("SELECT id FROM persons WHERE external_ref = ?", (ref,))
    await bot.services.people.link_identity(row["id"], "console", str(user_id), str(user_id))
    return row["id"]


async def compose(
    bot, who, *, audience: str = "Toàn xã/phường", text: str = "Họp tổ hòa giải lúc 8 giờ sáng thứ Hai."
):
    await bot.say(who, "/thongbao")
    await bot.tap(who, "Soạn thông báo mới")
    if audience:
        await bot.tap(who, audience)
    await bot.say(who, text)
    return await bot.tap(who, "Không đính kèm")


def fast_worker(bot, **kwargs) -> OutboxWorker:
    options = {
        "rate_per_s": 1000,
        "per_chat_interval_s": 0,
        "retry_initial_s": 0.01,
        "retry_max_s": 0.02,
        "reschedule_s": 0.05,
        "progress_every_s": 0.0,
        **kwargs,
    }
    return OutboxWorker(bot.services.broadcasts.repo, BotTransport(bot.app), "console", **options)


async def test_mediator_cannot_broadcast(bot):
    out = await bot.say(MEDIATOR, "/thongbao")
    assert msg.NOT_ALLOWED.format(role=msg.ROLE_NAMES["mediator"]) in texts(out)
    out = await bot.say(LEADER, "/thongbao")
    assert "không được dùng" in texts(out)
    assert (await bot.services.db.fetchone("SELECT COUNT(*) AS n FROM broadcasts"))["n"] == 0


async def test_commune_official_broadcasts_to_whole_commune(bot):
    out = await compose(bot, COMMUNE)
    assert msg.BC_PREVIEW_INTRO in texts(out)
    preview = next(m for m in out if "Họp tổ hòa giải" in (m.get("text") or ""))
    assert preview["text"].startswith("📢 THÔNG BÁO — Lò Thị Hoa, Phường Mường Lay")
    assert "2 người" in texts(out)  # the mediator and the team leader have a chat identity
    # nothing is stored before the confirmation
    assert (await bot.services.db.fetchone("SELECT COUNT(*) AS n FROM outbox"))["n"] == 0
    await bot.tap(COMMUNE, "Gửi cho 2 người")
    rows = await bot.services.db.fetchall("SELECT status, chat_id FROM outbox ORDER BY chat_id")
    assert [(r["status"], r["chat_id"]) for r in rows] == [("pending", "1001"), ("pending", "1002")]
    assert bot.api.sent_to(MEDIATOR) == []
    await worker_of(bot.app).drain()
    for uid in (MEDIATOR, LEADER):
        received = bot.api.sent_to(uid)[-1]
        assert received["text"] == preview["text"]  # exactly as previewed
        assert received["reply_markup"]["inline_keyboard"][0][0]["text"] == msg.BC_BTN_ACK
    # the worker may finish before the confirmation's menu is sent: the report is one of the last two messages
    report = texts(bot.api.sent_to(COMMUNE)[-2:])
    assert "Đã gửi xong thông báo số 1 cho 2 người" in report and "Đã gửi: 2" in report
    rows = await bot.services.db.fetchall("SELECT status, message_id, attempts FROM outbox")
    assert all(r["status"] == "sent" and r["message_id"] and r["attempts"] == 1 for r in rows)


async def test_progress_message_is_edited_not_repeated(bot):
    await compose(bot, COMMUNE)
    before = len(bot.api.sent_to(COMMUNE))
    await bot.tap(COMMUNE, "Gửi cho 2 người")
    progress = bot.api.sent_to(COMMUNE)[before]
    assert "0/2" in progress["text"]
    await fast_worker(bot).drain()
    assert "2/2 (100 %)" in bot.api.current(progress)["text"]
    sent_after = [
        m
        for m in bot.api.sent_to(COMMUNE)[before + 1 :]
        if not (m.get("text") or "").startswith(msg.MENU_AFTER_FLOW)
    ]
    assert len(sent_after) == 1 and "Đã gửi xong" in sent_after[0]["text"]


async def test_teams_multi_select_reaches_only_chosen_teams(bot):
    await link(bot, "ML-02-01", 2001)  # leader of ML-02
    await link(bot, "ML-03-01", 2002)  # leader of ML-03
    await bot.say(COMMUNE, "/thongbao")
    await bot.tap(COMMUNE, "Soạn thông báo mới")
    await bot.tap(COMMUNE, "Chọn tổ hòa giải")
    await bot.tap(COMMUNE, "Tổ hòa giải tổ dân phố 2")
    out = await bot.tap(COMMUNE, "Tổ hòa giải bản Bó")
    assert "đã chọn 2" in texts([bot.api.current(bot.last_with_buttons(COMMUNE))])
    await bot.tap(COMMUNE, "Tổ hòa giải bản Bó")  # untick
    await bot.tap(COMMUNE, "Xong")
    await bot.say(COMMUNE, "Chỉ tổ 2")
    out = await bot.tap(COMMUNE, "Không đính kèm")
    assert "1 người" in texts(out) and "Tổ hòa giải tổ dân phố 2" in texts(out)
    await bot.tap(COMMUNE, "Gửi cho 1 người")
    await worker_of(bot.app).drain()
    assert "Chỉ tổ 2" in texts(bot.api.sent_to(2001))
    assert bot.api.sent_to(2002) == [] and bot.api.sent_to(MEDIATOR) == []


async def test_leaders_only(bot):
    await link(bot, "ML-03-01", 2002)
    await compose(bot, COMMUNE, audience="Chỉ các tổ trưởng", text="Tổ trưởng nộp báo cáo")
    await bot.tap(COMMUNE, "Gửi cho 2 người")
    await worker_of(bot.app).drain()
    assert "Tổ trưởng nộp báo cáo" in texts(bot.api.sent_to(LEADER))
    assert "Tổ trưởng nộp báo cáo" in texts(bot.api.sent_to(2002))
    assert bot.api.sent_to(MEDIATOR) == []


async def test_forged_callbacks_for_other_commune_are_refused(bot):
    nh = await bot.services.org.commune_by_code("NH")
    nh_team = await bot.services.org.team_by_code("NH-01")
    nh_leader = await link(bot, "NH-01-01", 3001)
    await bot.say(COMMUNE, "/thongbao")
    await bot.tap(COMMUNE, "Soạn thông báo mới")
    out = await bot.tap_data(COMMUNE, f"bc:ct:{nh.id}:0")  # a commune toggle the flow did not offer
    assert msg.BUTTON_EXPIRED in texts(out) or "không được dùng" in texts(out)
    await bot.tap(COMMUNE, "Chọn tổ hòa giải")
    out = await bot.tap_data(COMMUNE, f"bc:tt:{nh_team.id}:0")
    assert "không được dùng" in texts(out)
    assert "đã chọn 0" in bot.api.current(bot.last_with_buttons(COMMUNE))["text"]
    # and the service refuses whatever the chat sends
    official = await bot.services.people.by_identity("console", str(COMMUNE))
    with pytest.raises(PermissionDenied):
        await bot.services.broadcasts.create(official, BroadcastScope(communes=(nh.id,)), "console", "x")
    ml = await bot.services.org.commune_by_code("ML")
    with pytest.raises(PermissionDenied):
        await bot.services.broadcasts.create(
            official, BroadcastScope(communes=(ml.id,), teams=(nh_team.id,)), "console", "x"
        )
    with pytest.raises(PermissionDenied):
        await bot.services.broadcasts.create(
            official, BroadcastScope(communes=(ml.id,), audience="officials"), "console", "x"
        )
    mediator = await bot.services.people.by_identity("console", str(MEDIATOR))
    with pytest.raises(PermissionDenied):
        await bot.services.broadcasts.create(mediator, BroadcastScope(communes=(ml.id,)), "console", "x")
    assert bot.api.sent_to(nh_leader) == []
    assert (await bot.services.db.fetchone("SELECT COUNT(*) AS n FROM broadcasts"))["n"] == 0


async def test_province_official_cannot_reach_another_province(bot):
    other = await bot.services.org.upsert_province("LC", "Lai Châu")
    foreign = await bot.services.org.upsert_commune(other.id, "LC-01", "Xã Khác")
    await bot.say(PROVINCE, "/thongbao")
    await bot.tap(PROVINCE, "Soạn thông báo mới")
    await bot.tap(PROVINCE, "Chọn từng xã/phường")
    out = await bot.tap_data(PROVINCE, f"bc:ct:{foreign.id}:0")
    assert "không được dùng" in texts(out)
    assert "đã chọn 0" in bot.api.current(bot.last_with_buttons(PROVINCE))["text"]
    official = await bot.services.people.by_identity("console", str(PROVINCE))
    with pytest.raises(PermissionDenied):
        await bot.services.broadcasts.create(official, BroadcastScope(communes=(foreign.id,)), "console", "x")
    admin = await bot.services.people.by_identity("console", str(ADMIN))
    assert (
        await bot.services.broadcasts.create(admin, BroadcastScope(communes=(foreign.id,)), "console", "x")
    )[1] == 0


async def test_province_official_chooses_communes(bot):
    await link(bot, "NH-01-01", 3001)
    await link(bot, "NH-TP-01", 3002)
    await bot.say(PROVINCE, "/thongbao")
    await bot.tap(PROVINCE, "Soạn thông báo mới")
    await bot.tap(PROVINCE, "Chọn từng xã/phường")
    await bot.tap(PROVINCE, "Xã Nà Hỳ")
    await bot.tap(PROVINCE, "Xong")
    await bot.tap(PROVINCE, "Chỉ công chức Tư pháp xã")
    await bot.say(PROVINCE, "Công chức xã nộp số liệu quý III")
    out = await bot.tap(PROVINCE, "Không đính kèm")
    assert "1 người" in texts(out)
    await bot.tap(PROVINCE, "Gửi cho 1 người")
    await worker_of(bot.app).drain()
    assert "Sở Tư pháp Điện Biên" in texts(bot.api.sent_to(3002))
    assert bot.api.sent_to(3001) == []
    assert "quý III" not in texts(bot.api.sent_to(COMMUNE))


async def test_province_all_communes_and_admin(bot):
    await link(bot, "NH-01-01", 3001)
    await bot.say(ADMIN, "/thongbao")
    await bot.tap(ADMIN, "Soạn thông báo mới")
    await bot.tap(ADMIN, "Tất cả xã/phường (2)")
    await bot.tap(ADMIN, "Tất cả (hòa giải viên và công chức)")
    await bot.say(ADMIN, "Thông báo chung toàn tỉnh")
    out = await bot.tap(ADMIN, "Không đính kèm")
    assert "4 người" in texts(out)  # mediator, leader, commune official, NH leader


async def test_text_validation_and_attachment(bot):
    await bot.say(COMMUNE, "/thongbao")
    await bot.tap(COMMUNE, "Soạn thông báo mới")
    await bot.tap(COMMUNE, "Toàn xã/phường")
    out = await bot.say(COMMUNE, "a" * (MAX_TEXT + 1))
    assert "quá giới hạn 3500" in texts(out)
    await bot.say(COMMUNE, "Tài liệu tập huấn kèm theo.\n\nĐọc trước buổi họp.")
    out = await bot.say(COMMUNE, "vẫn là chữ")
    assert msg.BC_ATTACHMENT_ONLY in texts(out)
    bot.api.user_document(COMMUNE, "tai-lieu.pdf", b"%PDF-1.4 demo")
    await bot._process(bot.api.updates[-1])
    preview = [m for m in bot.api.sent_to(COMMUNE) if "document" in m][-1]
    assert preview["caption"].endswith("Tài liệu tập huấn kèm theo.\n\nĐọc trước buổi họp.")
    await bot.tap(COMMUNE, "Gửi cho 2 người")
    await worker_of(bot.app).drain()
    got = bot.api.sent_to(MEDIATOR)[-1]
    assert (
        got["document"]["file_id"] == preview["document"]["file_id"] and got["caption"] == preview["caption"]
    )


async def test_acknowledgement_counts_and_forged_ack(bot):
    await compose(bot, COMMUNE)
    await bot.tap(COMMUNE, "Gửi cho 2 người")
    await worker_of(bot.app).drain()
    received = bot.api.sent_to(MEDIATOR)[-1]
    await bot.tap(MEDIATOR, "Đã nhận", message=received)
    assert bot.api.callback_answers[-1]["text"] == msg.BC_ACK_THANKS
    assert bot.api.current(received)["reply_markup"]["inline_keyboard"][0][0]["text"] == msg.BC_BTN_ACKED
    await bot.tap(MEDIATOR, 1, message=bot.api.current(received))  # twice: still one acknowledgement
    outsider = await link(bot, "NH-01-01", 3001)
    bot.api.user(outsider)
    msg_for_outsider = bot.api._new_bot_message(3001, {}, text="x")
    await bot.tap_data(3001, "bc:ack:1", msg_for_outsider)
    assert bot.api.callback_answers[-1]["text"] == msg.BC_ACK_NOT_FOR_YOU
    counts = await bot.services.broadcasts.repo.counts(1)
    assert counts["acked"] == 1
    out = await bot.tap_data(COMMUNE, "bc:h:1")
    assert 'Đã bấm "Đã nhận": 1/2' in texts(out)
    out = await bot.tap_data(LEADER, "bc:h:1")  # someone else's report
    assert "không được dùng" in texts(out)


async def _two_recipients(bot) -> int:
    official = await bot.services.people.by_identity("console", str(COMMUNE))
    ml = await bot.services.org.commune_by_code("ML")
    broadcast_id, count = await bot.services.broadcasts.create(
        official, BroadcastScope(communes=(ml.id,)), "console", "Nội dung"
    )
    assert count == 2
    return broadcast_id


async def _status(bot, chat: int) -> dict:
    return dict(await bot.services.db.fetchone("SELECT * FROM outbox WHERE chat_id = ?", (str(chat),)))


async def test_retry_after_is_waited_and_retried(bot):
    await _two_recipients(bot)
    bot.api.faults.append(
        Fault("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, chat_id=MEDIATOR)
    )
    worker = fast_worker(bot)
    await worker.drain()
    row = await _status(bot, MEDIATOR)
    assert row["status"] == "sent" and row["attempts"] == 2
    assert len(bot.api.sent_to(MEDIATOR)) == 1


async def test_forbidden_is_blocked_and_never_retried(bot):
    await _two_recipients(bot)
    bot.api.blocked_chats.add(MEDIATOR)
    await fast_worker(bot).drain()
    row = await _status(bot, MEDIATOR)
    assert row["status"] == "blocked" and row["attempts"] == 1 and "blocked" in row["error"]
    assert bot.api.calls.count("sendMessage") == 2  # one try each, no retry of the blocked chat
    assert (await _status(bot, LEADER))["status"] == "sent"
    counts = await bot.services.broadcasts.repo.counts(1)
    assert (counts["sent"], counts["blocked"], counts["failed"]) == (1, 1, 0)


async def test_bad_request_is_failed_with_reason(bot):
    await _two_recipients(bot)
    bot.api.faults.append(Fault("sendMessage", 400, "Bad Request: chat not found", chat_id=MEDIATOR))
    await fast_worker(bot).drain()
    row = await _status(bot, MEDIATOR)
    assert row["status"] == "failed" and "chat not found" in row["error"].lower()
    assert row["attempts"] == 1
    out = await bot.tap_data(COMMUNE, "bc:h:1", bot.api._new_bot_message(COMMUNE, {}, text="x"))
    assert "Quàng Thị Mai" in texts(out) and "hat not found" in texts(out)


async def test_network_errors_are_retried_with_backoff(bot):
    await _two_recipients(bot)
    bot.api.faults.append(Fault("sendMessage", 500, "Internal Server Error", chat_id=MEDIATOR, times=2))
    await fast_worker(bot).drain()
    row = await _status(bot, MEDIATOR)
    assert row["status"] == "sent" and row["attempts"] == 1  # retried inside one claim
    assert len(bot.api.sent_to(MEDIATOR)) == 1


async def test_persistent_network_errors_end_failed(bot):
    await _two_recipients(bot)
    bot.api.faults.append(Fault("sendMessage", 502, "Bad Gateway", chat_id=MEDIATOR, times=1000))
    await fast_worker(bot, network_attempts=2, max_attempts=3).drain()
    row = await _status(bot, MEDIATOR)
    assert row["status"] == "failed" and row["attempts"] == 3 and "Bad Gateway" in row["error"]


async def test_rows_left_sending_are_resumed_once(bot):
    broadcast_id = await _two_recipients(bot)
    repo = bot.services.broadcasts.repo
    # a crash right after the claim: nothing was sent. The claim is older than STALE_CLAIM_S, so that on
    # PostgreSQL (where another process could still be sending a fresh claim) it is known to be abandoned.
    long_ago = datetime.now(UTC) - timedelta(seconds=STALE_CLAIM_S + 1)
    claimed = await repo.claim_next("console", now=long_ago)
    assert claimed["status"] == "sending"
    await bot.restart()
    worker = worker_of(bot.app)
    assert await worker.recover() == 1
    await worker.drain()
    counts = await bot.services.broadcasts.repo.counts(broadcast_id)
    assert counts["sent"] == 2 and counts["sending"] == 0
    assert len(bot.api.sent_to(MEDIATOR)) == 1 and len(bot.api.sent_to(LEADER)) == 1
    # a second start sends nothing again
    await bot.restart()
    await worker_of(bot.app).recover()
    await worker_of(bot.app).drain()
    assert len(bot.api.sent_to(MEDIATOR)) == 1


async def test_per_chat_pacing(bot):
    worker = fast_worker(bot, per_chat_interval_s=0.3)
    loop = __import__("asyncio").get_running_loop()
    start = loop.time()
    await worker._pace("42")
    await worker._pace("42")
    await worker._pace("43")
    assert 0.25 <= loop.time() - start < 1.0


@given(st.text(max_size=200))
def test_clean_text_is_idempotent_and_bounded(text):
    cleaned = clean_broadcast_text(text)
    assert clean_broadcast_text(cleaned) == cleaned
    assert "\u200b" not in cleaned and not cleaned.startswith((" ", "\n"))
    try:
        assert len(check_text(text)) <= MAX_TEXT
    except TextError as exc:
        assert exc.reason in ("empty", "too_long")


async def test_the_final_report_is_not_lost_when_the_last_row_ends_during_a_progress_check(bot, monkeypatch):
    """Regression (seen on PostgreSQL in CI): the last row finished while the first row's progress check still
    held the broadcast's progress lock; that check had found a row left, the last row's check was skipped for
    the lock, and the sender never got "2/2" nor the report. Now the holder looks again."""
    await compose(bot, COMMUNE)
    before = len(bot.api.sent_to(COMMUNE))
    await bot.tap(COMMUNE, "Gửi cho 2 người")
    progress = bot.api.sent_to(COMMUNE)[before]
    worker = fast_worker(bot)
    real_finish, real_after = worker.broadcasts.finish_if_done, worker._after
    holding, second_checked = asyncio.Event(), asyncio.Event()
    calls = {"finish": 0, "after": 0}

    async def finish_if_done(broadcast_id: int) -> bool:
        calls["finish"] += 1
        if calls["finish"] == 1:  # the first check saw a row still in flight...
            holding.set()
            await second_checked.wait()  # ...and is still running when the last row ends
            return False
        return await real_finish(broadcast_id)

    async def after(broadcast_id: int, force: bool = False) -> None:
        await real_after(broadcast_id, force)
        calls["after"] += 1
        if calls["after"] == 1:  # the second row's check returned (it found the lock held)
            second_checked.set()

    monkeypatch.setattr(worker.broadcasts, "finish_if_done", finish_if_done)
    monkeypatch.setattr(worker, "_after", after)
    await worker.drain()
    assert holding.is_set() and calls["after"] == 2
    assert "2/2 (100 %)" in bot.api.current(progress)["text"]
    assert any("Đã gửi xong thông báo số 1" in (m.get("text") or "") for m in bot.api.sent_to(COMMUNE))
