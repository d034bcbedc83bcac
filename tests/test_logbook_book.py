"""Issue 17, Part II and the printable book: per-mediator counts against hand-built cases, `by_mediator` in
the report JSON, the statistics workbook's sheets, `mediator-bot logbook` opened back (column order, print
settings), and the chat buttons with their server-side checks."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import date

from openpyxl import load_workbook

from bot import messages as msg
from bot.cli import main
from bot.config import Config
from bot.container import Services
from bot.demo import seed_demo
from services import logbook_template as layout
from services.case_import import store_rows
from services.statistics import Period
from tests.harness import texts

PERIOD = Period(date(2025, 1, 1), date(2025, 6, 30))


async def _people(services) -> dict[str, int]:
    found = {}
    for code in ("ML-01", "ML-02"):
        team = await services.org.team_by_code(code)
        for p in await services.people.members_of_team(team.id):
            found[p.full_name] = p.id
    return found


def _case(team_id: int, received: str, field: str, result: str, mediators: list[int], **extra) -> dict:
    return {
        "team_id": team_id,
        "received_on": received,
        "field": field,
        "basis": "yeu_cau",
        "result": result,
        "closed_on": None if result == "dang_hoa_giai" else received,
        "parties_count": 2,
        "mediator_ids": mediators,
        **extra,
    }


async def hand_built(services) -> dict[str, int]:
    """ML-01: Hùng (leader), Mai, Bình; ML-02: Đức (leader), Lan. Ten cases, two outside the period."""
    people = await _people(services)
    ml01 = (await services.org.team_by_code("ML-01")).id
    ml02 = (await services.org.team_by_code("ML-02")).id
    commune = await services.org.commune_by_code("ML")
    hung, mai, binh = people["Lò Văn Hùng"], people["Quàng Thị Mai"], people["Nguyễn Văn Bình"]
    duc = people["Trần Văn Đức"]
    cases = [
        _case(ml01, "2025-01-10", "dat_dai", "thanh", [hung, mai]),  # 1: two mediators
        _case(ml01, "2025-02-11", "dat_dai", "khong_thanh", [mai]),
        _case(ml01, "2025-03-12", "hon_nhan_gia_dinh", "thanh", [mai]),
        _case(ml01, "2025-04-13", "xom_gieng", "dang_hoa_giai", [hung]),
        _case(ml01, "2025-05-14", "khac", "rut_yeu_cau", []),  # no mediator recorded
        _case(ml01, "2025-06-30", "dan_su", "chuyen_co_quan", [binh]),  # last day included
        _case(ml02, "2025-03-01", "dan_su", "thanh", [duc]),
        _case(ml02, "2025-03-02", "dan_su", "thanh", [duc]),
        _case(ml01, "2024-12-31", "dat_dai", "thanh", [mai]),  # before the period
        _case(ml01, "2025-07-01", "dat_dai", "thanh", [mai]),  # after the period
    ]
    await store_rows(services.cases, commune, [(c, f"H{i}") for i, c in enumerate(cases)])
    return people


async def _services(tmp_path):
    services = Services.build(Config(database_path=str(tmp_path / "lb.db")))
    await services.open()
    await seed_demo(services)
    return services


async def test_part_two_numbers_against_hand_built_cases(bot):
    services = bot.services  # SQLite, or PostgreSQL with TEST_DATABASE_URL
    if True:
        people = await hand_built(services)
        scope = await services.statistics.scope_by_code("commune", "ML")
        summary = await services.logbook.summary(scope, PERIOD)
        parts = {p.team.code: p for p in summary.teams}
        lines = {line.name: line for line in parts["ML-01"].lines}
        assert [line.name for line in parts["ML-01"].lines] == [
            "Lò Văn Hùng",
            "Nguyễn Văn Bình",
            "Quàng Thị Mai",
            msg.LOGBOOK_NO_MEDIATOR,
        ]  # leader first
        mai, hung = lines["Quàng Thị Mai"].counts, lines["Lò Văn Hùng"].counts
        assert (mai.received, mai.successful, mai.unsuccessful) == (3, 2, 1)
        assert lines["Quàng Thị Mai"].by_field["dat_dai"] == 2
        assert lines["Quàng Thị Mai"].by_field["hon_nhan_gia_dinh"] == 1
        assert (hung.received, hung.successful, hung.pending) == (2, 1, 1)
        assert lines["Nguyễn Văn Bình"].counts.transferred == 1
        assert lines[msg.LOGBOOK_NO_MEDIATOR].counts.withdrawn == 1
        total = parts["ML-01"].total.counts
        # The shared case counts on two lines but once in the team's total.
        assert (
            total.received,
            total.successful,
            total.unsuccessful,
            total.pending,
            total.transferred,
            total.withdrawn,
        ) == (6, 2, 1, 1, 1, 1)
        assert sum(line.counts.received for line in parts["ML-01"].lines) == 7
        ml02 = {line.name: line for line in parts["ML-02"].lines}
        assert ml02["Trần Văn Đức"].counts.successful == 2 and ml02["Điêu Thị Lan"].counts.received == 0
        assert parts["ML-03"].total.counts.received == 0
        assert summary.total.counts.received == 8 and summary.total.counts.successful == 4
        assert summary.agreements == {"done": 0, "ongoing": 0, "not_done": 0, "unknown": 4}
        data = summary.by_mediator_json()
        assert data["ML-01-02"]["received"] == 3 and data["ML-01-02"]["teams"] == ["ML-01"]
        assert data["ML-01-01"]["role"] == "team_leader" and data["ML-02-02"]["received"] == 0
        assert people["Quàng Thị Mai"]
        team_scope = await services.statistics.scope_by_code("team", "ML-02")
        team_summary = await services.logbook.summary(team_scope, PERIOD)
        assert [p.team.code for p in team_summary.teams] == ["ML-02"]
        assert team_summary.total.counts.received == 2


def test_report_json_has_by_mediator_and_agreements(tmp_path, capsys):
    async def prepare():
        services = await _services(tmp_path)
        await hand_built(services)
        await services.close()

    asyncio.run(prepare())
    db = str(tmp_path / "lb.db")
    assert main(["report", "--commune", "ML", "--from", "2025-01-01", "--to", "2025-06-30", "--db", db]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["by_mediator"]["ML-01-02"]["successful"] == 2
    assert data["by_mediator"]["ML-01-01"]["by_field"]["xom_gieng"] == 1
    assert data["agreements"]["successful"] == 4 and data["agreements"]["unknown"] == 4
    assert data["cases"]["received"] == 8  # the report itself is unchanged
    out = tmp_path / "st.xlsx"
    assert (
        main(
            [
                "report",
                "--commune",
                "ML",
                "--from",
                "2025-01-01",
                "--to",
                "2025-06-30",
                "--db",
                db,
                "--format",
                "xlsx",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    wb = load_workbook(out)
    assert msg.LOGBOOK_SHEET_BY_MEDIATOR in wb.sheetnames and msg.LOGBOOK_SHEET_AGREEMENTS in wb.sheetnames
    ws = wb[msg.LOGBOOK_SHEET_BY_MEDIATOR]
    rows = [r for r in ws.iter_rows(values_only=True)]
    mai = next(r for r in rows if r[1] == "Quàng Thị Mai")
    assert mai[2] == 3 and mai[9] == 2 and mai[10] == 1
    assert ws.print_title_rows and ws.page_setup.orientation == "landscape"
    fu = wb[msg.LOGBOOK_SHEET_AGREEMENTS]
    assert [c.value for c in fu[6]][:5] == [4, 0, 0, 0, 4]
    for sheet in (ws, fu):  # QA: these two sheets of the official report had no signature block (issue 22 §3)
        values = [c.value for row in sheet.iter_rows(min_row=sheet.max_row - 8) for c in row]
        assert "Người lập biểu" in values and "Thủ trưởng đơn vị" in values, sheet.title
        assert any(isinstance(v, str) and "ngày …… tháng …… năm ……" in v.lower() for v in values), sheet.title


def test_logbook_command_book_opened_back(tmp_path, capsys):
    async def prepare():
        services = await _services(tmp_path)
        await hand_built(services)
        case = await services.cases.repo.find(team_id=(await services.org.team_by_code("ML-01")).id, limit=50)
        first = next(c for c in case if c.received_on == "2025-01-10")
        values = {
            **first.form_values(),
            "agreement": '=HYPERLINK("x")',
            "invited_kinds": ["gia_lang"],
            "invited_count": 2,
            "written_record": True,
            "note": "Đã ký sổ giấy",
            "summary": "Lối đi",
        }
        await services.cases.repo.update(first.id, values, actor_id=None, action="correct")
        await services.close()

    asyncio.run(prepare())
    db, out = str(tmp_path / "lb.db"), tmp_path / "so.xlsx"
    assert (
        main(
            [
                "logbook",
                "--team",
                "ML-01",
                "--from",
                "2025-01-01",
                "--to",
                "2025-06-30",
                "--out",
                str(out),
                "--db",
                db,
            ]
        )
        == 0
    )
    assert "6 vụ, việc" in capsys.readouterr().err
    wb = load_workbook(out)
    assert wb.sheetnames == ["Bìa", "Phần I", "Phần II", "Hướng dẫn"]
    part1 = wb["Phần I"]
    assert [part1.cell(row=5, column=c).value for c in range(1, 11)] == [f"({n})" for n in range(1, 11)]
    heads = [part1.cell(row=3, column=c).value or part1.cell(row=4, column=c).value for c in range(1, 11)]
    assert heads[:6] == [title for _, title, _ in layout.PART_ONE[:6]]
    assert part1.cell(row=4, column=7).value == "Hòa giải thành"
    rows = [r for r in part1.iter_rows(min_row=6, values_only=True)]
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert [r[1] for r in rows] == [
        "10/01/2025",
        "11/02/2025",
        "12/03/2025",
        "13/04/2025",
        "14/05/2025",
        "30/06/2025",
    ]  # date received order, the period's ends included
    first = rows[0]
    assert (
        "Lò Văn Hùng" in first[2]
        and "Quàng Thị Mai" in first[2]
        and "Già làng/trưởng bản (2 người)" in first[2]
    )
    assert first[3] == "2 bên (không ghi họ tên)"  # party names are not enabled here
    assert first[4] == "Đất đai: Lối đi" and first[5] == '\'=HYPERLINK("x")'  # never a formula
    assert (first[6], first[7], first[8]) == ("x", None, None)
    assert "Đã lập, ký văn bản hòa giải thành" in first[9] and "Đã ký sổ giấy" in first[9]
    assert rows[1][7] == "x" and rows[3][6] is None and rows[3][7] is None and "Đang hòa giải" in rows[3][9]
    for ws in (part1, wb["Phần II"]):
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert "&P" in ws.oddFooter.center.text
    assert part1.print_title_rows == "$3:$5"
    part2 = wb["Phần II"]
    assert part2.print_title_rows == "$3:$5"
    lines = {r[1]: r for r in part2.iter_rows(min_row=6, values_only=True) if r[1]}
    assert lines["Quàng Thị Mai"][2] == 3 and lines[msg.LOGBOOK_TEAM_TOTAL][2] == 6
    assert any(msg.LOGBOOK_SIGNER == c.value for row in part2.iter_rows() for c in row)
    assert "Phường Mường Lay" in wb["Bìa"]["B12"].value


def test_logbook_command_errors_in_vietnamese(tmp_path, capsys):
    db = str(tmp_path / "e.db")
    assert (
        main(
            [
                "logbook",
                "--team",
                "ZZ-9",
                "--from",
                "2025-01-01",
                "--to",
                "2025-06-30",
                "--out",
                str(tmp_path / "a.xlsx"),
                "--db",
                db,
            ]
        )
        == 2
    )
    assert "Không có tổ hòa giải mã ZZ-9" in capsys.readouterr().err
    assert (
        main(
            [
                "logbook",
                "--team",
                "ML-01",
                "--from",
                "2025-13-01",
                "--to",
                "2025-06-30",
                "--out",
                "a.xlsx",
                "--db",
                db,
            ]
        )
        == 2
    )
    assert "Ngày không hợp lệ" in capsys.readouterr().err
    assert (
        main(
            [
                "logbook",
                "--team",
                "ML-01",
                "--from",
                "2025-07-01",
                "--to",
                "2025-06-30",
                "--out",
                "a.xlsx",
                "--db",
                db,
            ]
        )
        == 2
    )
    assert main(["logbook", "--team", "ML-01", "--from", "2025-01-01", "--to", "2025-06-30", "--db", db]) == 2
    assert "--out" in capsys.readouterr().err


async def test_chat_part_two_and_book_for_leaders_and_officials_only(bot):
    await hand_built(bot.services)
    dates = "20250101:20250630"
    ml01 = (await bot.services.org.team_by_code("ML-01")).id
    commune = (await bot.services.org.commune_by_code("ML")).id
    await bot.say("leader", "/thongke")
    out = await bot.tap("leader", "st:per:custom")
    out = await bot.say("leader", "01/01/2025 - 30/06/2025")
    assert "Thực hiện thỏa thuận của 2 vụ hòa giải thành" in texts(out)
    assert msg.LOGBOOK_BTN_BOOK in [o.label for o in bot.buttons("leader")]
    out = await bot.tap("leader", msg.LOGBOOK_BTN_BY_MEDIATOR)
    assert "Quàng Thị Mai: 3 vụ (thành 2, không thành 1)" in texts(out)
    out = await bot.tap_data("leader", f"st:b:t:{ml01}:{dates}", bot.last_with_buttons("leader"))
    document = next(m for m in out if m.get("document"))
    assert document["document"]["file_name"] == "so-theo-doi-ML-01-2025-01-01-2025-06-30.xlsx"
    # Another team's book, forged: refused (a team leader sees only their team).
    ml02 = (await bot.services.org.team_by_code("ML-02")).id
    out = await bot.tap_data("leader", f"st:b:t:{ml02}:{dates}", bot.last_with_buttons("leader"))
    assert not any(m.get("document") for m in out) and msg.STATS_DENIED in texts(out)
    # A commune official picks the team; a mediator gets nothing.
    await bot.say("commune", "/thongke")
    await bot.tap("commune", "st:per:year")
    out = await bot.tap_data("commune", f"st:b:c:{commune}:{dates}", bot.last_with_buttons("commune"))
    assert msg.LOGBOOK_PICK_TEAM in texts(out)
    out = await bot.tap("commune", "Tổ hòa giải bản Na Lay")
    assert any(m.get("document") for m in out)
    await bot.say("mediator", "/trogiup")
    out = await bot.tap_data("mediator", f"st:m:t:{ml01}:{dates}", bot.last_with_buttons("mediator"))
    assert msg.LOGBOOK_DENIED in texts(out) and "Quàng Thị Mai:" not in texts(out)
    _, content = bot.api.files[document["document"]["file_id"]]
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames[1] == "Phần I" and book["Phần I"].cell(row=6, column=2).value == "10/01/2025"
    # An official of another commune cannot print this commune's team book.
    other = await bot.services.org.commune_by_code("NH")
    official = await bot.services.people.by_identity("console", str(bot.user_id("commune")))
    await bot.services.db.execute("UPDATE persons SET commune_id = ? WHERE id = ?", (other.id, official.id))
    out = await bot.tap_data("commune", f"st:b:t:{ml01}:{dates}", bot.last_with_buttons("commune"))
    assert msg.STATS_DENIED in texts(out) and not any(m.get("document") for m in out)


async def test_book_prints_names_only_where_the_commune_stores_them(bot):
    from cryptography.fernet import Fernet

    from services.privacy import PartyCipher

    cipher = PartyCipher(Fernet.generate_key().decode())
    bot.services.cases.cipher = cipher
    team = await bot.services.org.team_by_code("ML-01")
    commune = await bot.services.org.commune_by_code("ML")
    values = _case(
        team.id,
        "2025-02-01",
        "dat_dai",
        "thanh",
        [],
        parties=cipher.encrypt("Lò Văn A, Quàng Thị B"),
        invited_kinds=["nguoi_than"],
        invited_count=1,
        invited_names=cipher.encrypt("Cụ Lò Văn Pọm"),
    )
    await store_rows(bot.services.cases, commune, [(values, "P1")])
    scope = await bot.services.statistics.scope_by_code("team", "ML-01")

    async def first_row():
        wb = load_workbook(io.BytesIO(await bot.services.logbook.book(scope, PERIOD)))
        return next(wb["Phần I"].iter_rows(min_row=6, max_row=6, values_only=True))

    row = await first_row()  # the commune does not store party names: nothing printed, even with a key
    assert row[3] == "2 bên (không ghi họ tên)" and "Pọm" not in row[2]
    await bot.services.db.execute("UPDATE communes SET store_party_names = 1 WHERE id = ?", (commune.id,))
    scope = await bot.services.statistics.scope_by_code("team", "ML-01")
    row = await first_row()
    assert row[3] == "Lò Văn A, Quàng Thị B" and "Cụ Lò Văn Pọm" in row[2]
    bot.services.cases.cipher = PartyCipher(None)  # enabled, but no key here: not printed
    row = await first_row()
    assert row[3] == "2 bên (không ghi họ tên)" and "Pọm" not in row[2]
