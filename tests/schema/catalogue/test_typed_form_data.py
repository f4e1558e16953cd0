"""A GraphQL type per form key (issue 17, item 1): typed queries through the API, the
version rule at publish, the naming clash at creation, the untyped fallback, masking."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from api.settings import Settings
from tests.catalogue import PERMIT_SCHEMA, VALID_DATA, WARD, submission
from tests.conftest import GraphQLClient, running_app
from tests.schema.catalogue.test_form_lifecycle import CREATE_DRAFT

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

PUBLISH = """
mutation Publish($id: ID!) {
  publishForm(id: $id) { form { version } warnings errors { field code message } }
}
"""
SUBMIT = """
mutation Submit($input: SubmitDossierInput!) {
  submitDossier(input: $input) { dossier { code formVersion } errors { path reason } }
}
"""
# Version 2 of the tiny catalogue's `permit` form: nested objects, lists, enums, dates.
PERMIT_V2: dict[str, Any] = {
    **PERMIT_SCHEMA,
    "properties": {
        **PERMIT_SCHEMA["properties"],
        "area": {"type": "number"},
        "submittedAt": {"type": "string", "format": "date-time"},
        "owner": {
            "type": "object",
            "properties": {
                "fullName": {"type": "string"},
                "birthDate": {"type": "string", "format": "date"},
            },
        },
        "children": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "gender": {"enum": ["Nam", "Nữ"]}},
            },
        },
    },
}
HINTS_V2 = {
    "fields": [
        {"pointer": "/fullName", "labelVi": "Họ và tên"},
        {"pointer": "/birthDate", "labelVi": "Ngày sinh", "sensitive": True},
        {"pointer": "/taxCode", "labelVi": "Mã số thuế", "sensitive": True},
        {"pointer": "/owner/fullName", "labelVi": "Họ và tên chủ sở hữu"},
        {
            "pointer": "/children/*/gender",
            "labelVi": "Giới tính",
            "options": [{"value": "Nữ", "labelVi": "Nữ giới"}],
        },
    ]
}
DATA_V2: dict[str, Any] = {
    **VALID_DATA,
    "taxCode": "0101234567",
    "taxOffice": "Chi cục thuế Hoàn Kiếm",
    "floors": 3,
    "area": 52.5,
    "submittedAt": "2026-11-30T08:15:00+07:00",
    "owner": {"fullName": "Trần Thị Bình", "birthDate": "1960-02-29"},
    "children": [{"name": "Nguyễn Văn Cường", "gender": "Nam"}, {"name": "Nguyễn Thị Dung"}],
}
TYPED = """
query($code: String!) { dossier(code: $code) {
  data
  formData {
    __typename
    ... on PermitFormData {
      fullName birthDate taxCode floors area submittedAt hasVehicle
      owner { fullName birthDate } children { name gender }
    }
    ... on UntypedFormData { json }
  }
} }
"""


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    """An app of the test's own, whose schema watcher rebuilds as the forms change."""
    async for started in running_app(settings):
        yield started


@pytest.fixture
def admin(app: tuple[Starlette, httpx.AsyncClient], settings: Settings) -> GraphQLClient:
    return GraphQLClient(app[1], settings).as_role("system_admin")


async def create(admin: GraphQLClient, key: str, schema: Any, hints: Any = None) -> Any:
    variables = {"input": {"key": key, "title": "Giấy phép", "schema": schema, "hints": hints}}
    return (await admin.data(CREATE_DRAFT, variables))["createFormDraft"]


async def publish(admin: GraphQLClient, key: str, schema: Any, hints: Any = None) -> Any:
    created = await create(admin, key, schema, hints)
    assert created["errors"] == []
    return (await admin.data(PUBLISH, {"id": created["form"]["id"]}))["publishForm"]


async def submitted(
    app: tuple[Starlette, httpx.AsyncClient], admin: GraphQLClient, data: Any
) -> str:
    await app[0].state.schema_watcher.refresh()  # what the change stream does within seconds
    officer = admin.as_role("officer:reception", agency=WARD)
    payload = (await officer.data(SUBMIT, {"input": submission(data)}))["submitDossier"]
    assert payload["errors"] == []
    code: str = payload["dossier"]["code"]
    return code


