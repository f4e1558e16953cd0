"""Paying by bank transfer (issue 16, item 3): the applicant uploads the proof through
the real multipart upload, an officer confirms it, the dossier is paid and gets its
e-receipt; every refusal is typed and changes nothing; the proof and the receipt open
only to those who see the dossier."""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import fromstring

import pytest

from documents.dossiers.events import EventType
from documents.outbox.messages import Destination, OutboxMessage
from documents.payments.orders import OrderStatus
from tests.catalogue import APPLICANT_ID, OTHER_WARD, WARD
from tests.conftest import GraphQLClient
from tests.papers import PDF, TEXT
from tests.schema.payments.payment_helpers import (
    CONFIRM,
    EXEMPT,
    FEE,
    REQUEST_TRANSFER,
    charge_a_fee,
    download,
    events_of,
    orders_of,
    submit_proof,
)
from tests.schema.workflow.workflow_helpers import REQUEST_PAYMENT, act, submit_at

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

RECEPTION = "officer:reception"
RECEIPT_NS = "{urn:motcua:e-receipt:1}"


async def _transfer_asked(gql: GraphQLClient) -> tuple[str, str]:
    """A dossier owing the fee, with a pending order paid by bank transfer."""
    await charge_a_fee()
    code: str = (await submit_at(gql, "2026-03-03 09:00"))["code"]
    asked = await act(gql, "2026-03-03 09:10", REQUEST_TRANSFER, role=RECEPTION, code=code)
    assert asked["errors"] == [], asked["errors"]
    [order] = await orders_of(code)
    return code, order.reference


async def _confirm(gql: GraphQLClient, reference: str, role: str = RECEPTION) -> dict[str, Any]:
    return await act(gql, "2026-03-03 10:00", CONFIRM, role=role, reference=reference)


async def test_a_transfer_proved_and_confirmed_pays_the_dossier_with_an_e_receipt(
    gql: GraphQLClient,
) -> None:
    code, reference = await _transfer_asked(gql)
    [order] = await orders_of(code)
    assert (order.method.value, order.status, order.total) == (
        "BANK_TRANSFER",
        OrderStatus.PENDING,
        FEE,
    )
    # Nothing goes to the payment platform for a bank transfer.
    assert await OutboxMessage.find(OutboxMessage.destination == Destination.PAYMENT).count() == 0

    applicant = gql.as_role("applicant")
    body = await submit_proof(applicant, reference, ("uy-nhiem-chi.pdf", PDF, "application/pdf"))
    proof = body["data"]["submitPaymentProof"]
    assert proof["errors"] == []
    assert proof["attachment"]["kind"] == "PAYMENT_PROOF"
    assert proof["dossier"]["paymentStatus"] == "UNPAID"  # not paid until confirmed
    [submitted] = await events_of(code, EventType.PAYMENT_PROOF_SUBMITTED)
    assert submitted.payload == {
        "reference": reference,
        "attachmentId": proof["attachment"]["attachmentId"],
    }

    confirmed = await _confirm(gql, reference)

    assert confirmed["errors"] == []
    dossier = confirmed["dossier"]
    assert dossier["paymentStatus"] == "PAID"
    assert dossier["payments"] == [
        {"amount": FEE, "method": "BANK_TRANSFER", "reference": reference}
    ]
    [paid] = await orders_of(code)
    assert paid.status is OrderStatus.PAID
    assert paid.method.value == "BANK_TRANSFER"
    assert paid.confirmed_by == "test-officer-reception"
    assert str(paid.proof_attachment_id) == proof["attachment"]["attachmentId"]
    receipts = [a for a in dossier["attachments"] if a["kind"] == "RECEIPT"]
    assert [r["attachmentId"] for r in receipts] == [str(paid.receipt_attachment_id)]
    assert dossier["paymentOrders"] == [
        {
            "reference": reference,
            "method": "BANK_TRANSFER",
            "status": "PAID",
            "paymentUrl": None,
            "confirmedBy": "test-officer-reception",
            "proofAttachmentId": proof["attachment"]["attachmentId"],
            "receiptAttachmentId": receipts[0]["attachmentId"],
            "reason": None,
        }
    ]

    # The e-receipt: the order, what paid it, the agency that collected it.
    got = await download(applicant, receipts[0]["downloadUrl"])
    assert got.status_code == 200
    receipt = fromstring(got.content)
    assert receipt.get("number") == reference
    assert receipt.findtext(f"{RECEIPT_NS}dossierCode") == code
    assert receipt.findtext(f"{RECEIPT_NS}total") == str(FEE)
    assert receipt.findtext(f"{RECEIPT_NS}method") == "BANK_TRANSFER"
    assert receipt.find(f"{RECEIPT_NS}collectingAgency").get("code") == WARD
    assert receipt.findtext(f"{RECEIPT_NS}paidAt", "").startswith("2026-03-03T10:00")
    lines = receipt.findall(f"{RECEIPT_NS}lines/{RECEIPT_NS}line")
    assert [line.findtext(f"{RECEIPT_NS}amount") for line in lines] == [str(FEE)]


