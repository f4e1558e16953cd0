"""The subscription row of the authorization matrix: who receives a ward's event.

It runs over real WebSockets, since the rule is applied per event as it is sent: the
connection must be allowed to subscribe (`Access.can_subscribe`) and each event's
dossier must be visible to it (`Access.can_view`). The other rows are in
tests/authorization.py, with the same principals; here the integrator's key may
subscribe.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from typing import Any

from websockets.exceptions import ConnectionClosed

from api.authentication import issue_token
from api.settings import Settings
from documents.access.api_keys import create_api_key
from documents.access.principals import Operation
from tests.catalogue import (
    APPLICANT,
    OTHER_WARD,
    TOKEN_PRINCIPALS,
    WARD,
    load_tiny_catalogue,
    submission,
)
from tests.realtime import Subscriber, bearer, serving, subscriber

# Same columns as tests/authorization.py's MATRIX.
ROW = "dossierEvents  an -  ow A  st -  re A  sp A  le A  ou -  aa A  sa A  in A  i0 -"
COLUMNS = {
    "an": "anonymous", "ow": "owner", "st": "stranger", "re": "reception", "sp": "specialist",
    "le": "leader", "ou": "outsider", "aa": "agency_admin", "sa": "system_admin",
    "in": "integrator", "i0": "integrator_none",
}  # fmt: skip
SUBMIT = "mutation($input: SubmitDossierInput!) { submitDossier(input: $input) { dossier { code } errors { code } } }"


def _expected() -> dict[str, bool]:
    _, *cells = ROW.split()
    return {COLUMNS[cells[i]]: cells[i + 1] == "A" for i in range(0, len(cells), 2)}


async def _payload(settings: Settings, who: str) -> dict[str, Any]:
    if who == "anonymous":
        return {}
    if who.startswith("integrator"):
        operations = [Operation.SUBSCRIBE, Operation.READ_DOSSIERS] if who == "integrator" else []
        _, secret = await create_api_key(who, operations, agencies=[WARD])
        return {"X-Api-Key": secret}
    role, agency, id_number = TOKEN_PRINCIPALS[who]
    return bearer(issue_token(settings, role, sub=who, agency=agency, id_number=id_number))


async def _first_code(sub: Subscriber) -> str | None:
    """The dossier of the first event the subscriber gets; None when it is refused."""
    try:
        message = await sub.receive(10.0)
    except ConnectionClosed:
        return None
    if message["type"] != "next" or "errors" in message["payload"]:
        return None
    code: str = message["payload"]["data"]["dossierEvents"]["dossierCode"]
    return code


async def test_authorization_matrix_for_subscriptions(settings: Settings) -> None:
    expected = _expected()
    async with serving(settings) as served, AsyncExitStack() as stack:
        await load_tiny_catalogue()
        subscribers: dict[str, Subscriber] = {}
        for who in expected:
            if who == "anonymous":
                continue  # refused at connection_init: see test_subscriptions.py
            sub = await stack.enter_async_context(
                subscriber(served.ws_url, await _payload(settings, who))
            )
            await sub.subscribe()
            subscribers[who] = sub
        await served.registered(
            len([w for w, sub in subscribers.items() if w != "integrator_none"])
        )
        owner = served.client(settings).as_role("applicant")
        ward = await owner.data(SUBMIT, {"input": submission()})
        # Then a dossier for each subscriber that must not see the ward's: events reach a
        # subscriber in order, so its first one tells, with no waiting for nothing.
        stranger_id = TOKEN_PRINCIPALS["stranger"][2]
        stranger = served.client(settings).as_role("applicant", id_number=stranger_id)
        own = submission(applicant={**APPLICANT, "idNumber": stranger_id})
        await stranger.data(SUBMIT, {"input": own})
        outsider = served.client(settings).as_role("officer:reception", agency=OTHER_WARD)
        await outsider.data(SUBMIT, {"input": submission(receivingAgencyCode=OTHER_WARD)})
        firsts = await asyncio.gather(*map(_first_code, subscribers.values()))
    code = ward["submitDossier"]["dossier"]["code"]
    received = {who: first == code for who, first in zip(subscribers, firsts, strict=True)}
    assert received == {who: allowed for who, allowed in expected.items() if who != "anonymous"}
    assert expected["anonymous"] is False
    refused = {who for who, first in zip(subscribers, firsts, strict=True) if first is None}
    assert refused == {"integrator_none"}  # the others saw a later dossier of theirs
