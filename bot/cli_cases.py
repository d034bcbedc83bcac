"""`mediator-bot admin import-cases FILE --commune CODE [--skip-invalid]`: digitise paper logbooks."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot import messages as msg
from bot.config import Config

IMPORT_FILE_ERRORS = {
    "format": msg.CASE_IMPORT_FORMAT,
    "empty": msg.CASE_IMPORT_EMPTY,
    "header": msg.CASE_IMPORT_HEADER,
    "no_commune": msg.CASE_IMPORT_NO_COMMUNE,
}


def error_lines(report) -> list[str]:
    """One Vietnamese line per problem of an import report (services/case_import.py)."""
    from handlers.cases import error_text
    from services.case_import import DuplicateRow

    return [
        msg.CASE_IMPORT_ROW.format(
            row=row,
            column=column,
            error=msg.CASE_IMPORT_DUPLICATE.format(external_id=error.external_id, first=error.first)
            if isinstance(error, DuplicateRow)
            else error_text(error),
        )
        for row, column, error in report.errors
    ]


def cmd_import_cases(args: argparse.Namespace) -> int:
    from bot.container import Services
    from services.case_import import ImportFileError, import_cases

    if not Path(args.file).is_file():
        print(f"Không thấy tệp {args.file}", file=sys.stderr)
        return 1

    async def main() -> int:
        config = Config.from_env().with_overrides(database_path=args.db)
        services = Services.build(config)
        await services.open()
        try:
            report = await import_cases(
                services.cases, args.file, args.commune, skip_invalid=args.skip_invalid
            )
        except ImportFileError as exc:
            print(IMPORT_FILE_ERRORS[exc.reason].format(**exc.params), file=sys.stderr)
            return 1
        finally:
            await services.close()
        if not report.imported:
            print(msg.CASE_IMPORT_FAILED.format(count=report.skipped_rows), file=sys.stderr)
            for line in error_lines(report):
                print(f"  - {line}", file=sys.stderr)
            return 1
        if report.errors:
            print(msg.CASE_IMPORT_SKIPPED.format(count=report.skipped_rows), file=sys.stderr)
            for line in error_lines(report):
                print(f"  - {line}", file=sys.stderr)
        print(msg.CASE_IMPORT_DONE.format(created=report.created, existing=report.existing))
        return 0

    return asyncio.run(main())


def add_commands(sub, admin, with_db) -> None:
    importer = with_db(admin.add_parser("import-cases", help="nhập sổ theo dõi vụ việc từ tệp CSV hoặc XLSX"))
    importer.add_argument("file", help="tệp .csv (UTF-8) hoặc .xlsx, dòng đầu là tiêu đề cột")
    importer.add_argument("--commune", required=True, help="mã xã/phường")
    importer.add_argument("--skip-invalid", action="store_true", help="nhập các dòng hợp lệ, bỏ qua dòng lỗi")
    importer.set_defaults(func=cmd_import_cases)
