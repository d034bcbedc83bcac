"""Hostile input in every conversation state: a random walk through the bot's buttons, with arbitrary text
(emoji, zero-width and right-to-left marks, SQL and Markdown/HTML injection, 4,096 characters) and malformed
callback data typed at any point. No exception may escape to the error handler, and every text gets a
reply."""

from __future__ import annotations

import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update

from bot import messages as msg
from bot.channels import numbered
from handlers.flows import open_flows
from tests.harness import texts

NASTY = st.sampled_from(
    [
        "'; DROP TABLE cases; --",
        "<b>đậm</b> <a href='x'>",
        "*_`[]()~>#+-=|{}.!",
        "\u202etxet\u202c",
        "a\u200bb",
        "🙂🙏🏽👨‍👩‍👧",
        "0",
        "-1",
        "99999999999999999999",
        "31/02/2025",
        "1/1/1900",
        "01/01/2999",
        "/huy",
        "/start",
        "%s%n%x",
        "\x00\x01",
        "ｈｏａ ｇｉａｉ",
        "HGCS-2345",
        "  ",
        "hoa giai thanh",
        "Ｄ" * 4096,
        # leaving words (issue 19) and switching to another flow mid-way
        "huy",
        "Hủy",
        "THOÁT",
        "thoat",
        "thôi",
        "quay lại",
        "menu",
        "/baocao",
        "/tailieu",
        "/thongke",
        "/moi",
        "/thongbao",
        "/taphuan",
        "/ontap",
        "/vuviec",
        "/lienket",
        "a",
        "B",
        "3",
        "6",
    ]
)
TEXT = st.one_of(NASTY, st.text(min_size=1, max_size=300), st.text(min_size=4000, max_size=4096))
FORGED = st.one_of(
    st.text(max_size=64),
    st.from_regex(r"(case|inv|reg|qa|doc|quiz|st|bc|tr|link|menu):[a-z]{0,6}:?-?\d{0,12}", fullmatch=True),
    st.sampled_from(["flow:back", "flow:cancel", "menu:baocao", "menu:tailieu", "menu:thongke"]),
)
ACTION = st.one_of(
    st.tuples(st.just("tap"), st.integers(min_value=1, max_value=12)),
    st.tuples(st.just("text"), TEXT),
    st.tuples(st.just("forge"), FORGED),
)


class Failures(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.mark.parametrize("role", ["guest", "mediator", "leader", "commune", "province", "admin"])
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(actions=st.lists(ACTION, min_size=1, max_size=12))
async def test_random_walk_never_crashes(bot, role, actions):
    failures = Failures()
    logging.getLogger().addHandler(failures)
    try:
        await walk(bot, role, actions)
    finally:
        logging.getLogger().removeHandler(failures)
    errors = [r for r in failures.records if r.name.startswith(("handlers", "telegram", "bot", "services"))]
    assert not errors, (
        errors[0].getMessage()
        + "\n"
        + (logging.Formatter().formatException(errors[0].exc_info) if errors[0].exc_info else "")
    )


@pytest.mark.parametrize("role", ["guest", "mediator", "commune", "province"])
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    actions=st.lists(ACTION, min_size=1, max_size=8),
    word=st.sampled_from(["huy", "hủy", "Huỷ", "thoát", "thoat", "thôi", "quay lại", "MENU", "/huy"]),
)
async def test_a_leaving_word_after_any_walk_closes_every_flow(bot, role, actions, word):
    """Issue 19: whatever state a random walk left, a leaving word (no slash needed) ends every flow and
    offers the menu."""
    await walk(bot, role, actions)
    out = await bot.say(role, word)
    assert msg.MENU_AFTER_FLOW in texts(out)
    update = Update.de_json(bot.api.user_message(bot.user_id(role), "?"), bot.app.bot)
    assert open_flows(bot.app, update) == {}


async def walk(bot, role, actions) -> None:
    """Tap buttons, type text and forge callbacks as `actions` say; every text gets a reply."""
    await bot.say(role, "/trogiup")
    for kind, value in actions:
        if kind == "tap":
            try:
                message = bot.last_with_buttons(role)
            except AssertionError:
                continue
            opts = [o for o in numbered.options(message.get("reply_markup")) if o.callback_data]
            if opts:
                await bot.tap_data(role, opts[(value - 1) % len(opts)].callback_data, message)
        elif kind == "forge":
            await bot.tap_data(role, value)
        elif value.strip():
            out = await bot.say(role, value)
            assert out, f"no reply to {value[:80]!r}"
            assert all((m.get("text") or m.get("caption") or m.get("document")) for m in out)
