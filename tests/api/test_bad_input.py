"""Bad input, everywhere typed: malformed bodies, numbers JSON or MongoDB cannot hold,
text over its limit, forged ids. Each is a GraphQL error with `extensions.code`, never a
500 or a plain-text answer, and no error quotes the value it is about."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from graphql import GraphQLArgument, GraphQLInputField

from api.authentication import issue_token
from api.settings import Settings
from schema import build_schema
from schema.core.input_checks import _positions, max_length
from tests.api.conftest import App, codes
from tests.catalogue import APPLICANT, CITY, load_tiny_catalogue, submission
from tests.realtime import DOSSIER_EVENTS, bearer, serving, subscriber

SUBMIT = """mutation($input: SubmitDossierInput!) { submitDossier(input: $input) {
  dossier { code data } errors { field code path reason message } } }"""
REFUSE = """mutation($code: String!, $reason: String!) { refuseDossier(code: $code,
  reason: $reason) { errors { code } } }"""
JSON_BODY = {"content-type": "application/json"}
CSRF = {"x-motcua-csrf": "1"}


def officer(settings: Settings) -> dict[str, str]:
    token = issue_token(settings, "officer:reception", sub="o-1", agency=CITY)
    return {"authorization": f"Bearer {token}"}


def one_error(response: httpx.Response, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json"), response.text
    [error] = response.json()["errors"]
    assert isinstance(error["extensions"]["code"], str), error
    return dict(error)


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b'{"query": "{ __typename }", "variables": {"a": NaN}}', "NaN is not a JSON number"),
        (b'{"query": "{ __typename }", "variables": {"a": -Infinity}}', "not a JSON number"),
        (b'{"query": "{ __typename }", "v": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "deep"),
        (b'{"query": "{ __typename }", "x": "\xff\xfe"}', "UTF-8"),
        (b'{"query": "{ __typename }", "x": "\\ud800"}', "UTF-8"),
        (b"1", "JSON object"),
        (b'"{ __typename }"', "JSON object"),
        (b"null", "JSON object"),
        (b"true", "JSON object"),
        (b'{"query": "{ __typename }"', "Unable to parse"),
    ],
)
async def test_malformed_json_bodies_are_400_graphql_errors(
    prod: App, body: bytes, said: str
) -> None:
    error = one_error(await prod.http.post("/graphql", content=body, headers=JSON_BODY))
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert said in error["message"]


async def test_nan_in_get_variables_is_refused(prod: App) -> None:
    params = {"query": "query($a: Int) { __typename }", "variables": '{"a": NaN}'}
    error = one_error(await prod.http.get("/graphql", params=params))
    assert "NaN" in error["message"]


@pytest.mark.parametrize(
    ("operations", "files_map"),
    [
        ({"query": "{ __typename }"}, ["variables.file"]),  # an array, not an object
        ({"query": "{ __typename }"}, {"0": "variables.file"}),  # a path, not a list
        ({"query": "{ __typename }"}, {"0": [["variables", "file"]]}),
        ({"query": "{ __typename }", "variables": None}, {"0": ["variables.file"]}),
        ({"query": "{ __typename }", "variables": {"a": [1]}}, {"0": ["variables.a.7"]}),
        ({"query": "{ __typename }"}, {"0": ["nowhere.at.all"]}),
        ("a string", {"0": ["variables.file"]}),
        ({"query": "{ __typename }"}, {"missing": ["variables.file"]}),
    ],
)
async def test_malformed_multipart_requests_are_400_graphql_errors(
    prod: App, operations: Any, files_map: Any
) -> None:
    files: dict[str, Any] = {
        "operations": (None, json.dumps(operations)),
        "map": (None, json.dumps(files_map)),
        "0": ("a.txt", b"x"),
    }
    error = one_error(await prod.http.post("/graphql", files=files, headers=CSRF))
    assert error["extensions"]["code"] == "BAD_REQUEST"


async def test_a_multipart_body_that_does_not_parse_is_a_400_graphql_error(prod: App) -> None:
    headers = {**CSRF, "content-type": "multipart/form-data; boundary=xyz"}
    body = b'--xyz\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{}'
    error = one_error(await prod.http.post("/graphql", content=body, headers=headers))
    assert error["extensions"]["code"] == "BAD_REQUEST"


async def test_an_upload_mapped_into_a_json_or_text_argument_is_a_validation_error(
    prod: App, settings: Settings
) -> None:
    await load_tiny_catalogue()
    for path in (
        "variables.input.data",
        "variables.input.data.fullName",
        "variables.input.applicant.fullName",
    ):
        operations = {"query": SUBMIT, "variables": {"input": submission()}}
        files: dict[str, Any] = {
            "operations": (None, json.dumps(operations)),
            "map": (None, json.dumps({"0": [path]})),
            "0": ("a.txt", b"x"),
        }
        headers = {**CSRF, **officer(settings)}
        error = one_error(await prod.http.post("/graphql", files=files, headers=headers), 200)
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED", (path, error)


async def test_a_text_where_an_upload_belongs_is_a_validation_error(
    prod: App, settings: Settings
) -> None:
    query = """mutation($file: Upload!) { uploadAttachment(code: "X", slot: "s", file: $file) {
      errors { code } } }"""
    response = await prod.http.post(
        "/graphql",
        json={"query": query, "variables": {"file": "a file"}},
        headers=officer(settings),
    )
    error = one_error(response, 200)
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "upload" in error["message"]


@pytest.mark.parametrize(
    "data",
    [
        {"fullName": "A", "birthDate": "1990-01-01", "floors": 2**63},
        {"fullName": "A", "birthDate": "1990-01-01", "floors": -(2**63) - 1},
        {"fullName": "A", "birthDate": "1990-01-01", "deep": {"n": 2**70}},
    ],
)
async def test_form_data_integers_beyond_64_bits_are_refused_before_the_database(
    prod: App, settings: Settings, data: dict[str, Any]
) -> None:
    await load_tiny_catalogue()
    body = {"query": SUBMIT, "variables": {"input": submission(data=data)}}
    response = await prod.http.post("/graphql", json=body, headers=officer(settings))
    error = one_error(response, 200)
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "beyond 64 bits" in error["message"]
    assert str(2**63)[:10] not in response.text


@pytest.mark.parametrize(
    "literal", ["99999999999999999999999", "1e999", "-1e999", "{n: 1e400}", "[1, 2e308]"]
)
async def test_json_literals_that_are_not_finite_or_overflow_are_refused(
    prod: App, settings: Settings, literal: str
) -> None:
    await load_tiny_catalogue()
    query = (
        'mutation { submitDossier(input: {procedureCode: "9.000001", receivingAgencyCode: '
        f'"000.22.99.H26", channel: ONLINE, applicant: {{kind: CITIZEN, idNumber: '
        f'"001090012345", fullName: "A"}}, data: {{floors: {literal}}}}}) {{ errors {{ code }} }} }}'
    )
    response = await prod.http.post("/graphql", json={"query": query}, headers=officer(settings))
    error = one_error(response, 200)
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "Infinity" not in response.text


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("{ dossiers(first: 99999999999) { edges { cursor } } }", None),
        ("query($n: Int) { dossiers(first: $n) { edges { cursor } } }", {"n": 2**63 + 5}),
        ("query($n: Int) { dossiers(first: $n) { edges { cursor } } }", {"n": 1.5}),
        ("{ dossiers(first: " + "9" * 5000 + ") { edges { cursor } } }", None),
    ],
)
async def test_graphql_ints_out_of_range_are_typed_validation_errors(
    prod: App, query: str, variables: dict[str, Any] | None
) -> None:
    response = await prod.post({"query": query, "variables": variables})
    error = one_error(response, 200)
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "99999" not in error["message"]


@pytest.mark.parametrize(
    "global_id",
    ["Node:x", "Nope:x", "UserError:x", "DossierError:x", "not base64 at all!", ""],
)
async def test_forged_global_ids_are_invalid_id_errors(prod: App, global_id: str) -> None:
    encoded = base64.b64encode(global_id.encode()).decode() if ":" in global_id else global_id
    for query, variables in (
        (f'{{ node(id: "{encoded}") {{ id }} }}', None),
        ("query($id: ID!) { node(id: $id) { id } }", {"id": encoded}),
        ("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ["QWdlbmN5Ong=", encoded]}),
    ):
        error = one_error(await prod.post({"query": query, "variables": variables}), 200)
        assert error["extensions"]["code"] == "INVALID_ID", (query, error)
        assert encoded not in error["message"] or not encoded


async def test_text_over_its_limit_is_refused_whether_literal_or_variable(
    prod: App, settings: Settings
) -> None:
    headers = officer(settings)
    long_reason = "x" * 2001
    for body in (
        {"query": REFUSE, "variables": {"code": "X", "reason": long_reason}},
        {
            "query": f'mutation {{ refuseDossier(code: "X", reason: "{long_reason}") {{ errors {{ code }} }} }}'
        },
        {"query": REFUSE, "variables": {"code": "X" * 201, "reason": "ok"}},
        {
            "query": SUBMIT,
            "variables": {"input": submission(applicant={**APPLICANT, "fullName": "A" * 201})},
        },
        {
            "query": "query($f: DossierFilterInput) { dossiers(filter: $f) { edges { cursor } } }",
            "variables": {"f": {"applicantId": "1" * 201}},
        },
        {  # a variable's default
            "query": f'mutation($r: String! = "{long_reason}") {{ refuseDossier(code: "X", '
            "reason: $r) { errors { code } } }"
        },
        {
            "query": "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            "variables": {"ids": ["x" * 201]},
        },
    ):
        response = await prod.http.post("/graphql", json=body, headers=headers)
        error = one_error(response, 200)
        assert error["extensions"]["code"] == "TEXT_TOO_LONG", error
        assert error["extensions"]["maxLength"] in (200, 2000)
        assert "xxxx" not in error["message"]
        assert "AAAA" not in error["message"]
    # At the limit is fine: the refusal then comes from the resolver (no such dossier).
    ok = await prod.http.post(
        "/graphql",
        json={"query": REFUSE, "variables": {"code": "X", "reason": "x" * 2000}},
        headers=headers,
    )
    assert "TEXT_TOO_LONG" not in ok.text


def test_every_text_argument_and_input_field_states_its_limit() -> None:
    schema = build_schema()._schema
    positions: list[GraphQLArgument | GraphQLInputField] = list(_positions(schema))
    texts = [p for p in positions if max_length(p) is not None]
    assert len(texts) > 100
    for position in texts:
        assert "characters." in (position.description or ""), position
    sdl = build_schema().as_str()
    free_text = sdl[
        sdl.index("refuseDossier(") : sdl.index("): DossierPayload", sdl.index("refuseDossier("))
    ]
    assert "At most 2,000 characters." in free_text


async def test_errors_about_variables_name_the_place_and_type_never_the_value(
    prod: App, settings: Settings
) -> None:
    secret = "0987654321"
    cases = [
        ({**APPLICANT, "kind": secret}, "$input.applicant.kind", "ApplicantKind!"),
        ({**APPLICANT, "phone": int(secret)}, "$input.applicant.phone", "String"),
        ({**APPLICANT, "fullName": [secret]}, "$input.applicant.fullName", "String!"),
        ({**APPLICANT, "nickname": secret}, "$input.applicant", "ApplicantInput"),
    ]
    for applicant, place, expected in cases:
        body = {"query": SUBMIT, "variables": {"input": submission(applicant=applicant)}}
        response = await prod.http.post("/graphql", json=body, headers=officer(settings))
        error = one_error(response, 200)
        assert secret not in response.text
        assert secret.lstrip("0") not in response.text
        assert error["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED", "at": place}
        assert f"Variable '$input' has an invalid value at '{place}'" in error["message"]
        assert expected in error["message"]
    missing = {k: v for k, v in APPLICANT.items() if k != "fullName"}
    body = {"query": SUBMIT, "variables": {"input": submission(applicant=missing)}}
    error = one_error(await prod.http.post("/graphql", json=body, headers=officer(settings)), 200)
    assert "the required field 'fullName' of ApplicantInput is missing" in error["message"]


PARSE, INVALID = "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ dossier(code: 987654321) { code } }", INVALID),
        ("{ dossiers(filter: {applicantId: 987654321}) { edges { cursor } } }", INVALID),
        ('{ dossiers(filter: {overdue: "987654321"}) { edges { cursor } } }', INVALID),
        ('{ statistics(from: "987654321-01-01", to: "2025-01-01") { received } }', INVALID),
        ('{ dossier(code: "987654321" "Nguyễn Văn An") { code } }', PARSE),
        ("{ dossier(code: 987654321.5e) { code } }", PARSE),
        ('{ dossier(code: "987654321\\u12") { code } }', PARSE),
        ("query($a: String = 987654321) { dossier(code: $a) { code } }", INVALID),
    ],
)
async def test_errors_about_literals_and_syntax_never_quote_the_value(
    prod: App, query: str, code: str
) -> None:
    body = (await prod.post({"query": query})).json()
    assert body["errors"], body
    for error in body["errors"]:
        assert "987654321" not in error["message"], error
        assert "Nguyễn" not in error["message"], error
        assert isinstance(error["extensions"]["code"], str)
    assert codes(body)[0] == code


async def test_over_the_websocket_errors_about_input_are_coded_and_never_quote_it(
    settings: Settings,
) -> None:
    secret = "0987654321"
    async with serving(settings.model_copy(update={"background_services": True})) as served:
        token = issue_token(settings, "officer:reception", sub="o-1", agency=CITY)
        async with subscriber(served.ws_url, bearer(token)) as client:
            for op, variables, query in (
                ("1", {"filter": {"dossierCode": int(secret)}}, DOSSIER_EVENTS),
                ("2", {"filter": {"dossierCode": "x" * 201}}, DOSSIER_EVENTS),
                ("3", None, f"subscription {{ dossierEvents(after: {secret}) {{ eventId }} }}"),
                ("4", {"code": secret}, "query($code: Int) { dossier(code: $code) { code } }"),
            ):
                await client.subscribe(variables, op=op, query=query)
                message = await client.receive()
                assert message["type"] == "error", message
                assert message["id"] == op
                for error in message["payload"]:
                    assert isinstance(error["extensions"]["code"], str), error
                assert secret not in json.dumps(message), message
