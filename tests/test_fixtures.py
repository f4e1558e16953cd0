"""The fixtures share one app start-up and one database per module, yet no test sees
what another left: documents (counters, idempotency records and GridFS files included),
in-memory limits, or an app of its own that rebound the models in between."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from api.settings import Settings
from documents.papers.grid_files import bucket
from tests.catalogue import APPLICANT_ID, load_tiny_catalogue, submission
from tests.conftest import GraphQLClient, running_app

SUBMIT = """
mutation($input: SubmitDossierInput!, $key: String) {
  submitDossier(input: $input, idempotencyKey: $key) { dossier { code } errors { code } }
}
"""
LOOKUP = """
query($code: String!, $l: String!) { publicDossierStatus(code: $code, applicantIdLast4: $l) { code } }
"""


async def _leave_traces(client: GraphQLClient) -> str:
    await load_tiny_catalogue()
    data = await client.data(SUBMIT, {"input": submission(), "key": "once"})
    code: str = data["submitDossier"]["dossier"]["code"]
    await bucket().upload_from_stream("trace.pdf", b"%PDF-1.7 trace")
    return code


async def _lookups_left(client: GraphQLClient, code: str) -> int:
    """How many public look-ups the client may still make (at most 11 are tried)."""
    for made in range(11):
        body = await client.execute(LOOKUP, {"code": code, "l": APPLICANT_ID[-4:]})
        if "errors" in body:
            assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED", body
            return made
        assert body["data"]["publicDossierStatus"] == {"code": code}
    return 11


# Run in any order: each one starts clean and leaves traces behind.
@pytest.mark.parametrize("app", ["shared", "shared again", "own", "shared after own"])
async def test_fixtures_leave_nothing_from_one_test_to_the_next(
    gql: GraphQLClient,
    settings: Settings,
    janitor: AsyncMongoClient[dict[str, Any]],
    app: str,
) -> None:
    database = janitor[settings.database]
    for name in await database.list_collection_names():
        assert await database[name].count_documents({}) == 0, name
    if app == "own":  # other settings: an app of its own, which rebinds the models
        later = settings.model_copy(update={"afternoon_cutoff": time(11, 0)})
        async for _, http in running_app(later):
            own = GraphQLClient(http, later).as_role("officer:reception")
            code = await _leave_traces(own)
            assert await _lookups_left(own.anonymous(), code) == 10
        return
    code = await _leave_traces(gql)
    assert code.endswith("-0001")  # the counters started again
    assert await _lookups_left(gql.anonymous(), code) == 10
