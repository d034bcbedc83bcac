"""/tailieu: the training-materials library — browse by topic, search by name, receive files or links.

Files are uploaded once per content hash; Telegram's file id is kept and reused. Every opening is recorded
for the "access to training materials" indicator, which officials see at the top of /tailieu.
"""

from __future__ import annotations

import logging
import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import BadRequest
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
    column,
    keyboard,
    numbered_choices,
    reply,
    tapped,
    text_for_another_flow,
    text_is_for,
    typed,
    user_of,
    watched_places,
)
from handlers.fallback import free_text
from handlers.flows import register_flow
from handlers.menu import Capability, register_capability
from services.library import Catalogue, Material
from services.models import Person

log = logging.getLogger(__name__)

BROWSE, SEARCH = 0, 1
#: Typed text counts as a library search only this long after the last library action; later it is a question.
SEARCH_WINDOW_S = 15 * 60
MAX_BUTTONS = 30

register_capability(Capability("tailieu", msg.BTN_LIBRARY, "tailieu", msg.CMD_LIBRARY, None, order=40))


def _touch(context: BotContext) -> None:
    context.user_data["lib"] = {"at": int(time.time())}


def _catalogue(context: BotContext) -> Catalogue:
    return context.services.library.catalogue


def _share(opened: int, total: int) -> str:
    return f"{round(100 * opened / total)}%" if total else "0%"


async def access_lines(context: BotContext, person: Person | None) -> list[str]:
    """The access indicator for the places an official (or a team leader) looks after."""
    if person is None:
        return []
    library = context.services.library
    places = await watched_places(context, person)
    lines = []
    for place, scope in places:
        stats = await library.access(**scope)
        if stats.mediators:
            lines.append(
                msg.LIBRARY_ACCESS_PLACE.format(
                    opened=stats.opened,
                    total=stats.mediators,
                    place=place,
                    share=_share(stats.opened, stats.mediators),
                )
            )
        else:
            lines.append(msg.LIBRARY_ACCESS_NONE.format(place=place))
    if lines:
        lines.append(msg.LIBRARY_ACCESS_TARGET)
    return lines


def _topics_keyboard(catalogue: Catalogue) -> InlineKeyboardMarkup:
    buttons = []
    for topic in catalogue.topics:
        count = len(catalogue.in_topic(topic.code))
        if count:
            buttons.append(
                (msg.LIBRARY_TOPIC_BUTTON.format(name=topic.name, count=count), f"doc:t:{topic.code}")
            )
    return column([(msg.LIBRARY_BTN_SEARCH, "doc:s"), *buttons])


def _material_button(material: Material) -> tuple[str, str]:
    icon = msg.LIBRARY_FILE_ICON if material.file else msg.LIBRARY_LINK_ICON
    return f"{icon} {material.title}", f"doc:m:{material.id}"


def _materials_keyboard(materials: list[Material]) -> tuple[str, InlineKeyboardMarkup]:
    """The materials as a numbered list (titles are long) and buttons with their numbers."""
    lines, rows = numbered_choices([_material_button(m) for m in materials[:MAX_BUTTONS]])
    return lines, keyboard(
        rows + [[(msg.LIBRARY_BACK_TOPICS, "doc:home"), (msg.LIBRARY_BTN_SEARCH, "doc:s")]]
    )


async def start(update: Update, context: BotContext) -> int:
    _touch(context)
    await claim_text(update, context, "library")
    person = await context.person(update)
    lines = await access_lines(context, person)
    text = msg.LIBRARY_HOME if not lines else "\n".join(lines) + "\n\n" + msg.LIBRARY_HOME
    await reply(update, text, _topics_keyboard(_catalogue(context)))
    return BROWSE


async def topic_picked(update: Update, context: BotContext) -> int:
    _touch(context)
    await claim_text(update, context, "library")
    catalogue = _catalogue(context)
    topic = catalogue.topic_by_code.get(callback_arg(update))
    if topic is None:
        await reply(update, msg.LIBRARY_NOT_FOUND_ITEM, _topics_keyboard(catalogue))
        return BROWSE
    materials = catalogue.in_topic(topic.code)
    if not materials:
        await reply(update, msg.LIBRARY_TOPIC_EMPTY, _topics_keyboard(catalogue))
        return BROWSE
    lines, markup = _materials_keyboard(materials)
    await reply(update, msg.LIBRARY_TOPIC_N.format(name=topic.name) + "\n" + lines, markup)
    return BROWSE


