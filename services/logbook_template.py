"""The printable template of the "Sổ theo dõi hoạt động hòa giải ở cơ sở" (mediation logbook) as an XLSX file.

Column titles follow the copy of the 2014 form described in shared/reference/reporting-forms.md, section 1:
cover page, Part I (10 numbered columns, kept by mediators), Part II (kept by the team leader). It is the
project's template, not an official form. The generated file is committed to
knowledge/materials/files/so-theo-doi-hoa-giai.xlsx (so that its hash, and Telegram's file id, stay stable);
regenerate it with `mediator-bot library make-logbook` after editing this module.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

FILE_NAME = "so-theo-doi-hoa-giai.xlsx"
EMPTY_ROWS = 60

COVER_LINES = (
    "Tỉnh, thành phố: ..............................................................",
    "Huyện/quận (từ 01/07/2025 không còn cấp huyện — để trống): ..........................",
    "Xã/phường/đặc khu: ..............................................................",
    "Thôn/tổ dân phố: ..............................................................",
    "Tổ hòa giải: ..............................................................",
    "Quyển số: ..........",
    "Mở ngày ...... tháng ...... năm ..........",
    "Khóa ngày ...... tháng ...... năm ..........",
)

#: Part I: (column number, title, width)
PART_ONE = (
    (1, "STT", 6),
    (2, "Ngày, tháng, năm nhận vụ, việc hòa giải", 13),
    (3, "Họ và tên hòa giải viên, người được mời tham gia hòa giải (nếu có)", 22),
    (4, "Họ tên, tuổi, địa chỉ các bên, người có quyền, nghĩa vụ liên quan đến vụ, việc hòa giải (nếu có)", 28),
    (5, "Nội dung chủ yếu của vụ, việc", 30),
    (6, "Thỏa thuận của các bên (hoặc yêu cầu của mỗi bên) sau khi hòa giải", 30),
    (7, "Hòa giải thành", 11),
    (8, "Hòa giải không thành", 11),
    (9, "Chữ ký (hòa giải viên; người chứng kiến vụ, việc hòa giải; người được mời tham gia hòa giải (nếu có))", 22),
    (10, "Ghi chú", 18),
)
RESULT_GROUP = "Kết quả hòa giải"

PART_TWO = (
    ("STT", 6),
    ("Hòa giải viên tiến hành hòa giải", 30),
    ("Vụ, việc hòa giải chia theo phạm vi hòa giải", 40),
    ("Kết quả hòa giải", 30),
    ("Ghi chú", 24),
)

NOTES = (
    "Mẫu do dự án Trợ lý Hòa giải ở cơ sở soạn để in và dùng tạm; không phải biểu mẫu chính thức. "
    "Nếu tổ đã được phát quyển Sổ, hãy ghi theo quyển Sổ được phát.",
    "Căn cứ: Luật Hòa giải ở cơ sở 2013, Điều 21 Khoản 4 (hòa giải viên ghi vụ, việc vào Sổ) và Điều 28 Khoản 2 "
    "điểm d (Bộ Tư pháp quy định mẫu Sổ).",
    "Tên cột theo bản sao mẫu Sổ đang lưu hành; việc gắn số (1)–(10) cho từng cột là theo thứ tự cột, "
    "chưa đối chiếu được với bản gốc.",
    "Mỗi vụ, việc ghi một dòng. Vụ, việc chưa kết thúc: để trống cột (7), (8), ghi \"đang hòa giải\" ở cột (10).",
    "Cột (7), (8): đánh dấu \"x\" vào một trong hai cột khi kết thúc hòa giải.",
    "Phần II do tổ trưởng tổ hòa giải tổng hợp; cách chia cột con theo hướng dẫn của công chức Tư pháp – hộ tịch xã.",
)

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")
_TOP_LEFT = Alignment(wrap_text=True, vertical="top", horizontal="left")


def _landscape(ws, title_rows: str | None = None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    if title_rows:
        ws.print_title_rows = title_rows


def build_workbook() -> Workbook:
    wb = Workbook()
    cover = wb.active
    cover.title = "Bìa"
    cover.column_dimensions["A"].width = 100
    cover["A2"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    cover["A3"] = "Độc lập – Tự do – Hạnh phúc"
    cover["A7"] = "SỔ THEO DÕI HOẠT ĐỘNG HÒA GIẢI Ở CƠ SỞ"
    for cell, size in (("A2", 13), ("A3", 13), ("A7", 20)):
        cover[cell].font = Font(bold=True, size=size)
        cover[cell].alignment = Alignment(horizontal="center")
    for i, line in enumerate(COVER_LINES):
        cover.cell(row=10 + 2 * i, column=1, value=line).font = Font(size=13)
    cover.page_setup.paperSize = cover.PAPERSIZE_A4
    cover.sheet_properties.pageSetUpPr.fitToPage = True

    part1 = wb.create_sheet("Phần I")
    part1["A1"] = "PHẦN I. GHI CHÉP CỦA HÒA GIẢI VIÊN"
    part1["A1"].font = Font(bold=True, size=14)
    header, numbers = 3, 5
    for number, title, width in PART_ONE:
        col = get_column_letter(number)
        part1.column_dimensions[col].width = width
        if number in (7, 8):
            part1.cell(row=header + 1, column=number, value=title)
        else:
            part1.cell(row=header, column=number, value=title)
            part1.merge_cells(start_row=header, start_column=number, end_row=header + 1, end_column=number)
        part1.cell(row=numbers, column=number, value=f"({number})")
    part1.cell(row=header, column=7, value=RESULT_GROUP)
    part1.merge_cells(start_row=header, start_column=7, end_row=header, end_column=8)
    part1.row_dimensions[header].height = 30
    part1.row_dimensions[header + 1].height = 75
    for row in range(header, numbers + EMPTY_ROWS + 1):
        for number, _, _ in PART_ONE:
            cell = part1.cell(row=row, column=number)
            cell.border = _BOX
            if row <= numbers:
                cell.alignment = _WRAP
                cell.font = Font(bold=row < numbers, italic=row == numbers, size=10)
            else:
                cell.alignment = _TOP_LEFT
        if row > numbers:
            part1.row_dimensions[row].height = 48
    part1.freeze_panes = f"A{numbers + 1}"
    _landscape(part1, f"{header}:{numbers}")

    part2 = wb.create_sheet("Phần II")
    part2["A1"] = "PHẦN II. THEO DÕI, TỔNG HỢP CỦA TỔ TRƯỞNG TỔ HÒA GIẢI"
    part2["A1"].font = Font(bold=True, size=14)
    for i, (title, width) in enumerate(PART_TWO, start=1):
        part2.column_dimensions[get_column_letter(i)].width = width
        cell = part2.cell(row=3, column=i, value=title)
        cell.font = Font(bold=True, size=10)
        cell.alignment = _WRAP
        for row in range(3, 3 + 31):
            part2.cell(row=row, column=i).border = _BOX
    part2.row_dimensions[3].height = 45
    part2.freeze_panes = "A4"
    _landscape(part2, "3:3")

    notes = wb.create_sheet("Hướng dẫn")
    notes.column_dimensions["A"].width = 110
    notes["A1"] = "HƯỚNG DẪN SỬ DỤNG MẪU SỔ"
    notes["A1"].font = Font(bold=True, size=14)
    for i, line in enumerate(NOTES, start=3):
        cell = notes.cell(row=i, column=1, value=f"{i - 2}. {line}")
        cell.alignment = Alignment(wrap_text=True, vertical="top")

    wb.properties.title = "Sổ theo dõi hoạt động hòa giải ở cơ sở"
    wb.properties.creator = "Trợ lý Hòa giải ở cơ sở"
    fixed = datetime(2025, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    return wb


def write_template(path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    build_workbook().save(path)
    return path


def sheet_values(wb: Workbook) -> dict[str, list[tuple]]:
    """Every sheet's cell values (to compare a committed file with what this module generates)."""
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
