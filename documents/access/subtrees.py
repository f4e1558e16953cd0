"""The agencies an officer covers, kept for a few seconds instead of read per request.

A subtree changes only when an agency is written (a merge, a split, an admin edit, a
seed). This process sees its own writes: `AGENCY_WRITES`, a command listener on its
database client, counts every write to `agencies` that succeeds (at its transaction's
commit, for one inside a transaction), and an entry read before that count moved is not
used again. Writes by other processes are seen once an entry is `TTL_SECONDS` old
(docs/access.md).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pymongo.monitoring import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)

COLLECTION = "agencies"
TTL_SECONDS = 5.0
SIZE = 1024

# Commands whose value names the collection they write to.
_WRITES = frozenset({"insert", "update", "delete", "findAndModify", "drop", "create"})
_DATABASE_WIDE = frozenset({"dropDatabase", "bulkWrite", "renameCollection", "applyOps"})
_ENDS = frozenset({"commitTransaction", "abortTransaction"})


class AgencyWrites(CommandListener):
    """Counts the writes to agencies this process's client completes."""

    def __init__(self) -> None:
        self.generation = 0
        self._running: set[int] = set()  # request ids of writes to agencies in flight
        self._in_transaction: set[bytes] = set()  # sessions whose transaction wrote them

    def started(self, event: CommandStartedEvent) -> None:
        name, command = event.command_name, event.command
        if name in _ENDS:
            if _session(command) in self._in_transaction:
                self._in_transaction.discard(_session(command))
                self._running.add(event.request_id)
        elif name in _DATABASE_WIDE or (name in _WRITES and command[name] == COLLECTION):
            if "autocommit" in command:  # visible to others only once committed
                self._in_transaction.add(_session(command))
            self._running.add(event.request_id)

    def succeeded(self, event: CommandSucceededEvent) -> None:
        self._done(event.request_id)

    def failed(self, event: CommandFailedEvent) -> None:
        self._done(event.request_id)  # it may have written some documents

    def _done(self, request_id: int) -> None:
        if request_id in self._running:
            self._running.discard(request_id)
            self.generation += 1


def _session(command: Mapping[str, Any]) -> bytes:
    lsid = command.get("lsid")
    return bytes(lsid["id"]) if isinstance(lsid, Mapping) else b""


AGENCY_WRITES = AgencyWrites()


@dataclass(frozen=True)
class _Entry:
    codes: frozenset[str]
    generation: int
    read_at: float


class SubtreeCache:
    """Subtrees by (database, agency code), at most `size` of them, LRU."""

    def __init__(
        self,
        writes: AgencyWrites = AGENCY_WRITES,
        ttl: float = TTL_SECONDS,
        size: int = SIZE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.writes = writes
        self.ttl = ttl
        self.size = size
        self.clock = clock
        self.entries: OrderedDict[tuple[str, str], _Entry] = OrderedDict()

    async def get(
        self, database: str, code: str, read: Callable[[str], Awaitable[frozenset[str]]]
    ) -> frozenset[str]:
        key = (database, code)
        entry = self.entries.get(key)
        now = self.clock()
        if (
            entry is not None
            and entry.generation == self.writes.generation
            and now - entry.read_at < self.ttl
        ):
            self.entries.move_to_end(key)
            return entry.codes
        # Taken before reading: a write that ends during the read makes the entry stale.
        generation = self.writes.generation
        codes = await read(code)
        self.entries[key] = _Entry(codes, generation, now)
        self.entries.move_to_end(key)
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return codes

    def clear(self) -> None:
        """Forget every subtree (for a database emptied behind the listener's back)."""
        self.entries.clear()


SUBTREES = SubtreeCache()
