"""The case report (/baocao) through the same transport as the console: happy path, validation, back, edit on
review, cancel, resume after a restart, double submit, party names."""

from __future__ import annotations

from datetime import date, timedelta

from cryptography.fernet import Fernet

from bot import messages as msg
from services import case_form as form
from tests.harness import texts

MEDIATOR, LEADER, OFFICIAL = "mediator", "leader", "commune"


def labels(bot, who=MEDIATOR) -> list[str]:
    return [o.label for o in bot.buttons(who)]


async def person(bot, who):
    return await bot.services.people.by_identity("console", str(bot.user_id(who)))


async def draft_values(bot, who=MEDIATOR, purpose="new"):
    draft = await bot.services.cases.repo.draft((await person(bot, who)).id, purpose)
    return None if draft is None else draft.values


async def report(
    bot,
    who=MEDIATOR,
    *,
    field="Đất đai",
    basis="Một bên hoặc các bên yêu cầu",
    result="Hòa giải thành",
    received="Hôm nay",
):
    """A typical report from the menu; returns the number of taps and the bot's last messages."""
    await bot.say(who, "/trogiup")
    taps = 0
    for choice in ("Báo cáo vụ việc", received, field, basis, result):
        await bot.tap(who, choice)
        taps += 1
    out = await bot.tap(who, "Gửi báo cáo")
    return taps + 1, out


async def test_happy_path_six_taps_no_typing(bot):
    taps, out = await report(bot)
    assert taps <= 6
    assert "Đã ghi vào sổ vụ việc số ML-" in texts(out)
    cases = bot.services.cases
    stored = await cases.repo.find(limit=5)
    assert len(stored) == 1
    case = stored[0]
    me = await person(bot, MEDIATOR)
    today = cases.today().isoformat()
    assert case.number == f"ML-{today[:4]}-0001" and case.number in texts(out)
    assert (case.field, case.basis, case.result, case.parties_count) == ("dat_dai", "yeu_cau", "thanh", 2)
    assert case.received_on == today and case.closed_on == today and case.court_recognition is False
    assert case.mediator_ids == (me.id,) and case.reporter_id == me.id
    team = await bot.services.org.team_by_code("ML-01")
    commune = await bot.services.org.commune_by_code("ML")
    assert (case.team_id, case.commune_id, case.province_id) == (team.id, commune.id, commune.province_id)
    audit = await cases.repo.audit(case.id)
    assert [a.action for a in audit] == ["create"] and audit[0].person_id == me.id
    assert audit[0].after["field"] == "dat_dai" and audit[0].before is None
    assert await draft_values(bot) is None


async def test_case_numbers_follow_each_other(bot):
    await report(bot)
    await report(bot, result="Đang hòa giải")
    numbers = sorted(c.number for c in await bot.services.cases.repo.find())
    year = bot.services.cases.today().year
    assert numbers == [f"ML-{year}-0001", f"ML-{year}-0002"]


async def test_pending_case_confirmation_points_to_vuviec(bot):
    _, out = await report(bot, result="Đang hòa giải")
    assert "/vuviec" in texts(out)
    case = (await bot.services.cases.repo.find())[0]
    assert case.result == "dang_hoa_giai" and case.closed_on is None and case.court_recognition is None


async def test_typed_dates_and_every_date_error(bot):
    await bot.say(MEDIATOR, "/baocao")
    today = bot.services.cases.today()
    out = await bot.say(MEDIATOR, "hôm kia")
    assert msg.CASE_ERRORS["date_format"] in texts(out)
    out = await bot.say(MEDIATOR, "31/02/2025")
    assert msg.CASE_ERRORS["date_invalid"] in texts(out)
    tomorrow = today + timedelta(days=1)
    out = await bot.say(MEDIATOR, tomorrow.strftime("%d/%m/%Y"))
    assert msg.CASE_ERRORS["date_future"] in texts(out)
    out = await bot.say(MEDIATOR, f"1/1/{today.year - 5}")
    assert "quá xa" in texts(out)
    assert "received_on" not in await draft_values(bot)
    ten_days = today - timedelta(days=10)
    out = await bot.say(MEDIATOR, ten_days.strftime("%-d-%-m-%Y"))
    assert msg.CASE_PROMPTS["field"] in texts(out)
    assert (await draft_values(bot))["received_on"] == ten_days.isoformat()
    await bot.tap(MEDIATOR, "Khác")
    await bot.tap(MEDIATOR, "Hòa giải viên chứng kiến hoặc biết")
    out = await bot.tap(MEDIATOR, "Hòa giải không thành")
    # Received ten days ago: the closing date is asked, with "today" first.
    assert msg.CASE_PROMPTS["closed_on"] in texts(out)
    assert labels(bot)[:2] == [msg.CASE_BTN_TODAY, msg.CASE_BTN_YESTERDAY]
    out = await bot.say(MEDIATOR, (ten_days - timedelta(days=1)).strftime("%d/%m/%Y"))
    assert "không thể trước ngày nhận" in texts(out)
    out = await bot.tap(MEDIATOR, "Hôm nay")
    assert msg.CASE_REVIEW_TITLE in texts(out)
    assert "Đề nghị Tòa án công nhận" not in texts(out)  # only for a successful mediation