async def test_confirming_needs_a_proof_and_happens_once(gql: GraphQLClient) -> None:
    code, reference = await _transfer_asked(gql)

    early = await _confirm(gql, reference)
    assert early["errors"][0]["code"] == "PROOF_MISSING"
    assert early["dossier"]["paymentStatus"] == "UNPAID"
    assert (await orders_of(code))[0].status is OrderStatus.PENDING

    await submit_proof(
        gql.as_role("applicant"),
        reference,
        ("a.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 99, "image/png"),
    )
    assert (await _confirm(gql, reference))["errors"] == []
    twice = await _confirm(gql, reference)
    assert twice["errors"][0]["code"] == "ORDER_NOT_PENDING"
    assert len(twice["dossier"]["payments"]) == 1
    assert len([a for a in twice["dossier"]["attachments"] if a["kind"] == "RECEIPT"]) == 1
    assert len(await events_of(code, EventType.PAYMENT_RECORDED)) == 1
    # A paid order takes no more proofs.
    late = await submit_proof(
        gql.as_role("applicant"), reference, ("b.pdf", PDF, "application/pdf")
    )
    assert late["data"]["submitPaymentProof"]["errors"][0]["code"] == "ORDER_NOT_PENDING"


async def test_a_cancelled_order_is_not_confirmed(gql: GraphQLClient) -> None:
    code, reference = await _transfer_asked(gql)
    await submit_proof(gql.as_role("applicant"), reference, ("a.pdf", PDF, "application/pdf"))
    exempted = await act(gql, "2026-03-03 09:30", EXEMPT, role=RECEPTION, code=code, reason="Miễn")
    assert exempted["errors"] == []
    # The platform never had the order, so it is told nothing of its cancellation.
    assert await OutboxMessage.find(OutboxMessage.destination == Destination.PAYMENT).count() == 0

    refused = await _confirm(gql, reference)

    assert refused["errors"][0]["code"] == "ORDER_NOT_PENDING"
    assert refused["dossier"]["paymentStatus"] == "WAIVED"
    assert refused["dossier"]["payments"] == []
    assert (await orders_of(code))[0].status is OrderStatus.CANCELLED


async def test_proofs_are_for_pending_bank_transfers_only(gql: GraphQLClient) -> None:
    await charge_a_fee()
    code = (await submit_at(gql, "2026-03-03 09:00"))["code"]
    await act(gql, "2026-03-03 09:10", REQUEST_PAYMENT, role=RECEPTION, code=code)
    [online] = await orders_of(code)
    applicant = gql.as_role("applicant")

    wrong = await submit_proof(applicant, online.reference, ("a.pdf", PDF, "application/pdf"))
    unknown = await submit_proof(applicant, f"{code}-TT(9)", ("a.pdf", PDF, "application/pdf"))
    confirm_online = await _confirm(gql, online.reference)

    assert wrong["data"]["submitPaymentProof"]["errors"][0]["code"] == "NOT_A_BANK_TRANSFER"
    assert unknown["data"]["submitPaymentProof"]["errors"][0]["code"] == "UNKNOWN_REFERENCE"
    assert confirm_online["errors"][0]["code"] == "NOT_A_BANK_TRANSFER"
    assert await events_of(code, EventType.PAYMENT_PROOF_SUBMITTED) == []


async def test_a_proof_must_be_a_document(gql: GraphQLClient) -> None:
    code, reference = await _transfer_asked(gql)
    body = await submit_proof(gql.as_role("applicant"), reference, ("a.txt", TEXT, "text/plain"))
    assert body["data"]["submitPaymentProof"]["errors"][0]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert (await orders_of(code))[0].proof_attachment_id is None


async def test_who_may_submit_and_confirm(gql: GraphQLClient) -> None:
    code, reference = await _transfer_asked(gql)
    stranger = gql.as_role("applicant", id_number="001090099999")
    hidden = await submit_proof(stranger, reference, ("a.pdf", PDF, "application/pdf"))
    # Another applicant's order is as unknown as a made-up one.
    assert hidden["data"]["submitPaymentProof"]["errors"][0]["code"] == "UNKNOWN_REFERENCE"
    await submit_proof(gql.as_role("applicant"), reference, ("a.pdf", PDF, "application/pdf"))

    by_applicant = await gql.as_role("applicant").execute(CONFIRM, {"reference": reference})
    assert by_applicant["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    by_leader = await gql.as_role("officer:leader", agency=WARD).execute(
        CONFIRM, {"reference": reference}
    )
    assert by_leader["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    outsider = gql.as_role(RECEPTION, agency=OTHER_WARD)
    unseen = (await outsider.data(CONFIRM, {"reference": reference}))["confirmBankTransfer"]
    assert unseen["errors"][0]["code"] == "UNKNOWN_REFERENCE"
    assert (await orders_of(code))[0].status is OrderStatus.PENDING


async def test_the_proof_and_the_receipt_open_only_to_who_sees_the_dossier(
    gql: GraphQLClient,
) -> None:
    _, reference = await _transfer_asked(gql)
    owner = gql.as_role("applicant", id_number=APPLICANT_ID)
    proof = (await submit_proof(owner, reference, ("a.pdf", PDF, "application/pdf")))["data"][
        "submitPaymentProof"
    ]["attachment"]
    confirmed = await _confirm(gql, reference)
    [receipt] = [a for a in confirmed["dossier"]["attachments"] if a["kind"] == "RECEIPT"]

    for url in (proof["downloadUrl"], receipt["downloadUrl"]):
        assert (await download(owner, url)).status_code == 200
        assert (await download(gql.as_role(RECEPTION, agency=WARD), url)).status_code == 200
        for other in (
            gql.as_role("applicant", id_number="001090099999"),
            gql.as_role(RECEPTION, agency=OTHER_WARD),
            gql.anonymous(),
        ):
            response = await download(other, url)
            assert response.status_code == 404
            assert reference.encode() not in response.content
            assert b"%PDF" not in response.content
