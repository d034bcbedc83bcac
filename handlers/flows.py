"""One place for how the chat's flows (conversations) share a chat, so that nobody gets lost in one.

- Starting a flow (a command, a menu button, or an entry button of another flow) ends every other open flow
  cleanly: the flow's own keys in user_data are dropped; what lives in the database (a case report's draft)
  stays and is offered again when that flow starts next time.
- Free text is a legal question unless the current step of the open flow explicitly asks for text (each flow
  says which of its steps do, see `register_flow`).
- Leaving words work without a slash: "huy"/"hủy" cancel the flow (as /huy); "thoát", "thôi", "quay lại",
  "menu" leave it (drafts kept). The ✖ Hủy button (`CANCEL_DATA`) is the same as "huy". Then the menu.
- ◀ Quay lại (`BACK_DATA`) shows the flow's previous step again, in its state: the steps a flow showed (what
  reply() sent) are remembered per flow; at the first step it leaves the flow. Steps get both buttons from
  `keyboard(..., nav=True)` / `column(..., nav=True)` in handlers.common.
- When a flow finishes by itself, the main menu is offered.

It works from the outside of the flows: a handler in group -1 looks at the conversations' states before the
update reaches them (group 0), and one in group 1 looks at them afterwards.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    BaseHandler,
    CommandHandler,
    ConversationHandler,
    TypeHandler,
)

from bot import messages as msg
from handlers.common import BACK_DATA, CANCEL_DATA, LAST_PROMPT, BotContext, clear_buttons, reply
from knowledge.text import fold

log = logging.getLogger(__name__)

#: user_data key: per flow, the steps shown so far [[state, text, markup], …], for ◀ Quay lại.
STEPS_KEY = "_steps"
MAX_STEPS = 20
#: Typed (without a slash, any case, diacritics optional) or as commands: cancel the open flow.
CANCEL_WORDS = frozenset({"huy", "huy bo", "cancel"})
#: Leave the open flow (its draft, if any, is kept) and show the menu.
LEAVE_WORDS = frozenset({"thoat", "thoi", "quay lai", "menu", "dung", "dung lai", "thoi khong lam nua"})
CANCEL_COMMANDS = frozenset({"huy", "cancel"})

AsksText = Callable[[Update, BotContext, object], Awaitable[bool]]
Cancel = Callable[[Update, BotContext], Awaitable[Any]]


@dataclass
class Flow:
    name: str
    #: States in which the step asks for typed text (a code, a name, a date, a period, a text to send…).
    text_states: frozenset = frozenset()
    #: For flows with one state for many steps (the case form): does the current step ask for text?
    asks_text: AsksText | None = None
    #: The flow's own /huy (replies and cleans up); when None, the generic "Đã hủy".
    cancel: Cancel | None = None
    #: user_data keys the flow keeps while open; dropped when the flow is ended from outside.
    keys: tuple[str, ...] = field(default_factory=tuple)


FLOWS: dict[str, Flow] = {}


def register_flow(
    name: str,
    *,
    text_states: Collection[object] = (),
    asks_text: AsksText | None = None,
    cancel: Cancel | None = None,
    keys: Collection[str] = (),
) -> None:
    """Declare how the conversation called `name` behaves among the others (one call in its module)."""
    FLOWS[name] = Flow(name, frozenset(text_states), asks_text, cancel, tuple(keys))


def leaving_word(text: str | None) -> str | None:
    """ "cancel" or "leave" when `text` is one of the leaving words (with or without a slash), else None."""
    if not text or len(text) > 40:
        return None
    words = fold(text.strip().lstrip("/"))
    if words.split()[:1] and text.strip().startswith("/"):
        words = words.split()[0]  # "/huy@MyBot" → "huy"
    if words in CANCEL_WORDS:
        return "cancel"
    if words in LEAVE_WORDS:
        return "leave"
    return None


# --- the conversations' states ---------------------------------------------------------------------------
def _conversations(app: Application) -> list[ConversationHandler]:
    return [h for h in app.handlers.get(0, []) if isinstance(h, ConversationHandler) and h.name]


def _key(conv: ConversationHandler, update: Update) -> tuple | None:
    try:
        return conv._get_key(update)
    except RuntimeError:  # an update without chat or user
        return None


def open_flows(app: Application, update: Update) -> dict[ConversationHandler, object]:
    """The conversations open for this update's chat and user, with their states."""
    found = {}
    for conv in _conversations(app):
        key = _key(conv, update)
        state = conv._conversations.get(key) if key is not None else None
        if state is not None:
            found[conv] = state
    return found


