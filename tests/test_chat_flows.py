"""Issue 19: a chat nobody gets lost in — scripted walks through each trap a new user hit (console harness).

Starting a flow ends the others (a case draft stays and is offered again); free text is a question unless the
step asks for text; leaving words work without a slash; ✖ Hủy on the steps; the menu after a flow."""

from __future__ import annotations

import pytest

from bot import messages as msg
from handlers.flows import CANCEL_DATA, leaving_word
from tests.harness import texts

MEDIATOR, COMMUNE = "mediator", "commune"
QUESTION = "hòa giải viên có được nhận thù lao không"


async def person(bot, who):
    return await bot.services.people.by_identity("console", str(bot.user_id(who)))


async def draft_values(bot, who=MEDIATOR):
    draft = await bot.services.cases.repo.draft((await person(bot, who)).id, "new")
    return None if draft is None else draft.values


async def to_review(bot, who=MEDIATOR):
    await bot.say(who, "/baocao")
    for label in ("Hôm nay", "Đất đai", "Một bên hoặc các bên yêu cầu", "Hòa giải thành"):
        await bot.tap(who, label)
    assert msg.CASE_REVIEW_TITLE in texts(bot.api.sent_to(bot.user_id(who))[-1:])


def is_answer(out) -> bool:
    return any(m.get("text", "").startswith("✅") for m in out) or msg.QA_NOT_SURE in texts(out)


@pytest.mark.parametrize(
    "word, how",
    [
        ("huy", "cancel"),
        ("Hủy", "cancel"),
        ("HUỶ", "cancel"),
        ("/huy", "cancel"),
        ("thoát", "leave"),
        ("Thoat", "leave"),
        ("thôi", "leave"),
        ("Quay lại", "leave"),
        ("quay lai", "leave"),
        ("MENU", "leave"),
        ("huy bo", "cancel"),
        ("hủy báo cáo đi", None),
        ("thôi việc", None),
    ],
)
def test_leaving_words(word, how):
    assert leaving_word(word) == how


async def test_question_after_library_is_answered(bot):
    await bot.say(MEDIATOR, "/tailieu")
    out = await bot.say(MEDIATOR, QUESTION)
    assert "Không tìm thấy tài liệu" not in texts(out) and is_answer(out)


async def test_library_search_during_case_review_does_not_touch_the_case(bot):
    await to_review(bot)
    [home] = await bot.say(MEDIATOR, "/tailieu")  # starting the library ends the case flow
    await bot.tap(MEDIATOR, "Tìm theo tên", home)
    out = await bot.say(MEDIATOR, "so theo doi")
    assert "Tìm thấy" in texts(out)
    values = await draft_values(bot)
    assert values is not None and not values.get("summary")  # the draft is kept, its summary untouched
    out = await bot.say(MEDIATOR, "/baocao")
    assert "đang làm dở" in texts(out)  # and offered again
    out = await bot.tap(MEDIATOR, "Tiếp tục báo cáo dở")
    assert msg.CASE_REVIEW_TITLE in texts(out)


async def test_text_on_case_review_is_a_question(bot):
    await to_review(bot)
    out = await bot.say(MEDIATOR, QUESTION)
    assert is_answer(out)
    assert not (await draft_values(bot)).get("summary")
    out = await bot.tap(
        MEDIATOR, "Gửi báo cáo", bot.api.sent_to(bot.user_id(MEDIATOR))[-2]
    )  # the review's buttons
    assert "Đã ghi vào sổ" in texts(out)


async def test_stats_period_goes_to_stats_not_to_a_broadcast(bot):
    await bot.say(COMMUNE, "/thongbao")
    await bot.tap(COMMUNE, "Soạn thông báo mới")
    await bot.tap(COMMUNE, "Toàn xã/phường")  # the broadcast now waits for its text
    await bot.say(COMMUNE, "/thongke")
    await bot.tap(COMMUNE, "Tùy chọn")
    out = await bot.say(COMMUNE, "1/1/2025 - 31/3/2025")
    assert "Kỳ: quý I/2025" in texts(out) and "Gửi cho" not in texts(out)
    assert await bot.services.db.fetchall("SELECT id FROM broadcasts") == []


