"""«Danh sách tổ hòa giải»: the organisation list for commune officials (and province officials, for the
communes of their province): the XLSX to edit and send back (checked, previewed, applied with «Áp dụng»), and
small changes with buttons. Team leaders receive their team's list, read only. Every change is checked again
on the server by services/org_list.py (who may change which commune, the values themselves)."""

from __future__ import annotations

import base64
import logging
import re
from datetime import date

from telegram import Update
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import messages as msg
from handlers.common import (
    BotContext,
    chat_of,
    clear_buttons,
    column,
    existing,
    keyboard,
    message_of,
    numbered_choices,
    reply,
    requires,
    tapped,
    tapped_data,
)
from handlers.flows import leaving_word, show_main_menu
from handlers.menu import Capability, register_capability
from services.models import Commune, Person, Role
from services.org_list import (
    MergeError,
    OrgDenied,
    OrgFileError,
    OrgListChanged,
    Plan,
    RowError,
    looks_like_org_list,
    may_edit,
    may_view,
    parse_date,
    shown_value,
)
from services.text import clean_name, clean_text

log = logging.getLogger(__name__)

ROLES = (Role.COMMUNE_OFFICIAL, Role.PROVINCE_OFFICIAL, Role.ADMIN, Role.TEAM_LEADER)
MAX_FILE = 2 * 1024 * 1024
PREVIEW_LINES = 25
ACTIONS = {
    "add": msg.ORG_BTN_ADD,
    "recog": msg.ORG_BTN_RECOG,
    "trained": msg.ORG_BTN_TRAINED,
    "retire": msg.ORG_BTN_RETIRE,
    "move": msg.ORG_BTN_MOVE,
    "leader": msg.ORG_BTN_LEADER,
    "invite": msg.ORG_BTN_INVITE,
}

register_capability(Capability("danhsach", msg.BTN_ORG, "danhsach", msg.CMD_ORG, frozenset(ROLES), order=72))


# --- what services.org_list answers (codes), in words: the chat and `mediator-bot admin import-org/merge` ---
def row_error_text(error: RowError) -> str:
    return msg.ORG_ERR[error.code].format(**error.params)


def row_error_line(error: RowError) -> str:
    return msg.ORG_ERR_ROW.format(
        sheet=error.sheet, row=error.row, column=error.column, error=row_error_text(error)
    )


def file_error_text(exc: OrgFileError) -> str:
    return msg.ORG_ERR[exc.code].format(**exc.params)


def merge_error_text(exc: MergeError) -> str:
    if exc.code == "unknown_commune":
        return msg.ORG_UNKNOWN_COMMUNE.format(**exc.params)
    return msg.ORG_MERGE_ERR[exc.code].format(**exc.params)


def plan_summary(plan: Plan) -> str:
    return msg.ORG_SUMMARY.format(**plan.counts())


def _state(context: BotContext) -> dict:
    return context.user_data.setdefault("og", {})


async def _commune(update: Update, context: BotContext, person: Person, edit: bool = True) -> Commune | None:
    """The commune chosen in this flow, if the person may (still) change it — checked on every tap."""
    commune_id = _state(context).get("c") or person.commune_id
    commune = await context.services.directory.commune(commune_id) if commune_id else None
    allowed = commune is not None and (
        may_edit(person, commune) if edit else may_view(person, commune, person.team_id)
    )
    if not allowed:
        await reply(update, msg.ORG_DENIED)
        return None
    return commune


@requires(*ROLES)
async def start(update: Update, context: BotContext) -> None:
    person = await context.registered(update)
    context.user_data["og"] = {}
    if person.role in (Role.PROVINCE_OFFICIAL, Role.ADMIN) and not person.commune_id:
        communes = await context.services.directory.communes_in_reach(person)
        buttons = [(c.name, f"og:c:{c.id}") for c in communes[:40]]
        await reply(update, msg.ORG_PICK_COMMUNE, column([*buttons, (msg.ORG_BTN_MERGE, "og:mg")]))
        return
    await _send_list(update, context, person)