async def test_forged_and_stale_buttons_are_refused(bot):
    await bot.say(MEDIATOR, "/baocao")
    out = await bot.tap_data(MEDIATOR, "case:a:n:received_on:2099-01-01")
    assert msg.CASE_ERRORS["date_future"] in texts(out)
    await bot.tap(MEDIATOR, "Hôm nay")
    out = await bot.tap_data(MEDIATOR, "case:a:n:field:khong_co_ma")
    assert "Giá trị không hợp lệ" in texts(out)
    # A button of another step (an old message) does not answer the current question.
    out = await bot.tap_data(MEDIATOR, "case:a:n:result:thanh")
    assert msg.CASE_STEP_STALE in texts(out) and "result" not in await draft_values(bot)
    other_team = await bot.services.org.team_by_code("NH-01")
    out = await bot.tap_data(MEDIATOR, f"case:a:n:team_id:{other_team.id}")
    assert msg.CASE_STEP_STALE in texts(out)
    await bot.tap(MEDIATOR, "Đất đai")
    await bot.tap(MEDIATOR, "Một bên hoặc các bên yêu cầu")
    await bot.tap(MEDIATOR, "Hòa giải thành")
    await bot.tap(MEDIATOR, "Sửa: Người hòa giải")
    stranger = (await bot.services.people.members_of_team(other_team.id))[0]
    out = await bot.tap_data(MEDIATOR, f"case:m:n:{stranger.id}")
    assert msg.CASE_ERRORS["mediators"] in texts(out)
    assert stranger.id not in (await draft_values(bot)).get("_selecting", [])


async def test_count_summary_and_mediator_edits(bot):
    await bot.say(MEDIATOR, "/baocao")
    for choice in (
        "Hôm nay",
        "Dân sự (vay, tài sản, thừa kế)",
        "Một bên hoặc các bên yêu cầu",
        "Hòa giải thành",
    ):
        await bot.tap(MEDIATOR, choice)
    await bot.tap(MEDIATOR, "Sửa: Số bên")
    assert labels(bot)[:5] == [msg.CASE_BTN_MORE_PARTIES, "2", "3", "4", "5"]
    out = await bot.tap(MEDIATOR, msg.CASE_BTN_MORE_PARTIES)
    assert msg.CASE_ASK_MORE_PARTIES in texts(out)
    out = await bot.say(MEDIATOR, "1")
    assert "Số bên phải từ 2" in texts(out)
    out = await bot.say(MEDIATOR, "hai")
    assert msg.CASE_ERRORS["count_format"] in texts(out)
    out = await bot.say(MEDIATOR, "7")
    assert "• Số bên: 7" in texts(out)
    await bot.tap(MEDIATOR, "Sửa: Người hòa giải")
    assert "✓ Quàng Thị Mai" in labels(bot)
    await bot.tap(MEDIATOR, "Lò Văn Hùng")
    assert "✓ Lò Văn Hùng" in labels(bot)
    out = await bot.tap(MEDIATOR, "Xong")
    assert "Lò Văn Hùng, Quàng Thị Mai" in texts(out) or "Quàng Thị Mai, Lò Văn Hùng" in texts(out)
    await bot.tap(MEDIATOR, "Sửa: Người hòa giải")
    await bot.tap(MEDIATOR, "Quàng Thị Mai")
    await bot.tap(MEDIATOR, "Lò Văn Hùng")
    out = await bot.tap(MEDIATOR, "Xong")
    assert msg.CASE_ERRORS["required"] in texts(out)
    await bot.tap(MEDIATOR, "Chỉ mình tôi")
    await bot.tap(MEDIATOR, "Xong")
    await bot.tap(MEDIATOR, "Sửa: Tóm tắt")
    out = await bot.say(MEDIATOR, "x" * (form.SUMMARY_MAX + 1))
    assert "Tóm tắt dài quá" in texts(out)
    out = await bot.say(MEDIATOR, "Vay 200.000.000 đồng, SĐT 0987.654.321, CCCD 001203004005")
    assert msg.CASE_MASKED_NOTE in texts(out)
    await bot.tap(MEDIATOR, "Sửa: Tòa công nhận")
    await bot.tap(MEDIATOR, "Có")
    out = await bot.tap(MEDIATOR, "Gửi báo cáo")
    case = (await bot.services.cases.repo.find())[0]
    assert case.parties_count == 7 and case.court_recognition is True
    assert case.summary == f"Vay 200.000.000 đồng, SĐT {msg.CASE_MASK_PHONE}, CCCD {msg.CASE_MASK_ID}"
    assert "0987" not in case.summary and "001203004005" not in case.summary


