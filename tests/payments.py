"""Shared pieces of the payment tests: a fee with a breakdown, a dossier that owes it,
its payment orders as GraphQL shows them, and callbacks signed as the platform signs."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from documents.catalogue.procedures import FeeKind, FeeLine, FeeSchedule, Procedure
from documents.common.signing import signature
from tests.catalogue import APPLICANT, APPLICANT_ID, PROCEDURE, submission
from tests.conftest import GraphQLClient

SECRET = "payment-test-secret"
CALLBACK = "/integrations/payment/callback"
TOTAL = 150_000
# What must never leave in a log, a message or an error.
PERSONAL = (APPLICANT_ID, APPLICANT["fullName"], APPLICANT["phone"], APPLICANT["address"])

ORDER_FIELDS = """
  reference dossierCode total method status paymentUrl platformTransaction paidAt
  cancelledAt refundedAt reason lines { kind label amount }
"""
DOSSIER = f"""
query($code: String!) {{
  dossier(code: $code) {{
    code status feeDue paymentStatus payments {{ amount method reference }}
    paymentOrders {{ {ORDER_FIELDS} }}
  }}
}}
"""
SUBMIT = """
mutation($input: SubmitDossierInput!) {
  submitDossier(input: $input) { dossier { code feeDue paymentStatus } errors { code message } }
}
"""
REQUEST = """
mutation($code: String!) {
  requestPayment(code: $code) { dossier { code paymentStatus } errors { code message } }
}
"""
CANCEL = f"""
mutation($reference: String!, $reason: String!) {{
  cancelPaymentOrder(reference: $reference, reason: $reason) {{
    order {{ {ORDER_FIELDS} }} errors {{ code message field }}
  }}
}}
"""
REFUND = f"""
mutation($reference: String!, $reason: String!) {{
  refundPayment(reference: $reference, reason: $reason) {{
    order {{ {ORDER_FIELDS} }} errors {{ code message field }}
  }}
}}
"""
WITHDRAW = """
mutation($code: String!, $reason: String!) {
  withdrawDossier(code: $code, reason: $reason) { dossier { status } errors { code } }
}
"""


async def charge_with_lines() -> None:
    """The test procedure charges a fixed 150 000 VND: a phí and a lệ phí."""
    procedure = await Procedure.find_one(Procedure.code == PROCEDURE)
    assert procedure is not None
    procedure.fee = FeeSchedule(
        kind=FeeKind.FIXED,
        amount=TOTAL,
        lines=[
            FeeLine(kind="FEE", label="Phí thẩm định", amount=100_000),
            FeeLine(kind="CHARGE", label="Lệ phí cấp giấy", amount=50_000),
        ],
    )
    await procedure.save()


async def owing_dossier(gql: GraphQLClient) -> str:
    """A dossier received at the desk, owing the fee; its code."""
    payload = (await gql.data(SUBMIT, {"input": submission()}))["submitDossier"]
    assert payload["errors"] == [], payload["errors"]
    assert payload["dossier"]["paymentStatus"] == "UNPAID"
    code: str = payload["dossier"]["code"]
    return code


async def request_payment(gql: GraphQLClient, code: str) -> dict[str, Any]:
    payload: dict[str, Any] = (await gql.data(REQUEST, {"code": code}))["requestPayment"]
    assert payload["errors"] == [], payload["errors"]
    return payload


async def dossier(gql: GraphQLClient, code: str) -> dict[str, Any]:
    found: dict[str, Any] = (await gql.data(DOSSIER, {"code": code}))["dossier"]
    return found


def callback_body(reference: str, amount: int = TOTAL, transaction: str = "TXN-1") -> bytes:
    return json.dumps(
        {
            "reference": reference,
            "transaction": transaction,
            "amount": amount,
            "paidAt": "2026-03-03T02:00:00+00:00",
            "status": "PAID",
        }
    ).encode()


async def post_callback(
    http: httpx.AsyncClient, body: bytes, secret: str = SECRET
) -> httpx.Response:
    """The callback signed with `secret` now, as the platform sends it."""
    stamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "x-motcua-timestamp": str(stamp),
        "x-motcua-signature": signature(secret, stamp, body),
    }
    return await http.post(CALLBACK, content=body, headers=headers)
