"""Bulk loading and naive reads for the statistics benchmark (bench/stats.py).

Synchronous sqlite3 on purpose: loading a million cases goes through executemany in big transactions.
PostgreSQL (`pg_*`, on a raw asyncpg connection): the seeded SQLite file is copied with COPY into a schema of
its own, migrated by the bot's PostgreSQL migrations; a marker table names the dataset once it is complete.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from storage.db import Database, migrations, split_sql
from storage.postgres import reset_identity_sql

#: Tables and columns the benchmark may fill (names never come from outside this module).
BULK_COLUMNS: dict[str, tuple[str, ...]] = {
    "provinces": ("id", "code", "name"),
    "communes": ("id", "province_id", "code", "name", "kind", "is_pilot", "many_ethnic_minority"),
    "teams": ("id", "commune_id", "code", "name"),
    "persons": (
        "full_name",
        "role",
        "province_id",
        "commune_id",
        "team_id",
        "gender",
        "ethnic_minority",
        "recognised_on",
        "trained_on",
        "legal_supporter",
        "created_at",
        "updated_at",
    ),
    "person_history": (),
    "team_history": (),
    "cases": (
        "number",
        "province_id",
        "commune_id",
        "team_id",
        "received_on",
        "field",
        "basis",
        "parties_count",
        "result",
        "closed_on",
        "created_at",
        "updated_at",
    ),
}


def connect_for_loading(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -200000")
    return conn


def create_schema(conn: sqlite3.Connection) -> None:
    """Apply every bundled migration (as Database.migrate does) on a plain sqlite3 connection."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL)"
    )
    for version, name, sql in migrations():
        conn.execute("BEGIN")
        for statement in split_sql(sql):
            conn.execute(statement)
        if "writable_schema" in sql:  # as Database.migrate: make this connection re-read the edited schema
            cookie = conn.execute("PRAGMA schema_version").fetchone()[0]
            conn.execute(f"PRAGMA schema_version = {int(cookie) + 1}")
        conn.execute(
            "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, datetime('now'))",
            (version, name),
        )
        conn.execute("COMMIT")


def fill_history(conn: sqlite3.Connection) -> None:
    """Give bulk-loaded people and teams their history rows, with the carry-over statements of migration 0013
    (the reports count people and teams from their history)."""
    [(_, _, sql)] = [m for m in migrations() if m[1] == "0013_org_history.sql"]
    conn.execute("BEGIN")
    for statement in split_sql(sql):
        if statement.startswith("INSERT INTO"):
            conn.execute(statement)
    conn.execute("COMMIT")


def drop_indexes(conn: sqlite3.Connection, table: str) -> list[str]:
    """Drop the explicit indexes of `table` (faster loading); returns their CREATE statements."""
    if table not in BULK_COLUMNS:
        raise ValueError(table)
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
        (table,),
    ).fetchall()
    for name, _ in rows:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in rows]


#: The indexes migration 0006 adds for the reports (dropped by `bench/stats.py --without-stats-indexes`).
STATS_INDEXES = ("cases_stats_commune", "cases_stats_province", "cases_stats_team", "persons_stats")


def drop_stats_indexes(conn: sqlite3.Connection) -> None:
    for name in STATS_INDEXES:
        conn.execute(f'DROP INDEX IF EXISTS "{name}"')


def create_indexes(conn: sqlite3.Connection, statements: Iterable[str]) -> None:
    for sql in statements:
        conn.execute(sql)


def bulk_insert(
    conn: sqlite3.Connection, table: str, rows: Iterable[Sequence[Any]], batch: int = 200_000
) -> int:
    """executemany in transactions of `batch` rows; returns the number of rows inserted."""
    columns = BULK_COLUMNS[table]
    sql = f"INSERT INTO {table}({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    total = 0
    chunk: list[Sequence[Any]] = []

    def flush() -> None:
        conn.execute("BEGIN")
        conn.executemany(sql, chunk)
        conn.execute("COMMIT")

    for row in rows:
        chunk.append(row)
        if len(chunk) >= batch:
            flush()
            total += len(chunk)
            chunk = []
    if chunk:
        flush()
        total += len(chunk)
    return total


def largest_province(conn: sqlite3.Connection) -> int:
    return conn.execute(
        "SELECT province_id FROM cases GROUP BY province_id ORDER BY COUNT(*) DESC LIMIT 1"
    ).fetchone()[0]


