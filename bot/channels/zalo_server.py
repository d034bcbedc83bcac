"""The Zalo webhook (and file) server: tornado, in the application's event loop.

POST /<path> with the `X-Bot-Api-Secret-Token` header equal to the secret given to setWebhook: the Zalo
event is translated by `ZaloRequest.translate` and put on the application's update queue. Any request on
that path without the right secret is refused with 403, before its body is read as JSON.
GET /<path>/files/<token>/<name>: a file the bot sent as a link (see `ZaloFiles`).
"""

from __future__ import annotations

import hmac
import json
import logging
import mimetypes

import tornado.httpserver
import tornado.web
from telegram import Update
from telegram.ext import Application

from bot.channels.zalo import SECRET_HEADER, ZaloFiles, ZaloRequest

log = logging.getLogger(__name__)


class _WebhookHandler(tornado.web.RequestHandler):
    def initialize(self, app: Application, zalo: ZaloRequest, secret: str) -> None:
        self.app = app
        self.zalo = zalo
        self.secret = secret

    def prepare(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not self.secret or not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("Zalo webhook: request without the right secret token refused")
            self.set_status(403)
            self.finish({"message": "Unauthorized"})

    async def post(self) -> None:
        try:
            body = json.loads(self.request.body or b"null")
        except ValueError:
            self.set_status(400)
            self.finish({"message": "Bad Request"})
            return
        update = await self.zalo.translate(body)
        if update is not None:
            await self.app.update_queue.put(Update.de_json(update, self.app.bot))
        self.finish({"message": "Success"})

    def check_xsrf_cookie(self) -> None:
        return None


class _FileHandler(tornado.web.RequestHandler):
    def initialize(self, files: ZaloFiles) -> None:
        self.files = files

    def get(self, token: str, name: str) -> None:
        path = self.files.find(token)
        if path is None:
            raise tornado.web.HTTPError(404)
        self.set_header("Content-Type", mimetypes.guess_type(path.name)[0] or "application/octet-stream")
        self.set_header("Content-Disposition", f"attachment; filename*=UTF-8''{tornado.escape.url_escape(path.name)}")
        self.set_header("Cache-Control", "private, max-age=3600")
        self.finish(path.read_bytes())


class ZaloServer:
    """The HTTP server of the Zalo channel (webhook and/or files)."""

    def __init__(self, app: Application, request: ZaloRequest, path: str, secret: str | None,
                 files: ZaloFiles | None = None, webhook: bool = True):
        routes: list = []
        path = path.strip("/")
        if webhook:
            routes.append((rf"/{path}/?", _WebhookHandler, {"app": app, "zalo": request, "secret": secret or ""}))
        if files is not None:
            routes.append((rf"/{path}/files/([A-Za-z0-9_\-]+)/([^/]+)", _FileHandler, {"files": files}))
        self.web = tornado.web.Application(routes)
        self.server: tornado.httpserver.HTTPServer | None = None
        self.port: int | None = None

    async def start(self, listen: str, port: int) -> int:
        self.server = tornado.httpserver.HTTPServer(self.web, xheaders=True, max_body_size=1024 * 1024)
        sockets = tornado.netutil.bind_sockets(port, listen)
        self.server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            await self.server.close_all_connections()
            self.server = None
