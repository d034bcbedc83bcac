"""Exports of a report: the XLSX opened back and checked cell by cell, the chart PNG, the phone-sized text."""

from __future__ import annotations

import io
import shutil
from datetime import date

import pytest
from openpyxl import load_workbook

from bot import messages as msg
from services.models import Commune, Province, Team
from services.statistics import Period, Scope, TeamMembers, build_report
from services.stats_export import pct, period_label, report_chart, report_text, report_xlsx

PROVINCE = Province(1, "DB", "Điện Biên")
ML = Commune(10, 1, "ML", "Phường Mường Lay", many_ethnic_minority=True, success_target=0.85)
NH = Commune(11, 1, "NH", "Xã Nà Hỳ", is_pilot=True)
TEAMS = [
    Team(100, 10, "ML-01", "Tổ bản Na Lay"),
    Team(101, 10, "ML-02", "Tổ dân phố 2"),
    Team(102, 11, "NH-01", "Tổ bản Nà Hỳ"),
]
PERIOD = Period(date(2025, 1, 1), date(2025, 6, 30))
FIELD_ROWS = [
    ("dat_dai", "thanh", 5),
    ("dat_dai", "khong_thanh", 1),
    ("hon_nhan_gia_dinh", "thanh", 2),
    ("dan_su", "dang_hoa_giai", 1),
    ("khac", "chuyen_co_quan", 1),
    ("khac", "rut_yeu_cau", 2),
]
TEAM_ROWS = [
    (10, 100, "thanh", 7),
    (10, 100, "khong_thanh", 1),
    (10, 100, "dang_hoa_giai", 1),
    (10, 100, "chuyen_co_quan", 1),
    (10, 100, "rut_yeu_cau", 2),
]
MEMBERS = [
    TeamMembers(
        100, mediators=3, leaders=1, women=1, men=2, ethnic_minority=2, trained=2, legal_supporters=1
    ),
    TeamMembers(101, mediators=2, leaders=1, women=1, men=1, ethnic_minority=1, trained=1),
]


def commune_report():
    scope = Scope("commune", ML.id, ML.code, ML.name, PROVINCE, ML)
    return build_report(
        scope,
        PERIOD,
        field_results=FIELD_ROWS,
        team_results=TEAM_ROWS,
        teams=TEAMS[:2],
        members=MEMBERS,
        recognition_groups=[("2024-03-01", "2024-05-01", 2)],
    )


def province_report():
    scope = Scope("province", PROVINCE.id, PROVINCE.code, PROVINCE.name, PROVINCE)
    return build_report(
        scope,
        PERIOD,
        field_results=FIELD_ROWS,
        team_results=TEAM_ROWS,
        teams=TEAMS,
        members=MEMBERS,
        recognition_groups=[],
        communes=[ML, NH],
    )


def workbook(report):
    return load_workbook(io.BytesIO(report_xlsx(report)))


