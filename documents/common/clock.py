"""The current time and the local time zone, in one place: every stored timestamp is
aware UTC, every local day or hour is Asia/Ho_Chi_Minh, and tests can set the time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Asia/Ho_Chi_Minh")
"""Where the offices are: deadlines, office hours, dossier codes and statistics days."""

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


def to_local(moment: datetime) -> datetime:
    """An aware datetime in local time; a naive one is refused, since its zone is unknown."""
    if moment.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware datetime, got naive {moment.isoformat()}")
    return moment.astimezone(LOCAL_TIME)


def local_date(moment: datetime) -> date:
    """The local date of an aware datetime."""
    return to_local(moment).date()


def local_today() -> date:
    return local_date(utcnow())


def local_moment(day: date, at: time) -> datetime:
    """`at` o'clock local time on `day`, as an aware datetime."""
    return datetime.combine(day, at, tzinfo=LOCAL_TIME)
