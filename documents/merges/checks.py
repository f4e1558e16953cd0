"""Checks that merges and splits share: typed refusals, agencies as they are on the
effective date, and what a back-dated change would contradict (docs/merges.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.catalogue.agencies import Agency, AgencyLevel, AgencyState
from documents.common.clock import local_date, local_moment
from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent

# How many dossier codes an error or a preview lists.
LISTED_CODES = 50
# Dossier codes per `$in` (SecantusDB slows down with hundreds: docs/embedded-database.md).
_BATCH = 100


class Reason(StrEnum):
    """Why a merge or split was refused: the `reason` of its MERGE_INVALID error."""

    NO_SOURCES = "NO_SOURCES"
    NOT_ACTIVE = "NOT_ACTIVE"
    CYCLE = "CYCLE"
    TARGET_IS_SOURCE = "TARGET_IS_SOURCE"
    TOO_FEW_TARGETS = "TOO_FEW_TARGETS"
    NOT_VALID_ON_DATE = "NOT_VALID_ON_DATE"
    BACKDATED_CONFLICT = "BACKDATED_CONFLICT"
    UNASSIGNED_DOSSIERS = "UNASSIGNED_DOSSIERS"
    NOT_MOVING = "NOT_MOVING"
    HAS_CHILDREN = "HAS_CHILDREN"
    FUTURE_DATE = "FUTURE_DATE"
    ALREADY_SCHEDULED = "ALREADY_SCHEDULED"
    NOT_SCHEDULED = "NOT_SCHEDULED"


@dataclass
class MergeError(DomainError):
    """A refused merge or split: MERGE_INVALID with a stable reason and, where dossiers
    are at fault, the first LISTED_CODES of their codes (never personal data)."""

    reason: Reason = Reason.NOT_ACTIVE
    dossier_codes: list[str] = field(default_factory=list)


def refused(
    reason: Reason, message: str, where: str, dossier_codes: list[str] | None = None
) -> MergeError:
    codes = dossier_codes or []
    return MergeError(
        ErrorCode.MERGE_INVALID, message, where, reason=reason, dossier_codes=codes[:LISTED_CODES]
    )


@dataclass(frozen=True)
class NewAgency:
    """A target the merge or split creates; it exists from the effective date."""

    name: str
    level: AgencyLevel
    parent_code: str | None = None
    name_en: str | None = None
    address: str | None = None
    unit_code: str | None = None
    serves_code: str | None = None


def not_active(agency: Agency, where: str) -> MergeError:
    after = f" into {agency.merged_into!r}" if agency.merged_into else ""
    return refused(
        Reason.NOT_ACTIVE, f"agency {agency.code!r} was {agency.state.value.lower()}{after}", where
    )


def ensure_active(agency: Agency, where: str) -> None:
    if agency.state is not AgencyState.ACTIVE:
        raise not_active(agency, where)


def ensure_valid_on(agency: Agency, day: date, where: str) -> None:
    """The agency existed on the effective date (its `validFrom`/`validTo`, inclusive)."""
    started = agency.valid_from is None or agency.valid_from <= day
    if not started or (agency.valid_to is not None and agency.valid_to < day):
        raise refused(
            Reason.NOT_VALID_ON_DATE,
            f"agency {agency.code!r} does not exist on {day.isoformat()}",
            where,
        )


def starts(day: date) -> datetime:
    """The first moment of a local day."""
    return local_moment(day, time())


def last_day_before(day: date) -> date:
    return day - timedelta(days=1)


async def backdated_conflicts(
    moving: list[Dossier],
    sources: set[str],
    effective: date,
    session: AsyncClientSession | None,
) -> list[str]:
    """The moving dossiers that show a source at work on or after the effective date.

    A back-dated change says the sources stopped existing on `effective`. A moving
    (open) dossier contradicts it if, from 00:00 Hà Nội time that day, it was received
    at a source, one of its steps was started at a source, or an event was recorded with
    a source as the acting agency (someone acted for it). Finished dossiers never move,
    so they are never in conflict.
    """
    since = starts(effective)
    found = {
        d.code
        for d in moving
        if (d.receiving_agency_code in sources and d.received_at >= since)
        or any(s.agency_code in sources and s.received_at >= since for s in d.steps)
    }
    codes = sorted(d.code for d in moving)
    for start in range(0, len(codes), _BATCH):
        query = {
            "dossier_code": {"$in": codes[start : start + _BATCH]},
            "agency_code": {"$in": sorted(sources)},
            "at": {"$gte": since},
        }
        acted = await DossierEvent.get_pymongo_collection().distinct(
            "dossier_code", query, session=session
        )
        found.update(acted)
    return sorted(found)


async def refuse_backdated_conflicts(
    moving: list[Dossier],
    sources: set[str],
    effective: date,
    today: date,
    session: AsyncClientSession | None,
) -> None:
    """Only a change dated before today can contradict what happened: one dated today
    takes effect when it is applied, so the morning's work at a source stands."""
    if effective >= today:
        return
    conflicts = await backdated_conflicts(moving, sources, effective, session)
    if conflicts:
        raise refused(
            Reason.BACKDATED_CONFLICT,
            f"{len(conflicts)} open dossiers show a source at work on or after "
            f"{effective.isoformat()}; choose a later date",
            "effectiveDate",
            conflicts,
        )


def applying_moment(effective: date, effective_at: datetime | None) -> datetime:
    """When a merge applies: `effective_at`, which must fall on the effective date in
    Hà Nội, or the start of that day."""
    if effective_at is None:
        return starts(effective)
    if effective_at.utcoffset() is None or local_date(effective_at) != effective:
        raise DomainError(
            ErrorCode.VALIDATION_FAILED,
            "effectiveAt must be a moment on the effective date (Hà Nội time)",
            "effectiveAt",
        )
    return effective_at
