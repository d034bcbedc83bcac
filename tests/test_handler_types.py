"""Issue 15 (types): what handlers.common gives a handler — the application with its services, the user's
data, the tap, the text, the chat and the registered person — and the typed errors it raises instead of a
None slipping through."""

from __future__ import annotations

import pytest
from telegram import Update

from handlers.common import (
    BotContext,
    MissingRecord,
    NotRegistered,
    ServiceApplication,
    UnexpectedUpdate,
    chat_of,
    existing,
    message_of,
    service_app,
    tapped,
    tapped_data,
    typed,
    user_of,
)

USER = {"id": 42, "is_bot": False, "first_name": "Hoa"}
CHAT = {"id": 42, "type": "private"}


def _update(**fields) -> Update:
    return Update.de_json({"update_id": 1, **fields}, None)


def _message(text: str | None = "xin chào") -> dict:
    message = {"message_id": 7, "date": 0, "chat": CHAT, "from": USER}
    if text is not None:
        message["text"] = text
    return message


def test_a_message_gives_its_text_chat_and_user_and_is_no_tap():
    update = _update(message=_message("  gõ chữ "))
    assert typed(update) == "  gõ chữ "
    assert message_of(update).message_id == 7
    assert chat_of(update).id == 42 and user_of(update).id == 42
    with pytest.raises(UnexpectedUpdate):
        tapped(update)


def test_a_message_without_text_reads_as_empty():
    assert typed(_update(message=_message(None))) == ""


def test_a_tap_gives_its_data_and_is_no_message():
    update = _update(callback_query={"id": "q", "from": USER, "chat_instance": "c", "data": "st:m:3"})
    assert tapped(update).id == "q"
    assert tapped_data(update) == "st:m:3"
    with pytest.raises(UnexpectedUpdate):
        typed(update)
    no_data = _update(callback_query={"id": "q", "from": USER, "chat_instance": "c"})
    assert tapped_data(no_data) == ""


def test_an_update_without_chat_or_user_is_refused():
    empty = _update()
    for read in (chat_of, user_of, message_of, typed, tapped):
        with pytest.raises(UnexpectedUpdate):
            read(empty)


def test_existing_names_what_is_missing():
    assert existing(0, "province id") == 0  # a falsy value is still a value
    with pytest.raises(MissingRecord, match="team not found"):
        existing(None, "team")


async def test_the_context_gives_the_application_its_services_and_the_users_data(bot):
    app = bot.app
    assert isinstance(app, ServiceApplication) and service_app(app) is app
    context = BotContext(app, chat_id=42, user_id=42)
    assert context.application is app
    assert context.services is app.services and context.channel == app.channel
    context.user_data["draft"] = 1
    assert app.user_data[42] == {"draft": 1}  # the user's own data, kept by the application
    with pytest.raises(AttributeError):
        context.user_data = {}


async def test_an_update_without_a_user_gets_an_empty_dict_that_is_not_kept(bot):
    context = BotContext(bot.app)
    context.user_data["draft"] = 1
    assert context.user_data == {}


async def test_registered_refuses_an_unregistered_person(bot):
    context = BotContext(bot.app, chat_id=42, user_id=42)
    update = _update(message=_message())
    assert await context.person(update) is None
    with pytest.raises(NotRegistered):
        await context.registered(update)


def test_service_app_refuses_another_application():
    from telegram.ext import ApplicationBuilder

    plain = ApplicationBuilder().token("1:TEST").build()
    with pytest.raises(TypeError):
        service_app(plain)
