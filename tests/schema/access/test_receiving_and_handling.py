"""Act only where you handle, through the API: a dossier received at one ward's desk and
handled by another ward (issue 12, finding 4). The desk reads it and does the desk's
work; decisions belong to the agency holding it at its current step."""

from __future__ import annotations

from typing import Any

import pytest

from tests.catalogue import OTHER_WARD, WARD, submission
from tests.conftest import GraphQLClient
from tests.papers import ATTACH_RESULT, SIGNED_XML, upload
from tests.schema.workflow.workflow_helpers import ACCEPT, HAND_OVER, RECORD_RESULT, SUBMIT

pytestmark = pytest.mark.usefixtures("tiny_catalogue")


def _officer(gql: GraphQLClient, role: str, agency: str) -> GraphQLClient:
    return gql.as_role(f"officer:{role}", agency=agency)


async def _payload(client: GraphQLClient, query: str, variables: dict[str, Any]) -> Any:
    data = await client.data(query, variables)
    return next(iter(data.values()))


async def _received_at_the_other_desk(gql: GraphQLClient) -> str:
    """A dossier received at the other ward's desk; the procedure is the ward's."""
    desk = _officer(gql, "reception", OTHER_WARD)
    payload = await _payload(desk, SUBMIT, {"input": submission(receivingAgencyCode=OTHER_WARD)})
    assert payload["errors"] == []
    code: str = payload["dossier"]["code"]
    return code


async def _handed_to_the_ward(gql: GraphQLClient) -> str:
    code = await _received_at_the_other_desk(gql)
    desk = _officer(gql, "reception", OTHER_WARD)
    assert (await _payload(desk, ACCEPT, {"code": code}))["errors"] == []
    handed = await _payload(desk, HAND_OVER, {"code": code, "toStep": "review"})
    assert handed["errors"] == []
    return code


def _forbidden(body: dict[str, Any]) -> bool:
    return any(
        (e.get("extensions") or {}).get("code") == "FORBIDDEN" for e in body.get("errors") or []
    )


async def test_the_receiving_desks_leader_cannot_decide_at_the_handling_agencys_step(
    gql: GraphQLClient,
) -> None:
    code = await _handed_to_the_ward(gql)
    variables = {"code": code, "decision": "APPROVE", "note": None}

    desk_leader = await _officer(gql, "leader", OTHER_WARD).execute(RECORD_RESULT, variables)
    ward_leader = await _officer(gql, "leader", WARD).data(RECORD_RESULT, variables)

    assert _forbidden(desk_leader)
    assert ward_leader["recordResult"]["errors"] == []
    assert ward_leader["recordResult"]["dossier"]["status"] == "RESULT_READY"


async def test_the_desk_still_holding_a_dossier_does_not_decide_on_it(gql: GraphQLClient) -> None:
    code = await _received_at_the_other_desk(gql)
    desk = _officer(gql, "reception", OTHER_WARD)
    assert (await _payload(desk, ACCEPT, {"code": code}))["errors"] == []
    variables = {"code": code, "decision": "APPROVE", "note": None}

    body = await _officer(gql, "leader", OTHER_WARD).execute(RECORD_RESULT, variables)

    assert _forbidden(body)


async def test_the_handling_agency_does_not_accept_at_another_desk(gql: GraphQLClient) -> None:
    code = await _received_at_the_other_desk(gql)

    ward = await _officer(gql, "reception", WARD).execute(ACCEPT, {"code": code})
    desk = await _officer(gql, "reception", OTHER_WARD).data(ACCEPT, {"code": code})

    assert _forbidden(ward)
    assert desk["acceptDossier"]["errors"] == []


async def test_the_receiving_desk_reads_but_does_not_attach_the_result(gql: GraphQLClient) -> None:
    code = await _handed_to_the_ward(gql)
    file = ("lltp.xml", SIGNED_XML, "application/xml")
    variables = {"code": code, "type": "JUDICIAL_RECORD", "electronic": True, "until": None}

    seen = await _officer(gql, "specialist", OTHER_WARD).data(
        "query($code: String!) { dossier(code: $code) { code } }", {"code": code}
    )
    _, desk = await upload(_officer(gql, "specialist", OTHER_WARD), ATTACH_RESULT, variables, file)
    _, ward = await upload(_officer(gql, "specialist", WARD), ATTACH_RESULT, variables, file)

    assert seen["dossier"]["code"] == code
    assert _forbidden(desk)
    assert ward["data"]["attachResult"]["errors"] == []
