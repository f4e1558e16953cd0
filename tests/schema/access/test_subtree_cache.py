"""An officer's agencies are read once, then kept until the agencies change."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.monitoring import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)

from api.settings import Settings
from documents.catalogue.agencies import Agency
from tests.catalogue import CITY, OTHER_WARD, WARD, load_tiny_catalogue, submission
from tests.conftest import GraphQLClient, running_app

SUBMIT = """
mutation($input: SubmitDossierInput!) {
  submitDossier(input: $input) { dossier { code } errors { code } }
}
"""
READ = "query($code: String!) { dossier(code: $code) { code } }"
PAGE = "{ dossiers(first: 5) { edges { node { code } } } }"


class AgencyReads(CommandListener):
    def __init__(self) -> None:
        self.count = 0

    def started(self, event: CommandStartedEvent) -> None:
        if event.command_name == "find" and event.command["find"] == "agencies":
            self.count += 1

    def succeeded(self, event: CommandSucceededEvent) -> None: ...

    def failed(self, event: CommandFailedEvent) -> None: ...


async def _submitted(gql: GraphQLClient) -> str:
    body = await gql.as_role("applicant").data(SUBMIT, {"input": submission()})
    code: str = body["submitDossier"]["dossier"]["code"]
    return code


async def _seen(officer: GraphQLClient, code: str) -> Any:
    return (await officer.execute(READ, {"code": code})).get("data", {}).get("dossier")


async def test_an_officers_agencies_are_read_once_for_many_requests(settings: Settings) -> None:
    reads = AgencyReads()
    async for _, http in running_app(settings, [reads]):
        await load_tiny_catalogue()
        officer = GraphQLClient(http, settings).as_role("officer:reception", agency=CITY)
        await officer.data(PAGE)
        first = reads.count
        assert first > 0
        for _ in range(5):
            await officer.data(PAGE)
        assert reads.count == first


@pytest.mark.usefixtures("tiny_catalogue")
async def test_a_moved_agency_changes_what_an_officer_sees_at_once(gql: GraphQLClient) -> None:
    code = await _submitted(gql)
    officer = gql.as_role("officer:reception", agency=OTHER_WARD)
    assert await _seen(officer, code) is None

    ward = await Agency.find_one(Agency.code == WARD)
    assert ward is not None
    await ward.set({"parent_code": OTHER_WARD})
    assert await _seen(officer, code) == {"code": code}

    # And back: the officer no longer covers the ward, and no longer sees its dossier.
    await Agency.find(Agency.code == WARD).update({"$set": {"parent_code": CITY}})
    assert await _seen(officer, code) is None
