"""Payment orders (docs/payments.md): requestPayment makes one with its lines and
reference; cancelling a pending one and refunding a paid one, by whom and when."""

from __future__ import annotations

import httpx
import pytest

from api.settings import Settings
from documents.catalogue.procedures import FeeKind, FeeSchedule, Procedure
from documents.dossiers.events import DossierEvent, EventType
from documents.outbox.messages import Destination, OutboxMessage
from tests.catalogue import APPLICANT_ID, OTHER_WARD, PROCEDURE
from tests.conftest import GraphQLClient
from tests.payments import (
    CANCEL,
    PERSONAL,
    REFUND,
    SECRET,
    TOTAL,
    WITHDRAW,
    callback_body,
    charge_with_lines,
    dossier,
    owing_dossier,
    post_callback,
    request_payment,
)

pytestmark = pytest.mark.usefixtures("tiny_catalogue")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"payment_secret": SECRET})


async def _events(code: str, kind: EventType) -> list[DossierEvent]:
    return await DossierEvent.find(
        DossierEvent.dossier_code == code, DossierEvent.type == kind
    ).to_list()


async def _messages() -> list[OutboxMessage]:
    found = OutboxMessage.find(OutboxMessage.destination == Destination.PAYMENT)
    return await found.sort("+sequence").to_list()


async def test_request_payment_makes_an_order_with_the_fee_and_charge_lines(
    gql: GraphQLClient,
) -> None:
    await charge_with_lines()
    code = await owing_dossier(gql)
    await request_payment(gql, code)
    [order] = (await dossier(gql, code))["paymentOrders"]
    assert order["reference"] == f"{code}-TT(1)"
    assert (order["status"], order["total"], order["paymentUrl"]) == ("PENDING", TOTAL, None)
    assert order["lines"] == [
        {"kind": "FEE", "label": "Phí thẩm định", "amount": 100_000},
        {"kind": "CHARGE", "label": "Lệ phí cấp giấy", "amount": 50_000},
    ]
    [event] = await _events(code, EventType.PAYMENT_REQUESTED)
    assert event.payload["amount"] == TOTAL
    assert event.payload["reference"] == order["reference"]
    # The order message waits for the platform: the order, never the applicant.
    [sent] = await _messages()
    assert (sent.kind, sent.key, sent.sequence) == ("order", order["reference"], event.position)
    assert sent.payload["lines"] == order["lines"]
    assert sent.payload["returnPath"] == f"/tra-cuu?ma={code}"
    assert not [value for value in PERSONAL if value in str(sent.payload)]


async def test_a_fee_without_a_breakdown_is_one_charge_line(gql: GraphQLClient) -> None:
    procedure = await Procedure.find_one(Procedure.code == PROCEDURE)
    assert procedure is not None
    procedure.fee = FeeSchedule(kind=FeeKind.FIXED, amount=30_000)
    await procedure.save()
    code = await owing_dossier(gql)
    await request_payment(gql, code)
    [order] = (await dossier(gql, code))["paymentOrders"]
    assert order["lines"] == [{"kind": "CHARGE", "label": "Lệ phí", "amount": 30_000}]


async def test_asking_again_while_an_order_is_pending_keeps_that_order(
    gql: GraphQLClient,
) -> None:
    await charge_with_lines()
    code = await owing_dossier(gql)
    await request_payment(gql, code)
    again = await request_payment(gql, code)
    assert again["dossier"]["paymentStatus"] == "UNPAID"
    orders = (await dossier(gql, code))["paymentOrders"]
    assert [o["reference"] for o in orders] == [f"{code}-TT(1)"]
    assert len(await _events(code, EventType.PAYMENT_REQUESTED)) == 1
    assert len(await _messages()) == 1


async def test_cancelling_a_pending_order_tells_the_platform_and_a_new_one_is_numbered_next(
    gql: GraphQLClient,
) -> None:
    await charge_with_lines()
    code = await owing_dossier(gql)
    await request_payment(gql, code)
    reference = f"{code}-TT(1)"
    done = (await gql.data(CANCEL, {"reference": reference, "reason": "Nộp tại quầy"}))[
        "cancelPaymentOrder"
    ]
    assert done["errors"] == []
    assert (done["order"]["status"], done["order"]["reason"]) == ("CANCELLED", "Nộp tại quầy")
    [event] = await _events(code, EventType.PAYMENT_CANCELLED)
    assert event.payload == {"reference": reference, "reason": "Nộp tại quầy"}
    kinds = [(m.kind, m.key) for m in await _messages()]
    assert kinds == [("order", reference), ("cancel", reference)]

    twice = (await gql.data(CANCEL, {"reference": reference, "reason": "Lần nữa"}))[
        "cancelPaymentOrder"
    ]
    assert twice["errors"][0]["code"] == "ILLEGAL_TRANSITION"
    assert twice["order"]["status"] == "CANCELLED"
    await request_payment(gql, code)
    orders = (await dossier(gql, code))["paymentOrders"]
    assert [(o["reference"], o["status"]) for o in orders] == [
        (reference, "CANCELLED"),
        (f"{code}-TT(2)", "PENDING"),
    ]


