"""Remuneration lists (issue 21): eligibility per result, exclusions, rates from their date, paid cases never
paid twice, corrections after payment as adjustments, whole-đồng shares, the XLSX read back, the CLI contract,
the audit rows. Runs on SQLite, or PostgreSQL with TEST_DATABASE_URL."""

from __future__ import annotations

import asyncio
import io
import json
import uuid
from datetime import date

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import Config
from bot.container import Services
from bot.demo import seed_demo
from services.models import Role
from services.org_list import merge_communes
from services.pay_lists import PayDenied, PayInputError
from services.remuneration import (
    DEFAULT_RATE,
    MAX_PER_CASE,
    MONTH_BEFORE_TT56,
    RESULT_RULES,
    Rate,
    RateError,
    RateTable,
    amount_in_words,
    months_overlapping,
    split_equal,
)
from services.remuneration_export import pay_list_xlsx, pay_summary
from services.statistics import Period
from storage.audit import AuditLog
from storage.org_history import snapshot_team
from storage.remuneration import AlreadyExcluded, PayConflict
from tests import dbtarget

JAN = Period(date(2026, 1, 1), date(2026, 1, 31))
Q1 = Period(date(2026, 1, 1), date(2026, 3, 31))


# --- the rules, without a database --------------------------------------------------------------------------
def test_each_result_maps_to_eligibility_with_a_cited_reason():
    assert {r: RESULT_RULES[r].eligible for r in RESULT_RULES} == {
        "thanh": True,
        "khong_thanh": True,
        "rut_yeu_cau": True,
        "chuyen_co_quan": False,
        "dang_hoa_giai": False,
    }
    assert RESULT_RULES["thanh"].successful and not RESULT_RULES["khong_thanh"].successful
    for rule in RESULT_RULES.values():
        assert "Điều 23" in rule.reason and "Luật 35/2013" in rule.reason


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=12))
def test_shares_are_whole_dong_and_add_up_exactly(amount, count):
    shares = split_equal(amount, count)
    assert sum(shares) == amount and len(shares) == count
    assert max(shares) - min(shares) <= 1 and shares == sorted(shares, reverse=True)


def test_shares_of_odd_amounts():
    assert split_equal(400_000, 3) == [133_334, 133_333, 133_333]
    assert split_equal(-100_001, 2) == [-50_000, -50_001]


