"""The applicant's consent to reuse their e-data repository in a dossier someone else
files for them (docs/papers.md, "Who may reuse").

Consent is a reuse grant the applicant gives (`grantReuse`): for one procedure at one
receiving desk, for a bounded time, revocable, used by one dossier only. Or it is a
`reuse_consent` claim in the submitter's token, naming the applicant, the procedure and
a one-time `jti`, issued by the identity provider once the applicant agreed: a claim is
recorded here when it is used, so it too serves one dossier only.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from beanie import Document, SortDirection
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

from documents.common.errors import DomainError, ErrorCode

# How long a grant may last; longer ones are refused.
MAX_GRANT_HOURS = 7 * 24
# Kept this long after they lapse, for the applicant's history, then deleted.
KEPT_AFTER_EXPIRY = timedelta(days=90)


def new_token(prefix: str) -> str:
    """A random 128-bit identifier that cannot be guessed or counted."""
    return f"{prefix}_{secrets.token_urlsafe(16)}"


@dataclass(frozen=True)
class ConsentClaim:
    """A verified token's `reuse_consent` claim."""

    id_number: str
    procedure_code: str
    jti: str
    # The token's expiry: the claim is spent or dead by then.
    expires_at: datetime


@dataclass(frozen=True)
class Submitter:
    """Who files a dossier, as reuse needs to know it: the applicant signed in as
    themselves (`id_number`), or someone filing for them, perhaps with a claim."""

    id_number: str | None = None
    consent: ConsentClaim | None = None


class ConsentSource(StrEnum):
    GRANT = "GRANT"
    TOKEN_CLAIM = "TOKEN_CLAIM"


class ReuseConsent(Document):
    # The grant's id as its owner names it, or the hash of a used claim's jti; unique.
    token: str
    source: ConsentSource
    owner_id: str
    procedure_code: str
    receiving_agency_code: str | None = None
    # Grants may name the owner's repository items (their tokens); None means any.
    item_tokens: list[str] | None = None
    granted_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    used_at: datetime | None = None
    used_for: str | None = None  # the dossier's code
    # Deleted by the server this long after `expires_at`.
    purge_at: datetime

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and now < self.expires_at

    class Settings:
        name = "reuse_consents"
        indexes = [  # noqa: RUF012 - Beanie reads this class attribute
            IndexModel([("token", ASCENDING)], name="by_token", unique=True),
            IndexModel(
                [
                    ("owner_id", ASCENDING),
                    ("procedure_code", ASCENDING),
                    ("granted_at", DESCENDING),
                ],
                name="by_owner",
            ),
            IndexModel([("purge_at", ASCENDING)], name="purge", expireAfterSeconds=0),
        ]


def _claim_token(claim: ConsentClaim) -> str:
    return "claim_" + hashlib.sha256(claim.jti.encode()).hexdigest()


async def grant(
    owner_id: str,
    procedure_code: str,
    receiving_agency_code: str,
    item_tokens: list[str] | None,
    hours: int,
    now: datetime,
) -> ReuseConsent:
    """A grant by the applicant `owner_id`; the caller checked the procedure, the agency
    and that the items are the owner's."""
    if not 1 <= hours <= MAX_GRANT_HOURS:
        raise DomainError(
            ErrorCode.VALIDATION_FAILED,
            f"a grant lasts from 1 to {MAX_GRANT_HOURS} hours",
            "validForHours",
        )
    expires = now + timedelta(hours=hours)
    consent = ReuseConsent(
        token=new_token("rg"),
        source=ConsentSource.GRANT,
        owner_id=owner_id,
        procedure_code=procedure_code,
        receiving_agency_code=receiving_agency_code,
        item_tokens=item_tokens,
        granted_at=now,
        expires_at=expires,
        purge_at=expires + KEPT_AFTER_EXPIRY,
    )
    await consent.insert()
    return consent


async def grants_of(owner_id: str) -> list[ReuseConsent]:
    """The applicant's grants, newest first."""
    return (
        await ReuseConsent.find(
            ReuseConsent.owner_id == owner_id, ReuseConsent.source == ConsentSource.GRANT
        )
        .sort([("granted_at", SortDirection.DESCENDING), ("_id", SortDirection.DESCENDING)])
        .to_list()
    )


