"""Connecting the process to MongoDB: the client, Beanie's models, domain settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from beanie import init_beanie
from pymongo import AsyncMongoClient
from pymongo.monitoring import CommandListener

from api.settings import Settings
from documents import DOCUMENT_MODELS
from documents.calendar_days import OfficeHours, configure_office_hours


async def connect(
    uri: str, settings: Settings, listeners: Sequence[CommandListener] = ()
) -> AsyncMongoClient[dict[str, Any]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        uri, tz_aware=True, event_listeners=list(listeners)
    )
    await init_beanie(database=client[settings.database], document_models=DOCUMENT_MODELS)
    configure_office_hours(OfficeHours(settings.afternoon_cutoff, settings.office_close))
    return client
