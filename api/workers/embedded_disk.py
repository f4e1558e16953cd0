"""Whether the embedded database's disk is full: the free space of its filesystem
(statvfs) and WiredTiger's "No space left on device" in the new part of its log."""

from __future__ import annotations

import os
from pathlib import Path

# What WiredTiger writes when a write fails for want of space (errno 28).
ENOSPC_MARKS = (b"No space left on device", b"ENOSPC")
_CHUNK = 1 << 20
MIB = 1024 * 1024


class DiskWatch:
    """Looks at the disk once per check (`look`, blocking: run it in a thread). The log
    is read from where the last look stopped, so each line is read once; the log may
    itself be on the full disk and miss the line, hence the free-space floor."""

    def __init__(self, storage: Path, log_file: Path, min_free_bytes: int) -> None:
        self.storage, self.log_file, self.min_free = storage, log_file, min_free_bytes
        self.free: int | None = None
        # A write failed for want of space since the database was last healthy.
        self.enospc = False
        self._offset = self._size()

    def _size(self) -> int:
        try:
            return self.log_file.stat().st_size
        except OSError:
            return 0

    def look(self) -> None:
        try:
            stats = os.statvfs(self.storage)
        except OSError:
            self.free = None
        else:
            self.free = stats.f_bavail * stats.f_frsize
        if self._new_log_says_enospc():
            self.enospc = True

    def _new_log_says_enospc(self) -> bool:
        size = self._size()
        if size < self._offset:  # truncated or replaced: start over
            self._offset = 0
        found, carry = False, b""
        try:
            with self.log_file.open("rb") as log:
                log.seek(self._offset)
                while chunk := log.read(_CHUNK):
                    text = carry + chunk
                    found = found or any(mark in text for mark in ENOSPC_MARKS)
                    carry = text[-32:]
                self._offset = log.tell()
        except OSError:
            return False
        return found

    @property
    def low(self) -> bool:
        """Less free space than the floor: full, or about to be."""
        return self.free is not None and self.free < self.min_free

    def full(self, healthy: bool, was_full: bool) -> bool:
        """Full below the floor, or when a write failed for want of space and the
        database is not healthy; once full, until the database is healthy with twice the
        floor free (checkpoints free a little space now and then: no flapping)."""
        if self.low or (self.enospc and not healthy):
            return True
        if not was_full:
            return False
        return not healthy or (self.free is not None and self.free < 2 * self.min_free)

    def explain(self) -> str:
        """`(3 MiB free, 64 MiB needed)`, or what the log said."""
        if self.free is None or not self.low:
            return "(the database reported: No space left on device)"
        return f"({self.free // MIB} MiB free, {self.min_free // MIB} MiB needed)"
