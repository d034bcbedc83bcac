"""Remuneration on the command line (issue 21).

mediator-bot remuneration --commune C --from D --to D --format json|xlsx [--out F]   the list (nothing stored)
mediator-bot remuneration-rate --province P [--commune C] --effective D --per-case N --successful N
                               --team-month N --basis TEXT                           a rate from a date
mediator-bot remuneration-exclude --commune C --case NO --reason TEXT                 take a case off
mediator-bot remuneration-include --commune C --case NO                               put it back
mediator-bot remuneration-draw --commune C --from D --to D [--out F.xlsx]             store a numbered list
mediator-bot remuneration-paid --commune C --list N --paid-on D                       mark a list paid
mediator-bot remuneration-province --province P --from D --to D                       totals by commune (JSON)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import types
from datetime import date
from pathlib import Path

from bot import messages as msg
from bot.config import Config

FORMATS = ("json", "xlsx")
ERR = msg.PAY_CLI_ERRORS
ACTOR = "cli"


class PayArgumentError(Exception):
    pass


def _usage_error(self: argparse.ArgumentParser, message: str) -> None:
    self.print_usage(sys.stderr)
    print(ERR["usage"].format(error=message), file=sys.stderr)
    sys.exit(2)


def _day(value: str | None) -> date:
    from services.statistics import PeriodError, parse_iso_date

    try:
        return parse_iso_date(value or "")
    except PeriodError:
        raise PayArgumentError(ERR["dates"].format(value=value or "")) from None


def _period(args: argparse.Namespace):
    from services.statistics import Period

    start, end = _day(args.date_from), _day(args.date_to)
    if start > end:
        raise PayArgumentError(ERR["order"])
    return Period(start, end)


def _amount(value: str | None) -> int:
    text = (value or "").strip().replace(".", "").replace(",", "")
    if not text.isascii() or not text.isdigit():
        raise PayArgumentError(ERR["amount"])
    return int(text)


def _run(args: argparse.Namespace, work) -> int:
    """Open the services, run `work(services)` (returns an exit code), close; PayArgumentError → exit 2."""
    from bot.container import Services

    async def main() -> int:
        services = Services.build(Config.from_env().with_overrides(database_path=args.db))
        await services.open()
        try:
            return await work(services)
        finally:
            await services.close()

    try:
        return asyncio.run(main())
    except PayArgumentError as exc:
        print(exc, file=sys.stderr)
        return 2


async def _province(services, code: str | None):
    code = (code or "").strip()
    directory = services.directory
    return await directory.province_by_code(code) or await directory.province_by_code(code.upper())


async def _commune(services, code: str):
    code = (code or "").strip()
    directory = services.directory
    commune = await directory.commune_by_code(code) or await directory.commune_by_code(code.upper())
    if commune is None:
        raise PayArgumentError(ERR["unknown_commune"].format(code=code))
    return commune


def _write(out: str, data: str | bytes) -> int:
    try:
        path = Path(out)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    except OSError as exc:
        print(ERR["write"].format(path=out, error=exc.strerror or exc), file=sys.stderr)
        return 1
    print(msg.PAY_CLI_WRITTEN.format(path=out), file=sys.stderr)
    return 0


def cmd_remuneration(args: argparse.Namespace) -> int:
    try:
        period = _period(args)
        if args.format not in FORMATS:
            raise PayArgumentError(ERR["format"].format(value=args.format or ""))
    except PayArgumentError as exc:
        print(exc, file=sys.stderr)
        return 2

    async def work(services) -> int:
        from services.remuneration_export import pay_list_xlsx

        commune = await _commune(services, args.commune)
        pay = await services.remuneration.compute(commune, period)
        if args.format == "json":
            data: str | bytes = json.dumps(pay.as_json(), ensure_ascii=False, indent=2) + "\n"
        else:
            data = pay_list_xlsx(pay)
        out = args.out
        if out is None and args.format == "xlsx":
            out = f"thu-lao-{commune.code}-{period.start.isoformat()}-{period.end.isoformat()}.xlsx"
        if out is None and isinstance(data, str):  # JSON without --out: to standard output
            sys.stdout.write(data)
            return 0
        return _write(out, data)

    return _run(args, work)


def cmd_rate(args: argparse.Namespace) -> int:
    async def work(services) -> int:
        from services.pay_lists import PayInputError
        from services.remuneration import RateError

        province = await _province(services, args.province)
        if province is None:
            raise PayArgumentError(ERR["unknown_province"].format(code=args.province))
        commune = None
        if args.commune:
            commune = await _commune(services, args.commune)
            if commune.province_id != province.id:
                raise PayArgumentError(ERR["unknown_commune"].format(code=args.commune))
        start = _day(args.effective)
        amounts = _amount(args.per_case), _amount(args.successful), _amount(args.team_month)
        try:
            rate_id = await services.remuneration.set_rate(
                province, commune, start, *amounts, args.basis, actor_label=ACTOR
            )
        except RateError as exc:
            raise PayArgumentError(ERR[exc.reason]) from None
        except PayInputError:
            raise PayArgumentError(ERR["basis"]) from None
        print(
            msg.PAY_CLI_RATE_SAVED.format(
                id=rate_id, start=start.isoformat(), case=amounts[0], success=amounts[1], team=amounts[2]
            )
        )
        return 0

    return _run(args, work)


def cmd_exclude(args: argparse.Namespace) -> int:
    async def work(services) -> int:
        from services.pay_lists import AlreadyExcluded, PayInputError

        commune = await _commune(services, args.commune)
        try:
            number = await services.remuneration.exclude(
                None, commune, args.case, args.reason, actor_label=ACTOR
            )
        except PayInputError as exc:
            raise PayArgumentError(ERR[exc.reason].format(case=args.case)) from None
        except AlreadyExcluded:
            raise PayArgumentError(ERR["already"].format(case=args.case)) from None
        print(msg.PAY_CLI_EXCLUDED.format(case=number, reason=" ".join(args.reason.split())))
        return 0

    return _run(args, work)


def cmd_include(args: argparse.Namespace) -> int:
    async def work(services) -> int:
        from services.pay_lists import PayInputError

        commune = await _commune(services, args.commune)
        try:
            lifted = await services.remuneration.include(None, commune, args.case, actor_label=ACTOR)
        except PayInputError as exc:
            raise PayArgumentError(ERR[exc.reason].format(case=args.case)) from None
        print((msg.PAY_CLI_INCLUDED if lifted else msg.PAY_CLI_NOT_EXCLUDED).format(case=args.case.upper()))
        return 0

    return _run(args, work)


def cmd_draw(args: argparse.Namespace) -> int:
    async def work(services) -> int:
        from services.remuneration import vnd
        from services.remuneration_export import pay_list_xlsx

        commune = await _commune(services, args.commune)
        period = _period(args)
        stored, pay = await services.remuneration.draw_up(None, commune, period, actor_label=ACTOR)
        print(
            msg.PAY_CLI_DRAWN.format(
                number=stored.number, start=stored.start, end=stored.end, total=vnd(stored.total)
            )
        )
        if args.out:
            return _write(args.out, pay_list_xlsx(pay, number=stored.number))
        return 0

    return _run(args, work)


def cmd_paid(args: argparse.Namespace) -> int:
    async def work(services) -> int:
        from services.pay_lists import PayConflict, PayInputError

        commune = await _commune(services, args.commune)
        day = _day(args.paid_on)
        try:
            await services.remuneration.mark_paid(None, commune, args.list, day, actor_label=ACTOR)
        except PayInputError as exc:
            raise PayArgumentError(ERR[exc.reason].format(number=args.list)) from None
        except PayConflict as exc:
            raise PayArgumentError(
                ERR["conflict"].format(number=args.list, what=", ".join(exc.what))
            ) from None
        print(msg.PAY_CLI_PAID.format(number=args.list, day=day.isoformat()))
        return 0

    return _run(args, work)


def cmd_province(args: argparse.Namespace) -> int:
    async def work(services) -> int:
        province = await _province(services, args.province)
        if province is None:
            raise PayArgumentError(ERR["unknown_province"].format(code=args.province))
        totals = await services.remuneration.province_totals(None, province, _period(args), checked=False)
        data = {
            "province": province.code,
            "communes": {
                t.commune.code: {
                    "cases": t.cases,
                    "amount": t.amount,
                    "team_support": t.team_support,
                    "adjustment": t.adjustment,
                    "total": t.total,
                    "paid": t.paid,
                }
                for t in totals
            },
            "total": sum(t.total for t in totals),
        }
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return 0

    return _run(args, work)


def add_commands(sub, admin, with_db) -> None:
    def parser(name: str, help_text: str) -> argparse.ArgumentParser:
        p = with_db(sub.add_parser(name, help=help_text, description=help_text))
        p.error = types.MethodType(_usage_error, p)
        return p

    def period_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--from", dest="date_from", help="ngày đầu kỳ, YYYY-MM-DD (tính cả ngày này)")
        p.add_argument("--to", dest="date_to", help="ngày cuối kỳ, YYYY-MM-DD (tính cả ngày này)")

    p = parser(
        "remuneration", "danh sách chi thù lao hòa giải viên của một xã/phường trong một kỳ (json, xlsx)"
    )
    p.add_argument("--commune", required=True, help="mã xã/phường")
    period_args(p)
    p.add_argument("--format", default="json", help="json (mặc định) hoặc xlsx")
    p.add_argument("--out", help="ghi ra tệp (mặc định: màn hình; xlsx: thu-lao-MÃ-TỪ-ĐẾN.xlsx)")
    p.set_defaults(func=cmd_remuneration)

    p = parser("remuneration-rate", "lưu mức chi thù lao theo nghị quyết HĐND tỉnh, áp dụng từ một ngày")
    p.add_argument("--province", required=True, help="mã tỉnh")
    p.add_argument("--commune", help="mã xã/phường (mức riêng của xã, nếu có)")
    p.add_argument("--effective", required=True, help="áp dụng từ ngày, YYYY-MM-DD")
    p.add_argument("--per-case", required=True, help="đồng/vụ việc (tối đa 300000)")
    p.add_argument("--successful", required=True, help="đồng/vụ việc hòa giải thành (tối đa 400000)")
    p.add_argument("--team-month", required=True, help="đồng/tổ/tháng hỗ trợ hoạt động tổ (tối đa 150000)")
    p.add_argument("--basis", required=True, help="căn cứ, ví dụ: Nghị quyết 09/2024/NQ-HĐND")
    p.set_defaults(func=cmd_rate)

    p = parser("remuneration-exclude", "loại một vụ việc khỏi danh sách chi, có lý do bằng văn bản")
    p.add_argument("--commune", required=True, help="mã xã/phường")
    p.add_argument("--case", required=True, help="số vụ việc, ví dụ ML-2026-0003")
    p.add_argument("--reason", required=True, help="lý do, ví dụ: vi phạm Điều 10 khoản 3 Luật 35/2013")
    p.set_defaults(func=cmd_exclude)

    p = parser("remuneration-include", "đưa vụ việc đã loại trở lại danh sách chi")
    p.add_argument("--commune", required=True, help="mã xã/phường")
    p.add_argument("--case", required=True, help="số vụ việc")
    p.set_defaults(func=cmd_include)

    p = parser("remuneration-draw", "lập (lưu) danh sách chi có số thứ tự, để trình ký và chi")
    p.add_argument("--commune", required=True, help="mã xã/phường")
    period_args(p)
    p.add_argument("--out", help="ghi danh sách ra tệp XLSX")
    p.set_defaults(func=cmd_draw)

    p = parser("remuneration-paid", "đánh dấu một danh sách đã chi (ngày chi)")
    p.add_argument("--commune", required=True, help="mã xã/phường")
    p.add_argument("--list", required=True, type=int, help="số danh sách")
    p.add_argument("--paid-on", required=True, help="ngày chi, YYYY-MM-DD")
    p.set_defaults(func=cmd_paid)

    p = parser("remuneration-province", "tổng thù lao phải chi của từng xã trong tỉnh (json)")
    p.add_argument("--province", required=True, help="mã tỉnh")
    period_args(p)
    p.set_defaults(func=cmd_province)
