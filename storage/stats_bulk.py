"""Bulk loading and naive reads for the statistics benchmark (bench/stats.py).

Synchronous sqlite3 on purpose: loading a million cases goes through executemany in big transactions.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from storage.db import Database, migrations, split_sql

#: Tables and columns the benchmark may fill (names never come from outside this module).
BULK_COLUMNS: dict[str, tuple[str, ...]] = {
    "provinces": ("id", "code", "name"),
    "communes": ("id", "province_id", "code", "name", "kind", "is_pilot", "many_ethnic_minority"),
    "teams": ("id", "commune_id", "code", "name"),
    "persons": ("full_name", "role", "province_id", "commune_id", "team_id", "gender", "ethnic_minority",
                "recognised_on", "trained_on", "legal_supporter", "created_at", "updated_at"),
    "cases": ("number", "province_id", "commune_id", "team_id", "received_on", "field", "basis", "parties_count",
              "result", "closed_on", "created_at", "updated_at"),
}


def connect_for_loading(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -200000")
    return conn


def create_schema(conn: sqlite3.Connection) -> None:
    """Apply every bundled migration (as Database.migrate does) on a plain sqlite3 connection."""
    conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                 " applied_at TEXT NOT NULL)")
    for version, name, sql in migrations():
        conn.execute("BEGIN")
        for statement in split_sql(sql):
            conn.execute(statement)
        conn.execute("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, datetime('now'))",
                     (version, name))
        conn.execute("COMMIT")


def drop_indexes(conn: sqlite3.Connection, table: str) -> list[str]:
    """Drop the explicit indexes of `table` (faster loading); returns their CREATE statements."""
    if table not in BULK_COLUMNS:
        raise ValueError(table)
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
                        " AND sql IS NOT NULL", (table,)).fetchall()
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


def bulk_insert(conn: sqlite3.Connection, table: str, rows: Iterable[Sequence[Any]], batch: int = 200_000) -> int:
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


def count_rows(conn: sqlite3.Connection, table: str) -> int:
    if table not in BULK_COLUMNS:
        raise ValueError(table)
    return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def largest_province(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT province_id FROM cases GROUP BY province_id ORDER BY COUNT(*) DESC LIMIT 1"
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
        f"SELECT p.* FROM persons p JOIN teams t ON t.id = p.team_id WHERE {_SCOPE_PEOPLE[level]}", (scope_id,))