async def test_free_text_at_a_button_step_is_a_question_and_the_flow_goes_on(bot):
    await bot.say(COMMUNE, "/moi")
    buttons = bot.last_with_buttons(COMMUNE)
    out = await bot.say(COMMUNE, QUESTION)
    assert is_answer(out) and msg.USE_BUTTONS not in texts(out)
    out = await bot.tap(COMMUNE, "Hòa giải viên", buttons)
    assert msg.INVITE_PICK_TEAM in texts(out)


@pytest.mark.parametrize("word", ["huy", "hủy", "thoát", "thoat", "thôi", "quay lại", "menu", "Huỷ", "THOÁT"])
async def test_leaving_words_end_any_flow_and_offer_the_menu(bot, word):
    await bot.say(COMMUNE, "/thongke")
    await bot.tap(COMMUNE, "Tùy chọn")  # a step that asks for text
    out = await bot.say(COMMUNE, word)
    assert msg.MENU_AFTER_FLOW in texts(out)
    out = await bot.say(COMMUNE, "1/1/2025 - 31/3/2025")  # the stats flow is over: this is a question
    assert "Kỳ: quý I/2025" not in texts(out)


async def test_huy_deletes_the_case_draft_thoat_keeps_it(bot):
    await to_review(bot)
    out = await bot.say(MEDIATOR, "thoát")
    assert msg.FLOW_LEFT in texts(out) and await draft_values(bot)
    await bot.say(MEDIATOR, "/baocao")
    await bot.tap(MEDIATOR, "Tiếp tục báo cáo dở")
    out = await bot.say(MEDIATOR, "huy")
    assert msg.CASE_CANCELLED in texts(out) and msg.MENU_AFTER_FLOW in texts(out)
    assert await draft_values(bot) is None


async def test_nothing_to_cancel(bot):
    out = await bot.say(MEDIATOR, "hủy")
    assert msg.NOTHING_TO_CANCEL in texts(out) and msg.MENU_AFTER_FLOW in texts(out)


async def test_cancel_button(bot):
    await bot.say(COMMUNE, "/moi")
    out = await bot.tap_data(COMMUNE, CANCEL_DATA, bot.last_with_buttons(COMMUNE))
    assert msg.MENU_AFTER_FLOW in texts(out)
    out = await bot.say(COMMUNE, QUESTION)
    assert is_answer(out)


async def test_menu_offered_after_a_flow_finishes(bot):
    await to_review(bot)
    out = await bot.tap(MEDIATOR, "Gửi báo cáo")
    assert "Đã ghi vào sổ" in out[0]["text"] and out[-1]["text"].startswith(msg.MENU_AFTER_FLOW)
    assert [m["text"] for m in out].count(out[-1]["text"]) == 1


async def test_switching_survives_a_restart(bot):
    """The flow ended by a switch stays ended after a restart (its state is persisted)."""
    await bot.say(COMMUNE, "/thongke")
    await bot.tap(COMMUNE, "Tùy chọn")
    await bot.say(COMMUNE, "/tailieu")
    await bot.restart()
    out = await bot.say(COMMUNE, "1/1/2025 - 31/3/2025")
    assert "Kỳ: quý I/2025" not in texts(out)


def nav_labels(bot, who):
    return [o.label for o in bot.buttons(who)][-2:]


async def test_every_invite_step_has_back_and_cancel_and_back_restores_the_step(bot):
    out = await bot.say(COMMUNE, "/moi")
    assert nav_labels(bot, COMMUNE) == [msg.BTN_BACK, msg.BTN_CANCEL]
    await bot.tap(COMMUNE, "Hòa giải viên")
    assert nav_labels(bot, COMMUNE) == [msg.BTN_BACK, msg.BTN_CANCEL]
    await bot.tap(COMMUNE, 1)  # a team
    assert nav_labels(bot, COMMUNE) == [msg.BTN_BACK, msg.BTN_CANCEL]
    out = await bot.tap(COMMUNE, msg.BTN_BACK)  # uses → the team question again
    assert msg.INVITE_PICK_TEAM in texts(out)
    out = await bot.tap(COMMUNE, msg.BTN_BACK)  # → the role question
    assert msg.INVITE_PICK_ROLE in texts(out)
    await bot.tap(COMMUNE, "Tổ trưởng")  # the restored step works
    await bot.tap(COMMUNE, 1)
    await bot.tap(COMMUNE, 1)
    out = await bot.tap(COMMUNE, 1)
    assert "Đã tạo mã mời" in texts(out) and "Tổ trưởng" in texts(out)


