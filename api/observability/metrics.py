"""Prometheus metrics of one app, in a registry of its own (two apps in one process do not
clash). Labels are bounded and carry no personal data: routes are the app's route
templates, GraphQL operations their first root field, error codes our own codes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from bson import ObjectId
from prometheus_client import (
    GC_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    disable_created_metrics,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from api.workers.hub import EventHub
from api.workers.periodic import Periodic
from documents.common.clock import utcnow
from documents.common.deliveries import DeliveryStatus, due
from documents.common.tolerant import UNREADABLE
from documents.dossiers.events import DossierEvent
from documents.outbox.backlog import backlogs
from documents.webhooks.delivery import WebhookDelivery

# Up to the operation timeout (15 s by default) and past it.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30)
_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,63}")
_COMMAND = re.compile(r"[A-Za-z]{1,40}")


def error_label(code: object) -> str:
    """Our codes are UPPER_SNAKE; anything else (none, or a stranger's) is one label."""
    return code if isinstance(code, str) and _CODE.fullmatch(code) else "OTHER"


def command_label(name: str) -> str:
    return name if _COMMAND.fullmatch(name) else "other"


class Metrics:
    """The app's metrics; the state collector reads the hub and workers when scraped."""

    def __init__(self) -> None:
        disable_created_metrics()  # the `_created` series would double every counter's
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        self.registry.register(GC_COLLECTOR)
        r = self.registry
        self.http_requests = Counter(
            "motcua_http_requests",
            "HTTP requests (and WebSocket handshakes) by route template, method and status.",
            ["route", "method", "status"],
            registry=r,
        )
        self.http_duration = Histogram(
            "motcua_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template.",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.operations = Counter(
            "motcua_graphql_operations",
            "GraphQL operations by type, first root field and outcome "
            "(ok, error, rejected before execution, cancelled).",
            ["type", "operation", "outcome"],
            registry=r,
        )
        self.operation_duration = Histogram(
            "motcua_graphql_operation_duration_seconds",
            "Time to run a GraphQL query or mutation, by first root field.",
            ["type", "operation"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.errors = Counter(
            "motcua_graphql_errors",
            "GraphQL errors by extensions.code.",
            ["code"],
            registry=r,
        )
        self.rate_limited = Counter(
            "motcua_rate_limit_refusals",
            "Requests refused by a rate limit: HTTP 429, WebSocket close 4429, "
            "or a GraphQL RATE_LIMITED error.",
            ["transport"],
            registry=r,
        )
        self.database_failures = Counter(
            "motcua_database_command_failures",
            "Database commands that failed, by command name.",
            ["command"],
            registry=r,
        )
        self.webhook_backlog = Gauge(
            "motcua_webhook_backlog",
            "Webhook deliveries due now and not yet attempted (the whole database).",
            registry=r,
        )
        self.dead_letters = Gauge(
            "motcua_webhook_dead_letters",
            "Webhook deliveries that failed for their whole retry window (outbox dead letters).",
            registry=r,
        )
        # Per destination, a bounded set (documents/outbox/messages.py, `Destination`).
        self.outbox_backlog = Gauge(
            "motcua_outbox_backlog",
            "Outbox messages not yet delivered, by destination (the whole database).",
            ["destination"],
            registry=r,
        )
        self.outbox_dead_letters = Gauge(
            "motcua_outbox_dead_letters",
            "Outbox messages given up on until an operator redelivers them, by destination.",
            ["destination"],
            registry=r,
        )
        self.outbox_oldest = Gauge(
            "motcua_outbox_oldest_pending_seconds",
            "How long the oldest undelivered outbox message has waited, by destination "
            "(0 when none waits).",
            ["destination"],
            registry=r,
        )
        self.hub_lag = Gauge(
            "motcua_hub_lag_seconds",
            "Now minus the time of the oldest event this process's hub has not yet "
            "published (0 when it has them all).",
            registry=r,
        )
        self.refreshed = Gauge(
            "motcua_metrics_refreshed_timestamp_seconds",
            "When the database-wide gauges (backlogs, dead letters, hub lag) were last read.",
            registry=r,
        )

    def observe(self, state: Callable[[], Any]) -> None:
        """Reads the hub and the workers from the app's `state` when scraped."""
        self.registry.register(StateCollector(state))

    async def refresh(self, hub: EventHub | None) -> None:
        """Reads the gauges that need the database: one indexed count or find each."""
        now = utcnow()
        deliveries = WebhookDelivery.get_pymongo_collection()
        self.webhook_backlog.set(await deliveries.count_documents(due(now)))
        self.dead_letters.set(
            await deliveries.count_documents({"status": DeliveryStatus.DEAD.value})
        )
        for backlog in await backlogs(delivered=False):
            name = backlog.destination.value
            self.outbox_backlog.labels(name).set(backlog.pending)
            self.outbox_dead_letters.labels(name).set(backlog.dead)
            self.outbox_oldest.labels(name).set(backlog.oldest_pending_seconds or 0.0)
        self.hub_lag.set(await hub_lag(hub, now))
        self.refreshed.set(now.timestamp())

    def refresher(self, state: Callable[[], Any], interval: float, max_backoff: float) -> Periodic:
        return Periodic(
            "metrics refresh",
            interval,
            lambda: self.refresh(getattr(state(), "hub", None)),
            max_backoff=max_backoff,
        )


async def hub_lag(hub: EventHub | None, now: datetime) -> float:
    """How long the oldest event after the last one the hub published has waited. Until
    the hub has published one, the newest event made since its stream opened stands in."""
    if hub is None or hub.opened_at is None:
        return 0.0
    events = DossierEvent.get_pymongo_collection()
    if hub.last_position is not None:
        waiting = await events.find_one(
            {"position": {"$gt": hub.last_position}}, {"at": 1}, sort=[("position", 1)]
        )
    else:
        waiting = await events.find_one(
            {"position": {"$gte": 0}}, {"at": 1}, sort=[("position", -1)]
        )
        made = waiting.get("_id") if waiting else None
        if not isinstance(made, ObjectId) or made.generation_time < hub.opened_at:
            waiting = None
    if waiting is None or not isinstance(waiting.get("at"), datetime):
        return 0.0
    return max(0.0, (now - waiting["at"]).total_seconds())


WORKERS = {
    "webhooks": "webhooks",
    "sweeper": "deadline_sweeper",
    "merge_scheduler": "merge_scheduler",
    "sessions": "session_reaper",
    "outbox": "outbox",
}


class StateCollector(Collector):
    """Subscribers, the hub's stream and restarts, and each background worker's health."""

    def __init__(self, state: Callable[[], Any]) -> None:
        self.state = state

    def collect(self) -> Iterator[Metric]:
        state = self.state()
        hub: EventHub | None = getattr(state, "hub", None)
        subscribers = GaugeMetricFamily(
            "motcua_subscribers", "GraphQL subscriptions open on this process."
        )
        stream = GaugeMetricFamily(
            "motcua_hub_stream_open", "1 while the event hub's change stream is open."
        )
        restarts = CounterMetricFamily(
            "motcua_hub_restarts", "Times the event hub reopened its change stream."
        )
        skipped = CounterMetricFamily(
            "motcua_hub_skipped_events", "Events this version could not read, skipped."
        )
        lost = CounterMetricFamily(
            "motcua_hub_history_lost",
            "Times the change stream could not resume from its token (past the oplog's "
            "window) and the hub read the missed events from the collection.",
        )
        shared = CounterMetricFamily(
            "motcua_fanout_executions",
            "Results of shared subscription executions: one per group of identical viewers "
            "per event, however many subscribers the group has.",
        )
        if hub is not None:
            subscribers.add_metric([], hub.subscribers)
            stream.add_metric([], 1 if hub.stream_open else 0)
            restarts.add_metric([], hub.restarts)
            skipped.add_metric([], hub.skipped)
            lost.add_metric([], hub.history_lost)
            shared.add_metric([], getattr(getattr(hub, "fanout", None), "executions", 0))
        yield from (subscribers, stream, restarts, skipped, lost, shared)
        running = GaugeMetricFamily(
            "motcua_worker_running", "1 while the background worker runs.", labels=["worker"]
        )
        failing = GaugeMetricFamily(
            "motcua_worker_consecutive_failures",
            "Rounds in a row the worker has failed (0 when healthy).",
            labels=["worker"],
        )
        failures = CounterMetricFamily(
            "motcua_worker_failures", "Rounds the worker has failed.", labels=["worker"]
        )
        for attribute, label in WORKERS.items():
            worker = getattr(state, attribute, None)
            rounds: Periodic | None = getattr(worker, "rounds", worker)
            if not isinstance(rounds, Periodic):
                continue
            running.add_metric([label], 1 if rounds.running else 0)
            failing.add_metric([label], rounds.failures)
            failures.add_metric([label], rounds.total_failures)
        yield from (running, failing, failures)
        outbox = getattr(state, "outbox", None)
        outcomes = getattr(outbox, "outcomes", None)
        if outcomes is not None:  # api/workers/outbox.py
            delivered = CounterMetricFamily(
                "motcua_outbox_deliveries",
                "Outbox delivery attempts by this process, by destination and outcome: "
                "delivered, failed (to be retried) or dead (a dead letter).",
                labels=["destination", "outcome"],
            )
            for (destination, outcome), count in sorted(outcomes.items()):
                delivered.add_metric([destination, outcome], count)
            yield delivered
        supervisor = getattr(state, "embedded_database", None)
        if supervisor is not None:  # docs/embedded-database.md
            yield CounterMetricFamily(
                "motcua_embedded_database_restarts",
                "Restart attempts of the embedded database by its supervisor.",
                value=supervisor.restarts,
            )
            yield GaugeMetricFamily(
                "motcua_embedded_database_disk_full",
                "1 while the embedded database's disk is full (or below its free-space floor).",
                value=1 if supervisor.disk_full else 0,
            )
        unreadable = CounterMetricFamily(
            "motcua_unreadable_documents",
            "Stored documents skipped because this version cannot read them (an unknown "
            "event type, status or enum value; a missing or malformed field), by collection, "
            "since the process started (docs/durability.md).",
            labels=["collection"],
        )
        for collection, count in sorted(UNREADABLE.items()):
            unreadable.add_metric([collection], count)
        yield unreadable
