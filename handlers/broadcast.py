"""/thongbao: officials write an announcement, preview it, confirm; the outbox worker delivers it.

Also the chat side of delivery: how a delivered broadcast looks (message, attachment, keyboard by kind), the
sender's live progress text and the "Đã nhận" button. The transport and the worker are wired in the
composition root (bot/delivery.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import messages as msg
from handlers.common import (
    BotContext,
    callback_arg,
    chat_of,
    claim_text,
    clear_buttons,
    column,
    int_arg,
    keyboard,
    message_of,
    reply,
    requires,
    service_app,
    tapped,
    text_for_another_flow,
    text_is_for,
)
from handlers.flows import register_flow
from handlers.menu import Capability, register_capability
from services.broadcast import (
    MAX_CAPTION,
    MAX_TEXT,
    SENDERS,
    BroadcastScope,
    PermissionDenied,
    TextError,
    check_text,
)
from services.models import Person, Role

log = logging.getLogger(__name__)

PICK_COMMUNES, TOGGLE_COMMUNES, PICK_AUDIENCE, TOGGLE_TEAMS, WRITE_TEXT, ASK_ATTACHMENT, CONFIRM = range(7)
PER_PAGE = 8
#: Room kept for the header above a caption (Telegram captions are at most 1024 characters).
HEADER_ROOM = 124

register_capability(
    Capability("thongbao", msg.BTN_BROADCAST, "thongbao", msg.CMD_BROADCAST, frozenset(SENDERS), order=60)
)

#: Keyboards under delivered messages, by broadcast kind (training registers its own kinds).
MARKUPS: dict[str, Callable[[dict], InlineKeyboardMarkup | None]] = {
    "announcement": lambda b: keyboard([[(msg.BC_BTN_ACK, f"bc:ack:{b['id']}")]]),
}


def register_markup(kind: str, build: Callable[[dict], InlineKeyboardMarkup | None]) -> None:
    MARKUPS[kind] = build


# --- shared helpers (also used by /taphuan) -------------------------------------------------------------
def toggle_keyboard(
    items: list[tuple[int, str]],
    selected: Iterable[int],
    toggle: str,
    page_prefix: str,
    done: str,
    page: int = 0,
    per_page: int = PER_PAGE,
    extra: list[tuple[str, str]] | None = None,
) -> InlineKeyboardMarkup:
    """A paged checklist: one button per item (☑/☐), page arrows, then `extra` and the done button."""
    chosen = set(selected)
    pages = max(1, -(-len(items) // per_page))
    page = min(max(page, 0), pages - 1)
    rows = [
        [(("☑ " if item_id in chosen else "☐ ") + label, f"{toggle}:{item_id}:{page}")]
        for item_id, label in items[page * per_page : (page + 1) * per_page]
    ]
    nav = []
    if page > 0:
        nav.append((msg.BC_BTN_PREV, f"{page_prefix}:{page - 1}"))
    if page < pages - 1:
        nav.append((msg.BC_BTN_NEXT, f"{page_prefix}:{page + 1}"))
    if nav:
        rows.append(nav)
    rows += [[b] for b in extra or []]
    rows.append([(msg.BC_BTN_DONE, done)])
    return keyboard(rows, nav=True)


async def edit_or_reply(update: Update, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Redraw the tapped message (checklists), or answer with a new one."""
    query = update.callback_query
    if query is not None and query.message is not None:
        try:
            await query.answer()
            await query.edit_message_text(text, reply_markup=markup)
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
    await reply(update, text, markup)


async def scope_label(context: BotContext, scope: BroadcastScope) -> str:
    names = await context.services.scopes.describe(scope)
    where = ", ".join(names["communes"])
    if names["teams"] is not None:
        return msg.BC_SCOPE.format(
            audience=msg.BC_SCOPE_TEAMS.format(teams=", ".join(names["teams"])), where=where
        )
    return msg.BC_SCOPE.format(audience=msg.BC_SCOPE_LABELS[scope.audience], where=where)


async def sender_header(context: BotContext, person: Person) -> str:
    org = context.services.directory
    if person.commune_id and (commune := await org.commune(person.commune_id)):
        place = commune.name
    elif person.province_id and (province := await org.province(person.province_id)):
        place = "Sở Tư pháp " + province.name
    else:
        place = msg.APP_NAME
    return msg.BC_HEADER.format(sender=person.full_name, org=place)[: HEADER_ROOM - 4]


