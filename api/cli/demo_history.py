"""`motcua serve --seed-if-empty`: the demo's history is seeded in the background, in the
API's own event loop once the app has started, so the first answer does not wait for it
(docs/demo.md). Progress goes to the log; a stop leaves it to be resumed by the next start."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from starlette.applications import Starlette

from demo.resumable import HistoryProgress, seed_history
from documents.calendar.working_calendar import OfficeHours

log = logging.getLogger("motcua.demo")
# A line for each group, and every this many dossiers and the last.
LOG_EVERY = 25


def seeding_in_background(app: Starlette, hours: OfficeHours) -> Starlette:
    """`app`, whose lifespan also seeds the rest of the demo's history once started and
    cancels it on the way out."""
    started = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[Any]:
        async with started(app) as state:
            task = asyncio.create_task(_seed(hours), name="demo history")
            try:
                yield state
            finally:
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task

    app.router.lifespan_context = lifespan
    return app


def _report(progress: HistoryProgress) -> None:
    done, total = progress.dossiers_done, progress.dossiers_total
    if done and done % LOG_EVERY and done != total:
        return
    groups = f"{progress.groups_done}/{progress.groups_total} groups"
    log.info("Demo history: %s, %d/%d dossiers", groups, done, total)


async def _seed(hours: OfficeHours) -> None:
    log.info("Generating the demo history in the background; the API answers meanwhile.")
    try:
        progress = await seed_history(hours, on_each=_report)
    except asyncio.CancelledError:
        log.info("Demo history stopped; the next `motcua serve --seed-if-empty` resumes it.")
        raise
    except Exception as error:  # the API goes on without the rest of the demo
        # The type only: a workflow error's message may quote a demo applicant's data.
        log.error("Demo history failed (%s); the next start resumes it.", type(error).__name__)
        return
    if progress is not None:
        log.info("Demo history complete: %d dossiers.", progress.dossiers_total)
