from __future__ import annotations

import strawberry
from strawberry import relay

from documents.dossiers.dossier import Dossier
from documents.dossiers.search import MAX_PAGE, DossierFilter, position_of, search
from schema.core.context import Info
from schema.core.enums import DossierOrder
from schema.core.pagination import decode_cursor, encode_cursor, page_info
from schema.dossiers.inputs import DossierFilterInput
from schema.dossiers.presenting import present, present_all
from schema.dossiers.types import DossierConnection, DossierType


@strawberry.type
class DossierQueries:
    @strawberry.field
    async def dossier(self, info: Info, code: str) -> DossierType | None:
        return await present(info, await info.context.loaders.dossier_by_code.load(code))

    @strawberry.field(
        description=f"Dossiers, newest first by default; `first` is capped at {MAX_PAGE}."
    )
    async def dossiers(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: DossierFilterInput | None = None,
        order_by: DossierOrder = DossierOrder.RECEIVED_AT_DESC,
    ) -> DossierConnection:
        if first < 0:
            raise ValueError("first must not be negative")
        spec = filter.to_domain() if filter else DossierFilter()
        position = decode_cursor(after) if after else None
        visible = (await info.context.access()).dossier_filter()
        page: list[Dossier] = []
        more = False
        if visible is not None:
            page, more = await search(spec, order_by, first, after=position, visible=visible)
        loader = info.context.loaders.dossier_by_code
        for dossier in page:
            loader.prime(dossier.code, dossier)
        shown = await present_all(info, list(page))
        edges = [
            relay.Edge(cursor=encode_cursor(position_of(d)), node=node)
            for d, node in zip(page, shown, strict=True)
            if node is not None
        ]
        return DossierConnection(
            edges=edges,
            page_info=page_info(edges, more, after),
        )
