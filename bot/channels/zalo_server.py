"""The Zalo webhook (and file) routes: aiohttp, in the application's event loop, added to the channels' shared
web server (bot/channels/http.HttpServer).

POST /<path> with the `X-Bot-Api-Secret-Token` header equal to the secret given to setWebhook: the Zalo
event (wrapped or bare) is checked, translated by `ZaloRequest.translate` and handled before the answer
(`handle_event`); a malformed body gets 400, a repeated delivery is dropped. Any request on that path without
the right secret is refused with 403 before its body is read.
GET /<path>/files/<token>/<name>: a file the bot sent as a link (see `ZaloFiles`).
"""

from __future__ import annotations

import hmac
import json
import logging
import mimetypes
from urllib.parse import quote

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.channels.oa import SIGNATURE_HEADER, OaRequest, to_bot_event, verify
from bot.channels.zalo import SECRET_HEADER, BadEvent, ZaloFiles, ZaloRequest, event_key, unwrap
from bot.config import OaConfig
from storage.zalo import BUSY, DONE

log = logging.getLogger(__name__)


def parse_body(raw: bytes) -> dict:
    """The Zalo event in a webhook body; BadEvent for anything else (not JSON, not an object, nested too deep,
    fields of the wrong type)."""
    try:
        body = json.loads(raw or b"null")
    except (ValueError, RecursionError) as exc:
        raise BadEvent("not JSON") from exc
    return unwrap(body)


async def handle_event(app: Application, request: ZaloRequest, event: dict, key: str | None) -> web.Response:
    """Handle one webhook event *before* answering: once Zalo has its 200 it never sends the event again, so a
    process killed before handling it would lose it; killed mid-event, it drops the connection instead and the
    event was never acknowledged. A repeated delivery (same `key`: event and message id) is answered 200 and
    dropped; one that another process is handling right now gets 503 (not acknowledged: it may be sent
    again)."""
    if key is not None:
        state = await request.events.claim(key)
        if state == DONE:
            log.info("Zalo event delivered again: dropped")
            return web.json_response({"message": "Success"})
        if state == BUSY:
            return web.json_response({"message": "Busy"}, status=503)
    try:
        raw_update = await request.translate(event)
        update = Update.de_json(raw_update, app.bot) if raw_update is not None else None
        if update is not None:
            await app.update_processor.process_update(update, app.process_update(update))
    except BaseException:
        if key is not None:
            await request.events.release(key)
        raise
    if key is not None:
        await request.events.finish(key)
    return web.json_response({"message": "Success"})


def add_zalo_routes(
    web_app: web.Application,
    app: Application,
    request: ZaloRequest,
    path: str,
    secret: str | None,
    files: ZaloFiles | None = None,
    webhook: bool = True,
) -> None:
    path = path.strip("/")

    async def receive(http: web.Request) -> web.Response:
        given = http.headers.get(SECRET_HEADER, "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("Zalo webhook: request without the right secret token refused")
            return web.json_response({"message": "Unauthorized"}, status=403)
        if http.method != "POST":
            return web.json_response({"message": "Method Not Allowed"}, status=405)
        try:
            event = parse_body(await http.read())
        except BadEvent as exc:
            log.warning("Zalo webhook: malformed body refused (%s)", exc)
            return web.json_response({"message": "Bad Request"}, status=400)
        return await handle_event(app, request, event, event_key(event))

    async def download(http: web.Request) -> web.StreamResponse:
        found = files.find(http.match_info["token"]) if files else None
        if found is None:
            raise web.HTTPNotFound()
        return web.Response(
            body=found.read_bytes(),
            headers={
                "Content-Type": mimetypes.guess_type(found.name)[0] or "application/octet-stream",
                "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.name)}",
                "Cache-Control": "private, max-age=3600",
            },
        )

    if webhook:
        web_app.router.add_route("*", f"/{path}", receive)
    if files is not None:
        web_app.router.add_get(f"/{path}/files/{{token}}/{{name}}", download)


def add_oa_routes(web_app: web.Application, app: Application, request: OaRequest, config: OaConfig) -> None:
    """POST /<ZALO_OA_WEBHOOK_PATH>: the Official Account's events, signed (X-ZEvent-Signature); a missing,
    wrong or stale signature gets 403, a malformed body 400; each event is handled before the answer."""
    path = config.webhook_path.strip("/")

    async def receive(http: web.Request) -> web.Response:
        if http.method != "POST":
            return web.json_response({"message": "Method Not Allowed"}, status=405)
        try:
            body = verify(config, await http.read(), http.headers.get(SIGNATURE_HEADER))
            bot_event = to_bot_event(body)
        except PermissionError as exc:
            log.warning("Zalo OA webhook: request refused (%s)", exc)
            return web.json_response({"message": "Forbidden"}, status=403)
        except BadEvent as exc:
            log.warning("Zalo OA webhook: malformed body refused (%s)", exc)
            return web.json_response({"message": "Bad Request"}, status=400)
        if bot_event is None:
            return web.json_response({"message": "Success"})
        return await handle_event(app, request, body, event_key(bot_event))

    web_app.router.add_route("*", f"/{path}", receive)
    if request.files is not None:
        add_zalo_routes(web_app, app, request, path, None, files=request.files, webhook=False)