def _flow(conv: ConversationHandler) -> Flow | None:
    """The declared flow of `conv` (None: undeclared or unnamed)."""
    return FLOWS.get(conv.name) if conv.name else None


def end_flow(conv: ConversationHandler, update: Update, context: BotContext) -> None:
    """End `conv` for this chat and user; the flow's user_data keys go, its database drafts stay."""
    key = _key(conv, update)
    if key is not None:
        conv._update_state(ConversationHandler.END, key)
    flow = _flow(conv)
    if flow is not None:
        for name in flow.keys:
            context.user_data.pop(name, None)
    _forget_steps(conv, context)


def _steps(conv: ConversationHandler, context: BotContext) -> list[list[Any]]:
    return context.user_data.setdefault(STEPS_KEY, {}).setdefault(conv.name, [])


def _forget_steps(conv: ConversationHandler, context: BotContext) -> None:
    steps = context.user_data.get(STEPS_KEY)
    if steps is not None:
        steps.pop(conv.name, None)
        if not steps:
            context.user_data.pop(STEPS_KEY, None)


def _remember_step(conv: ConversationHandler, state: object, context: BotContext) -> None:
    """The prompt this update sent in `conv` is the flow's current step (a repeated step replaces itself)."""
    prompt = LAST_PROMPT.get()
    if prompt is None or not isinstance(state, (int, str)):
        return
    text, markup = prompt
    steps = _steps(conv, context)
    entry = [state, text, markup.to_dict() if isinstance(markup, InlineKeyboardMarkup) else None]
    if steps and steps[-1][0] == state:
        steps[-1] = entry
    else:
        steps.append(entry)
        del steps[:-MAX_STEPS]


async def go_back(update: Update, context: BotContext) -> None:
    """◀ Quay lại: show the previous step of the open flow again (in its state); at the first step, the
    menu."""
    await clear_buttons(update)
    for conv in open_flows(context.application, update):
        steps = _steps(conv, context)
        if len(steps) >= 2:
            steps.pop()
            state, text, markup = steps[-1]
            key = _key(conv, update)
            if key is not None:
                conv._update_state(state, key)
            await reply(update, text, InlineKeyboardMarkup.de_json(markup, context.bot) if markup else None)
            return
    await leave(update, context, "leave")


def _commands(handlers: list[BaseHandler]) -> set[str]:
    found: set[str] = set()
    for h in handlers:
        if isinstance(h, CommandHandler):
            found |= set(h.commands)
        elif isinstance(h, ConversationHandler):
            inner = [*h.entry_points, *h.fallbacks, *(x for hs in h.states.values() for x in hs)]
            found |= _commands(inner)
    return found


#: Per application: the commands its handlers of group 0 answer (read once, after registration).
_COMMANDS: weakref.WeakKeyDictionary[Application, set[str]] = weakref.WeakKeyDictionary()


def _known_commands(app: Application) -> set[str]:
    cached = _COMMANDS.get(app)
    if cached is None:
        cached = _COMMANDS[app] = _commands(app.handlers.get(0, []))
    return cached


def _command(update: Update) -> str | None:
    message = update.message
    text = message.text if message is not None else None
    if not text or not text.startswith("/"):
        return None
    return text[1:].split()[0].split("@")[0].lower() if len(text) > 1 else ""


def _handling_conversation(app: Application, update: Update) -> ConversationHandler | None:
    """The conversation python-telegram-bot will give this update to (the first that accepts it), if any."""
    for handler in app.handlers.get(0, []):
        try:
            matched = handler.check_update(update)
        except Exception:  # a handler that cannot look at this update does not take it
            log.debug("check_update failed", exc_info=True)
            continue
        if matched is not None and matched is not False:
            return handler if isinstance(handler, ConversationHandler) else None
    return None


