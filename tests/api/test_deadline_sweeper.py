"""Each API process sweeps passed deadlines into the statistics roll-ups by itself."""

from __future__ import annotations

import asyncio

import pytest

from api.settings import Settings
from documents.statistics.facts import OpenClock
from documents.statistics.tables import Level, StatsMonth
from tests.conftest import GraphQLClient
from tests.schema.statistics.statistics_helpers import open_dossier


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"deadline_sweep_seconds": 0.1})


@pytest.mark.usefixtures("tiny_catalogue")
async def test_the_app_counts_a_passed_deadline_without_any_event(gql: GraphQLClient) -> None:
    # Received in March 2026 on a fixed clock; by the real clock its deadline is long past.
    code = await open_dossier(gql, "2026-03-03")
    clock = None
    for _ in range(100):
        clock = await OpenClock.find_one(OpenClock.dossier_code == code)
        if clock is not None and clock.counted:
            break
        await asyncio.sleep(0.1)
    assert clock is not None
    assert clock.counted
    city = await StatsMonth.find_one({"level": Level.CITY.value, "day": "2026-03"})
    assert city is not None
    assert city.overdue == 1
