"""Downloading a dossier's attachment: `GET /dossiers/{code}/attachments/{id}`.

Whoever may see the dossier in GraphQL may download its files; to everyone else the
file does not exist: one 404 for unknown dossiers, dossiers not theirs and unknown
files, rate-limited like the public look-up (api/http/dossier_access.py). The file
streams from GridFS, whole or as one byte range (`Range: bytes=a-b`, `bytes=a-`,
`bytes=-n`).
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from urllib.parse import quote

import pymongo
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from api.database import database_seconds
from api.http.dossier_access import Hidden, find_visible
from api.http.errors import error_response
from api.middleware.deadline import database_time
from documents.papers.attachments import Attachment, find_attachment
from documents.papers.grid_files import read_range
from schema.core.context import Limiter

_SINGLE_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1


class UnsatisfiableRangeError(Exception):
    """The range asks for bytes the file does not have: 416."""


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The one range asked for; None serves the whole file (no header, several ranges,
    or a header that is not a valid byte range, which RFC 9110 says to ignore)."""
    match = _SINGLE_RANGE.fullmatch((header or "").strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last n bytes
        wanted = int(last)
        if wanted == 0 or size == 0:
            raise UnsatisfiableRangeError
        return ByteRange(max(0, size - wanted), size - 1)
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise UnsatisfiableRangeError
    return ByteRange(start, min(int(last), size - 1) if last else size - 1)


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the real one (RFC 6266)."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download_route(lookups: Limiter) -> Route:
    """`GET /dossiers/{code}/attachments/{attachment_id}`, for `create_app` to mount;
    misses spend `lookups` (the public look-up limiter)."""

    async def download(request: Request) -> Response:
        request_id = request.scope.get("state", {}).get("request_id", "")
        code: str = request.path_params["code"]
        # The look-ups spend the request's database time; the file's chunks each have
        # their own (api/middleware/deadline.py).
        with database_time(request.scope):
            seen = await find_visible(request, code, lookups)
            if seen is Hidden.RATE_LIMITED:
                return error_response(
                    429, "Too many look-ups; retry later.", "RATE_LIMITED", request_id
                )
            attachment = None
            if seen is not Hidden.NOT_FOUND:
                attachment = await find_attachment(code, request.path_params["attachment_id"])
                # A reused paper opens only to the applicant and, once accepted, its handlers.
                if attachment is not None and not seen.access.can_open(seen.dossier, attachment):
                    attachment = None
        if attachment is None:
            return error_response(404, "No such attachment.", "NOT_FOUND", request_id)
        return await stream(request, attachment)

    return Route(
        "/dossiers/{code}/attachments/{attachment_id}",
        download,
        methods=["GET"],
        name="attachment",
    )


async def stream(request: Request, attachment: Attachment) -> Response:
    """The file, whole or the range asked for, with validators and caching rules."""
    size = attachment.size
    etag = f'"{attachment.sha256}"'
    headers = {
        "ETag": etag,
        "Accept-Ranges": "bytes",
        # Personal data: browsers may keep it for this user, and must ask again.
        "Cache-Control": "private, no-cache",
        "Content-Disposition": content_disposition(attachment.filename),
        "X-Content-Type-Options": "nosniff",
    }
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    asked = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if if_range is not None and if_range != etag:
        asked = None  # the client's copy is of another version: send it all
    try:
        chosen = parse_range(asked, size)
    except UnsatisfiableRangeError:
        headers["Content-Range"] = f"bytes */{size}"
        return Response(status_code=416, headers=headers)
    status = 200
    if chosen is None:
        chosen = ByteRange(0, size - 1)
    else:
        status = 206
        headers["Content-Range"] = f"bytes {chosen.start}-{chosen.end}/{size}"
    headers["Content-Length"] = str(max(chosen.length, 0))
    chunks = read_range(attachment.file_id, chosen.start, chosen.end)
    return StreamingResponse(
        each_within(chunks, database_seconds(request.app.state.settings)),
        status_code=status,
        media_type=attachment.media_type,
        headers=headers,
    )


async def each_within(chunks: AsyncIterator[bytes], seconds: float) -> AsyncIterator[bytes]:
    """The chunks, each read from the database within `seconds`: a slow client may take
    as long as it likes over the whole file, a database that hangs ends the download."""
    try:
        while True:
            with pymongo.timeout(seconds):
                chunk = await anext(chunks, None)
            if chunk is None:
                return
            yield chunk
    finally:
        if isinstance(chunks, AsyncGenerator):
            await chunks.aclose()  # the file is closed now, whoever stopped reading
