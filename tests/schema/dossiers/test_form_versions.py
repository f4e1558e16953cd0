from __future__ import annotations

from typing import Any

import pytest

from documents.catalogue.forms import lifecycle
from tests.catalogue import PERMIT_SCHEMA, submission
from tests.conftest import GraphQLClient
from tests.schema.dossiers.test_submit_dossier import submit

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

DOSSIER_FORM = """
query One($code: String!) {
  dossier(code: $code) { formVersion form { version schema } field(path: "/fullName") }
}
"""

STRICTER: dict[str, Any] = {**PERMIT_SCHEMA, "required": ["fullName", "birthDate", "email"]}


async def _publish_stricter_version() -> None:
    draft = await lifecycle.create_draft("permit", "Giấy phép thử v2", STRICTER)
    assert draft.id is not None
    await lifecycle.publish(draft.id)


async def test_dossier_stays_pinned_to_the_version_it_was_submitted_with(
    gql: GraphQLClient,
) -> None:
    old = (await submit(gql, submission()))["dossier"]["code"]
    await _publish_stricter_version()

    refused = await submit(gql, submission())
    assert [(e["path"], e["reason"]) for e in refused["errors"]] == [("/email", "REQUIRED")]
    new = await submit(gql, submission({**submission()["data"], "email": "an@example.vn"}))
    assert new["dossier"]["formVersion"] == 2

    pinned = (await gql.data(DOSSIER_FORM, {"code": old}))["dossier"]
    assert pinned["formVersion"] == 1
    assert pinned["form"] == {"version": 1, "schema": PERMIT_SCHEMA}
    assert pinned["field"] == "Nguyễn Văn An"


async def test_retiring_the_only_version_stops_new_submissions(gql: GraphQLClient) -> None:
    await lifecycle.retire("permit", 1)
    refused = await submit(gql, submission())
    assert refused["dossier"] is None
    assert refused["errors"][0]["code"] == "FORM_NOT_PUBLISHED"


async def test_retiring_the_newest_version_falls_back_to_the_older_published_one(
    gql: GraphQLClient,
) -> None:
    await _publish_stricter_version()
    await lifecycle.retire("permit", 2)
    accepted = await submit(gql, submission())
    assert accepted["dossier"]["formVersion"] == 1


async def test_dossier_field_returns_null_for_a_missing_path_and_an_error_for_a_bad_one(
    gql: GraphQLClient,
) -> None:
    code = (await submit(gql, submission()))["dossier"]["code"]
    query = (
        'query($c: String!) { dossier(code: $c) { a: field(path: "/nope") b: field(path: "x") } }'
    )
    body = await gql.execute(query, {"c": code})
    assert body["data"]["dossier"] == {"a": None, "b": None}
    [error] = body["errors"]
    assert error["path"] == ["dossier", "b"]
    assert "invalid JSON pointer" in error["message"]
