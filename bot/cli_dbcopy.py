"""`mediator-bot admin migrate-db --from sqlite:///data/mediator.db --to postgresql://…` — copy a commune's
SQLite database into PostgreSQL (idempotent, row counts checked; see storage/transfer.py)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot import messages as msg
from bot.config import database_target


def cmd_migrate_db(args: argparse.Namespace) -> int:
    from storage.db import Database, StorageError, describe_target, is_postgres_url
    from storage.transfer import TransferError, copy_database

    source_target = database_target(args.source)
    target_target = database_target(args.target)
    if is_postgres_url(source_target):
        print(msg.DBCOPY_ERRORS["source"], file=sys.stderr)
        return 2
    if source_target == target_target:
        print(msg.DBCOPY_ERRORS["same"], file=sys.stderr)
        return 2
    if not Path(source_target).is_file():
        print(msg.DBCOPY_ERRORS["missing"].format(path=source_target), file=sys.stderr)
        return 2

    async def main() -> int:
        source, target = Database(source_target), Database(target_target)
        try:
            await source.open()
            await target.open()
        except (StorageError, OSError) as exc:
            await source.close()
            print(msg.DBCOPY_ERRORS["connect"].format(error=exc), file=sys.stderr)
            return 1
        print(
            msg.DBCOPY_START.format(
                source=describe_target(source_target), target=describe_target(target_target)
            )
        )
        try:
            report = await copy_database(source, target, batch=args.batch)
        except (TransferError, StorageError) as exc:
            print(msg.DBCOPY_ERRORS["failed"].format(error=exc), file=sys.stderr)
            return 1
        finally:
            await source.close()
            await target.close()
        for item in report:
            print(msg.DBCOPY_TABLE.format(table=item.table, rows=item.target_after, added=item.added))
        print(msg.DBCOPY_DONE.format(tables=len(report), rows=sum(i.target_after for i in report)))
        return 0

    return asyncio.run(main())


def add_commands(sub, admin, with_db) -> None:
    p = admin.add_parser(
        "migrate-db", help="sao chép CSDL SQLite sang PostgreSQL (chạy lại được, kiểm đếm số dòng)"
    )
    p.add_argument("--from", dest="source", required=True, help="CSDL nguồn: sqlite:///data/mediator.db")
    p.add_argument("--to", dest="target", required=True, help="CSDL đích: postgresql://user:pass@host/db")
    p.add_argument("--batch", type=int, default=2000, help="số dòng mỗi lượt ghi (mặc định 2000)")
    p.set_defaults(func=cmd_migrate_db)
