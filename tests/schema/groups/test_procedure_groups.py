"""Procedure groups defined by administrators through the API: a valid group round-trips
and is public, a broken one is a payload error and stores nothing, and only those who
manage every member procedure may define one."""

from __future__ import annotations

from typing import Any

import pytest

from documents.access.audit import AuditRecord
from documents.catalogue.procedures import Procedure
from documents.groups.definition import ProcedureGroup
from tests.catalogue import CITY, OTHER_WARD, PROCEDURE, WARD
from tests.conftest import GraphQLClient

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

RESIDENCE, INSURANCE, RETIRED = "9.000002", "9.000003", "9.000004"
GROUP_FIELDS = """code name active processingDays verificationDays combinedForm combinations
  members { procedureCode required mapping { target source } procedure { name } }
  feeds { fromProcedure toProcedure fields { target source } resultType }"""
CREATE = f"""mutation($input: ProcedureGroupInput!) {{ createProcedureGroup(input: $input) {{
  procedureGroup {{ {GROUP_FIELDS} }} errors {{ field code message }} }} }}"""
UPDATE = f"""mutation($code: String!, $input: ProcedureGroupUpdateInput!) {{
  updateProcedureGroup(code: $code, input: $input) {{
  procedureGroup {{ {GROUP_FIELDS} }} errors {{ field code message }} }} }}"""
ONE = f"query($code: String!) {{ procedureGroup(code: $code) {{ {GROUP_FIELDS} }} }}"
ALL = "{ procedureGroups { code } }"

COMBINED_FORM = {
    "type": "object",
    "properties": {
        "child": {"type": "object", "properties": {"fullName": {"type": "string"}}},
        "mother": {"type": "object", "properties": {"idNumber": {"type": "string"}}},
    },
}


def group_input(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "code": "G-TEST",
        "name": "Nhóm thử",
        "members": [
            {
                "procedureCode": PROCEDURE,
                "required": True,
                "mapping": [{"target": "/fullName", "source": "/child/fullName"}],
            },
            {
                "procedureCode": RESIDENCE,
                "mapping": [{"target": "/person/mother", "source": "/mother/idNumber"}],
            },
            {"procedureCode": INSURANCE},
        ],
        "combinations": [[PROCEDURE, RESIDENCE], [PROCEDURE, RESIDENCE, INSURANCE]],
        "feeds": [
            {
                "fromProcedure": PROCEDURE,
                "toProcedure": RESIDENCE,
                "fields": [{"target": "/person/birthNo", "source": "/number"}],
                "resultType": "BIRTH_CERTIFICATE",
            }
        ],
        "processingDays": 3,
        "verificationDays": 5,
        "combinedForm": COMBINED_FORM,
    }
    fields.update(changes)
    return fields


@pytest.fixture(autouse=True)
async def more_procedures(tiny_catalogue: None) -> None:
    for code, agency, active in (
        (RESIDENCE, WARD, True),
        (INSURANCE, WARD, True),
        (RETIRED, WARD, False),
    ):
        await Procedure(
            code=code,
            name=f"Thủ tục {code}",
            field="Thử nghiệm",
            processing_days=2,
            form_key="permit",
            agency_codes=[agency],
            active=active,
        ).insert()


@pytest.fixture
def admin(gql: GraphQLClient) -> GraphQLClient:
    return gql.as_role("system_admin")


async def _create(client: GraphQLClient, **changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = (await client.data(CREATE, {"input": group_input(**changes)}))[
        "createProcedureGroup"
    ]
    return payload


async def test_a_valid_group_round_trips_and_is_public(admin: GraphQLClient) -> None:
    created = await _create(admin)
    assert created["errors"] == []
    read = (await admin.anonymous().data(ONE, {"code": "G-TEST"}))["procedureGroup"]
    assert read == created["procedureGroup"]
    assert read["members"][0] == {
        "procedureCode": PROCEDURE,
        "required": True,
        "mapping": [{"target": "/fullName", "source": "/child/fullName"}],
        "procedure": {"name": "Cấp giấy phép thử"},
    }
    assert read["feeds"] == [
        {
            "fromProcedure": PROCEDURE,
            "toProcedure": RESIDENCE,
            "fields": [{"target": "/person/birthNo", "source": "/number"}],
            "resultType": "BIRTH_CERTIFICATE",
        }
    ]
    assert read["combinations"] == [[PROCEDURE, RESIDENCE], [PROCEDURE, RESIDENCE, INSURANCE]]
    assert (read["processingDays"], read["verificationDays"]) == (3, 5)
    assert read["combinedForm"] == COMBINED_FORM
    assert (await admin.anonymous().data(ALL))["procedureGroups"] == [{"code": "G-TEST"}]
    [record] = await AuditRecord.find_all().to_list()
    [change] = record.changes
    assert (change.target, change.key, change.before) == ("procedure_group", "G-TEST", None)
    assert change.after is not None
    assert change.after["processing_days"] == 3


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        (
            {
                "feeds": [
                    {"fromProcedure": RESIDENCE, "toProcedure": INSURANCE},
                    {"fromProcedure": INSURANCE, "toProcedure": RESIDENCE},
                ],
                "combinations": [],
            },
            "feeds",
            "GROUP_INVALID",
        ),
        (
            {"members": [{"procedureCode": PROCEDURE}, {"procedureCode": RETIRED}], "feeds": []},
            "members[1].procedureCode",
            "GROUP_INVALID",
        ),
        ({"combinations": [[RESIDENCE, INSURANCE]]}, "combinations[0]", "GROUP_INVALID"),
        (
            {
                "members": [
                    {"procedureCode": PROCEDURE, "required": True},
                    {
                        "procedureCode": RESIDENCE,
                        "mapping": [{"target": "/x", "source": "/father/idNumber"}],
                    },
                ],
                "combinations": [],
            },
            "members[1].mapping./x",
            "GROUP_INVALID",
        ),
        (
            {
                "members": [
                    {"procedureCode": PROCEDURE},
                    {
                        "procedureCode": RESIDENCE,
                        "mapping": [
                            {"target": "/x", "source": "/child/fullName"},
                            {"target": "/x", "source": "/mother/idNumber"},
                        ],
                    },
                ],
                "combinations": [],
            },
            "members[1].mapping",
            "GROUP_INVALID",
        ),
        ({"verificationDays": 2}, "verificationDays", "GROUP_INVALID"),
        ({"processingDays": -1}, "processingDays", "VALIDATION_FAILED"),
        ({"combinedForm": {"type": 7}}, "combinedForm", "INVALID_SCHEMA"),
    ],
)
async def test_a_broken_group_is_a_payload_error_and_nothing_is_stored(
    admin: GraphQLClient, changes: dict[str, Any], field: str, code: str
) -> None:
    payload = await _create(admin, **changes)
    assert payload["procedureGroup"] is None
    [error] = payload["errors"]
    assert (error["field"], error["code"]) == (field, code)
    assert await ProcedureGroup.find_all().to_list() == []


