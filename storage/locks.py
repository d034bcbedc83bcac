"""Locks of one consistency boundary, for PostgreSQL transactions (SQLite's BEGIN IMMEDIATE needs none).

There is no global write lock: a transaction that reads and then writes protects what it read with one of
- a constraint that the write itself checks (unique index, `ON CONFLICT`, a conditional `UPDATE … WHERE`);
- a first statement that writes the aggregate's root row (an UPDATE takes that row's lock);
- `lock_rows`: `SELECT 1 FROM <root> WHERE … FOR NO KEY UPDATE` on the aggregate's root row (a commune for
  everything numbered per commune, an invite, a person, a case, …), held until COMMIT. NO KEY: it excludes
  the other writers of the aggregate but not the foreign-key checks of rows that merely refer to it (a new
  person or invite of the commune), so those neither wait for it nor deadlock with it;
- `lock_key`: for an item that may have no row yet (a chat identity about to be linked, an event key),
  `pg_advisory_xact_lock` on a hash of (namespace, key) — one item, never everything.
Writers of different aggregates do not wait for one another. Several row locks are taken in one order
(table, column, value), so two transactions locking the same aggregates cannot deadlock.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

#: First key of the two-key transaction advisory locks of `lock_key` ("mk").
KEY_NS = 0x6D6B

#: Root tables of the aggregates a unit of work may lock, and the columns it may find a root row by.
ROOTS: dict[str, tuple[str, ...]] = {
    "provinces": ("id",),
    "communes": ("id",),
    "teams": ("id",),
    "persons": ("id",),
    "invites": ("id", "code"),
    "cases": ("id",),
    "broadcasts": ("id",),
    "training_events": ("id",),
}


@dataclass(frozen=True, order=True)
class Aggregate:
    """The root row of a consistency boundary: `table`.`column` = `value` (see ROOTS)."""

    table: str
    value: int | str
    column: str = "id"

    def __post_init__(self) -> None:
        if self.column not in ROOTS.get(self.table, ()):
            raise ValueError(f"not an aggregate root: {self.table}.{self.column}")

    @classmethod
    def commune(cls, commune_id: int) -> Aggregate:
        """Everything numbered or counted per commune (case numbers, a statistics submission)."""
        return cls("communes", commune_id)

    @classmethod
    def invite(cls, invite_id: int) -> Aggregate:
        return cls("invites", invite_id)

    @classmethod
    def invite_code(cls, code: str) -> Aggregate:
        return cls("invites", code, "code")

    @classmethod
    def person(cls, person_id: int) -> Aggregate:
        return cls("persons", person_id)

    @classmethod
    def broadcast(cls, broadcast_id: int) -> Aggregate:
        return cls("broadcasts", broadcast_id)

    @classmethod
    def case(cls, case_id: int) -> Aggregate:
        return cls("cases", case_id)

    def lock_sql(self) -> str:
        return f"SELECT 1 FROM {self.table} WHERE {self.column} = ? FOR NO KEY UPDATE"


async def lock_rows(conn: Any, dialect: str, *aggregates: Aggregate) -> None:
    """Lock the root rows of `aggregates` until the transaction ends (PostgreSQL; nothing to do on SQLite).
    A missing row locks nothing: the use case finds it missing too."""
    if dialect != "postgres":
        return
    for aggregate in sorted(set(aggregates), key=lambda a: (a.table, a.column, str(a.value))):
        await conn.execute(aggregate.lock_sql(), (aggregate.value,))


def key_number(namespace: str, key: object) -> int:
    """The signed 32-bit number of the advisory lock of (namespace, key)."""
    digest = hashlib.blake2b(f"{namespace}\x1f{key}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


async def lock_key(conn: Any, dialect: str, namespace: str, key: object) -> None:
    """Lock one item that may have no row yet, until the transaction ends (PostgreSQL; SQLite: nothing).
    Two different items may share a number (a 32-bit hash): they then wait for each other, which is safe."""
    if dialect == "postgres":
        await conn.execute("SELECT pg_advisory_xact_lock(?, ?)", (KEY_NS, key_number(namespace, key)))
