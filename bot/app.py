"""The application factory: one python-telegram-bot Application, whatever the channel."""

from __future__ import annotations

import logging
import warnings
from typing import Any
from zoneinfo import ZoneInfo

from telegram import LinkPreviewOptions
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest
from telegram.warnings import PTBUserWarning

import handlers
from bot.channels.http import AiohttpRequest
from bot.concurrency import PerChatUpdateProcessor
from bot.config import Config
from bot.container import Services
from bot.delivery import install as install_delivery
from bot.jobs import register as register_jobs
from bot.kb_sync import register as register_kb_sync
from bot.persistence import SqlitePersistence
from handlers.common import BotContext, ServiceApplication
from handlers.menu import bot_commands

log = logging.getLogger(__name__)

# Our conversations are per user and chat on purpose: a tap on an old message is answered by the flow's state.
warnings.filterwarnings("ignore", message=r".*per_message=False.*", category=PTBUserWarning)

LOCAL_TOKEN = "1:LOCAL-OFFLINE-TOKEN"


class MediatorApplication(ServiceApplication):
    """An Application that owns the services and knows its channel ('telegram', 'console', 'zalo')."""

    services: Services
    channel: str

    async def initialize(self) -> None:
        await self.services.open()
        await super().initialize()
        try:
            await self.bot.set_my_commands(bot_commands())
        except Exception:  # the command list is a convenience; never block start-up on it
            log.warning("could not register the command list", exc_info=True)

    async def process_update(self, update: object) -> None:
        await super().process_update(update)
        if isinstance(self.persistence, SqlitePersistence) and self.persistence.shared:
            # Another process may get this user's next update: save the state now, not at the next interval.
            await self.update_persistence()
            await self.persistence.flush()

    async def shutdown(self) -> None:
        await super().shutdown()
        await self.services.close()


def build_application(
    config: Config,
    *,
    channel: str = "telegram",
    request: BaseRequest | None = None,
    services: Services | None = None,
    rate_limit: bool | None = None,
) -> MediatorApplication:
    """Build the bot for `channel`; pass `request` to swap the transport (console, tests, Zalo)."""
    services = services or Services.build(config)
    token = config.bot_token or LOCAL_TOKEN
    # Any: the builder's type parameters change as it is configured (the rate limiter's arguments below)
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .application_class(MediatorApplication)
        .token(token)
        .base_url(config.telegram_base_url)
        .persistence(
            SqlitePersistence(
                services.db, update_interval=config.persistence_interval_s, shared=config.shares_state
            )
        )
        .context_types(ContextTypes(context=BotContext))
        .concurrent_updates(
            PerChatUpdateProcessor(
                config.concurrent_updates, chat_lock=services.db.chat_lock if config.shares_state else None
            )
        )
        .defaults(
            Defaults(
                tzinfo=ZoneInfo(config.timezone), link_preview_options=LinkPreviewOptions(is_disabled=True)
            )
        )
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    elif config.http_client == "httpx":  # python-telegram-bot's own transport (proxies, HTTP/2 options)
        builder = builder.connection_pool_size(max(8, 2 * config.concurrent_updates)).pool_timeout(10.0)
    else:
        # Concurrent updates need a connection pool; aiohttp spends less CPU per call than httpx.
        pool = max(8, 2 * config.concurrent_updates)
        builder = builder.request(AiohttpRequest(pool)).get_updates_request(
            AiohttpRequest(2, read_timeout=None)
        )
    if (rate_limit if rate_limit is not None else channel == "telegram") and config.rate_limit_per_s > 0:
        builder = builder.rate_limiter(
            AIORateLimiter(overall_max_rate=config.rate_limit_per_s, overall_time_period=1, max_retries=3)
        )
    app: MediatorApplication = builder.build()  # type: ignore[assignment]  # application_class above
    app.services = services
    app.channel = channel
    services.broadcasts.channels.add(channel)
    handlers.register_all(app)
    install_delivery(app)
    register_jobs(app)
    register_kb_sync(app)
    if config.shares_state:
        from bot.shared_state import register as register_shared_state

        register_shared_state(app)
    return app
