"""The payment adapter against the shipped simulator over HTTP: what is delivered,
retried, or a dead letter at once, and that a repeated message is one order."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from api.adapters.payment import PaymentAdapter
from simulators import payment
from simulators.serving import Running

SECRET = "adapter-secret"
ORDER: dict[str, Any] = {
    "reference": "000.22.99.H26-260303-0001-TT(1)",
    "dossierCode": "000.22.99.H26-260303-0001",
    "lines": [{"kind": "CHARGE", "label": "Lệ phí", "amount": 50_000}],
    "total": 50_000,
    "currency": "VND",
    "returnPath": "/tra-cuu?ma=000.22.99.H26-260303-0001",
}


async def test_an_order_is_taken_once_per_message_and_its_link_comes_back() -> None:
    with Running(payment.create_app(SECRET), "payment simulator") as url:
        adapter = PaymentAdapter(url, SECRET, 5.0, "https://motcua.example")
        try:
            first = await adapter.send("m-1", "order", ORDER)
            again = await adapter.send("m-1", "order", ORDER)
        finally:
            await adapter.aclose()
    assert first.delivered
    assert first.answer["paymentUrl"] == f"{url}/pay/{ORDER['reference']}"
    assert again.answer == first.answer  # the same order and link


@pytest.mark.parametrize(
    ("secret", "fail", "permanent", "status"),
    [
        ("wrong-secret", 0, True, 401),  # refused: retrying cannot help
        (SECRET, 1, False, 503),  # the platform is down: retried later
    ],
)
async def test_refusals_are_dead_letters_and_outages_are_retried(
    secret: str, fail: int, permanent: bool, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, "api.adapters.payment")
    with Running(payment.create_app(SECRET), "payment simulator") as url:
        adapter = PaymentAdapter(url, secret, 5.0, "https://motcua.example")
        try:
            async with httpx.AsyncClient(base_url=url) as control:
                await control.post("/simulator/faults", json={"failNext": fail})
            sent = await adapter.send("m-2", "order", ORDER)
        finally:
            await adapter.aclose()
    assert (sent.delivered, sent.permanent, sent.http_status) == (False, permanent, status)
    assert f"payment order not delivered: HTTP {status}" in caplog.text
    assert ORDER["reference"] not in caplog.text


async def test_an_unreachable_platform_is_retried() -> None:
    with Running(payment.create_app(SECRET), "payment simulator") as url:
        pass  # stopped: nothing listens there any more
    adapter = PaymentAdapter(url, SECRET, 2.0, "https://motcua.example")
    try:
        sent = await adapter.send("m-3", "cancel", {"reference": ORDER["reference"]})
    finally:
        await adapter.aclose()
    assert (sent.delivered, sent.permanent, sent.error) == (False, False, "unreachable")


async def test_a_kind_the_platform_does_not_know_is_a_dead_letter() -> None:
    adapter = PaymentAdapter("http://127.0.0.1:9", SECRET, 2.0, "https://motcua.example")
    try:
        sent = await adapter.send("m-4", "invoice", ORDER)
    finally:
        await adapter.aclose()
    assert (sent.delivered, sent.permanent) == (False, True)
