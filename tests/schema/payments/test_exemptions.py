"""Exempting a dossier from its fee, with a reason (issue 16, item 3): it owes nothing,
its pending orders are cancelled in the same transaction, and every refusal is typed
and changes nothing."""

from __future__ import annotations

import pytest

from documents.dossiers.events import EventType
from documents.payments.orders import OrderStatus
from tests.catalogue import OTHER_WARD, WARD
from tests.conftest import GraphQLClient
from tests.schema.payments.payment_helpers import (
    EXEMPT,
    FEE,
    charge_a_fee,
    events_of,
    orders_of,
)
from tests.schema.workflow.workflow_helpers import (
    RECORD_PAYMENT,
    REQUEST_PAYMENT,
    act,
    submit_at,
)

pytestmark = pytest.mark.usefixtures("tiny_catalogue")

REASON = "Người có công với cách mạng: miễn lệ phí theo quy định"


async def _owing(gql: GraphQLClient) -> str:
    await charge_a_fee()
    code: str = (await submit_at(gql, "2026-03-03 09:00"))["code"]
    asked = await act(gql, "2026-03-03 09:10", REQUEST_PAYMENT, code=code)
    assert asked["errors"] == [], asked["errors"]
    return code


async def test_an_exempted_dossier_owes_nothing_and_its_pending_order_is_cancelled(
    gql: GraphQLClient,
) -> None:
    code = await _owing(gql)
    assert (await act(gql, "2026-03-03 09:10", REQUEST_PAYMENT, code=code))["dossier"][
        "portalStatusCode"
    ] == 6
    [order] = await orders_of(code)
    assert order.status is OrderStatus.PENDING

    exempted = await act(
        gql, "2026-03-03 09:30", EXEMPT, role="officer:reception", code=code, reason=REASON
    )

    assert exempted["errors"] == []
    dossier = exempted["dossier"]
    # Kept as the record of what was waived; nothing is owed.
    assert (dossier["feeDue"], dossier["paymentStatus"]) == (FEE, "WAIVED")
    assert dossier["portalStatusCode"] != 6  # no longer waiting for a payment
    [cancelled] = await orders_of(code)
    assert (cancelled.status, cancelled.reason) == (OrderStatus.CANCELLED, "exempted")
    assert cancelled.cancelled_at is not None
    [event] = await events_of(code, EventType.FEE_EXEMPTED)
    assert event.payload == {"reason": REASON}
    [cancel] = await events_of(code, EventType.PAYMENT_CANCELLED)
    assert cancel.payload == {"reference": order.reference, "reason": "exempted"}
    assert cancel.position == event.position + 1  # one transaction, the exemption first
    # Nothing to ask for any more.
    again = await act(gql, "2026-03-03 09:40", REQUEST_PAYMENT, code=code)
    assert again["errors"][0]["code"] == "NOTHING_DUE"


async def test_exemption_without_an_order_yet(gql: GraphQLClient) -> None:
    await charge_a_fee()
    code = (await submit_at(gql, "2026-03-03 09:00"))["code"]
    exempted = await act(
        gql, "2026-03-03 09:30", EXEMPT, role="officer:reception", code=code, reason=REASON
    )
    assert exempted["dossier"]["paymentStatus"] == "WAIVED"
    assert await orders_of(code) == []
    assert await events_of(code, EventType.PAYMENT_CANCELLED) == []


async def test_a_reason_is_required_and_bounded(gql: GraphQLClient) -> None:
    code = await _owing(gql)
    blank = await act(
        gql, "2026-03-03 09:30", EXEMPT, role="officer:reception", code=code, reason="   "
    )
    assert blank["errors"][0]["code"] == "VALIDATION_FAILED"
    long = await gql.execute(EXEMPT, {"code": code, "reason": "x" * 1001})
    assert long["errors"][0]["extensions"]["code"] == "TEXT_TOO_LONG"
    assert (await orders_of(code))[0].status is OrderStatus.PENDING
    assert await events_of(code, EventType.FEE_EXEMPTED) == []


async def test_no_exemption_once_something_was_paid(gql: GraphQLClient) -> None:
    code = await _owing(gql)
    paid = await act(
        gql,
        "2026-03-03 09:20",
        RECORD_PAYMENT,
        code=code,
        amount=20_000,
        method="COUNTER",
        reference="BL-1",
    )
    assert paid["dossier"]["paymentStatus"] == "UNPAID"  # part of it

    refused = await act(
        gql, "2026-03-03 09:30", EXEMPT, role="officer:reception", code=code, reason=REASON
    )

    assert refused["errors"][0]["code"] == "ALREADY_PAID"
    assert refused["dossier"]["paymentStatus"] == "UNPAID"
    assert (await orders_of(code))[0].status is OrderStatus.PENDING
    assert await events_of(code, EventType.FEE_EXEMPTED) == []


async def test_no_exemption_of_a_free_dossier_or_a_finished_one(gql: GraphQLClient) -> None:
    free = (await submit_at(gql, "2026-03-03 09:00"))["code"]
    nothing = await act(
        gql, "2026-03-03 09:30", EXEMPT, role="officer:reception", code=free, reason=REASON
    )
    assert nothing["errors"][0]["code"] == "NOTHING_DUE"

    code = await _owing(gql)
    withdrawn = await act(
        gql,
        "2026-03-03 09:40",
        "mutation($code: String!, $reason: String!) { withdrawDossier(code: $code, reason: $reason) { errors { code } } }",
        role="applicant",
        code=code,
        reason="Không cần nữa",
    )
    assert withdrawn["errors"] == []
    late = await act(
        gql, "2026-03-03 09:50", EXEMPT, role="officer:reception", code=code, reason=REASON
    )
    assert late["errors"][0]["code"] == "ILLEGAL_TRANSITION"
    assert late["dossier"]["paymentStatus"] == "UNPAID"


@pytest.mark.parametrize(
    ("role", "agency"),
    [("applicant", None), ("officer:specialist", WARD)],
)
async def test_only_the_officers_who_handle_fees_exempt(
    gql: GraphQLClient, role: str, agency: str | None
) -> None:
    code = await _owing(gql)
    body = await gql.as_role(role, agency=agency or WARD).execute(
        EXEMPT, {"code": code, "reason": REASON}
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await orders_of(code))[0].status is OrderStatus.PENDING


async def test_an_unrelated_officer_does_not_see_the_dossier(gql: GraphQLClient) -> None:
    code = await _owing(gql)
    outsider = gql.as_role("officer:reception", agency=OTHER_WARD)
    refused = (await outsider.data(EXEMPT, {"code": code, "reason": REASON}))["exemptFee"]
    assert refused["errors"][0]["code"] == "NOT_FOUND"
    assert (await orders_of(code))[0].status is OrderStatus.PENDING
