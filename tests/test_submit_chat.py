"""/thongke: the statistical periods first, submitting (chốt số liệu) with a confirmation, cases changed after
submitting, revisions, team leaders refused on the server, the province's submission status and the switch
between submitted and live figures, the ministry official's national view."""

from __future__ import annotations

import asyncio
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot import messages as msg
from bot.cli import main as cli_main
from services.models import PersonDraft, Role
from services.statistics import Period
from storage.audit import AuditLog
from storage.stats import CaseSeed, seed_cases, set_case_result
from tests.harness import texts


def _today(bot) -> date:
    return datetime.now(ZoneInfo(bot.config.timezone)).date()


@pytest.fixture
async def cases(bot):
    today = _today(bot).isoformat()
    ml1 = await bot.services.org.team_by_code("ML-01")
    ids = await seed_cases(
        bot.services.db,
        [
            CaseSeed(ml1.id, today, "dat_dai", "thanh"),
            CaseSeed(ml1.id, today, "dan_su", "dang_hoa_giai"),
            CaseSeed(ml1.id, today, "dat_dai", "khong_thanh"),
        ],
    )
    bot.case_ids = ids
    return bot


#: The back/cancel buttons every step of a flow ends with (compared apart from the step's own choices).
NAV = (msg.BTN_BACK, msg.BTN_CANCEL)


def _year_label(bot) -> str:
    return msg.PERIODS_OFFICIAL["y"].format(year=_today(bot).year)


async def test_statistical_periods_are_offered_first(cases):
    bot = cases
    await bot.say("commune", "/thongke")
    labels = [o.label for o in bot.buttons("commune")]
    year = _today(bot).year
    assert [label for label in labels if label not in NAV][:4] == [
        msg.PERIODS_OFFICIAL[k].format(year=y)
        for k, y in (("h6", year), ("h6a", year), ("y", year), ("yp", year - 1))
    ]
    out = await bot.tap("commune", msg.PERIODS_OFFICIAL["h6a"].format(year=year))
    assert f"01/01/{year} – 31/05/{year}" in texts(out)


async def test_commune_official_submits_sees_changes_and_revises(cases):
    bot = cases
    await bot.say("commune", "/thongke")
    out = await bot.tap("commune", _year_label(bot))
    assert msg.SUBMIT_NOTE_NONE in texts(out)
    out = await bot.tap("commune", msg.SUBMIT_BTN)
    text = texts(out)
    assert "(lần 1)" in text and "Tiếp nhận 3 vụ việc" in text and "50,0% (1/2 vụ việc đã hòa giải)" in text
    confirm = bot.last_with_buttons("commune")
    out = await bot.tap("commune", msg.SUBMIT_BTN_CONFIRM)
    assert "Đã chốt số liệu" in texts(out) and "lần 1" in texts(out)
    # a second tap on the same confirmation does not submit again
    out = await bot.tap_data(
        "commune", confirm["reply_markup"]["inline_keyboard"][0][0]["callback_data"], confirm
    )
    assert msg.SUBMIT_ALREADY.format(revision=1) in texts(out)

    # nothing changed since: no "Chốt lại" offered, and a forged submit or confirmation makes no revision
    await bot.say("commune", "/thongke")
    out = await bot.tap("commune", _year_label(bot))
    assert "📌 Đã chốt lần 1" in texts(out) and msg.SUBMIT_NOTE_UNCHANGED in texts(out)
    assert all("Chốt" not in o.label for o in bot.buttons("commune"))
    ml = await bot.services.org.commune_by_code("ML")
    y = _today(bot).year
    for data in (f"st:c:c:{ml.id}:{y}0101:{y}1231", f"st:cy:c:{ml.id}:{y}0101:{y}1231:2"):
        out = await bot.tap_data("commune", data)
        text = texts(out)
        assert "Số liệu không thay đổi so với lần chốt số 1 (" in text and "không tạo lần chốt mới." in text
        assert msg.SUBMIT_BTN_CONFIRM not in [o.label for o in bot.buttons("commune")]
    rows = await AuditLog(bot.services.db).rows(object_type="report_submission")
    assert [r.action for r in rows] == ["report.submit"]
    scope = await bot.services.statistics.scope_by_code("commune", "ML")
    assert (
        await bot.services.submissions.latest(scope, Period(date(y, 1, 1), date(y, 12, 31)))
    ).revision == 1

    # later: a result changes and a case is added
    await set_case_result(bot.services.db, bot.case_ids[1], "thanh", _today(bot).isoformat())
    ml2 = await bot.services.org.team_by_code("ML-02")
    await seed_cases(bot.services.db, [CaseSeed(ml2.id, _today(bot).isoformat(), "khac", "rut_yeu_cau")])
    await bot.say("commune", "/thongke")
    out = await bot.tap("commune", _year_label(bot))
    text = texts(out)
    assert "📌 Đã chốt lần 1" in text and "⚠️ 2 vụ việc thay đổi sau khi chốt:" in text
    assert "kết quả Đang hòa giải → Hòa giải thành" in text and "ghi thêm sau khi chốt" in text
    out = await bot.tap("commune", msg.SUBMIT_BTN_REVISE.format(revision=2))
    assert "(lần 2)" in texts(out)
    out = await bot.tap("commune", msg.SUBMIT_BTN_CONFIRM)
    assert "lần 2" in texts(out)
    rows = await AuditLog(bot.services.db).rows(object_type="report_submission")
    assert [r.action for r in rows] == ["report.revise", "report.submit"]
    await bot.say("commune", "/thongke")
    out = await bot.tap("commune", _year_label(bot))
    assert "📌 Đã chốt lần 2" in texts(out) and msg.SUBMIT_NOTE_UNCHANGED in texts(out)
    assert all("Chốt" not in o.label for o in bot.buttons("commune"))


