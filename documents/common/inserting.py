"""Inserting a document whose unique key a client chose: a taken key is ALREADY_EXISTS."""

from __future__ import annotations

from beanie import Document
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

from documents.common.errors import DomainError, ErrorCode


async def insert_new(
    document: Document, message: str, field: str, session: AsyncClientSession | None = None
) -> None:
    """Insert `document`; when its unique key is already stored (created since the
    checks, or never checked), raise ALREADY_EXISTS on `field` with `message`."""
    try:
        await document.insert(session=session)
    except DuplicateKeyError:
        raise DomainError(ErrorCode.ALREADY_EXISTS, message, field) from None
