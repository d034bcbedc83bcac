"""deploy/nginx.conf in front of two real bot processes on one PostgreSQL (the compose file's topology, without
Docker): both processes serve, a case report goes on across them, and when one is killed with SIGKILL the proxy
passes its updates on to the other. Needs TEST_DATABASE_URL and the distribution's nginx."""

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
                # the bot answers before its 200 reaches nginx: wait until nginx has logged every request so far
                served = await _settled(nginx)
                assert {f"127.0.0.1:{p}" for p in ports} <= set(served), served  # both processes serve
                processes[0].send_signal(signal.SIGKILL)
                await processes[0].wait()
                await front.tap(MEDIATOR, "Hòa giải thành", via)
                out = await front.say(MEDIATOR, "hôm nay", via)
                assert "Kiểm tra lại trước khi gửi" in texts(out)
                out = await front.tap(MEDIATOR, "Gửi báo cáo", via)
                assert "Đã ghi vào sổ vụ việc số" in texts(out)
            assert len(await cluster.services.cases.repo.find(limit=5)) == 1
            after_kill = nginx.served_by()[len(served):]
            # every update after the kill ends on the survivor (some tried the dead process first)
            assert after_kill and all(entry.endswith(f"127.0.0.1:{ports[1]}") for entry in after_kill), (
                after_kill, ports, (nginx.workdir / "access.log").read_text())
        finally:
            await nginx.stop()


async def _settled(nginx: Nginx, quiet_s: float = 0.5) -> list[str]:
    """nginx's log once it has stopped growing for `quiet_s` (each answer is logged after the bot's reply)."""
    seen = nginx.served_by()
    while True:
        await asyncio.sleep(quiet_s)
        now = nginx.served_by()
        if len(now) == len(seen):
            return now
        seen = now
