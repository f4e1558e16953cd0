"""Listing dossiers: filters and keyset pagination both ways, each served by an index. A dossier
this version cannot read stays in its place on the page as an `Unreadable`, so the
caller can report it and the next page still starts after it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from documents.common.clock import local_moment, utcnow
from documents.common.paging import page_size
from documents.common.tolerant import Unreadable, read
from documents.dossiers.codes import has_code_shape
from documents.dossiers.dossier import Dossier
from documents.dossiers.statuses import CLOCK_RUNNING, DossierStatus


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
    # Open, not waiting for supplements, and past the deadline (see deadlines.is_overdue).
    overdue: bool | None = None
    # Deadline before the start of this local day.
    due_before: date | None = None


@dataclass(frozen=True)
class Position:
    """Where a page ends: the sort key of its last dossier."""

    received_at: datetime | None
    code: str


def _local_midnight(day: date) -> datetime:
    return local_moment(day, time.min)


def _deadline_query(spec: DossierFilter, now: datetime) -> dict[str, Any]:
    query: dict[str, Any] = {}
    due: dict[str, datetime] = {}
    if spec.due_before:
        due["$lt"] = _local_midnight(spec.due_before)
    open_statuses = [s.value for s in DossierStatus if s in CLOCK_RUNNING]
    if spec.overdue:
        query["finished_at"] = None
        query["status"] = {"$in": open_statuses}
        due["$lt"] = min(due.get("$lt", now), now)
    elif spec.overdue is False:
        overdue = {"finished_at": None, "status": {"$in": open_statuses}, "due_at": {"$lt": now}}
        query["$nor"] = [overdue]
    if due:
        query["due_at"] = due
    return query


def _received_query(spec: DossierFilter) -> dict[str, Any]:
    received: dict[str, datetime] = {}
    if spec.received_from:
        received["$gte"] = _local_midnight(spec.received_from)
    if spec.received_to:  # inclusive of the whole local day
        received["$lt"] = _local_midnight(spec.received_to + timedelta(days=1))
    return {"received_at": received} if received else {}


def filter_query(spec: DossierFilter, now: datetime | None = None) -> dict[str, Any]:
    query = _deadline_query(spec, now or utcnow())
    if spec.status:
        wanted = [s.value for s in spec.status]
        if "status" in query:  # overdue already narrowed it to open statuses
            wanted = [s for s in wanted if s in query["status"]["$in"]]
        query["status"] = {"$in": wanted}
    if spec.procedure_code:
        query["procedure_code"] = spec.procedure_code
    if spec.applicant_id:
        query["applicant.id_number"] = spec.applicant_id
    if spec.agency_code:
        query["agency_codes"] = spec.agency_code
    return query | _received_query(spec)


_REVERSED = {
    DossierOrder.RECEIVED_AT_DESC: DossierOrder.RECEIVED_AT_ASC,
    DossierOrder.RECEIVED_AT_ASC: DossierOrder.RECEIVED_AT_DESC,
    DossierOrder.CODE_ASC: DossierOrder.CODE_DESC,
    DossierOrder.CODE_DESC: DossierOrder.CODE_ASC,
}


def sort_for(order: DossierOrder) -> list[tuple[str, int]]:
    direction = -1 if order.value.endswith("DESC") else 1
    if order.value.startswith("CODE"):
        return [("code", direction)]
    return [("received_at", direction), ("code", direction)]


def after_position(order: DossierOrder, position: Position) -> dict[str, Any]:
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


@dataclass(frozen=True)
class UnreadableDossier:
    """A dossier on a page that this version cannot read: its `_id`, and its code and
    place in the order when those at least are sound (they are never personal data)."""

    document: Unreadable
    code: str | None
    position: Position | None


def _unreadable(item: Unreadable, raw: dict[str, Any]) -> UnreadableDossier:
    code, received = raw.get("code"), raw.get("received_at")
    sound = isinstance(code, str) and has_code_shape(code)
    position = None
    if isinstance(code, str) and isinstance(received, datetime):
        position = Position(received, code)
    return UnreadableDossier(item, code if sound else None, position)


@dataclass(frozen=True)
class Page:
    """One page, in order: dossiers, and those this version cannot read in their place.
    `more` says whether more follow in the direction it was read: after it when read
    forwards, before it when read backwards (`last`/`before`)."""

    items: list[Dossier | UnreadableDossier]
    more: bool

    def _positions(self, items: list[Dossier | UnreadableDossier]) -> Position | None:
        for item in items:
            position = position_of(item) if isinstance(item, Dossier) else item.position
            if position is not None:
                return position
        return None

    @property
    def end(self) -> Position | None:
        """Where the next page starts: after the last item, readable or not."""
        return self._positions(list(reversed(self.items)))

    @property
    def start(self) -> Position | None:
        """Where the previous page ends: before the first item, readable or not."""
        return self._positions(self.items)


def _and(query: dict[str, Any], more: dict[str, Any] | None) -> dict[str, Any]:
    if not more:
        return query
    return {"$and": [query, more]} if query else more


async def search(
    spec: DossierFilter,
    order: DossierOrder,
    size: int,
    *,
    after: Position | None = None,
    before: Position | None = None,
    backward: bool = False,
    now: datetime | None = None,
    visible: dict[str, Any] | None = None,
) -> Page:
    """One page of at most `size` dossiers (capped at MAX_PAGE) among those `visible` (a
    policy filter, ANDed in) and between `after` and `before`: the first ones, or with
    `backward` the last ones, read from the index in reverse and returned in `order`."""
    size = page_size(size)
    query = _and(filter_query(spec, now), visible)
    if after is not None:
        query = _and(query, after_position(order, after))
    if before is not None:
        query = _and(query, after_position(_REVERSED[order], before))
    reading = _REVERSED[order] if backward else order
    cursor = Dossier.get_pymongo_collection().find(
        query, sort=sort_for(reading), limit=size + 1, batch_size=size + 1
    )
    found = await cursor.to_list()
    kept = found[:size]
    if backward:
        kept.reverse()
    items: list[Dossier | UnreadableDossier] = []
    for raw in kept:
        item = read(Dossier, raw)
        items.append(_unreadable(item, raw) if isinstance(item, Unreadable) else item)
    return Page(items, len(found) > size)
