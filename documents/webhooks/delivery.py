"""The webhook outbox: one delivery per (event, webhook), leased to one worker at a time.

The dispatcher turns new `dossier_events` into deliveries after a checkpoint kept in
MongoDB, the last position it read (positions follow commit order with no gaps, so
nothing committed later can fall behind it); a unique index on (event_id, webhook_id)
makes re-reading idempotent. Workers
lease a due delivery with `find_one_and_update`, so each is attempted by one process
at a time, and record the outcome only while they still hold the lease.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

from beanie import Document, PydanticObjectId, SortDirection
from bson import ObjectId
from pydantic import AfterValidator, Field
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.errors import BulkWriteError

from documents.access.policy import Access
from documents.common import deliveries
from documents.common.clock import utcnow
from documents.common.deliveries import DeliveryStatus
from documents.common.tolerant import read_all, readable
from documents.dossiers.dossier import Dossier
from documents.dossiers.events import DossierEvent
from documents.dossiers.feed import latest_position, position_before
from documents.groups.events import GROUP_EVENTS
from documents.groups.records import DossierGroup
from documents.webhooks.subscriptions import Webhook

_CHECKPOINT = "dispatcher"
_DUPLICATE_KEY = 11000


class DeliveryError(StrEnum):
    """What an owner reads about a failed attempt: the kind of failure, never the
    exception's text, an address or a DNS detail (operators have the logs)."""

    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    REFUSED_TARGET = "refused target"
    HTTP_3XX = "HTTP 3xx"
    HTTP_4XX = "HTTP 4xx"
    HTTP_5XX = "HTTP 5xx"
    WEBHOOK_DELETED = "webhook deleted"
    EVENT_GONE = "event gone"

    @classmethod
    def for_status(cls, status: int) -> DeliveryError:
        """A non-2xx answer, by its class (the status itself is kept beside it)."""
        if status >= 500:
            return cls.HTTP_5XX
        return cls.HTTP_4XX if status >= 400 else cls.HTTP_3XX


_EARLIER = {
    "the webhook was deleted": DeliveryError.WEBHOOK_DELETED,
    "the event is gone": DeliveryError.EVENT_GONE,
    "the URL's host resolves to a private, loopback or reserved address": (
        DeliveryError.REFUSED_TARGET
    ),
}


def _generic(error: str | None) -> str | None:
    """Attempts recorded before the texts were generic held the exception's text:
    they are read as the kind of failure they were."""
    if error is None or error in DeliveryError.__members__.values():
        return error
    if error in _EARLIER:
        return _EARLIER[error].value
    status = error.removeprefix("HTTP ")
    if status.isdigit():
        return DeliveryError.for_status(int(status)).value
    return DeliveryError.UNREACHABLE.value


class DeliveryAttempt(deliveries.DeliveryAttempt):
    error: Annotated[str | None, AfterValidator(_generic)] = None


class WebhookDelivery(Document):
    event_id: PydanticObjectId
    webhook_id: str
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: list[DeliveryAttempt] = Field(default_factory=list)
    created_at: datetime
    # Retries stop once a retry would fall after `retry_since` + the retry window.
    retry_since: datetime
    # Taking a lease moves this to when the lease runs out: a leased delivery is not
    # due, and one whose worker died is due again then. One indexed range serves it.
    next_attempt_at: datetime
    lease_owner: str | None = None
    # When a delivered delivery is deleted (documents/common/deliveries.py).
    purge_at: datetime | None = None

    class Settings:
        name = "webhook_deliveries"
        indexes = [  # noqa: RUF012 - Beanie reads this class attribute
            IndexModel([("event_id", ASCENDING), ("webhook_id", ASCENDING)], unique=True),
            IndexModel([("status", ASCENDING), ("next_attempt_at", ASCENDING)], name="due"),
            IndexModel([("webhook_id", ASCENDING), ("_id", DESCENDING)], name="by_webhook"),
            deliveries.PURGE_INDEX,
        ]


