"""The append-only record of what happens to dossiers: audit trail, control slip, outbox."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import partial
from typing import Any, TypeVar

from beanie import Document, Insert, PydanticObjectId, Replace, Save, before_event
from pydantic import Field, model_validator
from pymongo import ASCENDING, IndexModel, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession

from documents.common.counters import Counter, next_value
from documents.common.tolerant import readable
from documents.common.transactions import in_transaction
from documents.common.turns import HeldAcrossAttempts, Lines
from documents.dossiers.dossier import Dossier
from documents.dossiers.statuses import DossierStatus


class EventType(StrEnum):
    RECEIVED = "RECEIVED"
    ACCEPTED = "ACCEPTED"
    REFUSED = "REFUSED"
    ASSIGNED = "ASSIGNED"
    HANDED_OVER = "HANDED_OVER"
    SUPPLEMENT_REQUESTED = "SUPPLEMENT_REQUESTED"
    SUPPLEMENTED = "SUPPLEMENTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    RESULT_RETURNED = "RESULT_RETURNED"
    WITHDRAWN = "WITHDRAWN"
    APOLOGY_ISSUED = "APOLOGY_ISSUED"
    # Mẫu 05 of Circular 03/2025/TT-VPCP; the payload is {reason}.
    PROCESSING_STOPPED = "PROCESSING_STOPPED"
    PAYMENT_REQUESTED = "PAYMENT_REQUESTED"
    PAYMENT_RECORDED = "PAYMENT_RECORDED"
    # Payment orders (docs/payments.md): cancelled, refunded, the fee exempted (with a
    # reason), a bank transfer's proof uploaded by the applicant.
    PAYMENT_CANCELLED = "PAYMENT_CANCELLED"
    PAYMENT_REFUNDED = "PAYMENT_REFUNDED"
    FEE_EXEMPTED = "FEE_EXEMPTED"
    PAYMENT_PROOF_SUBMITTED = "PAYMENT_PROOF_SUBMITTED"
    ATTACHMENT_ADDED = "ATTACHMENT_ADDED"
    ATTACHMENT_REMOVED = "ATTACHMENT_REMOVED"
    RESULT_ATTACHED = "RESULT_ATTACHED"
    # The dossier moved to the agency its handling agency was merged into.
    AGENCY_MERGED = "AGENCY_MERGED"
    # The dossier moved to one of the agencies its handling agency was split into.
    AGENCY_SPLIT = "AGENCY_SPLIT"
    # Routed at submission from the receiving desk to the competent agency, when they
    # differ; the payload is {from, to, rule} (docs/routing.md).
    TRANSFERRED = "TRANSFERRED"
    # A group member created waiting for another member's result (docs/groups.md); the
    # payload is {group, waitsFor}.
    WAITING_FOR_INPUT = "WAITING_FOR_INPUT"
    # The result it waited for filled it and it was received; the payload is
    # {group, from, fields, reusedSlots}.
    INPUT_RECEIVED = "INPUT_RECEIVED"
    # Group events (docs/groups.md, "Integrators and statistics"): `dossier_code` and
    # `group_code` are both the group's code. A group submission was received;
    GROUP_CREATED = "GROUP_CREATED"
    # a member finished (a result, or refused, rejected, withdrawn, stopped): the payload
    # is {member, status}, and `procedure_code`/`agency_code` are the member's;
    GROUP_MEMBER_DONE = "GROUP_MEMBER_DONE"
    # every member finished; the payload is {status} (the final GroupStatus).
    GROUP_DONE = "GROUP_DONE"


class DossierEvent(Document):
    dossier_code: str
    type: EventType
    at: datetime
    actor: str | None = None
    from_status: DossierStatus | None = None
    to_status: DossierStatus | None = None
    agency_code: str | None = None
    procedure_code: str | None = None
    payload: dict[str, Any] = Field(default_factory=dict)
    # The group submission the dossier belongs to (set by `record_events`), or the
    # group's own code on a group event; the feeds filter on it.
    group_code: str | None = None
    # The event's place in commit order, 1, 2, 3 … with no gaps (`record_events`); the
    # feeds read "events after position p". None only for an event written by a version
    # before positions, until the next start-up numbers it (`number_old_events`).
    position: int | None = None

    @model_validator(mode="after")
    def _identified(self) -> DossierEvent:
        """The id is chosen when the event is made, so a retried transaction reuses it."""
        if self.id is None:
            self.id = PydanticObjectId()
        return self

    @before_event(Insert, Replace, Save)
    def _numbered(self) -> None:
        """An event written without a position would be invisible to every feed until
        the next start-up: events are written with `record_events` only."""
        if self.position is None:
            raise RuntimeError("dossier events are written with record_events")

    class Settings:
        name = "dossier_events"
        indexes = [  # noqa: RUF012 - Beanie reads this class attribute
            # ObjectIds grow with time, so `_id` orders a dossier's history for display.
            IndexModel([("dossier_code", ASCENDING), ("_id", ASCENDING)], name="by_dossier"),
            # Unique among numbered events; events not numbered yet are left out, so
            # several of them may exist. A range `{position: {$gt: p}}` (p >= 0) implies
            # the filter, so the index serves the feeds on SecantusDB and MongoDB alike.
            IndexModel(
                [("position", ASCENDING)],
                name="position",
                unique=True,
                partialFilterExpression={"position": {"$gte": 0}},
            ),
            # One dossier's events after a position (a replay filtered by dossier code).
            IndexModel(
                [("dossier_code", ASCENDING), ("position", ASCENDING)],
                name="by_dossier_position",
            ),
            # A group's events (its members' and its own) after a position.
            IndexModel(
                [("group_code", ASCENDING), ("position", ASCENDING)],
                name="by_group_position",
            ),
        ]


# The counter in `counters` whose value is the last position handed out.
POSITIONS = "dossier_events"
# Writes that follow from events, in the same transaction: the outbox's messages
# (documents/outbox/following.py, registered by `documents/__init__.py`). A follower is
# given the events' dossiers (by code, the fields it named) as the transaction sees them.
Dossiers = Mapping[str, Mapping[str, Any]]
EventFollower = Callable[[AsyncClientSession, Sequence[DossierEvent], Dossiers], Awaitable[None]]
_followers: list[tuple[EventFollower, Mapping[str, int]]] = []
# Their `dossier_code` is a group's code, not a dossier's.
_GROUP_EVENTS = frozenset(
    {EventType.GROUP_CREATED, EventType.GROUP_MEMBER_DONE, EventType.GROUP_DONE}
)
# How long an event-recording transaction waits for its turn (`in_event_transaction`).
_PATIENCE = 1.0
T = TypeVar("T")


async def record_events(session: AsyncClientSession, events: Sequence[DossierEvent]) -> None:
    """Number `events` and insert them, in the transaction `session` runs.

    Call it as the transaction's last step, in `in_event_transaction`. The counter it
    bumps is written by every transaction that records events, so of two that overlap
    only the first to commit succeeds, and the other conflicts and is retried from
    scratch (MongoDB and SecantusDB alike), or, while the first has not committed, waits
    for it: positions follow commit order with no gaps, and an aborted transaction
    gives its numbers back. Keeping the step last keeps that lock short; a holder that
    died is the session reaper's business (docs/durability.md). A retried attempt
    numbers the same events afresh.
    """
    if not events:
        return
    if not session.in_transaction:
        raise RuntimeError("dossier events are recorded only inside a transaction")
    dossiers = await _read_dossiers(session, events)
    for event in events:
        if event.group_code is None:
            event.group_code = (dossiers.get(event.dossier_code) or {}).get("group_code")
    last = await next_value(POSITIONS, session, by=len(events))
    for offset, event in enumerate(events):
        event.position = last - len(events) + 1 + offset
    await DossierEvent.insert_many(list(events), session=session)
    for follower, _ in _followers:
        await follower(session, events, dossiers)


def follow_events(follower: EventFollower, fields: Mapping[str, int] | None = None) -> None:
    """Have `record_events` call `follower` with the numbered events and the `fields`
    of their dossiers, in their transaction: whatever it writes commits, or not, with
    them."""
    if all(follower is not known for known, _ in _followers):
        _followers.append((follower, fields or {}))


async def _read_dossiers(session: AsyncClientSession, events: Sequence[DossierEvent]) -> Dossiers:
    """The events' dossiers as this transaction sees them, with their `group_code` and
    the followers' fields: one query, before the counter, whose lock every event
    transaction waits for. It names the codes alone: the unique `code` index serves it
    (SecantusDB scans the collection for a second condition, docs/embedded-database.md)."""
    codes = list({e.dossier_code for e in events if e.type not in _GROUP_EVENTS})
    if not codes:
        return {}
    fields = {"code": 1, "group_code": 1}
    for _, wanted in _followers:
        fields.update(wanted)
    found = Dossier.get_pymongo_collection().find({"code": {"$in": codes}}, fields, session=session)
    return {d["code"]: d async for d in found}


@dataclass
class _Turns:
    """An event loop's turns: the lines by counter, and the one turn of every
    event-recording transaction (asyncio locks belong to one loop)."""

    lines: Lines = field(default_factory=lambda: Lines(_PATIENCE))
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


_by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Turns] = weakref.WeakKeyDictionary()


async def in_event_transaction(
    model: type[Document],
    work: Callable[[AsyncClientSession], Awaitable[T]],
    line: str | None = None,
) -> T:
    """`in_transaction` for work that records events, taking turns within this process.

    Every such transaction writes the position counter, so two that overlap conflict and
    one starts again from scratch: with 10 writers on SecantusDB that was 2.6 attempts
    per commit and 3 s at the 99th percentile, against 1 attempt and 0.23 s taking turns
    (first come, first served). A transaction keeps its turn through its retries; one
    that has waited `_PATIENCE` seconds goes without it, so one stuck in a lock (a dead
    process's) holds the others up by that much at most, and asks again before its next
    attempt (documents/common/turns.py). Other processes' transactions still conflict
    and are retried.

    Transactions of one `line` (the counter they all write first, e.g. an agency's day of
    dossier codes) would conflict from their first write, so they queue for as long as
    their line keeps moving, however long it is (documents/common/turns.py): fifty
    submissions at one agency took 8.1 s going without their turns after a second, 3.8 s
    queued. Lines are not one strict queue for everyone: a line waits for a turn that
    moves, and the process-wide turn keeps its escape for a holder that does not
    (docs/durability.md, "Lines per code counter").
    """
    turns = _by_loop.setdefault(asyncio.get_running_loop(), _Turns())
    async with turns.lines.turn(line):
        turn = HeldAcrossAttempts(turns.lock, _PATIENCE)
        try:
            return await in_transaction(model, work, turn=turn.attempt)
        finally:
            turn.release()


async def position_of(event_id: PydanticObjectId) -> int | None:
    """The position of the event `event_id`; None when there is no such (numbered) event."""
    found = await DossierEvent.get_pymongo_collection().find_one({"_id": event_id}, {"position": 1})
    position = found.get("position") if found else None
    return position if isinstance(position, int) else None


class _NumberedMeanwhileError(Exception):
    """Another process numbered some of these events first."""


async def number_old_events(batch: int = 500) -> int:
    """Give positions to events written before positions existed, in `_id` order
    (once, at start-up); how many it numbered.

    Nothing to do costs two small reads: every numbered event holds one of the
    positions 1…counter, so only a collection larger than the counter has any to
    number. Each batch is one transaction that bumps the same counter as
    `record_events`, and numbers an event only if it still has no position: two
    processes starting at once take turns, and a batch the other got to first is
    aborted and the rest read again.
    """
    collection = DossierEvent.get_pymongo_collection()
    counter = await Counter.get_pymongo_collection().find_one({"_id": POSITIONS})
    if await collection.estimated_document_count() <= (counter or {}).get("seq", 0):
        return 0
    numbered = 0
    while True:
        unnumbered = collection.find({"position": None}, {"_id": 1}, sort=[("_id", ASCENDING)])
        ids = [document["_id"] async for document in unnumbered]
        if not ids:
            return numbered
        try:
            for start in range(0, len(ids), batch):
                chunk = ids[start : start + batch]
                await in_transaction(DossierEvent, partial(_number, chunk))
                numbered += len(chunk)
        except _NumberedMeanwhileError:
            continue


async def _number(ids: list[PydanticObjectId], session: AsyncClientSession) -> None:
    last = await next_value(POSITIONS, session, by=len(ids))
    updates = [
        UpdateOne({"_id": event_id, "position": None}, {"$set": {"position": position}})
        for position, event_id in enumerate(ids, start=last - len(ids) + 1)
    ]
    result = await DossierEvent.get_pymongo_collection().bulk_write(updates, session=session)
    if result.modified_count != len(ids):
        raise _NumberedMeanwhileError


async def events_by_ids(ids: list[str]) -> list[DossierEvent]:
    valid = [PydanticObjectId(i) for i in ids if PydanticObjectId.is_valid(i)]
    return await readable(DossierEvent.find({"_id": {"$in": valid}})) if valid else []
