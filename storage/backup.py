"""Online backup and restore of the SQLite database (SQLite's backup API: safe while the bot runs).

Plain synchronous sqlite3: these run from the command line, in their own process, beside the bot.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from storage import file_lock
from storage.db import migrations, split_sql

_TABLE_CHANGE = re.compile(
    r"^(?:CREATE TABLE (\w+)|DROP TABLE (\w+)|ALTER TABLE (\w+) RENAME TO (\w+))", re.IGNORECASE
)


class BackupError(RuntimeError):
    """`reason`: 'invalid' (see the message), 'same_file', 'in_use' or 'missing_tables' (message: the
    names)."""

    def __init__(self, message: str, reason: str = "invalid"):
        super().__init__(message)
        self.reason = reason


def expected_tables(versions: set[int]) -> set[str]:
    """The tables the bundled migrations `versions` leave (created, minus dropped, renames followed)."""
    tables: set[str] = set()
    for version, _, sql in migrations():
        if version not in versions:
            continue
        for statement in split_sql(sql):
            change = _TABLE_CHANGE.match(statement)
            if change is None:
                continue
            created, dropped, old, new = change.groups()
            if created:
                tables.add(created)
            elif dropped:
                tables.discard(dropped)
            else:
                tables.discard(old)
                tables.add(new)
    return tables


def check(path: str | Path) -> dict[str, int]:
    """integrity_check the file and return the row count of every table."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                raise BackupError(f"integrity check failed: {verdict}")
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                    " ORDER BY name"
                )
            ]
            if "schema_migrations" not in tables:
                raise BackupError("not a mediator-bot database (no schema_migrations table)")
            versions = {r[0] for r in conn.execute("SELECT version FROM schema_migrations")}
            missing = sorted(expected_tables(versions) - set(tables))
            if missing:
                raise BackupError(", ".join(missing), "missing_tables")
            return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    except sqlite3.DatabaseError as exc:
        raise BackupError(str(exc)) from exc


def backup(source: str | Path, destination: str | Path) -> dict[str, int]:
    """Copy the live database `source` into `destination` page by page; returns the copy's row counts."""
    source, destination = Path(source), Path(destination)
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    with closing(sqlite3.connect(source, timeout=10)) as src, closing(sqlite3.connect(partial)) as dst:
        src.backup(dst, pages=256)
    counts = check(partial)
    partial.replace(destination)
    return counts


def restore(backup_file: str | Path, database: str | Path) -> tuple[dict[str, int], Path | None]:
    """Replace `database` by a checked copy of `backup_file`; the current file is kept aside.

    Refused (BackupError) when the backup is the database itself, when any process has the database open
    (the running bot holds storage/file_lock's lock) or when the backup lacks tables. Returns the restored
    row counts and where the previous file was kept.
    """
    backup_file, database = Path(backup_file), Path(database)
    if database.exists() and backup_file.exists() and os.path.samefile(backup_file, database):
        raise BackupError(str(database), "same_file")
    counts = check(backup_file)
    try:
        with file_lock.exclusive(database):
            return counts, _replace(backup_file, database)
    except file_lock.DatabaseInUse as exc:
        raise BackupError(str(database), "in_use") from exc


def _replace(backup_file: Path, database: Path) -> Path | None:
    kept = None
    if database.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        kept = database.with_name(f"{database.name}.before-restore-{stamp}")
        with closing(sqlite3.connect(database)) as current, closing(sqlite3.connect(kept)) as aside:
            current.backup(aside)
        for suffix in ("-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        database.unlink()
    database.parent.mkdir(parents=True, exist_ok=True)
    partial = database.with_name(database.name + ".restoring")
    shutil.copyfile(backup_file, partial)
    partial.replace(database)
    return kept
