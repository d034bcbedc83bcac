"""The unit of work (storage/uow.py) and the use cases that run in it, alone and concurrently.

On PostgreSQL the concurrent tests run on a pool of connections, so the transactions really overlap and only
the row locks and constraints keep them right; on SQLite (one connection, BEGIN IMMEDIATE) they check the same
outcome with one writer at a time."""

from __future__ import annotations

import asyncio

import pytest

from services.models import PersonDraft, Role
from services.registration import RegistrationError
from storage.audit import AuditLog
from storage.db import INTEGRITY_ERRORS
from storage.uow import Aggregate, UnitOfWork


async def _invite(bot, uses=1, person_id=None):
    commune = await bot.services.org.commune_by_code("ML")
    team = await bot.services.org.team_by_code("ML-01")
    return await bot.services.registration.create_invite(
        None, commune.id, Role.MEDIATOR, team_id=team.id, max_uses=uses, days=7, person_id=person_id
    )


async def test_block_commits_together_and_rolls_back_together(bot):
    commune = await bot.services.org.commune_by_code("ML")
    uow = UnitOfWork(bot.services.db)
    with pytest.raises(RuntimeError):
        async with uow(Aggregate.commune(commune.id)) as u:
            invite = await u.invites.create("ROLLBACK", commune.id, Role.MEDIATOR, 1, "2099-01-01")
            await u.audit.add(action="invite.create", object_type="invite", object_id=invite.id)
            assert (await u.invites.by_code("ROLLBACK")) is not None  # visible inside the transaction
            raise RuntimeError("the use case fails after writing")
    assert await bot.services.invites.by_code("ROLLBACK") is None
    assert await AuditLog(bot.services.db).rows(object_type="invite") == []
    async with uow() as u:
        await u.invites.create("COMMITTD", commune.id, Role.MEDIATOR, 1, "2099-01-01")
    assert (await bot.services.invites.by_code("COMMITTD")).max_uses == 1


async def test_a_constraint_violation_a_repository_catches_undoes_only_its_own_statements(bot):
    """A repository's own transaction() is a savepoint inside the unit of work."""
    commune = await bot.services.org.commune_by_code("ML")
    uow = UnitOfWork(bot.services.db)
    async with uow() as u:
        await u.invites.create("FIRSTONE", commune.id, Role.MEDIATOR, 1, "2099-01-01")
        with pytest.raises(INTEGRITY_ERRORS):
            await u.invites.create("FIRSTONE", commune.id, Role.MEDIATOR, 5, "2099-01-01")
        await u.invites.create("SECONDXX", commune.id, Role.MEDIATOR, 2, "2099-01-01")
    assert (await bot.services.invites.by_code("FIRSTONE")).max_uses == 1
    assert (await bot.services.invites.by_code("SECONDXX")).max_uses == 2


async def test_only_aggregate_roots_can_be_locked():
    with pytest.raises(ValueError):
        Aggregate("case_audit", 1)
    with pytest.raises(ValueError):
        Aggregate("communes", "ML", "code")


async def test_concurrent_redemptions_of_a_one_use_invite_give_exactly_one_person(bot):
    invite = await _invite(bot, uses=1)
    team = await bot.services.org.team_by_code("ML-01")
    before = len(await bot.services.people.members_of_team(team.id))

    async def register(n: int):
        return await bot.services.registration.register(
            invite.code, f"Người Thứ {n}", "console", str(7000 + n), team_id=team.id
        )

    outcomes = await asyncio.gather(*(register(n) for n in range(8)), return_exceptions=True)
    people = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(people) == 1
    assert all(isinstance(e, RegistrationError) and e.detail == "used_up" for e in refused), refused
    assert (await bot.services.invites.by_code(invite.code)).uses == 1
    assert len(await bot.services.people.members_of_team(team.id)) == before + 1
    row = await bot.services.db.fetchone(
        "SELECT COUNT(*) AS n FROM invite_redemptions WHERE invite_id = ?", (invite.id,)
    )
    assert row["n"] == 1


async def test_concurrent_redemptions_of_a_many_use_invite_all_count(bot):
    invite = await _invite(bot, uses=5)
    team = await bot.services.org.team_by_code("ML-01")
    outcomes = await asyncio.gather(
        *(
            bot.services.registration.register(
                invite.code, f"Người {n}", "console", str(7100 + n), team_id=team.id
            )
            for n in range(7)
        ),
        return_exceptions=True,
    )
    assert sum(not isinstance(o, BaseException) for o in outcomes) == 5
    assert (await bot.services.invites.by_code(invite.code)).uses == 5


async def test_namesakes_registering_at_once_claim_the_listed_person_once(bot):
    """A listed person without a chat account is attached to the first who registers with their name; the
    second (same name, another chat account) becomes a new person — never two accounts on one person."""
    team = await bot.services.org.team_by_code("ML-01")
    commune = await bot.services.org.commune(team.commune_id)
    listed = await bot.services.people.create(
        PersonDraft(
            full_name="Quàng Thị Mai",
            role=Role.MEDIATOR,
            province_id=commune.province_id,
            commune_id=commune.id,
            team_id=team.id,
        )
    )
    invite = await _invite(bot, uses=5)
    outcomes = await asyncio.gather(
        *(
            bot.services.registration.register(invite.code, "Quàng Thị Mai", "console", str(7200 + n))
            for n in range(2)
        )
    )
    assert sorted(p.id == listed for p in outcomes) == [False, True]
    assert len(await bot.services.people.identities(listed)) == 1


async def test_a_redemption_that_a_rule_refuses_writes_nothing(bot):
    invite = await _invite(bot, uses=1)
    team = await bot.services.org.team_by_code("ML-01")
    await bot.services.registration.register(invite.code, "Người Đầu", "console", "7300", team_id=team.id)
    with pytest.raises(RegistrationError) as refused:
        await bot.services.registration.register(invite.code, "Người Sau", "console", "7301", team_id=team.id)
    assert refused.value.detail == "used_up"
    assert await bot.services.people.identity_owner("console", "7301") is None
