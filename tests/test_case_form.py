"""The case form as data, the date parser and the masking of phone / ID numbers (property-based)."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from unidecode import unidecode

from bot import messages as msg
from handlers.cases import error_text
from services import case_form as form
from services.case_form import FormContext, FormError, parse_date
from services.privacy import PartyCipher, PartyCipherError, mask_personal_numbers

TODAY = date(2025, 6, 15)
OLDEST = date(2014, 1, 1)
dates = st.dates(min_value=OLDEST, max_value=TODAY)


def test_codes_match_the_logbook_schema():
    assert list(form.FIELDS) == [
        "dat_dai",
        "hon_nhan_gia_dinh",
        "dan_su",
        "xom_gieng",
        "vi_pham_phap_luat",
        "khac",
    ]
    assert list(form.BASES) == ["yeu_cau", "chung_kien", "phan_cong_de_nghi"]
    assert list(form.RESULTS) == ["thanh", "khong_thanh", "dang_hoa_giai", "chuyen_co_quan", "rut_yeu_cau"]
    assert set(form.CONCLUDED_RESULTS) == set(form.RESULTS) - {form.PENDING_RESULT}
    assert set(form.RESULT_BUTTON_ORDER) == set(form.RESULTS)


def test_every_label_set_names_exactly_the_domain_codes():
    """One definition of the codes (services/case_models.py); each label set of the catalogue covers them
    all, in their order, and nothing else."""
    from services import case_models as codes

    label_sets = {
        "CASE_FIELD_LABELS": codes.FIELD_CODES,
        "STATS_FIELD_LABELS": codes.FIELD_CODES,
        "CASE_BASIS_LABELS": codes.BASIS_CODES,
        "CASE_RESULT_LABELS": codes.RESULT_CODES,
        "CASE_RESULT_ICONS": codes.RESULT_CODES,
        "STATS_RESULT_LABELS": codes.RESULT_CODES,
        "CASE_INVITED_KIND_LABELS": codes.INVITED_KIND_CODES,
    }
    for name, expected in label_sets.items():
        assert tuple(getattr(msg, name)) == expected, name
    assert (form.PENDING_RESULT, form.SUCCESS_RESULT) == (codes.PENDING_RESULT, codes.SUCCESS_RESULT)
    assert form.CONCLUDED_RESULTS == ("thanh", "khong_thanh", "chuyen_co_quan", "rut_yeu_cau")


@given(
    dates,
    st.sampled_from(
        [
            "{d:02d}/{m:02d}/{y}",
            "{d}/{m}/{y}",
            "{d}-{m}-{y}",
            "{d}.{m}.{y}",
            "{y}-{m:02d}-{d:02d}",
            " {d} / {m} / {y} ",
        ]
    ),
)
def test_dates_in_range_round_trip(day, pattern):
    text = pattern.format(d=day.day, m=day.month, y=day.year)
    assert parse_date(text, TODAY, OLDEST) == day


@given(dates)
def test_two_digit_years(day):
    assert parse_date(f"{day.day}/{day.month}/{day.year % 100:02d}", TODAY, OLDEST) == day


@given(st.dates(min_value=TODAY - timedelta(days=364), max_value=TODAY))
def test_day_month_without_year_is_the_last_such_day(day):
    assert parse_date(f"{day.day}/{day.month}", TODAY) == day


@given(st.dates(min_value=TODAY + timedelta(days=1), max_value=date(2100, 1, 1)))
def test_future_dates_are_refused(day):
    with pytest.raises(FormError) as exc:
        parse_date(day.strftime("%d/%m/%Y"), TODAY, OLDEST)
    assert exc.value.code == "date_future"


@given(st.dates(min_value=date(1900, 1, 1), max_value=OLDEST - timedelta(days=1)))
def test_too_old_dates_are_refused(day):
    with pytest.raises(FormError) as exc:
        parse_date(day.strftime("%d/%m/%Y"), TODAY, OLDEST)
    assert exc.value.code == "date_too_old"


@given(st.text(max_size=30))
def test_any_text_is_a_date_or_a_clear_error(text):
    try:
        value = parse_date(text, TODAY, OLDEST)
    except FormError as exc:
        assert exc.code in ("date_format", "date_invalid", "date_future", "date_too_old")
        assert error_text(exc)
    else:
        assert OLDEST <= value <= TODAY


def test_words_and_impossible_dates():
    assert parse_date("Hôm nay", TODAY) == TODAY
    assert parse_date("hom qua", TODAY) == TODAY - timedelta(days=1)
    for text in ("31/02/2025", "29/2/2023", "0/1/2025", "12/13/2025"):
        with pytest.raises(FormError) as exc:
            parse_date(text, TODAY)
        assert exc.value.code == "date_invalid"


# --- masking ------------------------------------------------------------------------------------------------
words = st.lists(
    st.sampled_from(
        [
            "tranh",
            "chấp",
            "ranh",
            "giới",
            "đất",
            "nhà",
            "bà",
            "ông",
            "vay",
            "tiền",
            "lối",
            "đi",
            "Mường",
            "Lay",
            "thôn",
            "nợ",
        ]
    ),
    min_size=0,
    max_size=6,
).map(" ".join)
mobile_prefixes = st.sampled_from(["03", "05", "07", "08", "09"])


@st.composite
def phone_numbers(draw):
    digits = draw(mobile_prefixes) + "".join(str(draw(st.integers(0, 9))) for _ in range(8))
    style = draw(st.sampled_from(["plain", "4-3-3", "3-3-4", "intl", "intl-spaced", "paren"]))
    sep = draw(st.sampled_from([" ", ".", "-"]))
    if style == "plain":
        text = digits
    elif style == "4-3-3":
        text = sep.join([digits[:4], digits[4:7], digits[7:]])
    elif style == "3-3-4":
        text = sep.join([digits[:3], digits[3:6], digits[6:]])
    elif style == "intl":
        text = "+84" + digits[1:]
    elif style == "intl-spaced":
        text = "+84 " + sep.join([digits[1:4], digits[4:7], digits[7:]])
    else:
        text = "(+84) " + digits[1:]
    return digits, text


@st.composite
def id_numbers(draw):
    length = draw(st.sampled_from([9, 12]))
    digits = "".join(str(draw(st.integers(0, 9))) for _ in range(length))
    if length == 12 and draw(st.booleans()):
        return digits, " ".join(digits[i : i + 3] for i in range(0, 12, 3))
    return digits, digits


@given(words, phone_numbers(), words)
def test_phone_numbers_are_masked(before, phone, after):
    digits, text = phone
    masked = mask_personal_numbers(f"{before} SĐT {text}, {after}")
    assert msg.CASE_MASK_PHONE in masked
    assert digits[-6:] not in masked.replace(" ", "").replace(".", "").replace("-", "")
    assert masked.startswith(before) and masked.endswith(after)


@given(words, id_numbers(), words)
def test_id_card_numbers_are_masked(before, number, after):
    digits, text = number
    masked = mask_personal_numbers(f"{before} CCCD {text} {after}")
    assert digits not in masked.replace(" ", "")
    assert msg.CASE_MASK_ID in masked or msg.CASE_MASK_PHONE in masked


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",), blacklist_characters="@"), max_size=80))
def test_text_without_digits_is_unchanged(text):
    assert mask_personal_numbers(text) == text


@given(st.text(max_size=120))
def test_masking_is_idempotent(text):
    once = mask_personal_numbers(text)
    assert mask_personal_numbers(once) == once


@given(st.integers(min_value=0, max_value=99_999_999), words)
def test_short_numbers_are_kept(number, after):
    text = f"diện tích {number} {after}"
    assert mask_personal_numbers(text) == text


@given(dates)
def test_dates_and_amounts_are_kept(day):
    text = f"ngày {day.strftime('%d/%m/%Y')} vay 200.000.000 đồng, trả 1.500.000.000đ, 350000000 đồng"
    assert mask_personal_numbers(text) == text


def test_email_is_masked():
    assert mask_personal_numbers("liên hệ a.b@gmail.com nhé") == f"liên hệ {msg.CASE_MASK_EMAIL} nhé"


# --- the form as a whole ------------------------------------------------------------------------------------
def test_next_field_defaults_and_conditions():
    ctx = FormContext(today=TODAY, reporter_id=7, teams={1: "Tổ 1"}, members={7: "A", 8: "B"})
    values: dict = {}
    assert form.next_field(values, ctx) == "received_on" and values == {"team_id": 1}
    values.update(received_on=TODAY.isoformat(), field="khac", basis="yeu_cau", result="thanh")
    assert form.next_field(values, ctx) is None
    assert values["closed_on"] == TODAY.isoformat() and values["court_recognition"] is False
    assert values["mediator_ids"] == [7] and values["parties_count"] == 2 and values["summary"] == ""
    assert form.validate(values, ctx) == {}
    values["result"] = "dang_hoa_giai"
    pruned = form.prune(values, ctx)
    assert "closed_on" not in pruned and "court_recognition" not in pruned
    values = {
        "team_id": 1,
        "received_on": (TODAY - timedelta(days=3)).isoformat(),
        "field": "khac",
        "basis": "yeu_cau",
        "result": "khong_thanh",
    }
    assert form.next_field(values, ctx) == "closed_on"  # received earlier: the closing date is asked


def test_validate_reports_each_problem():
    ctx = FormContext(today=TODAY, reporter_id=7, teams={1: "Tổ 1"}, members={7: "A"})
    errors = form.validate(
        {
            "team_id": 2,
            "received_on": "2030-01-01",
            "field": "x",
            "basis": "yeu_cau",
            "result": "dang_hoa_giai",
            "closed_on": "2025-01-01",
            "parties_count": 1,
            "mediator_ids": [9],
        },
        ctx,
    )
    assert set(errors) == {"team_id", "received_on", "field", "closed_on", "parties_count", "mediator_ids"}
    assert all(error_text(e) for e in errors.values())


def test_party_cipher():
    from cryptography.fernet import Fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = PartyCipher(old).encrypt("Lò Văn A")
    assert "Lò" not in token and PartyCipher(f"{new},{old}").decrypt(token) == "Lò Văn A"
    assert PartyCipher(new).decrypt(token) is None
    assert not PartyCipher(None).available
    with pytest.raises(PartyCipherError):
        PartyCipher("not-a-key")


# --- Issue 15: one folding (knowledge.text.fold) ------------------------------------------------------------
_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
_LETTERS = sorted(
    {unicodedata.normalize("NFC", c + t) for c in _VOWELS + _VOWELS.upper() for t in _TONES}
    | set("bcdđghklmnpqrstvxfjwzBCDĐGHKLMNPQRSTVXFJWZ")
)
#: What people type: Vietnamese letters (precomposed, or base + combining mark), ASCII, spaces, dashes…
_TYPED = st.lists(
    st.one_of(
        st.sampled_from(_LETTERS),
        st.sampled_from(_LETTERS).map(lambda c: unicodedata.normalize("NFD", c)),
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.sampled_from("\t\n\r \xa0\u2013\u2014\u201c\u201d\u2026"),
    ),
    max_size=40,
).map("".join)


def _fold_before(text: str) -> str:
    """The body case_form.fold and bot/channels/numbered._fold had before they called knowledge.text.fold."""
    return " ".join(unidecode(text).lower().replace("đ", "d").split())


@settings(max_examples=500)
@given(_TYPED)
def test_the_form_and_the_numbered_options_fold_as_before(text):
    from bot.channels.numbered import _fold

    assert form.fold(text) == _fold(text) == _fold_before(text)


def test_folding_keeps_punctuation_and_drops_marks():
    assert form.fold("  Hôm NAY, 15/3/2025!  Đất  đai ") == "hom nay, 15/3/2025! dat dai"
