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

from documents.calendar_days import load_calendar
from documents.clock import utcnow
from documents.dossier import Dossier
from documents.rollups import OpenClock, refresh_fact
from documents.transactions import in_transaction

BATCH = 100


def passed_uncounted(now: datetime) -> dict[str, object]:
    return {"counted": False, "due_at": {"$lt": now}}


async def sweep_passed_deadlines(now: datetime | None = None) -> int:
    """Count every clock whose deadline passed before `now`; returns how many.

    Each dossier is refreshed in its own transaction, so a sweep racing a workflow
    action (or another process's sweep) conflicts, retries and changes nothing twice.
    """
    moment = now or utcnow()
    calendar = await load_calendar()
    swept = 0
    after: dict[str, object] = {}  # resume past the last clock seen, counted or not
    while True:
        query = {"$and": [passed_uncounted(moment), after]}
        clocks = await OpenClock.find(query).sort("+due_at", "+dossier_code").limit(BATCH).to_list()
        for clock in clocks:

            async def refresh(session: AsyncClientSession, code: str = clock.dossier_code) -> None:
                dossier = await Dossier.find_one(Dossier.code == code, session=session)
                if dossier is not None:
                    await refresh_fact(dossier, calendar, session, moment)

            await in_transaction(Dossier, refresh)
            swept += 1
        if len(clocks) < BATCH:
            return swept
        last = clocks[-1]
        after = {
            "$or": [
                {"due_at": {"$gt": last.due_at}},
                {"due_at": last.due_at, "dossier_code": {"$gt": last.dossier_code}},
            ]
        }
