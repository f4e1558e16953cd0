"""Status sync to the national public service portal: which events it hears of, and the
status update each one makes, read from the dossier (docs/integrations.md, "Portal")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.common.clock import LOCAL_TIME, utcnow
from documents.common.deliveries import Sent
from documents.dossiers.dossier import Channel, Dossier
from documents.dossiers.events import DossierEvent, EventType
from documents.dossiers.parts import PaymentStatus
from documents.dossiers.portal_codes import channel_code, portal_status_code
from documents.dossiers.statuses import DossierStatus
from documents.national.portal import NationalPortal
from documents.outbox.messages import Destination, OutboxMessage, message
from documents.papers.attachments import Attachment, AttachmentKind

KIND = "status"

# Events that change what the portal shows without a change of status: the status code
# (6, waiting for payment, and back; 2 → 4 when handed on from the first step), the fees,
# the results, the appointment, or the agency.
_SHOWN = frozenset(
    {
        EventType.PAYMENT_REQUESTED,
        EventType.PAYMENT_RECORDED,
        EventType.PAYMENT_CANCELLED,
        EventType.PAYMENT_REFUNDED,
        EventType.FEE_EXEMPTED,
        EventType.RESULT_ATTACHED,
        EventType.APOLOGY_ISSUED,
        EventType.HANDED_OVER,
        EventType.TRANSFERRED,
        EventType.AGENCY_MERGED,
        EventType.AGENCY_SPLIT,
    }
)
# Their `dossier_code` is a group's code: the members' own events are synced instead.
_GROUP_EVENTS = frozenset(
    {EventType.GROUP_CREATED, EventType.GROUP_MEMBER_DONE, EventType.GROUP_DONE}
)
# Only what the update needs: never the applicant.
DOSSIER_FIELDS = {
    "code": 1,
    "procedure_code": 1,
    "receiving_agency_code": 1,
    "handling_agency_code": 1,
    "status": 1,
    "channel": 1,
    "received_at": 1,
    "appointment_at": 1,
    "due_at": 1,
    "finished_at": 1,
    "accepted_at": 1,
    "fee_due": 1,
    "payment_status": 1,
    "payment_requested_at": 1,
    "payments.amount": 1,
    "steps.step_key": 1,
}


def shown(event: DossierEvent) -> bool:
    """Whether `event` changes what the portal shows of its dossier."""
    if event.type in _GROUP_EVENTS:
        return False
    changed = event.from_status != event.to_status
    return changed or event.type in _SHOWN


def _iso(moment: Any) -> str | None:
    """ISO 8601 in Hà Nội time, with its offset."""
    if not isinstance(moment, datetime):
        return None
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(LOCAL_TIME).isoformat()


def status_update(
    dossier: Mapping[str, Any],
    results: Sequence[Mapping[str, Any]],
    sequence: int,
    event: str,
    status: DossierStatus | None = None,
) -> dict[str, Any]:
    """The update for `dossier` (a stored document, as `DOSSIER_FIELDS` reads it) at
    `status` (its own by default), in motcua's names; the adapter maps them onto the
    portal's. No personal data: the applicant is not read at all."""
    at = status or DossierStatus(dossier["status"])
    payment_status = PaymentStatus(dossier.get("payment_status", PaymentStatus.WAIVED))
    code = portal_status_code(
        at,
        payment_status,
        dossier.get("payment_requested_at") is not None,
        at_first_step=len(dossier.get("steps") or []) <= 1,
    )
    paid = sum(int(p.get("amount", 0)) for p in dossier.get("payments") or [])
    return {
        "dossier_code": dossier["code"],
        "procedure_code": dossier["procedure_code"],
        "handling_agency_code": dossier["handling_agency_code"],
        "receiving_agency_code": dossier["receiving_agency_code"],
        "status_code": code,
        "status": at.value,
        "channel_code": channel_code(Channel(dossier["channel"])),
        "received_at": _iso(dossier.get("received_at")),
        "appointment_at": _iso(dossier.get("appointment_at")),
        "due_at": _iso(dossier.get("due_at")),
        "finished_at": _iso(dossier.get("finished_at")),
        "fee_due": int(dossier.get("fee_due") or 0),
        "fee_paid": paid,
        "payment_status": payment_status.value,
        "results": [
            {
                # Assigned when the result is attached; None on one stored before codes.
                "code": r.get("result_code"),
                "type": r.get("result_type"),
                "electronic": bool(r.get("electronic")),
            }
            for r in results
        ],
        "sequence": sequence,
        "event": event,
    }


Read = tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]


async def read_dossiers(session: AsyncClientSession | None, codes: Iterable[str]) -> Read:
    """The dossiers `codes` and their results (in the order attached), in two queries
    that name the codes alone (the indexes serve them); through `session`, so a
    transaction sees its own writes."""
    wanted = list(dict.fromkeys(codes))
    found = Dossier.get_pymongo_collection().find(
        {"code": {"$in": wanted}}, DOSSIER_FIELDS, session=session
    )
    dossiers = {d["code"]: d async for d in found}
    return dossiers, await read_results(session, dossiers)


async def read_results(
    session: AsyncClientSession | None, dossiers: Mapping[str, Mapping[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """The results of `dossiers` (read with `DOSSIER_FIELDS`), in the order attached.
    Looked for only on dossiers that were ever accepted: before that none can be
    attached, so a submission reads none."""
    accepted = [c for c, d in dossiers.items() if d.get("accepted_at") is not None]
    results: dict[str, list[dict[str, Any]]] = {}
    if accepted:
        attachments = Attachment.get_pymongo_collection().find(
            {"dossier_code": {"$in": accepted}},
            {"dossier_code": 1, "kind": 1, "result_code": 1, "result_type": 1, "electronic": 1},
            sort=[("_id", 1)],
            session=session,
        )
        async for a in attachments:
            if a.get("kind") == AttachmentKind.RESULT.value:
                results.setdefault(a["dossier_code"], []).append(a)
    return results


def chosen_events(events: Sequence[DossierEvent]) -> list[DossierEvent]:
    """The events among `events` the portal hears of."""
    return [e for e in events if e.position is not None and shown(e)]


def status_messages(events: Sequence[DossierEvent], read: Read) -> list[OutboxMessage]:
    """One PORTAL message for each event among `events` that changes what the portal
    shows (key: the dossier's code; sequence: the event's position). Its status is the
    one the event left, the rest is the dossier as the transaction leaves it (`read`:
    the dossiers with `DOSSIER_FIELDS` and their results, through its session)."""
    chosen = chosen_events(events)
    dossiers, results = read
    now = utcnow()
    made = []
    for event in chosen:
        dossier = dossiers.get(event.dossier_code)
        if dossier is None or event.position is None:
            continue
        update = status_update(
            dossier,
            results.get(event.dossier_code, []),
            event.position,
            event.type.value,
            event.to_status,
        )
        made.append(
            message(Destination.PORTAL, event.dossier_code, event.position, KIND, update, now)
        )
    return made


async def send_status(message: OutboxMessage, portal: NationalPortal) -> Sent:
    """Hand the update to the portal, with the message's id as its idempotency key."""
    return await portal.publish(str(message.id), message.payload)
