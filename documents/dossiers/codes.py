"""Dossier codes: `<receiving agency code>-<yymmdd>-<4-digit sequence>`."""

from __future__ import annotations

import re
from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.common.clock import local_date
from documents.common.counters import next_value, raise_to
from documents.dossiers.dossier import Dossier

_SHAPE = re.compile(r"[0-9A-Za-z.]{1,40}-\d{6}-\d{4,9}")


def has_code_shape(text: str) -> bool:
    """Whether `text` is shaped like a dossier code (whether or not one was issued)."""
    return _SHAPE.fullmatch(text) is not None


def format_code(agency_code: str, received_at: datetime, sequence: int) -> str:
    day = local_date(received_at).strftime("%y%m%d")
    return f"{agency_code}-{day}-{sequence:04d}"


def _counter(agency_code: str, received_at: datetime) -> str:
    return f"dossier:{agency_code}:{local_date(received_at).strftime('%y%m%d')}"


async def next_dossier_code(
    agency_code: str, received_at: datetime, session: AsyncClientSession | None = None
) -> str:
    """The next code of the receiving agency's local day; the sequence restarts daily."""
    sequence = await next_value(_counter(agency_code, received_at), session)
    return format_code(agency_code, received_at, sequence)


class CodeTakenError(Exception):
    """A new dossier's code is already stored: the day's counter is behind the stored
    codes, which only a database restored from an older copy can do."""

    def __init__(self, agency_code: str, received_at: datetime) -> None:
        super().__init__("a new dossier's code is already stored")
        self.agency_code = agency_code
        self.received_at = received_at


async def move_past_stored_codes(agency_code: str, received_at: datetime) -> int:
    """Raise the agency's counter for that day to the highest sequence stored, so no
    stored code is handed out again; returns that sequence."""
    prefix = format_code(agency_code, received_at, 0)[:-4]
    highest = 0
    stored = Dossier.get_pymongo_collection().find(
        {"code": {"$regex": f"^{re.escape(prefix)}"}}, {"code": 1, "_id": 0}
    )
    async for found in stored:
        sequence = str(found.get("code", ""))[len(prefix) :]
        if sequence.isdigit():
            highest = max(highest, int(sequence))
    await raise_to(_counter(agency_code, received_at), highest)
    return highest
