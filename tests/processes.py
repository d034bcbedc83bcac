"""Real bot processes (`python -m bot run`) against the local Bot API emulator, for tests and benchmarks.

`start_bot` starts one process on a database (SQLite file or PostgreSQL URL), by long polling or as a webhook
server on its own loopback port; `WebhookFront` plays Telegram's webhook delivery and the reverse proxy in
front of several processes: it posts an update to the process the test chooses, with the secret token.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bot.channels import numbered
from bot.channels.local import LocalBotApi
from bot.config import Config
from bot.container import Services
from bot.demo import seed_demo
from tests.emulator import BotApiEmulator

ROOT = Path(__file__).resolve().parent.parent
WEBHOOK_SECRET = "multi-process-secret-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def start_bot(
    emulator: BotApiEmulator,
    database: str,
    log_file,
    *,
    ceiling: float = 25.0,
    webhook_port: int | None = None,
    env: dict[str, str] | None = None,
) -> asyncio.subprocess.Process:
    """`python -m bot run` (long polling, or webhook on 127.0.0.1:`webhook_port`) with its output in
    `log_file`."""
    environ = {
        **os.environ,
        "BOT_TOKEN": emulator.token,
        "TELEGRAM_BASE_URL": emulator.base_url,
        "DATABASE_URL": database,
        "RATE_LIMIT_PER_S": str(ceiling),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        **(env or {}),
    }
    environ.pop("DATABASE_PATH", None)
    args = [sys.executable, "-m", "bot", "run"]
    if webhook_port is not None:
        environ.update(
            WEBHOOK_URL="https://bot.example.vn",
            WEBHOOK_SECRET=WEBHOOK_SECRET,
            WEBHOOK_LISTEN="127.0.0.1",
            WEBHOOK_PORT=str(webhook_port),
        )
        args.append("--webhook")
    return await asyncio.create_subprocess_exec(
        *args, env=environ, cwd=str(ROOT), stdout=log_file, stderr=log_file
    )


async def stop_bot(process: asyncio.subprocess.Process, timeout_s: float = 20.0) -> None:
    """SIGTERM and wait (SIGKILL after `timeout_s`)."""
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), timeout_s)
    except TimeoutError:
        process.kill()
        await process.wait()


class WebhookFront:
    """Telegram's webhook delivery through a reverse proxy to several bot processes (one port each)."""

    def __init__(
        self, api: LocalBotApi, ports: list[int], path: str = "telegram", secret: str = WEBHOOK_SECRET
    ):
        self.api = api
        self.ports = ports
        self.path = path
        self.secret = secret
        self.session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> WebhookFront:
        self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.session is not None:
            await self.session.close()

    async def ready(self, timeout_s: float = 60.0) -> None:
        """Wait until every process answers /healthz."""
        assert self.session is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        for port in self.ports:
            while True:
                try:
                    async with self.session.get(f"http://127.0.0.1:{port}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                if loop.time() > deadline:
                    raise TimeoutError(f"bot process on port {port} did not start")
                await asyncio.sleep(0.2)

    async def post(self, update: dict, port: int) -> int:
        """Deliver `update` to the process on `port`; the HTTP status (200 once it is handled)."""
        assert self.session is not None
        async with self.session.post(
            f"http://127.0.0.1:{port}/{self.path}",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": self.secret},
        ) as response:
            return response.status

    # --- a user, through the process the test chooses -------------------------------------------------------
    async def _deliver(self, user_id: int, port: int, make_update) -> list[dict]:
        mark = len(self.api.outbox)
        update = make_update()
        self.api.updates.remove(update)  # delivered by webhook, not by getUpdates
        status = await self.post(update, port)
        assert status == 200, f"webhook answered {status}"
        return [m for m in self.api.outbox[mark:] if m["chat"]["id"] == user_id]

    async def say(self, user_id: int, text: str, port: int) -> list[dict]:
        """The user types `text`; the process on `port` gets it. The bot's answers (sent before the 200)."""
        return await self._deliver(user_id, port, lambda: self.api.user_message(user_id, text))

    def last_with_buttons(self, user_id: int) -> dict:
        return next(
            self.api.current(m)
            for m in reversed(self.api.sent_to(user_id))
            if self.api.current(m).get("reply_markup", {}).get("inline_keyboard")
        )

    async def tap(self, user_id: int, label: str, port: int, message: dict | None = None) -> list[dict]:
        """The user taps the button `label` (or part of it) of `message` (default: the latest with
        buttons)."""
        message = message or self.last_with_buttons(user_id)
        options = numbered.options(message["reply_markup"])
        option = numbered.choose(label, options) or next((o for o in options if label in o.label), None)
        assert option is not None, f"no button {label!r} in {[o.label for o in options]}"
        return await self._deliver(
            user_id, port, lambda: self.api.user_click(user_id, message["message_id"], option.callback_data)
        )


def nginx_binary() -> str | None:
    """The distribution's nginx (often in /usr/sbin, which a non-login PATH may lack), or None."""
    found = shutil.which("nginx")
    if found is None and os.access("/usr/sbin/nginx", os.X_OK):
        found = "/usr/sbin/nginx"
    return found


class Nginx:
    """deploy/nginx.conf run by the distribution's nginx on loopback, in front of bot processes on `ports`
    (the compose file's bot-1, bot-2, …). The access log records which process served each request."""

    def __init__(
        self,
        workdir: Path,
        ports: list[int],
        conf: Path = ROOT / "deploy" / "nginx.conf",
        read_timeout_s: int | None = None,
    ):
        """`read_timeout_s` shortens the file's proxy_read_timeout (a slow request is passed on sooner)."""
        self.workdir = workdir
        self.ports = ports
        self.conf = conf
        self.read_timeout_s = read_timeout_s
        self.port = free_port()
        self.process: asyncio.subprocess.Process | None = None

    def render(self) -> Path:
        site = self.conf.read_text(encoding="utf-8").replace("listen 80;", f"listen 127.0.0.1:{self.port};")
        for number, port in enumerate(self.ports, start=1):
            site = site.replace(f"bot-{number}:8443", f"127.0.0.1:{port}")
        if self.read_timeout_s is not None:
            assert "proxy_read_timeout 60s;" in site
            site = site.replace("proxy_read_timeout 60s;", f"proxy_read_timeout {self.read_timeout_s}s;")
        assert "bot-" not in site.split("upstream", 1)[1].split("}", 1)[0], "more upstreams than processes"
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.workdir.chmod(0o777)  # nginx's workers may run as nobody
        (self.workdir / "site.conf").write_text(site, encoding="utf-8")
        main = self.workdir / "nginx.conf"
        w = self.workdir
        main.write_text(
            f"worker_processes 1;\npid {w}/nginx.pid;\nerror_log {w}/error.log warn;\n"
            "events { worker_connections 256; }\n"
            "http {\n"
            "  log_format upstream '$status|$upstream_addr|$upstream_status';\n"
            f"  access_log {w}/access.log upstream;\n"
            f"  client_body_temp_path {w}/body; proxy_temp_path {w}/proxy; fastcgi_temp_path {w}/fastcgi;\n"
            f"  uwsgi_temp_path {w}/uwsgi; scgi_temp_path {w}/scgi;\n"
            f"  include {w}/site.conf;\n"
            "}\n",
            encoding="utf-8",
        )
        return main

    async def start(self) -> Nginx:
        main = self.render()
        self.process = await asyncio.create_subprocess_exec(
            nginx_binary() or "nginx",
            "-c",
            str(main),
            "-p",
            str(self.workdir),
            "-g",
            "daemon off;",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=(self.workdir / "stderr.log").open("ab"),
        )
        return self

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()

    async def settled_served_by(self, quiet_s: float = 0.5, limit_s: float = 10.0) -> list[str]:
        """`served_by()` once the access log has stopped growing for `quiet_s`: nginx writes a request's line
        after the response has gone, so a loaded machine may read the log a line short."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit_s
        seen = self.served_by()
        while loop.time() < deadline:
            await asyncio.sleep(quiet_s)
            now = self.served_by()
            if now == seen:
                break
            seen = now
        return seen

    def served_by(self) -> list[str]:
        """The upstream address(es) of each logged request, in order ("a, b" when passed on)."""
        log = self.workdir / "access.log"
        if not log.exists():
            return []
        return [line.split("|")[1] for line in log.read_text().splitlines() if line]


@dataclass
class Cluster:
    """Bot processes in webhook mode on one database with the demo commune, the emulator they call, and the
    database as the test sees it."""

    emulator: BotApiEmulator
    processes: list[asyncio.subprocess.Process]
    ports: list[int]
    services: Services


@asynccontextmanager
async def webhook_cluster(
    tmp_path: Path, target: str, count: int = 2, telegram: dict[str, int] | None = None
) -> AsyncIterator[Cluster]:
    """`count` processes on `target` (seeded with the demo commune; `telegram` links demo people's console ids
    to Telegram chats), each answering /healthz before the block starts; all stopped at its end."""
    services = Services.build(Config(database_path=target))
    await services.open()
    emulator: BotApiEmulator | None = None
    processes: list[asyncio.subprocess.Process] = []
    log_file = (tmp_path / "bots.log").open("ab")
    try:
        await seed_demo(services)
        for console_id, chat in (telegram or {}).items():
            person = await services.people.by_identity("console", console_id)
            await services.people.link_identity(person.id, "telegram", str(chat), str(chat))
        emulator = await BotApiEmulator().start()
        ports = [free_port() for _ in range(count)]
        for port in ports:
            processes.append(await start_bot(emulator, target, log_file, webhook_port=port))
        async with WebhookFront(emulator.api, ports) as front:
            await front.ready()
        yield Cluster(emulator, processes, ports, services)
    finally:
        for process in processes:
            await stop_bot(process)
        log_file.close()
        if emulator is not None:
            await emulator.stop()
        await services.close()
