"""`mediator-bot report (--commune CODE | --province CODE) --from YYYY-MM-DD --to YYYY-MM-DD
--format json|xlsx|text [--out FILE]` — statistics of a commune or a province for a period."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import types
from pathlib import Path

from bot import messages as msg
from bot.config import Config

FORMATS = ("json", "xlsx", "text")


class ReportArgumentError(Exception):
    pass


def _usage_error(self: argparse.ArgumentParser, message: str) -> None:
    """argparse's own errors (unknown option, missing value), in Vietnamese, exit code 2."""
    self.print_usage(sys.stderr)
    print(msg.STATS_CLI_ERRORS["usage"].format(error=message), file=sys.stderr)
    sys.exit(2)


def check_args(args: argparse.Namespace):
    """Validate the arguments; returns (level, code, Period). Raises ReportArgumentError (Vietnamese)."""
    from services.statistics import Period, PeriodError, parse_iso_date

    if bool(args.commune) == bool(args.province):
        raise ReportArgumentError(msg.STATS_CLI_ERRORS["scope"])
    days = []
    for value in (args.date_from, args.date_to):
        try:
            days.append(parse_iso_date(value or ""))
        except PeriodError:
            raise ReportArgumentError(msg.STATS_CLI_ERRORS["dates"].format(value=value or "")) from None
    if days[0] > days[1]:
        raise ReportArgumentError(msg.STATS_CLI_ERRORS["order"])
    if args.format not in FORMATS:
        raise ReportArgumentError(msg.STATS_CLI_ERRORS["format"].format(value=args.format or ""))
    level, code = ("commune", args.commune.strip()) if args.commune else ("province", args.province.strip())
    return level, code, Period(days[0], days[1])


def cmd_report(args: argparse.Namespace) -> int:
    try:
        level, code, period = check_args(args)
    except ReportArgumentError as exc:
        print(exc, file=sys.stderr)
        return 2

    async def build():
        from bot.container import Services

        config = Config.from_env().with_overrides(database_path=args.db)
        services = Services.build(config)
        await services.open()
        try:
            from bot.cli import lookup_code

            place = await lookup_code(services, level, code) if level in ("commune", "province", "team") else None
            scope = await services.statistics.scope_by_code(level, place.code if place else code)
            if scope is None:
                return None
            return await services.statistics.report(scope, period)
        finally:
            await services.close()

    report = asyncio.run(build())
    if report is None:
        print(msg.STATS_CLI_ERRORS[f"unknown_{level}"].format(code=code), file=sys.stderr)
        return 2
    from services.stats_export import report_text, report_xlsx

    if args.format == "json":
        data: str | bytes = json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "text":
        data = report_text(report, full=True) + "\n"
    else:
        data = report_xlsx(report)
    out = args.out
    if out is None and args.format == "xlsx":
        out = f"bao-cao-{code}-{period.start.isoformat()}-{period.end.isoformat()}.xlsx"
    if out is None:
        sys.stdout.write(data)
        return 0
    try:
        path = Path(out)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    except OSError as exc:
        print(msg.STATS_CLI_ERRORS["write"].format(path=out, error=exc.strerror or exc), file=sys.stderr)
        return 1
    print(msg.STATS_CLI_WRITTEN.format(path=out), file=sys.stderr)
    return 0


def add_commands(sub, admin, with_db) -> None:
    p = with_db(sub.add_parser(
        "report", help="báo cáo thống kê của một xã/phường hoặc một tỉnh (json, xlsx, text)",
        description="Thống kê vụ việc hòa giải và chỉ tiêu QĐ 315 của một xã/phường hoặc tỉnh trong một kỳ."))
    p.error = types.MethodType(_usage_error, p)  # type: ignore[method-assign]
    p.add_argument("--commune", help="mã xã/phường")
    p.add_argument("--province", help="mã tỉnh/thành phố")
    p.add_argument("--from", dest="date_from", help="ngày đầu kỳ, YYYY-MM-DD (tính cả ngày này)")
    p.add_argument("--to", dest="date_to", help="ngày cuối kỳ, YYYY-MM-DD (tính cả ngày này)")
    p.add_argument("--format", default="json", help="json (mặc định), xlsx hoặc text")
    p.add_argument("--out", help="ghi ra tệp (mặc định: màn hình; xlsx: bao-cao-MÃ-TỪ-ĐẾN.xlsx)")
    p.set_defaults(func=cmd_report)
