"""Declaring and removing days off and make-up working days, for administrators."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from pydantic import ValidationError

from documents.access.policy import AdminArea
from documents.calendar.declared_days import calendar_day, remove_calendar_day, set_calendar_day
from schema.calendar.types import CalendarDayPayload, CalendarDayType, CalendarError
from schema.core.context import Info
from schema.core.enums import CalendarDayKind
from schema.core.errors import errors_from_validation
from schema.core.input_checks import Name
from schema.core.permissions import require_admin


@strawberry.type
class CalendarMutations:
    @strawberry.mutation(description="Declare an extra day off or a make-up working day.")
    async def set_calendar_day(
        self,
        info: Info,
        day: Annotated[date, strawberry.argument(description="The local day.")],
        kind: Annotated[
            CalendarDayKind, strawberry.argument(description="A day off, or a make-up working day.")
        ],
        note: Name = "",
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
    async def remove_calendar_day(
        self,
        info: Info,
        day: Annotated[date, strawberry.argument(description="The declared local day to remove.")],
    ) -> bool:
        await require_admin(info, AdminArea.CALENDAR)
        before = await calendar_day(day)
        info.context.audit.change("calendarDay", day.isoformat(), before, None)
        return await remove_calendar_day(day)
