"""The Zalo channel through the real ZaloRequest transport over HTTP, against the local Zalo Bot API emulator.

Each test runs the same handlers as Telegram (`serve(..., ["zalo"])`, python-telegram-bot's own polling)
and talks to them as Zalo users: numbered options instead of buttons, one digit or the button's text.
A question test (when the question-answering capability lands) is one more `await bot.say(...)` here.
"""

from __future__ import annotations

import asyncio
import io
import re
from dataclasses import dataclass

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import messages as msg
from bot.app import MediatorApplication
from bot.channels.runner import Running, serve
from bot.channels.zalo import SECRET_HEADER, TEXT_LIMIT, plain_text, split_text, text_length
from bot.config import Config, ZaloConfig
from bot.container import Services
from bot.demo import DEMO_INVITE, seed_demo
from services.models import Role
from storage.zalo import ZALO_ID_BASE, ZaloStore
from tests import dbtarget
from tests.zalo_emulator import ZaloApiEmulator

SECRET = "s3cret-token-for-tests"


@dataclass
class ZaloBot:
    emu: ZaloApiEmulator
    app: MediatorApplication
    running: Running

    @property
    def services(self) -> Services:
        return self.app.services

    async def say(self, zalo_id: str, text: str) -> str:
        return await self.emu.say(zalo_id, text)

    async def as_person(self, zalo_id: str, console_id: str, name: str) -> int:
        """Give the demo person behind a console identity a Zalo identity too; returns its integer id."""
        self.emu.user(zalo_id, name)
        person = await self.services.people.by_identity("console", console_id)
        int_id = await ZaloStore(self.services.db).int_id(zalo_id, name)
        await self.services.people.link_identity(person.id, "zalo", str(int_id), str(int_id))
        return int_id


async def _run(tmp_path, webhook: bool = False, files_url: str | None = None, port: int = 0):
    emu = await ZaloApiEmulator().start()
    target = dbtarget.database_for(tmp_path, "zalo.db")  # PostgreSQL too, with TEST_DATABASE_URL
    await dbtarget.prepare(target)
    config = Config(database_path=target, persistence_interval_s=0.2, data_dir=str(tmp_path))
    services = Services.build(config)
    await services.open()
    await seed_demo(services)
    await services.close()
    zconf = ZaloConfig(
        token=emu.token,
        base_url=emu.base_url,
        poll_timeout=1,
        webhook_url="http://127.0.0.1:0",
        webhook_secret=SECRET,
        webhook_listen="127.0.0.1",
        webhook_port=port,
        files_url=files_url,
    )
    stop, ready, holder = asyncio.Event(), asyncio.Event(), {}

    def on_ready(running: dict) -> None:
        holder.update(running)
        ready.set()

    task = asyncio.create_task(
        serve(config, ["zalo"], webhook=webhook, zalo=zconf, stop=stop, on_ready=on_ready)
    )
    done, _ = await asyncio.wait(
        [task, asyncio.create_task(ready.wait())], timeout=20, return_when=asyncio.FIRST_COMPLETED
    )
    if task in done:
        task.result()
    return emu, ZaloBot(emu, holder["zalo"].app, holder["zalo"]), stop, task


@pytest.fixture
async def zalo(tmp_path):
    emu, bot, stop, task = await _run(tmp_path)
    yield bot
    stop.set()
    await asyncio.wait_for(task, 20)
    await emu.stop()


# --- registration, menu, full flows with numbered options --------------------------------------------------
async def test_registration_with_invite_code_and_numbered_options(zalo):
    emu = zalo.emu
    lan = emu.user("7a1c3f9e0b2d4c6e8f10", "Điêu Thị Lan")
    out = await zalo.say(lan, "/start")
    assert "1. 🔑 Tôi có mã mời" in out
    out = await zalo.say(lan, "1")
    assert msg.ASK_CODE in out
    out = await zalo.say(lan, "hgcs-2345")
    assert "Mã hợp lệ" in out and "Điêu Thị Lan" in out
    assert "1. ✅ Đúng" in out and "2. ✏️ Không, sửa lại" in out
    out = await zalo.say(lan, "dung")  # the button's text, typed without diacritics
    assert "Tổ hòa giải bản Na Lay" in out
    out = await zalo.say(lan, "1")
    assert "Đăng ký thành công" in out and "Điêu Thị Lan" in out
    assert "1. " in out  # the menu, as numbered options

    store = ZaloStore(zalo.services.db)
    int_id = await store.int_id(lan)
    assert int_id > ZALO_ID_BASE and await store.zalo_id(int_id) == lan
    person = await zalo.services.people.by_identity("zalo", str(int_id))
    assert person is not None and person.full_name == "Điêu Thị Lan" and person.role == Role.MEDIATOR
    assert ("zalo", str(int_id), str(int_id)) in await zalo.services.people.identities(person.id)
    invite = await zalo.services.invites.by_code(DEMO_INVITE)
    assert invite.uses == 1