@requires(*ROLES)
async def commune_picked(update: Update, context: BotContext) -> None:
    person = await context.registered(update)
    _state(context)["c"] = int(tapped_data(update).split(":")[2])
    await clear_buttons(update)
    await _send_list(update, context, person)


async def _send_list(update: Update, context: BotContext, person: Person) -> None:
    commune = await _commune(update, context, person, edit=False)
    if commune is None:
        return
    service = context.services.org_list
    if update.callback_query is not None:
        await tapped(update).answer()
    if may_edit(person, commune):
        content = await service.export_xlsx(commune, person)
        await chat_of(update).send_document(
            content,
            filename=f"danh-sach-to-hoa-giai-{commune.code}.xlsx",
            caption=msg.ORG_FILE_CAPTION.format(commune=commune.name),
        )
        await reply(update, msg.ORG_MENU, column([(label, f"og:a:{key}") for key, label in ACTIONS.items()]))
        return
    # may_view let only a team leader of one of the commune's teams in
    team = existing(await context.services.directory.team(existing(person.team_id, "team id")), "team")
    content = await service.export_xlsx(commune, person, person.team_id)
    await chat_of(update).send_document(
        content,
        filename=f"danh-sach-{team.code}.xlsx",
        caption=msg.ORG_FILE_CAPTION_READONLY.format(team=team.name),
    )


# --- the file sent back ------------------------------------------------------------------------------------
async def document(update: Update, context: BotContext) -> None:
    person = await context.person(update)
    doc = message_of(update).document
    if (
        person is None
        or person.role not in ROLES
        or doc is None
        or not (doc.file_name or "").lower().endswith(".xlsx")
    ):
        return  # not ours: the fallback answers
    commune = await _commune(update, context, person)
    if commune is None:
        raise ApplicationHandlerStop
    if (doc.file_size or 0) > MAX_FILE:
        await reply(update, msg.ORG_FILE_TOO_BIG)
        raise ApplicationHandlerStop
    file = await context.bot.get_file(doc.file_id)
    content = bytes(await file.download_as_bytearray())
    if not looks_like_org_list(content):
        await reply(update, msg.ORG_NOT_XLSX)
        raise ApplicationHandlerStop
    await _preview(update, context, person, commune, content)
    raise ApplicationHandlerStop


async def _plan(context: BotContext, person: Person, commune: Commune, content: bytes) -> Plan | str:
    try:
        return await context.services.org_list.plan_file(commune, content, person)
    except OrgFileError as exc:
        return file_error_text(exc)
    except OrgDenied:
        return msg.ORG_DENIED


async def _preview(
    update: Update, context: BotContext, person: Person, commune: Commune, content: bytes
) -> None:
    plan = await _plan(context, person, commune, content)
    if isinstance(plan, str):
        await reply(update, plan)
        return
    if plan.errors:
        lines = [msg.ORG_ERRORS.format(count=len(plan.errors))] + [
            row_error_line(e) for e in plan.errors[:PREVIEW_LINES]
        ]
        if len(plan.errors) > PREVIEW_LINES:
            lines.append(msg.ORG_ERRORS_MORE.format(count=len(plan.errors) - PREVIEW_LINES))
        await reply(update, "\n".join(lines))
        return
    if not plan.changes:
        await reply(update, msg.ORG_PREVIEW_NONE)
        return
    state = _state(context)
    state.update(c=commune.id, file=base64.b64encode(content).decode("ascii"), counts=plan.counts())
    await reply(
        update, preview_text(plan), keyboard([[(msg.ORG_BTN_APPLY, "og:ok"), (msg.BTN_CANCEL, "og:no")]])
    )


def _show(fieldname: str, value: object) -> str:
    if value is None or value == "":
        return "(trống)"
    shown = shown_value(fieldname, value) if fieldname != "name" else value
    return shown.strftime("%d/%m/%Y") if isinstance(shown, date) else str(shown)


