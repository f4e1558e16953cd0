"""Dossier codes: `<receiving agency code>-<yymmdd>-<4-digit sequence>`."""

from __future__ import annotations

import re
from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.common.clock import local_date
from documents.common.counters import next_value

_SHAPE = re.compile(r"[0-9A-Za-z.]{1,40}-\d{6}-\d{4,9}")


def has_code_shape(text: str) -> bool:
    """Whether `text` is shaped like a dossier code (whether or not one was issued)."""
    return _SHAPE.fullmatch(text) is not None


def format_code(agency_code: str, received_at: datetime, sequence: int) -> str:
    day = local_date(received_at).strftime("%y%m%d")
    return f"{agency_code}-{day}-{sequence:04d}"


async def next_dossier_code(
    agency_code: str, received_at: datetime, session: AsyncClientSession | None = None
) -> str:
    """The next code of the receiving agency's local day; the sequence restarts daily."""
    day = local_date(received_at).strftime("%y%m%d")
    sequence = await next_value(f"dossier:{agency_code}:{day}", session)
    return format_code(agency_code, received_at, sequence)
