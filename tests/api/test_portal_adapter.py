"""The portal adapter against the shipped portal simulator over HTTP: signatures, the
idempotency key, older updates kept but not applied, and which failures are retried."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.adapters.portal import PortalAdapter
from simulators import portal
from simulators.serving import Running

SECRET = "adapter-test-secret"


@pytest.fixture
def portal_url() -> Iterator[str]:
    with Running(portal.create_app(SECRET), "portal simulator") as url:
        yield url


def update(sequence: int, status_code: int) -> dict[str, Any]:
    return {
        "dossier_code": "000.22.99.H26-260303-0001",
        "procedure_code": "9.000001",
        "handling_agency_code": "000.22.99.H26",
        "receiving_agency_code": "000.22.99.H26",
        "status_code": status_code,
        "channel_code": 2,
        "fee_due": 0,
        "fee_paid": 0,
        "payment_status": "WAIVED",
        "results": [],
        "sequence": sequence,
        "event": "TEST",
    }


async def held(url: str) -> dict[str, Any]:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{url}/dossiers/000.22.99.H26-260303-0001")
        found: dict[str, Any] = response.json()
        return found


async def test_a_repeated_key_changes_nothing_and_an_older_update_is_logged_not_applied(
    portal_url: str,
) -> None:
    adapter = PortalAdapter(portal_url, SECRET, 2.0)
    try:
        first = await adapter.publish("m5", update(5, 4))
        again = await adapter.publish("m5", update(5, 4))
        older = await adapter.publish("m3", update(3, 1))
        resent = await adapter.publish("m5-resync", update(5, 4))
    finally:
        await adapter.aclose()

    assert all(s.delivered for s in (first, again, older, resent))
    view = await held(portal_url)
    assert [(h["key"], h["applied"]) for h in view["history"]] == [
        ("m5", True),
        ("m3", False),
        ("m5-resync", True),
    ]
    assert (view["current"]["sequence"], view["current"]["statusCode"]) == (5, 4)
    assert view["current"]["fees"] == {"due": 0, "paid": 0, "paymentStatus": "WAIVED"}


async def test_a_wrong_secret_is_refused_for_good_and_a_down_portal_is_retried(
    portal_url: str,
) -> None:
    wrong = PortalAdapter(portal_url, "not-the-secret", 2.0)
    try:
        refused = await wrong.publish("m1", update(1, 1))
    finally:
        await wrong.aclose()
    with Running(portal.create_app(SECRET)) as stopped_url:
        pass  # stopped: nothing listens there any more
    down = PortalAdapter(stopped_url, SECRET, 2.0)
    try:
        unreachable = await down.publish("m1", update(1, 1))
    finally:
        await down.aclose()

    assert (refused.delivered, refused.http_status, refused.permanent) == (False, 401, True)
    assert (unreachable.delivered, unreachable.permanent) == (False, False)
    assert unreachable.error == "unreachable"
    async with httpx.AsyncClient() as client:
        missing = await client.get(f"{portal_url}/dossiers/000.22.99.H26-260303-0001")
    assert missing.status_code == 404


async def test_a_throttled_portal_is_retried_and_a_malformed_update_is_not(
    portal_url: str,
) -> None:
    adapter = PortalAdapter(portal_url, SECRET, 2.0)
    try:
        async with httpx.AsyncClient() as client:
            await client.post(f"{portal_url}/simulator/faults", json={"failNext": 1, "status": 429})
        throttled = await adapter.publish("m1", update(1, 1))
        malformed = await adapter.publish("m2", {**update(2, 1), "status_code": 11})
    finally:
        await adapter.aclose()

    assert (throttled.http_status, throttled.permanent) == (429, False)
    assert (malformed.http_status, malformed.permanent) == (400, True)
