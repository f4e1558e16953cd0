"""SIGKILL an API process under ten submitters at five agencies: every agency accepts
again within 10 s, and every key that was in flight completes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.faults.kills import api_kill

pytestmark = pytest.mark.faults


async def test_api_kill_blocks_no_agency_and_every_retried_key_completes(tmp_path: Path) -> None:
    """A retry within the idempotency lease gets IN_PROGRESS; after it, the request runs
    again. The dead process's transactions must not hold an agency's code counter."""
    async with asyncio.timeout(150):  # a hang fails here, not in CI's timeout
        result = await api_kill(tmp_path)
    assert result.problems() == [], result.report()