async def test_back_on_the_first_step_leaves_to_the_menu(bot):
    await bot.say(COMMUNE, "/thongke")
    out = await bot.tap(COMMUNE, msg.BTN_BACK)
    assert msg.MENU_AFTER_FLOW in texts(out)
    out = await bot.say(COMMUNE, "1/1/2025 - 31/3/2025")
    assert "Kỳ: quý I/2025" not in texts(out)


async def test_stats_custom_period_back_to_the_period_buttons(bot):
    await bot.say(COMMUNE, "/thongke")
    out = await bot.tap(COMMUNE, "Tùy chọn")
    assert msg.STATS_ASK_CUSTOM in texts(out)
    out = await bot.tap(COMMUNE, msg.BTN_BACK)
    assert "Tháng này" in [o.label for o in bot.buttons(COMMUNE)]
    out = await bot.tap(COMMUNE, "Năm nay")
    assert "Kỳ: năm" in texts(out)


async def test_result_picker_of_vuviec_has_back_to_the_card_and_cancel(bot):
    await to_review(bot)
    await bot.tap(MEDIATOR, "Sửa: Kết quả")
    await bot.tap(MEDIATOR, "Đang hòa giải")
    await bot.tap(MEDIATOR, "Gửi báo cáo")
    await bot.say(MEDIATOR, "/vuviec")
    await bot.tap(MEDIATOR, 1)
    await bot.tap(MEDIATOR, msg.CASE_BTN_RECORD_RESULT)
    assert nav_labels(bot, MEDIATOR) == [msg.BTN_BACK, msg.BTN_CANCEL]
    await bot.tap(MEDIATOR, msg.BTN_BACK)
    assert msg.CASE_BTN_RECORD_RESULT in [o.label for o in bot.buttons(MEDIATOR)]  # the case card again


async def test_registration_steps_have_cancel(bot):
    out = await bot.say("guest", "/start")
    await bot.tap("guest", 1)
    assert nav_labels(bot, "guest") == [msg.BTN_BACK, msg.BTN_CANCEL]
    out = await bot.tap("guest", msg.BTN_CANCEL)
    assert msg.MENU_AFTER_FLOW in texts(out)


# --- button labels that fit (issue 19, part 3) --------------------------------------------------------------
async def _walk_everything(bot):
    """Open the main screens of every flow as each role, so that their keyboards are in the outbox."""
    await bot.say(MEDIATOR, QUESTION)
    await bot.say(MEDIATOR, "thu tuc bau")
    await bot.say(MEDIATOR, "/ontap")
    await bot.tap(MEDIATOR, "Chọn chủ đề")
    await bot.tap(MEDIATOR, 1)
    [home] = await bot.say(MEDIATOR, "/tailieu")
    for n in range(1, 7):
        await bot.tap(MEDIATOR, n + 1, home)
    await to_review(bot)
    await bot.say(COMMUNE, "/baocao")
    await bot.tap(COMMUNE, 1)
    await bot.tap(COMMUNE, "Hôm nay")
    await bot.say(COMMUNE, "/thongke")
    await bot.say(COMMUNE, "/thongbao")
    await bot.tap(COMMUNE, "Soạn thông báo mới")
    await bot.say(COMMUNE, "/taphuan")
    await bot.say("province", "/thongke")
    await bot.say("province", "/moi")
    await bot.say("admin", "/moi")
    await bot.say("guest", "/start")
    from bot.demo import DEMO_INVITE

    await bot.say("guest", f"/start {DEMO_INVITE}")  # the name and team confirmations
    await bot.tap("guest", msg.BTN_YES)


