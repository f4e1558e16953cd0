"""A dossier's events as its loader hands them over: stored documents, each read into a
`DossierEvent` only when asked for. A page shows the last three of each dossier's
events, and reading all of them was most of a page's Python (docs/benchmarks.md)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, overload

from documents.common.tolerant import Unreadable, read
from documents.dossiers.events import DossierEvent


class EventHistory(Sequence[DossierEvent]):
    """The events this version can read, oldest first; the others are skipped and
    counted once, as the loaders skip any document they cannot read."""

    def __init__(self, stored: Sequence[Mapping[str, Any]]) -> None:
        self._stored = stored
        self._read: dict[int, DossierEvent | Unreadable] = {}
        self._all: list[DossierEvent] | None = None

    def _at(self, index: int) -> DossierEvent | Unreadable:
        item = self._read.get(index)
        if item is None:
            item = self._read[index] = read(DossierEvent, self._stored[index])
        return item

    def _readable(self) -> list[DossierEvent]:
        if self._all is None:
            found = (self._at(i) for i in range(len(self._stored)))
            self._all = [item for item in found if not isinstance(item, Unreadable)]
        return self._all

    def recent(self, count: int) -> list[DossierEvent]:
        """The last `count` readable events, oldest first, reading no more than needed."""
        if count <= 0:
            return []
        if self._all is not None:
            return self._all[-count:]
        found: list[DossierEvent] = []
        for index in reversed(range(len(self._stored))):
            if len(found) == count:
                break
            item = self._at(index)
            if not isinstance(item, Unreadable):
                found.append(item)
        return found[::-1]

    def __len__(self) -> int:
        return len(self._readable())

    @overload
    def __getitem__(self, index: int) -> DossierEvent: ...
    @overload
    def __getitem__(self, index: slice) -> list[DossierEvent]: ...
    def __getitem__(self, index: int | slice) -> DossierEvent | list[DossierEvent]:
        return self._readable()[index]

    def __iter__(self) -> Iterator[DossierEvent]:
        return iter(self._readable())
