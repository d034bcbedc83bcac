"""The `oa` channel (the commune's Zalo Official Account) against the OA emulator written from the
documentation (tests/oa_emulator.py): the same handlers; real buttons round-trip; the signed webhook (missing,
wrong, replayed signatures refused); OAuth tokens stored and refreshed once across processes; the 48-hour
window in a broadcast; files; and the same case report on Telegram, Zalo Bot and Zalo OA in one process."""

from __future__ import annotations

import asyncio
import io
import json
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot import messages as msg
from bot.channels.oa import CALLBACK_PREFIX, signature
from bot.channels.runner import serve
from bot.config import Config, OaConfig
from bot.container import Services
from bot.demo import DEMO_INVITE, seed_demo
from services.models import Role
from storage.oa import OaTokens
from storage.zalo import ZaloStore
from tests import dbtarget
from tests.emulator import BotApiEmulator, EmulatedUser
from tests.harness import texts
from tests.oa_emulator import OaEmulator
from tests.test_zalo import number_of
from tests.zalo_emulator import ZaloApiEmulator


def oa_config(emu: OaEmulator, refresh: str, access: str | None = None, **extra) -> OaConfig:
    return OaConfig(
        app_id=emu.app_id,
        app_secret=emu.app_secret,
        oa_secret_key=emu.oa_secret_key,
        access_token=access,
        refresh_token=refresh,
        api_url=emu.base_url,
        oauth_url=emu.base_url,
        webhook_listen="127.0.0.1",
        webhook_port=0,
        **extra,
    )


async def _seeded(tmp_path, name: str) -> tuple[str, Config]:
    target = dbtarget.database_for(tmp_path, name)
    await dbtarget.prepare(target)
    config = Config(database_path=target, persistence_interval_s=0.2, data_dir=str(tmp_path))
    services = Services.build(config)
    await services.open()
    await seed_demo(services)
    await services.close()
    return target, config


class OaBot:
    def __init__(self, emu: OaEmulator, running: dict):
        self.emu = emu
        self.running = running
        self.app = running["oa"].app

    @property
    def services(self) -> Services:
        return self.app.services

    async def as_person(self, user_id: str, console_id: str) -> int:
        person = await self.services.people.by_identity("console", console_id)
        int_id = await ZaloStore(self.services.db).int_id(f"oa:{user_id}")
        await self.services.people.link_identity(person.id, "oa", str(int_id), str(int_id))
        return int_id


async def _start(tmp_path, channels: list[str], extra_emulators: dict | None = None, **oa_extra):
    emu = await OaEmulator().start()
    access, refresh = emu.grant()
    target, config = await _seeded(tmp_path, "oa.db")
    zalo_conf = None
    if extra_emulators:
        from bot.config import ZaloConfig

        telegram, zalo = extra_emulators["telegram"], extra_emulators["zalo"]
        config = Config(
            database_path=target,
            persistence_interval_s=0.2,
            data_dir=str(tmp_path),
            bot_token=telegram.token,
            telegram_base_url=telegram.base_url,
        )
        zalo_conf = ZaloConfig(token=zalo.token, base_url=zalo.base_url, poll_timeout=1)
    stop, ready, holder = asyncio.Event(), asyncio.Event(), {}

    def on_ready(running: dict) -> None:
        holder.update(running)
        ready.set()

    task = asyncio.create_task(
        serve(
            config,
            channels,
            oa=oa_config(emu, refresh, access, **oa_extra),
            zalo=zalo_conf,
            stop=stop,
            on_ready=on_ready,
        )
    )
    done, _ = await asyncio.wait(
        [task, asyncio.create_task(ready.wait())], timeout=30, return_when=asyncio.FIRST_COMPLETED
    )
    if task in done:
        task.result()
    emu.webhook_url = f"http://127.0.0.1:{holder['oa'].server.port}/zalo-oa"
    return emu, OaBot(emu, holder), stop, task


@pytest.fixture
async def oa(tmp_path):
    emu, bot, stop, task = await _start(tmp_path, ["oa"])
    yield bot
    stop.set()
    await asyncio.wait_for(task, 20)
    await emu.stop()


