"""What every handler shares: the context type, the current person, role checks, keyboards."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, cast

from telegram import CallbackQuery, Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.ext import Application, CallbackContext, ConversationHandler, ExtBot, JobQueue

from bot import messages as msg
from services.models import Person, Role

if TYPE_CHECKING:
    from bot.container import Services

log = logging.getLogger(__name__)

_UNSET = object()
Handler = TypeVar("Handler", bound=Callable[..., Awaitable[Any]])
Found = TypeVar("Found")


class ServiceApplication(Application[ExtBot[None], Any, dict, dict, dict, JobQueue["BotContext"]]):
    """The application the handlers run in: it holds the services and knows its channel ('telegram',
    'console', 'zalo', 'oa'). bot.app.MediatorApplication is the one that is built."""

    services: Services
    channel: str


class NotRegistered(LookupError):
    """BotContext.registered() found nobody: the handler was reached without @requires."""


class UnexpectedUpdate(TypeError):
    """A handler got an update of a kind it is not registered for (no button tap, no message, no chat)."""


class MissingRecord(LookupError):
    """A row that another row points to is not in the database."""


def existing(value: Found | None, what: str) -> Found:
    """`value`, read by an id that another row holds (a person's team, an invite's commune): it must exist."""
    if value is None:
        raise MissingRecord(f"{what} not found")
    return value


def service_app(app: Application) -> ServiceApplication:
    """`app` as the application the handlers run in (bot.app builds no other kind)."""
    if not isinstance(app, ServiceApplication):
        raise TypeError(f"handlers run in a ServiceApplication, not {type(app).__name__}")
    return app


class BotContext(CallbackContext[ExtBot[None], dict, dict, dict]):
    """The callback context: gives handlers the services and the channel of the update."""

    @property
    def application(self) -> ServiceApplication:
        return service_app(super().application)

    @property
    def user_data(self) -> dict:
        """This user's data; for an update without a user (none reaches a handler that keeps state), an empty
        dict that is not kept."""
        data = super().user_data
        return {} if data is None else data

    @user_data.setter
    def user_data(self, _: object) -> NoReturn:
        raise AttributeError("user_data cannot be replaced; change its keys")

    @property
    def services(self) -> Services:
        return self.application.services

    @property
    def channel(self) -> str:
        return self.application.channel

    async def person(self, update: Update) -> Person | None:
        """The registered person behind this update (cached for the update), or None."""
        cached = self.__dict__.get("_person", _UNSET)
        if cached is not _UNSET:
            return cached
        user = update.effective_user
        person = None
        if user is not None:
            person = await self.services.directory.person_by_identity(self.channel, str(user.id))
        self.__dict__["_person"] = person
        return person

    async def registered(self, update: Update) -> Person:
        """The registered person behind this update, in a handler behind @requires (which has already
        answered an unregistered one)."""
        person = await self.person(update)
        if person is None:
            raise NotRegistered("a handler that needs a registered person got an update without one")
        return person

    def forget_person(self) -> None:
        self.__dict__.pop("_person", None)


#: The longest button label a 360-dp phone shows whole on a row of its own (longer: `numbered_choices`).
LABEL_MAX = 40
#: Callback data of the two buttons every step of a flow ends with (handled in handlers.flows).
BACK_DATA = "flow:back"
CANCEL_DATA = "flow:cancel"
#: What the current update last sent with reply() (text, markup): handlers.flows remembers a flow's steps.
LAST_PROMPT: ContextVar[tuple[str, InlineKeyboardMarkup | None] | None] = ContextVar(
    "last_prompt", default=None
)


def nav_row(back: str | None = BACK_DATA) -> list[tuple[str, str]]:
    """The last row of a step's keyboard: ◀ Quay lại (to `back`; the previous step by default) and ✖ Hủy."""
    row = [(msg.BTN_BACK, back)] if back else []
    row.append((msg.BTN_CANCEL, CANCEL_DATA))
    return row