def local_date(value: str, tz: str) -> str:
    return datetime.fromisoformat(value).astimezone(ZoneInfo(tz)).strftime("%d/%m/%Y")


# --- scope picking (shared with /taphuan through `prefix`) ----------------------------------------------
class ScopePicker:
    """The steps that choose communes, audience and teams; `prefix` is the flow's callback prefix."""

    def __init__(self, prefix: str, key: str, after: Callable):
        self.prefix = prefix
        self.key = key
        self.after = after  # coroutine(update, context) -> state, called once the scope is complete

    def data(self, context: BotContext) -> dict:
        return context.user_data.setdefault(self.key, {})

    async def begin(self, update: Update, context: BotContext, person: Person) -> int:
        communes = await context.services.scopes.communes_for(person)
        data = self.data(context)
        if person.role == Role.COMMUNE_OFFICIAL:
            data["communes"] = [c.id for c in communes]
            return await self.ask_audience(update, context)
        p = self.prefix
        await reply(
            update,
            msg.BC_PICK_COMMUNES,
            column(
                [
                    (msg.BC_BTN_ALL_COMMUNES.format(count=len(communes)), f"{p}:call"),
                    (msg.BC_BTN_CHOOSE_COMMUNES, f"{p}:cpick"),
                ],
                nav=True,
            ),
        )
        return PICK_COMMUNES

    async def all_communes(self, update: Update, context: BotContext) -> int:
        await clear_buttons(update)
        person = await context.registered(update)
        self.data(context)["communes"] = [c.id for c in await context.services.scopes.communes_for(person)]
        return await self.ask_audience(update, context)

    async def _commune_list(self, update: Update, context: BotContext, page: int) -> int:
        person = await context.registered(update)
        communes = await context.services.scopes.communes_for(person)
        chosen = self.data(context).setdefault("communes", [])
        p = self.prefix
        await edit_or_reply(
            update,
            msg.BC_TOGGLE_COMMUNES.format(count=len(chosen)),
            toggle_keyboard(
                [(c.id, c.name) for c in communes], chosen, f"{p}:ct", f"{p}:cp", f"{p}:cdone", page
            ),
        )
        return TOGGLE_COMMUNES

    async def choose_communes(self, update: Update, context: BotContext) -> int:
        await clear_buttons(update)
        self.data(context)["communes"] = []
        return await self._commune_list(update, context, 0)

    async def commune_page(self, update: Update, context: BotContext) -> int:
        return await self._commune_list(update, context, int_arg(update) or 0)

    async def commune_toggled(self, update: Update, context: BotContext) -> int:
        person = await context.registered(update)
        commune_id = int_arg(update, -2)
        allowed = {c.id for c in await context.services.scopes.communes_for(person)}
        if commune_id not in allowed:
            await reply(update, msg.NOT_ALLOWED.format(role=msg.ROLE_NAMES[person.role]))
            return TOGGLE_COMMUNES
        chosen = self.data(context).setdefault("communes", [])
        if commune_id in chosen:
            chosen.remove(commune_id)
        else:
            chosen.append(commune_id)
        return await self._commune_list(update, context, int_arg(update) or 0)

    async def communes_done(self, update: Update, context: BotContext) -> int:
        if not self.data(context).get("communes"):
            await tapped(update).answer(msg.BC_NONE_SELECTED, show_alert=True)
            return TOGGLE_COMMUNES
        await clear_buttons(update)
        return await self.ask_audience(update, context)

    async def ask_audience(self, update: Update, context: BotContext) -> int:
        person = await context.registered(update)
        data = self.data(context)
        p = self.prefix
        if person.role == Role.COMMUNE_OFFICIAL:
            buttons = [
                (msg.BC_AUDIENCE_COMMUNE_ALL, f"{p}:a:all"),
                (msg.BC_AUDIENCE_BUTTONS["teams"], f"{p}:a:teams"),
                (msg.BC_AUDIENCE_BUTTONS["leaders"], f"{p}:a:leaders"),
            ]
        else:
            buttons = [(msg.BC_AUDIENCE_BUTTONS[k], f"{p}:a:{k}") for k in ("all", "leaders", "officials")]
            if len(data.get("communes") or []) == 1:
                buttons.insert(1, (msg.BC_AUDIENCE_BUTTONS["teams"], f"{p}:a:teams"))
        await reply(update, msg.BC_PICK_AUDIENCE, column(buttons, nav=True))
        return PICK_AUDIENCE

    async def audience_picked(self, update: Update, context: BotContext) -> int:
        await clear_buttons(update)
        person = await context.registered(update)
        choice = callback_arg(update)
        data = self.data(context)
        if choice == "teams":
            data["audience"], data["teams"] = "all", []
            return await self._team_list(update, context, 0)
        data["audience"], data["teams"] = choice, None
        try:
            await context.services.scopes.check(person, self.scope(context))
        except PermissionDenied:
            await reply(update, msg.NOT_ALLOWED.format(role=msg.ROLE_NAMES[person.role]))
            return await self.ask_audience(update, context)
        return await self.after(update, context)

    async def _team_list(self, update: Update, context: BotContext, page: int) -> int:
        data = self.data(context)
        communes = data.get("communes") or []
        teams = await context.services.directory.teams_of_commune(communes[0]) if len(communes) == 1 else []
        p = self.prefix
        await edit_or_reply(
            update,
            msg.BC_TOGGLE_TEAMS.format(count=len(data.get("teams") or [])),
            toggle_keyboard(
                [(t.id, t.name) for t in teams],
                data.get("teams") or [],
                f"{p}:tt",
                f"{p}:tp",
                f"{p}:tdone",
                page,
            ),
        )
        return TOGGLE_TEAMS

    async def team_page(self, update: Update, context: BotContext) -> int:
        return await self._team_list(update, context, int_arg(update) or 0)

    async def team_toggled(self, update: Update, context: BotContext) -> int:
        person = await context.registered(update)
        data = self.data(context)
        team_id = int_arg(update, -2)
        team = await context.services.directory.team(team_id) if team_id else None
        communes = data.get("communes") or []
        allowed = {c.id for c in await context.services.scopes.communes_for(person)}
        if (
            team is None
            or len(communes) != 1
            or team.commune_id != communes[0]
            or team.commune_id not in allowed
        ):
            await reply(update, msg.NOT_ALLOWED.format(role=msg.ROLE_NAMES[person.role]))
            return TOGGLE_TEAMS
        chosen = data.get("teams")
        if chosen is None:
            chosen = data["teams"] = []
        if team.id in chosen:
            chosen.remove(team.id)
        else:
            chosen.append(team.id)
        return await self._team_list(update, context, int_arg(update) or 0)

    async def teams_done(self, update: Update, context: BotContext) -> int:
        person = await context.registered(update)
        if not self.data(context).get("teams"):
            await tapped(update).answer(msg.BC_NONE_SELECTED, show_alert=True)
            return TOGGLE_TEAMS
        await clear_buttons(update)
        try:
            await context.services.scopes.check(person, self.scope(context))
        except PermissionDenied:
            await reply(update, msg.NOT_ALLOWED.format(role=msg.ROLE_NAMES[person.role]))
            return ConversationHandler.END
        return await self.after(update, context)

    def scope(self, context: BotContext) -> BroadcastScope:
        data = self.data(context)
        teams = data.get("teams")
        return BroadcastScope(
            communes=tuple(data.get("communes") or ()),
            teams=None if teams is None else tuple(teams),
            audience=data.get("audience") or "all",
        )

    def handlers(self) -> dict[object, list[BaseHandler[Update, BotContext, object]]]:
        p = self.prefix
        return {
            PICK_COMMUNES: [
                CallbackQueryHandler(self.all_communes, pattern=rf"^{p}:call$"),
                CallbackQueryHandler(self.choose_communes, pattern=rf"^{p}:cpick$"),
            ],
            TOGGLE_COMMUNES: [
                CallbackQueryHandler(self.commune_toggled, pattern=rf"^{p}:ct:\d+:\d+$"),
                CallbackQueryHandler(self.commune_page, pattern=rf"^{p}:cp:\d+$"),
                CallbackQueryHandler(self.communes_done, pattern=rf"^{p}:cdone$"),
            ],
            PICK_AUDIENCE: [
                CallbackQueryHandler(self.audience_picked, pattern=rf"^{p}:a:(all|teams|leaders|officials)$")
            ],
            TOGGLE_TEAMS: [
                CallbackQueryHandler(self.team_toggled, pattern=rf"^{p}:tt:\d+:\d+$"),
                CallbackQueryHandler(self.team_page, pattern=rf"^{p}:tp:\d+$"),
                CallbackQueryHandler(self.teams_done, pattern=rf"^{p}:tdone$"),
            ],
        }


