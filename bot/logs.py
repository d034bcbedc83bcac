"""Logging set-up: plain text for people, one JSON object per line for machines (LOG_JSON=1)."""

from __future__ import annotations

import json
import logging
import sys


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def setup_logging(level: str = "INFO", as_json: bool = False) -> None:
    if str(level).upper() not in logging.getLevelNamesMapping() or str(level).upper() == "NOTSET":
        from bot.startup import LogLevelError

        raise LogLevelError(str(level))
    level = str(level).upper()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter() if as_json else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    quiet_payload_loggers()


#: Libraries whose debug logs carry message texts, SQL parameters or the bot token (in request URLs).
PAYLOAD_LOGGERS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiosqlite": logging.INFO,
    "telegram": logging.INFO,
    "apscheduler": logging.WARNING,
    "aiohttp.access": logging.WARNING,
}


def quiet_payload_loggers() -> None:
    """Keep what people typed (and the token) out of the logs, even when LOG_LEVEL=DEBUG."""
    root_level = logging.getLogger().level
    for name, floor in PAYLOAD_LOGGERS.items():
        logging.getLogger(name).setLevel(max(floor, root_level))
