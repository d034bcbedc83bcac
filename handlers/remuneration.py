"""/thulao: the remuneration list of a commune (summary, XLSX, draw up, exclude a case, mark paid), the totals
by commune for a province official; /thulaocuatoi: a mediator's own cases, their share and whether paid.

Buttons carry the period (tl:v:YYYYMMDD:YYYYMMDD…); every tap is checked again by the service (PayDenied)."""

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
from handlers.common import (
    BotContext,
    chat_of,
    clear_buttons,
    column,
    existing,
    keyboard,
    reply,
    requires,
    tapped,
    tapped_data,
    typed,
)
from handlers.menu import Capability, register_capability
from services.models import Role
from services.pay_lists import EARNERS, AlreadyExcluded, PayConflict, PayDenied, PayInputError
from services.remuneration import vnd
from services.remuneration_export import pay_list_xlsx, pay_summary
from services.statistics import Period, preset_period, previous_month

log = logging.getLogger(__name__)

ASK_CASE, ASK_REASON = range(2)
OFFICIALS = (Role.COMMUNE_OFFICIAL, Role.PROVINCE_OFFICIAL)

register_capability(
    Capability(
        "thulao", msg.PAY_BTN_MENU, "thulao", msg.CMD_DESCRIPTIONS["thulao"], frozenset(OFFICIALS), order=72
    )
)
register_capability(
    Capability(
        "thulaocuatoi",
        msg.PAY_BTN_MINE,
        "thulaocuatoi",
        msg.CMD_DESCRIPTIONS["thulaocuatoi"],
        frozenset(EARNERS),
        order=73,
    )
)


def _today(context: BotContext) -> date:
    return datetime.now(ZoneInfo(context.services.config.timezone)).date()


def _compact(day: date) -> str:
    return day.strftime("%Y%m%d")


def _period_from(parts: list[str]) -> Period | None:
    try:
        start, end = (datetime.strptime(p, "%Y%m%d").date() for p in parts)
    except ValueError:
        return None
    return Period(start, end) if start <= end else None


def _period_buttons(context: BotContext, prefix: str):
    today = _today(context)
    periods = [
        ("month", preset_period("month", today)),
        ("previous", previous_month(today)),
        ("quarter", preset_period("quarter", today)),
        ("year", preset_period("year", today)),
    ]
    buttons = [
        (msg.PAY_PERIODS[key], f"{prefix}:{_compact(p.start)}:{_compact(p.end)}") for key, p in periods
    ]
    return keyboard([buttons[:2], buttons[2:]])


async def _tap_period(update: Update, prefix: str) -> Period | None:
    data = tapped_data(update)
    parts = data[len(prefix) + 1 :].split(":")
    period = _period_from(parts) if len(parts) == 2 else None
    if period is None:
        await reply(update, msg.BUTTON_EXPIRED)
    return period


# --- officials ---------------------------------------------------------------------------------------------
@requires(*OFFICIALS)
async def start(update: Update, context: BotContext) -> None:
    await clear_buttons(update)
    person = await context.registered(update)
    prefix = "tl:pv" if person.role == Role.PROVINCE_OFFICIAL else "tl:v"
    await reply(update, msg.PAY_PICK_PERIOD, _period_buttons(context, prefix))


async def _commune_of(update: Update, context: BotContext):
    """The commune of the official who tapped, or None (told why). The service checks again."""
    person = await context.person(update)
    if person is None:
        await reply(update, msg.NEED_REGISTRATION)
        return None, None
    if person.role != Role.COMMUNE_OFFICIAL or not person.commune_id:
        await reply(update, msg.NOT_ALLOWED.format(role=msg.ROLE_NAMES[person.role]))
        return person, None
    return person, await context.services.directory.commune(person.commune_id)


def _list_buttons(period: Period):
    dates = f"{_compact(period.start)}:{_compact(period.end)}"
    return column(
        [
            (msg.PAY_BTN_XLSX, f"tl:x:{dates}"),
            (msg.PAY_BTN_DRAW, f"tl:d:{dates}"),
            (msg.PAY_BTN_EXCLUDE, "tl:e"),
            (msg.PAY_BTN_LISTS, "tl:l"),
        ]
    )