async def test_menu_and_full_invite_flow_by_an_official(zalo):
    hoa = "c0ffee0000000000a003"
    await zalo.as_person(hoa, "1003", "Lò Thị Hoa")
    out = await zalo.say(hoa, "/trogiup")
    assert "Lò Thị Hoa" in out
    menu = dict(re.findall(r"^\s+(\d+)\. (.+)$", out, flags=re.MULTILINE))
    number = next(n for n, label in menu.items() if label == msg.BTN_INVITE)
    out = await zalo.say(hoa, number)
    assert msg.INVITE_PICK_ROLE in out and "1. Hòa giải viên" in out
    out = await zalo.say(hoa, "Hoa giai vien")
    assert msg.INVITE_PICK_TEAM in out
    out = await zalo.say(hoa, "2")
    assert msg.INVITE_PICK_USES in out and "2. 5 người" in out
    out = await zalo.say(hoa, "2")
    assert msg.INVITE_PICK_DAYS in out
    out = await zalo.say(hoa, "3")
    assert "Đã tạo mã mời" in out and "Dùng được: 5 người" in out
    code = re.search(r"/start ([A-Z0-9]{4}-[A-Z0-9]{4})", out).group(1)
    invite = await zalo.services.invites.by_code(code.replace("-", ""))
    assert invite.max_uses == 5 and invite.role == Role.MEDIATOR
    assert invite.team_id == (await zalo.services.org.team_by_code("ML-02")).id
    # The tapped options were cleared: a digit now picks from the menu offered after the flow.
    assert msg.MENU_AFTER_FLOW in out
    out = await zalo.say(hoa, "3")
    assert "Đã tạo mã mời" not in out and msg.INVITE_PICK_DAYS not in out


def number_of(out: str, label: str) -> str:
    """The number a Zalo user types for the option whose text contains `label` (diacritics ignored)."""
    from unidecode import unidecode

    options = re.findall(r"^\s+(\d+)\. (.+)$", out, flags=re.MULTILINE)
    wanted = unidecode(label).lower()
    found = [n for n, text in options if wanted in unidecode(text).lower()]
    assert found, f"no option {label!r} in {options}"
    return found[-1]


async def test_full_case_report_with_numbered_options(zalo):
    mai = "ab12cd34ef56ab78cd90"
    await zalo.as_person(mai, "1001", "Quàng Thị Mai")
    out = await zalo.say(mai, "/trogiup")
    out = await zalo.say(mai, number_of(out, "Báo cáo vụ việc"))
    for choice in ("Hôm nay", "Đất đai", "Một bên hoặc các bên yêu cầu", "Hòa giải thành"):
        out = await zalo.say(mai, number_of(out, choice))
    out = await zalo.say(mai, "gui bao cao")  # the button's text, typed without diacritics
    assert "Đã ghi vào sổ vụ việc số ML-" in out
    stored = await zalo.services.cases.repo.find(limit=5)
    assert len(stored) == 1 and (stored[0].field, stored[0].result) == ("dat_dai", "thanh")
    me = await zalo.services.people.by_identity("console", "1001")
    assert stored[0].reporter_id == me.id


async def test_a_stale_or_unknown_number_is_typed_text(zalo):
    guest = zalo.emu.user("guest-zalo-1", "Khách")
    await zalo.say(guest, "/start")
    out = await zalo.say(guest, "7")  # no option 7: plain text, i.e. a (too short) question
    assert msg.QA_EMPTY in out


async def test_sticker_and_unsupported_get_the_menu(zalo):
    guest = zalo.emu.user("guest-zalo-2", "Khách")
    mark = len(zalo.emu.outbox)
    zalo.emu.sticker(guest)
    out = await zalo.emu.replies(guest, mark)
    assert msg.MENU_TITLE_GUEST in out[-1].text and msg.FIRST_CONTACT == out[0].text


