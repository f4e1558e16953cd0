"""DataLoaders, created afresh for every request so nothing is cached across users."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

from beanie import PydanticObjectId
from strawberry.dataloader import DataLoader

from documents.catalogue.agencies import Agency
from documents.catalogue.forms.definition import FormSchema
from documents.catalogue.procedures import Procedure
from documents.dossiers.dossier import Dossier
from documents.groups.records import DossierGroup
from documents.papers.attachments import Attachment
from documents.payments.orders import PaymentOrder
from documents.statistics.ratings import Feedback, Rating
from loaders.agencies import agencies_by_parent_loader, agency_by_code_loader
from loaders.attachments import attachments_by_dossier_loader
from loaders.dossiers import dossier_by_code_loader, events_by_dossier_loader
from loaders.events import EventHistory
from loaders.forms import (
    FormVersion,
    current_form_loader,
    form_by_id_loader,
    form_by_version_loader,
)
from loaders.groups import group_by_code_loader
from loaders.payments import orders_by_dossier_loader
from loaders.procedures import procedure_by_code_loader
from loaders.ratings import feedback_by_dossier_loader, rating_by_dossier_loader
from loaders.shielding import shielded_fields


@dataclass(frozen=True)
class Loaders:
    agency_by_code: DataLoader[str, Agency | None] = field(default_factory=agency_by_code_loader)
    agencies_by_parent: DataLoader[str, list[Agency]] = field(
        default_factory=agencies_by_parent_loader
    )
    procedure_by_code: DataLoader[str, Procedure | None] = field(
        default_factory=procedure_by_code_loader
    )
    form_by_version: DataLoader[FormVersion, FormSchema | None] = field(
        default_factory=form_by_version_loader
    )
    current_form: DataLoader[str, FormSchema | None] = field(default_factory=current_form_loader)
    form_by_id: DataLoader[PydanticObjectId, FormSchema | None] = field(
        default_factory=form_by_id_loader
    )
    dossier_by_code: DataLoader[str, Dossier | None] = field(default_factory=dossier_by_code_loader)
    events_by_dossier: DataLoader[str, EventHistory] = field(
        default_factory=events_by_dossier_loader
    )
    attachments_by_dossier: DataLoader[str, list[Attachment]] = field(
        default_factory=attachments_by_dossier_loader
    )
    rating_by_dossier: DataLoader[str, Rating | None] = field(
        default_factory=rating_by_dossier_loader
    )
    feedback_by_dossier: DataLoader[str, list[Feedback]] = field(
        default_factory=feedback_by_dossier_loader
    )
    payment_orders_by_dossier: DataLoader[str, list[PaymentOrder]] = field(
        default_factory=orders_by_dossier_loader
    )
    group_by_code: DataLoader[str, DossierGroup | None] = field(
        default_factory=group_by_code_loader
    )
    # What the layers above build from loaded documents, built once for all the places
    # a request shows them (a page's 100 dossiers share a handful of procedures).
    views: dict[Hashable, object] = field(default_factory=dict)

    @classmethod
    def shared(cls) -> Loaders:
        """Loaders that several executions share (the hub makes one set per event): N
        subscribers cost one lookup, and no subscriber's cancellation can cancel it for
        the others (loaders/shielding.py)."""
        return cls(**shielded_fields(cls()))