async def _tapped_pay_list(update: Update, context: BotContext, prefix: str):
    """The pay list of the tapped period for the person's commune, checked by the service; None when
    refused."""
    period = await _tap_period(update, prefix)
    person, commune = await _commune_of(update, context)
    if period is None or commune is None:
        return None
    try:
        return period, commune, await context.services.remuneration.pay_list(person, commune, period)
    except PayDenied:
        await reply(update, msg.PAY_DENIED)
        return None


async def view(update: Update, context: BotContext) -> None:
    await clear_buttons(update)
    found = await _tapped_pay_list(update, context, "tl:v")
    if found is not None:
        period, _, pay = found
        await reply(update, pay_summary(pay), _list_buttons(period))


async def send_xlsx(update: Update, context: BotContext) -> None:
    found = await _tapped_pay_list(update, context, "tl:x")
    if found is None:
        return
    period, commune, pay = found
    await tapped(update).answer()
    data = await asyncio.to_thread(pay_list_xlsx, pay, today=_today(context))
    name = f"thu-lao-{commune.code}-{period.start.isoformat()}-{period.end.isoformat()}.xlsx"
    await chat_of(update).send_document(data, filename=name, caption=msg.PAY_XLSX_CAPTION)


async def draw(update: Update, context: BotContext) -> None:
    await clear_buttons(update)
    period = await _tap_period(update, "tl:d")
    person, commune = await _commune_of(update, context)
    if period is None or commune is None:
        return
    try:
        stored, pay = await context.services.remuneration.draw_up(person, commune, period)
    except PayDenied:
        await reply(update, msg.PAY_DENIED)
        return
    data = await asyncio.to_thread(pay_list_xlsx, pay, number=stored.number, today=_today(context))
    await chat_of(update).send_document(
        data,
        filename=f"danh-sach-chi-thu-lao-so-{stored.number}-{commune.code}.xlsx",
        caption=msg.PAY_DRAWN.format(number=stored.number, total=vnd(stored.total)),
        reply_markup=column([(msg.PAY_BTN_PAID.format(number=stored.number), f"tl:pay:{stored.number}")]),
    )


async def lists(update: Update, context: BotContext) -> None:
    await clear_buttons(update)
    person, commune = await _commune_of(update, context)
    if commune is None:
        return
    try:
        stored = await context.services.remuneration.lists(person, commune)
    except PayDenied:
        await reply(update, msg.PAY_DENIED)
        return
    if not stored:
        await reply(update, msg.PAY_NO_LISTS)
        return
    lines = [
        msg.PAY_LIST_LINE.format(
            number=s.number,
            start=_vn(s.start),
            end=_vn(s.end),
            total=vnd(s.total),
            status=msg.PAY_PAID_ON.format(day=_vn(s.paid_on)) if s.paid_on else msg.PAY_DRAFTED,
        )
        for s in stored
    ]
    drafts = [
        (msg.PAY_BTN_PAID.format(number=s.number), f"tl:pay:{s.number}")
        for s in stored
        if s.status == "drafted"
    ]
    await reply(update, msg.PAY_LISTS_TITLE + "\n" + "\n".join(lines), column(drafts) if drafts else None)


async def ask_paid(update: Update, context: BotContext) -> None:
    await clear_buttons(update)
    number = _int(tapped_data(update).rsplit(":", 1)[-1])
    person, commune = await _commune_of(update, context)
    if commune is None or number is None:
        return
    today = _today(context)
    await reply(
        update,
        msg.PAY_CONFIRM_PAID.format(number=number, day=today.strftime("%d/%m/%Y")),
        keyboard(
            [[(msg.PAY_BTN_CONFIRM, f"tl:pc:{number}:{_compact(today)}"), (msg.PAY_BTN_CANCEL, "tl:no")]]
        ),
    )