async def test_the_cycle_error_names_its_procedures(admin: GraphQLClient) -> None:
    feeds = [
        {"fromProcedure": PROCEDURE, "toProcedure": RESIDENCE},
        {"fromProcedure": RESIDENCE, "toProcedure": INSURANCE},
        {"fromProcedure": INSURANCE, "toProcedure": RESIDENCE},
    ]
    [error] = (await _create(admin, feeds=feeds, combinations=[]))["errors"]
    assert f"{RESIDENCE} → {INSURANCE} → {RESIDENCE}" in error["message"]


async def test_a_code_is_defined_once(admin: GraphQLClient) -> None:
    await _create(admin)
    [error] = (await _create(admin, name="Khác"))["errors"]
    assert (error["field"], error["code"]) == ("code", "ALREADY_EXISTS")
    [stored] = await ProcedureGroup.find_all().to_list()
    assert stored.name == "Nhóm thử"


async def test_an_update_is_checked_whole_and_a_refused_one_changes_nothing(
    admin: GraphQLClient,
) -> None:
    await _create(admin)
    done = (await admin.data(UPDATE, {"code": "G-TEST", "input": {"verificationDays": 7}}))[
        "updateProcedureGroup"
    ]
    assert done["errors"] == []
    assert done["procedureGroup"]["verificationDays"] == 7
    assert done["procedureGroup"]["members"][1]["procedureCode"] == RESIDENCE  # kept
    refused = (await admin.data(UPDATE, {"code": "G-TEST", "input": {"processingDays": 8}}))[
        "updateProcedureGroup"
    ]
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [
        ("verificationDays", "GROUP_INVALID")
    ]
    stored = await ProcedureGroup.find_one(ProcedureGroup.code == "G-TEST")
    assert stored is not None
    assert (stored.processing_days, stored.verification_days) == (3, 7)
    missing = (await admin.data(UPDATE, {"code": "nope", "input": {"active": False}}))[
        "updateProcedureGroup"
    ]
    assert [e["code"] for e in missing["errors"]] == ["NOT_FOUND"]
    changes = [c for r in await AuditRecord.find_all().to_list() for c in r.changes]
    assert [(c.before or {}).get("verification_days") for c in changes] == [None, 5]


@pytest.mark.parametrize(
    ("role", "agency"),
    [
        (None, None),
        ("applicant", None),
        ("officer:leader", WARD),
        ("agency_admin", OTHER_WARD),  # the member procedures are handled at WARD
    ],
)
async def test_only_those_who_manage_every_member_procedure_define_groups(
    admin: GraphQLClient, role: str | None, agency: str | None
) -> None:
    await _create(admin, code="G-KEPT")
    client = admin.anonymous() if role is None else admin.as_role(role, agency=agency)
    created = await client.execute(CREATE, {"input": group_input()})
    updated = await client.execute(UPDATE, {"code": "G-KEPT", "input": {"name": "Đổi"}})
    for body in (created, updated):
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    [stored] = await ProcedureGroup.find_all().to_list()
    assert (stored.code, stored.name) == ("G-KEPT", "Nhóm thử")


async def test_an_agency_admin_over_every_member_agency_defines_groups(
    admin: GraphQLClient,
) -> None:
    payload = await _create(admin.as_role("agency_admin", agency=CITY))
    assert payload["errors"] == []
    assert payload["procedureGroup"]["code"] == "G-TEST"
