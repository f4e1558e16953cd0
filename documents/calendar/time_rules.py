"""A procedure's own time rules: its cut-off and office hours, each falling back to the
deployment's `OfficeHours` when not given (docs/workflow.md, "Time rules")."""

from __future__ import annotations

from datetime import time
from itertools import pairwise

from pydantic import BaseModel, ConfigDict, field_validator, model_validator


class TimeRules(BaseModel):
    """Local times (Asia/Ho_Chi_Minh). The cut-off stands alone; the office day is given
    whole (`opens` and `closes`, and the lunch break if it has one) or not at all, so a
    procedure's day never mixes with half of the city's."""

    model_config = ConfigDict(frozen=True)

    cutoff: time | None = None
    """Dossiers received at or after it count from the next working day."""
    opens: time | None = None
    closes: time | None = None
    lunch_start: time | None = None
    lunch_end: time | None = None

    @field_validator("cutoff", "opens", "closes", "lunch_start", "lunch_end")
    @classmethod
    def _local_and_to_the_minute(cls, value: time | None) -> time | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            raise ValueError("a local time of day, without a time zone")
        if value.second or value.microsecond:
            raise ValueError("a time to the minute, HH:MM")
        return value

    @model_validator(mode="after")
    def _one_whole_office_day(self) -> TimeRules:
        if (self.opens is None) != (self.closes is None):
            raise ValueError("opens and closes are given together")
        if (self.lunch_start is None) != (self.lunch_end is None):
            raise ValueError("lunchStart and lunchEnd are given together")
        if self.lunch_start is not None and self.opens is None:
            raise ValueError("a lunch break needs the office's opens and closes")
        if not in_order(self.opens, self.lunch_start, self.lunch_end, self.closes):
            raise ValueError("opens < lunchStart < lunchEnd < closes")
        return self

    @property
    def is_empty(self) -> bool:
        return self.cutoff is None and self.opens is None


def in_order(*moments: time | None) -> bool:
    """Whether the times given (None skipped) strictly increase."""
    given = [t for t in moments if t is not None]
    return all(a < b for a, b in pairwise(given))
