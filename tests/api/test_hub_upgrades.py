"""During a rolling upgrade an older process's hub meets events it cannot read: it skips
and counts them, and goes on publishing the ones after."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import pytest
from bson import ObjectId

from api.settings import Settings
from api.workers.hub import EventHub
from documents.dossiers.events import DossierEvent, EventType
from tests.conftest import running_app


async def test_hub_skips_an_event_type_it_does_not_know_and_publishes_the_next(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    quiet = settings.model_copy(update={"background_services": False})
    async for _ in running_app(quiet):
        hub = EventHub(initial_backoff=0.01, max_backoff=0.05)
        await hub.start()
        try:
            async with hub.subscribe() as feed:
                future_id = ObjectId()
                await DossierEvent.get_pymongo_collection().insert_one(
                    {
                        "_id": future_id,
                        "position": 1,  # numbered by the newer process
                        "dossier_code": "D-FUTURE",
                        "type": "SIGNED_BY_VNEID",  # a type a newer version added
                        "at": datetime.now(UTC),
                        "payload": {},
                    }
                )
                known = DossierEvent(
                    dossier_code="D-KNOWN",
                    type=EventType.RECEIVED,
                    at=datetime.now(UTC),
                    position=2,
                )
                await known.insert()
                received = await asyncio.wait_for(anext(feed), 10)
        finally:
            await hub.stop()
    assert received.event.dossier_code == "D-KNOWN"
    assert hub.skipped == 1
    assert hub.restarts == 0  # the stream did not fail over it
    assert hub.last_position == 2
    assert f"cannot read: _id {future_id}" in caplog.text