@pytest.mark.parametrize(
    "amount, words",
    [
        (0, "Không đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (105, "Một trăm linh năm đồng"),
        (1_005, "Một nghìn không trăm linh năm đồng"),
        (1_050_000, "Một triệu không trăm năm mươi nghìn đồng"),
        (2_700_150, "Hai triệu bảy trăm nghìn một trăm năm mươi đồng"),
        (300_000, "Ba trăm nghìn đồng"),
        (1_000_000_000, "Một tỷ đồng"),
        (-450_000, "Âm bốn trăm năm mươi nghìn đồng"),
    ],
)
def test_amount_in_words(amount, words):
    assert amount_in_words(amount) == words


def test_rate_table_province_then_commune_override_from_their_dates():
    province = Rate(date(2026, 2, 1), 200_000, 250_000, 100_000, "NQ tỉnh", "province")
    commune = Rate(date(2026, 3, 15), 150_000, 200_000, 90_000, "NQ riêng", "commune")
    table = RateTable([province], [commune])
    assert table.at(date(2026, 1, 31)) == DEFAULT_RATE
    assert table.at(date(2026, 2, 1)) == province
    assert table.at(date(2026, 3, 15)) == commune
    assert months_overlapping(date(2025, 12, 20), date(2026, 2, 1)) == ["2025-12", "2026-01", "2026-02"]


# --- with a database ----------------------------------------------------------------------------------------
class Pay:
    def __init__(self, services: Services):
        self.services = services
        self.service = services.remuneration

    async def setup(self):
        await seed_demo(self.services)
        self.commune = await self.services.org.commune_by_code("ML")
        self.province = await self.services.org.province_by_code("DB")
        people = await self.services.people.in_commune(self.commune.id)
        self.by_name = {p.full_name: p for p in people}
        self.official = self.by_name["Lò Thị Hoa"]
        self.mai, self.hung = self.by_name["Quàng Thị Mai"], self.by_name["Lò Văn Hùng"]
        self.teams = {t.code: t for t in await self.services.org.teams_of_commune(self.commune.id)}
        self.service.today = lambda: date(2026, 12, 31)  # the day lists are drawn up (months begun by then)
        return self

    async def case(
        self,
        result: str,
        closed: str | None,
        *,
        team: str = "ML-01",
        mediators=None,
        received: str = "2026-01-05",
    ) -> str:
        mediators = [self.mai.id, self.hung.id] if mediators is None else mediators
        case = await self.services.cases.repo.create(
            {
                "team_id": self.teams[team].id,
                "received_on": received,
                "field": "dat_dai",
                "basis": "yeu_cau",
                "parties_count": 2,
                "result": result,
                "closed_on": closed,
                "mediator_ids": mediators,
            },
            province_id=self.commune.province_id,
            commune_id=self.commune.id,
            commune_code="ML",
            reporter_id=None,
            submission_key=uuid.uuid4().hex,
            draft_purpose=None,
        )
        return case.number

    async def correct(self, number: str, **changes):
        case = await self.services.cases.repo.by_number(number)
        values = {
            "team_id": case.team_id,
            "received_on": case.received_on,
            "field": case.field,
            "basis": case.basis,
            "parties_count": case.parties_count,
            "result": case.result,
            "closed_on": case.closed_on,
            "mediator_ids": list(case.mediator_ids),
            **changes,
        }
        await self.services.cases.repo.update(case.id, values, actor_id=None, action="edit")

    async def team_change(self, code: str, on: str, *, active: bool = True, new: bool = False):
        """A team created (`new`: it works from `on`) or dissolved on `on`, with its dated history row."""
        async with self.services.db.transaction() as conn:
            if new:
                await conn.execute(
                    "INSERT INTO teams(commune_id, code, name) VALUES (?, ?, ?)",
                    (self.commune.id, code, f"Tổ hòa giải {code}"),
                )
            await conn.execute("UPDATE teams SET active = ? WHERE code = ?", (int(active), code))
            async with conn.execute("SELECT id FROM teams WHERE code = ?", (code,)) as cur:
                team_id = (await cur.fetchone())[0]
            await snapshot_team(conn, team_id, on)

    async def json(self, period: Period = JAN) -> dict:
        return (await self.service.compute(self.commune, period)).as_json()


@pytest.fixture
async def pay(tmp_path):
    target = dbtarget.database_for(tmp_path, "pay.db")
    await dbtarget.prepare(target)
    services = Services.build(Config(database_path=target))
    await services.open()
    try:
        yield await Pay(services).setup()
    finally:
        await services.close()


def _by_no(data: dict) -> dict[str, dict]:
    return {c["case_no"]: c for c in data["cases"]}


async def test_every_result_on_the_list_with_the_contract_shape(pay):
    numbers = {r: await pay.case(r, None if r == "dang_hoa_giai" else "2026-01-20") for r in RESULT_RULES}
    data = await pay.json()
    cases = _by_no(data)
    assert set(cases) == set(numbers.values())
    for result, number in numbers.items():
        line = cases[number]
        assert line["result"] == result and line["team"] == "ML-01" and isinstance(line["amount"], int)
        assert line["eligible"] is RESULT_RULES[result].eligible and line["reason"]
    assert cases[numbers["thanh"]]["amount"] == 400_000
    assert cases[numbers["khong_thanh"]]["amount"] == cases[numbers["rut_yeu_cau"]]["amount"] == 300_000
    assert cases[numbers["dang_hoa_giai"]]["amount"] == cases[numbers["chuyen_co_quan"]]["amount"] == 0
    team = data["by_team"]["ML-01"]
    assert team == {"cases": 3, "amount": 1_000_000, "team_support": 150_000, "adjustment": 0, "paid": 0}
    assert set(data["by_team"]) == {"ML-01", "ML-02", "ML-03"}  # every team gets its monthly support line
    eligible = sum(c["amount"] for c in data["cases"] if c["eligible"])
    assert data["total"] == eligible + sum(t["team_support"] for t in data["by_team"].values()) == 1_450_000
    assert (
        data["rates"]["used"][0]["per_case"] == MAX_PER_CASE
        and "Hội đồng nhân dân tỉnh" in data["rates"]["decided_by"]
    )
    shares = cases[numbers["thanh"]]["mediators"]
    assert sum(m["share"] for m in shares) == 400_000 and {m["name"] for m in shares} == {
        "Quàng Thị Mai",
        "Lò Văn Hùng",
    }


async def test_pending_case_is_listed_in_its_received_period_and_never_eligible(pay):
    number = await pay.case("dang_hoa_giai", None, received="2026-01-10")
    line = _by_no(await pay.json())[number]
    assert line["eligible"] is False and line["amount"] == 0 and "chưa kết thúc" in line["reason"]


async def test_exclusion_with_reason_is_audited_and_can_be_lifted(pay):
    number = await pay.case("thanh", "2026-01-12")
    reason = "Vi phạm Điều 10 khoản 3 Luật 35/2013: có quyền lợi liên quan"
    await pay.service.exclude(pay.official, pay.commune, number.lower(), reason)
    line = _by_no(await pay.json())[number]
    assert (line["eligible"], line["amount"], line["status"]) == (False, 0, "excluded")
    assert reason in line["reason"] and "Lò Thị Hoa" in line["reason"]
    with pytest.raises(AlreadyExcluded):
        await pay.service.exclude(pay.official, pay.commune, number, reason)
    with pytest.raises(PayInputError) as bad:
        await pay.service.exclude(pay.official, pay.commune, number, "  ")
    assert bad.value.reason == "reason"
    assert await pay.service.include(pay.official, pay.commune, number) is True
    assert _by_no(await pay.json())[number]["amount"] == 400_000
    actions = [r.action for r in await AuditLog(pay.services.db).rows(object_type="case")]
    assert actions == ["remuneration.include", "remuneration.exclude"]


async def test_rate_change_mid_period_applies_from_its_date(pay):
    before = await pay.case("khong_thanh", "2026-02-10")
    after = await pay.case("khong_thanh", "2026-02-20")
    await pay.service.set_rate(
        pay.province,
        None,
        date(2026, 2, 15),
        200_000,
        250_000,
        100_000,
        "Nghị quyết 01/2026/NQ-HĐND tỉnh Điện Biên",
        actor_label="test",
    )
    data = await pay.json(Q1)
    cases = _by_no(data)
    assert cases[before]["amount"] == 300_000 and cases[after]["amount"] == 200_000
    months = {(s["team"], s["month"]): s["amount"] for s in data["team_support"]}
    assert months[("ML-01", "2026-02")] == 150_000 and months[("ML-01", "2026-03")] == 100_000
    assert [r["level"] for r in data["rates"]["used"]] == ["default", "province"]
    await pay.service.set_rate(
        pay.province,
        pay.commune,
        date(2026, 2, 18),
        100_000,
        150_000,
        50_000,
        "Quyết định riêng của xã",
        actor_label="test",
    )
    assert _by_no(await pay.json(Q1))[after]["amount"] == 100_000
    # QA: the chat summary named only the last rate although Q1 was paid at three.
    summary = pay_summary(await pay.service.compute(pay.commune, Q1))
    assert "Từ ngày 06/10/2023: 300.000 đ/vụ, việc" in summary
    assert "Từ ngày 18/02/2026: 100.000 đ/vụ, việc" in summary and "Quyết định riêng của xã" in summary
    assert "Mức áp dụng: 300.000" in pay_summary(
        await pay.service.compute(pay.commune, JAN)
    )  # one rate: as before
    with pytest.raises(RateError):
        await pay.service.set_rate(
            pay.province, None, date(2026, 4, 1), 300_001, 400_000, 0, "x", actor_label="test"
        )
    audit = await AuditLog(pay.services.db).rows(object_type="remuneration_rate")
    assert len(audit) == 2 and audit[0].after["per_case"] == 100_000


async def test_paid_cases_and_months_are_never_payable_again(pay):
    number = await pay.case("thanh", "2026-01-12")
    stored, first = await pay.service.draw_up(pay.official, pay.commune, JAN)
    assert stored.number == 1 and stored.total == first.total == 400_000 + 3 * 150_000
    await pay.service.mark_paid(pay.official, pay.commune, 1, date(2026, 2, 3))
    data = await pay.json()
    line = _by_no(data)[number]
    assert (line["eligible"], line["amount"], line["status"]) == (False, 0, "paid")
    assert "danh sách số 1" in line["reason"] and data["total"] == 0
    assert all(s["status"] == "paid" and s["amount"] == 0 for s in data["team_support"])
    with pytest.raises(PayInputError):
        await pay.service.mark_paid(pay.official, pay.commune, 1, date(2026, 2, 4))
    audit = [r.action for r in await AuditLog(pay.services.db).rows(object_type="remuneration_list")]
    assert audit == ["remuneration.paid", "remuneration.draft"]


async def test_two_drafts_of_the_same_cases_cannot_both_be_paid(pay):
    number = await pay.case("khong_thanh", "2026-01-12")
    await pay.service.draw_up(pay.official, pay.commune, JAN)
    await pay.service.draw_up(pay.official, pay.commune, Period(date(2026, 1, 10), date(2026, 1, 31)))
    await pay.service.mark_paid(pay.official, pay.commune, 2, date(2026, 2, 3))
    with pytest.raises(PayConflict) as conflict:
        await pay.service.mark_paid(pay.official, pay.commune, 1, date(2026, 2, 3))
    assert number in conflict.value.what
    assert (await pay.services.remuneration.repo.get_list(pay.commune.id, 1)).status == "drafted"


async def test_correction_after_payment_shows_as_adjustment_on_the_next_list(pay):
    number = await pay.case("khong_thanh", "2026-01-12")
    await pay.service.draw_up(pay.official, pay.commune, JAN)
    await pay.service.mark_paid(pay.official, pay.commune, 1, date(2026, 2, 3))
    await pay.correct(number, result="thanh")  # the mediator corrects: it was in fact successful
    data = await pay.json(Period(date(2026, 2, 1), date(2026, 2, 28)))
    (adjustment,) = data["adjustments"]
    assert (adjustment["case_no"], adjustment["paid"], adjustment["due"], adjustment["amount"]) == (
        number,
        300_000,
        400_000,
        100_000,
    )
    assert sum(m["share"] for m in adjustment["mediators"]) == 100_000
    assert data["by_team"]["ML-01"]["adjustment"] == 100_000
    assert data["total"] == 100_000 + 3 * 150_000
    await pay.service.draw_up(pay.official, pay.commune, Period(date(2026, 2, 1), date(2026, 2, 28)))
    await pay.service.mark_paid(pay.official, pay.commune, 2, date(2026, 3, 2))
    assert (await pay.json(Period(date(2026, 2, 1), date(2026, 2, 28))))["adjustments"] == []
    await pay.correct(number, result="chuyen_co_quan")  # later found not eligible at all: recovered
    (recovery,) = (await pay.json(Period(date(2026, 3, 1), date(2026, 3, 31))))["adjustments"]
    assert (recovery["paid"], recovery["due"], recovery["amount"]) == (400_000, 0, -400_000)


async def test_roles_are_checked_on_the_server(pay):
    other = await pay.services.org.commune_by_code("NH")
    outsider = next(
        p for p in await pay.services.people.in_commune(other.id) if p.role == Role.COMMUNE_OFFICIAL
    )
    for person in (pay.mai, outsider, None):
        with pytest.raises(PayDenied):
            await pay.service.pay_list(person, pay.commune, JAN)
        with pytest.raises(PayDenied):
            await pay.service.draw_up(person, pay.commune, JAN)
    with pytest.raises(PayDenied):
        await pay.service.exclude(pay.mai, pay.commune, "ML-2026-0001", "lý do bất kỳ")
    with pytest.raises(PayDenied):
        await pay.service.province_totals(pay.official, pay.province, JAN)
    with pytest.raises(PayDenied):
        await pay.service.my_cases(pay.official, JAN)
    province_official = await pay.services.people.by_identity("console", "1004")
    totals = await pay.service.province_totals(province_official, pay.province, JAN)
    assert {t.commune.code for t in totals} == {"ML", "NH"}


async def test_my_cases_shows_share_and_paid_status(pay):
    paid_no = await pay.case("thanh", "2026-01-12")
    await pay.service.draw_up(pay.official, pay.commune, JAN)
    await pay.service.mark_paid(pay.official, pay.commune, 1, date(2026, 2, 3))
    open_no = await pay.case("khong_thanh", "2026-01-20", mediators=[pay.mai.id])
    await pay.case("thanh", "2026-01-21", mediators=[pay.hung.id])
    mine = {c.case_no: c for c in await pay.service.my_cases(pay.mai, JAN)}
    assert set(mine) == {paid_no, open_no}
    assert (mine[paid_no].status, mine[paid_no].share, mine[paid_no].paid_list) == ("paid", 200_000, 1)
    assert (mine[open_no].status, mine[open_no].share) == ("payable", 300_000)


async def test_xlsx_reads_back_like_a_payment_list(pay):
    from openpyxl import load_workbook

    await pay.case(
        "thanh", "2026-01-12", mediators=[pay.mai.id, pay.hung.id, pay.by_name["Nguyễn Văn Bình"].id]
    )
    await pay.case("dang_hoa_giai", None)
    number = await pay.case("khong_thanh", "2026-01-13")
    await pay.service.exclude(pay.official, pay.commune, number, '=HYPERLINK("x") vi phạm Điều 10')
    pay_list = await pay.service.compute(pay.commune, JAN)
    ws = load_workbook(io.BytesIO(pay_list_xlsx(pay_list, number=3, today=date(2026, 2, 1)))).active
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    texts = [c for c in cells if isinstance(c, str)]
    assert "DANH SÁCH CHI THÙ LAO HÒA GIẢI VIÊN" in texts and "Danh sách số 3" in texts
    assert "TỔNG CỘNG TOÀN XÃ" in texts and pay_list.total in cells
    assert any("133.334" in t and "133.333" in t for t in texts)  # 400,000 shared by three, exact to the đồng
    assert f"Số tiền bằng chữ: {amount_in_words(pay_list.total)}." in texts
    assert {"Người lập", "Kế toán", "Chủ tịch UBND xã"} <= set(texts)
    assert any("Loại khỏi danh sách" in t and "'=HYPERLINK" not in t[:1] for t in texts)
    assert not any(isinstance(c, str) and c.startswith("=") for c in cells)
    assert ws.print_title_rows and ws.page_setup.orientation == "landscape"


def test_cli_contract_json_and_xlsx(tmp_path, capsys):
    from bot.cli import main

    target = dbtarget.database_for(tmp_path, "cli.db")

    async def setup():
        await dbtarget.prepare(target)
        services = Services.build(Config(database_path=target))
        await services.open()
        try:
            await (await Pay(services).setup()).case("thanh", "2025-01-12", received="2025-01-05")
        finally:
            await services.close()

    asyncio.run(setup())
    code = main(
        [
            "remuneration",
            "--commune",
            "ML",
            "--from",
            "2025-01-01",
            "--to",
            "2025-01-31",
            "--format",
            "json",
            "--db",
            target,
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and set(data) >= {"rates", "cases", "by_team", "total"}
    (case,) = data["cases"]
    assert set(case) >= {"case_no", "team", "result", "eligible", "reason", "amount"}
    assert data["total"] == 400_000 + 3 * 150_000
    out = tmp_path / "list.xlsx"
    assert (
        main(
            [
                "remuneration",
                "--commune",
                "ML",
                "--from",
                "2025-01-01",
                "--to",
                "2025-01-31",
                "--format",
                "xlsx",
                "--out",
                str(out),
                "--db",
                target,
            ]
        )
        == 0
    )
    assert out.read_bytes()[:2] == b"PK"
    assert (
        main(
            ["remuneration", "--commune", "ML", "--from", "2025-02-01", "--to", "2025-01-31", "--db", target]
        )
        == 2
    )
    assert (
        main(
            ["remuneration", "--commune", "ml", "--from", "2025-01-01", "--to", "2025-01-31", "--db", target]
        )
        == 0
    )  # QA: a code typed in lower case is found
    assert json.loads(capsys.readouterr().out)["total"] == data["total"]
    assert (
        main(
            ["remuneration", "--commune", "XX", "--from", "2025-01-01", "--to", "2025-01-31", "--db", target]
        )
        == 2
    )
    assert "Không có xã/phường mã XX" in capsys.readouterr().err
    assert (
        main(
            [
                "remuneration-rate",
                "--province",
                "DB",
                "--effective",
                "2025-01-15",
                "--per-case",
                "350000",
                "--successful",
                "400000",
                "--team-month",
                "150000",
                "--basis",
                "NQ",
                "--db",
                target,
            ]
        )
        == 2
    )
    assert "Thông tư 56/2023/TT-BTC" in capsys.readouterr().err
    assert (
        main(
            [
                "remuneration-draw",
                "--commune",
                "ML",
                "--from",
                "2025-01-01",
                "--to",
                "2025-01-31",
                "--db",
                target,
            ]
        )
        == 0
    )
    assert (
        main(
            ["remuneration-paid", "--commune", "ML", "--list", "1", "--paid-on", "2025-02-02", "--db", target]
        )
        == 0
    )
    capsys.readouterr()
    main(["remuneration", "--commune", "ML", "--from", "2025-01-01", "--to", "2025-01-31", "--db", target])
    assert json.loads(capsys.readouterr().out)["total"] == 0


async def test_months_not_begun_get_no_team_support_and_old_cases_are_flagged(pay):
    pay.service.today = lambda: date(2026, 2, 10)
    data = await pay.json(Q1)
    assert sorted({s["month"] for s in data["team_support"]}) == ["2026-01", "2026-02"]
    number = await pay.case("thanh", "2023-09-20", received="2023-09-01")
    line = _by_no(await pay.json(Period(date(2023, 9, 1), date(2023, 9, 30))))[number]
    assert line["amount"] == 400_000 and "trước 06/10/2023" in line["reason"]


async def test_excluding_a_paid_case_recovers_it_on_the_next_list(pay):
    number = await pay.case("khong_thanh", "2026-01-12")
    await pay.service.draw_up(pay.official, pay.commune, JAN)
    await pay.service.mark_paid(pay.official, pay.commune, 1, date(2026, 2, 3))
    await pay.service.exclude(
        pay.official, pay.commune, number, "Phát hiện vi phạm Điều 10 khoản 1 sau khi chi"
    )
    (recovery,) = (await pay.json(Period(date(2026, 2, 1), date(2026, 2, 28))))["adjustments"]
    assert (recovery["case_no"], recovery["amount"]) == (number, -300_000)
    assert "vi phạm Điều 10 khoản 1" in recovery["reason"]


def _months(data: dict, team: str) -> dict[str, dict]:
    return {s["month"]: s for s in data["team_support"] if s["team"] == team}


def _contract_totals(data: dict) -> None:
    """The issue 21 contract: team_support per team = its support lines; total = eligible + support
    (+ adj.)."""
    for code, team in data["by_team"].items():
        assert team["team_support"] == sum(s["amount"] for s in data["team_support"] if s["team"] == code)
    eligible = sum(c["amount"] for c in data["cases"] if c["eligible"])
    adjustments = sum(a["amount"] for a in data["adjustments"])
    assert data["total"] == eligible + sum(t["team_support"] for t in data["by_team"].values()) + adjustments


async def test_team_created_mid_period_gets_support_only_from_the_month_it_works(pay):
    """QA: a team created in March got support for January and February (every team active today, every
    month of the period)."""
    await pay.team_change("ML-09", "2026-03-10", new=True)
    data = await pay.json(Q1)
    assert {m: s["amount"] for m, s in _months(data, "ML-09").items()} == {"2026-03": 150_000}
    assert data["by_team"]["ML-09"]["team_support"] == 150_000
    assert data["by_team"]["ML-01"]["team_support"] == 3 * 150_000
    _contract_totals(data)
    assert data["total"] == (3 * 3 + 1) * 150_000


async def test_team_dissolved_mid_period_keeps_the_months_it_worked(pay):
    """QA: a team dissolved in May got nothing for Q1 although it worked then."""
    await pay.team_change("ML-03", "2026-05-10", active=False)
    assert set(_months(await pay.json(Q1), "ML-03")) == {"2026-01", "2026-02", "2026-03"}
    data = await pay.json(Period(date(2026, 4, 1), date(2026, 6, 30)))
    assert {m: s["amount"] for m, s in _months(data, "ML-03").items()} == {
        "2026-04": 150_000,
        "2026-05": 150_000,
    }
    _contract_totals(data)
    assert "ML-03" not in (await pay.json(Period(date(2026, 7, 1), date(2026, 9, 30))))["by_team"]
    # paid months stay paid, whatever the history says later
    await pay.service.draw_up(pay.official, pay.commune, Q1)
    await pay.service.mark_paid(pay.official, pay.commune, 1, date(2026, 4, 3))
    again = await pay.json(Q1)
    assert all(s["status"] == "paid" and s["amount"] == 0 for s in again["team_support"])
    assert again["total"] == 0 and again["by_team"]["ML-03"]["paid"] == 3 * 150_000


async def test_months_before_tt56_without_a_local_rate_get_zero_with_the_reason(pay):
    """QA: a 2014–2026 list paid TT 56's default for every month back to 2014, before TT 56 took effect."""
    pay.service.today = lambda: date(2026, 1, 31)
    data = await pay.json(Period(date(2014, 1, 1), date(2026, 1, 31)))
    months = _months(data, "ML-01")
    assert len(months) == 12 * 12 + 1  # the demo teams count from before the records began
    before = [s for m, s in months.items() if m < "2023-11"]
    assert len(before) == 9 * 12 + 10
    assert all(
        s["amount"] == 0 and s["status"] == "no_rate" and s["reason"] == MONTH_BEFORE_TT56 for s in before
    )
    assert "trước 06/10/2023" in MONTH_BEFORE_TT56 and "0 đồng" in MONTH_BEFORE_TT56
    assert months["2023-11"]["amount"] == 150_000 and "reason" not in months["2023-11"]
    assert data["by_team"]["ML-01"]["team_support"] == 27 * 150_000  # 11/2023 … 01/2026
    _contract_totals(data)
    pay_2023 = await pay.service.compute(pay.commune, Period(date(2023, 1, 1), date(2023, 12, 31)))
    assert "⚠️ 30 tháng hỗ trợ tổ trước 06/10/2023" in pay_summary(pay_2023)  # 3 teams × 10 months
    sheet = openpyxl.load_workbook(io.BytesIO(pay_list_xlsx(pay_2023))).active
    rows = [[c for c in r if c is not None] for r in sheet.iter_rows(values_only=True)]
    assert sum(1 for r in rows if MONTH_BEFORE_TT56 in r and 0 in r) == 30
    stored, _ = await pay.service.draw_up(
        pay.official, pay.commune, Period(date(2023, 1, 1), date(2023, 12, 31))
    )
    await pay.service.mark_paid(pay.official, pay.commune, stored.number, date(2024, 1, 5))
    # the unpaid months stay open: once the rate applied then is entered, they are paid at it
    await pay.service.set_rate(
        pay.province,
        None,
        date(2020, 1, 1),
        200_000,
        200_000,
        100_000,
        "Nghị quyết của HĐND tỉnh theo TTLT 100/2014",
        actor_label="test",
    )
    later = _months(await pay.json(Period(date(2023, 1, 1), date(2023, 12, 31))), "ML-01")
    assert later["2023-01"]["amount"] == 100_000 and later["2023-11"]["status"] == "paid"


async def test_months_before_tt56_with_a_province_rate_in_force_are_paid_at_it(pay):
    await pay.service.set_rate(
        pay.province,
        None,
        date(2019, 7, 1),
        150_000,
        200_000,
        100_000,
        "Nghị quyết 05/2019/NQ-HĐND tỉnh Điện Biên",
        actor_label="test",
    )
    data = await pay.json(Period(date(2019, 1, 1), date(2023, 12, 31)))
    months = _months(data, "ML-02")
    assert months["2019-06"]["amount"] == 0 and months["2019-06"]["reason"] == MONTH_BEFORE_TT56
    assert {s["amount"] for m, s in months.items() if "2019-07" <= m} == {100_000}
    assert all("reason" not in s for m, s in months.items() if "2019-07" <= m)
    assert data["by_team"]["ML-02"]["team_support"] == (6 + 12 * 4) * 100_000
    assert [r["level"] for r in data["rates"]["used"]] == ["province"]
    _contract_totals(data)


async def test_team_merged_in_keeps_its_months_from_the_old_commune_never_paid_twice(pay):
    """A team of a commune merged into ML (today) counts for ML's earlier months too, as the statistics roll
    up the merged communes; a month the old commune's list paid is not payable again on ML's."""
    old = await pay.services.org.upsert_commune(pay.province.id, "MX", "Xã Mường Xen")
    await pay.services.org.upsert_team(old.id, "MX-01", "Tổ hòa giải bản Xen")
    year = date.today().year - 1  # merged today: last year's months were worked in MX
    jan, q1 = (Period(date(year, 1, 1), date(year, 1, 31)), Period(date(year, 1, 1), date(year, 3, 31)))
    stored, _ = await pay.service.draw_up(None, old, jan, actor_label="cli")
    await pay.service.mark_paid(None, old, stored.number, date(year, 2, 3), actor_label="cli")
    await merge_communes(pay.services.org, pay.services.db, "ML", ["MX"])
    data = await pay.json(q1)
    months = _months(data, "MX-01")
    assert months[f"{year}-01"]["status"] == "paid" and months[f"{year}-01"]["amount"] == 0
    assert [months[f"{year}-{m:02d}"]["amount"] for m in (2, 3)] == [150_000, 150_000]
    assert data["by_team"]["MX-01"]["team_support"] == 300_000 and data["by_team"]["MX-01"]["paid"] == 150_000
    _contract_totals(data)
