"""Conversation state and user data survive a restart (SQLite persistence)."""

from __future__ import annotations

from tests.harness import ChatHarness, texts


async def test_registration_resumes_after_restart(tmp_path):
    async with ChatHarness(tmp_path) as bot:
        await bot.seed_demo()
        commune = await bot.services.org.commune_by_code("ML")
        team = await bot.services.org.team_by_code("ML-01")
        from services.models import Role

        invite = await bot.services.registration.create_invite(
            None, commune.id, Role.MEDIATOR, team_id=team.id
        )
        await bot.say(6001, f"/start {invite.code}")
        await bot.tap(6001, "Không, sửa lại")
        await bot.restart()
        out = await bot.say(6001, "Hà Thị Xuân")
        assert "Tổ hòa giải bản Na Lay" in texts(out)
        await bot.tap(6001, "Đúng")
        person = await bot.services.people.by_identity("console", "6001")
        assert person.full_name == "Hà Thị Xuân"
        await bot.app.update_persistence()
        await bot.app.persistence.flush()
        rows = await bot.services.db.fetchall("SELECT kind, key FROM bot_state WHERE kind = 'user'")
        assert all(r["key"] != "6001" for r in rows), "finished flows leave no user data behind"
