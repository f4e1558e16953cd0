"""Listing dossiers: filters and keyset pagination, each served by an index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from documents.codes import LOCAL_TIME
from documents.dossier import Dossier, DossierStatus

MAX_PAGE = 100


class DossierOrder(StrEnum):
    RECEIVED_AT_DESC = "RECEIVED_AT_DESC"
    RECEIVED_AT_ASC = "RECEIVED_AT_ASC"
    CODE_ASC = "CODE_ASC"
    CODE_DESC = "CODE_DESC"


@dataclass(frozen=True)
class DossierFilter:
    status: list[DossierStatus] | None = None
    procedure_code: str | None = None
    # Matches dossiers the agency receives or handles.
    agency_code: str | None = None
    received_from: date | None = None
    received_to: date | None = None
    applicant_id: str | None = None


@dataclass(frozen=True)
class Position:
    """Where a page ends: the sort key of its last dossier."""

    received_at: datetime | None
    code: str


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, LOCAL_TIME)


def filter_query(spec: DossierFilter) -> dict[str, Any]:
    query: dict[str, Any] = {}
    if spec.status:
        query["status"] = {"$in": [s.value for s in spec.status]}
    if spec.procedure_code:
        query["procedure_code"] = spec.procedure_code
    if spec.applicant_id:
        query["applicant.id_number"] = spec.applicant_id
    if spec.agency_code:
        query["agency_codes"] = spec.agency_code
    received: dict[str, datetime] = {}
    if spec.received_from:
        received["$gte"] = _local_midnight(spec.received_from)
    if spec.received_to:  # inclusive of the whole local day
        received["$lt"] = _local_midnight(spec.received_to + timedelta(days=1))
    if received:
        query["received_at"] = received
    return query


def _sort(order: DossierOrder) -> list[tuple[str, int]]:
    direction = -1 if order.value.endswith("DESC") else 1
    if order.value.startswith("CODE"):
        return [("code", direction)]
    return [("received_at", direction), ("code", direction)]


def _after(order: DossierOrder, position: Position) -> dict[str, Any]:
    op = "$lt" if order.value.endswith("DESC") else "$gt"
    if order.value.startswith("CODE"):
        return {"code": {op: position.code}}
    return {
        "$or": [
            {"received_at": {op: position.received_at}},
            {"received_at": position.received_at, "code": {op: position.code}},
        ]
    }


def position_of(dossier: Dossier) -> Position:
    return Position(dossier.received_at, dossier.code)


async def search(
    spec: DossierFilter, order: DossierOrder, first: int, after: Position | None = None
) -> tuple[list[Dossier], bool]:
    """One page of at most `first` dossiers (capped at 100), and whether more follow."""
    first = max(0, min(first, MAX_PAGE))
    query = filter_query(spec)
    if after is not None:
        query = {"$and": [query, _after(order, after)]} if query else _after(order, after)
    cursor = Dossier.get_pymongo_collection().find(
        query, sort=_sort(order), limit=first + 1, batch_size=first + 1
    )
    found = [Dossier.model_validate(doc) for doc in await cursor.to_list()]
    return found[:first], len(found) > first
