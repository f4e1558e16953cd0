"""The applicant's preferred notification channels on their record: chosen at
submission, each with its address, and none for a record stored before there were any."""

from __future__ import annotations

from typing import Any

import pytest

from documents.dossiers.dossier import Dossier
from tests.catalogue import APPLICANT, submission
from tests.conftest import GraphQLClient

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

SUBMIT = """
mutation($input: SubmitDossierInput!) {
  submitDossier(input: $input) {
    dossier { code applicant { notifyBy } }
    errors { field code message }
  }
}
"""
READ = "query($code: String!) { dossier(code: $code) { applicant { notifyBy } } }"


async def submit(gql: GraphQLClient, applicant: dict[str, Any]) -> dict[str, Any]:
    data = await gql.data(SUBMIT, {"input": submission(applicant=applicant)})
    payload: dict[str, Any] = data["submitDossier"]
    return payload


async def test_the_chosen_channels_are_kept_on_the_applicant(gql: GraphQLClient) -> None:
    chosen = {**APPLICANT, "email": "an@example.vn", "notifyBy": ["ZALO", "EMAIL", "ZALO"]}
    payload = await submit(gql, chosen)
    assert payload["errors"] == []
    code = payload["dossier"]["code"]
    assert payload["dossier"]["applicant"]["notifyBy"] == ["ZALO", "EMAIL"]  # once each
    read = await gql.data(READ, {"code": code})
    assert read["dossier"]["applicant"]["notifyBy"] == ["ZALO", "EMAIL"]


@pytest.mark.parametrize(
    ("channel", "missing"), [("EMAIL", "email"), ("SMS", "phone"), ("ZALO", "phone")]
)
async def test_a_channel_without_its_address_is_refused_and_nothing_is_stored(
    gql: GraphQLClient, channel: str, missing: str
) -> None:
    applicant = {**APPLICANT, "email": "an@example.vn", missing: None, "notifyBy": [channel]}
    payload = await submit(gql, applicant)
    [error] = payload["errors"]
    assert error["code"] == "VALIDATION_FAILED"
    assert error["field"] == "applicant.notifyBy"
    assert missing in error["message"]
    assert payload["dossier"] is None
    assert await Dossier.count() == 0


async def test_no_channel_unless_chosen_and_a_record_stored_before_reads_as_none(
    gql: GraphQLClient,
) -> None:
    plain = await submit(gql, {**APPLICANT, "email": "an@example.vn"})
    assert plain["dossier"]["applicant"]["notifyBy"] == []
    chosen = await submit(gql, {**APPLICANT, "notifyBy": ["SMS"]})
    code = chosen["dossier"]["code"]
    # As a version before the field wrote it.
    await Dossier.get_pymongo_collection().update_one(
        {"code": code}, {"$unset": {"applicant.notify_by": ""}}
    )
    read = await gql.data(READ, {"code": code})
    assert read["dossier"]["applicant"]["notifyBy"] == []
