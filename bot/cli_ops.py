"""Operations commands: online backup and restore of the database."""

from __future__ import annotations

import argparse
import sys

from bot import messages as msg
from bot.config import Config


def cmd_backup(args: argparse.Namespace) -> int:
    from storage.backup import BackupError, backup

    config = Config.from_env().with_overrides(database_path=args.db)
    if config.on_postgres:
        print(msg.DB_BACKUP_POSTGRES, file=sys.stderr)
        return 2
    try:
        counts = backup(config.database_path, args.file)
    except BackupError as exc:
        print(f"Sao lưu không thành công: {exc}", file=sys.stderr)
        return 1
    print(
        f"Đã sao lưu {config.database_path} → {args.file} (kiểm tra toàn vẹn: ok; "
        f"{counts.get('persons', 0)} người, {counts.get('cases', 0)} vụ việc)."
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from storage.backup import BackupError, restore

    config = Config.from_env().with_overrides(database_path=args.db)
    if config.on_postgres:
        print(msg.DB_BACKUP_POSTGRES, file=sys.stderr)
        return 2
    if not args.yes:
        print(
            "Khôi phục sẽ thay thế CSDL hiện tại (bản cũ được giữ lại bên cạnh). Hãy dừng bot trước, "
            "rồi chạy lại lệnh với --yes.",
            file=sys.stderr,
        )
        return 2
    try:
        counts, kept = restore(args.file, config.database_path)
    except BackupError as exc:
        print(
            msg.RESTORE_ERRORS.get(exc.reason, "Không khôi phục được: {detail}").format(detail=exc),
            file=sys.stderr,
        )
        return 1
    print(
        f"Đã khôi phục {args.file} → {config.database_path} ({counts.get('persons', 0)} người, "
        f"{counts.get('cases', 0)} vụ việc)." + (f" Bản cũ: {kept}" if kept else "")
    )
    return 0


def cmd_mask_questions(args: argparse.Namespace) -> int:
    import asyncio

    from bot.container import Services

    async def main() -> int:
        services = Services.build(Config.from_env().with_overrides(database_path=args.db))
        await services.db.open()
        try:
            changed = await services.qa.mask_stored_questions()
        finally:
            await services.close()
        print(msg.MASK_QUESTIONS_DONE.format(count=changed))
        return 0

    return asyncio.run(main())


def add_commands(sub, admin, with_db) -> None:
    p = with_db(admin.add_parser("backup", help="sao lưu CSDL khi bot đang chạy (SQLite online backup)"))
    p.add_argument("file", help="tệp sao lưu sẽ tạo")
    p.set_defaults(func=cmd_backup)
    p = with_db(admin.add_parser("restore", help="khôi phục CSDL từ tệp sao lưu (dừng bot trước)"))
    p.add_argument("file", help="tệp sao lưu")
    p.add_argument("--yes", action="store_true", help="xác nhận thay thế CSDL hiện tại")
    p.set_defaults(func=cmd_restore)
    p = with_db(
        admin.add_parser(
            "mask-questions", help="che số điện thoại / giấy tờ trong các câu hỏi đã lưu trước đây"
        )
    )
    p.set_defaults(func=cmd_mask_questions)
