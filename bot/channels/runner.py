"""Several channels in one process: one MediatorApplication per channel, sharing one Services (one database).

`mediator-bot run --channel telegram,zalo,oa` runs them concurrently in one asyncio loop (initialize/start and
the updaters or webhook servers of each application — not run_polling() twice).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass, replace

from telegram import Update
from telegram.error import InvalidToken
from telegram.ext import Updater

from bot.app import MediatorApplication, build_application
from bot.channels.http import HttpServer
from bot.channels.oa import OaRequest, build_tokens
from bot.channels.telegram import ConfigError, check_telegram_config
from bot.channels.zalo import ZaloFiles, ZaloRequest
from bot.channels.zalo_server import add_oa_routes, add_zalo_routes
from bot.config import Config, OaConfig, ZaloConfig
from bot.container import Services
from storage.oa import OaWindows
from storage.zalo import ZaloStore

log = logging.getLogger(__name__)

CHANNELS = ("telegram", "zalo", "oa")


@dataclass
class SharedServices(Services):
    """Services opened by several applications: the database closes when the last one shuts down."""

    holders: int = 0

    async def open(self) -> None:
        self.holders += 1
        await super().open()

    async def close(self) -> None:
        self.holders -= 1
        if self.holders <= 0:
            await super().close()


@dataclass
class Running:
    app: MediatorApplication
    server: HttpServer | None = None
    polling: bool = False


def build_zalo(
    config: Config, zalo: ZaloConfig, services: Services
) -> tuple[MediatorApplication, ZaloRequest]:
    """The Zalo application: the same handlers over ZaloRequest."""
    files = ZaloFiles(config.files_dir / "zalo-files", zalo.files_url)
    request = ZaloRequest(
        zalo.token or "",
        ZaloStore(services.db),
        base_url=zalo.base_url,
        files=files,
        bot_username=config.bot_username,
    )
    # python-telegram-bot only sees a placeholder token; the Zalo token stays inside ZaloRequest.
    app = build_application(
        replace(config, bot_token=None), channel="zalo", request=request, services=services, rate_limit=True
    )
    return app, request


def _updater(app: MediatorApplication) -> Updater:
    """The updater of an application that polls (build_application makes one for every channel)."""
    if app.updater is None:
        raise RuntimeError("an application without an updater cannot poll")
    return app.updater


def build_oa(config: Config, oa: OaConfig, services: Services) -> tuple[MediatorApplication, OaRequest]:
    """The Zalo Official Account application: the same handlers over OaRequest."""
    files = ZaloFiles(config.files_dir / "zalo-files", oa.files_url)
    holder: list[OaRequest] = []
    tokens = build_tokens(services.db, oa, holder)
    request = OaRequest(
        oa,
        ZaloStore(services.db),
        tokens,
        OaWindows(services.db),
        files=files,
        bot_username=config.bot_username,
    )
    holder.append(request)
    app = build_application(
        replace(config, bot_token=None), channel="oa", request=request, services=services, rate_limit=True
    )
    return app, request


async def serve(
    config: Config,
    channels: list[str],
    webhook: bool = False,
    zalo: ZaloConfig | None = None,
    stop: asyncio.Event | None = None,
    on_ready: Callable[[dict[str, Running]], None] | None = None,
    oa: OaConfig | None = None,
) -> None:
    """Run the channels until `stop` is set (or SIGINT/SIGTERM)."""
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown or not channels:
        raise ConfigError(
            f"Kênh chưa hỗ trợ: {', '.join(unknown) or '(trống)'} (dùng: {', '.join(CHANNELS)})"
        )
    zalo = zalo or config.zalo
    oa = oa or config.oa
    if "telegram" in channels:
        check_telegram_config(config, webhook)
    if "zalo" in channels:
        zalo.check(webhook)
    if "oa" in channels:
        oa.check()
    services = SharedServices.build(config)
    running: dict[str, Running] = {}
    requests: dict[str, ZaloRequest] = {}
    if "telegram" in channels:
        running["telegram"] = Running(build_application(config, channel="telegram", services=services))
    if "zalo" in channels:
        app, requests["zalo"] = build_zalo(config, zalo, services)
        running["zalo"] = Running(app)
    if "oa" in channels:
        app, requests["oa"] = build_oa(config, oa, services)
        running["oa"] = Running(app)
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
    initialized: list[MediatorApplication] = []
    servers: dict[tuple[str, int], HttpServer] = {}
    try:
        for name, run in running.items():
            try:
                await run.app.initialize()
            except InvalidToken as exc:
                variable = {"zalo": "ZALO_BOT_TOKEN", "oa": "ZALO_OA_REFRESH_TOKEN"}.get(name, "BOT_TOKEN")
                raise ConfigError(f"{variable} không hợp lệ (máy chủ {name} từ chối token).") from exc
            initialized.append(run.app)

        def server_at(listen: str, port: int) -> HttpServer:
            return servers.setdefault((listen, port), HttpServer())

        for name, run in running.items():
            if name == "telegram":
                if webhook:
                    from bot.channels.webhook import add_telegram_routes

                    # Telegram's routes (secret check, /healthz); Zalo's join them when they share the port.
                    run.server = server_at(config.webhook_listen, config.webhook_port)
                    add_telegram_routes(
                        run.server.web, run.app, config.webhook_path, config.webhook_secret or ""
                    )
                else:
                    await _updater(run.app).start_polling(allowed_updates=Update.ALL_TYPES)
                    run.polling = True
            elif (
                name == "oa"
            ):  # the OA has no long polling: its webhook (set in the developers' console) always
                run.server = server_at(oa.webhook_listen, oa.webhook_port)
                oa_request = requests["oa"]
                if not isinstance(oa_request, OaRequest):  # build_oa makes one
                    raise TypeError(f"the OA channel runs over OaRequest, not {type(oa_request).__name__}")
                add_oa_routes(run.server.web, run.app, oa_request, oa)
            else:
                request = requests["zalo"]
                if webhook or zalo.files_url:
                    run.server = server_at(zalo.webhook_listen, zalo.webhook_port)
                    add_zalo_routes(
                        run.server.web,
                        run.app,
                        request,
                        zalo.webhook_path,
                        zalo.webhook_secret,
                        files=request.files,
                        webhook=webhook,
                    )
                if not webhook:
                    await _updater(run.app).start_polling(poll_interval=0, timeout=zalo.poll_timeout)
                    run.polling = True
            await run.app.start()
        for (listen, port), server in servers.items():
            bound = await server.start(listen, port)
            log.info("web server on %s:%s", listen, bound)
        if webhook and "telegram" in running:
            url = f"{(config.webhook_url or '').rstrip('/')}/{config.webhook_path}"  # checked: set
            await running["telegram"].app.bot.set_webhook(
                url=url, secret_token=config.webhook_secret, allowed_updates=Update.ALL_TYPES
            )
        if webhook and "zalo" in running:
            await requests["zalo"].call(
                "setWebhook", {"url": zalo.public_webhook_url, "secret_token": zalo.webhook_secret}
            )
        for name in running:
            log.info("channel %s started (%s)", name, "webhook" if webhook else "long polling")
        if on_ready is not None:
            on_ready(running)
        await stop.wait()
    finally:
        for server in servers.values():
            await server.stop()
        for run in running.values():
            with contextlib.suppress(Exception):
                if run.polling and run.app.updater is not None and run.app.updater.running:
                    await run.app.updater.stop()
            with contextlib.suppress(Exception):
                if run.app.running:
                    await run.app.stop()
        for app in initialized:
            try:
                await app.shutdown()
            except Exception:
                log.warning("shutdown of %s failed", app.channel, exc_info=True)
        if not initialized:
            await services.db.close()


def run_channels(config: Config, channels: list[str], webhook: bool = False) -> None:
    asyncio.run(serve(config, channels, webhook))
