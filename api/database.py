"""Connecting the process to MongoDB: the client, Beanie's models, domain settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from beanie import init_beanie
from pymongo import AsyncMongoClient
from pymongo.monitoring import CommandListener

from api.settings import Settings
from documents import DOCUMENT_MODELS
from documents.calendar.declared_days import OfficeHours, configure_office_hours
from documents.dossiers.events import number_old_events
from documents.papers.attachments import AttachmentLimits, configure_attachment_limits
from documents.papers.grid_files import ensure_file_indexes


async def connect(
    uri: str, settings: Settings, listeners: Sequence[CommandListener] = ()
) -> AsyncMongoClient[dict[str, Any]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        uri, tz_aware=True, event_listeners=list(listeners)
    )
    await init_beanie(database=client[settings.database], document_models=DOCUMENT_MODELS)
    await number_old_events()
    configure_office_hours(OfficeHours(settings.afternoon_cutoff, settings.office_close))
    configure_attachment_limits(
        AttachmentLimits(
            application_media_types=frozenset(settings.attachment_media_types),
            result_media_types=frozenset(settings.result_media_types),
            max_file_bytes=settings.max_attachment_bytes,
            max_dossier_bytes=settings.max_dossier_attachment_bytes,
        )
    )
    await ensure_file_indexes()
    return client
