"""Opaque keyset cursors: base64 of the sort key of a page's last item."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime

from documents.dossier_search import Position


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
