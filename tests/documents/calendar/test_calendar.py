from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from documents.calendar.working_calendar import OfficeHours, WorkingCalendar
from documents.common.clock import LOCAL_TIME, local_date

CALENDAR = WorkingCalendar()

# Independent oracle: the package's own view of Vietnamese public holidays.
VN_HOLIDAYS = holidays.country_holidays("VN", years=range(2019, 2038))
OFFICIAL_WEEKEND_WORKDAYS = frozenset(VN_HOLIDAYS.weekend_workdays)

DATES = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
COUNTS = st.integers(min_value=0, max_value=200)
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_TIME)


@st.composite
def calendars_and_starts(draw: st.DrawFn) -> tuple[WorkingCalendar, date]:
    """A start date with random extra days off and make-up days in the following months."""
    start = draw(DATES)
    nearby = st.integers(min_value=-10, max_value=120).map(lambda k: start + timedelta(days=k))
    calendar = WorkingCalendar(
        extra_days_off=draw(st.frozensets(nearby, max_size=10)),
        makeup_working_days=draw(st.frozensets(nearby, max_size=4)),
    )
    return calendar, start


def assert_is_a_working_day_by_the_rules(calendar: WorkingCalendar, day: date) -> None:
    if day in calendar.makeup_working_days:
        return
    assert day not in calendar.extra_days_off
    assert day not in VN_HOLIDAYS
    assert day.weekday() < 5 or day in OFFICIAL_WEEKEND_WORKDAYS


# --- properties --------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(calendars_and_starts(), st.integers(min_value=1, max_value=200))
def test_working_days_between_undoes_add_working_days_from_a_working_day(
    scenario: tuple[WorkingCalendar, date], n: int
) -> None:
    calendar, start = scenario
    assume(calendar.is_working_day(start))
    assert calendar.working_days_between(start, calendar.add_working_days(start, n)) == n


@PROPERTY_SETTINGS
@given(calendars_and_starts(), COUNTS)
def test_add_working_days_always_lands_on_a_working_day(
    scenario: tuple[WorkingCalendar, date], n: int
) -> None:
    calendar, start = scenario
    result = calendar.add_working_days(start, n)
    assert result >= start
    assert calendar.is_working_day(result)
    assert_is_a_working_day_by_the_rules(calendar, result)


@PROPERTY_SETTINGS
@given(
    calendars_and_starts(),
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=0, max_value=400),
)
def test_working_days_between_is_additive(
    scenario: tuple[WorkingCalendar, date], gap_ab: int, gap_bc: int
) -> None:
    calendar, a = scenario
    b = a + timedelta(days=gap_ab)
    c = b + timedelta(days=gap_bc)
    assert calendar.working_days_between(a, b) + calendar.working_days_between(
        b, c
    ) == calendar.working_days_between(a, c)
    assert calendar.working_days_between(c, a) == 0


@PROPERTY_SETTINGS
@given(
    calendars_and_starts(),
    st.times(),
    st.sampled_from([LOCAL_TIME, UTC, ZoneInfo("Europe/Paris"), ZoneInfo("America/New_York")]),
    COUNTS,
)
def test_due_date_never_falls_on_a_non_working_day(
    scenario: tuple[WorkingCalendar, date], at: time, zone: ZoneInfo, n: int
) -> None:
    calendar, day = scenario
    received_at = datetime.combine(day, at, tzinfo=zone)
    due = calendar.due_date(received_at, n)
    assert_is_a_working_day_by_the_rules(calendar, due)
    assert due >= local_date(received_at)
    assert calendar.working_days_between(calendar.clock_start(received_at), due) == n


# --- Tết Nguyên Đán 2026 (Tết is Tuesday 17 Feb 2026; Mon 16 to Fri 20 Feb are days off) -------


def test_is_working_day_is_false_for_the_whole_tet_2026_break() -> None:
    tet_break = [date(2026, 2, 14) + timedelta(days=k) for k in range(9)]  # Sat 14 to Sun 22
    assert not any(CALENDAR.is_working_day(day) for day in tet_break)
    assert CALENDAR.is_working_day(date(2026, 2, 13))
    assert CALENDAR.is_working_day(date(2026, 2, 23))


