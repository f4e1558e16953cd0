"""The e-receipt (biên lai điện tử) motcua issues for a paid order, attached to the dossier
in the payment's own transaction (docs/payments.md, "E-receipt")."""

from __future__ import annotations

import hashlib
from datetime import datetime
from xml.etree.ElementTree import Element, SubElement, tostring

from beanie import PydanticObjectId
from bson import Binary, Int64, ObjectId
from pymongo.asynchronous.client_session import AsyncClientSession

from documents.catalogue.agencies import Agency
from documents.common.clock import to_local, utcnow
from documents.dossiers.dossier import Dossier
from documents.dossiers.parts import PaymentMethod
from documents.papers.attachments import Attachment, AttachmentKind
from documents.papers.grid_files import CHUNK_BYTES
from documents.papers.media_types import SIGNED_XML
from documents.payments.orders import PaymentOrder

# motcua's own format: the national e-receipt format was not available to check.
NAMESPACE = "urn:motcua:e-receipt:1"
MEDIA_TYPE = SIGNED_XML  # application/xml; a receipt carries no signature (yet)


def receipt_filename(order: PaymentOrder) -> str:
    return f"bien-lai-{order.reference}.xml"


def _text(parent: Element, tag: str, value: object) -> Element:
    element = SubElement(parent, tag)
    element.text = str(value)
    return element


def render_receipt(
    order: PaymentOrder, dossier: Dossier, agency: Agency | None, issued_at: datetime
) -> bytes:
    """The receipt's XML: the order's lines and total, what paid it and when, the agency
    that collected it, and the payer as the dossier names them (the file follows the
    dossier's visibility)."""
    root = Element("receipt", {"xmlns": NAMESPACE, "number": order.reference})
    _text(root, "issuedAt", to_local(issued_at).isoformat())
    _text(root, "dossierCode", dossier.code)
    _text(root, "procedureCode", dossier.procedure_code)
    collector = SubElement(root, "collectingAgency", {"code": dossier.handling_agency_code})
    collector.text = agency.name if agency is not None else dossier.handling_agency_code
    payer = SubElement(root, "payer", {"kind": dossier.applicant.kind.value})
    _text(payer, "name", dossier.applicant.full_name)
    lines = SubElement(root, "lines")
    for line in order.lines:
        item = SubElement(lines, "line", {"kind": line.kind.value})
        _text(item, "label", line.label)
        _text(item, "amount", line.amount)
    _text(root, "total", order.total).set("currency", "VND")
    _text(root, "method", order.method.value)
    if order.paid_at is not None:
        _text(root, "paidAt", to_local(order.paid_at).isoformat())
    if order.platform_transaction is not None and order.method is PaymentMethod.E_PAYMENT:
        _text(root, "platformTransaction", order.platform_transaction)
    return tostring(root, encoding="utf-8", xml_declaration=True)


async def _write_file(session: AsyncClientSession, name: str, content: bytes) -> ObjectId:
    """A GridFS file in the layout the driver's bucket reads, written in `session`'s
    transaction (the driver's own upload takes no session)."""
    database = Attachment.get_pymongo_collection().database
    file_id = ObjectId()
    for n, start in enumerate(range(0, len(content), CHUNK_BYTES)):
        chunk = {"files_id": file_id, "n": n, "data": Binary(content[start : start + CHUNK_BYTES])}
        await database["fs.chunks"].insert_one(chunk, session=session)
    record = {
        "_id": file_id,
        "length": Int64(len(content)),
        "chunkSize": CHUNK_BYTES,
        "uploadDate": utcnow(),
        "filename": name,
    }
    await database["fs.files"].insert_one(record, session=session)
    return file_id


async def issue_receipt(
    session: AsyncClientSession, order: PaymentOrder, dossier: Dossier, at: datetime
) -> PydanticObjectId:
    """Attach the e-receipt of the paid `order` to its dossier and note it on the order,
    in `session`'s transaction; an order that already has one keeps it (idempotent by
    order). Returns the receipt's attachment id."""
    collection = PaymentOrder.get_pymongo_collection()
    stored = await collection.find_one(
        {"_id": order.id}, {"receipt_attachment_id": 1}, session=session
    )
    if stored is not None and stored.get("receipt_attachment_id") is not None:
        order.receipt_attachment_id = PydanticObjectId(stored["receipt_attachment_id"])
        return order.receipt_attachment_id
    agency = await Agency.find_one(Agency.code == dossier.handling_agency_code, session=session)
    content = render_receipt(order, dossier, agency, at)
    name = receipt_filename(order)
    file_id = await _write_file(session, name, content)
    attachment = Attachment(
        dossier_code=dossier.code,
        kind=AttachmentKind.RECEIPT,
        file_id=PydanticObjectId(file_id),
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        media_type=MEDIA_TYPE,
        filename=name,
        uploaded_at=at,
    )
    await attachment.insert(session=session)
    assert attachment.id is not None
    await collection.update_one(
        {"_id": order.id}, {"$set": {"receipt_attachment_id": attachment.id}}, session=session
    )
    order.receipt_attachment_id = attachment.id
    return attachment.id
