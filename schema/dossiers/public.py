"""What anyone may ask without logging in."""

from __future__ import annotations

import hmac
from datetime import datetime

import strawberry
from graphql import GraphQLError

from schema.core.context import Info
from schema.core.enums import DossierStatus, Timeliness


class RateLimitedError(GraphQLError):
    def __init__(self) -> None:
        message = "Too many look-ups from this address; try again in a minute."
        super().__init__(message, extensions={"code": "RATE_LIMITED"})


@strawberry.type(description="The public view of a dossier: no personal data.")
class PublicDossierStatus:
    code: str
    procedure_name: str
    status: DossierStatus
    received_at: datetime
    appointment_at: datetime
    timeliness: Timeliness | None
    handling_agency_name: str


@strawberry.type
class PublicQueries:
    @strawberry.field(
        description="Look a dossier up by its code and the last 4 characters of the "
        "applicant's identification number. A wrong pair and an unknown code give the "
        "same answer (null). Rate-limited per client address."
    )
    async def public_dossier_status(
        self, info: Info, code: str, applicant_id_last4: str
    ) -> PublicDossierStatus | None:
        context = info.context
        if context.public_lookups is not None and not context.public_lookups.allow(
            context.client_address
        ):
            raise RateLimitedError
        loaders = context.loaders
        dossier = await loaders.dossier_by_code.load(code)
        expected = dossier.applicant.id_number[-4:] if dossier else "????"
        # Constant-time, and run for unknown codes too, so neither reveals more.
        matches = hmac.compare_digest(expected.encode(), applicant_id_last4[-4:].encode())
        if dossier is None or not matches or len(applicant_id_last4) != 4:
            return None
        procedure = await loaders.procedure_by_code.load(dossier.procedure_code)
        agency = await loaders.agency_by_code.load(dossier.handling_agency_code)
        return PublicDossierStatus(
            code=dossier.code,
            procedure_name=procedure.name if procedure else dossier.procedure_code,
            status=dossier.status,
            received_at=dossier.received_at,
            appointment_at=dossier.appointment_at,
            timeliness=dossier.timeliness,
            handling_agency_name=agency.name if agency else dossier.handling_agency_code,
        )
