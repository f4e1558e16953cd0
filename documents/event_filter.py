"""Which dossier events a follower wants: the stored form of a webhook's filter, the
same criteria as the `dossierEvents` subscription's filter."""

from __future__ import annotations

from pydantic import BaseModel, Field

from documents.dossier import Dossier, DossierStatus
from documents.event import DossierEvent, EventType


class EventFilter(BaseModel):
    """Every criterion given must hold; an empty list (or no dossier code) means "any"."""

    dossier_code: str | None = None
    procedure_codes: list[str] = Field(default_factory=list)
    # Events of dossiers any of these agencies receives or handles.
    agency_codes: list[str] = Field(default_factory=list)
    types: list[EventType] = Field(default_factory=list)
    # Events that moved the dossier into one of these statuses.
    statuses: list[DossierStatus] = Field(default_factory=list)

    def matches_event(self, event: DossierEvent) -> bool:
        return (
            (self.dossier_code is None or event.dossier_code == self.dossier_code)
            and (not self.types or event.type in self.types)
            and (not self.statuses or event.to_status in self.statuses)
        )

    def matches_dossier(self, dossier: Dossier) -> bool:
        return (not self.procedure_codes or dossier.procedure_code in self.procedure_codes) and (
            not self.agency_codes or bool(set(self.agency_codes) & set(dossier.agency_codes))
        )
