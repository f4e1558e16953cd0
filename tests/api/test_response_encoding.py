"""GraphQL answers are compact UTF-8 JSON (orjson), and what orjson refuses still encodes."""

from __future__ import annotations

import json

import pytest

from api.http.encoding import encode_response
from tests.catalogue import CITY
from tests.conftest import GraphQLClient

AGENCY = """query($code: String!) { agency(code: $code) { name } }"""


@pytest.mark.usefixtures("tiny_catalogue")
async def test_an_answer_carries_vietnamese_text_as_utf8_not_escapes(admin: GraphQLClient) -> None:
    response = await admin.http.post(
        "/graphql",
        json={"query": AGENCY, "variables": {"code": CITY}},
        headers={"authorization": f"Bearer {admin.token}"},
    )
    assert response.json()["data"] == {"agency": {"name": "UBND Thành phố Hà Nội"}}
    assert "UBND Thành phố Hà Nội".encode() in response.content  # 3 bytes for "ố", not 6
    assert b"\\u" not in response.content


def test_an_answer_with_a_huge_integer_or_a_number_as_a_key_still_encodes() -> None:
    # Both can sit in free-form form data; orjson refuses them, the standard library not.
    answer = {"data": {"dossier": {"data": {"count": 2**70, "table": {1: "x"}}}}}
    assert json.loads(encode_response(answer)) == {
        "data": {"dossier": {"data": {"count": 2**70, "table": {"1": "x"}}}}
    }
