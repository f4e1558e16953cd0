from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.settings import Settings
from tests.catalogue import CITY, OTHER_WARD, PROCEDURE, WARD
from tests.conftest import GraphQLClient

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

CREATE = """
mutation Create($input: ProcedureInput!) {
  createProcedure(input: $input) {
    procedure { code name processingDays agencies { code } form { key version } steps { key workingDays } fee { kind amount } }
    errors { field message code }
  }
}
"""

UPDATE = """
mutation Update($code: String!, $input: ProcedureUpdateInput!) {
  updateProcedure(code: $code, input: $input) {
    procedure { code name processingDays active }
    errors { field message code }
  }
}
"""

READ = """
query { procedures { code } procedure(code: "9.000001") { name form { key } agencies { code } } }
"""

AGENCIES = """
query { agencies { code children { code parent { code } } } }
"""

NEW: dict[str, Any] = {
    "code": "9.000002",
    "name": "Cấp bản sao trích lục",
    "field": "Hộ tịch",
    "processingDays": 2,
    "formKey": "permit",
    "agencyCodes": [WARD],
    "steps": [
        {"key": "reception", "name": "Tiếp nhận", "role": "RECEPTION", "workingDays": 0},
        {"key": "review", "name": "Xử lý", "role": "SPECIALIST", "workingDays": 2},
    ],
    "fee": {"kind": "FIXED", "amount": 8000},
}


@pytest.fixture
def gql(http: httpx.AsyncClient, settings: Settings) -> GraphQLClient:
    """Forms and procedures are managed by a system administrator."""
    return GraphQLClient(http, settings).as_role("system_admin")


async def _create(gql: GraphQLClient, **changes: Any) -> dict[str, Any]:
    result: dict[str, Any] = await gql.data(CREATE, {"input": {**NEW, **changes}})
    return result["createProcedure"]


async def test_create_procedure_links_its_form_and_agencies(gql: GraphQLClient) -> None:
    payload = await _create(gql)
    assert payload["errors"] == []
    procedure = payload["procedure"]
    assert procedure["agencies"] == [{"code": WARD}]
    assert procedure["form"] == {"key": "permit", "version": 1}
    assert procedure["fee"] == {"kind": "FIXED", "amount": 8000}
    assert [p["code"] for p in (await gql.data(READ))["procedures"]] == [PROCEDURE, "9.000002"]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"code": PROCEDURE}, ("ALREADY_EXISTS", "code")),
        ({"formKey": "nope"}, ("NOT_FOUND", "formKey")),
        ({"agencyCodes": ["123.45.67.H26"]}, ("NOT_FOUND", "agencyCodes")),
        ({"processingDays": 5}, ("VALIDATION_FAILED", "")),  # steps add up to 2, not 5
        ({"processingDays": -1, "steps": []}, ("VALIDATION_FAILED", "processingDays")),
    ],
)
async def test_create_procedure_refuses_inconsistent_input(
    gql: GraphQLClient, changes: dict[str, Any], expected: tuple[str, str]
) -> None:
    payload = await _create(gql, **changes)
    assert payload["procedure"] is None
    assert (payload["errors"][0]["code"], payload["errors"][0]["field"]) == expected


async def test_update_procedure_changes_only_the_given_fields(gql: GraphQLClient) -> None:
    payload = await gql.data(
        UPDATE, {"code": PROCEDURE, "input": {"name": "Tên mới", "active": False}}
    )
    assert payload["updateProcedure"] == {
        "procedure": {"code": PROCEDURE, "name": "Tên mới", "processingDays": 3, "active": False},
        "errors": [],
    }
    missing = await gql.data(UPDATE, {"code": "0.0", "input": {"name": "x"}})
    assert missing["updateProcedure"]["errors"][0]["code"] == "NOT_FOUND"


async def test_agencies_are_a_tree_from_the_roots(gql: GraphQLClient) -> None:
    data = await gql.data(AGENCIES)
    children = [{"code": c, "parent": {"code": CITY}} for c in sorted([WARD, OTHER_WARD])]
    assert data["agencies"] == [{"code": CITY, "children": children}]
