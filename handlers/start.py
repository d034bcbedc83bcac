"""/start: welcome, and registration with an invite code (deep link or typed)."""

from __future__ import annotations

import re

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
    int_arg,
    keyboard,
    reply,
    typed,
    user_of,
)
from handlers.fallback import free_text
from handlers.flows import register_flow
from handlers.menu import show_menu
from knowledge.text import fold, has_diacritics
from services.models import Role
from services.registration import RegistrationError
from services.text import clean_name

ASK_CODE, CONFIRM_NAME, ASK_NAME, CONFIRM_TEAM, PICK_TEAM, CONFIRM_PLAIN = range(6)

#: user_data key: the first-contact disclosure was shown on /start (the first question need not repeat it)
FIRST_CONTACT_SHOWN = "first_contact_shown"
#: Channels whose adapter shows msg.FIRST_CONTACT at the first message of every chat account
#: (bot/channels/zalo.py, also under the Official Account): the handlers do not show it a second time there.
DISCLOSED_BY_TRANSPORT = ("zalo", "oa")

#: Text that is shaped like an invite code: 8 letters/digits, maybe split in two groups of four.
CODE_SHAPED = re.compile(r"^\s*[A-Za-z0-9]{4}[\s\-]?[A-Za-z0-9]{4}\s*$")


async def start(update: Update, context: BotContext) -> int:
    person = await context.person(update)
    code = context.args[0] if context.args else None
    if person is not None:
        if code:
            await reply(update, msg.CODE_ERRORS["already_registered"])
        await show_menu(update, context)
        return ConversationHandler.END
    if code:
        return await _try_code(update, context, code, stay=ConversationHandler.END)
    context.user_data[FIRST_CONTACT_SHOWN] = True
    intro = "" if context.channel in DISCLOSED_BY_TRANSPORT else msg.FIRST_CONTACT + "\n\n"
    await reply(
        update, intro + msg.WELCOME_GUEST.format(app=msg.APP_NAME), column([(msg.BTN_HAVE_CODE, "reg:code")])
    )
    return ConversationHandler.END


async def ask_code(update: Update, context: BotContext) -> int:
    if await context.person(update) is not None:
        await reply(update, msg.CODE_ERRORS["already_registered"])
        return ConversationHandler.END
    await reply(update, msg.ASK_CODE, keyboard([], nav=True))
    return ASK_CODE


async def code_typed(update: Update, context: BotContext) -> int:
    return await _try_code(update, context, typed(update), stay=ASK_CODE)


async def code_shaped_text(update: Update, context: BotContext) -> int:
    """An unregistered person typed something shaped like a code outside the flow: try it."""
    if await context.person(update) is not None:
        await free_text(update, context)
        return ConversationHandler.END
    return await _try_code(update, context, typed(update), stay=ConversationHandler.END)


async def _try_code(update: Update, context: BotContext, raw: str, stay: int) -> int:
    try:
        checked = await context.services.registration.check(
            raw, who=(context.channel, str(user_of(update).id))
        )
    except RegistrationError as exc:
        await reply(update, msg.CODE_ERRORS[exc.reason])
        return stay
    user = update.effective_user
    suggested = clean_name(" ".join(filter(None, [user.first_name, user.last_name]))) if user else None
    context.user_data["reg"] = {
        "code": checked.invite.code,
        "commune_id": checked.commune.id,
        "team_id": checked.team.id if checked.team else None,
        "role": str(checked.invite.role),
        "name": suggested,
        "named": checked.invite.person_id is not None,
    }
    place = checked.commune.name
    if checked.invite.role == Role.PROVINCE_OFFICIAL:
        province = existing(
            await context.services.directory.province(checked.commune.province_id), "province"
        )
        place = msg.INVITE_PROVINCE_PLACE.format(province=province.name)
    await reply(update, msg.CODE_ACCEPTED.format(role=msg.ROLE_NAMES[checked.invite.role], commune=place))
    if suggested:
        await reply(
            update,
            msg.CONFIRM_NAME.format(name=suggested),
            keyboard([[(msg.BTN_YES, "reg:name:yes"), (msg.BTN_NO, "reg:name:edit")]], nav=True),
        )
        return CONFIRM_NAME
    await reply(update, msg.ASK_NAME, keyboard([], nav=True))
    return ASK_NAME