async def test_a_typed_query_answers_nested_objects_lists_enums_and_dates(
    app: tuple[Starlette, httpx.AsyncClient], admin: GraphQLClient
) -> None:
    published = await publish(admin, "permit", PERMIT_V2, HINTS_V2)
    assert published == {"form": {"version": 2}, "warnings": [], "errors": []}
    code = await submitted(app, admin, DATA_V2)

    handling = admin.as_role("officer:specialist", agency=WARD)
    seen = (await handling.data(TYPED, {"code": code}))["dossier"]
    assert seen["formData"] == {
        "__typename": "PermitFormData",
        "fullName": "Nguyễn Văn An",
        "birthDate": "1990-05-17",
        "taxCode": "0101234567",
        "floors": 3,
        "area": 52.5,
        "submittedAt": "2026-11-30T08:15:00+07:00",
        "hasVehicle": None,  # not in the data: every typed field is nullable
        "owner": {"fullName": "Trần Thị Bình", "birthDate": "1960-02-29"},
        "children": [
            {"name": "Nguyễn Văn Cường", "gender": "NAM"},
            {"name": "Nguyễn Thị Dung", "gender": None},
        ],
    }
    # The rebuilt schema's relay fields (connections, node) work as the static one's.
    page = await handling.data(
        "{ dossiers(first: 5) { edges { node { id formData { __typename } } } } }"
    )
    [edge] = page["dossiers"]["edges"]
    assert edge["node"]["formData"] == {"__typename": "PermitFormData"}
    found = await handling.data(
        "query($id: ID!) { node(id: $id) { ... on Dossier { code } } }", {"id": edge["node"]["id"]}
    )
    assert found["node"] == {"code": code}
    described = await admin.data(
        '{ __type(name: "PermitFormDataOwner") { fields { name description type { name } } } }'
    )
    assert described["__type"]["fields"][0]["name"] == "id"  # a cache key of its own
    assert described["__type"]["fields"][1] == {
        "name": "fullName",
        "description": "Họ và tên chủ sở hữu",
        "type": {"name": "String"},
    }
    gender = await admin.data(
        '{ __type(name: "PermitFormDataChildrenGender") { enumValues { name description } } }'
    )
    assert gender["__type"]["enumValues"] == [
        {"name": "NAM", "description": "The value `Nam`."},
        {"name": "NU", "description": "Nữ giới (`Nữ`)"},  # the option's label from the hints
    ]


async def test_masking_applies_to_typed_fields_as_to_the_json(
    app: tuple[Starlette, httpx.AsyncClient], admin: GraphQLClient
) -> None:
    await publish(admin, "permit", PERMIT_V2, HINTS_V2)
    code = await submitted(app, admin, DATA_V2)
    for viewer in (admin, admin.as_role("agency_admin")):  # may see, not handle: masked
        seen = (await viewer.data(TYPED, {"code": code}))["dossier"]
        typed, data = seen["formData"], seen["data"]
        assert data["taxCode"] != "0101234567"
        assert typed["taxCode"] == data["taxCode"]  # masked text, as in the JSON
        assert data["birthDate"] != "1990-05-17"
        assert typed["birthDate"] is None  # a masked date is no date
        assert typed["fullName"] == data["fullName"] == "Nguyễn Văn An"  # not sensitive


async def test_a_field_that_changes_type_is_refused_at_publish(admin: GraphQLClient) -> None:
    floors_as_text = {**PERMIT_SCHEMA["properties"]["floors"], "type": "string"}
    changed = {
        **PERMIT_SCHEMA,
        "properties": {**PERMIT_SCHEMA["properties"], "floors": floors_as_text},
    }
    refused = await publish(admin, "permit", changed)
    assert refused["form"] is None
    [error] = refused["errors"]
    assert error["code"] == "INVALID_SCHEMA"
    assert "/floors was Int" in error["message"]
    assert "create a new form key" in error["message"]
    listed = await admin.data('{ forms(key: "permit") { version status } }')
    assert listed["forms"] == [
        {"version": 1, "status": "PUBLISHED"},
        {"version": None, "status": "DRAFT"},  # still a draft, to be fixed or dropped
    ]


