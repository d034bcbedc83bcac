"""/thongke: statistics of one's commune, team or province; chart and XLSX; the monthly summary (/bantin)."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import messages as msg
from handlers.broadcast import register_markup
from handlers.common import (
    BotContext,
    chat_of,
    claim_text,
    clear_buttons,
    column,
    keyboard,
    reply,
    requires,
    tapped,
    tapped_data,
    text_for_another_flow,
    text_is_for,
    typed,
)
from handlers.flows import register_flow
from handlers.menu import Capability, register_capability
from services.jobs import SUMMARY
from services.logbook import agreements_line, summary_text, with_logbook_sheets
from services.models import Role
from services.statistics import (
    Counts,
    Period,
    PeriodError,
    Report,
    Scope,
    ScopeDenied,
    may_see,
    parse_period_text,
    preset_period,
    reporting_periods,
)
from services.stats_export import (
    chart_title,
    local_time,
    period_label,
    rate_with_formula,
    report_chart,
    report_text,
    report_xlsx,
    reporting_period_label,
    scope_label,
)
from services.submissions import DUE_DAYS, NotSubmitted, SubmitDenied, Unchanged, may_submit

log = logging.getLogger(__name__)

PICK_PROVINCE, PICK_SCOPE, PICK_PERIOD, CUSTOM = range(4)
VIEWERS = (
    Role.COMMUNE_OFFICIAL,
    Role.TEAM_LEADER,
    Role.PROVINCE_OFFICIAL,
    Role.ADMIN,
    Role.MINISTRY_OFFICIAL,
)
LEVEL_CODES = {"t": "team", "c": "commune", "p": "province", "n": "national"}
LEVEL_LETTERS = {v: k for k, v in LEVEL_CODES.items()}
MAX_COMMUNE_BUTTONS = 40

register_capability(
    Capability(
        "thongke", msg.BTN_STATS, "thongke", msg.CMD_DESCRIPTIONS["thongke"], frozenset(VIEWERS), order=70
    )
)
register_capability(
    Capability(
        "bantin",
        msg.STATS_BTN_SUMMARY,
        "bantin",
        msg.CMD_DESCRIPTIONS["bantin"],
        frozenset({Role.COMMUNE_OFFICIAL}),
        order=71,
    )
)


def today(context_or_app) -> date:
    app = getattr(context_or_app, "application", context_or_app)
    return datetime.now(ZoneInfo(app.services.config.timezone)).date()


def _compact(day: date) -> str:
    return day.strftime("%Y%m%d")


def _from_compact(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


#: Who sees Part II of the logbook and prints the book from the chat (issue 17), and for which scopes.
LOGBOOK_VIEWERS = (Role.TEAM_LEADER, Role.COMMUNE_OFFICIAL, Role.ADMIN)
LOGBOOK_LEVELS = ("team", "commune")


def logbook_buttons(scope: Scope, period: Period) -> list[tuple[str, str]]:
    ref = f"{LEVEL_LETTERS[scope.level]}:{scope.id}"
    dates = f"{_compact(period.start)}:{_compact(period.end)}"
    return [
        (msg.LOGBOOK_BTN_BY_MEDIATOR, f"st:m:{ref}:{dates}"),
        (msg.LOGBOOK_BTN_BOOK, f"st:b:{ref}:{dates}"),
    ]


def figure_buttons(
    level: str, scope_id: int, period: Period, submitted: bool = False
) -> list[tuple[str, str]]:
    """The chart and the workbook of a scope's period (live or as submitted)."""
    ref = f"{LEVEL_LETTERS[level]}:{scope_id}"
    dates = f"{_compact(period.start)}:{_compact(period.end)}"
    xlsx = f"st:xs:{ref}:{dates}" if submitted else f"st:x:{ref}:{dates}"
    return [(msg.STATS_BTN_CHART, f"st:g:{ref}:{dates}"), (msg.STATS_BTN_XLSX, xlsx)]