async def test_who_may_cancel(gql: GraphQLClient) -> None:
    await charge_with_lines()
    code = await owing_dossier(gql)
    await request_payment(gql, code)
    variables = {"reference": f"{code}-TT(1)", "reason": "Không cần"}
    applicant = await gql.as_role("applicant", id_number=APPLICANT_ID).execute(CANCEL, variables)
    assert applicant["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    outsider = await gql.as_role("officer:reception", OTHER_WARD).data(CANCEL, variables)
    assert outsider["cancelPaymentOrder"]["errors"][0]["code"] == "NOT_FOUND"
    assert outsider["cancelPaymentOrder"]["order"] is None
    unknown = await gql.data(CANCEL, {**variables, "reference": f"{code}-TT(7)"})
    assert unknown["cancelPaymentOrder"]["errors"][0]["code"] == "NOT_FOUND"
    [order] = (await dossier(gql, code))["paymentOrders"]
    assert order["status"] == "PENDING"


async def test_a_paid_order_is_refunded_only_once_the_dossier_ended_without_a_result(
    gql: GraphQLClient, http: httpx.AsyncClient
) -> None:
    await charge_with_lines()
    code = await owing_dossier(gql)
    await request_payment(gql, code)
    reference = f"{code}-TT(1)"
    pending = await gql.data(REFUND, {"reference": reference, "reason": "Rút hồ sơ"})
    assert pending["refundPayment"]["errors"][0]["code"] == "ILLEGAL_TRANSITION"
    assert (await post_callback(http, callback_body(reference))).status_code == 200
    still_open = await gql.data(REFUND, {"reference": reference, "reason": "Rút hồ sơ"})
    assert still_open["refundPayment"]["errors"][0]["code"] == "ILLEGAL_TRANSITION"
    assert (await dossier(gql, code))["paymentStatus"] == "PAID"

    applicant = gql.as_role("applicant", id_number=APPLICANT_ID)
    withdrawn = await applicant.data(WITHDRAW, {"code": code, "reason": "Không cần nữa"})
    assert withdrawn["withdrawDossier"]["dossier"]["status"] == "WITHDRAWN"
    done = (await gql.data(REFUND, {"reference": reference, "reason": "Rút hồ sơ"}))[
        "refundPayment"
    ]
    assert done["errors"] == []
    assert done["order"]["status"] == "REFUNDED"
    assert done["order"]["refundedAt"] is not None
    seen = await dossier(gql, code)
    assert seen["paymentStatus"] == "UNPAID"  # nothing is held for it
    assert len(seen["payments"]) == 1  # the payment stays on record
    [event] = await _events(code, EventType.PAYMENT_REFUNDED)
    assert event.payload == {"reference": reference, "amount": TOTAL, "reason": "Rút hồ sơ"}
    refund = (await _messages())[-1]
    assert (refund.kind, refund.key) == ("refund", reference)
    assert (refund.payload["amount"], refund.payload["currency"]) == (TOTAL, "VND")
    # The platform cannot pay a refunded order again.
    again = await post_callback(http, callback_body(reference, transaction="TXN-9"))
    assert again.status_code == 409


RECORD = """
mutation($code: String!, $reference: String!) {
  recordPayment(code: $code, amount: 150000, method: COUNTER, reference: $reference) {
    dossier { paymentStatus } errors { code }
  }
}
"""


async def test_paying_at_the_counter_cancels_the_pending_order(
    gql: GraphQLClient, http: httpx.AsyncClient
) -> None:
    await charge_with_lines()
    code = await owing_dossier(gql)
    await request_payment(gql, code)
    reference = f"{code}-TT(1)"
    paid = (await gql.data(RECORD, {"code": code, "reference": "BL-1"}))["recordPayment"]
    assert paid["dossier"]["paymentStatus"] == "PAID"
    [order] = (await dossier(gql, code))["paymentOrders"]
    assert (order["status"], order["reason"]) == ("CANCELLED", "paid otherwise")
    [event] = await _events(code, EventType.PAYMENT_CANCELLED)
    assert event.payload == {"reference": reference, "reason": "paid otherwise"}
    assert [(m.kind, m.key) for m in await _messages()] == [
        ("order", reference),
        ("cancel", reference),
    ]
    # The link no longer takes money: a late callback is refused.
    late = await post_callback(http, callback_body(reference))
    assert late.status_code == 409
    assert len((await dossier(gql, code))["payments"]) == 1


SET_FEE = """
mutation($code: String!, $input: ProcedureUpdateInput!) {
  updateProcedure(code: $code, input: $input) {
    procedure { fee { kind amount lines { kind label amount } } }
    errors { code field }
  }
}
"""


async def test_an_administrator_declares_the_fee_and_charge_lines(gql: GraphQLClient) -> None:
    admin = gql.as_role("system_admin")
    lines = [
        {"kind": "FEE", "label": "Phí thẩm định", "amount": 20_000},
        {"kind": "CHARGE", "label": "Lệ phí", "amount": 10_000},
    ]
    fee = {"kind": "FIXED", "amount": 30_000, "lines": lines}
    done = (await admin.data(SET_FEE, {"code": PROCEDURE, "input": {"fee": fee}}))[
        "updateProcedure"
    ]
    assert done["errors"] == []
    assert done["procedure"]["fee"]["lines"] == lines
    code = await owing_dossier(gql)
    await request_payment(gql, code)
    [order] = (await dossier(gql, code))["paymentOrders"]
    assert order["lines"] == lines

    wrong = {**fee, "amount": 40_000}  # the lines do not add up to it
    refused = (await admin.data(SET_FEE, {"code": PROCEDURE, "input": {"fee": wrong}}))[
        "updateProcedure"
    ]
    assert refused["errors"][0]["code"] == "VALIDATION_FAILED"
