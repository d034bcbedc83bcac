"""Several channels in one process: one MediatorApplication per channel, sharing one Services (one database).

`mediator-bot run --channel telegram,zalo` runs both concurrently in one asyncio loop (initialize/start and
the updaters or webhook servers of each application — not run_polling() twice).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from telegram import Update
from telegram.error import InvalidToken

from bot.app import MediatorApplication, build_application
from bot.channels.telegram import ConfigError, check_telegram_config
from bot.channels.zalo import ZaloConfig, ZaloFiles, ZaloRequest
from bot.channels.zalo_server import ZaloServer
from bot.config import Config
from bot.container import Services
from storage.zalo import ZaloStore

log = logging.getLogger(__name__)

CHANNELS = ("telegram", "zalo")


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
    server: ZaloServer | None = None
    polling: bool = False


def build_zalo(config: Config, zalo: ZaloConfig, services: Services) -> tuple[MediatorApplication, ZaloRequest]:
    """The Zalo application: the same handlers over ZaloRequest."""
    files = ZaloFiles(Path(config.database_path).parent / "zalo-files", zalo.files_url)
    request = ZaloRequest(zalo.token or "", ZaloStore(services.db), base_url=zalo.base_url, files=files,
                          bot_username=config.bot_username)
    # python-telegram-bot only sees a placeholder token; the Zalo token stays inside ZaloRequest.
    app = build_application(replace(config, bot_token=None), channel="zalo", request=request, services=services,
                            rate_limit=True)
    return app, request


async def serve(config: Config, channels: list[str], webhook: bool = False, zalo: ZaloConfig | None = None,
                stop: asyncio.Event | None = None, on_ready: Callable[[dict[str, Running]], None] | None = None) -> None:
    """Run the channels until `stop` is set (or SIGINT/SIGTERM)."""
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown or not channels:
        raise ConfigError(f"Kênh chưa hỗ trợ: {', '.join(unknown) or '(trống)'} (dùng: {', '.join(CHANNELS)})")
    zalo = zalo or ZaloConfig.from_env()
    if "telegram" in channels:
        check_telegram_config(config, webhook)
    if "zalo" in channels:
        zalo.check(webhook)
    services = SharedServices.build(config)
    running: dict[str, Running] = {}
    requests: dict[str, ZaloRequest] = {}
    if "telegram" in channels:
        running["telegram"] = Running(build_application(config, channel="telegram", services=services))
    if "zalo" in channels:
        app, requests["zalo"] = build_zalo(config, zalo, services)
        running["zalo"] = Running(app)
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
    initialized: list[MediatorApplication] = []
    try:
        for name, run in running.items():
            try:
                await run.app.initialize()
            except InvalidToken as exc:
                variable = "ZALO_BOT_TOKEN" if name == "zalo" else "BOT_TOKEN"
                raise ConfigError(f"{variable} không hợp lệ (máy chủ {name} từ chối token).") from exc
            initialized.append(run.app)
        for name, run in running.items():
            if name == "telegram":
                if webhook:
                    url = f"{config.webhook_url.rstrip('/')}/{config.webhook_path}"
                    await run.app.updater.start_webhook(
                        listen=config.webhook_listen, port=config.webhook_port, url_path=config.webhook_path,
                        secret_token=config.webhook_secret, webhook_url=url, allowed_updates=Update.ALL_TYPES)
                else:
                    await run.app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
                run.polling = True
            else:
                request = requests["zalo"]
                if webhook or zalo.files_url:
                    run.server = ZaloServer(run.app, request, zalo.webhook_path, zalo.webhook_secret,
                                            files=request.files, webhook=webhook)
                    port = await run.server.start(zalo.webhook_listen, zalo.webhook_port)
                    log.info("Zalo server on %s:%s", zalo.webhook_listen, port)
                if webhook:
                    await request.call("setWebhook", {"url": zalo.public_webhook_url,
                                                      "secret_token": zalo.webhook_secret})
                    log.info("Zalo webhook set to %s", zalo.public_webhook_url)
                else:
                    await run.app.updater.start_polling(poll_interval=0, timeout=zalo.poll_timeout)
                    run.polling = True
            await run.app.start()
            log.info("channel %s started (%s)", name, "webhook" if webhook else "long polling")
        if on_ready is not None:
            on_ready(running)
        await stop.wait()
    finally:
        for run in running.values():
            with contextlib.suppress(Exception):
                if run.polling and run.app.updater.running:
                    await run.app.updater.stop()
            if run.server is not None:
                await run.server.stop()
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
