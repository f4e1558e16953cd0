"""Shared helpers for the payment-extras tests: a fee on the test procedure, the
mutations, and reading payment orders."""

from __future__ import annotations

from typing import Any

import httpx

from documents.catalogue.procedures import FeeKind, FeeSchedule, Procedure
from documents.dossiers.events import DossierEvent, EventType
from documents.payments.orders import PaymentOrder
from tests.catalogue import PROCEDURE
from tests.conftest import GraphQLClient
from tests.papers import upload

FEE = 50_000
DOSSIER = """
  code status feeDue paymentStatus portalStatusCode
  payments { amount method reference }
  attachments { id attachmentId kind filename mediaType downloadUrl }
  paymentOrders {
    reference method status paymentUrl confirmedBy proofAttachmentId receiptAttachmentId reason
  }
"""
PAYLOAD = f"dossier {{ {DOSSIER} }} errors {{ field message code }}"
EXEMPT = f"""
mutation($code: String!, $reason: String!) {{
  exemptFee(code: $code, reason: $reason) {{ {PAYLOAD} }} }}
"""
REQUEST_TRANSFER = f"""
mutation($code: String!) {{ requestBankTransfer(code: $code) {{ {PAYLOAD} }} }}
"""
CONFIRM = f"""
mutation($reference: String!) {{ confirmBankTransfer(reference: $reference) {{ {PAYLOAD} }} }}
"""
PROOF = """
mutation($reference: String!, $file: Upload!) {
  submitPaymentProof(reference: $reference, file: $file) {
    attachment { id attachmentId kind filename downloadUrl }
    dossier { code paymentStatus }
    errors { field message code }
  }
}
"""


async def charge_a_fee(amount: int = FEE) -> None:
    procedure = await Procedure.find_one(Procedure.code == PROCEDURE)
    assert procedure is not None
    procedure.fee = FeeSchedule(kind=FeeKind.FIXED, amount=amount)
    await procedure.save()


async def orders_of(code: str) -> list[PaymentOrder]:
    return await PaymentOrder.find(PaymentOrder.dossier_code == code).sort("+created_at").to_list()


async def events_of(code: str, kind: EventType) -> list[DossierEvent]:
    return (
        await DossierEvent.find(DossierEvent.dossier_code == code, DossierEvent.type == kind)
        .sort("+position")
        .to_list()
    )


async def submit_proof(
    gql: GraphQLClient, reference: str, file: tuple[str, bytes, str]
) -> dict[str, Any]:
    status, body = await upload(gql, PROOF, {"reference": reference}, file)
    assert status == 200, body
    return body


async def download(gql: GraphQLClient, url: str) -> httpx.Response:
    headers = {"authorization": f"Bearer {gql.token}"} if gql.token else {}
    return await gql.http.get(url, headers=headers)