async def test_team_leader_cannot_submit_even_with_a_forged_button(cases):
    bot = cases
    await bot.say("leader", "/thongke")
    await bot.tap("leader", _year_label(bot))
    assert all(msg.SUBMIT_BTN not in o.label for o in bot.buttons("leader"))
    ml = await bot.services.org.commune_by_code("ML")
    y = _today(bot).year
    for data in (f"st:c:c:{ml.id}:{y}0101:{y}1231", f"st:cy:c:{ml.id}:{y}0101:{y}1231:1"):
        out = await bot.tap_data("leader", data)
        assert "Đã chốt" not in texts(out)
        assert msg.STATS_DENIED in texts(out) or msg.SUBMIT_DENIED in texts(out)
    assert await AuditLog(bot.services.db).rows(object_type="report_submission") == []


async def test_province_official_sees_status_and_switches_to_submitted(cases, tmp_path):
    bot = cases
    y = _today(bot).year
    ml_scope = await bot.services.statistics.scope_by_code("commune", "ML")
    await bot.services.submissions.submit(
        None, ml_scope, Period(date(y, 1, 1), date(y, 12, 31)), label="test"
    )
    await bot.say("province", "/thongke")
    await bot.tap("province", "Toàn tỉnh Điện Biên")
    out = await bot.tap("province", _year_label(bot))
    assert msg.SUBMIT_SOURCE_LIVE in texts(out)
    report_message = bot.last_with_buttons("province")
    out = await bot.tap("province", msg.SUBMIT_BTN_STATUS, report_message)
    text = texts(out)
    communes = len(
        await bot.services.org.communes_of_province(
            (await bot.services.org.commune_by_code("ML")).province_id
        )
    )
    assert f"Đã chốt: 1/{communes} xã/phường" in text and "✅ Phường Mường Lay: lần 1" in text
    out = await bot.tap("province", msg.SUBMIT_BTN_SUBMITTED, report_message)
    text = texts(out)
    assert msg.SUBMIT_SOURCE_ROLLUP in text and f"Xã/phường đã chốt số liệu: 1/{communes}" in text
    out = await bot.tap("province", msg.STATS_BTN_XLSX)
    document = next(m for m in out if "document" in m)
    assert document["document"]["file_name"].startswith("da-chot-")
    wb = load_workbook(io.BytesIO(bot.api.files[document["document"]["file_id"]][1]))
    assert wb["Theo xã"]["A3"].value == msg.SUBMIT_SOURCE_ROLLUP
    out = await bot.tap("province", msg.SUBMIT_BTN_LIVE)
    assert msg.SUBMIT_SOURCE_LIVE in texts(out)
    # a commune official may not open the province's status
    ml = await bot.services.org.commune_by_code("ML")
    await bot.say("commune", "/thongke")
    out = await bot.tap_data("commune", f"st:stat:p:{ml.province_id}:{y}0101:{y}1231")
    assert msg.STATS_DENIED in texts(out)


