from __future__ import annotations

from strawberry.dataloader import DataLoader

from documents.calendar.declared_days import load_calendar
from documents.calendar.working_calendar import WorkingCalendar

# The calendar is one value per request; a loader keyed by a constant shares the read.
CURRENT = "current"


async def load_calendars(keys: list[str]) -> list[WorkingCalendar]:
    calendar = await load_calendar()
    return [calendar for _ in keys]


def calendar_loader() -> DataLoader[str, WorkingCalendar]:
    return DataLoader(load_calendars)
