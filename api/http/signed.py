"""Requests the national systems sign: the body read within the size limit, its HMAC
checked (documents/common/signing.py), and refusals as typed JSON errors."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse

from documents.common.clock import utcnow
from documents.common.errors import ErrorCode
from documents.common.signing import signature_holds

log = logging.getLogger(__name__)

# A signed request older or newer than this is refused, so a captured one cannot be replayed.
TOLERANCE_SECONDS = 300
SIGNATURE_HEADER = "x-motcua-signature"
TIMESTAMP_HEADER = "x-motcua-timestamp"


class Refused(Exception):  # noqa: N818 - the outcome a caller reports, not a fault
    """A signed request refused: its code and a message that quotes
    nothing the request carried."""

    def __init__(self, code: ErrorCode, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def refusal(refused: Refused, route: str) -> JSONResponse:
    """The typed error; logged by route and code alone (no personal data)."""
    log.warning("%s refused: %s", route, refused.code.value)
    return JSONResponse(
        {"error": {"code": refused.code.value, "message": refused.message}},
        status_code=refused.status,
    )


async def signed_body(request: Request, secret: str | None, max_bytes: int) -> bytes:
    """The body, once its signature holds; `Refused` otherwise, and when no secret is
    configured (the route is closed)."""
    if secret is None:
        raise Refused(
            ErrorCode.INTEGRATION_NOT_CONFIGURED, "this integration is not configured", 401
        )
    header = request.headers.get(SIGNATURE_HEADER, "")
    stamp = request.headers.get(TIMESTAMP_HEADER, "")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise Refused(ErrorCode.BODY_TOO_LARGE, "the body is too large", 413)
    if not stamp.isdigit() or not signature_holds(
        secret, header, int(stamp), bytes(body), int(utcnow().timestamp()), TOLERANCE_SECONDS
    ):
        raise Refused(ErrorCode.BAD_SIGNATURE, "the signature does not hold", 401)
    return bytes(body)