async def confirm_paid(update: Update, context: BotContext) -> None:
    await clear_buttons(update)
    parts = tapped_data(update).split(":")
    number = _int(parts[2]) if len(parts) == 4 else None
    day = _period_from([parts[3], parts[3]]) if number is not None else None
    person, commune = await _commune_of(update, context)
    if commune is None:
        return
    if number is None or day is None:
        await reply(update, msg.BUTTON_EXPIRED)
        return
    service = context.services.remuneration
    try:
        await service.mark_paid(person, commune, number, day.start)
    except PayDenied:
        await reply(update, msg.PAY_DENIED)
        return
    except PayInputError as exc:
        await reply(update, msg.PAY_CLI_ERRORS[exc.reason].format(number=number))
        return
    except PayConflict as exc:
        await reply(update, msg.PAY_CLI_ERRORS["conflict"].format(number=number, what=", ".join(exc.what)))
        return
    await reply(update, msg.PAY_MARKED.format(number=number, day=day.start.strftime("%d/%m/%Y")))


async def not_now(update: Update, context: BotContext) -> None:
    await clear_buttons(update)
    await reply(update, msg.CANCELLED)


# --- excluding a case (a short conversation: case number, then the written reason) --------------------------
async def exclude_start(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    person, commune = await _commune_of(update, context)
    if commune is None or not context.services.remuneration.can_manage(person, commune):
        if commune is not None:
            await reply(update, msg.PAY_DENIED)
        return ConversationHandler.END
    context.user_data["tl"] = {}
    await reply(update, msg.PAY_ASK_CASE.format(example=f"{commune.code}-{_today(context).year}-0001"))
    return ASK_CASE


async def case_typed(update: Update, context: BotContext) -> int:
    person, commune = await _commune_of(update, context)
    if commune is None:
        return ConversationHandler.END
    code = typed(update).strip().upper()
    try:
        number = await context.services.remuneration.case_number(person, commune, code)
    except PayDenied:
        await reply(update, msg.PAY_DENIED)
        return ConversationHandler.END
    if number is None:
        await reply(update, msg.PAY_CLI_ERRORS["case"].format(case=code[:40]))
        return ASK_CASE
    context.user_data["tl"] = {"case": number}
    await reply(update, msg.PAY_ASK_REASON.format(case=number))
    return ASK_REASON


async def reason_typed(update: Update, context: BotContext) -> int:
    person, commune = await _commune_of(update, context)
    number = (context.user_data.get("tl") or {}).get("case")
    if commune is None or not number:
        return ConversationHandler.END
    try:
        await context.services.remuneration.exclude(person, commune, number, typed(update))
    except PayDenied:
        await reply(update, msg.PAY_DENIED)
        return ConversationHandler.END
    except PayInputError as exc:
        await reply(update, msg.PAY_CLI_ERRORS[exc.reason].format(case=number))
        return ASK_REASON if exc.reason == "reason" else ConversationHandler.END
    except AlreadyExcluded:
        await reply(update, msg.PAY_CLI_ERRORS["already"].format(case=number))
        return ConversationHandler.END
    context.user_data.pop("tl", None)
    await reply(update, msg.PAY_EXCLUDED.format(case=number))
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    context.user_data.pop("tl", None)
    await reply(update, msg.CANCELLED)
    return ConversationHandler.END


# --- province officials ------------------------------------------------------------------------------------
async def province_view(update: Update, context: BotContext) -> None:
    await clear_buttons(update)
    period = await _tap_period(update, "tl:pv")
    person = await context.person(update)
    if period is None:
        return
    if person is None or person.role != Role.PROVINCE_OFFICIAL or not person.province_id:
        await reply(update, msg.PAY_DENIED)
        return
    province = existing(await context.services.directory.province(person.province_id), "province")
    try:
        totals = await context.services.remuneration.province_totals(person, province, period)
    except PayDenied:
        await reply(update, msg.PAY_DENIED)
        return
    lines = [
        msg.PAY_PROVINCE_LINE.format(
            commune=t.commune.name,
            cases=t.cases,
            total=vnd(t.total),
            support=vnd(t.team_support),
            paid=vnd(t.paid),
        )
        for t in totals
    ]
    await reply(
        update,
        msg.PAY_PROVINCE_TITLE.format(province=province.name, start=_vn(period.start), end=_vn(period.end))
        + "\n"
        + "\n".join(lines or [msg.PAY_PROVINCE_EMPTY])
        + "\n\n"
        + msg.PAY_PROVINCE_TOTAL.format(
            total=vnd(sum(t.total for t in totals)), paid=vnd(sum(t.paid for t in totals))
        ),
    )


# --- mediators ---------------------------------------------------------------------------------------------
@requires(*EARNERS)
async def mine_start(update: Update, context: BotContext) -> None:
    await clear_buttons(update)
    await reply(update, msg.PAY_PICK_PERIOD, _period_buttons(context, "tl:m"))


async def mine(update: Update, context: BotContext) -> None:
    await clear_buttons(update)
    period = await _tap_period(update, "tl:m")
    person = await context.person(update)
    if period is None:
        return
    if person is None:
        await reply(update, msg.NEED_REGISTRATION)
        return
    try:
        cases = await context.services.remuneration.my_cases(person, period)
    except PayDenied:
        await reply(update, msg.PAY_DENIED)
        return
    head = msg.PAY_MINE_TITLE.format(start=_vn(period.start), end=_vn(period.end))
    if not cases:
        await reply(update, head + "\n" + msg.PAY_MINE_EMPTY)
        return
    lines = []
    for c in cases:
        if c.status == "paid":
            state = msg.PAY_MINE_PAID.format(share=vnd(c.share), number=c.paid_list, day=_vn(c.paid_on or ""))
        elif c.status == "payable":
            state = msg.PAY_MINE_DUE.format(share=vnd(c.share))
        else:
            state = msg.PAY_MINE_NOT.format(status=msg.PAY_STATUS[c.status])
        lines.append(
            msg.PAY_MINE_LINE.format(
                case=c.case_no, day=_vn(c.day), result=msg.CASE_RESULT_LABELS[c.result], state=state
            )
        )
    due = sum(c.share for c in cases if c.status == "payable")
    await reply(update, head + "\n" + "\n".join(lines) + "\n\n" + msg.PAY_MINE_TOTAL.format(due=vnd(due)))


def _vn(iso: str | date) -> str:
    try:
        day = iso if isinstance(iso, date) else date.fromisoformat(iso[:10])
    except ValueError:
        return str(iso)
    return day.strftime("%d/%m/%Y")


def _int(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() else None


def register(app: Application) -> None:
    text = filters.TEXT & ~filters.COMMAND
    app.add_handler(
        ConversationHandler(
            name="remuneration-exclude",
            persistent=True,
            entry_points=[CallbackQueryHandler(exclude_start, pattern=r"^tl:e$")],
            states={
                ASK_CASE: [MessageHandler(text, case_typed)],
                ASK_REASON: [MessageHandler(text, reason_typed)],
            },
            fallbacks=[CommandHandler(["huy", "cancel"], cancel)],
            allow_reentry=True,
        )
    )
    app.add_handler(CommandHandler("thulao", start))
    app.add_handler(CallbackQueryHandler(start, pattern=r"^menu:thulao$"))
    app.add_handler(CommandHandler("thulaocuatoi", mine_start))
    app.add_handler(CallbackQueryHandler(mine_start, pattern=r"^menu:thulaocuatoi$"))
    app.add_handler(CallbackQueryHandler(view, pattern=r"^tl:v:"))
    app.add_handler(CallbackQueryHandler(send_xlsx, pattern=r"^tl:x:"))
    app.add_handler(CallbackQueryHandler(draw, pattern=r"^tl:d:"))
    app.add_handler(CallbackQueryHandler(lists, pattern=r"^tl:l$"))
    app.add_handler(CallbackQueryHandler(ask_paid, pattern=r"^tl:pay:\d+$"))
    app.add_handler(CallbackQueryHandler(confirm_paid, pattern=r"^tl:pc:"))
    app.add_handler(CallbackQueryHandler(not_now, pattern=r"^tl:no$"))
    app.add_handler(CallbackQueryHandler(province_view, pattern=r"^tl:pv:"))
    app.add_handler(CallbackQueryHandler(mine, pattern=r"^tl:m:"))
