"""/thongke: statistics of one's commune, team or province; chart and XLSX; the monthly summary (/bantin)."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, time
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
from bot.jobs import once_across_processes
from handlers.common import BotContext, clear_buttons, column, keyboard, reply, requires
from handlers.flows import register_flow
from handlers.menu import Capability, register_capability
from services.models import Role
from services.statistics import (
    Period,
    PeriodError,
    Report,
    Scope,
    ScopeDenied,
    parse_period_text,
    preset_period,
    previous_month,
)
from services.stats_export import period_label, report_chart, report_text, report_xlsx, scope_label

log = logging.getLogger(__name__)

PICK_PROVINCE, PICK_SCOPE, PICK_PERIOD, CUSTOM = range(4)
VIEWERS = (Role.COMMUNE_OFFICIAL, Role.TEAM_LEADER, Role.PROVINCE_OFFICIAL, Role.ADMIN)
LEVEL_CODES = {"t": "team", "c": "commune", "p": "province"}
LEVEL_LETTERS = {v: k for k, v in LEVEL_CODES.items()}
MAX_COMMUNE_BUTTONS = 40
#: The monthly summary goes out from the 1st; a bot that was down on the 1st catches up until this day.
SUMMARY_LAST_DAY = 3
SUMMARY_TIME = time(7, 30)

register_capability(Capability("thongke", msg.BTN_STATS, "thongke", msg.CMD_DESCRIPTIONS["thongke"],
                               frozenset(VIEWERS), order=70))
register_capability(Capability("bantin", msg.STATS_BTN_SUMMARY, "bantin", msg.CMD_DESCRIPTIONS["bantin"],
                               frozenset({Role.COMMUNE_OFFICIAL}), order=71))


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


def report_buttons(scope: Scope, period: Period, *, again: bool = True):
    ref = f"{LEVEL_LETTERS[scope.level]}:{scope.id}"
    dates = f"{_compact(period.start)}:{_compact(period.end)}"
    rows = [[(msg.STATS_BTN_CHART, f"st:g:{ref}:{dates}"), (msg.STATS_BTN_XLSX, f"st:x:{ref}:{dates}")]]
    if again:
        rows.append([(msg.STATS_BTN_OTHER_PERIOD, f"st:a:{ref}")])
    return rows


# --- the conversation ------------------------------------------------------------------------------------
@requires(*VIEWERS)
async def start(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    person = await context.person(update)
    context.user_data.pop("st", None)
    services = context.services
    if person.role == Role.ADMIN:
        provinces = await services.stats.provinces()
        if not provinces:
            await reply(update, msg.STATS_NO_SCOPE)
            return ConversationHandler.END
        if len(provinces) > 1:
            await reply(update, msg.STATS_PICK_PROVINCE,
                        column(((p.name, f"st:p:{p.id}") for p in provinces[:MAX_COMMUNE_BUTTONS]), nav=True))
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
    person = await context.person(update)
    try:
        province = await context.services.statistics.scope_for(person, "province", province_id)
    except ScopeDenied:
        await reply(update, msg.STATS_DENIED)
        return ConversationHandler.END
    communes = await context.services.org.communes_of_province(province_id)
    buttons = [(msg.STATS_WHOLE_PROVINCE.format(name=province.name), f"st:s:p:{province.id}")]
    if len(communes) <= MAX_COMMUNE_BUTTONS:
        buttons += [(c.name, f"st:s:c:{c.id}") for c in communes]
    await reply(update, msg.STATS_PICK_SCOPE, column(buttons, nav=True))
    return PICK_SCOPE


async def province_picked(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    province_id = _int(update.callback_query.data.rsplit(":", 1)[-1])
    return await _ask_scope_in_province(update, context, province_id or 0)


async def scope_picked(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    _, _, letter, raw_id = update.callback_query.data.split(":")
    scope = await _allowed_scope(update, context, letter, raw_id)
    if scope is None:
        return ConversationHandler.END
    return await _ask_period(update, context, scope)


async def again(update: Update, context: BotContext) -> int:
    """'Another period' under a report: the same scope, checked again."""
    _, _, letter, raw_id = update.callback_query.data.split(":")
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
    await reply(update, msg.STATS_PICK_PERIOD.format(scope=scope_label(scope)), keyboard([
        [(buttons["month"], "st:per:month"), (buttons["quarter"], "st:per:quarter")],
        [(buttons["half"], "st:per:half"), (buttons["year"], "st:per:year")],
        [(buttons["custom"], "st:per:custom")],
    ], nav=True))
    return PICK_PERIOD


async def _current_scope(update: Update, context: BotContext) -> Scope | None:
    state = context.user_data.get("st") or {}
    if not state.get("level") or not state.get("id"):
        await reply(update, msg.BUTTON_EXPIRED)
        return None
    return await _allowed_scope(update, context, LEVEL_LETTERS.get(state["level"], "?"), str(state["id"]))


async def period_picked(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    key = update.callback_query.data.rsplit(":", 1)[-1]
    if key == "custom":
        await reply(update, msg.STATS_ASK_CUSTOM, keyboard([], nav=True))
        return CUSTOM
    scope = await _current_scope(update, context)
    if scope is None:
        return ConversationHandler.END
    await _send_report(update, context, scope, preset_period(key, today(context)))
    return ConversationHandler.END


async def custom_typed(update: Update, context: BotContext) -> int:
    try:
        period = parse_period_text(update.message.text)
    except PeriodError as exc:
        await reply(update, msg.STATS_PERIOD_ERRORS[exc.reason], keyboard([], nav=True))
        return CUSTOM
    scope = await _current_scope(update, context)
    if scope is None:
        return ConversationHandler.END
    await _send_report(update, context, scope, period)
    return ConversationHandler.END


async def _send_report(update: Update, context: BotContext, scope: Scope, period: Period) -> None:
    context.user_data.pop("st", None)
    report = await context.services.statistics.report(scope, period)
    text = report_text(report)
    missing = [line.commune.name for line in report.by_commune or [] if not line.reported]
    if missing:  # a province official sees at once which communes to call
        text += "\n\n" + msg.STATS_MISSING_COMMUNES.format(communes=", ".join(missing))
    await reply(update, text, keyboard(report_buttons(scope, period)))


async def use_buttons(update: Update, context: BotContext) -> None:
    await reply(update, msg.USE_BUTTONS)


async def cancel(update: Update, context: BotContext) -> int:
    context.user_data.pop("st", None)
    await reply(update, msg.CANCELLED)
    return ConversationHandler.END


# --- chart and workbook (buttons under any report, also old ones) --------------------------------------------
async def _report_from_button(update: Update, context: BotContext) -> Report | None:
    parts = update.callback_query.data.split(":")
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
    return await context.services.statistics.report(scope, Period(start, end))


async def send_chart(update: Update, context: BotContext) -> None:
    report = await _report_from_button(update, context)
    if report is None:
        return
    await update.callback_query.answer()
    png = await asyncio.to_thread(report_chart, report)
    caption = msg.STATS_CHART_CAPTION.format(scope=scope_label(report.scope), period=period_label(report.period))
    await update.effective_chat.send_photo(png, filename="bieu-do-hoa-giai.png", caption=caption)


async def send_xlsx(update: Update, context: BotContext) -> None:
    report = await _report_from_button(update, context)
    if report is None:
        return
    await update.callback_query.answer()
    data = await asyncio.to_thread(report_xlsx, report)
    name = f"thong-ke-{report.scope.code}-{report.period.start.isoformat()}-{report.period.end.isoformat()}.xlsx"
    caption = msg.STATS_XLSX_CAPTION.format(scope=scope_label(report.scope), period=period_label(report.period))
    await update.effective_chat.send_document(data, filename=name, caption=caption)


# --- monthly summary ---------------------------------------------------------------------------------------
def _summary_toggle(opted_out: bool):
    return column([(msg.STATS_SUMMARY_ON_BUTTON, "st:on")] if opted_out
                  else [(msg.STATS_SUMMARY_OFF_BUTTON, "st:off")])


@requires(Role.COMMUNE_OFFICIAL)
async def summary_status(update: Update, context: BotContext) -> None:
    person = await context.person(update)
    opted_out = await context.services.stats.summary_opted_out(person.id)
    await reply(update, msg.STATS_SUMMARY_STATUS_OFF if opted_out else msg.STATS_SUMMARY_STATUS_ON,
                _summary_toggle(opted_out))


async def summary_toggle(update: Update, context: BotContext) -> None:
    await clear_buttons(update)
    person = await context.person(update)
    if person is None or person.role != Role.COMMUNE_OFFICIAL:
        await reply(update, msg.STATS_SUMMARY_ONLY_COMMUNE)
        return
    off = update.callback_query.data == "st:off"
    await context.services.stats.set_summary_opt_out(person.id, off)
    await reply(update, msg.STATS_SUMMARY_OFF if off else msg.STATS_SUMMARY_ON, _summary_toggle(off))


async def send_monthly_summaries(app: Application, day: date) -> int:
    """Send last month's summary to every commune official who has not opted out and has not had it yet.

    Runs daily; sends only on days 1–3 of a month (catching up if the bot was down on the 1st). Each send is
    recorded first (so a restart never sends twice) and the record is removed if the message could not go out.
    """
    if day.day > SUMMARY_LAST_DAY:
        return 0
    services = app.services  # type: ignore[attr-defined]
    period = previous_month(day)
    month = period.start.strftime("%Y-%m")
    sent = 0
    reports: dict[int, Report] = {}
    for person_id, commune_id, chat_id in await services.stats.summary_recipients(app.channel, month):
        if not await services.stats.claim_summary(person_id, month):
            continue
        try:
            if commune_id not in reports:
                scope = await services.statistics.scope("commune", commune_id)
                reports[commune_id] = await services.statistics.report(scope, period)
            report = reports[commune_id]
            rows = report_buttons(report.scope, period, again=False)
            rows.append([(msg.STATS_SUMMARY_OFF_BUTTON, "st:off")])
            await app.bot.send_message(chat_id=int(chat_id) if str(chat_id).isdigit() else chat_id, text=f"{msg.STATS_SUMMARY_TITLE}\n{report_text(report)}",
                                       reply_markup=keyboard(rows))
            sent += 1
        except Exception:
            log.warning("monthly summary to person %s not sent; will retry", person_id, exc_info=True)
            await services.stats.release_summary(person_id, month)
    if sent:
        log.info("monthly statistics summary %s sent to %d officials", month, sent)
    return sent


async def monthly_job(context: BotContext) -> None:
    await send_monthly_summaries(context.application, today(context.application))


def _int(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() else None


def register(app: Application) -> None:
    register_flow("stats", text_states={CUSTOM}, cancel=cancel, keys=["st"])
    text = filters.TEXT & ~filters.COMMAND
    app.add_handler(ConversationHandler(
        name="stats",
        persistent=True,
        entry_points=[CommandHandler("thongke", start), CallbackQueryHandler(start, pattern=r"^menu:thongke$"),
                      CallbackQueryHandler(again, pattern=r"^st:a:[tcp]:\d+$")],
        states={
            PICK_PROVINCE: [CallbackQueryHandler(province_picked, pattern=r"^st:p:\d+$")],
            PICK_SCOPE: [CallbackQueryHandler(scope_picked, pattern=r"^st:s:[tcp]:\d+$")],
            PICK_PERIOD: [CallbackQueryHandler(period_picked, pattern=r"^st:per:(month|quarter|half|year|custom)$")],
            CUSTOM: [MessageHandler(text, custom_typed)],
        },
        fallbacks=[CommandHandler(["huy", "cancel"], cancel), MessageHandler(text, use_buttons)],
        allow_reentry=True,
    ))
    app.add_handler(CallbackQueryHandler(send_chart, pattern=r"^st:g:"))
    app.add_handler(CallbackQueryHandler(send_xlsx, pattern=r"^st:x:"))
    app.add_handler(CallbackQueryHandler(summary_toggle, pattern=r"^st:(on|off)$"))
    app.add_handler(CommandHandler("bantin", summary_status))
    app.add_handler(CallbackQueryHandler(summary_status, pattern=r"^menu:bantin$"))
    if app.job_queue is not None:
        tz = ZoneInfo(app.services.config.timezone)  # type: ignore[attr-defined]
        job = once_across_processes("stats-monthly-summary", monthly_job)
        app.job_queue.run_daily(job, time=SUMMARY_TIME.replace(tzinfo=tz), name="stats-monthly-summary")
        app.job_queue.run_once(job, when=60, name="stats-monthly-summary-catch-up",
                               job_kwargs={"misfire_grace_time": None})
