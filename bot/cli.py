"""The command line: `mediator-bot …` and `python -m bot …`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from importlib import import_module
from pathlib import Path

from bot.config import Config, ConfigError
from bot.logs import setup_logging

#: Modules that add the commands of a capability: each has add_commands(sub, admin, with_db).
EXTENSIONS: list[str] = [
    "bot.cli_ops",
    "bot.cli_cases",
    "bot.cli_library",
    "bot.cli_kb",
    "bot.cli_stats",
    "bot.cli_logbook",
    "bot.cli_dbcopy",
    "bot.cli_pay",
    "bot.cli_org",
]


def _services(args: argparse.Namespace):
    from bot.container import Services

    config = Config.from_env().with_overrides(database_path=getattr(args, "db", None))
    return Services.build(config)


# --- run ---------------------------------------------------------------------------------------------------
def cmd_run(args: argparse.Namespace) -> int:
    from bot.channels.telegram import ConfigError, run_telegram

    config = Config.from_env().with_overrides(database_path=args.db)
    setup_logging(config.log_level, config.log_json)
    channels = [c.strip() for c in args.channel.split(",") if c.strip()]
    try:
        if channels == ["telegram"]:
            run_telegram(config, webhook=args.webhook)
        else:  # Zalo, or several channels in one process (bot/channels/runner.py)
            from bot.channels.runner import run_channels

            run_channels(config, channels, webhook=args.webhook)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


# --- chat (offline console) --------------------------------------------------------------------------------
def cmd_chat(args: argparse.Namespace) -> int:
    from bot.app import build_application
    from bot.channels.console import run_console
    from bot.channels.local import LocalBotApi, LocalRequest
    from bot.container import Services
    from bot.demo import DEMO_INVITE, DEMO_USERS, seed_demo, seed_demo_year
    from services.registration import format_code

    config = Config.from_env().with_overrides(database_path=args.db)
    setup_logging("WARNING" if not args.verbose else "INFO")
    user_id, name = DEMO_USERS[args.as_role]

    async def main() -> None:
        services = Services.build(config)
        await services.open()
        if await seed_demo(services):
            cases = await seed_demo_year(services)
            print(
                f"Đã tạo dữ liệu mẫu trong {config.database_path} (mã mời thử: {format_code(DEMO_INVITE)}; "
                f"{cases} vụ việc trong 12 tháng qua)."
            )
        api = LocalBotApi(bot_username=config.bot_username)
        app = build_application(config, channel="console", request=LocalRequest(api), services=services)
        print(await demo_banner(services, args.as_role))
        await run_console(
            app,
            api,
            user_id,
            name,
            files_dir=config.files_dir / "console-files",
            personas=DEMO_USERS,
            banner=lambda key: demo_banner(services, key),
        )

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    return 0


async def demo_banner(services, role: str) -> str:
    """Who the console speaks as: the demo person's name and role as registered now (a guest who registered
    is no longer shown as unregistered)."""
    from bot import messages as msg
    from bot.demo import DEMO_USERS

    user_id, name = DEMO_USERS[role]
    person = await services.directory.person_by_identity("console", str(user_id))
    from handlers.common import name_and_role

    who = name_and_role(person) if person is not None else msg.CHAT_AS_GUEST.format(name=name)
    return msg.CHAT_BANNER.format(key=role, who=who, roles=", ".join(DEMO_USERS))


# --- admin -------------------------------------------------------------------------------------------------
def org_file_problem(problem) -> str:
    """One problem of an organisation file (services.org_loader.Problem), in words: 'communes[0]: …'."""
    from bot import messages as msg

    text = msg.ORG_FILE_PROBLEMS[problem.code].format(**problem.params)
    return f"{problem.where}: {text}" if problem.where else text


def cmd_load_org(args: argparse.Namespace) -> int:
    from bot import messages as msg
    from services.org_loader import OrgFileError, load_org, read_org_file

    async def main() -> int:
        services = _services(args)
        await services.open()
        try:
            summary = await load_org(read_org_file(args.file), services.org, services.people)
        except OrgFileError as exc:
            print(msg.ORG_FILE_FAILED, file=sys.stderr)
            for problem in exc.problems:
                print(f"  - {org_file_problem(problem)}", file=sys.stderr)
            return 1
        finally:
            await services.close()
        print(
            f"Đã nạp: {summary.provinces} tỉnh, {summary.communes} xã/phường, {summary.teams} tổ hòa giải, "
            f"{summary.people} người."
        )
        return 0

    if not Path(args.file).is_file():
        print(f"Không thấy tệp {args.file}", file=sys.stderr)
        return 1
    return asyncio.run(main())


def local_time(iso: str, timezone: str) -> str:
    """A stored UTC time as people read it: "17/12/2025 23:59" in the bot's time zone."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(iso).astimezone(ZoneInfo(timezone)).strftime("%d/%m/%Y %H:%M")