def test_due_date_skips_tet_2026_for_a_dossier_received_the_friday_before() -> None:
    received_at = local(2026, 2, 13, 10)  # Friday, before the cut-off
    assert CALENDAR.clock_start(received_at) == date(2026, 2, 13)
    assert CALENDAR.due_date(received_at, 3) == date(2026, 2, 25)  # Mon 23, Tue 24, Wed 25


def test_due_date_counts_from_after_tet_for_a_dossier_received_after_the_last_cutoff() -> None:
    received_at = local(2026, 2, 13, 16)  # Friday afternoon, the last moment before Tết
    assert CALENDAR.clock_start(received_at) == date(2026, 2, 23)
    assert CALENDAR.due_date(received_at, 3) == date(2026, 2, 26)


def test_due_date_jumps_over_tet_2026_when_the_deadline_straddles_it() -> None:
    received_at = local(2026, 2, 12, 9)  # Thursday
    assert CALENDAR.due_date(received_at, 1) == date(2026, 2, 13)
    assert CALENDAR.due_date(received_at, 2) == date(2026, 2, 23)


def test_working_days_between_counts_no_day_of_the_tet_2026_break() -> None:
    assert CALENDAR.working_days_between(date(2026, 2, 13), date(2026, 2, 22)) == 0
    assert CALENDAR.working_days_between(date(2026, 2, 13), date(2026, 2, 25)) == 3


# --- receipt time --------------------------------------------------------------------------------


def test_clock_start_moves_to_the_next_working_day_at_and_after_the_cutoff() -> None:
    assert CALENDAR.clock_start(local(2026, 3, 4, 14, 59)) == date(2026, 3, 4)  # Wednesday
    assert CALENDAR.clock_start(local(2026, 3, 4, 15, 0)) == date(2026, 3, 5)
    assert CALENDAR.clock_start(local(2026, 3, 4, 15, 30)) == date(2026, 3, 5)


def test_due_date_for_a_dossier_received_at_1530_counts_from_the_next_working_day() -> None:
    assert CALENDAR.due_date(local(2026, 3, 4, 10), 2) == date(2026, 3, 6)
    assert CALENDAR.due_date(local(2026, 3, 4, 15, 30), 2) == date(2026, 3, 9)  # skips Sat, Sun


def test_clock_start_applies_the_cutoff_in_vietnamese_local_time() -> None:
    at_1530_local = datetime(2026, 3, 4, 8, 30, tzinfo=UTC)
    assert CALENDAR.clock_start(at_1530_local) == date(2026, 3, 5)
    already_thursday_locally = datetime(2026, 3, 4, 18, 0, tzinfo=UTC)  # 01:00 on the 5th
    assert local_date(already_thursday_locally) == date(2026, 3, 5)
    assert CALENDAR.clock_start(already_thursday_locally) == date(2026, 3, 5)


def test_clock_start_honours_a_custom_cutoff() -> None:
    calendar = WorkingCalendar(hours=OfficeHours(cutoff=time(16, 30)))
    assert calendar.clock_start(local(2026, 3, 4, 16)) == date(2026, 3, 4)
    assert calendar.clock_start(local(2026, 3, 4, 16, 30)) == date(2026, 3, 5)


def test_due_date_for_a_dossier_received_on_saturday_counts_from_monday() -> None:
    received_at = local(2026, 3, 7, 9)  # Saturday morning
    assert CALENDAR.clock_start(received_at) == date(2026, 3, 9)
    assert CALENDAR.due_date(received_at, 3) == date(2026, 3, 12)


# --- administrator declarations ---------------------------------------------------------------


def test_due_date_skips_an_extra_day_off() -> None:
    calendar = WorkingCalendar(extra_days_off=frozenset({date(2026, 3, 10)}))  # a Tuesday
    received_at = local(2026, 3, 9, 9)  # Monday
    assert CALENDAR.due_date(received_at, 2) == date(2026, 3, 11)
    assert calendar.due_date(received_at, 2) == date(2026, 3, 12)
    assert not calendar.is_working_day(date(2026, 3, 10))


