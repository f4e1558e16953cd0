"""Relay ids: the entities a client caches are Nodes, found by `node(id:)` under their
own query's visibility; `nodes` answers each id on its own; bad ids and cursors are
typed errors; the old key names are deprecated fields (docs/relay.md)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from beanie import PydanticObjectId
from graphql import GraphQLObjectType, GraphQLSchema, get_named_type

from api.settings import Settings
from documents.catalogue.forms.definition import FormSchema, FormStatus
from documents.common.clock import utcnow
from documents.statistics.ratings import Feedback, FeedbackKind, Rating, RatingLevel, RatingScores
from schema import build_schema
from tests.catalogue import APPLICANT_ID, CITY, PERMIT_SCHEMA, submission
from tests.conftest import GraphQLClient
from tests.papers import SIGNED_XML, attach_result, submit_dossier, with_papers
from tests.schema.workflow.workflow_helpers import ACCEPT, SUBMIT

NODE = "query($id: ID!) { node(id: $id) { __typename id } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"
CREATE_KEY = """
mutation { createApiKey(input: {name: "portal", operations: [READ_DOSSIERS]}) {
  apiKey { id keyId } errors { code } } }
"""
REVOKE_KEY = """
mutation($id: String!) { revokeApiKey(keyId: $id) { apiKey { id revokedAt } errors { code } } }
"""
REGISTER = """
mutation { registerWebhook(input: {url: "http://127.0.0.1:9/hook"}) {
  webhook { id webhookId } errors { code } } }
