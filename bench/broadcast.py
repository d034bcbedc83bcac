"""Broadcast benchmark: pace, then a SIGKILL half-way (duplicates and skipped recipients).

    python bench/broadcast.py [--recipients N] [--ceiling MSG_PER_S] [--no-kill] [--backup-load]
                              [--database-url postgresql://… [--processes 3]]

It stores one broadcast to N synthetic recipients (a real outbox), serves the Telegram Bot API locally over
HTTP (tests/emulator.py), and runs real bot processes (`python -m bot run`, AIORateLimiter and the outbox
worker at RATE_LIMIT_PER_S). The emulator counts what each chat received.

- SQLite (always): one process by long polling on a fresh file; when half of the recipients have their
  message it is killed with SIGKILL and started again, and the restarted worker resumes the broadcast.
- PostgreSQL (`--database-url`, in the same run, side by side): `--processes` processes in webhook mode on one
  database (a fresh schema, dropped at the end) share the outbox and one pace; half-way one of them is killed
  with SIGKILL and not restarted: the others take over its rows.

- `--backup-load` (issue 14): the SQLite run again, in the same run, with `admin backup` of the live file
  running over and over until the kill (the attack that used to duplicate every row in flight), beside the
  idle run.

The last line printed is one JSON object: {"sqlite": {…}, "postgres": {…}} with the same figures for each.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.channels.local import LocalBotApi  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.container import Services  # noqa: E402
from bot.demo import seed_demo  # noqa: E402
from services.broadcast import BroadcastScope  # noqa: E402
from services.models import PersonDraft, Role  # noqa: E402
from storage.db import is_postgres_url  # noqa: E402
from storage.uow import UnitOfWork  # noqa: E402
from tests.dbtarget import with_search_path  # noqa: E402
from tests.emulator import BotApiEmulator  # noqa: E402
from tests.processes import free_port, start_bot, stop_bot  # noqa: E402

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
        async with UnitOfWork(services.db)() as u:  # every recipient in one transaction
            for i, chat in enumerate(chats):
                team = teams[i % len(teams)]
                person_id = await u.people.create(
                    PersonDraft(
                        full_name=f"Hòa giải viên {i:05d}",
                        role=Role.MEDIATOR,
                        province_id=commune.province_id,
                        commune_id=commune.id,
                        team_id=team.id,
                    )
                )
                await u.people.link_identity(person_id, "telegram", str(chat), str(chat))
        broadcast_id, count = await services.broadcasts.create(
            sender,
            BroadcastScope(communes=(commune.id,), teams=tuple(t.id for t in teams)),
            "telegram",
            "📢 THÔNG BÁO — Lò Thị Hoa, Phường Mường Lay\n\nLịch tập huấn kỹ năng hòa giải quý IV.",
        )
        assert count == recipients, (count, recipients)
        return broadcast_id, chats
    finally:
        await services.close()


async def _outstanding(services: Services, broadcast_id: int) -> tuple[int, bool]:
    counts = await services.broadcasts.repo.counts(broadcast_id)
    broadcast = await services.broadcasts.repo.get(broadcast_id)
    return counts["pending"] + counts["sending"], broadcast["finished_at"] is not None


async def run_benchmark(
    recipients: int,
    ceiling: float,
    kill: bool = True,
    workdir: str | None = None,
    timeout_s: float | None = None,
    database: str | None = None,
    processes: int = 1,
    backup_load: bool = False,
) -> dict:
    """One broadcast through `processes` real bot processes on `database` (default: a SQLite file in
    `workdir`).

    One process runs by long polling and is restarted after the kill; several run in webhook mode and the
    killed one stays down."""
    tmp = tempfile.TemporaryDirectory() if workdir is None else None
    base = Path(workdir or tmp.name)
    database = database or str(base / "bench.db")
    broadcast_id, chats = await prepare(database, recipients)
    wanted = set(chats)
    api = LocalBotApi(max_poll_s=1.0)
    emulator = await BotApiEmulator(api).start()
    received: list[tuple[float, int]] = []

    def listen(kind: str, message: dict) -> None:
        if kind == "message" and message["chat"]["id"] in wanted:
            received.append((time.monotonic(), message["chat"]["id"]))

    api.listeners.append(listen)
    progress = api._new_bot_message(SENDER_CHAT, {}, text="0")
    services = Services.build(Config(database_path=database))
    await services.db.open(migrate=False)
    await services.broadcasts.repo.set_progress_message(
        broadcast_id, str(SENDER_CHAT), progress["message_id"]
    )
    limit = timeout_s or (recipients / ceiling * 3 + 60)
    loop = asyncio.get_running_loop()
    killed_at_index = None
    log_path = base / "bot.log"
    running: list[asyncio.subprocess.Process] = []
    ports = [free_port() for _ in range(processes)] if processes > 1 else [None]

    async def start(port: int | None) -> asyncio.subprocess.Process:
        process = await start_bot(emulator, database, log_file, ceiling=ceiling, webhook_port=port)
        running.append(process)
        return process

    loading = asyncio.Event()

    def backups() -> int:
        from storage.backup import backup

        done = 0
        while not loading.is_set():
            backup(database, base / "load.bak")
            done += 1
        return done

    load_task = None
    try:
        log_file = await asyncio.to_thread(open, log_path, "ab")
        try:
            for port in ports:
                await start(port)
            if backup_load:
                load_task = asyncio.create_task(asyncio.to_thread(backups))
            if kill:
                deadline = loop.time() + limit
                while len(received) < recipients // 2:
                    if loop.time() > deadline or any(p.returncode is not None for p in running):
                        raise RuntimeError(f"first run stalled; see {log_path}")
                    await asyncio.sleep(0.005)
                await asyncio.sleep(random.uniform(0, 1 / ceiling))  # anywhere between two sends
                victim = running.pop(0)
                victim.send_signal(signal.SIGKILL)
                await victim.wait()
                killed_at_index = len(received)
                loading.set()
                if processes == 1:
                    await start(None)
            deadline = loop.time() + limit
            while True:
                outstanding, finished = await _outstanding(services, broadcast_id)
                if outstanding == 0 and finished:
                    break
                if loop.time() > deadline or any(p.returncode is not None for p in running):
                    raise RuntimeError(f"broadcast not finished in time; see {log_path}")
                await asyncio.sleep(0.1)
            for process in running:
                await stop_bot(process)
        finally:
            log_file.close()
        counts = await services.broadcasts.repo.counts(broadcast_id)
        resent = await services.broadcasts.repo.retried_rows(broadcast_id)
    finally:
        loading.set()
        if load_task is not None:
            await load_task
        for process in running:
            if process.returncode is None:
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
    # one process: the restart's downtime is not sending time; several: the others never stopped
    restarted = killed_at_index is not None and processes == 1
    segments = [received[:killed_at_index], received[killed_at_index:]] if restarted else [received]
    sent_in_time = sum(len(s) - 1 for s in segments if len(s) > 1)
    duration = sum(s[-1][0] - s[0][0] for s in segments if len(s) > 1)
    achieved = sent_in_time / duration if duration > 0 else 0.0
    return {
        "backend": ("postgres" if is_postgres_url(database) else "sqlite")
        + (" under backup" if backup_load else ""),
        "processes": processes,
        "recipients": recipients,
        "ceiling_per_s": ceiling,
        "achieved_per_s": round(achieved, 2),
        "rate_share": round(achieved / ceiling, 3),
        "killed_after": killed_at_index,
        "resent_after_kill": resent,
        "duplicates": duplicates,
        "skipped": skipped,
        "sent": counts["sent"],
        "failed": counts["failed"],
        "blocked": counts["blocked"],
    }


async def fresh_schema(url: str) -> tuple[str, str]:
    """(URL whose search_path is a new schema, schema name) on the PostgreSQL server of `url`."""
    import asyncpg

    schema = f"bench_broadcast_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await conn.close()
    return with_search_path(url, schema), schema


async def drop_schema(url: str, schema: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await conn.close()


async def run_postgres(url: str, recipients: int, ceiling: float, kill: bool, processes: int) -> dict:
    target, schema = await fresh_schema(url)
    try:
        return await run_benchmark(recipients, ceiling, kill=kill, database=target, processes=processes)
    finally:
        await drop_schema(url, schema)


def _line(result: dict) -> str:
    return (
        f"{result['backend']:>8}, {result['processes']} process(es): {result['recipients']} recipients at a "
        f"ceiling of {result['ceiling_per_s']:g} msg/s: {result['achieved_per_s']:.2f} msg/s "
        f"({result['rate_share']:.1%} of the ceiling); killed after {result['killed_after']} messages, "
        f"{result['resent_after_kill']} in flight sent again; duplicates {result['duplicates']}, "
        f"skipped {result['skipped']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument(
        "--ceiling",
        type=float,
        default=Config.from_env().rate_limit_per_s,
        help="messages per second (default RATE_LIMIT_PER_S or 25)",
    )
    parser.add_argument("--no-kill", action="store_true", help="no SIGKILL half-way")
    parser.add_argument("--database-url", help="also measure on this PostgreSQL server (postgresql://…)")
    parser.add_argument("--processes", type=int, default=3, help="bot processes on PostgreSQL (default 3)")
    parser.add_argument(
        "--backup-load",
        action="store_true",
        help="SQLite again with admin backup running until the kill, beside the idle run",
    )
    args = parser.parse_args()
    if args.database_url and not is_postgres_url(args.database_url):
        parser.error("--database-url must be a postgresql:// URL")
    started = time.monotonic()
    results = {"sqlite": asyncio.run(run_benchmark(args.recipients, args.ceiling, kill=not args.no_kill))}
    print(_line(results["sqlite"]))
    if args.backup_load:
        results["sqlite_backup"] = asyncio.run(
            run_benchmark(args.recipients, args.ceiling, kill=not args.no_kill, backup_load=True)
        )
        print(_line(results["sqlite_backup"]))
    if args.database_url:
        results["postgres"] = asyncio.run(
            run_postgres(
                args.database_url, args.recipients, args.ceiling, not args.no_kill, max(1, args.processes)
            )
        )
        print(_line(results["postgres"]))
    print(f"total {time.monotonic() - started:.0f} s")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
