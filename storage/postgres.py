"""PostgreSQL backend through asyncpg (optional extra `[postgres]`): same API and SQL text as the SQLite one.

Repositories write SQLite-flavoured SQL with `?` placeholders and use `conn.execute(sql, params)` as an
async context manager returning a cursor (fetchone, fetchall, lastrowid, rowcount). `PgConnection` gives them
exactly that over an asyncpg connection:

- `?` becomes `$1, $2, …` (question marks inside string literals, quoted names and comments are left alone);
- an INSERT into a table with an identity `id` column gets `RETURNING id` appended, which is the cursor's
  `lastrowid` (as SQLite's); `rowcount` comes from the command status (`UPDATE 3`) or the rows returned;
- NUL characters are dropped from string parameters (PostgreSQL text cannot hold them);
- constraint violations raise storage.db.IntegrityError, lost connections raise StorageError.

Transactions: `transaction()` is BEGIN … COMMIT (READ COMMITTED) and takes no lock of its own: transactions
of different processes run side by side. A transaction that reads and then writes protects what it read with
a constraint, a row lock on its aggregate's root row, or a lock on one item (storage/locks.py; the unit of
work, storage/uow.py, takes them for a use case). The old behaviour, one advisory lock around every
write transaction, lives on only as the baseline of bench/submissions.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import secrets
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any, Literal

from storage.db import (
    Database,
    IntegrityError,
    StorageError,
    describe_target,
    migrations_for,
    split_sql,
    utcnow,
)

try:  # optional dependency: pip install 'mediator-bot[postgres]'
    import asyncpg
except ImportError:  # pragma: no cover - exercised only without the extra
    asyncpg = None

log = logging.getLogger(__name__)

#: pg_advisory_lock key taken while migrating, so that processes starting together migrate once ("mediator"
#: in ASCII, plus one: the old global write lock, bench/submissions.py's baseline, has "mediator" itself).
MIGRATE_LOCK_KEY = 0x6D65646961746F73
#: First key of the two-key advisory locks that tell a process is alive (the second key is its token).
LIVENESS_NS = 0x6D62  # "mb"
#: First key of the two-key advisory locks taken while a process handles a chat's update.
CHAT_NS = 0x6D63  # "mc"
#: Connections kept for chat locks, apart from the pool (a handler waiting for the pool never holds one of
#: them while another waits for a lock, so the two cannot deadlock); more updates in flight wait for one.
CHAT_LOCK_CONNECTIONS = 8

_ROW_KEYWORDS = ("SELECT", "WITH", "VALUES", "SHOW", "EXPLAIN", "TABLE")
_INSERT_TABLE = re.compile(r"^\s*INSERT\s+INTO\s+\"?(\w+)\"?", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)


def to_numbered(sql: str) -> str:
    """Replace `?` placeholders by `$1, $2, …`, skipping string literals, quoted identifiers and comments."""
    out: list[str] = []
    n = 0
    i = 0
    length = len(sql)
    while i < length:
        ch = sql[i]
        if ch in ("'", '"'):
            end = i + 1
            while end < length:
                if sql[end] == ch:
                    if end + 1 < length and sql[end + 1] == ch:  # doubled quote inside the literal
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i : end + 1])
            i = end + 1
        elif ch == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            end = length if end < 0 else end
            out.append(sql[i:end])
            i = end
        elif ch == "?":
            n += 1
            out.append(f"${n}")
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def reset_identity_sql(table: str) -> str:
    """The statement that moves the identity sequence of `table` (a name, possibly schema-qualified) past its
    largest id, after rows were copied in with their ids."""
    return (
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL)"
        f" FROM {table}"
    )


def clean_params(params: Iterable[Any]) -> tuple[Any, ...]:
    """PostgreSQL text cannot hold NUL characters (SQLite's can): they are dropped from string parameters."""
    return tuple(p.replace("\x00", "") if isinstance(p, str) and "\x00" in p else p for p in params)


def _rowcount(status: str) -> int:
    last = status.rsplit(" ", 1)[-1] if status else ""
    return int(last) if last.isdigit() else -1


class PgCursor:
    """What `conn.execute` yields: the rows already fetched, rowcount and lastrowid (as aiosqlite's)."""

    def __init__(self, rows: list[Any], rowcount: int, lastrowid: int | None):
        self._rows = rows
        self._next = 0
        self.rowcount = rowcount
        self.lastrowid = lastrowid

    async def fetchone(self) -> Any:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    async def fetchall(self) -> list[Any]:
        rows, self._next = self._rows[self._next :], len(self._rows)
        return rows

    async def close(self) -> None:
        return None


class _Call:
    """`conn.execute(...)` result: awaitable (returns the cursor) and an async context manager."""

    def __init__(self, conn: PgConnection, sql: str, params: Sequence[Any]):
        self._conn, self._sql, self._params = conn, sql, params

    def __await__(self):
        return self._conn._run(self._sql, self._params).__await__()

    async def __aenter__(self) -> PgCursor:
        return await self._conn._run(self._sql, self._params)

    async def __aexit__(self, *exc: object) -> None:
        return None


class PgConnection:
    """An asyncpg connection speaking the repositories' SQL (see the module docstring)."""

    def __init__(self, raw: Any, db: PostgresDatabase):
        self.raw = raw
        self.db = db

    def execute(self, sql: str, params: Iterable[Any] = ()) -> _Call:
        return _Call(self, sql, clean_params(params))

    async def executemany(self, sql: str, seq_of_params: Iterable[Iterable[Any]]) -> None:
        rows = [clean_params(p) for p in seq_of_params]
        if not rows:
            return
        with _translated_errors():
            await self.raw.executemany(to_numbered(sql), rows)

    async def _run(self, sql: str, params: Sequence[Any]) -> PgCursor:
        text, returns_rows, returns_id = self.db.prepare_sql(sql)
        with _translated_errors():
            if returns_rows:
                rows = await self.raw.fetch(text, *params)
                lastrowid = rows[-1]["id"] if returns_id and rows else None
                return PgCursor(rows, len(rows), lastrowid)
            status = await self.raw.execute(text, *params)
        return PgCursor([], _rowcount(status), None)


class _translated_errors:
    """Map asyncpg's errors on the backend-neutral ones (IntegrityError, StorageError)."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: object
    ) -> Literal[False]:
        if exc is None or asyncpg is None:
            return False
        if isinstance(exc, asyncpg.IntegrityConstraintViolationError):
            raise IntegrityError(str(exc)) from exc
        if isinstance(
            exc,
            OSError
            | asyncpg.PostgresConnectionError
            | asyncpg.InterfaceError
            | asyncpg.InsufficientResourcesError
            | asyncpg.OperatorInterventionError,
        ):
            raise StorageError(str(exc)) from exc
        return False


class PostgresDatabase(Database):
    """A pool of asyncpg connections to one PostgreSQL database (schema chosen by the URL's search_path)."""

    dialect = "postgres"

    def __init__(self, url: str, pool_size: int = 10, **_: Any):
        if asyncpg is None:
            raise RuntimeError("PostgreSQL needs asyncpg: pip install 'mediator-bot[postgres]'")
        self.url = url
        self.path = describe_target(url)  # printable, as SqliteDatabase.path
        self.pool_size = pool_size
        self._pool: Any = None
        self._identity_tables: frozenset[str] = frozenset()
        self._sql_cache: dict[str, tuple[str, bool, bool]] = {}
        self._liveness: Any = None
        self._setup_lock = asyncio.Lock()  # liveness connection, chat-lock pool
        self._token = 0
        self._chat_pool: Any = None

    @property
    def is_open(self) -> bool:
        return self._pool is not None

    async def open(self, migrate: bool = True) -> PostgresDatabase:
        try:
            self._pool = await asyncpg.create_pool(self.url, min_size=1, max_size=self.pool_size)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise StorageError(f"cannot connect to {self.path}: {exc}") from exc
        if migrate:
            await self.migrate()
        else:
            await self._load_identity_tables()
        return self

    async def close(self) -> None:
        await self.drop_liveness()
        if self._chat_pool is not None:
            chat_pool, self._chat_pool = self._chat_pool, None
            await chat_pool.close()
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    # --- liveness of this process ---------------------------------------------------------------------------
    async def process_token(self) -> int:
        """This process's liveness token, for work it claims (outbox rows): while the process lives it holds
        the session advisory lock (LIVENESS_NS, token) on a connection of its own, which every other process
        sees in pg_locks (see `alive_sql`). The lock goes when the process dies — its connection closes, even
        on SIGKILL — so the others know at once that its claims are orphaned. A lost connection gets a new
        token."""
        async with self._setup_lock:
            if self._liveness is not None and not self._liveness.is_closed():
                return self._token
            try:
                conn = await asyncpg.connect(self.url)
                while True:
                    token = secrets.randbelow(2**31 - 2) + 1
                    if await conn.fetchval(
                        "SELECT pg_try_advisory_lock($1::int, $2::int)", LIVENESS_NS, token
                    ):
                        break
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                raise StorageError(f"cannot connect to {self.path}: {exc}") from exc
            self._liveness, self._token = conn, token
            return token

    async def drop_liveness(self) -> None:
        """Release the liveness lock (on close; tests use it to play a process that died)."""
        conn, self._liveness = self._liveness, None
        if conn is not None and not conn.is_closed():
            try:
                await conn.close(timeout=5)
            except Exception:  # already gone: the server released the lock with the session
                conn.terminate()

    @asynccontextmanager
    async def chat_lock(self, key: str) -> AsyncIterator[None]:
        """Several processes behind one URL: while one handles an update of chat `key`, another process with
        an update of the same chat waits (a session advisory lock on a connection of a small pool of its own;
        it goes with the connection if the process dies). Updates of other chats are not held up."""
        if self._chat_pool is None:
            async with self._setup_lock:
                if self._chat_pool is None:
                    self._chat_pool = await asyncpg.create_pool(
                        self.url, min_size=0, max_size=CHAT_LOCK_CONNECTIONS
                    )
        number = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest(), "big", signed=True)
        with _translated_errors():  # the lock's own failures only, not the handler's
            raw = await self._chat_pool.acquire()
        try:
            with _translated_errors():
                await raw.execute("SELECT pg_advisory_lock($1::int, $2::int)", CHAT_NS, number)
            try:
                yield
            finally:
                with _translated_errors():
                    await raw.execute("SELECT pg_advisory_unlock($1::int, $2::int)", CHAT_NS, number)
        finally:
            await self._chat_pool.release(raw)

    @staticmethod
    def alive_sql(column: str) -> str:
        """SQL true when the process whose token is in `column` is alive (holds its liveness lock)."""
        return (
            "EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.objsubid = 2"
            f" AND l.classid = {LIVENESS_NS}::oid AND l.objid = ({column})::oid AND l.granted"
            " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))"
        )

    async def __aenter__(self) -> PostgresDatabase:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def pool(self) -> Any:
        if self._pool is None:
            raise RuntimeError("database is not open")
        return self._pool

    # --- SQL translation ------------------------------------------------------------------------------------
    def prepare_sql(self, sql: str) -> tuple[str, bool, bool]:
        """(PostgreSQL text, returns rows, returns the inserted id) of a repository statement (cached)."""
        cached = self._sql_cache.get(sql)
        if cached is not None:
            return cached
        text = to_numbered(sql).strip().rstrip(";")
        returns_id = False
        match = _INSERT_TABLE.match(text)
        if match and match.group(1).lower() in self._identity_tables and not _RETURNING.search(text):
            text += " RETURNING id"
            returns_id = True
        first = text.lstrip("( \n").split(None, 1)[0].upper() if text.strip() else ""
        returns_rows = returns_id or first in _ROW_KEYWORDS or bool(_RETURNING.search(text))
        result = (text, returns_rows, returns_id)
        if len(self._sql_cache) < 4096:
            self._sql_cache[sql] = result
        return result

    async def _load_identity_tables(self) -> None:
        rows = await self.pool.fetch(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND column_name = 'id' AND is_identity = 'YES'"
        )
        self._identity_tables = frozenset(r["table_name"] for r in rows)
        self._sql_cache.clear()

    # --- migrations -----------------------------------------------------------------------------------------
    async def _ensure_migrations_table(self, raw: Any) -> None:
        await raw.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )

    async def schema_version(self) -> int:
        async with self.pool.acquire() as raw:
            await self._ensure_migrations_table(raw)
            return int(await raw.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"))

    async def applied_versions(self) -> set[int]:
        async with self.pool.acquire() as raw:
            await self._ensure_migrations_table(raw)
            return {int(r[0]) for r in await raw.fetch("SELECT version FROM schema_migrations")}

    async def migrate(self, target: int | None = None) -> list[int]:
        """Apply every PostgreSQL migration not applied yet (storage/migrations/postgres), each in its own
        transaction.

        A session advisory lock makes processes that start together wait for one another: each migration
        is applied once.
        """
        applied = []
        async with self.pool.acquire() as raw:
            await raw.execute("SELECT pg_advisory_lock($1)", MIGRATE_LOCK_KEY)
            try:
                await self._ensure_migrations_table(raw)
                done = {int(r[0]) for r in await raw.fetch("SELECT version FROM schema_migrations")}
                for version, name, sql in migrations_for("postgres"):
                    if version in done or (target is not None and version > target):
                        continue
                    log.info("applying migration postgres/%s", name)
                    async with raw.transaction():
                        for statement in split_sql(sql):
                            await raw.execute(statement)
                        await raw.execute(
                            "INSERT INTO schema_migrations(version, name, applied_at) VALUES ($1, $2, $3)",
                            version,
                            name,
                            utcnow(),
                        )
                    applied.append(version)
            finally:
                await raw.execute("SELECT pg_advisory_unlock($1)", MIGRATE_LOCK_KEY)
        await self._load_identity_tables()
        return applied

    # --- statements -----------------------------------------------------------------------------------------
    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PgConnection]:
        """BEGIN … COMMIT on a pooled connection; rolled back on any exception. No lock is taken here (see the
        module docstring).
        """
        try:
            raw = await self.pool.acquire()
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise StorageError(str(exc)) from exc
        try:
            tr = raw.transaction()
            with _translated_errors():
                await tr.start()
            try:
                yield PgConnection(raw, self)
            except BaseException:
                try:
                    await tr.rollback()
                except Exception:  # the connection itself failed: the server rolls back
                    log.warning("rollback failed", exc_info=True)
                raise
            with _translated_errors():
                await tr.commit()
        finally:
            await self.pool.release(raw)

    @asynccontextmanager
    async def job_lock(self, name: str) -> AsyncIterator[bool]:
        """True when this process holds the lock of scheduled job `name` (pg_try_advisory_lock on a pooled
        connection, held until the block ends); False when another process is running it right now.

        The lock dies with the session, so a process killed mid-job (SIGKILL) never blocks the others. Jobs
        keep their own per-item bookkeeping, so one that fires later on another process finds nothing left.
        """
        key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)
        async with self.pool.acquire() as raw:
            held = bool(await raw.fetchval("SELECT pg_try_advisory_lock($1)", key))
            try:
                yield held
            finally:
                if held:
                    await raw.execute("SELECT pg_advisory_unlock($1)", key)

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> Any:
        text, _, _ = self.prepare_sql(sql)
        with _translated_errors():
            return await self.pool.fetchrow(text, *clean_params(params))

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        text, _, _ = self.prepare_sql(sql)
        with _translated_errors():
            return list(await self.pool.fetch(text, *clean_params(params)))

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One statement, committed on its own; returns the inserted id (0 when none)."""
        async with self.pool.acquire() as raw:
            cursor = await PgConnection(raw, self)._run(sql, clean_params(params))
        return cursor.lastrowid or 0
