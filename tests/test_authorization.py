"""Authorisation matrix: every privileged command × every role, and forged callbacks across communes.

Each row says which roles may use a command; everyone else must get the polite refusal (or the registration
hint) and nothing else. Extend the table whenever a capability adds a command.
"""

from __future__ import annotations

import pytest

from bot import messages as msg
from tests.harness import texts

ROLES = ["guest", "mediator", "leader", "commune", "province", "admin"]
REGISTERED = set(ROLES) - {"guest"}

#: command → roles allowed to use it
MATRIX: dict[str, set[str]] = {
    "/moi": {"commune", "province", "admin"},
    "/baocao": {"mediator", "leader", "commune"},
    "/vuviec": {"mediator", "leader", "commune", "admin"},
    "/ontap": REGISTERED,
    "/tailai_kb": {"admin"},
    "/tailieu": set(ROLES),
    "/hoi": set(ROLES),
    "/trogiup": set(ROLES),
}

DENIALS = (msg.NEED_REGISTRATION, msg.NOT_ALLOWED.split("{")[0])


def _denied(text: str) -> bool:
    return any(d in text for d in DENIALS)


@pytest.mark.parametrize("command", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
async def test_command_matrix(bot, command, role):
    out = texts(await bot.say(role, command))
    assert out, f"{command} as {role}: no reply"
    if role in MATRIX[command]:
        assert not _denied(out), f"{command} should be allowed for {role}: {out[:200]}"
    else:
        assert _denied(out), f"{command} should be denied for {role}: {out[:200]}"


async def test_menu_shows_only_allowed_capabilities(bot):
    for role in ROLES:
        await bot.say(role, "/trogiup")
        labels = {o.label for o in bot.buttons(role)}
        assert ("🔑 Tạo mã mời" in labels) == (role in MATRIX["/moi"]), role
        assert any("Báo cáo vụ việc" in label for label in labels) == (role in MATRIX["/baocao"]), role


OTHER_COMMUNE_WORDS = ("Nà Hỳ", "NH-01", "Sùng A Chá", "Mùa Thị Dua", "Giàng A Páo")


async def _other_commune_ids(bot) -> dict[str, int]:
    db = bot.services.db
    nh = await bot.services.org.commune_by_code("NH")
    team = await bot.services.org.team_by_code("NH-01")
    person = await db.fetchone("SELECT id FROM persons WHERE commune_id = ? ORDER BY id LIMIT 1", (nh.id,))
    return {"commune": nh.id, "team": team.id, "person": person["id"]}


async def test_forged_callbacks_never_reveal_another_commune(bot):
    """Every callback prefix of the bot, with ids of the other commune's objects, tapped by the people of
    Phường Mường Lay: no reply may mention Xã Nà Hỳ's teams or people."""
    ids = await _other_commune_ids(bot)
    prefixes = [
        "inv:c:{commune}",
        "inv:t:{team}",
        "reg:pick:{team}",
        "case:team:{team}",
        "case:view:{person}",
        "case:med:{person}",
        "st:c:{commune}",
        "st:t:{team}",
        "bc:c:{commune}",
        "bc:t:{team}",
        "tr:c:{commune}",
        "tr:t:{team}",
        "quiz:stats:{commune}",
        "doc:stats:{commune}",
    ]
    for role in ("mediator", "leader", "commune"):
        for pattern in prefixes:
            data = pattern.format(**ids)
            await bot.say(role, "/trogiup")
            out = texts(await bot.tap_data(role, data))
            leaked = [w for w in OTHER_COMMUNE_WORDS if w in out]
            assert not leaked, f"{role} tapping {data!r} saw {leaked}: {out[:200]}"
