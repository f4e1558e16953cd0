"""`dossierEvents(after:)`: a position, the event's global id (`eventId`), or the raw
event ObjectId earlier releases sent; anything else is a typed BAD_USER_INPUT."""

from __future__ import annotations

from typing import Any

import pytest
from strawberry.relay import GlobalID

from api.authentication import issue_token
from api.settings import Settings
from tests.catalogue import WARD, load_tiny_catalogue, submission
from tests.realtime import Served, bearer, serving, subscriber
from tests.schema.workflow.workflow_helpers import SUBMIT


def credentials(settings: Settings) -> dict[str, Any]:
    return bearer(issue_token(settings, "officer:reception", sub="reception", agency=WARD))


async def submit(served: Served, settings: Settings) -> None:
    officer = served.client(settings).as_role("officer:reception", agency=WARD)
    await officer.data(SUBMIT, {"input": submission(receivingAgencyCode=WARD)})


async def test_after_takes_the_event_id_of_an_event(
    settings: Settings,
) -> None:
    async with serving(settings) as served:
        await load_tiny_catalogue()
        for _ in range(3):
            await submit(served, settings)
        async with subscriber(served.ws_url, credentials(settings)) as sub:
            await sub.subscribe({"after": "1"})
            second, third = await sub.next_event(), await sub.next_event()
        async with subscriber(served.ws_url, credentials(settings)) as sub:
            await sub.subscribe({"after": second["eventId"]})
            again = await sub.next_event()
    assert (second["position"], third["position"]) == ("2", "3")
    assert again["eventId"] == third["eventId"]


TIMELINE = """
query Timeline($code: String!) {
  dossier(code: $code) { timeline(first: 10) { edges { node { id type } } } }
}
"""


async def test_event_id_is_the_dossier_events_global_id_and_the_raw_form_still_resumes(
    settings: Settings,
) -> None:
    async with serving(settings) as served:
        await load_tiny_catalogue()
        for _ in range(3):
            await submit(served, settings)
        async with subscriber(served.ws_url, credentials(settings)) as sub:
            await sub.subscribe({"after": "1"})
            second, third = await sub.next_event(), await sub.next_event()
        officer = served.client(settings).as_role("officer:reception", agency=WARD)
        shown = await officer.data(TIMELINE, {"code": second["dossierCode"]})
        raw = GlobalID.from_id(second["eventId"]).node_id  # the form of earlier releases
        async with subscriber(served.ws_url, credentials(settings)) as sub:
            await sub.subscribe({"after": raw})
            again = await sub.next_event()
    [node] = [edge["node"] for edge in shown["dossier"]["timeline"]["edges"]]
    assert node == {"id": second["eventId"], "type": "RECEIVED"}
    assert len(raw) == 24
    assert again["eventId"] == third["eventId"]


@pytest.mark.parametrize(
    "after",
    [
        "soon",
        "-1",
        "1.5",
        "0x10",
        "1" * 19,
        "ffffffffffffffffffffffff",
        "99",
        str(GlobalID("Dossier", "ffffffffffffffffffffffff")),
        str(GlobalID("DossierEvent", "ffffffffffffffffffffffff")),
    ],
    ids=[
        "word",
        "negative",
        "fraction",
        "hex",
        "too-long",
        "unknown-id",
        "past-the-end",
        "other-type",
        "unknown-global-id",
    ],
)
async def test_a_bad_after_is_a_typed_user_error(settings: Settings, after: str) -> None:
    async with serving(settings) as served:
        await load_tiny_catalogue()
        await submit(served, settings)
        async with subscriber(served.ws_url, credentials(settings)) as sub:
            await sub.subscribe({"after": after})
            refused = await sub.receive()
            end = await sub.receive() if refused["type"] == "next" else None
    errors = refused["payload"]["errors"] if refused["type"] == "next" else refused["payload"]
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert after not in errors[0]["message"]  # the input is not quoted back
    assert end in (None, {"id": "1", "type": "complete"})
