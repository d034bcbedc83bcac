"""Benchmark of the statistics reports on a country-sized logbook, on SQLite and (optionally) PostgreSQL.

    python bench/stats.py [--rows 1000000] [--scale-rows 10000000] [--runs 15] [--fresh]
                          [--without-stats-indexes]
                          [--database-url postgresql://user@host:5432/db [--pg-schema bench_stats]]

Seeds (once, cached under bench/out/) 34 provinces, ≈3,300 communes, ≈90,000 teams, ≈5 mediators per team and
`--rows` cases over ten years, spread unevenly like the country (some provinces, communes and teams far busier
than others). Then times, through the bot's own async service, a commune report and a province roll-up
(medians), and beside them the same reports computed naively (every row of the scope into Python), checking
that both give the same numbers.

With `--database-url`, the same run then measures PostgreSQL the same way (same communes, same province): the
seeded rows are copied into the schema `--pg-schema` of that database (its search_path; created, migrated with
the bot's own PostgreSQL migrations, filled with COPY, vacuumed and analysed; nothing outside that schema is
touched, and a schema holding other tables is refused). The loaded schema is kept: the next run reuses it
while its marker table names the same seed file (`--fresh` reloads it). The reports of both backends must be
identical too. Needs asyncpg (`pip install -e ".[postgres]"`).

Also timed: the national roll-up by province (`national_ms`; beside it the same figures as 34 province
reports, `national_per_province_ms`, computed once and checked equal), and submitted snapshots (a few communes
submitted with the label "bench", read back as frozen JSON: `snapshot_ms`; `submit_ms` for the submission
itself; the bench rows are deleted again so the cached dataset does not grow).

`--scale-rows N` (e.g. 10,000,000) measures SQLite a second time on a dataset of N cases (same organisation,
seeded and cached the same way) and adds `scale` (its figures) and `growth` (each figure at N divided by the
figure at `--rows`) to the JSON: the goal is sub-linear growth of commune and province reads.

Output: per backend three human lines (commune median and maximum, province year and ten years, naive beside,
national and snapshot), then, last, one JSON line:
    {"rows", "seed_s", "stats_indexes",
     "sqlite": {"rows", "commune_ms", "commune_max_ms", "province_ms", "province_10y_ms", "commune_cpu_ms",
                "province_cpu_ms", "naive_commune_ms", "naive_province_ms", "province_cases_in_year",
                "province_cases_10y", "province_communes", "province_teams", "communes", "teams", "persons"},
     "postgres": {the same keys, "load_s" (0 when reused), "schema"},   # only with --database-url
     "targets_ms": {"commune": 20, "province": 300, "national": 1000, "snapshot": 5},
     "met": {"sqlite": bool, "postgres": bool},
     "scale": {the sqlite keys at --scale-rows}, "growth": {key: ratio}}   # only with --scale-rows
(the backend parts also carry "national_ms", "national_cpu_ms", "national_per_province_ms", "national_cases",
"snapshot_ms", "snapshot_max_ms", "submit_ms").
Times are wall-clock milliseconds, `*_cpu_ms` the benchmark process's own CPU (on PostgreSQL the server's work
is not in it). Targets at 1,000,000 cases, on both backends: commune report ≤ 20 ms, province roll-up
≤ 300 ms, national roll-up ≤ 1 s, a submitted snapshot read ≤ 5 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import sqlite3
import statistics
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402  (matplotlib's dependency)

from bench import stats_bulk  # noqa: E402
from services.national import NationalService  # noqa: E402
from services.statistics import (  # noqa: E402
    FIELDS,
    MEDIATOR_ROLES,
    Period,
    StatisticsService,
    TeamMembers,
    build_report,
    recognition_window,
)
from services.submissions import SubmissionService  # noqa: E402
from storage.db import Database, is_postgres_url, migrations  # noqa: E402
from storage.org import OrgRepository  # noqa: E402
from storage.stats import StatsRepository  # noqa: E402
from storage.submissions import SubmissionRepository  # noqa: E402
from tests.dbtarget import with_search_path  # noqa: E402

PROVINCES = 34
COMMUNES = 3321
TEAMS = 90_000
FIRST_DAY = date(2016, 1, 1)
LAST_DAY = date(2025, 12, 31)
GENERATOR_VERSION = "3"
RESULTS = ("thanh", "khong_thanh", "dang_hoa_giai", "chuyen_co_quan", "rut_yeu_cau")
RESULT_P = (0.80, 0.11, 0.04, 0.03, 0.02)
FIELD_CODES = tuple(FIELDS)
FIELD_P = (0.38, 0.22, 0.17, 0.13, 0.04, 0.06)
NOW = "2026-01-01T00:00:00+00:00"
TARGETS_MS = {"commune": 20, "province": 300, "national": 1000, "snapshot": 5}


def _iso_days(start: date, offsets: np.ndarray) -> list[str]:
    base = np.datetime64(start.isoformat())
    return np.datetime_as_string(base + offsets.astype("timedelta64[D]"), unit="D").tolist()


def seed(path: Path, rows: int, rng: np.random.Generator) -> None:
    conn = stats_bulk.connect_for_loading(str(path))
    stats_bulk.create_schema(conn)
    # provinces and communes: uneven sizes (a few very large provinces, many small ones)
    province_weights = rng.lognormal(0, 0.5, PROVINCES)
    communes_per_province = np.maximum(
        20, np.round(province_weights / province_weights.sum() * COMMUNES)
    ).astype(int)
    stats_bulk.bulk_insert(
        conn, "provinces", ((p + 1, f"T{p + 1:02d}", f"Tỉnh {p + 1}") for p in range(PROVINCES))
    )
    commune_province = np.repeat(np.arange(1, PROVINCES + 1), communes_per_province)
    n_communes = len(commune_province)
    many_em = rng.random(n_communes) < 0.3
    stats_bulk.bulk_insert(
        conn,
        "communes",
        (
            (
                c + 1,
                int(commune_province[c]),
                f"X{c + 1:04d}",
                f"Xã {c + 1}",
                "xa",
                int(rng.random() < 0.05),
                int(many_em[c]),
            )
            for c in range(n_communes)
        ),
    )
    # teams: ≈27 per commune, between 4 and 120
    team_weights = rng.lognormal(0, 0.6, n_communes)
    teams_per_commune = np.clip(np.round(team_weights / team_weights.sum() * TEAMS), 4, 120).astype(int)
    team_commune = np.repeat(np.arange(1, n_communes + 1), teams_per_commune)
    n_teams = len(team_commune)
    stats_bulk.bulk_insert(
        conn,
        "teams",
        (
            (t + 1, int(team_commune[t]), f"X{team_commune[t]:04d}-{t + 1:06d}", f"Tổ hòa giải {t + 1}")
            for t in range(n_teams)
        ),
    )

    # people: 3–7 mediators per team, the first one the leader
    def people():
        sizes = rng.integers(2, 8, n_teams)
        for t in range(n_teams):
            commune = int(team_commune[t])
            province = int(commune_province[commune - 1])
            em = bool(many_em[commune - 1])
            supporter_team = rng.random() < 0.12
            for k in range(int(sizes[t])):
                recognised = _iso_days(date(2015, 1, 1), rng.integers(0, 4000, 1))[0]
                trained = None
                if rng.random() < 0.7:
                    trained = _iso_days(date.fromisoformat(recognised), rng.integers(0, 300, 1))[0]
                yield (
                    f"Hòa giải viên {t + 1}-{k + 1}",
                    "team_leader" if k == 0 else "mediator",
                    province,
                    commune,
                    t + 1,
                    "nu" if rng.random() < 0.35 else "nam",
                    int(em and rng.random() < 0.6),
                    recognised,
                    trained,
                    "cong_an" if supporter_team and k == 1 else None,
                    NOW,
                    NOW,
                )

    stats_bulk.bulk_insert(conn, "persons", people())
    stats_bulk.fill_history(conn)

    # cases: commune activity ∝ teams × a lognormal factor; a team's share within its commune is uneven too
    index_sql = stats_bulk.drop_indexes(conn, "cases")
    activity = teams_per_commune * rng.lognormal(0, 0.8, n_communes)
    team_activity = rng.lognormal(0, 1.0, n_teams) * activity[team_commune - 1]
    team_p = team_activity / team_activity.sum()
    span = (LAST_DAY - FIRST_DAY).days + 1
    done = 0
    batch = 200_000
    while done < rows:
        n = min(batch, rows - done)
        teams = rng.choice(n_teams, size=n, p=team_p) + 1
        # more cases in recent years (the bot's logbook fills up over time)
        days = np.minimum(span - 1, (span * np.sqrt(rng.random(n))).astype(int))
        received = _iso_days(FIRST_DAY, days)
        fields = rng.choice(len(FIELD_CODES), size=n, p=FIELD_P)
        results = rng.choice(len(RESULTS), size=n, p=RESULT_P)
        chunk = []
        for i in range(n):
            t = int(teams[i])
            commune = int(team_commune[t - 1])
            result = RESULTS[results[i]]
            chunk.append(
                (
                    f"{done + i + 1:08d}",
                    int(commune_province[commune - 1]),
                    commune,
                    t,
                    received[i],
                    FIELD_CODES[fields[i]],
                    "yeu_cau",
                    2,
                    result,
                    None if result == "dang_hoa_giai" else received[i],
                    NOW,
                    NOW,
                )
            )
        stats_bulk.bulk_insert(conn, "cases", chunk, batch=batch)
        done += n
    stats_bulk.create_indexes(conn, index_sql)
    conn.close()


def cache_path(rows: int) -> Path:
    digest = hashlib.sha256(GENERATOR_VERSION.encode())
    for _, name, sql in migrations():
        digest.update(name.encode() + sql.encode())
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    return out / f"stats-{rows}-{digest.hexdigest()[:12]}.db"


# --- naive: every row of the scope into Python --------------------------------------------------------------
async def naive_report(db: Database, service: StatisticsService, level: str, scope_id: int, period: Period):
    start, end = period.iso
    cases = await stats_bulk.all_cases(db, level, scope_id)
    by_field: Counter = Counter()
    by_team: Counter = Counter()
    for c in cases:
        if start <= c["received_on"] <= end:
            by_field[(c["field"], c["result"])] += 1
            by_team[(c["commune_id"], c["team_id"], c["result"])] += 1
    people = await stats_bulk.all_mediators(db, level, scope_id)
    members: dict[int, TeamMembers] = {}
    recognition: Counter = Counter()
    since, cutoff = recognition_window(period.end)
    for p in people:
        if not p["active"] or p["role"] not in MEDIATOR_ROLES:
            continue
        if p["recognised_on"] is not None and p["recognised_on"] > end:
            continue
        m = members.setdefault(p["team_id"], TeamMembers(p["team_id"]))
        m.mediators += 1
        m.leaders += p["role"] == "team_leader"
        m.women += p["gender"] == "nu"
        m.men += p["gender"] == "nam"
        m.ethnic_minority += p["ethnic_minority"] == 1
        m.trained += bool(p["trained_on"]) and p["trained_on"] <= end
        m.legal_supporters += bool(p["legal_supporter"])
        if p["recognised_on"] and since.isoformat() <= p["recognised_on"] <= cutoff.isoformat():
            recognition[(p["recognised_on"], p["trained_on"])] += 1
    scope = await service.scope(level, scope_id)
    teams = await service.stats.teams(level, scope_id)
    communes = await service.org.communes_of_province(scope_id) if level == "province" else ()
    return build_report(
        scope,
        period,
        field_results=[(*k, n) for k, n in by_field.items()],
        team_results=[(*k, n) for k, n in by_team.items()],
        teams=teams,
        members=members.values(),
        recognition_groups=[(*k, n) for k, n in recognition.items()],
        communes=communes,
    )


async def timed(make, runs: int) -> tuple[float, object, float]:
    """Median wall-clock ms, the last result, and median process CPU ms (less sensitive to a busy machine)."""
    times, cpu = [], []
    result = None
    for _ in range(runs):
        c0, t0 = time.process_time(), time.perf_counter()
        result = await make()
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return statistics.median(times), result, statistics.median(cpu)


async def measure(
    target: str | Path, province_id: int, communes: list[int], runs: int, rng: np.random.Generator
) -> tuple[dict, dict]:
    """Figures of one backend (`target`: the SQLite file or a PostgreSQL URL), and the JSON of the reports it
    computed (to compare both backends)."""
    db = Database(target)
    await db.open()
    service = StatisticsService(StatsRepository(db), OrgRepository(db))
    year = Period(date(2025, 1, 1), date(2025, 12, 31))
    ten_years = Period(FIRST_DAY, LAST_DAY)
    picked = [int(c) for c in rng.choice(communes, size=runs, replace=False)]

    async def commune_reports(fn):
        times, cpu = [], []
        for commune in picked:
            c0, t0 = time.process_time(), time.perf_counter()
            await fn(commune)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        return statistics.median(times), max(times), statistics.median(cpu)

    async def fast_commune(commune):
        return await service.report(await service.scope("commune", commune), year)

    async def slow_commune(commune):
        return await naive_report(db, service, "commune", commune, year)

    await fast_commune(picked[0])  # warm the page cache once
    commune_ms, commune_max, commune_cpu = await commune_reports(fast_commune)
    naive_commune_ms, _, _ = await commune_reports(slow_commune)
    reports: dict = {}
    for commune in picked[:5]:
        fast, slow = await fast_commune(commune), await slow_commune(commune)
        assert fast.as_json() == slow.as_json(), (
            f"{db.dialect}: naive and SQL reports differ for commune {commune}"
        )
        reports[f"commune {commune}"] = fast.as_json()

    scope = await service.scope("province", province_id)
    province_runs = max(5, runs // 3)
    province_ms, fast, province_cpu = await timed(lambda: service.report(scope, year), province_runs)
    naive_province_ms, slow, _ = await timed(
        lambda: naive_report(db, service, "province", province_id, year), max(3, province_runs // 2)
    )
    assert fast.as_json() == slow.as_json(), f"{db.dialect}: naive and SQL province reports differ"
    reports["province"] = fast.as_json()
    province_10y_ms, big, _ = await timed(lambda: service.report(scope, ten_years), province_runs)
    reports["province ten years"] = big.as_json()

    # the national roll-up, and beside it the same figures from one report per province
    national = NationalService(service.stats, service.org, None)
    national_ms, country, national_cpu = await timed(lambda: national.live(year), max(3, runs // 5))
    t0 = time.perf_counter()
    per_province = {
        p.id: await service.report(await service.scope("province", p.id), year)
        for p in await service.stats.provinces()
    }
    national_per_province_ms = (time.perf_counter() - t0) * 1000
    for line in country.by_province:
        one = per_province[line.province.id]
        assert line.counts.as_json() == one.cases.as_json(), (
            f"{db.dialect}: national line differs ({line.province})"
        )
        assert {k: v.as_json() for k, v in line.indicators.items()} == {
            k: v.as_json() for k, v in one.indicators.items()
        }, f"{db.dialect}: indicators differ ({line.province})"
    in_year = (
        await db.fetchone("SELECT COUNT(*) AS n FROM cases WHERE received_on BETWEEN ? AND ?", year.iso)
    )["n"]
    assert country.cases.received == in_year
    reports["national"] = country.as_json()

    # submitted snapshots: freeze a few communes, read them back, then remove the bench rows
    submissions = SubmissionService(SubmissionRepository(db), service, service.org)
    submit_times, read_times = [], []
    try:
        for commune in picked[:5]:
            commune_scope = await service.scope("commune", commune)
            t0 = time.perf_counter()
            await submissions.submit(None, commune_scope, year, label="bench")
            submit_times.append((time.perf_counter() - t0) * 1000)
            for _ in range(3):
                t0 = time.perf_counter()
                frozen = await submissions.submitted_json(commune_scope, year)
                read_times.append((time.perf_counter() - t0) * 1000)
            live = reports.get(f"commune {commune}")
            if live is not None:
                assert frozen["cases"] == live["cases"], (
                    f"{db.dialect}: snapshot differs from the live report"
                )
    finally:
        await db.execute(
            "DELETE FROM report_submission_cases WHERE submission_id IN"
            " (SELECT id FROM report_submissions WHERE submitted_label = 'bench')"
        )
        await db.execute("DELETE FROM report_submissions WHERE submitted_label = 'bench'")
        await db.execute("DELETE FROM audit_log WHERE actor_label = 'bench'")
    counts = {
        t: (await db.fetchone(f"SELECT COUNT(*) AS n FROM {t}"))["n"]
        for t in ("cases", "communes", "teams", "persons")
    }
    await db.close()
    return {
        "rows": counts["cases"],
        "commune_ms": round(commune_ms, 2),
        "commune_max_ms": round(commune_max, 2),
        "province_ms": round(province_ms, 2),
        "province_10y_ms": round(province_10y_ms, 2),
        "commune_cpu_ms": round(commune_cpu, 2),
        "province_cpu_ms": round(province_cpu, 2),
        "naive_commune_ms": round(naive_commune_ms, 2),
        "naive_province_ms": round(naive_province_ms, 2),
        "province_cases_in_year": fast.cases.received,
        "province_cases_10y": big.cases.received,
        "province_communes": len(fast.by_commune),
        "province_teams": len(fast.by_team),
        "communes": counts["communes"],
        "teams": counts["teams"],
        "persons": counts["persons"],
        "national_ms": round(national_ms, 2),
        "national_cpu_ms": round(national_cpu, 2),
        "national_per_province_ms": round(national_per_province_ms, 2),
        "national_cases": country.cases.received,
        "snapshot_ms": round(statistics.median(read_times), 2),
        "snapshot_max_ms": round(max(read_times), 2),
        "submit_ms": round(statistics.median(submit_times), 2),
    }, reports


# --- PostgreSQL: the same dataset in a dedicated schema -----------------------------------------------------
async def load_postgres(path: Path, url: str, schema: str, fresh: bool, stats_indexes: bool) -> float:
    """Make `schema` hold the dataset of the SQLite seed `path` (skipped when its marker already names that
    file); returns the seconds spent loading (0 when cached)."""
    import asyncpg

    raw = await asyncpg.connect(url)
    try:
        load_s = 0.0
        loaded = await stats_bulk.pg_loaded_dataset(raw, schema)
        if fresh or loaded != path.name:
            t0 = time.perf_counter()
            await stats_bulk.pg_reset_schema(raw, schema)
            db = Database(url)  # the bot's own PostgreSQL migrations
            await db.open()
            await db.close()
            source = sqlite3.connect(path)
            try:
                progress = None
                if sys.stderr.isatty():

                    def progress(table, n):
                        print(f"\r  copying {table}: {n}", end="", file=sys.stderr, flush=True)

                copied = await stats_bulk.pg_copy_from_sqlite(raw, schema, source, progress=progress)
            finally:
                source.close()
            load_s = time.perf_counter() - t0
            await stats_bulk.pg_mark_loaded(raw, schema, path.name, NOW, load_s)
            print(f"\rloaded {copied} into PostgreSQL schema {schema} in {load_s:.1f} s", file=sys.stderr)
        else:
            print(f"using PostgreSQL schema {schema} (already holds {path.name})", file=sys.stderr)
        await stats_bulk.pg_set_stats_indexes(raw, schema, stats_indexes)
        return load_s
    finally:
        await raw.close()


def seeded(rows: int, fresh: bool) -> tuple[Path, float]:
    """The cached dataset of `rows` cases (seeded now when missing or `fresh`) and the seconds spent
    seeding."""
    rng = np.random.default_rng(20250701)
    path = cache_path(rows)
    if fresh or not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        t0 = time.perf_counter()
        seed(tmp, rows, rng)
        os.replace(tmp, path)
        seeded_s = time.perf_counter() - t0
        print(f"seeded {rows} cases into {path} in {seeded_s:.1f} s", file=sys.stderr)
        return path, seeded_s
    print(f"using cached {path}", file=sys.stderr)
    return path, 0.0


def measure_sqlite(path: Path, runs: int, without_stats_indexes: bool) -> tuple[dict, dict, int, list[int]]:
    conn = sqlite3.connect(path)
    province_id = stats_bulk.largest_province(conn)
    communes = stats_bulk.commune_ids(conn)
    conn.close()
    measured = path
    if without_stats_indexes:
        import shutil

        measured = path.with_name(path.stem + "-noindex.db")
        shutil.copyfile(path, measured)
        conn = sqlite3.connect(measured)
        stats_bulk.drop_stats_indexes(conn)
        conn.close()
    try:
        figures, reports = asyncio.run(
            measure(measured, province_id, communes, runs, np.random.default_rng(7))
        )
    finally:
        if without_stats_indexes:
            measured.unlink(missing_ok=True)
    return figures, reports, province_id, communes


def _met(figures: dict) -> bool:
    return (
        figures["commune_ms"] <= TARGETS_MS["commune"]
        and figures["province_ms"] <= TARGETS_MS["province"]
        and figures["national_ms"] <= TARGETS_MS["national"]
        and figures["snapshot_ms"] <= TARGETS_MS["snapshot"]
    )


GROWTH_KEYS = (
    "rows",
    "commune_ms",
    "commune_cpu_ms",
    "province_ms",
    "province_cpu_ms",
    "province_10y_ms",
    "national_ms",
    "national_cpu_ms",
    "snapshot_ms",
    "province_cases_in_year",
    "national_cases",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="number of cases (default 1,000,000)")
    parser.add_argument(
        "--scale-rows",
        type=int,
        help="also measure SQLite at this many cases (e.g. 10000000) and report the growth",
    )
    parser.add_argument(
        "--runs", type=int, default=15, help="communes timed (medians); province runs = runs/3"
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="rebuild the seeded database (and reload PostgreSQL) even if cached",
    )
    parser.add_argument(
        "--without-stats-indexes",
        action="store_true",
        help="measure without the indexes of migration 0006 (to see what they bring)",
    )
    parser.add_argument(
        "--database-url",
        help="also measure PostgreSQL (postgresql://…): the same dataset is "
        "copied into a dedicated schema of that database and kept there for the next runs",
    )
    parser.add_argument(
        "--pg-schema",
        default="bench_stats",
        help="schema of --database-url the benchmark owns (default bench_stats)",
    )
    args = parser.parse_args()
    if args.database_url and not is_postgres_url(args.database_url):
        parser.error("--database-url must be a postgresql:// URL (SQLite is always measured)")
    path, seeded_s = seeded(args.rows, args.fresh)
    sqlite_figures, sqlite_reports, province_id, communes = measure_sqlite(
        path, args.runs, args.without_stats_indexes
    )
    result: dict = {
        "rows": sqlite_figures["rows"],
        "seed_s": round(seeded_s, 1),
        "stats_indexes": not args.without_stats_indexes,
        "sqlite": sqlite_figures,
    }
    if args.database_url:
        url = with_search_path(args.database_url, args.pg_schema)
        load_s = asyncio.run(
            load_postgres(path, url, args.pg_schema, args.fresh, not args.without_stats_indexes)
        )
        pg_figures, pg_reports = asyncio.run(
            measure(url, province_id, communes, args.runs, np.random.default_rng(7))
        )
        for key, report in sqlite_reports.items():
            assert pg_reports[key] == report, f"SQLite and PostgreSQL give different reports ({key})"
        result["postgres"] = {**pg_figures, "load_s": round(load_s, 1), "schema": args.pg_schema}
    result["targets_ms"] = TARGETS_MS
    result["met"] = {
        backend: _met(result[backend]) for backend in ("sqlite", "postgres") if backend in result
    }
    if args.scale_rows:
        scale_path, scale_seed_s = seeded(args.scale_rows, args.fresh)
        scale, _, _, _ = measure_sqlite(scale_path, args.runs, args.without_stats_indexes)
        result["scale"] = {**scale, "seed_s": round(scale_seed_s, 1)}
        result["growth"] = {
            key: round(scale[key] / sqlite_figures[key], 2) if sqlite_figures[key] else None
            for key in GROWTH_KEYS
        }
    for backend in ("sqlite", "postgres", "scale"):
        if backend not in result:
            continue
        figures = result[backend]
        label = backend if backend != "scale" else f"sqlite@{figures['rows']}"
        print(
            f"{label:<8} commune report  {figures['commune_ms']:>8.2f} ms,"
            f" max {figures['commune_max_ms']:.2f} ms (naive {figures['naive_commune_ms']:.2f} ms)"
        )
        print(
            f"{label:<8} province report {figures['province_ms']:>8.2f} ms"
            f" (naive {figures['naive_province_ms']:.2f} ms), ten years {figures['province_10y_ms']:.2f} ms"
        )
        print(
            f"{label:<8} national report {figures['national_ms']:>8.2f} ms"
            f" (34 province reports {figures['national_per_province_ms']:.0f} ms),"
            f" snapshot read {figures['snapshot_ms']:.2f} ms (max {figures['snapshot_max_ms']:.2f}),"
            f" submit {figures['submit_ms']:.1f} ms"
        )
    if "growth" in result:
        g = result["growth"]
        print(
            f"growth x{g['rows']} cases: commune x{g['commune_ms']}, province x{g['province_ms']},"
            f" national x{g['national_ms']}, snapshot x{g['snapshot_ms']}"
        )
    if "postgres" in result:
        print(f"same reports on both backends ({len(sqlite_reports)} compared)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
