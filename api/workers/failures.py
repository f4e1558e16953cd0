"""A background failure in one log line: what failed and where, never the data it quotes."""

from __future__ import annotations

import traceback
from pathlib import Path

import httpx
from pymongo.errors import OperationFailure, PyMongoError

MAX_MESSAGE = 200
_ROOT = Path(__file__).resolve().parents[2]

# Their messages name hosts, ports and timeouts; any other exception's message may quote
# a document (a pydantic ValidationError quotes its input, a duplicate key its value).
_TRANSPORT_ERRORS = (PyMongoError, OSError, TimeoutError, httpx.HTTPError)


def _where(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    path = Path(last.filename)
    shown = path.relative_to(_ROOT) if path.is_relative_to(_ROOT) else Path(path.name)
    return f" at {shown}:{last.lineno} in {last.name}"


def describe(error: BaseException) -> str:
    """`AutoReconnect: localhost:27017: connection refused`, `OperationFailure (code 11000,
    DuplicateKey)`, `KeyError at api/workers/x.py:12 in run`: one line, no values."""
    name = type(error).__name__
    if isinstance(error, OperationFailure):  # its details may quote the document
        code_name = (error.details or {}).get("codeName", "")
        return f"{name} (code {error.code}{', ' + code_name if code_name else ''})"
    if isinstance(error, _TRANSPORT_ERRORS):
        message = " ".join(str(error).split())
        if len(message) > MAX_MESSAGE:
            message = message[: MAX_MESSAGE - 1] + "…"
        return f"{name}: {message}" if message else name
    return name + _where(error)
