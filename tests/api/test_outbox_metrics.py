"""The outbox in the metrics: attempts per destination and outcome, counted by the worker
that made them; the backlog, dead letters and oldest pending age per destination, read
from the database. Labels name destinations, never a dossier or an addressee."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import httpx
from prometheus_client import generate_latest

from api.observability.metrics import Metrics
from api.settings import Settings
from api.workers.outbox import OutboxWorker
from documents.common.clock import utcnow
from documents.common.deliveries import DeliveryStatus
from documents.outbox.carrying import Ports
from documents.outbox.messages import Destination, OutboxMessage, message
from tests.api.test_metrics import value
from tests.outbox_receiver import ReceiverAdapter, portal_message, receiver


async def test_deliveries_failures_and_the_backlog_per_destination(
    http: httpx.AsyncClient, settings: Settings
) -> None:
    await OutboxMessage.insert_many([portal_message("A", 1), portal_message("B", 1)])
    old = message(Destination.SMS, "C", 1, "notification", {"to": "0912345678"}, utcnow())
    old.created_at = utcnow() - timedelta(minutes=5)
    dead = message(Destination.EMAIL, "D", 1, "notification", {}, utcnow())
    dead.status = DeliveryStatus.DEAD
    await OutboxMessage.insert_many([old, dead])
    with receiver() as endpoint:
        adapter = ReceiverAdapter(endpoint.url)
        try:
            quick = settings.model_copy(update={"outbox_backoff_seconds": 60.0})
            worker = OutboxWorker(quick, Ports(portal=adapter))
            endpoint.failing_keys = {"B"}
            await worker.run_once()
        finally:
            await adapter.aclose()
    metrics = Metrics()
    metrics.observe(lambda: SimpleNamespace(outbox=worker))
    await metrics.refresh(None)
    text = generate_latest(metrics.registry).decode()

    deliveries = "motcua_outbox_deliveries_total"
    assert value(text, deliveries, destination="PORTAL", outcome="delivered") == 1
    assert value(text, deliveries, destination="PORTAL", outcome="failed") == 1
    assert value(text, deliveries, destination="PORTAL", outcome="dead") == 0
    assert value(text, "motcua_outbox_backlog", destination="PORTAL") == 1
    assert value(text, "motcua_outbox_backlog", destination="SMS") == 1
    assert value(text, "motcua_outbox_dead_letters", destination="EMAIL") == 1
    assert 300 <= value(text, "motcua_outbox_oldest_pending_seconds", destination="SMS") < 360
    assert value(text, "motcua_outbox_oldest_pending_seconds", destination="ZALO") == 0
    assert "0912345678" not in text
    assert 'key="' not in text
