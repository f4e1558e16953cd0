"""The subscription row of the authorization matrix: who receives a ward's event."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from typing import Any

from websockets.exceptions import ConnectionClosed

from api.middleware.authentication import issue_token
from api.settings import Settings
from documents.access.api_keys import create_api_key
from documents.access.principals import Operation
from tests.catalogue import TOKEN_PRINCIPALS, WARD, load_tiny_catalogue, submission
from tests.realtime import Subscriber, bearer, serving, subscriber

# Same columns as tests/schema/test_authorization_matrix.py.
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


async def _receives(sub: Subscriber) -> bool:
    try:
        message = await sub.receive(3.0)
    except (TimeoutError, ConnectionClosed):
        return False
    return message["type"] == "next" and "errors" not in message["payload"]


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
        await owner.data(SUBMIT, {"input": submission()})
        received = dict(
            zip(
                subscribers,
                await asyncio.gather(*map(_receives, subscribers.values())),
                strict=True,
            )
        )
    assert received == {who: allowed for who, allowed in expected.items() if who != "anonymous"}
    assert expected["anonymous"] is False
