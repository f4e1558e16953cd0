"""Uploads: streamed into GridFS, with type, size and hash checked on the way.

The upload is read and written chunk by chunk, never held whole in memory. Whatever
stops it (a limit, a spoofed type, an error, a cancelled request), the GridFS file is
aborted, so no orphan chunks remain.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from beanie import PydanticObjectId

from documents.common.errors import DomainError, ErrorCode
from documents.papers.grid_files import ChunkWriter
from documents.papers.media_types import (
    HEAD_BYTES,
    KNOWN,
    SIGNED_XML,
    SignatureScan,
    normalized,
    sniff,
)

_MAX_FILENAME = 200

ChunkSource = AsyncIterator[bytes]


@dataclass(frozen=True)
class FileLimits:
    """What one upload may be: its media types, and the bytes left for it."""

    media_types: frozenset[str]
    max_file_bytes: int
    # What the dossier's limit still allows.
    room_bytes: int


@dataclass(frozen=True)
class StoredFile:
    file_id: PydanticObjectId
    sha256: str
    size: int
    media_type: str
    filename: str


def clean_filename(name: str | None) -> str:
    """The last path component, without control characters, at most 200 characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    printable = "".join(ch for ch in base if ch.isprintable()).strip()
    return printable[-_MAX_FILENAME:] or "file"


def _check_type(head: bytes, declared: str | None, allowed: frozenset[str]) -> str:
    found = sniff(head)
    claimed = normalized(declared)
    if claimed is not None and claimed != found and (found is not None or claimed in KNOWN):
        raise DomainError(
            ErrorCode.SPOOFED_TYPE,
            f"the file was declared {claimed} but its content is {found or 'of no supported type'}",
            "file",
        )
    if found is None or found not in allowed:
        raise DomainError(
            ErrorCode.UNSUPPORTED_MEDIA_TYPE,
            f"accepted here: {', '.join(sorted(allowed))}",
            "file",
        )
    return found


def _check_size(size: int, limits: FileLimits) -> None:
    if size > limits.max_file_bytes:
        raise DomainError(
            ErrorCode.FILE_TOO_LARGE,
            f"a file may have at most {limits.max_file_bytes} bytes",
            "file",
        )
    if size > limits.room_bytes:
        raise DomainError(
            ErrorCode.DOSSIER_FILES_TOO_LARGE,
            f"the dossier's files may add up to at most {limits.room_bytes} more bytes",
            "file",
        )


class _Upload:
    """One file on its way into GridFS: type, size and hash checked as bytes arrive."""

    def __init__(self, stream: ChunkWriter, declared: str | None, limits: FileLimits) -> None:
        self.stream = stream
        self.declared = declared
        self.limits = limits
        self.digest = hashlib.sha256()
        self.size = 0
        self.head = bytearray()
        self.media_type: str | None = None
        self.scan: SignatureScan | None = None

    async def take(self, chunk: bytes) -> None:
        self.size += len(chunk)
        _check_size(self.size, self.limits)
        if self.media_type is None:
            self.head += chunk
            if len(self.head) < HEAD_BYTES:
                return
            await self._identify()
            return
        await self._write(chunk)

    async def finish(self) -> str:
        if self.media_type is None:
            await self._identify()
        assert self.media_type is not None
        if self.scan is not None and not self.scan.finish():
            raise DomainError(
                ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                "XML is accepted only as a result with an XML-DSig signature",
                "file",
            )
        await self.stream.close()
        return self.media_type

    async def _identify(self) -> None:
        head = bytes(self.head)
        self.media_type = _check_type(head, self.declared, self.limits.media_types)
        if self.media_type == SIGNED_XML:
            self.scan = SignatureScan()
        self.head = bytearray()
        await self._write(head)

    async def _write(self, chunk: bytes) -> None:
        self.digest.update(chunk)
        if self.scan is not None:
            self.scan.feed(chunk)
        await self.stream.write(chunk)


async def store(
    source: ChunkSource, *, filename: str | None, declared: str | None, limits: FileLimits
) -> StoredFile:
    """Stream `source` into GridFS; DomainError when it breaks a rule."""
    name = clean_filename(filename)
    stream = ChunkWriter(name)
    upload = _Upload(stream, declared, limits)
    try:
        async for chunk in source:
            if chunk:
                await upload.take(chunk)
        media_type = await upload.finish()
    except BaseException:
        # Shielded: a cancelled request must still clean up what it wrote.
        await asyncio.shield(stream.abort())
        raise
    return StoredFile(
        file_id=PydanticObjectId(stream.file_id),
        sha256=upload.digest.hexdigest(),
        size=upload.size,
        media_type=media_type,
        filename=name,
    )
