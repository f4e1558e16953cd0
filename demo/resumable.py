"""The demo's history (its dossiers, then its groups), seeded one item at a time with
the progress recorded after each, so a seeding that stopped, killed or not, resumes where
it stopped. `motcua serve --seed-if-empty` runs it in the background (docs/demo.md).

The progress is one document of its own collection, written with the driver: it is the
demo's bookkeeping, not part of the domain. An item cut off half-way stays as far as its
workflow got (a valid dossier, only a shorter history); the next run goes on with the
next item, which draws from its own random source, as it would have without the stop."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from demo.group_history import PLANS, seed_group
from demo.seeding import DossierDraw
from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.agencies import Agency
from documents.catalogue.procedures import Procedure
from documents.common.clock import utcnow

COLLECTION = "demo_seeding"
_KEY = {"_id": "history"}


@dataclass(frozen=True)
class HistoryProgress:
    groups_done: int
    groups_total: int
    dossiers_done: int
    dossiers_total: int

    @property
    def finished(self) -> bool:
        return self.groups_done >= self.groups_total and self.dossiers_done >= self.dossiers_total

    @classmethod
    def from_row(cls, row: dict[str, Any] | None) -> HistoryProgress:
        row = row or {}
        return cls(
            int(row.get("groups_done", 0)),
            int(row.get("groups_total", 0)),
            int(row.get("dossiers_done", 0)),
            int(row.get("dossiers_total", 0)),
        )


def _progress() -> AsyncCollection[dict[str, Any]]:
    return Agency.get_pymongo_collection().database[COLLECTION]


async def plan_history(groups: bool, dossiers: int) -> HistoryProgress:
    """Adds the demo's groups (once, with the catalogue) and `dossiers` more dossiers to
    what is left to seed."""
    row = await _progress().find_one_and_update(
        _KEY,
        {
            "$setOnInsert": {"groups_done": 0, "dossiers_done": 0},
            "$inc": {"groups_total": len(PLANS) if groups else 0, "dossiers_total": dossiers},
        },
        upsert=True,
        return_document=ReturnDocument.AFTER,
    )
    return HistoryProgress.from_row(row)


async def history_progress() -> HistoryProgress | None:
    """None when this database's demo was seeded before progress was recorded."""
    row = await _progress().find_one(_KEY)
    return None if row is None else HistoryProgress.from_row(row)


async def _done(field: str, count: int) -> HistoryProgress:
    row = await _progress().find_one_and_update(
        _KEY, {"$max": {field: count}}, return_document=ReturnDocument.AFTER
    )
    return HistoryProgress.from_row(row)


async def seed_history(
    hours: OfficeHours,
    on_each: Callable[[HistoryProgress], None] | None = None,
    seed: int = 2026,
) -> HistoryProgress | None:
    """Seeds what is left of the planned history, at an office keeping `hours`."""
    progress = await history_progress()
    if progress is None:
        return None
    # The dossiers first: their first few show every status.
    if progress.dossiers_done < progress.dossiers_total:
        draw = await DossierDraw.load(hours, seed)
        for index in range(progress.dossiers_done, progress.dossiers_total):
            await draw.seed(index)
            progress = await _done("dossiers_done", index + 1)
            if on_each is not None:
                on_each(progress)
    if progress.groups_done < progress.groups_total:
        procedures = {p.code: p for p in await Procedure.find_all().to_list()}
        now = utcnow()
        for index in range(progress.groups_done, progress.groups_total):
            await seed_group(index, procedures, now, hours, seed)
            progress = await _done("groups_done", index + 1)
            if on_each is not None:
                on_each(progress)
    return progress
