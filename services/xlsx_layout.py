"""One page layout for every XLSX the bot produces: safe text cells, print settings, the signature block.

Officials print the exports to sign and stamp them, so every sheet is laid out for A4 landscape, fit to one
page wide, with the heading rows repeated on each page, margins and a page-number footer. Every export module
calls `text()` for values that come from people (names, summaries) and `setup_print()` once per sheet;
official forms end with `signature_block()`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from vocabulary import messages as msg

#: A value starting with one of these is read by spreadsheet programs as a formula (CSV/formula injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text(value: Any) -> Any:
    """A cell value written as text: strings that a spreadsheet would read as a formula get a leading quote.

    Numbers, dates and None pass through unchanged; openpyxl stores the returned string as a plain string cell
    (data type "s"), never as a formula.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def setup_print(
    ws: Any, *, title_rows: tuple[int, int] | None = None, landscape: bool = True, footer: str = "Trang &P/&N"
) -> None:
    """A4, landscape by default, one page wide (as many pages tall as needed), heading rows repeated.

    `title_rows` = (first, last) 1-based rows repeated at the top of every printed page (the table heading).
    """
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = True
    if title_rows is not None:
        ws.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    ws.oddFooter.center.text = footer
    ws.evenFooter.center.text = footer


def signature_block(
    ws: Any,
    row: int,
    ncols: int,
    *,
    place: str = "",
    day: date | None = None,
    signers: Sequence[tuple[str, str]] = msg.XLSX_SIGNERS,
    first_col: int = 1,
) -> int:
    """Write '…, ngày … tháng … năm …' and one titled column per signer from `row`; returns the next free row.

    Signers are spread across the `ncols` columns of the table above (first at `first_col`, last at the
    right); start at a wider column when column A is a narrow "STT", or LibreOffice cuts the first title at
    the margin.
    """
    from openpyxl.styles import Alignment, Font

    when = (
        msg.XLSX_DATED.format(day=f"{day.day:02d}", month=f"{day.month:02d}", year=day.year)
        if day
        else msg.XLSX_UNDATED
    )
    dated = f"{place}, {when}" if place else when.capitalize()
    last_col = max(ncols, len(signers))
    cell = ws.cell(row=row, column=max(1, last_col - 2), value=dated)
    cell.font = Font(italic=True)
    n = len(signers)
    for i, (title, hint) in enumerate(signers):
        col = first_col if n == 1 else first_col + round(i * (last_col - first_col) / (n - 1))
        head = ws.cell(row=row + 1, column=col, value=title)
        head.font = Font(bold=True)
        head.alignment = Alignment(horizontal="center")
        note = ws.cell(row=row + 2, column=col, value=hint)
        note.font = Font(italic=True, size=9)
        note.alignment = Alignment(horizontal="center")
    return row + 7
