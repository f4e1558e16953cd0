"""The event hub: one change stream per API process, fanned out to local subscribers.

The hub watches inserts into `dossier_events` (in commit order, which is position
order) and copies each event into every subscriber's bounded queue, with one set of
shared, shielded loaders per event: N subscribers cost one dossier lookup, and a
subscriber that goes away cannot cancel that lookup for the others. A subscriber that
lets its queue fill up is dropped (its feed raises SubscriberTooSlowError) so it never
holds the others back. When the stream fails, the hub reopens it from the last resume
token, backing off exponentially, so no event is lost. When that token is past the
oplog's window (the stream was away too long), it reopens from now and reads the gap
from the collection by position.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

from pymongo.errors import OperationFailure

from api.workers.failures import describe
from documents.common.clock import utcnow
from documents.common.tolerant import Unreadable, read
from documents.dossiers.events import DossierEvent
from documents.dossiers.feed import events_after, latest_position
from loaders import Loaders
from schema.core.context import LiveEvent, SubscriberTooSlowError

logger = logging.getLogger("motcua.hub")

ResumeToken = Mapping[str, Any]


class ChangeStream(Protocol):
    """What the hub needs of PyMongo's AsyncChangeStream."""

    @property
    def resume_token(self) -> ResumeToken | None: ...

    async def next(self) -> Mapping[str, Any]: ...

    async def close(self) -> None: ...


Watch = Callable[[ResumeToken | None], Awaitable[ChangeStream]]
# The server's answers to a resume token it can no longer honour: InvalidResumeToken,
# ChangeStreamFatalError (older servers, for a point no longer in the oplog) and
# ChangeStreamHistoryLost. Reopening with the same token fails every time.
HISTORY_LOST = frozenset({260, 280, 286})


async def watch_dossier_events(resume_after: ResumeToken | None) -> ChangeStream:
    """Inserts into `dossier_events`, from `resume_after` (or from now)."""
    collection = DossierEvent.get_pymongo_collection()
    stream: ChangeStream = await collection.watch(
        [{"$match": {"operationType": "insert"}}], resume_after=resume_after
    )
    return stream


class Feed:
    """One subscriber's queue of events, in commit order. `after`: the position of the
    last event published before it registered; every later one is offered to it."""

    def __init__(self, size: int, after: int | None = None) -> None:
        self.queue: asyncio.Queue[LiveEvent | None] = asyncio.Queue(maxsize=size)
        self.overflowed = False
        self.after = after
        # How many subscriptions this feed serves: a fan-out group's feed serves all its
        # members (api/http/fanout.py).
        self.listeners = 1

    def offer(self, event: LiveEvent) -> bool:
        """Queues `event`; False (and the feed ends) when the queue is full."""
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True
            while not self.queue.empty():  # make room for the end-of-feed marker
                self.queue.get_nowait()
            self.queue.put_nowait(None)
            return False
        return True

    def __aiter__(self) -> AsyncIterator[LiveEvent]:
        return self

    async def __anext__(self) -> LiveEvent:
        event = await self.queue.get()
        if event is None:
            raise SubscriberTooSlowError("subscriber too slow")
        return event


