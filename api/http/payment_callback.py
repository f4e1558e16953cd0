"""`POST /integrations/payment/callback`: the payment platform's signed word that an
order was paid, recorded exactly once whatever its retries (docs/payments.md,
docs/integrations.md "Payment")."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from api.http.bodies import UnacceptableJSONError, strict_json
from api.http.signed import Refused, refusal, signed_body
from api.settings import Settings
from documents.common.errors import DomainError, ErrorCode
from documents.dossiers.actor import Actor
from documents.dossiers.parts import PaymentMethod
from documents.payments.orders import PaymentOrder
from documents.workflow.settling import settle_order

ROUTE = "/integrations/payment/callback"
# Who the PAYMENT_RECORDED event names as having recorded the payment.
ACTOR = Actor(user="payment-platform")
# A callback is a few fields; anything larger is not one.
MAX_BYTES = 16 * 1024
_STATUS = {
    ErrorCode.UNKNOWN_REFERENCE: 404,
    ErrorCode.AMOUNT_MISMATCH: 409,
    ErrorCode.ILLEGAL_TRANSITION: 409,
    ErrorCode.CONFLICT: 409,
    # The database did not answer in time: nothing was recorded, and the platform retries.
    ErrorCode.UNAVAILABLE: 503,
}


class Callback(BaseModel):
    """The body the platform signs (field by field in docs/integrations.md)."""

    model_config = ConfigDict(alias_generator=to_camel, extra="ignore", frozen=True)

    reference: Annotated[str, Field(min_length=1, max_length=120)]
    transaction: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")]
    amount: Annotated[int, Field(ge=0)]
    paid_at: AwareDatetime
    # Only PAID records anything; the platform may also report a failed or expired try.
    status: Literal["PAID", "FAILED", "EXPIRED"]


def _parsed(body: bytes) -> Callback:
    """The callback, or `Refused` naming only the fields at fault."""
    try:
        return Callback.model_validate(strict_json(body))
    except (UnacceptableJSONError, json.JSONDecodeError, UnicodeDecodeError):
        raise Refused(ErrorCode.VALIDATION_FAILED, "the body is not a JSON object", 400) from None
    except ValidationError as error:
        fields = sorted({".".join(str(part) for part in e["loc"]) for e in error.errors()})
        message = f"invalid fields: {', '.join(fields)[:300]}"
        raise Refused(ErrorCode.VALIDATION_FAILED, message, 400) from None


def payment_callback_routes(settings: Settings) -> list[BaseRoute]:
    """The route, closed (401 INTEGRATION_NOT_CONFIGURED) while no payment secret is set."""

    async def receive(request: Request) -> JSONResponse:
        try:
            callback = _parsed(await signed_body(request, settings.payment_secret, MAX_BYTES))
            if callback.status != "PAID":  # nothing to record; the order stays as it is
                order = await PaymentOrder.find_one(PaymentOrder.reference == callback.reference)
                if order is None:
                    raise Refused(ErrorCode.UNKNOWN_REFERENCE, "no such payment order", 404)
            else:
                order = await settle_order(
                    callback.reference,
                    callback.transaction,
                    callback.amount,
                    callback.paid_at,
                    PaymentMethod.E_PAYMENT,
                    ACTOR,
                    hours=settings.office_hours,
                )
        except Refused as refused:
            return refusal(refused, ROUTE)
        except DomainError as error:
            # The message names the rule broken, never a value the callback carried.
            status = _STATUS.get(error.code, 422)
            return refusal(Refused(error.code, error.message, status), ROUTE)
        return JSONResponse({"reference": order.reference, "status": order.status.value})

    return [Route(ROUTE, receive, methods=["POST"])]
