"""A dossier's procedure, agencies and events as the page shows them: handed over at
once when the page read them ahead (schema/dossiers/prefetch.py), awaited otherwise;
each procedure and agency built into its GraphQL object once per request."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from documents.catalogue.agencies import Agency
from documents.catalogue.procedures import Procedure
from loaders.events import EventHistory
from loaders.ready import MaybeAwaitable, ready, then
from schema.catalogue.agencies.types import AgencyType
from schema.catalogue.procedures.types import ProcedureType
from schema.core.context import Info
from schema.dossiers.events import DossierEventType

D = TypeVar("D")
V = TypeVar("V")


def _view(
    views: dict[Hashable, object], kind: str, code: str, document: D, make: Callable[[D], V]
) -> V:
    # Kept with its document: a view is reused only for the very document it was built from.
    key = (kind, code)
    held = views.get(key)
    if isinstance(held, tuple) and held[0] is document:
        view: V = held[1]
        return view
    view = make(document)
    views[key] = (document, view)
    return view


def procedure_of(info: Info, code: str) -> MaybeAwaitable[ProcedureType | None]:
    loaders = info.context.loaders

    def shown(procedure: Procedure | None) -> ProcedureType | None:
        if procedure is None:
            return None
        return _view(loaders.views, "Procedure", code, procedure, ProcedureType.from_document)

    return then(ready(loaders.procedure_by_code, code), shown)


def agency_of(info: Info, code: str | None) -> MaybeAwaitable[AgencyType | None]:
    if code is None:
        return None
    loaders = info.context.loaders

    def shown(agency: Agency | None) -> AgencyType | None:
        if agency is None:
            return None
        return _view(loaders.views, "Agency", code, agency, AgencyType.from_document)

    return then(ready(loaders.agency_by_code, code), shown)


def recent_events_of(info: Info, code: str, last: int) -> MaybeAwaitable[list[DossierEventType]]:
    def shown(events: EventHistory) -> list[DossierEventType]:
        return [DossierEventType.from_document(e) for e in events.recent(last)]

    return then(ready(info.context.loaders.events_by_dossier, code), shown)