def commune_ids(conn: sqlite3.Connection) -> list[int]:
    return [r[0] for r in conn.execute("SELECT id FROM communes ORDER BY id")]


# --- Naive reads: every row of the scope into Python ------------------------------------------------------
_SCOPE_CASES = {"commune": "commune_id = ?", "province": "province_id = ?", "team": "team_id = ?"}
_SCOPE_PEOPLE = {
    "team": "p.team_id = ?",
    "commune": "t.commune_id = ?",
    "province": "t.commune_id IN (SELECT id FROM communes WHERE province_id = ?)",
}


async def all_cases(db: Database, level: str, scope_id: int) -> list[Any]:
    return await db.fetchall(f"SELECT * FROM cases WHERE {_SCOPE_CASES[level]}", (scope_id,))


async def all_mediators(db: Database, level: str, scope_id: int) -> list[Any]:
    return await db.fetchall(
        f"SELECT p.* FROM persons p JOIN teams t ON t.id = p.team_id WHERE {_SCOPE_PEOPLE[level]}",
        (scope_id,),
    )


# --- PostgreSQL: the seeded SQLite file copied into a dedicated schema (bench/stats.py --database-url) ------
#: Tables copied from the SQLite seed, parents first.
LOAD_ORDER = ("provinces", "communes", "teams", "persons", "person_history", "team_history", "cases")
#: Tables whose secondary indexes and foreign keys are dropped during the copy and rebuilt after it (as
#: `drop_indexes` for SQLite).
REINDEXED = ("persons", "cases")
#: Bookkeeping of the benchmark inside its schema (not part of the bot's migrations): the dataset loaded (one
#: row, written once the copy is complete) and the statistics indexes dropped by --without-stats-indexes.
MARKER_TABLE = "bench_dataset"
DROPPED_TABLE = "bench_dropped_indexes"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def pg_loaded_dataset(raw: Any, schema: str) -> str | None:
    """Name of the dataset completely loaded into `schema` (None: nothing, a partial load, or no schema)."""
    if await raw.fetchval("SELECT to_regclass($1)", f"{_quoted(schema)}.{MARKER_TABLE}") is None:
        return None
    return await raw.fetchval(f"SELECT name FROM {_quoted(schema)}.{MARKER_TABLE} LIMIT 1")


async def pg_reset_schema(raw: Any, schema: str) -> None:
    """Make `schema` empty but for the benchmark's (empty) bookkeeping tables. A schema that has the marker
    table is dropped and created again; one without it is used only if it holds no table, view or sequence at
    all (otherwise it is not the benchmark's: refused and left untouched)."""
    if schema in ("public", "pg_catalog", "information_schema"):
        raise RuntimeError(f"schema {schema!r} is not a schema of its own; choose another one")
    objects = {
        r[0]
        for r in await raw.fetch(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = $1",
            schema,
        )
    }
    if MARKER_TABLE in objects:
        await raw.execute(f"DROP SCHEMA {_quoted(schema)} CASCADE")
    elif objects:
        raise RuntimeError(
            f"schema {schema!r} holds tables that are not the benchmark's; choose another schema"
        )
    await raw.execute(f"CREATE SCHEMA IF NOT EXISTS {_quoted(schema)}")
    await raw.execute(
        f"CREATE TABLE {_quoted(schema)}.{MARKER_TABLE} (name TEXT PRIMARY KEY,"
        " loaded_at TEXT NOT NULL, load_s DOUBLE PRECISION NOT NULL)"
    )
    await raw.execute(
        f"CREATE TABLE {_quoted(schema)}.{DROPPED_TABLE} (name TEXT PRIMARY KEY, sql TEXT NOT NULL)"
    )


async def pg_drop_indexes(raw: Any, schema: str, table: str) -> list[str]:
    """Drop the secondary indexes of `table` (not those of primary-key or unique constraints); returns their
    CREATE statements."""
    if table not in BULK_COLUMNS:
        raise ValueError(table)
    rows = await raw.fetch(
        "SELECT ci.relname AS name, pg_get_indexdef(ix.indexrelid) AS sql FROM pg_index ix"
        " JOIN pg_class ci ON ci.oid = ix.indexrelid JOIN pg_class ct ON ct.oid = ix.indrelid"
        " JOIN pg_namespace n ON n.oid = ct.relnamespace WHERE n.nspname = $1 AND ct.relname = $2"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid"
        " AND c.contype IN ('p', 'u', 'x'))",
        schema,
        table,
    )
    for row in rows:
        await raw.execute(f"DROP INDEX {_quoted(schema)}.{_quoted(row['name'])}")
    return [row["sql"] for row in rows]


