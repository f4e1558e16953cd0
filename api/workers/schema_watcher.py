"""The live schema: each API process rebuilds its GraphQL schema when the forms change.

A change stream on the `forms` collection (resumed and reopened with backoff, as the
event hub's) wakes the watcher; a periodic check of the published (key, version,
status) set is the safety net for anything the stream missed. When that set differs
from the one the served schema was built from, the schema is built again in a worker
thread and handed to `serve`, which swaps it whole (api/http/graphql.py): a request
already running finishes on the schema it started with, an open WebSocket keeps its
own. A failed build keeps the previous schema, is logged in one line, counted, and
retried with backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

import strawberry

from api.workers.failures import describe
from api.workers.hub import ChangeStream, ResumeToken
from documents.catalogue.forms.definition import FormSchema
from documents.catalogue.forms.published import published_forms
from documents.common.clock import utcnow
from schema import build_schema

logger = logging.getLogger("motcua.schema")

Fingerprint = frozenset[tuple[str, int, str]]
Build = Callable[[Sequence[FormSchema]], strawberry.Schema]
Load = Callable[[], Awaitable[Sequence[FormSchema]]]
Watch = Callable[[ResumeToken | None], Awaitable[ChangeStream]]

# Strawberry binds some resolvers onto shared field objects while it builds a schema:
# two apps in one process (tests) must not build at the same time.
_building = threading.Lock()


def build_for_forms(forms: Sequence[FormSchema]) -> strawberry.Schema:
    return build_schema(forms)


def fingerprint(forms: Sequence[FormSchema]) -> Fingerprint:
    return frozenset((form.key, form.version or 0, str(form.status)) for form in forms)


async def watch_forms(resume_after: ResumeToken | None) -> ChangeStream:
    """Every change to `forms`: drafts wake the watcher too, and the check ignores them."""
    collection = FormSchema.get_pymongo_collection()
    stream: ChangeStream = await collection.watch([], resume_after=resume_after)
    return stream


class SchemaWatcher:
    """Keeps the schema `serve` receives in step with the numbered forms."""

    def __init__(
        self,
        serve: Callable[[strawberry.Schema], None],
        *,
        build: Build | None = None,
        load: Load = published_forms,
        watch: Watch = watch_forms,
        check_seconds: float = 30.0,
        initial_backoff: float = 0.05,
        max_backoff: float = 5.0,
    ) -> None:
        self.serve, self.load, self.watch = serve, load, watch
        self.build = build or build_for_forms
        self.check_seconds = check_seconds
        self.initial_backoff, self.max_backoff = initial_backoff, max_backoff
        # What the served schema was built from: the app begins with no form's types.
        self.built: Fingerprint = frozenset()
        self.forms = 0
        self.rebuilds = 0
        self.failures = 0  # failed refreshes so far (the schema served stayed the same)
        self.failing = 0  # failed refreshes in a row
        self.last_failure: datetime | None = None
        self.stream_open = False
        self.resume_token: ResumeToken | None = None
        self._wake = asyncio.Event()
        self._open = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def running(self) -> bool:
        return bool(self._tasks) and not any(task.done() for task in self._tasks)

    async def start(self, wait_seconds: float = 10.0) -> None:
        """Opens the change stream (waiting up to `wait_seconds`, so no publish after
        this returns is missed), then builds for the forms published so far; a failure
        of either is retried in the background."""
        self._tasks = [asyncio.create_task(self._follow(), name="motcua-schema-stream")]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._open.wait(), wait_seconds)
        self._wake.clear()  # the refresh below covers what the opening stream saw
        with contextlib.suppress(Exception):  # logged and counted by refresh
            await self.refresh()
        self._tasks.append(asyncio.create_task(self._refreshing(), name="motcua-schema-refresh"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        self.stream_open = False

    async def refresh(self) -> bool:
        """Rebuilds and serves the schema if the numbered forms changed; True if it did.
        Raises (after logging and counting) when loading or building fails."""
        try:
            forms = await self.load()
            seen = fingerprint(forms)
            if seen == self.built:
                self.failing = 0
                return False
            schema = await asyncio.to_thread(self._build, forms)
        except Exception as error:
            self.failures += 1
            self.failing += 1
            self.last_failure = utcnow()
            logger.error(
                "could not rebuild the schema (%s); still serving the previous one",
                describe(error),
            )
            raise
        self.serve(schema)
        self.built, self.forms, self.failing = seen, len(forms), 0
        self.rebuilds += 1
        logger.info("schema rebuilt for %d form versions", len(forms))
        return True

    def _build(self, forms: Sequence[FormSchema]) -> strawberry.Schema:
        with _building:
            return self.build(forms)

    def _next_wait(self) -> float:
        if self.failing == 0:
            return self.check_seconds
        return min(self.initial_backoff * 2.0**self.failing, max(self.check_seconds, 1.0))

    async def _refreshing(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._next_wait())
            self._wake.clear()
            with contextlib.suppress(Exception):  # logged and counted; retried
                await self.refresh()

    async def _follow(self) -> None:
        backoff = self.initial_backoff
        while True:
            try:
                stream = await self.watch(self.resume_token)
            except Exception as error:
                logger.error(
                    "could not open the forms' change stream (%s); retrying in %.2f s",
                    describe(error),
                    backoff,
                )
            else:
                try:
                    self.resume_token = stream.resume_token or self.resume_token
                    self.stream_open = True
                    self._open.set()
                    self._wake.set()  # whatever happened while it was closed
                    while True:
                        change = await stream.next()
                        self.resume_token = change["_id"]
                        self._wake.set()
                        backoff = self.initial_backoff
                except Exception as error:
                    logger.error(
                        "the forms' change stream failed (%s); resuming in %.2f s",
                        describe(error),
                        backoff,
                    )
                finally:
                    self.stream_open = False
                    with contextlib.suppress(Exception):
                        await stream.close()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self.max_backoff)
