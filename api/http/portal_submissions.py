"""`POST /integrations/portal/dossiers`: a dossier submitted on the national portal,
signed by it, received through the same path as `submitDossier` and idempotent by the
portal's reference (docs/integrations.md, "Online submissions from the portal")."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from api.http.bodies import UnacceptableJSONError, strict_json
from api.http.receipt import lookup_url
from api.http.signed import Refused, refusal, signed_body
from api.settings import Settings
from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.dossier import Applicant, Channel, Dossier
from documents.workflow.identity import LEVELS, OnlineIdentity
from documents.workflow.submitting import PortalReferenceTaken, Submission, submit

ROUTE = "/integrations/portal/dossiers"
# Who the dossier's first events name as having received it.
ACTOR = "portal"


class _Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, extra="forbid", frozen=True)


class PortalApplicant(_Camel):
    """The applicant as the portal verified them; the fields of `Applicant`."""

    kind: str
    id_number: str
    full_name: str
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    notify_by: list[str] = Field(default_factory=list)


class PortalSubmission(_Camel):
    """The body the portal signs (field by field in docs/integrations.md)."""

    reference: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$")]
    procedure_code: Annotated[str, Field(min_length=1, max_length=64)]
    receiving_agency_code: Annotated[str, Field(min_length=1, max_length=64)]
    applicant: PortalApplicant
    # The identity-assurance level the portal vouches for (VNeID 1 or 2); None: unknown.
    identity_level: int | None = None
    data: dict[str, Any]


def _refused(code: ErrorCode, message: str, status: int) -> JSONResponse:
    return refusal(Refused(code, message, status), ROUTE)


def _instant(moment: datetime) -> str:
    """In UTC to the millisecond, as stored: a repeated answer is the first one."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _answer(dossier: Dossier, settings: Settings, status: int) -> JSONResponse:
    """What the portal keeps: the dossier's code, its receipt and deadline, and where
    the applicant follows it."""
    return JSONResponse(
        {
            "dossierCode": dossier.code,
            "receivedAt": _instant(dossier.received_at),
            "dueAt": _instant(dossier.due_at),
            "trackingUrl": lookup_url(settings.public_url.rstrip("/") + "/", dossier.code),
        },
        status_code=status,
    )


def _parsed(body: bytes) -> tuple[PortalSubmission, Applicant]:
    """The body and its applicant, or `Refused` naming only the fields at fault (their
    values may be personal data)."""
    try:
        raw = strict_json(body)
    except (UnacceptableJSONError, json.JSONDecodeError, UnicodeDecodeError):
        raise Refused(ErrorCode.VALIDATION_FAILED, "the body is not a JSON object", 400) from None
    try:
        submitted = PortalSubmission.model_validate(raw)
        if submitted.identity_level is not None and submitted.identity_level not in LEVELS:
            raise Refused(ErrorCode.VALIDATION_FAILED, "identityLevel must be 1 or 2", 422)
        applicant = Applicant.model_validate(submitted.applicant.model_dump())
    except ValidationError as error:
        fields = sorted({".".join(str(part) for part in e["loc"]) for e in error.errors()})
        message = f"invalid fields: {', '.join(fields)[:300]}"
        raise Refused(ErrorCode.VALIDATION_FAILED, message, 422) from None
    return submitted, applicant


async def _stored(reference: str) -> Dossier | None:
    return await Dossier.find_one(Dossier.portal_reference == reference)


def _same(dossier: Dossier, submitted: PortalSubmission) -> bool:
    """Whether a stored dossier is the one this (retried) submission made."""
    return (
        dossier.procedure_code == submitted.procedure_code
        and dossier.applicant.id_number == submitted.applicant.id_number
    )


async def _repeat(dossier: Dossier, submitted: PortalSubmission, settings: Settings) -> Any:
    if not _same(dossier, submitted):
        message = "this reference was used for another submission"
        return _refused(ErrorCode.IDEMPOTENCY_CONFLICT, message, 409)
    return _answer(dossier, settings, 200)


def portal_submission_routes(settings: Settings) -> list[BaseRoute]:
    """The route, closed (401 INTEGRATION_NOT_CONFIGURED) while no portal secret is set."""

    async def receive(request: Request) -> JSONResponse:
        try:
            body = await signed_body(request, settings.portal_secret, settings.max_body_bytes)
            submitted, applicant = _parsed(body)
        except Refused as refused:
            return refusal(refused, ROUTE)
        stored = await _stored(submitted.reference)
        if stored is not None:  # a retry: answered again, nothing created
            return await _repeat(stored, submitted, settings)
        submission = Submission(
            procedure_code=submitted.procedure_code,
            receiving_agency_code=submitted.receiving_agency_code,
            channel=Channel.ONLINE,
            applicant=applicant,
            data=submitted.data,
            identity=OnlineIdentity(applicant.id_number, applicant.kind, submitted.identity_level),
            portal_reference=submitted.reference,
        )
        population = request.app.state.population
        try:
            dossier = await submit(
                submission, ACTOR, hours=settings.office_hours, population=population
            )
        except PortalReferenceTaken:  # the same submission, arrived at the same time
            stored = await _stored(submitted.reference)
            if stored is None:  # withdrawn in between: cannot happen, dossiers stay
                return _refused(ErrorCode.CONFLICT, "try again", 409)
            return await _repeat(stored, submitted, settings)
        except DomainError as error:
            return _refused(error.code, error.message, 422)
        return _answer(dossier, settings, 201)

    return [Route(ROUTE, receive, methods=["POST"])]
