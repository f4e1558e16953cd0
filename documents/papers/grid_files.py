"""GridFS, the layout the driver's bucket reads, written a chunk at a time.

The driver's own upload stream keeps up to 48 MB of chunks in memory before it writes
them; `ChunkWriter` writes each chunk as soon as it is full, so an upload never sits
whole in memory, and `abort` removes what was written.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from beanie import PydanticObjectId
from bson import Binary, Int64, ObjectId
from gridfs import AsyncGridFSBucket, NoFile
from gridfs.asynchronous.grid_file import AsyncGridOut
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from documents.common.clock import utcnow
from documents.papers.attachments import Attachment

CHUNK_BYTES = 256 * 1024


def _database() -> AsyncDatabase[Any]:
    return Attachment.get_pymongo_collection().database


def bucket() -> AsyncGridFSBucket:
    return AsyncGridFSBucket(_database())


async def ensure_file_indexes() -> None:
    """The indexes the GridFS spec asks for (the driver makes them on its first upload)."""
    database = _database()
    await database["fs.files"].create_index([("filename", ASCENDING), ("uploadDate", ASCENDING)])
    await database["fs.chunks"].create_index(
        [("files_id", ASCENDING), ("n", ASCENDING)], unique=True
    )


class ChunkWriter:
    """One GridFS file, written a chunk at a time; `abort` removes what was written."""

    def __init__(self, filename: str, chunk_size: int = CHUNK_BYTES) -> None:
        database = _database()
        self.files = database["fs.files"]
        self.chunks = database["fs.chunks"]
        self.file_id = ObjectId()
        self.filename = filename
        self.chunk_size = chunk_size
        self.buffer = bytearray()
        self.count = 0
        self.length = 0

    async def write(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) >= self.chunk_size:
            await self._flush(bytes(self.buffer[: self.chunk_size]))
            del self.buffer[: self.chunk_size]

    async def close(self) -> None:
        if self.buffer:
            await self._flush(bytes(self.buffer))
            self.buffer.clear()
        await self.files.insert_one(
            {
                "_id": self.file_id,
                "length": Int64(self.length),
                "chunkSize": self.chunk_size,
                "uploadDate": utcnow(),
                "filename": self.filename,
            }
        )

    async def abort(self) -> None:
        await self.chunks.delete_many({"files_id": self.file_id})
        await self.files.delete_one({"_id": self.file_id})

    async def _flush(self, data: bytes) -> None:
        chunk = {"files_id": self.file_id, "n": self.count, "data": Binary(data)}
        await self.chunks.insert_one(chunk)
        self.count += 1
        self.length += len(data)


async def open_file(file_id: PydanticObjectId) -> AsyncGridOut | None:
    try:
        return await bucket().open_download_stream(file_id)
    except NoFile:
        return None


async def delete_file(file_id: PydanticObjectId) -> None:
    with contextlib.suppress(NoFile):
        await bucket().delete(file_id)


async def read_range(file_id: PydanticObjectId, start: int, end: int) -> AsyncIterator[bytes]:
    """Bytes `start` to `end` (inclusive) of the file, a chunk at a time."""
    out = await open_file(file_id)
    if out is None:
        return
    try:
        await out.seek(start)
        remaining = end - start + 1
        while remaining > 0:
            data = await out.read(min(CHUNK_BYTES, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        await out.close()
