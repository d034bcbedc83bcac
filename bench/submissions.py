"""Case reports stored per second by 1 and by 3 processes, each process writing its own commune.

    python bench/submissions.py --database-url postgresql://postgres@127.0.0.1:55432/postgres \
        [--reports 150] [--tasks 4] [--sqlite]

Each process is a real OS process with its own connection pool; it files reports in its own commune through
`CaseService.submit` (draft → validation → one unit of work under the commune's row lock, with the case's
audit row), `--tasks` mediators at a time. The same load runs twice against PostgreSQL in the same run:
- baseline: the old single advisory lock around every write transaction (`GlobalLockDatabase` below, a
  PostgresDatabase that takes it; the bot itself has no such lock any more);
- row locks: the default (no global lock; a report locks its commune's row only).
`--sqlite` adds the same load on one SQLite file (one writer at a time whatever the locks; for comparison).
The database URL defaults to TEST_DATABASE_URL; the benchmark uses its own schema, `bench_submissions`,
recreated at each run. Prints readable lines, then one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.cases import CaseService, SubmitOutcome  # noqa: E402
from services.models import PersonDraft, Role  # noqa: E402
from storage.cases import CaseRepository  # noqa: E402
from storage.db import Database, is_postgres_url  # noqa: E402
from storage.org import OrgRepository  # noqa: E402
from storage.people import PeopleRepository  # noqa: E402
from tests.dbtarget import with_search_path  # noqa: E402

SCHEMA = "bench_submissions"
COMMUNES = ("BA", "BB", "BC")
#: pg_advisory_xact_lock key of the old global write lock ("mediator" in ASCII; storage.postgres's
#: MIGRATE_LOCK_KEY is this plus one).
WRITE_LOCK_KEY = 0x6D65646961746F72


def global_lock_database(url: str) -> Database:
    """The baseline: a PostgresDatabase whose every `transaction()` first takes one advisory lock shared by
    all processes, as the bot did before the unit of work and row locks. (The bot exempted only the outbox
    worker's claims, which this benchmark does not run.)"""
    from storage.postgres import PgConnection, PostgresDatabase

    class GlobalLockDatabase(PostgresDatabase):
        @asynccontextmanager
        async def transaction(self) -> AsyncIterator[PgConnection]:
            async with super().transaction() as conn:
                await conn.raw.execute("SELECT pg_advisory_xact_lock($1)", WRITE_LOCK_KEY)
                yield conn

    return GlobalLockDatabase(url)


async def prepare(target: str, tasks: int) -> None:
    """A fresh database: one province, three communes, each with a team of `tasks` mediators."""
    if is_postgres_url(target):
        import asyncpg

        conn = await asyncpg.connect(target.split("?", 1)[0])
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
            await conn.execute(f'CREATE SCHEMA "{SCHEMA}"')
        finally:
            await conn.close()
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(target + suffix).unlink(missing_ok=True)  # noqa: ASYNC240 (set-up, before any timing)
    async with Database(target) as db:
        org, people = OrgRepository(db), PeopleRepository(db)
        province = await org.upsert_province("BP", "Tỉnh Thử")
        for code in COMMUNES:
            commune = await org.upsert_commune(province.id, code, f"Xã {code}")
            team = await org.upsert_team(commune.id, f"{code}-01", f"Tổ {code}")
            for n in range(tasks):
                await people.create(
                    PersonDraft(f"Hòa giải viên {code} {n}", Role.MEDIATOR, province.id, commune.id, team.id)
                )


def add_round_trip(rtt_ms: float) -> None:
    """Simulate a database on another host: every statement waits `rtt_ms` more (PostgreSQL only)."""
    from storage.postgres import PgConnection, PostgresDatabase

    def slower(method):
        async def wrapped(*args, **kwargs):
            await asyncio.sleep(rtt_ms / 1000)
            return await method(*args, **kwargs)

        return wrapped

    PgConnection._run = slower(PgConnection._run)  # type: ignore[method-assign]
    for name in ("fetchone", "fetchall", "execute"):
        setattr(PostgresDatabase, name, slower(getattr(PostgresDatabase, name)))


async def file_reports(target: str, commune_code: str, reports: int, tasks: int, global_lock: bool) -> int:
    """File `reports` reports in one commune, `tasks` mediators at a time; returns how many were stored."""
    db = global_lock_database(target) if global_lock and is_postgres_url(target) else Database(target)
    await db.open(migrate=False)
    try:
        org, people = OrgRepository(db), PeopleRepository(db)
        service = CaseService(CaseRepository(db), org, people)
        commune = await org.commune_by_code(commune_code)
        assert commune is not None
        mediators = await people.in_commune(commune.id, (Role.MEDIATOR,))
        stored = 0

        async def one(person) -> None:
            nonlocal stored
            view = await service.begin(person)
            draft = view.draft
            draft.values.update(
                received_on=service.today().isoformat(), field="dat_dai", basis="yeu_cau", result="thanh"
            )
            await service.repo.save_draft(draft)
            outcome = await service.submit(person, "new", draft.submission_key)
            if isinstance(outcome, SubmitOutcome) and outcome.created:
                stored += 1

        async def mediator(person, count: int) -> None:
            for _ in range(count):
                await one(person)

        shares = [reports // tasks + (1 if i < reports % tasks else 0) for i in range(tasks)]
        await asyncio.gather(*(mediator(p, n) for p, n in zip(mediators, shares, strict=False)))
        return stored
    finally:
        await db.close()


def _worker(target, commune_code, reports, tasks, global_lock, rtt_ms, ready, start, results) -> None:
    if rtt_ms and is_postgres_url(target):
        add_round_trip(rtt_ms)
    asyncio.run(file_reports(target, commune_code, 3, 1, global_lock))  # warm up: imports, connections
    ready.wait()
    start.wait()
    began = time.time()
    stored = asyncio.run(file_reports(target, commune_code, reports, tasks, global_lock))
    results.put((commune_code, stored, began, time.time()))


def measure(target: str, processes: int, reports: int, tasks: int, global_lock: bool, rtt_ms: float) -> dict:
    """Reports per second of `processes` OS processes, each filing `reports` reports in its own commune."""
    ctx = mp.get_context("spawn")
    ready, start = ctx.Barrier(processes + 1), ctx.Barrier(processes + 1)
    results = ctx.Queue()
    workers = [
        ctx.Process(
            target=_worker,
            args=(target, COMMUNES[i], reports, tasks, global_lock, rtt_ms, ready, start, results),
        )
        for i in range(processes)
    ]
    for w in workers:
        w.start()
    ready.wait()
    start.wait()
    rows = [results.get() for _ in workers]
    for w in workers:
        w.join()
        if w.exitcode != 0:
            raise SystemExit(f"a worker failed (exit code {w.exitcode})")
    stored = sum(r[1] for r in rows)
    if stored != processes * reports:
        raise SystemExit(f"{stored} reports stored of {processes * reports}")
    elapsed = max(r[3] for r in rows) - min(r[2] for r in rows)
    return {
        "processes": processes,
        "reports": stored,
        "seconds": round(elapsed, 3),
        "per_s": round(stored / elapsed, 1),
    }


async def check_numbers(target: str) -> int:
    """Every commune's numbers are 1..n without a gap or a repeat; returns how many cases were checked."""
    async with Database(target) as db:
        rows = await db.fetchall("SELECT commune_id, number FROM cases ORDER BY commune_id, number")
    by_commune: dict[int, list[int]] = {}
    for r in rows:
        by_commune.setdefault(r["commune_id"], []).append(int(r["number"].rsplit("-", 1)[1]))
    for commune_id, numbers in by_commune.items():
        if sorted(numbers) != list(range(1, len(numbers) + 1)):
            raise SystemExit(f"commune {commune_id}: case numbers are not 1..{len(numbers)}")
    return len(rows)


def run(
    target: str, label: str, modes: list[tuple[str, bool]], reports: int, tasks: int, rtt_ms: float = 0
) -> list[dict]:
    out = []
    for mode, global_lock in modes:
        for processes in (1, 3):
            asyncio.run(prepare(target, tasks))
            figure = measure(target, processes, reports, tasks, global_lock, rtt_ms)
            checked = asyncio.run(check_numbers(target))
            figure.update(database=label, mode=mode, rtt_ms=rtt_ms, cases_checked=checked)
            plural = "es" if processes > 1 else "  "
            print(
                f"{label:10} rtt {rtt_ms:g} ms  {mode:10} {processes} process{plural}:"
                f" {figure['per_s']:7.1f} reports/s ({figure['reports']} in {figure['seconds']} s)",
                flush=True,
            )
            out.append(figure)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--reports", type=int, default=150, help="reports per process (default 150)")
    parser.add_argument(
        "--tasks", type=int, default=4, help="mediators filing at once per process (default 4)"
    )
    parser.add_argument("--sqlite", action="store_true", help="also run the load on a SQLite file")
    parser.add_argument(
        "--rtt-ms",
        type=float,
        nargs="*",
        default=[0.0, 1.0],
        help="PostgreSQL runs with each simulated round trip per statement, in ms (default: 0 1)",
    )
    args = parser.parse_args()
    if not args.database_url and not args.sqlite:
        parser.error("give --database-url (or set TEST_DATABASE_URL), or --sqlite")
    figures: list[dict] = []
    if args.database_url:
        target = with_search_path(args.database_url, SCHEMA)
        modes = [("baseline", True), ("row locks", False)]
        for rtt in args.rtt_ms:
            figures += run(target, "postgresql", modes, args.reports, args.tasks, rtt)
    if args.sqlite:
        path = str(Path(tempfile.mkdtemp()) / "bench.db")
        figures += run(path, "sqlite", [("sqlite", False)], args.reports, args.tasks)
    summary: dict = {"reports_per_process": args.reports, "tasks": args.tasks, "figures": figures}
    pg = {
        (f["rtt_ms"], f["mode"], f["processes"]): f["per_s"] for f in figures if f["database"] == "postgresql"
    }
    for rtt in args.rtt_ms if args.database_url else ():
        summary[f"rtt_{rtt:g}ms"] = {
            "speedup_3_vs_1": {
                m: round(pg[(rtt, m, 3)] / pg[(rtt, m, 1)], 2) for m in ("baseline", "row locks")
            },
            "row_locks_vs_baseline_at_3": round(pg[(rtt, "row locks", 3)] / pg[(rtt, "baseline", 3)], 2),
        }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
