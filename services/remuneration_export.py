"""The pay list as an XLSX laid out like the commune's payment list ("Danh sách chi thù lao hòa giải viên"),
and the short chat summary. Layout through services/xlsx_layout (print setup, safe text, signature block)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from services.remuneration import (
    LOCAL_DECIDES,
    PERIOD_RULE,
    SPLIT_RULE,
    PayList,
    amount_in_words,
    vnd,
)
from services.xlsx_layout import setup_print, signature_block, text
from vocabulary import messages as msg

COLUMNS = 9
MONEY = "#,##0"
WIDTHS = (7, 15, 11, 9, 36, 20, 13, 50, 11)
LINE_HEIGHT = 13.5


def _vn(day: date | str) -> str:
    day = date.fromisoformat(day[:10]) if isinstance(day, str) else day
    return day.strftime("%d/%m/%Y")


def _month(month: str) -> str:
    return f"{month[5:7]}/{month[:4]}"


def _shares(shares) -> str:
    return "; ".join(f"{name}: {vnd(share)}" for _, name, share in shares)


def pay_list_xlsx(pay: PayList, *, number: int | None = None, today: date | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    labels: dict[str, Any] = msg.PAY_XLSX
    wb = Workbook()
    ws = wb.active
    ws.title = labels["sheet"]
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)

    lines_needed: dict[int, int] = {}

    def need(row: int, value, width: float) -> None:
        """Rows grow with their longest wrapped text (spreadsheet programs do not always do it on open)."""
        if isinstance(value, str):
            lines = sum(-(-max(len(part), 1) // max(int(width * 1.1), 1)) for part in value.split("\n"))
            lines_needed[row] = max(lines_needed.get(row, 1), lines)

    def put(
        row: int, col: int, value, *, font=None, fmt: str | None = None, border: bool = True, span: int = 1
    ):
        need(row, value, sum(WIDTHS[col - 1 : col - 1 + span]))
        cell = ws.cell(row=row, column=col, value=value)
        cell.alignment = wrap
        if border:
            cell.border = box
        if font is not None:
            cell.font = font
        if fmt:
            cell.number_format = fmt
        return cell

    def money_row(at: int, values: list) -> int:
        """One row of the list (column 7 is the amount); returns the next row."""
        for col, value in enumerate(values, start=1):
            put(at, col, value, fmt=MONEY if col == 7 else None)
        return at + 1

    def merged(row: int, value, *, first: int = 1, last: int = COLUMNS, font=None, center: bool = True):
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        need(row, value, sum(WIDTHS[first - 1 : last]))
        cell = ws.cell(row=row, column=first, value=value)
        cell.alignment = Alignment(horizontal="center" if center else "left", vertical="top", wrap_text=True)
        if font is not None:
            cell.font = font
        return cell

    merged(1, text(labels["authority"].format(commune=pay.commune_name.upper())), last=4, font=bold)
    merged(1, labels["nation"], first=5, font=bold)
    merged(2, labels["motto"], first=5, font=Font(bold=True, underline="single"))
    merged(4, labels["title"], font=Font(bold=True, size=14))
    merged(5, labels["period"].format(start=_vn(pay.start), end=_vn(pay.end)), font=Font(italic=True))
    merged(6, labels["number"].format(number=number) if number else labels["preview"], font=Font(italic=True))
    merged(7, labels["basis"], center=False)
    head = 9
    for col, title in enumerate(labels["columns"], start=1):
        put(head, col, title, font=bold).alignment = Alignment(
            horizontal="center", vertical="center", wrap_text=True
        )
    row = head + 1
    index = 0
    team_rows: list[int] = []
    for code, totals in pay.teams.items():
        lines = [line for line in pay.lines if line.case.team_code == code and line.eligible]
        adjustments = [a for a in pay.adjustments if a.case.team_code == code]
        months = [t for t in pay.team_months if t.team.code == code and (t.amount or t.status == "no_rate")]
        if not (lines or adjustments or months):
            continue
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=COLUMNS)
        put(row, 1, text(f"{totals.team.name} ({code})"), font=bold, span=COLUMNS)
        row += 1
        for line in lines:
            index += 1
            values = [
                index,
                text(line.case.number),
                _vn(line.case.day),
                text(code),
                text(_shares(line.shares)),
                msg.CASE_RESULT_LABELS[line.case.result],
                line.amount,
                text(line.reason),
                "",
            ]
            row = money_row(row, values)
        for adj in adjustments:
            index += 1
            values = [
                index,
                text(adj.case.number),
                _vn(adj.case.day),
                text(code),
                text(_shares(adj.shares)),
                msg.CASE_RESULT_LABELS[adj.case.result],
                adj.amount,
                text(adj.reason),
                "",
            ]
            row = money_row(row, values)
        for month in months:
            index += 1
            values = [
                index,
                "",
                "",
                text(code),
                "",
                labels["team_support"].format(month=_month(month.month)),
                month.amount,
                month.reason or labels["team_support_basis"],
                "",
            ]
            row = money_row(row, values)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
        put(row, 1, labels["team_total"].format(team=code, cases=totals.cases), font=bold, span=6)
        put(row, 7, totals.total, font=bold, fmt=MONEY)
        put(row, 8, "")
        put(row, 9, "")
        team_rows.append(row)
        row += 1
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
    put(row, 1, labels["grand_total"], font=bold, span=6)
    put(row, 7, pay.total, font=bold, fmt=MONEY)
    put(row, 8, "")
    put(row, 9, "")
    row += 1
    merged(
        row, labels["in_words"].format(words=amount_in_words(pay.total)), center=False, font=Font(italic=True)
    )
    row += 2

    others = [line for line in pay.lines if not line.eligible]
    if others:
        merged(row, labels["others_title"], center=False, font=bold)
        row += 1
        for col, title in enumerate(labels["others_columns"], start=1):
            put(row, col, title, font=bold, span=COLUMNS - 5 if col == 6 else 1)
        ws.merge_cells(start_row=row, start_column=6, end_row=row, end_column=COLUMNS)
        row += 1
        for n, line in enumerate(others, start=1):
            values = [
                n,
                text(line.case.number),
                _vn(line.case.day),
                text(line.case.team_code),
                msg.CASE_RESULT_LABELS[line.case.result],
                text(
                    line.reason if line.status == "paid" else f"{msg.PAY_STATUS[line.status]}: {line.reason}"
                ),
            ]
            for col, value in enumerate(values, start=1):
                put(row, col, value, span=COLUMNS - 5 if col == 6 else 1)
            ws.merge_cells(start_row=row, start_column=6, end_row=row, end_column=COLUMNS)
            row += 1
        row += 1

    merged(row, labels["rates_title"], center=False, font=bold)
    row += 1
    for rate in pay.rates_used:
        merged(
            row,
            text(
                labels["rate_line"].format(
                    start=_vn(rate.effective_from),
                    case=vnd(rate.per_case),
                    success=vnd(rate.per_successful_case),
                    team=vnd(rate.team_month),
                    basis=rate.basis,
                )
            ),
            center=False,
        )
        row += 1
    for note in (LOCAL_DECIDES, SPLIT_RULE, PERIOD_RULE):
        merged(row, note, center=False)
        row += 1
    row += 1
    signature_block(ws, row, COLUMNS, place=pay.commune_name, day=today, signers=msg.PAY_SIGNERS)
    for sign_row in (
        row + 1,
        row + 2,
    ):  # the first signer sits in the narrow first column: keep it on the page
        cell = ws.cell(row=sign_row, column=1)
        cell.alignment = Alignment(horizontal="left")

    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[ws.cell(row=head, column=col).column_letter].width = width
    for line_row, count in lines_needed.items():
        if count > 1:
            ws.row_dimensions[line_row].height = LINE_HEIGHT * count
    setup_print(ws, title_rows=(head, head))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def pay_summary(pay: PayList, *, number: int | None = None) -> str:
    """The short chat summary of a list."""
    teams = [
        msg.PAY_SUMMARY_TEAM.format(
            team=code,
            cases=t.cases,
            amount=vnd(t.amount),
            support=vnd(t.team_support),
            adjustment=(msg.PAY_SUMMARY_ADJ.format(amount=vnd(t.adjustment)) if t.adjustment else ""),
        )
        for code, t in pay.teams.items()
    ]
    counted = {s: sum(1 for line in pay.lines if line.status == s) for s in msg.PAY_STATUS}
    no_rate = sum(1 for t in pay.team_months if t.status == "no_rate")
    if no_rate:
        teams.append(msg.PAY_SUMMARY_NO_RATE.format(count=no_rate))
    if len(pay.rates_used) == 1:
        rate = pay.rates_used[0]
        rates = msg.PAY_SUMMARY_RATE.format(
            case=vnd(rate.per_case),
            success=vnd(rate.per_successful_case),
            team=vnd(rate.team_month),
            basis=rate.basis,
        )
    else:  # a rate change inside the period: say every rate, not only the last one (QA)
        rates = msg.PAY_SUMMARY_RATES.format(
            lines="\n".join(
                "• "
                + msg.PAY_XLSX["rate_line"].format(
                    start=_vn(r.effective_from),
                    case=vnd(r.per_case),
                    success=vnd(r.per_successful_case),
                    team=vnd(r.team_month),
                    basis=r.basis,
                )
                for r in pay.rates_used
            )
        )
    return msg.PAY_SUMMARY.format(
        commune=pay.commune_name,
        start=_vn(pay.start),
        end=_vn(pay.end),
        number=msg.PAY_SUMMARY_NUMBER.format(number=number) if number else "",
        payable=counted["payable"],
        excluded=counted["excluded"],
        not_eligible=counted["not_eligible"],
        paid=counted["paid"],
        teams="\n".join(teams) or msg.PAY_SUMMARY_NO_TEAM,
        total=vnd(pay.total),
        words=amount_in_words(pay.total),
        rates=rates,
    )
