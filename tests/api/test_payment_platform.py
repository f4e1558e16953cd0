"""The payment platform end to end, over HTTP (issue 16's "Done when"): motcua served by
uvicorn on loopback, the shipped simulator (simulators/payment.py) as the platform, the
outbox worker between them, and a failure in the middle."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn

from api.app import create_app
from api.settings import Settings
from api.workers.outbox import OutboxWorker
from documents.common.clock import utcnow
from documents.common.deliveries import DeliveryStatus
from documents.dossiers.events import DossierEvent, EventType
from documents.outbox.messages import Destination, OutboxMessage
from simulators import payment
from simulators.serving import Running
from tests.catalogue import APPLICANT_ID, load_tiny_catalogue
from tests.conftest import GraphQLClient
from tests.payments import (
    CANCEL,
    PERSONAL,
    REFUND,
    SECRET,
    TOTAL,
    WITHDRAW,
    charge_with_lines,
    dossier,
    owing_dossier,
    request_payment,
)


@dataclass
class Loop:
    gql: GraphQLClient
    platform: httpx.AsyncClient
    worker: OutboxWorker


@asynccontextmanager
async def payment_loop(settings: Settings) -> AsyncIterator[Loop]:
    """The simulator, calling back a motcua served on a socket bound first (so the
    simulator knows where to call), and a worker to drive the outbox by hand."""
    bound = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    bound.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    bound.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{bound.getsockname()[1]}"
    simulator = payment.create_app(SECRET, f"{base}/integrations/payment/callback")
    try:
        with Running(simulator, "payment simulator") as platform_url:
            served = settings.model_copy(
                update={
                    "payment_url": platform_url,
                    "payment_secret": SECRET,
                    "background_services": False,  # the test drives the worker
                }
            )
            app = create_app(served)
            server = uvicorn.Server(
                uvicorn.Config(app, log_config=None, access_log=False, lifespan="on")
            )
            task = asyncio.create_task(server.serve(sockets=[bound]))
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.01)
            try:
                async with (
                    httpx.AsyncClient(base_url=base, timeout=30) as http,
                    httpx.AsyncClient(base_url=platform_url, timeout=30) as platform,
                ):
                    await load_tiny_catalogue()
                    await charge_with_lines()
                    worker = OutboxWorker(served, app.state.adapters.ports)
                    gql = GraphQLClient(http, served).as_role("officer:reception")
                    yield Loop(gql, platform, worker)
            finally:
                server.should_exit = True
                await task
    finally:
        bound.close()


async def _deliver(worker: OutboxWorker) -> None:
    """One round of the worker once the backoff has passed (the waiting messages made
    due now, rather than waiting out seconds of backoff)."""
    await OutboxMessage.get_pymongo_collection().update_many(
        {"status": DeliveryStatus.PENDING.value}, {"$set": {"next_attempt_at": utcnow()}}
    )
    await worker.run_once()


async def _payment_messages() -> list[OutboxMessage]:
    found = OutboxMessage.find(OutboxMessage.destination == Destination.PAYMENT)
    return await found.sort("+sequence").to_list()


async def test_a_payment_callback_settles_a_dossier_once_though_it_is_sent_three_times(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with payment_loop(settings) as loop:
        code = await owing_dossier(loop.gql)
        reference = f"{code}-TT(1)"
        # The platform is down when the order is first sent.
        await loop.platform.post("/simulator/faults", json={"failNext": 1})
        await request_payment(loop.gql, code)
        await loop.worker.run_once()
        [message] = await _payment_messages()
        assert (message.status, len(message.attempts)) == (DeliveryStatus.PENDING, 1)
        assert message.attempts[0].http_status == 503
        [order] = (await dossier(loop.gql, code))["paymentOrders"]
        assert (order["status"], order["paymentUrl"]) == ("PENDING", None)  # no link yet

        # It recovers: the retry delivers the order, and the link arrives.
        await _deliver(loop.worker)
        [message] = await _payment_messages()
        assert message.status is DeliveryStatus.DELIVERED
        [order] = (await dossier(loop.gql, code))["paymentOrders"]
        link = order["paymentUrl"]
        assert link == str(loop.platform.base_url).rstrip("/") + f"/pay/{reference}"
        assert message.answer is not None
        assert message.answer["paymentUrl"] == link
        page = await loop.platform.get(link)
        assert page.status_code == 200
        assert reference in page.text
        assert "150000 VND" in page.text
        taken = (await loop.platform.get(f"/orders/{reference}")).json()
        assert (taken["total"], taken["status"]) == (TOTAL, "PENDING")
        assert [line["amount"] for line in taken["lines"]] == [100_000, 50_000]

        # The applicant pays; the platform calls back three times (it retries).
        paid = (await loop.platform.post(f"/simulator/pay/{reference}", json={"times": 3})).json()
        assert paid["answers"] == [200, 200, 200]
        seen = await dossier(loop.gql, code)
        assert seen["paymentStatus"] == "PAID"
        assert seen["payments"] == [
            {"amount": TOTAL, "method": "E_PAYMENT", "reference": reference}
        ]
        [order] = seen["paymentOrders"]
        assert (order["status"], order["platformTransaction"]) == ("PAID", paid["transaction"])
        recorded = await DossierEvent.find(
            DossierEvent.dossier_code == code, DossierEvent.type == EventType.PAYMENT_RECORDED
        ).count()
        assert recorded == 1
        # What left, and what was logged, names no one.
        assert not [value for value in PERSONAL if value in str(message.payload)]
    assert "payment order not delivered: HTTP 503" in caplog.text
    assert not [value for value in PERSONAL if value in caplog.text]


async def _order(loop: Loop, reference: str) -> dict[str, Any]:
    shown: dict[str, Any] = (await loop.platform.get(f"/orders/{reference}")).json()
    return shown


async def test_cancellation_and_refund_reach_the_platform_in_order(settings: Settings) -> None:
    async with payment_loop(settings) as loop:
        code = await owing_dossier(loop.gql)
        await request_payment(loop.gql, code)
        first = f"{code}-TT(1)"
        # Down while the order and its cancellation wait: they go in order once it is back.
        await loop.platform.post("/simulator/faults", json={"failNext": 1})
        await loop.worker.run_once()
        cancelled = await loop.gql.data(CANCEL, {"reference": first, "reason": "Đổi cách nộp"})
        assert cancelled["cancelPaymentOrder"]["errors"] == []
        await _deliver(loop.worker)
        assert [m.status for m in await _payment_messages()] == [DeliveryStatus.DELIVERED] * 2
        assert (await _order(loop, first))["status"] == "CANCELLED"
        refused = await loop.platform.post(f"/simulator/pay/{first}", json={"times": 1})
        assert refused.status_code == 409  # a cancelled link takes no money

        await request_payment(loop.gql, code)
        second = f"{code}-TT(2)"
        await _deliver(loop.worker)
        await loop.platform.post(f"/simulator/pay/{second}", json={"times": 1})
        applicant = loop.gql.as_role("applicant", id_number=APPLICANT_ID)
        await applicant.data(WITHDRAW, {"code": code, "reason": "Không cần nữa"})
        refunded = await loop.gql.data(REFUND, {"reference": second, "reason": "Rút hồ sơ"})
        assert refunded["refundPayment"]["errors"] == []
        await _deliver(loop.worker)
        shown = await _order(loop, second)
        assert shown["status"] == "REFUNDED"
        assert shown["refunds"] == [{"amount": TOTAL, "reason": "Rút hồ sơ"}]
        kinds = [(m.kind, m.key, m.status) for m in await _payment_messages()]
        delivered = DeliveryStatus.DELIVERED
        assert kinds == [
            ("order", first, delivered),
            ("cancel", first, delivered),
            ("order", second, delivered),
            ("refund", second, delivered),
        ]
