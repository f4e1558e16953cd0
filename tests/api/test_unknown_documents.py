"""Documents this version cannot read (a newer version wrote them during a rolling
upgrade, or they are damaged), written straight into the database: each is left out
with a typed error or skipped and counted, and everything else answers."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from bson import ObjectId
from pydantic import BaseModel
from strawberry.relay import to_base64

from documents import DOCUMENT_MODELS
from documents.calendar.working_calendar import OfficeHours
from documents.dossiers.dossier import Applicant, ApplicantKind, Channel, Dossier
from documents.dossiers.events import DossierEvent
from documents.papers.attachments import Attachment
from documents.workflow.submitting import Submission, submit
from tests.api.test_metrics import scrape, value
from tests.catalogue import APPLICANT_ID, OTHER_WARD, PROCEDURE, VALID_DATA, WARD
from tests.conftest import GraphQLClient
from tests.schema.workflow.workflow_helpers import ACCEPT

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
# What the broken copies hold that must never reach a log, an error or a metric.
SECRET_NAME = "Trần Thị Bí Mật"
SECRET_ID = "079190000001"

PAGE = """
query Page($first: Int!, $after: String) {
  dossiers(first: $first, after: $after) {
    edges { cursor node { code status } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
ONE = "query One($code: String!) { dossier(code: $code) { code status } }"
NODES = "query Nodes($ids: [ID!]!) { nodes(ids: $ids) { ... on Dossier { code } } }"
NODE = "query Node($id: ID!) { node(id: $id) { ... on Dossier { code } } }"
PARTS = """
query Parts($code: String!) {
  dossier(code: $code) {
    code
    events { type }
    timeline(first: 10) { edges { node { type } } }
    attachments { filename }
  }
}
"""


async def make(count: int, hours: int = 0) -> list[str]:
    codes = []
    for i in range(count):
        applicant = Applicant(kind=ApplicantKind.CITIZEN, id_number=APPLICANT_ID, full_name="A")
        dossier = await submit(
            Submission(PROCEDURE, WARD, Channel.ONLINE, applicant, VALID_DATA),
            received_at=START + timedelta(hours=hours + i),
            hours=OfficeHours(),
        )
        codes.append(dossier.code)
    return codes


async def broken_copy(of: str, code: str, hours: int, **changes: Any) -> ObjectId:
    """A copy of dossier `of` stored as `code`, received `hours` after START, with
    `changes` (a status this version does not know, by default), via PyMongo."""
    collection = Dossier.get_pymongo_collection()
    raw = await collection.find_one({"code": of})
    assert raw is not None
    raw |= {"_id": ObjectId(), "code": code, "received_at": START + timedelta(hours=hours)}
    raw["applicant"] = {**raw["applicant"], "full_name": SECRET_NAME, "id_number": SECRET_ID}
    raw |= changes or {"status": "ARCHIVED_IN_V2"}
    await collection.insert_one(raw)
    return raw["_id"]


def unreadable(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in errors if e["extensions"]["code"] == "UNREADABLE_DOCUMENT"]


def no_personal_data(text: str) -> None:
    for secret in (SECRET_NAME, SECRET_ID, "ARCHIVED_IN_V2"):
        assert secret not in text


async def test_a_page_of_20_with_one_malformed_dossier_answers_19_and_one_typed_error(
    gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    codes = await make(19)
    broken = await broken_copy(codes[0], f"{WARD}-260302-9001", hours=7)
    body = await gql.execute(PAGE, {"first": 20})
    page = body["data"]["dossiers"]
    assert sorted(e["node"]["code"] for e in page["edges"]) == sorted(codes)
    assert page["pageInfo"]["hasNextPage"] is False
    [error] = body["errors"]
    assert error["extensions"]["code"] == "UNREADABLE_DOCUMENT"
    assert error["path"] == ["dossiers", "edges"]
    assert error["extensions"]["id"] == str(broken)
    assert error["extensions"]["dossierCode"] == f"{WARD}-260302-9001"
    no_personal_data(json.dumps(body))
    await gql.execute(PAGE, {"first": 20})  # met again: counted again, not logged again
    no_personal_data(caplog.text)
    assert caplog.text.count(str(broken)) == 1  # one log line, naming it by its `_id`


async def test_paging_passes_a_malformed_dossier_once_even_at_the_end_of_a_page(
    gql: GraphQLClient,
) -> None:
    codes = await make(6)  # received at hours 0..5; newest first
    await broken_copy(codes[0], f"{WARD}-260302-9002", hours=3, applicant={"kind": "ROBOT"})
    await broken_copy(codes[0], f"{WARD}-260302-9003", hours=1, form_version="two")
    seen: list[str] = []
    reported = 0
    after = None
    while True:
        body = await gql.execute(PAGE, {"first": 2, "after": after})
        page = body["data"]["dossiers"]
        seen += [e["node"]["code"] for e in page["edges"]]
        reported += len(unreadable(body.get("errors", [])))
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert after is not None
    assert sorted(seen) == sorted(codes)
    assert reported == 2  # each broken one reported once: the cursor went past it


async def test_dossier_of_a_malformed_dossier_is_a_typed_error_for_those_who_may_see_it(
    gql: GraphQLClient,
) -> None:
    [code] = await make(1)
    broken = f"{WARD}-260302-9004"
    await broken_copy(code, broken, hours=1)
    body = await gql.execute(ONE, {"code": broken})
    assert body["data"] == {"dossier": None}
    [error] = body["errors"]
    assert error["extensions"]["code"] == "UNREADABLE_DOCUMENT"
    assert error["path"] == ["dossier"]
    no_personal_data(json.dumps(body))
    # An applicant who is not its applicant learns nothing: the same null as unknown.
    stranger = gql.as_role("applicant", id_number="001090099999")
    assert await stranger.data(ONE, {"code": broken}) == {"dossier": None}
    assert await gql.data(ONE, {"code": code}) == {"dossier": {"code": code, "status": "RECEIVED"}}


async def test_nodes_reports_a_malformed_dossier_as_a_null_item_with_its_error(
    gql: GraphQLClient,
) -> None:
    [first, last] = await make(2)
    broken = f"{WARD}-260302-9005"
    await broken_copy(first, broken, hours=3, due_at="tomorrow")
    ids = [to_base64("Dossier", c) for c in (first, broken, last)]
    body = await gql.execute(NODES, {"ids": ids})
    assert body["data"]["nodes"] == [{"code": first}, None, {"code": last}]
    [error] = body["errors"]
    assert error["path"] == ["nodes", 1]
    assert error["extensions"]["code"] == "UNREADABLE_DOCUMENT"


async def test_node_and_a_mutation_on_a_malformed_dossier_answer_typed_errors(
    gql: GraphQLClient,
) -> None:
    [code] = await make(1)
    broken = f"{WARD}-260302-9007"
    await broken_copy(code, broken, hours=1)
    body = await gql.execute(NODE, {"id": to_base64("Dossier", broken)})
    assert body["data"] == {"node": None}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNREADABLE_DOCUMENT"]
    refused = (await gql.data(ACCEPT, {"code": broken}))["acceptDossier"]
    assert [e["code"] for e in refused["errors"]] == ["UNREADABLE_DOCUMENT"]
    no_personal_data(json.dumps(refused))
    stranger = gql.as_role("officer:reception", agency=OTHER_WARD)
    hidden = (await stranger.data(ACCEPT, {"code": broken}))["acceptDossier"]
    assert [e["code"] for e in hidden["errors"]] == ["NOT_FOUND"]


async def test_the_receipt_of_a_malformed_dossier_is_a_404_not_a_500(
    gql: GraphQLClient, http: httpx.AsyncClient
) -> None:
    [code] = await make(1)
    broken = f"{WARD}-260302-9008"
    await broken_copy(code, broken, hours=1)
    signed_in = {"authorization": f"Bearer {gql.token}"}
    response = await http.get(f"/dossiers/{broken}/receipt", headers=signed_in)
    assert response.status_code == 404
    no_personal_data(response.text)
    assert (await http.get(f"/dossiers/{code}/receipt", headers=signed_in)).status_code == 200


async def test_a_dossier_with_an_event_and_a_paper_it_cannot_read_still_reads(
    gql: GraphQLClient, http: httpx.AsyncClient
) -> None:
    [code] = await make(1)
    before = value(
        await scrape(http), "motcua_unreadable_documents_total", collection="dossier_events"
    )
    newer = ObjectId()
    await DossierEvent.get_pymongo_collection().insert_one(
        {"_id": newer, "seq": newer, "dossier_code": code, "type": "SIGNED_BY_VNEID",
         "at": datetime.now(UTC), "payload": {"signer": SECRET_NAME}}
    )  # fmt: skip
    await Attachment.get_pymongo_collection().insert_one(
        {"dossier_code": code, "kind": "HOLOGRAM", "filename": "x.pdf"}
    )
    body = await gql.execute(PARTS, {"code": code})
    assert "errors" not in body, body["errors"]
    dossier = body["data"]["dossier"]
    assert [e["type"] for e in dossier["events"]] == ["RECEIVED"]
    assert [e["node"]["type"] for e in dossier["timeline"]["edges"]] == ["RECEIVED"]
    assert dossier["attachments"] == []
    text = await scrape(http)
    after = value(text, "motcua_unreadable_documents_total", collection="dossier_events")
    assert after >= before + 1
    assert value(text, "motcua_unreadable_documents_total", collection="attachments") >= 1
    no_personal_data(text)


async def test_extra_fields_a_newer_version_added_are_ignored(gql: GraphQLClient) -> None:
    [code] = await make(1)
    future = f"{WARD}-260302-9006"
    await broken_copy(code, future, hours=1, status="RECEIVED", signature={"by": "VNeID"})
    assert await gql.data(ONE, {"code": future}) == {
        "dossier": {"code": future, "status": "RECEIVED"}
    }


def _models(model: type[BaseModel], seen: set[type[BaseModel]]) -> None:
    if model in seen:
        return
    seen.add(model)
    for info in model.model_fields.values():
        for inner in _inner_types(info.annotation):
            _models(inner, seen)


def _inner_types(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [t for arg in getattr(annotation, "__args__", ()) for t in _inner_types(arg)]


def test_every_stored_model_ignores_fields_it_does_not_know() -> None:
    seen: set[type[BaseModel]] = set()
    for model in DOCUMENT_MODELS:
        _models(model, seen)
    assert len(seen) > len(DOCUMENT_MODELS)  # the embedded values are checked too
    strict = [m.__name__ for m in seen if m.model_config.get("extra") not in (None, "ignore")]
    assert strict == []