async def test_back_goes_to_the_previous_question(bot):
    await bot.say(MEDIATOR, "/baocao")
    first = bot.last_with_buttons(MEDIATOR)
    assert labels(bot)[-2:] == [msg.BTN_BACK, msg.BTN_CANCEL]  # the first question too (issue 19)
    await bot.tap(MEDIATOR, "Hôm nay")
    await bot.tap(MEDIATOR, "Đất đai")
    out = await bot.tap(MEDIATOR, msg.BTN_BACK)
    assert msg.CASE_PROMPTS["field"] in texts(out)
    assert "field" not in await draft_values(bot)
    out = await bot.tap(MEDIATOR, msg.BTN_BACK)
    assert msg.CASE_PROMPTS["received_on"] in texts(out)
    await bot.tap(MEDIATOR, "Hôm qua")
    out = await bot.tap(MEDIATOR, "Khác")
    assert msg.CASE_PROMPTS["basis"] in texts(out)
    values = await draft_values(bot)
    assert values["received_on"] == (bot.services.cases.today() - timedelta(days=1)).isoformat()
    assert values["field"] == "khac"
    out = await bot.tap(MEDIATOR, msg.BTN_BACK, first)  # ◀ before the first question: the menu
    assert msg.MENU_TITLE.split("(")[0].format(name="Quàng Thị Mai") in texts(out)


async def test_edit_on_review_and_result_change_updates_dependent_fields(bot):
    await bot.say(MEDIATOR, "/baocao")
    for choice in ("Hôm qua", "Đất đai", "Một bên hoặc các bên yêu cầu", "Hòa giải thành", "Hôm nay"):
        out = await bot.tap(MEDIATOR, choice)
    assert msg.CASE_REVIEW_TITLE in texts(out) and "Ngày kết thúc" in texts(out)
    out = await bot.tap(MEDIATOR, "Sửa: Lĩnh vực")
    assert "✓ Đất đai" in labels(bot) and msg.BTN_BACK in labels(bot)
    out = await bot.tap(MEDIATOR, "Hôn nhân và gia đình")
    assert msg.CASE_REVIEW_TITLE in texts(out) and "Lĩnh vực: Hôn nhân và gia đình" in texts(out)
    # Back from an edit returns to the review without change.
    await bot.tap(MEDIATOR, "Sửa: Căn cứ")
    out = await bot.tap(MEDIATOR, msg.BTN_BACK)
    assert "Căn cứ hòa giải: Một bên hoặc các bên yêu cầu" in texts(out)
    await bot.tap(MEDIATOR, "Sửa: Kết quả")
    out = await bot.tap(MEDIATOR, "Đang hòa giải")
    assert "Ngày kết thúc" not in texts(out) and "Tòa án" not in texts(out)
    values = await draft_values(bot)
    assert "closed_on" not in values and "court_recognition" not in values
    await bot.tap(MEDIATOR, "Sửa: Kết quả")
    out = await bot.tap(MEDIATOR, "Các bên rút yêu cầu")
    assert msg.CASE_PROMPTS["closed_on"] in texts(out)  # newly needed: asked before the review
    out = await bot.tap(MEDIATOR, "Hôm qua")
    assert msg.CASE_REVIEW_TITLE in texts(out)
    await bot.tap(MEDIATOR, "Gửi báo cáo")
    case = (await bot.services.cases.repo.find())[0]
    assert (case.field, case.result) == ("hon_nhan_gia_dinh", "rut_yeu_cau")
    assert case.closed_on == case.received_on


