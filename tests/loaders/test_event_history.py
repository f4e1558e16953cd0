"""A dossier's events are read into documents only as far as they are shown: a page with
the last few events reads those, not the dossier's whole history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bson import ObjectId

from documents.common.tolerant import UNREADABLE
from documents.dossiers.events import DossierEvent
from loaders.dossiers import load_events_by_dossier
from tests.api.test_unknown_documents import START, make

pytestmark = pytest.mark.usefixtures("tiny_catalogue")


async def _older_unreadable_event(code: str) -> None:
    """A copy of the dossier's first event, before it and of a type this version lacks."""
    collection = DossierEvent.get_pymongo_collection()
    raw = await collection.find_one({"dossier_code": code})
    assert raw is not None
    older = ObjectId.from_datetime(START - timedelta(days=1))
    raw.pop("position", None)  # unique; events of older versions have none
    await collection.insert_one(raw | {"_id": older, "type": "FROM_A_LATER_VERSION"})


async def test_the_last_events_are_read_without_reading_the_older_ones() -> None:
    (code,) = await make(1)
    await _older_unreadable_event(code)
    counted = UNREADABLE["dossier_events"]

    (history,) = await load_events_by_dossier([code])
    assert [e.type for e in history.recent(1)] == ["RECEIVED"]
    assert UNREADABLE["dossier_events"] == counted  # the older event was never read

    # Asked for the whole history, it skips and counts the unreadable event, once.
    assert [e.type for e in history] == ["RECEIVED"]
    assert len(history) == 1
    assert history.recent(5) == list(history)
    assert UNREADABLE["dossier_events"] == counted + 1
