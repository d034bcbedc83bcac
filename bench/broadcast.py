"""Broadcast benchmark: pace, then a SIGKILL half-way and a restart (duplicates and skipped recipients).

    python bench/broadcast.py [--recipients N] [--ceiling MSG_PER_S] [--no-kill]

It stores one broadcast to N synthetic recipients (a real outbox in a fresh SQLite file), serves the Telegram
Bot API locally over HTTP (tests/emulator.py), and runs the real bot process (`python -m bot run`, long
polling, AIORateLimiter and the outbox worker at RATE_LIMIT_PER_S). When half of the recipients have their
message, the process is killed with SIGKILL and started again; the restarted worker resumes the broadcast.
The emulator counts what each chat received. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.channels.local import LocalBotApi  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.container import Services  # noqa: E402
from bot.demo import seed_demo  # noqa: E402
from services.broadcast import Scope  # noqa: E402
from services.models import PersonDraft, Role  # noqa: E402
from tests.emulator import BotApiEmulator  # noqa: E402

SENDER_CHAT = 999
FIRST_CHAT = 10_000_000


async def prepare(db_path: str, recipients: int) -> tuple[int, list[int]]:
    """A fresh database: the demo organisation plus `recipients` mediators with a Telegram chat, and one
    broadcast to all of them (stored with its outbox, nothing sent)."""
    services = Services.build(Config(database_path=db_path))
    await services.open()
    try:
        await seed_demo(services)
        commune = await services.org.commune_by_code("ML")
        teams = await services.org.teams_of_commune(commune.id)
        sender = await services.people.by_identity("console", "1003")
        await services.people.link_identity(sender.id, "telegram", str(SENDER_CHAT), str(SENDER_CHAT))
        chats = [FIRST_CHAT + i for i in range(recipients)]
        async with services.db.transaction() as conn:
            for i, chat in enumerate(chats):
                team = teams[i % len(teams)]
                person_id = await services.people.create(PersonDraft(
                    full_name=f"Hòa giải viên {i:05d}", role=Role.MEDIATOR, province_id=commune.province_id,
                    commune_id=commune.id, team_id=team.id), conn=conn)
                await services.people.link_identity(person_id, "telegram", str(chat), str(chat), conn=conn)
        broadcast_id, count = await services.broadcasts.create(
            sender, Scope(communes=(commune.id,), teams=tuple(t.id for t in teams)), "telegram",
            "📢 THÔNG BÁO — Lò Thị Hoa, Phường Mường Lay\n\nLịch tập huấn kỹ năng hòa giải quý IV.")
        assert count == recipients, (count, recipients)
        return broadcast_id, chats
    finally:
        await services.close()


async def _outstanding(services: Services, broadcast_id: int) -> tuple[int, bool]:
    counts = await services.broadcasts.repo.counts(broadcast_id)
    broadcast = await services.broadcasts.repo.get(broadcast_id)
    return counts["pending"] + counts["sending"], broadcast["finished_at"] is not None


def _start(emulator: BotApiEmulator, db_path: str, ceiling: float, log_file) -> asyncio.Future:
    env = {**os.environ, "BOT_TOKEN": emulator.token, "TELEGRAM_BASE_URL": emulator.base_url,
           "DATABASE_PATH": db_path, "RATE_LIMIT_PER_S": str(ceiling), "LOG_LEVEL": "WARNING",
           "PYTHONPATH": str(ROOT)}
    return asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", env=env, cwd=str(ROOT),
                                          stdout=log_file, stderr=log_file)


async def run_benchmark(recipients: int, ceiling: float, kill: bool = True, workdir: str | None = None,
                        timeout_s: float | None = None) -> dict:
    tmp = tempfile.TemporaryDirectory() if workdir is None else None
    base = Path(workdir or tmp.name)
    db_path = str(base / "bench.db")
    broadcast_id, chats = await prepare(db_path, recipients)
    wanted = set(chats)
    api = LocalBotApi(max_poll_s=1.0)
    emulator = await BotApiEmulator(api).start()
    received: list[tuple[float, int]] = []

    def listen(kind: str, message: dict) -> None:
        if kind == "message" and message["chat"]["id"] in wanted:
            received.append((time.monotonic(), message["chat"]["id"]))

    api.listeners.append(listen)
    progress = api._new_bot_message(SENDER_CHAT, {}, text="0")
    services = Services.build(Config(database_path=db_path))
    await services.db.open(migrate=False)
    await services.broadcasts.repo.set_progress_message(broadcast_id, str(SENDER_CHAT), progress["message_id"])
    limit = timeout_s or (recipients / ceiling * 3 + 60)
    loop = asyncio.get_running_loop()
    killed_at_index = None
    log_path = base / "bot.log"
    process = None
    try:
        log_file = await asyncio.to_thread(open, log_path, "ab")
        try:
            process = await _start(emulator, db_path, ceiling, log_file)
            if kill:
                deadline = loop.time() + limit
                while len(received) < recipients // 2:
                    if loop.time() > deadline or process.returncode is not None:
                        raise RuntimeError(f"first run stalled; see {log_path}")
                    await asyncio.sleep(0.005)
                await asyncio.sleep(random.uniform(0, 1 / ceiling))  # anywhere between two sends
                process.send_signal(signal.SIGKILL)
                await process.wait()
                killed_at_index = len(received)
                process = await _start(emulator, db_path, ceiling, log_file)
            deadline = loop.time() + limit
            while True:
                outstanding, finished = await _outstanding(services, broadcast_id)
                if outstanding == 0 and finished:
                    break
                if loop.time() > deadline or process.returncode is not None:
                    raise RuntimeError(f"broadcast not finished in time; see {log_path}")
                await asyncio.sleep(0.1)
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 20)
            except TimeoutError:
                process.kill()
                await process.wait()
        finally:
            log_file.close()
        counts = await services.broadcasts.repo.counts(broadcast_id)
        resent = await services.broadcasts.repo.retried_rows(broadcast_id)
    finally:
        if process is not None and process.returncode is None:
            process.kill()
            await process.wait()
        await services.close()
        await emulator.stop()
        if tmp is not None:
            tmp.cleanup()

    per_chat: dict[int, int] = {}
    for _, chat in received:
        per_chat[chat] = per_chat.get(chat, 0) + 1
    duplicates = sum(n - 1 for n in per_chat.values() if n > 1)
    skipped = sum(1 for chat in chats if chat not in per_chat)
    segments = [received[:killed_at_index], received[killed_at_index:]] if killed_at_index else [received]
    sent_in_time = sum(len(s) - 1 for s in segments if len(s) > 1)
    duration = sum(s[-1][0] - s[0][0] for s in segments if len(s) > 1)
    achieved = sent_in_time / duration if duration > 0 else 0.0
    return {
        "recipients": recipients,
        "ceiling_per_s": ceiling,
        "achieved_per_s": round(achieved, 2),
        "rate_share": round(achieved / ceiling, 3),
        "killed_after": killed_at_index,
        "resent_after_restart": resent,
        "duplicates": duplicates,
        "skipped": skipped,
        "sent": counts["sent"],
        "failed": counts["failed"],
        "blocked": counts["blocked"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--ceiling", type=float, default=Config.from_env().rate_limit_per_s,
                        help="messages per second (default RATE_LIMIT_PER_S or 25)")
    parser.add_argument("--no-kill", action="store_true", help="no SIGKILL half-way")
    args = parser.parse_args()
    started = time.monotonic()
    result = asyncio.run(run_benchmark(args.recipients, args.ceiling, kill=not args.no_kill))
    print(f"{result['recipients']} recipients at a ceiling of {result['ceiling_per_s']:g} msg/s: "
          f"{result['achieved_per_s']:.2f} msg/s ({result['rate_share']:.1%} of the ceiling); "
          f"killed after {result['killed_after']} messages, {result['resent_after_restart']} in flight sent again; "
          f"duplicates {result['duplicates']}, skipped {result['skipped']}; "
          f"total {time.monotonic() - started:.0f} s")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
