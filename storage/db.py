"""The database handle: connection, pragmas, versioned migrations, transactions.

`Database(target)` opens SQLite (a file path, `sqlite:///relative/path`, `sqlite:////absolute/path`) or
PostgreSQL (`postgresql://…`, see storage/postgres.py). Both expose the same API, and the connection a
transaction yields takes the same SQL text (`?` placeholders, `conn.execute(...)` as an async context manager
returning a cursor with fetchone/fetchall/lastrowid/rowcount), so repositories keep one SQL text for both
backends. A use case that writes runs in a unit of work (storage/uow.py).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from storage import file_lock

log = logging.getLogger(__name__)

MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
#: Migration sets by dialect (resource packages).
MIGRATION_PACKAGES = {"sqlite": "storage.migrations", "postgres": "storage.migrations.postgres"}


class StorageError(RuntimeError):
    """A storage failure worth telling the user about (disk full, database locked...)."""


class IntegrityError(Exception):
    """A constraint violation on PostgreSQL (SQLite raises sqlite3.IntegrityError); catch INTEGRITY_ERRORS."""


#: The database whose unit of work (storage/uow.py) the current task is inside, if any.
IN_UNIT_OF_WORK: ContextVar[Database | None] = ContextVar("in_unit_of_work", default=None)

#: Constraint violations of either backend (unique, foreign key, check).
INTEGRITY_ERRORS: tuple[type[BaseException], ...] = (aiosqlite.IntegrityError, IntegrityError)


def is_postgres_url(target: str | Path) -> bool:
    return isinstance(target, str) and target.split(":", 1)[0].lower() in ("postgresql", "postgres")


def sqlite_path(target: str | Path) -> str:
    """The file of a SQLite target: a plain path, or sqlite:///relative/path, sqlite:////absolute/path."""
    text = str(target)
    if text.startswith("sqlite:"):
        rest = text[len("sqlite:") :]
        if not rest.startswith("///"):
            raise ValueError(f"SQLite URL must look like sqlite:///path (got {text!r})")
        return rest[3:] or ":memory:"
    return text


def describe_target(target: str | Path) -> str:
    """A printable form of a database target, without the password of a PostgreSQL URL."""
    text = str(target)
    if is_postgres_url(text):
        return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", text)
    return text


def utcnow() -> str:
    """Timestamps are stored as ISO-8601 UTC strings (sortable, readable)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every bundled SQLite migration, in order."""
    return migrations_for("sqlite")


