"""A simulator of the national payment platform: takes payment orders, shows a payment
page, and calls motcua back, signed, when an order is paid.

The protocol is motcua's own (the national interface could not be checked), as
api/adapters/payment.py speaks it: `POST /orders` answers `{"paymentUrl",
"platformOrderId"}` (the same again for a repeated Idempotency-Key or reference),
`POST /orders/{ref}/cancel` and `POST /orders/{ref}/refunds`. Requests are checked
against the shared secret (`X-Motcua-Signature`, HMAC-SHA256 of "{timestamp}.{body}")
when one is given. Paying (`POST /pay/{ref}`, or `POST /simulator/pay/{ref}` with
`{"times": n}` to repeat the callback as a retrying platform would) sends motcua
`{reference, transaction, amount, paidAt, status}` signed the same way. `POST
/simulator/faults` `{"failNext": n}` makes the next n requests answer 503; `GET
/orders/{ref}` shows an order. Nothing is logged."""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

_TOLERANCE = 300


def _signature(secret: str, stamp: int, body: bytes) -> str:
    signed = f"{stamp}.".encode() + body
    return "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


@dataclass
class Order:
    reference: str
    total: int
    body: dict[str, Any]
    platform_id: str = field(default_factory=lambda: "PAY-" + secrets.token_hex(6))
    status: str = "PENDING"
    transaction: str | None = None
    refunds: list[dict[str, Any]] = field(default_factory=list)

    def shown(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "platformOrderId": self.platform_id,
            "total": self.total,
            "status": self.status,
            "transaction": self.transaction,
            "refunds": self.refunds,
            "lines": self.body.get("lines", []),
        }