# --- the transport: broadcast from a job, edits, callback answers, files, long messages --------------------
async def test_job_fans_out_to_zalo_recipients(zalo):
    members = {"zalo-mai": ("1001", "Quàng Thị Mai"), "zalo-hung": ("1002", "Lò Văn Hùng")}
    chat_ids = [await zalo.as_person(z, console, name) for z, (console, name) in members.items()]
    team = await zalo.services.org.team_by_code("ML-01")

    async def announce(context) -> None:
        for person in await context.application.services.people.members_of_team(team.id):
            for channel, _external, chat_id in await context.application.services.people.identities(
                person.id
            ):
                if channel == context.application.channel:
                    await context.bot.send_message(int(chat_id), f"Thông báo họp tổ, gửi {person.full_name}")

    zalo.app.job_queue.run_once(announce, 0)
    await zalo.emu.wait_for(lambda: len([m for m in zalo.emu.outbox if m.text.startswith("Thông báo")]) == 2)
    assert {m.chat_id for m in zalo.emu.outbox} == set(members)
    assert all(isinstance(c, int) and c > ZALO_ID_BASE for c in chat_ids)


async def test_long_message_is_split_on_lines_under_the_limit(zalo):
    user = zalo.emu.user("zalo-long", "Người đọc")
    chat = await ZaloStore(zalo.services.db).int_id(user)
    lines = [
        f"Dòng {i}: Luật Hòa giải ở cơ sở năm 2013 quy định nguyên tắc tự nguyện, bình đẳng."
        for i in range(90)
    ]
    await zalo.app.bot.send_message(chat, "\n".join(lines))
    parts = [m.text for m in zalo.emu.sent_to(user)]
    assert len(parts) == 4 and all(1 <= len(p) <= TEXT_LIMIT for p in parts)
    assert "\n".join(parts) == "\n".join(lines)


async def test_edit_sends_new_message_and_keeps_numbers_working(zalo):
    user = zalo.emu.user("zalo-edit", "Người dùng")
    chat = await ZaloStore(zalo.services.db).int_id(user)
    first = InlineKeyboardMarkup([[InlineKeyboardButton("Một", callback_data="x:1")]])
    second = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Hai", callback_data="x:2"), InlineKeyboardButton("Ba", callback_data="x:3")]]
    )
    sent = await zalo.app.bot.send_message(chat, "Câu hỏi", reply_markup=first)
    edited = await zalo.app.bot.edit_message_text(
        "Câu hỏi đã sửa", chat, sent.message_id, reply_markup=second
    )
    assert edited.message_id == sent.message_id
    texts = [m.text for m in zalo.emu.sent_to(user)]
    assert texts == ["Câu hỏi\n\n  1. Một", "Câu hỏi đã sửa\n\n  1. Hai\n  2. Ba"]
    update = await zalo.running.app.bot.request.translate(
        zalo.emu._event("message.text.received", user, text="2")
    )
    assert update["callback_query"]["data"] == "x:3"
    assert update["callback_query"]["message"]["message_id"] == sent.message_id
    await zalo.app.bot.edit_message_reply_markup(chat, sent.message_id, reply_markup=None)
    update = await zalo.running.app.bot.request.translate(
        zalo.emu._event("message.text.received", user, text="2")
    )
    assert update["message"]["text"] == "2"


async def test_callback_answer_with_text_is_a_short_message(zalo):
    user = zalo.emu.user("zalo-toast", "Người dùng")
    chat = await ZaloStore(zalo.services.db).int_id(user)
    await zalo.app.bot.send_message(
        chat, "Chọn", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="t:a")]])
    )
    update = await zalo.app.bot.request.translate(zalo.emu._event("message.text.received", user, text="1"))
    await zalo.app.bot.answer_callback_query(update["callback_query"]["id"], text="Đã ghi nhận")
    await zalo.app.bot.answer_callback_query(update["callback_query"]["id"])
    assert [m.text for m in zalo.emu.sent_to(user)][-1] == "Đã ghi nhận"
    assert len(zalo.emu.sent_to(user)) == 3  # the first contact disclosure, the options, the answer


async def test_document_without_public_address_tells_the_user(zalo):
    user = zalo.emu.user("zalo-doc", "Người dùng")
    chat = await ZaloStore(zalo.services.db).int_id(user)
    message = await zalo.app.bot.send_document(
        chat, io.BytesIO(b"PK..."), filename="so-hoa-giai.xlsx", caption="Sổ theo dõi tháng 6"
    )
    assert message.document.file_name == "so-hoa-giai.xlsx"
    text = zalo.emu.sent_to(user)[-1].text
    assert text.startswith("Sổ theo dõi tháng 6") and "so-hoa-giai.xlsx" in text and "Telegram" in text
    await zalo.app.bot.send_chat_action(chat, "typing")
    assert zalo.emu.actions[-1] == {"chat_id": user, "action": "typing"}


