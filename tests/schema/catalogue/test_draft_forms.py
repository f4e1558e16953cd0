"""Draft forms are administrators' work in progress: nobody else sees them, by any path."""

from __future__ import annotations

import httpx
import pytest

from api.settings import Settings
from documents.catalogue.forms import lifecycle
from tests.conftest import GraphQLClient

PET_SCHEMA = {"type": "object", "properties": {"name": {"type": "string"}}}
FORMS = "query($key: String!) { forms(key: $key) { id version status } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on Form { status } } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Form { status } } }"
FORM = "query($key: String!, $v: Int!) { form(key: $key, version: $v) { status } }"

# Everyone but those who manage forms (system admins).
OTHERS = [
    ("anonymous", None),
    ("applicant", None),
    ("officer:reception", "000.00.00.H26"),
    ("officer:leader", "000.00.00.H26"),
    ("agency_admin", "000.00.00.H26"),
]


@pytest.fixture
def admin(http: httpx.AsyncClient, settings: Settings) -> GraphQLClient:
    return GraphQLClient(http, settings).as_role("system_admin")


async def _published_and_draft(admin: GraphQLClient) -> tuple[str, str]:
    """The global ids of version 1 of `pet` and of a draft of its next version."""
    published = await lifecycle.create_draft("pet", "Pet licence", PET_SCHEMA)
    assert published.id is not None
    await lifecycle.publish(published.id)
    await lifecycle.create_draft("pet", "Pet licence, new", PET_SCHEMA)
    forms = (await admin.data(FORMS, {"key": "pet"}))["forms"]
    assert [f["status"] for f in forms] == ["PUBLISHED", "DRAFT"]
    return forms[0]["id"], forms[1]["id"]


def _as(admin: GraphQLClient, role: str, agency: str | None) -> GraphQLClient:
    return admin.anonymous() if role == "anonymous" else admin.as_role(role, agency=agency)


@pytest.mark.parametrize(("role", "agency"), OTHERS)
async def test_drafts_are_absent_for_everyone_but_form_administrators(
    admin: GraphQLClient, role: str, agency: str | None
) -> None:
    published, draft = await _published_and_draft(admin)
    viewer = _as(admin, role, agency)

    listed = (await viewer.data(FORMS, {"key": "pet"}))["forms"]
    node = (await viewer.data(NODE, {"id": draft}))["node"]
    nodes = (await viewer.data(NODES, {"ids": [published, draft]}))["nodes"]

    assert listed == [{"id": published, "version": 1, "status": "PUBLISHED"}]
    assert node is None
    assert nodes == [{"id": published, "status": "PUBLISHED"}, None]
    assert (await viewer.data(FORM, {"key": "pet", "v": 1}))["form"] == {"status": "PUBLISHED"}


async def test_form_administrators_see_drafts_everywhere(admin: GraphQLClient) -> None:
    published, draft = await _published_and_draft(admin)

    node = (await admin.data(NODE, {"id": draft}))["node"]
    nodes = (await admin.data(NODES, {"ids": [published, draft]}))["nodes"]

    assert node == {"id": draft, "status": "DRAFT"}
    assert [n["status"] for n in nodes] == ["PUBLISHED", "DRAFT"]
