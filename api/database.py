"""Connecting the process to MongoDB: the client and Beanie's models."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from beanie import init_beanie
from pymongo import AsyncMongoClient
from pymongo.monitoring import CommandListener

from api.settings import Settings
from documents import DOCUMENT_MODELS
from documents.dossiers.events import number_old_events
from documents.papers.grid_files import ensure_file_indexes
from documents.papers.repository import give_tokens


async def connect(
    uri: str, settings: Settings, listeners: Sequence[CommandListener] = ()
) -> AsyncMongoClient[dict[str, Any]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        uri, tz_aware=True, event_listeners=list(listeners)
    )
    await init_beanie(database=client[settings.database], document_models=DOCUMENT_MODELS)
    await number_old_events()
    await ensure_file_indexes()
    await give_tokens()  # repository items filed before they had random names
    return client
