"""The Zalo Bot Platform as documented (tests/zalo_emulator.py): photo_url, error codes, repeated deliveries,
wrapped and bare webhook bodies, opaque ids and dates in milliseconds, group chats, malformed bodies, the
first contact's disclosure, and no acknowledged event lost when the process is killed (SIGKILL)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import httpx
import pytest
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut

from bot import messages as msg
from bot.channels.zalo import SECRET_HEADER, BadEvent, event_seconds, unwrap
from bot.config import Config
from bot.container import Services
from bot.delivery import BotTransport
from bot.demo import seed_demo
from services.delivery import Blocked, RetryLater, Transient
from storage.zalo import BUSY, DONE, NEW, EventLog, ZaloStore
from tests import dbtarget
from tests.processes import ROOT, free_port
from tests.test_zalo import SECRET, _run
from tests.zalo_emulator import ZaloApiEmulator, opaque_id


@pytest.fixture
async def zalo(tmp_path):
    emu, bot, stop, task = await _run(tmp_path)
    yield bot
    stop.set()
    await asyncio.wait_for(task, 20)
    await emu.stop()


@pytest.fixture
async def hooked(tmp_path):
    """The Zalo channel in webhook mode, the emulator delivering to it."""
    emu, bot, stop, task = await _run(tmp_path, webhook=True)
    emu.webhook["url"] = f"http://127.0.0.1:{bot.running.server.port}/zalo"
    yield bot
    stop.set()
    await asyncio.wait_for(task, 20)
    await emu.stop()


# --- incoming events ---------------------------------------------------------------------------------------
async def test_photo_url_and_the_legacy_photo_field_both_arrive_as_a_photo(zalo):
    emu = zalo.emu
    user = emu.user(None, "Người dùng")
    for legacy in (False, True):
        event = emu._event(
            "message.image.received",
            user,
            caption="Biên bản",
            **{("photo" if legacy else "photo_url"): "https://photo.zdn.vn/a.jpg"},
        )
        update = await zalo.app.bot.request.translate(event)
        assert update["message"]["photo"][0]["file_id"] == "https://photo.zdn.vn/a.jpg"
        assert update["message"]["caption"] == "Biên bản"


async def test_a_photo_reaches_the_broadcast_attachment_step(zalo):
    """/thongbao → text → the photo a Zalo official sends (photo_url) is taken as the attachment."""
    emu = zalo.emu
    thu = "b7e0c1d2e3f405162738"
    await zalo.as_person(thu, "1004", "Nguyễn Thị Thu")
    out = await zalo.say(thu, "/thongbao")
    assert "1. " in out
    # walk the scope picker with the first option until the bot asks for the text
    for _ in range(6):
        if msg.BC_ASK_TEXT.split("\n")[0][:30] in out:
            break
        out = await zalo.say(thu, "1")
    assert msg.BC_ASK_TEXT.split("\n")[0][:30] in out
    out = await zalo.say(thu, "Họp tổ hòa giải 15/7")
    assert msg.BC_ASK_ATTACHMENT.split("\n")[0][:30] in out
    mark = len(emu.outbox)
    emu.image(thu, f"{emu.base_url}/bot{emu.token}/getMe")
    out = "\n".join(m.text or "" for m in await emu.replies(thu, mark))
    # the photo was taken: the flow goes on (here: nobody in scope uses Zalo yet), it does not ask again
    assert msg.BC_ASK_ATTACHMENT.split("\n")[0][:30] not in out and msg.BC_NO_RECIPIENTS[:40] in out


async def test_ids_are_opaque_strings_and_dates_are_milliseconds(zalo):
    emu = zalo.emu
    user = emu.user(None, "Khách")
    assert len(user) == 20 and not user.isdigit()
    event = emu._event("message.text.received", user, text="xin chào")
    update = await zalo.app.bot.request.translate(event)
    assert update["message"]["date"] == event["message"]["date"] // 1000
    assert await ZaloStore(zalo.services.db).zalo_id(update["message"]["from"]["id"]) == user
    assert event_seconds(1750316131602) == 1750316131 and event_seconds("1750316131602") == 1750316131
    assert event_seconds(1750316131) == 1750316131


async def test_the_first_contact_says_the_bot_is_automated_once(zalo):
    user = zalo.emu.user(None, "Khách")
    first = await zalo.say(user, "/start")
    assert first.startswith(msg.FIRST_CONTACT) and "tự động" in first and "tham khảo" in first
    assert "Hỏi chuyên gia" in first
    again = await zalo.say(user, "/start")
    assert msg.FIRST_CONTACT not in again


async def test_group_chats_get_one_polite_line_and_nothing_else(zalo):
    emu = zalo.emu
    user, group = emu.user(None, "Khách"), opaque_id()
    assert emu.group_text(group, user, "xem vụ việc", mention=False) is None  # not delivered by Zalo
    mark = len(emu.outbox)
    emu.group_text(group, user, "/vuviec")
    out = await emu.replies(group, mark)
    assert [m.text for m in out] == [msg.GROUP_CHAT_REFUSED]
    assert emu.sent_to(user) == []
    update = await zalo.app.bot.request.translate(
        emu._event("message.text.received", user, chat={"id": group, "chat_type": "GROUP"}, text="/start")
    )
    assert update is None


async def test_a_repeated_delivery_is_answered_once_by_long_polling(zalo):
    emu = zalo.emu
    user = emu.user(None, "Khách")
    await zalo.say(user, "/start")
    mark = len(emu.outbox)
    event = emu.text(user, "/trogiup")
    await emu.replies(user, mark)
    answered = len(emu.outbox)
    emu.deliver_again(event)
    await asyncio.sleep(1.0)
    assert len(emu.outbox) == answered


async def test_repeated_deliveries_are_dropped_across_restarts_and_processes(tmp_path):
    target = dbtarget.database_for(tmp_path, "events.db")
    await dbtarget.prepare(target)
    key = "message.text.received:e4ea2cd5189df1c3a88c"
    first = Services.build(Config(database_path=target))
    await first.open()
    handling = EventLog(first.db, "zalo")
    assert await handling.claim(key) == NEW
    assert await handling.claim(key) == BUSY  # delivered again while this process is still on it: 503
    second = Services.build(Config(database_path=target))
    await second.open()
    try:
        if dbtarget.on_postgres():  # another live process is handling it: not taken, not acknowledged
            assert await EventLog(second.db, "zalo").claim(key) == BUSY
        await first.close()  # the first process dies before finishing: its claim is taken over
        log = EventLog(second.db, "zalo")
        assert await log.claim(key) == NEW
        await log.finish(key)
        assert await EventLog(second.db, "zalo").claim(key) == DONE  # after a restart too
        assert await EventLog(second.db, "oa").claim(key) == NEW  # channels do not share keys
    finally:
        await second.close()


# --- webhook ------------------------------------------------------------------------------------------------
async def test_webhook_takes_wrapped_and_bare_bodies_and_drops_repeats(hooked):
    emu = hooked.emu
    user = emu.user(None, "Khách")
    for wrapped in (True, False):
        emu.wrap_webhook = wrapped
        mark = len(emu.outbox)
        event = emu.text(user, "/trogiup")
        out = await emu.replies(user, mark)
        assert any(msg.MENU_TITLE_GUEST in (m.text or "") for m in out)
        count = len(emu.outbox)
        assert await emu.post_webhook(event) == 200
        assert len(emu.outbox) == count  # the repeat is acknowledged and dropped
    assert emu.webhook_responses == [200, 200, 200, 200]


@pytest.mark.parametrize(
    "body",
    [
        b"[]",
        b'"x"',
        b"1",
        b"null",
        b"not json",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"ok": true, "result": []}',
        b'{"event_name": 5}',
        b'{"event_name": "message.text.received", "message": []}',
        b'{"event_name": "message.text.received", "message": {"from": {"id": {"a": 1}}, "text": "x"}}',
        b'{"event_name": "message.text.received", "message": {"from": {"id": "a1"}, "text": {"t": 1}}}',
        (
            b'{"event_name": "message.text.received",'
            b' "message": {"from": {"id": "a1"}, "chat": "x", "text": "x"}}'
        ),
        b'{"event_name": "message.image.received", "message": {"from": {"id": "a1"}, "photo_url": ["u"]}}',
        b'{"ok": true, "result": {"event_name": "message.text.received", "message": {"from": {"id": "a1"},'
        b' "date": [1], "text": "x"}}}',
    ],
    ids=lambda b: b[:40].decode(errors="replace"),
)
async def test_malformed_bodies_with_the_right_secret_get_400(hooked, body):
    url = hooked.emu.webhook["url"]
    async with httpx.AsyncClient() as client:
        response = await client.post(
            url, content=body, headers={SECRET_HEADER: SECRET, "Content-Type": "application/json"}
        )
    assert response.status_code == 400 and "Traceback" not in response.text


def test_unwrap_checks_the_documented_shape():
    event = {"event_name": "message.text.received", "message": {"from": {"id": "a1"}, "text": "x"}}
    assert unwrap({"ok": True, "result": event}) is event and unwrap(event) is event
    for bad in ([], {"result": "x"}, {"event_name": None}, {**event, "message": {"from": {"id": True}}}):
        with pytest.raises(BadEvent):
            unwrap(bad)


# --- error codes -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("http_status", ["code", 200])
async def test_documented_error_codes_mean_what_the_platform_says(zalo, http_status, monkeypatch):
    emu, bot = zalo.emu, zalo.app.bot
    monkeypatch.setattr("bot.channels.zalo.QUOTA_RETRY_S", 1)
    emu.error_http_status = http_status
    chat = await ZaloStore(zalo.services.db).int_id(emu.user(None, "Khách"))
    # 429 "quota exceeded" is flood control: the bot waits and tries again (python-telegram-bot's limiter, 3
    # times)
    emu.fail_next("sendMessage", 429)
    calls = emu.calls.count("sendMessage")
    await bot.send_message(chat, "xin chào")
    assert emu.calls.count("sendMessage") == calls + 2
    emu.fail_next("sendMessage", 429, times=4)
    with pytest.raises(RetryAfter):
        await bot.send_message(chat, "xin chào")
    expected = {400: BadRequest, 401: InvalidToken, 404: BadRequest, 408: TimedOut}
    for code, error in expected.items():
        emu.fail_next("sendMessage", code)
        with pytest.raises(error):
            await bot.send_message(chat, "xin chào")
    emu.fail_next(
        "sendMessage", 403
    )  # "Internal server error" on this platform: a server error, never Forbidden
    with pytest.raises(NetworkError) as caught:
        await bot.send_message(chat, "xin chào")
    assert not isinstance(caught.value, Forbidden | BadRequest)
    await bot.send_message(chat, "xin chào")  # and it works again


async def test_broadcast_transport_retries_403_and_waits_on_429(zalo, monkeypatch):
    monkeypatch.setattr("bot.channels.zalo.QUOTA_RETRY_S", 1)
    emu = zalo.emu
    chat = await ZaloStore(zalo.services.db).int_id(emu.user(None, "Khách"))
    transport = BotTransport(zalo.app)
    broadcast = {"id": 1, "kind": "plain", "text": "Thông báo họp", "channel": "zalo"}
    row = {"chat_id": str(chat), "channel": "zalo"}
    emu.fail_next("sendMessage", 403)
    with pytest.raises(Transient):
        await transport.deliver(broadcast, row)
    emu.fail_next("sendMessage", 429, times=4)
    with pytest.raises(RetryLater):
        await transport.deliver(broadcast, row)
    assert not issubclass(Transient, Blocked)
    assert await transport.deliver(broadcast, row) is not None


# --- SIGKILL: no acknowledged event lost --------------------------------------------------------------------
async def test_no_acknowledged_event_is_lost_when_the_process_is_killed(tmp_path):
    emu = await ZaloApiEmulator().start()
    db_path = str(tmp_path / "kill.db")
    services = Services.build(Config(database_path=db_path))
    await services.open()
    await seed_demo(services)
    await services.close()
    port = free_port()
    env = {
        **os.environ,
        "ZALO_BOT_TOKEN": emu.token,
        "ZALO_BASE_URL": emu.base_url,
        "DATABASE_PATH": db_path,
        "ZALO_WEBHOOK_URL": f"http://127.0.0.1:{port}",
        "ZALO_WEBHOOK_SECRET": SECRET,
        "ZALO_WEBHOOK_LISTEN": "127.0.0.1",
        "ZALO_WEBHOOK_PORT": str(port),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--channel",
        "zalo",
        "--webhook",
        env=env,
        cwd=str(ROOT),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await emu.wait_for(lambda: emu.webhook, timeout=60)
        users = [emu.user(None, f"Người {i}") for i in range(40)]
        events = {user: emu._event("message.text.received", user, text="/start") for user in users}
        tasks = {user: asyncio.create_task(emu.post_webhook(event)) for user, event in events.items()}
        await emu.wait_for(lambda: sum(1 for t in tasks.values() if t.done() and t.result() == 200) >= 3, 60)
        process.send_signal(signal.SIGKILL)
        await process.wait()
        statuses = {user: await task for user, task in tasks.items()}
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    acknowledged = [user for user, status in statuses.items() if status == 200]
    assert acknowledged and len(acknowledged) < len(users)  # killed mid-way
    for user in acknowledged:  # every event Zalo was told "handled" was answered
        assert any("Tôi có mã mời" in (m.text or "") for m in emu.sent_to(user)), user
    await emu.stop()