async def test_every_label_fits_its_button_and_is_never_cut_mid_word(bot):
    from handlers.common import LABEL_MAX

    await _walk_everything(bot)
    seen = 0
    for message in bot.api.outbox:
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                label = button["text"]
                seen += 1
                assert len(label) <= (LABEL_MAX if len(row) == 1 else LABEL_MAX // 2 + 1), (label, len(row))
                assert not label.endswith("…"), label
    assert seen > 100


async def test_long_suggestions_are_numbered_text_with_short_buttons(bot):
    out = await bot.say(MEDIATOR, "thu tuc bau")
    assert msg.QA_NOT_SURE in texts(out) and "\n1. " in texts(out) and "\n3. " in texts(out)
    labels = [o.label for o in bot.buttons(MEDIATOR)]
    assert labels[:3] == ["1", "2", "3"]
    title = next(line for line in texts(out).splitlines() if line.startswith("2. "))[3:]
    out = await bot.tap(MEDIATOR, title)  # typing the suggestion's text picks it too
    assert "📖 Căn cứ:" in texts(out)


# --- typed answers (issue 19, part 4) -----------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["B", "b", "b.", " 2 ", "2)"])
async def test_quiz_accepts_typed_letters_and_numbers(bot, typed):
    await bot.say(MEDIATOR, "/ontap")
    out = await bot.tap(MEDIATOR, "Làm 10 câu ngẫu nhiên")
    assert "Câu 1/10" in texts(out)
    out = await bot.say(MEDIATOR, typed)
    assert (msg.QUIZ_RIGHT in texts(out)) or ("Anh/chị chọn B" in texts(out))
    assert "Câu 2/10" in texts(out)
    session = await bot.services.quiz.active((await person(bot, MEDIATOR)).id)
    assert session.position == 1


async def test_quiz_letter_outside_a_quiz_is_just_text(bot):
    out = await bot.say(MEDIATOR, "b")
    assert msg.QUIZ_RIGHT not in texts(out) and "Anh/chị chọn" not in texts(out)


async def test_six_in_the_parties_picker_picks_six_or_more(bot):
    await to_review(bot)
    await bot.tap(MEDIATOR, "Sửa: Số bên")
    labels = [o.label for o in bot.buttons(MEDIATOR)]
    assert labels[5] == msg.BTN_BACK  # the 6th button is ◀ Quay lại…
    out = await bot.tap(MEDIATOR, "6")  # …but "6" means "6 bên trở lên"
    assert msg.CASE_ASK_MORE_PARTIES in texts(out)
    out = await bot.say(MEDIATOR, "6")
    assert "• Số bên: 6" in texts(out)


async def _console(tmp_path, who, *lines):
    from bot.app import build_application
    from bot.channels.console import run_console
    from bot.channels.local import LocalBotApi, LocalRequest
    from bot.config import Config
    from bot.container import Services
    from bot.demo import DEMO_USERS, seed_demo

    config = Config(database_path=str(tmp_path / "console.db"))
    services = Services.build(config)
    await services.open()
    await seed_demo(services)
    api = LocalBotApi()
    app = build_application(config, channel="console", request=LocalRequest(api), services=services)
    out: list[str] = []

    async def feed():
        for line in lines:
            yield line

    from bot.cli import demo_banner

    uid, name = DEMO_USERS[who]
    await run_console(
        app,
        api,
        uid,
        name,
        lines=feed(),
        write=out.append,
        settle_s=0.05,
        files_dir=tmp_path / "files",
        personas=DEMO_USERS,
        banner=lambda key: demo_banner(services, key),
    )
    return "\n".join(out), api, uid


async def test_console_numbers_reach_every_keyboard_on_screen(tmp_path):
    """The statistics: chart, then Excel by its number, although the chart (and the menu) came after."""
    transcript, api, uid = await _console(tmp_path, "commune", "/thongke", "Tháng này", "1", "2", "/thoat")
    assert "  1. 📈 Biểu đồ" in transcript and "  2. 📊 Tải Excel" in transcript
    assert "  4. " in transcript  # the menu below is numbered on, not from 1
    sent = [m for m in api.outbox if m["chat"]["id"] == uid]
    assert any("photo" in m for m in sent) and any(
        m.get("document", {}).get("file_name", "").endswith(".xlsx") for m in sent
    )


async def test_console_six_and_quiz_letters(tmp_path):
    transcript, api, uid = await _console(
        tmp_path,
        "mediator",
        "/baocao",
        "Hôm nay",
        "Đất đai",
        "1",
        "Hòa giải thành",
        "Sửa: Số bên",
        "6",
        "7",
        "/ontap",
        "1",
        "C",
        "/thoat",
    )
    assert msg.CASE_ASK_MORE_PARTIES in transcript and "• Số bên: 7" in transcript
    assert "Câu 2/10" in transcript


# --- names without diacritics (issue 19, part 5) ------------------------------------------------------------
async def _register_as(bot, name_reply):
    from bot.demo import DEMO_INVITE

    await bot.say("guest", f"/start {DEMO_INVITE}")
    await bot.tap("guest", msg.BTN_NO)  # not the Telegram profile name
    return await bot.say("guest", name_reply)


async def _guest(bot):
    return await bot.services.people.by_identity("console", str(bot.user_id("guest")))


async def test_name_without_marks_is_asked_once_then_retyped(bot):
    out = await _register_as(bot, "lo van tuan")
    assert msg.REG_NAME_NO_MARKS.format(name="lo van tuan") in texts(out)
    assert await _guest(bot) is None
    out = await bot.say("guest", "Lò Văn Tuấn")
    assert msg.REG_NAME_NO_MARKS.split('"')[0] not in texts(out)
    if msg.CONFIRM_TEAM.split("{")[0] in texts(out):
        await bot.tap("guest", msg.BTN_YES)
    elif msg.PICK_TEAM in texts(out):
        await bot.tap("guest", 1)
    assert (await _guest(bot)).full_name == "Lò Văn Tuấn"


async def test_name_without_marks_kept_as_typed(bot):
    await _register_as(bot, "lo van tuan")
    out = await bot.tap("guest", msg.REG_BTN_KEEP_NAME)
    if msg.PICK_TEAM in texts(out):
        await bot.tap("guest", 1)
    elif msg.CONFIRM_TEAM.split("{")[0] in texts(out):
        await bot.tap("guest", msg.BTN_YES)
    assert (await _guest(bot)).full_name == "lo van tuan"


async def test_name_with_marks_is_not_asked(bot):
    out = await _register_as(bot, "Lò Văn Tuấn")
    assert msg.REG_NAME_NO_MARKS.split('"')[0] not in texts(out)


# --- small things (issue 19, part 6) ------------------------------------------------------------------------
async def test_invite_expiry_in_local_time(bot):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    await bot.say(COMMUNE, "/moi")
    for choice in ("Hòa giải viên", 1, 1, 1):
        out = await bot.tap(COMMUNE, choice)
    invite = (await bot.services.db.fetchall("SELECT expires_at FROM invites ORDER BY id DESC LIMIT 1"))[0]
    local = datetime.fromisoformat(invite["expires_at"]).astimezone(ZoneInfo(bot.services.config.timezone))
    assert local.strftime("%d/%m/%Y lúc %H:%M") in texts(out)


async def test_admin_menu_does_not_repeat_the_role(bot):
    from bot.cli import demo_banner

    out = await bot.say("admin", "/trogiup")
    admin = await person(bot, "admin")
    role = msg.ROLE_NAMES[admin.role]
    assert admin.full_name == role  # the demo admin is called "Quản trị hệ thống"
    assert f"{role} ({role})" not in texts(out) and texts(out).startswith(role)
    assert f"{role} ({role})" not in await demo_banner(bot.services, "admin")


async def test_province_statistics_say_tinh_and_name_communes_without_data(bot):
    await bot.say("province", "/thongke")
    out = await bot.tap("province", 1)  # the whole province
    out = await bot.tap("province", "Năm nay")
    assert "tỉnh Điện Biên" in texts(out)
    assert msg.STATS_MISSING_COMMUNES.split("{")[0] in texts(out) and "Xã Nà Hỳ" in texts(out)


async def test_demo_banner_follows_the_guest_registering(bot):
    from bot.cli import demo_banner

    assert "chưa đăng ký" in await demo_banner(bot.services, "guest")
    await _register_as(bot, "Lò Văn Tuấn")
    out = await bot.tap("guest", 1)
    if msg.PICK_TEAM in texts(out) or msg.CONFIRM_TEAM.split("{")[0] in texts(out):
        await bot.tap("guest", 1)
    banner = await demo_banner(bot.services, "guest")
    assert "chưa đăng ký" not in banner and "Lò Văn Tuấn (Hòa giải viên)" in banner


def _cli(tmp_path, *argv):
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "bot", *argv, "--db", str(tmp_path / "cli.db")],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_codes_any_case_and_valid_codes_listed(tmp_path):
    _cli(tmp_path, "admin", "migrate")
    import asyncio

    from bot.config import Config
    from bot.container import Services
    from bot.demo import seed_demo

    async def seed():
        services = Services.build(Config(database_path=str(tmp_path / "cli.db")))
        await services.open()
        await seed_demo(services)
        await services.close()

    asyncio.run(seed())
    ok = _cli(tmp_path, "admin", "invite", "--commune", "ml", "--team", "ml-01")
    assert ok.returncode == 0, ok.stderr
    bad = _cli(tmp_path, "admin", "invite", "--commune", "XX")
    assert bad.returncode == 1 and "Không có xã/phường mã XX" in bad.stderr and "ML" in bad.stderr
    assert "NH" in bad.stderr


