"""«Danh sách tổ hòa giải» in the chat: the XLSX sent, edited and sent back (errors with row numbers, preview,
«Áp dụng» / «Hủy»), small changes with buttons, and who may do what — through the real application."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from bot import messages as msg
from services.org_list import FIRST_ROW, PEOPLE_COLUMNS
from storage.audit import AuditLog
from tests.harness import ChatHarness, texts

COL = {name: i + 1 for i, name in enumerate(PEOPLE_COLUMNS)}


@pytest.fixture
async def bot(tmp_path):
    async with ChatHarness(tmp_path) as harness:
        await harness.seed_demo()
        yield harness


def last_document(bot, who) -> tuple[str, bytes]:
    doc = [m for m in bot.api.sent_to(bot.user_id(who)) if "document" in m][-1]["document"]
    return doc["file_name"], bot.api.files[doc["file_id"]][1]


def edited(content: bytes, changes: dict) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    ws = wb[msg.ORG_SHEET_PEOPLE]
    for (name, column), value in changes.items():
        row = next(
            r
            for r in range(FIRST_ROW, ws.max_row + 1)
            if ws.cell(row=r, column=COL["full_name"]).value == name
        )
        ws.cell(row=row, column=COL[column], value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def send_file(bot, who, content: bytes, name: str = "danh-sach.xlsx") -> list[dict]:
    uid = bot.user_id(who)
    before = len(bot.api.outbox)
    await bot._process(bot.api.user_document(uid, name, content))
    return [m for m in bot.api.outbox[before:] if m["chat"]["id"] == uid]


async def people(bot) -> dict:
    commune = await bot.services.org.commune_by_code("ML")
    return {p["full_name"]: p for p in await bot.services.org_list.repo.people(commune.id)}


async def test_file_round_trip_errors_preview_apply(bot):
    await bot.say("commune", "/trogiup")
    await bot.tap("commune", msg.BTN_ORG)
    name, content = last_document(bot, "commune")
    assert name == "danh-sach-to-hoa-giai-ML.xlsx"
    out = await send_file(bot, "commune", content)
    assert msg.ORG_PREVIEW_NONE in texts(out)

    bad = edited(
        content, {("Quàng Thị Mai", "team"): "ML-99", ("Nguyễn Văn Bình", "trained_on"): "32/1/2025"}
    )
    out = await send_file(bot, "commune", bad)
    assert msg.ORG_ERRORS.format(count=2) in texts(out) and "dòng" in texts(out) and "ML-99" in texts(out)

    good = edited(
        content,
        {
            ("Nguyễn Văn Bình", "trained_on"): "05/01/2025",
            ("Điêu Thị Lan", "status"): "Đã thôi",
            ("Điêu Thị Lan", "retire_reason"): msg.ORG_RETIRE_REASONS["nguyen_vong"],
            ("Điêu Thị Lan", "retired_on"): "01/10/2025",
        },
    )
    out = await send_file(bot, "commune", good)
    preview = texts(out)
    assert "sửa 1, cho thôi 1" in preview and "ngày tập huấn (trống) → 05/01/2025" in preview
    assert "Điêu Thị Lan: thôi từ 01/10/2025" in preview
    assert (await people(bot))["Điêu Thị Lan"]["status"] == "active"  # nothing written before «Áp dụng»
    await bot.restart()  # the pending file survives a restart
    out = await bot.tap("commune", msg.ORG_BTN_APPLY)
    assert msg.ORG_APPLIED.split(".")[0] in texts(out)
    now = await people(bot)
    assert now["Điêu Thị Lan"]["status"] == "retired" and now["Nguyễn Văn Bình"]["trained_on"] == "2025-01-05"
    assert len(await AuditLog(bot.services.db).rows()) == 2
    out = await send_file(bot, "commune", good)
    assert msg.ORG_PREVIEW_NONE in texts(out)


async def test_cancel_writes_nothing_and_other_files_are_not_taken(bot):
    await bot.say("commune", "/danhsach")
    _, content = last_document(bot, "commune")
    await send_file(bot, "commune", edited(content, {("Quàng Thị Mai", "gender"): "Khác"}))
    await bot.tap("commune", msg.BTN_CANCEL)
    assert (await people(bot))["Quàng Thị Mai"]["gender"] == "nu"
    out = await send_file(bot, "commune", b"PK not really", name="khac.xlsx")
    assert msg.ORG_NOT_XLSX in texts(out)


async def test_small_changes_with_buttons(bot):
    await bot.say("commune", "/danhsach")
    await bot.tap("commune", msg.ORG_BTN_RETIRE)
    await bot.tap("commune", "ML-02 – Tổ hòa giải tổ dân phố 2")
    await bot.tap("commune", "Điêu Thị Lan")
    await bot.tap("commune", msg.ORG_RETIRE_REASONS["khong_du_tieu_chuan"])
    out = await bot.say("commune", "31/02/2025")
    assert msg.ORG_BAD_DATE in texts(out)
    out = await bot.say("commune", "15/9/2025")
    assert "cho thôi 1" in texts(out)
    lan = (await people(bot))["Điêu Thị Lan"]
    assert (lan["status"], lan["retire_reason"], lan["retired_on"]) == (
        "retired",
        "khong_du_tieu_chuan",
        "2025-09-15",
    )

    await bot.tap("commune", msg.ORG_BTN_TRAINED)
    await bot.tap("commune", "ML-01 – Tổ hòa giải bản Na Lay")
    await bot.tap("commune", "Nguyễn Văn Bình")
    await bot.tap("commune", "Quàng Thị Mai")
    await bot.tap("commune", msg.ORG_BTN_DONE)
    out = await bot.tap("commune", msg.ORG_BTN_TODAY)
    assert "sửa 2" in texts(out)

    await bot.tap("commune", msg.ORG_BTN_ADD)
    await bot.tap("commune", "ML-03 – Tổ hòa giải bản Bó")
    await bot.say("commune", "Lò Thị Mới")
    out = await bot.tap("commune", "Nữ")
    assert "Thêm 1" in texts(out)

    await bot.tap("commune", msg.ORG_BTN_LEADER)
    await bot.tap("commune", "ML-03 – Tổ hòa giải bản Bó")
    await bot.tap("commune", "Lò Thị Mới")
    await bot.tap("commune", msg.ORG_BTN_MOVE)
    await bot.tap("commune", "ML-03 – Tổ hòa giải bản Bó")
    await bot.tap("commune", "Lường Văn Sơn")
    await bot.tap("commune", "ML-02 – Tổ hòa giải tổ dân phố 2")
    await bot.tap("commune", msg.ORG_BTN_RECOG)
    await bot.tap("commune", "ML-03 – Tổ hòa giải bản Bó")
    await bot.tap("commune", "Lò Thị Mới")
    await bot.say("commune", "21/QĐ-UBND")
    await bot.say("commune", "01/11/2025")
    now = await people(bot)
    assert (
        now["Lò Thị Mới"]["role"] == "team_leader"
        and now["Lò Thị Mới"]["recognition_decision"] == "21/QĐ-UBND"
    )
    assert now["Lường Văn Sơn"]["team"] == "ML-02" and now["Lường Văn Sơn"]["role"] == "mediator"
    actions = [r.action for r in await AuditLog(bot.services.db).rows()]
    assert actions.count("org.person.retire") == 1 and actions.count("org.person.add") == 1


async def test_a_leaving_word_at_a_typed_step_ends_the_small_change(bot):
    """Found by test_fuzz_flows: "huy" typed where a new mediator's name is asked was taken as the name."""
    before = await people(bot)
    await bot.say("commune", "/danhsach")
    await bot.tap("commune", msg.ORG_BTN_ADD)
    await bot.tap("commune", "ML-03 – Tổ hòa giải bản Bó")
    out = await bot.say("commune", "huy")
    assert msg.FLOW_CANCELLED in texts(out) and msg.MENU_AFTER_FLOW in texts(out)
    assert "Giới tính" not in texts(out)
    out = await bot.say("commune", "Lò Thị Mới")  # no step is waiting any more: an ordinary question
    assert "Giới tính" not in texts(out)
    assert await people(bot) == before


