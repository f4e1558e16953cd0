"""Dossiers by code, and each dossier's events. A dossier this version cannot read is an
UnreadableDocumentError for its key alone (`load` raises it, `load_many` with the rest);
an event it cannot read is skipped and counted (loaders/events.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from typing import Any

from strawberry.dataloader import DataLoader

from documents.common.tolerant import Unreadable, UnreadableDocumentError, unreadable_error
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent
from loaders.events import EventHistory
from loaders.fetch import MAX_BATCH, find_by_key, find_raw


def _as_loaded(found: Dossier | Unreadable | None) -> Dossier | UnreadableDocumentError | None:
    return unreadable_error(found, "dossier") if isinstance(found, Unreadable) else found


async def load_dossiers_by_code(codes: list[str]) -> list[Dossier | UnreadableDocumentError | None]:
    found = await find_by_key(Dossier, "code", codes)
    return [_as_loaded(found.get(code)) for code in codes]


async def load_events_by_dossier(codes: list[str]) -> list[EventHistory]:
    """Each dossier's events, oldest first, read as they are asked for."""
    found = await find_raw(
        DossierEvent, {"dossier_code": {"$in": codes}}, sort=[("dossier_code", 1), ("_id", 1)]
    )
    stored: defaultdict[Any, list[dict[str, Any]]] = defaultdict(list)
    for raw in found:
        code = raw.get("dossier_code")
        if isinstance(code, Hashable):  # else unreadable, and no key asks for it
            stored[code].append(raw)
    return [EventHistory(stored.get(code, [])) for code in codes]


def dossier_by_code_loader() -> DataLoader[str, Dossier | None]:
    return DataLoader(load_dossiers_by_code, max_batch_size=MAX_BATCH)


def events_by_dossier_loader() -> DataLoader[str, EventHistory]:
    return DataLoader(load_events_by_dossier, max_batch_size=MAX_BATCH)
