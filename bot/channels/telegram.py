"""The Telegram channel: long polling by default, or a webhook protected by a secret token."""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import Update

from bot.app import build_application
from bot.config import Config, ConfigError

log = logging.getLogger(__name__)


#: Telegram's secret_token: 1–256 characters A-Z, a-z, 0-9, _ and - (setWebhook); we ask at least 16.
WEBHOOK_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,256}")


def check_telegram_config(config: Config, webhook: bool) -> None:
    if not config.bot_token:
        raise ConfigError(
            "BOT_TOKEN chưa được đặt (lấy token từ @BotFather). Chạy thử ngoại tuyến: mediator-bot chat"
        )
    if webhook:
        if not config.webhook_url:
            raise ConfigError("Chế độ webhook cần WEBHOOK_URL (địa chỉ https công khai của bot).")
        if not config.webhook_secret or not WEBHOOK_SECRET_PATTERN.fullmatch(config.webhook_secret):
            raise ConfigError(
                "Chế độ webhook cần WEBHOOK_SECRET dài 16–256 ký tự, chỉ gồm A-Z, a-z, 0-9, _ "
                "hoặc - (Telegram không nhận ký tự khác)."
            )


def run_telegram(config: Config, webhook: bool = False) -> None:
    check_telegram_config(config, webhook)
    app = build_application(config, channel="telegram")
    if webhook:
        from bot.channels.webhook import serve_webhook

        url = f"{(config.webhook_url or '').rstrip('/')}/{config.webhook_path}"  # checked above: set
        log.info("starting webhook on %s:%s, public url %s", config.webhook_listen, config.webhook_port, url)
        asyncio.run(
            serve_webhook(
                app,
                listen=config.webhook_listen,
                port=config.webhook_port,
                path=config.webhook_path,
                secret=config.webhook_secret or "",  # checked above: set
                public_url=url,
            )
        )
    else:
        log.info("starting long polling")
        app.run_polling(allowed_updates=Update.ALL_TYPES)
