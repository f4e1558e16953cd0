"""Connecting the process to MongoDB: the client and Beanie's models."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from beanie import init_beanie
from pymongo import AsyncMongoClient
from pymongo.monitoring import CommandListener

from documents import DOCUMENT_MODELS


async def connect(
    uri: str, database: str, listeners: Sequence[CommandListener] = ()
) -> AsyncMongoClient[dict[str, Any]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        uri, tz_aware=True, event_listeners=list(listeners)
    )
    await init_beanie(database=client[database], document_models=DOCUMENT_MODELS)
    return client