class EventHub:
    def __init__(
        self,
        queue_size: int = 1000,
        *,
        watch: Watch = watch_dossier_events,
        initial_backoff: float = 0.05,
        max_backoff: float = 5.0,
    ) -> None:
        self.queue_size = queue_size
        self.watch = watch
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        self.resume_token: ResumeToken | None = None
        self.restarts = 0
        # For /readyz and the metrics: whether the stream is open now, since when, and
        # the last event published (its position), so a lag behind the collection shows.
        self.stream_open = False
        self.opened_at: datetime | None = None
        self.last_position: int | None = None
        self.skipped = 0
        # Times the resume token was refused and the gap read from the collection.
        self.history_lost = 0
        # The last position committed before the stream first opened: where a gap is
        # read from when no event has been published since.
        self._opened_after: int | None = None
        self._feeds: set[Feed] = set()
        # The subscriptions that share one execution per event (api/http/fanout.py),
        # made by the transport with the first one.
        self.fanout: object | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    @property
    def subscribers(self) -> int:
        return sum(feed.listeners for feed in self._feeds)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self, wait_seconds: float = 30.0) -> None:
        """Opens the change stream and waits (up to `wait_seconds`) until it is open,
        so no later insert is missed; after that it keeps retrying in the background."""
        self._task = asyncio.create_task(self._run(), name="motcua-event-hub")
        ready = asyncio.create_task(self._ready.wait())
        done, _ = await asyncio.wait({ready}, timeout=wait_seconds)
        if ready not in done:
            ready.cancel()
            logger.error("the change stream is not open yet; the hub keeps trying")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.stream_open = False

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[Feed]:
        """A feed registered (and buffering) from now until the block exits."""
        feed = Feed(self.queue_size, after=self.last_position)
        self._feeds.add(feed)
        try:
            yield feed
        finally:
            self._feeds.discard(feed)

    def publish(self, event: DossierEvent) -> None:
        # Fresh for this event, shared by its subscribers, cancellable by none of them.
        live = LiveEvent(event, Loaders.shared())
        for feed in list(self._feeds):
            if not feed.offer(live):
                self._feeds.discard(feed)
                logger.warning("dropped a subscriber whose queue (%d) was full", self.queue_size)

    def receive(self, document: Mapping[str, Any]) -> None:
        """Publishes one inserted event. An event this version cannot read (a newer
        process wrote an event type it does not know) is skipped and counted, so a
        rolling upgrade never stops the stream at it. One already published (read from
        the collection after a lost history) is not published again."""
        position = document.get("position")
        last = self.last_position
        if isinstance(position, int) and last is not None and position <= last:
            return
        event = read(DossierEvent, document)  # when unreadable: logged once and counted
        if isinstance(event, Unreadable):
            self.skipped += 1
            self._passed(document.get("position"))  # a malformed one too
            return
        self.publish(event)
        self._passed(event.position)

    def _passed(self, position: object) -> None:
        if isinstance(position, int) and (
            self.last_position is None or position > self.last_position
        ):
            self.last_position = position

    async def _open(self) -> ChangeStream:
        """The stream from the last resume token. Without one (the server can no longer
        resume from it, or no stream ever gave one), from now, once the events missed
        since the last one published have been read from the collection."""
        if self.resume_token is not None:
            try:
                return await self.watch(self.resume_token)
            except OperationFailure as error:
                if error.code not in HISTORY_LOST:
                    raise
            logger.warning(
                "the change stream cannot resume from its token (its history is gone); "
                "reopening from now and reading the missed events from the collection"
            )
            self.history_lost += 1
            self.resume_token = None
        if self._opened_after is None:  # the first opening: nothing was published before
            self._opened_after = await latest_position()
            return await self.watch(None)
        stream = await self.watch(None)
        try:
            await self._read_gap()
        except BaseException:
            with contextlib.suppress(Exception):
                await stream.close()
            raise
        return stream

    async def _read_gap(self) -> None:
        """Publishes, in position order, the events committed up to now after the last
        one published; the stream just opened brings the later ones, and one it repeats
        is not published twice (`receive`)."""
        after = self.last_position if self.last_position is not None else self._opened_after
        async for event in events_after(after or 0, await latest_position(), {}):
            self.publish(event)
            self._passed(event.position)

    async def _run(self) -> None:
        backoff = self.initial_backoff
        while True:
            try:
                stream = await self._open()
            except Exception as error:  # one line: no traceback every retry
                logger.error(
                    "could not open the change stream (%s); retrying in %.2f s",
                    describe(error),
                    backoff,
                )
            else:
                try:
                    # The token of the opened stream (postBatchResumeToken) covers a
                    # failure before the first event arrives.
                    self.resume_token = stream.resume_token or self.resume_token
                    self.stream_open = True
                    self.opened_at = self.opened_at or utcnow()
                    self._ready.set()
                    while True:
                        change = await stream.next()
                        self.receive(change["fullDocument"])
                        self.resume_token = change["_id"]
                        backoff = self.initial_backoff
                except Exception as error:
                    logger.error(
                        "the change stream failed (%s); resuming in %.2f s",
                        describe(error),
                        backoff,
                    )
                finally:
                    self.stream_open = False
                    with contextlib.suppress(Exception):
                        await stream.close()
            self.restarts += 1
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self.max_backoff)
