"""Delivery, wired in the composition root: the transport that sends outbox rows with python-telegram-bot (and
maps its errors to the worker's), and the outbox worker started with each application (JobQueue, resumed after
a restart). What a delivered broadcast looks like (text, keyboard by kind, progress lines) is the chat
layer's: handlers/broadcast.py.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, CallbackContext

from bot import messages as msg
from handlers.broadcast import MARKUPS, done_text, progress_text, send_broadcast_message
from handlers.common import column
from services.delivery import Blocked, OutboxWorker, Rejected, RetryLater, Transient

if TYPE_CHECKING:
    from bot.app import MediatorApplication


class BotTransport:
    """Sends outbox rows with the application's bot; maps Bot API errors to the worker's classes."""

    def __init__(self, app: Application):
        self.app = app

    async def deliver(self, broadcast: dict, row: dict) -> int | None:
        build = MARKUPS.get(broadcast.get("topic") or broadcast["kind"])
        if (
            row.get("channel")
            and row["channel"] != broadcast.get("channel")
            and broadcast.get("attachment_kind")
        ):
            # A file id belongs to the channel it was uploaded on: elsewhere, the text and a word about the
            # file.
            broadcast = {
                **broadcast,
                "attachment_kind": None,
                "text": f"{broadcast['text']}\n\n{msg.BC_ATTACHMENT_ELSEWHERE}",
            }
        try:
            message = await send_broadcast_message(
                self.app.bot, row["chat_id"], broadcast, build(broadcast) if build else None
            )
        except RetryAfter as exc:
            with warnings.catch_warnings():  # int today, timedelta in a future python-telegram-bot
                warnings.simplefilter("ignore")
                seconds = exc.retry_after
            raise RetryLater(
                seconds.total_seconds() if hasattr(seconds, "total_seconds") else seconds
            ) from exc
        except Forbidden as exc:
            raise Blocked(exc.message) from exc
        except BadRequest as exc:  # a NetworkError subclass in python-telegram-bot: test it first
            raise Rejected(exc.message) from exc
        except NetworkError as exc:  # timeouts, connection errors, HTTP 5xx
            raise Transient(exc.message) from exc
        except TelegramError as exc:
            raise Transient(exc.message) from exc
        return message.message_id

    async def progress(self, broadcast: dict, counts: dict[str, int], final: bool) -> None:
        chat_id, message_id = broadcast.get("progress_chat_id"), broadcast.get("progress_message_id")
        if not chat_id:
            return
        if message_id:
            text = progress_text(broadcast["id"], counts)
            try:
                await self.app.bot.edit_message_text(text, chat_id=chat_id, message_id=message_id)
            except BadRequest as exc:
                if "not modified" not in str(exc).lower():
                    raise
        if final:
            await self.app.bot.send_message(
                chat_id,
                done_text(broadcast["id"], counts),
                reply_markup=column([(msg.BC_BTN_DETAILS, f"bc:h:{broadcast['id']}")]),
            )


def worker_of(app: Application) -> OutboxWorker:
    return app.outbox_worker  # type: ignore[attr-defined]  # set by install() below


async def _start_worker(context: CallbackContext) -> None:
    app = context.application
    app.create_task(worker_of(app).run(lambda: app.running), name="outbox-worker")


def install(app: MediatorApplication) -> OutboxWorker:
    """Give `app` its outbox worker for its channel, woken whenever a service queues rows, started with the
    application (not by the test harness, which drains it itself)."""
    worker = OutboxWorker(
        app.services.broadcasts.repo,
        BotTransport(app),
        app.channel,
        rate_per_s=app.services.config.rate_limit_per_s,
        broadcasts=app.services.broadcasts,
    )
    app.outbox_worker = worker  # type: ignore[attr-defined]  # one worker per application
    app.services.broadcasts.on_queued(worker.wake)
    if app.job_queue is not None:
        # however late the job queue starts it (a busy machine at start-up): a worker that never runs sends
        # nothing
        app.job_queue.run_once(
            _start_worker, when=0, name="outbox-worker", job_kwargs={"misfire_grace_time": None}
        )
    return worker
