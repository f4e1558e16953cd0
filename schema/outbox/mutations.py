"""Redelivering a dead letter of the outbox."""

from __future__ import annotations

import strawberry

from documents.common.errors import DomainError
from documents.outbox.backlog import redeliver_dead
from schema.core.context import Info
from schema.core.errors import errors_from
from schema.outbox.access import require_operator
from schema.outbox.types import OutboxError, OutboxMessagePayload, OutboxMessageType


@strawberry.type
class OutboxMutations:
    @strawberry.mutation(
        description="Send a dead letter again, now, with a fresh retry window "
        "(NOT_FOUND: no such message; CONFLICT: it is not a dead letter)."
    )
    async def redeliver_outbox_message(self, info: Info, id: str) -> OutboxMessagePayload:
        require_operator(info)
        try:
            message = await redeliver_dead(id)
        except DomainError as error:
            return OutboxMessagePayload(errors=errors_from(OutboxError, error))
        info.context.audit.targets.append(f"outboxMessage:{message.id}")
        return OutboxMessagePayload(message=OutboxMessageType.from_document(message))
