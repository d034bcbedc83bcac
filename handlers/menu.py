"""The help menu (/trogiup) and the registry of capabilities shown in it and in the command list."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import BotCommand, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot import messages as msg
from handlers.common import BotContext, column, reply
from services.models import Person, Role


@dataclass(frozen=True)
class Capability:
    """A capability in the menu: `menu:<key>` is the callback data its module handles."""

    key: str
    label: str
    command: str | None
    description: str
    roles: frozenset[Role] | None  # None: everyone, even people who are not registered
    order: int = 50


CAPABILITIES: dict[str, Capability] = {}


def register_capability(capability: Capability) -> None:
    CAPABILITIES[capability.key] = capability


def allowed(capability: Capability, person: Person | None) -> bool:
    if capability.roles is None:
        return True
    return person is not None and person.role in capability.roles


def menu_for(person: Person | None) -> list[tuple[str, str]]:
    items = sorted((c for c in CAPABILITIES.values() if allowed(c, person)), key=lambda c: c.order)
    buttons = [(c.label, f"menu:{c.key}") for c in items]
    if person is None:
        buttons.insert(0, (msg.BTN_REGISTER, "reg:code"))
    return buttons


def bot_commands() -> list[BotCommand]:
    """The command list registered with Telegram, in Vietnamese."""
    commands = [
        BotCommand("start", msg.CMD_DESCRIPTIONS["start"]),
        BotCommand("trogiup", msg.CMD_DESCRIPTIONS["trogiup"]),
    ]
    for c in sorted(CAPABILITIES.values(), key=lambda c: c.order):
        if c.command:
            commands.append(BotCommand(c.command, c.description))
    commands.append(BotCommand("huy", msg.CMD_DESCRIPTIONS["huy"]))
    return commands


async def show_menu(update: Update, context: BotContext, after_flow: bool = False) -> None:
    context.__dict__["_menu_shown"] = True  # handlers.flows offers the menu after a flow, but not twice
    person = await context.person(update)
    if after_flow:
        await reply(update, msg.MENU_AFTER_FLOW, column(menu_for(person)))
        return
    if person is None:
        title = msg.MENU_TITLE_GUEST
    else:
        title = msg.MENU_TITLE.format(name=person.full_name, role=msg.ROLE_NAMES[person.role])
        if person.full_name.strip().lower() == msg.ROLE_NAMES[person.role].lower():  # "Quản trị hệ thống"
            title = msg.MENU_TITLE_NAME_ONLY.format(name=person.full_name)
    await reply(update, f"{title}\n\n{msg.MENU_FOOTER}", column(menu_for(person)))


async def typed_menu_item(update: Update, context: BotContext) -> bool:
    """Text that names a menu item ("bao cao", "thống kê", "tai lieu") is offered as that item's button,
    instead of being taken as a legal question. Returns True when it was."""
    from knowledge.text import fold

    typed = fold(update.message.text if update.message else "")
    if not typed or len(typed) > 40:
        return False
    person = await context.person(update)
    for capability in sorted(CAPABILITIES.values(), key=lambda c: c.order):
        words = fold(capability.label)
        if allowed(capability, person) and (
            typed in (words, capability.command)
            or (len(typed.split()) >= 2 and words.startswith(typed + " "))
        ):
            await reply(update, msg.MENU_TYPED_ITEM, column([(capability.label, f"menu:{capability.key}")]))
            return True
    return False


def register(app: Application) -> None:
    from handlers import fallback

    if typed_menu_item not in fallback.BEFORE_QUESTION:
        fallback.BEFORE_QUESTION.append(typed_menu_item)
    app.add_handler(CommandHandler(["trogiup", "help", "menu"], show_menu))
    app.add_handler(CallbackQueryHandler(show_menu, pattern=r"^menu:home$"))