"""
DELETE_WEBHOOK = """
mutation($id: String!) { deleteWebhook(webhookId: $id) { webhook { id } errors { code } } }
"""
DOSSIER_OPINIONS = """
query($code: String!) { dossier(code: $code) { rating { id overall } feedback { id text } } }
"""

MY_REPOSITORY = "{ myRepository { id token } }"
OTHER_APPLICANT = "001090099999"

MUST_BE_NODES = [
    "Attachment",
    "RepositoryItem",
    "Feedback",
    "Webhook",
    "ApiKey",
    "WebhookDelivery",
    "Rating",
    "ProcedureGroup",
    "DossierGroup",
]


def global_id(type_name: str, key: str) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"allow_private_webhook_targets": True})


def test_the_entities_a_client_caches_implement_node_and_old_keys_are_deprecated() -> None:
    schema = build_schema()._schema
    for name in MUST_BE_NODES:
        found = schema.get_type(name)
        assert isinstance(found, GraphQLObjectType), name
        assert "Node" in [i.name for i in found.interfaces], name
    for type_name, field in (
        ("Webhook", "webhookId"),
        ("ApiKey", "keyId"),
        ("WebhookDelivery", "deliveryId"),
    ):
        found = schema.get_type(type_name)
        assert isinstance(found, GraphQLObjectType)
        assert found.fields[field].deprecation_reason, (type_name, field)


@pytest.mark.usefixtures("tiny_catalogue")
async def test_nodes_nulls_each_bad_id_with_its_error_and_answers_the_rest(
    gql: GraphQLClient,
) -> None:
    city = global_id("Agency", CITY)
    ids = [city, "not base64 at all!", global_id("Nope", "x"), global_id("Agency", "none")]

    body = await gql.execute(NODES, {"ids": ids})

    assert body["data"]["nodes"] == [{"__typename": "Agency", "id": city}, None, None, None]
    errors = {tuple(e["path"]): e for e in body["errors"]}
    assert set(errors) == {("nodes", 1), ("nodes", 2)}  # unknown is null, without error
    assert all(e["extensions"]["code"] == "INVALID_ID" for e in errors.values())
    assert all("Nope" not in e["message"] and "base64" not in e["message"] for e in body["errors"])


async def test_an_api_key_is_a_node_for_administrators_only(gql: GraphQLClient) -> None:
    admin = gql.as_role("system_admin")
    created = (await admin.data(CREATE_KEY))["createApiKey"]["apiKey"]
    assert created["id"] == global_id("ApiKey", created["keyId"])

    assert (await admin.data(NODE, {"id": created["id"]}))["node"]["__typename"] == "ApiKey"
    assert (await gql.data(NODE, {"id": created["id"]}))["node"] is None
    # The id is the key everywhere: the old argument takes it too.
    revoked = (await admin.data(REVOKE_KEY, {"id": created["id"]}))["revokeApiKey"]
    assert revoked["errors"] == []
    assert revoked["apiKey"]["revokedAt"]


async def test_a_webhook_is_a_node_for_who_may_manage_it(gql: GraphQLClient) -> None:
    admin = gql.as_role("system_admin")
    hook = (await admin.data(REGISTER))["registerWebhook"]["webhook"]
    assert hook["id"] == global_id("Webhook", hook["webhookId"])

    assert (await admin.data(NODE, {"id": hook["id"]}))["node"] == {
        "__typename": "Webhook",
        "id": hook["id"],
    }
    assert (await gql.data(NODE, {"id": hook["id"]}))["node"] is None  # an officer
    deleted = (await admin.data(DELETE_WEBHOOK, {"id": hook["id"]}))["deleteWebhook"]
    assert deleted["errors"] == []
    assert (await admin.data(NODE, {"id": hook["id"]}))["node"] is None


@pytest.mark.usefixtures("tiny_catalogue")
async def test_rating_and_feedback_are_nodes_for_who_may_see_the_dossier(
    gql: GraphQLClient,
) -> None:
    payload = (await gql.data(SUBMIT, {"input": submission()}))["submitDossier"]
    code = payload["dossier"]["code"]
    scores = RatingScores(overall=RatingLevel.SATISFIED, time=5, attitude=5, guidance=4, cost=5)
    await Rating(dossier_code=code, scores=scores, rated_at=utcnow()).insert()
    text = "Nhanh và chu đáo"
    await Feedback(
        dossier_code=code, kind=FeedbackKind.FEEDBACK, text=text, filed_at=utcnow()
    ).insert()
    applicant = gql.as_role("applicant", id_number=APPLICANT_ID)
    stranger = gql.as_role("applicant", id_number=OTHER_APPLICANT)

    seen: dict[str, Any] = (await applicant.data(DOSSIER_OPINIONS, {"code": code}))["dossier"]
    ids = [seen["rating"]["id"], seen["feedback"][0]["id"]]
    assert ids[0] == global_id("Rating", code)

    mine = (await applicant.data(NODES, {"ids": ids}))["nodes"]
    assert [n["__typename"] for n in mine] == ["Rating", "Feedback"]
    assert (await gql.data(NODES, {"ids": ids}))["nodes"] == mine  # the officer sees it too
    assert (await stranger.data(NODES, {"ids": ids}))["nodes"] == [None, None]


MALFORMED_CURSORS = ["!!not a cursor", base64.b64encode(b"[1,2,3]").decode(), "bm90IGpzb24"]
PAGED = {
    "dossiers": "query($c: String) { dossiers(after: $c) { edges { cursor } } }",
    "dossiersBefore": "query($c: String) { dossiers(last: 2, before: $c) { edges { cursor } } }",
    "auditLog": "query($c: String) { auditLog(after: $c) { edges { cursor } } }",
    "webhookDeliveries": 'query($c: String) { webhookDeliveries(webhookId: "x", after: $c) '
    "{ edges { cursor } } }",
    "outboxMessages": "query($c: String) { outboxMessages(after: $c) { edges { cursor } } }",
}


@pytest.mark.parametrize("field", sorted(PAGED))
async def test_a_malformed_cursor_is_a_typed_error_that_does_not_echo_it(
    gql: GraphQLClient, field: str
) -> None:
    admin = gql.as_role("system_admin")
    for cursor in MALFORMED_CURSORS:
        body = await admin.execute(PAGED[field], {"c": cursor})
        [error] = body["errors"]
        assert error["extensions"]["code"] == "INVALID_CURSOR", (field, cursor, error)
        assert cursor not in error["message"]


@pytest.mark.usefixtures("tiny_catalogue")
async def test_a_malformed_timeline_cursor_is_a_typed_error(gql: GraphQLClient) -> None:
    code = (await gql.data(SUBMIT, {"input": submission()}))["submitDossier"]["dossier"]["code"]
    query = "query($code: String!, $c: String) { dossier(code: $code) { timeline(after: $c) { "
    query += "edges { cursor } } } }"
    for cursor in MALFORMED_CURSORS:
        body = await gql.execute(query, {"code": code, "c": cursor})
        [error] = body["errors"]
        assert error["extensions"]["code"] == "INVALID_CURSOR", (cursor, error)


@pytest.mark.usefixtures("tiny_catalogue")
async def test_an_attachment_and_a_repository_item_are_nodes_for_who_may_open_them(
    gql: GraphQLClient,
) -> None:
    await with_papers()
    code = (await submit_dossier(gql))["code"]
    assert (await gql.data(ACCEPT, {"code": code}))["acceptDossier"]["errors"] == []
    payload = await attach_result(gql, code, ("lltp.xml", SIGNED_XML, "application/xml"))
    attachment = payload["attachment"]["id"]
    applicant = gql.as_role("applicant", id_number=APPLICANT_ID)
    stranger = gql.as_role("applicant", id_number=OTHER_APPLICANT)
    [item] = (await applicant.data(MY_REPOSITORY))["myRepository"]
    assert item["id"] == global_id("RepositoryItem", item["token"])

    assert (await gql.data(NODE, {"id": attachment}))["node"]["__typename"] == "Attachment"
    assert (await applicant.data(NODE, {"id": attachment}))["node"]["id"] == attachment
    assert (await stranger.data(NODE, {"id": attachment}))["node"] is None
    assert (await applicant.data(NODE, {"id": item["id"]}))["node"] == {
        "__typename": "RepositoryItem",
        "id": item["id"],
    }
    assert (await gql.data(NODE, {"id": item["id"]}))["node"] is None  # an officer
    assert (await stranger.data(NODE, {"id": item["id"]}))["node"] is None


# graphcache embeds these by name.
EMBEDDED = ("Connection", "Edge", "PageInfo")


def _without_id(named: GraphQLObjectType, seen: set[str]) -> list[str]:
    """The object types below `named` that a cache could not key, in the dossier's own
    parts: the catalogue's (procedure, form) are their own entities, with their own ids."""
    if named.name in seen or named.name in ("Procedure", "Form", "Agency"):
        return []
    seen.add(named.name)
    found = [] if "id" in named.fields or named.name.endswith(EMBEDDED) else [named.name]
    for field in named.fields.values():
        below = get_named_type(field.type)
        if isinstance(below, GraphQLObjectType):
            found += _without_id(below, seen)
    return found


