"""Admin-declared extra days off and make-up working days, stored in MongoDB, and the
working calendar they make."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from beanie import Document, Indexed
from pydantic import Field

from documents.calendar.time_rules import TimeRules
from documents.calendar.working_calendar import OfficeHours, WorkingCalendar
from documents.common.tolerant import readable


class CalendarDayKind(StrEnum):
    DAY_OFF = "DAY_OFF"
    MAKEUP_WORKING_DAY = "MAKEUP_WORKING_DAY"


class CalendarDay(Document):
    day: Annotated[date, Indexed(unique=True)]
    kind: CalendarDayKind
    note: str = Field(default="", max_length=300)

    class Settings:
        name = "calendar_days"


async def load_calendar(hours: OfficeHours, rules: TimeRules | None = None) -> WorkingCalendar:
    """The official calendar with every admin-declared day applied, for an office
    keeping `hours`, or a procedure's `rules` where it has its own."""
    days = await readable(CalendarDay.find_all())  # an unreadable day is skipped, counted
    return WorkingCalendar(
        hours=hours.under(rules),
        extra_days_off=frozenset(d.day for d in days if d.kind is CalendarDayKind.DAY_OFF),
        makeup_working_days=frozenset(
            d.day for d in days if d.kind is CalendarDayKind.MAKEUP_WORKING_DAY
        ),
    )


async def calendar_day(day: date) -> CalendarDay | None:
    return await CalendarDay.find_one(CalendarDay.day == day)


async def set_calendar_day(day: date, kind: CalendarDayKind, note: str = "") -> CalendarDay:
    existing = await calendar_day(day)
    if existing is None:
        existing = CalendarDay(day=day, kind=kind, note=note)
        await existing.insert()
    else:
        existing.kind, existing.note = kind, note
        await existing.save()
    return existing


async def remove_calendar_day(day: date) -> bool:
    result = await CalendarDay.find(CalendarDay.day == day).delete()
    return bool(result and result.deleted_count)


async def calendar_days(year: int) -> list[CalendarDay]:
    found = await CalendarDay.find(
        CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)
    ).to_list()
    return sorted(found, key=lambda d: d.day)
