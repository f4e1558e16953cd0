"""A connected subscriber gets every event while 150 others connect, subscribe and leave
around live events, on a separate API process under submit load."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.faults.live import churn

pytestmark = pytest.mark.faults


async def test_churn_of_150_subscribers_loses_no_event_for_the_one_that_stays(
    mongodb_uri: str, tmp_path: Path
) -> None:
    async with asyncio.timeout(90):  # a hang fails here, not in CI's timeout
        result = await churn(mongodb_uri, tmp_path, churners=150)
    assert result.problems() == [], result.report()