# --- the /thongbao conversation ------------------------------------------------------------------------
async def _after_scope(update: Update, context: BotContext) -> int:
    await claim_text(update, context, "broadcast")
    await reply(update, msg.BC_ASK_TEXT.format(limit=MAX_TEXT), keyboard([], nav=True))
    return WRITE_TEXT


PICKER = ScopePicker("bc", "bc", _after_scope)


@requires(*SENDERS)
async def start(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    context.user_data.pop("bc", None)
    await reply(
        update, msg.BC_MENU, column([(msg.BC_BTN_NEW, "bc:new"), (msg.BC_BTN_HISTORY, "bc:hist")], nav=True)
    )
    return PICK_COMMUNES


@requires(*SENDERS)
async def new(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    context.user_data["bc"] = {}
    return await PICKER.begin(update, context, await context.registered(update))


def _attachment_of(message: Message) -> dict | None:
    if message.photo:
        return {"kind": "photo", "file_id": message.photo[-1].file_id, "name": None}
    if message.document:
        return {"kind": "document", "file_id": message.document.file_id, "name": message.document.file_name}
    return None


async def text_written(update: Update, context: BotContext) -> int:
    if not await text_is_for(update, context, "broadcast"):
        return await text_for_another_flow(update, context)
    message = message_of(update)
    attachment = _attachment_of(message)
    raw = message.caption if attachment else message.text
    limit = MAX_CAPTION - HEADER_ROOM if attachment else MAX_TEXT
    try:
        text = check_text(raw, with_attachment=False)
        if len(text) > limit:
            raise TextError("too_long", limit)
    except TextError as exc:
        if exc.reason == "empty":
            await reply(update, msg.BC_TEXT_EMPTY)
        else:
            await reply(update, msg.BC_TEXT_TOO_LONG.format(length=len(raw or ""), limit=limit))
        return WRITE_TEXT
    data = PICKER.data(context)
    data["text"] = text
    if attachment:
        data["att"] = attachment
        return await _preview(update, context)
    data["att"] = None
    await reply(update, msg.BC_ASK_ATTACHMENT, column([(msg.BC_BTN_NO_ATTACHMENT, "bc:noatt")], nav=True))
    return ASK_ATTACHMENT


async def attachment_sent(update: Update, context: BotContext) -> int:
    data = PICKER.data(context)
    limit = MAX_CAPTION - HEADER_ROOM
    if len(data.get("text") or "") > limit:
        await reply(
            update,
            msg.BC_CAPTION_TOO_LONG.format(limit=limit, length=len(data["text"])),
            column([(msg.BC_BTN_NO_ATTACHMENT, "bc:noatt")], nav=True),
        )
        return ASK_ATTACHMENT
    data["att"] = _attachment_of(message_of(update))
    return await _preview(update, context)


async def no_attachment(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    PICKER.data(context)["att"] = None
    return await _preview(update, context)


async def attachment_expected(update: Update, context: BotContext) -> int:
    await reply(update, msg.BC_ATTACHMENT_ONLY, column([(msg.BC_BTN_NO_ATTACHMENT, "bc:noatt")], nav=True))
    return ASK_ATTACHMENT


async def _preview(update: Update, context: BotContext) -> int:
    person = await context.registered(update)
    data = PICKER.data(context)
    scope = PICKER.scope(context)
    try:
        recipients = await context.services.broadcasts.recipients(person, scope, context.channel)
    except PermissionDenied:
        await reply(update, msg.NOT_ALLOWED.format(role=msg.ROLE_NAMES[person.role]))
        return ConversationHandler.END
    if not recipients:
        context.user_data.pop("bc", None)
        await reply(update, msg.BC_NO_RECIPIENTS)
        return ConversationHandler.END
    full_text = f"{await sender_header(context, person)}\n\n{data['text']}"
    await reply(update, msg.BC_PREVIEW_INTRO)
    preview = {
        "id": 0,
        "kind": "announcement",
        "text": full_text,
        "attachment_kind": (data.get("att") or {}).get("kind"),
        "attachment_file_id": (data.get("att") or {}).get("file_id"),
    }
    await send_broadcast_message(
        context.bot, chat_of(update).id, preview, keyboard([[(msg.BC_BTN_ACK, "bc:noop")]])
    )
    count = len(recipients)
    await reply(
        update,
        msg.BC_CONFIRM.format(count=count, scope=await scope_label(context, scope)),
        column(
            [
                (msg.BC_BTN_SEND.format(count=count), "bc:send"),
                (msg.BC_BTN_EDIT, "bc:edit"),
                (msg.BTN_CANCEL, "bc:cancel"),
            ]
        ),
    )
    return CONFIRM


async def edit_text(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    return await _after_scope(update, context)


@requires(*SENDERS)
async def send(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    person = await context.registered(update)
    data = context.user_data.get("bc") or {}
    if not data.get("text"):
        await reply(update, msg.BUTTON_EXPIRED)
        return ConversationHandler.END
    text = f"{await sender_header(context, person)}\n\n{data['text']}"
    try:
        broadcast_id, count = await context.services.broadcasts.create(
            person, PICKER.scope(context), context.channel, text, attachment=data.get("att")
        )
    except PermissionDenied:
        context.user_data.pop("bc", None)
        await reply(update, msg.NOT_ALLOWED.format(role=msg.ROLE_NAMES[person.role]))
        return ConversationHandler.END
    except TextError:
        await reply(update, msg.BC_TEXT_TOO_LONG.format(length=len(text), limit=MAX_TEXT))
        return WRITE_TEXT
    context.user_data.pop("bc", None)
    await start_progress(context, broadcast_id, count, chat_of(update).id)
    return ConversationHandler.END


async def start_progress(context: BotContext, broadcast_id: int, count: int, chat_id: int) -> None:
    """The sender's progress message (edited by the worker as it goes), then wake the worker."""
    broadcasts = context.services.broadcasts
    if count:
        message = await context.bot.send_message(chat_id, progress_text(broadcast_id, {"total": count}))
        await broadcasts.set_progress_message(broadcast_id, chat_id, message.message_id)
        broadcasts.wake()
    else:
        await context.bot.send_message(chat_id, msg.BC_NO_RECIPIENTS)


def progress_text(broadcast_id: int, counts: dict[str, int]) -> str:
    total = counts.get("total", 0)
    done = sum(counts.get(s, 0) for s in ("sent", "failed", "blocked"))
    return msg.BC_PROGRESS.format(
        id=broadcast_id,
        done=done,
        total=total,
        percent=int(100 * done / total) if total else 100,
        sent=counts.get("sent", 0),
        failed=counts.get("failed", 0),
        blocked=counts.get("blocked", 0),
    )


def done_text(broadcast_id: int, counts: dict[str, int]) -> str:
    text = msg.BC_DONE.format(
        id=broadcast_id,
        total=counts["total"],
        sent=counts["sent"],
        failed=counts["failed"],
        blocked=counts["blocked"],
        acked=counts["acked"],
    )
    if counts.get("outside_window"):
        text += "\n" + msg.BC_OUTSIDE_WINDOW_LINE.format(count=counts["outside_window"])
    return text


async def cancel(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    context.user_data.pop("bc", None)
    await reply(update, msg.CANCELLED)
    return ConversationHandler.END


async def use_buttons(update: Update, context: BotContext) -> None:
    await reply(update, msg.USE_BUTTONS)


# --- history, details, acknowledgements ------------------------------------------------------------------
@requires(*SENDERS)
async def history(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    person = await context.registered(update)
    items = await context.services.broadcasts.history(person)
    if not items:
        await reply(update, msg.BC_HISTORY_EMPTY)
        return ConversationHandler.END
    lines, buttons = [msg.BC_HISTORY_TITLE], []
    tz = context.services.config.timezone
    for b in items:
        counts = b["counts"]
        body = b["text"].split("\n\n", 1)[-1].replace("\n", " ")
        lines.append(
            msg.BC_HISTORY_LINE.format(
                id=b["id"],
                date=local_date(b["created_at"], tz),
                preview=body[:60] + ("…" if len(body) > 60 else ""),
                sent=counts["sent"],
                total=counts["total"],
                acked=counts["acked"],
                pending=msg.BC_HISTORY_PENDING if b["finished_at"] is None else "",
            )
        )
        buttons.append((f"{msg.BC_BTN_DETAILS} số {b['id']}", f"bc:h:{b['id']}"))
    await reply(update, "\n".join(lines), column(buttons))
    return ConversationHandler.END


def _failure_reason(failure: dict) -> str:
    if failure["status"] == "blocked":
        return msg.BC_REASON_BLOCKED
    if "outside_window" in (failure["error"] or ""):  # Zalo OA: bot.channels.oa.OUTSIDE_WINDOW
        return msg.OA_OUTSIDE_WINDOW
    return failure["error"]


@requires(*SENDERS)
async def details(update: Update, context: BotContext) -> None:
    person = await context.registered(update)
    try:
        broadcast, counts, failures = await context.services.broadcasts.details(person, int_arg(update) or 0)
    except PermissionDenied:
        await reply(update, msg.NOT_ALLOWED.format(role=msg.ROLE_NAMES[person.role]))
        return
    text = msg.BC_DETAILS.format(
        id=broadcast["id"],
        date=local_date(broadcast["created_at"], context.services.config.timezone),
        total=counts["total"],
        sent=counts["sent"],
        pending=counts["pending"] + counts["sending"],
        failed=counts["failed"],
        blocked=counts["blocked"],
        acked=counts["acked"],
    )
    if counts.get("outside_window"):
        text += "\n" + msg.BC_OUTSIDE_WINDOW_LINE.format(count=counts["outside_window"])
    if failures:
        text += (
            "\n\n"
            + msg.BC_DETAILS_FAILURES
            + "\n"
            + "\n".join(
                msg.BC_FAILURE_LINE.format(name=f["full_name"], reason=_failure_reason(f)) for f in failures
            )
        )
    await reply(update, text)


async def acknowledge(update: Update, context: BotContext) -> None:
    query = tapped(update)
    person = await context.person(update)
    result = None
    if person is not None:
        result = await context.services.broadcasts.acknowledge(int_arg(update) or 0, person)
    if result is None:
        await query.answer(msg.BC_ACK_NOT_FOR_YOU, show_alert=True)
        return
    await query.answer(msg.BC_ACK_THANKS)
    try:
        await query.edit_message_reply_markup(keyboard([[(msg.BC_BTN_ACKED, query.data or "")]]))
    except TelegramError:
        log.debug("ack markup not changed", exc_info=True)


async def preview_button(update: Update, context: BotContext) -> None:
    await tapped(update).answer(msg.BC_PREVIEW_BUTTON)


# --- how a delivered broadcast looks --------------------------------------------------------------------
async def send_broadcast_message(
    bot, chat_id: int | str, broadcast: dict, markup: InlineKeyboardMarkup | None
) -> Message:
    kind, file_id = broadcast.get("attachment_kind"), broadcast.get("attachment_file_id")
    if kind == "photo":
        return await bot.send_photo(chat_id, file_id, caption=broadcast["text"], reply_markup=markup)
    if kind == "document":
        return await bot.send_document(chat_id, file_id, caption=broadcast["text"], reply_markup=markup)
    return await bot.send_message(chat_id, broadcast["text"], reply_markup=markup)


def wake_worker(app: Application) -> None:
    """New outbox rows: wake the delivery workers (kept for the modules that call it with their
    application)."""
    service_app(app).services.broadcasts.wake()


def register(app: Application) -> None:
    register_flow("broadcast", text_states={WRITE_TEXT, ASK_ATTACHMENT}, cancel=cancel, keys=["bc"])
    text = filters.TEXT & ~filters.COMMAND
    attachment = filters.PHOTO | filters.Document.ALL
    app.add_handler(
        ConversationHandler(
            name="broadcast",
            persistent=True,
            entry_points=[
                CommandHandler("thongbao", start),
                CallbackQueryHandler(start, pattern=r"^menu:thongbao$"),
            ],
            states={
                **PICKER.handlers(),
                PICK_COMMUNES: [
                    CallbackQueryHandler(new, pattern=r"^bc:new$"),
                    CallbackQueryHandler(history, pattern=r"^bc:hist$"),
                    *PICKER.handlers()[PICK_COMMUNES],
                ],
                WRITE_TEXT: [MessageHandler(text | attachment, text_written)],
                ASK_ATTACHMENT: [
                    MessageHandler(attachment, attachment_sent),
                    CallbackQueryHandler(no_attachment, pattern=r"^bc:noatt$"),
                    MessageHandler(text, attachment_expected),
                ],
                CONFIRM: [
                    CallbackQueryHandler(send, pattern=r"^bc:send$"),
                    CallbackQueryHandler(edit_text, pattern=r"^bc:edit$"),
                    CallbackQueryHandler(cancel, pattern=r"^bc:cancel$"),
                ],
            },
            fallbacks=[
                CommandHandler(["huy", "cancel"], cancel),
                CallbackQueryHandler(cancel, pattern=r"^bc:cancel$"),
                MessageHandler(text, use_buttons),
            ],
            allow_reentry=True,
        )
    )
    app.add_handler(CallbackQueryHandler(acknowledge, pattern=r"^bc:ack:\d+$"))
    app.add_handler(CallbackQueryHandler(details, pattern=r"^bc:h:\d+$"))
    app.add_handler(CallbackQueryHandler(preview_button, pattern=r"^bc:noop$"))