def test_commune_workbook_cell_by_cell():
    wb = workbook(commune_report())
    x = msg.STATS_XLSX
    assert wb.sheetnames == ["Tổ chức", "Theo lĩnh vực", "Theo tổ hòa giải", "Chỉ tiêu QĐ 315"]

    ws = wb["Tổ chức"]
    assert ws["A1"].value == "Đơn vị báo cáo: UBND Phường Mường Lay" and ws["A1"].font.bold
    assert ws["A2"].value == "Đơn vị nhận báo cáo: Sở Tư pháp Điện Biên"
    assert ws["A4"].value == x["org_title"] and ws["A4"].font.bold
    assert ws["A5"].value == "Phạm vi: Phường Mường Lay"
    assert ws["A6"].value == "(Từ ngày 01/01/2025 đến ngày 30/06/2025)"
    assert ws["J7"].value == "Đơn vị tính: tổ, người"
    assert [c.value for c in ws[8]] == ["Tên tổ hòa giải", *x["org_heads"]]
    assert all(c.font.bold for c in ws[8])
    assert [c.value for c in ws[9]] == ["(A)"] + [f"({i})" for i in range(1, 10)]
    assert [c.value for c in ws[10]] == ["Tổng số", 2, 5, 3, 2, 3, 3, 1, 1, 1]
    assert [c.value for c in ws[11]] == ["Tổ bản Na Lay", 1, 3, 2, 1, 2, 2, 1, 1, 1]
    assert [c.value for c in ws[12]] == ["Tổ dân phố 2", 1, 2, 1, 1, 1, 1, 0, 0, 0]
    assert ws.column_dimensions["A"].width == 34 and ws.column_dimensions["B"].width == 14

    ws = wb["Theo lĩnh vực"]
    assert ws["A4"].value == x["field_title"] and ws["K7"].value == "Đơn vị tính: vụ việc"
    assert [c.value for c in ws[8]] == ["Lĩnh vực", *x["result_heads"]]
    assert [c.value for c in ws[10]][:7] == ["Tổng số", 12, 7, 1, 1, 1, 2]
    # the official rate, its formula in words with its numbers, then the rate on the received cases
    assert ws["H10"].value == pytest.approx(7 / 8) and ws["I10"].value == "7/8 vụ việc đã hòa giải"
    assert ws["J10"].value == pytest.approx(7 / 12) and ws["K10"].value == "7/12 vụ việc tiếp nhận"
    assert ws["H10"].number_format == "0.0%" and ws["J10"].number_format == "0.0%"
    expected = {
        "Đất đai": [6, 5, 1, 0, 0, 0, 5 / 6, "5/6 vụ việc đã hòa giải", 5 / 6, "5/6 vụ việc tiếp nhận"],
        "Hôn nhân và gia đình": [
            2,
            2,
            0,
            0,
            0,
            0,
            1.0,
            "2/2 vụ việc đã hòa giải",
            1.0,
            "2/2 vụ việc tiếp nhận",
        ],
        "Dân sự": [1, 0, 0, 1, 0, 0, None, "0/0 vụ việc đã hòa giải", 0.0, "0/1 vụ việc tiếp nhận"],
        "Mâu thuẫn xóm giềng": [
            0,
            0,
            0,
            0,
            0,
            0,
            None,
            "0/0 vụ việc đã hòa giải",
            None,
            "0/0 vụ việc tiếp nhận",
        ],
        "Vi phạm pháp luật": [
            0,
            0,
            0,
            0,
            0,
            0,
            None,
            "0/0 vụ việc đã hòa giải",
            None,
            "0/0 vụ việc tiếp nhận",
        ],
        "Khác": [3, 0, 0, 0, 1, 2, None, "0/0 vụ việc đã hòa giải", 0.0, "0/3 vụ việc tiếp nhận"],
    }
    rows = {r[0].value: [c.value for c in r[1:11]] for r in ws.iter_rows(min_row=11, max_row=16)}
    assert rows.keys() == expected.keys()
    for name, values in expected.items():
        assert rows[name] == [pytest.approx(v) if isinstance(v, float) else v for v in values], name
    assert ws["A18"].value == x["formula_note"]

    ws = wb["Theo tổ hòa giải"]
    assert [c.value for c in ws[10]][:7] == ["Tổng số", 12, 7, 1, 1, 1, 2]
    assert [c.value for c in ws[11]][:7] == ["Tổ bản Na Lay", 12, 7, 1, 1, 1, 2]
    assert [c.value for c in ws[12]] == [
        "Tổ dân phố 2",
        0,
        0,
        0,
        0,
        0,
        0,
        None,
        "0/0 vụ việc đã hòa giải",
        None,
        "0/0 vụ việc tiếp nhận",
    ]  # a team with no case

    ws = wb["Chỉ tiêu QĐ 315"]
    assert [c.value for c in ws[8]] == x["ind_heads"]
    values = {r[0].value: [c.value for c in r[1:4]] for r in ws.iter_rows(min_row=10, max_row=14)}
    assert values["Tỷ lệ hòa giải thành"] == [pytest.approx(7 / 8), 0.85, "Đạt"]
    assert ws["E10"].value == "7/8 vụ việc đã hòa giải" and ws["E11"].value == "3/5 hòa giải viên"
    assert values["Hòa giải viên được tập huấn"] == [pytest.approx(3 / 5), 0.8, "Chưa đạt"]
    assert values["HGV mới được tập huấn trong 6 tháng"] == [1.0, 1.0, "Đạt"]
    assert values["Tổ đủ thành phần"] == [0.5, 1.0, "Chưa đạt"]
    assert values["Tổ có người hỗ trợ pháp lý"] == [0.5, 0.1, "Đạt"]


