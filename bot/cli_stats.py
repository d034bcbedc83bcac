"""`mediator-bot report (--commune CODE | --province CODE | --national) --from YYYY-MM-DD --to YYYY-MM-DD
--format json|xlsx|text [--out FILE] [--submitted]` — statistics of a commune, a province or the country for a
period, live or as submitted; `mediator-bot report submit --commune CODE --from … --to … [--by REF]` freezes a
commune's report and prints its revision number."""

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

    national = bool(getattr(args, "national", False))
    if sum((bool(args.commune), bool(args.province), national)) != 1:
        raise ReportArgumentError(msg.STATS_CLI_ERRORS["scope"])
    if args.action == "submit" and not args.commune:
        raise ReportArgumentError(msg.SUBMIT_CLI_ERRORS["commune_only"])
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
    if national:
        return "national", "VN", Period(days[0], days[1])
    level, code = ("commune", args.commune.strip()) if args.commune else ("province", args.province.strip())
    return level, code, Period(days[0], days[1])


async def _scope(services, level: str, code: str):
    """The statistics scope of the place with this code, found by bot.cli.lookup_code (in any case: `--commune
    ml` is ML; when there is none, the valid codes are printed); None when there is none."""
    from bot.cli import lookup_code

    if level == "national":
        return await services.statistics.scope_by_code(level, code)
    place = await lookup_code(services, level, code)
    return await services.statistics.scope_by_code(level, place.code) if place else None


def cmd_report(args: argparse.Namespace) -> int:
    try:
        level, code, period = check_args(args)
    except ReportArgumentError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.action == "submit":
        return _submit(args, code, period)

    async def build():
        from bot.container import Services
        from services.submissions import NotSubmitted

        config = Config.from_env().with_overrides(database_path=args.db)
        services = Services.build(config)
        await services.open()
        try:
            if level == "national":
                return await services.national.report(period, submitted=args.submitted), None
            scope = await _scope(services, level, code)
            if scope is None:
                return None, msg.STATS_CLI_ERRORS[f"unknown_{level}"].format(code=code)
            if not args.submitted:
                # Part II of the logbook (per mediator) and the follow-up of agreements ride along (issue 17).
                return (
                    await services.statistics.report(scope, period),
                    await services.logbook.summary(scope, period),
                ), None
            try:
                if level == "commune":
                    return (
                        await services.submissions.submitted_commune_report(scope, period),
                        await services.submissions.submitted_json(scope, period),
                    ), None
                return await services.submissions.submitted_province_report(scope, period), None
            except NotSubmitted:
                return None, msg.SUBMIT_CLI_ERRORS["never"].format(
                    code=code, start=period.start.isoformat(), end=period.end.isoformat()
                )
        finally:
            await services.close()

    report, error = asyncio.run(build())
    if report is None:
        print(error, file=sys.stderr)
        return 2
    from services.logbook import MediatorSummary, with_logbook_json, with_logbook_sheets, with_logbook_text
    from services.stats_export import report_text, report_xlsx

    frozen = summary = None
    if isinstance(report, tuple):
        # a commune's submitted report (the JSON exactly as stored), or a live report with its logbook summary
        report, extra = report
        if isinstance(extra, MediatorSummary):
            summary = extra
        else:
            frozen = extra
    missing = report.as_json().get("completeness", {}).get("not_submitted") if args.submitted else None
    if missing:
        print(msg.SUBMIT_CLI_MISSING.format(n=len(missing), codes=", ".join(missing[:20])), file=sys.stderr)

    if args.format == "json":
        payload = frozen or report.as_json()
        if summary is not None:
            payload = with_logbook_json(payload, summary)
        data: str | bytes = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    elif args.format == "text":
        text = report_text(report, full=True)
        data = (with_logbook_text(text, summary) if summary is not None else text) + "\n"
    else:
        data = report_xlsx(report)
        if summary is not None:
            data = with_logbook_sheets(data, summary)
    out = args.out
    if out is None and args.format == "xlsx":
        out = f"bao-cao-{code}-{period.start.isoformat()}-{period.end.isoformat()}.xlsx"
    if out is None and isinstance(data, str):  # an xlsx workbook (bytes) always has a file name
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


