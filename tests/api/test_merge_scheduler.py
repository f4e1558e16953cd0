"""Each API process applies scheduled merges by itself when they fall due."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from api.settings import Settings
from documents.calendar.working_calendar import OfficeHours
from documents.catalogue.agencies import Agency, AgencyState
from documents.common.clock import local_date, utcnow
from documents.merges.scheduling import ScheduledMerge, ScheduleStatus
from documents.statistics.rebuild import verify
from tests.conftest import GraphQLClient
from tests.schema.merges.merge_helpers import NEW_C, A, B, C, make_history, merge_input

MERGE = """
mutation($input: MergeAgenciesInput!) { mergeAgencies(input: $input) {
  scheduled { id status } errors { code message }
} }
"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"merge_scheduler_seconds": 0.2})


@pytest.mark.usefixtures("tiny_catalogue")
async def test_a_merge_scheduled_seconds_ahead_applies_itself(gql: GraphQLClient) -> None:
    history = await make_history()
    # The real clock: the app's scheduler runs on it.
    at = utcnow() + timedelta(seconds=2)
    wanted = {
        **merge_input([A, B], C, NEW_C, effective=local_date(at).isoformat()),
        "effectiveAt": at.isoformat(),
    }

    payload = (await gql.as_role("system_admin").data(MERGE, {"input": wanted}))["mergeAgencies"]

    assert payload["errors"] == []
    assert payload["scheduled"]["status"] == "SCHEDULED"
    stored = None
    for _ in range(100):
        stored = await ScheduledMerge.find_one({})
        if stored is not None and stored.status is not ScheduleStatus.SCHEDULED:
            break
        await asyncio.sleep(0.1)
    assert stored is not None
    assert (stored.status, stored.moved) == (ScheduleStatus.APPLIED, len(history.open))
    assert stored.finished_at is not None
    assert stored.finished_at >= at
    source = await Agency.find_one(Agency.code == A)
    assert source is not None
    assert source.state is AgencyState.MERGED
    # `motcua stats verify` agrees with the roll-ups without a rebuild.
    assert await verify(OfficeHours()) == []
