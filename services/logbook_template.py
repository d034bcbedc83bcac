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

from services import case_form as form
from services.xlsx_layout import setup_print

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
    (
        4,
        "Họ tên, tuổi, địa chỉ các bên, người có quyền, nghĩa vụ liên quan đến vụ, việc hòa giải (nếu có)",
        28,
    ),
    (5, "Nội dung chủ yếu của vụ, việc", 30),
    (6, "Thỏa thuận của các bên (hoặc yêu cầu của mỗi bên) sau khi hòa giải", 30),
    (7, "Hòa giải thành", 11),
    (8, "Hòa giải không thành", 11),
    (
        9,
        "Chữ ký (hòa giải viên; người chứng kiến vụ, việc hòa giải; người được mời tham gia hòa giải (nếu có))",
        22,
    ),
    (10, "Ghi chú", 24),
)
RESULT_GROUP = "Kết quả hòa giải"

PART_TWO = (
    ("STT", 6),
    ("Hòa giải viên tiến hành hòa giải", 30),
    ("Vụ, việc hòa giải chia theo phạm vi hòa giải", 40),
    ("Kết quả hòa giải", 30),
    ("Ghi chú", 24),
)
#: Part II sub-columns (the copy of the form is cut here: these are the app's fields and results, see NOTES).
PART_TWO_FIELDS = (("Tổng số", 8), *((label, 10) for label in form.FIELDS.values()))
PART_TWO_RESULTS = tuple(
    (label, 10)
    for label in (
        form.RESULTS["thanh"],
        form.RESULTS["khong_thanh"],
        form.RESULTS["dang_hoa_giai"],
        form.RESULTS["chuyen_co_quan"],
        form.RESULTS["rut_yeu_cau"],
    )
)
PART_TWO_COLUMNS = 2 + len(PART_TWO_FIELDS) + len(PART_TWO_RESULTS) + 1

NOTES = (
    "Mẫu do dự án Trợ lý Hòa giải ở cơ sở soạn để in và dùng tạm; không phải biểu mẫu chính thức. "
    "Nếu tổ đã được phát quyển Sổ, hãy ghi theo quyển Sổ được phát.",
    "Căn cứ: Luật Hòa giải ở cơ sở 2013, Điều 21 Khoản 4 (hòa giải viên ghi vụ, việc vào Sổ) và Điều 28 Khoản 2 "
    "điểm d (Bộ Tư pháp quy định mẫu Sổ).",
    "Tên cột theo bản sao mẫu Sổ đang lưu hành; việc gắn số (1)–(10) cho từng cột là theo thứ tự cột, "
    "chưa đối chiếu được với bản gốc.",
    'Mỗi vụ, việc ghi một dòng. Vụ, việc chưa kết thúc: để trống cột (7), (8), ghi "đang hòa giải" ở cột (10).',
    'Cột (7), (8): đánh dấu "x" vào một trong hai cột khi kết thúc hòa giải.',
    "Phần II do tổ trưởng tổ hòa giải tổng hợp: mỗi hòa giải viên một dòng, dòng cuối là cộng của tổ. Vụ, việc có "
    "hai hòa giải viên tính cho cả hai người nhưng chỉ tính một lần ở dòng cộng của tổ. Cột con theo lĩnh vực và kết "
    "quả là cách chia của Trợ lý Hòa giải (bản sao mẫu Sổ bị cắt ở phần này); nếu công chức Tư pháp – hộ tịch xã "
    "hướng dẫn cách chia khác, ghi theo hướng dẫn đó.",
    "Trợ lý Hòa giải ghi các cột: (3) hòa giải viên và người được mời (loại, số người; họ tên chỉ khi xã cho phép "
    "ghi); (6) thỏa thuận hoặc yêu cầu của các bên; (9) để trống để ký trên bản in; (10) ghi chú, việc đã lập văn "
    "bản hòa giải thành, kết quả khác (đang hòa giải, chuyển cơ quan, rút yêu cầu). In sổ: lệnh "
    '`mediator-bot logbook` hoặc nút "In sổ theo dõi" trong /thongke.',
)

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")
_TOP_LEFT = Alignment(wrap_text=True, vertical="top", horizontal="left")


def _box(ws, row: int, ncols: int, *, head: bool = False, italic: bool = False) -> None:
    for col in range(1, ncols + 1):
        cell = ws.cell(row=row, column=col)
        cell.border = _BOX
        if head:
            cell.alignment = _WRAP
            cell.font = Font(bold=not italic, italic=italic, size=10)


def write_part_one_header(ws, header: int) -> tuple[int, int]:
    """Column titles of Part I from row `header` (two rows, results grouped) and the numbering row (1)–(10).
    Returns (first, last) heading rows, to repeat on every printed page."""
    numbers = header + 2
    for number, title, width in PART_ONE:
        ws.column_dimensions[get_column_letter(number)].width = width
        if number in (7, 8):
            ws.cell(row=header + 1, column=number, value=title)
        else:
            ws.cell(row=header, column=number, value=title)
            ws.merge_cells(start_row=header, start_column=number, end_row=header + 1, end_column=number)
        ws.cell(row=numbers, column=number, value=f"({number})")
    ws.cell(row=header, column=7, value=RESULT_GROUP)
    ws.merge_cells(start_row=header, start_column=7, end_row=header, end_column=8)
    ws.row_dimensions[header].height = 30
    ws.row_dimensions[header + 1].height = 75
    for row in range(header, numbers + 1):
        _box(ws, row, len(PART_ONE), head=True, italic=row == numbers)
    ws.freeze_panes = f"A{numbers + 1}"
    return header, numbers


