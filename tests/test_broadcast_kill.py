"""The real bot process is killed with SIGKILL half-way through a broadcast and restarted: every recipient
gets the message, and a message is repeated only for a row that was in flight at the kill (at-least-once)."""

from __future__ import annotations

from bench.broadcast import run_benchmark


async def test_sigkill_half_way_then_restart_resumes(tmp_path):
    result = await run_benchmark(300, ceiling=300, kill=True, workdir=str(tmp_path), timeout_s=60)
    assert result["killed_after"] and result["killed_after"] < 300
    assert result["skipped"] == 0
    assert result["sent"] == 300 and result["failed"] == 0 and result["blocked"] == 0
    # only rows claimed but not yet marked sent at the kill can be repeated, and those are few
    assert result["duplicates"] <= result["resent_after_kill"] <= 40
