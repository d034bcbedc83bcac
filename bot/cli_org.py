"""`mediator-bot admin export-org | import-org | merge-communes`: the organisation list kept by commune
officials."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot import messages as msg
from bot.config import Config


async def _open(args: argparse.Namespace):
    from bot.container import Services

    services = Services.build(Config.from_env().with_overrides(database_path=args.db))
    await services.db.open()
    return services


def cmd_export_org(args: argparse.Namespace) -> int:
    async def main() -> tuple[bytes, int, int] | None:
        services = await _open(args)
        try:
            commune = await services.directory.commune_by_code(args.commune)
            if commune is None:
                return None
            content = await services.org_list.export_xlsx(commune)
            teams, people = await services.org_list.sizes(commune)
        finally:
            await services.close()
        return content, teams, people

    done = asyncio.run(main())
    if done is None:
        print(msg.ORG_UNKNOWN_COMMUNE.format(code=args.commune), file=sys.stderr)
        return 1
    content, teams, people = done
    Path(args.out).write_bytes(content)
    print(msg.ORG_EXPORT_DONE.format(path=args.out, teams=teams, people=people))
    return 0


def cmd_import_org(args: argparse.Namespace) -> int:
    from handlers.org import file_error_text, plan_summary, row_error_line
    from services.org_list import OrgFileError, OrgListChanged

    path = Path(args.file)
    if not path.is_file():
        print(f"Không thấy tệp {args.file}", file=sys.stderr)
        return 1

    content = path.read_bytes()

    async def main() -> int:
        services = await _open(args)
        try:
            commune = await services.directory.commune_by_code(args.commune)
            if commune is None:
                print(msg.ORG_UNKNOWN_COMMUNE.format(code=args.commune), file=sys.stderr)
                return 1
            try:
                plan = await services.org_list.plan_file(commune, content)
            except OrgFileError as exc:
                print(file_error_text(exc), file=sys.stderr)
                return 1
            if plan.errors:
                print(msg.ORG_IMPORT_FAILED.format(count=len(plan.errors)), file=sys.stderr)
                for error in plan.errors:
                    print(f"  - {row_error_line(error)}", file=sys.stderr)
                return 1
            if not args.dry_run:
                try:
                    await services.org_list.apply(plan, None, actor_label="cli")
                except (
                    OrgListChanged
                ):  # changed by someone else between the check and applying: nothing written
                    print(msg.ORG_IMPORT_CHANGED, file=sys.stderr)
                    return 1
        finally:
            await services.close()
        print(plan_summary(plan))
        print(msg.ORG_IMPORT_DRY if args.dry_run else msg.ORG_IMPORT_DONE.format(commune=commune.name))
        return 0

    return asyncio.run(main())


def cmd_merge_communes(args: argparse.Namespace) -> int:
    from handlers.org import merge_error_text
    from services.org_list import MergeError

    async def main() -> int:
        services = await _open(args)
        try:
            commune, sources = await services.org_list.merge_communes(
                args.into, args.sources.split(","), args.name, None
            )
            teams = len(await services.directory.teams_of_commune(commune.id))
        except MergeError as exc:
            print(merge_error_text(exc), file=sys.stderr)
            return 1
        finally:
            await services.close()
        print(
            msg.ORG_MERGE_DONE.format(
                sources=", ".join(c.code for c in sources),
                commune=commune.name,
                code=commune.code,
                teams=teams,
            )
        )
        return 0

    return asyncio.run(main())


def add_commands(sub, admin, with_db) -> None:
    export = with_db(admin.add_parser("export-org", help="xuất danh sách tổ hòa giải của một xã ra tệp XLSX"))
    export.add_argument("--commune", required=True, help="mã xã/phường")
    export.add_argument("--out", required=True, help="tệp .xlsx sẽ ghi")
    export.set_defaults(func=cmd_export_org)
    importer = with_db(admin.add_parser("import-org", help="nhập danh sách tổ hòa giải đã sửa (XLSX)"))
    importer.add_argument("file", help="tệp .xlsx đã xuất bằng export-org rồi sửa")
    importer.add_argument("--commune", required=True, help="mã xã/phường")
    importer.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra và báo thay đổi, không ghi")
    importer.set_defaults(func=cmd_import_org)
    merge = with_db(admin.add_parser("merge-communes", help="gộp xã/phường (sắp xếp đơn vị hành chính)"))
    merge.add_argument("--into", required=True, help="mã xã/phường nhận (có sẵn, hoặc mới với --name)")
    merge.add_argument(
        "--from", dest="sources", required=True, help="mã các xã/phường được gộp, cách nhau dấu phẩy"
    )
    merge.add_argument("--name", help="tên xã/phường (bắt buộc khi tạo mới; đổi tên khi đã có)")
    merge.set_defaults(func=cmd_merge_communes)