def write_part_two_header(ws, header: int) -> tuple[int, int]:
    """Part II headings from row `header`: STT, mediator, cases by field (total + each field), results, note;
    then the numbering row. Returns (first, last) heading rows."""
    (stt, w0), (who, w1), (by_field, _), (results, _), (note, w4) = PART_TWO
    col = 1
    for title, width in ((stt, w0), (who, w1)):
        ws.cell(row=header, column=col, value=title)
        ws.merge_cells(start_row=header, start_column=col, end_row=header + 1, end_column=col)
        ws.column_dimensions[get_column_letter(col)].width = width
        col += 1
    for group, subs in ((by_field, PART_TWO_FIELDS), (results, PART_TWO_RESULTS)):
        ws.cell(row=header, column=col, value=group)
        ws.merge_cells(start_row=header, start_column=col, end_row=header, end_column=col + len(subs) - 1)
        for title, width in subs:
            ws.cell(row=header + 1, column=col, value=title)
            ws.column_dimensions[get_column_letter(col)].width = width
            col += 1
    ws.cell(row=header, column=col, value=note)
    ws.merge_cells(start_row=header, start_column=col, end_row=header + 1, end_column=col)
    ws.column_dimensions[get_column_letter(col)].width = w4
    for c in range(1, PART_TWO_COLUMNS + 1):
        ws.cell(row=header + 2, column=c, value=f"({c})")
    ws.row_dimensions[header].height = 30
    ws.row_dimensions[header + 1].height = 60
    for row in range(header, header + 3):
        _box(ws, row, PART_TWO_COLUMNS, head=True, italic=row == header + 2)
    ws.freeze_panes = f"A{header + 3}"
    return header, header + 2


def write_part_two_rows(ws, row: int, rows: list[tuple[list, str]]) -> int:
    """Data rows of Part II (styles: team heading, line, total, grand); returns the next free row."""
    for values, style in rows:
        for col in range(1, PART_TWO_COLUMNS + 1):
            cell = ws.cell(row=row, column=col, value=values[col - 1] if col <= len(values) else None)
            cell.border = _BOX
            cell.alignment = Alignment(
                vertical="top", wrap_text=col == 2, horizontal="center" if col == 1 else None
            )
            if style != "line":
                cell.font = Font(bold=True, italic=style == "team")
        if style == "team":
            ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=PART_TWO_COLUMNS)
        row += 1
    return row


def write_table(ws, row: int, heads: list[str], rows: list[list], widths: list[int]) -> int:
    """A small boxed table: headings, numbering row, data rows; returns the next free row."""
    for col, (head, width) in enumerate(zip(heads, widths, strict=True), start=1):
        ws.cell(row=row, column=col, value=head)
        ws.cell(row=row + 1, column=col, value=f"({col})")
        ws.column_dimensions[get_column_letter(col)].width = width
    _box(ws, row, len(heads), head=True)
    _box(ws, row + 1, len(heads), head=True, italic=True)
    ws.row_dimensions[row].height = 45
    for i, values in enumerate(rows, start=row + 2):
        for col, value in enumerate(values, start=1):
            ws.cell(row=i, column=col, value=value).border = _BOX
    return row + 2 + len(rows)


def write_cover(ws, lines: tuple[str, ...] | list[str]) -> None:
    """The cover page (portrait): national heading and title centred over three columns, the lines in the middle."""
    ws.title = "Bìa"
    for col, width in (("A", 12), ("B", 80), ("C", 12)):
        ws.column_dimensions[col].width = width
    for row, value, size in (
        (2, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13),
        (3, "Độc lập – Tự do – Hạnh phúc", 13),
        (7, "SỔ THEO DÕI HOẠT ĐỘNG HÒA GIẢI Ở CƠ SỞ", 18),
    ):
        cell = ws.cell(row=row, column=1, value=value)
        cell.font = Font(bold=True, size=size)
        cell.alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
    for i, line in enumerate(lines):
        ws.cell(row=10 + 2 * i, column=2, value=line).font = Font(size=13)
    setup_print(ws, landscape=False)
    ws.print_area = "A1:C40"


def build_workbook() -> Workbook:
    """The blank book: cover, Part I with empty ruled rows, Part II with empty ruled rows, notes."""
    wb = Workbook()
    write_cover(wb.active, COVER_LINES)

    part1 = wb.create_sheet("Phần I")
    part1["A1"] = "PHẦN I. GHI CHÉP CỦA HÒA GIẢI VIÊN"
    part1["A1"].font = Font(bold=True, size=14)
    first, numbers = write_part_one_header(part1, 3)
    for row in range(numbers + 1, numbers + EMPTY_ROWS + 1):
        for number, _, _ in PART_ONE:
            cell = part1.cell(row=row, column=number)
            cell.border = _BOX
            cell.alignment = _TOP_LEFT
        part1.row_dimensions[row].height = 48
    setup_print(part1, title_rows=(first, numbers))

    part2 = wb.create_sheet("Phần II")
    part2["A1"] = "PHẦN II. THEO DÕI, TỔNG HỢP CỦA TỔ TRƯỞNG TỔ HÒA GIẢI"
    part2["A1"].font = Font(bold=True, size=14)
    first, last = write_part_two_header(part2, 3)
    write_part_two_rows(part2, last + 1, [([None], "line")] * 30)
    setup_print(part2, title_rows=(first, last))

    notes = wb.create_sheet("Hướng dẫn")
    notes.column_dimensions["A"].width = 110
    notes["A1"] = "HƯỚNG DẪN SỬ DỤNG MẪU SỔ"
    notes["A1"].font = Font(bold=True, size=14)
    for i, line in enumerate(NOTES, start=3):
        cell = notes.cell(row=i, column=1, value=f"{i - 2}. {line}")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    setup_print(notes, landscape=False)

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
