"""The outbox worker: every API process runs one. It leases due messages, in order per
key, and hands each to the adapter of its destination (docs/integrations.md)."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from collections import Counter
from datetime import timedelta

from api.settings import Settings
from api.workers.periodic import Periodic
from documents.common.clock import utcnow
from documents.common.deliveries import DeliveryAttempt, Sent, retry_at
from documents.outbox.carrying import Ports, carry
from documents.outbox.messages import OutboxMessage
from documents.outbox.ordering import finish, lease_next

log = logging.getLogger(__name__)

# Messages one process attempts at the same time.
LANES = 4


class OutboxWorker:
    def __init__(self, settings: Settings, ports: Ports, owner: str | None = None) -> None:
        self.settings, self.ports = settings, ports
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        # Longer than any one attempt can take, so no other worker starts it meanwhile.
        self.lease = timedelta(seconds=2 * settings.outbox_attempt_seconds + 30)
        # Attempts by (destination, outcome: delivered, failed, dead), for the metrics.
        self.outcomes: Counter[tuple[str, str]] = Counter()
        self.rounds = Periodic(
            f"outbox worker {self.owner}",
            settings.outbox_poll_seconds,
            self.run_once,
            grace=settings.outbox_attempt_seconds + 5,
            max_backoff=settings.worker_max_backoff_seconds,
        )

    def start(self) -> None:
        self.rounds.start()

    async def stop(self) -> None:
        await self.rounds.stop()

    async def run_once(self) -> int:
        """Attempt every due message this process can lease; how many."""
        return sum(await asyncio.gather(*(self._drain() for _ in range(LANES))))

    async def _drain(self) -> int:
        done, destinations = 0, self.ports.configured()
        while (message := await lease_next(self.owner, self.lease, destinations)) is not None:
            await self.attempt(message)
            done += 1
        return done

    async def attempt(self, message: OutboxMessage) -> bool:
        """One attempt; True when the destination accepted the message."""
        started, moment = time.perf_counter(), utcnow()
        try:
            async with asyncio.timeout(self.settings.outbox_attempt_seconds):
                sent = await carry(message, self.ports)
        except TimeoutError:
            sent = Sent(delivered=False, error="timeout")
        except Exception as error:  # an adapter's bug must not stop the line
            # The type only: an exception's text may quote the message, addressee included.
            log.error("outbox %s message failed: %s", message.destination, type(error).__name__)
            sent = Sent(delivered=False, error="adapter failed")
        attempt = DeliveryAttempt(
            at=moment,
            duration_ms=round((time.perf_counter() - started) * 1000),
            http_status=sent.http_status,
            error=None if sent.delivered else sent.error,
        )
        next_at = None
        if not (sent.delivered or sent.permanent):
            settings = self.settings
            window = timedelta(hours=settings.outbox_retry_hours)
            base, cap = settings.outbox_backoff_seconds, settings.outbox_max_backoff_seconds
            next_at = retry_at(len(message.attempts) + 1, message.retry_since, base, cap, window)
        await finish(message, self.owner, attempt, sent, next_at, self.settings.keep_delivered)
        outcome = "delivered" if sent.delivered else "failed" if next_at else "dead"
        self.outcomes[message.destination.value, outcome] += 1
        return sent.delivered
