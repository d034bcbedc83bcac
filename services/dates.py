"""Dates as people type them and as files carry them: the one parser of the project (no I/O).

- `parse_typed(text, latest=… | earliest=…)`: 15/3/2025, 15-3-25, 15.3.2025, 2025-03-15, and 15/3 (no year).
  A missing year is inferred by `complete`: a date of the past (a case received, `latest` = today) takes this
  year, or last year if it would be after today; a date to come (a training, `earliest` = the first day it may
  fall on) takes this year, or next year if it would be before that day. Two-digit years are 20yy.
- `dates_in_text(text)`: the dates with a full year in a line such as '1/1/2025 đến 31.3.2025' (periods).
- `parse_iso(text)`: year-month-day only (command-line options, the case import file, the org YAML).

Callers word the errors: DateError.reason is 'format' (not a date) or 'invalid' (a day not in the calendar).
"""

from __future__ import annotations

import re
from datetime import date

#: day / month [/ year], separated by '/', '-' or '.' (spaces allowed around them); groups: day, month, year.
DAY_MONTH_YEAR = r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{4}|\d{2}))?"
_DMY = re.compile(rf"^\s*{DAY_MONTH_YEAR}\s*$")
#: year-month-day, as spreadsheets and programs write it (also with '/' or '.').
_YMD = re.compile(r"^\s*(\d{4})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{1,2})\s*$")
_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_IN_TEXT = re.compile(
    r"(?<!\d)(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}))(?!\d)"
)


class DateError(ValueError):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # 'format' | 'invalid'


def full_year(text: str) -> int:
    """'25' → 2025, '2025' → 2025."""
    return int(text) + (2000 if len(text) == 2 else 0)


def make(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        raise DateError("invalid") from None


def complete(
    day: int, month: int, year: str | None, *, latest: date | None = None, earliest: date | None = None
) -> date:
    """The date of day/month/year (`year` as typed: 2 or 4 digits). Without a year: the year of `latest`, one
    year back if the date would come after `latest`; or the year of `earliest`, one year on if it would come
    before `earliest`. Raises DateError('invalid') for a day not in the calendar (29/02 of a common year)."""
    if year is not None:
        return make(full_year(year), month, day)
    reference = latest if latest is not None else earliest
    if reference is None:
        raise TypeError("complete() needs `latest` or `earliest` when the year is missing")
    value = make(reference.year, month, day)
    if latest is not None and value > latest:
        return make(value.year - 1, month, day)
    if earliest is not None and value < earliest:
        return make(value.year + 1, month, day)
    return value


def parse_typed(text: str, *, latest: date | None = None, earliest: date | None = None) -> date:
    """A date as typed (see the module docstring); without `latest` or `earliest` the year is required."""
    if m := _YMD.match(text):
        return make(int(m[1]), int(m[3]), int(m[4]))
    m = _DMY.match(text)
    if not m or (m[3] is None and latest is None and earliest is None):
        raise DateError("format")
    return complete(int(m[1]), int(m[2]), m[3], latest=latest, earliest=earliest)


def dates_in_text(text: str | None) -> list[tuple[int, int, int]]:
    """(year, month, day) of every date with a full year in `text` (yyyy-mm-dd or d/m/yyyy), not yet checked
    against the calendar (`make` does)."""
    found = []
    for m in _IN_TEXT.finditer(text or ""):
        y, mo, d = (m[1], m[2], m[3]) if m[1] else (m[6], m[5], m[4])
        found.append((int(y), int(mo), int(d)))
    return found


def parse_iso(text: str) -> date:
    """Year-month-day with '-' only, as programs write it: 2025-03-15 (or 2025-3-15), spaces around allowed.
    Files and command-line options use it so that no day/month order has to be guessed."""
    if not isinstance(text, str) or not _ISO.match(text.strip()):
        raise DateError("format")
    year, month, day = (int(p) for p in text.strip().split("-"))
    return make(year, month, day)
