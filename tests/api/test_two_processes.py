"""Two API processes: a change made through one reaches a subscriber of the other."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx

from api.authentication import issue_token
from api.database import connect
from api.settings import Settings
from bench.processes import api_process
from tests.catalogue import WARD, load_tiny_catalogue, submission
from tests.conftest import GraphQLClient
from tests.realtime import bearer, subscriber
from tests.schema.workflow.workflow_helpers import ACCEPT, SUBMIT


async def test_two_processes_deliver_changes_made_through_the_other(
    mongodb_uri: str, tmp_path: Path
) -> None:
    settings = Settings(
        mongodb_uri=mongodb_uri, database=f"test_{uuid.uuid4().hex[:12]}", data_dir=tmp_path
    )
    # Both processes sign and verify with the secret this writes into the data directory.
    token = issue_token(settings, "officer:reception", sub="two-processes", agency=WARD)
    client = await connect(mongodb_uri, settings)
    try:
        await load_tiny_catalogue()
        async with (
            api_process(mongodb_uri, settings.database, tmp_path) as first,
            api_process(mongodb_uri, settings.database, tmp_path) as second,
            subscriber(first.ws_url, bearer(token)) as sub,
            httpx.AsyncClient(base_url=second.base) as http,
        ):
            await sub.subscribe()
            # The client offers per-message deflate; `motcua serve` declines it, since
            # compressing every subscriber's copy cost more than it saved.
            assert "Sec-WebSocket-Extensions" not in sub.ws.response.headers
            writer = GraphQLClient(http, settings, token)
            submitted = await writer.data(SUBMIT, {"input": submission()})
            code = submitted["submitDossier"]["dossier"]["code"]
            await writer.data(ACCEPT, {"code": code})
            events = [await sub.next_event() for _ in range(2)]
    finally:
        await client.drop_database(settings.database)
        await client.close()
    assert [(e["type"], e["dossierCode"]) for e in events] == [
        ("RECEIVED", code),
        ("ACCEPTED", code),
    ]