def preview_text(plan: Plan) -> str:
    lines = [msg.ORG_PREVIEW.format(summary=plan_summary(plan))]
    for change in plan.added:
        if change.kind == "team_add":
            lines.append(msg.ORG_PREVIEW_TEAM_ADDED.format(code=change.key, name=change.after["name"]))
        else:
            lines.append(
                msg.ORG_PREVIEW_ADDED.format(name=change.after["full_name"], team=change.after["team"])
            )
    for change in plan.changed:
        before = change.before or {}  # an update always has its row before
        parts = [
            f"{msg.ORG_FIELD_NAMES.get(f, f)} {_show(f, before.get(f))} → {_show(f, v)}"
            for f, v in change.after.items()
            if f not in ("ref", "code") and before.get(f) != v
        ]
        name = change.after.get("full_name") or change.after.get("name")
        lines.append(msg.ORG_PREVIEW_CHANGED.format(name=name, changes="; ".join(parts)))
    for change in plan.retired:
        lines.append(
            msg.ORG_PREVIEW_RETIRED.format(
                name=change.after["full_name"],
                date=_show("retired_on", change.after["retired_on"]),
                reason=_show("retire_reason", change.after["retire_reason"]),
            )
        )
    if len(lines) > PREVIEW_LINES + 1:
        lines = lines[: PREVIEW_LINES + 1] + [
            msg.ORG_PREVIEW_MORE.format(count=len(lines) - PREVIEW_LINES - 1)
        ]
    return "\n".join(lines)


@requires(*ROLES)
async def apply_file(update: Update, context: BotContext) -> None:
    person = await context.registered(update)
    state = _state(context)
    await clear_buttons(update)
    if not state.get("file"):
        await reply(update, msg.ORG_NO_PENDING)
        return
    commune = await _commune(update, context, person)
    if commune is None:
        return
    content = base64.b64decode(state["file"])
    plan = await _plan(context, person, commune, content)
    if isinstance(plan, str) or plan.errors or plan.counts() != state.get("counts"):
        # the list changed since the preview (another official, a chat change): show what applying means now
        await reply(update, msg.ORG_STALE)
        await _preview(update, context, person, commune, content)
        return
    try:
        await context.services.org_list.apply(plan, person)
    except OrgListChanged:  # changed between this check and applying it: nothing was written
        await reply(update, msg.ORG_STALE)
        await _preview(update, context, person, commune, content)
        return
    state.pop("file", None)
    await reply(update, msg.ORG_APPLIED.format(summary=plan_summary(plan)))


async def cancel_file(update: Update, context: BotContext) -> None:
    _state(context).pop("file", None)
    context.user_data.pop("og_step", None)
    await clear_buttons(update)
    await reply(update, msg.CANCELLED)


# --- small changes with buttons ----------------------------------------------------------------------------
@requires(*ROLES)
async def action(update: Update, context: BotContext) -> None:
    person = await context.registered(update)
    commune = await _commune(update, context, person)
    if commune is None:
        return
    kind = tapped_data(update).split(":")[2]
    if kind not in ACTIONS:
        return
    state = _state(context)
    state.update(c=commune.id, act=kind, picked=[])
    teams = await context.services.org_list.active_teams(commune, person)
    await clear_buttons(update)
    await reply(
        update,
        msg.ORG_PICK_TEAM,
        column([(f"{t['code']} – {t['name']}", f"og:t:{t['code']}") for t in teams]),
    )


async def _members(
    context: BotContext, person: Person | None, commune: Commune, team: str | None
) -> list[dict]:
    return await context.services.org_list.active_members(commune, person, team)


