"""What a front end is told when form data fails: the reason as an enum, the rule's
parameters, a Vietnamese and an English message, none repeating the value; and what an
admin is told when a draft's schema uses a format or pattern only one side knows."""

from __future__ import annotations

from typing import Any

import pytest

from tests.catalogue import PERMIT_SCHEMA, VALID_DATA, submission
from tests.conftest import GraphQLClient

SUBMIT = """
mutation Submit($input: SubmitDossierInput!) {
  submitDossier(input: $input) {
    dossier { code }
    errors {
      code path reason message messageVi messageEn
      params { limit allowed format pattern patternName types }
    }
  }
}
"""

CREATE_DRAFT = """
mutation Create($input: CreateFormDraftInput!) {
  createFormDraft(input: $input) { form { id } errors { field code message } }
}
"""

REASON_TYPE = """
{ __type(name: "UserError") { fields { name type { kind name } } } }
"""


@pytest.mark.usefixtures("tiny_catalogue")
async def test_a_trailing_newline_fails_the_pattern_with_params_and_messages(
    gql: GraphQLClient,
) -> None:
    plate = "29A-12345\n"  # Python's `$` matched before the newline; ECMA-262's does not
    data = {**VALID_DATA, "hasVehicle": True, "plate": plate, "floors": 9}
    payload = (await gql.data(SUBMIT, {"input": submission(data)}))["submitDossier"]
    assert payload["dossier"] is None
    found = {e["path"]: e for e in payload["errors"]}
    assert found["/plate"] == {
        "code": "VALIDATION_FAILED",
        "path": "/plate",
        "reason": "BAD_PATTERN",
        "message": "must match the pattern /plate",
        "messageVi": "Không đúng mẫu /plate",
        "messageEn": "must match the pattern /plate",
        "params": {
            "limit": None,
            "allowed": None,
            "format": None,
            "pattern": PERMIT_SCHEMA["properties"]["plate"]["pattern"],
            "patternName": "/plate",
            "types": None,
        },
    }
    assert (found["/floors"]["reason"], found["/floors"]["params"]["limit"]) == ("TOO_LARGE", 7)
    assert found["/floors"]["messageVi"] == "Phải nhỏ hơn hoặc bằng 7"
    assert "12345" not in str(payload)
    assert "9" not in found["/floors"]["message"]


async def test_the_error_reason_is_an_enum(gql: GraphQLClient) -> None:
    fields = (await gql.data(REASON_TYPE))["__type"]["fields"]
    types = {f["name"]: f["type"] for f in fields}
    assert types["reason"] == {"kind": "ENUM", "name": "ErrorReason"}
    assert types["params"] == {"kind": "OBJECT", "name": "FieldErrorParams"}


@pytest.mark.parametrize(
    ("field", "said"),
    [
        ({"type": "string", "format": "phone"}, "unknown format 'phone' at /properties/x/format"),
        (
            {"type": "string", "pattern": "^(?P<d>[0-9])$"},
            "not an ECMA-262 regular expression at /properties/x/pattern",
        ),
    ],
)
async def test_a_draft_with_a_format_or_pattern_ajv_cannot_check_is_refused(
    gql: GraphQLClient, field: dict[str, Any], said: str
) -> None:
    schema = {"type": "object", "properties": {"x": field}}
    variables = {"input": {"key": "pets", "title": "Thú cưng", "schema": schema}}
    payload = (await gql.as_role("system_admin").data(CREATE_DRAFT, variables))["createFormDraft"]
    assert payload["form"] is None
    [error] = payload["errors"]
    assert (error["field"], error["code"]) == ("schema", "INVALID_SCHEMA")
    assert said in error["message"]


REPLAYED = """
mutation Submit($input: SubmitDossierInput!, $key: String) {
  submitDossier(input: $input, idempotencyKey: $key) {
    errors { path reason message messageVi params { limit } }
  }
}
"""


@pytest.mark.usefixtures("tiny_catalogue")
async def test_a_replayed_refusal_keeps_its_params_and_vietnamese_message(
    gql: GraphQLClient,
) -> None:
    variables = {"input": submission({**VALID_DATA, "floors": 9}), "key": "form-errors-1"}
    first = (await gql.data(REPLAYED, variables))["submitDossier"]
    again = (await gql.data(REPLAYED, variables))["submitDossier"]
    assert first["errors"] == [
        {
            "path": "/floors",
            "reason": "TOO_LARGE",
            "message": "must be at most 7",
            "messageVi": "Phải nhỏ hơn hoặc bằng 7",
            "params": {"limit": 7},
        }
    ]
    assert again == first
