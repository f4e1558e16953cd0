"""Phí, lệ phí: what a dossier owes, from the procedure's declared schedule."""

from __future__ import annotations

from typing import Any

from jsonpointer import JsonPointerException, resolve_pointer

from documents.catalogue.procedures import FeeKind, FeeSchedule
from documents.dossiers.parts import PaymentStatus


def amount_due(fee: FeeSchedule, data: dict[str, Any]) -> int:
    """NONE is free; FIXED is `amount`; TABLE looks the form field up in its rows,
    falling back to `amount` when no row matches."""
    if fee.kind is FeeKind.NONE:
        return 0
    if fee.kind is FeeKind.FIXED or fee.field is None:
        return fee.amount
    try:
        value = resolve_pointer(data, fee.field, None)
    except JsonPointerException:
        value = None
    for row in fee.rows:
        if value is not None and row.value == str(value):
            return row.amount
    return fee.amount


def payment_status(due: int, paid: int) -> PaymentStatus:
    if due == 0:
        return PaymentStatus.WAIVED
    return PaymentStatus.PAID if paid >= due else PaymentStatus.UNPAID
