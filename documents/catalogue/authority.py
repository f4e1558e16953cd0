"""Finding a dossier's competent agency from its procedure's rule (docs/routing.md).

The agency that receives a dossier and the agency competent to decide it are separate
since two-level local government (Decree 118/2025/NĐ-CP; Hà Nội receives dossiers
regardless of administrative boundaries): any desk of the city receives, and the
procedure's `competent_authority` names the agency the dossier is routed to.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from documents.catalogue.agencies import (
    LOCAL_UNITS,
    Agency,
    AgencyLevel,
    current_codes,
    resolve_current,
)
from documents.catalogue.procedures import AuthorityRule, Procedure
from documents.common.errors import DomainError, ErrorCode
from documents.common.tolerant import readable

# Routing failures name the submission's field the client can change: the form field
# under `data`, the receiving agency, or the procedure (a catalogue mistake).
DATA = "data"
RECEIVING = "receivingAgencyCode"
PROCEDURE = "procedureCode"


def no_competent_agency(message: str, field: str) -> DomainError:
    # The message never repeats the value sent: a unit code tells where someone lives.
    return DomainError(ErrorCode.NO_COMPETENT_AGENCY, message, field)


def form_value(data: Any, path: str) -> Any:
    """The value at the dotted `path` (`residence.unitCode`) of the form data; None when
    a step of the path is missing or is not an object."""
    value = data
    for key in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _in_force(agency: Agency, day: date) -> bool:
    """Whether the agency existed on `day`, or had been merged by then (the agency it
    became stands in for it)."""
    return agency.valid_on(day) or agency.merged_by(day)


async def _current(code: str, day: date, what: str, field: str) -> Agency:
    """The agency `code` names, in force on `day`, followed through every merge applied
    so far (work goes to agencies as they are now, as for the procedure's agencies)."""
    named = await Agency.find_one(Agency.code == code)
    if named is None or not _in_force(named, day):
        raise no_competent_agency(f"{what} does not exist on the day of receipt", field)
    if not named.merged_by():
        return named
    try:
        agency = await resolve_current(code)
    except DomainError:  # a merge into an agency that is not stored
        raise no_competent_agency(f"{what} was merged into an unknown agency", field) from None
    if agency.merged_by():  # a loop of merges: nobody handles there
        raise no_competent_agency(f"{what} was merged and has no successor", field)
    return agency


async def _by_unit_code(value: Any, day: date, field: str) -> Agency:
    if not isinstance(value, str) or not value:
        raise no_competent_agency("the form gives no administrative-unit code here", field)
    found = await readable(Agency.find({"unit_code": value, "level": {"$in": sorted(LOCAL_UNITS)}}))
    valid = [a for a in found if a.valid_on(day)] or [a for a in found if a.merged_by(day)]
    if not valid:
        raise no_competent_agency(
            "no commune, ward or special zone has this unit code on the day of receipt", field
        )
    if len(valid) > 1:  # never guess between two units
        raise no_competent_agency("more than one agency has this unit code", field)
    return await _current(valid[0].code, day, "the commune, ward or special zone", field)


async def _receiving_authority(
    procedure: Procedure, receiving: Agency, day: date, listed: Mapping[str, str]
) -> Agency:
    """The receiving agency, or for a service point (a desk, not an authority) the
    commune or ward it serves; when the procedure lists its agencies and this one is
    not among them, the first listed (the behaviour before routing rules existed)."""
    here = receiving
    if receiving.level is AgencyLevel.SERVICE_POINT:
        if not receiving.serves_code:
            raise no_competent_agency("this service point serves no commune or ward", RECEIVING)
        here = await _current(receiving.serves_code, day, "the ward it serves", RECEIVING)
    elif receiving.merged_by():  # a back-dated receipt: handled by what it became
        here = await _current(receiving.code, day, "the receiving agency", RECEIVING)
    if not listed or here.code in listed.values():
        return here
    first = listed[procedure.agency_codes[0]]
    return await _current(first, day, "the procedure's first agency", PROCEDURE)


async def competent_agency(
    procedure: Procedure,
    receiving: Agency,
    data: Any,
    day: date,
    current: Mapping[str, str] | None = None,
) -> Agency:
    """The agency that handles a dossier of `procedure` received at `receiving` on `day`
    with form `data`, by the procedure's rule; raises NO_COMPETENT_AGENCY naming the
    field to correct when the rule finds none (docs/routing.md). `current`: what
    `current_codes` gives for the procedure's agencies, when the caller has it."""
    authority = procedure.competent_authority
    if authority.rule is AuthorityRule.FIXED:
        if not authority.agency_code:
            raise no_competent_agency("the procedure names no competent agency", PROCEDURE)
        return await _current(authority.agency_code, day, "the competent agency", PROCEDURE)
    listed = current if current is not None else await current_codes(procedure.agency_codes)
    if authority.rule is AuthorityRule.RECEIVING_AGENCY:
        return await _receiving_authority(procedure, receiving, day, listed)
    if not authority.field:
        raise no_competent_agency("the procedure names no form field to route by", PROCEDURE)
    field = f"{DATA}.{authority.field}"
    found = await _by_unit_code(form_value(data, authority.field), day, field)
    if listed and found.code not in listed.values():
        raise no_competent_agency("this commune, ward or special zone does not handle it", field)
    return found