async def pg_drop_foreign_keys(raw: Any, schema: str, table: str) -> list[str]:
    """Drop the foreign keys of `table` (checked row by row during a COPY: a million cases took 58 s
    instead of 8 s here); returns the ALTER TABLE statements that add them back (validated then in one
    pass)."""
    if table not in BULK_COLUMNS:
        raise ValueError(table)
    rows = await raw.fetch(
        "SELECT c.conname AS name, pg_get_constraintdef(c.oid) AS definition FROM pg_constraint c"
        " JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace"
        " WHERE n.nspname = $1 AND t.relname = $2 AND c.contype = 'f' ORDER BY c.conname",
        schema,
        table,
    )
    qualified = f"{_quoted(schema)}.{table}"
    for row in rows:
        await raw.execute(f"ALTER TABLE {qualified} DROP CONSTRAINT {_quoted(row['name'])}")
    return [
        f"ALTER TABLE {qualified} ADD CONSTRAINT {_quoted(row['name'])} {row['definition']}" for row in rows
    ]


async def pg_copy_from_sqlite(
    raw: Any, schema: str, source: sqlite3.Connection, batch: int = 100_000, progress: Any = None
) -> dict[str, int]:
    """Copy every row of LOAD_ORDER's tables (all their columns, ids included) from the SQLite seed into the
    freshly migrated `schema` with COPY (asyncpg's copy_records_to_table); the secondary indexes and foreign
    keys of REINDEXED are dropped before and rebuilt (and validated) after, then the identity sequences are
    moved past the copied ids and the tables vacuumed and analysed. Returns the rows copied per table."""
    await raw.execute("SET synchronous_commit = off")
    await raw.execute("SET maintenance_work_mem = '256MB'")
    copied: dict[str, int] = {}
    for table in LOAD_ORDER:
        columns = [r[1] for r in source.execute(f'PRAGMA table_info("{table}")')]
        rebuild: list[str] = []
        if table in REINDEXED:
            rebuild = await pg_drop_indexes(raw, schema, table) + await pg_drop_foreign_keys(
                raw, schema, table
            )
        cursor = source.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id")
        total = 0
        while rows := cursor.fetchmany(batch):
            await raw.copy_records_to_table(table, records=rows, columns=columns, schema_name=schema)
            total += len(rows)
            if progress is not None:
                progress(table, total)
        for sql in rebuild:
            await raw.execute(sql)
        copied[table] = total
    for table in LOAD_ORDER:
        await raw.execute(reset_identity_sql(f"{_quoted(schema)}.{table}"))
        # VACUUM sets the visibility map (index-only scans need it; COPY leaves it empty), ANALYZE the
        # statistics
        await raw.execute(f"VACUUM (ANALYZE) {_quoted(schema)}.{table}")
    return copied


async def pg_mark_loaded(raw: Any, schema: str, dataset: str, loaded_at: str, load_s: float) -> None:
    await raw.execute(
        f"INSERT INTO {_quoted(schema)}.{MARKER_TABLE}(name, loaded_at, load_s) VALUES ($1, $2, $3)",
        dataset,
        loaded_at,
        load_s,
    )


async def pg_set_stats_indexes(raw: Any, schema: str, present: bool) -> None:
    """Drop (present=False) the STATS_INDEXES of `schema`, keeping their definitions in DROPPED_TABLE, or
    rebuild (present=True) those dropped earlier."""
    if present:
        for row in await raw.fetch(f"SELECT name, sql FROM {_quoted(schema)}.{DROPPED_TABLE} ORDER BY name"):
            await raw.execute(row["sql"])
            await raw.execute(f"DELETE FROM {_quoted(schema)}.{DROPPED_TABLE} WHERE name = $1", row["name"])
        return
    for name in STATS_INDEXES:
        sql = await raw.fetchval(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = $2", schema, name
        )
        if sql is not None:
            await raw.execute(
                f"INSERT INTO {_quoted(schema)}.{DROPPED_TABLE}(name, sql) VALUES ($1, $2)"
                " ON CONFLICT (name) DO NOTHING",
                name,
                sql,
            )
            await raw.execute(f"DROP INDEX {_quoted(schema)}.{_quoted(name)}")