def test_province_workbook_has_communes_with_completeness():
    wb = workbook(province_report())
    assert wb.sheetnames == ["Tổ chức", "Theo lĩnh vực", "Theo tổ hòa giải", "Theo xã", "Chỉ tiêu QĐ 315"]
    ws = wb["Tổ chức"]
    assert ws["A1"].value == "Đơn vị báo cáo: Sở Tư pháp Điện Biên"
    assert ws["A2"].value == "Đơn vị nhận báo cáo: Bộ Tư pháp"
    assert ws["A8"].value == "Xã, phường, đặc khu"
    assert [c.value for c in ws[10]] == ["Tổng số", 3, 5, 3, 2, 3, 3, 1, 1, 1]
    assert [c.value for c in ws[11]] == ["Phường Mường Lay", 2, 5, 3, 2, 3, 3, 1, 1, 1]
    assert [c.value for c in ws[12]] == ["Xã Nà Hỳ", 1, 0, 0, 0, 0, 0, 0, 0, 0]
    ws = wb["Theo xã"]
    assert ws["L8"].value == "Đã có số liệu trong kỳ"
    assert [c.value for c in ws[10]][:7] == ["Tổng số", 12, 7, 1, 1, 1, 2] and ws["L10"].value == "1/2"
    assert ws["A11"].value == "Phường Mường Lay" and ws["B11"].value == 12 and ws["L11"].value == "Có"
    assert ws["A12"].value == "Xã Nà Hỳ" and ws["B12"].value == 0 and ws["L12"].value == "Chưa báo cáo"
    assert ws["A15"].value == msg.STATS_XLSX["completeness_note"]
    ws = wb["Theo tổ hòa giải"]
    assert ws["B8"].value == "Xã, phường, đặc khu"
    assert [ws.cell(row=r, column=2).value for r in (11, 12, 13)] == [
        "Phường Mường Lay",
        "Phường Mường Lay",
        "Xã Nà Hỳ",
    ]


def test_chart_is_a_png():
    for report in (commune_report(), province_report()):
        png = report_chart(report)
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000


def test_chart_of_an_empty_period_and_many_teams():
    teams = [Team(1000 + i, 10, f"T{i:03d}", f"Tổ số {i}") for i in range(60)]
    scope = Scope("commune", ML.id, ML.code, ML.name, PROVINCE, ML)
    empty = build_report(
        scope, PERIOD, field_results=[], team_results=[], teams=teams, members=[], recognition_groups=[]
    )
    assert report_chart(empty).startswith(b"\x89PNG")
    busy = build_report(
        scope,
        PERIOD,
        field_results=[("dat_dai", "thanh", 60)],
        team_results=[(10, 1000 + i, "thanh", 1) for i in range(60)],
        teams=teams,
        members=[],
        recognition_groups=[],
    )
    assert report_chart(busy).startswith(b"\x89PNG")


def test_phone_text_is_short_and_complete():
    text = report_text(commune_report())
    lines = text.splitlines()
    assert len(lines) <= 26 and max(len(line) for line in lines) <= 80
    assert "Tiếp nhận: 12 vụ việc" in text and "Tỷ lệ hòa giải thành: 87,5% (7/8 vụ việc đã hòa giải)" in text
    assert "Tính trên số tiếp nhận: 58,3% (7/12 vụ việc tiếp nhận)" in text
    assert "✓ Tỷ lệ hòa giải thành: 87,5% / 85% (7/8 vụ việc đã hòa giải)" in text
    assert "✓ Tổ có người hỗ trợ pháp lý: 50,0% / 10%" in text
    assert "Theo lĩnh vực: Đất đai 6, Hôn nhân và gia đình 2, Dân sự 1, Khác 3" in text
    province = report_text(province_report())
    assert "Xã/phường đã có số liệu: 1/2" in province


def test_formatters():
    assert pct(None) == "chưa có" and pct(0.5) == "50,0%" and pct(0.85, 0) == "85%" and pct(1.0) == "100,0%"
    assert period_label(Period(date(2025, 7, 1), date(2025, 7, 31))) == "tháng 7/2025"
    assert period_label(Period(date(2025, 4, 1), date(2025, 6, 30))) == "quý II/2025"
    assert period_label(Period(date(2025, 1, 1), date(2025, 6, 30))) == "6 tháng đầu năm 2025"
    assert period_label(Period(date(2025, 7, 1), date(2025, 12, 31))) == "6 tháng cuối năm 2025"
    assert period_label(Period(date(2025, 1, 1), date(2025, 12, 31))) == "năm 2025"
    assert period_label(Period(date(2025, 1, 2), date(2025, 12, 31))) == "02/01/2025 – 31/12/2025"


