"""Dossier codes: `<receiving agency code>-<yymmdd>-<4-digit sequence>`."""

from __future__ import annotations

from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.common.clock import local_date
from documents.common.counters import next_value


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
