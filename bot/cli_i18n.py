"""argparse's own messages (usage, errors, help headings) in Vietnamese, for `mediator-bot …`.

argparse looks its messages up through gettext at the moment it prints them; `install()` puts this table in
front of gettext (messages it does not know stay in English)."""

from __future__ import annotations

import argparse
from gettext import gettext, ngettext

MESSAGES = {
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số bắt buộc",
    "options": "tùy chọn",
    "optional arguments": "tùy chọn",
    "show this help message and exit": "hiện hướng dẫn này rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "unrecognized arguments: %s": "không hiểu các tham số: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "giá trị %(value)r không hợp lệ (chọn một trong: %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": "giá trị %(value)r không hợp lệ (cần kiểu %(type)s)",
    "expected one argument": "cần một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "ambiguous option: %(option)s could match %(matches)s": (
        "tùy chọn %(option)s không rõ: có thể là %(matches)s"
    ),
    "not allowed with argument %s": "không dùng cùng tham số %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "ignored explicit argument %r": "bỏ qua giá trị %r",
    "unexpected option string: %s": "tùy chọn không mong đợi: %s",
    "can't open '%(filename)s': %(error)s": "không mở được '%(filename)s': %(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "không có lệnh %(parser_name)r (các lệnh: %(choices)s)"
    ),
}
PLURALS = {"expected %s argument": "cần %s giá trị"}


def _vi(message: str) -> str:
    return MESSAGES.get(message) or gettext(message)


def _vi_plural(singular: str, plural: str, n: int) -> str:
    return PLURALS.get(singular) or ngettext(singular, plural, n)


def install() -> None:
    # argparse looks its messages up through these module globals and has no public hook for them.
    argparse._ = _vi  # type: ignore[attr-defined]
    argparse.ngettext = _vi_plural  # type: ignore[attr-defined]