# --- print layout (issue 22): every sheet of every statistics export ----------------------------------------
def national_report():
    from services.national import national_report as build
    from services.statistics import SUCCESS_TARGET, Counts, Organisation, ProvinceLine, compute_indicators

    lines = []
    for i, (received, ok, ko) in enumerate([(12, 7, 1), (3, 1, 2)], start=1):
        counts = Counts(received=received, successful=ok, unsuccessful=ko, pending=received - ok - ko)
        org = Organisation(teams=2, mediators=5, women=2, men=3, trained=3)
        lines.append(
            ProvinceLine(
                Province(i, f"P{i}", f"Tỉnh {i}"),
                counts,
                org,
                compute_indicators(counts, org, None, SUCCESS_TARGET),
                communes=3,
                reported=2,
            )
        )
    by_field = {"dat_dai": Counts(received=15, successful=8, unsuccessful=3, pending=4)}
    return build(PERIOD, by_field, lines, 0, 0, "live")


def test_every_sheet_of_every_statistics_export_prints_on_a4_landscape_with_a_signature_block():
    for report in (commune_report(), province_report(), national_report()):
        wb = workbook(report)
        for ws in wb.worksheets:
            assert ws.page_setup.orientation == "landscape", ws.title
            assert str(ws.page_setup.paperSize) == "9", ws.title
            assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, ws.title
            assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
            assert ws.print_title_rows == "$8:$9", ws.title  # the heading and (A), (1)… rows repeat
            assert "&P" in ws.oddFooter.center.text, ws.title
            assert ws.page_margins.left == 0.5, ws.title
            values = [c.value for row in ws.iter_rows(min_row=ws.max_row - 8) for c in row]
            assert "Người lập biểu" in values and "Thủ trưởng đơn vị" in values, ws.title
            assert any(isinstance(v, str) and "ngày …… tháng …… năm ……" in v.lower() for v in values), (
                ws.title
            )
            assert ws["A3"].value == msg.SUBMIT_SOURCE_LIVE, ws.title


def test_national_workbook_by_province():
    wb = workbook(national_report())
    assert wb.sheetnames == ["Tổ chức", "Theo tỉnh", "Theo lĩnh vực", "Chỉ tiêu QĐ 315", "Chỉ tiêu theo tỉnh"]
    ws = wb["Theo tỉnh"]
    assert ws["A1"].value == msg.NATIONAL_XLSX["sender"]
    assert [c.value for c in ws[10]][:8] == ["Tổng số", 15, 8, 3, 4, 0, 0, pytest.approx(8 / 11)]
    assert [c.value for c in ws[11]] == [
        "Tỉnh 1",
        12,
        7,
        1,
        4,
        0,
        0,
        pytest.approx(7 / 8),
        "7/8 vụ việc đã hòa giải",
        pytest.approx(7 / 12),
        "7/12 vụ việc tiếp nhận",
        3,
        2,
    ]
    ws = wb["Chỉ tiêu theo tỉnh"]
    assert ws["A11"].value == "Tỉnh 1" and ws["B11"].value == pytest.approx(7 / 8)
    assert ws["C11"].value == pytest.approx(3 / 5) and ws["G11"].value == "7/8 vụ việc đã hòa giải"


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdfinfo")),
    reason="LibreOffice (soffice) or poppler's pdfinfo is not installed",
)
def test_commune_workbook_renders_through_libreoffice_on_landscape_pages(tmp_path):
    """The whole commune workbook through headless LibreOffice: A4 landscape pages, each table on one page
    wide (one page per sheet for a small commune, not 14 portrait strips)."""
    import re
    import subprocess

    path = tmp_path / "xa.xlsx"
    path.write_bytes(report_xlsx(commune_report()))
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "xa.pdf")], check=True, capture_output=True, text=True
    ).stdout
    assert int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1)) == 4  # one per sheet
    width, height = map(float, re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info, re.M).groups())
    assert abs(width - 842) < 3 and abs(height - 595) < 3  # A4 landscape, in points


def test_chart_title_carries_the_official_rate_and_its_formula():
    from services.stats_export import chart_title

    assert chart_title(commune_report()).endswith("Tỷ lệ hòa giải thành: 87,5% (7/8 vụ việc đã hòa giải)")


def test_submission_times_are_shown_in_vietnam_time():
    from services.stats_export import local_time

    assert local_time("2026-12-03T20:10:00+00:00") == "04/12/2026 03:10"
    assert local_time("not a time") == "not a time"