# --- the same handlers, real buttons ------------------------------------------------------------------------
async def test_registration_with_real_buttons_round_trip(oa):
    emu = oa.emu
    lan = "2468458835296117922"
    out = await emu.say(lan, "/start")
    assert out.startswith(msg.FIRST_CONTACT)
    buttons = emu.sent_to(lan)[-1].buttons
    assert buttons and all(
        b["type"] == "oa.query.hide" and b["payload"].startswith(CALLBACK_PREFIX) for b in buttons
    )
    assert "1. " not in out  # no numbered options on the OA
    out = await emu.tap(lan, "🔑 Tôi có mã mời")
    assert msg.ASK_CODE in out
    out = await emu.say(lan, "hgcs-2345")
    assert "Mã hợp lệ" in out
    out = await emu.tap(lan, "✅ Đúng")
    assert "Tổ hòa giải bản Na Lay" in out
    await emu.tap(lan, emu.buttons_of(lan)[0])
    int_id = await ZaloStore(oa.services.db).int_id(f"oa:{lan}")
    person = await oa.services.people.by_identity("oa", str(int_id))
    assert person is not None and person.role == Role.MEDIATOR
    assert (await oa.services.invites.by_code(DEMO_INVITE)).uses == 1
    # every reply went inside the user's window, addressed to their last message
    assert {m.quota_type for m in emu.sent_to(lan)} == {"reply"}


async def test_a_forged_callback_payload_is_checked_on_the_server(oa):
    emu = oa.emu
    guest = "9000000000000000001"
    await emu.say(guest, "/start")
    out = await emu.say(
        guest, f"{CALLBACK_PREFIX}bc:send"
    )  # a broadcast "send" typed by an unregistered user
    assert "Đã gửi" not in out
    assert await oa.services.broadcasts.repo.history(0) == []


async def test_links_are_open_url_buttons_and_long_keyboards_are_split(oa):
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    emu = oa.emu
    user = "9000000000000000002"
    await emu.say(user, "/start")
    chat = await ZaloStore(oa.services.db).int_id(f"oa:{user}")
    rows = [[InlineKeyboardButton(f"Mục {i}", callback_data=f"x:{i}")] for i in range(7)]
    rows.append([InlineKeyboardButton("Văn bản", url="https://vbpl.vn/luat-hoa-giai")])
    mark = len(emu.outbox)
    await oa.app.bot.send_message(chat, "Chọn mục", reply_markup=InlineKeyboardMarkup(rows))
    sent = emu.outbox[mark:]
    assert [len(m.buttons) for m in sent] == [5, 3] and sent[0].text == "Chọn mục"
    assert sent[1].buttons[-1] == {
        "title": "Văn bản",
        "type": "oa.open.url",
        "payload": {"url": "https://vbpl.vn/luat-hoa-giai"},
    }


async def test_documents_are_uploaded_or_linked_and_photos_are_media(oa, tmp_path):
    emu = oa.emu
    user = "9000000000000000003"
    await emu.say(user, "/start")
    chat = await ZaloStore(oa.services.db).int_id(f"oa:{user}")
    await oa.app.bot.send_document(
        chat, io.BytesIO(b"%PDF-1.4 ..."), filename="huong-dan.pdf", caption="Hướng dẫn"
    )
    assert emu.sent_to(user)[-1].file == "huong-dan.pdf" and emu.sent_to(user)[-2].text == "Hướng dẫn"
    await oa.app.bot.send_document(chat, io.BytesIO(b"PK..."), filename="so.xlsx")  # not a type the OA takes
    assert "so.xlsx" in emu.sent_to(user)[-1].text
    oa.app.bot.request.files.public_url = "https://bot.example.vn/zalo-oa"
    await oa.app.bot.send_photo(chat, io.BytesIO(b"\x89PNG..."), filename="bieu-do.png", caption="Biểu đồ")
    assert emu.sent_to(user)[-2].image.startswith("https://bot.example.vn/zalo-oa/files/")
    assert emu.sent_to(user)[-1].text == "Biểu đồ"


async def test_an_image_from_the_user_arrives_as_a_photo(oa):
    emu = oa.emu
    update = await oa.app.bot.request.translate(
        emu.event(
            "9000000000000000004",
            "user_send_image",
            text="Biên bản",
            attachments=[
                {"type": "image", "payload": {"url": "https://photo.zdn.vn/b.jpg", "thumbnail": "x"}}
            ],
        )
    )
    assert update["message"]["photo"][0]["file_id"] == "https://photo.zdn.vn/b.jpg"
    assert update["message"]["caption"] == "Biên bản"


