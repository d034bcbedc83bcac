"""Several bot processes on one PostgreSQL: the outbox is shared without duplicates (FOR UPDATE SKIP LOCKED), and
the claims of a process that died are taken over. Each Database below has its own connection pool, as a
separate process would. Needs TEST_DATABASE_URL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

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
    ids = [await people.create(PersonDraft(f"Hòa giải viên {i}", Role.MEDIATOR, province.id, commune.id))
           for i in range(recipients)]
    return await BroadcastRepository(db).create(
        sender_id=sender, channel="telegram", kind="announcement", scope={"communes": [commune.id]},
        text="Họp tổ", recipients=[(pid, str(10_000 + pid), "telegram") for pid in ids])


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
    assert await BroadcastRepository(first).finish_if_done(broadcast_id) is True


async def test_claims_of_a_dead_process_are_taken_over_not_stolen(two_processes):
    first, second = two_processes
    broadcast_id = await _broadcast(first, 3)
    dying, alive = BroadcastRepository(first), BroadcastRepository(second)
    taken = await dying.claim_next("telegram")  # then the process is killed before marking it
    # a process starting now does not requeue a claim that may still be in flight…
    assert await alive.requeue_inflight("telegram") == 0
    others = [await alive.claim_next("telegram"), await alive.claim_next("telegram")]
    assert taken["id"] not in {r["id"] for r in others}
    assert await alive.claim_next("telegram") is None
    # …but once the claim is stale, the row is due again, for whichever process asks first
    later = datetime.now(UTC) + timedelta(seconds=STALE_CLAIM_S + 1)
    again = await alive.claim_next("telegram", now=later)
    assert again["id"] == taken["id"] and again["attempts"] == 2
    await alive.mark_sent(again["id"], 1)
    for row in others:
        await alive.mark_sent(row["id"], 1)
    assert (await alive.counts(broadcast_id))["sent"] == 3


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