async def revoke(owner_id: str, token: str, now: datetime) -> ReuseConsent:
    """Revoke one of the owner's grants; someone else's is as unknown as a made-up one.
    Revoking twice, or a grant already used, changes nothing."""
    found = await ReuseConsent.find_one(
        ReuseConsent.token == token,
        ReuseConsent.owner_id == owner_id,
        ReuseConsent.source == ConsentSource.GRANT,
    )
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such reuse grant", "id")
    if found.revoked_at is None and found.used_at is None:
        await ReuseConsent.get_pymongo_collection().update_one(
            {"_id": found.id, "revoked_at": None, "used_at": None},
            {"$set": {"revoked_at": now}},
        )
        found = await ReuseConsent.get(found.id) or found
    return found


@dataclass(frozen=True)
class Consent:
    """The consent a submission relies on: what it covers, and how it is spent."""

    item_tokens: frozenset[str] | None
    claim: ConsentClaim | None = None
    grant: ReuseConsent | None = None

    def covers(self, item_token: str | None) -> bool:
        return self.item_tokens is None or item_token in self.item_tokens

    async def spend(
        self, owner_id: str, code: str, now: datetime, session: AsyncClientSession
    ) -> None:
        """Mark the consent used by dossier `code`, in the submission's transaction; a
        consent spent meanwhile by another submission is a CONFLICT."""
        if self.grant is not None:
            result = await ReuseConsent.get_pymongo_collection().update_one(
                {
                    "_id": self.grant.id,
                    "used_at": None,
                    "revoked_at": None,
                    "expires_at": {"$gt": now},
                },
                {"$set": {"used_at": now, "used_for": code}},
                session=session,
            )
            if result.modified_count != 1:
                raise _spent()
        if self.claim is not None:
            claim = self.claim
            record = ReuseConsent(
                token=_claim_token(claim),
                source=ConsentSource.TOKEN_CLAIM,
                owner_id=owner_id,
                procedure_code=claim.procedure_code,
                granted_at=now,
                expires_at=claim.expires_at,
                used_at=now,
                used_for=code,
                purge_at=claim.expires_at + KEPT_AFTER_EXPIRY,
            )
            try:
                await record.insert(session=session)
            except DuplicateKeyError:
                raise _spent() from None


def _spent() -> DomainError:
    return DomainError(
        ErrorCode.CONFLICT,
        "the applicant's consent to reuse was used or revoked meanwhile; submit again",
        "reusedPapers",
    )


async def consent_for(
    submitter: Submitter, owner_id: str, procedure_code: str, desk: str, now: datetime
) -> Consent | None:
    """What the submitter may reuse of `owner_id`'s repository in this submission: all
    of it for the owner, what a live consent covers for anyone else, else nothing."""
    if submitter.id_number is not None:
        return Consent(None) if submitter.id_number == owner_id else None
    claim = submitter.consent
    if (
        claim is not None
        and claim.id_number == owner_id
        and claim.procedure_code == procedure_code
        and now < claim.expires_at
        and await ReuseConsent.find_one(ReuseConsent.token == _claim_token(claim)) is None
    ):
        return Consent(None, claim=claim)
    candidates = await ReuseConsent.find(
        ReuseConsent.owner_id == owner_id,
        ReuseConsent.procedure_code == procedure_code,
        ReuseConsent.source == ConsentSource.GRANT,
        ReuseConsent.receiving_agency_code == desk,
        ReuseConsent.used_at == None,  # noqa: E711 - a MongoDB query, not a comparison
        ReuseConsent.revoked_at == None,  # noqa: E711
    ).to_list()
    live = sorted((c for c in candidates if c.usable(now)), key=lambda c: c.granted_at)
    if not live:
        return None
    chosen = live[-1]  # the newest
    items = frozenset(chosen.item_tokens) if chosen.item_tokens is not None else None
    return Consent(items, grant=chosen)
