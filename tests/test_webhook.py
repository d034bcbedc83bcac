"""Webhook mode: the secret token is required, updates are processed, /healthz reports."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
import pytest

from bot.app import build_application
from bot.channels.local import LocalBotApi, LocalRequest
from bot.channels.webhook import SECRET_HEADER, serve_webhook
from bot.config import Config
from bot.container import Services
from bot.demo import seed_demo

SECRET = "s3cret-token-for-tests-0123456789"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
async def webhook(tmp_path):
    config = Config(database_path=str(tmp_path / "w.db"))
    services = Services.build(config)
    await services.open()
    await seed_demo(services)
    mai = await services.people.by_identity("console", "1001")
    await services.people.link_identity(mai.id, "telegram", "1001", "1001")
    api = LocalBotApi()
    app = build_application(
        config, channel="telegram", request=LocalRequest(api), services=services, rate_limit=False
    )
    port = _free_port()
    stop = asyncio.Event()
    task = asyncio.create_task(
        serve_webhook(
            app,
            listen="127.0.0.1",
            port=port,
            path="telegram",
            secret=SECRET,
            public_url="https://bot.example.vn/telegram",
            stop=stop,
        )
    )
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        for _ in range(100):
            try:
                async with http.get(f"{base}/healthz") as r:
                    if r.status == 200:
                        break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.05)
        yield base, api, http, app
    stop.set()
    await task


async def test_webhook_registered_with_secret(webhook):
    _, api, _, _ = webhook
    assert api.webhook == {"url": "https://bot.example.vn/telegram", "secret_token": SECRET}


async def test_wrong_or_missing_secret_refused(webhook):
    base, api, http, _ = webhook
    update = api.user_message(1001, "/trogiup")
    for headers in ({}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET[:-1]}):
        async with http.post(f"{base}/telegram", json=update, headers=headers) as r:
            assert r.status == 403
    await asyncio.sleep(0.2)
    assert not api.sent_to(1001)


async def test_update_with_secret_is_answered(webhook):
    base, api, http, _ = webhook
    update = api.user_message(1001, "/trogiup")
    async with http.post(f"{base}/telegram", json=update, headers={SECRET_HEADER: SECRET}) as r:
        assert r.status == 200
    for _ in range(100):
        if api.sent_to(1001):
            break
        await asyncio.sleep(0.05)
    assert "Quàng Thị Mai" in api.sent_to(1001)[-1]["text"]


async def test_bad_body_and_health(webhook):
    base, _, http, app = webhook
    async with http.post(f"{base}/telegram", data=b"{not json", headers={SECRET_HEADER: SECRET}) as r:
        assert r.status == 400
    async with http.get(f"{base}/healthz") as r:
        assert r.status == 200
        body = await r.json()
    assert body == {"status": "ok"}


# --- Issue 14 items 10 and 15: malformed bodies get 400; /healthz tells the status only ---------------------

MALFORMED = [
    b"[1, 2, 3]",
    b'"update"',
    b"42",
    b"null",
    b"true",  # not an object
    b'{"message": {"text": "hi"}}',  # no update_id
    b'{"update_id": "7"}',
    b'{"update_id": true}',
    b'{"update_id": 1.5}',  # update_id of the wrong type
    b'{"update_id": 7, "message": "hi"}',  # a field of the wrong type
    b'{"update_id": 7, "message": {"message_id": "x", "date": "y", "chat": []}}',
    b'{"update_id": 7, "callback_query": [1]}',
    b'{"update_id": 7, "message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",  # deep nesting
    b'{"update_id": 7, "x": ' + b'{"a": ' * 60 + b"1" + b"}" * 60 + b"}",
    b'{"update_id": 7, "message": {"text": "\xff\xfe"}}',  # not UTF-8
]


@pytest.mark.parametrize("body", MALFORMED, ids=range(len(MALFORMED)))
async def test_malformed_bodies_get_400(webhook, body, caplog):
    base, api, http, _ = webhook
    async with http.post(f"{base}/telegram", data=body, headers={SECRET_HEADER: SECRET}) as r:
        assert r.status == 400
        assert "Traceback" not in await r.text()
    assert not [rec for rec in caplog.records if rec.levelname in ("ERROR", "CRITICAL")]
    # the server is still serving
    async with http.post(
        f"{base}/telegram", json=api.user_message(1001, "/trogiup"), headers={SECRET_HEADER: SECRET}
    ) as r:
        assert r.status == 200


async def test_health_says_status_only(webhook):
    base, _, http, app = webhook
    async with http.get(f"{base}/healthz") as r:
        assert r.status == 200 and await r.json() == {"status": "ok"}
        assert "Server" not in r.headers
    await app.services.db.close()  # the database goes away
    async with http.get(f"{base}/healthz") as r:
        assert r.status == 503 and await r.json() == {"status": "error"}
        assert "Server" not in r.headers
    await app.services.db.open()


async def test_the_same_update_twice_is_handled_once(webhook):
    """Issue 14 (Also): a copy of an update (a proxy passing a slow request on, Telegram resending) is
    skipped."""
    base, api, http, _ = webhook
    update = api.user_message(1001, "/trogiup")
    for _ in range(2):
        async with http.post(f"{base}/telegram", json=update, headers={SECRET_HEADER: SECRET}) as r:
            assert r.status == 200
    await asyncio.sleep(0.2)
    assert len([m for m in api.sent_to(1001) if "Quàng Thị Mai" in (m.get("text") or "")]) == 1
