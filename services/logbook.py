"""The whole logbook (issue 17): Part II — the team leader's summary per mediator — and the printable book.

Part II counts, for a period (cases by date received, as every statistic), per mediator of each team: the
cases they took part in by field and by result, then the team's totals. A case with two mediators counts once
on each mediator's line but once only in the team's total; cases with no mediator recorded (imported paper
logbooks) get a line of their own, so the lines of a team always account for its total. The counts use
services.statistics Counts (one definition of received/successful/… and of the rates).

The printable book (`mediator-bot logbook`, and the same from the chat) is Part I — one row per case in the
paper column order (1)–(10) of services/logbook_template.py — and Part II, laid out by services/xlsx_layout.
The follow-up of agreements (answers, steps, actions and their messages) is services/agreements.py.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from services import case_form as form
from services.models import Team
from services.statistics import Counts, Period, Scope
from storage.logbook import ANSWERS, LogbookRepository
from storage.stats import StatsRepository
from vocabulary import messages as msg


@dataclass(slots=True)
class MediatorLine:
    person_id: int | None  # None: cases with no mediator recorded
    ref: str | None
    name: str
    role: str | None
    counts: Counts = field(default_factory=Counts)
    by_field: dict[str, int] = field(default_factory=lambda: dict.fromkeys(form.FIELDS, 0))

    def add(self, field_code: str, result: str, n: int) -> None:
        self.counts.add_result(result, n)
        self.by_field[field_code] = self.by_field.get(field_code, 0) + n


@dataclass(slots=True)
class TeamPart:
    team: Team
    lines: list[MediatorLine]
    total: MediatorLine


@dataclass(slots=True)
class MediatorSummary:
    scope: Scope
    period: Period
    teams: list[TeamPart]
    total: MediatorLine
    #: Successful cases of the period by what became of their agreement: done, ongoing, not_done, unknown.
    agreements: dict[str, int]

    def by_mediator_json(self) -> dict[str, Any]:
        """Person ref → name, role, teams, the counts (received, results, rates) and received by field."""
        people: dict[str, dict[str, Any]] = {}
        for part in self.teams:
            for line in part.lines:
                if line.person_id is None:
                    continue
                key = line.ref or f"id:{line.person_id}"
                entry = people.get(key)
                if entry is None:
                    entry = people[key] = {
                        "name": line.name,
                        "role": line.role,
                        "teams": [],
                        "_counts": Counts(),
                        "by_field": dict.fromkeys(form.FIELDS, 0),
                    }
                entry["teams"].append(part.team.code)
                entry["_counts"].add(line.counts)
                for code, n in line.by_field.items():
                    entry["by_field"][code] = entry["by_field"].get(code, 0) + n
        return {
            key: {
                "name": e["name"],
                "role": e["role"],
                "teams": e["teams"],
                **e.pop("_counts").as_json(),
                "by_field": e["by_field"],
            }
            for key, e in sorted(people.items())
        }

    def agreements_json(self) -> dict[str, Any]:
        return {
            "successful": sum(self.agreements.values()),
            **self.agreements,
            "definition": "successful cases received in the period, by the latest answer of their mediators "
            "about carrying out the agreement (Law 35/2013 Art. 26); unknown = not answered",
        }


def person_ref(person: dict) -> str | None:
    return person.get("external_ref") or None


async def mediator_summary(
    repo: LogbookRepository, stats: StatsRepository, scope: Scope, period: Period
) -> MediatorSummary:
    start, end = period.iso
    level, sid = scope.level, scope.id
    rows = await repo.mediator_results(level, sid, start, end)
    team_rows = await repo.team_field_results(level, sid, start, end)
    teams = [scope.team] if level == "team" and scope.team is not None else await stats.teams(level, sid)
    known = {t.id for t in teams}
    missing = sorted({r[0] for r in team_rows} - known)
    if missing:
        teams += await stats.teams_by_ids(missing)
    people = await repo.mediators(level, sid, sorted({r[1] for r in rows if r[1] is not None}))
    by_team: dict[int, dict[int | None, MediatorLine]] = {t.id: {} for t in teams}
    for person in people:
        if person["team_id"] in by_team and person["active"]:
            by_team[person["team_id"]][person["id"]] = MediatorLine(
                person["id"], person_ref(person), person["full_name"], person["role"]
            )
    names = {p["id"]: p for p in people}
    for team_id, person_id, field_code, result, n in rows:
        lines = by_team.setdefault(team_id, {})
        line = lines.get(person_id)
        if line is None:
            if person_id is None:
                line = MediatorLine(None, None, msg.LOGBOOK_NO_MEDIATOR, None)
            else:
                p = names.get(person_id, {"full_name": f"#{person_id}", "role": None})
                line = MediatorLine(person_id, person_ref(p), p["full_name"], p["role"])
            lines[person_id] = line
        line.add(field_code, result, n)
    totals: dict[int, MediatorLine] = {
        t.id: MediatorLine(None, None, msg.LOGBOOK_TEAM_TOTAL, None) for t in teams
    }
    grand = MediatorLine(None, None, msg.LOGBOOK_GRAND_TOTAL, None)
    for team_id, field_code, result, n in team_rows:
        totals[team_id].add(field_code, result, n)
        grand.add(field_code, result, n)

    def order(line: MediatorLine) -> tuple:
        return (line.person_id is None, line.role != "team_leader", line.name)

    parts = [
        TeamPart(t, sorted(by_team.get(t.id, {}).values(), key=order), totals[t.id])
        for t in sorted(teams, key=lambda t: t.code)
    ]
    agreements = await repo.agreement_answers(level, sid, start, end)
    return MediatorSummary(scope, period, parts, grand, agreements)


# --- renderings ---------------------------------------------------------------------------------------------
def _results_text(counts: Counts) -> str:
    parts = [
        f"{msg.LOGBOOK_RESULT_SHORT[key]} {getattr(counts, key)}"
        for key in ("successful", "unsuccessful", "pending", "transferred", "withdrawn")
        if getattr(counts, key)
    ]
    return msg.LOGBOOK_LINE_COUNTS.format(received=counts.received, results=", ".join(parts) or "—")


def summary_text(summary: MediatorSummary, limit: int = 3500) -> str:
    """Part II for the chat (phone-sized; cut with a pointer to the Excel file when too long)."""
    from services.stats_export import period_label, scope_label

    lines = [
        msg.LOGBOOK_SUMMARY_TITLE.format(
            scope=scope_label(summary.scope), period=period_label(summary.period)
        )
    ]
    for part in summary.teams:
        if not part.lines and not part.total.counts.received:
            continue
        lines.append("")
        lines.append(f"🏘 {part.team.name}")
        for line in part.lines:
            leader = msg.LOGBOOK_LEADER_MARK if line.role == "team_leader" else ""
            lines.append(f"• {line.name}{leader}: {_results_text(line.counts)}")
        lines.append(f"= {msg.LOGBOOK_TEAM_TOTAL}: {_results_text(part.total.counts)}")
    if len(summary.teams) > 1:
        lines += ["", f"Σ {msg.LOGBOOK_GRAND_TOTAL}: {_results_text(summary.total.counts)}"]
    lines.append(agreements_line(summary.agreements))
    lines.append(msg.LOGBOOK_SUMMARY_FOOTER)
    text = "\n".join(lines)
    if len(text) > limit:
        text = text[:limit].rsplit("\n", 1)[0] + "\n…\n" + msg.LOGBOOK_SUMMARY_CUT
    return text


def agreements_line(agreements: dict[str, int], plain: bool = False) -> str:
    """The follow-up of the period's successful agreements in one line (`plain`: without the emoji, for
    print)."""
    line = msg.LOGBOOK_AGREEMENTS_LINE.format(successful=sum(agreements.values()), **agreements)
    return line.split(" ", 1)[1] if plain else line


def part_two_values(summary: MediatorSummary) -> list[tuple[list[Any], str]]:
    """Rows of the Part II table: (values, style) with style 'team' (a team's heading), 'line', 'total',
    'grand'."""
    rows: list[tuple[list[Any], str]] = []
    number = 0
    for part in summary.teams:
        if len(summary.teams) > 1:
            rows.append(([None, part.team.name], "team"))
        for line in part.lines:
            if line.person_id is not None:
                number += 1
            rows.append(([number if line.person_id is not None else None, *_line_values(line)], "line"))
        rows.append(([None, *_line_values(part.total)], "total"))
    if len(summary.teams) > 1:
        rows.append(([None, *_line_values(summary.total)], "grand"))
    return rows


def _line_values(line: MediatorLine) -> list[Any]:
    from services.xlsx_layout import text

    name = line.name + (msg.LOGBOOK_LEADER_MARK if line.role == "team_leader" else "")
    c = line.counts
    return [
        text(name),
        c.received,
        *(line.by_field.get(code, 0) for code in form.FIELDS),
        c.successful,
        c.unsuccessful,
        c.pending,
        c.transferred,
        c.withdrawn,
        None,
    ]


def add_statistics_sheets(xlsx: bytes, summary: MediatorSummary, by_mediator: bool = True) -> bytes:
    """The statistics workbook with Part II ("Theo hòa giải viên") and the follow-up of agreements added."""
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    from services import logbook_template as layout
    from services.stats_export import period_label, scope_label
    from services.xlsx_layout import setup_print, signature_block, text

    wb = load_workbook(io.BytesIO(xlsx))
    if by_mediator:
        ws = wb.create_sheet(msg.LOGBOOK_SHEET_BY_MEDIATOR)
        ws.cell(row=1, column=1, value=msg.LOGBOOK_PART_TWO_TITLE).font = Font(bold=True, size=13)
        ws.cell(row=2, column=1, value=text(f"{scope_label(summary.scope)} — {period_label(summary.period)}"))
        first, last = layout.write_part_two_header(ws, 4)
        row = layout.write_part_two_rows(ws, last + 1, part_two_values(summary))
        ws.cell(row=row + 1, column=1, value=msg.LOGBOOK_PART_TWO_NOTE).font = Font(italic=True, size=9)
        signature_block(ws, row + 3, layout.PART_TWO_COLUMNS, first_col=2)  # column A: STT
        setup_print(ws, title_rows=(first, last))

    fu = wb.create_sheet(msg.LOGBOOK_SHEET_AGREEMENTS)
    fu.cell(row=1, column=1, value=msg.LOGBOOK_AGREEMENTS_TITLE).font = Font(bold=True, size=13)
    fu.cell(row=2, column=1, value=text(f"{scope_label(summary.scope)} — {period_label(summary.period)}"))
    heads = [msg.LOGBOOK_AGREEMENT_HEADS[k] for k in ("successful", *ANSWERS, "unknown")]
    values = [sum(summary.agreements.values()), *(summary.agreements[k] for k in (*ANSWERS, "unknown"))]
    layout.write_table(fu, 4, heads, [values], widths=[18] * len(heads))
    fu.cell(row=7, column=1, value=msg.LOGBOOK_AGREEMENTS_NOTE).font = Font(italic=True, size=9)
    signature_block(fu, 9, len(heads))
    setup_print(fu, title_rows=(4, 5))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- what the statistics report gets (kept here so that services/statistics.py stays untouched) -------------
#: Levels whose statistics workbook gets the "Theo hòa giải viên" sheet (a province's would run to tens of
#: thousands of lines; its JSON still has `by_mediator`).
SHEET_LEVELS = ("team", "commune")


def with_logbook_json(data: dict[str, Any], summary: MediatorSummary) -> dict[str, Any]:
    return {**data, "by_mediator": summary.by_mediator_json(), "agreements": summary.agreements_json()}


def with_logbook_text(text: str, summary: MediatorSummary | dict[str, int]) -> str:
    agreements = summary.agreements if isinstance(summary, MediatorSummary) else summary
    return f"{text}\n{agreements_line(agreements)}"


def with_logbook_sheets(xlsx: bytes, summary: MediatorSummary) -> bytes:
    return add_statistics_sheets(xlsx, summary, by_mediator=summary.scope.level in SHEET_LEVELS)


def vn_date(iso: str | None) -> str:
    return form.display_date(iso) if iso else ""


# --- the printable book -------------------------------------------------------------------------------------
def book_row(number: int, case: dict, *, parties_plain: str | None, invited_plain: str | None) -> list[Any]:
    """One Part I row, columns (1)–(10) in the paper order."""
    from services.xlsx_layout import text

    col3 = [
        msg.LOGBOOK_BOOK_MEDIATORS.format(names=", ".join(case["mediator_names"]) or msg.LOGBOOK_NOT_RECORDED)
    ]
    kinds = [form.INVITED_KINDS.get(k, k) for k in (case.get("invited_kinds") or "").split(",") if k]
    if kinds:
        col3.append(
            msg.LOGBOOK_BOOK_INVITED.format(
                kinds=", ".join(kinds), count=case.get("invited_count") or len(kinds)
            )
        )
        if invited_plain:
            col3.append(invited_plain)
    col4 = parties_plain or msg.LOGBOOK_BOOK_PARTIES.format(count=case["parties_count"])
    col5 = form.FIELDS.get(case["field"], case["field"])
    if case.get("summary"):
        col5 = f"{col5}: {case['summary']}"
    result = case["result"]
    notes = [msg.LOGBOOK_BOOK_NUMBER.format(number=case["number"])]
    if result not in ("thanh", "khong_thanh"):
        state = form.RESULTS.get(result, result)
        notes.append(state + (f" ({vn_date(case['closed_on'])})" if case.get("closed_on") else ""))
    elif case.get("closed_on"):
        notes.append(msg.LOGBOOK_BOOK_CLOSED.format(date=vn_date(case["closed_on"])))
    if case.get("written_record") is not None and result == "thanh":
        notes.append(
            msg.LOGBOOK_BOOK_RECORD[bool(case["written_record"])]
            + (msg.LOGBOOK_BOOK_PHOTO if case.get("record_photo") else "")
        )
    if case.get("court_recognition"):
        notes.append(msg.LOGBOOK_BOOK_COURT)
    if case.get("followup_answer"):
        notes.append(msg.LOGBOOK_BOOK_FOLLOWUP[case["followup_answer"]])
    if case.get("follows_number"):
        notes.append(msg.CASE_FOLLOWS.format(number=case["follows_number"]))
    if case.get("note"):
        notes.append(case["note"])
    return [
        number,
        vn_date(case["received_on"]),
        text("\n".join(col3)),
        text(col4),
        text(col5),
        text(case.get("agreement") or ""),
        "x" if result == "thanh" else None,
        "x" if result == "khong_thanh" else None,
        None,
        text("\n".join(notes)),
    ]


def build_book(
    *,
    team: Team,
    commune_name: str,
    province_name: str,
    period: Period,
    cases: list[dict],
    summary: MediatorSummary,
    decrypt=None,
    today: date | None = None,
) -> bytes:
    """The printable Sổ theo dõi of one team for a period: cover, Part I (one row per case, paper column
    order), Part II (per mediator, team total) with the team leader's signature, notes. `decrypt(token)` gives
    the plain party / invited names where the commune stores them (None: they are not printed)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side

    from services import logbook_template as layout
    from services.xlsx_layout import setup_print, signature_block, text

    wb = Workbook()
    start, end = period.start, period.end
    layout.write_cover(
        wb.active,
        [
            msg.LOGBOOK_COVER["province"].format(name=province_name),
            msg.LOGBOOK_COVER["commune"].format(name=commune_name),
            msg.LOGBOOK_COVER["village"],
            msg.LOGBOOK_COVER["team"].format(name=team.name, code=team.code),
            msg.LOGBOOK_COVER["book"],
            msg.LOGBOOK_COVER["opened"].format(d=start.day, m=start.month, y=start.year),
            msg.LOGBOOK_COVER["closed"].format(d=end.day, m=end.month, y=end.year),
        ],
    )
    wb.active["B30"] = msg.LOGBOOK_COVER["printed"].format(count=len(cases))
    wb.active["B30"].font = Font(italic=True, size=10)
    wb.active["B30"].alignment = Alignment(wrap_text=True)

    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    # Named styles: one style record shared by every cell (per-cell style objects cost seconds on a big book).
    for name, horizontal in (("book_left", "left"), ("book_center", "center")):
        wb.add_named_style(
            NamedStyle(
                name=name,
                border=box,
                alignment=Alignment(wrap_text=True, vertical="top", horizontal=horizontal),
            )
        )
    part1 = wb.create_sheet(msg.LOGBOOK_TEMPLATE["part_one_sheet"])
    part1["A1"] = msg.LOGBOOK_PART_ONE_TITLE.format(team=team.name)
    part1["A1"].font = Font(bold=True, size=14)
    part1["A2"] = msg.LOGBOOK_PERIOD.format(start=start.strftime("%d/%m/%Y"), end=end.strftime("%d/%m/%Y"))
    first, numbers = layout.write_part_one_header(part1, 3)
    row = numbers + 1
    for i, case in enumerate(cases, start=1):
        parties = decrypt(case["parties_encrypted"]) if decrypt and case.get("parties_encrypted") else None
        invited = (
            decrypt(case["invited_names_encrypted"])
            if decrypt and case.get("invited_names_encrypted")
            else None
        )
        values = book_row(i, case, parties_plain=parties, invited_plain=invited)
        for col, value in enumerate(values, start=1):
            part1.cell(row=row, column=col, value=value).style = (
                "book_center" if col in (1, 2, 7, 8) else "book_left"
            )
        # Spreadsheet programs do not grow rows for wrapped text on their own when printing: set the height.
        part1.row_dimensions[row].height = max(
            30,
            13 * max(_wrapped_lines(v, w) for v, (_, _, w) in zip(values, layout.PART_ONE, strict=True)) + 4,
        )
        row += 1
    if not cases:
        part1.cell(row=row, column=1, value=msg.LOGBOOK_NO_CASES).font = Font(italic=True)
    setup_print(part1, title_rows=(first, numbers))

    part2 = wb.create_sheet(msg.LOGBOOK_TEMPLATE["part_two_sheet"])
    part2["A1"] = msg.LOGBOOK_PART_TWO_TITLE
    part2["A1"].font = Font(bold=True, size=14)
    part2["A2"] = msg.LOGBOOK_PERIOD.format(start=start.strftime("%d/%m/%Y"), end=end.strftime("%d/%m/%Y"))
    first, last = layout.write_part_two_header(part2, 3)
    row = layout.write_part_two_rows(part2, last + 1, part_two_values(summary))
    part2.cell(row=row, column=1, value=text(agreements_line(summary.agreements, plain=True))).font = Font(
        italic=True
    )
    # One signer, on the right under the date (an empty first signer keeps the first column free).
    signature_block(
        part2,
        row + 2,
        layout.PART_TWO_COLUMNS,
        place=commune_name,
        day=today,
        signers=(("", ""), (msg.LOGBOOK_SIGNER, msg.LOGBOOK_SIGNER_HINT)),
    )
    setup_print(part2, title_rows=(first, last))

    notes = wb.create_sheet(msg.LOGBOOK_TEMPLATE["notes_sheet"])
    notes.column_dimensions["A"].width = 110
    notes["A1"] = msg.LOGBOOK_TEMPLATE["notes_title"]
    notes["A1"].font = Font(bold=True, size=14)
    for i, line in enumerate(layout.NOTES, start=3):
        notes.cell(row=i, column=1, value=f"{i - 2}. {line}").alignment = Alignment(
            wrap_text=True, vertical="top"
        )
    setup_print(notes, landscape=False)
    wb.properties.title = msg.LOGBOOK_TEMPLATE["file_title_team"].format(team=team.name)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _wrapped_lines(value: Any, width: float) -> int:
    """How many printed lines a wrapped cell of `width` characters takes (an estimate for the row height)."""
    if value is None or value == "":
        return 1
    per_line = max(1, int(width * 1.15))
    return sum(max(1, -(-len(part) // per_line)) for part in str(value).split("\n"))


class LogbookService:
    """Part II and the printable book for a scope the caller has already checked (statistics scopes)."""

    def __init__(self, repo: LogbookRepository, stats: StatsRepository, org, cases=None):
        self.repo = repo
        self.stats = stats
        self.org = org
        self.cases = cases  # the case service: its party-data cipher

    async def summary(self, scope: Scope, period: Period) -> MediatorSummary:
        return await mediator_summary(self.repo, self.stats, scope, period)

    async def agreements(self, scope: Scope, period: Period) -> dict[str, int]:
        """Only the follow-up counts of the period's successful cases (one query, any level)."""
        return await self.repo.agreement_answers(scope.level, scope.id, *period.iso)

    async def book_size(self, scope: Scope, period: Period) -> int:
        """How many cases the book of a team scope lists for the period."""
        if scope.level != "team" or scope.team is None:
            raise ValueError("the book is kept per team")
        return len(await self.repo.book_cases(scope.team.id, *period.iso))

    async def book(self, scope: Scope, period: Period, today: date | None = None) -> bytes:
        """The book of a team scope (`scope.level == 'team'`); the workbook is built in a worker thread, so a
        large book never holds up the chat."""
        if scope.level != "team" or scope.team is None:
            raise ValueError("the book is kept per team")
        start, end = period.iso
        cases = await self.repo.book_cases(scope.team.id, start, end)
        summary = await self.summary(scope, period)
        cipher = self.cases.cipher if self.cases is not None else None
        decrypt = None
        if scope.commune is not None and scope.commune.store_party_names and cipher and cipher.available:
            decrypt = cipher.decrypt  # None for a token it cannot read: not printed, never a crash
        return await asyncio.to_thread(
            build_book,
            team=scope.team,
            commune_name=scope.commune.name if scope.commune else "",
            province_name=scope.province.name,
            period=period,
            cases=cases,
            summary=summary,
            decrypt=decrypt,
            today=today,
        )
