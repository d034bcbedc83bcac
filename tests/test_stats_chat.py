"""/thongke through the chat (ChatHarness): scoping by role, forged callbacks, periods, chart and workbook,
the monthly summary and its opt-out."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot import messages as msg
from bot.delivery import worker_of
from bot.jobs import monthly_summaries
from storage.stats import CaseSeed, seed_cases
from tests.harness import texts


def _today(bot) -> date:
    return datetime.now(ZoneInfo(bot.config.timezone)).date()


async def _team(bot, code):
    return await bot.services.org.team_by_code(code)


@pytest.fixture
async def cases(bot):
    """Today: ML-01 two successful and one pending, ML-02 one unsuccessful; NH-01 five (another commune);
    last year: one more in ML-01 (outside 'this year')."""
    today = _today(bot).isoformat()
    ml1, ml2, nh1 = await _team(bot, "ML-01"), await _team(bot, "ML-02"), await _team(bot, "NH-01")
    seeds = [
        CaseSeed(ml1.id, today, "dat_dai", "thanh"),
        CaseSeed(ml1.id, today, "hon_nhan_gia_dinh", "thanh"),
        CaseSeed(ml1.id, today, "dat_dai", "dang_hoa_giai"),
        CaseSeed(ml2.id, today, "dan_su", "khong_thanh"),
        CaseSeed(ml1.id, date(_today(bot).year - 1, 6, 1).isoformat(), "dat_dai", "thanh"),
    ]
    seeds += [CaseSeed(nh1.id, today, "xom_gieng", "thanh") for _ in range(5)]
    await seed_cases(bot.services.db, seeds)
    return bot


def _photo_bytes(bot, message) -> bytes:
    return bot.api.files[message["photo"][-1]["file_id"]][1]


def _document_bytes(bot, message) -> bytes:
    return bot.api.files[message["document"]["file_id"]][1]


async def test_commune_official_sees_own_commune(cases):
    bot = cases
    out = await bot.say("commune", "/thongke")
    assert "Phường Mường Lay" in texts(out)
    out = await bot.tap("commune", "Năm nay")
    text = texts(out)
    assert f"năm {_today(bot).year}" in text
    assert "Tiếp nhận: 4 vụ việc" in text and "Thành: 2" in text and "Không thành: 1" in text
    assert "Tỷ lệ hòa giải thành: 66,7% (2/3 vụ việc đã hòa giải)" in text
    assert "Tính trên số tiếp nhận: 50,0% (2/4 vụ việc tiếp nhận)" in text
    assert "✗ Tỷ lệ hòa giải thành: 66,7% / 85% (2/3 vụ việc đã hòa giải)" in text
    assert "Xã Nà Hỳ" not in text


async def test_chart_and_workbook_buttons(cases):
    bot = cases
    await bot.say("commune", "/thongke")
    await bot.tap("commune", "Tháng này")
    report_message = bot.last_with_buttons("commune")
    out = await bot.tap("commune", "Biểu đồ", report_message)
    photos = [m for m in out if "photo" in m]
    assert len(photos) == 1 and _photo_bytes(bot, photos[0]).startswith(b"\x89PNG")
    out = await bot.tap("commune", "Tải Excel", report_message)
    documents = [m for m in out if "document" in m]
    assert len(documents) == 1 and documents[0]["document"]["file_name"].endswith(".xlsx")
    wb = load_workbook(io.BytesIO(_document_bytes(bot, documents[0])))
    ws = wb["Theo lĩnh vực"]
    assert ws["A10"].value == "Tổng số" and ws["B10"].value == 4 and ws["C10"].value == 2


async def test_forged_callbacks_never_show_another_commune(cases):
    bot = cases
    nh = await bot.services.org.commune_by_code("NH")
    province = await bot.services.org.province_by_code("DB")
    await bot.say("commune", "/thongke")
    await bot.tap("commune", "Năm nay")
    span = f"{_today(bot).year}0101:{_today(bot).year}1231"
    for data in (
        f"st:g:c:{nh.id}:{span}",
        f"st:x:c:{nh.id}:{span}",
        f"st:x:p:{province.id}:{span}",
        f"st:a:c:{nh.id}",
        f"st:a:p:{province.id}",
    ):
        before = len(bot.api.outbox)
        out = await bot.tap_data("commune", data)
        assert msg.STATS_DENIED in texts(out), data
        assert not any("photo" in m or "document" in m for m in bot.api.outbox[before:])
        assert "Nà Hỳ" not in texts(out)
    # a forged scope choice while the flow waits for a period: refused, no report
    await bot.say("commune", "/thongke")
    out = await bot.tap_data("commune", f"st:s:c:{nh.id}")
    assert "Tiếp nhận" not in texts(out)
    # garbage is not a crash
    for data in ("st:g:c:abc:1:2", "st:x:c:1:20251301:20251231", "st:g:z:1:20250101:20251231", "st:g"):
        out = await bot.tap_data("commune", data)
        assert texts(out)


async def test_team_leader_sees_only_own_team(cases):
    bot = cases
    out = await bot.say("leader", "/thongke")
    assert "Tổ hòa giải bản Na Lay" in texts(out)
    out = await bot.tap("leader", "Năm nay")
    assert "Tiếp nhận: 3 vụ việc" in texts(out)
    ml = await bot.services.org.commune_by_code("ML")
    out = await bot.tap_data("leader", f"st:a:c:{ml.id}")
    assert msg.STATS_DENIED in texts(out)
    ml2 = await _team(bot, "ML-02")
    out = await bot.tap_data("leader", f"st:g:t:{ml2.id}:20200101:20301231")
    assert msg.STATS_DENIED in texts(out)


async def test_mediator_and_guest_refused(cases):
    bot = cases
    out = await bot.say("mediator", "/thongke")
    assert "không được dùng" in texts(out)
    ml1 = await _team(bot, "ML-01")
    await bot.say("mediator", "/trogiup")
    out = await bot.tap_data("mediator", f"st:g:t:{ml1.id}:20200101:20301231")
    assert "không được dùng" in texts(out) and not any("photo" in m for m in out)
    out = await bot.say("guest", "/thongke")
    assert msg.NEED_REGISTRATION in texts(out)


async def test_province_official_rollup_and_commune(cases):
    bot = cases
    out = await bot.say("province", "/thongke")
    labels = [o.label for o in bot.buttons("province")]
    assert labels[0] == "Toàn tỉnh Điện Biên" and "Xã Nà Hỳ" in labels
    await bot.tap("province", "Toàn tỉnh Điện Biên")
    out = await bot.tap("province", "Năm nay")
    text = texts(out)
    assert "Tiếp nhận: 9 vụ việc" in text and "Xã/phường đã có số liệu: 2/2" in text
    out = await bot.tap("province", "Tải Excel")
    wb = load_workbook(io.BytesIO(_document_bytes(bot, [m for m in out if "document" in m][0])))
    assert "Theo xã" in wb.sheetnames
    await bot.say("province", "/thongke")
    await bot.tap("province", "Xã Nà Hỳ")
    out = await bot.tap("province", "Quý này")
    assert "Tiếp nhận: 5 vụ việc" in texts(out) and "/ 90%" in texts(out)  # pilot commune target


async def test_admin_chooses(cases):
    bot = cases
    out = await bot.say("admin", "/thongke")  # one province: straight to the scope choice
    assert msg.STATS_PICK_SCOPE in texts(out)
    await bot.tap("admin", "Phường Mường Lay")
    out = await bot.tap("admin", "6 tháng")
    assert "Tiếp nhận: 4 vụ việc" in texts(out)


async def test_custom_period_typed_survives_restart(cases):
    bot = cases
    await bot.say("commune", "/thongke")
    out = await bot.tap("commune", "Tùy chọn")
    assert "ngày/tháng/năm" in texts(out)
    out = await bot.say("commune", "31/02/2025 - 01/03/2025")
    assert msg.STATS_PERIOD_ERRORS["date"] in texts(out)
    out = await bot.say("commune", "hom qua")
    assert msg.STATS_PERIOD_ERRORS["format"] in texts(out)
    await bot.restart()
    year = _today(bot).year - 1
    out = await bot.say("commune", f"1/1/{year} den 31/12/{year}")
    assert f"01/01/{year} – 31/12/{year}" not in texts(out)  # a whole year is named as such
    assert f"năm {year}" in texts(out) and "Tiếp nhận: 1 vụ việc" in texts(out)


async def test_other_period_button_reuses_scope(cases):
    bot = cases
    await bot.say("leader", "/thongke")
    await bot.tap("leader", "Năm nay")
    out = await bot.tap("leader", "Xem kỳ khác")
    assert "Tổ hòa giải bản Na Lay" in texts(out)
    out = await bot.tap("leader", "Tháng này")
    assert "Tiếp nhận: 3 vụ việc" in texts(out)


async def send_monthly_summaries(bot, day: date) -> int:
    """The monthly job on `day`, then the outbox delivered; how many summaries the job queued."""
    queued = await monthly_summaries(bot.app, day)
    await worker_of(bot.app).drain()
    return queued


async def test_monthly_summary_once_per_month_and_opt_out(bot):
    ml1 = await _team(bot, "ML-01")
    await seed_cases(
        bot.services.db,
        [
            CaseSeed(ml1.id, "2025-06-30", "dat_dai", "thanh"),
            CaseSeed(ml1.id, "2025-07-01", "dat_dai", "thanh"),
        ],
    )
    assert await send_monthly_summaries(bot, date(2025, 7, 4)) == 0  # too late in the month
    sent = await send_monthly_summaries(bot, date(2025, 7, 1))
    assert sent == 1
    message = bot.api.sent_to(1003)[-1]
    assert msg.STATS_SUMMARY_TITLE in message["text"] and "tháng 6/2025" in message["text"]
    assert "Tiếp nhận: 1 vụ việc" in message["text"]
    assert "Tỷ lệ hòa giải thành: 100,0% (1/1 vụ việc đã hòa giải)" in message["text"]  # the Ministry's rate
    assert await send_monthly_summaries(bot, date(2025, 7, 1)) == 0
    await bot.restart()
    assert await send_monthly_summaries(bot, date(2025, 7, 2)) == 0
    assert len([m for m in bot.api.sent_to(1003) if msg.STATS_SUMMARY_TITLE in (m.get("text") or "")]) == 1
    # the chart button under the summary works
    out = await bot.tap("commune", "Biểu đồ", message)
    assert any("photo" in m for m in out)
    # opt out from the summary itself, then August sends nothing; opt back in with /bantin
    out = await bot.tap("commune", "Không nhận bản tin này", message)
    assert msg.STATS_SUMMARY_OFF in texts(out)
    assert await send_monthly_summaries(bot, date(2025, 8, 1)) == 0
    out = await bot.say("commune", "/bantin")
    assert msg.STATS_SUMMARY_STATUS_OFF in texts(out)
    await bot.tap("commune", "Nhận bản tin hằng tháng")
    assert await send_monthly_summaries(bot, date(2025, 8, 1)) == 1


async def test_monthly_summary_looks_as_before(bot):
    """What the official gets through the outbox is the summary the job used to send itself: the title and the
    month's report, and under it the chart, the workbook and the opt-out buttons (no other-period button)."""
    from handlers.stats import report_buttons
    from services.statistics import previous_month
    from services.stats_export import report_text

    assert await send_monthly_summaries(bot, date(2025, 9, 1)) == 1
    message = bot.api.sent_to(1003)[-1]
    ml = await bot.services.org.commune_by_code("ML")
    period = previous_month(date(2025, 9, 1))
    report = await bot.services.statistics.report(
        await bot.services.statistics.scope("commune", ml.id), period
    )
    assert message["text"] == f"{msg.STATS_SUMMARY_TITLE}\n{report_text(report)}"
    rows = report_buttons(report.scope, period, again=False) + [[(msg.STATS_SUMMARY_OFF_BUTTON, "st:off")]]
    assert [
        [(b["text"], b["callback_data"]) for b in row] for row in message["reply_markup"]["inline_keyboard"]
    ] == [list(row) for row in rows]


async def test_monthly_summary_retried_when_sending_fails(bot):
    """A send that fails (network, server error) is retried by the outbox until it goes through, once; the
    job run again the next day queues nothing more."""
    from bot.channels.local import Fault
    from tests.test_broadcast import fast_worker

    bot.api.faults.append(Fault("sendMessage", 502, "Bad Gateway", chat_id=1003, times=3))
    assert await monthly_summaries(bot.app, date(2025, 9, 1)) == 1
    await fast_worker(bot).drain()
    assert not bot.api.faults
    assert len([m for m in bot.api.sent_to(1003) if msg.STATS_SUMMARY_TITLE in (m.get("text") or "")]) == 1
    assert await send_monthly_summaries(bot, date(2025, 9, 2)) == 0
    assert len([m for m in bot.api.sent_to(1003) if msg.STATS_SUMMARY_TITLE in (m.get("text") or "")]) == 1


async def test_only_commune_officials_toggle_summary(bot):
    await bot.say("leader", "/trogiup")
    out = await bot.tap_data("leader", "st:off")
    assert msg.STATS_SUMMARY_ONLY_COMMUNE in texts(out)
    out = await bot.say("leader", "/bantin")
    assert "không được dùng" in texts(out)
