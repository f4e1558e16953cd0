"""Reading dossiers: one or a page as the viewer may see them, and the public look-up."""

from __future__ import annotations

import hmac
from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry import relay

from documents.common.paging import MAX_PAGE, direction
from documents.common.tolerant import UnreadableDocumentError
from documents.dossiers.dossier import Dossier
from documents.dossiers.search import (
    DossierFilter,
    Page,
    UnreadableDossier,
    position_of,
    search,
)
from documents.groups.lookup import find_dossier_group
from schema.core.context import Info
from schema.core.enums import DossierOrder
from schema.core.global_ids import derived_id
from schema.core.pagination import (
    After,
    Before,
    First,
    Last,
    decode_cursor,
    encode_cursor,
    page_info,
)
from schema.core.unreadable import leave_out, unreadable_error
from schema.dossiers.inputs import DossierFilterInput
from schema.dossiers.prefetch import read_ahead
from schema.dossiers.presenting import present, present_all
from schema.dossiers.public_groups import public_group_status
from schema.dossiers.types import DossierConnection, DossierType, PublicDossierStatus
from schema.dossiers.visibility import unreadable_dossier


class RateLimitedError(GraphQLError):
    def __init__(self) -> None:
        message = "Too many look-ups from this address; try again in a minute."
        super().__init__(message, extensions={"code": "RATE_LIMITED"})


@strawberry.type
class DossierQueries:
    @strawberry.field(
        description="One dossier by its code, as you may see it (masked where your access "
        "requires); null when unknown or not yours to see, alike."
    )
    async def dossier(
        self,
        info: Info,
        code: Annotated[str, strawberry.argument(description="The dossier's code.")],
    ) -> DossierType | None:
        try:
            found = await info.context.loaders.dossier_by_code.load(code)
        except UnreadableDocumentError as error:
            refusal = await unreadable_dossier(info, code, error)
            if refusal is None:
                return None
            raise refusal from None
        return await present(info, found)

    @strawberry.field(
        description=f"Dossiers, newest first by default: the first 20, or `first` after "
        f"`after`, or `last` before `before` (both ways at once is refused); a page holds "
        f"at most {MAX_PAGE}."
    )
    async def dossiers(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        filter: Annotated[
            DossierFilterInput | None,
            strawberry.argument(description="Only the dossiers that match every criterion."),
        ] = None,
        order_by: Annotated[
            DossierOrder, strawberry.argument(description="The order of the list.")
        ] = DossierOrder.RECEIVED_AT_DESC,
        last: Last = None,
        before: Before = None,
    ) -> DossierConnection:
        size, backward = direction(first, last)
        spec = filter.to_domain() if filter else DossierFilter()
        start = decode_cursor(after) if after else None
        stop = decode_cursor(before) if before else None
        visible = (await info.context.access()).dossier_filter()
        page = Page([], more=False)
        if visible is not None:
            page = await search(
                spec, order_by, size, after=start, before=stop, backward=backward, visible=visible
            )
        found = [item for item in page.items if isinstance(item, Dossier)]
        loader = info.context.loaders.dossier_by_code
        for dossier in found:
            loader.prime(dossier.code, dossier)
        shown = await present_all(info, list(found))
        await read_ahead(info, [node for node in shown if node is not None])
        edges = [
            relay.Edge(cursor=encode_cursor(position_of(d)), node=node)
            for d, node in zip(found, shown, strict=True)
            if node is not None
        ]
        for item in page.items:
            if isinstance(item, UnreadableDossier):
                leave_out(info, _left_out(item, [*info.path.as_list(), "edges"]))
        paging = page_info(
            edges,
            page.more,
            after,
            encode_cursor(page.end) if page.end else None,
            before=before,
            backward=backward,
            start=encode_cursor(page.start) if page.start else None,
        )
        return DossierConnection(edges=edges, page_info=paging)


def _left_out(item: UnreadableDossier, path: list[str | int]) -> GraphQLError:
    """The error of a dossier left out of a page (in the visible set: the search's filter
    held), with the cursor of its place when that is known."""
    cursor = encode_cursor(item.position) if item.position else None
    return unreadable_error(
        item.document,
        "this version cannot read a stored dossier of this page; it was left out",
        path,
        dossierCode=item.code,
        cursor=cursor,
    )


@strawberry.type
class PublicQueries:  # what anyone may ask without logging in
    @strawberry.field(
        description="Look a dossier, or a group submission (then `groupStatus` and "
        "`members` are set), up by its code and the last 4 characters of the applicant's "
        "identification number. A wrong pair and an unknown code give the same answer "
        "(null). Rate-limited per client address."
    )
    async def public_dossier_status(
        self, info: Info, code: str, applicant_id_last4: str
    ) -> PublicDossierStatus | None:
        context = info.context
        if context.public_lookups is not None and not await context.public_lookups.allow(
            context.client_address
        ):
            raise RateLimitedError
        loaders = context.loaders
        try:
            dossier = await loaders.dossier_by_code.load(code)
        except UnreadableDocumentError:  # as unknown: this look-up is anonymous
            dossier = None
        # Not a dossier: perhaps a group submission (same code format, same counter).
        group = None if dossier else await find_dossier_group(code)
        expected = "????"
        if dossier is not None:
            expected = dossier.applicant.id_number[-4:]
        elif group is not None:
            expected = group.applicant_id[-4:]
        # Constant-time, and run for unknown codes too, so neither reveals more.
        matches = hmac.compare_digest(expected.encode(), applicant_id_last4[-4:].encode())
        if not matches or len(applicant_id_last4) != 4:
            return None
        if group is not None:
            return await public_group_status(info, group)
        if dossier is None:
            return None
        procedure = await loaders.procedure_by_code.load(dossier.procedure_code)
        agency = await loaders.agency_by_code.load(dossier.handling_agency_code)
        return PublicDossierStatus(
            id=derived_id("PublicDossierStatus", dossier.code),
            code=dossier.code,
            procedure_name=procedure.name if procedure else dossier.procedure_code,
            status=dossier.status,
            received_at=dossier.received_at,
            appointment_at=dossier.appointment_at,
            timeliness=dossier.timeliness,
            handling_agency_name=agency.name if agency else dossier.handling_agency_code,
        )
