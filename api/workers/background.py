"""The background services every API process runs: the event hub (subscriptions), the
webhook and outbox workers, the deadline sweeper, the merge scheduler and the live
schema (the schema watcher)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import strawberry

from api.adapters.ports import Adapters
from api.settings import Settings
from api.workers.hub import EventHub
from api.workers.merge_scheduler import MergeScheduler
from api.workers.outbox import OutboxWorker
from api.workers.schema_watcher import SchemaWatcher
from api.workers.sweeper import DeadlineSweeper
from api.workers.webhooks import WebhookWorker


class BackgroundServices:
    """Made with the app's state; started only when `background_services` is on (tests
    that count database commands turn them off)."""

    def __init__(
        self,
        settings: Settings,
        adapters: Adapters,
        serve: Callable[[strawberry.Schema], None] | None = None,
    ) -> None:
        self.on = settings.background_services
        # Rebuilds the schema `serve` swaps in when the forms change (none: no watcher).
        self.schema: SchemaWatcher | None = None
        if serve is not None:
            self.schema = SchemaWatcher(
                serve,
                check_seconds=settings.schema_check_seconds,
                max_backoff=settings.hub_max_backoff_seconds,
            )
        self.hub = EventHub(
            settings.subscriber_queue_size, max_backoff=settings.hub_max_backoff_seconds
        )
        self.webhooks = WebhookWorker(settings)
        # Statistics' deadline sweep and the scheduled merges (docs/merges.md).
        self.sweeper, self.merges = DeadlineSweeper(settings), MergeScheduler(settings)
        # Delivers the outbox to the national systems' adapters (docs/integrations.md).
        self.outbox = OutboxWorker(settings, adapters.ports)

    async def start(self) -> None:
        if self.on:
            await self.hub.start()
            if self.schema is not None:
                await self.schema.start()
            await self.webhooks.start()
            self.outbox.start()
            await asyncio.gather(self.sweeper.start(), self.merges.start())

    def stops(self) -> dict[str, Awaitable[None] | None]:
        """What stopping them takes, by name, for `Stopping.run`."""
        on = self.on
        return {
            "deadline sweeper": self.sweeper.stop() if on else None,
            "merge scheduler": self.merges.stop() if on else None,
            "webhook worker": self.webhooks.stop() if on else None,
            "outbox worker": self.outbox.stop() if on else None,
            "event hub": self.hub.stop() if on else None,
            "schema watcher": self.schema.stop() if on and self.schema else None,
        }
