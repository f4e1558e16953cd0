"""Reading the declared days of a year."""

from __future__ import annotations

from typing import Annotated

import strawberry

from documents.calendar.declared_days import calendar_days
from schema.calendar.types import CalendarDayType


@strawberry.type
class CalendarQueries:
    @strawberry.field(description="Admin-declared days of a year, on top of public holidays.")
    async def calendar_days(
        self, year: Annotated[int, strawberry.argument(description="The year, e.g. 2026.")]
    ) -> list[CalendarDayType]:
        return [CalendarDayType.from_document(d) for d in await calendar_days(year)]
