"""Verifying an electronic result as it was stored: the file is read back from GridFS
and its signature checked in a worker thread (parsing and hashing take CPU)."""

from __future__ import annotations

import asyncio
from datetime import datetime

from documents.papers.file_store import StoredFile
from documents.papers.grid_files import open_file
from documents.papers.media_types import PDF, SIGNED_XML
from documents.papers.pdf_signatures import verify_pdf
from documents.papers.signatures import ResultSignature, TrustRoots, invalid
from documents.papers.xml_signatures import verify_xml


def verify_result(
    data: bytes, media_type: str, roots: TrustRoots, now: datetime
) -> ResultSignature:
    """The signer of an electronic result (XML-DSig or PAdES, by its type); DomainError
    RESULT_SIGNATURE_INVALID, _EXPIRED or _UNTRUSTED when the signature does not hold."""
    if media_type == SIGNED_XML:
        return verify_xml(data, roots, now)
    if media_type == PDF:
        return verify_pdf(data, roots, now)
    raise invalid("an electronic result is a signed PDF or signed XML; an image is a scan")


async def verify_stored(stored: StoredFile, roots: TrustRoots, now: datetime) -> ResultSignature:
    """Verify the stored bytes (what is verified is what is kept; a file is at most
    `max_attachment_bytes`, so it fits in memory)."""
    if stored.media_type not in (SIGNED_XML, PDF):
        raise invalid("an electronic result is a signed PDF or signed XML; an image is a scan")
    grid_out = await open_file(stored.file_id)
    if grid_out is None:
        raise invalid("the stored file could not be read back")
    try:
        data = await grid_out.read()
    finally:
        await grid_out.close()
    return await asyncio.to_thread(verify_result, data, stored.media_type, roots, now)
