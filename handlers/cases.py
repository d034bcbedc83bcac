"""/baocao: report a case through a conversational form; /vuviec: open cases, results recorded later,
corrections; the text and button of the daily reminders. Thin: every rule lives in services/case_form.py,
services/cases.py and services/jobs.py.

Callback data (prefix `case:`; purpose p = n new report | e correction | r result recorded later):
  case:a:<p>:<field>:<value>  answer     case:s:<p>:<field>  skip      case:m:<p>:<id|me|done>  mediators
  case:k:<p>:<kind code|none|done>  kinds of invited persons      (a photo sent on the photo step answers it)
  case:b:<p>  back     case:e:<p>:<field>  edit on review     case:go:<p>:<submission key>  send
  case:resume:<p> / case:fresh  continue a draft / start over
  case:l  list     case:v:<id>  a case     case:r:<id>  record the result     case:c:<id>  correct
Every id in a callback is re-checked against the person's scope by the service.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.error import TelegramError
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
from handlers.broadcast import register_markup
from handlers.common import (
    BotContext,
    callback_arg,
    chat_of,
    clear_buttons,
    column,
    int_arg,
    keyboard,
    new_message,
    numbered_choices,
    reply,
    requires,
    tapped_data,
    text_for_another_flow,
    typed,
)
from handlers.flows import register_flow
from handlers.menu import Capability, register_capability
from services import case_form as form
from services.case_form import FormContext, FormError
from services.case_models import Case
from services.cases import (
    REPORTER_ROLES,
    RESULT_KEYS,
    CaseDenied,
    DraftInProgress,
    DraftView,
    NoDraft,
    StaleStep,
    SubmitOutcome,
    TextNotAwaited,
)
from services.jobs import REMIND_LEADER, REMIND_REPORTER
from services.models import Person, Role

log = logging.getLogger(__name__)

STEP = 0
PURPOSE_CODES = {"n": "new", "e": "edit", "r": "result"}
PURPOSE_LETTERS = {v: k for k, v in PURPOSE_CODES.items()}
LIST_ROLES = (Role.MEDIATOR, Role.TEAM_LEADER, Role.COMMUNE_OFFICIAL, Role.ADMIN)
#: Channels on which people can send a photo (the console cannot).
PHOTO_CHANNELS = frozenset({"telegram", "zalo", "oa"})
#: Steps that answer typed text (any other typed text is a legal question): those whose prompt asks for it,
#: and the photo step, which answers it with its reminder that a photo is expected.
TEXT_KINDS = ("date", "count", "text", "secret", "photo")

register_capability(
    Capability(
        "baocao", msg.CASE_BTN_MENU, "baocao", msg.CASE_CMD_REPORT, frozenset(REPORTER_ROLES), order=20
    )
)
register_capability(
    Capability("vuviec", msg.CASE_BTN_LIST_MENU, "vuviec", msg.CASE_CMD_LIST, frozenset(LIST_ROLES), order=21)
)


# --- rendering ----------------------------------------------------------------------------------------------
def error_text(exc: FormError) -> str:
    """The Vietnamese sentence for an answer the form refused (the chat and `mediator-bot import-cases`)."""
    return msg.CASE_ERRORS[exc.code].format(**exc.params)


def _purpose(update: Update, index: int = 2) -> str:
    return PURPOSE_CODES.get(callback_arg(update, index), "")


def _fmt_local(iso: str, tz: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone(ZoneInfo(tz)).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return iso


def _step_buttons(context: BotContext, view: DraftView, key: str) -> list[list[tuple[str, str]]]:
    """The buttons of the step `key` (view.step) of the form."""
    p = PURPOSE_LETTERS[view.draft.purpose]
    f = form.BY_KEY[key]
    values = view.draft.values
    rows: list[list[tuple[str, str]]] = []
    if f.kind == "team":
        rows = [[(name, f"case:a:{p}:{key}:{tid}")] for tid, name in view.ctx.teams.items()]
    elif f.kind == "date":
        rows = [
            [
                (msg.CASE_BTN_TODAY, f"case:a:{p}:{key}:hom nay"),
                (msg.CASE_BTN_YESTERDAY, f"case:a:{p}:{key}:hom qua"),
            ]
        ]
        received = values.get("received_on")
        if key == "closed_on" and received and received < view.ctx.today.isoformat():
            label = msg.CASE_BTN_SAME_AS_RECEIVED.format(date=form.display_date(received))
            rows.append([(label, f"case:a:{p}:{key}:{received}")])
    elif f.kind == "choice":
        codes = list(f.choices or {})
        if key == "result":
            codes = [
                c
                for c in form.RESULT_BUTTON_ORDER
                if not (view.draft.purpose == "result" and c == form.PENDING_RESULT)
            ]
        for code in codes:
            label = msg.CASE_CHOICE_BUTTONS.get(code) or (f.choices or {})[code]
            if key == "result":
                label = f"{msg.CASE_RESULT_ICONS[code]} {label}"
            if values.get(key) == code:
                label = f"✓ {label}"
            rows.append([(label, f"case:a:{p}:{key}:{code}")])
    elif f.kind == "count" and key == "invited_count":
        rows = [[(str(n), f"case:a:{p}:{key}:{n}") for n in (1, 2, 3, 4, 5)]]
    elif f.kind == "count":
        # "More" first, so that on numbered channels (console, Zalo) typing 2…5 picks the button with that
        # number.
        rows = [
            [(msg.CASE_BTN_MORE_PARTIES, f"case:a:{p}:{key}:more")],
            [(str(n), f"case:a:{p}:{key}:{n}") for n in (2, 3, 4, 5)],
        ]
    elif f.kind == "kinds":
        chosen = set(context.services.cases.kinds_selection(view))
        labels = [
            (("✓ " if code in chosen else "") + label, f"case:k:{p}:{code}")
            for code, label in (f.choices or {}).items()
        ]
        rows = [labels[i : i + 2] for i in range(0, len(labels), 2)]
        rows.append([(msg.CASE_BTN_NO_INVITED, f"case:k:{p}:none"), (msg.CASE_BTN_DONE, f"case:k:{p}:done")])
    elif f.kind == "photo":
        rows = [[(msg.CASE_BTN_SKIP, f"case:s:{p}:{key}")]]
    elif f.kind == "yesno":
        rows = [[(msg.CASE_BTN_YES, f"case:a:{p}:{key}:1"), (msg.CASE_BTN_NO, f"case:a:{p}:{key}:0")]]
    elif f.kind == "people":
        selected = set(context.services.cases.selection(view))
        rows = [
            [(("✓ " if pid in selected else "") + name, f"case:m:{p}:{pid}")]
            for pid, name in view.ctx.members.items()
        ]
        if view.ctx.reporter_id in view.ctx.members:
            rows.append([(msg.CASE_BTN_ONLY_ME, f"case:m:{p}:me")])
        rows.append([(msg.CASE_BTN_DONE, f"case:m:{p}:done")])
    elif f.kind in ("text", "secret"):
        rows = [[(msg.CASE_BTN_SKIP, f"case:s:{p}:{key}")]]
    return rows


def _review(context: BotContext, view: DraftView) -> tuple[str, list[list[tuple[str, str]]]]:
    draft, ctx = view.draft, view.ctx
    p = PURPOSE_LETTERS[draft.purpose]
    plain = context.services.cases.parties_plain(draft)
    title = (
        msg.CASE_REVIEW_TITLE
        if view.case is None
        else msg.CASE_REVIEW_EDIT_TITLE.format(number=view.case.number)
    )
    lines = [title, *form.review_lines(draft.values, ctx, plain)]
    errors: dict[str, FormError] = view.extra.get("errors") or {}
    lines += [f"⚠️ {form.BY_KEY[k].label}: {error_text(e)}" for k, e in errors.items()]
    lines += ["", msg.CASE_REVIEW_FOOTER]
    editable = RESULT_KEYS if draft.purpose == "result" else tuple(form.BY_KEY)
    photos = context.application.channel in PHOTO_CHANNELS
    if (
        not photos
        and form.applicable("record_photo", draft.values, ctx)
        and not draft.values.get("record_photo")
    ):
        lines.insert(-2, f"ℹ️ {msg.CASE_NO_PHOTO_CHANNEL}")
    edits = [
        (msg.CASE_BTN_EDIT.format(name=msg.CASE_FIELD_SHORT.get(f.key, f.label)), f"case:e:{p}:{f.key}")
        for f in form.FORM
        if f.key in editable
        and f.applies(draft.values, ctx)
        and f.key not in form.NOT_EDITABLE
        and not (f.key == "team_id" and len(ctx.teams) < 2)
        and not (f.kind == "photo" and not photos)
    ]
    rows = [[(msg.CASE_BTN_SEND, f"case:go:{p}:{draft.submission_key}")]]
    rows += [edits[i : i + 2] for i in range(0, len(edits), 2)]
    return "\n".join(lines), rows


async def _show(update: Update, context: BotContext, view: DraftView, note: str | None = None) -> int:
    context.user_data["case_p"] = view.draft.purpose
    if view.step is None:
        text, rows = _review(context, view)
    else:
        text = msg.CASE_PROMPTS[view.step]
        if view.draft.purpose == "result" and view.step == "result" and view.case is not None:
            text = msg.CASE_RECORD_RESULT.format(
                number=view.case.number, received=form.display_date(view.case.received_on)
            )
        rows = _step_buttons(context, view, view.step)
    if note:
        text = f"{note}\n\n{text}"
    await reply(update, text, keyboard(rows, nav=True, back=_back(view)))
    return STEP


def _back(view: DraftView) -> str:
    """◀ Quay lại: the previous question; before the first, the case's card (result, correction) or the
    menu."""
    if view.draft.history or (view.draft.editing and view.step is not None):
        return f"case:b:{PURPOSE_LETTERS[view.draft.purpose]}"
    return f"case:v:{view.case.id}" if view.case is not None else "menu:home"


async def _person(update: Update, context: BotContext) -> Person:
    return await context.registered(update)  # the callers are wrapped in requires(), so never None


# --- starting -----------------------------------------------------------------------------------------------
@requires(*REPORTER_ROLES)
async def start_report(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    person = await _person(update, context)
    cases = context.services.cases
    if not await cases.report_teams(person):
        await reply(update, msg.CASE_NO_TEAM)
        return ConversationHandler.END
    if person.role == Role.COMMUNE_OFFICIAL and await cases.parties_blocked(person):
        await reply(update, msg.CASE_PARTIES_NO_KEY)
    draft = await cases.draft(person, "new")
    if draft is not None and any(not k.startswith("_") for k in draft.values):
        view = await cases.view(person, draft)
        lines = form.review_lines(view.draft.values, view.ctx) or [msg.CASE_RESUME_EMPTY]
        text = msg.CASE_RESUME.format(
            when=_fmt_local(draft.updated_at, cases.settings.timezone), summary="\n".join(lines)
        )
        await reply(
            update,
            text,
            column(
                [(msg.CASE_BTN_CONTINUE, "case:resume:n"), (msg.CASE_BTN_NEW, "case:fresh")],
                nav=True,
                back="menu:home",
            ),
        )
        return STEP
    return await _fresh(update, context, person)


async def _fresh(update: Update, context: BotContext, person: Person) -> int:
    try:
        view = await context.services.cases.begin(person)
    except CaseDenied:
        await reply(update, msg.CASE_NO_TEAM)
        return ConversationHandler.END
    team_id = view.draft.values.get("team_id")
    team = view.ctx.teams.get(team_id) if team_id else None
    intro = msg.CASE_START.format(team=team) if team else None
    return await _show(update, context, view, intro)


@requires(*REPORTER_ROLES)
async def fresh(update: Update, context: BotContext) -> int:
    await clear_buttons(update)
    return await _fresh(update, context, await _person(update, context))


@requires()
async def resume(update: Update, context: BotContext) -> int | None:
    await clear_buttons(update)
    person = await _person(update, context)
    try:
        view = await context.services.cases.current(person, _purpose(update))
    except NoDraft:
        await reply(update, msg.CASE_DRAFT_GONE)
        return ConversationHandler.END
    return await _show(update, context, view)


# --- answering ----------------------------------------------------------------------------------------------
async def _run(update: Update, context: BotContext, purpose: str, action) -> int | None:
    """Run a draft action and show what comes next; errors become clear messages, the step is asked again."""
    person = await _person(update, context)
    cases = context.services.cases
    try:
        view = await action(person)
    except NoDraft:
        await reply(update, msg.CASE_DRAFT_GONE)
        context.user_data.pop("case_p", None)
        return ConversationHandler.END
    except StaleStep:
        return await _show(update, context, await cases.current(person, purpose), msg.CASE_STEP_STALE)
    except FormError as exc:
        return await _show(update, context, await cases.current(person, purpose), error_text(exc))
    except CaseDenied:
        await reply(update, msg.CASE_NOT_FOUND)
        return ConversationHandler.END
    except TextNotAwaited:
        return await text_for_another_flow(update, context)
    return await _show(update, context, view, msg.CASE_MASKED_NOTE if view.extra.get("masked") else None)


@requires()
async def answer_button(update: Update, context: BotContext) -> int | None:
    await clear_buttons(update)
    purpose, key = _purpose(update), callback_arg(update, 3)
    value = tapped_data(update).split(":", 4)[-1]
    if key == "parties_count" and value == "more":
        await reply(update, msg.CASE_ASK_MORE_PARTIES)
        return STEP
    return await _run(
        update, context, purpose, lambda person: context.services.cases.answer(person, purpose, key, value)
    )


@requires()
async def answer_text(update: Update, context: BotContext) -> int | None:
    purpose = context.user_data.get("case_p") or "new"
    text = typed(update)
    return await _run(
        update, context, purpose, lambda person: context.services.cases.answer(person, purpose, None, text)
    )


@requires()
async def skip(update: Update, context: BotContext) -> int | None:
    await clear_buttons(update)
    purpose, key = _purpose(update), callback_arg(update, 3)
    return await _run(
        update, context, purpose, lambda person: context.services.cases.skip(person, purpose, key)
    )


@requires()
async def mediator(update: Update, context: BotContext) -> int | None:
    await clear_buttons(update)
    purpose, member = _purpose(update), callback_arg(update, 3)
    return await _run(
        update,
        context,
        purpose,
        lambda person: context.services.cases.toggle_mediator(person, purpose, member),
    )


@requires()
async def invited_kind(update: Update, context: BotContext) -> int | None:
    await clear_buttons(update)
    purpose, code = _purpose(update), callback_arg(update, 3)
    return await _run(
        update, context, purpose, lambda person: context.services.cases.toggle_kind(person, purpose, code)
    )


@requires()
async def answer_photo(update: Update, context: BotContext) -> int | None:
    """A photo sent while the form asks for the photo of the signed written record: its chat file id is
    kept."""
    purpose = context.user_data.get("case_p") or "new"
    photos = new_message(update).photo or ()
    if not photos:
        await reply(update, msg.CASE_ERRORS["photo_expected"])
        return STEP
    value = f"{context.application.channel}:{photos[-1].file_id}"
    return await _run(
        update,
        context,
        purpose,
        lambda person: context.services.cases.answer(person, purpose, "record_photo", value),
    )


@requires()
async def back(update: Update, context: BotContext) -> int | None:
    await clear_buttons(update)
    purpose = _purpose(update)
    return await _run(update, context, purpose, lambda person: context.services.cases.back(person, purpose))


@requires()
async def edit(update: Update, context: BotContext) -> int | None:
    await clear_buttons(update)
    purpose, key = _purpose(update), callback_arg(update, 3)
    return await _run(
        update, context, purpose, lambda person: context.services.cases.edit(person, purpose, key)
    )


@requires()
async def send(update: Update, context: BotContext) -> int | None:
    await clear_buttons(update)
    purpose, key = _purpose(update), callback_arg(update, 3)
    person = await _person(update, context)
    try:
        outcome = await context.services.cases.submit(person, purpose, key)
    except NoDraft:
        await reply(update, msg.CASE_DRAFT_GONE)
        return ConversationHandler.END
    except CaseDenied:
        await reply(
            update,
            msg.CASE_CANNOT_CORRECT.format(days=context.services.cases.settings.edit_days)
            if purpose == "edit"
            else msg.CASE_CANNOT_RECORD,
        )
        await context.services.cases.cancel(person, purpose)
        return ConversationHandler.END
    if isinstance(outcome, DraftView):
        return await _show(update, context, outcome)
    context.user_data.pop("case_p", None)
    await reply(update, _outcome_text(outcome, purpose))
    return ConversationHandler.END


def _outcome_text(outcome: SubmitOutcome, purpose: str) -> str:
    case = outcome.case
    if outcome.duplicate:
        return msg.CASE_ALREADY_SUBMITTED.format(number=case.number)
    if purpose == "new":
        template = msg.CASE_SUBMITTED_PENDING if case.result == form.PENDING_RESULT else msg.CASE_SUBMITTED
        return template.format(number=case.number)
    if not outcome.changed:
        return msg.CASE_NO_CHANGES.format(number=case.number)
    if purpose == "result":
        return msg.CASE_RESULT_RECORDED.format(result=form.RESULTS[case.result], number=case.number)
    return msg.CASE_CORRECTED.format(number=case.number)


async def cancel(update: Update, context: BotContext) -> int:
    person = await context.person(update)
    purpose = context.user_data.pop("case_p", None) or "new"
    if person is not None:
        await context.services.cases.cancel(person, purpose)
    await reply(update, msg.CASE_CANCELLED if purpose == "new" else msg.CANCELLED)
    return ConversationHandler.END


async def _asks_text(update: Update, context: BotContext, state: object) -> bool:
    """Typed text is an answer only at a step that asks for it (a date, a number, a summary, names)."""
    purpose = context.user_data.get("case_p")
    person = await context.person(update)
    if not purpose or person is None:
        return False
    try:
        view = await context.services.cases.current(person, purpose)
    except (NoDraft, CaseDenied):
        return False
    return view.step is not None and form.BY_KEY[view.step].kind in TEXT_KINDS


# --- /vuviec ------------------------------------------------------------------------------------------------
def _row_label(case: Case) -> str:
    return msg.CASE_ROW.format(
        icon=msg.CASE_RESULT_ICONS.get(case.result, ""),
        number=case.number,
        field=form.FIELDS.get(case.field, case.field),
        received=form.display_date(case.received_on),
    )


async def _scope(context: BotContext, person: Person) -> str:
    if person.role == Role.COMMUNE_OFFICIAL and person.commune_id:
        commune = await context.services.directory.commune(person.commune_id)
        return msg.CASE_SCOPE_COMMUNE.format(commune=commune.name if commune else "")
    if person.role == Role.TEAM_LEADER and person.team_id:
        team = await context.services.directory.team(person.team_id)
        return msg.CASE_SCOPE_TEAM.format(team=team.name if team else "")
    return msg.CASE_SCOPE_MINE


@requires(*LIST_ROLES)
async def list_cases(update: Update, context: BotContext) -> None:
    await clear_buttons(update)
    person = await _person(update, context)
    open_cases, recent = await context.services.cases.lists_for(person)
    scope = await _scope(context, person)
    lines = [
        msg.CASE_LIST_TITLE.format(count=len(open_cases), scope=scope)
        if open_cases
        else msg.CASE_LIST_EMPTY.format(scope=scope)
    ]
    # The rows are too long for buttons: written out, numbered; the buttons carry the numbers.
    followups = await context.services.followups.listed_for(person)
    shown, rows = numbered_choices(
        [(_row_label(c), f"case:v:{c.id}") for c in open_cases + recent]
        + [
            (f"🤝 {f['number']} · {form.display_date(f['closed_on'])}", f"case:v:{f['case_id']}")
            for f in followups
        ]
    )
    listed = shown.splitlines()
    lines += listed[: len(open_cases)]
    if recent:
        lines.append(msg.CASE_LIST_RECENT.format(count=len(recent)))
        lines += listed[len(open_cases) : len(open_cases) + len(recent)]
    if followups:  # agreements whose mediators did not answer after the reminder (Art. 26)
        lines.append(msg.FOLLOWUP_LISTED_TITLE.format(count=len(followups)))
        lines += listed[len(open_cases) + len(recent) :]
    if rows:
        lines.append(msg.CASE_LIST_HINT_NUMBERS)
    await reply(update, "\n".join(lines), keyboard(rows) if rows else None)


async def _card(context: BotContext, case: Case) -> str:
    services = context.services
    team = await services.directory.team(case.team_id)
    members = {}
    for pid in case.mediator_ids:
        p = await services.directory.person(pid)
        members[pid] = p.full_name if p else f"#{pid}"
    ctx = FormContext(
        today=services.cases.today(), teams={case.team_id: team.name if team else "?"}, members=members
    )
    values = case.form_values()
    if case.follows_case_id:
        values["_follows_number"] = await services.cases.number_of(case.follows_case_id)
    lines = [
        f"• {f.label}: {form.display(f.key, values, ctx)}"
        for f in form.FORM
        if f.applies(values, ctx) and f.kind != "secret"
    ]
    if case.parties_encrypted:
        lines.append(f"• {form.BY_KEY['parties'].label}: {msg.CASE_PARTIES_SAVED}")
    if case.invited_names_encrypted:
        lines.append(f"• {form.BY_KEY['invited_names'].label}: {msg.CASE_PARTIES_SAVED}")
    reporter = await services.directory.person(case.reporter_id) if case.reporter_id else None
    return msg.CASE_CARD.format(
        number=case.number,
        lines="\n".join(lines),
        reporter=reporter.full_name if reporter else msg.CASE_NOT_SET,
    )


@requires(*LIST_ROLES)
async def view_case(update: Update, context: BotContext) -> None:
    await clear_buttons(update)
    person = await _person(update, context)
    cases = context.services.cases
    try:
        case = await cases.case_for(person, int_arg(update))
    except CaseDenied:
        await reply(update, msg.CASE_NOT_FOUND)
        return
    buttons = []
    if cases.can_record_result(person, case):
        buttons.append((msg.CASE_BTN_RECORD_RESULT, f"case:r:{case.id}"))
    if cases.can_correct(person, case):
        buttons.append((msg.CASE_BTN_CORRECT, f"case:c:{case.id}"))
    if case.record_photo and case.record_photo.split(":", 1)[0] == context.channel:
        buttons.append((msg.CASE_BTN_SHOW_PHOTO, f"case:p:{case.id}"))
    card = await _card(context, case)
    followups = context.services.followups
    if followups.may_answer(person, case):  # Law 35/2013 Art. 26: is the agreement carried out?
        answer = await followups.recorded_answer(person, case)
        card += "\n" + msg.FOLLOWUP_CARD_LINE.format(
            answer=msg.FOLLOWUP_ANSWERS[answer] if answer else msg.FOLLOWUP_CARD_UNKNOWN
        )
        buttons += [(msg.FOLLOWUP_BTN[a], f"fu:a:{case.id}:{a}") for a in ("done", "ongoing", "not_done")]
    buttons.append((msg.CASE_BTN_LIST, "case:l"))
    await reply(update, card, column(buttons))


@requires(*REPORTER_ROLES)
async def remediate(update: Update, context: BotContext) -> int | None:
    """'Hòa giải lại' after an agreement was not carried out: a new report prefilled and linked to the
    case."""
    from services.agreements import FollowUpDenied

    await clear_buttons(update)
    person = await _person(update, context)
    try:
        view = await context.services.followups.begin_remediation(person, int_arg(update) or 0)
    except DraftInProgress:
        await reply(update, msg.CASE_REMEDIATION_DRAFT_OPEN)
        return ConversationHandler.END
    except FollowUpDenied:
        await reply(update, msg.FOLLOWUP_DENIED)
        return ConversationHandler.END
    number = view.draft.values.get("_follows_number", "")
    return await _show(update, context, view, msg.CASE_REMEDIATION_START.format(number=number))


@requires(*LIST_ROLES)
async def show_photo(update: Update, context: BotContext) -> None:
    """The photo of the signed written record, sent again from the file id the chat platform keeps."""
    await clear_buttons(update)
    person = await _person(update, context)
    try:
        case = await context.services.cases.case_for(person, int_arg(update))
    except CaseDenied:
        await reply(update, msg.CASE_NOT_FOUND)
        return
    channel, _, file_id = (case.record_photo or "").partition(":")
    if channel != context.channel or not file_id:
        await reply(update, msg.CASE_NO_PHOTO_CHANNEL)
        return
    try:
        await chat_of(update).send_photo(file_id, caption=msg.CASE_PHOTO_CAPTION.format(number=case.number))
    except TelegramError:
        log.warning("photo of case %s not sent again", case.id, exc_info=True)
        await reply(update, msg.CASE_PHOTO_GONE)


@requires(*LIST_ROLES)
async def record_result(update: Update, context: BotContext) -> int | None:
    await clear_buttons(update)
    person = await _person(update, context)
    try:
        view = await context.services.cases.begin_result(person, int_arg(update) or 0)
    except CaseDenied:
        await reply(update, msg.CASE_CANNOT_RECORD)
        return None
    return await _show(update, context, view)


@requires(*LIST_ROLES)
async def correct(update: Update, context: BotContext) -> int | None:
    await clear_buttons(update)
    person = await _person(update, context)
    try:
        view = await context.services.cases.begin_correction(person, int_arg(update) or 0)
    except CaseDenied:
        await reply(update, msg.CASE_CANNOT_CORRECT.format(days=context.services.cases.settings.edit_days))
        return None
    locked = context.services.cases.parties_locked(view)
    return await _show(update, context, view, msg.CASE_PARTIES_LOCKED if locked else None)


# --- reminders (queued by the daily job, services/jobs.py; scheduled in bot/jobs.py) ------------------------
def render_reminder(topic: str, case: Case, info: dict) -> str:
    """The text of a case reminder (stored with its outbox rows when the job queues it)."""
    values = {
        "number": case.number,
        "field": form.FIELDS.get(case.field, case.field),
        "received": form.display_date(case.received_on),
        "days": info["days"],
    }
    if topic == REMIND_LEADER:
        return msg.CASE_REMIND_LEADER.format(**values, reporter=info.get("reporter") or msg.CASE_NOT_SET)
    return msg.CASE_REMIND_REPORTER.format(**values)


def _markup_reminder(broadcast: dict):
    """The reminder's button records the result (checked again by the service when tapped)."""
    return column([(msg.CASE_BTN_RECORD_RESULT, f"case:r:{broadcast['case_id']}")])


