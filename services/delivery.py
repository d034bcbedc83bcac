"""The sender worker: delivers the outbox at a steady pace, survives crashes, reports progress.

Delivery guarantees
-------------------
Every outbox row is *claimed* (status `sending`, attempts + 1, committed) right before its send and marked
`sent` (with the chat's message id) right after the API answers. A crash can only leave rows in `sending`;
on start the worker puts them back to `pending` and sends them again. That is **at-least-once**: no recipient
is ever skipped, and a duplicate is possible only for a row whose send reached Telegram in the few
milliseconds between the API's answer and the commit of `sent` (the Bot API has no idempotency key and no way
to ask whether a message was delivered). Rows never reach `sending` twice concurrently, and a row marked
`sent`, `failed` or `blocked` is never touched again, so a restart never repeats finished work.
We prefer a rare duplicate notice over a mediator who never hears of a training session.
The window stays as small when the database is slow (a backup running, a loaded disk) as when it is idle: the
messages handed to the API and not yet recorded are at most what the pace needs over the API's own latency
(rate × latency, measured) plus `max_unrecorded`; a new message waits while more are open, so a slow database
slows the sending down instead of widening the set of messages a crash would repeat.

Pacing: a global token bucket (aiolimiter, the library under python-telegram-bot's AIORateLimiter) at the
configured ceiling, plus at most one message per second to the same chat; a bounded number of sends in flight
so that network latency does not lower the rate. On Telegram the application's AIORateLimiter applies the
same ceiling to everything the bot sends, replies included.

Several processes (PostgreSQL): the ceiling is the bot's, so the processes share one pace — each send reserves
the channel's next slot in the database (SharedPacer) — and each claim carries the process's liveness token:
the rows of a process that dies (even by SIGKILL) are put back to `pending` within `reap_every_s` by the
others, which send them (at-least-once, as after a restart).

Errors (the transport maps its API's errors to these): RetryLater (flood control, HTTP 429) pauses the worker
for the requested time and retries the row; Blocked (HTTP 403, the user blocked the bot) is final and never
retried; Rejected (HTTP 400) is final with its reason; Transient (network, HTTP 5xx) is retried with
exponential backoff (tenacity), then rescheduled, and marked failed after `max_attempts` claims.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from aiolimiter import AsyncLimiter
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential, wait_random

from services.broadcast import BroadcastService, ScopeChecker
from storage.broadcasts import BLOCKED, FAILED, BroadcastRepository
from storage.org import OrgRepository

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    def __init__(self, reason: str = ""):
        super().__init__(reason)
        self.reason = reason


class RetryLater(DeliveryError):
    """Flood control: try again after `seconds`."""

    def __init__(self, seconds: float, reason: str = "retry_after"):
        super().__init__(reason)
        self.seconds = max(0.0, float(seconds))


class Blocked(DeliveryError):
    """The recipient blocked the bot (or deleted their account): never retried."""


class Rejected(DeliveryError):
    """The API refused this message for good (bad request): recorded with its reason."""


class Transient(DeliveryError):
    """Network trouble or a server error: retried with backoff."""


class Transport(Protocol):
    async def deliver(self, broadcast: dict, row: dict) -> int | None:
        """Send the broadcast to the row's chat; the message id, or a DeliveryError."""

    async def progress(self, broadcast: dict, counts: dict[str, int], final: bool) -> None:
        """Show the sender how far the broadcast is (and the final report when `final`)."""


class SharedPacer:
    """The channel's ceiling shared by every process: each `acquire()` reserves the next slot in the
    database (BroadcastRepository.reserve_send_slot) and sleeps until it. Same interface as aiolimiter's
    AsyncLimiter."""

    def __init__(self, repo: BroadcastRepository, channel: str, rate_per_s: float, burst_s: float = 0.2):
        self.repo = repo
        self.channel = channel
        self.interval_s = 1.0 / max(rate_per_s, 1e-3)
        self.burst_s = burst_s

    async def acquire(self) -> None:
        wait = await self.repo.reserve_send_slot(self.channel, self.interval_s, self.burst_s)
        if wait > 0:
            await asyncio.sleep(wait)

    async def pause(self, seconds: float) -> None:
        """Flood control seen by one process holds every process: no slot before `seconds` from now."""
        await self.repo.hold_sending(self.channel, seconds)


