"""Working hours: the office hours of working days, lunch excluded, and a procedure's own
time rules over the deployment's (documents/calendar/)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from documents.calendar.time_rules import TimeRules
from documents.calendar.working_calendar import OfficeHours, WorkingCalendar
from documents.common.clock import LOCAL_TIME, local_moment, to_local

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)
DATES = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
HOURS = st.integers(min_value=0, max_value=120)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LOCAL_TIME)


@st.composite
def office_hours(draw: st.DrawFn) -> OfficeHours:
    """Opening, closing and maybe a lunch break, to the quarter hour, between 06:00 and 20:00."""
    count = draw(st.sampled_from([2, 4]))
    quarters = sorted(draw(st.sets(st.integers(24, 80), min_size=count, max_size=count)))
    times = [time(q // 4, q % 4 * 15) for q in quarters]
    cutoff = draw(st.integers(24, 80).map(lambda q: time(q // 4, q % 4 * 15)))
    if count == 2:
        return OfficeHours(
            cutoff=cutoff, opens=times[0], close=times[1], lunch_start=None, lunch_end=None
        )
    return OfficeHours(cutoff, times[3], times[0], times[1], times[2])


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[WorkingCalendar, datetime]:
    """Random office hours, declared days off and make-up days near a random moment."""
    start = draw(DATES)
    nearby = st.integers(min_value=-5, max_value=60).map(lambda k: start + timedelta(days=k))
    calendar = WorkingCalendar(
        extra_days_off=draw(st.frozensets(nearby, max_size=8)),
        makeup_working_days=draw(st.frozensets(nearby, max_size=3)),
        hours=draw(office_hours()),
    )
    minute = draw(st.integers(0, 24 * 60 - 1))
    moment = datetime.combine(start, time(minute // 60, minute % 60), tzinfo=LOCAL_TIME)
    return calendar, moment


def office_time_between(calendar: WorkingCalendar, start: datetime, end: datetime) -> timedelta:
    """Oracle: the office time in [start, end], summed day by day from the definition."""
    total = timedelta(0)
    day = to_local(start).date()
    while day <= to_local(end).date():
        if calendar.is_working_day(day):
            for opening, closing in calendar.hours.periods():
                low = max(local_moment(day, opening), start)
                high = min(local_moment(day, closing), end)
                total += max(high - low, timedelta(0))
        day += timedelta(days=1)
    return total


def assert_in_office_hours(calendar: WorkingCalendar, moment: datetime, *, end_ok: bool) -> None:
    local_moment_ = to_local(moment)
    assert calendar.is_working_day(local_moment_.date())
    at = local_moment_.time()
    assert any(
        opening <= at < closing or (end_ok and at == closing)
        for opening, closing in calendar.hours.periods()
    ), f"{local_moment_} is outside {calendar.hours.periods()}"


# --- properties --------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(scenarios(), HOURS)
def test_working_hours_land_inside_office_hours_of_a_working_day(
    scenario: tuple[WorkingCalendar, datetime], n: int
) -> None:
    calendar, start = scenario
    result = calendar.add_working_hours(start, n)
    assert result >= start
    assert result.tzinfo is UTC
    # With hours to count, the result may be the very end of a stretch (closing, lunch).
    assert_in_office_hours(calendar, result, end_ok=n > 0)


@PROPERTY_SETTINGS
@given(scenarios(), HOURS)
def test_adding_n_working_hours_spends_exactly_n_hours_of_office_time(
    scenario: tuple[WorkingCalendar, datetime], n: int
) -> None:
    calendar, start = scenario
    result = calendar.add_working_hours(start, n)
    assert office_time_between(calendar, start, result) == timedelta(hours=n)


@PROPERTY_SETTINGS
@given(scenarios(), HOURS, st.integers(min_value=1, max_value=120))
def test_n_hours_then_m_hours_is_n_plus_m_hours(
    scenario: tuple[WorkingCalendar, datetime], n: int, m: int
) -> None:
    calendar, start = scenario
    then = calendar.add_working_hours(calendar.add_working_hours(start, n), m)
    assert then == calendar.add_working_hours(start, n + m)


@PROPERTY_SETTINGS
@given(scenarios(), st.integers(0, 3 * 24 * 60), HOURS, st.integers(0, 40))
def test_working_hours_are_monotone_in_the_start_and_the_count(
    scenario: tuple[WorkingCalendar, datetime], later_by: int, n: int, more: int
) -> None:
    calendar, start = scenario
    later = start + timedelta(minutes=later_by)
    assert calendar.add_working_hours(start, n) <= calendar.add_working_hours(later, n)
    assert calendar.add_working_hours(start, n) <= calendar.add_working_hours(start, n + more)


@PROPERTY_SETTINGS
@given(scenarios(), HOURS)
def test_the_hour_clock_starts_in_office_hours_on_the_day_the_cutoff_allows(
    scenario: tuple[WorkingCalendar, datetime], n: int
) -> None:
    calendar, received = scenario
    start = calendar.hours_clock_start(received)
    assert_in_office_hours(calendar, start, end_ok=False)
    day = received.date()
    if calendar.is_working_day(day) and received.time() < calendar.hours.cutoff:
        assert start == calendar.add_working_hours(received, 0)
    else:
        assert to_local(start) == local_moment(calendar.next_working_day(day), calendar.hours.opens)
    due = calendar.deadline(received, 0, n)
    assert due == calendar.add_working_hours(start, n)


@PROPERTY_SETTINGS
@given(scenarios(), st.integers(0, 30))
def test_postponing_keeps_the_time_of_day_of_an_hour_deadline(
    scenario: tuple[WorkingCalendar, datetime], days: int
) -> None:
    calendar, received = scenario
    due = calendar.deadline(received, 0, 3)
    moved = calendar.postpone(due, days)
    assert to_local(moved).time() == to_local(due).time()
    assert calendar.working_days_between(to_local(due).date(), to_local(moved).date()) == days


# --- examples ----------------------------------------------------------------------------------

CITY = WorkingCalendar()  # 08:00-12:00, 13:00-17:00, cut-off 15:00


def test_four_working_hours_skip_the_lunch_break() -> None:
    assert to_local(CITY.deadline(local("2026-03-03 10:30"), 0, 4)) == local("2026-03-03 15:30")


def test_after_the_cutoff_the_hours_count_from_the_next_morning() -> None:
    # Tuesday 15:00 is at the cut-off: four hours from Wednesday 08:00.
    assert to_local(CITY.deadline(local("2026-03-03 15:00"), 0, 4)) == local("2026-03-04 12:00")


def test_hours_skip_the_weekend_and_tet() -> None:
    # Friday 13 Feb 2026, 16:00: after the cut-off, and Tết runs until Sunday 22 Feb.
    assert to_local(CITY.deadline(local("2026-02-13 16:00"), 0, 1)) == local("2026-02-23 09:00")


def test_a_procedures_cutoff_overrides_the_citys() -> None:
    later = CITY.under(TimeRules(cutoff=time(16, 30)))
    received = local("2026-03-03 16:00")
    assert CITY.clock_start(received) == date(2026, 3, 4)
    assert later.clock_start(received) == date(2026, 3, 3)
    assert to_local(later.appointment_at(received, 0)) == local("2026-03-03 17:00")


def test_a_procedures_office_day_replaces_the_citys_whole() -> None:
    rules = TimeRules(opens=time(7, 30), closes=time(11, 30))
    hours = OfficeHours().under(rules)
    assert hours.periods() == ((time(7, 30), time(11, 30)),)
    assert hours.cutoff == time(15, 0)  # not given: the city's
    assert OfficeHours().under(None) == OfficeHours()
    assert OfficeHours().under(TimeRules()) == OfficeHours()


@pytest.mark.parametrize(
    "fields",
    [
        {"opens": time(8, 0)},
        {"lunch_start": time(12, 0), "lunch_end": time(13, 0)},
        {"opens": time(9, 0), "closes": time(8, 0)},
        {"opens": time(8), "closes": time(17), "lunch_start": time(13), "lunch_end": time(12)},
        {"cutoff": time(15, 0, 30)},
    ],
)
def test_time_rules_refuse_an_incomplete_or_disordered_day(fields: dict[str, time]) -> None:
    with pytest.raises(ValidationError):
        TimeRules.model_validate(fields)


def test_office_hours_refuse_a_lunch_outside_the_day() -> None:
    with pytest.raises(ValueError, match="opens < lunch start"):
        OfficeHours(close=time(11, 0))
