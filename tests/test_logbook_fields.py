"""Issue 17, Part I: the logbook columns the paper book has (invited persons, agreement, note, the written
record of a successful mediation and its photo) through the chat, the import and the stored case; still 6
taps."""

from __future__ import annotations

from cryptography.fernet import Fernet

from bot import messages as msg
from bot.cli import main
from services import case_form as form
from services.privacy import PartyCipher
from tests.harness import texts
from tests.test_case_import import seeded, stored, write_csv, write_xlsx
from tests.test_cases_flow import MEDIATOR, draft_values, labels, report

EDIT = msg.CASE_BTN_EDIT


def edit(key: str) -> str:
    return EDIT.format(name=msg.CASE_FIELD_SHORT.get(key, msg.CASE_FIELD_NAMES[key]))


async def to_review(bot, result="Hòa giải thành"):
    await bot.say(MEDIATOR, "/baocao")
    for choice in ("Hôm nay", "Đất đai", "Một bên hoặc các bên yêu cầu"):
        await bot.tap(MEDIATOR, choice)
    return await bot.tap(MEDIATOR, result)


async def test_six_taps_still_and_new_fields_wait_on_the_review_screen(bot):
    out = await to_review(bot)
    review = texts(out)
    assert msg.CASE_REVIEW_TITLE in review
    assert f"Người được mời tham gia: {msg.CASE_NONE_INVITED}" in review
    assert f"Đã lập và ký văn bản hòa giải thành: {msg.CASE_NOT_SET}" in review
    assert "Thỏa thuận / yêu cầu của các bên" in review and "Ghi chú" in review
    for key in ("invited_kinds", "agreement", "written_record", "note"):
        assert edit(key) in labels(bot)
    assert edit("record_photo") not in labels(bot)  # only once a written record is said to exist
    await bot.say(MEDIATOR, "/huy")
    taps, out = await report(bot)
    assert taps == 6 and "Đã ghi vào sổ vụ việc số" in texts(out)
    case = (await bot.services.cases.repo.find())[0]
    assert case.invited_kinds == () and case.invited_count is None and case.agreement is None
    assert case.note is None and case.written_record is None and case.record_photo is None


async def test_invited_agreement_record_and_note_through_the_chat(bot):
    await to_review(bot)
    out = await bot.tap(MEDIATOR, edit("invited_kinds"))
    assert msg.CASE_PROMPTS["invited_kinds"] in texts(out)
    await bot.tap(MEDIATOR, "Già làng/trưởng bản")
    await bot.tap(MEDIATOR, "Người thân")
    assert "✓ Người thân" in labels(bot)
    out = await bot.tap(MEDIATOR, msg.CASE_BTN_DONE)
    assert "Người được mời tham gia: Già làng/trưởng bản, Người thân" in texts(out)
    assert "Số người được mời: 2" in texts(out)
    assert edit("invited_names") not in labels(bot)  # party names are not enabled in this commune
    await bot.tap(MEDIATOR, edit("invited_count"))
    out = await bot.say(MEDIATOR, "1")
    assert "ít nhất là 2" in texts(out)
    out = await bot.tap(MEDIATOR, "3")
    assert "Số người được mời: 3" in texts(out)
    await bot.tap(MEDIATOR, edit("agreement"))
    out = await bot.say(MEDIATOR, "Ông A trả lại 2 m đất lối đi trước 30/6, gọi 0912345678 nếu cần")
    assert msg.CASE_MASKED_NOTE in texts(out)
    await bot.tap(MEDIATOR, edit("written_record"))
    out = await bot.tap(MEDIATOR, msg.CASE_BTN_YES)
    assert "Đã lập và ký văn bản hòa giải thành: Có" in texts(out)
    # The console cannot send photos: said on the review screen, no button that cannot work.
    assert msg.CASE_NO_PHOTO_CHANNEL in texts(out) and edit("record_photo") not in labels(bot)
    await bot.tap(MEDIATOR, edit("note"))
    out = await bot.say(MEDIATOR, "Hai bên bắt tay làm hòa")
    assert "Ghi chú: Hai bên bắt tay làm hòa" in texts(out)
    await bot.tap(MEDIATOR, "Gửi báo cáo")
    case = (await bot.services.cases.repo.find())[0]
    assert case.invited_kinds == ("gia_lang", "nguoi_than") and case.invited_count == 3
    assert "0912345678" not in case.agreement and "2 m đất" in case.agreement
    assert case.written_record is True and case.note == "Hai bên bắt tay làm hòa"
    audit = (await bot.services.cases.repo.audit(case.id))[0].after
    assert audit["invited_kinds"] == ["gia_lang", "nguoi_than"] and audit["written_record"] is True


