from __future__ import annotations

from datetime import UTC, time

import pytest

from api.settings import Settings
from tests.catalogue import load_tiny_catalogue, submission
from tests.conftest import GraphQLClient, running_app
from tests.schema.workflow.workflow_helpers import SUBMIT, act, local


async def test_afternoon_cutoff_setting_moves_the_start_of_the_clock(settings: Settings) -> None:
    early_cutoff = settings.model_copy(update={"afternoon_cutoff": time(11, 0)})
    async for _, http in running_app(early_cutoff):
        await load_tiny_catalogue()
        gql = GraphQLClient(http, early_cutoff)
        # Tuesday 12:00 is after an 11:00 cut-off: three working days from Wednesday.
        payload = await act(gql, "2026-03-03 12:00", SUBMIT, input=submission())
        assert payload["dossier"]["dueAt"] == local("2026-03-09 17:00").astimezone(UTC).isoformat()


def test_mongodb_uri_is_read_from_either_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOTCUA_MONGODB_URI", raising=False)
    monkeypatch.setenv("MONGODB_URI", "mongodb://one")
    assert Settings().mongodb_uri == "mongodb://one"
    assert Settings().development is False  # production mode whenever a URI is given
    monkeypatch.setenv("MOTCUA_MONGODB_URI", "mongodb://two")
    assert Settings().mongodb_uri == "mongodb://two"
    monkeypatch.delenv("MONGODB_URI")
    monkeypatch.delenv("MOTCUA_MONGODB_URI")
    assert Settings().embedded is True
    assert Settings().development is True
