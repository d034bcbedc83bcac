"""Zalo channel: reply latency and throughput through the real ZaloRequest transport, polling vs webhook.

The bot runs in-process (`bot.channels.runner.serve`, channel zalo) against the local Zalo Bot API emulator on
127.0.0.1; every simulated user sends `/trogiup` then a digit (a numbered option → callback) repeatedly, each
message sent when the previous one was answered, all users at once. Zalo's getUpdates hands out one event per
call, so polling serialises incoming events; the webhook does not. The last line is one JSON object.

    python bench/zalo_roundtrip.py [--users 50] [--messages 4]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.channels.runner import serve  # noqa: E402
from bot.config import Config, ZaloConfig  # noqa: E402
from bot.container import Services  # noqa: E402
from bot.demo import seed_demo  # noqa: E402
from tests.zalo_emulator import ZaloApiEmulator  # noqa: E402

SECRET = "bench-secret-token"


async def run(mode: str, users: int, messages: int, workdir: Path) -> dict:
    emu = await ZaloApiEmulator(max_poll_s=5).start()
    config = Config(database_path=str(workdir / f"{mode}.db"), rate_limit_per_s=0)
    services = Services.build(config)
    await services.open()
    await seed_demo(services)
    await services.close()
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    zconf = ZaloConfig(
        token=emu.token,
        base_url=emu.base_url,
        poll_timeout=5,
        webhook_url=f"http://127.0.0.1:{port}",
        webhook_secret=SECRET,
        webhook_listen="127.0.0.1",
        webhook_port=port,
    )
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(
        serve(
            config,
            ["zalo"],
            webhook=mode == "webhook",
            zalo=zconf,
            stop=stop,
            on_ready=lambda running: ready.set(),
        )
    )
    await asyncio.wait_for(ready.wait(), 30)
    latencies: list[float] = []
    lost = 0

    async def user(index: int) -> None:
        nonlocal lost
        zalo_id = emu.user(f"bench{index:06d}", f"Khách {index}")
        for n in range(messages):
            text = "/trogiup" if n % 2 == 0 else "1"
            seen = len(emu.sent_to(zalo_id))
            started = time.perf_counter()
            emu.text(zalo_id, text)
            try:
                await emu.wait_for(lambda seen=seen: len(emu.sent_to(zalo_id)) > seen, timeout=60)
            except TimeoutError:
                lost += 1
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.05)

    started = time.perf_counter()
    await asyncio.gather(*(user(i) for i in range(users)))
    elapsed = time.perf_counter() - started
    stop.set()
    await asyncio.wait_for(task, 30)
    await emu.stop()
    latencies.sort()
    return {
        "mode": mode,
        "users": users,
        "updates": len(latencies),
        "updates_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 1) if latencies else None,
        "lost": lost,
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--messages", type=int, default=4)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for mode in ("polling", "webhook"):
            result = await run(mode, args.users, args.messages, Path(tmp))
            results[mode] = result
            print(
                f"{mode}: {result['updates']} replies, {result['updates_per_s']}/s, "
                f"p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, lost {result['lost']}"
            )
    print(json.dumps(results))


if __name__ == "__main__":
    asyncio.run(main())
