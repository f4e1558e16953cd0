"""An event of an unknown type and a malformed dossier, written with PyMongo while clients
submit, stop nothing else: subscribers, webhooks and list pages go on."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.faults.unknown import unknown_documents

pytestmark = pytest.mark.faults


async def test_unknown_event_and_malformed_dossier_stop_no_subscriber_webhook_or_page(
    mongodb_uri: str, tmp_path: Path
) -> None:
    async with asyncio.timeout(90):  # a hang fails here, not in CI's timeout
        result = await unknown_documents(mongodb_uri, tmp_path)
    assert result.problems() == [], result.report()