# --- the signed webhook -------------------------------------------------------------------------------------
async def test_signature_missing_wrong_or_replayed_is_refused(oa):
    emu = oa.emu
    user = "9000000000000000005"
    event = emu.event(user, text="/start")
    body = json.dumps(event, ensure_ascii=False)
    assert await emu.post(body, signature=None) == 403
    assert await emu.post(body, signature="mac=" + "0" * 64) == 403
    tampered = json.dumps({**event, "message": {**event["message"], "text": "/trogiup"}}, ensure_ascii=False)
    assert await emu.post(tampered, signature=emu.sign(body, event["timestamp"])) == 403
    assert emu.outbox == []
    assert await emu.post(body) == 200  # the genuine one
    answered = len(emu.outbox)
    assert answered > 0
    assert await emu.post(body) == 200 and len(emu.outbox) == answered  # replayed at once: not handled again
    old = emu.event(user, text="/trogiup", at=time.time() - 13 * 3600)  # captured 13 hours ago, replayed now
    assert await emu.post(old) == 403 and len(emu.outbox) == answered
    async with httpx.AsyncClient() as client:
        for raw in (b"[]", b"{" * 50_000, b'{"timestamp": "1", "event_name": 5}'):
            headers = {"X-ZEvent-Signature": signature(emu.app_id, raw.decode(), "1", emu.oa_secret_key)}
            response = await client.post(emu.webhook_url, content=raw, headers=headers)
            assert response.status_code in (400, 403) and "Traceback" not in response.text
        # well signed but malformed: 400
        now = str(int(time.time() * 1000))
        raw = json.dumps({"timestamp": now, "event_name": "user_send_text", "sender": [], "message": {}})
        response = await client.post(
            emu.webhook_url, content=raw.encode(), headers={"X-ZEvent-Signature": emu.sign(raw, now)}
        )
        assert response.status_code == 400


# --- tokens -------------------------------------------------------------------------------------------------
async def test_the_access_token_is_refreshed_once_across_processes(tmp_path):
    emu = await OaEmulator().start()
    try:
        _, refresh = emu.grant()
        emu.refresh_delay_s = 0.3  # a slow OAuth server: the racers really overlap
        target = dbtarget.database_for(tmp_path, "tokens.db")
        await dbtarget.prepare(target)
        processes = [Services.build(Config(database_path=target)) for _ in range(3)]  # three "processes"
        for services in processes:
            await services.open()
        from bot.channels.oa import OaRequest
        from storage.oa import OaWindows

        conf = oa_config(emu, refresh)
        requests = []
        for services in processes:
            holder: list = []
            from bot.channels.oa import build_tokens

            request = OaRequest(
                conf, ZaloStore(services.db), build_tokens(services.db, conf, holder), OaWindows(services.db)
            )
            holder.append(request)
            requests.append(request)
        tokens = await asyncio.gather(*(r.tokens.access_token() for r in requests for _ in range(4)))
        assert (
            len(set(tokens)) == 1 and emu.refresh_calls == 1
        )  # one refresh; the single-use token spent once
        assert tokens[0] in emu.access_tokens
        # near expiry: refreshed again, still once
        await processes[0].db.execute(
            "UPDATE oa_tokens SET expires_at = ?", ((datetime.now(UTC) + timedelta(minutes=5)).isoformat(),)
        )
        for r in requests:
            r.tokens._cached = None
        again = await asyncio.gather(*(r.tokens.access_token() for r in requests for _ in range(3)))
        assert len(set(again)) == 1 and again[0] != tokens[0] and emu.refresh_calls == 2
        row = await processes[1].db.fetchone("SELECT refresh_token, expires_at FROM oa_tokens")
        assert row["refresh_token"] in emu.refresh_tokens
        assert datetime.fromisoformat(row["expires_at"]) > datetime.now(UTC) + timedelta(hours=24)
        for r in requests:
            await r.shutdown()
        for services in processes:
            await services.close()
    finally:
        await emu.stop()


