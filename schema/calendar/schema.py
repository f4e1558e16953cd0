"""Admin-declared days off and make-up working days."""

from __future__ import annotations

from datetime import date

import strawberry
from pydantic import ValidationError

from documents.access.policy import AdminArea
from documents.calendar.declared_days import (
    CalendarDay,
    CalendarDayKind,
    calendar_day,
    calendar_days,
    remove_calendar_day,
    set_calendar_day,
)
from schema.core.context import Info
from schema.core.errors import UserError, errors_from_validation
from schema.core.permissions import require_admin

strawberry.enum(CalendarDayKind)


@strawberry.type(name="CalendarDay")
class CalendarDayType:
    day: date
    kind: CalendarDayKind
    note: str

    @classmethod
    def from_document(cls, day: CalendarDay) -> CalendarDayType:
        return cls(day=day.day, kind=day.kind, note=day.note)


@strawberry.type
class CalendarError(UserError):
    pass


@strawberry.type
class CalendarDayPayload:
    calendar_day: CalendarDayType | None = None
    errors: list[CalendarError] = strawberry.field(default_factory=list)


@strawberry.type
class CalendarQueries:
    @strawberry.field(description="Admin-declared days of a year, on top of public holidays.")
    async def calendar_days(self, year: int) -> list[CalendarDayType]:
        return [CalendarDayType.from_document(d) for d in await calendar_days(year)]


@strawberry.type
class CalendarMutations:
    @strawberry.mutation(description="Declare an extra day off or a make-up working day.")
    async def set_calendar_day(
        self, info: Info, day: date, kind: CalendarDayKind, note: str = ""
    ) -> CalendarDayPayload:
        await require_admin(info, AdminArea.CALENDAR)
        before = await calendar_day(day)
        try:
            saved = await set_calendar_day(day, kind, note)
        except ValidationError as error:
            return CalendarDayPayload(errors=errors_from_validation(CalendarError, error))
        info.context.audit.change("calendarDay", day.isoformat(), before, saved)
        return CalendarDayPayload(calendar_day=CalendarDayType.from_document(saved))

    @strawberry.mutation(description="Remove a declared day; true if one was removed.")
    async def remove_calendar_day(self, info: Info, day: date) -> bool:
        await require_admin(info, AdminArea.CALENDAR)
        before = await calendar_day(day)
        info.context.audit.change("calendarDay", day.isoformat(), before, None)
        return await remove_calendar_day(day)
