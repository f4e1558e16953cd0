"""Documents this version cannot read stop no worker: the hub and the subscriptions it
feeds, the webhook worker, the statistics rebuild and the deadline sweeper each skip
them (counted) and go on with the rest."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from bson import ObjectId

from api.settings import Settings
from documents.calendar.working_calendar import OfficeHours
from documents.common.counters import next_value
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent
from documents.statistics.deadline_sweep import sweep_passed_deadlines
from documents.statistics.facts import OpenClock
from documents.statistics.rebuild import rebuild, verify
from documents.webhooks.delivery import WebhookDelivery
from documents.webhooks.subscriptions import Webhook
from tests.api import test_webhooks as webhooks
from tests.api.test_webhooks import DRIVEN, Receiver, driven_worker, register, submit
from tests.catalogue import WARD, load_tiny_catalogue
from tests.conftest import GraphQLClient
from tests.realtime import bearer, serving, subscriber
from tests.schema.dossiers.test_subscriptions import token
from tests.schema.statistics.statistics_helpers import open_dossier

# The webhook tests' fixtures: a receiving server, and settings for quick rounds.
receiver = webhooks.receiver
settings = webhooks.settings


async def newer_event(code: str, kind: str = "SIGNED_BY_VNEID") -> ObjectId:
    """An event of a type this version does not know, as a newer version records it."""
    ident = ObjectId()
    document: dict[str, Any] = {
        "_id": ident, "seq": ident, "dossier_code": code, "type": kind,
        "at": datetime.now(UTC), "payload": {},
    }  # fmt: skip
    if "position" in DossierEvent.model_fields:  # events numbered in commit order
        document["position"] = await next_value("dossier_events")
    await DossierEvent.get_pymongo_collection().insert_one(document)
    return ident


async def break_dossier(code: str) -> None:
    """The dossier now holds a status this version does not know (a newer one set it)."""
    result = await Dossier.get_pymongo_collection().update_one(
        {"code": code}, {"$set": {"status": "ARCHIVED_IN_V2"}}
    )
    assert result.modified_count == 1


async def test_a_subscriber_gets_the_next_event_after_ones_it_cannot_read(
    settings: Settings,
) -> None:
    async with serving(settings) as served:
        await load_tiny_catalogue()
        officer = served.client(settings).as_role("officer:reception", agency=WARD)
        async with subscriber(served.ws_url, bearer(token(settings))) as sub:
            await sub.subscribe()
            await served.registered(1)
            first = await submit(officer)
            seen = await sub.next_event()
            assert seen["dossierCode"] == first
            await newer_event(first)  # an event type it does not know
            await break_dossier(first)
            await newer_event(first, "RECEIVED")  # a known type, of a dossier it cannot read
            second = await submit(officer)
            assert (await sub.next_event())["dossierCode"] == second
        # Replaying from the first event passes over the same ones, and goes on.
        async with subscriber(served.ws_url, bearer(token(settings))) as sub:
            await sub.subscribe({"after": seen["eventId"]})
            assert (await sub.next_event())["dossierCode"] == second
        metrics = (await served.http.get("/metrics")).text
    assert 'motcua_unreadable_documents_total{collection="dossier_events"}' in metrics


@DRIVEN
async def test_the_webhook_worker_delivers_the_next_event_after_ones_it_cannot_read(
    gql: GraphQLClient,
    admin: GraphQLClient,
    tiny_catalogue: None,
    receiver: Receiver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    await register(admin, receiver.url)
    unreadable = await submit(gql)  # its RECEIVED event waits, unread, for the worker
    await break_dossier(unreadable)
    await newer_event(unreadable)
    second = await submit(gql)
    broken = await Dossier.get_pymongo_collection().find_one({"code": unreadable})
    assert broken is not None
    async with driven_worker(settings_of(gql)) as worker:
        assert await worker.run_once() == 1  # every round used to fail on the dossier
    delivered = [json.loads(body)["dossierCode"] for _, body in receiver.received]
    assert delivered == [second]
    assert f"cannot read: _id {broken['_id']}" in caplog.text  # logged, by `_id` only
    assert "ARCHIVED_IN_V2" not in caplog.text


@DRIVEN
async def test_a_webhook_or_delivery_a_newer_version_wrote_stops_no_other_delivery(
    gql: GraphQLClient, admin: GraphQLClient, tiny_catalogue: None, receiver: Receiver
) -> None:
    hook_id, _ = await register(admin, receiver.url)
    hooks = Webhook.get_pymongo_collection()
    newer = await hooks.find_one({"webhook_id": hook_id})
    assert newer is not None
    newer |= {"_id": ObjectId(), "webhook_id": "wh-newer", "url": receiver.url + "/newer"}
    newer["filter"] = {**newer.get("filter", {}), "types": ["SIGNED_BY_VNEID"]}
    await hooks.insert_one(newer)
    stray = {
        "_id": ObjectId(), "event_id": ObjectId(), "webhook_id": "wh-newer",
        "status": "PENDING", "attempts": [{"at": "yesterday"}],
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
        "retry_since": datetime(2026, 1, 1, tzinfo=UTC),
        "next_attempt_at": datetime(2026, 1, 1, tzinfo=UTC),
    }  # fmt: skip
    await WebhookDelivery.get_pymongo_collection().insert_one(stray)
    code = await submit(gql)
    async with driven_worker(settings_of(gql)) as worker:
        assert await worker.run_once() == 1
    assert [json.loads(body)["dossierCode"] for _, body in receiver.received] == [code]
    assert all(headers[":path"] == "/hook" for headers, _ in receiver.received)


def settings_of(gql: GraphQLClient) -> Settings:
    assert gql.settings is not None
    return gql.settings


@pytest.mark.usefixtures("tiny_catalogue")
async def test_the_deadline_sweep_and_the_statistics_rebuild_pass_over_unreadable_dossiers(
    gql: GraphQLClient,
) -> None:
    # Accepted in March 2026: by the real clock both deadlines have long passed.
    kept, broken = [await open_dossier(gql, day) for day in ("2026-03-03", "2026-03-04")]
    await break_dossier(broken)
    hours = OfficeHours()
    assert await sweep_passed_deadlines(hours) == 2  # used to fail on the broken one
    counted = await OpenClock.find_one(OpenClock.dossier_code == kept)
    assert counted is not None
    assert counted.counted
    assert await rebuild(hours) > 0
    assert isinstance(await verify(hours), list)
