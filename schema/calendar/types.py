"""Admin-declared days off and make-up working days, as GraphQL types."""

from __future__ import annotations

from datetime import date

import strawberry

from documents.calendar.declared_days import CalendarDay
from schema.core.enums import CalendarDayKind
from schema.core.errors import UserError


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
