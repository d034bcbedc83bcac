"""Online backup and restore of the SQLite database (SQLite's backup API: safe while the bot runs).

Plain synchronous sqlite3: these run from the command line, in their own process, beside the bot.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path


class BackupError(RuntimeError):
    pass


def check(path: str | Path) -> dict[str, int]:
    """integrity_check the file and return the row count of every table."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                raise BackupError(f"integrity check failed: {verdict}")
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            if "schema_migrations" not in tables:
                raise BackupError("not a mediator-bot database (no schema_migrations table)")
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

    Stop the bot before restoring. Returns the restored row counts and where the previous file was kept.
    """
    backup_file, database = Path(backup_file), Path(database)
    counts = check(backup_file)
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
    return counts, kept
