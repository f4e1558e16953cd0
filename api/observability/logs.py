"""Log lines as JSON (or text), each with the id of the request it belongs to.

The request guard puts the request id in `request_id` for the length of a request (and of
a WebSocket connection); a filter on the handler copies it into every record, uvicorn's
access log included, since uvicorn writes that line while the app sends its response.
Query strings are cut from the request paths uvicorn logs: a GraphQL GET carries its
variables there.
"""

from __future__ import annotations

import logging
import logging.config
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from api.settings import Settings

request_id: ContextVar[str | None] = ContextVar("motcua_request_id", default=None)

JSON_FIELDS = "%(levelname)s %(name)s %(message)s %(request_id)s"
TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s"
# The access line's arguments: client, method, path with query, HTTP version, status.
_ACCESS_ARGS = 5


@contextmanager
def request_scope(rid: str) -> Iterator[None]:
    """Every record logged inside the block carries `rid`."""
    token = request_id.set(rid)
    try:
        yield
    finally:
        request_id.reset(token)


def _without_query(value: object) -> object:
    if isinstance(value, str) and value.startswith("/") and "?" in value:
        return value.split("?", 1)[0]
    return value


class RequestContextFilter(logging.Filter):
    """Adds `request_id` to every record, and cuts query strings from uvicorn's paths."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get() or "-"
        record.__dict__.pop("color_message", None)  # uvicorn's, with terminal colours
        if record.name.startswith("uvicorn") and isinstance(record.args, tuple):
            record.args = tuple(_without_query(arg) for arg in record.args)
            if record.name == "uvicorn.access" and len(record.args) == _ACCESS_ARGS:
                _, method, path, _, status = record.args
                record.method, record.path, record.status = method, path, status
        return True


def logging_config(settings: Settings) -> dict[str, Any]:
    """A `logging.config.dictConfig` for the process, uvicorn's loggers included
    (`uvicorn.run(log_config=...)` applies it)."""
    if settings.json_logs:
        formatter: dict[str, Any] = {
            "()": JsonFormatter,
            "fmt": JSON_FIELDS,
            "timestamp": "time",  # ISO 8601, UTC
            "rename_fields": {"levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        }
    else:
        formatter = {"format": TEXT_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request": {"()": RequestContextFilter}},
        # uvicorn names its formatters "default" and "access"; both are ours.
        "formatters": {"default": formatter, "access": formatter},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "default",
                "filters": ["request"],
            },
        },
        "root": {"handlers": ["default"], "level": settings.log_level.upper()},
        "loggers": {
            **{
                name: {"handlers": [], "propagate": True, "level": "INFO"}
                for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
            },
            # The adapters' HTTP client logs every request's URL at INFO; the adapters log
            # what failed themselves (api/adapters/posting.py).
            "httpx": {"handlers": [], "propagate": True, "level": "WARNING"},
        },
    }


def configure_logging(settings: Settings) -> dict[str, Any]:
    """Applies `logging_config(settings)` now and returns it, for uvicorn to apply again."""
    config = logging_config(settings)
    logging.config.dictConfig(config)
    return config