async def test_a_key_whose_type_name_is_taken_is_refused_at_creation(admin: GraphQLClient) -> None:
    assert (await create(admin, "đăng-ký-kết-hôn", PERMIT_SCHEMA))["errors"] == []
    for clash, other in (("dang_ky_ket_hon", "đăng-ký-kết-hôn"), ("Permit", "permit")):
        [error] = (await create(admin, clash, PERMIT_SCHEMA))["errors"]
        assert (error["field"], error["code"]) == ("key", "ALREADY_EXISTS")
        assert repr(other) in error["message"]
    [error] = (await create(admin, "untyped", PERMIT_SCHEMA))["errors"]
    assert "UntypedFormData" in error["message"]


async def test_a_form_that_cannot_be_typed_publishes_with_a_warning_and_answers_untyped(
    app: tuple[Starlette, httpx.AsyncClient], admin: GraphQLClient
) -> None:
    free_form = {"type": "object", "additionalProperties": {"type": "string"}}
    untypable = {**PERMIT_SCHEMA, "properties": {**PERMIT_SCHEMA["properties"], "extra": free_form}}
    published = await publish(admin, "permit", untypable)
    assert published["errors"] == []
    [warning] = published["warnings"]
    assert "/extra" in warning
    assert "UntypedFormData" in warning
    code = await submitted(app, admin, {**VALID_DATA, "extra": {"note": "x"}})
    untyped = TYPED.replace(
        TYPED[TYPED.index("... on PermitFormData") : TYPED.index("... on U")], ""
    )
    seen = await admin.as_role("officer:specialist", agency=WARD).data(untyped, {"code": code})
    form_data = seen["dossier"]["formData"]
    assert form_data["__typename"] == "UntypedFormData"
    assert form_data["json"] == seen["dossier"]["data"]
    assert await admin.data('{ __type(name: "PermitFormData") { name } }') == {"__type": None}


IDS = """
query($code: String!) { dossier(code: $code) { formData {
  ... on PermitFormData { id owner { id } children { id name } }
} } }
"""


async def test_every_typed_object_has_a_stable_id_of_its_dossier_and_place(
    app: tuple[Starlette, httpx.AsyncClient], admin: GraphQLClient
) -> None:
    await publish(admin, "permit", PERMIT_V2, HINTS_V2)
    first = await submitted(app, admin, DATA_V2)
    second = await submitted(app, admin, DATA_V2)
    handling = admin.as_role("officer:specialist", agency=WARD)

    def ids(form_data: dict[str, Any]) -> list[str]:
        children = [child["id"] for child in form_data["children"]]
        return [form_data["id"], form_data["owner"]["id"], *children]

    one = (await handling.data(IDS, {"code": first}))["dossier"]["formData"]
    again = (await handling.data(IDS, {"code": first}))["dossier"]["formData"]
    other = (await handling.data(IDS, {"code": second}))["dossier"]["formData"]
    assert one == again  # stable: a cache keys the same object the same way
    assert len(set(ids(one) + ids(other))) == 8  # distinct within and across dossiers
    assert [child["name"] for child in one["children"]] == ["Nguyễn Văn Cường", "Nguyễn Thị Dung"]


async def test_a_property_named_id_leaves_the_form_untyped_with_a_warning(
    admin: GraphQLClient,
) -> None:
    with_id = {
        **PERMIT_SCHEMA,
        "properties": {**PERMIT_SCHEMA["properties"], "id": {"type": "string"}},
    }
    published = await publish(admin, "permit", with_id)
    assert published["errors"] == []
    [warning] = published["warnings"]
    assert "/id" in warning
    assert "global id" in warning
