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
from storage.cases import DuplicateSubmission
from storage.db import INTEGRITY_ERRORS
from storage.uow import Aggregate, UnitOfWork
from tests import dbtarget


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
            full_name="Lường Văn Sáng",
            role=Role.MEDIATOR,
            province_id=commune.province_id,
            commune_id=commune.id,
            team_id=team.id,
        )
    )
    invite = await _invite(bot, uses=5)
    outcomes = await asyncio.gather(
        *(
            bot.services.registration.register(invite.code, "Lường Văn Sáng", "console", str(7200 + n))
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


# --- case reports: numbered per commune under the commune's row lock ---------------------------------
on_postgres_only = pytest.mark.skipif(
    not dbtarget.on_postgres(), reason="SQLite has one writer at a time: nothing runs side by side"
)


def _values(team_id: int, day: str = "2025-03-04") -> dict:
    return {"team_id": team_id, "received_on": day, "field": "dat_dai", "basis": "yeu_cau", "result": "thanh"}


async def _report(uow: UnitOfWork, commune, team_id: int, key: str):
    """What CaseService.submit stores for a new report: one unit of work under the commune's lock."""
    async with uow(Aggregate.commune(commune.id)) as u:
        return await u.cases.create(
            _values(team_id),
            province_id=commune.province_id,
            commune_id=commune.id,
            commune_code=commune.code,
            reporter_id=None,
            submission_key=key,
        )


async def test_concurrent_reports_in_one_commune_get_unique_consecutive_numbers(bot):
    commune = await bot.services.org.commune_by_code("ML")
    team = await bot.services.org.team_by_code("ML-01")
    uow = UnitOfWork(bot.services.db)
    cases = await asyncio.gather(*(_report(uow, commune, team.id, f"k-{n}") for n in range(12)))
    numbers = sorted(c.number for c in cases)
    assert numbers == [f"ML-2025-{n:04d}" for n in range(1, 13)]
    for case in cases:  # each with its audit row
        assert [e.action for e in await bot.services.cases.repo.audit(case.id)] == ["create"]


async def test_the_same_submission_twice_at_once_stores_one_case(bot):
    commune = await bot.services.org.commune_by_code("ML")
    team = await bot.services.org.team_by_code("ML-01")
    uow = UnitOfWork(bot.services.db)
    outcomes = await asyncio.gather(
        *(_report(uow, commune, team.id, "same-key") for _ in range(3)), return_exceptions=True
    )
    stored = [o for o in outcomes if not isinstance(o, BaseException)]
    assert len(stored) == 1
    assert all(
        isinstance(o, DuplicateSubmission) and o.case.id == stored[0].id for o in outcomes if o not in stored
    )
    assert await bot.services.cases.repo.count() == 1


@on_postgres_only
async def test_a_commune_held_locked_does_not_hold_up_reports_of_another_commune(bot):
    """While a unit of work holds commune A's lock, a report in commune B is stored, so is an invite of
    commune A (it only refers to the commune), and a report in commune A waits (seen waiting in pg_locks)
    until A's lock goes. No timing: only the order of events."""
    db = bot.services.db
    uow = UnitOfWork(db)
    a, b = await bot.services.org.commune_by_code("ML"), await bot.services.org.commune_by_code("NH")
    team_a, team_b = (
        await bot.services.org.team_by_code("ML-01"),
        await bot.services.org.team_by_code("NH-01"),
    )
    order: list[str] = []
    holding = asyncio.Event()

    async def waiting_on(pid: int) -> int:
        """How many backends wait for `pid`, directly or behind another waiter."""
        rows = await db.fetchall(
            "SELECT DISTINCT pid, pg_blocking_pids(pid) AS blockers FROM pg_locks WHERE NOT granted"
        )
        waiting: set[int] = set()
        while True:
            more = {r["pid"] for r in rows if ({pid} | waiting) & set(r["blockers"])} - waiting
            if not more:
                return len(waiting)
            waiting |= more

    async def hold_a() -> None:
        async with uow(Aggregate.commune(a.id)) as u:
            pid = int((await u.bound.fetchone("SELECT pg_backend_pid() AS pid"))["pid"])
            holding.set()
            # Release when the others are stored and the report in A is seen waiting — or when two wait (one
            # that should not was held up).
            while True:
                waiters = await waiting_on(pid)
                if waiters >= 2 or (waiters == 1 and {"B stored", "invite stored"} <= set(order)):
                    break
                await asyncio.sleep(0.01)
            order.append("A released")

    async def report(commune, team_id: int, label: str) -> None:
        await holding.wait()
        await _report(uow, commune, team_id, f"key-{label}")
        order.append(f"{label} stored")

    async def invite() -> None:
        await holding.wait()
        await bot.services.registration.create_invite(None, a.id, Role.MEDIATOR, team_id=team_a.id)
        order.append("invite stored")

    await asyncio.gather(hold_a(), report(a, team_a.id, "A"), report(b, team_b.id, "B"), invite())
    assert set(order[:2]) == {"B stored", "invite stored"}
    assert order[2:] == ["A released", "A stored"]


@pytest.mark.sqlite_only
async def test_a_standalone_call_inside_a_unit_of_work_is_refused_not_left_waiting(db):
    """SQLite has one connection per process, held by the unit of work: a standalone repository call inside
    the block would wait for it for ever; it is refused with a clear error instead."""
    uow = UnitOfWork(db)
    with pytest.raises(RuntimeError, match="inside a unit of work"):
        async with uow():
            await db.fetchone("SELECT 1")
    async with uow() as u:  # through the unit of work it works, and after the block the database does too
        assert (await u.bound.fetchone("SELECT 1 AS one"))["one"] == 1
    assert (await db.fetchone("SELECT 1 AS one"))["one"] == 1
