"""SMS and Zalo notifications through the gateway adapter to the shipped gateway
simulator, a real HTTP server on loopback (docs/integrations.md, "Notifications"): a
gateway that fails in the middle, idempotency by the message's id, refusals."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from api.adapters.texts import TextGatewayAdapter
from api.settings import Settings
from api.workers.outbox import OutboxWorker
from documents.common.deliveries import DeliveryStatus
from documents.outbox.messages import Destination, OutboxMessage
from simulators import sms_gateway
from simulators.serving import Running
from tests.catalogue import APPLICANT, load_tiny_catalogue, submission
from tests.conftest import GraphQLClient, running_app
from tests.schema.workflow.workflow_helpers import REFUSE, SUBMIT, act

TOKEN = "gateway-test-token"
PUBLIC_URL = "https://motcua.hanoi.example"
TEXTS = (Destination.SMS, Destination.ZALO)


@pytest.fixture
def gateway_url() -> Iterator[str]:
    with Running(sms_gateway.create_app(TOKEN), "sms gateway simulator") as url:
        yield url


@pytest.fixture
async def notified(
    settings: Settings, gateway_url: str
) -> AsyncIterator[tuple[Starlette, GraphQLClient, OutboxWorker]]:
    own = settings.model_copy(
        update={
            "sms_gateway_url": gateway_url,
            "sms_gateway_token": TOKEN,
            "public_url": PUBLIC_URL,
            "outbox_backoff_seconds": 0.02,
            "outbox_max_backoff_seconds": 0.1,
            # The dossiers live in March 2026 (fixed_time), and so do their messages.
            "outbox_retry_hours": 24 * 365 * 10,
            "background_services": False,
        }
    )
    async for app, http in running_app(own):
        await load_tiny_catalogue()
        worker = OutboxWorker(own, app.state.adapters.ports)
        yield app, GraphQLClient(http, own), worker


async def drain(worker: OutboxWorker) -> None:
    for _ in range(200):
        await worker.run_once()
        pending = await OutboxMessage.find(
            {"destination": {"$in": [d.value for d in TEXTS]}, "status": "PENDING"}
        ).count()
        if pending == 0:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("texts still pending")


async def received(url: str, token: str | None = TOKEN) -> list[dict[str, Any]]:
    headers = {} if token is None else {"authorization": f"Bearer {token}"}
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{url}/messages", headers=headers)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["messages"]
    return found


async def fail_next(url: str, count: int) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{url}/simulator/faults", json={"failNext": count})
    assert response.status_code == 200


async def texts(code: str) -> list[OutboxMessage]:
    return (
        await OutboxMessage.find({"key": code, "destination": {"$in": [d.value for d in TEXTS]}})
        .sort("+sequence", "+destination")
        .to_list()
    )


async def test_sms_and_zalo_reach_the_gateway_in_order_though_it_fails_in_the_middle(
    notified: tuple[Starlette, GraphQLClient, OutboxWorker], gateway_url: str
) -> None:
    _, gql, worker = notified
    chosen = {**APPLICANT, "notifyBy": ["SMS", "ZALO"]}
    submitted = await act(gql, "2026-03-03 09:00", SUBMIT, input=submission(applicant=chosen))
    code = submitted["dossier"]["code"]
    await fail_next(gateway_url, 3)  # the gateway is down for the next three sends
    refused = await act(gql, "2026-03-03 09:10", REFUSE, code=code, reason="Sai thủ tục")
    assert refused["errors"] == []
    await drain(worker)

    sent = await texts(code)
    assert [(m.destination, m.payload["template"]) for m in sent] == [
        (Destination.SMS, "received"),
        (Destination.ZALO, "received"),
        (Destination.SMS, "refused"),
        (Destination.ZALO, "refused"),
    ]
    assert all(m.status is DeliveryStatus.DELIVERED for m in sent)
    assert sum(len(m.attempts) for m in sent) == len(sent) + 3
    assert {a.http_status for m in sent for a in m.attempts if a.error} == {503}
    assert all(m.answer and m.answer["gatewayId"].startswith("msg-") for m in sent)
    got = await received(gateway_url)
    # Once each, in order per channel, to the applicant's phone, keyed by the message.
    assert [(g["channel"], g["key"]) for g in got if g["channel"] == "SMS"] == [
        ("SMS", str(m.id)) for m in sent if m.destination is Destination.SMS
    ]
    assert len(got) == 4
    assert {g["to"] for g in got} == {APPLICANT["phone"]}
    first_sms = next(g["text"] for g in got if g["channel"] == "SMS")
    assert first_sms == (
        f"Hồ sơ {code} đã được tiếp nhận ngày 03/03/2026, hẹn trả kết quả ngày 06/03/2026. "
        f"Tra cứu: {PUBLIC_URL}/tra-cuu?ma={code}"
    )
    assert APPLICANT["fullName"] not in "".join(g["text"] for g in got)


async def test_a_repeat_changes_nothing_at_the_gateway_and_a_bad_number_is_a_dead_letter(
    gateway_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    adapter = TextGatewayAdapter(gateway_url, TOKEN, 2.0)
    try:
        first = await adapter.send_text("m-1", "SMS", "0912345678", "Xin chào")
        again = await adapter.send_text("m-1", "SMS", "0912345678", "Xin chào")  # answer lost
        refused = await adapter.send_text("m-2", "SMS", "không phải số", "Xin chào")
    finally:
        await adapter.aclose()
    wrong_token = TextGatewayAdapter(gateway_url, "not-the-token", 2.0)
    try:
        unauthorised = await wrong_token.send_text("m-3", "SMS", "0912345678", "Xin chào")
    finally:
        await wrong_token.aclose()
    assert (first.delivered, first.http_status) == (True, 201)
    assert (again.delivered, again.http_status, again.answer) == (True, 200, first.answer)
    assert (refused.delivered, refused.http_status, refused.permanent) == (False, 400, True)
    # Our token, not the message: retried until an operator fixes the setting.
    assert (unauthorised.delivered, unauthorised.http_status) == (False, 401)
    assert not unauthorised.permanent
    assert [g["key"] for g in await received(gateway_url)] == ["m-1"]
    async with httpx.AsyncClient() as client:  # what it received is not for anyone
        assert (await client.get(f"{gateway_url}/messages")).status_code == 401
    assert "0912345678" not in caplog.text
    assert "Xin chào" not in caplog.text


async def test_an_unreachable_gateway_is_retried_and_never_raises(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    with Running(sms_gateway.create_app(), "gone") as url:
        pass  # started and stopped: nothing listens there now
    adapter = TextGatewayAdapter(url, None, 1.0)
    try:
        sent = await adapter.send_text("m-1", "ZALO", "0912345678", "Xin chào")
    finally:
        await adapter.aclose()
    assert (sent.delivered, sent.permanent, sent.error) == (False, False, "unreachable")
    assert "ZALO text not delivered: ConnectError" in caplog.text
