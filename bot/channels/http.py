"""An aiohttp transport for python-telegram-bot: the same Bot API calls, with less CPU per request than the
default httpx transport (measured by bench/throughput.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
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
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ttl_dns_cache=300),
                timeout=aiohttp.ClientTimeout(total=None, connect=self._connect_timeout),
            )

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
        if self._session is None:
            await self.initialize()
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
            async with self._session.request(method, url, data=data, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut() from exc
        except (aiohttp.ClientError, asyncio.IncompleteReadError) as exc:
            raise NetworkError(f"aiohttp: {exc!r}") from exc
