"""Copy every table of a SQLite database into another database (PostgreSQL, or SQLite): `admin migrate-db`.

- Both databases are migrated to the latest schema first; their schema versions must then be equal.
- Tables are copied parents first (foreign keys), rows in primary-key order, as upserts on the primary key:
  running the copy again adds nothing and brings changed rows up to date (idempotent).
- One transaction on the target: the copy is complete or absent. Inside it, the row count of every table is
  compared with the source; a difference (the target held other data) rolls everything back.
- On PostgreSQL the identity sequences are moved past the copied ids, so new rows get fresh ids.

Merging several communes' SQLite files into one database is not supported: their ids overlap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from storage.db import Database
from storage.postgres import reset_identity_sql

#: Tables that the copy leaves alone (each side keeps its own migration history).
SKIPPED = ("schema_migrations",)


class TransferError(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class TableCopy:
    table: str
    source_rows: int
    target_before: int
    target_after: int

    @property
    def added(self) -> int:
        return self.target_after - self.target_before


@dataclass(frozen=True, slots=True)
class _Table:
    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    parents: frozenset[str]


async def _sqlite_tables(db: Database) -> dict[str, _Table]:
    names = [
        r["name"]
        for r in await db.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    tables = {}
    for name in names:
        if name in SKIPPED:
            continue
        info = await db.fetchall(f'PRAGMA table_info("{name}")')
        key = tuple(r["name"] for r in sorted((r for r in info if r["pk"]), key=lambda r: r["pk"]))
        if not key:
            raise TransferError(f"table {name} has no primary key: cannot copy it idempotently")
        parents = {r["table"] for r in await db.fetchall(f'PRAGMA foreign_key_list("{name}")')} - {name}
        tables[name] = _Table(name, tuple(r["name"] for r in info), key, frozenset(parents))
    return tables


def _ordered(tables: dict[str, _Table]) -> list[_Table]:
    """Parents before children (topological order, by name among equals)."""
    done: list[_Table] = []
    placed: set[str] = set()
    remaining = dict(tables)
    while remaining:
        ready = sorted(n for n, t in remaining.items() if t.parents & set(tables) <= placed)
        if not ready:
            raise TransferError(f"circular foreign keys between {sorted(remaining)}")
        for name in ready:
            done.append(remaining.pop(name))
            placed.add(name)
    return done


async def _target_types(target: Database) -> dict[tuple[str, str], str]:
    if target.dialect != "postgres":
        return {}
    rows = await target.fetchall(
        "SELECT table_name, column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = current_schema()"
    )
    return {(r["table_name"], r["column_name"]): r["data_type"] for r in rows}


def _coerce(value: Any, kind: str | None) -> Any:
    """SQLite accepts any value in any column; PostgreSQL's types are strict."""
    if value is None or kind is None:
        return value
    if kind in ("bigint", "integer", "smallint"):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        return value
    if kind == "double precision":
        return float(value) if isinstance(value, int | str) and not isinstance(value, bool) else value
    if kind == "text" and not isinstance(value, str):
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return value


def _upsert_sql(table: _Table) -> str:
    columns = ", ".join(table.columns)
    marks = ", ".join("?" * len(table.columns))
    rest = [c for c in table.columns if c not in table.key]
    action = ("DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in rest)) if rest else "DO NOTHING"
    return (
        f"INSERT INTO {table.name}({columns}) VALUES ({marks}) ON CONFLICT ({', '.join(table.key)}) {action}"
    )


async def _source_batches(source: Database, table: _Table, batch: int):
    order = ", ".join(table.key)
    if len(table.key) == 1:  # keyset pagination
        last = None
        while True:
            if last is None:
                rows = await source.fetchall(f"SELECT * FROM {table.name} ORDER BY {order} LIMIT ?", (batch,))
            else:
                rows = await source.fetchall(
                    f"SELECT * FROM {table.name} WHERE {order} > ? ORDER BY {order} LIMIT ?", (last, batch)
                )
            if not rows:
                return
            yield rows
            last = rows[-1][table.key[0]]
    else:
        offset = 0
        while True:
            rows = await source.fetchall(
                f"SELECT * FROM {table.name} ORDER BY {order} LIMIT ? OFFSET ?", (batch, offset)
            )
            if not rows:
                return
            yield rows
            offset += len(rows)


async def copy_database(
    source: Database,
    target: Database,
    *,
    batch: int = 2000,
    progress: Callable[[str, int], None] | None = None,
) -> list[TableCopy]:
    """Copy every table of the open SQLite `source` into the open `target` (see the module docstring)."""
    if source.dialect != "sqlite":
        raise TransferError("the source must be a SQLite database")
    source_version, target_version = await source.schema_version(), await target.schema_version()
    if source_version != target_version:
        raise TransferError(f"schema versions differ: source {source_version}, target {target_version}")
    tables = _ordered(await _sqlite_tables(source))
    types = await _target_types(target)
    counts = {t.name: (await source.fetchone(f"SELECT COUNT(*) AS n FROM {t.name}"))["n"] for t in tables}
    report: list[TableCopy] = []
    async with target.transaction() as conn:  # the operator's copy into a new database: nobody else writes
        for table in tables:
            async with conn.execute(f"SELECT COUNT(*) AS n FROM {table.name}") as cur:
                before = (await cur.fetchone())["n"]
            sql = _upsert_sql(table)
            kinds = [types.get((table.name, c)) for c in table.columns]
            copied = 0
            async for rows in _source_batches(source, table, batch):
                await conn.executemany(
                    sql,
                    [
                        tuple(_coerce(row[c], k) for c, k in zip(table.columns, kinds, strict=True))
                        for row in rows
                    ],
                )
                copied += len(rows)
                if progress is not None:
                    progress(table.name, copied)
            async with conn.execute(f"SELECT COUNT(*) AS n FROM {table.name}") as cur:
                after = (await cur.fetchone())["n"]
            if after != counts[table.name]:
                raise TransferError(
                    f"{table.name}: {after} rows in the target after the copy,"
                    f" {counts[table.name]} in the source"
                    " (the target holds other data; nothing was written)"
                )
            report.append(TableCopy(table.name, counts[table.name], before, after))
        if target.dialect == "postgres":
            for table in tables:
                if table.key == ("id",) and types.get((table.name, "id")) == "bigint":
                    await conn.execute(reset_identity_sql(table.name))
    return report
