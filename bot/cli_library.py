"""Commands of the materials library and quizzes: content check, logbook template, indicators."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path


def cmd_check(args: argparse.Namespace) -> int:
    from services.library import check_content

    report = check_content(args.catalogue, args.questions, args.documents)
    for warning in report.warnings:
        print(f"  cảnh báo: {warning}")
    if not report.ok:
        print(f"Nội dung thư viện/ôn tập có {len(report.problems)} lỗi:", file=sys.stderr)
        for problem in report.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(
        f"Hợp lệ: {report.materials} tài liệu, {report.questions} câu hỏi ôn tập"
        + (f" ({len(report.warnings)} cảnh báo)." if report.warnings else ".")
    )
    return 0


def cmd_make_logbook(args: argparse.Namespace) -> int:
    from services.library import materials_dir
    from services.logbook_template import FILE_NAME, write_template

    out = Path(args.out) if args.out else materials_dir() / "files" / FILE_NAME
    print(f"Đã tạo {write_template(out)}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from bot.config import Config
    from bot.container import Services

    async def main() -> int:
        services = Services.build(Config.from_env().with_overrides(database_path=args.db))
        await services.open()
        try:
            from bot.cli import lookup_code

            if args.commune:
                place = await lookup_code(services, "commune", args.commune)
                scope = {"commune_id": place.id} if place else None
            else:
                place = await lookup_code(services, "province", args.province)
                scope = {"province_id": place.id} if place else None
            if scope is None:
                return 1
            access = await services.library.access(**scope)
            recent = await services.quiz.participation(days=30, **scope)
            overall = await services.quiz.participation(**scope)
        finally:
            await services.close()
        print(
            f"{place.name}: {access.opened}/{access.mediators} hòa giải viên đã mở tài liệu "
            f"({access.share:.0%})."
        )
        for label, p in (("30 ngày qua", recent), ("từ trước đến nay", overall)):
            average = "-" if p.average_score is None else f"{p.average_score:.1f}/10"
            print(
                f"Ôn tập {label}: {p.participants}/{p.mediators} người, {p.sessions} lượt hoàn thành, "
                f"điểm trung bình {average}."
            )
        return 0

    return asyncio.run(main())


def add_commands(sub, admin, with_db) -> None:
    library = sub.add_parser("library", help="thư viện tài liệu và câu hỏi ôn tập").add_subparsers(
        dest="library_command", required=True
    )
    check = library.add_parser("check", help="kiểm tra catalog.yaml và questions.yaml theo documents.yaml")
    check.add_argument(
        "--catalogue", help="tệp danh mục tài liệu (mặc định knowledge/materials/catalog.yaml)"
    )
    check.add_argument("--questions", help="tệp câu hỏi (mặc định knowledge/quiz/questions.yaml)")
    check.add_argument("--documents", help="tệp danh mục văn bản (mặc định knowledge/documents.yaml)")
    check.set_defaults(func=cmd_check)
    logbook = library.add_parser("make-logbook", help="tạo lại tệp Excel mẫu Sổ theo dõi hoạt động hòa giải")
    logbook.add_argument(
        "--out", help="tệp sẽ tạo (mặc định knowledge/materials/files/so-theo-doi-hoa-giai.xlsx)"
    )
    logbook.set_defaults(func=cmd_make_logbook)
    stats = with_db(library.add_parser("stats", help="tỷ lệ hòa giải viên mở tài liệu, tham gia ôn tập"))
    where = stats.add_mutually_exclusive_group(required=True)
    where.add_argument("--commune", help="mã xã/phường")
    where.add_argument("--province", help="mã tỉnh")
    stats.set_defaults(func=cmd_stats)
