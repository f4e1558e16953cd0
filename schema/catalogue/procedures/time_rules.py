"""A procedure's own cut-off and office hours, read and written (docs/workflow.md)."""

from __future__ import annotations

from datetime import time

import strawberry

from documents.calendar.time_rules import TimeRules
from schema.core.global_ids import derived_id

_FALLBACK = "Null: the deployment's."


@strawberry.type(
    name="TimeRules",
    description="Local times (Asia/Ho_Chi_Minh); a null one is the deployment's.",
)
class TimeRulesType:
    id: strawberry.ID = strawberry.field(
        description="Stable id: its procedure's code (one set of rules per procedure)."
    )
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
    def from_model(cls, rules: TimeRules | None, procedure_code: str) -> TimeRulesType | None:
        if rules is None:
            return None
        return cls(id=derived_id("TimeRules", procedure_code), **rules.model_dump())


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