class WebhookCheckpoint(Document):
    """How far the dispatcher has read `dossier_events`: the last position."""

    name: str
    position: int | None = None
    # Where a version before positions had read to; read once to find the position.
    event_id: PydanticObjectId | None = None

    class Settings:
        name = "webhook_checkpoints"


def _wanted(
    event: DossierEvent, subjects: list[Dossier], hook: Webhook, access: Access | None
) -> bool:
    """As for subscriptions: the filter, then the owner's access to the dossier, now. A
    group event's subjects are the group's members: one that passes is enough."""
    assert event.id is not None
    registered = hook.created_at.replace(microsecond=0)
    return (
        access is not None
        and event.id.generation_time >= registered
        and hook.filter.matches_event(event)
        and access.can_subscribe()
        and any(hook.filter.matches_dossier(d) and access.can_view(d) for d in subjects)
    )


async def _groups_of(events: list[DossierEvent]) -> dict[str, DossierGroup]:
    codes = list({e.dossier_code for e in events if e.type in GROUP_EVENTS})
    if not codes:
        return {}
    return {g.code: g for g in await readable(DossierGroup.find({"code": {"$in": codes}}))}


def _subjects(
    event: DossierEvent, dossiers: dict[str, Dossier], groups: dict[str, DossierGroup]
) -> list[Dossier]:
    if event.type not in GROUP_EVENTS:
        codes = [event.dossier_code]
    else:
        group = groups.get(event.dossier_code)
        codes = [m.dossier_code for m in group.members] if group is not None else []
    return [dossiers[code] for code in codes if code in dossiers]


async def _insert_missing(pairs: list[tuple[PydanticObjectId, str]]) -> int:
    if not pairs:
        return 0
    collection = WebhookDelivery.get_pymongo_collection()
    existing = {
        (d["event_id"], d["webhook_id"])
        async for d in collection.find({"event_id": {"$in": list({e for e, _ in pairs})}})
    }
    now = utcnow()
    fresh = [
        WebhookDelivery(
            event_id=e, webhook_id=w, created_at=now, retry_since=now, next_attempt_at=now
        )
        for e, w in pairs
        if (e, w) not in existing
    ]
    if not fresh:
        return 0
    try:
        await WebhookDelivery.insert_many(fresh, ordered=False)
    except BulkWriteError as error:  # another dispatcher got there first
        if any(e.get("code") != _DUPLICATE_KEY for e in error.details.get("writeErrors", [])):
            raise
        return len(fresh) - len(error.details.get("writeErrors", []))
    return len(fresh)


def readable_events(raw: list[dict[str, Any]]) -> list[DossierEvent]:
    """The events this version can read. One written by a newer version during a rolling
    upgrade (an event type it does not know) is skipped, not allowed to stop every round."""
    return read_all(DossierEvent, raw)


async def _checkpoint(lag: timedelta) -> int:
    """The last position dispatched. A checkpoint an earlier version left (an event id)
    is read as the last event made `lag` before it, since ids did not follow commits."""
    mark = await WebhookCheckpoint.find_one(WebhookCheckpoint.name == _CHECKPOINT)
    if mark is None:
        return 0
    if mark.position is not None or mark.event_id is None:
        return mark.position or 0
    return await position_before(ObjectId.from_datetime(mark.event_id.generation_time - lag))