@requires(*ROLES)
async def team_picked(update: Update, context: BotContext) -> None:
    person = await context.registered(update)
    commune = await _commune(update, context, person)
    if commune is None:
        return
    state = _state(context)
    state["team"] = tapped_data(update).split(":", 2)[2]
    await clear_buttons(update)
    if state.get("act") == "add":
        context.user_data["og_step"] = "name"
        await reply(update, msg.ORG_ASK_NAME)
        return
    members = await _members(context, person, commune, state["team"])
    if not members:
        await reply(update, msg.ORG_NOBODY)
        return
    if state.get("act") == "trained":
        await reply(update, msg.ORG_PICK_MANY, _toggles(members, state.get("picked", [])))
        return
    await reply(update, msg.ORG_PICK_PERSON, column([(p["full_name"], f"og:p:{p['ref']}") for p in members]))


def _toggles(members: list[dict], picked: list[str]):
    rows = [[(("✔ " if p["ref"] in picked else "") + p["full_name"], f"og:x:{p['ref']}")] for p in members]
    return keyboard([*rows, [(msg.ORG_BTN_DONE, "og:xd")]])


@requires(*ROLES)
async def toggle(update: Update, context: BotContext) -> None:
    person = await context.registered(update)
    commune = await _commune(update, context, person)
    if commune is None:
        return
    state = _state(context)
    ref = tapped_data(update).split(":", 2)[2]
    picked = state.setdefault("picked", [])
    if ref in picked:
        picked.remove(ref)
    else:
        picked.append(ref)
    await tapped(update).answer()
    members = await _members(context, person, commune, state.get("team"))
    await tapped(update).edit_message_reply_markup(reply_markup=_toggles(members, picked))


@requires(*ROLES)
async def toggles_done(update: Update, context: BotContext) -> None:
    await clear_buttons(update)
    if not _state(context).get("picked"):
        await reply(update, msg.ORG_NOBODY)
        return
    await _ask_date(update, context)


async def _ask_date(update: Update, context: BotContext) -> None:
    context.user_data["og_step"] = "date"
    await reply(update, msg.ORG_ASK_DATE, column([(msg.ORG_BTN_TODAY, "og:d")]))


@requires(*ROLES)
async def person_picked(update: Update, context: BotContext) -> None:
    person = await context.registered(update)
    commune = await _commune(update, context, person)
    if commune is None:
        return
    state = _state(context)
    state["ref"] = tapped_data(update).split(":", 2)[2]
    await clear_buttons(update)
    kind = state.get("act")
    if kind == "retire":
        # the reasons with their legal references are too long for buttons: written out, numbered
        lines, rows = numbered_choices(
            [(label, f"og:r:{code}") for code, label in msg.ORG_RETIRE_REASONS.items()]
        )
        await reply(update, f"{msg.ORG_PICK_REASON}\n{lines}", keyboard(rows))
    elif kind == "move":
        teams = [
            t
            for t in await context.services.org_list.active_teams(commune, person)
            if t["code"] != state.get("team")
        ]
        await reply(
            update,
            msg.ORG_PICK_TARGET_TEAM.format(name=state["ref"]),
            column([(f"{t['code']} – {t['name']}", f"og:m:{t['code']}") for t in teams]),
        )
    elif kind == "recog":
        context.user_data["og_step"] = "decision"
        await reply(update, msg.ORG_ASK_DECISION)
    elif kind == "leader":
        await _finish(update, context, person, commune)
    elif kind == "invite":
        await _invite(update, context, person, commune, state["ref"])


async def _invite(update: Update, context: BotContext, person: Person, commune: Commune, ref: str) -> None:
    from handlers.invite import invite_text
    from services.registration import PermissionDenied

    try:
        row = await context.services.org_list.member(commune, person, ref)
    except OrgDenied:
        await reply(update, msg.ORG_DENIED)
        return
    try:
        invite = await context.services.registration.create_invite(
            person, commune.id, Role(row["role"]), person_id=row["id"]
        )
    except PermissionDenied:
        await reply(update, msg.ORG_DENIED)
        return
    except ValueError:
        await reply(update, msg.ORG_INVITE_LINKED)
        return
    await reply(update, await invite_text(context, invite))


@requires(*ROLES)
async def reason_picked(update: Update, context: BotContext) -> None:
    _state(context)["reason"] = tapped_data(update).split(":", 2)[2]
    await clear_buttons(update)
    await _ask_date(update, context)


