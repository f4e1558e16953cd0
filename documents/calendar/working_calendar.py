"""The working-day calendar used for every administrative deadline.

Deadlines are counted in working days in Asia/Ho_Chi_Minh. A day is a working day unless it
falls on a weekend, a Vietnamese public holiday (including official substitute days off, as
listed by the ``holidays`` package) or a day off declared by an administrator; days declared
as make-up working days are always working days.
"""

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import holidays

from documents.common.clock import local_date, local_moment, to_local

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


@dataclass(frozen=True)
class _OfficialYear:
    """The official days off and weekend working days of one calendar year."""

    days_off: frozenset[date]
    weekend_workdays: frozenset[date]


@functools.cache
def _official_year(year: int) -> _OfficialYear:
    # The neighbouring years are built too because a swap can cross New Year: Friday
    # 2 Jan 2015 was a day off in exchange for working on Saturday 27 Dec 2014.
    vn = holidays.country_holidays("VN", years=range(year - 1, year + 2), observed=True)
    return _OfficialYear(
        days_off=frozenset(day for day in vn if day.year == year),
        # Saturdays worked in exchange for a substitute day off ("ngày nghỉ thay cho ngày ...").
        weekend_workdays=frozenset(day for day in vn.weekend_workdays if day.year == year),
    )


@dataclass(frozen=True)
class OfficeHours:
    """The office's local hours, set per deployment (`api/settings.py`)."""

    cutoff: time = time(15, 0)
    """Dossiers received at or after this local time count from the next working day."""
    close: time = time(17, 0)
    """Local time of day of the appointment on the due date."""


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days, plus the rules that turn a receipt time into a due date."""

    extra_days_off: frozenset[date] = frozenset()
    """Days off declared by an administrator on top of the public holidays."""
    makeup_working_days: frozenset[date] = frozenset()
    """Days declared as working days, e.g. a Saturday worked to bridge a holiday."""
    hours: OfficeHours = OfficeHours()

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day."""
        if isinstance(day, datetime):
            # A datetime is a date but never equal to one, so set lookups would silently miss.
            raise TypeError("is_working_day expects a date, not a datetime")
        if day in self.makeup_working_days:
            return True
        if day in self.extra_days_off:
            return False
        official = _official_year(day.year)
        if day in official.days_off:
            return False
        return day.weekday() < _SATURDAY or day in official.weekend_workdays

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        day += _ONE_DAY
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day strictly after ``start``.

        For ``n == 0``: ``start`` itself if it is a working day, else the next working day.
        """
        if n < 0:
            raise ValueError(f"the number of working days must be >= 0, got {n}")
        if n == 0:
            return start if self.is_working_day(start) else self.next_working_day(start)
        day = start
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """The number of working days ``d`` with ``start < d <= end`` (0 if ``end <= start``)."""
        return sum(
            1
            for offset in range(1, (end - start).days + 1)
            if self.is_working_day(start + timedelta(days=offset))
        )

    def clock_start(self, received_at: datetime) -> date:
        """The local date from which the processing time of a dossier is counted."""
        local = to_local(received_at)
        day = local.date()
        if self.is_working_day(day) and local.time() < self.hours.cutoff:
            return day
        return self.next_working_day(day)

    def due_date(self, received_at: datetime, working_days: int) -> date:
        """The date by which a dossier received at ``received_at`` must be settled."""
        return self.add_working_days(self.clock_start(received_at), working_days)

    def appointment_at(self, received_at: datetime, working_days: int) -> datetime:
        """The appointment for returning results: office closing time on the due date, in UTC."""
        return self.closing_time(self.due_date(received_at, working_days))

    def closing_time(self, day: date) -> datetime:
        """Office closing time on `day`, as an aware UTC datetime."""
        return local_moment(day, self.hours.close).astimezone(UTC)

    def postpone(self, moment: datetime, working_days: int) -> datetime:
        """`moment`'s deadline moved `working_days` later, at closing time."""
        if working_days == 0:
            return moment
        return self.closing_time(self.add_working_days(local_date(moment), working_days))
