"""The applicant's reuse grants: consent that someone else reuse their e-data
repository in one dossier they file for them (docs/papers.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from documents.common.clock import utcnow
from documents.common.errors import DomainError
from documents.papers.consents import ReuseConsent, revoke
from documents.papers.granting import grant_reuse
from schema.core.context import Info
from schema.core.errors import UserError, errors_from
from schema.core.global_ids import raw_key
from schema.core.permissions import PermissionDeniedError


@strawberry.type(description="A reuse grant mutation's error; `field` is the input at fault.")
class ReuseGrantError(UserError):
    pass


@strawberry.type(
    name="ReuseGrant",
    description="The applicant's consent that a dossier of one procedure, filed for them "
    "at one desk by someone else, reuse their e-data repository. One dossier uses it up.",
)
class ReuseGrantType:
    id: strawberry.ID = strawberry.field(description="A random token; revoke it by this id.")
    procedure_code: str = strawberry.field(description="The procedure of the dossier it allows.")
    receiving_agency_code: str | None = strawberry.field(
        description="The desk where the dossier is filed."
    )
    repository_item_ids: list[strawberry.ID] | None = strawberry.field(
        description="The items it covers; null for every item."
    )
    granted_at: datetime = strawberry.field(description="When it was given.")
    expires_at: datetime = strawberry.field(description="It cannot be used after this.")
    revoked_at: datetime | None = strawberry.field(
        description="When it was withdrawn; null if not."
    )
    used_at: datetime | None = strawberry.field(
        description="When a dossier used it; null if none has."
    )
    used_for: str | None = strawberry.field(description="The code of the dossier that used it.")
    usable: bool = strawberry.field(
        description="Not used, revoked or expired: a dossier may still use it."
    )

    @classmethod
    def from_document(cls, consent: ReuseConsent, now: datetime) -> ReuseGrantType:
        items = consent.item_tokens
        return cls(
            id=strawberry.ID(consent.token),
            procedure_code=consent.procedure_code,
            receiving_agency_code=consent.receiving_agency_code,
            repository_item_ids=None if items is None else [strawberry.ID(t) for t in items],
            granted_at=consent.granted_at,
            expires_at=consent.expires_at,
            revoked_at=consent.revoked_at,
            used_at=consent.used_at,
            used_for=consent.used_for,
            usable=consent.usable(now),
        )


@strawberry.type(description="What the mutation did, or its `errors` (then nothing changed).")
class ReuseGrantPayload:
    grant: ReuseGrantType | None = strawberry.field(
        default=None,
        description="The reuse grant as it is now; null when there are errors.",
    )
    errors: list[ReuseGrantError] = strawberry.field(
        default_factory=list, description="Why it failed, one per fault; empty when it succeeded."
    )


@strawberry.input(description="A consent to reuse your e-data repository in one dossier.")
class GrantReuseInput:
    procedure_code: str
    receiving_agency_code: str = strawberry.field(
        description="The desk that will file the dossier for you."
    )
    repository_item_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only these items of yours (at most 50); null for any."
    )
    valid_for_hours: int = strawberry.field(default=24, description="1 to 168 hours.")


async def own_id(info: Info) -> str:
    """The signed-in applicant's id number; anyone else is FORBIDDEN."""
    access = await info.context.access()
    if not access.has_repository():
        raise PermissionDeniedError("only applicants have an e-data repository")
    owner = info.context.principal.id_number
    assert owner is not None  # has_repository checks it
    return owner


@strawberry.type
class ReuseGrantMutations:
    @strawberry.mutation(
        description="Consent that a dossier of this procedure, filed for you at this desk "
        "by someone else, reuse your e-data repository; one dossier uses it up."
    )
    async def grant_reuse(
        self,
        info: Info,
        input: Annotated[
            GrantReuseInput,
            strawberry.argument(description="Which procedure and desk, which items, for how long."),
        ],
    ) -> ReuseGrantPayload:
        owner = await own_id(info)
        now = utcnow()
        items = None
        if input.repository_item_ids is not None:
            items = [raw_key(i, "RepositoryItem") for i in input.repository_item_ids]
        try:
            made = await grant_reuse(
                owner,
                input.procedure_code,
                input.receiving_agency_code,
                items,
                input.valid_for_hours,
                now,
            )
        except DomainError as error:
            return ReuseGrantPayload(errors=errors_from(ReuseGrantError, error))
        info.context.audit.targets.append(f"reuseGrant:{made.id}")
        return ReuseGrantPayload(grant=ReuseGrantType.from_document(made, now))

    @strawberry.mutation(description="Withdraw a reuse grant that no dossier has used yet.")
    async def revoke_reuse_grant(self, info: Info, id: strawberry.ID) -> ReuseGrantPayload:
        owner = await own_id(info)
        now = utcnow()
        try:
            revoked = await revoke(owner, str(id), now)
        except DomainError as error:
            return ReuseGrantPayload(errors=errors_from(ReuseGrantError, error))
        info.context.audit.targets.append(f"reuseGrant:{revoked.id}")
        return ReuseGrantPayload(grant=ReuseGrantType.from_document(revoked, now))