@requires(*ROLES)
async def target_picked(update: Update, context: BotContext) -> None:
    person = await context.registered(update)
    commune = await _commune(update, context, person)
    if commune is None:
        return
    _state(context)["target"] = tapped_data(update).split(":", 2)[2]
    await clear_buttons(update)
    await _finish(update, context, person, commune)


@requires(*ROLES)
async def gender_picked(update: Update, context: BotContext) -> None:
    person = await context.registered(update)
    commune = await _commune(update, context, person)
    if commune is None:
        return
    _state(context)["gender"] = tapped_data(update).split(":", 2)[2]
    await clear_buttons(update)
    await _finish(update, context, person, commune)


@requires(*ROLES)
async def today_picked(update: Update, context: BotContext) -> None:
    person = await context.registered(update)
    commune = await _commune(update, context, person)
    if commune is None:
        return
    context.user_data.pop("og_step", None)
    _state(context)["date"] = date.today().isoformat()
    await clear_buttons(update)
    await _finish(update, context, person, commune)


async def typed(update: Update, context: BotContext) -> None:
    """Text typed at a step of a small change (runs before the other text handlers; stops them when used)."""
    step = context.user_data.get("og_step")
    if not step:
        return
    person = await context.person(update)
    if person is None:
        context.user_data.pop("og_step", None)
        return
    how = leaving_word(message_of(update).text)
    if how is not None:  # "huy", "thoát"…: the small change ends here, as every flow does (handlers.flows)
        context.user_data.pop("og_step", None)
        context.user_data.pop("og", None)
        await reply(update, msg.FLOW_CANCELLED if how == "cancel" else msg.FLOW_LEFT)
        await show_main_menu(update, context)
        raise ApplicationHandlerStop
    text = clean_text(message_of(update).text, limit=200)
    state = _state(context)
    if step == "merge_code":
        code = text.upper()
        directory = context.services.directory
        if not re.fullmatch(r"[A-Z0-9-]{2,20}", code) or await directory.commune_by_code(code):
            await reply(update, msg.ORG_MERGE_BAD_CODE)
            raise ApplicationHandlerStop
        state["into"] = code
        context.user_data["og_step"] = "merge_name"
        await reply(update, msg.ORG_MERGE_ASK_NAME)
    elif step == "merge_name":
        if not 2 <= len(text) <= 200:
            await reply(update, msg.ORG_BAD_TEXT)
            raise ApplicationHandlerStop
        state["name"] = text
        context.user_data.pop("og_step", None)
        await _merge_confirm(update, context)
    elif step == "name":
        name = clean_name(text)
        if name is None:
            await reply(update, msg.ORG_BAD_NAME)
            raise ApplicationHandlerStop
        state["name"] = name
        context.user_data.pop("og_step", None)
        await reply(
            update,
            msg.ORG_PICK_GENDER,
            keyboard([[(label, f"og:g:{code}") for code, label in msg.ORG_GENDER_LABELS.items()]]),
        )
    elif step == "decision":
        if not text or len(text) > 60:
            await reply(update, msg.ORG_BAD_TEXT)
            raise ApplicationHandlerStop
        state["decision"] = text
        await _ask_date(update, context)
    elif step == "date":
        try:
            day = parse_date(text)
            if day > date.today() or day.year < 1990:
                raise ValueError(text)
        except ValueError:
            await reply(update, msg.ORG_BAD_DATE)
            raise ApplicationHandlerStop from None
        context.user_data.pop("og_step", None)
        state["date"] = day.isoformat()
        commune = await _commune(update, context, person)
        if commune is not None:
            await _finish(update, context, person, commune)
    raise ApplicationHandlerStop


