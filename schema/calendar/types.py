"""Admin-declared days off and make-up working days, as GraphQL types."""

from __future__ import annotations

from datetime import date

import strawberry

from documents.calendar.declared_days import CalendarDay
from schema.core.enums import CalendarDayKind
from schema.core.errors import UserError
from schema.core.global_ids import derived_id


@strawberry.type(
    name="CalendarDay", description="A declared exception to the working-day calendar."
)
class CalendarDayType:
    id: strawberry.ID = strawberry.field(
        description="Stable id: the day (one declaration per day)."
    )
    day: date = strawberry.field(description="The local day.")
    kind: CalendarDayKind = strawberry.field(description="A day off, or a make-up working day.")
    note: str = strawberry.field(description="Why, for people; may be empty.")

    @classmethod
    def from_document(cls, day: CalendarDay) -> CalendarDayType:
        return cls(
            id=derived_id("CalendarDay", day.day.isoformat()),
            day=day.day,
            kind=day.kind,
            note=day.note,
        )


@strawberry.type(description="A calendar mutation's error; `field` is the input at fault.")
class CalendarError(UserError):
    pass


@strawberry.type(description="What the mutation did, or its `errors` (then nothing changed).")
class CalendarDayPayload:
    calendar_day: CalendarDayType | None = strawberry.field(
        default=None,
        description="The declared day as it is now; null when there are errors.",
    )
    errors: list[CalendarError] = strawberry.field(
        default_factory=list, description="Why it failed, one per fault; empty when it succeeded."
    )
