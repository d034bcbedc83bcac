"""Renderings of a statistics report: phone-sized text, plain text, XLSX (MoJ form layout), chart PNG."""

from __future__ import annotations

import io
from datetime import date

from knowledge.text import fold
from services import xlsx_layout
from services.statistics import INDICATORS, PRESETS, Counts, Period, Report, Scope, preset_period
from services.xlsx_layout import setup_print, signature_block, text
from vocabulary import messages as msg


# --- Small formatters --------------------------------------------------------------------------------------
def pct(value: float | None, digits: int = 1) -> str:
    """0.8333 → '83,3%' (Vietnamese decimal comma); None → 'chưa có'."""
    if value is None:
        return msg.STATS_NONE
    return f"{value * 100:.{digits}f}".replace(".", ",") + "%"


def vn_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def period_label(period: Period) -> str:
    """'tháng 7/2025', 'quý III/2025', '6 tháng đầu năm 2025', 'năm 2025', or '01/01/2025 – 15/03/2025'."""
    for key in PRESETS:
        if preset_period(key, period.start) == period:
            y, m = period.start.year, period.start.month
            if key == "month":
                return msg.STATS_PERIOD_MONTH.format(month=m, year=y)
            if key == "quarter":
                return msg.STATS_PERIOD_QUARTER.format(quarter=msg.STATS_QUARTERS[(m - 1) // 3 + 1], year=y)
            if key == "half":
                return msg.STATS_PERIOD_HALF[1 if m <= 6 else 2].format(year=y)
            return msg.STATS_PERIOD_YEAR.format(year=y)
    return msg.STATS_PERIOD_RANGE.format(start=vn_date(period.start), end=vn_date(period.end))


def reporting_period_label(key: str, period: Period) -> str:
    """The label of a period of the Ministry's statistical regime (services.statistics.reporting_periods)."""
    return msg.PERIODS_OFFICIAL[key].format(year=period.start.year)


def scope_label(scope: Scope) -> str:
    if scope.level == "team" and scope.commune is not None:
        return f"{scope.name} ({scope.commune.name})"
    if scope.level == "province":
        return province_label(scope.name)
    return scope.name


def rate_formula(counts: Counts) -> str:
    """The official rate's formula with its numbers: '186/289 vụ việc đã hòa giải'."""
    return msg.STATS_RATE_FORMULA.format(successful=counts.successful, mediated=counts.mediated)


def rate_received_formula(counts: Counts) -> str:
    """The second rate's formula with its numbers: '186/323 vụ việc tiếp nhận'."""
    return msg.STATS_RATE_RECEIVED_FORMULA.format(successful=counts.successful, received=counts.received)


def rate_with_formula(counts: Counts) -> str:
    """'64,4% (186/289 vụ việc đã hòa giải)'."""
    return f"{pct(counts.success_rate)} ({rate_formula(counts)})"


def province_label(name: str) -> str:
    """ "Điện Biên" → "tỉnh Điện Biên"; a name that already says what it is ("Thành phố Hà Nội") stays."""
    folded = fold(name)
    return name if folded.startswith(("tinh ", "thanh pho ")) else msg.STATS_PROVINCE_OF.format(name=name)


def _counts_text(counts: Counts) -> dict[str, str | int]:
    return {
        "received": counts.received,
        "successful": counts.successful,
        "unsuccessful": counts.unsuccessful,
        "pending": counts.pending,
        "transferred": counts.transferred,
        "withdrawn": counts.withdrawn,
        "rate": pct(counts.success_rate),
        "rate_formula": rate_formula(counts),
        "rate_received": pct(counts.success_rate_received),
        "rate_received_formula": rate_received_formula(counts),
    }


def indicator_formula(report: Report, name: str) -> str:
    """The numbers behind an indicator, in words ('' where the report keeps only the ratio)."""
    org = report.organisation
    if name == "success_rate":
        return rate_formula(report.cases)
    if name == "trained_share":
        return msg.STATS_FORMULA_TRAINED.format(n=org.trained, total=org.mediators)
    if name == "teams_full_composition":
        return msg.STATS_FORMULA_TEAMS.format(n=org.teams_full_composition, total=org.teams)
    if name == "teams_with_legal_supporter":
        return msg.STATS_FORMULA_TEAMS.format(n=org.teams_with_legal_supporter, total=org.teams)
    return msg.STATS_FORMULA_TRAINED_6M


def indicator_lines(report: Report) -> list[str]:
    lines = [msg.STATS_INDICATORS_TITLE]
    for name in INDICATORS:
        ind = report.indicators[name]
        line = msg.STATS_INDICATOR_LINE.format(
            mark=msg.STATS_MARKS[ind.met],
            name=msg.STATS_INDICATOR_NAMES[name],
            value=pct(ind.value),
            target=pct(ind.target, 0),
        )
        if name == "success_rate":
            line += f" ({rate_formula(report.cases)})"
        lines.append(line)
    return lines


def report_text(report: Report, *, full: bool = False) -> str:
    """The reply in the chat (fits a phone screen); `full` adds every team and commune (command line)."""
    parts = [
        msg.STATS_REPORT.format(
            scope=scope_label(report.scope), period=period_label(report.period), **_counts_text(report.cases)
        )
    ]
    if report.cases.received == 0:
        parts.append(msg.STATS_NO_CASES)
    else:
        items = ", ".join(
            f"{msg.STATS_FIELD_LABELS[code]} {c.received}"
            for code, c in report.by_field.items()
            if c.received
        )
        parts.append(msg.STATS_BY_FIELD.format(items=items))
    parts.append(source_label(report))
    if report.by_commune is not None:
        reported = sum(1 for line in report.by_commune if line.reported)
        parts.append(msg.STATS_COMPLETENESS.format(reported=reported, communes=len(report.by_commune)))
        if report.source == "submitted":
            parts.append(
                msg.SUBMIT_COMPLETENESS.format(
                    submitted=len(report.submissions), communes=len(report.by_commune)
                )
            )
    if report.by_province is not None:
        parts.append(
            (msg.SUBMIT_COMPLETENESS if report.source == "submitted" else msg.STATS_COMPLETENESS).format(
                submitted=sum(p.reported for p in report.by_province),
                reported=sum(p.reported for p in report.by_province),
                communes=sum(p.communes for p in report.by_province),
            )
        )
    org = report.organisation
    parts.append(
        msg.STATS_ORGANISATION.format(
            teams=org.teams, mediators=org.mediators, women=org.women, ethnic_minority=org.ethnic_minority
        )
    )
    parts.append("\n".join(indicator_lines(report)))
    if full:
        parts.append(
            _table(
                msg.STATS_XLSX["field_col"],
                [(msg.STATS_FIELD_LABELS.get(code, code), c) for code, c in report.by_field.items()],
            )
        )
        parts.append(
            _table(
                msg.STATS_XLSX["team_col"],
                [(f"{line.team.code} {line.team.name}", line.counts) for line in report.by_team],
            )
        )
        if report.by_commune is not None:
            rows = [
                (f"{line.commune.code} {line.commune.name}" + _commune_mark(report, line), line.counts)
                for line in report.by_commune
            ]
            parts.append(_table(msg.STATS_XLSX["commune_col"], rows))
        if report.by_province is not None:
            parts.append(
                _table(
                    msg.NATIONAL_XLSX["province_col"],
                    [
                        (f"{line.province.code} {line.province.name}", line.counts)
                        for line in report.by_province
                    ],
                )
            )
    return "\n\n".join(parts)


def _commune_mark(report: Report, line) -> str:
    if report.source == "submitted":
        sub = report.submissions.get(line.commune.id)
        return (
            f" ({msg.SUBMIT_MARK_REVISION.format(revision=sub.revision)})"
            if sub
            else f" ({msg.SUBMIT_MARK_MISSING})"
        )
    return "" if line.reported else f" ({msg.STATS_XLSX['not_reported']})"


def source_label(report: Report) -> str:
    """Which figures a report shows: live ones, or submitted ones (which revision, when)."""
    if report.source != "submitted":
        return msg.SUBMIT_SOURCE_LIVE
    if report.scope.level == "commune":
        sub = report.submissions.get(report.scope.id)
        if sub is None:  # a commune's submitted report is always built with its submission
            raise LookupError(f"submitted report of commune {report.scope.id} without its submission")
        return msg.SUBMIT_SOURCE_COMMUNE.format(revision=sub.revision, at=local_time(sub.submitted_at))
    return msg.SUBMIT_SOURCE_ROLLUP


def local_time(iso: str, timezone: str = "Asia/Ho_Chi_Minh") -> str:
    """A stored UTC time as officials read it: '2026-12-03T20:10:00+00:00' → '04/12/2026 03:10' (Vietnam time;
    the bot's TZ_NAME defaults to the same zone)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if when.utcoffset() is not None:
        when = when.astimezone(ZoneInfo(timezone))
    return when.strftime("%d/%m/%Y %H:%M")


def _table(title: str, rows: list[tuple[str, Counts]]) -> str:
    heads = msg.STATS_XLSX["short_heads"]
    width = max([len(title)] + [len(name) for name, _ in rows])
    out = [f"{title:<{width}}  " + "  ".join(f"{h:>8}" for h in heads)]
    for name, c in rows:
        values = [c.received, c.successful, c.unsuccessful, c.pending, c.transferred, c.withdrawn]
        out.append(
            f"{name:<{width}}  "
            + "  ".join(f"{v:>8}" for v in values)
            + f"  {pct(c.success_rate):>8}  {pct(c.success_rate_received):>8}"
            + f"  {c.successful}/{c.mediated}"
        )
    return "\n".join(out)


# --- XLSX --------------------------------------------------------------------------------------------------
def report_xlsx(report: Report) -> bytes:
    """A workbook laid out like the Ministry of Justice statistical forms (see README)."""
    from openpyxl import Workbook

    wb = Workbook()
    _organisation_sheet(wb.active, report)
    if report.by_province is not None:
        _results_sheet(wb.create_sheet(), report, "province")
    _results_sheet(wb.create_sheet(), report, "field")
    if report.by_province is None:
        _results_sheet(wb.create_sheet(), report, "team")
    if report.by_commune is not None:
        _results_sheet(wb.create_sheet(), report, "commune")
    _indicator_sheet(wb.create_sheet(), report)
    if report.by_province is not None:
        _province_indicator_sheet(wb.create_sheet(), report)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _header(ws, report: Report, title: str, unit: str, ncols: int) -> int:
    """Title block of a form; returns the next free row."""
    from openpyxl.styles import Alignment, Font

    x = msg.STATS_XLSX
    scope = report.scope
    if scope.level == "national":
        sender, receiver = msg.NATIONAL_XLSX["sender"], msg.NATIONAL_XLSX["receiver"]
    elif scope.level == "province":
        sender, receiver = x["sender_province"].format(name=scope.name), x["receiver_province"]
    else:
        commune = scope.commune.name if scope.commune else scope.name
        sender = x["sender_commune"].format(name=commune)
        receiver = x["receiver_commune"].format(name=scope.province.name)
    ws.cell(row=1, column=1, value=sender).font = Font(bold=True)
    ws.cell(row=2, column=1, value=receiver)
    ws.cell(row=3, column=1, value=source_label(report))  # merged and wrapped by _head_row (widths known)
    ws.cell(row=4, column=1, value=title).font = Font(bold=True, size=13)
    ws.cell(row=5, column=1, value=text(x["scope"].format(scope=scope_label(scope))))
    ws.cell(
        row=6,
        column=1,
        value=x["period"].format(start=vn_date(report.period.start), end=vn_date(report.period.end)),
    )
    ws.cell(row=7, column=ncols, value=unit).font = Font(italic=True)
    ws.cell(row=7, column=ncols).alignment = Alignment(horizontal="right")
    for row in (4, 5, 6):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
        ws.cell(row=row, column=1).alignment = Alignment(horizontal="center")
    return 8


def _head_row(ws, row: int, heads: list[str], widths: list[int]) -> int:
    """Bold, wrapped column headings, then the MoJ numbering row (A), (1), (2)…; returns the first data
    row."""
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, (head, width) in enumerate(zip(heads, widths, strict=True), start=1):
        cell = ws.cell(row=row, column=col, value=head)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        number = ws.cell(row=row + 1, column=col, value="(A)" if col == 1 else f"({col - 1})")
        number.alignment = Alignment(horizontal="center")
        number.font = Font(italic=True)
        number.border = border
        ws.column_dimensions[get_column_letter(col)].width = width
    lines = max(
        -(-len(head) * 11 // (10 * max(width - 1, 1))) for head, width in zip(heads, widths, strict=True)
    )
    ws.row_dimensions[row].height = max(48, 16 * lines)  # long headings wrap without being cut
    ws.freeze_panes = ws.cell(row=row + 2, column=2)
    setup_print(ws, title_rows=(row, row + 1))  # the heading and numbering rows repeat on every page
    _note(ws, 3, len(heads), ws.cell(row=3, column=1).value or "")
    return row + 2


def _end(ws, row: int, ncols: int) -> None:
    """The signature block every statistics form ends with (người lập biểu, thủ trưởng đơn vị, ngày …)."""
    signature_block(ws, row, ncols)


def _data_row(ws, row: int, values: list, bold: bool = False, percent_cols: tuple[int, ...] = ()) -> None:
    from openpyxl.styles import Border, Font, Side

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, value in enumerate(values, start=1):
        cell = ws.cell(
            row=row, column=col, value=xlsx_layout.text(value)
        )  # names from the org file stay text
        cell.border = border
        if bold:
            cell.font = Font(bold=True)
        if col in percent_cols:
            cell.number_format = "0.0%"


def _organisation_sheet(ws, report: Report) -> None:
    x = msg.STATS_XLSX
    ws.title = x["org_sheet"]
    first = (
        msg.NATIONAL_XLSX["province_col"]
        if report.by_province is not None
        else x["team_col"]
        if report.by_commune is None
        else x["commune_col"]
    )
    heads = [first, *x["org_heads"]]
    row = _header(ws, report, x["org_title"], x["org_unit"], len(heads))
    row = _head_row(ws, row, heads, [34] + [14] * (len(heads) - 1))
    org = report.organisation

    def values(name: str, o) -> list:
        return [
            name,
            o.teams,
            o.mediators,
            o.men,
            o.women,
            o.ethnic_minority,
            o.trained,
            o.legal_supporters,
            o.teams_with_legal_supporter,
            o.teams_full_composition,
        ]

    _data_row(ws, row, values(x["total"], org), bold=True)
    if report.by_province is not None:
        for pline in report.by_province:
            row += 1
            _data_row(ws, row, values(text(pline.province.name), pline.organisation))
    elif report.by_commune is not None:
        for line in report.by_commune:
            row += 1
            _data_row(ws, row, values(text(line.commune.name), line.organisation))
    else:
        for tline in report.by_team:
            if not tline.team.active:
                continue
            row += 1
            m = tline.members
            _data_row(
                ws,
                row,
                [
                    text(tline.team.name),
                    1,
                    m.mediators if m else 0,
                    m.men if m else 0,
                    m.women if m else 0,
                    m.ethnic_minority if m else 0,
                    m.trained if m else 0,
                    m.legal_supporters if m else 0,
                    int(bool(m and m.legal_supporters)),
                    int(tline.complete),
                ],
            )
    _note(ws, row + 2, len(heads), x["org_note"])
    _end(ws, row + 4, len(heads))


def _note(ws, row: int, ncols: int, value: str) -> None:
    """A note under (or above) a table: merged across the table's width and wrapped, so that it never widens
    the printed page (a long single cell would make 'fit to one page wide' shrink the whole table)."""
    from math import ceil

    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    cell = ws.cell(row=row, column=1, value=value)
    cell.font = _italic()
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    width = sum(ws.column_dimensions[get_column_letter(c)].width or 10 for c in range(1, ncols + 1))
    ws.row_dimensions[row].height = 15 * max(1, ceil(len(value) * 1.1 / max(width, 1)))


def _italic():
    from openpyxl.styles import Font

    return Font(italic=True)


def _count_values(c: Counts) -> list:
    return [
        c.received,
        c.successful,
        c.unsuccessful,
        c.pending,
        c.transferred,
        c.withdrawn,
        c.success_rate,
        rate_formula(c),
        c.success_rate_received,
        rate_received_formula(c),
    ]


def _results_sheet(ws, report: Report, by: str) -> None:
    x = msg.STATS_XLSX
    n = msg.NATIONAL_XLSX
    if by == "province":
        ws.title, title = n["province_sheet"], n["province_title"]
    else:
        ws.title, title = x[f"{by}_sheet"], x[f"{by}_title"]
    first = {
        "field": x["field_col"],
        "team": x["team_col"],
        "commune": x["commune_col"],
        "province": n["province_col"],
    }[by]
    heads = [first, *x["result_heads"]]
    if by == "commune":
        heads.append(x["reported_head"])
        if report.source == "submitted":
            heads.append(msg.SUBMIT_XLSX_HEAD)
    if by == "province":
        heads += [
            n["communes_head"],
            n["submitted_head"] if report.source == "submitted" else n["reported_head"],
        ]
    if by == "team" and report.by_commune is not None:
        heads.insert(1, x["commune_col"])
    row = _header(ws, report, title, x["results_unit"], len(heads))
    row = _head_row(
        ws,
        row,
        heads,
        [34] + [24 if h.startswith("Cách tính") else 17 if h.startswith("Tỷ lệ") else 13 for h in heads[1:]],
    )
    offset = 1 if (by == "team" and report.by_commune is not None) else 0
    percent = (8 + offset, 10 + offset)
    total = [x["total"]] + ([""] if offset else []) + _count_values(report.cases)
    communes, provinces = report.by_commune or [], report.by_province or []
    if by == "commune":
        reported = sum(1 for line in communes if line.reported)
        total.append(f"{reported}/{len(communes)}")
        if report.source == "submitted":
            total.append(f"{len(report.submissions)}/{len(communes)}")
    if by == "province":
        total += [sum(p.communes for p in provinces), sum(p.reported for p in provinces)]
    _data_row(ws, row, total, bold=True, percent_cols=percent)
    if by == "field":
        lines = [
            [msg.STATS_FIELD_LABELS.get(code, code), *_count_values(c)] for code, c in report.by_field.items()
        ]
    elif by == "team":
        names = {line.commune.id: line.commune.name for line in report.by_commune or []}
        lines = [
            [text(line.team.name)]
            + ([text(names.get(line.team.commune_id, ""))] if offset else [])
            + _count_values(line.counts)
            for line in report.by_team
        ]
    elif by == "province":
        lines = [[text(p.province.name), *_count_values(p.counts), p.communes, p.reported] for p in provinces]
    else:
        lines = [
            [
                text(line.commune.name),
                *_count_values(line.counts),
                x["reported"] if line.reported else x["not_reported"],
            ]
            + ([_submitted_cell(report, line.commune.id)] if report.source == "submitted" else [])
            for line in communes
        ]
    for values in lines:
        row += 1
        _data_row(ws, row, values, percent_cols=percent)
    _note(ws, row + 2, len(heads), x["formula_note"])
    if by == "commune":
        _note(ws, row + 3, len(heads), x["completeness_note"])
    _end(ws, row + 5, len(heads))


def _submitted_cell(report: Report, commune_id: int) -> str:
    sub = report.submissions.get(commune_id)
    return msg.SUBMIT_MARK_REVISION.format(revision=sub.revision) if sub else msg.SUBMIT_MARK_MISSING


def _indicator_sheet(ws, report: Report) -> None:
    x = msg.STATS_XLSX
    ws.title = x["ind_sheet"]
    heads = x["ind_heads"]
    row = _header(ws, report, x["ind_title"], "", len(heads))
    row = _head_row(ws, row, heads, [46, 14, 14, 12, 34])
    for name in INDICATORS:
        ind = report.indicators[name]
        met = {True: x["met"], False: x["not_met"], None: x["no_data"]}[ind.met]
        _data_row(
            ws,
            row,
            [msg.STATS_INDICATOR_NAMES[name], ind.value, ind.target, met, indicator_formula(report, name)],
            percent_cols=(2, 3),
        )
        row += 1
    _note(ws, row + 1, len(heads), x["ind_note"])
    _end(ws, row + 3, len(heads))


def _province_indicator_sheet(ws, report: Report) -> None:
    """The QĐ 315 indicators of each province (national workbook)."""
    n = msg.NATIONAL_XLSX
    ws.title = n["ind_sheet"]
    heads = [
        n["province_col"],
        *(msg.STATS_INDICATOR_NAMES[name] for name in INDICATORS),
        msg.STATS_XLSX["result_heads"][7],
    ]
    row = _header(ws, report, n["ind_title"], "", len(heads))
    row = _head_row(ws, row, heads, [30] + [15] * (len(heads) - 2) + [24])
    percent = tuple(range(2, 2 + len(INDICATORS)))
    _data_row(
        ws,
        row,
        [
            msg.STATS_XLSX["total"],
            *(report.indicators[name].value for name in INDICATORS),
            rate_formula(report.cases),
        ],
        bold=True,
        percent_cols=percent,
    )
    for line in report.by_province or []:
        row += 1
        _data_row(
            ws,
            row,
            [
                text(line.province.name),
                *(line.indicators[name].value for name in INDICATORS),
                rate_formula(line.counts),
            ],
            percent_cols=percent,
        )
    _note(ws, row + 2, len(heads), msg.STATS_XLSX["ind_note"])
    _end(ws, row + 4, len(heads))


# --- Chart -------------------------------------------------------------------------------------------------
CHART_MAX_BARS = 20
_RESULT_SERIES = (
    ("successful", "#2e7d32"),
    ("unsuccessful", "#c62828"),
    ("pending", "#f9a825"),
    ("transferred", "#1565c0"),
    ("withdrawn", "#757575"),
)


def report_chart(report: Report) -> bytes:
    """PNG: results by field and by team (by commune for a province), stacked by result."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    x = msg.STATS_CHART
    fields = [(msg.STATS_FIELD_LABELS.get(code, code), c) for code, c in report.by_field.items()]
    if report.by_province is not None:
        groups = [(line.province.name, line.counts) for line in report.by_province]
        second_title = msg.NATIONAL_XLSX["chart_by_province"]
    elif report.by_commune is not None:
        groups = [(line.commune.name, line.counts) for line in report.by_commune]
        second_title = x["by_commune"]
    else:
        groups = [(line.team.name, line.counts) for line in report.by_team]
        second_title = x["by_team"]
    groups.sort(key=lambda item: -item[1].received)
    if len(groups) > CHART_MAX_BARS:
        rest = Counts()
        for _, c in groups[CHART_MAX_BARS - 1 :]:
            rest.add(c)
        groups = groups[: CHART_MAX_BARS - 1] + [
            (x["others"].format(n=len(groups) - CHART_MAX_BARS + 1), rest)
        ]
    height = 2.2 + 0.32 * (len(fields) + len(groups))
    fig = Figure(figsize=(8, max(height, 5)), dpi=100)
    axes = fig.subplots(2, 1, gridspec_kw={"height_ratios": [max(len(fields), 1), max(len(groups), 1)]})
    for ax, title, items in ((axes[0], x["by_field"], fields), (axes[1], second_title, groups)):
        labels = [_chart_text(_short(name)) for name, _ in items][::-1]
        left = [0] * len(items)
        for key, colour in _RESULT_SERIES:
            values = [getattr(c, key) for _, c in items][::-1]
            ax.barh(labels, values, left=left, color=colour, label=x["series"][key])
            left = [a + b for a, b in zip(left, values, strict=True)]
        ax.set_title(title, fontsize=11, loc="left")
        ax.tick_params(axis="y", labelsize=8)
        ax.xaxis.get_major_locator().set_params(integer=True)
        if not any(left):
            ax.text(0.5, 0.5, x["empty"], transform=ax.transAxes, ha="center", va="center", color="#757575")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncols=len(_RESULT_SERIES), fontsize=8, frameon=False)
    fig.suptitle(_chart_text(chart_title(report)), fontsize=12)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _chart_text(text: str) -> str:
    """Text drawn by matplotlib as written: a '$' would start mathtext (and an odd one breaks the chart)."""
    return text.replace("$", r"\$")


def chart_title(report: Report) -> str:
    """The chart's title: scope, period and the official rate with its formula."""
    return msg.STATS_CHART_TITLE.format(
        scope=scope_label(report.scope),
        period=period_label(report.period),
        rate=rate_with_formula(report.cases),
    )


def _short(name: str, limit: int = 28) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
