"""The Dossier type and what hangs off it; the public status view; live event updates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Self

import strawberry
from graphql import GraphQLError
from jsonpointer import JsonPointerException, resolve_pointer
from strawberry import relay
from strawberry.scalars import JSON

from documents.common.clock import utcnow
from documents.common.tolerant import UnreadableDocumentError
from documents.dossiers.deadlines import is_overdue
from documents.dossiers.dossier import Applicant, Dossier, NotificationChannel
from documents.dossiers.portal_codes import channel_code, portal_status_code
from documents.groups.records import GroupStatus
from loaders.ready import MaybeAwaitable
from schema.catalogue.agencies.types import AgencyType
from schema.catalogue.forms.typed import STATIC_FORM_DATA, typed_form_data
from schema.catalogue.forms.types import FormType, form_or_none
from schema.catalogue.procedures.types import ProcedureType
from schema.core.context import Info
from schema.core.enums import (
    ApplicantKind,
    Channel,
    DossierStatus,
    EventType,
    PaymentStatus,
    Timeliness,
)
from schema.core.global_ids import derived_id
from schema.core.pagination import After, Before, First, Last
from schema.core.scalars import as_json
from schema.dossiers.events import DossierEventConnection, DossierEventType, event_connection
from schema.dossiers.lookups import DatabaseLookupType
from schema.dossiers.opinions import DossierOpinions
from schema.dossiers.papers import DossierPapers
from schema.dossiers.parts import (
    ApologyType,
    ControlSlipRow,
    PaymentType,
    SupplementRoundType,
)
from schema.dossiers.payments import DossierPayments
from schema.dossiers.related import agency_of, procedure_of, recent_events_of
from schema.dossiers.visibility import all_as_seen, loaded_dossiers, unreadable_dossier

if TYPE_CHECKING:
    from schema.dossiers.public_groups import PublicGroupMember


@strawberry.type(
    name="Applicant",
    description="Who applied. For a viewer who may not see personal data in full, the "
    "identification number, phone, e-mail and address are masked (`0010******45`).",
)
class ApplicantType:
    id: strawberry.ID = strawberry.field(
        description="Derived from the dossier's code, for caches; not a `Node` (docs/relay.md)."
    )
    kind: ApplicantKind = strawberry.field(description="A person or a business.")
    id_number: str = strawberry.field(description="Personal identification number or tax code.")
    full_name: str = strawberry.field(description="The person's full name, or the business's name.")
    phone: str | None = strawberry.field(description="A phone number, if given.")
    email: str | None = strawberry.field(description="An e-mail address, if given.")
    address: str | None = strawberry.field(description="A postal address, if given.")
    notify_by: list[NotificationChannel] = strawberry.field(
        description="The channels the applicant chose to be told by."
    )

    @classmethod
    def from_model(cls, applicant: Applicant, dossier_code: str) -> ApplicantType:
        return cls(id=derived_id("Applicant", dossier_code), **applicant.model_dump())


@strawberry.type(
    name="Dossier",
    description="One application for an administrative procedure (hồ sơ), as you may see it.",
)
class DossierType(DossierPapers, DossierOpinions, DossierPayments, relay.Node):
    code: str = strawberry.field(
        description="The dossier code, `<agency code>-<yymmdd>-<4-digit sequence>`."
    )
    procedure_code: str = strawberry.field(description="The national code of its procedure.")
    form_key: str = strawberry.field(description="The key of the form it was submitted with.")
    form_version: int = strawberry.field(description="The version of that form.")
    applicant: ApplicantType = strawberry.field(
        description="Who applied (masked as your access requires)."
    )
    data: JSON = strawberry.field(description="The form data, valid against `form.schema`.")
    channel: Channel = strawberry.field(description="How it was handed in.")
    status: DossierStatus = strawberry.field(description="Where it is in its processing.")
    receiving_agency_code: str = strawberry.field(
        description="The desk that received it (any branch)."
    )
    handling_agency_code: str = strawberry.field(
        description="The agency competent to handle it now."
    )
    received_at: datetime = strawberry.field(description="When it was received.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    current_step: str | None = strawberry.field(
        description="The key of the procedure step it is at; null before the first."
    )
    assignee: str | None = strawberry.field(
        description="The id of the officer it is assigned to; null when none is."
    )
    appointment_at: datetime = strawberry.field(
        description="Ngày hẹn trả: the date promised to the applicant."
    )
    due_at: datetime = strawberry.field(
        description="The legal deadline: receipt plus the legal working days, moved by "
        "the working days spent waiting for supplements."
    )
    paused_working_days: int = strawberry.field(
        description="Working days spent waiting for supplements (the clock stopped)."
    )
    timeliness: Timeliness | None = strawberry.field(
        description="Set once processing ends (result ready, refused, rejected, withdrawn)."
    )
    accepted_at: datetime | None = strawberry.field(
        description="When it was accepted for processing; null before."
    )
    finished_at: datetime | None = strawberry.field(
        description="When processing ended; null while open."
    )
    returned_at: datetime | None = strawberry.field(
        description="When the result was handed or sent to the applicant; null before."
    )
    reason: str | None = strawberry.field(
        description="Why it was refused, rejected, withdrawn or stopped; or the approval note."
    )
    fee_due: int = strawberry.field(description="Phí, lệ phí owed, in VND.")
    payment_status: PaymentStatus = strawberry.field(description="Whether the fee is paid.")
    payment_requested_at: datetime | None = strawberry.field(
        description="When the applicant was asked to pay; null if never."
    )
    document: strawberry.Private[Dossier]

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return root.code

    @strawberry.field(description="The national portal's reference, for a dossier submitted there.")
    def portal_reference(self) -> str | None:
        return self.document.portal_reference

    @classmethod
    def from_document(cls, dossier: Dossier) -> DossierType:
        return cls(
            code=dossier.code,
            procedure_code=dossier.procedure_code,
            form_key=dossier.form_key,
            form_version=dossier.form_version,
            applicant=ApplicantType.from_model(dossier.applicant, dossier.code),
            data=as_json(dossier.data),
            channel=dossier.channel,
            status=dossier.status,
            receiving_agency_code=dossier.receiving_agency_code,
            handling_agency_code=dossier.handling_agency_code,
            received_at=dossier.received_at,
            updated_at=dossier.updated_at,
            current_step=dossier.current_step,
            assignee=dossier.assignee,
            appointment_at=dossier.appointment_at,
            due_at=dossier.due_at,
            paused_working_days=dossier.paused_working_days,
            timeliness=dossier.timeliness,
            accepted_at=dossier.accepted_at,
            finished_at=dossier.finished_at,
            returned_at=dossier.returned_at,
            reason=dossier.reason,
            fee_due=dossier.fee_due,
            payment_status=dossier.payment_status,
            payment_requested_at=dossier.payment_requested_at,
            document=dossier,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[DossierType | GraphQLError | None]:
        codes = list(node_ids)
        loaded = await loaded_dossiers(info, codes)
        readable = [d if isinstance(d, Dossier) else None for d in loaded]
        seen = await all_as_seen(info, readable)
        return [
            # A GraphQLError in the list makes that item null, with the error at its path.
            await unreadable_dossier(info, code, item)
            if isinstance(item, UnreadableDocumentError)
            else (cls.from_document(shown) if shown is not None else None)
            for code, item, shown in zip(codes, loaded, seen, strict=True)
        ]

    @strawberry.field(
        description="The form data as its form key's own type (`<Key>FormData`, docs/forms.md), "
        "masked as `data` is; `UntypedFormData` for a form that cannot be typed.",
        graphql_type=STATIC_FORM_DATA,
    )
    def form_data(self, info: Info) -> Any:
        return typed_form_data(info.schema, self.form_key, self.data, self.code)

    @strawberry.field(description="One value of the form data, by JSON pointer (`/child/name`).")
    def field(self, path: str) -> JSON | None:
        try:
            value: Any = resolve_pointer(self.data, path, None)
        except JsonPointerException as error:
            raise ValueError(f"invalid JSON pointer {path!r}: {error}") from None
        return value

    # Not async: on a page, what these return was read ahead (schema/dossiers/related.py).
    @strawberry.field(
        description="Its procedure; null if no longer in the catalogue.",
        graphql_type=ProcedureType | None,
    )
    def procedure(self, info: Info) -> MaybeAwaitable[ProcedureType | None]:
        return procedure_of(info, self.procedure_code)

    @strawberry.field(description="The desk that received it.", graphql_type=AgencyType | None)
    def receiving_agency(self, info: Info) -> MaybeAwaitable[AgencyType | None]:
        return agency_of(info, self.receiving_agency_code)

    @strawberry.field(
        description="The agency competent to handle it now.", graphql_type=AgencyType | None
    )
    def handling_agency(self, info: Info) -> MaybeAwaitable[AgencyType | None]:
        return agency_of(info, self.handling_agency_code)

    @strawberry.field(description="The form version this dossier was submitted with.")
    async def form(self, info: Info) -> FormType | None:
        key = (self.form_key, self.form_version)
        return form_or_none(await info.context.loaders.form_by_version.load(key))

    @strawberry.field(
        description="The most recent events, oldest first.", graphql_type=list[DossierEventType]
    )
    def events(
        self,
        info: Info,
        last: Annotated[
            int, strawberry.argument(description="How many of the most recent (0 for none).")
        ] = 10,
    ) -> MaybeAwaitable[list[DossierEventType]]:
        return recent_events_of(info, self.code, last)

    @strawberry.field(description="The national public service portal's status code, 1-10.")
    def portal_status_code(self) -> int:
        dossier = self.document
        return portal_status_code(
            dossier.status,
            dossier.payment_status,
            dossier.payment_requested_at is not None,
            at_first_step=len(dossier.steps) <= 1,
        )

    @strawberry.field(description="1 in person, 2 online, 3 postal.")
    def channel_code(self) -> int:
        return channel_code(self.channel)

    @strawberry.field(description="Open and past `dueAt`; never while waiting for supplements.")
    def is_overdue(self) -> bool:
        return is_overdue(self.document, utcnow())

    @strawberry.field(description="The process control slip: one row per step taken.")
    def control_slip(self) -> list[ControlSlipRow]:
        now = utcnow()
        return [
            ControlSlipRow.from_model(s, now, self.code, n)
            for n, s in enumerate(self.document.steps, start=1)
        ]

    @strawberry.field(description="Every supplement round, oldest first.")
    def supplements(self) -> list[SupplementRoundType]:
        return [
            SupplementRoundType.from_model(r, self.code, n)
            for n, r in enumerate(self.document.supplements, start=1)
        ]

    @strawberry.field(description="National databases looked up instead of papers.")
    def lookups(self) -> list[DatabaseLookupType]:
        return [
            DatabaseLookupType.from_model(lookup, self.code, n)
            for n, lookup in enumerate(self.document.lookups, start=1)
        ]

    @strawberry.field(description="The apology letter for a delay (Mẫu 04), if one was issued.")
    def apology(self) -> ApologyType | None:
        apology = self.document.apology
        return ApologyType.from_model(apology, self.code) if apology else None

    @strawberry.field(description="The payments recorded, oldest first.")
    def payments(self) -> list[PaymentType]:
        return [
            PaymentType.from_model(p, self.code, n)
            for n, p in enumerate(self.document.payments, start=1)
        ]

    @strawberry.field(
        description="All events, oldest first: the first 20, or `first` after `after`, or "
        "`last` before `before` (both ways at once is refused)."
    )
    async def timeline(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> DossierEventConnection:
        return await event_connection(info, self.code, first, after, last, before)


@strawberry.type(
    description="A page of dossiers, read either way (`first`/`after`, `last`/`before`); "
    "cursors are opaque and stay valid when dossiers are added."
)
class DossierConnection(relay.Connection[DossierType]):
    """Keyset-paginated dossiers; cursors are opaque and stable under inserts."""


@strawberry.type(
    description="The public view of a dossier, or of a group submission (liên thông: "
    "`groupStatus` and `members` set, `procedureName` the group's name, `appointmentAt` "
    "the group deadline, `handlingAgencyName` the receiving desk): no personal data."
)
class PublicDossierStatus:
    id: strawberry.ID = strawberry.field(
        description="Stable id: the code looked up (not the dossier's own id)."
    )
    code: str = strawberry.field(description="The code looked up.")
    procedure_name: str = strawberry.field(description="The procedure's name, or the group's.")
    status: DossierStatus | None = strawberry.field(
        description="The dossier's status; null for a group code (see `groupStatus`)."
    )
    received_at: datetime = strawberry.field(description="When it was received.")
    appointment_at: datetime = strawberry.field(
        description="The date promised for the result (ngày hẹn trả)."
    )
    timeliness: Timeliness | None = strawberry.field(
        description="Whether it finished early, on time or late; null while open."
    )
    handling_agency_name: str = strawberry.field(description="The name of the agency handling it.")
    group_status: GroupStatus | None = strawberry.field(
        default=None, description="For a group code: the group's status; else null."
    )
    members: (
        list[Annotated[PublicGroupMember, strawberry.lazy("schema.dossiers.public_groups")]] | None
    ) = strawberry.field(default=None, description="For a group code: its members; else null.")


@strawberry.type(
    description="A dossier event as the subscription sends it, with the dossier as you may see it."
)
class DossierEventUpdate:
    id: strawberry.ID = strawberry.field(
        description="Stable id of this message: the event it reports (see `eventId`)."
    )
    event_id: strawberry.ID = strawberry.field(
        description="The event's global id, the same as its `DossierEvent.id`; `after` "
        "takes it too. It was the raw ObjectId before, which `after` still accepts until "
        "the next release."
    )
    position: str | None = strawberry.field(
        description=(
            "The event's place in commit order: a whole number, as a string (it may "
            "outgrow 32 bits). Pass the last one received as `after` to resume. Null only "
            "for an event a process of an earlier version wrote during an upgrade."
        )
    )
    type: EventType = strawberry.field(description="What happened.")
    dossier_code: str = strawberry.field(
        description="The dossier's code; a group event's (GROUP_*) is the group's code."
    )
    from_status: DossierStatus | None = strawberry.field(
        description="The dossier's status before the event; null where the event records none."
    )
    to_status: DossierStatus | None = strawberry.field(
        description="The dossier's status after the event; null where the event records none."
    )
    at: datetime = strawberry.field(description="When it happened.")
    actor: str | None = strawberry.field(
        description="Who did it (the user's id, as their credentials name them); null "
        "when no person did (the system)."
    )
    dossier: DossierType = strawberry.field(
        description=(
            "Masked as the viewer's access requires. For a group event (GROUP_*), the "
            "member it names if you may see it, else the first member of the group you may see."
        )
    )
    group_code: str | None = strawberry.field(
        default=None,
        description="The group submission the dossier belongs to; a group event's own code.",
    )
    member_dossier_code: str | None = strawberry.field(
        default=None, description="GROUP_MEMBER_DONE: the member dossier that finished."
    )