def cmd_invite(args: argparse.Namespace) -> int:
    from services.models import Role
    from services.registration import format_code

    async def main() -> int:
        services = _services(args)
        await services.open()
        try:
            commune = await lookup_code(services, "commune", args.commune)
            if commune is None:
                return 1
            team_id = None
            if args.team:
                team = await lookup_code(services, "team", args.team)
                if team is None:
                    return 1
                if team.commune_id != commune.id:
                    print(f"Không có tổ {args.team} thuộc {commune.name}", file=sys.stderr)
                    return 1
                team_id = team.id
            try:
                invite = await services.registration.create_invite(
                    None, commune.id, Role(args.role), team_id=team_id, max_uses=args.uses, days=args.days
                )
            except ValueError as exc:
                print(f"Không tạo được mã: {exc}", file=sys.stderr)
                return 1
            username = services.config.bot_username
            expires = local_time(invite.expires_at, services.config.timezone)
            print(
                f"{format_code(invite.code)}\thttps://t.me/{username}?start={invite.code}\t"
                f"{args.role}\t{invite.max_uses} lượt\thết hạn {expires}"
            )
            return 0
        finally:
            await services.close()

    return asyncio.run(main())


def cmd_migrate(args: argparse.Namespace) -> int:
    async def main() -> int:
        services = _services(args)
        await services.db.open(migrate=False)
        applied = await services.db.migrate()
        version = await services.db.schema_version()
        await services.close()
        print(f"Phiên bản CSDL: {version}" + (f" (vừa áp dụng: {applied})" if applied else " (đã mới nhất)"))
        return 0

    return asyncio.run(main())


async def lookup_code(services, kind: str, code: str):
    """The province, commune or team with this code, in any case ("ml" is ML); when there is none, the valid
    codes are printed and None is returned."""
    from bot import messages as msg

    codes = await services.directory.codes(kind)
    wanted = (code or "").strip()
    match = wanted if wanted in codes else next((c for c in codes if c.upper() == wanted.upper()), None)
    if match is None:
        shown = ", ".join(codes[:60]) + (" …" if len(codes) > 60 else "")
        print(
            msg.CLI_UNKNOWN_CODE.format(kind=msg.CLI_CODE_KINDS[kind], code=code, codes=shown or "—"),
            file=sys.stderr,
        )
        return None
    return await services.directory.by_code(kind, match)


def build_parser() -> argparse.ArgumentParser:
    from bot.cli_i18n import install

    install()
    parser = argparse.ArgumentParser(prog="mediator-bot", description="Trợ lý Hòa giải ở cơ sở")
    sub = parser.add_subparsers(dest="command", required=True)

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--db", help="tệp SQLite (mặc định DATABASE_PATH hoặc ./data/mediator.db)")
        return p

    run = with_db(sub.add_parser("run", help="chạy bot Telegram/Zalo (long polling hoặc --webhook)"))
    run.add_argument(
        "--webhook", action="store_true", help="nhận cập nhật qua webhook (WEBHOOK_URL, WEBHOOK_SECRET)"
    )
    run.add_argument(
        "--channel",
        default="telegram",
        help="kênh: telegram, zalo, oa (Zalo OA) hoặc kết hợp, ví dụ telegram,zalo,oa",
    )
    run.set_defaults(func=cmd_run)

    from bot.demo import DEMO_USERS

    chat = with_db(sub.add_parser("chat", help="trò chuyện với bot ngay trên máy, không cần mạng"))
    chat.add_argument(
        "--as",
        dest="as_role",
        choices=list(DEMO_USERS),
        default="mediator",
        help="đóng vai người dùng mẫu (mặc định: mediator)",
    )
    chat.add_argument("--verbose", action="store_true")
    chat.set_defaults(func=cmd_chat)

    admin = sub.add_parser("admin", help="việc quản trị").add_subparsers(dest="admin_command", required=True)
    load = with_db(admin.add_parser("load-org", help="nạp danh sách tỉnh/xã/tổ/người từ tệp YAML"))
    load.add_argument("file")
    load.set_defaults(func=cmd_load_org)
    invite = with_db(admin.add_parser("invite", help="tạo mã mời"))
    invite.add_argument("--commune", required=True, help="mã xã/phường")
    invite.add_argument("--team", help="mã tổ hòa giải (bỏ trống: người dùng tự chọn tổ)")
    invite.add_argument(
        "--role",
        default="mediator",
        choices=["mediator", "team_leader", "commune_official", "province_official"],
    )
    invite.add_argument("--uses", type=int, default=1, help="số người dùng được (mặc định 1)")
    invite.add_argument("--days", type=int, default=14, help="số ngày hiệu lực (mặc định 14)")
    invite.set_defaults(func=cmd_invite)
    migrate = with_db(admin.add_parser("migrate", help="cập nhật cấu trúc CSDL"))
    migrate.set_defaults(func=cmd_migrate)
    for name in EXTENSIONS:
        import_module(name).add_commands(sub, admin, with_db)
    return parser


def main(argv: list[str] | None = None) -> int:
    from bot.startup import problem

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except Exception as exc:  # a start-up failure the operator can fix: one line, exit code 2
        where = getattr(args, "db", None)
        if where is None and not isinstance(exc, ConfigError):
            where = Config.from_env().database_path
        text = problem(exc, where=str(where or ""))
        if text is None:
            raise
        print(text, file=sys.stderr)
        return 2
