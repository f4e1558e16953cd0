"""The e-receipt of a payment made through the platform's callback (one, however often
the platform calls back), and the online-payment share on the scoreboard: platform
payments count as online, bank transfers and counter payments do not, and a refund does
not change how a fee was paid (issue 16, item 3)."""

from __future__ import annotations

from xml.etree.ElementTree import fromstring

import httpx
import pytest

from api.settings import Settings
from documents.calendar.working_calendar import OfficeHours
from documents.common.clock import local_today
from documents.statistics.rebuild import verify
from tests.catalogue import APPLICANT
from tests.conftest import GraphQLClient
from tests.papers import PDF
from tests.payments import (
    REFUND,
    SECRET,
    TOTAL,
    callback_body,
    charge_with_lines,
    owing_dossier,
    post_callback,
    request_payment,
)
from tests.schema.payments.payment_helpers import (
    CONFIRM,
    REQUEST_TRANSFER,
    download,
    orders_of,
    submit_proof,
)
from tests.schema.workflow.workflow_helpers import RECORD_PAYMENT, WITHDRAW

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

NS = "{urn:motcua:e-receipt:1}"
DOSSIER = """
query($code: String!) { dossier(code: $code) {
  paymentStatus attachments { id attachmentId kind downloadUrl } } }
"""
SHARE = """
query($from: Date!, $to: Date!) {
  publicStatistics(from: $from, to: $to) { totals { onlinePaymentShare } } }
"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"payment_secret": SECRET})


async def _paid_online(http: httpx.AsyncClient, gql: GraphQLClient) -> tuple[str, str]:
    code = await owing_dossier(gql)
    await request_payment(gql, code)
    reference = f"{code}-TT(1)"
    for _ in range(3):  # the platform retries its callback
        answer = await post_callback(http, callback_body(reference))
        assert answer.status_code == 200, answer.text
    return code, reference


async def test_a_platform_payment_gets_one_e_receipt(
    http: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    await charge_with_lines()
    code, reference = await _paid_online(http, gql)

    dossier = (await gql.data(DOSSIER, {"code": code}))["dossier"]

    assert dossier["paymentStatus"] == "PAID"
    receipts = [a for a in dossier["attachments"] if a["kind"] == "RECEIPT"]
    [order] = await orders_of(code)
    assert [r["attachmentId"] for r in receipts] == [str(order.receipt_attachment_id)]
    got = await download(gql.as_role("applicant"), receipts[0]["downloadUrl"])
    assert got.status_code == 200
    receipt = fromstring(got.content)
    assert receipt.get("number") == reference
    assert receipt.findtext(f"{NS}platformTransaction") == "TXN-1"
    assert receipt.findtext(f"{NS}method") == "E_PAYMENT"
    assert receipt.findtext(f"{NS}total") == str(TOTAL)
    assert receipt.findtext(f"{NS}paidAt", "").startswith("2026-03-03T09:00:00+07:00")
    assert receipt.findtext(f"{NS}payer/{NS}name") == APPLICANT["fullName"]
    lines = [
        (line.get("kind"), line.findtext(f"{NS}label"), line.findtext(f"{NS}amount"))
        for line in receipt.findall(f"{NS}lines/{NS}line")
    ]
    assert lines == [("FEE", "Phí thẩm định", "100000"), ("CHARGE", "Lệ phí cấp giấy", "50000")]


async def _share(gql: GraphQLClient) -> float | None:
    today = local_today().isoformat()
    data = await gql.anonymous().data(SHARE, {"from": today, "to": today})
    share: float | None = data["publicStatistics"]["totals"]["onlinePaymentShare"]
    return share


async def test_online_payment_share_counts_platform_payments_only(
    http: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    await charge_with_lines()
    online, reference = await _paid_online(http, gql)
    assert await _share(gql) == 100.0

    transfer = await owing_dossier(gql)
    assert (await gql.data(REQUEST_TRANSFER, {"code": transfer}))["requestBankTransfer"][
        "errors"
    ] == []
    [order] = await orders_of(transfer)
    await submit_proof(gql.as_role("applicant"), order.reference, ("a.pdf", PDF, "application/pdf"))
    confirmed = await gql.data(CONFIRM, {"reference": order.reference})
    assert confirmed["confirmBankTransfer"]["errors"] == []
    assert await _share(gql) == 50.0

    counter = await owing_dossier(gql)
    paid = await gql.data(
        RECORD_PAYMENT,
        {"code": counter, "amount": TOTAL, "method": "COUNTER", "reference": "BL-1"},
    )
    assert paid["recordPayment"]["errors"] == []
    assert await _share(gql) == 33.33

    # A refund gives the money back; the fee was still paid online.
    withdrawn = await gql.as_role("applicant").data(WITHDRAW, {"code": online, "reason": "Thôi"})
    assert withdrawn["withdrawDossier"]["errors"] == []
    refunded = await gql.data(REFUND, {"reference": reference, "reason": "Rút hồ sơ"})
    assert refunded["refundPayment"]["errors"] == []
    assert await _share(gql) == 33.33
    assert await verify(OfficeHours()) == []
