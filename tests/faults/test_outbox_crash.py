"""A crash between the change and the delivery loses nothing: SIGKILL an API process
right after it acknowledged a submission, before its outbox worker looked for the
portal message; the next process delivers that message, once (docs/integrations.md)."""

from __future__ import annotations

import asyncio
import os
import signal
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from simulators import portal
from simulators.serving import Running
from tests.faults.harness import WARD, api, load_catalogue, officer, own_server
from tests.faults.load import Bases, Submitter

pytestmark = pytest.mark.faults
SECRET = "outbox-crash-secret"


async def test_a_killed_process_loses_no_outgoing_message(tmp_path: Path) -> None:
    async with asyncio.timeout(120):  # a hang fails here, not in CI's timeout
        with Running(portal.create_app(SECRET), "portal simulator") as portal_url:
            await _kill_after_ack(tmp_path, portal_url)


async def _kill_after_ack(workdir: Path, portal_url: str) -> None:
    env = {"portal_url": portal_url, "portal_secret": SECRET, "outbox_poll_seconds": "0.2"}
    async with own_server(workdir) as server, AsyncExitStack() as stack:
        settings = await load_catalogue(server.uri, "faults", workdir / "var")
        http = await stack.enter_async_context(httpx.AsyncClient())
        # The first process's worker looks for due messages at its start, then not for
        # an hour: the submission's message is written and acknowledged, never attempted.
        first = await stack.enter_async_context(
            api(settings, workdir, {**env, "outbox_poll_seconds": "3600"})
        )
        token = officer(settings, "crash", WARD)
        submitter = Submitter("crash", WARD, token, Bases([first.base]), http)
        outcome, code = await submitter.attempt("crash-1", first.base)
        os.kill(first.pid, signal.SIGKILL)
        assert outcome == "ok"
        assert code is not None
        assert (await http.get(f"{portal_url}/dossiers/{code}")).status_code == 404

        database: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(server.uri)
        try:
            outbox = database[settings.database]["outbox"]
            waiting = await outbox.find_one({"destination": "PORTAL", "key": code})
            assert waiting is not None, "the message was not written with the change"
            assert waiting["status"] == "PENDING"
            assert waiting["attempts"] == []

            await stack.enter_async_context(api(settings, workdir, env))
            delivered: list[dict[str, Any]] = []

            async def poll() -> None:
                while not delivered:
                    found = await outbox.find_one({"_id": waiting["_id"], "status": "DELIVERED"})
                    if found is not None:
                        delivered.append(found)
                    await asyncio.sleep(0.1)

            await asyncio.wait_for(poll(), 30)
        finally:
            await database.close()
        held = (await http.get(f"{portal_url}/dossiers/{code}")).json()
        assert [h["sequence"] for h in held["history"]] == [waiting["sequence"]]
        assert held["current"]["dossierCode"] == code
        assert len(delivered[0]["attempts"]) == 1
