"""Log format for server and worker processes: one line per event, as text or as JSON.

`--log-format json` writes one JSON object per line (time, level, logger, process, message, and for
requests the request id, method, route, path, status, duration and requester), so that a log
collector can index them and a user's `request_id` finds its line. Headers are never logged, so no
token can reach a log line.

The same configuration goes to uvicorn (`uvicorn_log_config`), whose own loggers would otherwise
print in their format; `talaka serve --workers N` passes it to every worker process, and the
environment variables carry the choice into processes that configure themselves (`app_from_env`).
"""

from __future__ import annotations

import logging
import logging.config
import os
import time
from typing import Any

import msgspec

LOG_LEVEL_ENV = "TALAKA_LOG_LEVEL"
LOG_FORMAT_ENV = "TALAKA_LOG_FORMAT"
LOG_FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s %(message)s"
REQUEST_FIELDS = ("request_id", "method", "route", "path", "status", "duration_ms", "requester")
"""Attributes a log call may pass in `extra` that become fields of a JSON line."""


class JsonLines(logging.Formatter):
    """One JSON object per record; the message is formatted as in text, the rest are fields."""

    def format(self, record: logging.LogRecord) -> str:
        seconds = int(record.created)
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "process": record.process,
            "message": record.getMessage(),
        }
        for name in REQUEST_FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return msgspec.json.encode(entry).decode()


def _chosen(level: str | None, log_format: str | None) -> tuple[str, str]:
    chosen_level = (level or os.environ.get(LOG_LEVEL_ENV) or "info").lower()
    chosen_format = (log_format or os.environ.get(LOG_FORMAT_ENV) or "text").lower()
    if chosen_format not in LOG_FORMATS:
        raise ValueError(f"{LOG_FORMAT_ENV}={chosen_format!r}: the log format is 'text' or 'json'")
    os.environ[LOG_LEVEL_ENV] = chosen_level
    os.environ[LOG_FORMAT_ENV] = chosen_format
    return chosen_level.upper(), chosen_format


def logging_config(level: str | None = None, log_format: str | None = None) -> dict[str, Any]:
    """A `logging.config.dictConfig` for Talaka's loggers and uvicorn's, writing to stderr."""
    chosen_level, chosen_format = _chosen(level, log_format)
    formatter: dict[str, Any] = ({"()": f"{__name__}.JsonLines"} if chosen_format == "json"
                                 else {"format": TEXT_FORMAT})
    quiet = {"handlers": ["stderr"], "level": chosen_level, "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"talaka": formatter},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "talaka",
                                "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": chosen_level},
        "loggers": {"uvicorn": quiet, "uvicorn.error": {"level": chosen_level},
                    "uvicorn.access": {**quiet, "level": "WARNING"}},
    }


def configure_logging(level: str | None = None, log_format: str | None = None) -> dict[str, Any]:
    """Send every log to stderr in the chosen format; returns the configuration for uvicorn."""
    config = logging_config(level, log_format)
    logging.config.dictConfig(config)
    return config
