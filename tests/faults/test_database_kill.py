"""SIGKILL the database under ten submitters: nothing acknowledged is lost."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.faults.kills import database_kills

pytestmark = pytest.mark.faults

KILLS = 4


async def test_database_kills_lose_nothing_acknowledged_and_leave_no_key_stuck(
    tmp_path: Path,
) -> None:
    """4 kills here, to keep `make test` short; `python -m bench.faults` makes the issue's
    20. The API serves its own embedded database, as `motcua serve` does by default, and
    its supervisor restarts it. Each kill waits until `/readyz` says the supervisor saw the
    child healthy, then comes 0–20 ms after an acknowledgement: the commits a database
    that does not sync on commit loses are its last few tens of ms."""
    async with asyncio.timeout(150):  # a hang fails here, not in CI's timeout
        result = await database_kills(tmp_path, kills=KILLS)
    assert result.problems() == [], result.report()