def _submit(args: argparse.Namespace, code: str, period) -> int:
    """`report submit`: freeze the commune's report; the revision number on standard output. Nothing changed
    since the latest submission: no new revision, its number on standard output and a note on standard
    error."""
    from services.stats_export import local_time
    from services.submissions import Unchanged

    config = Config.from_env().with_overrides(database_path=args.db)

    async def run():
        from bot.container import Services

        services = Services.build(config)
        await services.open()
        try:
            scope = await _scope(services, "commune", code)
            if scope is None:
                return None, False
            try:
                return await services.submissions.submit(
                    None, scope, period, label=(args.by or "cli").strip()[:100]
                ), True
            except Unchanged as same:
                return same.latest, False
        finally:
            await services.close()

    submission, created = asyncio.run(run())
    if submission is None:
        print(msg.STATS_CLI_ERRORS["unknown_commune"].format(code=code), file=sys.stderr)
        return 2
    print(submission.revision)
    if created:
        print(
            msg.SUBMIT_CLI_DONE.format(
                code=code,
                revision=submission.revision,
                cases=submission.cases_count,
                start=period.start.isoformat(),
                end=period.end.isoformat(),
            ),
            file=sys.stderr,
        )
    else:
        print(
            msg.SUBMIT_UNCHANGED.format(
                revision=submission.revision,
                cases=submission.cases_count,
                at=local_time(submission.submitted_at, config.timezone),
            ),
            file=sys.stderr,
        )
    return 0


def cmd_invite_ministry(args: argparse.Namespace) -> int:
    """`admin invite-ministry`: the operator (an administrator) creates a Bộ Tư pháp official — the only way
    the role ministry_official comes into being (invite codes in chat never carry it) — and either links the
    given chat account or prints a one-time /lienket code for the official to type in the bot."""
    name = " ".join((args.name or "").split())[:100]
    if not name:
        print(msg.MINISTRY_CLI_NAME, file=sys.stderr)
        return 2

    async def run() -> str:
        from bot.container import Services

        config = Config.from_env().with_overrides(database_path=args.db)
        services = Services.build(config)
        await services.open()
        try:
            accounts = [(ch, ext) for ch, ext in (("telegram", args.telegram), ("zalo", args.zalo)) if ext]
            person = await services.registration.create_ministry_official(name, args.ref, accounts)
            if accounts:
                return msg.MINISTRY_CLI_LINKED.format(name=name, id=person.id)
            issued = await services.linking.issue(person, "cli")
            return msg.MINISTRY_CLI_CODE.format(name=name, id=person.id, code=issued.code)
        finally:
            await services.close()

    print(asyncio.run(run()))
    return 0


def add_commands(sub, admin, with_db) -> None:
    p = with_db(
        sub.add_parser(
            "report",
            help="báo cáo thống kê của một xã/phường hoặc một tỉnh (json, xlsx, text)",
            description=(
                "Thống kê vụ việc hòa giải và chỉ tiêu QĐ 315 của một xã/phường hoặc tỉnh trong một kỳ."
            ),
        )
    )
    p.error = types.MethodType(_usage_error, p)
    p.add_argument(
        "action",
        nargs="?",
        choices=["submit"],
        help="submit: chốt số liệu của xã/phường cho kỳ (in ra số lần chốt)",
    )
    p.add_argument("--commune", help="mã xã/phường")
    p.add_argument("--province", help="mã tỉnh/thành phố")
    p.add_argument("--national", action="store_true", help="toàn quốc, theo tỉnh/thành phố")
    p.add_argument(
        "--submitted",
        action="store_true",
        help="số liệu đã chốt (lần chốt mới nhất của từng xã/phường) thay vì số liệu hiện tại",
    )
    p.add_argument("--by", help="với submit: người chốt số liệu (mã/tên, ghi vào nhật ký)")
    p.add_argument("--from", dest="date_from", help="ngày đầu kỳ, YYYY-MM-DD (tính cả ngày này)")
    p.add_argument("--to", dest="date_to", help="ngày cuối kỳ, YYYY-MM-DD (tính cả ngày này)")
    p.add_argument("--format", default="json", help="json (mặc định), xlsx hoặc text")
    p.add_argument("--out", help="ghi ra tệp (mặc định: màn hình; xlsx: bao-cao-MÃ-TỪ-ĐẾN.xlsx)")
    p.set_defaults(func=cmd_report)
    m = with_db(
        admin.add_parser("invite-ministry", help="tạo tài khoản cán bộ Bộ Tư pháp (xem số liệu toàn quốc)")
    )
    m.add_argument("--name", required=True, help="họ và tên")
    m.add_argument("--ref", help="mã người (chạy lại không tạo trùng)")
    m.add_argument("--telegram", help="gắn sẵn tài khoản Telegram (số id)")
    m.add_argument("--zalo", help="gắn sẵn tài khoản Zalo (id)")
    m.set_defaults(func=cmd_invite_ministry)
