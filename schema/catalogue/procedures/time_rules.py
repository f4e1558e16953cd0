"""A procedure's own cut-off and office hours, read and written (docs/workflow.md)."""

from __future__ import annotations

from datetime import time

import strawberry

from documents.calendar.time_rules import TimeRules

_FALLBACK = "Null: the deployment's."


@strawberry.type(
    name="TimeRules",
    description="Local times (Asia/Ho_Chi_Minh); a null one is the deployment's.",
)
class TimeRulesType:
    cutoff: time | None = strawberry.field(
        description="Dossiers received at or after it count from the next working day. " + _FALLBACK
    )
    opens: time | None = strawberry.field(description="Start of the office day. " + _FALLBACK)
    closes: time | None = strawberry.field(
        description="End of the office day, the appointment time of day-counted procedures. "
        + _FALLBACK
    )
    lunch_start: time | None = strawberry.field(
        description="Start of the lunch break. " + _FALLBACK
    )
    lunch_end: time | None = strawberry.field(description="End of the lunch break. " + _FALLBACK)

    @classmethod
    def from_model(cls, rules: TimeRules | None) -> TimeRulesType | None:
        return cls(**rules.model_dump()) if rules is not None else None


@strawberry.input(
    description="Give the cut-off, the office day (opens and closes, with or without the "
    "lunch break), or both; what is left out is the deployment's."
)
class TimeRulesInput:
    cutoff: time | None = strawberry.field(
        default=None,
        description="Dossiers received at or after it count from the next working day.",
    )
    opens: time | None = strawberry.field(default=None, description="Start of the office day.")
    closes: time | None = strawberry.field(default=None, description="End of the office day.")
    lunch_start: time | None = strawberry.field(
        default=None, description="Start of the lunch break."
    )
    lunch_end: time | None = strawberry.field(default=None, description="End of the lunch break.")
