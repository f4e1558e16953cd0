"""Administrators set a procedure's competent-authority rule; a rule missing what it
reads is a typed error and stores nothing (docs/routing.md)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.settings import Settings
from documents.catalogue.procedures import Procedure
from tests.catalogue import CITY, PROCEDURE, WARD
from tests.conftest import GraphQLClient

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

FIELDS = "procedure { code competentAuthority { rule field agencyCode } } errors { field code }"
CREATE = f"""
mutation($input: ProcedureInput!) {{ createProcedure(input: $input) {{ {FIELDS} }} }}
"""
UPDATE = f"""
mutation($code: String!, $input: ProcedureUpdateInput!) {{
  updateProcedure(code: $code, input: $input) {{ {FIELDS} }}
}}
"""
NEW: dict[str, Any] = {
    "code": "9.000003",
    "name": "Đăng ký khai sinh",
    "field": "Hộ tịch",
    "processingDays": 1,
    "formKey": "permit",
    "agencyCodes": [WARD],
}


@pytest.fixture
def admin(http: httpx.AsyncClient, settings: Settings) -> GraphQLClient:
    return GraphQLClient(http, settings).as_role("system_admin")


async def create(admin: GraphQLClient, authority: dict[str, Any] | None) -> dict[str, Any]:
    sent = {**NEW, "competentAuthority": authority} if authority else NEW
    payload: dict[str, Any] = (await admin.data(CREATE, {"input": sent}))["createProcedure"]
    return payload


async def test_a_procedure_without_a_rule_is_handled_where_received(admin: GraphQLClient) -> None:
    payload = await create(admin, None)
    assert payload["procedure"]["competentAuthority"] == {
        "rule": "RECEIVING_AGENCY",
        "field": None,
        "agencyCode": None,
    }


@pytest.mark.parametrize(
    "authority",
    [
        {"rule": "APPLICANT_RESIDENCE", "field": "residence.unitCode"},
        {"rule": "OBJECT_LOCATION", "field": "land.unitCode"},
        {"rule": "FIXED", "agencyCode": CITY},
    ],
)
async def test_each_rule_is_stored_and_shown(
    admin: GraphQLClient, authority: dict[str, Any]
) -> None:
    payload = await create(admin, authority)
    assert payload["errors"] == []
    shown = {k: v for k, v in payload["procedure"]["competentAuthority"].items() if v is not None}
    assert shown == authority


@pytest.mark.parametrize(
    ("authority", "expected"),
    [
        ({"rule": "APPLICANT_RESIDENCE"}, ("VALIDATION_FAILED", "competentAuthority")),
        ({"rule": "OBJECT_LOCATION", "field": "land/unitCode"}, ("VALIDATION_FAILED", None)),
        ({"rule": "FIXED"}, ("VALIDATION_FAILED", "competentAuthority")),
        ({"rule": "FIXED", "agencyCode": "999.99.99.H26"}, ("NOT_FOUND", None)),
        ({"rule": "RECEIVING_AGENCY", "agencyCode": CITY}, ("VALIDATION_FAILED", None)),
    ],
)
async def test_a_rule_missing_what_it_reads_is_refused_and_nothing_stored(
    admin: GraphQLClient, authority: dict[str, Any], expected: tuple[str, str | None]
) -> None:
    payload = await create(admin, authority)
    assert payload["procedure"] is None
    [error] = payload["errors"]
    assert error["code"] == expected[0]
    assert error["field"].startswith(expected[1] or "competentAuthority")
    assert await Procedure.find_one(Procedure.code == NEW["code"]) is None


async def test_update_changes_the_rule_and_refuses_a_broken_one(admin: GraphQLClient) -> None:
    rule = {"rule": "APPLICANT_RESIDENCE", "field": "residence.unitCode"}
    changed = await admin.data(UPDATE, {"code": PROCEDURE, "input": {"competentAuthority": rule}})
    assert changed["updateProcedure"]["procedure"]["competentAuthority"]["field"] == (
        "residence.unitCode"
    )
    broken = {"competentAuthority": {"rule": "FIXED"}}
    refused = (await admin.data(UPDATE, {"code": PROCEDURE, "input": broken}))["updateProcedure"]
    assert [e["code"] for e in refused["errors"]] == ["VALIDATION_FAILED"]
    stored = await Procedure.find_one(Procedure.code == PROCEDURE)
    assert stored is not None
    assert stored.competent_authority.field == "residence.unitCode"
