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
from services.case_models import RESULT_CODES
from services.xlsx_layout import setup_print
from vocabulary import messages as msg

FILE_NAME = "so-theo-doi-hoa-giai.xlsx"
EMPTY_ROWS = 60

COVER_LINES: tuple[str, ...] = msg.LOGBOOK_TEMPLATE["cover_lines"]

#: Part I: (column number, title, width)
PART_ONE = tuple(
    (number, title, width)
    for number, (title, width) in enumerate(
        zip(msg.LOGBOOK_TEMPLATE["part_one"], (6, 13, 22, 28, 30, 30, 11, 11, 22, 24), strict=True), start=1
    )
)
RESULT_GROUP = msg.LOGBOOK_TEMPLATE["result_group"]

PART_TWO = tuple(zip(msg.LOGBOOK_TEMPLATE["part_two"], (6, 30, 40, 30, 24), strict=True))
#: Part II sub-columns (the copy of the form is cut here: these are the app's fields and results, see NOTES).
PART_TWO_FIELDS = ((msg.LOGBOOK_TEMPLATE["total"], 8), *((label, 10) for label in form.FIELDS.values()))
PART_TWO_RESULTS = tuple((form.RESULTS[code], 10) for code in RESULT_CODES)
PART_TWO_COLUMNS = 2 + len(PART_TWO_FIELDS) + len(PART_TWO_RESULTS) + 1

NOTES: tuple[str, ...] = msg.LOGBOOK_TEMPLATE["notes"]

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
    """The cover page (portrait): national heading and title centred over three columns, the lines in the
    middle."""
    ws.title = msg.LOGBOOK_TEMPLATE["cover_sheet"]
    for col, width in (("A", 12), ("B", 80), ("C", 12)):
        ws.column_dimensions[col].width = width
    for row, value, size in (
        (2, msg.LOGBOOK_TEMPLATE["national"], 13),
        (3, msg.LOGBOOK_TEMPLATE["motto"], 13),
        (7, msg.LOGBOOK_TEMPLATE["title"], 18),
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

    part1 = wb.create_sheet(msg.LOGBOOK_TEMPLATE["part_one_sheet"])
    part1["A1"] = msg.LOGBOOK_TEMPLATE["part_one_title"]
    part1["A1"].font = Font(bold=True, size=14)
    first, numbers = write_part_one_header(part1, 3)
    for row in range(numbers + 1, numbers + EMPTY_ROWS + 1):
        for number, _, _ in PART_ONE:
            cell = part1.cell(row=row, column=number)
            cell.border = _BOX
            cell.alignment = _TOP_LEFT
        part1.row_dimensions[row].height = 48
    setup_print(part1, title_rows=(first, numbers))

    part2 = wb.create_sheet(msg.LOGBOOK_TEMPLATE["part_two_sheet"])
    part2["A1"] = msg.LOGBOOK_TEMPLATE["part_two_title"]
    part2["A1"].font = Font(bold=True, size=14)
    first, last = write_part_two_header(part2, 3)
    write_part_two_rows(part2, last + 1, [([None], "line")] * 30)
    setup_print(part2, title_rows=(first, last))

    notes = wb.create_sheet(msg.LOGBOOK_TEMPLATE["notes_sheet"])
    notes.column_dimensions["A"].width = 110
    notes["A1"] = msg.LOGBOOK_TEMPLATE["notes_title"]
    notes["A1"].font = Font(bold=True, size=14)
    for i, line in enumerate(NOTES, start=3):
        cell = notes.cell(row=i, column=1, value=f"{i - 2}. {line}")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    setup_print(notes, landscape=False)

    wb.properties.title = msg.LOGBOOK_TEMPLATE["file_title"]
    wb.properties.creator = msg.APP_NAME
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
