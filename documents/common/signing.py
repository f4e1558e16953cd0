"""HMAC-SHA256 signatures over a timestamp and a body: what motcua signs its webhooks
with, and what it asks of the national systems that call it (docs/integrations.md)."""

from __future__ import annotations

import hashlib
import hmac


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`v1=` and the hex HMAC-SHA256 of `{timestamp}.{body}`."""
    signed = f"{timestamp}.".encode() + body
    return "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_holds(
    secret: str, header: str, timestamp: int, body: bytes, now: int, tolerance: int
) -> bool:
    """Whether `header` signs `body` at `timestamp` with `secret`, and `timestamp` is
    within `tolerance` seconds of `now` (a replayed old request is refused)."""
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), header.strip())
