"""The national portal's side of an online submission: signs a dossier submission and
POSTs it to a motcua deployment, as the portal would (docs/integrations.md, "Online
submissions from the portal"). For the tests and the development loop; it imports
nothing of motcua, so the signature is computed here as the portal computes it."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import httpx

PATH = "/integrations/portal/dossiers"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """`v1=` and the hex HMAC-SHA256 of `{timestamp}.{body}` with the shared secret."""
    signed = f"{timestamp}.".encode() + body
    return "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signed_request(
    secret: str, submission: dict[str, Any], timestamp: int | None = None
) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one signed submission, signed at `timestamp` (now)."""
    body = json.dumps(submission, ensure_ascii=False).encode()
    stamp = int(time.time()) if timestamp is None else timestamp
    headers = {
        "content-type": "application/json",
        "x-motcua-timestamp": str(stamp),
        "x-motcua-signature": sign(secret, stamp, body),
    }
    return body, headers


async def send_submission(
    client: httpx.AsyncClient, secret: str, submission: dict[str, Any]
) -> httpx.Response:
    """POST `submission` signed with `secret` through `client` (its base URL is the
    motcua deployment); the answer as it came, whatever its status."""
    body, headers = signed_request(secret, submission)
    return await client.post(PATH, content=body, headers=headers)


def submission(
    reference: str,
    procedure_code: str,
    agency_code: str,
    applicant: dict[str, Any],
    data: dict[str, Any],
    identity_level: int | None = 2,
) -> dict[str, Any]:
    """A submission body as the portal sends it."""
    body: dict[str, Any] = {
        "reference": reference,
        "procedureCode": procedure_code,
        "receivingAgencyCode": agency_code,
        "applicant": applicant,
        "data": data,
    }
    if identity_level is not None:
        body["identityLevel"] = identity_level
    return body
