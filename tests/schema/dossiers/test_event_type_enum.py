"""`DossierEvent.type` is the `EventType` enum, with the same values on the wire as the
strings it was."""

from __future__ import annotations

import pytest

from documents.dossiers.events import EventType
from tests.conftest import GraphQLClient
from tests.schema.dossiers.test_list_dossiers import _make

INTROSPECT = """
{
  event: __type(name: "DossierEvent") {
    fields { name type { kind ofType { kind name } } }
  }
  values: __type(name: "EventType") { enumValues { name } }
}
"""

TIMELINE = """
query Timeline($code: String!) {
  dossier(code: $code) { timeline { edges { node { type } } } }
}
"""


async def test_dossier_event_type_is_the_event_type_enum(gql: GraphQLClient) -> None:
    found = await gql.data(INTROSPECT)
    [field] = [f for f in found["event"]["fields"] if f["name"] == "type"]
    assert field["type"] == {"kind": "NON_NULL", "ofType": {"kind": "ENUM", "name": "EventType"}}
    assert {v["name"] for v in found["values"]["enumValues"]} == {e.value for e in EventType}


@pytest.mark.usefixtures("tiny_catalogue")
async def test_dossier_event_type_values_are_unchanged_on_the_wire(gql: GraphQLClient) -> None:
    [code] = await _make(1)
    found = await gql.data(TIMELINE, {"code": code})
    types = [edge["node"]["type"] for edge in found["dossier"]["timeline"]["edges"]]
    assert types == ["RECEIVED"]