def migrations_for(dialect: str) -> list[tuple[int, str, str]]:
    """(version, name, sql) of every bundled migration of `dialect` ("sqlite" or "postgres"), in order."""
    found = []
    for item in resources.files(MIGRATION_PACKAGES[dialect]).iterdir():
        m = MIGRATION_NAME.match(item.name)
        if m:
            found.append((int(m.group(1)), item.name, item.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(versions) != len(set(versions)):
        raise RuntimeError(f"duplicate migration versions: {versions}")
    return found


class Database:
    """The database of the application: `Database(target)` is a SqliteDatabase or a PostgresDatabase.

    Common API: open(migrate=True), close(), is_open, migrate(target=None), schema_version(),
    applied_versions(), transaction() (yields a connection taking `?` SQL), fetchone, fetchall, execute
    (returns lastrowid), and `dialect` ("sqlite" or "postgres") for the few statements that must differ
    (kept inside storage/).
    """

    dialect = "sqlite"

    def __new__(cls, target: str | Path = "", *args: Any, **kwargs: Any) -> Database:
        if cls is Database:
            if is_postgres_url(target):
                from storage.postgres import PostgresDatabase

                cls = PostgresDatabase
            else:
                cls = SqliteDatabase
        return super().__new__(cls)

    @property
    def is_open(self) -> bool:
        raise NotImplementedError

    # The interface both backends implement (declared here so that callers typed `Database` are checked).
    async def open(self, migrate: bool = True) -> Database:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    async def migrate(self, target: int | None = None) -> list[int]:
        raise NotImplementedError

    async def schema_version(self) -> int:
        raise NotImplementedError

    async def applied_versions(self) -> set[int]:
        raise NotImplementedError

    def transaction(self) -> AbstractAsyncContextManager[Any]:
        """BEGIN … COMMIT around the block; yields a connection taking `?` SQL (see the module docstring)."""
        raise NotImplementedError

    def job_lock(self, name: str) -> AbstractAsyncContextManager[bool]:
        raise NotImplementedError

    def chat_lock(self, key: str) -> AbstractAsyncContextManager[None]:
        raise NotImplementedError

    async def process_token(self) -> int:
        raise NotImplementedError

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> Any:
        raise NotImplementedError

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        raise NotImplementedError

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        raise NotImplementedError

    async def __aenter__(self) -> Database:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


class SqliteDatabase(Database):
    """One aiosqlite connection per process, with a lock so that transactions never interleave."""

    dialect = "sqlite"

    def __init__(self, path: str | Path, busy_timeout_ms: int = 5000):
        self.path = sqlite_path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._in_use: int | None = None  # the shared lock `admin restore` checks (storage/file_lock.py)

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    async def open(self, migrate: bool = True) -> SqliteDatabase:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            if self._in_use is None:
                self._in_use = await asyncio.to_thread(file_lock.hold_shared, self.path)
        self._conn = await aiosqlite.connect(self.path, isolation_level=None)
        self._conn.row_factory = aiosqlite.Row
        await self._conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
        await self._conn.execute("PRAGMA journal_mode = WAL")
        await self._conn.execute("PRAGMA foreign_keys = ON")
        await self._conn.execute("PRAGMA synchronous = NORMAL")
        if migrate:
            await self.migrate()
        return self

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None
        if self._in_use is not None:
            file_lock.release(self._in_use)
            self._in_use = None

    async def __aenter__(self) -> SqliteDatabase:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def schema_version(self) -> int:
        await self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        async with self.conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row is not None else 0

    async def applied_versions(self) -> set[int]:
        await self.schema_version()
        async with self.conn.execute("SELECT version FROM schema_migrations") as cur:
            return {int(r[0]) for r in await cur.fetchall()}

    async def migrate(self, target: int | None = None) -> list[int]:
        """Apply every bundled migration not applied yet, in order, each in its own transaction.

        Safe to call again; a migration merged later with a lower number than one already applied is applied
        too.
        """
        applied = []
        async with self._lock:
            done = await self.applied_versions()
            for version, name, sql in migrations():
                if version in done or (target is not None and version > target):
                    continue
                log.info("applying migration %s", name)
                await self.conn.execute("BEGIN IMMEDIATE")
                try:
                    for statement in split_sql(sql):
                        await self.conn.execute(statement)
                    if "writable_schema" in sql:  # an edited schema text: make this connection re-read it
                        async with self.conn.execute("PRAGMA schema_version") as cur:
                            row = await cur.fetchone()
                        cookie = int(row[0]) if row is not None else 0
                        await self.conn.execute(f"PRAGMA schema_version = {cookie + 1}")
                    await self.conn.execute(
                        "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                        (version, name, utcnow()),
                    )
                    await self.conn.execute("COMMIT")
                except BaseException:
                    await self._rollback()
                    raise
                applied.append(version)
        return applied

    def _not_in_unit_of_work(self) -> None:
        """A standalone statement inside this task's own unit of work would wait for ever for the connection
        that unit of work holds: say so instead (inside a unit of work, use its repositories)."""
        if IN_UNIT_OF_WORK.get() is self:
            raise RuntimeError("standalone database call inside a unit of work: use the unit of work's")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT; rolled back on any exception, so no half-written record."""
        self._not_in_unit_of_work()
        async with self._lock:
            try:
                await self.conn.execute("BEGIN IMMEDIATE")
            except aiosqlite.OperationalError as exc:
                raise StorageError(str(exc)) from exc
            try:
                yield self.conn
                await self.conn.execute("COMMIT")
            except BaseException as exc:
                await self._rollback()
                if isinstance(exc, aiosqlite.OperationalError | aiosqlite.DatabaseError) and not isinstance(
                    exc, aiosqlite.IntegrityError
                ):
                    raise StorageError(str(exc)) from exc
                raise

    async def _rollback(self) -> None:
        """Roll back, unless SQLite already did (it does by itself on a full disk or an I/O error): the
        original error is the one to report, not "cannot rollback - no transaction is active"."""
        if not self.conn.in_transaction:
            return
        try:
            await self.conn.execute("ROLLBACK")
        except aiosqlite.Error:
            log.warning("rollback failed after an error", exc_info=True)

    @asynccontextmanager
    async def job_lock(self, name: str) -> AsyncIterator[bool]:
        """Whether this process runs the scheduled job `name` now: always, SQLite serves one process."""
        yield True

    async def process_token(self) -> int:
        """The token of this process's claims: 0, SQLite serves one process (see PostgresDatabase)."""
        return 0

    @asynccontextmanager
    async def chat_lock(self, key: str) -> AsyncIterator[None]:
        """Handle one chat's update in one process at a time: nothing to do, SQLite serves one process."""
        yield

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        self._not_in_unit_of_work()
        async with self._lock, self.conn.execute(sql, tuple(params)) as cur:
            return await cur.fetchone()

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        self._not_in_unit_of_work()
        async with self._lock, self.conn.execute(sql, tuple(params)) as cur:
            return list(await cur.fetchall())

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One statement in its own transaction; returns lastrowid."""
        async with self.transaction() as conn, conn.execute(sql, tuple(params)) as cur:  # one statement
            return cur.lastrowid or 0


def split_sql(script: str) -> list[str]:
    """Split a migration into statements (migrations contain no semicolons inside literals)."""
    body = "\n".join(line for line in script.splitlines() if not line.strip().startswith("--"))
    return [s.strip() for s in body.split(";") if s.strip()]
