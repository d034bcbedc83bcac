"""Unit of work: one connection, one transaction, the repositories bound to it (one use case at a time).

    uow = UnitOfWork(db)
    async with uow(Aggregate.invite_code(code)) as u:  # BEGIN; PostgreSQL: lock the invite's row
        invite = await u.invites.by_code(code)         # every repository of `u` runs in that transaction
        …
    # COMMIT when the block ends; ROLLBACK when it raises

A use case names the consistency boundary it writes (cosmicpython ch. 7, "aggregates"): the root row of a
commune, an invite, a person, a broadcast, a case. On PostgreSQL the unit of work takes that row's lock
first (`SELECT 1 FROM <root> WHERE … FOR NO KEY UPDATE`), so two use cases writing the same aggregate run one
after the other, and use cases writing different aggregates (cases of two communes, say) run side by side.
Rules that a constraint can carry are left to the constraint (unique indexes, conditional UPDATEs, ON
CONFLICT). On SQLite the transaction is BEGIN IMMEDIATE (one writer at a time): nothing more to lock.

The repositories of `u` are the ordinary ones over a `BoundDatabase`: every statement runs on the unit of
work's connection, and a repository's own `transaction()` becomes a SAVEPOINT inside it (so a constraint
violation a repository catches rolls back only its own statements). Inside the block, read and write only
through `u` (or `u.conn`): the standalone repositories use other connections (PostgreSQL); on SQLite they
would wait for this one, so they are refused there (RuntimeError, storage.db.IN_UNIT_OF_WORK).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from functools import cached_property
from typing import Any

from storage.audit import AuditLog
from storage.broadcasts import BroadcastRepository
from storage.cases import CaseRepository
from storage.db import IN_UNIT_OF_WORK, Database
from storage.invites import InviteRepository
from storage.jobs import JobRepository
from storage.links import LinkCodeRepository
from storage.locks import Aggregate, lock_key, lock_rows
from storage.logbook import LogbookRepository
from storage.org import OrgRepository
from storage.org_list import OrgListRepository
from storage.people import PeopleRepository
from storage.qa import QARepository
from storage.quiz import QuizRepository
from storage.remuneration import RemunerationRepository
from storage.submissions import SubmissionRepository
from storage.training import TrainingRepository

log = logging.getLogger(__name__)
_savepoints = itertools.count(1)


class BoundDatabase(Database):
    """The Database API over one connection inside a unit of work's transaction (repositories take it as they
    take a Database). `transaction()` is a SAVEPOINT; `job_lock`, `chat_lock` and backend helpers such as
    `alive_sql` are the parent database's."""

    def __init__(self, parent: Database, conn: Any):
        self.parent = parent
        self.conn = conn
        self.dialect = parent.dialect

    def __getattr__(self, name: str) -> Any:  # backend helpers (alive_sql, path, …)
        return getattr(self.parent, name)

    @property
    def is_open(self) -> bool:
        return self.parent.is_open

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Any]:
        name = f"uow_{next(_savepoints)}"
        await self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield self.conn
        except BaseException:
            try:
                await self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                await self.conn.execute(f"RELEASE SAVEPOINT {name}")
            except Exception:  # the connection itself failed: the whole unit of work rolls back anyway
                log.warning("rollback to a savepoint failed", exc_info=True)
            raise
        await self.conn.execute(f"RELEASE SAVEPOINT {name}")

    def job_lock(self, name: str) -> Any:
        return self.parent.job_lock(name)

    def chat_lock(self, key: str) -> Any:
        return self.parent.chat_lock(key)

    async def process_token(self) -> int:
        return await self.parent.process_token()

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> Any:
        async with self.conn.execute(sql, tuple(params)) as cur:
            return await cur.fetchone()

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        async with self.conn.execute(sql, tuple(params)) as cur:
            return list(await cur.fetchall())

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        async with self.conn.execute(sql, tuple(params)) as cur:
            return cur.lastrowid or 0


class Work:
    """One unit of work in progress: its connection and the repositories bound to it."""

    def __init__(self, db: Database, conn: Any):
        self.db = db
        self.conn = conn
        self.bound = BoundDatabase(db, conn)
        self.locked: set[Aggregate] = set()

    async def lock(self, *aggregates: Aggregate) -> None:
        """Lock the root rows of `aggregates` until the end of the transaction (PostgreSQL; SQLite's BEGIN
        IMMEDIATE already holds the only write lock); see storage/locks.py."""
        todo = set(aggregates) - self.locked
        await lock_rows(self.conn, self.db.dialect, *todo)
        self.locked |= todo

    async def lock_key(self, namespace: str, key: object) -> None:
        """Lock one item that may have no row yet (e.g. a chat identity about to be linked)."""
        await lock_key(self.conn, self.db.dialect, namespace, key)

    @cached_property
    def invites(self) -> InviteRepository:
        return InviteRepository(self.bound)

    @cached_property
    def people(self) -> PeopleRepository:
        return PeopleRepository(self.bound)

    @cached_property
    def org(self) -> OrgRepository:
        return OrgRepository(self.bound)

    @cached_property
    def cases(self) -> CaseRepository:
        return CaseRepository(self.bound)

    @cached_property
    def audit(self) -> AuditLog:
        return AuditLog(self.bound)

    @cached_property
    def submissions(self) -> SubmissionRepository:
        return SubmissionRepository(self.bound)

    # uowB (issue 15): remuneration lists, training events, the logbook's follow-ups, broadcasts
    @cached_property
    def remuneration(self) -> RemunerationRepository:
        return RemunerationRepository(self.bound)

    @cached_property
    def training(self) -> TrainingRepository:
        return TrainingRepository(self.bound)

    @cached_property
    def logbook(self) -> LogbookRepository:
        return LogbookRepository(self.bound)

    @cached_property
    def broadcasts(self) -> BroadcastRepository:
        return BroadcastRepository(self.bound)

    # uowA: link codes, Q&A, the organisation list (services/linking.py, qa.py, org_list.py)
    @cached_property
    def links(self) -> LinkCodeRepository:
        return LinkCodeRepository(self.bound)

    @cached_property
    def qa(self) -> QARepository:
        return QARepository(self.bound)

    @cached_property
    def org_list(self) -> OrgListRepository:
        return OrgListRepository(self.bound)

    # finish15 (issue 15): the self-test quiz (services/quiz.py), the jobs' records (services/jobs.py)
    @cached_property
    def quiz(self) -> QuizRepository:
        return QuizRepository(self.bound)

    @cached_property
    def jobs(self) -> JobRepository:
        return JobRepository(self.bound)


class UnitOfWork:
    """`async with uow(*aggregates) as u:` — see the module docstring."""

    def __init__(self, db: Database):
        self.db = db

    @asynccontextmanager
    async def __call__(self, *lock: Aggregate) -> AsyncIterator[Work]:
        async with self.db.transaction() as conn:
            work = Work(self.db, conn)
            await work.lock(*lock)
            inside = IN_UNIT_OF_WORK.set(self.db)
            try:
                yield work
            finally:
                IN_UNIT_OF_WORK.reset(inside)
