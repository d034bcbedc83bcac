"""/taphuan: officials create training events (announced through the outbox with RSVP buttons), see the
answers, get a reminder sent the day before, and tick who attended; mediators see upcoming events."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import messages as msg
from handlers.broadcast import (
    ScopePicker,
    edit_or_reply,
    register_markup,
    scope_label,
    start_progress,
    toggle_keyboard,
)
from handlers.common import (
    LABEL_MAX,
    BotContext,
    chat_of,
    claim_text,
    clear_buttons,
    column,
    fit,
    int_arg,
    keyboard,
    reply,
    requires,
    service_app,
    tapped,
    text_for_another_flow,
    text_is_for,
    typed,
)
from handlers.flows import register_flow
from handlers.menu import Capability, register_capability
from services.broadcast import SENDERS, PermissionDenied
from services.models import Person, Role
from services.text import clean_text
from services.training import WhenError, parse_when, utc_iso

log = logging.getLogger(__name__)

MENU, ASK_TITLE, ASK_WHEN, ASK_PLACE, CONFIRM = range(10, 15)
ALL_ROLES = (Role.MEDIATOR, Role.TEAM_LEADER, *SENDERS)

register_capability(
    Capability("taphuan", msg.BTN_TRAINING, "taphuan", msg.CMD_TRAINING, frozenset(ALL_ROLES), order=65)
)


def short_team(name: str) -> str:
    """A team's name on a button: "Tổ hòa giải bản Na Lay" → "bản Na Lay" (the list is of teams anyway)."""
    short = name.removeprefix("Tổ hòa giải ").strip()
    return short or name


def rsvp_markup(event_id: int, chosen: str | None = None):
    return keyboard(
        [
            [
                (msg.TR_BTN_YES_CHOSEN if chosen == "yes" else msg.TR_BTN_YES, f"tr:r:{event_id}:y"),
                (msg.TR_BTN_NO_CHOSEN if chosen == "no" else msg.TR_BTN_NO, f"tr:r:{event_id}:n"),
            ]
        ]
    )


register_markup("training", lambda b: rsvp_markup(b["event_id"]))
register_markup("reminder", lambda b: rsvp_markup(b["event_id"]))


async def organiser_label(context_or_app, person: Person | None) -> str:
    services = context_or_app.services
    if person is None:
        return msg.APP_NAME
    if person.commune_id:
        place = (await services.directory.commune(person.commune_id)).name
    elif person.province_id:
        place = "Sở Tư pháp " + (await services.directory.province(person.province_id)).name
    else:
        return person.full_name
    return f"{person.full_name} — {place}"


def announcement_text(event: dict, organiser: str, timezone: str) -> str:
    when = datetime.fromisoformat(event["starts_at"]).astimezone(ZoneInfo(timezone))
    return msg.TR_ANNOUNCEMENT.format(
        title=event["title"],
        time=when.strftime("%H:%M"),
        weekday=msg.TR_WEEKDAYS[when.weekday()],
        date=when.strftime("%d/%m/%Y"),
        place=event["place"],
        organiser=organiser,
    )


def _when(event: dict, timezone: str) -> tuple[str, str]:
    local = datetime.fromisoformat(event["starts_at"]).astimezone(ZoneInfo(timezone))
    return local.strftime("%d/%m/%Y"), local.strftime("%H:%M")


