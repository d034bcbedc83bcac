"""Load: many simulated users at once through the local Bot API emulator, against the real bot process.

The bot runs as `python -m bot run` (python-telegram-bot's own HTTP stack, long polling) against the
emulator on 127.0.0.1; every user sends a scripted series of messages, each sent when the previous was
answered, all users concurrently. Prints p50/p99 reply latency and updates handled per second; the last line
is one JSON object: users, updates, updates_per_s, p50_ms, p99_ms, lost.

    python bench/throughput.py [--users 1000] [--messages 4]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config import Config  # noqa: E402
from bot.container import Services  # noqa: E402
from bot.demo import seed_demo  # noqa: E402
from services.models import PersonDraft, Role  # noqa: E402
from tests.emulator import BotApiEmulator  # noqa: E402

SCRIPT_REGISTERED = ["/start", "/trogiup", "/khongco", "/huy"]
SCRIPT_GUEST = ["/start", "/trogiup", "ABCD-EFGH", "/huy"]


async def seed(db_path: str, users: int) -> list[int]:
    services = Services.build(Config(database_path=db_path))
    await services.open()
    await seed_demo(services)
    team = await services.org.team_by_code("ML-01")
    ids = []
    for n in range(users):
        uid = 2_000_000 + n
        ids.append(uid)
        if n % 2 == 0:  # half registered mediators, half guests
            pid = await services.people.create(
                PersonDraft(f"Người thử {n}", Role.MEDIATOR, None, team.commune_id, team.id)
            )
            await services.people.link_identity(pid, "telegram", str(uid), str(uid))
    await services.close()
    return ids


async def run(users: int, messages: int, timeout_s: float, extra_env: dict | None = None) -> dict:
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    own_before = resource.getrusage(resource.RUSAGE_SELF)
    tmp = tempfile.mkdtemp(prefix="bench-throughput-")
    db_path = str(Path(tmp) / "load.db")
    ids = await seed(db_path, users)
    emulator = await BotApiEmulator().start()
    api = emulator.api
    waiting: dict[int, tuple[float, asyncio.Future]] = {}

    def on_message(kind: str, message: dict) -> None:
        if kind != "message":
            return
        entry = waiting.pop(message["chat"]["id"], None)
        if entry and not entry[1].done():
            entry[1].set_result(time.perf_counter() - entry[0])

    api.listeners.append(on_message)
    env = {
        **os.environ,
        "BOT_TOKEN": emulator.token,
        "TELEGRAM_BASE_URL": emulator.base_url,
        "DATABASE_PATH": db_path,
        "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_PER_S": "0",
        **(extra_env or {}),
    }
    prefix = os.environ.get("BENCH_BOT_PREFIX", "").split()
    bot = await asyncio.create_subprocess_exec(
        *prefix,
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    latencies: list[float] = []
    lost = 0
    try:
        await emulator.wait_for(lambda: api.commands, timeout=60)
        loop = asyncio.get_running_loop()

        async def user(uid: int, n: int) -> None:
            nonlocal lost
            script = SCRIPT_REGISTERED if n % 2 == 0 else SCRIPT_GUEST
            for text in (script * messages)[:messages]:
                future = loop.create_future()
                waiting[uid] = (time.perf_counter(), future)
                api.user_message(uid, text)
                try:
                    latencies.append(await asyncio.wait_for(future, timeout_s))
                except TimeoutError:
                    lost += 1
                    waiting.pop(uid, None)

        started = time.perf_counter()
        await asyncio.gather(*(user(uid, n) for n, uid in enumerate(ids)))
        elapsed = time.perf_counter() - started
    finally:
        calls = list(api.calls)
        bot.terminate()
        _, err = await bot.communicate()
        await emulator.stop()
    if b"Traceback" in err:
        print(err.decode()[-2000:], file=sys.stderr)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    handled = len(latencies)
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] if latencies else None
    return {
        "users": users,
        "updates": users * messages,
        "answered": handled,
        "lost": lost,
        "seconds": round(elapsed, 2),
        "updates_per_s": round(handled / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p99_ms": round(p99 * 1000, 1) if p99 is not None else None,
        "bot_cpu_s": round(
            children.ru_utime + children.ru_stime - children_before.ru_utime - children_before.ru_stime, 2
        ),
        "emulator_cpu_s": round(own.ru_utime + own.ru_stime - own_before.ru_utime - own_before.ru_stime, 2),
        "api_calls": dict(Counter(calls).most_common(6)),
    }


#: The stock python-telegram-bot set-up: its httpx transport, one update at a time.
BASELINE = {"TELEGRAM_HTTP_CLIENT": "httpx", "CONCURRENT_UPDATES": "1"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=4, help="messages per user")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for each reply")
    parser.add_argument("--no-baseline", action="store_true", help="skip the stock-configuration run")
    args = parser.parse_args()
    runs = (
        [("this bot", {})]
        if args.no_baseline
        else [("baseline (httpx, sequential)", BASELINE), ("this bot", {})]
    )
    results = {}
    for label, env in runs:
        result = asyncio.run(run(args.users, args.messages, args.timeout, env))
        results[label] = result
        print(
            f"{label}: {result['users']} users, {result['answered']}/{result['updates']} updates answered in "
            f"{result['seconds']} s: {result['updates_per_s']} updates/s, p50 {result['p50_ms']} ms, "
            f"p99 {result['p99_ms']} ms, lost {result['lost']}, bot CPU {result['bot_cpu_s']} s"
        )
    final = dict(results["this bot"])
    if "baseline (httpx, sequential)" in results:
        base = results["baseline (httpx, sequential)"]
        final.update(
            {
                "baseline_updates_per_s": base["updates_per_s"],
                "baseline_p50_ms": base["p50_ms"],
                "baseline_p99_ms": base["p99_ms"],
                "baseline_lost": base["lost"],
            }
        )
    final["target_updates_per_s"] = 300
    final["met"] = final["updates_per_s"] >= 300 and final["lost"] == 0
    print(json.dumps(final))


if __name__ == "__main__":
    main()
