"""One outbox message POSTed to a national system over HTTP, and what it came to: the
client, the signing headers, the time limit and the retry rules the portal, payment and
text-gateway adapters share (docs/integrations.md, "The outbox")."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from typing import Any

import httpx

from documents.common.clock import utcnow
from documents.common.deliveries import Sent
from documents.common.signing import signature

log = logging.getLogger(__name__)

# Answers worth trying again: the request timed out or was throttled; 5xx are too. Any
# other 4xx refuses the message itself: a dead letter at once.
RETRIED = frozenset({408, 429})


def client(
    url: str, timeout_seconds: float, headers: Mapping[str, str] | None = None
) -> httpx.AsyncClient:
    """One per adapter and app, closed with it; relative paths resolve under `url`."""
    return httpx.AsyncClient(
        base_url=url.rstrip("/") + "/",
        headers=dict(headers or {}),
        timeout=httpx.Timeout(timeout_seconds),
        follow_redirects=False,
    )


def json_body(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def headers(message_id: str, body: bytes, secret: str | None) -> dict[str, str]:
    """JSON, the message's id as the idempotency key, and the HMAC signature
    (documents/common/signing.py) when the system has a secret."""
    sent = {"content-type": "application/json", "idempotency-key": message_id}
    if secret is not None:
        stamp = int(utcnow().timestamp())
        sent["x-motcua-timestamp"] = str(stamp)
        sent["x-motcua-signature"] = signature(secret, stamp, body)
    return sent


async def post(
    http: httpx.AsyncClient,
    path: str,
    body: bytes,
    sent_headers: Mapping[str, str],
    timeout_seconds: float,
    what: str,
    retried: frozenset[int] = RETRIED,
) -> tuple[Sent, httpx.Response | None]:
    """POST `body`; never raises for the remote system's failures. Logs name only `what`
    and the kind of failure, never a body or an address."""
    try:
        async with asyncio.timeout(timeout_seconds):  # the whole exchange, not each phase
            response = await http.post(path, content=body, headers=dict(sent_headers))
    except TimeoutError:
        log.warning("%s not delivered: timeout", what)
        return Sent(delivered=False, error="timeout"), None
    except httpx.HTTPError as error:
        log.warning("%s not delivered: %s", what, type(error).__name__)
        return Sent(delivered=False, error="unreachable"), None
    status = response.status_code
    if 200 <= status < 300:
        return Sent(delivered=True, http_status=status), response
    log.warning("%s not delivered: HTTP %d", what, status)
    permanent = 400 <= status < 500 and status not in retried
    return Sent(False, http_status=status, error="refused", permanent=permanent), response


def answer_fields(response: httpx.Response | None, names: tuple[str, ...]) -> dict[str, str]:
    """The string fields `names` of a JSON answer; nothing of anything else."""
    try:
        answer = response.json() if response is not None else None
    except ValueError:
        return {}
    if not isinstance(answer, dict):
        return {}
    return {name: answer[name] for name in names if isinstance(answer.get(name), str)}
