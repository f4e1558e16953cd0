"""A simulator of the national public service portal's status intake: it receives the
status updates motcua sends, applies each once, and shows what it holds.

The protocol is motcua's own (the national interface could not be checked):
`POST /status-updates` with a JSON update (`dossierCode`, `sequence`, `statusCode` 1-10,
…) and an `Idempotency-Key` header; signed with `X-Motcua-Timestamp` and
`X-Motcua-Signature` (HMAC-SHA256 of `{timestamp}.{body}`) when the simulator has a
secret. 200 when applied or already seen (a repeated key changes nothing), 400 for a
malformed update, 401 for a bad signature. An update older (by `sequence`) than the
dossier's current one is kept in its history but not applied; one with the same
sequence and a new key (a re-send, `motcua portal resync`) is applied.

`GET /dossiers/{code}` answers `{"current": …, "history": [...]}` (404 if unknown).
`POST /simulator/faults` sets faults for tests and demos: `{"failNext": n, "status":
503}` answers the next n updates with that status without applying them;
`{"loseAnswers": n}` applies the next n and then answers 500, as if the answer were lost.
No personal data is received; the simulator logs nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

_TOLERANCE_SECONDS = 300


@dataclass
class _Faults:
    fail_next: int = 0
    fail_status: int = 503
    lose_answers: int = 0


@dataclass
class _State:
    keys: set[str] = field(default_factory=set)
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    current: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: _Faults = field(default_factory=_Faults)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _signed(secret: str, stamp: str, header: str, body: bytes) -> bool:
    try:
        moment = int(stamp)
    except ValueError:
        return False
    if abs(time.time() - moment) > _TOLERANCE_SECONDS:
        return False
    digest = hmac.new(secret.encode(), f"{moment}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest("v1=" + digest.hexdigest(), header.strip())


def _valid(update: Any) -> bool:
    if not isinstance(update, dict):
        return False
    code, sequence, status = (update.get(k) for k in ("dossierCode", "sequence", "statusCode"))
    return (
        isinstance(code, str)
        and bool(code)
        and isinstance(sequence, int)
        and isinstance(status, int)
        and 1 <= status <= 10
    )


def create_app(secret: str | None = None) -> Starlette:
    state = _State()

    async def status_update(request: Request) -> JSONResponse:
        body = await request.body()
        if secret is not None and not _signed(
            secret,
            request.headers.get("x-motcua-timestamp", ""),
            request.headers.get("x-motcua-signature", ""),
            body,
        ):
            return JSONResponse({"error": "bad signature"}, status_code=401)
        key = request.headers.get("idempotency-key", "")
        try:
            update = json.loads(body)
        except ValueError:
            update = None
        if not key or not _valid(update):
            return JSONResponse({"error": "a malformed update"}, status_code=400)
        with state.lock:
            faults = state.faults
            if faults.fail_next > 0:
                faults.fail_next -= 1
                return JSONResponse({"error": "failing on purpose"}, status_code=faults.fail_status)
            lose = faults.lose_answers > 0
            if lose:
                faults.lose_answers -= 1
            applied = _apply(state, key, update)
        if lose:
            return JSONResponse({"error": "the answer was lost"}, status_code=500)
        return JSONResponse({"applied": applied})

    async def dossier(request: Request) -> JSONResponse:
        code = request.path_params["code"]
        with state.lock:
            if code not in state.history:
                return JSONResponse({"error": "no such dossier"}, status_code=404)
            return JSONResponse(
                {"current": state.current.get(code), "history": list(state.history[code])}
            )

    async def faults(request: Request) -> JSONResponse:
        try:
            asked = await request.json()
        except ValueError:
            asked = None
        if not isinstance(asked, dict):
            return JSONResponse({"error": "the body must be a JSON object"}, status_code=400)
        with state.lock:
            current = state.faults
            if isinstance(asked.get("failNext"), int):
                current.fail_next = asked["failNext"]
            if isinstance(asked.get("status"), int):
                current.fail_status = asked["status"]
            if isinstance(asked.get("loseAnswers"), int):
                current.lose_answers = asked["loseAnswers"]
            shown = {
                "failNext": current.fail_next,
                "status": current.fail_status,
                "loseAnswers": current.lose_answers,
            }
        return JSONResponse(shown)

    return Starlette(
        routes=[
            Route("/status-updates", status_update, methods=["POST"]),
            Route("/dossiers/{code}", dossier, methods=["GET"]),
            Route("/simulator/faults", faults, methods=["POST"]),
        ]
    )


def _apply(state: _State, key: str, update: dict[str, Any]) -> bool:
    """Record an update once per key; make it current unless an update with a later
    sequence already is. Whether it was applied now."""
    if key in state.keys:
        return False
    state.keys.add(key)
    code = update["dossierCode"]
    held = state.current.get(code)
    applied = held is None or update["sequence"] >= held["sequence"]
    state.history.setdefault(code, []).append({"key": key, "applied": applied, **update})
    if applied:
        state.current[code] = update
    return applied
