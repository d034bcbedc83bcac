"""Configuration from environment variables (see .env.example); embedded defaults run offline.

Config.from_env is the one reader of the application's environment: the services get their settings from it
(bot/container.py), and the Zalo channels theirs (`Config.zalo`, `Config.oa`), never from os.environ."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from storage.db import is_postgres_url, sqlite_path

DEFAULT_DB = "./data/mediator.db"
TELEGRAM_API = "https://api.telegram.org/bot"
ZALO_API = "https://bot-api.zaloplatforms.com"
OA_API = "https://openapi.zalo.me"
OAUTH_API = "https://oauth.zaloapp.com"


class ConfigError(RuntimeError):
    """A setting the operator must fix; the message names the variable (in Vietnamese)."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on", "co", "có")


def database_target(value: str) -> str:
    """A SQLite file path (from a path or sqlite:///path) or a postgresql:// URL, as Database() takes it."""
    value = value.strip()
    if is_postgres_url(value):
        return value
    if "://" in value and not value.startswith("sqlite:"):
        raise ValueError(
            f"DATABASE_URL must be sqlite:///path or postgresql://…, got {value.split('://')[0]}://…"
        )
    return sqlite_path(value)


def _float(env: Mapping[str, str], key: str, default: float) -> float:
    value = env.get(key)
    if not value:
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ValueError(f"{key} must be a number, got {value!r}") from exc


def _days(env: Mapping[str, str], key: str, default: int, most: int | None) -> int:
    """A positive whole number of days (at most `most`); anything else is the default."""
    raw = (env.get(key) or "").strip()
    if not raw.isdigit() or int(raw) <= 0 or (most is not None and int(raw) > most):
        return default
    return int(raw)


# --- the Zalo channels (bot/channels/zalo.py, bot/channels/oa.py) ---------------------------------------
@dataclass(frozen=True)
class ZaloConfig:
    token: str | None = None
    base_url: str = ZALO_API
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8444
    webhook_path: str = "zalo"
    files_url: str | None = None
    poll_timeout: int = 30

    def check(self, webhook: bool) -> None:
        if not self.token:
            raise ConfigError("ZALO_BOT_TOKEN chưa được đặt (token nhận từ Zalo Bot Creator khi tạo bot).")
        if webhook:
            if not self.webhook_url:
                raise ConfigError(
                    "Chế độ webhook của Zalo cần ZALO_WEBHOOK_URL (địa chỉ https công khai của bot)."
                )
            if not self.webhook_secret or not 8 <= len(self.webhook_secret) <= 256:
                raise ConfigError("Chế độ webhook của Zalo cần ZALO_WEBHOOK_SECRET dài từ 8 đến 256 ký tự.")

    @property
    def public_webhook_url(self) -> str:
        return f"{(self.webhook_url or '').rstrip('/')}/{self.webhook_path}"


def _zalo_from_env(env: Mapping[str, str]) -> ZaloConfig:
    webhook_url = (env.get("ZALO_WEBHOOK_URL") or "").rstrip("/") or None
    try:
        port = int(env.get("ZALO_WEBHOOK_PORT") or 8444)
        poll_timeout = int(env.get("ZALO_POLL_TIMEOUT") or 30)
    except ValueError as exc:
        raise ConfigError("ZALO_WEBHOOK_PORT và ZALO_POLL_TIMEOUT phải là số.") from exc
    return ZaloConfig(
        token=env.get("ZALO_BOT_TOKEN") or None,
        base_url=(env.get("ZALO_BASE_URL") or ZALO_API).rstrip("/"),
        webhook_url=webhook_url,
        webhook_secret=env.get("ZALO_WEBHOOK_SECRET") or None,
        webhook_listen=env.get("ZALO_WEBHOOK_LISTEN") or "0.0.0.0",
        webhook_port=port,
        webhook_path=(env.get("ZALO_WEBHOOK_PATH") or "zalo").strip("/"),
        files_url=(env.get("ZALO_FILES_URL") or "").rstrip("/") or webhook_url,
        poll_timeout=max(1, poll_timeout),
    )


@dataclass(frozen=True)
class OaConfig:
    app_id: str | None = None
    app_secret: str | None = None
    oa_secret_key: str | None = None
    access_token: str | None = None
    refresh_token: str | None = None
    api_url: str = OA_API
    oauth_url: str = OAUTH_API
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8445
    webhook_path: str = "zalo-oa"
    files_url: str | None = None
    proactive: bool = False

    def check(self) -> None:
        missing = [
            name
            for name, value in (
                ("ZALO_OA_APP_ID", self.app_id),
                ("ZALO_OA_APP_SECRET", self.app_secret),
                ("ZALO_OA_SECRET_KEY", self.oa_secret_key),
            )
            if not value
        ]
        if missing:
            raise ConfigError(
                f"Kênh Zalo OA cần {', '.join(missing)} (trang ứng dụng trên developers.zalo.me)."
            )


