"""Domain errors: expected failures that callers turn into payload errors."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import ValidationError


class ErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    VALIDATION_FAILED = "VALIDATION_FAILED"
    INVALID_SCHEMA = "INVALID_SCHEMA"
    FORM_NOT_PUBLISHED = "FORM_NOT_PUBLISHED"
    FORM_RETIRED = "FORM_RETIRED"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    DATA_TOO_LARGE = "DATA_TOO_LARGE"
    DATA_TOO_DEEP = "DATA_TOO_DEEP"
    FORBIDDEN_KEY = "FORBIDDEN_KEY"
    ILLEGAL_TRANSITION = "ILLEGAL_TRANSITION"
    CONFLICT = "CONFLICT"
    PAYMENT_REQUIRED = "PAYMENT_REQUIRED"
    NOTHING_DUE = "NOTHING_DUE"
    APOLOGY_NOT_ALLOWED = "APOLOGY_NOT_ALLOWED"
    IDEMPOTENCY_CONFLICT = "IDEMPOTENCY_CONFLICT"
    # The first request with this idempotency key is still running: retry after a moment.
    IN_PROGRESS = "IN_PROGRESS"
    # The database cannot be reached within the operation limit: nothing was changed.
    UNAVAILABLE = "UNAVAILABLE"
    # A stored document this version cannot read (written by a newer one, or damaged).
    UNREADABLE_DOCUMENT = "UNREADABLE_DOCUMENT"
    # Attachments (docs/papers.md).
    UNKNOWN_SLOT = "UNKNOWN_SLOT"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    SPOOFED_TYPE = "SPOOFED_TYPE"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    DOSSIER_FILES_TOO_LARGE = "DOSSIER_FILES_TOO_LARGE"
    ATTACHMENTS_LOCKED = "ATTACHMENTS_LOCKED"
    MERGE_INVALID = "MERGE_INVALID"
    # A procedure group definition breaks one of its rules (docs/groups.md).
    GROUP_INVALID = "GROUP_INVALID"
    # Submission: the procedure's rule finds no agency to handle the dossier (docs/routing.md).
    NO_COMPETENT_AGENCY = "NO_COMPETENT_AGENCY"
    # The national systems (docs/integrations.md). A signed call whose signature does
    # not hold, or an integration with no secret configured;
    BAD_SIGNATURE = "BAD_SIGNATURE"
    INTEGRATION_NOT_CONFIGURED = "INTEGRATION_NOT_CONFIGURED"
    BODY_TOO_LARGE = "BODY_TOO_LARGE"
    # a callback naming a payment order that does not exist, or another amount;
    UNKNOWN_REFERENCE = "UNKNOWN_REFERENCE"
    AMOUNT_MISMATCH = "AMOUNT_MISMATCH"
    # an applicant whose identity assurance is below the procedure's, or who submits
    # under another person's (or business's) number;
    IDENTITY_LEVEL_TOO_LOW = "IDENTITY_LEVEL_TOO_LOW"
    NOT_THE_APPLICANT = "NOT_THE_APPLICANT"
    # an electronic result whose digital signature is invalid (tampered), expired, or
    # from a certificate no configured trust root vouches for.
    RESULT_SIGNATURE_INVALID = "RESULT_SIGNATURE_INVALID"
    RESULT_SIGNATURE_EXPIRED = "RESULT_SIGNATURE_EXPIRED"
    RESULT_SIGNATURE_UNTRUSTED = "RESULT_SIGNATURE_UNTRUSTED"
    # Payment extras (docs/payments.md): a fee exempted after something was paid; an order
    # that is no longer pending (paid, cancelled, refunded); a bank transfer confirmed
    # without its proof; a proof for an order not paid by bank transfer.
    ALREADY_PAID = "ALREADY_PAID"
    ORDER_NOT_PENDING = "ORDER_NOT_PENDING"
    PROOF_MISSING = "PROOF_MISSING"
    NOT_A_BANK_TRANSFER = "NOT_A_BANK_TRANSFER"


@dataclass(frozen=True)
class FieldViolation:
    """One failing field: a JSON pointer into the submitted data, a message (English), a
    stable code; the rule's parameters and the Vietnamese message (never the value)."""

    path: str
    message: str
    code: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict, hash=False, compare=False)
    message_vi: str = ""


@dataclass
class DomainError(Exception):
    code: ErrorCode
    message: str
    field: str | None = None
    violations: list[FieldViolation] = dataclasses.field(default_factory=list)
    # IN_PROGRESS (and the like): how long to wait before retrying.
    retry_after_seconds: int | None = None

    def __str__(self) -> str:
        where = f" ({self.field})" if self.field else ""
        return f"{self.code}: {self.message}{where}"


def invalid_input(error: ValidationError, field: str | None = None) -> DomainError:
    """The first complaint pydantic has about an input, as a domain error."""
    first = error.errors()[0]
    where = field or ".".join(str(part) for part in first["loc"]) or None
    return DomainError(ErrorCode.VALIDATION_FAILED, first["msg"], where)


def not_found(what: str, key: str, field: str | None = None) -> DomainError:
    # Not the key itself: it is whatever the client sent (docs/hardening.md).
    return DomainError(ErrorCode.NOT_FOUND, f"no such {what}", field)