async def test_nobody_invited_clears_the_count_and_pending_has_no_agreement(bot):
    await to_review(bot)
    await bot.tap(MEDIATOR, edit("invited_kinds"))
    await bot.tap(MEDIATOR, "Công an")
    await bot.tap(MEDIATOR, msg.CASE_BTN_DONE)
    await bot.tap(MEDIATOR, edit("invited_kinds"))
    out = await bot.tap(MEDIATOR, msg.CASE_BTN_NO_INVITED)
    assert "Số người được mời" not in texts(out)
    values = await draft_values(bot)
    assert values["invited_kinds"] == [] and "invited_count" not in values
    await bot.say(MEDIATOR, "/huy")
    out = await to_review(bot, result="Đang hòa giải")
    assert "Thỏa thuận / yêu cầu" not in texts(out) and "văn bản hòa giải thành" not in texts(out)


async def test_photo_of_the_signed_record_is_kept_as_the_chat_file_id(bot, monkeypatch):
    import handlers.cases

    # The console stands in for a channel with photos (Telegram, Zalo): same update shape.
    monkeypatch.setattr(handlers.cases, "PHOTO_CHANNELS", frozenset({"console"}))
    if True:
        await to_review(bot)
        await bot.tap(MEDIATOR, edit("written_record"))
        await bot.tap(MEDIATOR, msg.CASE_BTN_YES)
        out = await bot.tap(MEDIATOR, edit("record_photo"))
        assert msg.CASE_PROMPTS["record_photo"] in texts(out)
        out = await bot.say(MEDIATOR, "không có ảnh")
        assert msg.CASE_ERRORS["photo_expected"] in texts(out)
        out = await bot.say(MEDIATOR, "console:AgACAgIAAxkBAAIBig")  # typed, shaped like a stored file id
        assert msg.CASE_ERRORS["photo_expected"] in texts(out) and not (await draft_values(bot)).get(
            "record_photo"
        )
        uid = bot.user_id(MEDIATOR)
        bot.api.files["AgACAgIAAxkBAAIBig"] = (
            "ban-ky.jpg",
            b"\xff\xd8\xff\xe0 signed paper",
        )  # user's upload
        update = bot.api.user_message(uid, "")
        message = update["message"]
        message.pop("text")
        message["photo"] = [
            {"file_id": "small-id", "file_unique_id": "s", "width": 90, "height": 90},
            {"file_id": "AgACAgIAAxkBAAIBig", "file_unique_id": "b", "width": 1280, "height": 960},
        ]
        before = len(bot.api.outbox)
        await bot._process(update)
        out = [m for m in bot.api.outbox[before:] if m["chat"]["id"] == uid]
        assert f"Ảnh văn bản đã ký: {msg.CASE_PHOTO_SAVED}" in texts(out)
        await bot.tap(MEDIATOR, "Gửi báo cáo")
        case = (await bot.services.cases.repo.find())[0]
        assert case.record_photo == "console:AgACAgIAAxkBAAIBig" and case.written_record is True
        # The card sends the photo back from its file id.
        await bot.tap_data(MEDIATOR, f"case:v:{case.id}")
        out = await bot.tap(MEDIATOR, msg.CASE_BTN_SHOW_PHOTO)
        assert any(m.get("photo") for m in out) and case.number in texts(out)
        # A file id the platform no longer knows: a clear message, no crash.
        del bot.api.files["AgACAgIAAxkBAAIBig"]
        await bot.tap_data(MEDIATOR, f"case:v:{case.id}")
        out = await bot.tap(MEDIATOR, msg.CASE_BTN_SHOW_PHOTO)
        assert msg.CASE_PHOTO_GONE in texts(out)
        # Saying afterwards that no record was signed drops the photo.
        values = {**case.form_values(), "written_record": False}
        ctx = form.FormContext(today=bot.services.cases.today(), mode="chat")
        assert "record_photo" not in form.prune(values, ctx)


