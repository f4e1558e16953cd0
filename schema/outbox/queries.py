"""The outbox's figures per destination, and its messages."""

from __future__ import annotations

from typing import Annotated

import strawberry
from beanie import PydanticObjectId

from documents.common.deliveries import DeliveryStatus
from documents.common.paging import page_size
from documents.outbox.backlog import backlogs, messages_page
from documents.outbox.messages import Destination
from schema.core.context import Info
from schema.core.pagination import InvalidCursorError, page_info
from schema.outbox.access import require_operator
from schema.outbox.types import (
    DestinationStatusType,
    OutboxMessageConnection,
    OutboxMessageEdge,
    OutboxMessageType,
)


def _configured(info: Info) -> set[Destination]:
    """The destinations this process has an adapter for (`app.state.adapters`)."""
    adapters = getattr(info.context.request.app.state, "adapters", None)
    ports = getattr(adapters, "ports", None)
    return set(ports.configured()) if ports is not None else set()


@strawberry.type
class OutboxQueries:
    @strawberry.field(
        description="Each external system's backlog, dead letters, deliveries and the age "
        "of its oldest pending message (system administrators)."
    )
    async def outbox_status(self, info: Info) -> list[DestinationStatusType]:
        require_operator(info)
        configured = _configured(info)
        return [
            DestinationStatusType.from_backlog(b, b.destination in configured)
            for b in await backlogs()
        ]

    @strawberry.field(description="Outbox messages with their attempts, newest first.")
    async def outbox_messages(
        self,
        info: Info,
        destination: Annotated[
            Destination | None,
            strawberry.argument(description="Only this system's; all when null."),
        ] = None,
        status: Annotated[
            DeliveryStatus | None, strawberry.argument(description="Only these; all when null.")
        ] = None,
        first: Annotated[
            int, strawberry.argument(description="At most this many (up to 100).")
        ] = 20,
        after: str | None = None,
    ) -> OutboxMessageConnection:
        require_operator(info)
        if after is not None and not PydanticObjectId.is_valid(after):
            raise InvalidCursorError
        start = PydanticObjectId(after) if after else None
        found, more = await messages_page(destination, status, page_size(first), start)
        edges = [
            OutboxMessageEdge(cursor=str(m.id), node=OutboxMessageType.from_document(m))
            for m in found
        ]
        return OutboxMessageConnection(edges=edges, page_info=page_info(edges, more, after))