def test_due_date_counts_a_saturday_declared_a_makeup_working_day() -> None:
    calendar = WorkingCalendar(makeup_working_days=frozenset({date(2026, 3, 14)}))
    received_at = local(2026, 3, 13, 9)  # Friday
    assert CALENDAR.due_date(received_at, 1) == date(2026, 3, 16)
    assert calendar.due_date(received_at, 1) == date(2026, 3, 14)
    assert calendar.clock_start(local(2026, 3, 14, 9)) == date(2026, 3, 14)


def test_is_working_day_lets_a_makeup_day_override_a_holiday() -> None:
    calendar = WorkingCalendar(makeup_working_days=frozenset({date(2026, 2, 20)}))
    assert calendar.is_working_day(date(2026, 2, 20))


# --- official substitute days and swaps -----------------------------------------------------------


def test_is_working_day_is_false_on_an_observed_holiday_after_a_weekend() -> None:
    # Hùng Kings' Commemoration Day 2026 falls on Sunday 26 April; Monday 27 is the day off.
    assert date(2026, 4, 27) in VN_HOLIDAYS
    assert not CALENDAR.is_working_day(date(2026, 4, 27))
    assert CALENDAR.due_date(local(2026, 4, 24, 10), 1) == date(2026, 4, 28)


@pytest.mark.parametrize(
    ("day_off", "saturday_worked"),
    [(date(2025, 5, 2), date(2025, 4, 26)), (date(2026, 8, 31), date(2026, 8, 22))],
)
def test_is_working_day_follows_official_day_swaps(day_off: date, saturday_worked: date) -> None:
    assert not CALENDAR.is_working_day(day_off)
    assert CALENDAR.is_working_day(saturday_worked)


def test_is_working_day_follows_a_day_swap_across_new_year() -> None:
    assert not CALENDAR.is_working_day(date(2015, 1, 2))
    assert CALENDAR.is_working_day(date(2014, 12, 27))  # a Saturday worked in exchange


def test_is_working_day_is_false_on_vietnam_cultural_day_from_2026() -> None:
    assert CALENDAR.is_working_day(date(2025, 11, 24))
    assert not CALENDAR.is_working_day(date(2026, 11, 24))


# --- edge cases ---------------------------------------------------------------------------------


def test_add_working_days_with_zero_stays_on_a_working_day_or_moves_to_the_next() -> None:
    assert CALENDAR.add_working_days(date(2026, 3, 4), 0) == date(2026, 3, 4)
    assert CALENDAR.add_working_days(date(2026, 2, 14), 0) == date(2026, 2, 23)


def test_add_working_days_rejects_a_negative_count() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        CALENDAR.add_working_days(date(2026, 3, 4), -1)


def test_working_days_between_is_zero_when_end_is_not_after_start() -> None:
    assert CALENDAR.working_days_between(date(2026, 3, 4), date(2026, 3, 4)) == 0
    assert CALENDAR.working_days_between(date(2026, 3, 6), date(2026, 3, 2)) == 0


def test_is_working_day_rejects_a_datetime() -> None:
    with pytest.raises(TypeError):
        CALENDAR.is_working_day(datetime(2026, 3, 4, 10, tzinfo=LOCAL_TIME))


@pytest.mark.parametrize(
    "call",
    [
        CALENDAR.clock_start,
        lambda moment: CALENDAR.due_date(moment, 3),
        lambda moment: CALENDAR.appointment_at(moment, 3),
        local_date,
    ],
    ids=["clock_start", "due_date", "appointment_at", "local_date"],
)
def test_naive_datetimes_raise_value_error(call: Callable[[datetime], object]) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        call(datetime(2026, 3, 4, 10))  # deliberately naive


def test_appointment_at_is_office_closing_time_on_the_due_date_in_utc() -> None:
    appointment = CALENDAR.appointment_at(local(2026, 2, 13, 10), 3)
    assert appointment == datetime(2026, 2, 25, 10, 0, tzinfo=UTC)
    assert appointment.utcoffset() == timedelta(0)
    assert appointment.astimezone(LOCAL_TIME) == local(2026, 2, 25, 17)


def test_appointment_at_honours_a_custom_office_closing_time() -> None:
    calendar = WorkingCalendar(hours=OfficeHours(close=time(16, 30)))
    assert calendar.appointment_at(local(2026, 3, 4, 9), 1) == datetime(
        2026, 3, 5, 9, 30, tzinfo=UTC
    )
