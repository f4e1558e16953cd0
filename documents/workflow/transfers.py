"""Paying by bank transfer: the applicant uploads the proof, an officer confirms it and
the order is settled (docs/payments.md, "Bank transfer")."""

from __future__ import annotations

import asyncio
from datetime import datetime

from pymongo.asynchronous.client_session import AsyncClientSession

from documents.calendar.working_calendar import OfficeHours
from documents.common.clock import utcnow
from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.actor import Actor
from documents.dossiers.dossier import Dossier, load_dossier
from documents.dossiers.events import DossierEvent, EventType, in_event_transaction, record_events
from documents.dossiers.parts import PaymentMethod
from documents.papers.attaching import new_attachment, stored_bytes
from documents.papers.attachments import Attachment, AttachmentKind, AttachmentLimits
from documents.papers.file_store import ChunkSource, FileLimits, store
from documents.papers.grid_files import delete_file
from documents.payments.orders import OrderStatus, PaymentOrder
from documents.workflow.settling import settle_order


async def find_order(reference: str) -> PaymentOrder:
    order = await PaymentOrder.find_one(PaymentOrder.reference == reference)
    if order is None:
        raise DomainError(
            ErrorCode.UNKNOWN_REFERENCE, "no payment order has this reference", "reference"
        )
    return order


def _pending_transfer(order: PaymentOrder) -> None:
    if order.method is not PaymentMethod.BANK_TRANSFER:
        raise DomainError(
            ErrorCode.NOT_A_BANK_TRANSFER, "the order is not paid by bank transfer", "reference"
        )
    if order.status is not OrderStatus.PENDING:
        raise DomainError(
            ErrorCode.ORDER_NOT_PENDING, f"the order is {order.status.value}", "reference"
        )


def _proof_event(
    dossier: Dossier, order: PaymentOrder, attachment: Attachment, actor: Actor
) -> DossierEvent:
    return DossierEvent(
        dossier_code=dossier.code,
        type=EventType.PAYMENT_PROOF_SUBMITTED,
        at=attachment.uploaded_at,
        actor=actor.user,
        from_status=dossier.status,
        to_status=dossier.status,
        agency_code=actor.agency_code or dossier.handling_agency_code,
        procedure_code=dossier.procedure_code,
        payload={"reference": order.reference, "attachmentId": str(attachment.id)},
    )


async def submit_proof(
    reference: str,
    source: ChunkSource,
    actor: Actor,
    *,
    filename: str | None,
    declared_type: str | None,
    limits: AttachmentLimits,
) -> Attachment:
    """Stream the proof of a bank transfer (PDF, JPEG or PNG, within `limits`) onto the
    order's dossier and name it on the pending order; a new proof replaces the one
    named before (both stay attached). The file is stored first, then the attachment,
    the order and the PAYMENT_PROOF_SUBMITTED event in one transaction; if that fails
    the file is deleted again."""
    order = await find_order(reference)
    _pending_transfer(order)
    dossier = await load_dossier(order.dossier_code)
    room = limits.max_dossier_bytes - await stored_bytes(dossier.code)
    stored = await store(
        source,
        filename=filename,
        declared=declared_type,
        limits=FileLimits(
            limits.media_types(AttachmentKind.PAYMENT_PROOF), limits.max_file_bytes, max(room, 0)
        ),
    )

    async def work(session: AsyncClientSession) -> Attachment:
        fields = {"kind": AttachmentKind.PAYMENT_PROOF}
        attachment = await new_attachment(session, dossier.code, stored, actor, limits, fields)
        await attachment.insert(session=session)
        named = await PaymentOrder.get_pymongo_collection().update_one(
            {
                "_id": order.id,
                "status": OrderStatus.PENDING.value,
                "method": PaymentMethod.BANK_TRANSFER.value,
            },
            {"$set": {"proof_attachment_id": attachment.id}},
            session=session,
        )
        if named.matched_count != 1:
            raise DomainError(
                ErrorCode.ORDER_NOT_PENDING, "the order changed meanwhile", "reference"
            )
        await record_events(session, [_proof_event(dossier, order, attachment, actor)])
        return attachment

    try:
        return await in_event_transaction(Attachment, work)
    except BaseException:
        await asyncio.shield(delete_file(stored.file_id))
        raise


async def confirm_transfer(
    reference: str, actor: Actor, *, hours: OfficeHours, at: datetime | None = None
) -> PaymentOrder:
    """An officer confirms the transfer the proof shows: the order is settled as paid by
    BANK_TRANSFER (documents/workflow/settling.py, which issues the e-receipt), with the
    officer as `confirmed_by`. PROOF_MISSING before a proof, ORDER_NOT_PENDING once paid
    or cancelled, NOT_A_BANK_TRANSFER for an order paid through the platform."""
    order = await find_order(reference)
    _pending_transfer(order)
    if order.proof_attachment_id is None:
        raise DomainError(
            ErrorCode.PROOF_MISSING, "the applicant has not uploaded the proof yet", "reference"
        )
    moment = at or utcnow()
    return await settle_order(
        reference,
        f"bank-transfer:{order.proof_attachment_id}",
        order.total,
        moment,
        PaymentMethod.BANK_TRANSFER,
        actor,
        hours=hours,
        at=moment,
        confirmed_by=actor.user,
    )