class OutboxWorker:
    def __init__(
        self,
        repo: BroadcastRepository,
        transport: Transport,
        channel: str,
        *,
        rate_per_s: float = 25.0,
        per_chat_interval_s: float = 1.0,
        concurrency: int | None = None,
        network_attempts: int = 4,
        retry_initial_s: float = 1.0,
        retry_max_s: float = 30.0,
        reschedule_s: float = 60.0,
        max_attempts: int = 8,
        progress_every_s: float = 2.0,
        shared: bool | None = None,
        reap_every_s: float = 2.0,
        max_unrecorded: int = 2,
        broadcasts: BroadcastService | None = None,
    ):
        self.repo = repo
        #: The broadcast service, whose rule says when a broadcast is finished (the composition root passes
        #: its own; by default one over `repo`'s database).
        self.broadcasts = broadcasts or BroadcastService(repo, ScopeChecker(repo.db, OrgRepository(repo.db)))
        self.transport = transport
        self.channel = channel
        self.rate_per_s = rate_per_s
        #: Other processes deliver the same outbox (PostgreSQL): shared pace, liveness tokens, reaping.
        self.shared = repo.db.dialect == "postgres" if shared is None else shared
        self.limiter: AsyncLimiter | SharedPacer = (
            SharedPacer(repo, channel, rate_per_s)
            if self.shared
            else AsyncLimiter(max_rate=max(rate_per_s, 1e-3), time_period=1.0)
        )
        self.reap_every_s = reap_every_s
        self._last_reap = 0.0
        self.per_chat_interval_s = per_chat_interval_s
        self.concurrency = concurrency or max(4, min(32, int(rate_per_s // 2) or 1))
        self.network_attempts = network_attempts
        self.retry_initial_s = retry_initial_s
        self.retry_max_s = retry_max_s
        self.reschedule_s = reschedule_s
        self.max_attempts = max_attempts
        self.progress_every_s = progress_every_s
        self._slots = asyncio.Semaphore(self.concurrency)
        #: Sends handed to the API whose outcome is not committed yet (the at-least-once window), and its
        #: bound.
        self.max_unrecorded = max(1, max_unrecorded)
        self._open = 0
        self._recorded = asyncio.Condition()
        self._api_latency_s = 0.0  # moving average of the API's answer time
        self._tasks: set[asyncio.Task] = set()
        self._wake = asyncio.Event()
        self._paused_until = 0.0
        self._last_chat: dict[str, float] = {}
        self._last_progress: dict[int, float] = {}
        self._progress_lock: dict[int, asyncio.Lock] = {}
        #: Broadcasts whose rows changed while their progress was being reported: look again (the last row
        #: may be among them, and its final report must not be skipped).
        self._recheck: set[int] = set()
        self._broadcasts: dict[int, dict] = {}
        self.recovered = 0

    # --- control -----------------------------------------------------------------------------------
    def wake(self) -> None:
        """A new broadcast was stored: look at the outbox now."""
        self._wake.set()

    async def recover(self) -> int:
        """After a (re)start: rows a crash left in `sending` go back to `pending`; finished broadcasts get
        their final report. Returns the number of rows requeued."""
        await self.repo.db.process_token()
        self.recovered = await self.repo.requeue_inflight(self.channel)
        self._last_reap = time.monotonic()
        if self.recovered:
            log.warning("outbox: %d rows were in flight at the last stop; sending them again", self.recovered)
        for broadcast in await self.repo.unfinished(self.channel):
            await self._after(broadcast["id"], force=True)
        return self.recovered

    async def reap(self) -> int:
        """Several processes: put back the rows of a process that died (every `reap_every_s`). Returns how
        many."""
        if not self.shared or time.monotonic() - self._last_reap < self.reap_every_s:
            return 0
        self._last_reap = time.monotonic()
        taken = await self.repo.requeue_inflight(self.channel)
        if taken:
            log.warning("outbox: %d rows of a stopped process taken over", taken)
            self.recovered += taken
        return taken

    async def run(self, running: Callable[[], bool] = lambda: True) -> None:
        """The background loop: recover, then deliver whatever is due until `running()` turns false."""
        await self.recover()
        last_poll = 0.0
        while running():
            try:
                await self.reap()
                if await self._step():
                    continue
                if time.monotonic() - last_poll >= self.progress_every_s:
                    # Rows of this channel's broadcasts may be delivered by another channel's worker.
                    last_poll = time.monotonic()
                    await self.report_unfinished()
                await self._idle(0.5)
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not kill the worker; try again shortly
                log.exception("outbox worker step failed")
                await asyncio.sleep(1.0)
        await self.join()

    async def report_unfinished(self) -> None:
        """Progress (and the final report) of this channel's broadcasts still running."""
        for broadcast in await self.repo.unfinished(self.channel):
            await self._after(broadcast["id"])

    async def drain(self, timeout_s: float = 60.0) -> None:
        """Deliver until no row of this channel is pending or in flight (tests, benchmarks, CLI)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while loop.time() < deadline:
            await self.reap()
            if await self._step():
                continue
            if self._tasks:
                await asyncio.wait(set(self._tasks), return_when=asyncio.FIRST_COMPLETED)
                continue
            if await self.repo.next_due_at(self.channel) is None:
                return
            await self._idle(0.05)
        raise TimeoutError("outbox not drained in time")

    async def join(self) -> None:
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    # --- the loop ----------------------------------------------------------------------------------
    async def _idle(self, limit_s: float) -> None:
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), limit_s)

    async def _step(self) -> bool:
        """Claim one due row and start sending it; False when nothing is due."""
        pause = self._paused_until - time.monotonic()
        if pause > 0:
            await asyncio.sleep(pause)
        await self._slots.acquire()
        try:
            row = await self.repo.claim_next(self.channel, token=await self.repo.db.process_token())
        except BaseException:
            self._slots.release()
            raise
        if row is None:
            self._slots.release()
            return False
        task = asyncio.create_task(self._send(row), name=f"outbox:{row['id']}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def _pace(self, chat_id: str) -> None:
        now = time.monotonic()
        wait = self._last_chat.get(chat_id, -1e9) + self.per_chat_interval_s - now
        self._last_chat[chat_id] = now + max(wait, 0.0)
        if wait > 0:
            await asyncio.sleep(wait)
        await self.limiter.acquire()
        if len(self._last_chat) > 10_000:  # forget chats not written to for a while
            cutoff = time.monotonic() - self.per_chat_interval_s
            self._last_chat = {c: t for c, t in self._last_chat.items() if t >= cutoff}

    async def _broadcast(self, broadcast_id: int) -> dict | None:
        broadcast = self._broadcasts.get(broadcast_id)
        if broadcast is None:
            broadcast = await self.repo.get(broadcast_id)
            if broadcast is not None:
                self._broadcasts[broadcast_id] = broadcast
        return broadcast

    async def _deliver(self, broadcast: dict, row: dict, state: dict) -> int | None:
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(Transient),
            stop=stop_after_attempt(self.network_attempts),
            wait=wait_exponential(multiplier=self.retry_initial_s, max=self.retry_max_s)
            + wait_random(0, self.retry_initial_s),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                await self._pace(row["chat_id"])
                if not state["open"]:
                    async with self._recorded:
                        await self._recorded.wait_for(lambda: self._open < self.open_limit())
                        self._open += 1
                        state["open"] = True
                started = time.monotonic()
                message_id = await self.transport.deliver(broadcast, row)
                self._api_latency_s += 0.2 * (time.monotonic() - started - self._api_latency_s)
                return message_id
        return None  # pragma: no cover (reraise=True)

    def open_limit(self) -> int:
        """How many sends may be open (handed to the API, outcome not committed): what the pace needs over the
        API's latency, plus `max_unrecorded` — never more because the database is slow."""
        needed = math.ceil(self.rate_per_s * self._api_latency_s)
        return max(1, min(self.concurrency, needed + self.max_unrecorded))

    async def _send(self, row: dict) -> None:
        state = {"open": False}  # handed to the API: counted until its outcome is committed
        try:
            broadcast = await self._broadcast(row["broadcast_id"])
            if broadcast is None:  # outbox rows reference their broadcast (foreign key)
                raise LookupError(f"broadcast {row['broadcast_id']} of outbox row {row['id']} not found")
            try:
                message_id = await self._deliver(broadcast, row, state)
            except RetryLater as exc:
                self._paused_until = max(self._paused_until, time.monotonic() + exc.seconds)
                if isinstance(self.limiter, SharedPacer):
                    await self.limiter.pause(exc.seconds)
                await self.repo.reschedule(row["id"], _utc_after(exc.seconds), exc.reason)
            except Blocked as exc:
                await self.repo.mark_final(row["id"], BLOCKED, exc.reason)
            except Rejected as exc:
                await self.repo.mark_final(row["id"], FAILED, exc.reason)
            except Transient as exc:
                if row["attempts"] >= self.max_attempts:
                    await self.repo.mark_final(row["id"], FAILED, exc.reason)
                else:
                    await self.repo.reschedule(
                        row["id"], _utc_after(self.reschedule_s * row["attempts"]), exc.reason
                    )
            except Exception as exc:  # a bug in building the message: do not loop on it
                log.exception("outbox row %s could not be sent", row["id"])
                await self.repo.mark_final(row["id"], FAILED, f"internal: {type(exc).__name__}")
            else:
                await self.repo.mark_sent(row["id"], message_id)
            await self._close(state)
            await self._after(row["broadcast_id"])
        except Exception:
            log.exception("outbox row %s: bookkeeping failed (left for recovery)", row["id"])
        finally:
            await self._close(state)
            self._slots.release()

    async def _close(self, state: dict) -> None:
        if state["open"]:
            state["open"] = False
            async with self._recorded:
                self._open -= 1
                self._recorded.notify_all()

    async def _after(self, broadcast_id: int, force: bool = False) -> None:
        """Progress for the sender (throttled), and the final report once nothing is left to deliver."""
        broadcast = await self._broadcast(broadcast_id)
        if broadcast is not None and broadcast.get("channel") != self.channel:
            return  # the sender's channel worker reports (see report_unfinished)
        lock = self._progress_lock.setdefault(broadcast_id, asyncio.Lock())
        if lock.locked() and not force:
            self._recheck.add(broadcast_id)  # the holder looks again when it is done
            return
        async with lock:
            while True:
                self._recheck.discard(broadcast_id)
                await self._report(broadcast_id, force)
                if broadcast_id not in self._recheck:
                    return
                force = False

    async def _report(self, broadcast_id: int, force: bool) -> None:
        """One look at a broadcast (under its progress lock): finish it if nothing is left, show progress."""
        finished = await self.broadcasts.finish_if_done(broadcast_id)
        now = time.monotonic()
        if (
            not finished
            and not force
            and now - self._last_progress.get(broadcast_id, 0.0) < self.progress_every_s
        ):
            return
        if not finished and not force and broadcast_id not in self._last_progress:
            # first row of a broadcast: start the clock, the sender already sees "0 / N"
            self._last_progress[broadcast_id] = now
            return
        self._last_progress[broadcast_id] = now
        broadcast = await self.repo.get(broadcast_id)
        if broadcast is None or (force and broadcast["finished_at"] and not finished):
            return
        counts = await self.repo.counts(broadcast_id)
        try:
            await self.transport.progress(broadcast, counts, final=finished)
        except Exception:
            log.warning("progress of broadcast %s not shown", broadcast_id, exc_info=True)
        if finished:
            self._broadcasts.pop(broadcast_id, None)
            self._last_progress.pop(broadcast_id, None)
            self._progress_lock.pop(broadcast_id, None)


def _utc_after(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)