async def test_cancel_deletes_the_draft(bot):
    await bot.say(MEDIATOR, "/baocao")
    await bot.tap(MEDIATOR, "Hôm nay")
    out = await bot.say(MEDIATOR, "/huy")
    assert msg.CASE_CANCELLED in texts(out)
    assert await draft_values(bot) is None
    out = await bot.say(MEDIATOR, "/baocao")
    assert msg.CASE_PROMPTS["received_on"] in texts(out) and "làm dở" not in texts(out)
    assert await bot.services.cases.repo.count() == 0


async def test_resume_after_restart(bot):
    await bot.say(MEDIATOR, "/baocao")
    await bot.tap(MEDIATOR, "Hôm nay")
    await bot.tap(MEDIATOR, "mau thuan xom gieng, sinh hoat")  # a label typed without diacritics
    old_question = bot.last_with_buttons(MEDIATOR)
    await bot.restart()
    # An old button still works after the restart: the draft lives in the database.
    out = await bot.tap(MEDIATOR, "Một bên hoặc các bên yêu cầu", message=old_question)
    assert msg.CASE_PROMPTS["result"] in texts(out)
    await bot.restart()
    out = await bot.say(MEDIATOR, "/baocao")
    assert "đang làm dở" in texts(out) and "Mâu thuẫn xóm giềng" in texts(out)
    out = await bot.tap(MEDIATOR, "Tiếp tục báo cáo dở")
    assert msg.CASE_PROMPTS["result"] in texts(out)
    await bot.tap(MEDIATOR, "Hòa giải thành")
    await bot.restart()
    await bot.tap(MEDIATOR, "Sửa: Tóm tắt")
    out = await bot.say(MEDIATOR, "mâu thuẫn về tiếng ồn")  # typed after "Sửa: Tóm tắt", after a restart
    assert "Tóm tắt: mâu thuẫn về tiếng ồn" in texts(out)
    out = await bot.tap(MEDIATOR, "Gửi báo cáo")
    assert "Đã ghi vào sổ" in texts(out)
    case = (await bot.services.cases.repo.find())[0]
    assert (case.field, case.summary) == ("xom_gieng", "mâu thuẫn về tiếng ồn")


async def test_start_over_replaces_the_draft(bot):
    await bot.say(MEDIATOR, "/baocao")
    await bot.tap(MEDIATOR, "Hôm qua")
    await bot.say(MEDIATOR, "/baocao")
    out = await bot.tap(MEDIATOR, "Làm báo cáo mới")
    assert msg.CASE_PROMPTS["received_on"] in texts(out)
    assert await draft_values(bot) == {"team_id": (await person(bot, MEDIATOR)).team_id}


async def test_double_tap_on_send_stores_one_case(bot):
    await bot.say(MEDIATOR, "/baocao")
    for choice in ("Hôm nay", "Đất đai", "Một bên hoặc các bên yêu cầu", "Hòa giải thành"):
        await bot.tap(MEDIATOR, choice)
    review = bot.last_with_buttons(MEDIATOR)
    send_data = next(o.callback_data for o in bot.buttons(MEDIATOR) if o.label == msg.CASE_BTN_SEND)
    first = await bot.tap_data(MEDIATOR, send_data, review)
    second = await bot.tap_data(MEDIATOR, send_data, review)
    assert "Đã ghi vào sổ" in texts(first)
    case = (await bot.services.cases.repo.find())[0]
    assert msg.CASE_ALREADY_SUBMITTED.format(number=case.number) in texts(second)
    assert await bot.services.cases.repo.count() == 1
    # Even if the draft came back with the same key (a crash between the two), the key is unique.
    me = await person(bot, MEDIATOR)
    from services.case_models import Draft

    await bot.services.cases.repo.save_draft(
        Draft(me.id, "new", case.submission_key, values={k: v for k, v in case.form_values().items()})
    )
    third = await bot.tap_data(MEDIATOR, send_data, review)
    assert msg.CASE_ALREADY_SUBMITTED.format(number=case.number) in texts(third)
    assert await bot.services.cases.repo.count() == 1


