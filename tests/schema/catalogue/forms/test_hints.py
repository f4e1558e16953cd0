"""Display hints through the API: each kind stored and read back with the form,
hints that point nowhere refused by name, and `*` hints masking every item."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.settings import Settings
from tests.catalogue import APPLICANT, WARD
from tests.conftest import GraphQLClient

CREATE = """
mutation($input: CreateFormDraftInput!) {
  createFormDraft(input: $input) { form { id } errors { field code message } }
}
"""
PUBLISH = "mutation($id: ID!) { publishForm(id: $id) { form { version } errors { code } } }"
FORM = """
query($key: String!, $version: Int!) { form(key: $key, version: $version) { hints {
  order
  sections { key titleVi titleEn order fields }
  fields { pointer labelVi labelEn helpVi helpEn placeholderVi placeholderEn widget paperSlot
           sensitive options { value labelVi labelEn } }
} } }
"""
FORMS = "query($key: String!) { forms(key: $key) { version status } }"
PROCEDURE = """
mutation($input: ProcedureInput!) { createProcedure(input: $input) {
  procedure { code } errors { field code message }
} }
"""
SUBMIT = """
mutation($input: SubmitDossierInput!) { submitDossier(input: $input) {
  dossier { code } errors { field code path }
} }
"""
READ = "query($code: String!) { dossier(code: $code) { data } }"

SCHEMA: dict[str, Any] = {
    "$defs": {
        "person": {"type": "object", "properties": {"fullName": {"type": "string"}}},
    },
    "type": "object",
    "properties": {
        "mother": {"$ref": "#/$defs/person"},
        "children": {"type": "array", "items": {"$ref": "#/$defs/person"}},
        "sex": {"oneOf": [{"const": "M", "title": "Nam"}, {"const": "F", "title": "Nữ"}]},
        "delivery": {"type": "string", "enum": ["COUNTER", "POST"]},
        "note": {"type": "string"},
        "idCard": {"type": "string"},
    },
}
NONE = {"labelEn": None, "helpVi": None, "helpEn": None, "placeholderVi": None}
FIELDS: list[dict[str, Any]] = [
    {"pointer": "/mother/fullName", "labelVi": "Họ tên mẹ", "sensitive": True},
    {"pointer": "/children/*/fullName", "labelVi": "Họ tên con", "sensitive": True},
    {"pointer": "/sex", "labelVi": "Giới tính", "widget": "RADIO"},
    {
        "pointer": "/delivery",
        "labelVi": "Nhận kết quả",
        "widget": "SELECT",
        "options": [{"value": "POST", "labelVi": "Qua bưu điện", "labelEn": "By post"}],
    },
    {
        "pointer": "/note",
        "labelVi": "Ghi chú",
        "labelEn": "Note",
        "widget": "TEXTAREA",
        "helpVi": "Không bắt buộc",
        "helpEn": "Optional",
        "placeholderVi": "Ví dụ: …",
        "placeholderEn": "For example: …",
    },
    {"pointer": "/idCard", "labelVi": "CCCD", "widget": "FILE", "paperSlot": "cccd"},
]
SECTIONS = [
    {"key": "other", "titleVi": "Khác", "order": 2, "fields": ["/note", "/idCard"]},
    {"key": "family", "titleVi": "Gia đình", "titleEn": "Family", "order": 1,
     "fields": ["/mother/fullName", "/children/*/fullName"]},
]  # fmt: skip
HINTS = {"order": ["mother", "children", "*"], "fields": FIELDS, "sections": SECTIONS}


@pytest.fixture
def admin(http: httpx.AsyncClient, settings: Settings) -> GraphQLClient:
    return GraphQLClient(http, settings).as_role("system_admin")


async def publish(admin: GraphQLClient, hints: dict[str, Any] = HINTS) -> None:
    draft = {"key": "family", "title": "Gia đình", "schema": SCHEMA, "hints": hints}
    created = (await admin.data(CREATE, {"input": draft}))["createFormDraft"]
    assert created["errors"] == []
    published = await admin.data(PUBLISH, {"id": created["form"]["id"]})
    assert published["publishForm"]["form"] == {"version": 1}


async def test_each_kind_of_hint_is_returned_with_the_published_form(
    admin: GraphQLClient,
) -> None:
    await publish(admin)
    hints = (await admin.anonymous().data(FORM, {"key": "family", "version": 1}))["form"]["hints"]
    assert hints["order"] == ["mother", "children", "*"]
    assert [s["key"] for s in hints["sections"]] == ["family", "other"]  # by `order`
    assert hints["sections"][0] == {**SECTIONS[1]}
    assert hints["sections"][1] == {**SECTIONS[0], "titleEn": None}
    by_pointer = {field["pointer"]: field for field in hints["fields"]}
    assert list(by_pointer) == [field["pointer"] for field in FIELDS]
    assert by_pointer["/note"] == {
        **FIELDS[4], "paperSlot": None, "sensitive": False, "options": [],
    }  # fmt: skip
    assert by_pointer["/children/*/fullName"]["sensitive"] is True
    assert by_pointer["/idCard"]["widget"] == "FILE"
    assert by_pointer["/idCard"]["paperSlot"] == "cccd"
    # Options: the schema's `oneOf` titles, and the hint's labels of an `enum`.
    assert by_pointer["/sex"]["options"] == [
        {"value": "M", "labelVi": "Nam", "labelEn": None},
        {"value": "F", "labelVi": "Nữ", "labelEn": None},
    ]
    assert by_pointer["/delivery"]["options"] == FIELDS[3]["options"]
    assert {k: by_pointer["/sex"][k] for k in NONE} == NONE


@pytest.mark.parametrize(
    ("hints", "field", "quoted"),
    [
        ({"fields": [{"pointer": "/children/*/nickname", "labelVi": "x"}]},
         "hints.fields.0.pointer", "/children/*/nickname"),
        ({"fields": [FIELDS[0], {"pointer": "/mother/age", "labelVi": "x"}]},
         "hints.fields.1.pointer", "/mother/age"),
        ({"fields": [{"pointer": "/children/0/fullName", "labelVi": "x"}]},
         "hints.fields.0.pointer", "/children/0/fullName"),
        ({"fields": [{"pointer": "/delivery", "labelVi": "x",
                      "options": [{"value": "DRONE", "labelVi": "x"}]}]},
         "hints.fields.0.options", "/delivery"),
        ({"fields": [{"pointer": "/note", "labelVi": "x", "widget": "RADIO"}]},
         "hints.fields.0.widget", "/note"),
        ({"sections": [{"key": "a", "titleVi": "A", "fields": ["/children/*/age"]}]},
         "hints.sections.0.fields", "/children/*/age"),
    ],
)  # fmt: skip
async def test_hint_that_points_nowhere_is_refused_by_name_and_nothing_is_stored(
    admin: GraphQLClient, hints: dict[str, Any], field: str, quoted: str
) -> None:
    draft = {"key": "family", "title": "Gia đình", "schema": SCHEMA, "hints": hints}
    payload = (await admin.data(CREATE, {"input": draft}))["createFormDraft"]
    assert payload["form"] is None
    [error] = payload["errors"]
    assert (error["field"], error["code"]) == (field, "INVALID_SCHEMA")
    assert repr(quoted) in error["message"]
    assert (await admin.data(FORMS, {"key": "family"}))["forms"] == []


async def test_a_sensitive_hint_with_a_star_masks_every_item_for_other_viewers(
    admin: GraphQLClient, tiny_catalogue: None
) -> None:
    await publish(admin)
    procedure = {
        "code": "9.000201", "name": "Thử", "field": "Thử", "processingDays": 0,
        "formKey": "family", "agencyCodes": [WARD],
        "requiredPapers": [{"slot": "cccd", "name": "Căn cước"}],
    }  # fmt: skip
    created = (await admin.data(PROCEDURE, {"input": procedure}))["createProcedure"]
    assert created["errors"] == []
    data = {"mother": {"fullName": "Trần Thị Bình"}, "note": "ghi chú",
            "children": [{"fullName": "Trần Minh An"}, {"fullName": "Trần Minh Châu"}]}  # fmt: skip
    submission = {
        "procedureCode": "9.000201", "receivingAgencyCode": WARD, "channel": "ONLINE",
        "applicant": APPLICANT, "data": data,
    }  # fmt: skip
    applicant = admin.as_role("applicant")
    submitted = (await applicant.data(SUBMIT, {"input": submission}))["submitDossier"]
    assert submitted["errors"] == []
    code = submitted["dossier"]["code"]
    assert (await applicant.data(READ, {"code": code}))["dossier"]["data"] == data
    seen = (await admin.data(READ, {"code": code}))["dossier"]["data"]
    names = [child["fullName"] for child in seen["children"]]
    assert names == ["Trần******An", "Trần********âu"]
    assert seen["mother"]["fullName"] != "Trần Thị Bình"
    assert seen["note"] == "ghi chú"


async def test_a_procedure_must_ask_for_the_paper_slot_its_form_shows(
    admin: GraphQLClient, tiny_catalogue: None
) -> None:
    await publish(admin)
    procedure = {"code": "9.000202", "name": "Thử", "field": "Thử", "processingDays": 0,
                 "formKey": "family", "agencyCodes": [WARD]}  # fmt: skip
    payload = (await admin.data(PROCEDURE, {"input": procedure}))["createProcedure"]
    assert payload["procedure"] is None
    [error] = payload["errors"]
    assert (error["field"], error["code"]) == ("requiredPapers", "VALIDATION_FAILED")
    assert "'cccd'" in error["message"]
    assert "'/idCard'" in error["message"]