def test_argparse_messages_in_vietnamese(tmp_path):
    missing = _cli(tmp_path, "admin", "invite")
    assert missing.returncode == 2 and "thiếu tham số bắt buộc: --commune" in missing.stderr
    assert "cách dùng:" in missing.stderr and "usage" not in missing.stderr
    wrong = _cli(tmp_path, "chat", "--as", "boss")
    assert "giá trị 'boss' không hợp lệ" in wrong.stderr


# --- the offline demo shows both sides (issue 19, part 7) ---------------------------------------------------
async def test_console_switch_person_expert_question_and_answer_both_sides(tmp_path):
    transcript, api, uid = await _console(
        tmp_path,
        "mediator",
        "hoa giai vien co duoc tra thu lao khong",
        "Hỏi chuyên gia",
        "/doi commune",
        "Trả lời",
        "Theo Thông tư 56/2023/TT-BTC, thù lao chi theo vụ việc.",
        "/doi mediator",
        "/thoat",
    )
    parts = transcript.split("Đang dùng vai: ")
    commune_part = next(p for p in parts if p.startswith("commune"))
    assert (
        msg.CHAT_UNREAD.format(count=1) in commune_part and "Câu hỏi cần chuyên gia trả lời" in commune_part
    )
    mediator_part = parts[-1]
    assert mediator_part.startswith("mediator") and "Theo Thông tư 56/2023/TT-BTC" in mediator_part
    assert "đã trả lời câu hỏi của anh/chị" in mediator_part


