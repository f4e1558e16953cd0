"""The payment platform's signed callback (`POST /integrations/payment/callback`): a
payment recorded once, and every refusal typed, logged without personal data, and
recording nothing."""

from __future__ import annotations

import logging

import httpx
import pytest

from api.settings import Settings
from documents.dossiers.events import DossierEvent, EventType
from documents.payments.orders import PaymentOrder
from tests.conftest import GraphQLClient, running_app
from tests.payments import (
    CANCEL,
    PERSONAL,
    SECRET,
    TOTAL,
    callback_body,
    charge_with_lines,
    dossier,
    owing_dossier,
    post_callback,
    request_payment,
)
from tests.schema.payments.payment_helpers import REQUEST_TRANSFER

pytestmark = pytest.mark.usefixtures("tiny_catalogue")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"payment_secret": SECRET})


async def _ordered(gql: GraphQLClient) -> tuple[str, str]:
    await charge_with_lines()
    code = await owing_dossier(gql)
    await request_payment(gql, code)
    return code, f"{code}-TT(1)"


async def _recorded(code: str) -> int:
    return await DossierEvent.find(
        DossierEvent.dossier_code == code, DossierEvent.type == EventType.PAYMENT_RECORDED
    ).count()


def _clean(caplog: pytest.LogCaptureFixture) -> None:
    text = caplog.text
    assert not [value for value in PERSONAL if value in text]


async def test_a_callback_settles_the_order_once_however_often_it_comes(
    http: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    code, reference = await _ordered(gql)
    for _ in range(3):
        answer = await post_callback(http, callback_body(reference))
        assert (answer.status_code, answer.json()) == (
            200,
            {"reference": reference, "status": "PAID"},
        )
    seen = await dossier(gql, code)
    assert seen["paymentStatus"] == "PAID"
    assert seen["payments"] == [{"amount": TOTAL, "method": "E_PAYMENT", "reference": reference}]
    order = seen["paymentOrders"][0]
    assert (order["status"], order["platformTransaction"]) == ("PAID", "TXN-1")
    assert order["paidAt"] is not None
    assert await _recorded(code) == 1


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("bad signature", 401, "BAD_SIGNATURE"),
        ("unknown reference", 404, "UNKNOWN_REFERENCE"),
        ("other amount", 409, "AMOUNT_MISMATCH"),
        ("malformed", 400, "VALIDATION_FAILED"),
        ("not JSON", 400, "VALIDATION_FAILED"),
    ],
)
async def test_a_refused_callback_is_typed_logged_without_personal_data_and_records_nothing(
    http: httpx.AsyncClient,
    gql: GraphQLClient,
    caplog: pytest.LogCaptureFixture,
    case: str,
    status: int,
    code: str,
) -> None:
    dossier_code, reference = await _ordered(gql)
    body, secret = callback_body(reference), SECRET
    if case == "bad signature":
        secret = "not-the-secret"
    elif case == "unknown reference":
        body = callback_body(f"{dossier_code}-TT(9)")
    elif case == "other amount":
        body = callback_body(reference, amount=TOTAL - 1)
    elif case == "malformed":
        body = b'{"reference": "' + reference.encode() + b'", "amount": "many"}'
    else:
        body = b"\xff not json " + reference.encode()
    with caplog.at_level(logging.DEBUG):
        answer = await post_callback(http, body, secret)
    assert answer.status_code == status
    assert answer.json()["error"]["code"] == code
    assert "/integrations/payment/callback refused: " + code in caplog.text
    _clean(caplog)
    seen = await dossier(gql, dossier_code)
    assert (seen["paymentStatus"], seen["payments"]) == ("UNPAID", [])
    assert seen["paymentOrders"][0]["status"] == "PENDING"
    assert await _recorded(dossier_code) == 0


async def test_the_callback_is_closed_without_a_secret(
    gql: GraphQLClient, settings: Settings
) -> None:
    code, reference = await _ordered(gql)
    async for _, closed in running_app(settings.model_copy(update={"payment_secret": None})):
        answer = await post_callback(closed, callback_body(reference))
        assert await _recorded(code) == 0  # while its app (and database client) runs
    assert (answer.status_code, answer.json()["error"]["code"]) == (
        401,
        "INTEGRATION_NOT_CONFIGURED",
    )


async def test_a_cancelled_order_is_not_paid_and_another_transaction_does_not_pay_twice(
    http: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    code, reference = await _ordered(gql)
    cancelled = await gql.data(CANCEL, {"reference": reference, "reason": "Nộp tại quầy"})
    assert cancelled["cancelPaymentOrder"]["errors"] == []
    answer = await post_callback(http, callback_body(reference))
    assert (answer.status_code, answer.json()["error"]["code"]) == (409, "ILLEGAL_TRANSITION")
    assert await _recorded(code) == 0

    await request_payment(gql, code)  # a new order: the next number
    second = f"{code}-TT(2)"
    assert (await post_callback(http, callback_body(second))).status_code == 200
    other = await post_callback(http, callback_body(second, transaction="TXN-2"))
    assert (other.status_code, other.json()["error"]["code"]) == (409, "CONFLICT")
    assert await _recorded(code) == 1
    order = await PaymentOrder.find_one(PaymentOrder.reference == second)
    assert order is not None
    assert order.platform_transaction == "TXN-1"


async def test_a_bank_transfers_order_is_not_paid_by_a_platform_callback(
    http: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    """The platform never had the order: a signed callback naming it records nothing."""
    await charge_with_lines()
    code = await owing_dossier(gql)
    asked = await gql.data(REQUEST_TRANSFER, {"code": code})
    assert asked["requestBankTransfer"]["errors"] == []
    answer = await post_callback(http, callback_body(f"{code}-TT(1)"))
    assert (answer.status_code, answer.json()["error"]["code"]) == (409, "ILLEGAL_TRANSITION")
    assert await _recorded(code) == 0
    assert (await dossier(gql, code))["paymentOrders"][0]["status"] == "PENDING"
