"""A subscriber that leaves and resumes with `after` under eight writers gets every event
exactly once: 0 missed, 0 duplicated."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.faults.resume import resume

pytestmark = pytest.mark.faults


async def test_resume_after_position_under_eight_writers_misses_and_repeats_nothing(
    mongodb_uri: str, tmp_path: Path
) -> None:
    """10 reconnects here; `python -m bench.faults` makes the issue's 20."""
    async with asyncio.timeout(90):  # a hang fails here, not in CI's timeout
        result = await resume(mongodb_uri, tmp_path, writers=8, reconnects=10)
    assert result.problems() == [], result.report()
