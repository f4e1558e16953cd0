"""Four API processes on one database, one SIGKILLed: its subscribers resume at the others
with `after` and every subscriber gets every stored event exactly once, in order."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.faults.four_processes import four_processes

pytestmark = pytest.mark.faults


async def test_subscribers_of_a_killed_process_resume_elsewhere_missing_and_repeating_nothing(
    tmp_path: Path,
) -> None:
    # About 30 s on a quiet machine, most of it starting four processes; a hang fails here.
    async with asyncio.timeout(150):
        result = await four_processes(tmp_path, per_process=3, writers=4)
    assert result.problems() == [], result.report()