def test_every_part_of_a_dossier_has_an_id() -> None:
    dossier = build_schema()._schema.get_type("Dossier")
    assert isinstance(dossier, GraphQLObjectType)
    assert _without_id(dossier, set()) == []


# Object types a cache need not key, each with the reason; every other one has `id: ID!`.
NO_ID_NEEDED = {
    "FieldErrorParams": "the details of a payload error, which is not an entity either",
}
# Graphcache embeds these by name (and the root types are the cache's roots).
EMBEDDED_BY_NAME = ("Connection", "Edge")


def _not_keyed(schema: GraphQLSchema) -> list[str]:
    """The object types with no `id: ID!` that are not connections, edges, PageInfo,
    mutation payloads, errors, root types or allowed above."""
    roots = [schema.query_type, schema.mutation_type, schema.subscription_type]
    assert schema.mutation_type is not None
    payloads = {get_named_type(f.type).name for f in schema.mutation_type.fields.values()}
    skipped = {t.name for t in roots if t} | payloads | {"PageInfo"} | set(NO_ID_NEEDED)
    found = []
    for name, named in schema.type_map.items():
        if not isinstance(named, GraphQLObjectType) or name.startswith("__"):
            continue
        if name in skipped or name.endswith(EMBEDDED_BY_NAME) or name.endswith("Error"):
            continue
        field = named.fields.get("id")
        if field is None or str(field.type) != "ID!":
            found.append(name)
    return sorted(found)


def _published_permit() -> FormSchema:
    nested = {
        "owner": {"type": "object", "properties": {"fullName": {"type": "string"}}},
        "children": {
            "type": "array",
            "items": {"type": "object", "properties": {"name": {"type": "string"}}},
        },
    }
    schema = {**PERMIT_SCHEMA, "properties": {**PERMIT_SCHEMA["properties"], **nested}}
    # Built without a database: only build_schema reads it.
    return FormSchema.model_construct(
        id=PydanticObjectId(),
        key="permit",
        version=1,
        title="Giấy phép",
        json_schema=schema,
        status=FormStatus.PUBLISHED,
        created_at=utcnow(),
    )


def test_every_object_type_a_client_caches_has_an_id() -> None:
    static = build_schema()._schema
    with_a_form = build_schema([_published_permit()])._schema
    assert with_a_form.get_type("PermitFormDataOwner") is not None  # the form was typed

    assert _not_keyed(static) == []
    assert _not_keyed(with_a_form) == []


PROCEDURE_PARTS = """
{ procedures { id fee { id rows { id } lines { id } } steps { id }
  requiredPapers { id satisfiedByResult { id } } competentAuthority { id } timeRules { id } }
  publicStatistics(from: "2026-01-01", to: "2026-12-31") {
    id totals { id ratings { id } } series { id indicators { id ratings { id } } } } }
"""


def _ids(value: Any) -> list[str]:
    if isinstance(value, dict):
        own = [value["id"]] if "id" in value else []
        return own + [i for v in value.values() for i in _ids(v)]
    if isinstance(value, list):
        return [i for v in value for i in _ids(v)]
    return []


@pytest.mark.usefixtures("tiny_catalogue")
async def test_value_object_ids_are_stable_and_distinct_in_one_answer(
    gql: GraphQLClient,
) -> None:
    first = await gql.data(PROCEDURE_PARTS)
    ids = _ids(first)

    assert len(ids) == len(set(ids))
    steps = [s["id"] for p in first["procedures"] for s in p["steps"]]
    assert steps
    assert all(base64.b64decode(i).decode().startswith("ProcedureStep:") for i in steps)
    assert await gql.data(PROCEDURE_PARTS) == first  # the same data, the same ids
