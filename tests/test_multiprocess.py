"""Several real bot processes (`python -m bot run`) on one PostgreSQL database and the local Bot API emulator:
a form started on one process goes on on another, even after the first is killed with SIGKILL; a broadcast
survives the SIGKILL of one of the processes sending it. Needs TEST_DATABASE_URL."""

from __future__ import annotations

import signal

import pytest

from bench.broadcast import run_benchmark
from tests import dbtarget
from tests.harness import texts
from tests.processes import WebhookFront, webhook_cluster

pytestmark = pytest.mark.skipif(not dbtarget.on_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL)")

MEDIATOR = 7001  # the demo mediator's Telegram chat


@pytest.fixture
async def two_bots(tmp_path):
    """Two bot processes in webhook mode on one database, the demo commune seeded, and a front delivering
    each update to the process the test names."""
    target = dbtarget.database_for(tmp_path, "multi")
    await dbtarget.prepare(target)
    async with (
        webhook_cluster(tmp_path, target, 2, telegram={"1001": MEDIATOR}) as cluster,
        WebhookFront(cluster.emulator.api, cluster.ports) as front,
    ):
        yield front, cluster.processes, cluster.services


async def test_case_report_alternates_between_processes_and_survives_a_sigkill(two_bots):
    front, processes, services = two_bots
    a, b = front.ports
    assert "Ngày nhận vụ việc?" in texts(await front.say(MEDIATOR, "/baocao", a))
    await front.tap(MEDIATOR, "Hôm qua", b)
    await front.tap(MEDIATOR, "Đất đai", a)
    # the first process dies mid-form; the other one carries on from the stored draft
    processes[0].send_signal(signal.SIGKILL)
    await processes[0].wait()
    await front.tap(MEDIATOR, "Một bên hoặc các bên yêu cầu", b)
    await front.tap(MEDIATOR, "Hòa giải thành", b)
    out = await front.say(MEDIATOR, "hôm nay", b)
    assert "Kiểm tra lại trước khi gửi" in texts(out)
    review = front.last_with_buttons(MEDIATOR)
    out = await front.tap(MEDIATOR, "Gửi báo cáo", b, review)
    assert "Đã ghi vào sổ vụ việc số" in texts(out)
    await front.tap(MEDIATOR, "Gửi báo cáo", b, review)  # a double tap: still one case
    cases = await services.cases.repo.find(limit=5)
    assert len(cases) == 1 and cases[0].field == "dat_dai"


async def test_each_update_is_handled_by_whichever_process_gets_it(two_bots):
    front, _, _ = two_bots
    a, b = front.ports
    for port in (a, b, a, b):
        out = await front.say(MEDIATOR, "/start", port)
        assert out, "every process answers"
    # a question asked on one process, a button of its answer tapped on the other
    out = await front.say(MEDIATOR, "to hoa giai co it nhat may nguoi", a)
    assert "Điều" in texts(out)
    out = await front.tap(MEDIATOR, "👍", b)
    assert out


async def test_broadcast_survives_the_sigkill_of_one_of_two_processes(tmp_path):
    target = dbtarget.database_for(tmp_path, "broadcast")
    await dbtarget.prepare(target)
    result = await run_benchmark(
        300, ceiling=100, kill=True, workdir=str(tmp_path), timeout_s=90, database=target, processes=2
    )
    assert result["killed_after"] and result["killed_after"] < 300
    assert result["skipped"] == 0
    assert result["sent"] == 300 and result["failed"] == 0 and result["blocked"] == 0
    # a message can be repeated only for a row the killed process had sent but not yet marked sent
    assert result["duplicates"] <= result["resent_after_kill"] <= 60