async def test_official_picks_a_team_and_its_mediators(bot):
    out = await bot.say(OFFICIAL, "/baocao")
    assert msg.CASE_PROMPTS["team_id"] in texts(out)
    assert labels(bot, OFFICIAL) == [
        "Tổ hòa giải bản Na Lay",
        "Tổ hòa giải tổ dân phố 2",
        "Tổ hòa giải bản Bó",
        msg.BTN_BACK,
        msg.BTN_CANCEL,
    ]
    await bot.tap(OFFICIAL, "Tổ hòa giải tổ dân phố 2")
    for choice in ("Hôm nay", "Đất đai", "Một bên hoặc các bên yêu cầu"):
        await bot.tap(OFFICIAL, choice)
    out = await bot.tap(OFFICIAL, "Hòa giải thành")
    # The official is not a member of the team: the mediators are asked (no "only me").
    assert msg.CASE_PROMPTS["mediator_ids"] in texts(out)
    assert msg.CASE_BTN_ONLY_ME not in labels(bot, OFFICIAL)
    await bot.tap(OFFICIAL, "Điêu Thị Lan")
    out = await bot.tap(OFFICIAL, "Xong")
    assert "Hòa giải viên tham gia: Điêu Thị Lan" in texts(out)
    await bot.tap(OFFICIAL, "Gửi báo cáo")
    case = (await bot.services.cases.repo.find())[0]
    lan = next(
        p for p in await bot.services.people.members_of_team(case.team_id) if p.full_name == "Điêu Thị Lan"
    )
    assert (
        case.mediator_ids == (lan.id,) and case.team_id == (await bot.services.org.team_by_code("ML-02")).id
    )


async def test_other_roles_cannot_report(bot):
    out = await bot.say("province", "/baocao")
    assert "không được dùng" in texts(out)
    out = await bot.say("guest", "/baocao")
    assert msg.NEED_REGISTRATION in texts(out)
    assert await bot.services.cases.repo.count() == 0


async def test_party_names_only_when_enabled_and_encrypted(bot, monkeypatch):
    commune = await bot.services.org.commune_by_code("ML")
    await bot.services.db.execute("UPDATE communes SET store_party_names = 1 WHERE id = ?", (commune.id,))
    # Enabled but no key: not asked; the official is told why.
    out = await bot.say(OFFICIAL, "/baocao")
    assert msg.CASE_PARTIES_NO_KEY in texts(out)
    await bot.say(OFFICIAL, "/huy")
    taps, _ = await report(bot)
    assert (await bot.services.cases.repo.find())[0].parties_encrypted is None
    # With a key: asked (optional) and stored encrypted.
    from services.privacy import PartyCipher

    key = Fernet.generate_key().decode()
    bot.services.cases.cipher = PartyCipher(key)
    await bot.say(MEDIATOR, "/baocao")
    for choice in ("Hôm nay", "Đất đai", "Một bên hoặc các bên yêu cầu"):
        await bot.tap(MEDIATOR, choice)
    out = await bot.tap(MEDIATOR, "Hòa giải thành")
    assert msg.CASE_PROMPTS["parties"] in texts(out)
    out = await bot.say(MEDIATOR, "Lò Văn A, Quàng Thị B")
    assert "Họ tên các bên: Lò Văn A, Quàng Thị B" in texts(out)
    row = await bot.services.db.fetchone("SELECT data FROM case_drafts")
    assert "Lò Văn A" not in row["data"]  # the draft holds it encrypted too
    await bot.tap(MEDIATOR, "Gửi báo cáo")
    case = (await bot.services.cases.repo.find())[0]
    assert case.parties_encrypted and "Lò Văn A" not in case.parties_encrypted
    assert PartyCipher(key).decrypt(case.parties_encrypted) == "Lò Văn A, Quàng Thị B"
    audit = await bot.services.cases.repo.audit(case.id)
    assert audit[0].after["parties_recorded"] is True and "Lò" not in str(audit[0].after)


async def test_menu_shows_the_capabilities(bot):
    await bot.say(MEDIATOR, "/trogiup")
    assert msg.CASE_BTN_MENU in labels(bot) and msg.CASE_BTN_LIST_MENU in labels(bot)
    await bot.say("province", "/trogiup")
    assert msg.CASE_BTN_MENU not in labels(bot, "province")


def test_received_date_fixture_is_sane():
    assert form.parse_date("hom nay", date(2025, 5, 1)) == date(2025, 5, 1)
