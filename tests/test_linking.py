"""Linking a person's chat identities (/lienket): one-time 6-digit codes, single use, 10 minutes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import Update

from bot import messages as msg
from bot.app import build_application
from bot.channels.local import LocalBotApi, LocalRequest
from services.linking import MAX_FAILURES, LinkError, normalize_link_code
from storage.zalo import ZaloStore
from tests.harness import texts
from tests.test_zalo import zalo  # noqa: F401  (fixture)

HOA_TG = 5550003


async def _hoa(services):
    return await services.people.by_identity("console", "1003")


# --- the service ------------------------------------------------------------------------------------------
async def test_code_links_a_new_identity_once(bot):
    linking = bot.services.linking
    hoa = await _hoa(bot.services)
    issued = await linking.issue(hoa, "console")
    assert re.fullmatch(r"\d{6}", issued.code)
    person = await linking.redeem(
        f"{issued.code[:3]} {issued.code[3:]}", "zalo", "10000000000000001", "10000000000000001"
    )
    assert person.id == hoa.id
    assert (await bot.services.people.by_identity("zalo", "10000000000000001")).id == hoa.id
    with pytest.raises(LinkError) as refused:
        await linking.redeem(issued.code, "zalo", "10000000000000002")
    assert refused.value.reason == "invalid" and refused.value.detail == "used"
    assert await bot.services.people.by_identity("zalo", "10000000000000002") is None


async def test_code_expires_after_ten_minutes(bot):
    linking = bot.services.linking
    now = datetime(2025, 7, 1, 8, 0, tzinfo=UTC)
    issued = await linking.issue(await _hoa(bot.services), "console", now=now)
    with pytest.raises(LinkError) as refused:
        await linking.redeem(issued.code, "zalo", "z-late", now=now + timedelta(minutes=10, seconds=1))
    assert refused.value.reason == "invalid" and refused.value.detail == "expired"
    person = await linking.redeem(
        issued.code, "zalo", "z-in-time", now=now + timedelta(minutes=9, seconds=59)
    )
    assert person.full_name == "Lò Thị Hoa"


async def test_identity_of_another_person_is_refused(bot):
    linking = bot.services.linking
    issued = await linking.issue(await _hoa(bot.services), "console")
    with pytest.raises(LinkError) as refused:
        await linking.redeem(issued.code, "console", "1001")  # Quàng Thị Mai's own account
    assert refused.value.reason == "already_registered"
    assert (await bot.services.people.by_identity("console", "1001")).full_name == "Quàng Thị Mai"
    # The code was not used up by the refusal.
    assert (await linking.redeem(issued.code, "zalo", "z-hoa")).full_name == "Lò Thị Hoa"


async def test_new_code_replaces_the_old_and_guessing_is_limited(bot):
    linking = bot.services.linking
    hoa = await _hoa(bot.services)
    old = await linking.issue(hoa, "console")
    new = await linking.issue(hoa, "console")
    with pytest.raises(LinkError):
        await linking.redeem(old.code, "zalo", "z-guess")
    wrong = "000000" if new.code != "000000" else "111111"
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(LinkError):
            await linking.redeem(wrong, "zalo", "z-guess")
    with pytest.raises(LinkError) as refused:
        await linking.redeem(new.code, "zalo", "z-guess")
    assert refused.value.reason == "too_many_attempts"
    assert (await linking.redeem(new.code, "zalo", "z-other")).id == hoa.id


@given(st.text(max_size=12))
def test_normalize_link_code(text):
    code = normalize_link_code(text)
    assert code is None or (len(code) == 6 and code.isdigit())
    if text.isascii() and text.isdigit() and len(text) == 6:
        assert code == text


# --- through the chat -------------------------------------------------------------------------------------
async def test_lienket_in_console_chat(bot):
    out = await bot.say("commune", "/lienket")
    code = re.search(r"/lienket (\d{6})", texts(out)).group(1)
    out = await bot.say(7001, "/lienket")
    assert msg.LINK_ASK_CODE in texts(out)
    out = await bot.say(7001, "12")
    assert msg.LINK_ERRORS["malformed"] in texts(out)
    out = await bot.say(7001, code)
    assert "Đã liên kết" in texts(out) and "Lò Thị Hoa" in texts(out)
    assert (await bot.services.people.by_identity("console", "7001")).full_name == "Lò Thị Hoa"
    out = await bot.say("mediator", f"/lienket {code}")
    assert msg.LINK_ERRORS["already_registered"] in texts(out)


async def test_guest_menu_offers_linking(bot):
    await bot.say("guest", "/trogiup")
    out = await bot.tap("guest", msg.BTN_LINK)
    assert msg.LINK_ASK_CODE in texts(out)


async def test_telegram_and_zalo_identities_become_one_person(zalo):  # noqa: F811
    """Telegram (in-process Bot API) and Zalo (emulator over HTTP) applications on one database."""
    services = zalo.services
    hoa = await _hoa(services)
    await services.people.link_identity(hoa.id, "telegram", str(HOA_TG), str(HOA_TG))
    api = LocalBotApi()
    telegram = build_application(
        services.config, channel="telegram", request=LocalRequest(api), services=services, rate_limit=False
    )
    await telegram.initialize()
    try:
        before = len(api.outbox)
        await telegram.process_update(Update.de_json(api.user_message(HOA_TG, "/lienket"), telegram.bot))
        code = re.search(r"/lienket (\d{6})", texts(api.outbox[before:])).group(1)

        hoa_zalo = zalo.emu.user("8f2a6b1c9d0e3f4a5b6c", "Hoa Lò")
        out = await zalo.say(hoa_zalo, "/lienket")
        assert msg.LINK_ASK_CODE in out
        out = await zalo.say(hoa_zalo, code)
        assert "Đã liên kết" in out and "Zalo" in out and "Lò Thị Hoa" in out
        int_id = await ZaloStore(services.db).int_id(hoa_zalo)
        assert (await services.people.by_identity("zalo", str(int_id))).id == hoa.id
        out = await zalo.say(hoa_zalo, "/moi")  # an official's capability, now on Zalo too
        assert msg.INVITE_PICK_ROLE in out

        other = zalo.emu.user("0011223344556677", "Người lạ")
        out = await zalo.say(other, f"/lienket {code}")
        assert msg.LINK_ERRORS["invalid"] in out
        assert (
            await services.people.by_identity("zalo", str(await ZaloStore(services.db).int_id(other))) is None
        )
    finally:
        await telegram.shutdown()