async def _finish(update: Update, context: BotContext, person: Person, commune: Commune) -> None:
    state, service = _state(context), context.services.org_list
    kind = state.get("act")
    try:
        if kind == "retire":
            plan = await service.retire(
                commune, person, state.get("ref", ""), state.get("reason", ""), state.get("date", "")
            )
        elif kind == "move":
            plan = await service.move(commune, person, state.get("ref", ""), state.get("target", ""))
        elif kind == "leader":
            plan = await service.set_leader(commune, person, state.get("ref", ""))
        elif kind == "recog":
            plan = await service.record_recognition(
                commune, person, state.get("ref", ""), state.get("decision", ""), state.get("date", "")
            )
        elif kind == "trained":
            plan = await service.mark_trained(commune, person, state.get("picked", []), state.get("date", ""))
        elif kind == "add":
            plan = await service.add_person(
                commune,
                person,
                {
                    "team": state.get("team"),
                    "full_name": state.get("name"),
                    "role": "mediator",
                    "gender": state.get("gender"),
                },
            )
        else:
            return
    except OrgDenied:
        await reply(update, msg.ORG_DENIED)
        return
    context.user_data["og"] = {"c": commune.id}
    if plan.errors:
        await reply(
            update,
            "\n".join(
                [msg.ORG_ERRORS.format(count=len(plan.errors))] + [row_error_text(e) for e in plan.errors]
            ),
        )
        return
    await reply(
        update,
        msg.ORG_SAVED.format(summary=plan_summary(plan)),
        column([(label, f"og:a:{key}") for key, label in ACTIONS.items()]),
    )


# --- commune mergers (province officials, administrators) --------------------------------------------------
MERGERS = (Role.PROVINCE_OFFICIAL, Role.ADMIN)


async def _province_communes(context: BotContext, person: Person) -> list[Commune]:
    return await context.services.directory.communes_in_reach(person)


def _merge_toggles(communes: list[Commune], picked: list[int]):
    rows = [[(("✔ " if c.id in picked else "") + c.name, f"og:mx:{c.id}")] for c in communes[:40]]
    return keyboard([*rows, [(msg.ORG_BTN_DONE, "og:mxd")]])


@requires(*MERGERS)
async def merge_start(update: Update, context: BotContext) -> None:
    person = await context.registered(update)
    context.user_data["og"] = {"merge": []}
    await clear_buttons(update)
    await reply(update, msg.ORG_MERGE_PICK, _merge_toggles(await _province_communes(context, person), []))


@requires(*MERGERS)
async def merge_toggle(update: Update, context: BotContext) -> None:
    person = await context.registered(update)
    picked = _state(context).setdefault("merge", [])
    commune_id = int(tapped_data(update).rsplit(":", 1)[1])
    if commune_id in picked:
        picked.remove(commune_id)
    else:
        picked.append(commune_id)
    await tapped(update).answer()
    await tapped(update).edit_message_reply_markup(
        reply_markup=_merge_toggles(await _province_communes(context, person), picked)
    )


@requires(*MERGERS)
async def merge_sources_done(update: Update, context: BotContext) -> None:
    person = await context.registered(update)
    picked = _state(context).get("merge") or []
    await clear_buttons(update)
    if not picked:
        await reply(update, msg.ORG_MERGE_ERR["sources"])
        return
    others = [c for c in await _province_communes(context, person) if c.id not in picked]
    await reply(
        update,
        msg.ORG_MERGE_INTO,
        column([*[(c.name, f"og:mi:{c.code}") for c in others[:40]], (msg.ORG_MERGE_NEW, "og:mn")]),
    )


@requires(*MERGERS)
async def merge_into_picked(update: Update, context: BotContext) -> None:
    _state(context)["into"] = tapped_data(update).split(":", 2)[2]
    await clear_buttons(update)
    await _merge_confirm(update, context)


@requires(*MERGERS)
async def merge_new(update: Update, context: BotContext) -> None:
    await clear_buttons(update)
    context.user_data["og_step"] = "merge_code"
    await reply(update, msg.ORG_MERGE_ASK_CODE)