async def test_ministry_official_sees_the_country(cases):
    bot = cases
    person_id = await bot.services.people.create(
        PersonDraft(full_name="Trần Văn Bộ", role=Role.MINISTRY_OFFICIAL)
    )
    await bot.services.people.link_identity(person_id, "console", "2001", "2001")
    await bot.say(2001, "/thongke")
    labels = [o.label for o in bot.buttons(2001)]
    assert [label for label in labels if label not in NAV] == [msg.SUBMIT_WHOLE_COUNTRY, "Điện Biên"]
    out = await bot.tap(2001, msg.SUBMIT_WHOLE_COUNTRY)
    assert "Toàn quốc" in texts(out)
    out = await bot.tap(2001, _year_label(bot))
    text = texts(out)
    assert "Tiếp nhận: 3 vụ việc" in text and "Tỷ lệ hòa giải thành: 50,0% (1/2 vụ việc đã hòa giải)" in text
    out = await bot.tap(2001, msg.STATS_BTN_XLSX)
    document = next(m for m in out if "document" in m)
    wb = load_workbook(io.BytesIO(bot.api.files[document["document"]["file_id"]][1]))
    assert "Theo tỉnh" in wb.sheetnames and "Chỉ tiêu theo tỉnh" in wb.sheetnames
    assert msg.SUBMIT_BTN_SUBMITTED in [o.label for o in bot.buttons(2001)]
    out = await bot.tap(2001, msg.SUBMIT_BTN_SUBMITTED)
    assert msg.SUBMIT_SOURCE_ROLLUP in texts(out) and "Tiếp nhận: 0 vụ việc" in texts(out)
    # a province, then one of its communes, read only: no submit button, and a forged one is refused
    await bot.say(2001, "/thongke")
    await bot.tap(2001, "Điện Biên")
    await bot.tap(2001, "Phường Mường Lay")
    await bot.tap(2001, _year_label(bot))
    assert all(msg.SUBMIT_BTN not in o.label for o in bot.buttons(2001))
    ml = await bot.services.org.commune_by_code("ML")
    y = _today(bot).year
    out = await bot.tap_data(2001, f"st:c:c:{ml.id}:{y}0101:{y}1231")
    assert msg.SUBMIT_DENIED in texts(out)


async def test_admin_creates_the_ministry_official_from_the_command_line(bot, capsys):
    db = bot.config.database_path
    assert (
        await asyncio.to_thread(
            cli_main,
            [
                "admin",
                "invite-ministry",
                "--name",
                "Trần Văn Bộ",
                "--ref",
                "BTP-01",
                "--telegram",
                "777",
                "--db",
                db,
            ],
        )
        == 0
    )
    assert "Đã tạo cán bộ Bộ Tư pháp Trần Văn Bộ" in capsys.readouterr().out
    person = await bot.services.people.by_identity("telegram", "777")
    assert person.role == Role.MINISTRY_OFFICIAL and person.commune_id is None
    assert (
        await asyncio.to_thread(cli_main, ["admin", "invite-ministry", "--name", "Lê Thị Cục", "--db", db])
        == 0
    )
    code = capsys.readouterr().out.split("/lienket ")[-1].strip()
    await bot.say(2002, f"/lienket {code}")
    linked = await bot.services.people.by_identity("console", "2002")
    assert linked is not None and linked.role == Role.MINISTRY_OFFICIAL
    # nobody gets the role through an invite code
    ml = await bot.services.org.commune_by_code("ML")
    for creator in ("commune", "province", "admin"):
        person = await bot.services.people.by_identity("console", str(bot.user_id(creator)))
        with pytest.raises((ValueError, PermissionError)):
            await bot.services.registration.create_invite(person, ml.id, Role.MINISTRY_OFFICIAL)
