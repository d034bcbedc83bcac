"""/moi: officials create invite codes for the teams of their commune."""

from __future__ import annotations

from datetime import datetime
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
    clear_buttons,
    column,
    existing,
    int_arg,
    keyboard,
    reply,
    requires,
    tapped_data,
)
from handlers.flows import register_flow
from handlers.menu import Capability, register_capability
from services.models import Role
from services.registration import INVITE_DAYS as DAYS
from services.registration import INVITE_USES as USES
from services.registration import PermissionDenied, creatable_roles, format_code

PICK_COMMUNE, PICK_ROLE, PICK_TEAM, PICK_USES, PICK_DAYS = range(5)
INVITERS = (Role.COMMUNE_OFFICIAL, Role.PROVINCE_OFFICIAL, Role.ADMIN)

register_capability(
    Capability("moi", msg.BTN_INVITE, "moi", msg.CMD_DESCRIPTIONS["moi"], frozenset(INVITERS), order=90)
)


@requires(*INVITERS)
async def start(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    person = await context.registered(update)
    context.user_data["inv"] = {}
    if person.role == Role.COMMUNE_OFFICIAL:
        context.user_data["inv"]["commune_id"] = person.commune_id
        return await _ask_role(update, context)
    org = context.services.directory
    if person.role == Role.PROVINCE_OFFICIAL:
        communes = await org.communes_of_province(existing(person.province_id, "province id"))
    else:
        communes = await org.all_communes()
    await reply(
        update, msg.INVITE_PICK_COMMUNE, column(((c.name, f"inv:c:{c.id}") for c in communes[:40]), nav=True)
    )
    return PICK_COMMUNE


async def commune_picked(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    context.user_data.setdefault("inv", {})["commune_id"] = int_arg(update)
    return await _ask_role(update, context)


async def _ask_role(update: Update, context: BotContext) -> int:
    person = await context.registered(update)
    await reply(
        update,
        msg.INVITE_PICK_ROLE,
        column(((msg.INVITE_ROLE_BUTTONS[r], f"inv:r:{r}") for r in creatable_roles(person.role)), nav=True),
    )
    return PICK_ROLE


async def role_picked(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    role = tapped_data(update).rsplit(":", 1)[-1]
    person = await context.registered(update)
    if role not in creatable_roles(person.role):
        await reply(update, msg.NOT_ALLOWED.format(role=msg.ROLE_NAMES[person.role]))
        return ConversationHandler.END
    inv = context.user_data.setdefault("inv", {})
    inv["role"] = role
    if role in (Role.COMMUNE_OFFICIAL, Role.PROVINCE_OFFICIAL):
        inv["team_id"] = None
        return await _ask_uses(update)
    teams = await context.services.directory.teams_of_commune(inv.get("commune_id") or 0)
    if not teams:
        await reply(update, msg.INVITE_NO_TEAMS)
        return ConversationHandler.END
    buttons = [(t.name, f"inv:t:{t.id}") for t in teams[:40]] + [(msg.INVITE_ANY_TEAM, "inv:t:0")]
    await reply(update, msg.INVITE_PICK_TEAM, column(buttons, nav=True))
    return PICK_TEAM


async def team_picked(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    context.user_data.setdefault("inv", {})["team_id"] = int_arg(update) or None
    return await _ask_uses(update)


async def _ask_uses(update: Update) -> int:
    await reply(
        update,
        msg.INVITE_PICK_USES,
        keyboard([[(msg.INVITE_USES_BUTTON.format(uses=u), f"inv:u:{u}") for u in USES]], nav=True),
    )
    return PICK_USES


async def uses_picked(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    context.user_data.setdefault("inv", {})["uses"] = int_arg(update) or 1
    await reply(
        update,
        msg.INVITE_PICK_DAYS,
        keyboard([[(msg.INVITE_DAYS_BUTTON.format(days=d), f"inv:d:{d}") for d in DAYS]], nav=True),
    )
    return PICK_DAYS


async def days_picked(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    inv = context.user_data.pop("inv", {})
    person = await context.registered(update)
    services = context.services
    try:
        invite = await services.registration.create_invite(
            person,
            int(inv.get("commune_id") or 0),
            Role(inv.get("role", Role.MEDIATOR)),
            team_id=inv.get("team_id"),
            max_uses=int(inv.get("uses") or 1),
            days=int_arg(update) or 14,
        )
    except PermissionDenied:
        await reply(update, msg.NOT_ALLOWED.format(role=msg.ROLE_NAMES[person.role]))
        return ConversationHandler.END
    except ValueError:
        await reply(update, msg.BUTTON_EXPIRED)
        return ConversationHandler.END
    await reply(update, await invite_text(context, invite))
    return ConversationHandler.END


async def invite_text(context: BotContext, invite) -> str:
    org = context.services.directory
    commune = existing(await org.commune(invite.commune_id), "commune")
    team = await org.team(invite.team_id) if invite.team_id else None
    place = f"{team.name}, {commune.name}" if team else commune.name
    if invite.role == Role.PROVINCE_OFFICIAL:
        province = existing(await org.province(commune.province_id), "province")
        place = msg.INVITE_PROVINCE_PLACE.format(province=province.name)
    username = context.bot.username or context.services.config.bot_username
    tz = ZoneInfo(context.services.config.timezone)  # people read their own clock, not UTC
    expires = datetime.fromisoformat(invite.expires_at).astimezone(tz).strftime("%d/%m/%Y lúc %H:%M")
    return msg.INVITE_CREATED.format(
        code=format_code(invite.code),
        role=msg.ROLE_NAMES[invite.role],
        place=place,
        uses=invite.max_uses,
        expires=expires,
        link=f"https://t.me/{username}?start={invite.code}",
    )


async def use_buttons(update: Update, context: BotContext) -> None:
    await reply(update, msg.USE_BUTTONS)


async def cancel(update: Update, context: BotContext) -> int:
    context.user_data.pop("inv", None)
    await reply(update, msg.CANCELLED)
    return ConversationHandler.END


def register(app: Application) -> None:
    register_flow("invite", cancel=cancel, keys=["inv"])
    text = filters.TEXT & ~filters.COMMAND
    app.add_handler(
        ConversationHandler(
            name="invite",
            persistent=True,
            entry_points=[CommandHandler("moi", start), CallbackQueryHandler(start, pattern=r"^menu:moi$")],
            states={
                PICK_COMMUNE: [CallbackQueryHandler(commune_picked, pattern=r"^inv:c:\d+$")],
                PICK_ROLE: [CallbackQueryHandler(role_picked, pattern=r"^inv:r:\w+$")],
                PICK_TEAM: [CallbackQueryHandler(team_picked, pattern=r"^inv:t:\d+$")],
                PICK_USES: [CallbackQueryHandler(uses_picked, pattern=r"^inv:u:\d+$")],
                PICK_DAYS: [CallbackQueryHandler(days_picked, pattern=r"^inv:d:\d+$")],
            },
            fallbacks=[CommandHandler(["huy", "cancel"], cancel), MessageHandler(text, use_buttons)],
            allow_reentry=True,
        )
    )
