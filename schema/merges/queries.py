"""Reading scheduled merges, for system administrators."""

from __future__ import annotations

from typing import Annotated

import strawberry

from documents.access.policy import AdminArea
from documents.common.paging import MAX_PAGE
from documents.merges.scheduling import ScheduleStatus, scheduled_merges
from schema.core.context import Info
from schema.core.permissions import require_admin
from schema.merges.types import ScheduledMergeType


@strawberry.type
class MergeQueries:
    @strawberry.field(
        description="Scheduled merges, soonest first: pending, applied, failed (with the "
        "reason) or cancelled."
    )
    async def scheduled_merges(
        self,
        info: Info,
        status: Annotated[
            ScheduleStatus | None, strawberry.argument(description="Only these.")
        ] = None,
        first: Annotated[
            int, strawberry.argument(description="At most this many (1 to 100).")
        ] = 50,
    ) -> list[ScheduledMergeType]:
        await require_admin(info, AdminArea.AGENCIES)
        found = await scheduled_merges(status, max(1, min(first, MAX_PAGE)))
        return [ScheduledMergeType.from_document(m) for m in found]
