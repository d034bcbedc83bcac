"""Webhook mode: Telegram's routes on the channels' web server (bot/channels/http.HttpServer) in front of the
Application (python-telegram-bot's custom-webhook pattern).

POST /<WEBHOOK_PATH> takes Telegram updates — only with the secret token header, anything else is refused —
and answers once the update is handled (in per-chat order, concurrently across chats). GET /healthz answers
whether the bot and its database are up (for a reverse proxy or an orchestrator).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal

from aiohttp import web
from telegram import Update

from bot.app import MediatorApplication
from bot.channels.http import HttpServer
from bot.concurrency import PerChatUpdateProcessor
from storage.handled_updates import HandledUpdates

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def add_telegram_routes(web_app: web.Application, app: MediatorApplication, path: str, secret: str) -> None:
    """POST /<path>: Telegram's updates; GET /healthz: whether the bot and its database are up."""
    if isinstance(app.update_processor, PerChatUpdateProcessor):
        app.update_processor.once = HandledUpdates(app.services.db, app.channel)  # each update handled once

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("webhook request refused: wrong or missing secret token")
            return web.Response(status=403, text="forbidden")
        update = await _parse_update(request, app)
        if update is None:
            return web.Response(status=400, text="bad update")
        # Handled before the answer, not queued: once Telegram has its 200 the update is never sent again, so
        # a process killed before handling it would lose it. A process killed mid-update drops the connection
        # instead, and the proxy passes the update on to another process (deploy/nginx.conf).
        await app.update_processor.process_update(update, app.process_update(update))
        return web.Response(text="ok")

    async def health(request: web.Request) -> web.Response:
        """Status only: an anonymous probe learns nothing about the software or why the database failed."""
        healthy = app.running
        if healthy:
            try:
                await asyncio.wait_for(app.services.db.fetchone("SELECT 1"), 2)
            except Exception:  # report, do not crash the probe (the reason goes to the log only)
                log.warning("health check: database unavailable", exc_info=True)
                healthy = False
        return web.json_response({"status": "ok" if healthy else "error"}, status=200 if healthy else 503)

    web_app.router.add_post(f"/{path.strip('/')}", receive)
    web_app.router.add_get("/healthz", health)


#: Deeper JSON than this is not a Telegram update (and json would recurse on it).
MAX_DEPTH = 32


def _depth(value: object, limit: int = MAX_DEPTH) -> bool:
    """Whether `value` nests no deeper than `limit` (iterative: never recurses on hostile input)."""
    stack = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if level > limit:
            return False
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return True


async def _parse_update(request: web.Request, app: MediatorApplication) -> Update | None:
    """The update in the body, or None for anything that is not one: not JSON, not an object, no integer
    update_id, nested too deep, fields of the wrong type (answered 400, never 500)."""
    try:
        data = json.loads(await request.read())
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return None
    if not isinstance(data, dict) or not _depth(data):
        return None
    update_id = data.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        return None
    try:
        return Update.de_json(data, app.bot)
    except Exception:  # noqa: BLE001 — whatever the library raises on a body of the wrong shape
        log.info("webhook: body is not a valid update (update_id %s)", update_id)
        return None


async def serve_webhook(
    app: MediatorApplication,
    *,
    listen: str,
    port: int,
    path: str,
    secret: str,
    public_url: str | None,
    stop: asyncio.Event | None = None,
) -> None:
    """Run until `stop` is set (or SIGINT/SIGTERM): start the app, register the webhook, serve."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            pass
    server = HttpServer()
    add_telegram_routes(server.web, app, path, secret)
    async with app:
        await app.start()
        if public_url:
            await app.bot.set_webhook(url=public_url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
        await server.start(listen, port)
        log.info("webhook server on %s:%s /%s (health: /healthz)", listen, port, path)
        try:
            await stop.wait()
        finally:
            await server.stop()
            await app.stop()
