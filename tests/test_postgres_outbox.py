"""Several bot processes on one PostgreSQL: the outbox is shared without duplicates (FOR UPDATE SKIP LOCKED),
and the claims of a process that died are taken over. Each Database below has its own connection pool, as a
separate process would. Needs TEST_DATABASE_URL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from services.broadcast import UNDELIVERED
from services.models import PersonDraft, Role
from storage.broadcasts import STALE_CLAIM_S, BroadcastRepository
from storage.db import Database
from storage.org import OrgRepository
from storage.people import PeopleRepository
from tests import dbtarget

pytestmark = pytest.mark.skipif(not dbtarget.on_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL)")


async def _broadcast(db: Database, recipients: int) -> int:
    org, people = OrgRepository(db), PeopleRepository(db)
    province = await org.upsert_province("DB", "Điện Biên")
    commune = await org.upsert_commune(province.id, "ML", "Phường Mường Lay")
    sender = await people.create(PersonDraft("Lò Thị Hoa", Role.COMMUNE_OFFICIAL, province.id, commune.id))
    ids = [
        await people.create(PersonDraft(f"Hòa giải viên {i}", Role.MEDIATOR, province.id, commune.id))
        for i in range(recipients)
    ]
    return await BroadcastRepository(db).create(
        sender_id=sender,
        channel="telegram",
        kind="announcement",
        scope={"communes": [commune.id]},
        text="Họp tổ",
        recipients=[(pid, str(10_000 + pid), "telegram") for pid in ids],
    )


@pytest.fixture
async def two_processes(tmp_path):
    target = dbtarget.database_for(tmp_path, "shared")
    await dbtarget.prepare(target)
    first, second = Database(target), Database(target)
    await first.open()
    await second.open()
    yield first, second
    await first.close()
    await second.close()


async def test_concurrent_workers_never_claim_the_same_row(two_processes):
    first, second = two_processes
    broadcast_id = await _broadcast(first, 300)
    claimed: list[int] = []

    async def worker(db: Database) -> None:
        repo = BroadcastRepository(db)
        while (row := await repo.claim_next("telegram")) is not None:
            claimed.append(row["id"])
            await asyncio.sleep(0)  # the "send"
            await repo.mark_sent(row["id"], message_id=row["id"])

    await asyncio.gather(*(worker(db) for db in (first, second, first, second)))
    assert len(claimed) == 300 and len(set(claimed)) == 300
    counts = await BroadcastRepository(second).counts(broadcast_id)
    assert counts["sent"] == 300 and counts["pending"] == counts["sending"] == 0
    assert await BroadcastRepository(first).retried_rows(broadcast_id) == 0
    assert await BroadcastRepository(first).set_finished(broadcast_id, unless=UNDELIVERED) is True


async def test_claims_of_a_dead_process_are_taken_over_at_once_not_stolen(two_processes):
    first, second = two_processes
    broadcast_id = await _broadcast(first, 3)
    dying, alive = BroadcastRepository(first), BroadcastRepository(second)
    dying_token, alive_token = await first.process_token(), await second.process_token()
    assert dying_token != alive_token and await first.process_token() == dying_token
    taken = await dying.claim_next("telegram", token=dying_token)  # then the process dies before marking it
    assert taken["claimed_by"] == dying_token
    # while the first process lives, its claim is never taken, however often the others look…
    assert await alive.requeue_inflight("telegram") == 0
    others = [await alive.claim_next("telegram", token=alive_token) for _ in range(2)]
    assert taken["id"] not in {r["id"] for r in others}
    assert await alive.claim_next("telegram", token=alive_token) is None
    # …and once it is gone (its liveness lock goes with its connection), its row is due again at once
    await first.drop_liveness()
    assert await alive.requeue_inflight("telegram") == 1
    again = await alive.claim_next("telegram", token=alive_token)
    assert again["id"] == taken["id"] and again["attempts"] == 2 and again["claimed_by"] == alive_token
    # the live process's own claims stay its own
    assert await alive.requeue_inflight("telegram") == 0
    for row in (again, *others):
        await alive.mark_sent(row["id"], 1)
    assert (await alive.counts(broadcast_id))["sent"] == 3
    # a process that comes back gets a new token
    assert await first.process_token() not in (dying_token, 0)


async def test_claims_without_a_token_are_taken_back_only_when_stale(two_processes):
    first, second = two_processes
    await _broadcast(first, 1)
    repo = BroadcastRepository(second)
    claimed = await BroadcastRepository(first).claim_next(
        "telegram"
    )  # e.g. a process of the previous version
    assert claimed["claimed_by"] is None
    assert await repo.requeue_inflight("telegram") == 0
    later = datetime.now(UTC) + timedelta(seconds=STALE_CLAIM_S + 1)
    assert await repo.requeue_inflight("telegram", now=later) == 1


async def test_processes_share_one_pace(two_processes):
    first, second = two_processes
    repos = [BroadcastRepository(first), BroadcastRepository(second)]
    # one slot a second for the whole bot, whichever process asks: waits of 0, 1, 2, … seconds
    waits = [await repos[i % 2].reserve_send_slot("telegram", 1.0, 0.0) for i in range(8)]
    for k, wait in enumerate(waits):
        assert k - 0.5 < wait < k + 0.1, waits
    # another channel has its own pace; unused time gives at most `burst` of credit
    assert await repos[0].reserve_send_slot("zalo", 1.0, 0.0) < 0.1
    # flood control seen by one process holds the others too
    await repos[0].hold_sending("zalo", 30.0)
    assert 29.0 < await repos[1].reserve_send_slot("zalo", 1.0, 0.0) <= 30.0


async def test_a_scheduled_job_runs_in_one_process_at_a_time(two_processes):
    from types import SimpleNamespace

    from bot.jobs import once_across_processes

    first, second = two_processes
    runs: list[str] = []
    inside = asyncio.Event()
    leave = asyncio.Event()

    async def job(context) -> None:
        runs.append(context.name)
        inside.set()
        await leave.wait()

    def context(db: Database, name: str):
        return SimpleNamespace(name=name, application=SimpleNamespace(services=SimpleNamespace(db=db)))

    wrapped = once_across_processes("test-job", job)
    running = asyncio.create_task(wrapped(context(first, "first")))
    await inside.wait()
    await wrapped(context(second, "second"))  # fires while the first process runs it: skipped
    leave.set()
    await running
    await wrapped(context(second, "second-later"))  # the next due time: whichever process fires runs it
    assert runs == ["first", "second-later"]
    async with first.job_lock("other-job") as held_a, second.job_lock("other-job") as held_b:
        assert (held_a, held_b) == (True, False)


async def test_one_chat_is_handled_by_one_process_at_a_time(two_processes):
    first, second = two_processes
    order: list[str] = []
    inside = asyncio.Event()
    leave = asyncio.Event()

    async def handle(db: Database, name: str, chat: str, wait: bool) -> None:
        async with db.chat_lock(chat):
            order.append(f"{name} in")
            if wait:
                inside.set()
                await leave.wait()
            order.append(f"{name} out")

    held = asyncio.create_task(handle(first, "a", "chat:7", wait=True))
    await inside.wait()
    blocked = asyncio.create_task(handle(second, "b", "chat:7", wait=False))
    await handle(second, "other", "chat:8", wait=False)  # another chat is not held up
    await asyncio.sleep(0.2)
    assert order == ["a in", "other in", "other out"] and not blocked.done()
    leave.set()
    await asyncio.gather(held, blocked)
    assert order[3:] == ["a out", "b in", "b out"]
