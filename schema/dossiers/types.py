from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Self

import strawberry
from jsonpointer import JsonPointerException, resolve_pointer
from strawberry import relay
from strawberry.scalars import JSON

from documents.dossier import Applicant, Dossier
from documents.event import DossierEvent
from schema.agencies.types import AgencyType, agency_by_code
from schema.context import Info
from schema.enums import ApplicantKind, Channel, DossierStatus
from schema.forms.types import FormType, form_or_none
from schema.procedures.types import ProcedureType, procedure_by_code
from schema.scalars import as_json


@strawberry.type(name="Applicant")
class ApplicantType:
    kind: ApplicantKind
    id_number: str = strawberry.field(description="Personal identification number or tax code.")
    full_name: str
    phone: str | None
    email: str | None
    address: str | None

    @classmethod
    def from_model(cls, applicant: Applicant) -> ApplicantType:
        return cls(**applicant.model_dump())


@strawberry.type(name="DossierEvent")
class DossierEventType(relay.Node):
    event_id: relay.NodeID[str]
    dossier_code: str
    type: str
    at: datetime
    actor: str | None
    from_status: DossierStatus | None
    to_status: DossierStatus | None
    agency_code: str | None
    payload: JSON

    @classmethod
    def from_document(cls, event: DossierEvent) -> DossierEventType:
        return cls(
            event_id=str(event.id),
            dossier_code=event.dossier_code,
            type=event.type.value,
            at=event.at,
            actor=event.actor,
            from_status=event.from_status,
            to_status=event.to_status,
            agency_code=event.agency_code,
            payload=as_json(event.payload),
        )


@strawberry.type(name="Dossier")
class DossierType(relay.Node):
    code: str
    procedure_code: str
    form_key: str
    form_version: int
    applicant: ApplicantType
    data: JSON = strawberry.field(description="The form data, valid against `form.schema`.")
    channel: Channel
    status: DossierStatus
    receiving_agency_code: str
    handling_agency_code: str
    received_at: datetime
    updated_at: datetime

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return root.code

    @classmethod
    def from_document(cls, dossier: Dossier) -> DossierType:
        return cls(
            code=dossier.code,
            procedure_code=dossier.procedure_code,
            form_key=dossier.form_key,
            form_version=dossier.form_version,
            applicant=ApplicantType.from_model(dossier.applicant),
            data=as_json(dossier.data),
            channel=dossier.channel,
            status=dossier.status,
            receiving_agency_code=dossier.receiving_agency_code,
            handling_agency_code=dossier.handling_agency_code,
            received_at=dossier.received_at,
            updated_at=dossier.updated_at,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[DossierType | None]:
        found = await info.context.loaders.dossier_by_code.load_many(list(node_ids))
        return [cls.from_document(d) if d else None for d in found]

    @strawberry.field(description="One value of the form data, by JSON pointer (`/child/name`).")
    def field(self, path: str) -> JSON | None:
        try:
            value: Any = resolve_pointer(self.data, path, None)
        except JsonPointerException as error:
            raise ValueError(f"invalid JSON pointer {path!r}: {error}") from None
        return value

    @strawberry.field
    async def procedure(self, info: Info) -> ProcedureType | None:
        return await procedure_by_code(info, self.procedure_code)

    @strawberry.field
    async def receiving_agency(self, info: Info) -> AgencyType | None:
        return await agency_by_code(info, self.receiving_agency_code)

    @strawberry.field
    async def handling_agency(self, info: Info) -> AgencyType | None:
        return await agency_by_code(info, self.handling_agency_code)

    @strawberry.field(description="The form version this dossier was submitted with.")
    async def form(self, info: Info) -> FormType | None:
        key = (self.form_key, self.form_version)
        return form_or_none(await info.context.loaders.form_by_version.load(key))

    @strawberry.field(description="The most recent events, oldest first.")
    async def events(self, info: Info, last: int = 10) -> list[DossierEventType]:
        found = await info.context.loaders.events_by_dossier.load(self.code)
        recent = found[-last:] if last > 0 else []
        return [DossierEventType.from_document(e) for e in recent]


@strawberry.type
class DossierConnection(relay.Connection[DossierType]):
    """Keyset-paginated dossiers; cursors are opaque and stable under inserts."""