async def name_confirmed(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    return await _plain_name_check(update, context) or await _team_step(update, context)


async def _plain_name_check(update: Update, context: BotContext) -> int | None:
    """A name without diacritics ("lo van tuan") is kept as typed, but asked about once: it goes into
    official reports, so the person may retype it with its marks."""
    reg = context.user_data["reg"]
    name = reg.get("name") or ""
    if reg.get("plain_asked") or has_diacritics(name) or not fold(name).replace(" ", "").isalpha():
        return None
    reg["plain_asked"] = True
    await reply(
        update,
        msg.REG_NAME_NO_MARKS.format(name=name),
        keyboard([[(msg.REG_BTN_KEEP_NAME, "reg:plain:keep")]], nav=True),
    )
    return CONFIRM_PLAIN


async def plain_name_kept(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    return await _team_step(update, context)


async def name_edit(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    await reply(update, msg.ASK_NAME, keyboard([], nav=True))
    return ASK_NAME


async def name_typed(update: Update, context: BotContext) -> int:
    name = clean_name(typed(update))
    if name is None:
        await reply(update, msg.BAD_NAME, keyboard([], nav=True))
        return ASK_NAME
    context.user_data["reg"]["name"] = name
    return await _plain_name_check(update, context) or await _team_step(update, context)


async def _team_step(update: Update, context: BotContext) -> int:
    reg = context.user_data["reg"]
    # An invite made for a person of the organisation list (handlers/org.py) already knows their team: the
    # registration attaches the chat account to that person without asking. A team code asks.
    if reg["role"] in (Role.COMMUNE_OFFICIAL, Role.PROVINCE_OFFICIAL) or reg.get("named"):
        return await _finish(update, context)
    org = context.services.directory
    if reg["team_id"]:
        team = existing(await org.team(reg["team_id"]), "team")
        await reply(
            update,
            msg.CONFIRM_TEAM.format(team=team.name),
            keyboard([[(msg.BTN_YES, "reg:team:yes"), (msg.BTN_NOT_MY_TEAM, "reg:team:no")]], nav=True),
        )
        return CONFIRM_TEAM
    teams = await org.teams_of_commune(reg["commune_id"])
    await reply(update, msg.PICK_TEAM, column(((t.name, f"reg:pick:{t.id}") for t in teams), nav=True))
    return PICK_TEAM


async def team_confirmed(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    return await _finish(update, context)


async def team_rejected(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    team = existing(await context.services.directory.team(context.user_data["reg"]["team_id"]), "team")
    await reply(update, msg.WRONG_TEAM_ON_CODE.format(team=team.name))
    context.user_data.pop("reg", None)
    return ConversationHandler.END


async def team_picked(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    team_id = int_arg(update)
    team = await context.services.directory.team(team_id) if team_id else None
    if team is None or team.commune_id != context.user_data["reg"]["commune_id"]:
        await reply(update, msg.CODE_ERRORS["team_required"])
        return PICK_TEAM
    context.user_data["reg"]["team_id"] = team.id
    return await _finish(update, context)


async def _finish(update: Update, context: BotContext) -> int:
    reg = context.user_data.get("reg") or {}
    user = user_of(update)
    try:
        person = await context.services.registration.register(
            reg["code"],
            reg["name"],
            context.channel,
            str(user.id),
            str(chat_of(update).id),
            team_id=reg.get("team_id"),
        )
    except RegistrationError as exc:
        await reply(update, msg.CODE_ERRORS.get(exc.reason, msg.ERROR_GENERIC))
        context.user_data.pop("reg", None)
        return ConversationHandler.END
    context.user_data.pop("reg", None)
    context.forget_person()
    org = context.services.directory
    if person.team_id:
        place = existing(await org.team(person.team_id), "team").name
    elif person.commune_id:
        place = existing(await org.commune(person.commune_id), "commune").name
    else:
        province = existing(await org.province(existing(person.province_id, "province id")), "province")
        place = msg.INVITE_PROVINCE_PLACE.format(province=province.name)
    await reply(
        update, msg.REGISTERED.format(name=person.full_name, role=msg.ROLE_NAMES[person.role], place=place)
    )
    await show_menu(update, context)
    return ConversationHandler.END


async def use_buttons(update: Update, context: BotContext) -> int | None:
    await reply(update, msg.USE_BUTTONS)
    return None


async def cancel(update: Update, context: BotContext) -> int:
    context.user_data.pop("reg", None)
    await reply(update, msg.CANCELLED)
    return ConversationHandler.END


def register(app: Application) -> None:
    register_flow(
        "registration",
        text_states={ASK_CODE, CONFIRM_NAME, ASK_NAME, CONFIRM_PLAIN},
        cancel=cancel,
        keys=["reg"],
    )
    text = filters.TEXT & ~filters.COMMAND
    app.add_handler(
        ConversationHandler(
            name="registration",
            persistent=True,
            entry_points=[
                CommandHandler("start", start),
                CallbackQueryHandler(ask_code, pattern=r"^reg:code$"),
                MessageHandler(filters.TEXT & filters.Regex(CODE_SHAPED), code_shaped_text),
            ],
            states={
                ASK_CODE: [MessageHandler(text, code_typed)],
                CONFIRM_NAME: [
                    CallbackQueryHandler(name_confirmed, pattern=r"^reg:name:yes$"),
                    CallbackQueryHandler(name_edit, pattern=r"^reg:name:edit$"),
                    MessageHandler(text, name_typed),
                ],
                ASK_NAME: [MessageHandler(text, name_typed)],
                CONFIRM_TEAM: [
                    CallbackQueryHandler(team_confirmed, pattern=r"^reg:team:yes$"),
                    CallbackQueryHandler(team_rejected, pattern=r"^reg:team:no$"),
                    MessageHandler(text, use_buttons),
                ],
                CONFIRM_PLAIN: [
                    CallbackQueryHandler(plain_name_kept, pattern=r"^reg:plain:keep$"),
                    MessageHandler(text, name_typed),
                ],
                PICK_TEAM: [
                    CallbackQueryHandler(team_picked, pattern=r"^reg:pick:\d+$"),
                    MessageHandler(text, use_buttons),
                ],
            },
            fallbacks=[CommandHandler(["huy", "cancel"], cancel), CommandHandler("start", start)],
            allow_reentry=True,
        )
    )