async def _merge_confirm(update: Update, context: BotContext) -> None:
    state = _state(context)
    org = context.services.directory
    sources = [c.name for c in [await org.commune(i) for i in state.get("merge", [])] if c]
    into = await org.commune_by_code(state.get("into", ""))
    label = into.name if into else f"{state.get('name')} ({state.get('into')})"
    await reply(
        update,
        msg.ORG_MERGE_CONFIRM.format(sources=", ".join(sources), into=label),
        keyboard([[(msg.ORG_BTN_APPLY, "og:mok"), (msg.BTN_CANCEL, "og:no")]]),
    )


@requires(*MERGERS)
async def merge_apply(update: Update, context: BotContext) -> None:

    person = await context.person(update)
    state = context.user_data.pop("og", {})
    await clear_buttons(update)
    org = context.services.directory
    codes = [c.code for c in [await org.commune(i) for i in state.get("merge", [])] if c]
    try:
        commune, sources = await context.services.org_list.merge_communes(
            state.get("into", ""), codes, state.get("name"), person
        )
    except MergeError as exc:
        await reply(update, merge_error_text(exc))
        return
    except OrgDenied:
        await reply(update, msg.ORG_DENIED)
        return
    teams = len(await org.teams_of_commune(commune.id))
    await reply(
        update,
        msg.ORG_MERGE_DONE.format(
            sources=", ".join(c.code for c in sources), commune=commune.name, code=commune.code, teams=teams
        ),
    )


async def forget_step(update: Update, context: BotContext) -> None:
    """A command or another flow's button ends a typed step of this flow (the next text is not ours)."""
    context.user_data.pop("og_step", None)


def register(app) -> None:
    # group -2: after the shared-state refresh (bot/shared_state.GROUP), before handlers.flows (-1)
    app.add_handler(MessageHandler(filters.COMMAND, forget_step), group=-2)
    app.add_handler(CallbackQueryHandler(forget_step, pattern=r"^(?!og:)"), group=-2)
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, typed), group=-2)
    app.add_handler(MessageHandler(filters.Document.ALL, document))  # after the flows that take attachments
    app.add_handler(CommandHandler("danhsach", start))
    app.add_handler(CallbackQueryHandler(start, pattern=r"^menu:danhsach$"))
    app.add_handler(CallbackQueryHandler(commune_picked, pattern=r"^og:c:\d+$"))
    app.add_handler(CallbackQueryHandler(apply_file, pattern=r"^og:ok$"))
    app.add_handler(CallbackQueryHandler(cancel_file, pattern=r"^og:no$"))
    app.add_handler(CallbackQueryHandler(action, pattern=r"^og:a:\w+$"))
    app.add_handler(CallbackQueryHandler(team_picked, pattern=r"^og:t:.+$"))
    app.add_handler(CallbackQueryHandler(person_picked, pattern=r"^og:p:.+$"))
    app.add_handler(CallbackQueryHandler(toggle, pattern=r"^og:x:.+$"))
    app.add_handler(CallbackQueryHandler(toggles_done, pattern=r"^og:xd$"))
    app.add_handler(CallbackQueryHandler(reason_picked, pattern=r"^og:r:\w+$"))
    app.add_handler(CallbackQueryHandler(target_picked, pattern=r"^og:m:.+$"))
    app.add_handler(CallbackQueryHandler(gender_picked, pattern=r"^og:g:\w+$"))
    app.add_handler(CallbackQueryHandler(today_picked, pattern=r"^og:d$"))
    app.add_handler(CallbackQueryHandler(merge_start, pattern=r"^og:mg$"))
    app.add_handler(CallbackQueryHandler(merge_toggle, pattern=r"^og:mx:\d+$"))
    app.add_handler(CallbackQueryHandler(merge_sources_done, pattern=r"^og:mxd$"))
    app.add_handler(CallbackQueryHandler(merge_into_picked, pattern=r"^og:mi:.+$"))
    app.add_handler(CallbackQueryHandler(merge_new, pattern=r"^og:mn$"))
    app.add_handler(CallbackQueryHandler(merge_apply, pattern=r"^og:mok$"))