async def test_console_switch_person_sees_a_broadcast_arrive(tmp_path):
    transcript, api, uid = await _console(
        tmp_path,
        "commune",
        "/thongbao",
        "Soạn thông báo mới",
        "Toàn xã/phường",
        "Họp tổ hòa giải lúc 8 giờ sáng thứ Hai.",
        "Không đính kèm",
        "Gửi cho 2 người",
        "/doi mediator",
        "Đã nhận",
        "/doi leader",
        "/doi nobody",
        "/thoat",
    )
    mediator_part = transcript.split("Đang dùng vai: mediator")[1].split("Đang dùng vai:")[0]
    assert "📢 THÔNG BÁO" in mediator_part and "Họp tổ hòa giải lúc 8 giờ sáng thứ Hai." in mediator_part
    acked = await _acks(tmp_path)
    assert acked == 1  # the mediator's "Đã nhận" went through
    assert msg.CHAT_SWITCH_HELP.split("{")[0] in transcript


async def _acks(tmp_path):
    from bot.config import Config
    from bot.container import Services

    services = Services.build(Config(database_path=str(tmp_path / "console.db")))
    await services.open()
    try:
        row = await services.db.fetchone("SELECT COUNT(*) AS n FROM outbox WHERE acked_at IS NOT NULL")
        return row["n"]
    finally:
        await services.close()