# --- entry -------------------------------------------------------------------------------------------------
@requires(*ALL_ROLES)
async def start(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    person = await context.registered(update)
    if person.role in SENDERS:
        await reply(
            update,
            msg.TR_MENU,
            column(
                [
                    (msg.TR_BTN_NEW, "tr:new"),
                    (msg.TR_BTN_UPCOMING, "tr:up"),
                    (msg.TR_BTN_ATTENDANCE, "tr:att"),
                ],
                nav=True,
            ),
        )
        return MENU
    await _upcoming(update, context, person)
    return ConversationHandler.END


async def _upcoming(update: Update, context: BotContext, person: Person, edit: bool = False) -> None:
    training = context.services.training
    events = await training.upcoming_for(person)
    if not events:
        await reply(update, msg.TR_NONE_UPCOMING)
        return
    tz = context.services.config.timezone
    lines, buttons = [msg.TR_UPCOMING_TITLE], []
    for n, event in enumerate(events[:10], 1):
        day, time = _when(event, tz)
        lines.append(
            msg.TR_UPCOMING_LINE_N.format(
                n=n, date=day, time=time, title=event["title"], place=event["place"]
            )
        )
        if person.is_official:
            counts = await training.counts(event)
            lines.append(msg.TR_COUNTS_LINE.format(**counts))
        else:
            answer = await training.answer_of(event["id"], person)
            lines.append(msg.TR_MY_ANSWER[answer])
            buttons.append(
                [
                    (msg.TR_BTN_EVENT_YES_N.format(n=n), f"tr:l:{event['id']}:y"),
                    (msg.TR_BTN_EVENT_NO_N.format(n=n), f"tr:l:{event['id']}:n"),
                ]
            )
    markup = keyboard(buttons) if buttons else None
    if edit:
        await edit_or_reply(update, "\n".join(lines), markup)
    else:
        await reply(update, "\n".join(lines), markup)


@requires(*ALL_ROLES)
async def upcoming(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    await _upcoming(update, context, await context.registered(update))
    return ConversationHandler.END


# --- creating an event ---------------------------------------------------------------------------------
@requires(*SENDERS)
async def new(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    context.user_data["tr"] = {}
    await claim_text(update, context, "training")
    await reply(update, msg.TR_ASK_TITLE, keyboard([], nav=True))
    return ASK_TITLE


async def title_typed(update: Update, context: BotContext) -> int:
    if not await text_is_for(update, context, "training"):
        return await text_for_another_flow(update, context)
    title = clean_text(typed(update), limit=300)
    if not 3 <= len(title) <= 200:
        await reply(update, msg.TR_BAD_TITLE, keyboard([], nav=True))
        return ASK_TITLE
    context.user_data.setdefault("tr", {})["title"] = title
    await reply(update, msg.TR_ASK_WHEN, keyboard([], nav=True))
    return ASK_WHEN


async def when_typed(update: Update, context: BotContext) -> int:
    if not await text_is_for(update, context, "training"):
        return await text_for_another_flow(update, context)
    try:
        when = parse_when(typed(update), context.services.config.timezone)
    except WhenError as exc:
        await reply(update, msg.TR_WHEN_ERRORS[exc.reason], keyboard([], nav=True))
        return ASK_WHEN
    context.user_data.setdefault("tr", {})["when"] = when.isoformat()
    await reply(update, msg.TR_ASK_PLACE, keyboard([], nav=True))
    return ASK_PLACE


async def place_typed(update: Update, context: BotContext) -> int:
    if not await text_is_for(update, context, "training"):
        return await text_for_another_flow(update, context)
    place = clean_text(typed(update), limit=300)
    if not 3 <= len(place) <= 200:
        await reply(update, msg.TR_BAD_PLACE, keyboard([], nav=True))
        return ASK_PLACE
    context.user_data.setdefault("tr", {})["place"] = place
    return await PICKER.begin(update, context, await context.registered(update))


def _draft_event(data: dict) -> dict:
    when = datetime.fromisoformat(data["when"])
    return {"title": data["title"], "starts_at": when.astimezone(UTC).isoformat(), "place": data["place"]}


async def _after_scope(update: Update, context: BotContext) -> int:
    person = await context.registered(update)
    data = PICKER.data(context)
    if not all(data.get(k) for k in ("title", "when", "place")):
        await reply(update, msg.BUTTON_EXPIRED)
        return ConversationHandler.END
    scope = PICKER.scope(context)
    try:
        recipients = await context.services.broadcasts.recipients(person, scope, context.channel)
    except PermissionDenied:
        await reply(update, msg.NOT_ALLOWED.format(role=msg.ROLE_NAMES[person.role]))
        return ConversationHandler.END
    text = announcement_text(
        _draft_event(data), await organiser_label(context, person), context.services.config.timezone
    )
    await reply(update, msg.BC_PREVIEW_INTRO)
    await reply(update, text, keyboard([[(msg.TR_BTN_YES, "tr:noop"), (msg.TR_BTN_NO, "tr:noop")]]))
    await reply(
        update,
        msg.TR_CONFIRM.format(count=len(recipients), scope=await scope_label(context, scope)),
        column([(msg.TR_BTN_SEND, "tr:send"), (msg.BTN_CANCEL, "tr:cancel")]),
    )
    return CONFIRM


PICKER = ScopePicker("tr", "tr", _after_scope)


@requires(*SENDERS)
async def send(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    person = await context.registered(update)
    data = context.user_data.get("tr") or {}
    if not all(data.get(k) for k in ("title", "when", "place")):
        await reply(update, msg.BUTTON_EXPIRED)
        return ConversationHandler.END
    organiser = await organiser_label(context, person)
    tz = context.services.config.timezone
    try:
        event_id, broadcast_id, count = await context.services.training.create(
            person,
            PICKER.scope(context),
            context.channel,
            title=data["title"],
            starts_at=datetime.fromisoformat(data["when"]),
            place=data["place"],
            render=lambda event: announcement_text(event, organiser, tz),
        )
    except PermissionDenied:
        context.user_data.pop("tr", None)
        await reply(update, msg.NOT_ALLOWED.format(role=msg.ROLE_NAMES[person.role]))
        return ConversationHandler.END
    except WhenError as exc:
        await reply(update, msg.TR_WHEN_ERRORS[exc.reason])
        return ASK_WHEN
    context.user_data.pop("tr", None)
    await reply(update, msg.TR_STARTED.format(id=event_id, count=count))
    await start_progress(context, broadcast_id, count, chat_of(update).id)
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    context.user_data.pop("tr", None)
    context.user_data.pop("tr_att", None)
    await reply(update, msg.CANCELLED)
    return ConversationHandler.END


async def use_buttons(update: Update, context: BotContext) -> None:
    await reply(update, msg.USE_BUTTONS)


# --- answers ---------------------------------------------------------------------------------------------
async def answer(update: Update, context: BotContext) -> None:
    query = tapped(update)
    person = await context.person(update)
    parts = (query.data or "").split(":")
    event_id, choice = int_arg(update, 2) or 0, "yes" if parts[-1] == "y" else "no"
    if person is None:
        await query.answer(msg.NEED_REGISTRATION, show_alert=True)
        return
    try:
        await context.services.training.answer(person, event_id, choice)
    except PermissionDenied:
        await query.answer(msg.TR_NOT_INVITED, show_alert=True)
        return
    except WhenError:
        await query.answer(msg.TR_ALREADY_STARTED, show_alert=True)
        return
    await query.answer(msg.TR_ANSWER_YES if choice == "yes" else msg.TR_ANSWER_NO)
    if parts[1] == "l":  # tapped in the /taphuan list: redraw it
        await _upcoming(update, context, person, edit=True)
        return
    try:
        await query.edit_message_reply_markup(rsvp_markup(event_id, choice))
    except TelegramError:
        log.debug("rsvp markup unchanged", exc_info=True)


async def preview_button(update: Update, context: BotContext) -> None:
    await tapped(update).answer(msg.BC_PREVIEW_BUTTON)


# --- the reminder (queued by the job, services/training.py; scheduled in bot/jobs.py) -----------------------
async def reminder_text(app: Application, event: dict) -> str:
    """The text of an event's reminder (stored with its outbox rows when the job queues it)."""
    services = service_app(app).services
    organiser = await services.directory.person(event["organiser_id"])
    return msg.TR_REMINDER.format(
        announcement=announcement_text(event, await organiser_label(app, organiser), services.config.timezone)
    )


# --- attendance ------------------------------------------------------------------------------------------
@requires(*SENDERS)
async def attendance_events(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    person = await context.registered(update)
    events = await context.services.training.for_attendance(person)
    if not events:
        await reply(update, msg.TR_NONE_FOR_ATTENDANCE)
        return ConversationHandler.END
    tz = context.services.config.timezone
    await reply(
        update,
        msg.TR_PICK_EVENT,
        column(
            (
                fit(f"{_when(e, tz)[0]} {e['title']}", LABEL_MAX - 2)
                + (" ✔" if e["attendance_saved_at"] else ""),
                f"tr:ae:{e['id']}",
            )
            for e in events[:20]
        ),
    )
    return ConversationHandler.END


async def _checked_event(update: Update, context: BotContext, event_id: int) -> dict | None:
    person = await context.registered(update)
    training = context.services.training
    try:
        event = await training.managed_event(person, event_id)
    except PermissionDenied:
        await reply(update, msg.NOT_ALLOWED.format(role=msg.ROLE_NAMES[person.role]))
        return None
    if event["starts_at"] > utc_iso(datetime.now(UTC)):
        await reply(update, msg.TR_NOT_STARTED)
        return None
    return event


async def _checklist(update: Update, context: BotContext, event: dict, page: int) -> None:
    training = context.services.training
    state = context.user_data.get("tr_att") or {}
    if state.get("event") != event["id"]:
        state = {"event": event["id"], "ticked": await training.attendees(event["id"])}
        context.user_data["tr_att"] = state
    candidates = await training.candidates(event)
    if not candidates:
        await reply(update, msg.TR_NO_CANDIDATES)
        return
    teams = {}
    for team_id in {c["team_id"] for c in candidates if c["team_id"]}:
        team = await context.services.directory.team(team_id)
        teams[team_id] = team.name if team else ""
    items = [
        (c["id"], c["full_name"] + (f" · {short_team(teams[c['team_id']])}" if c["team_id"] in teams else ""))
        for c in candidates
    ]
    text = msg.TR_CHECKLIST.format(
        title=event["title"],
        date=_when(event, context.services.config.timezone)[0],
        count=len(state["ticked"]),
        total=len(candidates),
    )
    eid = event["id"]
    await edit_or_reply(
        update,
        text,
        toggle_keyboard(items, state["ticked"], f"tr:at:{eid}", f"tr:ap:{eid}", f"tr:as:{eid}", page),
    )


@requires(*SENDERS)
async def attendance_open(update: Update, context: BotContext) -> None:
    event = await _checked_event(update, context, int_arg(update) or 0)
    if event is not None:
        context.user_data.pop("tr_att", None)
        await _checklist(update, context, event, 0)


@requires(*SENDERS)
async def attendance_page(update: Update, context: BotContext) -> None:
    event = await _checked_event(update, context, int_arg(update, 2) or 0)
    if event is not None:
        await _checklist(update, context, event, int_arg(update) or 0)


@requires(*SENDERS)
async def attendance_toggle(update: Update, context: BotContext) -> None:
    event = await _checked_event(update, context, int_arg(update, 2) or 0)
    if event is None:
        return
    person_id = int_arg(update, 3)
    allowed = {c["id"] for c in await context.services.training.candidates(event)}
    state = context.user_data.get("tr_att") or {}
    if state.get("event") != event["id"]:
        state = {"event": event["id"], "ticked": await context.services.training.attendees(event["id"])}
        context.user_data["tr_att"] = state
    if person_id not in allowed and person_id not in state["ticked"]:
        person = await context.registered(update)
        await reply(update, msg.NOT_ALLOWED.format(role=msg.ROLE_NAMES[person.role]))
        return
    ticked = state["ticked"]
    if person_id in ticked:
        ticked.remove(person_id)
    else:
        ticked.append(person_id)
    await _checklist(update, context, event, int_arg(update) or 0)


@requires(*SENDERS)
async def attendance_save(update: Update, context: BotContext) -> None:
    event = await _checked_event(update, context, int_arg(update) or 0)
    if event is None:
        return
    person = await context.registered(update)
    state = context.user_data.get("tr_att") or {}
    ticked = (
        set(state.get("ticked") or [])
        if state.get("event") == event["id"]
        else set(await context.services.training.attendees(event["id"]))
    )
    try:
        count, changed = await context.services.training.save_attendance(person, event["id"], ticked)
    except PermissionDenied:
        await reply(update, msg.NOT_ALLOWED.format(role=msg.ROLE_NAMES[person.role]))
        return
    except WhenError:
        await reply(update, msg.TR_NOT_STARTED)
        return
    context.user_data.pop("tr_att", None)
    await clear_buttons(update)
    await reply(
        update,
        msg.TR_ATTENDANCE_SAVED.format(
            count=count,
            title=event["title"],
            date=_when(event, context.services.config.timezone)[0],
            changed=changed,
        ),
    )


def register(app: Application) -> None:
    register_flow(
        "training", text_states={ASK_TITLE, ASK_WHEN, ASK_PLACE}, cancel=cancel, keys=["tr", "tr_att"]
    )
    text = filters.TEXT & ~filters.COMMAND
    app.add_handler(
        ConversationHandler(
            name="training",
            persistent=True,
            entry_points=[
                CommandHandler("taphuan", start),
                CallbackQueryHandler(start, pattern=r"^menu:taphuan$"),
            ],
            states={
                MENU: [
                    CallbackQueryHandler(new, pattern=r"^tr:new$"),
                    CallbackQueryHandler(upcoming, pattern=r"^tr:up$"),
                    CallbackQueryHandler(attendance_events, pattern=r"^tr:att$"),
                ],
                ASK_TITLE: [MessageHandler(text, title_typed)],
                ASK_WHEN: [MessageHandler(text, when_typed)],
                ASK_PLACE: [MessageHandler(text, place_typed)],
                **PICKER.handlers(),
                CONFIRM: [CallbackQueryHandler(send, pattern=r"^tr:send$")],
            },
            fallbacks=[
                CommandHandler(["huy", "cancel"], cancel),
                CallbackQueryHandler(cancel, pattern=r"^tr:cancel$"),
                MessageHandler(text, use_buttons),
            ],
            allow_reentry=True,
        )
    )
    app.add_handler(CallbackQueryHandler(answer, pattern=r"^tr:[rl]:\d+:[yn]$"))
    app.add_handler(CallbackQueryHandler(preview_button, pattern=r"^tr:noop$"))
    app.add_handler(CallbackQueryHandler(upcoming, pattern=r"^tr:up$"))
    app.add_handler(CallbackQueryHandler(attendance_events, pattern=r"^tr:att$"))
    app.add_handler(CallbackQueryHandler(attendance_open, pattern=r"^tr:ae:\d+$"))
    app.add_handler(CallbackQueryHandler(attendance_page, pattern=r"^tr:ap:\d+:\d+$"))
    app.add_handler(CallbackQueryHandler(attendance_toggle, pattern=r"^tr:at:\d+:\d+:\d+$"))
    app.add_handler(CallbackQueryHandler(attendance_save, pattern=r"^tr:as:\d+$"))