async def test_who_may_do_what_in_the_chat(bot):
    out = await bot.say("mediator", "/danhsach")
    assert "document" not in str(out) and out  # refused politely
    await bot.say("leader", "/danhsach")
    name, content = last_document(bot, "leader")
    assert name == "danh-sach-ML-01.xlsx"
    names = {c.value for c in load_workbook(io.BytesIO(content))[msg.ORG_SHEET_PEOPLE]["C"][2:]}
    assert names - {None} == {"Lò Văn Hùng", "Quàng Thị Mai", "Nguyễn Văn Bình"}
    out = await bot.tap_data("leader", "og:a:retire")  # a forged button
    assert msg.ORG_DENIED in texts(out)
    out = await send_file(bot, "leader", content)
    assert msg.ORG_DENIED in texts(out)
    # the province official picks a commune of the province
    await bot.say("province", "/danhsach")
    await bot.tap("province", "Phường Mường Lay")
    assert last_document(bot, "province")[0] == "danh-sach-to-hoa-giai-ML.xlsx"
    assert await AuditLog(bot.services.db).rows() == []


async def test_invite_by_name_attaches_the_registration_to_the_listed_person(bot):
    await bot.say("commune", "/danhsach")
    await bot.tap("commune", msg.ORG_BTN_INVITE)
    await bot.tap("commune", "ML-02 – Tổ hòa giải tổ dân phố 2")
    out = await bot.tap("commune", "Điêu Thị Lan")
    invite = await bot.services.db.fetchone("SELECT * FROM invites ORDER BY id DESC LIMIT 1")
    assert invite["person_id"] is not None and invite["max_uses"] == 1
    assert invite["code"][:4] in texts(out)
    before = (await bot.services.db.fetchone("SELECT COUNT(*) AS n FROM persons"))["n"]
    await bot.say(2001, f"/start {invite['code']}")
    await bot.tap(2001, "Không, sửa lại")
    await bot.say(2001, "Dieu Thi Lan")
    out = await bot.tap(2001, "1")  # keeps the name as typed (no marks); the listed person's name stays
    assert "Đăng ký thành công" in texts(out)
    assert msg.CONFIRM_TEAM.split("{")[0] not in texts(out)  # the invite named her: her team is not asked
    lan = (await people(bot))["Điêu Thị Lan"]
    assert (await bot.services.db.fetchone("SELECT COUNT(*) AS n FROM persons"))["n"] == before
    registered = await bot.services.people.by_identity("console", "2001")
    assert registered is not None and registered.id == lan["id"] and registered.full_name == "Điêu Thị Lan"
    # someone with an account cannot be invited again
    await bot.say("commune", "/danhsach")
    await bot.tap("commune", msg.ORG_BTN_INVITE)
    await bot.tap("commune", "ML-01 – Tổ hòa giải bản Na Lay")
    out = await bot.tap("commune", "Quàng Thị Mai")
    assert msg.ORG_INVITE_LINKED in texts(out)