async def test_a_refused_access_token_is_refreshed_and_the_call_retried(oa):
    emu = oa.emu
    user = "9000000000000000006"
    await emu.say(user, "/start")
    emu.access_tokens.clear()  # revoked on Zalo's side
    calls = emu.refresh_calls
    out = await emu.say(user, "/trogiup")
    assert msg.MENU_TITLE_GUEST in out and emu.refresh_calls == calls + 1


async def test_tokens_seeded_from_the_environment_are_kept_in_the_database(tmp_path):
    target = dbtarget.database_for(tmp_path, "seed.db")
    await dbtarget.prepare(target)
    services = Services.build(Config(database_path=target))
    await services.open()
    try:

        async def refresher(token: str):
            return f"access-for-{token}", f"next-{token}", 90000

        tokens = OaTokens(services.db, "app", refresher, initial=(None, "first-refresh"))
        assert await tokens.access_token() == "access-for-first-refresh"
        later = OaTokens(services.db, "app", refresher, initial=(None, "pasted-again"))  # a restart
        assert await later.access_token() == "access-for-first-refresh"
    finally:
        await services.close()


async def test_status_edits_leave_free_replies_for_the_final_report(oa):
    emu = oa.emu
    user = "3000000000000000010"
    await emu.say(user, "/trogiup")  # the user writes: the window opens, every message below is a reply
    chat = await ZaloStore(oa.services.db).int_id(f"oa:{user}")
    progress = await oa.app.bot.send_message(chat, "Đang gửi: 0/300")
    for done in range(30, 301, 30):  # ten progress edits, each would be a new message on Zalo
        await oa.app.bot.edit_message_text(
            f"Đang gửi: {done}/300", chat_id=chat, message_id=progress.message_id
        )
    await oa.app.bot.send_message(chat, "Đã gửi xong thông báo #7")
    sent = emu.sent_to(user)
    assert sent[-1].text == "Đã gửi xong thông báo #7" and sent[-1].quota_type == "reply"
    assert len(sent) <= 8 and {m.quota_type for m in sent} == {"reply"}  # never past the 8 free replies


# --- the 48-hour window in a broadcast ----------------------------------------------------------------------
async def test_broadcast_reports_recipients_outside_the_48_hour_window(oa):
    emu = oa.emu
    hoa, mai, hung = "3000000000000000003", "3000000000000000001", "3000000000000000002"
    await oa.as_person(hoa, "1003")
    await oa.as_person(mai, "1001")
    await oa.as_person(hung, "1002")
    await emu.say(mai, "/trogiup")  # Mai wrote to the OA just now: inside her window
    # Hùng wrote three days ago: outside
    await oa.services.db.execute(
        "INSERT INTO oa_windows(user_id, last_user_at, last_message_id, replies_used) VALUES (?, ?, ?, 0)",
        (hung, (datetime.now(UTC) - timedelta(days=3)).isoformat(), "old-message-id"),
    )
    out = await emu.say(hoa, "/thongbao")
    for _ in range(6):
        if msg.BC_ASK_TEXT[:30] in out:
            break
        out = await emu.tap(hoa, emu.buttons_of(hoa)[0])
    out = await emu.say(hoa, "Họp tổ hòa giải sáng thứ Hai")
    out = await emu.tap(hoa, msg.BC_BTN_NO_ATTACHMENT)
    mark = len(emu.outbox)
    send = next(t for t in emu.buttons_of(hoa) if "Gửi" in t)
    await emu.tap(hoa, send)
    await emu.wait_for(
        lambda: any(msg.BC_OUTSIDE_WINDOW_LINE[:20] in (m.text or "") for m in emu.outbox[mark:]), timeout=30
    )
    assert any("Họp tổ hòa giải sáng thứ Hai" in (m.text or "") for m in emu.sent_to(mai))
    assert not any("Họp tổ hòa giải sáng thứ Hai" in (m.text or "") for m in emu.sent_to(hung))
    report = next(m.text for m in emu.outbox[mark:] if msg.BC_OUTSIDE_WINDOW_LINE[:20] in (m.text or ""))
    assert "Ngoài thời hạn 48 giờ (Zalo OA): 1 người" in report
    rows = await oa.services.db.fetchall(
        "SELECT status, error FROM outbox WHERE chat_id = ?",
        (str(await ZaloStore(oa.services.db).int_id(f"oa:{hung}")),),
    )
    assert [(r["status"], msg.OA_OUTSIDE_WINDOW in (r["error"] or "").lower()) for r in rows] == [
        ("failed", True)
    ]


