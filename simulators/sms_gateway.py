"""A simulator of the SMS and Zalo gateway that notifications go through: it accepts
texts, idempotently by key, and lists what it received.

The protocol is motcua's own (docs/integrations.md, "Notifications"):

- `POST /messages` with `{"channel": "SMS" | "ZALO", "to": "<phone>", "text": "..."}`,
  an `Idempotency-Key` header and, when the simulator has a token,
  `Authorization: Bearer <token>`. It answers 201 `{"id", "status": "ACCEPTED"}`; a
  repeat of a key answers 200 with the first answer and sends nothing again; 400 a
  malformed body or a missing key, 401 a wrong token, 503 an injected fault.
- `GET /messages` lists the texts received, in order (for the tests and the dev loop).
- `POST /simulator/faults` with `{"failNext": n}`: the next n sends answer 503.

It keeps everything in memory and logs nothing."""

from __future__ import annotations

import hmac
import re
import threading
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

CHANNELS = frozenset({"SMS", "ZALO"})
_PHONE = re.compile(r"^\+?\d{9,15}$")
_MAX_TEXT = 2000
_MAX_KEY = 200


class Gateway:
    """What the simulator holds: the texts by key, in order, and the faults to come."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[dict[str, Any]] = []
        self.by_key: dict[str, dict[str, Any]] = {}
        self.fail_next = 0


def _problem(body: Any) -> str | None:
    """What is wrong with a text's body, if anything."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    if body.get("channel") not in CHANNELS:
        return "channel must be SMS or ZALO"
    to = body.get("to")
    if not isinstance(to, str) or not _PHONE.match(to):
        return "to must be a phone number"
    text = body.get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > _MAX_TEXT:
        return f"text must be 1 to {_MAX_TEXT} characters"
    return None


def create_app(token: str | None = None) -> Starlette:
    gateway = Gateway()

    def authorised(request: Request) -> bool:
        if token is None:
            return True
        given = request.headers.get("authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())

    async def send(request: Request) -> JSONResponse:
        key = request.headers.get("idempotency-key", "")
        try:
            body: Any = await request.json()
        except ValueError:
            body = None
        if not authorised(request):
            return JSONResponse({"error": "unauthorised"}, status_code=401)
        problem = _problem(body)
        if not key or len(key) > _MAX_KEY:
            problem = "an Idempotency-Key is required"
        if problem is not None:
            return JSONResponse({"error": problem}, status_code=400)
        with gateway.lock:
            if gateway.fail_next > 0:
                gateway.fail_next -= 1
                return JSONResponse({"error": "the gateway is unavailable"}, status_code=503)
            first = gateway.by_key.get(key)
            if first is not None:
                return JSONResponse({"id": first["id"], "status": "ACCEPTED"}, status_code=200)
            accepted = {
                "id": f"msg-{len(gateway.received) + 1}",
                "key": key,
                "channel": body["channel"],
                "to": body["to"],
                "text": body["text"],
            }
            gateway.received.append(accepted)
            gateway.by_key[key] = accepted
        return JSONResponse({"id": accepted["id"], "status": "ACCEPTED"}, status_code=201)

    async def listing(request: Request) -> JSONResponse:
        if not authorised(request):
            return JSONResponse({"error": "unauthorised"}, status_code=401)
        with gateway.lock:
            return JSONResponse({"messages": list(gateway.received)})

    async def faults(request: Request) -> JSONResponse:
        try:
            body: Any = await request.json()
        except ValueError:
            body = None
        count = body.get("failNext") if isinstance(body, dict) else None
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            return JSONResponse({"error": "failNext must be a count"}, status_code=400)
        with gateway.lock:
            gateway.fail_next = count
        return JSONResponse({"failNext": count})

    return Starlette(
        routes=[
            Route("/messages", send, methods=["POST"]),
            Route("/messages", listing, methods=["GET"]),
            Route("/simulator/faults", faults, methods=["POST"]),
        ]
    )