async def test_registration_by_team_code_attaches_to_an_unlinked_namesake(bot):
    services = bot.services
    commune = await services.org.commune_by_code("ML")
    team = await services.org.team_by_code("ML-02")
    invite = await services.registration.create_invite(
        None, commune.id, "mediator", team_id=team.id, max_uses=5
    )
    person = await services.registration.register(invite.code, "Điêu  Thị Lan", "console", "3001")
    assert person.full_name == "Điêu Thị Lan" and person.team_id == team.id
    assert (await people(bot))["Điêu Thị Lan"]["id"] == person.id
    other = await services.registration.register(invite.code, "Điêu Thị Lan", "console", "3002")
    assert other.id != person.id  # she already has an account: a namesake is another person


async def test_province_official_merges_communes_in_the_chat(bot):
    await bot.say("province", "/danhsach")
    await bot.tap("province", msg.ORG_BTN_MERGE)
    await bot.tap("province", "Phường Mường Lay")
    await bot.tap("province", "Xã Nà Hỳ")
    await bot.tap("province", msg.ORG_BTN_DONE)
    await bot.tap("province", msg.ORG_MERGE_NEW)
    out = await bot.say("province", "ML")  # taken
    assert msg.ORG_MERGE_BAD_CODE in texts(out)
    await bot.say("province", "mln")
    out = await bot.say("province", "Phường Mường Lay Mới")
    assert "Gộp Phường Mường Lay, Xã Nà Hỳ vào Phường Mường Lay Mới (MLN)?" in texts(out)
    out = await bot.tap("province", msg.ORG_BTN_APPLY)
    assert "(MLN)" in texts(out)
    merged = await bot.services.org.commune_by_code("MLN")
    assert {t.code for t in await bot.services.org.teams_of_commune(merged.id)} == {
        "ML-01",
        "ML-02",
        "ML-03",
        "NH-01",
    }
    # a commune official cannot merge, whatever button they send
    await bot.say("commune", "/trogiup")
    out = await bot.tap_data("commune", "og:mok")
    assert msg.NOT_ALLOWED.split("{")[0] in texts(out)
    [row] = await AuditLog(bot.services.db).rows(object_type="commune")
    assert row.actor_id == (await bot.services.people.by_identity("console", "1004")).id


async def test_file_and_typed_steps_across_two_processes(tmp_path):
    from tests.test_shared_state import _two

    a, b = await _two(tmp_path)
    try:
        await a.say("commune", "/danhsach")
        _, content = last_document(a, "commune")
        await send_file(b, "commune", edited(content, {("Quàng Thị Mai", "gender"): "Khác"}))
        out = await a.tap("commune", msg.ORG_BTN_APPLY)
        assert "sửa 1" in texts(out)
        await b.say("commune", "/danhsach")
        await a.tap("commune", msg.ORG_BTN_RECOG)
        await b.tap("commune", "ML-01 – Tổ hòa giải bản Na Lay")
        await a.tap("commune", "Nguyễn Văn Bình")
        await b.say("commune", "3/QĐ-UBND")
        out = await a.say("commune", "02/02/2025")
        assert "sửa 1" in texts(out)
        binh = (await people(a))["Nguyễn Văn Bình"]
        assert (binh["recognition_decision"], binh["recognised_on"]) == ("3/QĐ-UBND", "2025-02-02")
        assert (await people(a))["Quàng Thị Mai"]["gender"] == "khac"
    finally:
        await a.stop()
        await b.stop()