async def material_picked(update: Update, context: BotContext) -> int:
    _touch(context)
    await claim_text(update, context, "library")
    catalogue = _catalogue(context)
    material = catalogue.by_id.get(callback_arg(update))
    if material is None:
        await reply(update, msg.LIBRARY_NOT_FOUND_ITEM, _topics_keyboard(catalogue))
        return BROWSE
    if update.callback_query is not None:
        try:
            await tapped(update).answer()
        except Exception:
            log.debug("callback answer failed", exc_info=True)
    if material.link:
        await chat_of(update).send_message(
            msg.LIBRARY_LINK.format(
                icon=msg.LIBRARY_LINK_ICON,
                title=material.title,
                description=material.description,
                link=material.link,
            ),
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton(msg.LIBRARY_OPEN_LINK, url=material.link)]]
            ),
        )
    elif not await send_material_file(update, context, material):
        await reply(update, msg.LIBRARY_SEND_FAILED)
        return BROWSE
    person = await context.person(update)
    await context.services.library.record_open(material, person, context.channel, str(user_of(update).id))
    siblings = [m for m in catalogue.in_topic(material.topic) if m.id != material.id]
    lines, markup = _materials_keyboard(siblings)
    await reply(update, msg.LIBRARY_MORE + "\n" + lines, markup)
    return BROWSE


async def send_material_file(update: Update, context: BotContext, material: Material) -> bool:
    """Send by the stored file id; upload (and remember the new file id) the first time or if it went
    stale."""
    library = context.services.library
    payload = library.catalogue.payload(material)
    hint = (
        msg.LIBRARY_XLSX_HINT
        if payload.filename.endswith(".xlsx")
        else (msg.LIBRARY_TXT_HINT if payload.filename.endswith(".txt") else "")
    )
    caption = msg.LIBRARY_CAPTION.format(title=material.title, description=material.description)
    if hint:
        caption += "\n\n" + hint
    caption = caption[:1024]
    chat_id = chat_of(update).id
    store, channel = library.store, context.channel
    file_id = await store.file_id(material.id, payload.sha256, channel)
    if file_id:
        try:
            await context.bot.send_document(chat_id, file_id, caption=caption)
            return True
        except BadRequest:
            log.info("stored file id of %s no longer valid; uploading again", material.id)
            await store.forget_file_id(material.id, payload.sha256, channel)
    try:
        sent = await context.bot.send_document(
            chat_id,
            InputFile(payload.content, filename=payload.filename),
            caption=caption,
            filename=payload.filename,
        )
    except BadRequest:
        log.warning("could not send material %s", material.id, exc_info=True)
        return False
    if sent.document is not None:
        await store.remember_file_id(material.id, payload.sha256, channel, sent.document.file_id)
    return True


async def ask_search(update: Update, context: BotContext) -> int:
    _touch(context)
    await reply(update, msg.LIBRARY_ASK_SEARCH, column([(msg.LIBRARY_BACK_TOPICS, "doc:home")]))
    return SEARCH


async def text_typed(update: Update, context: BotContext) -> int:
    """Typed text in the library is a search; long after the last library action it is a question instead."""
    started = (context.user_data.get("lib") or {}).get("at", 0)
    if time.time() - started > SEARCH_WINDOW_S:
        context.user_data.pop("lib", None)
        await free_text(update, context)
        return ConversationHandler.END
    if not await text_is_for(update, context, "library"):
        context.user_data.pop("lib", None)
        return await text_for_another_flow(update, context)
    _touch(context)
    catalogue = _catalogue(context)
    query = " ".join(typed(update).split())[:100]
    if not query:
        await reply(update, msg.LIBRARY_SEARCH_EMPTY, _topics_keyboard(catalogue))
        return SEARCH
    found = catalogue.search(query)
    if not found:
        await reply(update, msg.LIBRARY_SEARCH_NONE.format(query=query), _topics_keyboard(catalogue))
        return SEARCH
    lines, markup = _materials_keyboard(found)
    await reply(
        update, msg.LIBRARY_SEARCH_RESULTS.format(count=len(found), query=query) + "\n" + lines, markup
    )
    return BROWSE


async def cancel(update: Update, context: BotContext) -> int:
    context.user_data.pop("lib", None)
    await reply(update, msg.CANCELLED)
    return ConversationHandler.END


def register(app: Application) -> None:
    register_flow("library", text_states={SEARCH}, cancel=cancel, keys=["lib"])
    text = filters.TEXT & ~filters.COMMAND
    browse: list[BaseHandler[Update, BotContext, object]] = [
        CallbackQueryHandler(start, pattern=r"^doc:home$"),
        CallbackQueryHandler(topic_picked, pattern=r"^doc:t:[\w-]{1,50}$"),
        CallbackQueryHandler(material_picked, pattern=r"^doc:m:[\w-]{1,50}$"),
        CallbackQueryHandler(ask_search, pattern=r"^doc:s$"),
    ]
    app.add_handler(
        ConversationHandler(
            name="library",
            persistent=True,
            entry_points=[
                CommandHandler("tailieu", start),
                CallbackQueryHandler(start, pattern=r"^menu:tailieu$"),
                *browse,
            ],
            states={BROWSE: browse, SEARCH: [*browse, MessageHandler(text, text_typed)]},
            fallbacks=[CommandHandler(["huy", "cancel"], cancel)],
            allow_reentry=True,
        )
    )