async def test_incoming_photo_can_be_downloaded(zalo, tmp_path):
    user = zalo.emu.user("zalo-photo", "Người dùng")
    update = await zalo.app.bot.request.translate(
        zalo.emu._event(
            "message.image.received",
            user,
            photo=f"{zalo.emu.base_url}/bot{zalo.emu.token}/getMe",
            caption="Biên bản",
        )
    )
    photo = update["message"]["photo"][-1]
    assert update["message"]["caption"] == "Biên bản"
    file = await zalo.app.bot.get_file(photo["file_id"])
    content = await file.download_as_bytearray()
    assert b"bot.HoaGiaiTest" in bytes(content)


async def test_unknown_chat_is_refused_cleanly(zalo):
    from telegram.error import BadRequest

    with pytest.raises(BadRequest):
        await zalo.app.bot.send_message(ZALO_ID_BASE + 999_999, "Xin chào")


# --- webhook ------------------------------------------------------------------------------------------------
async def test_webhook_checks_the_secret_token(tmp_path):
    emu, bot, stop, task = await _run(tmp_path, webhook=True, files_url=None)
    try:
        port = bot.running.server.port
        url = f"http://127.0.0.1:{port}/zalo"
        assert emu.webhook == {
            "url": "http://127.0.0.1:0/zalo",
            "secret_token": SECRET,
            "updated_at": emu.webhook["updated_at"],
        }
        event = {
            "ok": True,
            "result": emu._event("message.text.received", emu.user("zw", "Khách"), text="/start"),
        }
        async with httpx.AsyncClient() as client:
            assert (await client.post(url, json=event)).status_code == 403
            assert (
                await client.post(url, json=event, headers={SECRET_HEADER: "wrong-secret"})
            ).status_code == 403
            assert (await client.get(url, headers={SECRET_HEADER: "wrong-secret"})).status_code == 403
            assert (
                await client.post(url, content=b"not json", headers={SECRET_HEADER: SECRET})
            ).status_code == 400
            assert emu.outbox == []
            mark = len(emu.outbox)
            response = await client.post(url, json=event, headers={SECRET_HEADER: SECRET})
            assert response.status_code == 200
        out = await emu.replies("zw", mark)
        assert "Tôi có mã mời" in out[-1].text and out[0].text == msg.FIRST_CONTACT
        # shown once: the adapter discloses, the welcome of /start does not repeat it
        assert sum(msg.FIRST_CONTACT in m.text for m in out) == 1
        # The emulator delivers events to the webhook the way Zalo does.
        mark = len(emu.outbox)
        emu.webhook["url"] = url
        emu.text("zw", "1")
        out = await emu.replies("zw", mark)
        assert msg.ASK_CODE in out[0].text and emu.webhook_responses == [200]
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)
        await emu.stop()


async def test_files_are_published_as_links(tmp_path):
    emu, bot, stop, task = await _run(tmp_path, files_url="http://127.0.0.1:PORT/zalo")
    try:
        port = bot.running.server.port
        bot.running.app.bot.request.files.public_url = f"http://127.0.0.1:{port}/zalo"
        user = emu.user("zalo-file", "Người dùng")
        chat = await ZaloStore(bot.services.db).int_id(user)
        await bot.app.bot.send_document(chat, io.BytesIO("báo cáo".encode()), filename="bao cao 6.txt")
        link = re.search(r"(http://\S+)", emu.sent_to(user)[-1].text).group(1)
        async with httpx.AsyncClient() as client:
            response = await client.get(link)
            assert response.status_code == 200 and response.content == "báo cáo".encode()
            assert (await client.get(link.replace("/files/", "/files/x"))).status_code == 404
        await bot.app.bot.send_photo(
            chat, io.BytesIO(b"\x89PNG..."), filename="bieu-do.png", caption="Biểu đồ"
        )
        photo = emu.sent_to(user)[-1]
        assert photo.photo.startswith(f"http://127.0.0.1:{port}/zalo/files/") and photo.caption == "Biểu đồ"
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)
        await emu.stop()


# --- pure helpers ----------------------------------------------------------------------------------------
def test_plain_text_drops_markup():
    assert plain_text("<b>Luật</b> &amp; <i>Nghị định</i><br>xong", "HTML") == "Luật & Nghị định\nxong"
    assert plain_text('<a href="https://x.vn">Xem</a>', "HTML") == "Xem (https://x.vn)"
    assert plain_text(r"*Đậm* \- 1\.5", "MarkdownV2") == "Đậm - 1.5"
    assert plain_text("*a* b", None) == "*a* b"


