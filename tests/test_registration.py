"""Registration by invite code through the chat, and invite creation (/moi) with role checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import messages as msg
from services.models import Role
from services.registration import (
    CODE_ALPHABET,
    PermissionDenied,
    RegistrationError,
    format_code,
    normalize_code,
)
from tests.harness import texts

NEW_USER = 5001


async def make_invite(bot, role=Role.MEDIATOR, team="ML-01", uses=1, days=14, commune="ML"):
    commune_row = await bot.services.org.commune_by_code(commune)
    team_row = await bot.services.org.team_by_code(team) if team else None
    return await bot.services.registration.create_invite(
        None, commune_row.id, role, team_id=team_row.id if team_row else None, max_uses=uses, days=days
    )


async def test_deep_link_registers_mediator(bot):
    invite = await make_invite(bot)
    bot.api.user(NEW_USER, "Hùng", "Lò Văn")
    out = await bot.say(NEW_USER, f"/start {invite.code}")
    assert "Mã hợp lệ" in texts(out) and "Hùng Lò Văn" in texts(out)
    await bot.tap(NEW_USER, "Không, sửa lại")
    out = await bot.say(NEW_USER, "Lò Văn Hùng")
    assert msg.CONFIRM_TEAM.format(team="Tổ hòa giải bản Na Lay") in texts(out)  # a team code asks
    out = await bot.tap(NEW_USER, "1")
    assert "Đăng ký thành công" in texts(out)
    person = await bot.services.people.by_identity("console", str(NEW_USER))
    assert person.full_name == "Lò Văn Hùng" and person.role == Role.MEDIATOR
    assert person.team_id == (await bot.services.org.team_by_code("ML-01")).id
    assert (await bot.services.invites.by_code(invite.code)).uses == 1


async def test_typed_code_after_start_and_team_choice(bot):
    invite = await make_invite(bot, role=Role.TEAM_LEADER, team=None, uses=5)
    out = await bot.say(NEW_USER, "/start")
    assert "mã mời" in texts(out)
    await bot.tap(NEW_USER, "Tôi có mã mời")
    lowercase_with_dash = format_code(invite.code).lower()
    out = await bot.say(NEW_USER, lowercase_with_dash)
    assert "Tổ trưởng" in texts(out)
    await bot.tap(NEW_USER, "Đúng")
    assert "chọn tổ" in texts(bot.api.sent_to(NEW_USER)[-1:])
    out = await bot.tap(NEW_USER, "Tổ hòa giải bản Bó")
    assert "Đăng ký thành công" in texts(out)
    person = await bot.services.people.by_identity("console", str(NEW_USER))
    assert person.role == Role.TEAM_LEADER
    assert person.team_id == (await bot.services.org.team_by_code("ML-03")).id


async def test_forged_team_of_other_commune_is_refused(bot):
    invite = await make_invite(bot, team=None)
    await bot.say(NEW_USER, f"/start {invite.code}")
    await bot.tap(NEW_USER, "Đúng")
    other_team = await bot.services.org.team_by_code("NH-01")
    out = await bot.tap_data(NEW_USER, f"reg:pick:{other_team.id}")
    assert msg.CODE_ERRORS["team_required"] in texts(out)
    assert await bot.services.people.by_identity("console", str(NEW_USER)) is None


@pytest.mark.parametrize("reason", ["expired", "used_up", "malformed", "unknown", "revoked"])
async def test_bad_codes_get_clear_messages(bot, reason):
    """A malformed code is told so; every well-formed code that does not work gets one and the same reply."""
    invite = await make_invite(bot)
    code = invite.code
    if reason == "expired":
        await bot.services.db.execute("UPDATE invites SET expires_at = '2020-01-01T00:00:00+00:00'")
    elif reason == "used_up":
        bot.api.user(NEW_USER + 1, "Người", "Trước")
        await bot.say(NEW_USER + 1, f"/start {code}")
        await bot.tap(NEW_USER + 1, "Đúng")
        await bot.tap(NEW_USER + 1, "Đúng")
    elif reason == "malformed":
        code = "12!"
    elif reason == "unknown":
        code = "ABCDEFGH" if code != "ABCDEFGH" else "HGFEDCBA"
    elif reason == "revoked":
        await bot.services.db.execute("UPDATE invites SET revoked = 1")
    out = await bot.say(NEW_USER, f"/start {code}")
    assert msg.CODE_ERRORS["malformed" if reason == "malformed" else "invalid"] in texts(out)
    assert await bot.services.people.by_identity("console", str(NEW_USER)) is None


async def test_code_expiring_between_check_and_confirm_is_refused(bot):
    invite = await make_invite(bot)
    await bot.say(NEW_USER, f"/start {invite.code}")
    await bot.tap(NEW_USER, "Đúng")
    await bot.services.db.execute("UPDATE invites SET expires_at = '2020-01-01T00:00:00+00:00'")
    out = await bot.tap(NEW_USER, "Đúng")
    assert msg.CODE_ERRORS["invalid"] in texts(out)
    assert await bot.services.people.by_identity("console", str(NEW_USER)) is None


async def test_registered_user_with_code_sees_menu(bot):
    invite = await make_invite(bot)
    out = await bot.say("mediator", f"/start {invite.code}")
    assert msg.CODE_ERRORS["already_registered"] in texts(out)
    assert (await bot.services.invites.by_code(invite.code)).uses == 0


async def test_guest_cannot_use_privileged_commands(bot):
    out = await bot.say("guest", "/moi")
    assert msg.NEED_REGISTRATION in texts(out)


async def test_mediator_cannot_create_invites(bot):
    out = await bot.say("mediator", "/moi")
    assert "không được dùng" in texts(out)
    out = await bot.say("leader", "/moi")
    assert "không được dùng" in texts(out)


async def test_commune_official_creates_invite_in_chat(bot):
    await bot.say("commune", "/moi")
    await bot.tap("commune", "Hòa giải viên")
    await bot.tap("commune", "Tổ hòa giải tổ dân phố 2")
    await bot.tap("commune", "5 người")
    out = await bot.tap("commune", "30 ngày")
    text = texts(out)
    assert "Đã tạo mã mời" in text and "https://t.me/" in text
    invite = (await bot.services.invites.of_commune((await bot.services.org.commune_by_code("ML")).id))[0]
    assert invite.max_uses == 5 and invite.role == Role.MEDIATOR
    assert invite.team_id == (await bot.services.org.team_by_code("ML-02")).id
    expires = datetime.fromisoformat(invite.expires_at)
    assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30)
    assert invite.code in text


async def test_commune_official_cannot_forge_other_commune_team(bot):
    await bot.say("commune", "/moi")
    await bot.tap("commune", "Hòa giải viên")
    other_team = await bot.services.org.team_by_code("NH-01")
    await bot.tap_data("commune", f"inv:t:{other_team.id}")
    await bot.tap("commune", "1 người")
    out = await bot.tap("commune", "7 ngày")
    assert "Đã tạo mã mời" not in texts(out)
    assert not await bot.services.invites.of_commune((await bot.services.org.commune_by_code("NH")).id)


async def test_province_official_picks_commune_and_official_role(bot):
    await bot.say("province", "/moi")
    await bot.tap("province", "Xã Nà Hỳ")
    await bot.tap("province", "Công chức xã")
    await bot.tap("province", "1 người")
    out = await bot.tap("province", "7 ngày")
    assert "Công chức Tư pháp – hộ tịch" in texts(out)


async def test_service_scope_rules(bot):
    svc = bot.services.registration
    people = bot.services.people
    commune_official = await people.by_identity("console", "1003")
    nh = await bot.services.org.commune_by_code("NH")
    with pytest.raises(PermissionDenied):
        await svc.create_invite(commune_official, nh.id, Role.MEDIATOR)
    mediator = await people.by_identity("console", "1001")
    with pytest.raises(PermissionDenied):
        await svc.create_invite(mediator, mediator.commune_id, Role.MEDIATOR)
    with pytest.raises(ValueError):
        await svc.create_invite(None, nh.id, Role.ADMIN)
    with pytest.raises(ValueError):
        await svc.create_invite(None, nh.id, Role.MEDIATOR, max_uses=0)


async def test_use_limit_is_atomic(bot):
    invite = await make_invite(bot, uses=2)
    svc = bot.services.registration
    team = await bot.services.org.team_by_code("ML-01")
    results = []
    for uid in range(7000, 7005):
        try:
            await svc.register(
                invite.code, f"Người {chr(65 + uid - 7000)}", "console", str(uid), team_id=team.id
            )
            results.append("ok")
        except RegistrationError as exc:
            results.append(exc.detail)
    assert results == ["ok", "ok", "used_up", "used_up", "used_up"]


@given(st.text(max_size=40))
def test_normalize_code_never_crashes(text):
    code = normalize_code(text)
    assert code is None or (len(code) == 8 and set(code) <= set(CODE_ALPHABET))


@given(
    st.text(alphabet=CODE_ALPHABET, min_size=8, max_size=8),
    st.sampled_from(["", "-", " ", "  "]),
    st.booleans(),
)
def test_normalize_code_accepts_what_people_type(code, sep, lower):
    typed = code[:4] + sep + code[4:]
    assert normalize_code(typed.lower() if lower else typed) == code
