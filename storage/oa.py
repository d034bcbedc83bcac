"""Zalo Official Account state: the OAuth v4 tokens (refreshed once, across processes) and each user's
messaging window (replies free for 48 hours after the user's last message, at most 8 of them)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from storage.db import Database, utcnow

#: Replies to a user are free this long after their last message (Zalo OA: "8 tin phản hồi trong vòng 48h").
WINDOW = timedelta(hours=48)
WINDOW_REPLIES = 8
#: An access token is refreshed when it has less than this left.
REFRESH_MARGIN = timedelta(minutes=10)


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value)


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_at: datetime

    def fresh(self, now: datetime) -> bool:
        return bool(self.access_token) and self.expires_at - now > REFRESH_MARGIN


#: Performs the OAuth refresh: refresh token -> (access token, new refresh token, lifetime in seconds).
Refresher = Callable[[str], Awaitable[tuple[str, str, int]]]


class OaTokens:
    """The OA's access token, refreshed before it expires — by one process at a time (a PostgreSQL
    advisory lock; on SQLite the refresh runs inside a write transaction, which SQLite serialises across
    processes), and the row is read again under the lock, so a refresh token (single use) is never spent
    twice."""

    def __init__(
        self,
        db: Database,
        app_id: str,
        refresher: Refresher,
        initial: tuple[str | None, str | None] = (None, None),
    ):
        self.db = db
        self.app_id = app_id
        self.refresher = refresher
        self.initial = initial  # the tokens the commune pasted (ZALO_OA_ACCESS_TOKEN, ZALO_OA_REFRESH_TOKEN)
        self._local = asyncio.Lock()
        self._cached: Tokens | None = None
        self.refreshes = 0

    async def seed(self, access_token: str | None, refresh_token: str | None) -> None:
        """First start: the tokens the commune pasted from the developers' console (kept if a row exists)."""
        if not refresh_token:
            return
        await self.db.execute(
            "INSERT INTO oa_tokens(app_id, access_token, refresh_token, expires_at, refreshed_at)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(app_id) DO NOTHING",
            # the pasted access token's expiry is unknown: refreshed on first use
            (
                self.app_id,
                access_token or "",
                refresh_token,
                datetime(2000, 1, 1, tzinfo=UTC).isoformat(),
                utcnow(),
            ),
        )

    async def _read(self, conn=None) -> Tokens | None:
        sql, params = (
            "SELECT access_token, refresh_token, expires_at FROM oa_tokens WHERE app_id = ?",
            (self.app_id,),
        )
        if conn is None:
            row = await self.db.fetchone(sql, params)
        else:
            async with conn.execute(sql, params) as cur:
                row = await cur.fetchone()
        return Tokens(row["access_token"], row["refresh_token"], _parse(row["expires_at"])) if row else None

    async def access_token(self, force: bool = False) -> str:
        """A valid access token; `force` after the API refused the current one."""
        now = datetime.now(UTC)
        if not force and self._cached is not None and self._cached.fresh(now):
            return self._cached.access_token
        stale = self._cached.access_token if (force and self._cached) else None
        async with self._local:
            tokens = await self._read()
            if tokens is None:  # first start: store the pasted tokens, then refresh them
                await self.seed(*self.initial)
            if tokens is not None and tokens.fresh(now) and tokens.access_token != stale:
                self._cached = tokens
                return tokens.access_token
            async with self._exclusive() as conn:
                self._cached = await self._refresh_locked(conn, stale)
            return self._cached.access_token

    @contextlib.asynccontextmanager
    async def _exclusive(self) -> AsyncIterator[object | None]:
        if getattr(self.db, "dialect", "sqlite") == "postgres":
            async with self.db.chat_lock(f"oa-token:{self.app_id}"):
                yield None
        else:
            async with self.db.transaction() as conn:  # SQLite only: BEGIN IMMEDIATE is the lock
                yield conn

    async def _refresh_locked(self, conn, stale: str | None) -> Tokens:
        tokens = await self._read(conn)
        if tokens is None:
            raise LookupError("no OA refresh token stored")
        now = datetime.now(UTC)
        if tokens.fresh(now) and tokens.access_token != stale:
            return tokens  # another process refreshed it while we waited
        access, refresh, lifetime = await self.refresher(tokens.refresh_token)
        self.refreshes += 1
        fresh = Tokens(access, refresh, now + timedelta(seconds=lifetime))
        sql = (
            "UPDATE oa_tokens SET access_token = ?, refresh_token = ?, expires_at = ?, refreshed_at = ?"
            " WHERE app_id = ?"
        )
        params = (
            fresh.access_token,
            fresh.refresh_token,
            fresh.expires_at.isoformat(),
            utcnow(),
            self.app_id,
        )
        if conn is None:
            await self.db.execute(sql, params)
        else:
            await conn.execute(sql, params)
        return fresh


@dataclass(frozen=True)
class Window:
    last_user_at: datetime
    last_message_id: str | None
    replies_used: int

    def open(self, now: datetime) -> bool:
        return now - self.last_user_at < WINDOW and self.replies_used < WINDOW_REPLIES


class OaWindows:
    """When each user last wrote to the OA, and how many free replies the OA has used since."""

    def __init__(self, db: Database):
        self.db = db

    async def user_wrote(self, user_id: str, message_id: str | None, at: datetime | None = None) -> None:
        await self.db.execute(
            "INSERT INTO oa_windows(user_id, last_user_at, last_message_id, replies_used) VALUES (?, ?, ?, 0)"
            " ON CONFLICT(user_id) DO UPDATE SET last_user_at = excluded.last_user_at,"
            " last_message_id = excluded.last_message_id, replies_used = 0",
            (user_id, (at or datetime.now(UTC)).replace(microsecond=0).isoformat(), message_id),
        )

    async def get(self, user_id: str) -> Window | None:
        row = await self.db.fetchone(
            "SELECT last_user_at, last_message_id, replies_used FROM oa_windows WHERE user_id = ?", (user_id,)
        )
        return (
            Window(_parse(row["last_user_at"]), row["last_message_id"], row["replies_used"]) if row else None
        )

    async def replied(self, user_id: str) -> None:
        await self.db.execute(
            "UPDATE oa_windows SET replies_used = replies_used + 1 WHERE user_id = ?", (user_id,)
        )
