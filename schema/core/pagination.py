"""Opaque keyset cursors: base64 of the sort key of a page's last item."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Protocol

import strawberry
from strawberry import relay

from documents.dossiers.search import Position

# A connection's arguments, both ways (docs/relay.md, "Paging both ways").
First = Annotated[int | None, strawberry.argument(description="Read forwards: this many, at most.")]
After = Annotated[str | None, strawberry.argument(description="Start after this edge's cursor.")]
Last = Annotated[int | None, strawberry.argument(description="Read backwards: this many, at most.")]
Before = Annotated[str | None, strawberry.argument(description="End before this edge's cursor.")]


class InvalidCursorError(ValueError):
    def __str__(self) -> str:
        return "the cursor is not one this API issued"


def encode_cursor(position: Position) -> str:
    received = position.received_at.isoformat() if position.received_at else None
    raw = json.dumps([received, position.code], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Position:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        received, code = json.loads(base64.urlsafe_b64decode(padded.encode()))
        moment = datetime.fromisoformat(received) if received is not None else None
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise InvalidCursorError from None
    if not isinstance(code, str):
        raise InvalidCursorError
    return Position(moment, code)


class _Edge(Protocol):
    cursor: str


def page_info(
    edges: Sequence[_Edge],
    more: bool,
    after: str | None,
    end: str | None = None,
    *,
    before: str | None = None,
    backward: bool = False,
    start: str | None = None,
) -> relay.PageInfo:
    """Relay's page info for a page of `edges` between `after` and `before`; `more` says
    whether items follow in the direction read (before the page when `backward`).
    `end` (`start`) is the cursor past the page's last (first) items when those were
    left out (unreadable), so the next (previous) page does not meet them again."""
    return relay.PageInfo(
        has_next_page=before is not None if backward else more,
        has_previous_page=more if backward else after is not None,
        start_cursor=start or (edges[0].cursor if edges else None),
        end_cursor=end or (edges[-1].cursor if edges else None),
    )
