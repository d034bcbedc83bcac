"""HTTP for the channels, both ways, with aiohttp.

- Outgoing: `AiohttpRequest`, a transport for python-telegram-bot: the same Bot API calls, with less CPU per
  request than the default httpx transport (measured by bench/throughput.py).
- Incoming: `HttpServer`, the web server the channels' webhook routes share (one per address and port): each
  channel adds its own routes to `HttpServer.web` — Telegram's in bot/channels/webhook.py, the Zalo Bot's and
  the Zalo OA's in bot/channels/zalo_server.py — so no channel's server depends on another's.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from aiohttp import web
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    def __init__(
        self, connection_pool_size: int = 64, read_timeout: float | None = 5.0, connect_timeout: float = 5.0
    ):
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        await self._opened()

    async def _opened(self) -> aiohttp.ClientSession:
        """The session, made (again, once closed) when needed."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ttl_dns_cache=300),
                timeout=aiohttp.ClientTimeout(total=None, connect=self._connect_timeout),
            )
        return self._session

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session if self._session is not None else await self._opened()
        read = self._read_timeout if read_timeout is BaseRequest.DEFAULT_NONE else read_timeout
        data: Any = None
        if request_data is not None:
            files = request_data.multipart_data
            if files:
                form = aiohttp.FormData()
                for name, value in request_data.json_parameters.items():
                    form.add_field(name, value)
                for name, part in files.items():
                    filename, content = part[0], part[1]
                    mimetype = part[2] if len(part) > 2 else None
                    form.add_field(
                        name,
                        content.read() if hasattr(content, "read") else content,
                        filename=filename,
                        content_type=mimetype,
                    )
                data = form
            else:
                data = request_data.json_parameters
        timeout = aiohttp.ClientTimeout(total=None, sock_read=read, connect=self._connect_timeout)
        try:
            async with session.request(method, url, data=data, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut() from exc
        except (aiohttp.ClientError, asyncio.IncompleteReadError) as exc:
            raise NetworkError(f"aiohttp: {exc!r}") from exc


# --- incoming: the webhook server ---------------------------------------------------------------------------
#: The largest request body a webhook takes (an update or an event is a few kilobytes).
MAX_BODY = 1024 * 1024


async def _hide_server(request: web.Request, response: web.StreamResponse) -> None:
    """No `Server: Python/… aiohttp/…` header: the software and its version are nobody's business."""
    response.headers.pop("Server", None)


def new_web_app() -> web.Application:
    """An aiohttp application for webhook routes: bodies up to MAX_BODY, no Server header in the answers."""
    web_app = web.Application(client_max_size=MAX_BODY)
    web_app.on_response_prepare.append(_hide_server)
    return web_app


class HttpServer:
    """An aiohttp server for the routes of one or several channels sharing one address and port."""

    def __init__(self, web_app: web.Application | None = None):
        self.web = web_app or new_web_app()
        self.runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self, listen: str, port: int) -> int:
        """Listen on `listen`:`port` (0: any free port); returns the port bound."""
        self.runner = web.AppRunner(self.web, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, listen, port)
        await site.start()
        self.port = int(self.runner.addresses[0][1])  # the bound socket's (host, port, …)
        return self.port

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None
