"""`mediator-bot logbook --team T --from YYYY-MM-DD --to YYYY-MM-DD --out F.xlsx` — the printable Sổ theo dõi
hoạt động hòa giải ở cơ sở of one team: cover, Part I (one row per case received in the period, in the paper
column order), Part II (per mediator, team total), laid out for A4 landscape."""

from __future__ import annotations

import argparse
import asyncio
import sys
import types
from pathlib import Path

from bot import messages as msg
from bot.config import Config


class LogbookArgumentError(Exception):
    pass


def _usage_error(self: argparse.ArgumentParser, message: str) -> None:
    self.print_usage(sys.stderr)
    print(msg.LOGBOOK_CLI_ERRORS["usage"].format(error=message), file=sys.stderr)
    sys.exit(2)


def check_args(args: argparse.Namespace):
    """(team code, Period); raises LogbookArgumentError with a Vietnamese message."""
    from services.statistics import Period, PeriodError, parse_iso_date

    if not (args.team or "").strip():
        raise LogbookArgumentError(msg.LOGBOOK_CLI_ERRORS["team"])
    days = []
    for value in (args.date_from, args.date_to):
        try:
            days.append(parse_iso_date(value or ""))
        except PeriodError:
            raise LogbookArgumentError(msg.LOGBOOK_CLI_ERRORS["dates"].format(value=value or "")) from None
    if days[0] > days[1]:
        raise LogbookArgumentError(msg.LOGBOOK_CLI_ERRORS["order"])
    if not (args.out or "").strip():
        raise LogbookArgumentError(msg.LOGBOOK_CLI_ERRORS["out"])
    return args.team.strip().upper(), Period(days[0], days[1])


def cmd_logbook(args: argparse.Namespace) -> int:
    try:
        code, period = check_args(args)
    except LogbookArgumentError as exc:
        print(exc, file=sys.stderr)
        return 2

    async def build():
        from bot.container import Services

        config = Config.from_env().with_overrides(database_path=args.db)
        services = Services.build(config)
        await services.open()
        try:
            scope = await services.statistics.scope_by_code("team", code)
            if scope is None:
                return None
            count = await services.logbook.book_size(scope, period)
            return count, await services.logbook.book(scope, period, today=services.cases.today())
        finally:
            await services.close()

    built = asyncio.run(build())
    if built is None:
        print(msg.LOGBOOK_CLI_ERRORS["unknown_team"].format(code=code), file=sys.stderr)
        return 2
    count, data = built
    try:
        Path(args.out).write_bytes(data)
    except OSError as exc:
        print(
            msg.LOGBOOK_CLI_ERRORS["write"].format(path=args.out, error=exc.strerror or exc), file=sys.stderr
        )
        return 1
    print(msg.LOGBOOK_CLI_WRITTEN.format(count=count, path=args.out), file=sys.stderr)
    return 0


def add_commands(sub, admin, with_db) -> None:
    p = with_db(
        sub.add_parser(
            "logbook",
            help="in Sổ theo dõi hoạt động hòa giải của một tổ (xlsx, khổ A4 ngang)",
            description="Sổ theo dõi của một tổ hòa giải trong một kỳ: Phần I (mỗi vụ, việc một dòng, "
            "đúng thứ tự cột của sổ giấy) và Phần II (theo hòa giải viên, cộng của tổ).",
        )
    )
    p.error = types.MethodType(_usage_error, p)
    p.add_argument("--team", help="mã tổ hòa giải, ví dụ ML-01")
    p.add_argument("--from", dest="date_from", help="ngày đầu kỳ, YYYY-MM-DD (tính cả ngày này)")
    p.add_argument("--to", dest="date_to", help="ngày cuối kỳ, YYYY-MM-DD (tính cả ngày này)")
    p.add_argument("--out", help="tệp Excel sẽ tạo, ví dụ so-theo-doi.xlsx")
    p.set_defaults(func=cmd_logbook)
