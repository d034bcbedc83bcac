"""Which database the DB-backed tests use: SQLite files (default) or PostgreSQL (TEST_DATABASE_URL).

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:55432/postgres python -m pytest

With TEST_DATABASE_URL set, `database_for(tmp_path, name)` gives a URL whose search_path is a fresh schema
(one per test and database name), created by `prepare()`; every schema of the run is dropped at the end of the
session (tests/conftest.py). Tests marked `sqlite_only` (pragmas, sqlite3 fault injection) keep SQLite.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or None
#: Schemas of this run start with this prefix (so that a run drops only its own).
RUN_PREFIX = f"t{uuid.uuid4().hex[:8]}_"
_created: set[str] = set()


def on_postgres() -> bool:
    return TEST_DATABASE_URL is not None


def with_search_path(url: str, schema: str) -> str:
    """`url` with the connection setting search_path=<schema> (asyncpg passes unknown query keys as
    settings)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "search_path"] + [("search_path", schema)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def schema_of(url: str) -> str | None:
    return dict(parse_qsl(urlsplit(url).query)).get("search_path")


def database_for(tmp_path: Path, name: str = "test.db", backend: str | None = None) -> str:
    """A SQLite file in tmp_path, or (TEST_DATABASE_URL) a PostgreSQL URL with its own schema."""
    if backend == "sqlite" or (backend is None and not on_postgres()):
        return str(tmp_path / name)
    if TEST_DATABASE_URL is None:
        raise RuntimeError("TEST_DATABASE_URL is not set")
    digest = hashlib.sha1(str(tmp_path / name).encode()).hexdigest()[:20]
    return with_search_path(TEST_DATABASE_URL, RUN_PREFIX + digest)


async def prepare(target: str) -> None:
    """Create the schema of a PostgreSQL test URL (no-op for SQLite or when it exists)."""
    schema = schema_of(target) if target.startswith("postgres") else None
    if schema is None or schema in _created:
        return
    import asyncpg

    conn = await asyncpg.connect(TEST_DATABASE_URL)
    try:
        await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    finally:
        await conn.close()
    _created.add(schema)


async def drop_run_schemas() -> int:
    """Drop every schema this run created; returns how many."""
    if not on_postgres():
        return 0
    import asyncpg

    conn = await asyncpg.connect(TEST_DATABASE_URL)
    try:
        rows = await conn.fetch("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1", RUN_PREFIX + "%")
        for row in rows:
            await conn.execute(f'DROP SCHEMA "{row[0]}" CASCADE')
        return len(rows)
    finally:
        await conn.close()
