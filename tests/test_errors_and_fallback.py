"""Unknown commands, stale buttons, handler failures and hostile text: always a polite reply."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import messages as msg
from handlers import menu
from storage.db import StorageError
from tests.harness import texts


async def test_unknown_command(bot):
    out = await bot.say("mediator", "/khongco")
    assert msg.UNKNOWN_COMMAND.format(command="/khongco") in texts(out)


async def test_cancel_with_nothing_to_cancel(bot):
    out = await bot.say("mediator", "/huy")
    assert msg.NOTHING_TO_CANCEL in texts(out)


async def test_help_menu_depends_on_role(bot):
    guest = texts(await bot.say("guest", "/trogiup"))
    assert msg.MENU_TITLE_GUEST in guest
    assert "Tạo mã mời" not in str(bot.api.sent_to(1009)[-1].get("reply_markup"))
    await bot.say("commune", "/trogiup")
    assert "Tạo mã mời" in str(bot.api.sent_to(1003)[-1].get("reply_markup"))


async def test_stale_button_is_answered(bot):
    await bot.say("mediator", "/trogiup")
    out = await bot.tap_data("mediator", "inv:d:7")
    assert msg.BUTTON_EXPIRED in texts(out)


async def test_handler_exception_gets_polite_reply(bot, monkeypatch, caplog):
    async def boom(update, context):
        raise RuntimeError("database exploded")

    monkeypatch.setattr(menu, "show_menu", boom)
    bot.app.handlers[0].insert(
        0, __import__("telegram.ext", fromlist=["CommandHandler"]).CommandHandler("no", boom)
    )
    out = await bot.say("mediator", "/no")
    assert msg.ERROR_GENERIC in texts(out)
    assert "database exploded" in caplog.text


async def test_storage_error_message(bot):
    from telegram.ext import CommandHandler

    async def full_disk(update, context):
        raise StorageError("database or disk is full")

    bot.app.handlers[0].insert(0, CommandHandler("disk", full_disk))
    out = await bot.say("mediator", "/disk")
    assert msg.ERROR_STORAGE in texts(out)


HOSTILE = st.one_of(
    st.text(min_size=1, max_size=4096),
    st.sampled_from(
        [
            "'; DROP TABLE persons; --",
            "<b>x</b>",
            "*_`[",
            "\u202eabc",
            "\u200b",
            "🙂" * 50,
            "/start '; DROP TABLE invites; --",
            "/start " + "A" * 300,
            "ABCD EFGH",
            "/moi\x00",
        ]
    ),
)


@pytest.mark.parametrize("who", ["guest", "mediator", "commune"])
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=HOSTILE)
async def test_hostile_text_always_answered(bot, who, text):
    """Any text from any role, in any state it leaves behind: no exception escapes and a reply comes."""
    if not text.strip():
        return
    out = await bot.say(who, text)
    assert out, f"no reply to {text!r}"
    assert all(m.get("text") for m in out)