async def test_invited_names_only_where_party_names_are_enabled_then_encrypted(bot):
    commune = await bot.services.org.commune_by_code("ML")
    await bot.services.db.execute("UPDATE communes SET store_party_names = 1 WHERE id = ?", (commune.id,))
    key = Fernet.generate_key().decode()
    bot.services.cases.cipher = PartyCipher(key)
    await to_review(bot)
    await bot.tap(MEDIATOR, "Bỏ qua")  # party names (asked when enabled)
    await bot.tap(MEDIATOR, edit("invited_kinds"))
    await bot.tap(MEDIATOR, "Người có uy tín")
    await bot.tap(MEDIATOR, msg.CASE_BTN_DONE)
    assert edit("invited_names") in labels(bot)
    await bot.tap(MEDIATOR, edit("invited_names"))
    out = await bot.say(MEDIATOR, "Cụ Lò Văn Pọm")
    assert f"Họ tên người được mời: {msg.CASE_PARTIES_SAVED}" in texts(out)
    row = await bot.services.db.fetchone("SELECT data FROM case_drafts")
    assert "Pọm" not in row["data"]
    await bot.tap(MEDIATOR, "Gửi báo cáo")
    case = (await bot.services.cases.repo.find())[0]
    assert "Pọm" not in case.invited_names_encrypted
    assert PartyCipher(key).decrypt(case.invited_names_encrypted) == "Cụ Lò Văn Pọm"
    audit = (await bot.services.cases.repo.audit(case.id))[0].after
    assert audit["invited_names_recorded"] is True and "Pọm" not in str(audit)


async def test_forged_invited_kind_is_refused(bot):
    await to_review(bot)
    await bot.tap(MEDIATOR, edit("invited_kinds"))
    out = await bot.tap_data(MEDIATOR, "case:k:n:khong_co")
    assert "Giá trị không hợp lệ" in texts(out)
    out = await bot.tap_data(MEDIATOR, "case:a:n:follows_case_id:1")
    assert msg.CASE_STEP_STALE in texts(out)


NEW_HEADER = [
    "team_code",
    "received_date",
    "field",
    "basis",
    "result",
    "closed_date",
    "parties_count",
    "summary",
    "external_id",
    "invited_kinds",
    "invited_count",
    "agreement",
    "note",
    "written_record",
]
NEW_ROWS = [
    [
        "ML-01",
        "2024-03-02",
        "dat_dai",
        "yeu_cau",
        "thanh",
        "2024-03-10",
        "2",
        "Lối đi",
        "N-01",
        "gia_lang; Người thân",
        "",
        "Mở lại lối đi 1,5 m; SĐT 0912345678",
        "Đã ký sổ giấy",
        "có",
    ],
    [
        "ML-01",
        "2024-04-02",
        "khac",
        "yeu_cau",
        "khong_thanh",
        "2024-04-05",
        "2",
        "",
        "N-02",
        "cong_an",
        "2",
        "Bên A đòi bồi thường",
        "",
        "",
    ],
]