def report_buttons(
    scope: Scope,
    period: Period,
    *,
    again: bool = True,
    person=None,
    submitted: bool = False,
    next_revision: int | None = 1,
):
    """Chart and workbook; the submit button for a commune official of that commune (none when `next_revision`
    is None: nothing changed since the latest submission); for a province or the
    country, the switch between live and submitted figures and the submission status."""
    ref = f"{LEVEL_LETTERS[scope.level]}:{scope.id}"
    dates = f"{_compact(period.start)}:{_compact(period.end)}"
    rows = [figure_buttons(scope.level, scope.id, period, submitted)]
    if (
        person is not None
        and scope.commune is not None
        and scope.level == "commune"
        and next_revision is not None
        and may_submit(person, scope.commune)
    ):
        label = msg.SUBMIT_BTN if next_revision == 1 else msg.SUBMIT_BTN_REVISE.format(revision=next_revision)
        rows.append([(label, f"st:c:c:{scope.id}:{dates}")])
    if scope.level in ("province", "national"):
        rows.append(
            [
                (msg.SUBMIT_BTN_LIVE, f"st:lv:{ref}:{dates}")
                if submitted
                else (msg.SUBMIT_BTN_SUBMITTED, f"st:ss:{ref}:{dates}")
            ]
        )
    if scope.level == "province":
        rows.append([(msg.SUBMIT_BTN_STATUS, f"st:stat:p:{scope.id}:{dates}")])
    if again:
        rows.append([(msg.STATS_BTN_OTHER_PERIOD, f"st:a:{ref}")])
    return rows


