"""Counting deadlines as they pass, which no event marks.

A dossier becomes overdue when its deadline passes, not when someone acts on it. Its
open clock says whether the roll-ups count it yet; the sweep recomputes the fact of
each clock whose deadline has passed uncounted, which adds it to the `overdue`
counters. Queries add the few that passed since the last sweep, so figures are live
either way; the sweep keeps that remainder small.
"""

from __future__ import annotations

from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.calendar.declared_days import load_calendar
from documents.calendar.working_calendar import OfficeHours
from documents.common.clock import utcnow
from documents.common.tolerant import read_or_none
from documents.common.transactions import in_transaction
from documents.dossiers.dossier import Dossier
from documents.statistics.facts import OpenClock, refresh_fact


def passed_uncounted(now: datetime) -> dict[str, object]:
    return {"counted": False, "due_at": {"$lt": now}}


async def sweep_passed_deadlines(hours: OfficeHours, now: datetime | None = None) -> int:
    """Count every clock whose deadline passed before `now`; returns how many.

    Each dossier is refreshed in its own transaction, so a sweep racing a workflow
    action (or another process's sweep) conflicts, retries and changes nothing twice.
    """
    moment = now or utcnow()
    calendar = await load_calendar(hours)
    # The codes first, then one transaction each: the list is the backlog since the
    # last sweep, small, and a cursor must not stay open across transactions.
    clocks = OpenClock.get_pymongo_collection().find(passed_uncounted(moment), {"dossier_code": 1})
    codes = [clock["dossier_code"] async for clock in clocks]
    for code in codes:

        async def refresh(session: AsyncClientSession, code: str = code) -> None:
            raw = await Dossier.get_pymongo_collection().find_one({"code": code}, session=session)
            # One this version cannot read is skipped (counted): the sweep goes on.
            dossier = read_or_none(Dossier, raw)
            if dossier is not None:
                await refresh_fact(dossier, calendar, session, moment)

        await in_transaction(Dossier, refresh)
    return len(codes)
