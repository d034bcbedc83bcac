"""The case form (phiếu vụ việc), defined once as data: the chat flow, the bulk import, the exports and the
statistics all use this definition.

Fields mirror Part I of the paper logbook (Sổ theo dõi hoạt động hòa giải ở cơ sở) plus what the Ministry of
Justice statistics need. Values of a form are a JSON-friendly dict keyed by field key:

    team_id int · received_on "YYYY-MM-DD" · field code · basis code · result code ·
    closed_on "YYYY-MM-DD" (concluded results only) · court_recognition bool (result `thanh` only) ·
    parties_count int ≥ 2 · mediator_ids [int] · summary str (masked) · parties str (encrypted, optional) ·
    invited_kinds [code] · invited_count int · invited_names str (encrypted, where party names are enabled) ·
    agreement str (masked) · note str · written_record bool (result `thanh` only) · record_photo
    "<channel>:<file id>" · follows_case_id int (a re-mediation of that case)

Codes and labels are module-level constants (FIELDS, BASES, RESULTS: code → Vietnamese label): the codes are
defined once in services/case_models.py, the labels in the string catalogue.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from knowledge.text import fold as fold_text
from services import dates
from services.case_models import (
    BASIS_CODES,
    CONCLUDED_RESULTS,
    FIELD_CODES,
    INVITED_KIND_CODES,
    RESULT_CODES,
    SUCCESS_RESULT,
)
from services.case_models import (
    PENDING_RESULT as PENDING_RESULT,  # used by the callers as form.PENDING_RESULT
)
from services.privacy import mask_personal_numbers
from services.text import clean_text
from vocabulary import messages as msg

# The codes are the domain's (services/case_models.py); the form shows the case form's labels (catalogue).
#: Field of the dispute (lĩnh vực), code → label.
FIELDS: dict[str, str] = {code: msg.CASE_FIELD_LABELS[code] for code in FIELD_CODES}
#: Basis for mediating (Law 35/2013 Art. 16), code → label.
BASES: dict[str, str] = {code: msg.CASE_BASIS_LABELS[code] for code in BASIS_CODES}
#: Result (kết quả), code → label.
RESULTS: dict[str, str] = {code: msg.CASE_RESULT_LABELS[code] for code in RESULT_CODES}
#: Kinds of persons invited to take part (Law 35/2013 Art. 19), code → label.
INVITED_KINDS: dict[str, str] = {code: msg.CASE_INVITED_KIND_LABELS[code] for code in INVITED_KIND_CODES}
#: Order of the result buttons: the common outcomes first.
RESULT_BUTTON_ORDER: tuple[str, ...] = (
    "thanh",
    "dang_hoa_giai",
    "khong_thanh",
    "chuyen_co_quan",
    "rut_yeu_cau",
)

MIN_PARTIES, MAX_PARTIES = 2, 50
MAX_INVITED = 30
SUMMARY_MAX = 1000
AGREEMENT_MAX = 1000
NOTE_MAX = 500
PARTIES_MAX = 500
#: The chat refuses dates older than this (typos such as 2015 for 2025); old paper logbooks go through import.
CHAT_MAX_AGE_YEARS = 2
#: Law 35/2013/QH13 took effect on 01/01/2014: the import accepts nothing older.
IMPORT_OLDEST = date(2014, 1, 1)

#: Columns of the bulk-import file, in order; `external_id` may be added to make re-imports idempotent.
IMPORT_COLUMNS: tuple[str, ...] = (
    "team_code",
    "received_date",
    "field",
    "basis",
    "result",
    "closed_date",
    "parties_count",
    "summary",
)


class FormError(ValueError):
    """An answer that does not fit the form: `code` keys CASE_ERRORS of the catalogue, `params` fill it in.
    The chat layer and the command line word it (handlers.cases.error_text)."""

    def __init__(self, error_code: str, /, **params: Any):
        super().__init__(error_code)
        self.code = error_code
        self.params = params


@dataclass(frozen=True)
class FormContext:
    """What the form needs to know about who fills it in and where."""

    today: date
    reporter_id: int | None = None
    #: Teams the reporter may report for: id → name.
    teams: Mapping[int, str] = field(default_factory=dict)
    #: Members (mediators, team leader) of the chosen team: id → name.
    members: Mapping[int, str] = field(default_factory=dict)
    #: The commune stores party names (and a key is configured).
    parties_enabled: bool = False
    mode: str = "chat"  # "chat" | "import"

    @property
    def oldest(self) -> date:
        if self.mode == "import":
            return IMPORT_OLDEST
        try:
            return self.today.replace(year=self.today.year - CHAT_MAX_AGE_YEARS)
        except ValueError:  # 29 February
            return self.today.replace(year=self.today.year - CHAT_MAX_AGE_YEARS, day=28)


Values = dict[str, Any]
Applies = Callable[[Mapping[str, Any], FormContext], bool]


def _always(values: Mapping[str, Any], ctx: FormContext) -> bool:
    return True


def _concluded(values: Mapping[str, Any], ctx: FormContext) -> bool:
    return values.get("result") in CONCLUDED_RESULTS


def _successful(values: Mapping[str, Any], ctx: FormContext) -> bool:
    # The import has no column for it: imported successful cases leave it unknown (NULL).
    return values.get("result") == SUCCESS_RESULT and ctx.mode == "chat"


def _in_chat_or_imported(values: Mapping[str, Any], ctx: FormContext) -> bool:
    """Mediators: chosen in the chat; in an import only when the optional `mediators` column names them."""
    return ctx.mode == "chat" or (ctx.mode == "import" and bool(values.get("mediator_ids")))


def _success_any_mode(values: Mapping[str, Any], ctx: FormContext) -> bool:
    return values.get("result") == SUCCESS_RESULT


def _invited(values: Mapping[str, Any], ctx: FormContext) -> bool:
    return bool(values.get("invited_kinds"))


def _invited_names(values: Mapping[str, Any], ctx: FormContext) -> bool:
    return _invited(values, ctx) and _parties_enabled(values, ctx)


def _record_photo(values: Mapping[str, Any], ctx: FormContext) -> bool:
    return (
        values.get("result") == SUCCESS_RESULT and values.get("written_record") is True and ctx.mode == "chat"
    )


def _follows(values: Mapping[str, Any], ctx: FormContext) -> bool:
    return ctx.mode == "chat" and bool(values.get("follows_case_id"))


def _parties_enabled(values: Mapping[str, Any], ctx: FormContext) -> bool:
    return ctx.mode == "chat" and ctx.parties_enabled


@dataclass(frozen=True)
class FormField:
    key: str
    #: team | date | choice | count | people | kinds | yesno | text | secret | photo | link
    kind: str
    choices: Mapping[str, str] | None = None
    #: False: not asked in the quick flow when it has a default; the review screen shows it with "Sửa".
    asked: bool = True
    required: bool = True
    applies: Applies = _always
    #: Column of the bulk-import file, if the field is imported.
    import_column: str | None = None

    @property
    def label(self) -> str:
        return msg.CASE_FIELD_NAMES[self.key]

    def default(self, values: Mapping[str, Any], ctx: FormContext) -> Any:
        """The value used when the field is not asked (None: no default, it must be asked)."""
        if self.key == "team_id":
            return next(iter(ctx.teams)) if len(ctx.teams) == 1 else None
        if self.key == "closed_on":
            # A case received today and already concluded was concluded today.
            received = values.get("received_on")
            return received if ctx.mode == "chat" and received == ctx.today.isoformat() else None
        if self.key == "court_recognition":
            return False
        if self.key == "parties_count":
            return MIN_PARTIES
        if self.key == "mediator_ids":
            return [ctx.reporter_id] if ctx.reporter_id in ctx.members else None
        if self.key in ("summary", "agreement", "note"):
            return ""
        if self.key == "invited_kinds":
            return []
        if self.key == "invited_count":
            return len(values.get("invited_kinds") or []) or None
        return None


FORM: tuple[FormField, ...] = (
    FormField("team_id", "team", import_column="team_code"),
    FormField("received_on", "date", import_column="received_date"),
    FormField("field", "choice", choices=FIELDS, import_column="field"),
    FormField("basis", "choice", choices=BASES, import_column="basis"),
    FormField("result", "choice", choices=RESULTS, import_column="result"),
    FormField("closed_on", "date", applies=_concluded, import_column="closed_date"),
    FormField("court_recognition", "yesno", asked=False, applies=_successful),
    FormField("parties_count", "count", asked=False, import_column="parties_count"),
    FormField("mediator_ids", "people", asked=False, applies=_in_chat_or_imported, import_column="mediators"),
    # Part I columns (3), (6), (9), (10) of the paper book: on the review screen with their defaults, each
    # "Sửa".
    FormField(
        "invited_kinds",
        "kinds",
        choices=INVITED_KINDS,
        asked=False,
        required=False,
        import_column="invited_kinds",
    ),
    FormField(
        "invited_count", "count", asked=False, required=False, applies=_invited, import_column="invited_count"
    ),
    FormField("invited_names", "secret", asked=False, required=False, applies=_invited_names),
    FormField("summary", "text", asked=False, required=False, import_column="summary"),
    FormField("parties", "secret", required=False, applies=_parties_enabled),
    FormField(
        "agreement", "text", asked=False, required=False, applies=_concluded, import_column="agreement"
    ),
    FormField(
        "written_record",
        "yesno",
        asked=False,
        required=False,
        applies=_success_any_mode,
        import_column="written_record",
    ),
    FormField("record_photo", "photo", asked=False, required=False, applies=_record_photo),
    FormField("note", "text", asked=False, required=False, import_column="note"),
    FormField("follows_case_id", "link", asked=False, required=False, applies=_follows),
)
#: Fields the review screen offers no "Sửa" for (set by the bot).
NOT_EDITABLE: tuple[str, ...] = ("follows_case_id",)
#: Range of each count field.
COUNT_RANGES: dict[str, tuple[int, int]] = {
    "parties_count": (MIN_PARTIES, MAX_PARTIES),
    "invited_count": (1, MAX_INVITED),
}
#: Text fields: their length limit and whether personal numbers are masked (like the summary).
TEXT_LIMITS: dict[str, int] = {"summary": SUMMARY_MAX, "agreement": AGREEMENT_MAX, "note": NOTE_MAX}
BY_KEY: dict[str, FormField] = {f.key: f for f in FORM}


# --- parsing single answers ------------------------------------------------------------------------------
_TODAY_WORDS = {"hom nay", "homnay", "hn"}
_YESTERDAY_WORDS = {"hom qua", "homqua", "hq"}


def fold(text: str) -> str:
    """Lower-case ASCII folding (people type without diacritics), punctuation kept (knowledge.text.fold)."""
    return fold_text(text, keep=string.punctuation)


def parse_date(text: str, today: date, oldest: date | None = None) -> date:
    """A date typed by a person: dd/mm/yyyy, d/m/yyyy, d-m-yyyy, d.m.yy, d/m (this year; last year if that
    would be in the future), yyyy-mm-dd, or "hôm nay"/"hôm qua". Not in the future, not before `oldest`."""
    raw = clean_text(text, 40)
    folded = fold(raw)
    if folded in _TODAY_WORDS:
        return today
    if folded in _YESTERDAY_WORDS:
        return today - timedelta(days=1)
    try:
        value = dates.parse_typed(raw, latest=today)  # without a year: the last such day up to today
    except dates.DateError as exc:
        raise FormError(f"date_{exc.reason}") from None
    if value > today:
        raise FormError("date_future")
    if oldest is not None and value < oldest:
        raise FormError("date_too_old", limit=oldest.strftime("%d/%m/%Y"))
    return value


def _choice(raw: str, choices: Mapping[str, str]) -> str:
    text = clean_text(raw, 200)
    if text in choices:
        return text
    folded = fold(text).replace(" ", "_")
    for code, label in choices.items():
        if folded in (code, fold(label).replace(" ", "_")):
            return code
    raise FormError("choice", choices=", ".join(choices))


def parse_count(raw: str, key: str = "parties_count") -> int:
    text = clean_text(raw, 20).rstrip("+").strip()
    if not (text.isascii() and text.isdigit()):
        raise FormError("count_format")
    value = int(text)
    low, high = COUNT_RANGES[key]
    if not low <= value <= high:
        raise FormError("count_range" if key == "parties_count" else "invited_count_range", max=high)
    return value


def parse_summary(raw: str, key: str = "summary") -> str:
    """A free text of the form (summary, agreement, note): length-checked, personal numbers masked."""
    text = clean_text(raw, 10_000)
    limit = TEXT_LIMITS[key]
    if len(text) > limit:
        raise FormError("summary_long", length=len(text), max=limit)
    return mask_personal_numbers(text)


def parse_kinds(raw: str) -> list[str]:
    """Kinds of invited persons from a cell: codes or labels separated by commas or semicolons."""
    parts = [p for p in re.split(r"[,;|]", clean_text(raw, 500)) if p.strip()]
    codes: list[str] = []
    for part in parts:
        code = _choice(part, INVITED_KINDS)
        if code not in codes:
            codes.append(code)
    return codes


_PHOTO = re.compile(r"^[a-z]{2,16}:\S{1,500}$")


def parse_photo(raw: str) -> str:
    if not _PHOTO.match(raw or ""):
        raise FormError("photo_expected")
    return raw


def parse_yesno(raw: str) -> bool:
    folded = fold(raw)
    if folded in ("1", "co", "yes", "true", "c", "x", "da ky", "da lap"):
        return True
    if folded in ("0", "khong", "no", "false", "k", "chua"):
        return False
    raise FormError("use_buttons")


def parse_parties(raw: str) -> str:
    text = clean_text(raw, 10_000)
    if len(text) > PARTIES_MAX:
        raise FormError("parties_long", max=PARTIES_MAX)
    return text


def parse_answer(key: str, raw: str, values: Mapping[str, Any], ctx: FormContext) -> Any:
    """Turn a typed or tapped answer for field `key` into its stored value; raises FormError."""
    f = BY_KEY[key]
    if f.kind == "date":
        day = parse_date(raw, ctx.today, ctx.oldest)
        if key == "closed_on":
            _check_closed(day, values)
        return day.isoformat()
    if f.kind == "choice":
        return _choice(raw, f.choices or {})
    if f.kind == "count":
        value = parse_count(raw, key)
        if key == "invited_count" and value < len(values.get("invited_kinds") or []):
            raise FormError("invited_count_low", kinds=len(values.get("invited_kinds") or []))
        return value
    if f.kind == "yesno":
        return parse_yesno(raw)
    if f.kind == "photo":
        return parse_photo(raw)
    if f.kind == "team":
        if not (raw.isascii() and raw.isdigit()) or int(raw) not in ctx.teams:
            raise FormError("team")
        return int(raw)
    if f.kind == "text":
        return parse_summary(raw, key)
    if f.kind == "secret":
        return parse_parties(raw)
    raise FormError("use_buttons")


def _check_closed(closed: date, values: Mapping[str, Any]) -> None:
    received = values.get("received_on")
    if received and closed.isoformat() < received:
        raise FormError("closed_before_received", received=display_date(received))


# --- the whole form ----------------------------------------------------------------------------------------
def applicable(key: str, values: Mapping[str, Any], ctx: FormContext) -> bool:
    return BY_KEY[key].applies(values, ctx)


def prune(values: Mapping[str, Any], ctx: FormContext) -> Values:
    """Drop the values of fields that no longer apply (e.g. the closing date after the result became pending)
    and of mediators who are not members of the chosen team."""
    kept = {k: v for k, v in values.items() if k not in BY_KEY or applicable(k, values, ctx)}
    if "mediator_ids" in kept and ctx.members:
        kept["mediator_ids"] = [i for i in kept["mediator_ids"] if i in ctx.members]
        if not kept["mediator_ids"]:
            kept.pop("mediator_ids")
    return kept


def next_field(values: Values, ctx: FormContext) -> str | None:
    """The key of the next question to ask, or None when the form is complete (the review screen).

    Fills in, in place, the defaults of fields that are not asked (and of fields with an obvious answer)."""
    for f in FORM:
        if not f.applies(values, ctx) or f.key in values:
            continue
        default = f.default(values, ctx)
        if default is not None and (not f.asked or f.key in ("team_id", "closed_on")):
            values[f.key] = default
            continue
        if f.asked or f.required:
            return f.key
    return None


def validate(values: Mapping[str, Any], ctx: FormContext) -> dict[str, FormError]:
    """Every problem of a complete form (before it is stored), by field key."""
    errors: dict[str, FormError] = {}
    for f in FORM:
        applies = f.applies(values, ctx)
        value = values.get(f.key)
        if not applies:
            if value not in (None, "", [], False):
                errors[f.key] = FormError(
                    "not_applicable", result=RESULTS.get(values.get("result") or "", "?")
                )
            continue
        missing = value is None or value == "" or value == []
        if missing:
            required = f.required and not (ctx.mode == "import" and f.key == "closed_on")
            if required:
                errors[f.key] = FormError("required")
            continue
        try:
            _check_value(f, value, values, ctx)
        except FormError as exc:
            errors[f.key] = exc
    return errors


def _check_value(f: FormField, value: Any, values: Mapping[str, Any], ctx: FormContext) -> None:
    if f.kind == "choice" and value not in (f.choices or {}):
        raise FormError("choice", choices=", ".join(f.choices or {}))
    if f.kind == "date":
        parsed = date.fromisoformat(value)
        if parsed > ctx.today:
            raise FormError("date_future")
        if parsed < ctx.oldest:
            raise FormError("date_too_old", limit=ctx.oldest.strftime("%d/%m/%Y"))
        if f.key == "closed_on":
            _check_closed(parsed, values)
    if f.kind == "count":
        low, high = COUNT_RANGES[f.key]
        if not (isinstance(value, int) and low <= value <= high):
            raise FormError("count_range" if f.key == "parties_count" else "invited_count_range", max=high)
        if f.key == "invited_count" and value < len(values.get("invited_kinds") or []):
            raise FormError("invited_count_low", kinds=len(values.get("invited_kinds") or []))
    if f.kind == "kinds" and any(c not in (f.choices or {}) for c in value):
        raise FormError("choice", choices=", ".join(f.choices or {}))
    if f.kind == "photo":
        parse_photo(value)
    if f.kind == "team" and value not in ctx.teams:
        raise FormError("team")
    if f.kind == "people" and ctx.mode != "import" and any(i not in ctx.members for i in value):
        # (an import checks the codes against the row's team in parse_import_row)
        raise FormError("mediators")
    if f.kind == "text" and len(value) > TEXT_LIMITS[f.key]:
        raise FormError("summary_long", length=len(value), max=TEXT_LIMITS[f.key])


# --- showing values -----------------------------------------------------------------------------------------
def display_date(iso: str | None) -> str:
    if not iso:
        return msg.CASE_NOT_SET
    try:
        return date.fromisoformat(iso).strftime("%d/%m/%Y")
    except ValueError:
        return iso


def display(key: str, values: Mapping[str, Any], ctx: FormContext, parties_plain: str | None = None) -> str:
    """The value of `key` as the review screen shows it."""
    value = values.get(key)
    f = BY_KEY[key]
    if f.kind == "date":
        return display_date(value)
    if f.kind == "choice":
        return (f.choices or {}).get(value or "", msg.CASE_NOT_SET)
    if f.kind == "team":
        return ctx.teams.get(value, msg.CASE_NOT_SET) if value is not None else msg.CASE_NOT_SET
    if f.kind == "yesno":
        return msg.CASE_NOT_SET if value is None else msg.CASE_YES_NO[bool(value)]
    if f.kind == "count":
        return str(value) if value else msg.CASE_NOT_SET
    if f.kind == "people":
        names = [ctx.members.get(i, f"#{i}") for i in value or []]
        return ", ".join(names) if names else msg.CASE_NONE_SELECTED
    if f.kind == "kinds":
        labels = [(f.choices or {}).get(c, c) for c in value or []]
        return ", ".join(labels) if labels else msg.CASE_NONE_INVITED
    if f.kind == "photo":
        return msg.CASE_PHOTO_SAVED if value else msg.CASE_NOT_SET
    if f.kind == "link":
        return values.get("_follows_number") or (f"#{value}" if value else msg.CASE_NOT_SET)
    if f.kind == "secret":
        if key == "invited_names":
            return msg.CASE_PARTIES_SAVED if value else msg.CASE_NOT_SET
        return parties_plain or (msg.CASE_PARTIES_SAVED if value else msg.CASE_NOT_SET)
    return value or msg.CASE_NOT_SET


def review_lines(values: Mapping[str, Any], ctx: FormContext, parties_plain: str | None = None) -> list[str]:
    return [
        f"• {f.label}: {display(f.key, values, ctx, parties_plain)}" for f in FORM if f.applies(values, ctx)
    ]


# --- bulk import rows ---------------------------------------------------------------------------------------
@dataclass
class ImportRow:
    row: int
    values: Values
    external_id: str | None
    errors: list[tuple[str, FormError]]  # (column, what is wrong)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _import_date(text: str) -> date:
    """A date of the import file: year-month-day only (a spreadsheet's d/m or m/d order cannot be guessed)."""
    try:
        return dates.parse_iso(text)
    except dates.DateError as exc:
        raise FormError(f"date_{exc.reason}") from None


def parse_import_row(
    number: int,
    row: Mapping[str, Any],
    ctx: FormContext,
    team_codes: Mapping[str, int],
    members: Mapping[str, tuple[int, int]] | None = None,
) -> ImportRow:
    """Read one row of the import file with the form's rules; `team_codes`: code → team id of the commune;
    `members`: person ref (upper case) → (person id, team id) of the commune's mediators, for the `mediators`
    column (column 3 of the book: who mediated, by their codes)."""
    cells = {k.strip().lower(): _cell(v) for k, v in row.items() if k}
    values: Values = {}
    errors: list[tuple[str, FormError]] = []

    def fail(column: str, exc: FormError) -> None:
        errors.append((column, exc))

    code = cells.get("team_code", "")
    if not code:
        fail("team_code", FormError("required"))
    elif code.upper() not in team_codes:
        fail("team_code", FormError("team_unknown", code=code))
    else:
        values["team_id"] = team_codes[code.upper()]
    for key, column in (("received_on", "received_date"), ("closed_on", "closed_date")):
        text = cells.get(column, "")
        if text:
            try:
                values[key] = _import_date(text).isoformat()
            except FormError as exc:
                fail(column, exc)
    for key in ("field", "basis", "result"):
        text = cells.get(key, "")
        if text:
            try:
                values[key] = _choice(text, BY_KEY[key].choices or {})
            except FormError as exc:
                fail(key, exc)
    count = cells.get("parties_count", "")
    try:
        values["parties_count"] = parse_count(count) if count else MIN_PARTIES
    except FormError as exc:
        fail("parties_count", exc)
    for key in ("summary", "agreement", "note"):
        try:
            text = parse_summary(cells.get(key, ""), key)
        except FormError as exc:
            fail(key, exc)
            continue
        if text or key == "summary":
            values[key] = text
    kinds = cells.get("invited_kinds", "")
    try:
        if kinds:
            values["invited_kinds"] = parse_kinds(kinds)
    except FormError as exc:
        fail("invited_kinds", exc)
    invited = cells.get("invited_count", "")
    try:
        if invited:
            values["invited_count"] = parse_count(invited, "invited_count")
        elif values.get("invited_kinds"):
            values["invited_count"] = len(values["invited_kinds"])
    except FormError as exc:
        fail("invited_count", exc)
    record = cells.get("written_record", "")
    try:
        if record:
            values["written_record"] = parse_yesno(record)
    except FormError as exc:
        fail("written_record", FormError("yesno_cell") if exc.code == "use_buttons" else exc)
    refs = [r.strip() for r in re.split(r"[,;]", cells.get("mediators", "")) if r.strip()]
    unknown = [r for r in refs if (members or {}).get(r.upper(), (0, None))[1] != values.get("team_id")]
    if unknown and "team_id" in values:
        fail("mediators", FormError("mediator_ref_unknown", refs=", ".join(unknown), team=code))
    elif refs and "team_id" in values:
        values["mediator_ids"] = sorted({(members or {})[r.upper()][0] for r in refs})
    failed = {c for c, _ in errors}
    columns = {f.key: f.import_column for f in FORM if f.import_column}
    for key, invalid in validate(values, ctx).items():
        column = columns.get(key, key)
        if column not in failed:
            fail(column, invalid)
    return ImportRow(number, values, cells.get("external_id") or None, errors)