def test_import_accepts_the_new_columns_csv_and_xlsx(tmp_path, capsys):
    for suffix, writer in ((".csv", write_csv), (".xlsx", write_xlsx)):
        db = seeded(tmp_path / suffix[1:]) if (tmp_path / suffix[1:]).mkdir() is None else None
        path = writer(tmp_path / f"so{suffix}", NEW_ROWS, header=NEW_HEADER)
        assert main(["admin", "import-cases", str(path), "--commune", "ML", "--db", str(db)]) == 0, (
            capsys.readouterr()
        )
        cases = {c.external_id: c for c in stored(db)}
        first, second = cases["N-01"], cases["N-02"]
        assert first.invited_kinds == ("gia_lang", "nguoi_than") and first.invited_count == 2
        assert "0912345678" not in first.agreement and "1,5 m" in first.agreement
        assert first.note == "Đã ký sổ giấy" and first.written_record is True
        assert second.invited_count == 2 and second.written_record is None


def test_import_rejects_bad_new_cells(tmp_path, capsys):
    db = seeded(tmp_path)
    rows = [
        [
            "ML-01",
            "2024-03-02",
            "dat_dai",
            "yeu_cau",
            "khong_thanh",
            "2024-03-10",
            "2",
            "",
            "B-01",
            "",
            "",
            "",
            "",
            "có",
        ],  # row 2: written record for an unsuccessful case
        [
            "ML-01",
            "2024-03-02",
            "dat_dai",
            "yeu_cau",
            "thanh",
            "2024-03-10",
            "2",
            "",
            "B-02",
            "ông trời",
            "",
            "",
            "",
            "",
        ],  # row 3: unknown kind
        [
            "ML-01",
            "2024-03-02",
            "dat_dai",
            "yeu_cau",
            "thanh",
            "2024-03-10",
            "2",
            "",
            "B-03",
            "cong_an, dia_chinh",
            "1",
            "",
            "",
            "có lẽ",
        ],  # row 4: count below kinds, yes/no
    ]
    path = write_csv(tmp_path / "bad.csv", rows, header=NEW_HEADER)
    assert main(["admin", "import-cases", str(path), "--commune", "ML", "--db", str(db)]) == 1
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert "Dòng 2: written_record" in out and "Dòng 3: invited_kinds" in out
    assert "Dòng 4: invited_count" in out and "Dòng 4: written_record" in out
    assert stored(db) == []


async def test_invited_names_kept_when_corrected_without_the_key(bot):
    commune = await bot.services.org.commune_by_code("ML")
    await bot.services.db.execute("UPDATE communes SET store_party_names = 1 WHERE id = ?", (commune.id,))
    bot.services.cases.cipher = PartyCipher(Fernet.generate_key().decode())
    await to_review(bot)
    await bot.tap(MEDIATOR, "Bỏ qua")
    await bot.tap(MEDIATOR, edit("invited_kinds"))
    await bot.tap(MEDIATOR, "Người có uy tín")
    await bot.tap(MEDIATOR, msg.CASE_BTN_DONE)
    await bot.tap(MEDIATOR, edit("invited_names"))
    await bot.say(MEDIATOR, "Cụ Lò Văn Pọm")
    await bot.tap(MEDIATOR, "Gửi báo cáo")
    case = (await bot.services.cases.repo.find())[0]
    token = case.invited_names_encrypted
    # The key is gone (or not configured on this process): a correction keeps the stored names.
    bot.services.cases.cipher = PartyCipher(None)
    await bot.tap_data(MEDIATOR, f"case:c:{case.id}")
    await bot.tap(MEDIATOR, edit("note"))
    await bot.say(MEDIATOR, "Sửa ghi chú")
    await bot.tap(MEDIATOR, "Gửi báo cáo")
    corrected = await bot.services.cases.repo.get(case.id)
    assert corrected.note == "Sửa ghi chú" and corrected.invited_names_encrypted == token
