"""A process killed with SIGKILL in the middle of a transaction that holds an agency's code
counter: the reaper of a live process kills its session, and the agency accepts
submissions again within 10 s (not after the database's 60 s transaction lifetime)."""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Any

from pymongo import AsyncMongoClient

from api.settings import Settings
from bench.processes import ROOT
from documents.common.session_leases import COLLECTION
from documents.dossiers.dossier import Dossier
from tests.catalogue import WARD, load_tiny_catalogue, submission
from tests.conftest import GraphQLClient, running_app
from tests.schema.workflow.workflow_helpers import SUBMIT

log = logging.getLogger(__name__)


async def _killed_while_holding(settings: Settings, agency: str) -> None:
    """Start tests/api/dead_process.py, wait until it holds `agency`'s counter, kill it."""
    assert settings.mongodb_uri is not None
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.api.dead_process",
        settings.mongodb_uri,
        settings.database,
        agency,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        assert child.stdout is not None
        line = await asyncio.wait_for(child.stdout.readline(), 60)
        assert line.strip() == b"holding", line
    finally:
        child.kill()
        await child.wait()


async def test_an_agency_accepts_submissions_within_ten_seconds_of_a_process_killed_mid_transaction(
    settings: Settings, janitor: AsyncMongoClient[dict[str, Any]]
) -> None:
    own = settings.model_copy(update={"background_services": True})
    async for app, http in running_app(own):
        await load_tiny_catalogue()
        await _killed_while_holding(own, WARD)
        loop = asyncio.get_running_loop()
        killed_at = loop.time()
        reception = GraphQLClient(http, own).as_role("officer:reception")
        body = await reception.execute(SUBMIT, {"input": submission()})
        took = loop.time() - killed_at
        log.warning("submitted %.2f s after the kill", took)
        assert "errors" not in body, body
        assert body["data"]["submitDossier"]["errors"] == []
        assert took < 10.0
        assert await Dossier.count() == 1
        # The dead process's lease is gone; this process's own is there.
        leases = await app.state.client[own.database][COLLECTION].find().to_list()
        assert [lease["_id"] for lease in leases] == [app.state.sessions.lease.id]
    # A clean stop removes this process's lease too.
    assert await janitor[own.database][COLLECTION].count_documents({}) == 0
