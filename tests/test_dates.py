"""Issue 15: one date parser (services/dates.py) for the case form, trainings, statistics periods, the
organisation list and the org loader (property-based)."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services import dates
from services.case_form import FormError, parse_date
from services.org_list import parse_date as org_date
from services.statistics import PeriodError, parse_iso_date, parse_period_text
from services.training import WhenError, parse_when

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
TZ = "Asia/Ho_Chi_Minh"


def _written(day: date, style: int, sep: str, spaces: bool) -> str:
    gap = " " if spaces else ""
    s = f"{gap}{sep}{gap}"
    return [
        f"{day.day}{s}{day.month}{s}{day.year}",
        f"{day.day:02d}{s}{day.month:02d}{s}{day.year % 100:02d}",
        f"{day.year}{s}{day.month}{s}{day.day}",
        f"{day.year}-{day.month:02d}-{day.day:02d}",
    ][style]


@given(days, st.integers(0, 3), st.sampled_from("/-."), st.booleans())
def test_every_way_of_writing_a_date_with_its_year(day, style, sep, spaces):
    text = _written(day, style, sep, spaces)
    assert dates.parse_typed(text) == day
    assert org_date(text) == day
    assert parse_date(text, date(2100, 1, 1)) == day


def _exists(year: int, month: int, day: int) -> bool:
    return day <= calendar.monthrange(year, month)[1]


@given(days, st.integers(1, 12), st.integers(1, 31))
def test_a_missing_year_of_a_past_date_is_the_last_such_day_up_to_today(today, month, day):
    try:
        value = dates.parse_typed(f"{day}/{month}", latest=today)
    except dates.DateError as exc:
        assert exc.reason == "invalid"
        assert not _exists(today.year, month, day) or (
            date(today.year, month, day) > today and not _exists(today.year - 1, month, day)
        )
        return
    assert (value.month, value.day) == (month, day)
    assert today - timedelta(days=366) < value <= today


@given(days, st.integers(1, 12), st.integers(1, 31))
def test_a_missing_year_of_a_date_to_come_is_the_first_such_day_from_then(first, month, day):
    try:
        value = dates.complete(day, month, None, earliest=first)
    except dates.DateError as exc:
        assert exc.reason == "invalid"
        assert not _exists(first.year, month, day) or (
            date(first.year, month, day) < first and not _exists(first.year + 1, month, day)
        )
        return
    assert (value.month, value.day) == (month, day)
    assert first <= value < first + timedelta(days=366)


@given(st.text(max_size=30), days)
def test_any_text_is_a_date_or_a_reason(text, today):
    for kwargs in ({}, {"latest": today}, {"earliest": today}):
        try:
            value = dates.parse_typed(text, **kwargs)
        except dates.DateError as exc:
            assert exc.reason in ("format", "invalid")
        else:
            assert isinstance(value, date)


def test_reasons_and_two_digit_years():
    assert dates.parse_typed("15/3/25") == date(2025, 3, 15)
    assert dates.parse_typed(" 1 . 2 . 2024 ") == date(2024, 2, 1)
    for text, reason in (
        ("31/2/2025", "invalid"),
        ("15/3", "format"),
        ("15/3/202", "format"),
        ("x", "format"),
    ):
        with pytest.raises(dates.DateError) as exc:
            dates.parse_typed(text)
        assert exc.value.reason == reason
    with pytest.raises(dates.DateError):
        dates.parse_typed("2025-03-15/1")
    with pytest.raises(dates.DateError):
        dates.parse_typed("2025/03-15")  # two different separators between year, month and day


@given(days)
def test_iso_only_where_no_order_may_be_guessed(day):
    assert dates.parse_iso(day.isoformat()) == parse_iso_date(day.isoformat()) == day
    assert dates.parse_iso(f"{day.year}-{day.month}-{day.day}") == day
    with pytest.raises(dates.DateError):
        dates.parse_iso(day.strftime("%d/%m/%Y"))
    with pytest.raises(PeriodError):
        parse_iso_date(day.strftime("%d/%m/%Y"))


@given(days, days, st.sampled_from((" - ", " đến ", "–", " den ")))
def test_a_period_is_two_dates_written_either_way(a, b, between):
    a, b = min(a, b), max(a, b)
    text = f"{a.day}/{a.month}/{a.year}{between}{b.isoformat()}"
    assert dates.dates_in_text(text) == [(a.year, a.month, a.day), (b.year, b.month, b.day)]
    assert (parse_period_text(text).start, parse_period_text(text).end) == (a, b)


@given(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)), st.data())
def test_a_training_without_a_year_is_the_next_such_moment(now_naive, data):
    zone = ZoneInfo(TZ)
    now = now_naive.replace(tzinfo=zone)
    target = data.draw(
        st.datetimes(min_value=now_naive + timedelta(minutes=1), max_value=now_naive + timedelta(days=364))
    )
    if (target.month, target.day) == (2, 29):
        return
    when = parse_when(
        f"{target.day}/{target.month} {target.hour}h{target.minute:02d}", TZ, now.astimezone(UTC)
    )
    assert when == target.replace(second=0, microsecond=0, tzinfo=zone)
    assert when > now


def test_a_case_date_and_a_training_infer_the_year_in_opposite_directions():
    today = date(2025, 6, 15)
    assert parse_date("20/6", today) == date(2024, 6, 20)  # a case received: the past
    now = datetime(2025, 6, 15, 9, 0, tzinfo=ZoneInfo(TZ))
    assert parse_when("10/6 8h", TZ, now).date() == date(2026, 6, 10)  # a training: to come
    assert parse_when("15/6 8h", TZ, now).date() == date(2026, 6, 15)  # today, but 8:00 has passed
    assert parse_when("15/6 10h", TZ, now).date() == date(2025, 6, 15)
    with pytest.raises(WhenError):
        parse_when("31/2 8h", TZ, now)
    with pytest.raises(FormError):
        parse_date("31/2", today)
