"""The shared XLSX layout: text cells are never formulas; print settings read back from the saved file."""

import io
from datetime import date

from openpyxl import Workbook, load_workbook

from services.xlsx_layout import setup_print, signature_block, text


def test_text_cells_never_become_formulas():
    wb = Workbook()
    ws = wb.active
    for i, value in enumerate(
        ['=HYPERLINK("http://x","y")', "+84 912", "-1", "@SUM(A1)", "Bản Na Lay", 5], 1
    ):
        ws.cell(row=i, column=1, value=text(value))
    buf = io.BytesIO()
    wb.save(buf)
    back = load_workbook(io.BytesIO(buf.getvalue())).active
    assert [back.cell(row=i, column=1).data_type for i in range(1, 6)] == ["s"] * 5
    assert back.cell(row=1, column=1).value == '\'=HYPERLINK("http://x","y")'
    assert back.cell(row=5, column=1).value == "Bản Na Lay"
    assert back.cell(row=6, column=1).value == 5


def test_print_settings_and_signature_block_read_back():
    wb = Workbook()
    ws = wb.active
    setup_print(ws, title_rows=(3, 4))
    nxt = signature_block(ws, 10, 6, place="Mường Lay", day=date(2026, 7, 5))
    buf = io.BytesIO()
    wb.save(buf)
    back = load_workbook(io.BytesIO(buf.getvalue())).active
    assert back.page_setup.orientation == "landscape"
    assert str(back.page_setup.paperSize) == back.PAPERSIZE_A4 == "9"
    assert back.page_setup.fitToWidth == 1 and back.page_setup.fitToHeight == 0
    assert back.sheet_properties.pageSetUpPr.fitToPage
    assert back.print_title_rows == "$3:$4"
    assert "&P" in back.oddFooter.center.text
    assert back.cell(row=10, column=4).value == "Mường Lay, ngày 05 tháng 07 năm 2026"
    assert back.cell(row=11, column=1).value == "Người lập biểu"
    assert back.cell(row=11, column=6).value == "Thủ trưởng đơn vị"
    assert nxt == 17


def test_signature_block_can_start_past_a_narrow_first_column():
    """QA: on sheets whose column A is a narrow "STT", the first signer's title was cut at the page margin."""
    wb = Workbook()
    ws = wb.active
    signature_block(ws, 10, 15, first_col=2)
    assert ws.cell(row=11, column=2).value == "Người lập biểu" and ws.cell(row=11, column=1).value is None
    assert ws.cell(row=11, column=15).value == "Thủ trưởng đơn vị"