def fit(label: str, limit: int = LABEL_MAX) -> str:
    """`label` as it fits on a button: whole when it is short enough, else cut between words with "…"."""
    label = " ".join(label.split())
    if len(label) <= limit:
        return label
    head, space, tail = label.rpartition(" (")
    if space and tail.endswith(")") and len(tail) <= 8 and head:  # a count "(12)" goes first, then words
        return head if len(head) <= limit else fit(head, limit - len(tail) - 2) + " (" + tail
    cut = label[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-—(")
    return (cut if len(cut) >= limit // 2 else label[: limit - 1]) + "…"


def numbered_choices(
    items: Sequence[tuple[str, str]], per_row: int = 5
) -> tuple[str, list[list[tuple[str, str]]]]:
    """Choices too long for buttons: ("1. first\n2. second…", rows of short buttons "1", "2"…) — the text goes
    in the message, the buttons carry only the numbers (so typing the number works on every channel too)."""
    lines = "\n".join(f"{n}. {label}" for n, (label, _) in enumerate(items, 1))
    buttons = [(str(n), data) for n, (_, data) in enumerate(items, 1)]
    return lines, [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


def keyboard(
    rows: Iterable[Sequence[tuple[str, str]]], nav: bool = False, back: str | None = BACK_DATA
) -> InlineKeyboardMarkup:
    """[[(label, callback_data), ...], ...] → inline keyboard; `nav`: a step of a flow, so ◀ Quay lại (to
    `back`) and ✖ Hủy are added as the last row (an earlier ◀ Quay lại is replaced by it)."""
    rows = [list(row) for row in rows]
    if nav:
        rows = [kept for row in rows if (kept := [b for b in row if b[0] != msg.BTN_BACK])] + [nav_row(back)]
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(fit(label), callback_data=data) for label, data in row] for row in rows]
    )


def column(
    buttons: Iterable[tuple[str, str]], nav: bool = False, back: str | None = BACK_DATA
) -> InlineKeyboardMarkup:
    """One button per row: easiest to tap on a small phone."""
    return keyboard([[b] for b in buttons], nav=nav, back=back)


async def reply(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None, **kwargs: Any
) -> Message:
    """Answer a message or a button tap with a new message in the same chat."""
    if update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except Exception:  # an expired query must not stop the answer itself
            log.debug("callback answer failed", exc_info=True)
    sent = await chat_of(update).send_message(text, reply_markup=markup, **kwargs)
    LAST_PROMPT.set((text, markup))
    return sent


async def clear_buttons(update: Update) -> None:
    """Remove the buttons of the message that was tapped, so an old choice cannot be tapped twice."""
    query = update.callback_query
    if query is not None and query.message is not None and getattr(query.message, "reply_markup", None):
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except Exception:
            log.debug("could not clear buttons", exc_info=True)


def requires(*roles: Role) -> Callable[[Handler], Handler]:
    """Allow the handler only for registered people with one of `roles` (all registered if none given)."""

    def decorate(func: Handler) -> Handler:
        @functools.wraps(func)
        async def wrapper(update: Update, context: BotContext, *args: Any, **kwargs: Any) -> Any:
            person = await context.person(update)
            if person is None:
                await reply(update, msg.NEED_REGISTRATION)
                return ConversationHandler.END
            if roles and person.role not in roles:
                await reply(update, msg.NOT_ALLOWED.format(role=msg.ROLE_NAMES[person.role]))
                return ConversationHandler.END
            return await func(update, context, *args, **kwargs)

        # functools.wraps keeps the signature at run time; mypy only sees a `_Wrapped`.
        return cast(Handler, wrapper)

    return decorate


def name_and_role(person: Person) -> str:
    """ "Lò Thị Hoa (Công chức Tư pháp – hộ tịch)"; a name that is the role itself ("Quản trị hệ thống")
    once."""
    role = msg.ROLE_NAMES[person.role]
    return (
        person.full_name
        if person.full_name.strip().lower() == role.lower()
        else f"{person.full_name} ({role})"
    )


def tapped(update: Update) -> CallbackQuery:
    """The button tap of the update, in a handler registered for taps (CallbackQueryHandler)."""
    if update.callback_query is None:
        raise UnexpectedUpdate("a button handler got an update without a button tap")
    return update.callback_query


def tapped_data(update: Update) -> str:
    """The callback data of the tapped button ("" when the button carries none)."""
    return tapped(update).data or ""


def new_message(update: Update) -> Message:
    """The new message of the update (not an edited one), in a handler registered for messages."""
    if update.message is None:
        raise UnexpectedUpdate("a message handler got an update without a message")
    return update.message


def typed(update: Update) -> str:
    """The text of the message, in a handler registered for messages ("" for a message without text)."""
    return new_message(update).text or ""


def message_of(update: Update) -> Message:
    """The message of the update (sent or edited), in a handler registered for messages."""
    if update.effective_message is None:
        raise UnexpectedUpdate("a message handler got an update without a message")
    return update.effective_message


def chat_of(update: Update) -> Chat:
    """The chat of the update (every message and button tap has one)."""
    if update.effective_chat is None:
        raise UnexpectedUpdate("an update without a chat")
    return update.effective_chat


def user_of(update: Update) -> User:
    """The user behind the update (every message and button tap has one)."""
    if update.effective_user is None:
        raise UnexpectedUpdate("an update without a user")
    return update.effective_user


def callback_arg(update: Update, index: int = -1) -> str:
    """The `index`-th ':'-separated part of the tapped button's data."""
    data = update.callback_query.data if update.callback_query else ""
    parts = (data or "").split(":")
    try:
        return parts[index]
    except IndexError:
        return ""


def int_arg(update: Update, index: int = -1) -> int | None:
    value = callback_arg(update, index)
    return int(value) if value.isascii() and value.isdigit() else None


async def watched_places(
    context: BotContext, person: Person, max_communes: int = 20
) -> list[tuple[str, dict]]:
    """The places a person looks after, as (name, scope) pairs: a team leader their team, a commune official
    their commune, a province official the province and (up to `max_communes`) each of its communes."""
    org = context.services.directory
    places: list[tuple[str, dict]] = []
    if person.role == Role.TEAM_LEADER and person.team_id and (team := await org.team(person.team_id)):
        places.append((team.name, {"team_id": team.id}))
    elif (
        person.role == Role.COMMUNE_OFFICIAL
        and person.commune_id
        and (commune := await org.commune(person.commune_id))
    ):
        places.append((commune.name, {"commune_id": commune.id}))
    elif (
        person.role == Role.PROVINCE_OFFICIAL
        and person.province_id
        and (province := await org.province(person.province_id))
    ):
        from services.stats_export import province_label

        places.append((province_label(province.name), {"province_id": province.id}))
        for commune in (await org.communes_of_province(province.id))[:max_communes]:
            places.append((commune.name, {"commune_id": commune.id}))
    return places


# --- Typed text belongs to the flow that asked for it last (storage/text_claims.py) -------------------------
async def claim_text(update: Update, context: BotContext, flow: str) -> None:
    """The person's next typed text is for `flow` (any earlier flow's claim ends)."""
    person = await context.person(update)
    if person is not None:
        await context.services.text_claims.claim(person.id, flow)


async def text_is_for(update: Update, context: BotContext, flow: str) -> bool:
    """Whether `flow` is the one that asked this person for text last (unregistered people keep no record)."""
    person = await context.person(update)
    return person is None or await context.services.text_claims.holds(person.id, flow)


async def text_for_another_flow(update: Update, context: BotContext) -> int:
    """Typed text reached a flow that no longer awaits it: nothing is written, that flow's conversation
    ends."""
    await reply(update, msg.TEXT_NOT_FOR_THIS_FLOW)
    return ConversationHandler.END
