"""`groupStatistics`: the scoreboard's row per procedure group, public (docs/scoreboard.md)."""

from __future__ import annotations

import strawberry

from documents.groups.statistics import GroupRow, group_statistics
from schema.core.global_ids import derived_id
from schema.statistics.keys import range_key
from schema.statistics.queries import From, To, _check_range


@strawberry.type(
    name="GroupStatisticsRow", description="One procedure group's figures for a range."
)
class GroupStatisticsRow:
    id: strawberry.ID = strawberry.field(
        description="Stable id: the range and the procedure group's code."
    )
    group_code: str = strawberry.field(description="The procedure group's code.")
    name: str = strawberry.field(description="The group's name.")
    received: int = strawberry.field(description="Group submissions received in the range.")
    finished: int = strawberry.field(description="Groups whose last member finished in it.")
    done: int = strawberry.field(
        description="Of those, the ones where every member has its result."
    )
    done_on_time: int = strawberry.field(description="Done by the group deadline's day.")
    on_time_rate: float | None = strawberry.field(description="doneOnTime / done, in percent.")
    average_days: float | None = strawberry.field(
        description="Working days the done groups took, on average, from the clock start."
    )
    average_deadline_days: float | None = strawberry.field(
        description="Working days their group deadlines allowed, on average (the comparison)."
    )

    @classmethod
    def from_domain(cls, row: GroupRow, owner: str) -> GroupStatisticsRow:
        return cls(
            id=derived_id("GroupStatisticsRow", owner, row.group_code),
            group_code=row.group_code,
            name=row.name,
            received=row.received,
            finished=row.finished,
            done=row.done,
            done_on_time=row.done_on_time,
            on_time_rate=row.on_time_rate,
            average_days=row.average_days,
            average_deadline_days=row.average_deadline_days,
        )


@strawberry.type
class GroupStatisticsQueries:
    @strawberry.field(
        description=(
            "One row per procedure group (Decree 63/2024 interconnected procedures), for "
            "anyone: received in the range, and of those finished in it, done and done on "
            "time, with the average working days against the group deadline."
        )
    )
    async def group_statistics(self, from_: From, to: To) -> list[GroupStatisticsRow]:
        _check_range(from_, to)
        owner = range_key(from_, to)
        rows = await group_statistics(from_, to)
        return [GroupStatisticsRow.from_domain(row, owner) for row in rows]
