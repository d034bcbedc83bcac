"""/thulao and /thulaocuatoi through the chat (ChatHarness): the commune official's list, XLSX, drawing up,
exclusion with a written reason, marking paid; a mediator's own cases; a province's totals; forged taps."""

from __future__ import annotations

import io
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot import messages as msg
from tests.harness import texts


def _today(bot) -> date:
    return datetime.now(ZoneInfo(bot.config.timezone)).date()


@pytest.fixture
async def pay(bot):
    """Today in ML-01: one successful case (Mai + Hùng), one unsuccessful (Mai); one pending in ML-02."""
    services = bot.services
    commune = await services.org.commune_by_code("ML")
    people = {p.full_name: p.id for p in await services.people.in_commune(commune.id)}
    today = _today(bot).isoformat()
    numbers = []
    for team, result, mediators in (
        ("ML-01", "thanh", ["Quàng Thị Mai", "Lò Văn Hùng"]),
        ("ML-01", "khong_thanh", ["Quàng Thị Mai"]),
        ("ML-02", "dang_hoa_giai", ["Trần Văn Đức"]),
    ):
        case = await services.cases.repo.create(
            {
                "team_id": (await services.org.team_by_code(team)).id,
                "received_on": today,
                "field": "dan_su",
                "basis": "yeu_cau",
                "parties_count": 2,
                "result": result,
                "closed_on": None if result == "dang_hoa_giai" else today,
                "mediator_ids": [people[n] for n in mediators],
            },
            province_id=commune.province_id,
            commune_id=commune.id,
            commune_code="ML",
            reporter_id=None,
            submission_key=uuid.uuid4().hex,
            draft_purpose=None,
        )
        numbers.append(case.number)
    bot.numbers = numbers
    return bot


def _dates(bot) -> str:
    today = _today(bot)
    return f"{today.replace(day=1).strftime('%Y%m%d')}:{today.strftime('%Y%m%d')}"


async def test_official_sees_list_gets_xlsx_draws_and_marks_paid(pay):
    bot = pay
    out = await bot.say("commune", "/thulao")
    assert msg.PAY_PICK_PERIOD in texts(out)
    text = texts(await bot.tap("commune", "Tháng này"))
    assert "Được chi: 2 vụ việc" in text and "Tổ ML-01: 2 vụ việc, 700.000 đ" in text
    assert "Tổng cộng: 1.150.000 đồng" in text and "Một triệu một trăm năm mươi nghìn đồng" in text
    (document,) = [m for m in await bot.tap("commune", msg.PAY_BTN_XLSX) if m.get("document")]
    ws = load_workbook(io.BytesIO(bot.api.files[document["document"]["file_id"]][1])).active
    assert "DANH SÁCH CHI THÙ LAO HÒA GIẢI VIÊN" in [c for row in ws.iter_rows(values_only=True) for c in row]
    out = await bot.tap("commune", msg.PAY_BTN_DRAW)
    assert "Đã lập danh sách chi số 1, tổng 1.150.000 đồng" in texts(out)
    await bot.tap("commune", msg.PAY_BTN_PAID.format(number=1))
    assert "Đã ghi nhận danh sách số 1 đã chi" in texts(await bot.tap("commune", msg.PAY_BTN_CONFIRM))
    text = texts(await bot.tap_data("commune", f"tl:v:{_dates(bot)}"))
    assert "Đã chi trước: 2" in text and "Tổng cộng: 0 đồng" in text
    text = texts(await bot.tap_data("commune", "tl:l"))
    assert "Số 1:" in text and "đã chi ngày" in text


async def test_exclusion_needs_a_case_of_the_commune_and_a_written_reason(pay):
    bot = pay
    await bot.say("commune", "/thulao")
    await bot.tap_data("commune", "tl:e")
    assert "Không có vụ việc số ML-1999-0001" in texts(await bot.say("commune", "ML-1999-0001"))
    await bot.say("commune", bot.numbers[0].lower())
    assert "Cần ghi rõ lý do" in texts(await bot.say("commune", "vi pham"))
    out = await bot.say("commune", "Vi phạm Điều 10 khoản 3 Luật 35/2013 (có quyền lợi liên quan)")
    assert f"Đã loại vụ việc {bot.numbers[0]}" in texts(out)
    text = texts(await bot.tap_data("commune", f"tl:v:{_dates(bot)}"))
    assert "Được chi: 1 vụ việc · Loại: 1" in text


async def test_mediator_sees_own_cases_and_share(pay):
    bot = pay
    await bot.say("mediator", "/thulaocuatoi")
    text = texts(await bot.tap("mediator", "Tháng này"))
    assert f"{bot.numbers[0]}" in text and "được chi 200.000 đ, chưa chi" in text
    assert f"{bot.numbers[1]}" in text and "được chi 300.000 đ" in text and bot.numbers[2] not in text
    assert "Phần chưa chi: 500.000 đồng" in text


async def test_province_official_sees_totals_by_commune(pay):
    bot = pay
    await bot.say("province", "/thulao")
    text = texts(await bot.tap("province", "Tháng này"))
    assert "Phường Mường Lay: còn phải chi 1.150.000 đ" in text and "Xã Nà Hỳ: còn phải chi 150.000 đ" in text


@pytest.mark.parametrize(
    "who, data",
    [
        ("mediator", "tl:v:{dates}"),
        ("mediator", "tl:x:{dates}"),
        ("mediator", "tl:d:{dates}"),
        ("mediator", "tl:pc:1:20260101"),
        ("leader", "tl:e"),
        ("province", "tl:d:{dates}"),
        ("commune", "tl:pv:{dates}"),
        ("commune", "tl:m:{dates}"),
        ("guest", "tl:v:{dates}"),
    ],
)
async def test_forged_taps_are_refused_on_the_server(pay, who, data):
    bot = pay
    if who == "mediator":
        await bot.say("commune", "/thulao")  # a draft list exists for a forged 'paid' tap to aim at
        await bot.tap("commune", "Tháng này")
        await bot.tap("commune", msg.PAY_BTN_DRAW)
    await bot.say(who, "/start")
    out = await bot.tap_data(who, data.format(dates=_dates(bot)))
    text = texts(out)
    assert not [m for m in out if m.get("document")]
    assert any(s in text for s in ("không được dùng", "không xem hoặc sửa được", "đăng ký")), text
    lists = await bot.services.remuneration.repo.lists((await bot.services.org.commune_by_code("ML")).id)
    assert all(s.status == "drafted" for s in lists) and len(lists) <= 1
