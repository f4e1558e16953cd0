"""`outboxStatus`, `outboxMessages` and `redeliverOutboxMessage`: the figures per
destination an operator sees, without payloads, for system administrators only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.settings import Settings
from documents.common.clock import utcnow
from documents.common.deliveries import DeliveryAttempt, DeliveryStatus
from documents.outbox.messages import Destination, OutboxMessage, message
from tests.conftest import GraphQLClient, running_app

STATUS = """{ outboxStatus { destination configured pending deadLetters delivered
  oldestPendingSeconds oldestPendingSince } }"""
MESSAGES = """query($destination: OutboxDestination, $status: WebhookDeliveryStatus,
  $first: Int, $after: String) {
  outboxMessages(destination: $destination, status: $status, first: $first, after: $after) {
    edges { cursor node { messageId destination key sequence kind status
      attempts { httpStatus error } } }
    pageInfo { hasNextPage endCursor } } }"""
REDELIVER = """mutation($id: String!) { redeliverOutboxMessage(id: $id) {
  message { messageId status nextAttemptAt } errors { field code message } } }"""


def stored(
    destination: Destination, key: str, status: DeliveryStatus, minutes_ago: float = 0
) -> OutboxMessage:
    at = utcnow() - timedelta(minutes=minutes_ago)
    made = message(destination, key, 1, "status", {"secret": "Nguyễn Văn An"}, at)
    made.status = status
    if status is not DeliveryStatus.PENDING:
        made.attempts = [DeliveryAttempt(at=at, duration_ms=3, http_status=503, error="HTTP 503")]
    return made


async def test_each_destination_shows_its_backlog_dead_letters_and_oldest_age(
    admin: GraphQLClient,
) -> None:
    await OutboxMessage.insert_many(
        [
            stored(Destination.PORTAL, "D-1", DeliveryStatus.PENDING, minutes_ago=10),
            stored(Destination.PORTAL, "D-2", DeliveryStatus.PENDING, minutes_ago=1),
            stored(Destination.PORTAL, "D-3", DeliveryStatus.DEAD),
            stored(Destination.EMAIL, "D-1", DeliveryStatus.DELIVERED),
            stored(Destination.EMAIL, "D-2", DeliveryStatus.DELIVERED),
        ]
    )
    rows = {r["destination"]: r for r in (await admin.data(STATUS))["outboxStatus"]}
    assert list(rows) == ["PORTAL", "PAYMENT", "EMAIL", "SMS", "ZALO"]
    portal = rows["PORTAL"]
    assert (portal["pending"], portal["deadLetters"], portal["delivered"]) == (2, 1, 0)
    assert 600 <= portal["oldestPendingSeconds"] < 660
    assert rows["EMAIL"]["delivered"] == 2
    assert rows["EMAIL"]["oldestPendingSeconds"] is None
    assert rows["SMS"]["pending"] == 0
    # The tests' app has no national system configured: their messages would wait.
    assert not any(r["configured"] for r in rows.values())


async def test_a_configured_destination_is_shown_configured(settings: Settings) -> None:
    own = settings.model_copy(update={"portal_url": "http://127.0.0.1:9", "portal_secret": "s"})
    async for _, http in running_app(own):
        admin = GraphQLClient(http, own).as_role("system_admin")
        rows = {r["destination"]: r for r in (await admin.data(STATUS))["outboxStatus"]}
        assert rows["PORTAL"]["configured"] is True
        assert rows["PAYMENT"]["configured"] is False


async def test_only_system_administrators_see_the_outbox(gql: GraphQLClient) -> None:
    for client in (gql, gql.as_role("agency_admin"), gql.anonymous()):
        body = await client.execute(STATUS)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        body = await client.execute(REDELIVER, {"id": "0" * 24})
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_messages_are_listed_newest_first_without_their_payload(
    admin: GraphQLClient,
) -> None:
    await OutboxMessage.insert_many(
        [
            stored(Destination.PORTAL, "D-1", DeliveryStatus.DEAD),
            stored(Destination.PORTAL, "D-2", DeliveryStatus.PENDING),
            stored(Destination.SMS, "D-3", DeliveryStatus.DEAD),
        ]
    )
    dead = {"destination": "PORTAL", "status": "DEAD"}
    page = (await admin.data(MESSAGES, dead))["outboxMessages"]
    assert [e["node"]["key"] for e in page["edges"]] == ["D-1"]
    assert page["edges"][0]["node"]["attempts"] == [{"httpStatus": 503, "error": "HTTP 503"}]
    first = (await admin.data(MESSAGES, {"first": 2}))["outboxMessages"]
    assert [e["node"]["key"] for e in first["edges"]] == ["D-3", "D-2"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = await admin.data(MESSAGES, {"first": 2, "after": first["pageInfo"]["endCursor"]})
    assert [e["node"]["key"] for e in rest["outboxMessages"]["edges"]] == ["D-1"]
    body = await admin.execute(MESSAGES, {"after": "not a cursor"})
    assert "errors" in body
    assert "Nguyễn" not in str(await admin.data(MESSAGES))


async def test_a_dead_letter_is_redelivered_and_nothing_else_is(admin: GraphQLClient) -> None:
    dead = stored(Destination.PORTAL, "D-1", DeliveryStatus.DEAD, minutes_ago=60)
    pending = stored(Destination.PORTAL, "D-2", DeliveryStatus.PENDING)
    await OutboxMessage.insert_many([dead, pending])
    done = (await admin.data(REDELIVER, {"id": str(dead.id)}))["redeliverOutboxMessage"]
    assert done["errors"] == []
    assert done["message"]["status"] == "PENDING"
    again = await OutboxMessage.get(dead.id)
    assert again is not None
    assert again.status is DeliveryStatus.PENDING
    assert again.retry_since > utcnow() - timedelta(minutes=1)  # a fresh retry window
    rows = {r["destination"]: r for r in (await admin.data(STATUS))["outboxStatus"]}
    assert (rows["PORTAL"]["pending"], rows["PORTAL"]["deadLetters"]) == (2, 0)

    for id, code in ((str(pending.id), "CONFLICT"), ("0" * 24, "NOT_FOUND"), ("x", "NOT_FOUND")):
        refused = (await admin.data(REDELIVER, {"id": id}))["redeliverOutboxMessage"]
        assert refused["message"] is None
        assert [e["code"] for e in refused["errors"]] == [code]


@pytest.mark.parametrize("first", [0, 500])
async def test_the_page_size_is_bounded(admin: GraphQLClient, first: int) -> None:
    await OutboxMessage.insert_many(
        [stored(Destination.SMS, f"D-{i}", DeliveryStatus.PENDING) for i in range(3)]
    )
    page = (await admin.data(MESSAGES, {"first": first}))["outboxMessages"]
    assert len(page["edges"]) == min(first, 3)