for _topic in (REMIND_REPORTER, REMIND_LEADER):
    register_markup(_topic, _markup_reminder)


def register(app: Application) -> None:
    register_flow("cases", asks_text=_asks_text, cancel=cancel, keys=["case_p"])
    text = filters.TEXT & ~filters.COMMAND
    flow_callbacks: list[BaseHandler[Update, BotContext, object]] = [
        CallbackQueryHandler(answer_button, pattern=r"^case:a:[ner]:\w+:"),
        CallbackQueryHandler(skip, pattern=r"^case:s:[ner]:\w+$"),
        CallbackQueryHandler(mediator, pattern=r"^case:m:[ner]:(\d+|me|done)$"),
        CallbackQueryHandler(invited_kind, pattern=r"^case:k:[ner]:\w+$"),
        CallbackQueryHandler(back, pattern=r"^case:b:[ner]$"),
        CallbackQueryHandler(edit, pattern=r"^case:e:[ner]:\w+$"),
        CallbackQueryHandler(send, pattern=r"^case:go:[ner]:\w+$"),
        CallbackQueryHandler(resume, pattern=r"^case:resume:[ner]$"),
        CallbackQueryHandler(fresh, pattern=r"^case:fresh$"),
        CallbackQueryHandler(list_cases, pattern=r"^case:l$"),
        CallbackQueryHandler(view_case, pattern=r"^case:v:\d+$"),
        CallbackQueryHandler(record_result, pattern=r"^case:r:\d+$"),
        CallbackQueryHandler(correct, pattern=r"^case:c:\d+$"),
        CallbackQueryHandler(remediate, pattern=r"^case:again:\d+$"),
        CallbackQueryHandler(show_photo, pattern=r"^case:p:\d+$"),
    ]
    app.add_handler(
        ConversationHandler(
            name="cases",
            persistent=True,
            entry_points=[
                CommandHandler("baocao", start_report),
                CallbackQueryHandler(start_report, pattern=r"^menu:baocao$"),
                CommandHandler("vuviec", list_cases),
                CallbackQueryHandler(list_cases, pattern=r"^menu:vuviec$"),
                *flow_callbacks,
            ],
            states={
                STEP: [
                    *flow_callbacks,
                    MessageHandler(text, answer_text),
                    MessageHandler(filters.PHOTO, answer_photo),
                ]
            },
            fallbacks=[
                CommandHandler(["huy", "cancel"], cancel),
                CommandHandler("baocao", start_report),
                CommandHandler("vuviec", list_cases),
            ],
            allow_reentry=True,
        )
    )