@dataclass
class Platform:
    secret: str | None
    callback_url: str | None
    orders: dict[str, Order] = field(default_factory=dict)
    answered: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    fail_next: int = 0
    requests: int = 0  # every request to /orders…, failed ones included

    def signed(self, request: Request, body: bytes) -> bool:
        if self.secret is None:
            return True
        stamp = request.headers.get("x-motcua-timestamp", "")
        if not stamp.isdigit() or abs(time.time() - int(stamp)) > _TOLERANCE:
            return False
        expected = _signature(self.secret, int(stamp), body)
        return hmac.compare_digest(expected, request.headers.get("x-motcua-signature", ""))

    async def guarded(self, request: Request, work: Any) -> Response:
        """Faults, the signature, the body, and the Idempotency-Key's earlier answer."""
        self.requests += 1
        if self.fail_next > 0:
            self.fail_next -= 1
            return JSONResponse({"error": "the platform is unavailable"}, status_code=503)
        raw = await request.body()
        if not self.signed(request, raw):
            return JSONResponse({"error": "bad signature"}, status_code=401)
        try:
            body = json.loads(raw)
        except ValueError:
            return JSONResponse({"error": "the body must be JSON"}, status_code=400)
        if not isinstance(body, dict):
            return JSONResponse({"error": "the body must be an object"}, status_code=400)
        key = request.headers.get("idempotency-key")
        if key and key in self.answered:
            status, answer = self.answered[key]
            return JSONResponse(answer, status_code=status)
        status, answer = work(body)
        if key and status < 500:
            self.answered[key] = (status, answer)
        return JSONResponse(answer, status_code=status)

    def place(self, body: dict[str, Any], base: str) -> tuple[int, dict[str, Any]]:
        reference, total = body.get("reference"), body.get("total")
        if not isinstance(reference, str) or not isinstance(total, int) or total < 0:
            return 400, {"error": "reference and total are required"}
        order = self.orders.setdefault(reference, Order(reference, total, body))
        return 200, {"paymentUrl": f"{base}/pay/{reference}", "platformOrderId": order.platform_id}

    def cancel(self, reference: str) -> tuple[int, dict[str, Any]]:
        order = self.orders.get(reference)
        if order is None:
            return 404, {"error": "no such order"}
        if order.status not in ("PENDING", "CANCELLED"):
            return 409, {"error": f"the order is {order.status}"}
        order.status = "CANCELLED"
        return 200, {"reference": reference, "status": order.status}

    def refund(self, reference: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        order = self.orders.get(reference)
        if order is None:
            return 404, {"error": "no such order"}
        if order.status not in ("PAID", "REFUNDED"):
            return 409, {"error": f"the order is {order.status}"}
        order.status = "REFUNDED"
        order.refunds.append({"amount": body.get("amount"), "reason": body.get("reason")})
        return 200, {"reference": reference, "status": order.status}

    async def take_order(self, request: Request) -> Response:
        base = str(request.base_url).rstrip("/")
        return await self.guarded(request, lambda body: self.place(body, base))

    async def cancelled(self, request: Request) -> Response:
        reference = request.path_params["ref"]
        return await self.guarded(request, lambda body: self.cancel(reference))

    async def refunded(self, request: Request) -> Response:
        reference = request.path_params["ref"]
        return await self.guarded(request, lambda body: self.refund(reference, body))

    async def show(self, request: Request) -> Response:
        order = self.orders.get(request.path_params["ref"])
        if order is None:
            return JSONResponse({"error": "no such order"}, status_code=404)
        return JSONResponse(order.shown())

    async def pay(self, order: Order, times: int, amount: int | None) -> list[int]:
        """The order paid (one transaction, kept), and the callback sent `times` times."""
        if order.transaction is None:
            order.transaction = "TXN-" + secrets.token_hex(8)
        order.status = "PAID"
        body = json.dumps(
            {
                "reference": order.reference,
                "transaction": order.transaction,
                "amount": order.total if amount is None else amount,
                "paidAt": datetime.now(UTC).isoformat(),
                "status": "PAID",
            },
            separators=(",", ":"),
        ).encode()
        if self.callback_url is None:
            return []
        answers = []
        async with httpx.AsyncClient(timeout=10) as client:
            for _ in range(times):
                headers = {"content-type": "application/json"}
                if self.secret is not None:
                    stamp = int(time.time())
                    headers["x-motcua-timestamp"] = str(stamp)
                    headers["x-motcua-signature"] = _signature(self.secret, stamp, body)
                try:
                    response = await client.post(self.callback_url, content=body, headers=headers)
                    answers.append(response.status_code)
                except httpx.HTTPError:
                    answers.append(0)
        return answers

    async def simulate_pay(self, request: Request) -> Response:
        order = self.orders.get(request.path_params["ref"])
        if order is None:
            return JSONResponse({"error": "no such order"}, status_code=404)
        try:
            asked = await request.json()
        except ValueError:
            asked = {}
        times = asked.get("times", 1) if isinstance(asked, dict) else 1
        amount = asked.get("amount") if isinstance(asked, dict) else None
        if not isinstance(times, int) or not 1 <= times <= 10:
            return JSONResponse({"error": "times is 1 to 10"}, status_code=400)
        if order.status not in ("PENDING", "PAID"):
            return JSONResponse({"error": f"the order is {order.status}"}, status_code=409)
        answers = await self.pay(order, times, amount if isinstance(amount, int) else None)
        return JSONResponse({"transaction": order.transaction, "answers": answers})

    async def page(self, request: Request) -> Response:
        order = self.orders.get(request.path_params["ref"])
        if order is None:
            return HTMLResponse("<p>Không tìm thấy đơn thanh toán.</p>", status_code=404)
        reference = html.escape(order.reference)
        if request.method == "POST":
            await self.pay(order, 1, None)
            return HTMLResponse(f"<p>Đã thanh toán {reference}.</p>")
        rows = "".join(
            f"<li>{html.escape(str(line.get('label')))}: {line.get('amount')} VND</li>"
            for line in order.body.get("lines", [])
        )
        return HTMLResponse(
            f"<!doctype html><html lang='vi'><meta charset='utf-8'><title>Thanh toán</title>"
            f"<h1>Thanh toán {reference}</h1><ul>{rows}</ul><p>Tổng: {order.total} VND</p>"
            f"<form method='post'><button>Thanh toán</button></form></html>"
        )

    async def faults(self, request: Request) -> Response:
        try:
            asked = await request.json()
        except ValueError:
            asked = None
        count = asked.get("failNext") if isinstance(asked, dict) else None
        if not isinstance(count, int) or count < 0:
            return JSONResponse({"error": "failNext must be a count"}, status_code=400)
        self.fail_next = count
        return JSONResponse({"failNext": count})

    async def stats(self, request: Request) -> Response:
        return JSONResponse({"requests": self.requests, "orders": len(self.orders)})


def create_app(secret: str | None = None, callback_url: str | None = None) -> Starlette:
    platform = Platform(secret, callback_url)
    return Starlette(
        routes=[
            Route("/orders", platform.take_order, methods=["POST"]),
            Route("/orders/{ref}", platform.show, methods=["GET"]),
            Route("/orders/{ref}/cancel", platform.cancelled, methods=["POST"]),
            Route("/orders/{ref}/refunds", platform.refunded, methods=["POST"]),
            Route("/pay/{ref}", platform.page, methods=["GET", "POST"]),
            Route("/simulator/pay/{ref}", platform.simulate_pay, methods=["POST"]),
            Route("/simulator/faults", platform.faults, methods=["POST"]),
            Route("/simulator/requests", platform.stats, methods=["GET"]),
        ]
    )