async def _asks_text(conv: ConversationHandler, state: object, update: Update, context: BotContext) -> bool:
    flow = _flow(conv)
    if flow is None:  # an undeclared flow keeps its old behaviour
        return True
    if state in flow.text_states:
        return True
    if flow.asks_text is not None:
        return await flow.asks_text(update, context, state)
    return False


# --- the two handlers ------------------------------------------------------------------------------------
async def show_main_menu(update: Update, context: BotContext) -> None:
    from handlers.menu import show_menu

    await show_menu(update, context, after_flow=True)


async def leave(update: Update, context: BotContext, how: str) -> None:
    """Cancel (the flow's own /huy) or leave every open flow, then offer the menu."""
    app = context.application
    opened = open_flows(app, update)
    if update.callback_query is not None and update.callback_query.message is not None:
        await clear_buttons(update)
    for conv in opened:
        flow = _flow(conv)
        if how == "cancel" and flow is not None and flow.cancel is not None:
            await flow.cancel(update, context)  # replies itself (e.g. "draft deleted")
            end_flow(conv, update, context)
        else:
            end_flow(conv, update, context)
    if not opened:
        if how == "cancel":
            await reply(update, msg.NOTHING_TO_CANCEL)
    elif how == "leave" or not any(f is not None and f.cancel for f in map(_flow, opened)):
        await reply(update, msg.FLOW_LEFT if how == "leave" else msg.FLOW_CANCELLED)
    await show_main_menu(update, context)


async def before(update: Update, context: BotContext) -> None:
    """Group -1: leaving words, flow switches, and free text at a step that does not ask for it."""
    app = context.application
    LAST_PROMPT.set(None)
    query = update.callback_query
    if query is not None and query.data == CANCEL_DATA:
        await leave(update, context, "cancel")
        raise ApplicationHandlerStop
    if query is not None and query.data == BACK_DATA:
        await go_back(update, context)
        raise ApplicationHandlerStop
    message = update.message
    text = message.text if message is not None else None
    command = _command(update)
    how = leaving_word(text) if command is None or command in CANCEL_COMMANDS else None
    if how is not None:
        await leave(update, context, how)
        raise ApplicationHandlerStop
    opened = open_flows(app, update)
    context.__dict__["_flows_open"] = set(opened)
    if not opened:
        return
    handling = _handling_conversation(app, update)
    if text is not None and command is None and handling is not None and handling not in opened:
        # Text shaped like another flow's entry (an invite code) typed at a step that asks for text: the
        # step gets it, the other flow does not start.
        for conv, state in opened.items():
            check = conv.check_update(update)
            if check is not None and check is not False and await _asks_text(conv, state, update, context):
                await conv.handle_update(update, app, check, context)
                raise ApplicationHandlerStop
    starting = (
        (command is not None and command in _known_commands(app))
        or (query is not None and (query.data or "").startswith("menu:"))
        or (handling is not None and handling not in opened)
    )
    if starting:
        for conv in opened:
            end_flow(conv, update, context)
        context.__dict__["_flows_open"] = set()
        return
    if text is None or command is not None or handling is None or handling not in opened:
        return
    if await _asks_text(handling, opened[handling], update, context):
        return
    from handlers.fallback import free_text

    await free_text(update, context)  # a question (or a typed quiz answer); the flow's buttons stay
    raise ApplicationHandlerStop


async def after(update: Update, context: BotContext) -> None:
    """Group 1: remember the step a flow is at (for ◀ Quay lại); a flow that has just finished by itself is
    followed by the main menu."""
    if update.effective_chat is None or update.effective_user is None:
        return
    was_open = context.__dict__.get("_flows_open") or set()
    still = open_flows(context.application, update)
    for conv, state in still.items():
        if conv not in was_open:
            _forget_steps(conv, context)  # a flow (re)started: its steps start here
        _remember_step(conv, state, context)
    finished = [conv for conv in was_open if conv not in still]
    for conv in finished:
        _forget_steps(conv, context)
    if finished and not context.__dict__.get("_menu_shown"):
        await show_main_menu(update, context)


def register(app: Application) -> None:
    app.add_handler(TypeHandler(Update, before), group=-1)
    app.add_handler(TypeHandler(Update, after), group=1)