def test_demo_year_is_deterministic_and_realistic():
    from dataclasses import replace
    from datetime import date

    from bot.demo import demo_year_cases

    teams = [(1, "ML"), (2, "ML"), (3, "NH")]
    today = date(2026, 3, 15)
    cases = demo_year_cases(teams, today)
    assert cases == demo_year_cases(teams, today)
    assert 30 <= len(cases) <= 110
    assert all(date(2025, 4, 1) <= date.fromisoformat(c.received_on) <= today for c in cases)
    assert all(c.closed_on is None or c.received_on <= c.closed_on <= today.isoformat() for c in cases)
    assert all((c.result == "dang_hoa_giai") == (c.closed_on is None) for c in cases)
    assert len({c.number for c in cases}) == len(cases) and cases[0].number.startswith(
        ("ML-2025-", "ML-2026-")
    )
    assert {c.team_id for c in cases} == {1, 2, 3}
    # with the teams' mediators, each case names one or two of its own team; the cases themselves are the same
    members = {1: [11, 12, 13], 2: [21, 22], 3: [31]}
    named = demo_year_cases(teams, today, members=members)
    assert [replace(c, mediator_ids=()) for c in named] == cases
    assert all(
        1 <= len(c.mediator_ids) <= 2 and set(c.mediator_ids) <= set(members[c.team_id]) for c in named
    )
    assert sum(c.result == "thanh" for c in cases) > len(cases) / 2
    months = {c.received_on[:7] for c in cases}
    assert len(months) >= 10  # spread over the year


def test_chat_on_a_fresh_database_has_a_year_of_cases(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--db", str(tmp_path / "fresh.db"), "--as", "commune"],
        input="/thongke\nNăm nay\n",
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode == 0, result.stderr
    assert "vụ việc trong 12 tháng qua" in result.stdout
    assert "Tiếp nhận: 0 vụ việc" not in result.stdout and "Tiếp nhận:" in result.stdout


async def test_the_test_harness_does_not_seed_the_year(bot):
    assert (await bot.services.db.fetchone("SELECT COUNT(*) AS n FROM cases"))["n"] == 0


@pytest.mark.parametrize(
    "typed, key",
    [
        ("bao cao", "baocao"),
        ("Báo cáo vụ việc", "baocao"),
        ("thống kê", "thongke"),
        ("tai lieu", "tailieu"),
        ("/", None),
        ("bao cao tranh chap dat", None),
    ],
)
async def test_a_typed_menu_item_is_offered_as_its_button(bot, typed, key):
    out = await bot.say(COMMUNE, typed)
    if key is None:
        assert msg.MENU_TYPED_ITEM not in texts(out)
        return
    assert msg.MENU_TYPED_ITEM in texts(out)
    assert [o.callback_data for o in bot.buttons(COMMUNE)] == [f"menu:{key}"]


async def test_a_typed_menu_item_the_person_may_not_use_is_a_question(bot):
    out = await bot.say(MEDIATOR, "thong ke")
    assert msg.MENU_TYPED_ITEM not in texts(out)


async def test_code_shaped_text_at_a_text_step_goes_to_that_step(bot):
    """'ABCD 2345' typed as a case's number of parties… here as a summary: not taken as an invite code."""
    await to_review(bot)
    await bot.tap(MEDIATOR, "Sửa: Tóm tắt")
    out = await bot.say(MEDIATOR, "ABCD 2345")
    assert "Tóm tắt: ABCD 2345" in texts(out)