def _oa_from_env(env: Mapping[str, str]) -> OaConfig:
    try:
        port = int(env.get("ZALO_OA_WEBHOOK_PORT") or 8445)
    except ValueError as exc:
        raise ConfigError("ZALO_OA_WEBHOOK_PORT phải là số.") from exc
    return OaConfig(
        app_id=env.get("ZALO_OA_APP_ID") or None,
        app_secret=env.get("ZALO_OA_APP_SECRET") or None,
        oa_secret_key=env.get("ZALO_OA_SECRET_KEY") or None,
        access_token=env.get("ZALO_OA_ACCESS_TOKEN") or None,
        refresh_token=env.get("ZALO_OA_REFRESH_TOKEN") or None,
        api_url=(env.get("ZALO_OA_API_URL") or OA_API).rstrip("/"),
        oauth_url=(env.get("ZALO_OA_OAUTH_URL") or OAUTH_API).rstrip("/"),
        webhook_listen=env.get("ZALO_OA_WEBHOOK_LISTEN") or "0.0.0.0",
        webhook_port=port,
        webhook_path=(env.get("ZALO_OA_WEBHOOK_PATH") or "zalo-oa").strip("/"),
        files_url=(env.get("ZALO_OA_FILES_URL") or "").rstrip("/") or None,
        proactive=(env.get("ZALO_OA_PROACTIVE") or "0").strip() in ("1", "true", "yes"),
    )


@dataclass(frozen=True)
class Config:
    bot_token: str | None = None
    telegram_base_url: str = TELEGRAM_API
    #: A SQLite file, or a postgresql:// URL (DATABASE_URL; sqlite:///path URLs are turned into the path).
    database_path: str = DEFAULT_DB
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_path: str = "telegram"
    rate_limit_per_s: float = 25.0
    persistence_interval_s: float = 1.0
    concurrent_updates: int = 32
    http_client: str = "aiohttp"
    #: Several bot processes share one database: re-read conversation state for every update, save it after.
    #: None: on for PostgreSQL, off for SQLite (SHARED_STATE=1/0 decides).
    shared_state: bool | None = None
    timezone: str = "Asia/Ho_Chi_Minh"
    log_level: str = "INFO"
    log_json: bool = False
    bot_username: str = "hoagiaicoso_bot"
    #: Where received files are kept (Zalo, console); None: beside the SQLite file, or ./data on PostgreSQL.
    data_dir: str | None = None
    #: Fernet key(s) for party names (PARTY_DATA_KEY; comma-separated: the first encrypts, all decrypt).
    party_data_key: str | None = None
    #: Days before a pending case is reminded (CASE_REMINDER_DAYS).
    case_reminder_days: int = 7
    #: Days after a successful case before its mediators are asked whether the agreement holds.
    agreement_follow_up_days: int = 30
    #: The knowledge base folder (KB_DIR); None: the one bundled with the package.
    kb_dir: str | None = None
    #: The Zalo Bot channel (ZALO_*) and the Zalo Official Account channel (ZALO_OA_*).
    zalo: ZaloConfig = field(default_factory=ZaloConfig)
    oa: OaConfig = field(default_factory=OaConfig)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        env = os.environ if env is None else env
        return cls(
            bot_token=env.get("BOT_TOKEN") or None,
            telegram_base_url=env.get("TELEGRAM_BASE_URL") or TELEGRAM_API,
            database_path=env.get("DATABASE_URL") or env.get("DATABASE_PATH") or DEFAULT_DB,
            webhook_url=env.get("WEBHOOK_URL") or None,
            webhook_secret=env.get("WEBHOOK_SECRET") or None,
            webhook_listen=env.get("WEBHOOK_LISTEN") or "0.0.0.0",
            webhook_port=int(_float(env, "WEBHOOK_PORT", 8443)),
            webhook_path=(env.get("WEBHOOK_PATH") or "telegram").strip("/"),
            rate_limit_per_s=_float(env, "RATE_LIMIT_PER_S", 25.0),
            persistence_interval_s=_float(env, "PERSISTENCE_INTERVAL_S", 1.0),
            concurrent_updates=max(1, int(_float(env, "CONCURRENT_UPDATES", 32))),
            http_client=(env.get("TELEGRAM_HTTP_CLIENT") or "aiohttp").strip().lower(),
            shared_state=None if not env.get("SHARED_STATE") else _bool(env.get("SHARED_STATE"), False),
            timezone=env.get("TZ_NAME") or "Asia/Ho_Chi_Minh",
            log_level=(env.get("LOG_LEVEL") or "INFO").upper(),
            log_json=_bool(env.get("LOG_JSON"), False),
            bot_username=env.get("BOT_USERNAME") or "hoagiaicoso_bot",
            data_dir=env.get("DATA_DIR") or None,
            party_data_key=env.get("PARTY_DATA_KEY") or None,
            case_reminder_days=_days(env, "CASE_REMINDER_DAYS", 7, most=None),
            agreement_follow_up_days=_days(env, "AGREEMENT_FOLLOW_UP_DAYS", 30, most=365),
            kb_dir=env.get("KB_DIR") or None,
            zalo=_zalo_from_env(env),
            oa=_oa_from_env(env),
        )

    def __post_init__(self) -> None:
        object.__setattr__(self, "database_path", database_target(str(self.database_path)))

    @property
    def on_postgres(self) -> bool:
        return is_postgres_url(self.database_path)

    @property
    def shares_state(self) -> bool:
        return self.on_postgres if self.shared_state is None else self.shared_state

    def with_overrides(self, **changes: Any) -> Config:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def files_dir(self) -> Path:
        """The folder for files the bot keeps (DATA_DIR; default beside the SQLite file, ./data on
        PostgreSQL)."""
        if self.data_dir:
            return Path(self.data_dir)
        return Path("./data") if self.on_postgres else Path(sqlite_path(self.database_path)).parent
