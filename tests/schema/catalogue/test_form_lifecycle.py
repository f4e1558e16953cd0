from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.settings import Settings
from tests.conftest import GraphQLClient

CREATE_DRAFT = """
mutation Create($input: CreateFormDraftInput!) {
  createFormDraft(input: $input) {
    form { id key version status title schema hints { order fields { pointer labelVi labelEn sensitive } } }
    errors { field message code }
  }
}
"""

PUBLISH = """
mutation Publish($id: ID!) {
  publishForm(id: $id) { form { id key version status publishedAt } errors { field message code } }
}
"""

RETIRE = """
mutation Retire($key: String!, $version: Int!) {
  retireForm(key: $key, version: $version) { form { version status } errors { field code message } }
}
"""

FORMS = """
query Forms($key: String!) { forms(key: $key) { key version status } }
"""

FORM = """
query Form($key: String!, $version: Int!) { form(key: $key, version: $version) { version schema } }
"""

PET_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {"name": {"type": "string"}, "owner": {"type": "string"}},
    "required": ["name"],
}

HINTS = {
    "order": ["name", "owner"],
    "fields": [
        {"pointer": "/name", "labelVi": "Tên", "labelEn": "Name"},
        {"pointer": "/owner", "labelVi": "Chủ", "labelEn": "Owner", "sensitive": True},
    ],
}


@pytest.fixture
def gql(http: httpx.AsyncClient, settings: Settings) -> GraphQLClient:
    """Forms and procedures are managed by a system administrator."""
    return GraphQLClient(http, settings).as_role("system_admin")


async def create_draft(gql: GraphQLClient, schema: Any = PET_SCHEMA, **extra: Any) -> Any:
    variables = {"input": {"key": "pet", "title": "Pet licence", "schema": schema, **extra}}
    data = await gql.data(CREATE_DRAFT, variables)
    return data["createFormDraft"]


async def test_create_form_draft_keeps_schema_and_hints(gql: GraphQLClient) -> None:
    payload = await create_draft(gql, hints=HINTS)
    assert payload["errors"] == []
    form = payload["form"]
    assert form["status"] == "DRAFT"
    assert form["version"] is None
    assert form["schema"] == PET_SCHEMA
    assert form["hints"]["fields"][1] == {
        "pointer": "/owner", "labelVi": "Chủ", "labelEn": "Owner", "sensitive": True,
    }  # fmt: skip


async def test_create_form_draft_with_invalid_schema_returns_payload_error(
    gql: GraphQLClient,
) -> None:
    payload = await create_draft(gql, schema={"type": "object", "properties": {"a": {"type": 7}}})
    assert payload["form"] is None
    [error] = payload["errors"]
    assert error["code"] == "INVALID_SCHEMA"
    assert error["field"] == "schema"


async def test_create_form_draft_with_hint_for_unknown_field_is_refused(gql: GraphQLClient) -> None:
    hints = {"fields": [{"pointer": "/colour", "labelVi": "Màu"}]}
    payload = await create_draft(gql, hints=hints)
    assert [e["code"] for e in payload["errors"]] == ["INVALID_SCHEMA"]


async def test_publish_form_numbers_versions_per_key(gql: GraphQLClient) -> None:
    first = await create_draft(gql)
    second = await create_draft(gql)
    one = (await gql.data(PUBLISH, {"id": first["form"]["id"]}))["publishForm"]["form"]
    two = (await gql.data(PUBLISH, {"id": second["form"]["id"]}))["publishForm"]["form"]
    assert (one["version"], two["version"]) == (1, 2)
    assert one["status"] == two["status"] == "PUBLISHED"
    listed = (await gql.data(FORMS, {"key": "pet"}))["forms"]
    assert [f["version"] for f in listed] == [1, 2]


async def test_publish_form_twice_is_refused_because_published_forms_are_immutable(
    gql: GraphQLClient,
) -> None:
    draft = await create_draft(gql)
    await gql.data(PUBLISH, {"id": draft["form"]["id"]})
    again = (await gql.data(PUBLISH, {"id": draft["form"]["id"]}))["publishForm"]
    assert again["form"] is None
    assert again["errors"][0]["code"] == "ILLEGAL_TRANSITION"


async def test_publish_form_with_unknown_id_returns_not_found(gql: GraphQLClient) -> None:
    payload = await gql.data(PUBLISH, {"id": "Rm9ybTo2NWYwMDAwMDAwMDAwMDAwMDAwMDAwMDA="})
    assert payload["publishForm"]["errors"][0]["code"] == "NOT_FOUND"


async def test_retire_form_marks_version_retired(gql: GraphQLClient) -> None:
    draft = await create_draft(gql)
    await gql.data(PUBLISH, {"id": draft["form"]["id"]})
    retired = (await gql.data(RETIRE, {"key": "pet", "version": 1}))["retireForm"]
    assert retired["form"] == {"version": 1, "status": "RETIRED"}
    again = (await gql.data(RETIRE, {"key": "pet", "version": 1}))["retireForm"]
    assert again["errors"][0]["code"] == "ILLEGAL_TRANSITION"


async def test_form_query_returns_the_schema_of_one_version(gql: GraphQLClient) -> None:
    draft = await create_draft(gql)
    await gql.data(PUBLISH, {"id": draft["form"]["id"]})
    form = (await gql.data(FORM, {"key": "pet", "version": 1}))["form"]
    assert form == {"version": 1, "schema": PET_SCHEMA}
    assert (await gql.data(FORM, {"key": "pet", "version": 9}))["form"] is None
