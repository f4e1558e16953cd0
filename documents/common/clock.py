"""The current time, in one place so every timestamp is aware UTC and tests can set it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_fixed: ContextVar[datetime | None] = ContextVar("fixed_now", default=None)


def utcnow() -> datetime:
    return _fixed.get() or datetime.now(UTC)


@contextmanager
def fixed_time(moment: datetime) -> Iterator[None]:
    """Within the block (and tasks started from it) `utcnow()` returns `moment`."""
    if moment.tzinfo is None:
        raise ValueError("fixed_time needs an aware datetime")
    token = _fixed.set(moment)
    try:
        yield
    finally:
        _fixed.reset(token)
