"""The working-day calendar used for every administrative deadline.

Deadlines are counted in working days, or for some procedures in working hours, in
Asia/Ho_Chi_Minh. A day is a working day unless it falls on a weekend, a Vietnamese public
holiday (including official substitute days off, as listed by the ``holidays`` package) or a
day off declared by an administrator; days declared as make-up working days are always
working days. Working hours are the office hours of working days, lunch break excluded.
"""

import dataclasses
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import holidays

from documents.calendar.time_rules import TimeRules, in_order
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
    """The office's local hours, set per deployment (`api/settings.py`); a procedure's
    `TimeRules` override them (`under`)."""

    cutoff: time = time(15, 0)
    """Dossiers received at or after this local time count from the next working day."""
    close: time = time(17, 0)
    """Local time of day of the appointment on the due date; the end of the office day."""
    opens: time = time(8, 0)
    lunch_start: time | None = time(12, 0)
    """No lunch break when None (then `lunch_end` is None too)."""
    lunch_end: time | None = time(13, 0)

    def __post_init__(self) -> None:
        if (self.lunch_start is None) != (self.lunch_end is None):
            raise ValueError("the lunch break needs both its start and its end")
        if not in_order(self.opens, self.lunch_start, self.lunch_end, self.close):
            raise ValueError("office hours need opens < lunch start < lunch end < close")

    def under(self, rules: TimeRules | None) -> "OfficeHours":
        """These hours with a procedure's rules applied: each rule given replaces the
        deployment's value; a procedure that gives its office day gives all of it."""
        if rules is None:
            return self
        hours = self
        if rules.cutoff is not None:
            hours = dataclasses.replace(hours, cutoff=rules.cutoff)
        if rules.opens is not None and rules.closes is not None:
            hours = dataclasses.replace(
                hours,
                opens=rules.opens,
                close=rules.closes,
                lunch_start=rules.lunch_start,
                lunch_end=rules.lunch_end,
            )
        return hours

    def periods(self) -> tuple[tuple[time, time], ...]:
        """The stretches of a working day when the office is open, in order."""
        if self.lunch_start is None or self.lunch_end is None:
            return ((self.opens, self.close),)
        return ((self.opens, self.lunch_start), (self.lunch_end, self.close))


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
        """`moment`'s deadline moved `working_days` later, at the same time of day (closing
        time for day-counted deadlines, the hour it fell at for hour-counted ones)."""
        if working_days == 0:
            return moment
        day = self.add_working_days(local_date(moment), working_days)
        return local_moment(day, to_local(moment).time()).astimezone(UTC)

    def under(self, rules: TimeRules | None) -> "WorkingCalendar":
        """The same days, with a procedure's time rules over the office hours."""
        return dataclasses.replace(self, hours=self.hours.under(rules))

    def deadline(
        self, received_at: datetime, working_days: int, working_hours: int | None
    ) -> datetime:
        """The deadline of something received at `received_at`: `working_hours` office hours
        after its hour clock starts when given, else closing time `working_days` later."""
        if working_hours is None:
            return self.appointment_at(received_at, working_days)
        return self.add_working_hours(self.hours_clock_start(received_at), working_hours)

    # --- working hours -----------------------------------------------------------------------

    def _office_periods(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        if self.is_working_day(day):
            for start, end in self.hours.periods():
                yield local_moment(day, start), local_moment(day, end)

    def hours_clock_start(self, received_at: datetime) -> datetime:
        """When the hours of a dossier received at `received_at` start counting (UTC): the
        first office moment from then if it came before the cut-off on a working day,
        otherwise the opening of the next working day."""
        day = local_date(received_at)
        if self.is_working_day(day) and to_local(received_at).time() < self.hours.cutoff:
            return self.add_working_hours(received_at, 0)
        return local_moment(self.next_working_day(day), self.hours.opens).astimezone(UTC)

    def add_working_hours(self, start: datetime, hours: int) -> datetime:
        """The moment `hours` office hours after `start` (UTC), counting only the office
        hours of working days. With 0: the first office moment at or after `start`; with
        more, the result may be the very end of a stretch (lunch or closing time)."""
        if hours < 0:
            raise ValueError(f"the number of working hours must be >= 0, got {hours}")
        left = timedelta(hours=hours)
        cursor = to_local(start)
        day = cursor.date()
        while True:
            for opening, closing in self._office_periods(day):
                begin = max(opening, cursor)
                if begin >= closing:  # this stretch is already over
                    continue
                if left <= closing - begin:
                    return (begin + left).astimezone(UTC)
                left -= closing - begin
            day += _ONE_DAY
