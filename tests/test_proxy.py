"""deploy/nginx.conf in front of two real bot processes on one PostgreSQL (the compose file's topology,
without Docker): both processes serve, a case report goes on across them, and when one is killed with SIGKILL
the proxy passes its updates on to the other. Needs TEST_DATABASE_URL and the distribution's nginx."""

from __future__ import annotations

import asyncio
import signal

import pytest

from tests import dbtarget
from tests.harness import texts
from tests.processes import Nginx, WebhookFront, nginx_binary, webhook_cluster

pytestmark = [
    pytest.mark.skipif(not dbtarget.on_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL)"),
    pytest.mark.skipif(nginx_binary() is None, reason="needs nginx (apt-get install nginx-light)"),
]

MEDIATOR = 7002


async def test_proxy_spreads_updates_and_fails_over_on_sigkill(tmp_path):
    target = dbtarget.database_for(tmp_path, "proxy")
    await dbtarget.prepare(target)
    async with webhook_cluster(tmp_path, target, 2, telegram={"1001": MEDIATOR}) as cluster:
        ports, processes = cluster.ports, cluster.processes
        nginx = await Nginx(tmp_path / "nginx", ports).start()
        try:
            async with WebhookFront(cluster.emulator.api, [nginx.port]) as front:
                await front.ready()
                via = nginx.port
                assert "Ngày nhận vụ việc?" in texts(await front.say(MEDIATOR, "/baocao", via))
                await front.tap(MEDIATOR, "Hôm qua", via)
                await front.tap(MEDIATOR, "Đất đai", via)
                await front.tap(MEDIATOR, "Một bên hoặc các bên yêu cầu", via)
                served = await nginx.settled_served_by()
                assert {f"127.0.0.1:{p}" for p in ports} <= set(served), served  # both processes serve
                processes[0].send_signal(signal.SIGKILL)
                await processes[0].wait()
                await front.tap(MEDIATOR, "Hòa giải thành", via)
                out = await front.say(MEDIATOR, "hôm nay", via)
                assert "Kiểm tra lại trước khi gửi" in texts(out)
                out = await front.tap(MEDIATOR, "Gửi báo cáo", via)
                assert "Đã ghi vào sổ vụ việc số" in texts(out)
            assert len(await cluster.services.cases.repo.find(limit=5)) == 1
            after_kill = (await nginx.settled_served_by())[len(served) :]
            # every update after the kill ends on the survivor (some tried the dead process first)
            assert after_kill and all(entry.endswith(f"127.0.0.1:{ports[1]}") for entry in after_kill), (
                after_kill,
                ports,
                (nginx.workdir / "access.log").read_text(),
            )
        finally:
            await nginx.stop()


async def test_slow_update_passed_on_by_the_proxy_is_handled_once(tmp_path):
    """Issue 14 (Also): nginx passes a request that outlasts proxy_read_timeout on to the other process
    (proxy_next_upstream timeout non_idempotent); that copy must not be handled a second time."""

    import asyncpg

    target = dbtarget.database_for(tmp_path, "slow")
    await dbtarget.prepare(target)
    async with webhook_cluster(tmp_path, target, 2, telegram={"1001": MEDIATOR}) as cluster:
        nginx = await Nginx(tmp_path / "nginx", cluster.ports, read_timeout_s=2).start()
        blocker = await asyncpg.connect(target)
        try:
            async with WebhookFront(cluster.emulator.api, [nginx.port]) as front:
                await front.ready()
                api = cluster.emulator.api
                # The first process to get /baocao is held up on the drafts table for longer than nginx waits.
                transaction = blocker.transaction()
                await transaction.start()
                await blocker.execute("LOCK TABLE case_drafts IN ACCESS EXCLUSIVE MODE")
                mark = len(api.outbox)
                request = asyncio.create_task(front.say(MEDIATOR, "/baocao", nginx.port))
                await asyncio.sleep(3.0)  # nginx has timed out on the first process and passed the update on
                await transaction.commit()
                await request
                await asyncio.sleep(1.0)  # anything a second handling would send
                replies = [m for m in api.outbox[mark:] if m["chat"]["id"] == MEDIATOR]
                assert [m["text"] for m in replies].count(replies[0]["text"]) == 1, [
                    m["text"] for m in replies
                ]
                assert len(replies) == 1 and "Ngày nhận vụ việc?" in replies[0]["text"]
                passed_on = [entry for entry in await nginx.settled_served_by() if "," in entry]
                assert passed_on, nginx.served_by()  # the slow request did go to both processes
        finally:
            await blocker.close()
            await nginx.stop()
