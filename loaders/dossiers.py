"""Dossiers by code, and each dossier's events."""

from __future__ import annotations

from collections import defaultdict

from strawberry.dataloader import DataLoader

from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent
from loaders.fetch import MAX_BATCH, find_documents, grouped_in_key_order, in_key_order


async def load_dossiers_by_code(codes: list[str]) -> list[Dossier | None]:
    found = await find_documents(Dossier, {"code": {"$in": codes}})
    return in_key_order(codes, {d.code: d for d in found})


async def load_events_by_dossier(codes: list[str]) -> list[list[DossierEvent]]:
    """Each dossier's events, oldest first."""
    found = await find_documents(
        DossierEvent, {"dossier_code": {"$in": codes}}, sort=[("dossier_code", 1), ("_id", 1)]
    )
    events: defaultdict[str, list[DossierEvent]] = defaultdict(list)
    for event in found:
        events[event.dossier_code].append(event)
    return grouped_in_key_order(codes, events)


def dossier_by_code_loader() -> DataLoader[str, Dossier | None]:
    return DataLoader(load_dossiers_by_code, max_batch_size=MAX_BATCH)


def events_by_dossier_loader() -> DataLoader[str, list[DossierEvent]]:
    return DataLoader(load_events_by_dossier, max_batch_size=MAX_BATCH)