async def test_with_proactive_quota_the_oa_sends_outside_the_window(tmp_path):
    emu, bot, stop, task = await _start(tmp_path, ["oa"], proactive=True)
    try:
        emu.proactive_quota = 1
        user = "3000000000000000009"
        chat = await ZaloStore(bot.services.db).int_id(f"oa:{user}")
        await bot.app.bot.send_message(chat, "Nhắc lịch tập huấn")
        assert emu.sent_to(user)[-1].quota_type == "sub_quota" and emu.proactive_quota == 0
        from telegram.error import BadRequest

        with pytest.raises(BadRequest):
            await bot.app.bot.send_message(chat, "Tin thứ hai")  # quota used up: refused by Zalo, reported
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)
        await emu.stop()


# --- one case report, three channels, unchanged handlers ----------------------------------------------------
async def test_the_same_case_report_on_telegram_zalo_bot_and_zalo_oa(tmp_path):
    telegram = await BotApiEmulator().start()
    zalo = await ZaloApiEmulator().start()
    emu, bot, stop, task = await _start(
        tmp_path, ["telegram", "zalo", "oa"], extra_emulators={"telegram": telegram, "zalo": zalo}
    )
    try:
        services = bot.services
        people = services.people
        mai = await people.by_identity("console", "1001")
        await people.link_identity(mai.id, "telegram", "777001", "777001")
        zalo_mai = zalo.user(None, "Quàng Thị Mai")
        zint = await ZaloStore(services.db).int_id(zalo_mai, "Quàng Thị Mai")
        await people.link_identity(mai.id, "zalo", str(zint), str(zint))
        oa_mai = "3000000000000000101"
        await bot.as_person(oa_mai, "1001")
        choices = ("Hôm nay", "Đất đai", "Một bên hoặc các bên yêu cầu", "Hòa giải thành")

        # Telegram: buttons
        await telegram.wait_for(lambda: telegram.api.commands, timeout=30)
        user = EmulatedUser(telegram, 777001)
        await user.say("/baocao")
        for choice in choices:
            await user.tap(choice)
        out = texts(await user.tap("Gửi báo cáo"))
        assert "Đã ghi vào sổ vụ việc số ML-" in out
        # Zalo Bot: numbered options
        out = await zalo.say(zalo_mai, "/baocao")
        for choice in choices:
            out = await zalo.say(zalo_mai, number_of(out, choice))
        out = await zalo.say(zalo_mai, number_of(out, "Gửi báo cáo"))
        assert "Đã ghi vào sổ vụ việc số ML-" in out
        # Zalo OA: real buttons
        await emu.say(oa_mai, "/baocao")
        for choice in choices:
            title = next(t for t in emu.buttons_of(oa_mai) if choice in t)
            await emu.tap(oa_mai, title)
        out = await emu.tap(oa_mai, next(t for t in emu.buttons_of(oa_mai) if "Gửi báo cáo" in t))
        assert "Đã ghi vào sổ vụ việc số ML-" in out

        stored = await services.cases.repo.find(limit=10)
        assert len(stored) == 3
        assert {(c.field, c.basis, c.result, c.reporter_id) for c in stored} == {
            ("dat_dai", "yeu_cau", "thanh", mai.id)
        }
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
        await emu.stop()
        await zalo.stop()
        await telegram.stop()


def test_oa_config_from_env():
    conf = Config.from_env(
        {
            "ZALO_OA_APP_ID": "1",
            "ZALO_OA_APP_SECRET": "s",
            "ZALO_OA_SECRET_KEY": "k",
            "ZALO_OA_REFRESH_TOKEN": "r",
            "ZALO_OA_PROACTIVE": "1",
            "ZALO_OA_WEBHOOK_PORT": "9000",
        }
    ).oa
    assert conf.proactive and conf.webhook_port == 9000 and conf.webhook_path == "zalo-oa"
    conf.check()
    from bot.channels.telegram import ConfigError

    with pytest.raises(ConfigError, match="ZALO_OA_SECRET_KEY"):
        Config.from_env({"ZALO_OA_APP_ID": "1", "ZALO_OA_APP_SECRET": "s"}).oa.check()