async def dispatch_events(lag: timedelta, batch: int = 500) -> int:
    """Create the deliveries for events after the checkpoint; how many. `lag` only
    serves to read a checkpoint written before positions (`_checkpoint`)."""
    # A webhook a newer version wrote (a filter on an event type this one does not know)
    # is skipped and counted: the other webhooks still get their deliveries.
    hooks = await readable(Webhook.find_all())
    if not hooks:  # nothing to deliver: a webhook registered later starts from now
        await _advance(await latest_position())
        return 0
    cursor = await _checkpoint(lag)
    accesses = {h.webhook_id: await h.owner_access() for h in hooks}
    created, last = 0, None
    while True:
        raw = (
            await DossierEvent.get_pymongo_collection()
            .find({"position": {"$gt": cursor}})
            .sort([("position", SortDirection.ASCENDING)])
            .limit(batch)
            .to_list()
        )
        if not raw:
            break
        events = readable_events(raw)
        groups = await _groups_of(events)
        codes = list({e.dossier_code for e in events if e.type not in GROUP_EVENTS})
        codes += list({m.dossier_code for g in groups.values() for m in g.members})
        found = await readable(Dossier.find({"code": {"$in": codes}}))
        dossiers = {d.code: d for d in found}  # an unreadable one's events are skipped
        pairs = [
            (e.id, h.webhook_id)
            for e in events
            for h in hooks
            if e.id is not None
            and _wanted(e, _subjects(e, dossiers, groups), h, accesses[h.webhook_id])
        ]
        created += await _insert_missing(pairs)
        cursor = last = raw[-1]["position"]  # past the unreadable ones too: they stay skipped
    if last is not None:
        await _advance(last)
    return created


async def _advance(position: int) -> None:
    await WebhookCheckpoint.get_pymongo_collection().update_one(
        {"name": _CHECKPOINT}, {"$max": {"position": position}}, upsert=True
    )


async def lease_due(owner: str, lease_for: timedelta) -> WebhookDelivery | None:
    """Take the most overdue delivery nobody holds (documents/common/deliveries.py)."""
    return await deliveries.lease_due(WebhookDelivery, owner, lease_for)


def retry_at(
    delivery: WebhookDelivery, base: float, cap: float, window: timedelta
) -> datetime | None:
    """When to retry after one more failed attempt; None (dead letter) past the window."""
    return deliveries.retry_at(len(delivery.attempts) + 1, delivery.retry_since, base, cap, window)


async def finish_attempt(
    delivery: WebhookDelivery,
    owner: str,
    attempt: DeliveryAttempt,
    next_at: datetime | None,
    keep_for: timedelta | None = None,
) -> bool:
    """Record an attempt: delivered when it succeeded (and deleted `keep_for` later), else
    retried at `next_at` or dead. False when the lease was lost meanwhile."""
    delivered = attempt.http_status is not None and 200 <= attempt.http_status < 300
    return await deliveries.finish_attempt(
        WebhookDelivery,
        delivery.id,
        owner,
        attempt,
        delivered=delivered,
        next_at=next_at,
        keep_for=keep_for,
    )


async def find_delivery(delivery_id: str) -> WebhookDelivery | None:
    if not PydanticObjectId.is_valid(delivery_id):
        return None
    return await WebhookDelivery.get(PydanticObjectId(delivery_id))


async def redeliver(delivery: WebhookDelivery) -> WebhookDelivery:
    """Back to PENDING, due now, with a fresh retry window (documents/common/
    deliveries.py, as the outbox's): only those fields change, so an attempt a worker
    records meanwhile is kept."""
    await deliveries.redeliver(WebhookDelivery, delivery.id)
    return await WebhookDelivery.get(delivery.id) or delivery


async def deliveries_page(
    webhook_id: str, status: DeliveryStatus | None, first: int, after: PydanticObjectId | None
) -> tuple[list[WebhookDelivery], bool]:
    """A webhook's deliveries, newest first, `first` at a time after `after`."""
    query: dict[str, Any] = {"webhook_id": webhook_id}
    if status is not None:
        query["status"] = status.value
    if after is not None:
        query["_id"] = {"$lt": after}
    found = (
        await WebhookDelivery.find(query)
        .sort([("_id", SortDirection.DESCENDING)])
        .limit(first + 1)
        .to_list()
    )
    return found[:first], len(found) > first


async def forget_deliveries(webhook_id: str) -> None:
    """A deleted webhook's pending deliveries go; its history stays for the record."""
    await WebhookDelivery.find(
        {"webhook_id": webhook_id, "status": DeliveryStatus.PENDING.value}
    ).delete()