# --- the conversation ------------------------------------------------------------------------------------
@requires(*VIEWERS)
async def start(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    person = await context.registered(update)
    context.user_data.pop("st", None)
    services = context.services
    if person.role in (Role.ADMIN, Role.MINISTRY_OFFICIAL):
        provinces = await services.directory.provinces()
        if not provinces:
            await reply(update, msg.STATS_NO_SCOPE)
            return ConversationHandler.END
        if len(provinces) > 1 or person.role == Role.MINISTRY_OFFICIAL:  # the country, or one province
            await reply(
                update,
                msg.STATS_PICK_PROVINCE,
                column(
                    [(msg.SUBMIT_WHOLE_COUNTRY, "st:s:n:0")]
                    + [(p.name, f"st:p:{p.id}") for p in provinces[:MAX_COMMUNE_BUTTONS]],
                    nav=True,
                ),
            )
            return PICK_PROVINCE
        return await _ask_scope_in_province(update, context, provinces[0].id)
    if person.role == Role.PROVINCE_OFFICIAL and person.province_id:
        return await _ask_scope_in_province(update, context, person.province_id)
    scope = await services.statistics.default_scope(person)
    if scope is None:
        await reply(update, msg.STATS_NO_SCOPE)
        return ConversationHandler.END
    return await _ask_period(update, context, scope)


async def _ask_scope_in_province(update: Update, context: BotContext, province_id: int) -> int:
    person = await context.registered(update)
    try:
        province = await context.services.statistics.scope_for(person, "province", province_id)
    except ScopeDenied:
        await reply(update, msg.STATS_DENIED)
        return ConversationHandler.END
    communes = await context.services.directory.communes_of_province(province_id)
    buttons = [(msg.STATS_WHOLE_PROVINCE.format(name=province.name), f"st:s:p:{province.id}")]
    if len(communes) <= MAX_COMMUNE_BUTTONS:
        buttons += [(c.name, f"st:s:c:{c.id}") for c in communes]
    await reply(update, msg.STATS_PICK_SCOPE, column(buttons, nav=True))
    return PICK_SCOPE


async def province_picked(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    province_id = _int(tapped_data(update).rsplit(":", 1)[-1])
    return await _ask_scope_in_province(update, context, province_id or 0)


async def scope_picked(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    _, _, letter, raw_id = tapped_data(update).split(":")
    scope = await _allowed_scope(update, context, letter, raw_id)
    if scope is None:
        return ConversationHandler.END
    return await _ask_period(update, context, scope)


async def again(update: Update, context: BotContext) -> int:
    """'Another period' under a report: the same scope, checked again."""
    _, _, letter, raw_id = tapped_data(update).split(":")
    scope = await _allowed_scope(update, context, letter, raw_id)
    if scope is None:
        return ConversationHandler.END
    return await _ask_period(update, context, scope)


async def _allowed_scope(update: Update, context: BotContext, letter: str, raw_id: str) -> Scope | None:
    """The scope named by (possibly forged) callback data, if the person may see it; else tells them."""
    person = await context.person(update)
    if person is None:
        await reply(update, msg.NEED_REGISTRATION)
        return None
    if person.role not in VIEWERS:
        await reply(update, msg.NOT_ALLOWED.format(role=msg.ROLE_NAMES[person.role]))
        return None
    level, scope_id = LEVEL_CODES.get(letter), _int(raw_id)
    if level is None or scope_id is None:
        await reply(update, msg.BUTTON_EXPIRED)
        return None
    try:
        return await context.services.statistics.scope_for(person, level, scope_id)
    except ScopeDenied:
        log.warning("statistics scope refused: person %s asked for %s %s", person.id, level, scope_id)
        await reply(update, msg.STATS_DENIED)
        return None


async def _ask_period(update: Update, context: BotContext, scope: Scope) -> int:
    context.user_data["st"] = {"level": scope.level, "id": scope.id}
    buttons = msg.STATS_PERIOD_BUTTONS
    official = [
        [(reporting_period_label(key, period), f"st:per:{key}")]
        for key, period in reporting_periods(today(context))
    ]
    await reply(
        update,
        msg.STATS_PICK_PERIOD.format(scope=scope_label(scope)),
        keyboard(
            [
                *official,
                [(buttons["month"], "st:per:month"), (buttons["quarter"], "st:per:quarter")],
                [(buttons["half"], "st:per:half"), (buttons["year"], "st:per:year")],
                [(buttons["custom"], "st:per:custom")],
            ],
            nav=True,
        ),
    )
    return PICK_PERIOD


async def _current_scope(update: Update, context: BotContext) -> Scope | None:
    state = context.user_data.get("st") or {}
    if not state.get("level") or state.get("id") is None:  # the national scope's id is 0
        await reply(update, msg.BUTTON_EXPIRED)
        return None
    return await _allowed_scope(update, context, LEVEL_LETTERS.get(state["level"], "?"), str(state["id"]))


async def period_picked(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    key = tapped_data(update).rsplit(":", 1)[-1]
    if key == "custom":
        await claim_text(update, context, "stats")
        await reply(update, msg.STATS_ASK_CUSTOM, keyboard([], nav=True))
        return CUSTOM
    scope = await _current_scope(update, context)
    if scope is None:
        return ConversationHandler.END
    official = dict(reporting_periods(today(context)))
    period = official[key] if key in official else preset_period(key, today(context))
    await _send_report(update, context, scope, period)
    return ConversationHandler.END


async def custom_typed(update: Update, context: BotContext) -> int:
    if not await text_is_for(update, context, "stats"):
        return await text_for_another_flow(update, context)
    try:
        period = parse_period_text(typed(update))
    except PeriodError as exc:
        await reply(update, msg.STATS_PERIOD_ERRORS[exc.reason], keyboard([], nav=True))
        return CUSTOM
    scope = await _current_scope(update, context)
    if scope is None:
        return ConversationHandler.END
    await _send_report(update, context, scope, period)
    return ConversationHandler.END


async def live_report(services, scope: Scope, period: Period) -> Report:
    if scope.level == "national":
        return await services.national.report(period)
    return await services.statistics.report(scope, period)


async def _send_report(update: Update, context: BotContext, scope: Scope, period: Period) -> None:
    context.user_data.pop("st", None)
    person = await context.person(update)
    report = await live_report(context.services, scope, period)
    text = report_text(report)
    missing = [line.commune.name for line in report.by_commune or [] if not line.reported]
    if missing:  # a province official sees at once which communes to call
        text += "\n\n" + msg.STATS_MISSING_COMMUNES.format(communes=", ".join(missing))
    if scope.level != "national":
        # the follow-up of the period's successful agreements (issue 17), one query at any level
        text += "\n" + agreements_line(await context.services.logbook.agreements(scope, period))
    next_revision: int | None = 1
    if scope.level == "commune":
        note, next_revision = await submission_note(context.services, scope, period)
        text += "\n\n" + note
    rows = report_buttons(scope, period, person=person, next_revision=next_revision)
    if person is not None and person.role in LOGBOOK_VIEWERS and scope.level in LOGBOOK_LEVELS:
        rows.insert(1, logbook_buttons(scope, period))
    await reply(update, text, keyboard(rows))


async def use_buttons(update: Update, context: BotContext) -> None:
    await reply(update, msg.USE_BUTTONS)


async def cancel(update: Update, context: BotContext) -> int:
    context.user_data.pop("st", None)
    await reply(update, msg.CANCELLED)
    return ConversationHandler.END


# --- chart and workbook (buttons under any report, also old ones) -------------------------------------------
async def _scope_period_from_button(
    update: Update, context: BotContext, data: str | None = None
) -> tuple[Scope, Period] | None:
    """st:<verb>:<level letter>:<id>:<start>:<end>, the scope checked again on the server."""
    parts = (data or tapped_data(update)).split(":")
    if len(parts) != 6:
        await reply(update, msg.BUTTON_EXPIRED)
        return None
    start, end = _from_compact(parts[4]), _from_compact(parts[5])
    if start is None or end is None or start > end:
        await reply(update, msg.BUTTON_EXPIRED)
        return None
    scope = await _allowed_scope(update, context, parts[2], parts[3])
    if scope is None:
        return None
    return scope, Period(start, end)


async def _report_from_button(update: Update, context: BotContext) -> Report | None:
    found = await _scope_period_from_button(update, context)
    if found is None:
        return None
    scope, period = found
    if tapped_data(update).startswith("st:xs:"):
        return await submitted_report(update, context, scope, period)
    return await live_report(context.services, scope, period)


async def send_chart(update: Update, context: BotContext) -> None:
    report = await _report_from_button(update, context)
    if report is None:
        return
    await tapped(update).answer()
    png = await asyncio.to_thread(report_chart, report)
    caption = chart_title(report)
    await chat_of(update).send_photo(png, filename="bieu-do-hoa-giai.png", caption=caption)


async def send_xlsx(update: Update, context: BotContext) -> None:
    report = await _report_from_button(update, context)
    if report is None:
        return
    await tapped(update).answer()
    data = await asyncio.to_thread(report_xlsx, report)
    if report.source != "submitted" and report.scope.level != "national":
        summary = await context.services.logbook.summary(report.scope, report.period)
        data = await asyncio.to_thread(with_logbook_sheets, data, summary)
    kind = "da-chot" if report.source == "submitted" else "thong-ke"
    name = (
        f"{kind}-{report.scope.code}-{report.period.start.isoformat()}-{report.period.end.isoformat()}.xlsx"
    )
    caption = msg.STATS_XLSX_CAPTION.format(
        scope=scope_label(report.scope), period=period_label(report.period)
    )
    await chat_of(update).send_document(data, filename=name, caption=caption)


# --- submitted reports (chốt số liệu) ----------------------------------------------------------------------
CHANGES_SHOWN = 8


async def submission_note(services, scope: Scope, period: Period) -> tuple[str, int | None]:
    """Under a commune's report: not submitted yet, or submitted (revision, when) and the cases changed since;
    with the revision a submit would make (None: nothing changed, nothing to revise)."""
    latest, changes = await services.submissions.changes(scope, period)
    if latest is None:
        return msg.SUBMIT_NOTE_NONE, 1
    lines = [msg.SUBMIT_NOTE_DONE.format(revision=latest.revision, at=local_time(latest.submitted_at))]
    if changes:
        lines.append(msg.SUBMIT_NOTE_CHANGED.format(n=len(changes)))
        lines += [change_line(c) for c in changes[:CHANGES_SHOWN]]
        if len(changes) > CHANGES_SHOWN:
            lines.append(msg.SUBMIT_NOTE_MORE.format(n=len(changes) - CHANGES_SHOWN))
    elif await services.submissions.unchanged(scope, period):
        lines.append(msg.SUBMIT_NOTE_UNCHANGED)
        return "\n".join(lines), None
    else:
        lines.append(msg.SUBMIT_NOTE_ORGANISATION)
    lines.append(msg.SUBMIT_NOTE_REVISE)
    return "\n".join(lines), latest.revision + 1


def unchanged_text(latest) -> str:
    return msg.SUBMIT_UNCHANGED.format(
        revision=latest.revision, at=local_time(latest.submitted_at), cases=latest.cases_count
    )


def change_line(change) -> str:
    case = change.after or change.before
    number = change.after.number if change.after and change.after.number else f"#{change.case_id}"
    if change.kind == "new":
        return msg.SUBMIT_CHANGE_NEW.format(
            number=number,
            received=_vn(case.received_on),
            result=msg.STATS_RESULT_LABELS.get(case.result, case.result),
        )
    if change.kind == "removed":
        return msg.SUBMIT_CHANGE_REMOVED.format(number=number)
    before, after = change.before, change.after
    what = []
    if before.result != after.result:
        what.append(
            msg.SUBMIT_CHANGE_RESULT.format(
                before=msg.STATS_RESULT_LABELS.get(before.result, before.result),
                after=msg.STATS_RESULT_LABELS.get(after.result, after.result),
            )
        )
    if before.field != after.field:
        what.append(
            msg.SUBMIT_CHANGE_FIELD.format(
                before=msg.STATS_FIELD_LABELS.get(before.field, before.field),
                after=msg.STATS_FIELD_LABELS.get(after.field, after.field),
            )
        )
    if before.team_id != after.team_id:
        what.append(msg.SUBMIT_CHANGE_TEAM)
    if before.received_on != after.received_on:
        what.append(
            msg.SUBMIT_CHANGE_DATE.format(before=_vn(before.received_on), after=_vn(after.received_on))
        )
    return msg.SUBMIT_CHANGE_CHANGED.format(number=number, what="; ".join(what))


def _vn(iso: str) -> str:
    try:
        return date.fromisoformat(iso).strftime("%d/%m/%Y")
    except ValueError:
        return iso


async def ask_submit(update: Update, context: BotContext) -> None:
    """'Chốt số liệu' under a commune's report: the figures to be frozen, and a confirmation."""
    found = await _scope_period_from_button(update, context)
    if found is None:
        return
    scope, period = found
    person = await context.registered(update)
    if scope.level != "commune" or scope.commune is None or not may_submit(person, scope.commune):
        await reply(update, msg.SUBMIT_DENIED)
        return
    await clear_buttons(update)
    same = await context.services.submissions.unchanged(scope, period)
    if same is not None:  # nothing to revise: said, not asked
        await reply(update, unchanged_text(same), keyboard(report_buttons(scope, period, again=False)))
        return
    report = await context.services.statistics.report(scope, period)
    latest = await context.services.submissions.latest(scope, period)
    revision = (latest.revision if latest else 0) + 1
    dates = f"{_compact(period.start)}:{_compact(period.end)}"
    await reply(
        update,
        msg.SUBMIT_CONFIRM.format(
            scope=scope_label(scope),
            period=period_label(period),
            revision=revision,
            received=report.cases.received,
            rate=rate_with_formula(report.cases),
        ),
        keyboard(
            [
                [(msg.SUBMIT_BTN_CONFIRM, f"st:cy:c:{scope.id}:{dates}:{revision}")],
                [(msg.SUBMIT_BTN_CANCEL, "st:cn")],
            ]
        ),
    )


async def confirm_submit(update: Update, context: BotContext) -> None:
    data = tapped_data(update)
    parts = data.split(":")
    expected = _int(parts[-1]) if len(parts) == 7 else None
    found = await _scope_period_from_button(update, context, ":".join(parts[:6]))  # checked as any button
    if found is None or expected is None:
        if found is not None:
            await reply(update, msg.BUTTON_EXPIRED)
        return
    scope, period = found
    person = await context.person(update)
    await clear_buttons(update)
    latest = await context.services.submissions.latest(scope, period)
    if (
        latest.revision if latest else 0
    ) + 1 != expected:  # a second tap, or someone else submitted meanwhile
        await reply(update, msg.SUBMIT_ALREADY.format(revision=latest.revision if latest else 0))
        return
    try:
        submission = await context.services.submissions.submit(person, scope, period)
    except SubmitDenied:
        log.warning("submission refused: person %s, commune %s", person.id if person else None, scope.id)
        await reply(update, msg.SUBMIT_DENIED)
        return
    except Unchanged as same:
        await reply(update, unchanged_text(same.latest), keyboard(report_buttons(scope, period, again=False)))
        return
    frozen = submission.report["cases"]
    await reply(
        update,
        msg.SUBMIT_DONE.format(
            scope=scope_label(scope),
            period=period_label(period),
            revision=submission.revision,
            received=frozen["received"],
            cases=submission.cases_count,
            rate=rate_with_formula(Counts.from_json(frozen)),
        ),
        keyboard(report_buttons(scope, period, again=False)),
    )


async def cancel_submit(update: Update, context: BotContext) -> None:
    await clear_buttons(update)
    await reply(update, msg.SUBMIT_CANCELLED)


async def submitted_report(
    update: Update, context: BotContext, scope: Scope, period: Period
) -> Report | None:
    services = context.services
    try:
        if scope.level == "national":
            return await services.national.report(period, submitted=True)
        if scope.level == "province":
            return await services.submissions.submitted_province_report(scope, period)
        if scope.level == "commune":
            return await services.submissions.submitted_commune_report(scope, period)
    except NotSubmitted:
        await reply(update, msg.SUBMIT_NOTE_NONE)
        return None
    await reply(update, msg.BUTTON_EXPIRED)
    return None


async def show_submitted(update: Update, context: BotContext) -> None:
    """Switch a province or national report between submitted and live figures."""
    found = await _scope_period_from_button(update, context)
    if found is None:
        return
    scope, period = found
    submitted = tapped_data(update).startswith("st:ss:")
    report = (
        await submitted_report(update, context, scope, period)
        if submitted
        else await live_report(context.services, scope, period)
    )
    if report is None:
        return
    await clear_buttons(update)
    await reply(update, report_text(report), keyboard(report_buttons(scope, period, submitted=submitted)))


async def show_status(update: Update, context: BotContext) -> None:
    """Which communes of the province have submitted the period's report, which are late, which revised."""
    found = await _scope_period_from_button(update, context)
    if found is None:
        return
    scope, period = found
    if scope.level != "province":
        await reply(update, msg.BUTTON_EXPIRED)
        return
    statuses = await context.services.submissions.province_status(scope.id, period, today(context))
    done = [s for s in statuses if s.latest is not None]
    lines = [
        msg.SUBMIT_STATUS_TITLE.format(
            scope=scope_label(scope),
            period=period_label(period),
            submitted=len(done),
            communes=len(statuses),
            late=sum(1 for s in statuses if s.late and s.latest is None),
            revised=sum(1 for s in done if s.revised),
            due=DUE_DAYS,
        )
    ]
    for s in sorted(statuses, key=lambda s: (s.latest is not None, not s.late, s.commune.name))[
        :MAX_COMMUNE_BUTTONS
    ]:
        if s.latest is None:
            lines.append(
                (msg.SUBMIT_STATUS_LATE if s.late else msg.SUBMIT_STATUS_MISSING).format(name=s.commune.name)
            )
        else:
            lines.append(
                msg.SUBMIT_STATUS_DONE.format(
                    name=s.commune.name,
                    revision=s.latest.revision,
                    at=local_time(s.latest.submitted_at),
                    late=msg.SUBMIT_STATUS_LATE_MARK if s.late else "",
                    revised=msg.SUBMIT_STATUS_REVISED_MARK if s.revised else "",
                )
            )
    if len(statuses) > MAX_COMMUNE_BUTTONS:
        lines.append(msg.SUBMIT_NOTE_MORE.format(n=len(statuses) - MAX_COMMUNE_BUTTONS))
    await tapped(update).answer()
    await reply(update, "\n".join(lines))


# --- Part II and the printable book (issue 17) --------------------------------------------------------------
async def _logbook_scope(update: Update, context: BotContext) -> tuple[Scope, Period] | None:
    """Scope and period of a Part II / book button, checked again: the person's role and scope, never the
    ids."""
    parts = tapped_data(update).split(":")
    person = await context.person(update)
    if person is None or person.role not in LOGBOOK_VIEWERS:
        await reply(update, msg.LOGBOOK_DENIED)
        return None
    if len(parts) != 6 or LEVEL_CODES.get(parts[2]) not in LOGBOOK_LEVELS:
        await reply(update, msg.BUTTON_EXPIRED)
        return None
    start, end = _from_compact(parts[4]), _from_compact(parts[5])
    level, scope_id = LEVEL_CODES[parts[2]], _int(parts[3])
    scope = await context.services.statistics.scope(level, scope_id) if scope_id else None
    if start is None or end is None or start > end or scope is None:
        await reply(update, msg.BUTTON_EXPIRED)
        return None
    commune_id = scope.commune.id if scope.commune else None
    # A commune official also keeps the book of each team of their commune.
    own_team = (
        person.role == Role.COMMUNE_OFFICIAL
        and level == "team"
        and person.active
        and commune_id is not None
        and commune_id == person.commune_id
    )
    if not own_team and not may_see(
        person, level, scope.id, province_id=scope.province.id, commune_id=commune_id
    ):
        log.warning("logbook scope refused: person %s asked for %s %s", person.id, level, scope_id)
        await reply(update, msg.STATS_DENIED)
        return None
    return scope, Period(start, end)


async def send_by_mediator(update: Update, context: BotContext) -> None:
    found = await _logbook_scope(update, context)
    if found is None:
        return
    await tapped(update).answer()
    summary = await context.services.logbook.summary(*found)
    await reply(update, summary_text(summary))


async def send_book(update: Update, context: BotContext) -> None:
    """The printable book of a team; for a commune, first the team (the book is kept per team)."""
    found = await _logbook_scope(update, context)
    if found is None:
        return
    scope, period = found
    await tapped(update).answer()
    if scope.level == "commune":
        teams = await context.services.directory.teams_of_commune(scope.id)
        dates = f"{_compact(period.start)}:{_compact(period.end)}"
        await reply(update, msg.LOGBOOK_PICK_TEAM, column((t.name, f"st:b:t:{t.id}:{dates}") for t in teams))
        return
    data = await context.services.logbook.book(scope, period, today=today(context))
    name = f"so-theo-doi-{scope.code}-{period.start.isoformat()}-{period.end.isoformat()}.xlsx"
    caption = msg.LOGBOOK_BOOK_CAPTION.format(scope=scope_label(scope), period=period_label(period))
    await chat_of(update).send_document(data, filename=name, caption=caption)


# --- monthly summary (queued by the daily job, services/jobs.py; scheduled in bot/jobs.py) ------------------
def _summary_toggle(opted_out: bool):
    return column(
        [(msg.STATS_SUMMARY_ON_BUTTON, "st:on")] if opted_out else [(msg.STATS_SUMMARY_OFF_BUTTON, "st:off")]
    )


def render_summary(report: Report) -> str:
    """The text of the monthly summary (stored with its outbox row when the job queues it)."""
    return f"{msg.STATS_SUMMARY_TITLE}\n{report_text(report)}"


def _markup_summary(broadcast: dict):
    """Under the summary: the chart and the workbook of the commune's month, and turning the summary off."""
    scope = broadcast["scope"]
    period = Period(date.fromisoformat(scope["start"]), date.fromisoformat(scope["end"]))
    return keyboard(
        [figure_buttons("commune", scope["communes"][0], period), [(msg.STATS_SUMMARY_OFF_BUTTON, "st:off")]]
    )


register_markup(SUMMARY, _markup_summary)


@requires(Role.COMMUNE_OFFICIAL)
async def summary_status(update: Update, context: BotContext) -> None:
    person = await context.registered(update)
    opted_out = await context.services.summaries.opted_out(person)
    await reply(
        update,
        msg.STATS_SUMMARY_STATUS_OFF if opted_out else msg.STATS_SUMMARY_STATUS_ON,
        _summary_toggle(opted_out),
    )


async def summary_toggle(update: Update, context: BotContext) -> None:
    await clear_buttons(update)
    person = await context.person(update)
    off = tapped_data(update) == "st:off"
    try:
        await context.services.summaries.set_opt_out(person, off)
    except ScopeDenied:
        await reply(update, msg.STATS_SUMMARY_ONLY_COMMUNE)
        return
    await reply(update, msg.STATS_SUMMARY_OFF if off else msg.STATS_SUMMARY_ON, _summary_toggle(off))


def _int(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() else None


def register(app: Application) -> None:
    register_flow("stats", text_states={CUSTOM}, cancel=cancel, keys=["st"])
    text = filters.TEXT & ~filters.COMMAND
    app.add_handler(
        ConversationHandler(
            name="stats",
            persistent=True,
            entry_points=[
                CommandHandler("thongke", start),
                CallbackQueryHandler(start, pattern=r"^menu:thongke$"),
                CallbackQueryHandler(again, pattern=r"^st:a:[tcpn]:\d+$"),
            ],
            states={
                PICK_PROVINCE: [
                    CallbackQueryHandler(province_picked, pattern=r"^st:p:\d+$"),
                    CallbackQueryHandler(scope_picked, pattern=r"^st:s:n:0$"),
                ],
                PICK_SCOPE: [CallbackQueryHandler(scope_picked, pattern=r"^st:s:[tcpn]:\d+$")],
                PICK_PERIOD: [
                    CallbackQueryHandler(
                        period_picked, pattern=r"^st:per:(month|quarter|half|year|custom|h6|h6a|y|yp)$"
                    )
                ],
                CUSTOM: [MessageHandler(text, custom_typed)],
            },
            fallbacks=[CommandHandler(["huy", "cancel"], cancel), MessageHandler(text, use_buttons)],
            allow_reentry=True,
        )
    )
    app.add_handler(CallbackQueryHandler(send_chart, pattern=r"^st:g:"))
    app.add_handler(CallbackQueryHandler(send_xlsx, pattern=r"^st:xs?:"))
    app.add_handler(CallbackQueryHandler(ask_submit, pattern=r"^st:c:"))
    app.add_handler(CallbackQueryHandler(confirm_submit, pattern=r"^st:cy:"))
    app.add_handler(CallbackQueryHandler(cancel_submit, pattern=r"^st:cn$"))
    app.add_handler(CallbackQueryHandler(show_submitted, pattern=r"^st:(ss|lv):"))
    app.add_handler(CallbackQueryHandler(show_status, pattern=r"^st:stat:"))
    app.add_handler(CallbackQueryHandler(send_by_mediator, pattern=r"^st:m:"))
    app.add_handler(CallbackQueryHandler(send_book, pattern=r"^st:b:"))
    app.add_handler(CallbackQueryHandler(summary_toggle, pattern=r"^st:(on|off)$"))
    app.add_handler(CommandHandler("bantin", summary_status))
    app.add_handler(CallbackQueryHandler(summary_status, pattern=r"^menu:bantin$"))