@given(
    st.lists(
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"),
            min_size=1,
            max_size=300,
        ).filter(lambda s: s.strip()),
        max_size=40,
    ),
    st.integers(min_value=20, max_value=400),
)
def test_split_keeps_every_line_and_respects_the_limit(lines, limit):
    text = "\n".join(lines)
    chunks = split_text(text, limit)
    assert all(1 <= text_length(c) <= limit and c.strip() for c in chunks)
    assert re.sub(r"\s", "", "".join(chunks)) == re.sub(r"\s", "", text)
    if all(text_length(line) <= limit for line in lines):
        assert "\n".join(chunks) == text


def test_split_cuts_a_long_line_at_spaces():
    words = ["hòa giải"] * 600
    chunks = split_text(" ".join(words), 2000)
    assert len(chunks) == 3 and all(len(c) <= 2000 for c in chunks)
    assert all(not c.startswith(" ") and not c.endswith(" ") for c in chunks)


def test_zalo_config_from_env():
    conf = Config.from_env(
        {
            "ZALO_BOT_TOKEN": "1:a",
            "ZALO_WEBHOOK_URL": "https://bot.example.vn/",
            "ZALO_WEBHOOK_SECRET": "short",
        }
    ).zalo
    assert conf.base_url == "https://bot-api.zaloplatforms.com" and conf.files_url == "https://bot.example.vn"
    assert conf.public_webhook_url == "https://bot.example.vn/zalo"
    conf.check(webhook=False)
    with pytest.raises(Exception, match="ZALO_WEBHOOK_SECRET"):
        conf.check(webhook=True)
    with pytest.raises(Exception, match="ZALO_BOT_TOKEN"):
        Config.from_env({}).zalo.check(webhook=False)


async def test_telegram_and_zalo_webhooks_share_one_port(tmp_path):
    import socket

    from tests.emulator import BotApiEmulator

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    telegram, emu = await BotApiEmulator().start(), await ZaloApiEmulator().start()
    config = Config(
        database_path=str(tmp_path / "both.db"),
        bot_token=telegram.token,
        telegram_base_url=telegram.base_url,
        webhook_url="https://bot.example.vn",
        webhook_secret="telegram-secret-0123456789",
        webhook_listen="127.0.0.1",
        webhook_port=port,
    )
    zconf = ZaloConfig(
        token=emu.token,
        base_url=emu.base_url,
        webhook_url="https://bot.example.vn",
        webhook_secret=SECRET,
        webhook_listen="127.0.0.1",
        webhook_port=port,
    )
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(
        serve(
            config,
            ["telegram", "zalo"],
            webhook=True,
            zalo=zconf,
            stop=stop,
            on_ready=lambda running: ready.set(),
        )
    )
    try:
        await asyncio.wait_for(ready.wait(), 20)
        assert telegram.api.webhook["url"] == "https://bot.example.vn/telegram"
        assert emu.webhook["url"] == "https://bot.example.vn/zalo"
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient() as client:
            assert (await client.get(f"{base}/healthz")).json()["status"] == "ok"
            zalo_event = {
                "ok": True,
                "result": emu._event("message.text.received", emu.user("zz", "Khách"), text="/start"),
            }
            assert (
                await client.post(
                    f"{base}/zalo", json=zalo_event, headers={SECRET_HEADER: "telegram-secret-0123456789"}
                )
            ).status_code == 403
            assert (
                await client.post(f"{base}/zalo", json=zalo_event, headers={SECRET_HEADER: SECRET})
            ).status_code == 200
            tg_update = telegram.api.user_message(4242, "/start")
            telegram.api.updates.clear()
            response = await client.post(
                f"{base}/telegram",
                json=tg_update,
                headers={"X-Telegram-Bot-Api-Secret-Token": "telegram-secret-0123456789"},
            )
            assert response.status_code == 200
        assert "Tôi có mã mời" in (await emu.replies("zz", 0))[-1].text
        assert "Tôi có mã mời" in texts_of(await telegram.reply_to(4242, 0))
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)
        await telegram.stop()
        await emu.stop()


def texts_of(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


async def test_a_question_on_zalo_is_answered_with_citation_and_numbered_options(zalo):
    guest = zalo.emu.user("guest-zalo-qa", "Khách")
    out = await zalo.say(guest, "to hoa giai phai co it nhat may nguoi")
    assert "📖 Căn cứ:" in out and "Luật Hòa giải ở cơ sở 2013" in out
    helpful = re.search(r"^\s+(\d+)\. 👍", out, flags=re.MULTILINE)  # after the related questions' numbers
    assert helpful
    feedback = await zalo.say(guest, helpful.group(1))  # the numbered option maps back to the 👍 button
    assert feedback.strip()
    stored = await zalo.services.db.fetchone("SELECT feedback FROM qa_questions ORDER BY id DESC LIMIT 1")
    assert stored["feedback"] == 1
